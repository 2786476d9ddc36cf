package account

import (
	"context"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// Member is a user as a member of one organisation.
type Member struct {
	User
	Role string `bun:"role"`
}

// FindMembers lists an organisation's members by name and address.
func FindMembers(ctx context.Context, idb bun.IDB, orgID int64) ([]*Member, error) {
	var out []*Member
	err := idb.NewSelect().Model(&out).
		ModelTableExpr("users AS u").ColumnExpr("u.*, m.role").
		Join("JOIN memberships AS m ON m.user_id = u.id").
		Where("m.org_id = ?", orgID).OrderExpr("lower(u.name), lower(u.email)").Scan(ctx)
	return out, err
}

// ChangeRole gives a member another role. The last owner keeps the role.
func (s *Service) ChangeRole(ctx context.Context, o *org.Organisation, userID int64, role string) error {
	if !slices.Contains(RolesFor(o.Kind), role) {
		return app.Errorf(app.EInvalid, "account.error.role").WithField("role")
	}
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		m, err := FindMembership(ctx, tx, o.ID, userID)
		if err != nil {
			return err
		}
		if m.Role == role {
			return nil
		}
		if m.Role == RoleOwner {
			if err := s.keepAnOwner(ctx, tx, o.ID); err != nil {
				return err
			}
		}
		if err := SetMembership(ctx, tx, o.ID, userID, role, s.Clock.Now()); err != nil {
			return err
		}
		u, err := FindUserByID(ctx, tx, userID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, audit.MemberRoleChanged, u.Email, map[string]string{"from": m.Role, "to": role}, s.Clock.Now())
	})
	if err == nil {
		s.membershipsChanged()
	}
	return err
}

// RemoveMember takes a user out of the organisation; their next request
// there is denied. The last owner cannot be removed.
func (s *Service) RemoveMember(ctx context.Context, o *org.Organisation, userID int64) error {
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		m, err := FindMembership(ctx, tx, o.ID, userID)
		if err != nil {
			return err
		}
		if m.Role == RoleOwner {
			if err := s.keepAnOwner(ctx, tx, o.ID); err != nil {
				return err
			}
		}
		if err := DeleteMembership(ctx, tx, o.ID, userID); err != nil {
			return err
		}
		u, err := FindUserByID(ctx, tx, userID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, audit.MemberRemoved, u.Email, map[string]string{"role": m.Role}, s.Clock.Now())
	})
	if err == nil {
		s.membershipsChanged()
	}
	return err
}

func (s *Service) keepAnOwner(ctx context.Context, tx bun.IDB, orgID int64) error {
	n, err := tx.NewSelect().Model((*Membership)(nil)).Where("org_id = ? AND role = ?", orgID, RoleOwner).Count(ctx)
	if err != nil {
		return err
	}
	if n <= 1 {
		return app.Errorf(app.EConflict, "account.error.last_owner")
	}
	return nil
}

// FindUserSessions lists a user's live sessions, newest first.
func FindUserSessions(ctx context.Context, idb bun.IDB, userID int64, now time.Time) ([]*Session, error) {
	var out []*Session
	err := idb.NewSelect().Model(&out).Where("user_id = ? AND expires_at > ? AND last_seen_at > ?",
		userID, now, now.Add(-IdleTimeout)).OrderExpr("last_seen_at DESC").Scan(ctx)
	return out, err
}

// sessionInOrg selects the sessions that belong to an organisation: a
// session limited to one organisation (single sign-on) belongs to that
// one; any other belongs to the organisation it works in now (the last
// one opened), and to none before the first. An administrator sees and
// ends only sessions of their own organisation, never what a member who
// also belongs elsewhere does there.
const sessionInOrg = "COALESCE(restrict_org_id, current_org_id) = ?"

// MemberSessions answers a member of o and their live sessions in o (see
// sessionInOrg), newest first, or app.ENotFound when userID is not a
// member of o.
func (s *Service) MemberSessions(ctx context.Context, o *org.Organisation, userID int64) (*User, []*Session, error) {
	now := s.Clock.Now()
	var u *User
	var out []*Session
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		if _, err := FindMembership(ctx, idb, o.ID, userID); err != nil {
			return err // not a member of this organisation: 404
		}
		var err error
		if u, err = FindUserByID(ctx, idb, userID); err != nil {
			return err
		}
		return idb.NewSelect().Model(&out).Where("user_id = ? AND expires_at > ? AND last_seen_at > ?", userID, now, now.Add(-IdleTimeout)).
			Where(sessionInOrg, o.ID).OrderExpr("last_seen_at DESC").Scan(ctx)
	})
	if err != nil {
		return nil, nil, err
	}
	return u, out, nil
}

// RevokeSession ends one of a member's sessions in o, chosen by its public
// id (a prefix of the stored hash, never the token); a session that is not
// in o (see sessionInOrg) answers app.ENotFound like one that does not
// exist.
func (s *Service) RevokeSession(ctx context.Context, o *org.Organisation, userID int64, publicID string) error {
	return db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		if _, err := FindMembership(ctx, tx, o.ID, userID); err != nil {
			return err // not a member here: 404
		}
		res, err := tx.NewDelete().Model((*Session)(nil)).
			Where("user_id = ? AND substr(id, 1, 16) = ?", userID, publicID).Where(sessionInOrg, o.ID).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return app.Errorf(app.ENotFound, "account.error.session_not_found")
		}
		u, err := FindUserByID(ctx, tx, userID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, audit.SessionRevoked, u.Email, nil, s.Clock.Now())
	})
}

// PublicID is how pages name a session: the first 16 characters of its
// hash, which reveal nothing of the token.
func (s *Session) PublicID() string { return s.ID[:16] }
