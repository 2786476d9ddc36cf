package dbtest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// Now is the fixed instant fixtures are created at.
var Now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// system runs fixture work as system work, in one transaction.
func system(tb testing.TB, bdb *bun.DB, fn func(ctx context.Context, tx bun.Tx) error) {
	tb.Helper()
	if err := db.RunTx(context.Background(), bdb, db.SystemScope, fn); err != nil {
		tb.Fatalf("dbtest: fixture: %v", err)
	}
}

// OrgOption adjusts an organisation before MustCreateOrg inserts it.
type OrgOption func(*org.Organisation)

// MustCreateOrg inserts an organisation of kind with a unique slug and
// valid defaults (a Norwegian municipality unless options say otherwise).
func MustCreateOrg(tb testing.TB, bdb *bun.DB, kind string, opts ...OrgOption) *org.Organisation {
	tb.Helper()
	o := &org.Organisation{
		Slug: kind[:3] + "-" + randomSuffix(), Kind: kind, Name: "Testorg Ærøskøbing " + randomSuffix(),
		Locale: "nb", TimeZone: "Europe/Oslo",
	}
	if kind == org.KindMunicipality {
		o.Country, o.MunicipalityNumber = "NO", "5001"
	}
	for _, f := range opts {
		f(o)
	}
	system(tb, bdb, func(ctx context.Context, tx bun.Tx) error { return org.UpsertOrganisation(ctx, tx, o, Now) })
	return o
}

// MustJoinNetwork makes member a member of network from joined (and until
// left, when not zero).
func MustJoinNetwork(tb testing.TB, bdb *bun.DB, network, member *org.Organisation, joined, left time.Time) {
	tb.Helper()
	system(tb, bdb, func(ctx context.Context, tx bun.Tx) error {
		existing, err := org.FindNetworkMembers(ctx, tx, network.ID)
		if err != nil {
			return err
		}
		m := org.NetworkMember{MemberOrgID: member.ID, JoinedOn: joined}
		if !left.IsZero() {
			m.LeftOn = &left
		}
		return org.ReplaceNetworkMembers(ctx, tx, network.ID, append(existing, m))
	})
}

// Password is every fixture user's password.
const Password = "korrekt hest batteri stift æøå"

var passwordHash = sync.OnceValue(func() string {
	h, _ := account.HashPassword(Password)
	return h
})

// MustCreateUser inserts a user with Password and, when o is not nil, a
// membership of o with role. It answers the user and a context carrying
// them as the actor working in o.
func MustCreateUser(tb testing.TB, bdb *bun.DB, o *org.Organisation, role string) (*account.User, context.Context) {
	tb.Helper()
	u := &account.User{Email: "user-" + randomSuffix() + "@example.org", Name: "Åse Øren", PasswordHash: passwordHash()}
	a := &app.Actor{Locale: "nb"}
	system(tb, bdb, func(ctx context.Context, tx bun.Tx) error {
		if err := account.CreateUser(ctx, tx, u, Now); err != nil {
			return err
		}
		if o != nil {
			a.OrgID, a.OrgSlug, a.OrgKind, a.Role = o.ID, o.Slug, o.Kind, role
			return account.SetMembership(ctx, tx, o.ID, u.ID, role, Now)
		}
		return nil
	})
	a.UserID, a.Email, a.Name = u.ID, u.Email, u.Name
	return u, app.WithActor(context.Background(), a)
}

// MustAddMember gives an existing user a role in another organisation.
func MustAddMember(tb testing.TB, bdb *bun.DB, o *org.Organisation, u *account.User, role string) {
	tb.Helper()
	system(tb, bdb, func(ctx context.Context, tx bun.Tx) error {
		return account.SetMembership(ctx, tx, o.ID, u.ID, role, Now)
	})
}
