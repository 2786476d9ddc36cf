package server_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/mail"
	"github.com/samvirke/samvirke/internal/mail/mailtest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/queue"
	"github.com/samvirke/samvirke/internal/remind"
	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/internal/server/servertest"
)

// refusingSMTP is an SMTP server on 127.0.0.1 that refuses every message
// (550 to MAIL FROM) until accept is called; from then on it passes the
// connection to target.
type refusingSMTP struct {
	l        net.Listener
	open     atomic.Bool
	refusals atomic.Int32
}

func refuseSMTP(t *testing.T, target *mailtest.Server) *refusingSMTP {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := &refusingSMTP{l: l}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go g.serve(c, target)
		}
	}()
	return g
}

func (g *refusingSMTP) port() int { return g.l.Addr().(*net.TCPAddr).Port }

func (g *refusingSMTP) serve(c net.Conn, target *mailtest.Server) {
	defer c.Close()
	if g.open.Load() {
		up, err := net.Dial("tcp", net.JoinHostPort(target.Host(), fmt.Sprint(target.Port())))
		if err != nil {
			return
		}
		defer up.Close()
		go io.Copy(up, c)
		io.Copy(c, up)
		return
	}
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	fmt.Fprint(c, "220 refusing.example ESMTP\r\n")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			fmt.Fprint(c, "250 refusing.example\r\n")
		case strings.HasPrefix(cmd, "MAIL"):
			g.refusals.Add(1)
			fmt.Fprint(c, "550 5.7.1 Relaying denied\r\n")
		case strings.HasPrefix(cmd, "QUIT"):
			fmt.Fprint(c, "221 Bye\r\n")
			return
		default:
			fmt.Fprint(c, "250 OK\r\n")
		}
	}
}

// TestRefusedMailRetriedArchivedAndShownToOperators: a mail server that
// refuses a reminder leads to retries with backoff and then an archived
// task, which the operators' queue page lists with the server's answer;
// pages and other background work go on meanwhile; once the server takes
// mail again, the operator's «Retry now» delivers the reminder. Someone
// who is not an operator finds no such page. (Issue 16, acceptance 5.)
func TestRefusedMailRetriedArchivedAndShownToOperators(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t)
	gate := refuseSMTP(t, smtp)
	cfg := mailConfig(servertest.NewEnv(t).Config(), gate.port())
	p := servertest.OpenWith(t, cfg, server.ModeServe, func(m *server.Main) {
		m.TuneWorker = func(o *queue.WorkerOptions) {
			o.RetryDelay = func(int) time.Duration { return 50 * time.Millisecond }
			o.DelayedTaskCheckInterval = 100 * time.Millisecond
			o.TaskCheckInterval = 100 * time.Millisecond
		}
	})
	ran := make(chan string, 4)
	p.Worker.Mux().HandleFunc("test:other", func(_ context.Context, t *asynq.Task) error {
		ran <- string(t.Payload())
		return nil
	})
	release := make(chan struct{})
	p.Worker.Mux().HandleFunc("test:slow", func(ctx context.Context, _ *asynq.Task) error {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return nil
	})
	o := dbtest.MustCreateOrg(t, p.DB, org.KindMunicipality)
	editor, _ := dbtest.MustCreateUser(t, p.DB, o, "editor")
	operator, _ := dbtest.MustCreateUser(t, p.DB, o, "viewer")
	admin, _ := dbtest.MustCreateUser(t, p.DB, o, "admin")
	p.Web.Operators = []string{" " + strings.ToUpper(operator.Email) + " "} // as typed in the configuration
	p.Authz.Reload()
	r := p.Run(t)
	base := r.URL()
	ctx := context.Background()

	title := "Språkkafé «Ærlig talt» – frist § 3"
	sent, err := r.Reminders.Send(ctx, remind.Send{OrgID: o.ID, Key: "test:refused:" + o.Slug, Kind: remind.KindReminder,
		ItemKey: "measure:1", Rule: "due", Occurrence: time.Now(), UserID: editor.ID, Title: title, URL: "/o/" + o.Slug + "/dashboard",
		Compose: func(_ context.Context, _ bun.IDB, rc remind.Recipient) (mail.Message, error) {
			return mail.Message{Subject: title, Text: "Hei " + rc.Name + ", fristen er i dag."}, nil
		}})
	if err != nil || !sent {
		t.Fatalf("send: %v %v", sent, err)
	}

	// Retried with backoff, then archived.
	var archived []*asynq.TaskInfo
	waitFor(t, 60*time.Second, func() bool {
		archived, _ = r.Queue.Inspector.ListArchivedTasks(queue.Critical)
		return len(archived) > 0
	})
	if n := gate.refusals.Load(); n < 2 {
		t.Fatalf("the server refused %d times before the task was archived; want retries", n)
	}
	task := archived[0]
	if !strings.Contains(task.LastErr, "Relaying denied") {
		t.Errorf("archived task's last error %q does not carry the server's answer", task.LastErr)
	}

	// Nothing else stops: pages answer and other tasks run.
	ec := sessionClient(t, r.DB, base, editor)
	if code, _ := get(t, ec, base+"/o/"+o.Slug+"/dashboard"); code != http.StatusOK {
		t.Errorf("dashboard while mail is refused: %d", code)
	}
	if _, err := r.Queue.EnqueueContext(ctx, asynq.NewTask("test:other", []byte("ping"))); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ran:
	case <-time.After(20 * time.Second):
		t.Fatal("another task did not run while mail was refused")
	}

	// Not an operator: no such page, no such action.
	for _, u := range []*struct {
		who string
		c   *http.Client
	}{{"editor", ec}, {"admin", sessionClient(t, r.DB, base, admin)}} {
		if code, _ := get(t, u.c, base+"/ops/queues"); code != http.StatusNotFound {
			t.Errorf("%s opens the operators' page: %d; want 404", u.who, code)
		}
		if code, _ := post(t, u.c, base+"/ops/queues/critical/tasks/"+url.PathEscape(task.ID)+"/retry", url.Values{"state": {"archived"}}); code != http.StatusNotFound {
			t.Errorf("%s retries a task: %d; want 404", u.who, code)
		}
	}

	// The operator finds the page from their account and sees the
	// overview's archived count, and the task with the server's answer.
	oc := sessionClient(t, r.DB, base, operator)
	if code, body := get(t, oc, base+"/account"); code != http.StatusOK || !strings.Contains(body, `href="/ops/queues"`) {
		t.Errorf("the operator's account page does not link the queues (%d)", code)
	}
	if _, body := get(t, ec, base+"/account"); strings.Contains(body, `href="/ops/queues"`) {
		t.Error("an editor's account page links the operators' queues")
	}
	code, body := get(t, oc, base+"/ops/queues")
	if code != http.StatusOK {
		t.Fatalf("operator's queue page: %d %.300s", code, body)
	}
	if !regexp.MustCompile(`href="/ops/queues\?queue=critical&amp;state=archived"[^>]*>1</a>`).MatchString(body) {
		t.Errorf("the overview does not link one archived task in the critical queue:\n%s", body)
	}
	code, body = get(t, oc, base+"/ops/queues?queue=critical&state=archived")
	if code != http.StatusOK || !strings.Contains(body, "outbox:send") || !strings.Contains(body, "Relaying denied") || !strings.Contains(body, `<code class="wrap">`+task.ID+`</code>`) {
		t.Fatalf("archived listing: %d; want the outbox task %s with its error:\n%s", code, task.ID, body)
	}
	if len(smtp.Messages()) != 0 {
		t.Fatal("a refused message arrived")
	}

	// The server takes mail again; «Retry now» sends the reminder.
	gate.open.Store(true)
	if code, body := post(t, oc, base+"/ops/queues/critical/tasks/"+url.PathEscape(task.ID)+"/retry", url.Values{"state": {"archived"}}); code != http.StatusSeeOther {
		t.Fatalf("retry: %d %.300s", code, body)
	}
	got := smtp.WaitFor(t, editor.Email, 30*time.Second)
	if !strings.Contains(got.Subject, "«Ærlig talt»") {
		t.Errorf("delivered subject %q", got.Subject)
	}
	waitFor(t, 20*time.Second, func() bool { // done: asynq forgets it
		_, err := r.Queue.Inspector.GetTaskInfo(queue.Critical, task.ID)
		return errors.Is(err, asynq.ErrTaskNotFound)
	})
	code, body = get(t, oc, base+"/ops/queues?queue=critical&state=archived")
	if code != http.StatusOK || strings.Contains(body, `<code class="wrap">`+task.ID+`</code>`) {
		t.Errorf("the task is still listed as archived after its retry succeeded (%d)", code)
	}
	// Deleting a task that is gone says so rather than failing.
	if code, _ := post(t, oc, base+"/ops/queues/critical/tasks/"+url.PathEscape(task.ID)+"/delete", url.Values{"state": {"archived"}}); code != http.StatusSeeOther {
		t.Errorf("delete of a finished task: %d; want 303 with a notice", code)
	}

	// A task a worker is running cannot be deleted: the page says so.
	slow, err := r.Queue.EnqueueContext(ctx, asynq.NewTask("test:slow", nil))
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, func() bool {
		ti, err := r.Queue.Inspector.GetTaskInfo(slow.Queue, slow.ID)
		return err == nil && ti.State == asynq.TaskStateActive
	})
	resp, _ := oc.PostForm(base+"/ops/queues/"+slow.Queue+"/tasks/"+url.PathEscape(slow.ID)+"/delete", url.Values{"state": {"active"}})
	if resp != nil {
		resp.Body.Close()
	}
	if code, body := get(t, oc, base+"/ops/queues?queue="+slow.Queue+"&state=active"); code != http.StatusOK || !strings.Contains(body, "kan ikke endres") {
		t.Errorf("deleting a running task: %d; want the notice that it is running", code)
	}
	close(release)

	// The organisation's send log shows the reminder to its admin.
	code, body = get(t, sessionClient(t, r.DB, base, admin), base+"/o/"+o.Slug+"/admin/sent?kind=reminder")
	if code != http.StatusOK || !strings.Contains(body, "Språkkafé «Ærlig talt»") || !strings.Contains(body, editor.Email) || !strings.Contains(body, "Fristen er i dag") {
		t.Errorf("send log: %d; want the reminder to %s:\n%.2000s", code, editor.Email, body)
	}
}
