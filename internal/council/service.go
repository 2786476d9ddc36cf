package council

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/files"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/ratelimit"
)

// Service holds the council rules.
type Service struct {
	DB    *bun.DB
	Clock app.Clock
	// Files keeps attachments (required to attach).
	Files *files.Service
	// Limits bounds uploads and comments per user (required for both).
	Limits *ratelimit.Limiter
}

// Rate limits of the expensive actions.
var (
	AttachmentsPerHour = ratelimit.Limit{Name: "council.attach.user.hour", Max: 60, Window: time.Hour}
	CommentsPerHour    = ratelimit.Limit{Name: "council.comment.user.hour", Max: 60, Window: time.Hour}
)

// CouncilInput is what a form or the API says of a council.
type CouncilInput struct {
	Kind        string
	Name        string
	TermFrom    *int
	TermTo      *int
	MinMeetings int
	Statutes    string
	Place       string
	SignOff     string // "": the country's (SignOffFor)
	Visibility  string // "": private
}

// Validate checks in, naming the field of the first problem.
func (in *CouncilInput) Validate() error {
	in.Name, in.Place = strings.TrimSpace(in.Name), strings.TrimSpace(in.Place)
	switch {
	case !validKind(Kinds, in.Kind):
		return app.Errorf(app.EInvalid, "council.error.kind").WithField("kind")
	case in.Name == "":
		return app.Errorf(app.EInvalid, "error.required").WithField("name")
	case utf8.RuneCountInString(in.Name) > MaxName:
		return app.Errorf(app.EInvalid, "error.too_long", "max", MaxName).WithField("name")
	case in.TermFrom != nil && (*in.TermFrom < 1900 || *in.TermFrom > 2200):
		return app.Errorf(app.EInvalid, "council.error.year").WithField("term_from")
	case in.TermTo != nil && (*in.TermTo < 1900 || *in.TermTo > 2200):
		return app.Errorf(app.EInvalid, "council.error.year").WithField("term_to")
	case in.TermFrom != nil && in.TermTo != nil && *in.TermTo < *in.TermFrom:
		return app.Errorf(app.EInvalid, "council.error.term").WithField("term_to")
	case in.MinMeetings < 0 || in.MinMeetings > 52:
		return app.Errorf(app.EInvalid, "council.error.min_meetings").WithField("min_meetings")
	case utf8.RuneCountInString(in.Statutes) > MaxStatutes:
		return app.Errorf(app.EInvalid, "error.too_long", "max", MaxStatutes).WithField("statutes")
	case utf8.RuneCountInString(in.Place) > MaxShort:
		return app.Errorf(app.EInvalid, "error.too_long", "max", MaxShort).WithField("place")
	case in.SignOff != "" && !validKind(SignOffs, in.SignOff):
		return app.Errorf(app.EInvalid, "council.error.sign_off").WithField("sign_off")
	case in.Visibility != "" && in.Visibility != VisibilityPrivate && in.Visibility != VisibilityPublic:
		return app.Errorf(app.EInvalid, "council.error.visibility").WithField("visibility")
	}
	if in.Visibility == "" {
		in.Visibility = VisibilityPrivate
	}
	return nil
}

func (in *CouncilInput) apply(c *Council) {
	c.Kind, c.Name, c.TermFrom, c.TermTo, c.MinMeetings = in.Kind, in.Name, in.TermFrom, in.TermTo, in.MinMeetings
	c.Statutes, c.Place, c.Visibility = strings.TrimSpace(in.Statutes), in.Place, in.Visibility
	if in.SignOff != "" {
		c.SignOff = in.SignOff
	}
}

// InputOf answers c as a form's input.
func InputOf(c *Council) CouncilInput {
	return CouncilInput{Kind: c.Kind, Name: c.Name, TermFrom: c.TermFrom, TermTo: c.TermTo, MinMeetings: c.MinMeetings,
		Statutes: c.Statutes, Place: c.Place, SignOff: c.SignOff, Visibility: c.Visibility}
}

// Standing is a council on the list: how many meetings it has in a year
// against its statute, and its next meeting.
type Standing struct {
	*Council
	Year     int
	Meetings int      // not cancelled, in Year
	Next     *Meeting // the next meeting not cancelled, if any
}

// Short reports whether the year's meetings fall short of the statute.
func (s Standing) Short() bool { return s.MinMeetings > 0 && s.Meetings < s.MinMeetings }

// List answers o's councils by name, each with its standing in year.
func (s *Service) List(ctx context.Context, o *org.Organisation, year int) ([]Standing, error) {
	var out []Standing
	loc := o.Location()
	from, to := time.Date(year, 1, 1, 0, 0, 0, 0, loc), time.Date(year+1, 1, 1, 0, 0, 0, 0, loc)
	now := s.Clock.Now()
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var cs []*Council
		if err := idb.NewSelect().Model(&cs).Where("org_id = ?", o.ID).OrderExpr("name, id").Limit(200).Scan(ctx); err != nil {
			return err
		}
		var counts []struct {
			CouncilID int64 `bun:"council_id"`
			N         int   `bun:"n"`
		}
		if err := idb.NewSelect().Model((*Meeting)(nil)).Column("council_id").ColumnExpr("COUNT(*) AS n").
			Where("org_id = ? AND status <> ? AND starts_at >= ? AND starts_at < ?", o.ID, MeetingCancelled, from, to).
			Group("council_id").Scan(ctx, &counts); err != nil {
			return err
		}
		var next []*Meeting
		if err := idb.NewSelect().Model(&next).Where("org_id = ? AND status <> ? AND starts_at >= ?", o.ID, MeetingCancelled, now).
			OrderExpr("starts_at").Limit(500).Scan(ctx); err != nil {
			return err
		}
		for _, c := range cs {
			st := Standing{Council: c, Year: year}
			for _, n := range counts {
				if n.CouncilID == c.ID {
					st.Meetings = n.N
				}
			}
			for _, m := range next {
				if m.CouncilID == c.ID {
					st.Next = m
					break
				}
			}
			out = append(out, st)
		}
		return nil
	})
	return out, err
}

// Create stores a new council of municipality o.
func (s *Service) Create(ctx context.Context, o *org.Organisation, in CouncilInput) (*Council, error) {
	if o.Kind != org.KindMunicipality {
		return nil, app.Errorf(app.EInvalid, "council.error.not_municipality")
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	c := &Council{OrgID: o.ID, SignOff: SignOffFor(o.Country), CreatedAt: now, UpdatedAt: now}
	in.apply(c)
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(c).Returning("id").Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, audit.CouncilCreated, c.Name, nil, now)
	})
	return c, err
}

// Get answers council id of o (app.ENotFound for another's or none).
func (s *Service) Get(ctx context.Context, o *org.Organisation, id int64) (*Council, error) {
	c := new(Council)
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		return getCouncil(ctx, idb, o.ID, id, c)
	})
	return c, err
}

func getCouncil(ctx context.Context, idb bun.IDB, orgID, id int64, c *Council) error {
	ctx, a := db.Bind(ctx, idb, orgID, id)
	return db.Err(idb.NewSelect().Model(c).Where("org_id = ? AND id = ?", a...).Scan(ctx), "council.error.not_found")
}

// Update changes a council's details.
func (s *Service) Update(ctx context.Context, o *org.Organisation, id int64, in CouncilInput) (*Council, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	c := new(Council)
	now := s.Clock.Now()
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		if err := getCouncil(ctx, tx, o.ID, id, c); err != nil {
			return err
		}
		wasPublic := c.Public()
		in.apply(c)
		c.UpdatedAt = now
		if _, err := tx.NewUpdate().Model(c).ExcludeColumn("org_id", "id", "created_at").Where("org_id = ? AND id = ?", o.ID, id).Exec(ctx); err != nil {
			return err
		}
		if wasPublic != c.Public() {
			if err := s.revisibleFollowUps(ctx, tx, c, now); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, o.ID, audit.CouncilUpdated, c.Name, nil, now)
	})
	return c, err
}

// Delete removes a council with its members and meetings; only a council
// whose minutes were never approved may go (what a council decided stays
// on record).
func (s *Service) Delete(ctx context.Context, o *org.Organisation, id int64) error {
	now := s.Clock.Now()
	return db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		c := new(Council)
		if err := getCouncil(ctx, tx, o.ID, id, c); err != nil {
			return err
		}
		n, err := tx.NewSelect().Model((*Minutes)(nil)).
			Where("org_id = ? AND approved_at IS NOT NULL AND meeting_id IN (SELECT id FROM council_meetings WHERE org_id = ? AND council_id = ?)", o.ID, o.ID, id).Count(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return app.Errorf(app.EConflict, "council.error.delete_approved")
		}
		if _, err := tx.NewDelete().Model((*Council)(nil)).Where("org_id = ? AND id = ?", o.ID, id).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, audit.Deletion, c.Name, map[string]string{"kind": "council"}, now)
	})
}

func tooLong(field, v string, max int) error {
	if utf8.RuneCountInString(v) > max {
		return app.Errorf(app.EInvalid, "error.too_long", "max", max).WithField(field)
	}
	return nil
}
