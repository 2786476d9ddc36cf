package server_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/internal/server/servertest"
	"github.com/samvirke/samvirke/internal/workbook"
	"github.com/samvirke/samvirke/internal/workbook/workbooktest"
)

// The query budget (STYLE.md): a page or a form post sends one read unit of
// work plus at most one write transaction, and a page reads a bounded number
// of rows however much the organisation holds.
const (
	saveBudget = 8 // statements for saving one workbook answer, on either database
	// measureWrites are the statements more when an answer's measures
	// change: their rows, and a step of each changed measure's timeline.
	measureWrites = 2
	rowBound      = 150 // rows a page reads, however much the organisation holds
)

// counted sends one request with a fresh X-Request-ID and answers its
// status, body and what it sent to the database.
func counted(t *testing.T, c *http.Client, n *dbtest.Counter, method, u string, form url.Values) (int, string, dbtest.Count) {
	t.Helper()
	b := make([]byte, 8)
	rand.Read(b)
	id := "budget-" + hex.EncodeToString(b)
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, u, body)
	req.Header.Set("X-Request-ID", id)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out), withoutSessionTouch(n.Request(id))
}

// withoutSessionTouch leaves out the session's activity mark
// (account.TouchSession): it is written at most once a minute whatever the
// page, so a slow run (-race, a loaded machine) would otherwise count it on
// whichever page came a minute after sign-in.
func withoutSessionTouch(c dbtest.Count) dbtest.Count {
	kept := c.Statements[:0:0]
	for _, q := range c.Statements {
		if !(strings.HasPrefix(q, `UPDATE "sessions"`) && strings.Contains(q, `SET "last_seen_at" = `)) {
			kept = append(kept, q)
		}
	}
	c.Statements = kept
	return c
}

// budgetWorld is a municipality in a network with one published workbook of
// n problem statements, and an editor signed in.
type budgetWorld struct {
	r     *servertest.Process
	muni  *org.Organisation
	book  *workbook.Workbook
	peer  *workbook.Workbook // a network peer's, whose answers are shared with muni
	tmpl  *workbook.Template
	ec    *http.Client
	user  int64 // the editor's id
	count *dbtest.Counter
}

func newBudgetWorld(t *testing.T, statements int) *budgetWorld {
	t.Helper()
	r := servertest.Open(t, servertest.NewEnv(t).Config(), server.ModeWeb)
	network := dbtest.MustCreateOrg(t, r.DB, org.KindNetwork)
	muni := dbtest.MustCreateOrg(t, r.DB, org.KindMunicipality)
	dbtest.MustJoinNetwork(t, r.DB, network, muni, time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{})
	peer := dbtest.MustCreateOrg(t, r.DB, org.KindMunicipality)
	dbtest.MustJoinNetwork(t, r.DB, network, peer, time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{})
	editor, _ := dbtest.MustCreateUser(t, r.DB, muni, "editor")
	r.Authz.Reload()
	titles := make([]string, statements)
	for i := range titles {
		titles[i] = fmt.Sprintf("Problemstilling %d", i+1)
	}
	tmpl, books := workbooktest.Publish(t, r.Workbooks, network, "2016–2017", titles...)
	w := &budgetWorld{r: r, muni: muni, tmpl: tmpl, count: dbtest.CountStatements(t, r.DB)}
	w.book, w.peer = workbooktest.BookOf(t, books, muni.ID), workbooktest.BookOf(t, books, peer.ID)
	r.Run(t)
	w.ec, w.user = sessionClient(t, r.DB, r.URL(), editor), editor.ID
	return w
}

// open opens the municipality in the editor's session (the dashboard
// makes it the session's) and answers its address.
func (w *budgetWorld) open(t *testing.T) string {
	t.Helper()
	o := w.r.URL() + "/o/" + w.muni.Slug
	if code, _ := get(t, w.ec, o+"/dashboard"); code != 200 {
		t.Fatalf("dashboard: %d", code)
	}
	return o
}

// fill inserts n answers straight into the store, in one transaction, each
// with the word "skoleskyss" in it and a measure with a deadline, every
// other one the editor's; and as many of the peer's, shared with the
// network, whose measures search finds too.
func (w *budgetWorld) fill(t *testing.T, n int) {
	t.Helper()
	now := time.Now().UTC()
	for _, b := range []*workbook.Workbook{w.book, w.peer} {
		err := db.RunTx(context.Background(), w.r.DB, db.OrgScope(b.OrgID), func(ctx context.Context, tx bun.Tx) error {
			entries := make([]*workbook.Entry, 0, n)
			for i, st := range w.tmpl.Chapters[0].Statements[:n] {
				entries = append(entries, &workbook.Entry{OrgID: b.OrgID, WorkbookID: b.ID, StatementID: st.ID, Visibility: workbook.VisibilityNetwork,
					Version: 1, UpdatedAt: now,
					Raw: fmt.Sprintf(`{"answers":{"analysis":"Svar %d om skoleskyss"},"measures":[{"Description":"Tiltak %d om svar","ResponsibleUser":%d,"Deadline":"%s","Status":"planned"}]}`,
						i, i, []int64{w.user, 999999}[i%2], now.AddDate(0, 0, 5).Format(time.RFC3339))})
			}
			if _, err := tx.NewInsert().Model(&entries).Exec(ctx); err != nil {
				return err
			}
			// Their measures as rows, as the migration made them.
			rows := make([]*measure.MeasureRow, 0, n)
			due := now.AddDate(0, 0, 5)
			for i, e := range entries {
				user := []int64{w.user, 999999}[i%2]
				var ru *int64
				if user == w.user {
					ru = &w.user
				}
				rows = append(rows, &measure.MeasureRow{OrgID: b.OrgID, ID: measure.LegacyID("m", e.ID, 0), SourceKind: measure.SourceWorkbookEntry,
					EntryID: &e.ID, Visibility: workbook.VisibilityNetwork, Description: fmt.Sprintf("Tiltak %d om svar", i),
					ResponsibleUser: ru, Due: &due, DeadlineKind: "date", Status: measure.StatusNotStarted, GoalIDs: "[]", CreatedAt: now, UpdatedAt: now})
			}
			_, err := tx.NewInsert().Model(&rows).Exec(ctx)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// Inserted behind the service's back, they are made searchable as
	// the migration step makes answers saved before search text was stored.
	if k, err := workbook.FillSearchText(context.Background(), w.r.DB); err != nil || k != 2*n {
		t.Fatalf("search text filled for %d answers of %d: %v", k, 2*n, err)
	}
}

// TestBudgetSaveEntry: saving a workbook answer through the form, as an
// editor does after opening it, sends at most saveBudget statements on
// either database, BEGIN, COMMIT and on PostgreSQL the row-level-security
// settings included: the session's one read and one write transaction.
func TestBudgetSaveEntry(t *testing.T) {
	t.Parallel()
	w := newBudgetWorld(t, 2)
	st := w.tmpl.Chapters[0].Statements[0]
	page := fmt.Sprintf("%s/o/%s/workbooks/%d/statements/%d", w.r.URL(), w.muni.Slug, w.book.ID, st.ID)
	if code, _ := get(t, w.ec, page); code != 200 {
		t.Fatalf("the form: %d", code)
	}
	measureID := ""
	for version := range 2 { // the first save inserts the answer and its measure, the second updates the answer's text only
		form := url.Values{"version": {fmt.Sprint(version)}, "analysis": {fmt.Sprintf("Versjon %d av svaret.", version+1)},
			"measure.0.description": {"Utrede skoleskyss"}, "measure.0.deadline": {"Høst 2016"}, "measure.0.status": {"not_started"},
			"measure.0.id": {measureID}, "measure.0.progress": {"0"}}
		code, _, n := counted(t, w.ec, w.count, "POST", page, form)
		if code != 303 {
			t.Fatalf("save %d: %d", version+1, code)
		}
		t.Logf("save %d: %s", version+1, n)
		// A new measure is one more row and the first step of its
		// timeline; an unchanged one costs nothing.
		budget, writes := saveBudget, 2
		if version == 0 {
			budget, writes = saveBudget+measureWrites, 2+measureWrites
		}
		if len(n.Statements) > budget || len(n.Writes()) != writes {
			t.Errorf("saving an answer (version %d) sent %s; the budget is %d with %d writes", version, n, budget, writes)
		}
		_, body := get(t, w.ec, page)
		m := regexp.MustCompile(`name="measure\.0\.id" value="([a-z0-9]+)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatal("the form does not carry the measure's id")
		}
		measureID = m[1]
	}
	if _, body := get(t, w.ec, page); !strings.Contains(body, "Versjon 2 av svaret.") || !strings.Contains(body, "Utrede skoleskyss") {
		t.Error("the saved answer is not on the page")
	}
}

// TestBudgetPageViewsWriteNothing: viewing pages writes nothing to the
// database, once the session works in the organisation.
func TestBudgetPageViewsWriteNothing(t *testing.T) {
	t.Parallel()
	w := newBudgetWorld(t, 3)
	w.fill(t, 2)
	o := w.open(t)
	for _, p := range []string{"/dashboard", "/search?q=skoleskyss", "/workbooks", fmt.Sprintf("/workbooks/%d", w.book.ID),
		fmt.Sprintf("/workbooks/%d/statements/%d", w.book.ID, w.tmpl.Chapters[0].Statements[0].ID), "/terms", "/gatherings", fmt.Sprintf("/workbooks/%d/statements/%d/history", w.book.ID, w.tmpl.Chapters[0].Statements[0].ID)} {
		code, _, n := counted(t, w.ec, w.count, "GET", o+p, nil)
		if code != 200 {
			t.Errorf("%s: %d", p, code)
		}
		t.Logf("%s: %d statements", p, len(n.Statements))
		if len(n.Statements) == 0 || len(n.Writes()) > 0 {
			t.Errorf("viewing %s wrote %q (of %s)", p, n.Writes(), n)
		}
	}
}

// TestBudgetPagesDoNotGrow: the dashboard and the search page send the same
// statements with 1 000 answers as with 10, and read at most rowBound rows.
func TestBudgetPagesDoNotGrow(t *testing.T) {
	t.Parallel()
	small, large := newBudgetWorld(t, 10), newBudgetWorld(t, 1000)
	small.fill(t, 10)
	large.fill(t, 1000)
	pages := map[string]string{"/dashboard": "Tiltak 0", "/search?q=SKOLESKYSS+svar": "/peers/", "/search?q=tiltak+svar": "/peers/"}
	for p, want := range pages {
		var counts []dbtest.Count
		for _, w := range []*budgetWorld{small, large} {
			code, body, n := counted(t, w.ec, w.count, "GET", w.r.URL()+"/o/"+w.muni.Slug+p, nil)
			if code != 200 || !strings.Contains(body, want) {
				t.Fatalf("%s: %d; want 200 showing %q", p, code, want)
			}
			t.Logf("%s: %d statements", p, len(n.Statements))
			counts = append(counts, n)
		}
		if len(counts[0].Statements) != len(counts[1].Statements) {
			t.Errorf("%s sends %d statements with 10 answers and %d with 1 000", p, len(counts[0].Statements), len(counts[1].Statements))
		}
		if counts[1].Rows > rowBound {
			t.Errorf("%s reads %d rows with 10 answers and %d with 1 000", p, counts[0].Rows, counts[1].Rows)
		}
	}
}

// TestBudgetAnswerPageOneUnitOfWork: an answer's page reads its workbook,
// the answer, its comments and the network peers' shared answers to the
// statement in one unit of work, and the members who may be named
// responsible in a second: two transactions, where it took four.
func TestBudgetAnswerPageOneUnitOfWork(t *testing.T) {
	t.Parallel()
	w := newBudgetWorld(t, 3)
	w.fill(t, 2)
	o := w.open(t)
	st := w.tmpl.Chapters[0].Statements[0]
	page := fmt.Sprintf("%s/workbooks/%d/statements/%d", o, w.book.ID, st.ID)
	if code, body := post(t, w.ec, page+"/comments", url.Values{"body": {"Hva med skoleskyss i «vinterferien»?"}}); code != http.StatusSeeOther {
		t.Fatalf("commenting: %d %s", code, body)
	}
	code, body, n := counted(t, w.ec, w.count, "GET", page, nil)
	if code != 200 {
		t.Fatalf("the answer's page: %d", code)
	}
	peer := fmt.Sprintf("/workbooks/%d/statements/%d", w.peer.ID, st.ID)
	if !strings.Contains(body, "Svar 0 om skoleskyss") || !strings.Contains(body, "«vinterferien»") || !strings.Contains(body, "/peers/") || !strings.Contains(body, peer) {
		t.Errorf("the page lacks the answer, its comment or the peer's shared answer (%s)", peer)
	}
	// The workbook is read once (it was read again for the peers), and on
	// PostgreSQL, where reads run in transactions, one is opened: the
	// answer, its comments, the peers' answers and the members who may be
	// named responsible are read together.
	begins, workbooks := n.Transactions(), 0
	for _, q := range n.Statements {
		if strings.HasPrefix(strings.TrimSpace(q), `SELECT "workbook"."org_id"`) {
			workbooks++
		}
	}
	t.Logf("the answer's page: %d statements", len(n.Statements))
	if workbooks != 1 {
		t.Errorf("the answer's page read its workbook %d times; want once:\n%s", workbooks, n)
	}
	if w.r.DB.Dialect().Name() == dialect.PG && begins != 1 {
		t.Errorf("the answer's page opened %d transactions; want 1:\n%s", begins, n)
	}
}
