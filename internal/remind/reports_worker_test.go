package remind_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/document/doctest"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/queue"
	"github.com/samvirke/samvirke/internal/remind"
	"github.com/samvirke/samvirke/internal/webtest"
	"github.com/samvirke/samvirke/tenants"
)

// TestWorkerSendsMonthlyReport: the worker process (the built binary)
// runs the daily reports after its plan: Nittedal's plan for Monday 4 May
// 2020, its report day moved past Labour Day and the weekend, reaches the
// committee as the April report in a PDF; the same plan enqueued again
// sends nothing more.
func TestWorkerSendsMonthlyReport(t *testing.T) {
	clock := &testClock{t: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)}
	h := webtest.New(t, webtest.Options{Clock: clock})
	ctx := context.Background()
	defs, err := org.LoadDefinitionsFS(tenants.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := org.Apply(ctx, h.DB, defs, clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := account.EnsureDemoUsers(ctx, h.DB, "demo-password-1234", false, clock.Now()); err != nil {
		t.Fatal(err)
	}
	cat, err := indicator.ReadDefinitions(tenants.Indicators, "indicators")
	if err != nil {
		t.Fatal(err)
	}
	if err := indicator.LoadCatalogue(ctx, h.DB, cat, clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := (indicator.DemoLoader{Definitions: tenants.Indicators}).LoadDemo(ctx, h.DB, clock); err != nil {
		t.Fatal(err)
	}
	var nittedal *org.Organisation
	if err := db.Run(ctx, h.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		nittedal, err = org.FindOrganisationBySlug(ctx, idb, "nittedal")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	set := remind.Defaults(nittedal.ID)
	set.ReportDay, set.ReportRecipients = 1, "utvalget@nittedal.example.no"
	if _, err := remind.SaveSettings(ctx, h.DB, set, clock.Now()); err != nil {
		t.Fatal(err)
	}

	dsn, redisURL := dbtest.DSNOf(t, h.DB), dbtest.RedisURL(t)
	w := startWorker(t, dsn, redisURL, h.SMTP().Port())
	q, err := queue.Open(ctx, queue.Options{RedisURL: redisURL})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	oslo, _ := time.LoadLocation("Europe/Oslo")
	plan := func(day int) {
		t.Helper()
		task, err := remind.NewPlanTask(remind.PlanPayload{OrgID: nittedal.ID, At: time.Date(2020, 5, day, 8, 0, 0, 0, oslo)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := q.EnqueueContext(ctx, task); err != nil {
			t.Fatal(err)
		}
	}
	plan(1)
	plan(4)
	deadline := time.Now().Add(60 * time.Second)
	for len(h.Mail()) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no report in 60 s\nworker:\n%s", w.out)
		}
		time.Sleep(50 * time.Millisecond)
	}
	plan(4)
	deadline = time.Now().Add(30 * time.Second)
	for unfinished(t, q) > 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(time.Second)
	ms := h.Mail()
	if len(ms) != 1 {
		t.Fatalf("%d messages, want the one report", len(ms))
	}
	m := ms[0]
	if m.Subject != "Månedsrapport: Tall og statusrapport Nittedal kommune, april 2020" || !strings.EqualFold(strings.Join(m.To, ","), "utvalget@nittedal.example.no") {
		t.Errorf("%q to %q", m.Subject, m.To)
	}
	a, ok := m.Attachment("application/pdf")
	if !ok {
		t.Fatal("no PDF attached")
	}
	if txt := doctest.PDFText(t, a.Data).Text; !strings.Contains(txt, "Flyktninger over 18 år bosatt i kommunen") || !strings.Contains(txt, "117") {
		t.Errorf("the PDF is not April's report:\n%s", txt)
	}
	if !strings.Contains(m.Text, "https://samvirke.test/o/nittedal/indicators/report/2020-04/monthly") {
		t.Errorf("no link to the report page:\n%s", m.Text)
	}
}
