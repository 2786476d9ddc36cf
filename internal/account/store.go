package account

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/db"
)

// CreateUser inserts u; a taken e-mail address answers app.EConflict.
func CreateUser(ctx context.Context, idb bun.IDB, u *User, now time.Time) error {
	u.Email = NormalizeEmail(u.Email)
	if err := u.Validate(); err != nil {
		return err
	}
	u.CreatedAt, u.UpdatedAt = now, now
	_, err := idb.NewInsert().Model(u).Exec(ctx)
	return db.Err(err, "account.error.not_found")
}

// FindUserByID returns the user, or app.ENotFound.
func FindUserByID(ctx context.Context, idb bun.IDB, id int64) (*User, error) {
	u := new(User)
	err := idb.NewSelect().Model(u).Where("id = ?", id).Scan(ctx)
	return u, db.Err(err, "account.error.not_found")
}

// FindUserByEmail returns the user with the address (any case), or
// app.ENotFound.
func FindUserByEmail(ctx context.Context, idb bun.IDB, email string) (*User, error) {
	u := new(User)
	err := idb.NewSelect().Model(u).Where("lower(email) = ?", NormalizeEmail(email)).Scan(ctx)
	return u, db.Err(err, "account.error.not_found")
}

// SetPassword stores a new password hash for the user.
func SetPassword(ctx context.Context, idb bun.IDB, userID int64, hash string, now time.Time) error {
	_, err := idb.NewUpdate().Model((*User)(nil)).
		Set("password_hash = ?", hash).Set("updated_at = ?", now).
		Where("id = ?", userID).Exec(ctx)
	return err
}

// authenticate checks password against u and err, the result of looking
// the user up by e-mail, and answers the active user. Any mismatch answers
// the same app.EUnauthenticated error, after the same amount of work, so
// it does not reveal which addresses exist. A Hasher without a free turn
// answers its app.ETooMany error.
func (s *Service) authenticate(ctx context.Context, u *User, err error, password string) (*User, error) {
	if err != nil && !app.IsNotFound(err) {
		return nil, err
	}
	hash := dummyHash()
	if err == nil && u.PasswordHash != "" {
		hash = u.PasswordHash
	}
	ok, cerr := s.Hasher.Check(ctx, hash, password)
	if cerr != nil {
		return nil, cerr
	}
	if err != nil || !ok || u.PasswordHash == "" || u.DisabledAt != nil {
		return nil, app.Errorf(app.EUnauthenticated, "auth.error.bad_credentials")
	}
	return u, nil
}

// SetMembership gives user the role in the organisation, replacing any
// earlier role there, and tells every process to reload its policy when
// the transaction commits (authz.Notify).
func SetMembership(ctx context.Context, idb bun.IDB, orgID, userID int64, role string, now time.Time) error {
	m := &Membership{OrgID: orgID, UserID: userID, Role: role, CreatedAt: now}
	_, err := idb.NewInsert().Model(m).On("CONFLICT (org_id, user_id) DO UPDATE").
		Set("role = EXCLUDED.role").Exec(ctx)
	if err != nil {
		return fmt.Errorf("account: set membership: %w", db.Err(err, "account.error.not_found"))
	}
	return authz.Notify(ctx, idb)
}

// FindMembership returns the user's membership of the organisation, or
// app.ENotFound.
func FindMembership(ctx context.Context, idb bun.IDB, orgID, userID int64) (*Membership, error) {
	m := new(Membership)
	err := idb.NewSelect().Model(m).Relation("Org").
		Where("membership.org_id = ? AND membership.user_id = ?", orgID, userID).Scan(ctx)
	return m, db.Err(err, "org.error.not_found")
}

// FindUserMemberships lists every organisation the user belongs to, by name.
func FindUserMemberships(ctx context.Context, idb bun.IDB, userID int64) ([]*Membership, error) {
	var out []*Membership
	err := idb.NewSelect().Model(&out).Relation("Org").
		Where("membership.user_id = ?", userID).OrderExpr("org.name").Scan(ctx)
	return out, err
}

// DeleteMembership removes the user from the organisation, and tells
// every process to reload its policy when the transaction commits.
func DeleteMembership(ctx context.Context, idb bun.IDB, orgID, userID int64) error {
	if _, err := idb.NewDelete().Model((*Membership)(nil)).Where("org_id = ? AND user_id = ?", orgID, userID).Exec(ctx); err != nil {
		return err
	}
	return authz.Notify(ctx, idb)
}
