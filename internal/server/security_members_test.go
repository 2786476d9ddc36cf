package server_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/config"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/mail/mailtest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/internal/server/servertest"
)

// smtpGate stands in front of a mailtest server and holds every
// connection, unanswered, until released: an SMTP server that hangs.
type smtpGate struct {
	l        net.Listener
	open     chan struct{}
	once     sync.Once
	accepted atomic.Int32
}

func holdSMTP(t *testing.T, target *mailtest.Server) *smtpGate {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := &smtpGate{l: l, open: make(chan struct{})}
	t.Cleanup(func() { g.release(); l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			g.accepted.Add(1)
			go func() {
				defer c.Close()
				<-g.open
				up, err := net.Dial("tcp", net.JoinHostPort(target.Host(), fmt.Sprint(target.Port())))
				if err != nil {
					return
				}
				defer up.Close()
				go io.Copy(up, c)
				io.Copy(c, up)
			}()
		}
	}()
	return g
}

func (g *smtpGate) release() { g.once.Do(func() { close(g.open) }) }

func (g *smtpGate) port() int { return g.l.Addr().(*net.TCPAddr).Port }

// mailConfig points cfg's mail at an SMTP server on 127.0.0.1:port.
func mailConfig(cfg config.Config, port int) config.Config {
	cfg.SMTPHost, cfg.SMTPPort, cfg.SMTPTLS, cfg.MailFrom = "127.0.0.1", port, "none", "Samvirke <samvirke@example.org>"
	return cfg
}

// unsent counts the outbox's messages not yet sent or failed.
func unsent(t *testing.T, bdb *bun.DB) int {
	t.Helper()
	var n int
	err := db.Run(context.Background(), bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		c, err := idb.NewSelect().Table("mail_outbox").Where("sent_at IS NULL AND failed_at IS NULL").Count(ctx)
		n = int(c)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// countTo counts the messages smtp received for addr.
func countTo(smtp *mailtest.Server, addr string) int {
	n := 0
	for _, m := range smtp.Messages() {
		for _, to := range m.To {
			if strings.Contains(strings.ToLower(to), strings.ToLower(addr)) {
				n++
			}
		}
	}
	return n
}

// TestSecurity08MailLeavesAfterTheRequest: with an SMTP server that does
// not answer, a password reset and an invitation are answered at once
// (the mail waits in the outbox), another organisation's writes go on, and
// the mail goes out when the server answers again.
func TestSecurity08MailLeavesAfterTheRequest(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t)
	gate := holdSMTP(t, smtp)
	r := servertest.Open(t, mailConfig(servertest.NewEnv(t).Config(), gate.port()), server.ModeServe).Run(t)
	o1 := dbtest.MustCreateOrg(t, r.DB, org.KindMunicipality)
	o2 := dbtest.MustCreateOrg(t, r.DB, org.KindMunicipality)
	user, _ := dbtest.MustCreateUser(t, r.DB, o1, "editor")
	admin2, _ := dbtest.MustCreateUser(t, r.DB, o2, "admin")
	r.Authz.Reload()
	base := r.URL()

	if code, _ := post(t, client(t), base+"/password/forgot", url.Values{"email": {user.Email}}); code != http.StatusOK {
		t.Fatalf("reset request while the SMTP server hangs: %d; want 200 at once", code)
	}
	waitFor(t, 10*time.Second, func() bool { return gate.accepted.Load() > 0 }) // the worker is stuck sending
	invitee := "ny-" + o2.Slug + "@example.org"
	ac := sessionClient(t, r.DB, base, admin2)
	if code, body := post(t, ac, base+"/o/"+o2.Slug+"/admin/invitations", url.Values{"email": {invitee}, "role": {"editor"}}); code != http.StatusSeeOther {
		t.Fatalf("another organisation's invitation while a mail hangs: %d %.300s; want 303 at once", code, body)
	}
	if n := len(smtp.Messages()); n != 0 {
		t.Fatalf("%d messages arrived through a hanging server", n)
	}
	gate.release()
	smtp.WaitFor(t, user.Email, 15*time.Second)
	smtp.WaitFor(t, invitee, 15*time.Second)
}

// TestSecurity08ResetSameAnswerForAnyAddress: a reset for an address with
// an account and for one without answer the same, and neither waits for the
// mail server; only the first gets a mail.
func TestSecurity08ResetSameAnswerForAnyAddress(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t)
	gate := holdSMTP(t, smtp)
	r := servertest.Open(t, mailConfig(servertest.NewEnv(t).Config(), gate.port()), server.ModeServe).Run(t)
	o := dbtest.MustCreateOrg(t, r.DB, org.KindMunicipality)
	known, _ := dbtest.MustCreateUser(t, r.DB, o, "editor")
	unknown := "ingen-konto-" + o.Slug + "@example.org"
	base := r.URL()

	codeK, bodyK := post(t, client(t), base+"/password/forgot", url.Values{"email": {known.Email}})
	codeU, bodyU := post(t, client(t), base+"/password/forgot", url.Values{"email": {unknown}})
	if codeK != http.StatusOK || codeU != codeK {
		t.Fatalf("known address: %d, unknown: %d; want 200 for both, at once", codeK, codeU)
	}
	if strings.ReplaceAll(bodyK, known.Email, "ADDRESS") != strings.ReplaceAll(bodyU, unknown, "ADDRESS") {
		t.Errorf("the answers differ:\n%s\n---\n%s", bodyK, bodyU)
	}
	gate.release()
	smtp.WaitFor(t, known.Email, 15*time.Second)
	waitFor(t, 15*time.Second, func() bool { return unsent(t, r.DB) == 0 })
	if n := countTo(smtp, unknown); n != 0 {
		t.Errorf("%d mails to an address without an account", n)
	}
}
