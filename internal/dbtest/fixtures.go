package dbtest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/org"
)

// Now is the fixed instant fixtures are created at.
var Now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// OrgOption adjusts an organisation before MustCreateOrg inserts it.
type OrgOption func(*org.Organisation)

// MustCreateOrg inserts an organisation of kind with a unique slug and
// valid defaults (a Norwegian municipality unless options say otherwise).
func MustCreateOrg(tb testing.TB, bdb bun.IDB, kind string, opts ...OrgOption) *org.Organisation {
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
	if err := org.UpsertOrganisation(context.Background(), bdb, o, Now); err != nil {
		tb.Fatalf("dbtest: create organisation: %v", err)
	}
	return o
}

// MustJoinNetwork makes member a member of network from joined (and until
// left, when not zero).
func MustJoinNetwork(tb testing.TB, bdb bun.IDB, network, member *org.Organisation, joined, left time.Time) {
	tb.Helper()
	ctx := context.Background()
	existing, err := org.FindNetworkMembers(ctx, bdb, network.ID)
	if err != nil {
		tb.Fatal(err)
	}
	m := org.NetworkMember{MemberOrgID: member.ID, JoinedOn: joined}
	if !left.IsZero() {
		m.LeftOn = &left
	}
	if err := org.ReplaceNetworkMembers(ctx, bdb, network.ID, append(existing, m)); err != nil {
		tb.Fatalf("dbtest: join network: %v", err)
	}
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
func MustCreateUser(tb testing.TB, bdb bun.IDB, o *org.Organisation, role string) (*account.User, context.Context) {
	tb.Helper()
	ctx := context.Background()
	u := &account.User{Email: "user-" + randomSuffix() + "@example.org", Name: "Åse Øren", PasswordHash: passwordHash()}
	if err := account.CreateUser(ctx, bdb, u, Now); err != nil {
		tb.Fatalf("dbtest: create user: %v", err)
	}
	a := &app.Actor{UserID: u.ID, Email: u.Email, Name: u.Name, Locale: "nb"}
	if o != nil {
		if err := account.SetMembership(ctx, bdb, o.ID, u.ID, role, Now); err != nil {
			tb.Fatalf("dbtest: membership: %v", err)
		}
		a.OrgID, a.OrgSlug, a.OrgKind, a.Role = o.ID, o.Slug, o.Kind, role
	}
	return u, app.WithActor(ctx, a)
}
