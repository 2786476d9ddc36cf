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
	ctx, a := db.Bind(ctx, idb, orgID) // on the answer and survey pages (the responsibles to choose): planned once a connection
	err := idb.NewSelect().Model(&out).
		ModelTableExpr("users AS u").ColumnExpr("u.*, m.role").
		Join("JOIN memberships AS m ON m.user_id = u.id").
		Where("m.org_id = ?", a...).OrderExpr("lower(u.name), lower(u.email)").Scan(ctx)
	return out, err
}

// GrantableRoles lists the roles of an organisation of kind that an actor
// with actorRole may give, invite to or take away: every role for an owner,
// every role but owner for anyone else.
func GrantableRoles(kind, actorRole string) []string {
	roles := RolesFor(kind)
	if actorRole == RoleOwner {
		return roles
	}
	return slices.DeleteFunc(slices.Clone(roles), func(r string) bool { return r == RoleOwner })
}

// actingRole answers the acting user's role in orgID, read in idb ("" for
// a user who is not a member). Work without an actor (an operator's
// command, a test) acts as an owner.
func actingRole(ctx context.Context, idb bun.IDB, orgID int64) (string, error) {
	a := app.ActorFrom(ctx)
	if a == nil {
		return RoleOwner, nil
	}
	m, err := FindMembership(ctx, idb, orgID, a.UserID)
	if app.IsNotFound(err) {
		return "", nil
	}
	return m.Role, err
}

// requireOwner answers app.EForbidden (account.error.owner_only, field
// role) unless the actor is an owner of orgID.
func requireOwner(ctx context.Context, idb bun.IDB, orgID int64) error {
	role, err := actingRole(ctx, idb, orgID)
	if err != nil {
		return err
	}
	if role != RoleOwner {
		return app.Errorf(app.EForbidden, "account.error.owner_only").WithField("role")
	}
	return nil
}

// KeyConfirmOwnRole is the translation key of the error ChangeRole answers
// when the actor changes their own role without confirming.
const KeyConfirmOwnRole = "account.error.confirm_own_role"

// ChangeRole gives a member another role. Only an owner may give the owner
// role or change an owner's (app.EForbidden, account.error.owner_only);
// the last owner keeps the role, also against themself (app.EConflict,
// account.error.last_owner); and changing one's own role takes confirmed,
// otherwise nothing changes (app.EConflict, KeyConfirmOwnRole). All on
// field role. The change is audited.
func (s *Service) ChangeRole(ctx context.Context, o *org.Organisation, userID int64, role string, confirmed bool) error {
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
		if m.Role == RoleOwner || role == RoleOwner {
			if err := requireOwner(ctx, tx, o.ID); err != nil {
				return err
			}
		}
		if m.Role == RoleOwner {
			if err := s.keepAnOwner(ctx, tx, o.ID); err != nil {
				return err
			}
		}
		if a := app.ActorFrom(ctx); a != nil && a.UserID == userID && !confirmed {
			return app.Errorf(app.EConflict, KeyConfirmOwnRole, "role", role).WithField("role")
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
// there is denied. Only an owner may remove an owner (app.EForbidden), and
// the last owner cannot be removed (app.EConflict).
func (s *Service) RemoveMember(ctx context.Context, o *org.Organisation, userID int64) error {
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		m, err := FindMembership(ctx, tx, o.ID, userID)
		if err != nil {
			return err
		}
		if m.Role == RoleOwner {
			if err := requireOwner(ctx, tx, o.ID); err != nil {
				return err
			}
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

// keepAnOwner answers app.EConflict (account.error.last_owner, field role)
// unless orgID has another owner besides the one about to go. The owners'
// rows are locked (PostgreSQL), so two owners demoting each other at once
// cannot both succeed.
func (s *Service) keepAnOwner(ctx context.Context, tx bun.IDB, orgID int64) error {
	var owners []Membership
	q := tx.NewSelect().Model(&owners).Column("user_id").Where("org_id = ? AND role = ?", orgID, RoleOwner)
	if err := db.ForUpdate(q).Scan(ctx); err != nil {
		return err
	}
	if len(owners) <= 1 {
		return app.Errorf(app.EConflict, "account.error.last_owner").WithField("role")
	}
	return nil
}
