package account

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// DemoLogin is one demo account.
type DemoLogin struct {
	Email, Role, OrgSlug string
}

// DemoEmail is the address of the demo user with role in the organisation.
func DemoEmail(role, orgSlug string) string { return role + "@" + orgSlug + ".example" }

// EnsureDemoUsers makes one user per role of every demo organisation, named
// <role>@<slug>.example, and answers all of them. Missing users get
// password; with resetPassword, existing demo users get it too. Real users
// are never touched. One hash serves every demo user: they share the
// password by design, and argon2id is deliberately slow.
func EnsureDemoUsers(ctx context.Context, bdb *bun.DB, password string, resetPassword bool, now time.Time) ([]DemoLogin, error) {
	demo := true
	orgs, _, err := org.FindOrganisations(ctx, bdb, org.Filter{Demo: &demo})
	if err != nil {
		return nil, err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	var logins []DemoLogin
	err = db.RunTx(ctx, bdb, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		for _, o := range orgs {
			for _, role := range RolesFor(o.Kind) {
				email := DemoEmail(role, o.Slug)
				u, err := FindUserByEmail(ctx, tx, email)
				switch {
				case err == nil && !u.Demo:
					return fmt.Errorf("account: %s belongs to a real user; not touching it", email)
				case err == nil && resetPassword:
					if err := SetPassword(ctx, tx, u.ID, hash, now); err != nil {
						return err
					}
				case err != nil:
					u = &User{Email: email, Name: demoName(role, o.Name), PasswordHash: hash, Demo: true}
					if err := CreateUser(ctx, tx, u, now); err != nil {
						return fmt.Errorf("account: demo user %s: %w", email, err)
					}
				}
				if err := SetMembership(ctx, tx, o.ID, u.ID, role, now); err != nil {
					return err
				}
				logins = append(logins, DemoLogin{Email: email, Role: role, OrgSlug: o.Slug})
			}
		}
		return nil
	})
	return logins, err
}

func demoName(role, orgName string) string {
	return clip(fmt.Sprintf("Demo %s, %s", role, orgName), MaxNameLen)
}
