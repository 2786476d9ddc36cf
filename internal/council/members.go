package council

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// MemberInput is what a form or the API says of a membership. Days are
// calendar days (midnight UTC).
type MemberInput struct {
	Name           string
	Role           string
	Represents     string
	RepresentsText string
	SubstituteFor  *int64
	UserID         *int64 // a user of the municipality, or nil for a member recorded by name
	FromDate       *time.Time
	ToDate         *time.Time
}

// Validate checks in, naming the field of the first problem.
func (in *MemberInput) Validate() error {
	in.Name, in.RepresentsText = strings.TrimSpace(in.Name), strings.TrimSpace(in.RepresentsText)
	switch {
	case in.Name == "":
		return app.Errorf(app.EInvalid, "error.required").WithField("name")
	case !validKind(Roles, in.Role):
		return app.Errorf(app.EInvalid, "council.error.role").WithField("role")
	case in.Represents != "" && !validKind(Represents, in.Represents):
		return app.Errorf(app.EInvalid, "council.error.represents").WithField("represents")
	case in.FromDate != nil && in.ToDate != nil && in.ToDate.Before(*in.FromDate):
		return app.Errorf(app.EInvalid, "council.error.member_dates").WithField("to_date")
	case in.SubstituteFor != nil && in.Role != RoleSubstitute:
		return app.Errorf(app.EInvalid, "council.error.substitute_role").WithField("substitute_for")
	}
	if err := tooLong("name", in.Name, MaxName); err != nil {
		return err
	}
	return tooLong("represents_text", in.RepresentsText, MaxShort)
}

func (in *MemberInput) apply(m *Member) {
	m.Name, m.Role, m.Represents, m.RepresentsText = in.Name, in.Role, in.Represents, in.RepresentsText
	m.SubstituteFor, m.UserID, m.FromDate, m.ToDate = in.SubstituteFor, in.UserID, in.FromDate, in.ToDate
}

// MemberInputOf answers m as a form's input.
func MemberInputOf(m *Member) MemberInput {
	return MemberInput{Name: m.Name, Role: m.Role, Represents: m.Represents, RepresentsText: m.RepresentsText,
		SubstituteFor: m.SubstituteFor, UserID: m.UserID, FromDate: m.FromDate, ToDate: m.ToDate}
}

// Members answers every membership of council c, current and past, in the
// council's order.
func (s *Service) Members(ctx context.Context, o *org.Organisation, c *Council) ([]*Member, error) {
	var out []*Member
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		out, err = members(ctx, idb, o.ID, c.ID)
		return err
	})
	return out, err
}

func members(ctx context.Context, idb bun.IDB, orgID, councilID int64) ([]*Member, error) {
	var out []*Member
	ctx, a := db.Bind(ctx, idb, orgID, councilID) // on every meeting page: planned once a connection
	err := idb.NewSelect().Model(&out).Where("org_id = ? AND council_id = ?", a...).
		OrderExpr("position, id").Limit(MaxMembers).Scan(ctx)
	return out, err
}

// checkMember checks that in's links stay inside the council and the
// municipality: the substitute's member is of the same council, the user
// a member of o.
func checkMember(ctx context.Context, idb bun.IDB, o *org.Organisation, councilID int64, in *MemberInput) error {
	if in.SubstituteFor != nil {
		n, err := idb.NewSelect().Model((*Member)(nil)).Where("org_id = ? AND council_id = ? AND id = ?", o.ID, councilID, *in.SubstituteFor).Count(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return app.Errorf(app.EInvalid, "council.error.substitute_for").WithField("substitute_for")
		}
	}
	if in.UserID != nil {
		member, err := org.HasMember(ctx, idb, o.ID, *in.UserID)
		if err != nil {
			return err
		}
		if !member {
			return app.Errorf(app.EInvalid, "council.error.user").WithField("user_id")
		}
	}
	return nil
}

// AddMember adds a membership to council id.
func (s *Service) AddMember(ctx context.Context, o *org.Organisation, councilID int64, in MemberInput) (*Member, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	m := &Member{OrgID: o.ID, CouncilID: councilID, CreatedAt: now, UpdatedAt: now}
	in.apply(m)
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		c := new(Council)
		if err := getCouncil(ctx, tx, o.ID, councilID, c); err != nil {
			return err
		}
		if err := checkMember(ctx, tx, o, councilID, &in); err != nil {
			return err
		}
		n, err := tx.NewSelect().Model((*Member)(nil)).Where("org_id = ? AND council_id = ?", o.ID, councilID).Count(ctx)
		if err != nil {
			return err
		}
		if n >= MaxMembers {
			return app.Errorf(app.EInvalid, "council.error.too_many_members", "max", MaxMembers)
		}
		m.Position = int(n)
		if _, err := tx.NewInsert().Model(m).Returning("id").Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, audit.CouncilMembersChanged, c.Name, map[string]string{"added": m.Name}, now)
	})
	return m, err
}

// Member answers membership id of council councilID.
func (s *Service) Member(ctx context.Context, o *org.Organisation, councilID, id int64) (*Member, error) {
	m := new(Member)
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		return getMember(ctx, idb, o.ID, councilID, id, m)
	})
	return m, err
}

func getMember(ctx context.Context, idb bun.IDB, orgID, councilID, id int64, m *Member) error {
	return db.Err(idb.NewSelect().Model(m).Where("org_id = ? AND council_id = ? AND id = ?", orgID, councilID, id).Scan(ctx),
		"council.error.member_not_found")
}

// UpdateMember corrects a membership as recorded (a misspelt name, a
// missing day). A change that happened during the term (a new role, a
// member who leaves) is ChangeRole or an end day, so that earlier
// meetings keep who was there then.
func (s *Service) UpdateMember(ctx context.Context, o *org.Organisation, councilID, id int64, in MemberInput) (*Member, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if in.SubstituteFor != nil && *in.SubstituteFor == id {
		return nil, app.Errorf(app.EInvalid, "council.error.substitute_for").WithField("substitute_for")
	}
	m := new(Member)
	now := s.Clock.Now()
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		if err := getMember(ctx, tx, o.ID, councilID, id, m); err != nil {
			return err
		}
		if err := checkMember(ctx, tx, o, councilID, &in); err != nil {
			return err
		}
		in.apply(m)
		m.UpdatedAt = now
		_, err := tx.NewUpdate().Model(m).ExcludeColumn("org_id", "id", "council_id", "position", "created_at").
			Where("org_id = ? AND id = ?", o.ID, id).Exec(ctx)
		return err
	})
	return m, err
}

// ChangeRole records that a member takes another role from a day (a
// substitute who enters the council, a member elected chair): the
// membership ends the day before and a new one, in the new role, starts
// that day; earlier meetings keep the role the member had then.
func (s *Service) ChangeRole(ctx context.Context, o *org.Organisation, councilID, id int64, role string, from time.Time) (*Member, error) {
	if !validKind(Roles, role) {
		return nil, app.Errorf(app.EInvalid, "council.error.role").WithField("role")
	}
	from = time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
	now := s.Clock.Now()
	var next *Member
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		m := new(Member)
		if err := getMember(ctx, tx, o.ID, councilID, id, m); err != nil {
			return err
		}
		if m.Role == role {
			return app.Errorf(app.EInvalid, "council.error.same_role").WithField("role")
		}
		if !m.ActiveOn(from) || (m.FromDate != nil && !from.After(*m.FromDate)) {
			return app.Errorf(app.EInvalid, "council.error.change_day").WithField("from")
		}
		last := from.AddDate(0, 0, -1)
		if _, err := tx.NewUpdate().Model((*Member)(nil)).Set("to_date = ?, updated_at = ?", last, now).
			Where("org_id = ? AND id = ?", o.ID, id).Exec(ctx); err != nil {
			return err
		}
		next = &Member{OrgID: o.ID, CouncilID: councilID, Name: m.Name, Role: role, Represents: m.Represents,
			RepresentsText: m.RepresentsText, UserID: m.UserID, FromDate: &from, ToDate: m.ToDate, Position: m.Position,
			CreatedAt: now, UpdatedAt: now}
		if role == RoleSubstitute {
			next.SubstituteFor = m.SubstituteFor
		}
		if _, err := tx.NewInsert().Model(next).Returning("id").Exec(ctx); err != nil {
			return err
		}
		// Substitutes of the member from that day stand in for the new
		// membership.
		if _, err := tx.NewUpdate().Model((*Member)(nil)).Set("substitute_for = ?, updated_at = ?", next.ID, now).
			Where("org_id = ? AND council_id = ? AND substitute_for = ? AND (to_date IS NULL OR to_date >= ?)", o.ID, councilID, id, from).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, audit.CouncilMembersChanged, m.Name, map[string]string{"from": m.Role, "to": role}, now)
	})
	return next, err
}

// EndMember records that a member leaves the council after day last.
func (s *Service) EndMember(ctx context.Context, o *org.Organisation, councilID, id int64, last time.Time) error {
	last = time.Date(last.Year(), last.Month(), last.Day(), 0, 0, 0, 0, time.UTC)
	now := s.Clock.Now()
	return db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		m := new(Member)
		if err := getMember(ctx, tx, o.ID, councilID, id, m); err != nil {
			return err
		}
		if m.FromDate != nil && last.Before(*m.FromDate) {
			return app.Errorf(app.EInvalid, "council.error.member_dates").WithField("to_date")
		}
		if _, err := tx.NewUpdate().Model((*Member)(nil)).Set("to_date = ?, updated_at = ?", last, now).
			Where("org_id = ? AND id = ?", o.ID, id).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, audit.CouncilMembersChanged, m.Name, map[string]string{"left": last.Format(time.DateOnly)}, now)
	})
}

// RemoveMember deletes a membership recorded by mistake; one that a
// meeting's attendance names cannot go (end it instead).
func (s *Service) RemoveMember(ctx context.Context, o *org.Organisation, councilID, id int64) error {
	now := s.Clock.Now()
	return db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		m := new(Member)
		if err := getMember(ctx, tx, o.ID, councilID, id, m); err != nil {
			return err
		}
		n, err := tx.NewSelect().Model((*Attendance)(nil)).Where("org_id = ? AND (member_id = ? OR substitute_id = ?)", o.ID, id, id).Count(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return app.Errorf(app.EConflict, "council.error.member_attended")
		}
		if _, err := tx.NewUpdate().Model((*Member)(nil)).Set("substitute_for = NULL").
			Where("org_id = ? AND council_id = ? AND substitute_for = ?", o.ID, councilID, id).Exec(ctx); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Model((*Member)(nil)).Where("org_id = ? AND id = ?", o.ID, id).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, audit.CouncilMembersChanged, m.Name, map[string]string{"removed": m.Name}, now)
	})
}

// CurrentOn answers the memberships of ms active on day.
func CurrentOn(ms []*Member, day time.Time) []*Member {
	var out []*Member
	for _, m := range ms {
		if m.ActiveOn(day) {
			out = append(out, m)
		}
	}
	return out
}

// LinkedMember answers the membership of user userID among ms active on
// day, or nil: only a linked member approves or comments on minutes.
func LinkedMember(ms []*Member, userID int64, day time.Time) *Member {
	for _, m := range ms {
		if m.UserID != nil && *m.UserID == userID && m.ActiveOn(day) {
			return m
		}
	}
	return nil
}
