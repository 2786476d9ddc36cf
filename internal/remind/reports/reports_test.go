package reports_test

import (
	"context"
	"html"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/document/doctest"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/mail/mailtest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/remind"
	"github.com/samvirke/samvirke/internal/webtest"
	"github.com/samvirke/samvirke/tenants"
)

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

var oslo, _ = time.LoadLocation("Europe/Oslo")

// world is a harness with a test clock and the worker's reminder tasks,
// dailies included, as the program composes them.
type world struct {
	h     *webtest.Harness
	clock *testClock
	tasks *remind.Tasks
}

func newWorld(t *testing.T, now time.Time) *world {
	t.Helper()
	clock := &testClock{t: now}
	h := webtest.New(t, webtest.Options{Clock: clock})
	return &world{h: h, clock: clock, tasks: &remind.Tasks{Service: h.Reminders, Dailies: h.Dailies()}}
}

// runAt runs the hourly plan of o at instant at, as the scheduler does,
// and waits for the outbox to send what it wrote.
func (w *world) runAt(t *testing.T, o *org.Organisation, at time.Time) {
	t.Helper()
	w.clock.Set(at)
	if _, err := w.tasks.RunPlan(context.Background(), remind.PlanPayload{OrgID: o.ID, At: at}); err != nil {
		t.Fatal(err)
	}
	w.h.WaitFor(15*time.Second, func() bool { return w.h.Unsent() == 0 })
}

// mailTo answers the messages the SMTP server received for addr.
func (w *world) mailTo(addr string) []mailtest.Received {
	var out []mailtest.Received
	for _, m := range w.h.Mail() {
		for _, to := range m.To {
			if strings.EqualFold(to, addr) {
				out = append(out, m)
			}
		}
	}
	return out
}

func (w *world) settings(t *testing.T, o *org.Organisation, f func(*remind.Settings)) {
	t.Helper()
	s := remind.Defaults(o.ID)
	f(&s)
	if _, err := remind.SaveSettings(context.Background(), w.h.DB, s, w.clock.Now()); err != nil {
		t.Fatal(err)
	}
}

// loadNittedal loads the tenants, demo users and the indicator demo
// figures, and answers Nittedal.
func loadNittedal(t *testing.T, w *world) *org.Organisation {
	t.Helper()
	ctx := context.Background()
	defs, err := org.LoadDefinitionsFS(tenants.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	now := w.clock.Now()
	if _, err := org.Apply(ctx, w.h.DB, defs, now); err != nil {
		t.Fatal(err)
	}
	if _, err := account.EnsureDemoUsers(ctx, w.h.DB, "demo-password-1234", false, now); err != nil {
		t.Fatal(err)
	}
	cat, err := indicator.ReadDefinitions(tenants.Indicators, "indicators")
	if err != nil {
		t.Fatal(err)
	}
	if err := indicator.LoadCatalogue(ctx, w.h.DB, cat, now); err != nil {
		t.Fatal(err)
	}
	if err := (indicator.DemoLoader{Definitions: tenants.Indicators}).LoadDemo(ctx, w.h.DB, w.clock); err != nil {
		t.Fatal(err)
	}
	var o *org.Organisation
	if err := db.Run(ctx, w.h.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		o, err = org.FindOrganisationBySlug(ctx, idb, "nittedal")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return o
}

// lines answers a text's non-empty lines, trimmed, no-break spaces read
// as spaces.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(strings.ReplaceAll(l, "\u00a0", " ")); l != "" {
			out = append(out, l)
		}
	}
	return out
}

var (
	trRE   = regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)
	cellRE = regexp.MustCompile(`(?s)<t[hd][^>]*>(.*?)</t[hd]>`)
	tagRE  = regexp.MustCompile(`(?s)<[^>]+>`)
	h12RE  = regexp.MustCompile(`(?s)<h[12][^>]*>(.*?)</h[12]>`)
)

func text(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(html.UnescapeString(tagRE.ReplaceAllString(s, "")), "\u00a0", " "))
}

// TestMonthlyReportMailMatchesPage (issue 16, acceptance 4): Nittedal
// sends its monthly report on the 1st; 1 May 2020 is a public holiday
// (a Friday), so nothing goes out that day or on the weekend, and on
// Monday 4 May at 08:00 Oslo each address of the committee list gets one
// mail, in Norwegian, with April's report as a PDF and the link to the
// report's page. The PDF's text, read from the attachment the SMTP server
// received, holds the page's title, its table headings and every row of
// every table, label and figures in the page's order, as a signed-in
// member reads the page. Running the day again sends nothing more.
func TestMonthlyReportMailMatchesPage(t *testing.T) {
	w := newWorld(t, time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
	nittedal := loadNittedal(t, w)
	committee := []string{"rådmann@nittedal.example.no", "Kari.Øvrebø@nittedal.example.no"}
	w.settings(t, nittedal, func(s *remind.Settings) {
		s.ReportDay, s.ReportRecipients = 1, strings.Join(committee, "\n")
	})

	for _, d := range []int{1, 2, 3} { // holiday, Saturday, Sunday
		w.runAt(t, nittedal, time.Date(2020, 5, d, 8, 0, 0, 0, oslo))
	}
	if n := len(w.h.Mail()); n != 0 {
		t.Fatalf("%d messages before the first working day after the report day", n)
	}
	at := time.Date(2020, 5, 4, 8, 0, 0, 0, oslo)
	w.runAt(t, nittedal, at.Add(-time.Hour))
	if n := len(w.h.Mail()); n != 0 {
		t.Fatalf("%d messages at 07:00; the send hour is 08:00", n)
	}
	w.runAt(t, nittedal, at)
	w.runAt(t, nittedal, at)
	w.runAt(t, nittedal, at.AddDate(0, 0, 1))
	if n := len(w.h.Mail()); n != len(committee) {
		t.Fatalf("%d messages, want one to each of %d addresses", n, len(committee))
	}
	const page = "/o/nittedal/indicators/report/2020-04/monthly"
	reader := w.h.User(nittedal, "viewer")
	code, body := w.h.Client(reader).Get(page)
	if code != 200 {
		t.Fatalf("GET %s: %d", page, code)
	}
	var heads []string
	for _, m := range h12RE.FindAllStringSubmatch(body, -1) {
		heads = append(heads, text(m[1]))
	}
	var rows [][]string
	for _, tr := range trRE.FindAllStringSubmatch(body, -1) {
		var cells []string
		for _, c := range cellRE.FindAllStringSubmatch(tr[1], -1) {
			cells = append(cells, text(c[1]))
		}
		if len(cells) > 1 && !strings.Contains(tr[1], "scope=\"col\"") {
			rows = append(rows, cells)
		}
	}
	if len(heads) < 5 || len(rows) < 20 || heads[0] != "Tall og statusrapport Nittedal kommune, april 2020" {
		t.Fatalf("the page reads %d headings (%q), %d rows", len(heads), heads, len(rows))
	}

	for _, addr := range committee {
		ms := w.mailTo(addr)
		if len(ms) != 1 {
			t.Fatalf("%s got %d messages", addr, len(ms))
		}
		m := ms[0]
		if m.Subject != "Månedsrapport: Tall og statusrapport Nittedal kommune, april 2020" {
			t.Errorf("subject %q", m.Subject)
		}
		if !strings.Contains(m.Text, "som PDF") || !strings.Contains(m.Text, "Du får den fordi adressen din står på rapportens mottakerliste.") {
			t.Errorf("the text is not the Norwegian letter:\n%s", m.Text)
		}
		if !slices.Contains(m.Links(), w.h.URL+page) {
			t.Errorf("no link to %s in %q", page, m.Links())
		}
		a, ok := m.Attachment("application/pdf")
		if !ok {
			t.Fatalf("no PDF attached; attachments %d", len(m.Attachments))
		}
		if a.Name != "Tall og statusrapport Nittedal kommune, april 2020.pdf" {
			t.Errorf("attachment named %q", a.Name)
		}
		pdf := lines(doctest.PDFText(t, a.Data).Text)
		all := strings.Join(pdf, "\n")
		for _, h := range heads {
			if !strings.Contains(all, h) {
				t.Errorf("the PDF lacks the page's heading %q", h)
			}
		}
		// Every row of the page, its label then its figures, in the PDF.
		for _, r := range rows {
			if !hasRow(pdf, r) {
				t.Errorf("the PDF lacks the page's row %q:\n%s", r, all)
			}
		}
		for _, fig := range []string{"121", "117", "1 (hittil)", "34 %", "83 %", "Per april 2020"} {
			if !strings.Contains(all, fig) {
				t.Errorf("the PDF lacks %q", fig)
			}
		}
	}
	// The send log names the report once per address.
	var n int
	if err := db.Run(context.Background(), w.h.DB, db.OrgScope(nittedal.ID), func(ctx context.Context, idb bun.IDB) error {
		c, err := idb.NewSelect().TableExpr("reminder_sends").Where("org_id = ? AND kind = ?", nittedal.ID, remind.KindReport).Count(ctx)
		n = int(c)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if n != len(committee) {
		t.Errorf("%d reports in the send log", n)
	}
}

// hasRow reports whether the PDF's lines hold the row: its label, then
// its cells, one a line; a label that wraps prints its first lines before
// the cells and the rest after them.
func hasRow(pdf, r []string) bool {
	n := len(r) - 1
	for i := range pdf {
		for k := 1; k <= 3 && i+k+n <= len(pdf); k++ {
			label := strings.Join(pdf[i:i+k], " ")
			if !strings.HasPrefix(r[0], label) || !slices.Equal(pdf[i+k:i+k+n], r[1:]) {
				continue
			}
			for rest := i + k + n; ; rest++ {
				if label == r[0] {
					return true
				}
				if rest >= len(pdf) || rest > i+k+n+3 {
					break
				}
				label += " " + pdf[rest]
			}
		}
	}
	return false
}
