package council

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
)

// Doc is a meeting's minutes as a document: what the approved version
// froze, and what a draft shows as it stands. Pages, the PDF and the
// public page print it; a published version is printed from its frozen
// Doc only, never from the live rows.
type Doc struct {
	Version     int         `json:"version"`
	CouncilID   int64       `json:"council_id"`
	CouncilName string      `json:"council_name"`
	Term        string      `json:"term,omitempty"`
	MeetingID   int64       `json:"meeting_id"`
	StartsAt    time.Time   `json:"starts_at"`
	EndsAt      *time.Time  `json:"ends_at,omitempty"`
	Place       string      `json:"place,omitempty"`
	Present     []DocPerson `json:"present"`
	Absent      []DocPerson `json:"absent"`
	Secretary   []DocPerson `json:"secretary,omitempty"`
	Items       []DocItem   `json:"items"`
	// Earlier is the status of earlier decisions: the follow-up actions
	// of the council's earlier meetings still open or closed since the
	// last one, as the agenda prints them.
	Earlier     []DocEarlier `json:"earlier,omitempty"`
	ApprovedAt  *time.Time   `json:"approved_at,omitempty"`
	ApprovedBy  string       `json:"approved_by,omitempty"`
	ApprovedRef string       `json:"approved_ref,omitempty"`
}

// DocEarlier is a follow-up action of an earlier decision as the agenda
// and minutes print it.
type DocEarlier struct {
	MeetingStart time.Time  `json:"meeting_start"`
	ItemNumber   int        `json:"item_number"`
	ItemTitle    string     `json:"item_title"`
	Description  string     `json:"description"`
	Responsible  string     `json:"responsible,omitempty"`
	Due          *time.Time `json:"due,omitempty"`
	DueText      string     `json:"due_text,omitempty"`
	Status       string     `json:"status"`
	Closed       bool       `json:"closed,omitempty"` // the decision's item is closed (not public)
}

// DocPerson is a member as the minutes name them.
type DocPerson struct {
	Name           string `json:"name"`
	Role           string `json:"role"`
	RepresentsText string `json:"represents_text,omitempty"`
	Notice         bool   `json:"notice,omitempty"`          // absent with notice
	SubstituteName string `json:"substitute_name,omitempty"` // who came for an absent member
}

// DocItem is an item as the minutes print it.
type DocItem struct {
	Item
	Number      int               `json:"number"`
	Hearing     []Hearing         `json:"hearing,omitempty"`
	Earlier     []Earlier         `json:"earlier,omitempty"`
	Links       []Link            `json:"links,omitempty"`
	Attachments []*Attachment     `json:"attachments,omitempty"`
	FollowUps   []measure.Measure `json:"follow_ups,omitempty"`
}

// AbsentNames answers the names of the absent members: «Mushin Jetto,
// Ann Frederiksen».
func (d *Doc) AbsentNames() string {
	names := make([]string, len(d.Absent))
	for i, p := range d.Absent {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}

// Public answers the document without its closed items, as the public
// page and the public PDF print it.
func (d *Doc) Public() *Doc {
	p := *d
	p.Items, p.Earlier = nil, nil
	for _, it := range d.Items {
		if !it.Closed {
			p.Items = append(p.Items, it)
		}
	}
	for _, e := range d.Earlier {
		if !e.Closed {
			p.Earlier = append(p.Earlier, e)
		}
	}
	return &p
}

// record is what a meeting's record is read from besides its items: the
// council's memberships, the roll of the day and the follow-up actions
// of earlier decisions, read once for a page and its document.
type record struct {
	members []*Member
	roll    Roll
	earlier []EarlierAction
	// before are the council's meetings before this one, not cancelled,
	// newest first (at most 200).
	before []*Meeting
}

// meeting answers the earlier meeting id of r.
func (r record) meeting(id int64) *Meeting {
	for _, b := range r.before {
		if b.ID == id {
			return b
		}
	}
	return nil
}

func readRecord(ctx context.Context, idb bun.IDB, o *org.Organisation, c *Council, m *Meeting) (record, error) {
	var r record
	var err error
	if r.members, err = members(ctx, idb, o.ID, c.ID); err != nil {
		return r, err
	}
	att, err := attendance(ctx, idb, o.ID, m.ID)
	if err != nil {
		return r, err
	}
	r.roll = RollOf(r.members, att, day(m.StartsAt, o.Location()))
	r.earlier, r.before, err = earlierActions(ctx, idb, o.ID, c, m)
	return r, err
}

// buildDoc reads a meeting's minutes as they stand.
func buildDoc(ctx context.Context, idb bun.IDB, o *org.Organisation, c *Council, m *Meeting) (*Doc, error) {
	r, err := readRecord(ctx, idb, o, c, m)
	if err != nil {
		return nil, err
	}
	return docOf(ctx, idb, o, c, m, r)
}

// docHead starts the minutes of meeting m of c: who was there, who was
// away (with notice, and who stood in) and who kept the minutes.
func docHead(c *Council, m *Meeting, roll Roll) *Doc {
	d := &Doc{CouncilID: c.ID, CouncilName: c.Name, Term: c.Term(), MeetingID: m.ID, StartsAt: m.StartsAt, EndsAt: m.EndsAt, Place: m.Place}
	person := func(mb *Member) DocPerson {
		return DocPerson{Name: mb.Name, Role: mb.Role, RepresentsText: mb.RepresentsText}
	}
	for _, mb := range roll.Present {
		d.Present = append(d.Present, person(mb))
	}
	for _, mb := range roll.Absent {
		p := person(mb)
		p.Notice = roll.Status[mb.ID].Status == AbsentNotice
		if sub := roll.SubstituteFor[mb.ID]; sub != nil {
			p.SubstituteName = sub.Name
		}
		d.Absent = append(d.Absent, p)
	}
	for _, mb := range roll.Secretary {
		d.Secretary = append(d.Secretary, person(mb))
	}
	return d
}

// docOf makes the minutes of meeting m from its record r and its items.
func docOf(ctx context.Context, idb bun.IDB, o *org.Organisation, c *Council, m *Meeting, r record) (*Doc, error) {
	d := docHead(c, m, r.roll)
	its, err := items(ctx, idb, o.ID, m.ID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(its))
	for i, it := range its {
		ids[i] = it.ID
	}
	atts, err := attachments(ctx, idb, o.ID, ids)
	if err != nil {
		return nil, err
	}
	fus, err := measure.MeasuresOfCouncilItems(ctx, idb, o.ID, ids)
	if err != nil {
		return nil, err
	}
	for _, it := range its {
		di := DocItem{Item: *it, Number: it.Number(), Hearing: it.Route(), Earlier: it.EarlierDecisions(), Links: it.Links()}
		for _, a := range atts {
			if a.ItemID == it.ID {
				di.Attachments = append(di.Attachments, a)
			}
		}
		for _, f := range fus {
			if *f.CouncilItemID == it.ID {
				di.FollowUps = append(di.FollowUps, f.Measure())
			}
		}
		d.Items = append(d.Items, di)
	}
	for _, e := range r.earlier {
		d.Earlier = append(d.Earlier, DocEarlier{MeetingStart: e.Meeting.StartsAt, ItemNumber: e.Item.Number(), ItemTitle: e.Item.Title,
			Description: e.Measure.Description, Responsible: e.Measure.Responsible, Due: e.Measure.Due, DueText: e.Measure.DeadlineText,
			Status: e.Measure.Status, Closed: e.Item.Closed})
	}
	return d, nil
}

func latestMinutes(ctx context.Context, idb bun.IDB, orgID, meetingID int64) (*Minutes, error) {
	mn := new(Minutes)
	err := idb.NewSelect().Model(mn).Where("org_id = ? AND meeting_id = ?", orgID, meetingID).OrderExpr("version DESC").Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return mn, err
}

// latestMinutesOf answers the latest version of the minutes of each of
// meetingIDs that has minutes, by meeting, in one statement.
func latestMinutesOf(ctx context.Context, idb bun.IDB, orgID int64, meetingIDs []int64) (map[int64]*Minutes, error) {
	if len(meetingIDs) == 0 {
		return nil, nil
	}
	var list []*Minutes
	in, ids := db.AnyOf(idb, "meeting_id", meetingIDs)
	ctx, a := db.Bind(ctx, idb, orgID, ids) // on every meeting page and dashboard: planned once a connection
	if err := idb.NewSelect().Model(&list).Where("org_id = ? AND "+in, a...).
		Where("version = (SELECT max(x.version) FROM council_minutes AS x WHERE x.org_id = mn.org_id AND x.meeting_id = mn.meeting_id)").
		Scan(ctx); err != nil {
		return nil, err
	}
	out := make(map[int64]*Minutes, len(list))
	for _, mn := range list {
		out[mn.MeetingID] = mn
	}
	return out, nil
}

// publishedDoc answers the newest published version of a meeting's
// minutes, or nil.
func publishedDoc(ctx context.Context, idb bun.IDB, orgID, meetingID int64) (*Doc, error) {
	mn := new(Minutes)
	err := idb.NewSelect().Model(mn).Where("org_id = ? AND meeting_id = ? AND state = ?", orgID, meetingID, MinutesPublished).
		OrderExpr("version DESC").Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return mn.Doc()
}

// Doc answers the document the version froze when it was approved (nil
// before).
func (m *Minutes) Doc() (*Doc, error) {
	if m.Snapshot == nil {
		return nil, nil
	}
	d := new(Doc)
	return d, json.Unmarshal([]byte(*m.Snapshot), d)
}

func addEvent(ctx context.Context, tx bun.Tx, mn *Minutes, kind string, member *Member, a *app.Actor, text string, now time.Time) error {
	ev := &Event{OrgID: mn.OrgID, MinutesID: mn.ID, Kind: kind, UserID: a.AuthorID(), AuthorName: a.AuthorName(), Text: text, At: now}
	if member != nil {
		ev.MemberID = &member.ID
		ev.AuthorName = member.Name
	}
	_, err := tx.NewInsert().Model(ev).Exec(ctx)
	return err
}

// amended marks circulated minutes amended when the secretary changes
// the meeting's record after sending them round: members see that what
// they read has changed.
func amended(ctx context.Context, tx bun.Tx, orgID, meetingID int64, now time.Time) error {
	mn, err := latestMinutes(ctx, tx, orgID, meetingID)
	if err != nil || mn == nil || mn.State != MinutesCirculated {
		return err
	}
	if _, err := tx.NewUpdate().Model((*Minutes)(nil)).Set("state = ?", MinutesAmended).Where("org_id = ? AND id = ?", orgID, mn.ID).Exec(ctx); err != nil {
		return err
	}
	mn.State = MinutesAmended
	return addEvent(ctx, tx, mn, EventAmended, nil, app.ActorFrom(ctx), "", now)
}

// minutesStep runs fn on a meeting's latest minutes in a transaction.
func (s *Service) minutesStep(ctx context.Context, o *org.Organisation, councilID, meetingID int64,
	fn func(ctx context.Context, tx bun.Tx, c *Council, m *Meeting, mn *Minutes, now time.Time) error) error {
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
		mn, err := latestMinutes(ctx, tx, o.ID, meetingID)
		if err != nil {
			return err
		}
		if mn == nil {
			return app.Errorf(app.EConflict, "council.error.no_minutes")
		}
		return fn(ctx, tx, c, m, mn, now)
	})
}

func setState(ctx context.Context, tx bun.Tx, mn *Minutes, state string) error {
	mn.State = state
	_, err := tx.NewUpdate().Model((*Minutes)(nil)).Set("state = ?", state).Where("org_id = ? AND id = ?", mn.OrgID, mn.ID).Exec(ctx)
	return err
}

// Circulate sends draft (or amended) minutes round to the members for
// comments and approval.
func (s *Service) Circulate(ctx context.Context, o *org.Organisation, a *app.Actor, councilID, meetingID int64) error {
	return s.minutesStep(ctx, o, councilID, meetingID, func(ctx context.Context, tx bun.Tx, c *Council, m *Meeting, mn *Minutes, now time.Time) error {
		if mn.State != MinutesDraft && mn.State != MinutesAmended {
			return app.Errorf(app.EConflict, "council.error.minutes_state")
		}
		if err := setState(ctx, tx, mn, MinutesCirculated); err != nil {
			return err
		}
		return addEvent(ctx, tx, mn, EventCirculated, nil, a, "", now)
	})
}

// linkedMember answers the actor's membership of the council on the
// meeting's day, or app.EForbidden: only a member linked to the user
// comments on or approves minutes.
func linkedMember(ctx context.Context, tx bun.Tx, o *org.Organisation, a *app.Actor, c *Council, m *Meeting) (*Member, error) {
	if a == nil {
		return nil, app.Errorf(app.EForbidden, "council.error.not_member")
	}
	ms, err := members(ctx, tx, o.ID, c.ID)
	if err != nil {
		return nil, err
	}
	mb := LinkedMember(ms, a.UserID, day(m.StartsAt, o.Location()))
	if mb == nil {
		return nil, app.Errorf(app.EForbidden, "council.error.not_member")
	}
	return mb, nil
}

// Comment adds a member's comment to circulated minutes. Comments are
// rate limited per user (CommentsPerHour).
func (s *Service) Comment(ctx context.Context, o *org.Organisation, a *app.Actor, councilID, meetingID int64, text string) error {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return app.Errorf(app.EInvalid, "error.required").WithField("comment")
	case utf8.RuneCountInString(text) > MaxComment:
		return app.Errorf(app.EInvalid, "error.too_long", "max", MaxComment).WithField("comment")
	}
	if a != nil {
		if err := s.Limits.Take(ctx, CommentsPerHour, "user:"+itoa(a.UserID)); err != nil {
			return err
		}
	}
	return s.minutesStep(ctx, o, councilID, meetingID, func(ctx context.Context, tx bun.Tx, c *Council, m *Meeting, mn *Minutes, now time.Time) error {
		if mn.State != MinutesCirculated && mn.State != MinutesAmended {
			return app.Errorf(app.EConflict, "council.error.minutes_state")
		}
		mb, err := linkedMember(ctx, tx, o, a, c, m)
		if err != nil {
			return err
		}
		return addEvent(ctx, tx, mn, EventComment, mb, a, text, now)
	})
}

// Signers answers who must approve a meeting's minutes under the
// council's sign-off: the adjusters (SE), or the members present who are
// users (DK); none for approval at the next meeting (NO).
func Signers(c *Council, m *Meeting, roll Roll) []*Member {
	var out []*Member
	switch c.SignOff {
	case SignOffAdjusters:
		adj := m.AdjusterIDs()
		for _, mb := range append(append([]*Member(nil), roll.Expected...), roll.Substitutes...) {
			if slices.Contains(adj, mb.ID) {
				out = append(out, mb)
			}
		}
	case SignOffMembersPresent:
		for _, mb := range roll.Present {
			if mb.UserID != nil {
				out = append(out, mb)
			}
		}
	}
	return out
}

// Sign records a member's approval of circulated minutes (their signature,
// their justering). When the last signer required signs, the minutes are
// approved and frozen.
func (s *Service) Sign(ctx context.Context, o *org.Organisation, a *app.Actor, councilID, meetingID int64) error {
	return s.minutesStep(ctx, o, councilID, meetingID, func(ctx context.Context, tx bun.Tx, c *Council, m *Meeting, mn *Minutes, now time.Time) error {
		if mn.State != MinutesCirculated && mn.State != MinutesAmended {
			return app.Errorf(app.EConflict, "council.error.minutes_state")
		}
		mb, err := linkedMember(ctx, tx, o, a, c, m)
		if err != nil {
			return err
		}
		roll, err := rollOf(ctx, tx, o, c, m)
		if err != nil {
			return err
		}
		signers := Signers(c, m, roll)
		if !slices.ContainsFunc(signers, func(x *Member) bool { return x.ID == mb.ID }) {
			return app.Errorf(app.EForbidden, "council.error.not_signer")
		}
		signed, err := signedBy(ctx, tx, mn)
		if err != nil {
			return err
		}
		if slices.Contains(signed, mb.ID) {
			return nil
		}
		if err := addEvent(ctx, tx, mn, EventSigned, mb, a, "", now); err != nil {
			return err
		}
		signed = append(signed, mb.ID)
		for _, x := range signers {
			if !slices.Contains(signed, x.ID) {
				return nil
			}
		}
		names := make([]string, len(signers))
		for i, x := range signers {
			names[i] = x.Name
		}
		return approve(ctx, tx, o, c, m, mn, a, strings.Join(names, ", "), "", now)
	})
}

func rollOf(ctx context.Context, idb bun.IDB, o *org.Organisation, c *Council, m *Meeting) (Roll, error) {
	ms, err := members(ctx, idb, o.ID, c.ID)
	if err != nil {
		return Roll{}, err
	}
	att, err := attendance(ctx, idb, o.ID, m.ID)
	if err != nil {
		return Roll{}, err
	}
	return RollOf(ms, att, day(m.StartsAt, o.Location())), nil
}

// signedBy answers the members who signed this version since it was last
// amended: a change after a signature asks for it again.
func signedBy(ctx context.Context, idb bun.IDB, mn *Minutes) ([]int64, error) {
	var evs []*Event
	if err := idb.NewSelect().Model(&evs).Where("org_id = ? AND minutes_id = ?", mn.OrgID, mn.ID).OrderExpr("at, id").Scan(ctx); err != nil {
		return nil, err
	}
	return signers(evs), nil
}

// signers answers who signed, of a version's events in order.
func signers(evs []*Event) []int64 {
	var ids []int64
	for _, e := range evs {
		switch {
		case e.Kind == EventAmended:
			ids = nil
		case e.Kind == EventSigned && e.MemberID != nil:
			ids = append(ids, *e.MemberID)
		}
	}
	return ids
}

// ApproveInput is the secretary's approval: for approval at the next
// meeting, which meeting and item approved the minutes.
type ApproveInput struct {
	AtMeetingID int64  // the later meeting that approved them (next meeting)
	Ref         string // «sak 1/2019», as the approving meeting wrote it
}

// Approve approves a meeting's minutes as the secretary records it: under
// approval at the next meeting, naming the later meeting that approved
// them; under the other sign-offs, once every signer has signed (or when
// none of the members present is a user, so nobody can sign here). The
// approved version is frozen.
func (s *Service) Approve(ctx context.Context, o *org.Organisation, a *app.Actor, councilID, meetingID int64, in ApproveInput) error {
	in.Ref = strings.TrimSpace(in.Ref)
	if err := tooLong("ref", in.Ref, MaxShort); err != nil {
		return err
	}
	return s.minutesStep(ctx, o, councilID, meetingID, func(ctx context.Context, tx bun.Tx, c *Council, m *Meeting, mn *Minutes, now time.Time) error {
		if mn.State != MinutesCirculated && mn.State != MinutesAmended && mn.State != MinutesDraft {
			return app.Errorf(app.EConflict, "council.error.minutes_state")
		}
		roll, err := rollOf(ctx, tx, o, c, m)
		if err != nil {
			return err
		}
		by, ref := a.AuthorName(), ""
		switch c.SignOff {
		case SignOffNextMeeting:
			at := new(Meeting)
			if err := getMeeting(ctx, tx, o.ID, councilID, in.AtMeetingID, at); err != nil {
				return app.Errorf(app.EInvalid, "council.error.approving_meeting").WithField("at_meeting")
			}
			if !at.StartsAt.After(m.StartsAt) || at.Status == MeetingCancelled {
				return app.Errorf(app.EInvalid, "council.error.approving_meeting").WithField("at_meeting")
			}
			by = c.Name
			ref = at.StartsAt.In(o.Location()).Format(time.DateOnly)
			if in.Ref != "" {
				ref += ", " + in.Ref
			}
		default:
			signers := Signers(c, m, roll)
			signed, err := signedBy(ctx, tx, mn)
			if err != nil {
				return err
			}
			var names []string
			for _, x := range signers {
				if !slices.Contains(signed, x.ID) {
					return app.Errorf(app.EConflict, "council.error.unsigned", "name", x.Name)
				}
				names = append(names, x.Name)
			}
			if len(names) > 0 {
				by = strings.Join(names, ", ")
			}
		}
		return approve(ctx, tx, o, c, m, mn, a, by, ref, now)
	})
}

// approve freezes minutes version mn as approved by by.
func approve(ctx context.Context, tx bun.Tx, o *org.Organisation, c *Council, m *Meeting, mn *Minutes, a *app.Actor, by, ref string, now time.Time) error {
	d, err := buildDoc(ctx, tx, o, c, m)
	if err != nil {
		return err
	}
	d.Version, d.ApprovedAt, d.ApprovedBy, d.ApprovedRef = mn.Version, &now, by, ref
	snap := encode(d)
	mn.State, mn.Snapshot, mn.ApprovedAt, mn.ApprovedBy, mn.ApprovedRef = MinutesApproved, &snap, &now, by, ref
	if _, err := tx.NewUpdate().Model(mn).Column("state", "snapshot", "approved_at", "approved_by", "approved_ref").
		Where("org_id = ? AND id = ?", o.ID, mn.ID).Exec(ctx); err != nil {
		return err
	}
	if m.Status != MeetingPublished {
		if _, err := tx.NewUpdate().Model((*Meeting)(nil)).Set("status = ?, rev = rev + 1, updated_at = ?", MeetingMinutesApproved, now).
			Where("org_id = ? AND id = ?", o.ID, m.ID).Exec(ctx); err != nil {
			return err
		}
	}
	if err := addEvent(ctx, tx, mn, EventApproved, nil, a, by, now); err != nil {
		return err
	}
	return audit.Record(ctx, tx, o.ID, audit.MinutesApproved, c.Name+" "+m.StartsAt.In(o.Location()).Format(time.DateOnly),
		map[string]string{"version": itoa(int64(mn.Version)), "by": by}, now)
}

// Publish publishes approved minutes: the day is the day they are posted
// (anslag). A public council's public page then shows this version.
func (s *Service) Publish(ctx context.Context, o *org.Organisation, a *app.Actor, councilID, meetingID int64) error {
	return s.minutesStep(ctx, o, councilID, meetingID, func(ctx context.Context, tx bun.Tx, c *Council, m *Meeting, mn *Minutes, now time.Time) error {
		if mn.State != MinutesApproved {
			return app.Errorf(app.EConflict, "council.error.minutes_state")
		}
		mn.State, mn.PublishedAt = MinutesPublished, &now
		if _, err := tx.NewUpdate().Model(mn).Column("state", "published_at").Where("org_id = ? AND id = ?", o.ID, mn.ID).Exec(ctx); err != nil {
			return err
		}
		if _, err := tx.NewUpdate().Model((*Meeting)(nil)).Set("status = ?, rev = rev + 1, updated_at = ?", MeetingPublished, now).
			Where("org_id = ? AND id = ?", o.ID, m.ID).Exec(ctx); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, mn, EventPublished, nil, a, "", now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, audit.MinutesPublished, c.Name+" "+m.StartsAt.In(o.Location()).Format(time.DateOnly),
			map[string]string{"version": itoa(int64(mn.Version))}, now)
	})
}

// Correct opens a correction of approved minutes: the next version, a
// draft, with the reason; the approved versions stay as they were, and
// the published one stays public until the correction is published.
func (s *Service) Correct(ctx context.Context, o *org.Organisation, a *app.Actor, councilID, meetingID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return app.Errorf(app.EInvalid, "error.required").WithField("reason")
	case utf8.RuneCountInString(reason) > MaxComment:
		return app.Errorf(app.EInvalid, "error.too_long", "max", MaxComment).WithField("reason")
	}
	return s.minutesStep(ctx, o, councilID, meetingID, func(ctx context.Context, tx bun.Tx, c *Council, m *Meeting, mn *Minutes, now time.Time) error {
		if !mn.Locked() {
			return app.Errorf(app.EConflict, "council.error.minutes_state")
		}
		next := &Minutes{OrgID: o.ID, MeetingID: m.ID, Version: mn.Version + 1, State: MinutesDraft, Reason: reason, CreatedAt: now, CreatedBy: a.AuthorID()}
		if _, err := tx.NewInsert().Model(next).Returning("id").Exec(ctx); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, next, EventCorrected, nil, a, reason, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, audit.MinutesCorrected, c.Name+" "+m.StartsAt.In(o.Location()).Format(time.DateOnly),
			map[string]string{"version": itoa(int64(next.Version))}, now)
	})
}

// Versions answers every version of a meeting's minutes, newest first,
// with their events, oldest first.
func (s *Service) Versions(ctx context.Context, o *org.Organisation, meetingID int64) ([]*Minutes, map[int64][]*Event, error) {
	var out []*Minutes
	var evs map[int64][]*Event
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) (err error) {
		out, evs, err = versions(ctx, idb, o.ID, meetingID)
		return err
	})
	return out, evs, err
}

// maxEvents is how many events of a meeting's minutes versions reads:
// the oldest, so a meeting with more is missing its latest.
const maxEvents = 5000

// eventCount answers how many events versions read.
func eventCount(evs map[int64][]*Event) int {
	n := 0
	for _, l := range evs {
		n += len(l)
	}
	return n
}

func versions(ctx context.Context, idb bun.IDB, orgID, meetingID int64) ([]*Minutes, map[int64][]*Event, error) {
	var out []*Minutes
	evs := map[int64][]*Event{}
	bctx, a := db.Bind(ctx, idb, orgID, meetingID) // on every meeting page: planned once a connection
	if err := idb.NewSelect().Model(&out).Where("org_id = ? AND meeting_id = ?", a...).OrderExpr("version DESC").Limit(100).Scan(bctx); err != nil {
		return nil, nil, err
	}
	if len(out) == 0 {
		return nil, evs, nil
	}
	ids := make([]int64, len(out))
	for i, mn := range out {
		ids[i] = mn.ID
	}
	var list []*Event
	in, idList := db.AnyOf(idb, "minutes_id", ids)
	bctx, a = db.Bind(ctx, idb, orgID, idList)
	if err := idb.NewSelect().Model(&list).Where("org_id = ? AND "+in, a...).OrderExpr("at, id").Limit(maxEvents).Scan(bctx); err != nil {
		return nil, nil, err
	}
	for _, e := range list {
		evs[e.MinutesID] = append(evs[e.MinutesID], e)
	}
	return out, evs, nil
}

// MinutesVersion answers version n of a meeting's minutes with its frozen
// document (nil doc for a version not yet approved).
func (s *Service) MinutesVersion(ctx context.Context, o *org.Organisation, meetingID int64, n int) (*Minutes, *Doc, error) {
	mn := new(Minutes)
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		return db.Err(idb.NewSelect().Model(mn).Where("org_id = ? AND meeting_id = ? AND version = ?", o.ID, meetingID, n).Scan(ctx),
			"council.error.minutes_not_found")
	})
	if err != nil {
		return nil, nil, err
	}
	d, err := mn.Doc()
	return mn, d, err
}
