package account_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/mail"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/outbox"
	"github.com/samvirke/samvirke/internal/ratelimit"
	webassets "github.com/samvirke/samvirke/web"
)

type recorder struct {
	mu   sync.Mutex
	sent []mail.Message
}

func (r *recorder) Send(_ context.Context, m mail.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, m)
	return nil
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sent)
}

// failAudit makes the next audit entry of action fail, mid-transaction,
// while armed: a change whose transaction fails after its mail was written.
type failAudit struct {
	action string
	armed  atomic.Bool
}

func (h *failAudit) BeforeQuery(ctx context.Context, e *bun.QueryEvent) context.Context {
	if h.armed.Load() && strings.Contains(e.Query, "audit_log") && strings.Contains(e.Query, h.action) {
		ctx, cancel := context.WithCancel(ctx)
		cancel()
		return ctx
	}
	return ctx
}

func (h *failAudit) AfterQuery(context.Context, *bun.QueryEvent) {}

// TestSecurity08InvitationMailOnlyAfterCommit: Invite sends nothing while
// it runs; its mail is in the outbox once the invitation is committed and
// is sent from there; when the transaction fails after the mail was
// written, neither the invitation nor its mail exists, and nothing is sent.
func TestSecurity08InvitationMailOnlyAfterCommit(t *testing.T) {
	t.Parallel()
	bdb := dbtest.Open(t)
	hook := &failAudit{action: "invitation.created"}
	bdb.AddQueryHook(hook)
	cat, err := i18n.Load(webassets.FS(""), "locales")
	if err != nil {
		t.Fatal(err)
	}
	sealer, _ := app.NewSealer("a test key of at least thirty-two characters")
	sender := &recorder{}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	box := &outbox.Outbox{DB: bdb, Mail: sender, Sealer: sealer, Clock: app.SystemClock{}, Log: log}
	svc := &account.Service{DB: bdb, Outbox: box, Sealer: sealer, Clock: app.SystemClock{}, Log: log, Text: cat.T,
		Limits: &ratelimit.Limiter{DB: bdb, Clock: app.SystemClock{}}, BaseURL: "https://samvirke.example"}
	o := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
	_, ctx := dbtest.MustCreateUser(t, bdb, o, "admin")

	deliverAll := func() {
		var ids []int64
		db.Run(ctx, bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
			return idb.NewSelect().Table("mail_outbox").Column("id").Where("sent_at IS NULL").Scan(ctx, &ids)
		})
		for _, id := range ids {
			if err := box.Deliver(ctx, id); err != nil {
				t.Error(err)
			}
		}
	}
	if _, err := svc.Invite(ctx, o, "ny@example.org", "editor"); err != nil {
		t.Fatal(err)
	}
	if n := sender.count(); n != 0 {
		t.Fatalf("Invite sent %d mails itself; want them left to the outbox", n)
	}
	deliverAll()
	if n := sender.count(); n != 1 || !strings.Contains(sender.sent[0].Text, "https://samvirke.example/invitations/") {
		t.Fatalf("after delivery: %d mails; want the invitation", n)
	}

	hook.armed.Store(true)
	if _, err := svc.Invite(ctx, o, "feiler@example.org", "editor"); err == nil {
		t.Fatal("the invitation was made although its transaction failed")
	}
	hook.armed.Store(false)
	deliverAll()
	var invitations int
	db.Run(ctx, bdb, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		c, err := idb.NewSelect().Table("invitations").Where("org_id = ? AND email = ?", o.ID, "feiler@example.org").Count(ctx)
		invitations = int(c)
		return err
	})
	if n := sender.count(); n != 1 || invitations != 0 {
		t.Errorf("after a failed transaction: %d mails, %d invitations; want only the first mail and no invitation", n, invitations)
	}
}
