package remind_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/plan"
	"github.com/samvirke/samvirke/internal/remind"
	"github.com/samvirke/samvirke/internal/webtest"
)

// world is an organisation with a plan whose measures fall due around
// the test's days.
type world struct {
	h      *webtest.Harness
	clock  *testClock
	o      *org.Organisation
	editor *account.User
	plan   int64
	area   string
	actor  *app.Actor
	tasks  *remind.Tasks
}

func newWorld(t *testing.T, now time.Time) *world {
	t.Helper()
	clock := &testClock{t: now}
	h := webtest.New(t, webtest.Options{Clock: clock})
	w := &world{h: h, clock: clock, o: h.Org(org.KindMunicipality)}
	w.editor = h.User(w.o, "editor")
	w.actor = &app.Actor{UserID: w.editor.ID, Email: w.editor.Email, Name: "Åse Ødegård", OrgID: w.o.ID, Role: "editor"}
	ctx := context.Background()
	p, err := h.Plans.Create(ctx, w.o, w.actor, plan.Meta{Kind: plan.KindActionPlan, Title: "Handlingsplan for integrering"})
	if err != nil {
		t.Fatal(err)
	}
	w.plan = p.ID
	if w.area, err = h.Plans.AddArea(ctx, w.o, w.actor, p.ID, 0, "Kvalifisering"); err != nil {
		t.Fatal(err)
	}
	w.tasks = &remind.Tasks{Service: h.Reminders}
	return w
}

// measure adds a measure for responsible due on day and answers its id.
func (w *world) measure(t *testing.T, text string, responsible *account.User, due string) string {
	t.Helper()
	id, err := w.h.Plans.AddItem(context.Background(), w.o, w.actor, w.plan, 0, w.area, "",
		plan.ItemInput{Kind: plan.ItemMeasure, Text: text, ResponsibleUser: &responsible.ID, Timeline: due})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (w *world) setStatus(t *testing.T, id, status string) {
	t.Helper()
	if _, err := w.h.Plans.UpdateMeasure(context.Background(), w.o, w.actor, id, plan.MeasureUpdate{Status: status}); err != nil {
		t.Fatal(err)
	}
}

// runAt runs the plan task as the scheduler would at instant at.
func (w *world) runAt(t *testing.T, at time.Time) int {
	t.Helper()
	w.clock.Set(at)
	n, err := w.tasks.RunPlan(context.Background(), remind.PlanPayload{OrgID: w.o.ID, At: at})
	if err != nil {
		t.Fatal(err)
	}
	w.h.WaitFor(10*time.Second, func() bool { return w.h.Unsent() == 0 })
	return n
}

func subjects(h *webtest.Harness, to string) []string {
	var out []string
	for _, m := range h.Mail() {
		for _, r := range m.To {
			if strings.EqualFold(r, to) {
				out = append(out, m.Subject)
			}
		}
	}
	return out
}

var oslo, _ = time.LoadLocation("Europe/Oslo")

// TestPlanRemindsOnceAndEscalates: on Friday 6 March 2026 at 08:00 Oslo
// the responsible hears of what is due in 14 and 3 days, today and a week
// ago, the editor of what is a week overdue, nobody of what is done; the
// same hour run again sends nothing more, and another hour sends nothing.
func TestPlanRemindsOnceAndEscalates(t *testing.T) {
	w := newWorld(t, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	kari := w.h.User(w.o, "contributor")
	w.measure(t, "Språkpraksis i kommunen", kari, "2026-03-20")
	w.measure(t, "Kartlegging av kompetanse", kari, "2026-03-09")
	w.measure(t, "Bolig for familier", kari, "2026-03-06")
	w.measure(t, "Frivilligsentral – «språkkafé»", kari, "2026-02-27")
	done := w.measure(t, "Helseundersøkelse", kari, "2026-03-06")
	w.setStatus(t, done, "done")

	at := time.Date(2026, 3, 6, 8, 0, 0, 0, oslo)
	if n := w.runAt(t, at.Add(-time.Hour)); n != 0 {
		t.Fatalf("07:00 planned %d; the send hour is 08:00", n)
	}
	if n := w.runAt(t, at); n != 5 {
		t.Errorf("planned %d deliveries, want 5 (four reminders, one escalation)", n)
	}
	got := subjects(w.h, kari.Email)
	want := []string{
		"Frist om 14 dager: Språkpraksis i kommunen",
		"Frist om 3 dager: Kartlegging av kompetanse",
		"Frist i dag: Bolig for familier",
		"Fristen gikk ut for 7 dager siden: Frivilligsentral – «språkkafé»",
	}
	if !sameSet(got, want) {
		t.Errorf("responsible got %q\nwant %q", got, want)
	}
	esc := subjects(w.h, w.editor.Email)
	if len(esc) != 1 || esc[0] != "Til oppfølging, 7 dager over fristen: Frivilligsentral – «språkkafé»" {
		t.Errorf("editor got %q", esc)
	}
	m := w.h.MailTo(w.editor.Email)
	if !strings.Contains(m.Text, kari.Name) && !strings.Contains(m.Text, kari.Email) {
		t.Errorf("the escalation does not name the responsible:\n%s", m.Text)
	}
	if id := m.Header.Get("Message-Id"); !strings.HasPrefix(id, "<samvirke.") {
		t.Errorf("Message-ID %q is not the send's", id)
	}
	before := len(w.h.Mail())
	w.runAt(t, at)
	w.runAt(t, at.Add(time.Hour))
	if after := len(w.h.Mail()); after != before {
		t.Errorf("running the plan again sent %d more", after-before)
	}
	// The log says what went to whom.
	var n int64
	err := db.Run(context.Background(), w.h.DB, db.OrgScope(w.o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		n, err = idb.NewSelect().TableExpr("reminder_sends").Where("org_id = ? AND channel = 'mail'", w.o.ID).Count(ctx)
		return err
	})
	if err != nil || n != 5 {
		t.Errorf("send log holds %d mail rows (%v), want 5", n, err)
	}
	if planned := w.runAt(t, at.Add(2*time.Hour)); planned != 0 {
		t.Errorf("10:00 planned %d again; want nothing, all were sent", planned)
	}
}

// TestPlanCatchesUpLaterInTheDay: with no worker at 08:00 (the day's plan
// never ran, or its tasks were lost with the queue), the next hour's plan
// sends the day's reminders, once; the next day's hours do not send the
// previous day's.
func TestPlanCatchesUpLaterInTheDay(t *testing.T) {
	w := newWorld(t, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	kari := w.h.User(w.o, "contributor")
	w.measure(t, "Kartlegging av kompetanse – «æøå»", kari, "2026-03-09")
	at := time.Date(2026, 3, 6, 11, 0, 0, 0, oslo) // Friday, three hours late
	if n := w.runAt(t, at); n != 1 {
		t.Fatalf("11:00 without an 08:00 plan planned %d; want the day's one reminder", n)
	}
	if n := w.runAt(t, at.Add(time.Hour)); n != 0 {
		t.Errorf("12:00 planned %d again", n)
	}
	if got := subjects(w.h, kari.Email); len(got) != 1 || got[0] != "Frist om 3 dager: Kartlegging av kompetanse – «æøå»" {
		t.Errorf("the responsible got %q; want the day's reminder once", got)
	}
}

// TestDelegateAndDigestPreference: a responsible away names a delegate,
// who gets the reminder with a note; a person who chose the daily digest
// gets no e-mail at once but a notification waiting for the digest.
func TestDelegateAndDigestPreference(t *testing.T) {
	w := newWorld(t, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	kari, per, lise := w.h.User(w.o, "contributor"), w.h.User(w.o, "contributor"), w.h.User(w.o, "contributor")
	w.measure(t, "Norskkurs for foreldre", kari, "2026-03-10")
	w.measure(t, "Jobbmesse", lise, "2026-03-10")
	ctx := context.Background()
	err := db.RunTx(ctx, w.h.DB, db.OrgScope(w.o.ID), func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewRaw("INSERT INTO absences (org_id, user_id, delegate_id, starts, ends, created_at) VALUES (?, ?, ?, ?, ?, ?)",
			w.o.ID, kari.ID, per.ID, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 13, 0, 0, 0, 0, time.UTC), w.clock.Now()).Exec(ctx); err != nil {
			return err
		}
		_, err := tx.NewRaw("INSERT INTO notification_prefs (user_id, kind, mode) VALUES (?, ?, ?)", lise.ID, remind.KindReminder, remind.ModeDaily).Exec(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	w.runAt(t, time.Date(2026, 3, 6, 8, 0, 0, 0, oslo)) // Friday: 10 March is Tuesday, 4 days; Saturday's «3 days» waits for Monday
	if n := len(w.h.Mail()); n != 0 {
		t.Fatalf("Friday sent %d; nothing is 14 or 3 days away or due", n)
	}
	w.runAt(t, time.Date(2026, 3, 9, 8, 0, 0, 0, oslo)) // Monday sends Saturday's «3 days before», saying how near it is now
	got := subjects(w.h, per.Email)
	if len(got) != 1 || got[0] != "Frist i morgen: Norskkurs for foreldre" {
		t.Fatalf("the delegate got %q", got)
	}
	if m := w.h.MailTo(per.Email); !strings.Contains(m.Text, "stedfortreder for") {
		t.Errorf("the delegate's reminder does not say whom they stand in for:\n%s", m.Text)
	}
	if n := len(subjects(w.h, kari.Email)); n != 0 {
		t.Errorf("the responsible who is away got %d", n)
	}
	if n := len(subjects(w.h, lise.Email)); n != 0 {
		t.Errorf("the person who chose the daily digest got %d e-mails at once", n)
	}
	var pending []bool
	err = db.Run(ctx, w.h.DB, db.OrgScope(w.o.ID), func(ctx context.Context, idb bun.IDB) error {
		return idb.NewRaw("SELECT mail_pending FROM notifications WHERE org_id = ? AND user_id = ?", w.o.ID, lise.ID).Scan(ctx, &pending)
	})
	if err != nil || len(pending) != 1 || !pending[0] {
		t.Errorf("notifications of the digest reader: %v (%v), want one waiting for the digest", pending, err)
	}
}

// testClock is a clock the test moves while workers read it.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, s := range a {
		seen[s]++
	}
	for _, s := range b {
		seen[s]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}
