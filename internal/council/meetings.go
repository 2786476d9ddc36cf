package council

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// MeetingInput is what a form or the API says of a meeting: when (an
// instant; forms read the local time in the municipality's zone) and
// where.
type MeetingInput struct {
	StartsAt time.Time
	EndsAt   *time.Time
	Place    string
}

// Validate checks in, naming the field of the first problem.
func (in *MeetingInput) Validate() error {
	in.Place = strings.TrimSpace(in.Place)
	switch {
	case in.StartsAt.IsZero() || in.StartsAt.Year() < 1900 || in.StartsAt.Year() > 2200:
		return app.Errorf(app.EInvalid, "council.error.starts_at").WithField("starts_at")
	case in.EndsAt != nil && !in.EndsAt.After(in.StartsAt):
		return app.Errorf(app.EInvalid, "council.error.ends_at").WithField("ends_at")
	case in.EndsAt != nil && in.EndsAt.Sub(in.StartsAt) > 24*time.Hour:
		return app.Errorf(app.EInvalid, "council.error.ends_at").WithField("ends_at")
	}
	return tooLong("place", in.Place, MaxShort)
}

// Meetings answers council c's meetings, oldest first; year 0 is every
// year, another year only that year's (in the municipality's zone).
func (s *Service) Meetings(ctx context.Context, o *org.Organisation, c *Council, year int) ([]*Meeting, error) {
	var out []*Meeting
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		q := idb.NewSelect().Model(&out).Where("org_id = ? AND council_id = ?", o.ID, c.ID)
		if year != 0 {
			loc := o.Location()
			q.Where("starts_at >= ? AND starts_at < ?", time.Date(year, 1, 1, 0, 0, 0, 0, loc), time.Date(year+1, 1, 1, 0, 0, 0, 0, loc))
		}
		return q.OrderExpr("starts_at, id").Limit(1000).Scan(ctx)
	})
	return out, err
}

// Shortfall answers how many meetings the year's meetings (not cancelled)
// fall short of the council's statute: 0 when they meet it.
func Shortfall(c *Council, meetings []*Meeting, year int, loc *time.Location) int {
	n := 0
	for _, m := range meetings {
		if m.Status != MeetingCancelled && m.StartsAt.In(loc).Year() == year {
			n++
		}
	}
	return max(c.MinMeetings-n, 0)
}

// CreateMeeting plans a meeting of council councilID.
func (s *Service) CreateMeeting(ctx context.Context, o *org.Organisation, councilID int64, in MeetingInput) (*Meeting, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	m := &Meeting{OrgID: o.ID, CouncilID: councilID, StartsAt: in.StartsAt.UTC(), EndsAt: utc(in.EndsAt), Place: in.Place,
		Status: MeetingPlanned, Adjusters: "[]", Rev: 1, CreatedAt: now, UpdatedAt: now}
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		c := new(Council)
		if err := getCouncil(ctx, tx, o.ID, councilID, c); err != nil {
			return err
		}
		if m.Place == "" {
			m.Place = c.Place
		}
		_, err := tx.NewInsert().Model(m).Returning("id").Exec(ctx)
		return err
	})
	return m, err
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// getMeeting, attendance, getCouncil and attachments are read on every
// meeting's page: planned once a connection on PostgreSQL (db.Bind).
func getMeeting(ctx context.Context, idb bun.IDB, orgID, councilID, id int64, m *Meeting) error {
	ctx, a := db.Bind(ctx, idb, orgID, councilID, id)
	return db.Err(idb.NewSelect().Model(m).Where("org_id = ? AND council_id = ? AND id = ?", a...).Scan(ctx),
		"council.error.meeting_not_found")
}

// GetMeeting answers meeting id of council councilID.
func (s *Service) GetMeeting(ctx context.Context, o *org.Organisation, councilID, id int64) (*Meeting, error) {
	m := new(Meeting)
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		return getMeeting(ctx, idb, o.ID, councilID, id, m)
	})
	return m, err
}

// meetingEdit runs fn on meeting id in a transaction, after checking the
// form's revision (app.EConflict when someone saved in between) and,
// when locked, that the meeting's minutes are not approved; the
// meeting's revision and update time are bumped after fn.
func (s *Service) meetingEdit(ctx context.Context, o *org.Organisation, councilID, id int64, rev int, locked bool,
	fn func(ctx context.Context, tx bun.Tx, m *Meeting, now time.Time) error) (*Meeting, error) {
	m := new(Meeting)
	now := s.Clock.Now()
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		if err := getMeeting(ctx, tx, o.ID, councilID, id, m); err != nil {
			return err
		}
		if rev != 0 && rev != m.Rev {
			return app.Errorf(app.EConflict, "council.error.stale")
		}
		if locked {
			if err := checkUnlocked(ctx, tx, o.ID, m.ID); err != nil {
				return err
			}
		}
		if err := fn(ctx, tx, m, now); err != nil {
			return err
		}
		m.Rev++
		m.UpdatedAt = now
		_, err := tx.NewUpdate().Model(m).ExcludeColumn("org_id", "id", "council_id", "created_at").
			Where("org_id = ? AND id = ?", o.ID, id).Exec(ctx)
		return err
	})
	return m, err
}

// checkUnlocked answers app.EConflict when the meeting's latest minutes
// are approved: its record changes only through a correction.
func checkUnlocked(ctx context.Context, idb bun.IDB, orgID, meetingID int64) error {
	mn, err := latestMinutes(ctx, idb, orgID, meetingID)
	if err != nil {
		return err
	}
	if mn != nil && mn.Locked() {
		return app.Errorf(app.EConflict, "council.error.locked")
	}
	return nil
}

// Locked reports whether a meeting's record is locked by approved
// minutes (a correction opens it again).
func (s *Service) Locked(ctx context.Context, o *org.Organisation, meetingID int64) (bool, error) {
	locked := false
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		mn, err := latestMinutes(ctx, idb, o.ID, meetingID)
		locked = mn != nil && mn.Locked()
		return err
	})
	return locked, err
}

// UpdateMeeting changes when and where a meeting is.
func (s *Service) UpdateMeeting(ctx context.Context, o *org.Organisation, councilID, id int64, rev int, in MeetingInput) (*Meeting, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return s.meetingEdit(ctx, o, councilID, id, rev, true, func(ctx context.Context, tx bun.Tx, m *Meeting, now time.Time) error {
		m.StartsAt, m.EndsAt, m.Place = in.StartsAt.UTC(), utc(in.EndsAt), in.Place
		return nil
	})
}

// PublishAgenda publishes a planned meeting's agenda: members and, for a
// public council, everyone see it with its attachments (not those of
// closed items).
func (s *Service) PublishAgenda(ctx context.Context, o *org.Organisation, councilID, id int64) (*Meeting, error) {
	return s.meetingEdit(ctx, o, councilID, id, 0, true, func(ctx context.Context, tx bun.Tx, m *Meeting, now time.Time) error {
		if m.Status != MeetingPlanned && m.Status != MeetingAgendaPublished {
			return app.Errorf(app.EConflict, "council.error.status")
		}
		n, err := tx.NewSelect().Model((*Item)(nil)).Where("org_id = ? AND meeting_id = ?", o.ID, id).Count(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return app.Errorf(app.EInvalid, "council.error.agenda_empty")
		}
		m.Status, m.AgendaPublishedAt = MeetingAgendaPublished, &now
		return audit.Record(ctx, tx, o.ID, audit.AgendaPublished, m.StartsAt.In(o.Location()).Format(time.DateOnly), nil, now)
	})
}

// CancelMeeting cancels a meeting not yet held.
func (s *Service) CancelMeeting(ctx context.Context, o *org.Organisation, councilID, id int64) (*Meeting, error) {
	return s.meetingEdit(ctx, o, councilID, id, 0, true, func(ctx context.Context, tx bun.Tx, m *Meeting, now time.Time) error {
		if m.Status != MeetingPlanned && m.Status != MeetingAgendaPublished {
			return app.Errorf(app.EConflict, "council.error.status")
		}
		m.Status = MeetingCancelled
		return nil
	})
}

// MarkHeld records that a meeting took place and starts its minutes, a
// draft: the secretary writes the decisions and attendance into it.
func (s *Service) MarkHeld(ctx context.Context, o *org.Organisation, a *app.Actor, councilID, id int64) (*Meeting, error) {
	return s.meetingEdit(ctx, o, councilID, id, 0, true, func(ctx context.Context, tx bun.Tx, m *Meeting, now time.Time) error {
		if m.Status != MeetingPlanned && m.Status != MeetingAgendaPublished {
			return app.Errorf(app.EConflict, "council.error.status")
		}
		m.Status = MeetingHeld
		mn := &Minutes{OrgID: o.ID, MeetingID: m.ID, Version: 1, State: MinutesDraft, CreatedAt: now, CreatedBy: a.AuthorID()}
		if _, err := tx.NewInsert().Model(mn).Returning("id").Exec(ctx); err != nil {
			return err
		}
		return addEvent(ctx, tx, mn, EventDrafted, nil, a, "", now)
	})
}

// DeleteMeeting removes a meeting that was never held (planned or
// cancelled), with its agenda.
func (s *Service) DeleteMeeting(ctx context.Context, o *org.Organisation, councilID, id int64) error {
	return db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		m := new(Meeting)
		if err := getMeeting(ctx, tx, o.ID, councilID, id, m); err != nil {
			return err
		}
		if m.Status != MeetingPlanned && m.Status != MeetingCancelled && m.Status != MeetingAgendaPublished {
			return app.Errorf(app.EConflict, "council.error.delete_held")
		}
		_, err := tx.NewDelete().Model((*Meeting)(nil)).Where("org_id = ? AND id = ?", o.ID, id).Exec(ctx)
		return err
	})
}

// AttendanceInput is one member's attendance as a form gives it.
type AttendanceInput struct {
	MemberID     int64
	Status       string // "": not recorded
	SubstituteID *int64
}

// SetAttendance records who attended a meeting: each expected member
// present or absent (with or without notice), and the substitute who
// came for an absent member. Only members of the council on the
// meeting's day can be recorded; a substitute must be one then too.
func (s *Service) SetAttendance(ctx context.Context, o *org.Organisation, councilID, id int64, rev int, in []AttendanceInput) (*Meeting, error) {
	return s.meetingEdit(ctx, o, councilID, id, rev, true, func(ctx context.Context, tx bun.Tx, m *Meeting, now time.Time) error {
		ms, err := members(ctx, tx, o.ID, councilID)
		if err != nil {
			return err
		}
		d := day(m.StartsAt, o.Location())
		active := map[int64]*Member{}
		for _, mb := range CurrentOn(ms, d) {
			active[mb.ID] = mb
		}
		var rows []*Attendance
		seen := map[int64]bool{}
		for _, a := range in {
			if a.Status == "" {
				continue
			}
			mb, ok := active[a.MemberID]
			switch {
			case !ok || seen[a.MemberID]:
				return app.Errorf(app.EInvalid, "council.error.attendance_member").WithField("attendance")
			case !validKind(AttendanceStatuses, a.Status):
				return app.Errorf(app.EInvalid, "council.error.attendance_status").WithField("attendance")
			case a.SubstituteID != nil && (a.Status == Present || active[*a.SubstituteID] == nil || active[*a.SubstituteID].Role != RoleSubstitute || *a.SubstituteID == mb.ID):
				return app.Errorf(app.EInvalid, "council.error.attendance_substitute").WithField("attendance")
			}
			seen[a.MemberID] = true
			rows = append(rows, &Attendance{OrgID: o.ID, MeetingID: m.ID, MemberID: a.MemberID, Status: a.Status, SubstituteID: a.SubstituteID})
		}
		if _, err := tx.NewDelete().Model((*Attendance)(nil)).Where("org_id = ? AND meeting_id = ?", o.ID, m.ID).Exec(ctx); err != nil {
			return err
		}
		if len(rows) > 0 {
			if _, err := tx.NewInsert().Model(&rows).Exec(ctx); err != nil {
				return err
			}
		}
		return amended(ctx, tx, o.ID, m.ID, now)
	})
}

// SetAdjusters names the members who adjust the minutes (Swedish
// justering): members of the council on the meeting's day.
func (s *Service) SetAdjusters(ctx context.Context, o *org.Organisation, councilID, id int64, ids []int64) (*Meeting, error) {
	return s.meetingEdit(ctx, o, councilID, id, 0, true, func(ctx context.Context, tx bun.Tx, m *Meeting, now time.Time) error {
		ms, err := members(ctx, tx, o.ID, councilID)
		if err != nil {
			return err
		}
		cur := CurrentOn(ms, day(m.StartsAt, o.Location()))
		slices.Sort(ids)
		ids = slices.Compact(ids)
		for _, id := range ids {
			if !slices.ContainsFunc(cur, func(mb *Member) bool { return mb.ID == id }) {
				return app.Errorf(app.EInvalid, "council.error.adjuster").WithField("adjusters")
			}
		}
		if len(ids) > 5 {
			return app.Errorf(app.EInvalid, "council.error.adjuster").WithField("adjusters")
		}
		m.Adjusters = encodeList(ids)
		return nil
	})
}

func attendance(ctx context.Context, idb bun.IDB, orgID, meetingID int64) ([]*Attendance, error) {
	var out []*Attendance
	ctx, a := db.Bind(ctx, idb, orgID, meetingID)
	err := idb.NewSelect().Model(&out).Where("org_id = ? AND meeting_id = ?", a...).Scan(ctx)
	return out, err
}

// Roll is a meeting's attendance as the minutes print it.
type Roll struct {
	// Expected are the members expected on the meeting's day (not
	// substitutes or the secretary), in the council's order; a member who
	// left before the day, or joined after it, is not among them.
	Expected []*Member
	Status   map[int64]*Attendance // by member id; missing: not recorded
	Present  []*Member             // expected members present, then substitutes who came
	Absent   []*Member             // expected members absent, with or without notice
	// SubstituteFor maps an absent member's id to the substitute who came.
	SubstituteFor map[int64]*Member
	Secretary     []*Member
	Substitutes   []*Member // substitutes of the council on the day
}

// RollOf answers the attendance of a meeting on day from the council's
// memberships and the recorded attendance.
func RollOf(ms []*Member, att []*Attendance, d time.Time) Roll {
	r := Roll{Status: map[int64]*Attendance{}, SubstituteFor: map[int64]*Member{}}
	byID := map[int64]*Member{}
	for _, m := range ms {
		byID[m.ID] = m
	}
	for _, a := range att {
		r.Status[a.MemberID] = a
	}
	for _, m := range CurrentOn(ms, d) {
		switch {
		case m.Role == RoleSecretary:
			r.Secretary = append(r.Secretary, m)
		case m.Role == RoleSubstitute:
			r.Substitutes = append(r.Substitutes, m)
		default:
			r.Expected = append(r.Expected, m)
		}
	}
	for _, m := range r.Expected {
		a := r.Status[m.ID]
		switch {
		case a == nil:
		case a.Status == Present:
			r.Present = append(r.Present, m)
		default:
			r.Absent = append(r.Absent, m)
			if a.SubstituteID != nil && byID[*a.SubstituteID] != nil {
				r.SubstituteFor[m.ID] = byID[*a.SubstituteID]
			}
		}
	}
	for _, m := range r.Expected {
		if sub := r.SubstituteFor[m.ID]; sub != nil {
			r.Present = append(r.Present, sub)
		}
	}
	return r
}

// AbsentNames answers the names of the absent members, as the minutes
// repeat them under every item: «Mushin Jetto, Ann Frederiksen».
func (r Roll) AbsentNames() string {
	names := make([]string, len(r.Absent))
	for i, m := range r.Absent {
		names[i] = m.Name
	}
	return strings.Join(names, ", ")
}
