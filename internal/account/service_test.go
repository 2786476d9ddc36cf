package account_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/outbox"
	"github.com/samvirke/samvirke/internal/ratelimit"
)

// svcFixture is an account service on a database of its own, with a clock
// the test moves and a mailbox that receives what the outbox sends.
type svcFixture struct {
	bdb   *bun.DB
	svc   *account.Service
	clock *app.FixedClock
	box   *mailbox
	ob    *outbox.Outbox
}

// newSvcFixture answers a service whose texts are "locale|key|args", so
// tests can tell which language a mail was written in.
func newSvcFixture(t *testing.T) *svcFixture {
	t.Helper()
	bdb := dbtest.Open(t) // with the tenant guard: a query it rejects fails the test
	clock := &app.FixedClock{T: dbtest.Now.Add(time.Hour)}
	sealer, err := app.NewSealer(strings.Repeat("k", 32))
	if err != nil {
		t.Fatal(err)
	}
	box := &mailbox{}
	ob := &outbox.Outbox{DB: bdb, Mail: box, Sealer: sealer, Clock: clock, Log: slog.New(slog.DiscardHandler)}
	ob.Queue = sendNow{ob}
	svc := &account.Service{DB: bdb, Clock: clock, Outbox: ob, Sealer: sealer, BaseURL: "https://samvirke.example",
		Log:    slog.New(slog.DiscardHandler),
		Limits: &ratelimit.Limiter{DB: bdb, Clock: clock},
		Text:   func(loc, key string, args ...any) string { return loc + "|" + key + "|" + fmt.Sprint(args) }}
	return &svcFixture{bdb: bdb, svc: svc, clock: clock, box: box, ob: ob}
}

// sent delivers what the outbox holds and answers the mail sent to addr.
func (f *svcFixture) sent(t *testing.T, addr string) []string {
	t.Helper()
	f.ob.Flush(context.Background())
	f.box.mu.Lock()
	defer f.box.mu.Unlock()
	var out []string
	for _, m := range f.box.msgs {
		if len(m.To) == 1 && m.To[0] == addr {
			out = append(out, m.Subject+"\n"+m.Text)
		}
	}
	return out
}

// system runs fn as system work, failing the test on error.
func (f *svcFixture) system(t *testing.T, fn func(ctx context.Context, tx bun.Tx) error) {
	t.Helper()
	if err := db.RunTx(context.Background(), f.bdb, db.SystemScope, fn); err != nil {
		t.Fatal(err)
	}
}

func named(name, locale, tz string) dbtest.OrgOption {
	return func(o *org.Organisation) { o.Name, o.Locale, o.TimeZone = name+" "+o.Slug, locale, tz }
}

// TestCreateAPITokenNotifiesInTheTokensOrganisation: making an API token
// works inside the organisation's scope alone (the tenant guard of
// dbtest rejects any read of memberships that does not name the
// organisation), and the user is told in the language and time zone of
// the organisation the token is for, not of another one they belong to.
func TestCreateAPITokenNotifiesInTheTokensOrganisation(t *testing.T) {
	t.Parallel()
	f := newSvcFixture(t)
	a := dbtest.MustCreateOrg(t, f.bdb, org.KindMunicipality, named("Alfa", "sv", "Europe/Stockholm"))
	b := dbtest.MustCreateOrg(t, f.bdb, org.KindMunicipality, named("Bravo", "da", "America/New_York"))
	u, ctx := dbtest.MustCreateUser(t, f.bdb, b, account.RoleAdmin)
	dbtest.MustAddMember(t, f.bdb, a, u, account.RoleOwner)

	token, tok, err := f.svc.CreateAPIToken(ctx, b, u.ID, "Fagsystem", account.ScopeRead)
	if err != nil {
		t.Fatalf("CreateAPIToken: %v", err)
	}
	if tok.OrgID != b.ID || !strings.HasPrefix(token, account.TokenPrefix) {
		t.Errorf("CreateAPIToken: token of organisation %d (%q…); want one of %d", tok.OrgID, token[:4], b.ID)
	}
	mails := f.sent(t, u.Email)
	if len(mails) != 1 {
		t.Fatalf("%d mails to the user; want one telling of the token", len(mails))
	}
	if !strings.HasPrefix(mails[0], "da|mail.changed.subject") || !strings.Contains(mails[0], "America/New_York") || !strings.Contains(mails[0], b.Name) {
		t.Errorf("mail about a token of %s:\n%s\nwant it in Danish, in America/New_York time, naming %s", b.Slug, mails[0], b.Name)
	}
}
