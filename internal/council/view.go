package council

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/search"
)

// MeetingView is everything a meeting's page shows: the council and its
// members on the day, attendance, the agenda with attachments and
// follow-up actions, the status of earlier decisions, and the minutes'
// versions with their steps.
type MeetingView struct {
	Council  *Council
	Meeting  *Meeting
	Members  []*Member // every membership of the council
	Roll     Roll
	Doc      *Doc // the minutes as they stand (the live record)
	Earlier  []EarlierAction
	Minutes  *Minutes // the latest version, nil before the meeting is held
	Versions []*Minutes
	Events   map[int64][]*Event
	Signers  []*Member
	Signed   []int64 // members who signed the latest version since its last amendment
	// Later are the council's later meetings, for approval at the next
	// meeting.
	Later []*Meeting
	// Pending are, for a council whose next meeting approves the minutes,
	// its earlier meetings whose minutes are not yet approved: this
	// meeting can approve them.
	Pending []*Meeting
}

// Locked reports whether the meeting's record is locked by approved
// minutes.
func (v *MeetingView) Locked() bool { return v.Minutes != nil && v.Minutes.Locked() }

// Meeting answers a meeting's page.
func (s *Service) Meeting(ctx context.Context, o *org.Organisation, councilID, meetingID int64) (*MeetingView, error) {
	v := &MeetingView{Council: new(Council), Meeting: new(Meeting)}
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		if err := getCouncil(ctx, idb, o.ID, councilID, v.Council); err != nil {
			return err
		}
		if err := getMeeting(ctx, idb, o.ID, councilID, meetingID, v.Meeting); err != nil {
			return err
		}
		r, err := readRecord(ctx, idb, o, v.Council, v.Meeting)
		if err != nil {
			return err
		}
		v.Members, v.Roll, v.Earlier = r.members, r.roll, r.earlier
		if v.Doc, err = docOf(ctx, idb, o, v.Council, v.Meeting, r); err != nil {
			return err
		}
		if v.Versions, v.Events, err = versions(ctx, idb, o.ID, meetingID); err != nil {
			return err
		}
		if len(v.Versions) > 0 {
			v.Minutes = v.Versions[0]
			if eventCount(v.Events) < maxEvents {
				v.Signed = signers(v.Events[v.Minutes.ID]) // versions read every version's events, in order
			} else if v.Signed, err = signedBy(ctx, idb, v.Minutes); err != nil {
				return err
			}
		}
		v.Signers = Signers(v.Council, v.Meeting, v.Roll)
		bctx, a := db.Bind(ctx, idb, o.ID, councilID, v.Meeting.StartsAt, MeetingCancelled) // planned once a connection
		if err := idb.NewSelect().Model(&v.Later).Where("org_id = ? AND council_id = ? AND starts_at > ? AND status <> ?", a...).
			OrderExpr("starts_at").Limit(12).Scan(bctx); err != nil {
			return err
		}
		if v.Council.SignOff != SignOffNextMeeting {
			return nil
		}
		// The meetings held before this one whose minutes wait for
		// approval: of the latest twelve held (the record's earlier
		// meetings, newest first), oldest first.
		var held []int64
		for _, b := range r.before {
			if b.Status == MeetingHeld && len(held) < 12 {
				held = append(held, b.ID)
			}
		}
		latest, err := latestMinutesOf(ctx, idb, o.ID, held)
		if err != nil {
			return err
		}
		for i := len(held) - 1; i >= 0; i-- {
			if mn := latest[held[i]]; mn != nil && !mn.Locked() {
				v.Pending = append(v.Pending, r.meeting(held[i]))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// PublicMeeting is a public council's meeting as anyone may read it: the
// published agenda (its items not closed) before the minutes are
// published, the newest published minutes after.
type PublicMeeting struct {
	Council *Council
	Meeting *Meeting
	Doc     *Doc // without closed items
	Minutes bool // Doc is published minutes (not the agenda)
	Version *Minutes
}

// PublicCouncil answers a public council with its meetings (not
// cancelled), or app.ENotFound when the council is not public.
func (s *Service) PublicCouncil(ctx context.Context, o *org.Organisation, councilID int64) (*Council, []*Meeting, error) {
	c, err := s.Get(ctx, o, councilID)
	if err != nil {
		return nil, nil, err
	}
	if !c.Public() {
		return nil, nil, app.Errorf(app.ENotFound, "council.error.not_found")
	}
	ms, err := s.Meetings(ctx, o, c, 0)
	if err != nil {
		return nil, nil, err
	}
	var out []*Meeting
	for _, m := range ms {
		if m.Status != MeetingCancelled {
			out = append(out, m)
		}
	}
	return c, out, nil
}

// PublicMeeting answers what the public may read of a meeting: app.ENotFound
// unless the council is public and the meeting's agenda or minutes are
// published.
func (s *Service) PublicMeeting(ctx context.Context, o *org.Organisation, councilID, meetingID int64) (*PublicMeeting, error) {
	pm := &PublicMeeting{Council: new(Council), Meeting: new(Meeting)}
	notFound := app.Errorf(app.ENotFound, "council.error.meeting_not_found")
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		if err := getCouncil(ctx, idb, o.ID, councilID, pm.Council); err != nil {
			return err
		}
		if !pm.Council.Public() {
			return notFound
		}
		if err := getMeeting(ctx, idb, o.ID, councilID, meetingID, pm.Meeting); err != nil {
			return err
		}
		mn := new(Minutes)
		err := idb.NewSelect().Model(mn).Where("org_id = ? AND meeting_id = ? AND state = ?", o.ID, meetingID, MinutesPublished).
			OrderExpr("version DESC").Limit(1).Scan(ctx)
		if err == nil {
			d, err := mn.Doc()
			if err != nil || d == nil {
				return err
			}
			pm.Doc, pm.Minutes, pm.Version = d.Public(), true, mn
			return nil
		}
		if !pm.Meeting.AgendaPublic() {
			return notFound
		}
		d, err := buildDoc(ctx, idb, o, pm.Council, pm.Meeting)
		if err != nil {
			return err
		}
		// An agenda says what will be discussed, not what was decided.
		d.Present, d.Absent = nil, nil
		for i := range d.Items {
			d.Items[i].Decision, d.Items[i].DecisionType, d.Items[i].FollowUps = "", "", nil
		}
		pm.Doc = d.Public()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return pm, nil
}

// DecisionFilter narrows the decision register.
type DecisionFilter struct {
	CouncilID int64
	Year      int
	Type      string
	Text      string
	Limit     int
}

// Decision is a row of the decision register: an item with a decision,
// its meeting and council, and how its follow-up actions stand.
type Decision struct {
	Council   *Council
	Meeting   *Meeting
	Item      *Item
	FollowUps []*measure.MeasureRow
}

// OpenFollowUps counts the follow-up actions not done or cancelled.
func (d Decision) OpenFollowUps() int {
	n := 0
	for _, f := range d.FollowUps {
		if !measure.Closed(f.Status) {
			n++
		}
	}
	return n
}

// Decisions answers the decision register: items with a decision, newest
// meeting first, across o's councils and years, as f narrows it.
func (s *Service) Decisions(ctx context.Context, o *org.Organisation, f DecisionFilter) ([]Decision, error) {
	var out []Decision
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var its []*Item
		q := idb.NewSelect().Model(&its).ExcludeColumn("search_text").
			Join("JOIN council_meetings AS mt ON mt.org_id = ci.org_id AND mt.id = ci.meeting_id").
			Where("ci.org_id = ? AND (ci.decision <> '' OR ci.decision_type <> '')", o.ID)
		if f.CouncilID != 0 {
			q.Where("ci.council_id = ?", f.CouncilID)
		}
		if f.Year != 0 {
			loc := o.Location()
			q.Where("mt.starts_at >= ? AND mt.starts_at < ?", time.Date(f.Year, 1, 1, 0, 0, 0, 0, loc), time.Date(f.Year+1, 1, 1, 0, 0, 0, 0, loc))
		}
		if f.Type != "" {
			q.Where("ci.decision_type = ?", f.Type)
		}
		for _, w := range strings.Fields(search.Fold(f.Text)) {
			q.Where("ci.search_text LIKE ? ESCAPE '!'", search.Contains(w))
		}
		if err := q.OrderExpr("mt.starts_at DESC, ci.position").Limit(int64(limit)).Scan(ctx); err != nil {
			return err
		}
		if len(its) == 0 {
			return nil
		}
		var cs []*Council
		if err := idb.NewSelect().Model(&cs).Where("org_id = ?", o.ID).Limit(200).Scan(ctx); err != nil {
			return err
		}
		var ms []*Meeting
		mids := make([]int64, 0, len(its))
		ids := make([]int64, len(its))
		for i, it := range its {
			mids, ids[i] = append(mids, it.MeetingID), it.ID
		}
		if err := idb.NewSelect().Model(&ms).Where("org_id = ? AND id IN (?)", o.ID, bun.In(mids)).Scan(ctx); err != nil {
			return err
		}
		fus, err := measure.MeasuresOfCouncilItems(ctx, idb, o.ID, ids)
		if err != nil {
			return err
		}
		for _, it := range its {
			d := Decision{Item: it}
			for _, c := range cs {
				if c.ID == it.CouncilID {
					d.Council = c
				}
			}
			for _, m := range ms {
				if m.ID == it.MeetingID {
					d.Meeting = m
				}
			}
			for _, fu := range fus {
				if *fu.CouncilItemID == it.ID {
					d.FollowUps = append(d.FollowUps, fu)
				}
			}
			out = append(out, d)
		}
		return nil
	})
	return out, err
}

// Search is the councils' source of the global search: agenda items whose
// words match every word searched, newest first.
type Search struct{}

// Search answers matching items.
func (Search) Search(ctx context.Context, idb bun.IDB, q search.Query) ([]search.Hit, error) {
	if q.Allowed == nil || !q.Allowed("content", "read") {
		return nil, nil
	}
	words := strings.Fields(search.Fold(q.Text))
	if len(words) == 0 {
		return nil, nil
	}
	var rows []*Item
	sel := idb.NewSelect().Model(&rows).Column("id", "council_id", "meeting_id", "title", "case_number").
		Where("org_id = ?", q.OrgID).OrderExpr("updated_at DESC, id DESC")
	for _, w := range words {
		sel.Where("search_text LIKE ? ESCAPE '!'", search.Contains(w))
	}
	if q.Limit > 0 {
		sel.Limit(int64(q.Limit))
	}
	if err := sel.Scan(ctx); err != nil {
		return nil, err
	}
	hits := make([]search.Hit, 0, len(rows))
	for _, it := range rows {
		title := it.Title
		if it.CaseNumber != "" {
			title += " (" + it.CaseNumber + ")"
		}
		hits = append(hits, search.Hit{Kind: "council", Title: title, URL: "/o/" + q.OrgSlug + "/" + it.Path()})
	}
	return hits, nil
}
