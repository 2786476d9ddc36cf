package account_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"golang.org/x/crypto/argon2"

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

// TestSignInRehashesAnOlderHash: a user whose password was hashed with
// the parameters of before (19 MiB, two passes) signs in with it as
// before; the stored hash is then one made now, which the same password
// opens and a wrong one does not. A failed sign-in leaves the hash alone.
func TestSignInRehashesAnOlderHash(t *testing.T) {
	t.Parallel()
	f := newSvcFixture(t)
	ctx := context.Background()
	o := dbtest.MustCreateOrg(t, f.bdb, org.KindMunicipality)
	u, _ := dbtest.MustCreateUser(t, f.bdb, o, "editor")
	salt := []byte("sixteen byte sal")
	b64 := base64.RawStdEncoding
	old := fmt.Sprintf("$argon2id$v=19$m=19456,t=2,p=1$%s$%s", b64.EncodeToString(salt),
		b64.EncodeToString(argon2.IDKey([]byte(dbtest.Password), salt, 2, 19456, 1, 32)))
	stored := func() string {
		var h string
		f.system(t, func(ctx context.Context, tx bun.Tx) error {
			return tx.NewSelect().Table("users").Column("password_hash").Where("id = ?", u.ID).Scan(ctx, &h)
		})
		return h
	}
	f.system(t, func(ctx context.Context, tx bun.Tx) error {
		return account.SetPassword(ctx, tx, u.ID, old, f.clock.Now())
	})
	if !account.NeedsRehash(old) {
		t.Fatal("a 19 MiB hash does not need rehashing")
	}

	if _, err := f.svc.SignIn(ctx, u.Email, "feil passord", "192.0.2.1"); app.ErrorCode(err) != app.EUnauthenticated {
		t.Fatalf("wrong password: %v", err)
	}
	if got := stored(); got != old {
		t.Fatalf("a failed sign-in changed the hash to %s", got)
	}
	if _, err := f.svc.SignIn(ctx, u.Email, dbtest.Password, "192.0.2.1"); err != nil {
		t.Fatalf("right password against the older hash: %v", err)
	}
	now := stored()
	if now == old || account.NeedsRehash(now) || !strings.HasPrefix(now, "$argon2id$v=19$m=7168,t=5,p=1$") {
		t.Fatalf("after signing in the hash is %s", now)
	}
	if _, err := f.svc.SignIn(ctx, u.Email, dbtest.Password, "192.0.2.1"); err != nil {
		t.Fatalf("right password against the new hash: %v", err)
	}
	if _, err := f.svc.SignIn(ctx, u.Email, "feil passord", "192.0.2.1"); app.ErrorCode(err) != app.EUnauthenticated {
		t.Fatalf("wrong password against the new hash: %v", err)
	}
	if got := stored(); got != now {
		t.Errorf("signing in with a current hash changed it again: %s", got)
	}
}

// TestHashIfFreeDoesNotWait: with the hasher's one turn taken, replacing
// an older hash is put off at once rather than queued behind it; once the
// turn is free it hashes.
func TestHashIfFreeDoesNotWait(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	h := &account.Hasher{Limit: 1, Wait: time.Minute, Key: func(_ context.Context, password, salt []byte, tm, m uint32, p uint8, n uint32) []byte {
		started <- struct{}{}
		<-release
		return make([]byte, n)
	}}
	ctx := context.Background()
	done := make(chan error)
	go func() {
		_, err := h.Hash(ctx, "første")
		done <- err
	}()
	<-started
	begun := time.Now()
	if hash, ok, err := h.HashIfFree(ctx, "andre"); ok || err != nil || hash != "" {
		t.Errorf("with the turn taken: %q, %v, %v; want nothing, at once", hash, ok, err)
	}
	if waited := time.Since(begun); waited > time.Second {
		t.Errorf("waited %s for a turn", waited)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if hash, ok, err := h.HashIfFree(ctx, "andre"); !ok || err != nil || !strings.HasPrefix(hash, "$argon2id$") {
		t.Errorf("with the turn free: %q, %v, %v", hash, ok, err)
	}
}
