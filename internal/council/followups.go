package council

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
)

// FollowUpInput is a follow-up action of a decision: what is to be done,
// by whom, by when.
type FollowUpInput struct {
	Description     string
	Responsible     string
	ResponsibleUser *int64
	Deadline        *time.Time
	DeadlineText    string
}

// Validate checks in, naming the field of the first problem.
func (in *FollowUpInput) Validate() error {
	in.Description, in.Responsible, in.DeadlineText = strings.TrimSpace(in.Description), strings.TrimSpace(in.Responsible), strings.TrimSpace(in.DeadlineText)
	if in.Description == "" {
		return app.Errorf(app.EInvalid, "error.required").WithField("description")
	}
	if err := tooLong("description", in.Description, 4000); err != nil {
		return err
	}
	if err := tooLong("responsible", in.Responsible, MaxShort); err != nil {
		return err
	}
	return tooLong("deadline_text", in.DeadlineText, MaxShort)
}

// itemSource is the measure source of an item's follow-up actions.
func itemSource(o *org.Organisation, c *Council, m *Meeting, it *Item) measure.Source {
	vis := "private"
	if c.Public() && !it.Closed {
		vis = "public"
	}
	title := c.Name + " " + m.StartsAt.In(o.Location()).Format("02.01.2006") + ", " + strconv.Itoa(it.Number()) + ". " + it.Title
	return measure.Source{Kind: measure.SourceCouncil, CouncilItemID: it.ID, Path: it.Path(), Title: title, Visibility: vis}
}

func followUps(ctx context.Context, idb bun.IDB, orgID, itemID int64) ([]measure.Measure, error) {
	rows, err := measure.MeasuresOfCouncilItems(ctx, idb, orgID, []int64{itemID})
	if err != nil {
		return nil, err
	}
	out := make([]measure.Measure, len(rows))
	for i, r := range rows {
		out[i] = r.Measure()
	}
	return out, nil
}

// followUpEdit runs fn on the follow-up actions of an item and saves what
// it changed through measure.Save; check, when set, is a new action whose
// responsible user must be a member of o. Follow-up actions are what became of a
// decision after the meeting: they change whether or not the minutes are
// approved.
func (s *Service) followUpEdit(ctx context.Context, o *org.Organisation, a *app.Actor, councilID, meetingID, itemID int64,
	check *FollowUpInput, fn func(list []measure.Measure) ([]measure.Measure, error)) error {
	now := s.Clock.Now()
	return db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		c := new(Council)
		if err := getCouncil(ctx, tx, o.ID, councilID, c); err != nil {
			return err
		}
		m := new(Meeting)
		if err := getMeeting(ctx, tx, o.ID, councilID, meetingID, m); err != nil {
			return err
		}
		it := new(Item)
		if err := getItem(ctx, tx, o.ID, meetingID, itemID, it); err != nil {
			return err
		}
		if check != nil && check.ResponsibleUser != nil {
			member, err := org.HasMember(ctx, tx, o.ID, *check.ResponsibleUser)
			if err != nil {
				return err
			}
			if !member {
				return app.Errorf(app.EInvalid, "council.error.user").WithField("responsible_user")
			}
		}
		old, err := followUps(ctx, tx, o.ID, itemID)
		if err != nil {
			return err
		}
		next, err := fn(append([]measure.Measure(nil), old...))
		if err != nil {
			return err
		}
		seasons := measure.SeasonsOf(o)
		src := itemSource(o, c, m, it)
		return measure.Save(ctx, tx, measure.Change{OrgID: o.ID, Seasons: seasons, Source: src, OldVisibility: src.Visibility,
			OldMeasures: old, Measures: next, AuthorID: a.AuthorID(), AuthorName: a.AuthorName(), Now: now})
	})
}

// AddFollowUp adds a follow-up action to an item's decision: a shared
// measure on its responsible's "My work".
func (s *Service) AddFollowUp(ctx context.Context, o *org.Organisation, a *app.Actor, councilID, meetingID, itemID int64, in FollowUpInput) (string, error) {
	if err := in.Validate(); err != nil {
		return "", err
	}
	id := measure.NewID()
	err := s.followUpEdit(ctx, o, a, councilID, meetingID, itemID, &in, func(list []measure.Measure) ([]measure.Measure, error) {
		if len(list) >= 50 {
			return nil, app.Errorf(app.EInvalid, "council.error.too_many_followups", "max", 50)
		}
		return append(list, measure.Measure{ID: id, Description: in.Description, Responsible: in.Responsible,
			ResponsibleUser: in.ResponsibleUser, Deadline: in.Deadline, DeadlineText: in.DeadlineText, Status: measure.StatusNotStarted}), nil
	})
	return id, err
}

// RemoveFollowUp takes a follow-up action off a decision.
func (s *Service) RemoveFollowUp(ctx context.Context, o *org.Organisation, a *app.Actor, councilID, meetingID, itemID int64, id string) error {
	return s.followUpEdit(ctx, o, a, councilID, meetingID, itemID, nil, func(list []measure.Measure) ([]measure.Measure, error) {
		for i, m := range list {
			if m.ID == id {
				return append(list[:i], list[i+1:]...), nil
			}
		}
		return nil, app.Errorf(app.ENotFound, "measure.error.not_found")
	})
}

// revisibleFollowUps gives the follow-up actions of council c the
// visibility of their decisions after the council or an item turned
// public or private.
func (s *Service) revisibleFollowUps(ctx context.Context, tx bun.Tx, c *Council, now time.Time) error {
	var its []*Item
	if err := tx.NewSelect().Model(&its).Column("id", "closed").Where("org_id = ? AND council_id = ?", c.OrgID, c.ID).Scan(ctx); err != nil {
		return err
	}
	var open, closed []int64
	for _, it := range its {
		if c.Public() && !it.Closed {
			open = append(open, it.ID)
		} else {
			closed = append(closed, it.ID)
		}
	}
	for vis, ids := range map[string][]int64{"public": open, "private": closed} {
		if len(ids) == 0 {
			continue
		}
		if _, err := tx.NewUpdate().Model((*measure.MeasureRow)(nil)).Set("visibility = ?", vis).
			Where("org_id = ? AND council_item_id IN (?)", c.OrgID, bun.In(ids)).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// MeasureUpdate is a status update of a follow-up action.
type MeasureUpdate = measure.StatusUpdate

// ErrNotCouncilMeasure is UpdateMeasure's answer for a measure another
// source holds.
var ErrNotCouncilMeasure = errors.New("council: not a follow-up action")

// UpdateMeasure sets a follow-up action's status and progress with a
// note, from the measure's page, "My work" or the API; the timeline gets
// the step, the audit log an entry.
func (s *Service) UpdateMeasure(ctx context.Context, o *org.Organisation, a *app.Actor, id string, up MeasureUpdate) (*measure.MeasureRow, error) {
	var row *measure.MeasureRow
	now := s.Clock.Now()
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		var err error
		row, err = measure.FindMeasure(ctx, tx, o.ID, id)
		if err != nil {
			return err
		}
		if row.SourceKind != measure.SourceCouncil {
			return ErrNotCouncilMeasure
		}
		status, err := up.Check()
		if err != nil {
			return err
		}
		progress := up.ProgressFrom(row.Progress)
		before := row.Status
		st := measure.Status{Status: status, Progress: progress, Note: strings.TrimSpace(up.Note), AuthorID: a.AuthorID(), AuthorName: a.AuthorName(), Now: now}
		if err := measure.SetStatus(ctx, tx, row, st); err != nil {
			return err
		}
		detail := map[string]string{"from": before, "to": status, "progress": strconv.Itoa(progress)}
		return audit.Record(ctx, tx, o.ID, audit.MeasureUpdated, row.Description, detail, now)
	})
	return row, err
}

// ItemOf answers the council, meeting and item whose decision a follow-up
// action serves, for the measure's own page.
func (s *Service) ItemOf(ctx context.Context, o *org.Organisation, itemID int64) (*Council, *Meeting, *Item, error) {
	c, m, it := new(Council), new(Meeting), new(Item)
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		if err := db.Err(idb.NewSelect().Model(it).ExcludeColumn("search_text").Where("org_id = ? AND id = ?", o.ID, itemID).Scan(ctx),
			"council.error.item_not_found"); err != nil {
			return err
		}
		if err := getMeeting(ctx, idb, o.ID, it.CouncilID, it.MeetingID, m); err != nil {
			return err
		}
		return getCouncil(ctx, idb, o.ID, it.CouncilID, c)
	})
	return c, m, it, err
}

// EarlierAction is a follow-up action of an earlier meeting's decision,
// as the next agenda's status of earlier decisions lists it.
type EarlierAction struct {
	Meeting *Meeting
	Item    *Item
	Measure *measure.MeasureRow
}

// earlierActions answers the follow-up actions of the decisions of
// council c's meetings before m: those still open, and those closed since
// the meeting before m (so the council hears what was finished), by
// meeting and item; and the meetings before m it looked in (not
// cancelled, newest first, at most 200).
func earlierActions(ctx context.Context, idb bun.IDB, orgID int64, c *Council, m *Meeting) ([]EarlierAction, []*Meeting, error) {
	var before []*Meeting
	bctx, a := db.Bind(ctx, idb, orgID, c.ID, m.StartsAt, MeetingCancelled) // on every meeting page: planned once a connection
	if err := idb.NewSelect().Model(&before).Where("org_id = ? AND council_id = ? AND starts_at < ? AND status <> ?", a...).
		OrderExpr("starts_at DESC").Limit(200).Scan(bctx); err != nil {
		return nil, nil, err
	}
	if len(before) == 0 {
		return nil, nil, nil
	}
	since := before[0].StartsAt
	byMeeting := map[int64]*Meeting{}
	for _, b := range before {
		byMeeting[b.ID] = b
	}
	// The actions that may show, chosen by the database (a council of 60
	// meetings has hundreds of items, most of them long settled), then
	// only their items, and only what the table and the document print;
	// those of other councils' and later meetings are left out below.
	rows, err := measure.CouncilFollowUps(ctx, idb, orgID, since)
	if err != nil || len(rows) == 0 {
		return nil, before, err
	}
	itemIDs := make([]int64, 0, len(rows))
	for _, r := range rows {
		itemIDs = append(itemIDs, *r.CouncilItemID)
	}
	var its []*Item
	in, list := db.AnyOf(idb, "id", itemIDs)
	bctx, a = db.Bind(ctx, idb, orgID, list)
	if err := idb.NewSelect().Model(&its).Column("org_id", "id", "council_id", "meeting_id", "position", "title", "closed").
		Where("org_id = ? AND "+in, a...).Scan(bctx); err != nil {
		return nil, nil, err
	}
	byItem := map[int64]*Item{}
	for _, it := range its {
		byItem[it.ID] = it
	}
	var out []EarlierAction
	for _, r := range rows {
		it := byItem[*r.CouncilItemID]
		if it == nil || byMeeting[it.MeetingID] == nil {
			continue
		}
		out = append(out, EarlierAction{Meeting: byMeeting[it.MeetingID], Item: it, Measure: r})
	}
	slices.SortStableFunc(out, func(a, b EarlierAction) int {
		return cmp.Or(a.Meeting.StartsAt.Compare(b.Meeting.StartsAt), cmp.Compare(a.Item.Position, b.Item.Position),
			cmp.Compare(a.Measure.Position, b.Measure.Position))
	})
	return out, before, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
