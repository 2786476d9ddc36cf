package survey

import (
	"cmp"
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/plan"
)

// Followup is a measure that follows up a round's axis.
type Followup struct {
	Axis    string
	Measure *measure.MeasureRow
}

// FollowupInput is a follow-up of a low axis: what is to be done, by
// whom, by when; placed in a focus area of one of the municipality's
// plans (PlanID, PlanRev, AreaID), or a measure of its own when PlanID is
// 0.
type FollowupInput struct {
	Axis            string
	Description     string
	Responsible     string
	ResponsibleUser *int64
	Deadline        *time.Time
	DeadlineText    string
	PlanID          int64
	PlanRev         int
	AreaID          string
}

// MaxFollowups bounds a round's follow-ups.
const MaxFollowups = 100

func (in *FollowupInput) validate(c *Content) error {
	in.Description, in.Responsible, in.DeadlineText = strings.TrimSpace(in.Description), strings.TrimSpace(in.Responsible), strings.TrimSpace(in.DeadlineText)
	if _, ok := c.Axis(in.Axis); !ok {
		return app.Errorf(app.EInvalid, "survey.error.axis").WithField("axis")
	}
	switch {
	case in.Description == "":
		return app.Errorf(app.EInvalid, "error.required").WithField("description")
	case utf8.RuneCountInString(in.Description) > 4000:
		return app.Errorf(app.EInvalid, "error.too_long", "max", 4000).WithField("description")
	case in.Responsible == "" && in.ResponsibleUser == nil:
		return app.Errorf(app.EInvalid, "survey.error.responsible").WithField("responsible")
	case utf8.RuneCountInString(in.Responsible) > 200:
		return app.Errorf(app.EInvalid, "error.too_long", "max", 200).WithField("responsible")
	case in.Deadline == nil && in.DeadlineText == "":
		return app.Errorf(app.EInvalid, "survey.error.deadline").WithField("deadline")
	case utf8.RuneCountInString(in.DeadlineText) > 200:
		return app.Errorf(app.EInvalid, "error.too_long", "max", 200).WithField("deadline_text")
	}
	return nil
}

// AddFollowup makes a shared measure that follows up axis in.Axis of o's
// round id, with a responsible and a deadline: on the responsible's "My
// work" and in reminders like every measure, and linked back to the
// round. It answers the measure's id.
func (s *Service) AddFollowup(ctx context.Context, o *org.Organisation, a *app.Actor, id int64, in FollowupInput) (string, error) {
	r, err := s.Round(ctx, o, id)
	if err != nil {
		return "", err
	}
	if err := in.validate(&r.Content); err != nil {
		return "", err
	}
	if in.ResponsibleUser != nil {
		// The person must be a member; named by a person only, the
		// measure shows their name as its responsible.
		var names []struct{ Name, Email string }
		if err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
			return idb.NewRaw("SELECT u.name, u.email FROM users AS u JOIN memberships AS m ON m.user_id = u.id WHERE m.org_id = ? AND u.id = ?",
				o.ID, *in.ResponsibleUser).Scan(ctx, &names)
		}); err != nil {
			return "", err
		}
		if len(names) == 0 {
			return "", app.Errorf(app.EInvalid, "survey.error.responsible").WithField("responsible_user")
		}
		if in.Responsible == "" {
			in.Responsible = cmp.Or(names[0].Name, names[0].Email)
		}
	}
	ax, _ := r.Content.Axis(in.Axis)
	now := s.now()
	if in.PlanID != 0 {
		if s.Plans == nil {
			return "", app.Errorf(app.EInvalid, "survey.error.plan").WithField("plan")
		}
		timeline := in.DeadlineText
		if timeline == "" {
			timeline = in.Deadline.Format(time.DateOnly)
		}
		mid, err := s.Plans.AddItem(ctx, o, a, in.PlanID, in.PlanRev, in.AreaID, "", plan.ItemInput{Kind: plan.ItemMeasure,
			Text: in.Description, Problem: r.Title + ": " + ax.Names.In(r.Content.Base()), Timeline: timeline,
			Responsible: in.Responsible, ResponsibleUser: in.ResponsibleUser})
		if err != nil {
			return "", err
		}
		return mid, db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
			return s.linkFollowup(ctx, tx, o, r, in.Axis, mid, now)
		})
	}
	mid := measure.NewID()
	err = db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		n, err := tx.NewSelect().Model((*followup)(nil)).Where("org_id = ? AND round_id = ?", o.ID, r.ID).Count(ctx)
		if err != nil {
			return err
		}
		if n >= MaxFollowups {
			return app.Errorf(app.EInvalid, "survey.error.too_many", "max", MaxFollowups).WithField("description")
		}
		m := measure.Measure{ID: mid, Description: in.Description, Responsible: in.Responsible, ResponsibleUser: in.ResponsibleUser,
			Deadline: in.Deadline, DeadlineText: in.DeadlineText, Status: measure.StatusNotStarted}
		src := measure.Source{Kind: measure.SourceSurvey, Path: r.Path(), Title: r.Title + ": " + ax.Names.In(r.Content.Base()), Visibility: "private"}
		if err := measure.Save(ctx, tx, measure.Change{OrgID: o.ID, Seasons: measure.SeasonsOf(o), Source: src, Measures: []measure.Measure{m},
			AuthorID: a.AuthorID(), AuthorName: a.AuthorName(), Now: now}); err != nil {
			return err
		}
		return s.linkFollowup(ctx, tx, o, r, in.Axis, mid, now)
	})
	return mid, err
}

func (s *Service) linkFollowup(ctx context.Context, tx bun.Tx, o *org.Organisation, r *Round, axis, mid string, now time.Time) error {
	if _, err := tx.NewInsert().Model(&followup{OrgID: o.ID, MeasureID: mid, RoundID: r.ID, Axis: axis}).Exec(ctx); err != nil {
		return err
	}
	return audit.Record(ctx, tx, o.ID, "survey.followup", r.Title, map[string]string{"axis": axis, "measure": mid}, now)
}

// followupsOf answers the live follow-ups of orgID's round id.
func followupsOf(ctx context.Context, idb bun.IDB, orgID, roundID int64) ([]Followup, error) {
	var fs []*followup
	if err := idb.NewSelect().Model(&fs).Where("org_id = ? AND round_id = ?", orgID, roundID).Limit(MaxFollowups).Scan(ctx); err != nil {
		return nil, err
	}
	ids := make([]string, len(fs))
	for i, f := range fs {
		ids[i] = f.MeasureID
	}
	ms, err := measure.FindMeasures(ctx, idb, orgID, ids)
	if err != nil {
		return nil, err
	}
	var out []Followup
	for _, f := range fs {
		if m := ms[f.MeasureID]; m != nil { // else taken out of its plan since
			out = append(out, Followup{Axis: f.Axis, Measure: m})
		}
	}
	return out, nil
}

// RoundOf answers the round and axis a measure follows up, for the
// measure's page; app.ENotFound when it follows up none.
func (s *Service) RoundOf(ctx context.Context, o *org.Organisation, measureID string) (*Round, string, error) {
	var r *Round
	var axis string
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		f := new(followup)
		if err := db.Err(idb.NewSelect().Model(f).Where("org_id = ? AND measure_id = ?", o.ID, measureID).Scan(ctx), "survey.error.round_not_found"); err != nil {
			return err
		}
		r, axis = new(Round), f.Axis
		return getRound(ctx, idb, o.ID, f.RoundID, r)
	})
	return r, axis, err
}

// ErrNotSurveyMeasure is UpdateMeasure's answer for a measure another
// source holds.
var ErrNotSurveyMeasure = errors.New("survey: not a follow-up of its own")

// UpdateMeasure sets a follow-up measure's status and progress with a
// note, from the measure's page, "My work" or the API.
func (s *Service) UpdateMeasure(ctx context.Context, o *org.Organisation, a *app.Actor, id string, up measure.StatusUpdate) (*measure.MeasureRow, error) {
	var row *measure.MeasureRow
	now := s.now()
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		var err error
		if row, err = measure.FindMeasure(ctx, tx, o.ID, id); err != nil {
			return err
		}
		if row.SourceKind != measure.SourceSurvey {
			return ErrNotSurveyMeasure
		}
		status, err := up.Check()
		if err != nil {
			return err
		}
		progress := up.ProgressFrom(row.Progress)
		before := row.Status
		if err := measure.SetStatus(ctx, tx, row, measure.Status{Status: status, Progress: progress, Note: strings.TrimSpace(up.Note),
			AuthorID: a.AuthorID(), AuthorName: a.AuthorName(), Now: now}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, audit.MeasureUpdated, row.Description,
			map[string]string{"from": before, "to": status, "progress": strconv.Itoa(progress)}, now)
	})
	return row, err
}

// FeedIndicators writes the axis figures of o's closed round r to the
// indicators its questionnaire names: for each such axis, in the round's
// year, the respondents whose mean on the axis is at least GoodFrom over
// those who answered it (a percent indicator, yearly). An axis naming an
// indicator o cannot report (unknown, not a yearly percent) is skipped.
func (s *Service) FeedIndicators(ctx context.Context, o *org.Organisation, a *app.Actor, r *Round) error {
	if s.Indicators == nil {
		return nil
	}
	res, err := s.Results(ctx, o, r.ID)
	if err != nil {
		return err
	}
	var entries []indicator.Entry
	for _, ax := range r.Content.Axes {
		if ax.Indicator == "" {
			continue
		}
		sc, ok := res.Rose.Axis(ax.Key)
		if !ok || sc.Answered == 0 {
			continue
		}
		ind, err := s.Indicators.Indicator(ctx, o, ax.Indicator)
		if err != nil || ind.Unit != indicator.UnitPercent || ind.Periodicity != indicator.Yearly {
			continue
		}
		num, den := float64(sc.Good), float64(sc.Answered)
		entries = append(entries, indicator.Entry{Code: ax.Indicator, Period: strconv.Itoa(r.Year), Num: &num, Den: &den,
			Note: r.Title})
	}
	if len(entries) == 0 {
		return nil
	}
	_, err = s.Indicators.Save(ctx, o, a.User(), entries)
	return err
}
