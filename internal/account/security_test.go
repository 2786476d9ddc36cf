package account_test

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/uptrace/bun"
	"golang.org/x/crypto/argon2"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/mail"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/outbox"
	"github.com/samvirke/samvirke/internal/ratelimit"
)

// txTracker counts the transactions one caller has open; it travels in
// the caller's context, which bun hands to the hooks of BEGIN, COMMIT and
// ROLLBACK (the latter two through the transaction's own context).
type txTracker struct{ open atomic.Int32 }

type trackerKey struct{}

type txHook struct{}

func (txHook) BeforeQuery(ctx context.Context, e *bun.QueryEvent) context.Context {
	if tr, ok := ctx.Value(trackerKey{}).(*txTracker); ok {
		switch e.Query {
		case "BEGIN":
			tr.open.Add(1)
		case "COMMIT", "ROLLBACK":
			tr.open.Add(-1)
		}
	}
	return ctx
}

func (txHook) AfterQuery(context.Context, *bun.QueryEvent) {}

// gateKey is a fake argon2id: it records how many run at once and whether
// its caller has a transaction open, waits at the gate, then derives the
// real key (so right passwords stay right).
type gateKey struct {
	gate              chan struct{}
	inside, max       atomic.Int32
	calls, inTx, lost atomic.Int32
}

func newGateKey() *gateKey { return &gateKey{gate: make(chan struct{})} }

func (g *gateKey) key(ctx context.Context, password, salt []byte, t, m uint32, p uint8, n uint32) []byte {
	g.calls.Add(1)
	if tr, ok := ctx.Value(trackerKey{}).(*txTracker); !ok {
		g.lost.Add(1) // the caller's context did not arrive: nothing proven
	} else if tr.open.Load() != 0 {
		g.inTx.Add(1)
	}
	now := g.inside.Add(1)
	for {
		old := g.max.Load()
		if now <= old || g.max.CompareAndSwap(old, now) {
			break
		}
	}
	<-g.gate
	g.inside.Add(-1)
	return argon2.IDKey(password, salt, t, m, p, n)
}

// mailbox keeps the mail a service sends.
type mailbox struct {
	mu   sync.Mutex
	msgs []mail.Message
}

func (o *mailbox) Send(_ context.Context, m mail.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.msgs = append(o.msgs, m)
	return nil
}

// sendNow handles a send task as soon as it is queued, as a worker would.
type sendNow struct{ o *outbox.Outbox }

func (q sendNow) EnqueueContext(ctx context.Context, t *asynq.Task, _ ...asynq.Option) (*asynq.TaskInfo, error) {
	return &asynq.TaskInfo{}, q.o.HandleSend(ctx, t)
}

var linkToken = regexp.MustCompile(`/(?:invitations|password/reset)/([A-Za-z0-9_-]{20,})`)

func (o *mailbox) lastToken(t *testing.T) string {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	m := linkToken.FindStringSubmatch(o.msgs[len(o.msgs)-1].Text)
	if m == nil {
		t.Fatalf("no link in %q", o.msgs[len(o.msgs)-1].Text)
	}
	return m[1]
}

// TestSecurity07NoTransactionWhileHashing: sign-ins (right and wrong
// passwords), a password reset and an invitation's acceptance, all at
// once, hash or check their passwords with no database transaction open,
// and never more of them at a time than the hasher's bound; the others
// wait their turn and then succeed.
func TestSecurity07NoTransactionWhileHashing(t *testing.T) {
	t.Parallel()
	bdb := dbtest.Open(t)
	bdb.AddQueryHook(txHook{})
	const bound = 2
	g := newGateKey()
	box := &mailbox{}
	sealer, err := app.NewSealer(strings.Repeat("k", 32))
	if err != nil {
		t.Fatal(err)
	}
	ob := &outbox.Outbox{DB: bdb, Mail: box, Sealer: sealer, Clock: app.SystemClock{}, Log: slog.New(slog.DiscardHandler)}
	ob.Queue = sendNow{ob}
	svc := &account.Service{DB: bdb, Clock: app.SystemClock{}, Outbox: ob, BaseURL: "https://samvirke.example",
		Limits: &ratelimit.Limiter{DB: bdb, Clock: app.SystemClock{}},
		Text:   func(_, key string, args ...any) string { return fmt.Sprint(key, args) },
		Hasher: account.Hasher{Limit: bound, Wait: time.Minute, Key: g.key}}
	ctx := context.Background()
	o := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
	var users []*account.User
	for i := 0; i < 4; i++ {
		u, _ := dbtest.MustCreateUser(t, bdb, o, "editor")
		users = append(users, u)
	}
	if err := svc.RequestPasswordReset(ctx, users[3].Email, "nb", "192.0.2.9"); err != nil {
		t.Fatal(err)
	}
	ob.Flush(ctx)
	resetToken := box.lastToken(t)
	if _, err := svc.Invite(ctx, o, "ny.kollega@example.org", "viewer"); err != nil {
		t.Fatal(err)
	}
	ob.Flush(ctx)
	inviteToken := box.lastToken(t)

	calls := map[string]func(ctx context.Context) error{
		"right password 1": func(ctx context.Context) error {
			_, err := svc.SignIn(ctx, users[0].Email, dbtest.Password, "192.0.2.1")
			return err
		},
		"right password 2": func(ctx context.Context) error {
			_, err := svc.SignIn(ctx, users[1].Email, dbtest.Password, "192.0.2.2")
			return err
		},
		"wrong password": func(ctx context.Context) error {
			if _, err := svc.SignIn(ctx, users[2].Email, "feil passord", "192.0.2.3"); app.ErrorCode(err) != app.EUnauthenticated {
				return fmt.Errorf("answered %v; want unauthenticated", err)
			}
			return nil
		},
		"unknown address": func(ctx context.Context) error {
			if _, err := svc.SignIn(ctx, "finnes.ikke@example.org", "feil passord", "192.0.2.4"); app.ErrorCode(err) != app.EUnauthenticated {
				return fmt.Errorf("answered %v; want unauthenticated", err)
			}
			return nil
		},
		"reset": func(ctx context.Context) error {
			_, err := svc.ResetPassword(ctx, resetToken, "et helt nytt passord for Åse")
			return err
		},
		"invitation": func(ctx context.Context) error {
			_, err := svc.AcceptInvitation(ctx, inviteToken, 0, "Ny Kollega", "et passord for den nye")
			return err
		},
	}
	var wg sync.WaitGroup
	for name, call := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := call(context.WithValue(ctx, trackerKey{}, &txTracker{})); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}()
	}
	// Every caller arrives at the hasher: inside it or waiting for a turn.
	// (The deadline only keeps a broken build from hanging.)
	deadline := time.Now().Add(30 * time.Second)
	for int(g.inside.Load())+svc.Hasher.Waiting() < len(calls) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if in := g.inside.Load(); in != bound {
		t.Errorf("%d hashes running while %d callers wait; want exactly the bound, %d", in, svc.Hasher.Waiting(), bound)
	}
	close(g.gate)
	wg.Wait()
	if n := g.calls.Load(); n != int32(len(calls)) {
		t.Errorf("%d hashes; want %d, one per caller", n, len(calls))
	}
	if n := g.max.Load(); n > bound {
		t.Errorf("%d hashes ran at once; the bound is %d", n, bound)
	}
	if n := g.inTx.Load(); n != 0 {
		t.Errorf("%d of %d hashes ran inside a database transaction", n, g.calls.Load())
	}
	if n := g.lost.Load(); n != 0 {
		t.Errorf("%d hashes did not get their caller's context", n)
	}
}

// TestHasherGivesBackTheRequestsTurn: a sign-in that must wait for a turn
// to hash its password first gives back its request's turn to compute
// (app.LeaveTurn), so that a burst of sign-ins waiting for the hasher
// keeps no other page waiting behind them.
func TestHasherGivesBackTheRequestsTurn(t *testing.T) {
	t.Parallel()
	g := newGateKey()
	h := &account.Hasher{Limit: 1, Wait: 10 * time.Second, Key: g.key}
	tracked := func() context.Context { return context.WithValue(context.Background(), trackerKey{}, &txTracker{}) }
	done := make(chan error, 1)
	go func() {
		_, err := h.Hash(tracked(), "et langt passord")
		done <- err
	}()
	for g.inside.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	left := make(chan struct{})
	var once sync.Once
	ctx := app.WithTurn(tracked(), func() { once.Do(func() { close(left) }) })
	checked := make(chan error, 1)
	go func() {
		_, err := h.Check(ctx, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$a2V5", "noe annet")
		checked <- err
	}()
	select {
	case <-left:
	case <-time.After(5 * time.Second):
		close(g.gate)
		t.Fatal("a check waiting for the hasher kept its request's turn")
	}
	if n := g.inside.Load(); n != 1 {
		t.Errorf("%d hashes ran while the only turn was taken", n)
	}
	close(g.gate)
	if err := <-done; err != nil {
		t.Errorf("the hash holding the turn: %v", err)
	}
	if err := <-checked; err != nil {
		t.Errorf("the check after it: %v", err)
	}
}

// TestSecurity07HasherBusy: a caller that waits longer than the hasher's
// wait for a turn gets a "too many requests" error that says when to come
// back, instead of queueing without end.
func TestSecurity07HasherBusy(t *testing.T) {
	t.Parallel()
	g := newGateKey()
	h := &account.Hasher{Limit: 1, Wait: 50 * time.Millisecond, Key: g.key}
	done := make(chan error, 1)
	go func() {
		_, err := h.Hash(context.WithValue(context.Background(), trackerKey{}, &txTracker{}), "et langt passord")
		done <- err
	}()
	for g.inside.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	checked := make(chan error, 1)
	go func() {
		_, err := h.Check(context.WithValue(context.Background(), trackerKey{}, &txTracker{}), "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$a2V5", "noe annet")
		checked <- err
	}()
	var err error
	for err == nil {
		select {
		case err = <-checked:
			if err == nil {
				t.Fatal("the check succeeded while the only turn was taken")
			}
		default:
			if g.inside.Load() > 1 {
				close(g.gate)
				t.Fatal("a second hash ran while the only turn was taken")
			}
			time.Sleep(time.Millisecond)
		}
	}
	if app.ErrorCode(err) != app.ETooMany || app.AsError(err).Key != account.KeyBusy {
		t.Fatalf("a check while the only turn is taken: %v; want too many (%s)", err, account.KeyBusy)
	}
	if s, _ := app.AsError(err).Args["retry_after"].(int); s < 1 {
		t.Errorf("retry_after = %v; want at least a second", app.AsError(err).Args["retry_after"])
	}
	close(g.gate)
	if err := <-done; err != nil {
		t.Errorf("the hash holding the turn: %v", err)
	}
}
