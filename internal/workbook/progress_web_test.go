package workbook_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
	"github.com/samvirke/samvirke/internal/workbook"
	"github.com/samvirke/samvirke/internal/workbook/workbooktest"
)

// rowOf answers the table row of the grid headed by label, or "".
func rowOf(body, label string) string {
	i := strings.Index(body, label+"</a></th>")
	if i < 0 {
		i = strings.Index(body, label+"</th>")
	}
	if i < 0 {
		return ""
	}
	row := body[i:]
	if j := strings.Index(row, "</tr>"); j >= 0 {
		row = row[:j]
	}
	return row
}

// TestProgressGrid: the coordinator's progress grid, on the network's
// dashboard and per gathering, tells a shared answer (answered), a private
// one (answered, not shared: its text never shown) and none (missing)
// apart, and shows a chapter marked ready for the gathering; each member
// links to its shared workbook.
func TestProgressGrid(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	network := r.Org(org.KindNetwork)
	coord := r.User(network, "coordinator")
	shared := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Delte kommune" })
	private := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Private kommune" })
	none := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Tomme kommune" })
	for _, m := range []*org.Organisation{shared, private, none} {
		r.Join(network, m, webtest.Since2016)
	}
	ctx := context.Background()
	tmpl, books := workbooktest.Publish(t, r.Workbooks, network, "2026", "«Innvandrerreisen»")
	stmt, chapter := tmpl.Chapters[0].Statements[0].ID, tmpl.Chapters[0].ID
	for _, x := range []struct {
		o         *org.Organisation
		vis, text string
	}{{shared, workbook.VisibilityNetwork, "Delt kartlegging av reisen."}, {private, workbook.VisibilityPrivate, "Hemmelig kartlegging."}} {
		if _, err := r.Workbooks.SaveEntry(ctx, x.o, &app.Actor{Name: x.o.Name}, workbook.Save{WorkbookID: workbooktest.BookOf(t, books, x.o.ID).ID,
			StatementID: stmt, Visibility: x.vis, Content: workbook.Content{Answers: map[string]string{"analysis": x.text}}}); err != nil {
			t.Fatal(err)
		}
	}
	sharedBook := workbooktest.BookOf(t, books, shared.ID).ID
	if err := r.Workbooks.SetChapterStatus(ctx, shared, sharedBook, chapter, workbook.ChapterReady); err != nil {
		t.Fatal(err)
	}
	g := &workbook.Gathering{Title: "Tredje samling", StartsOn: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), ChapterIDs: []int64{chapter}}
	if err := r.Workbooks.CreateGathering(ctx, network, g); err != nil {
		t.Fatal(err)
	}
	cc := r.Client(coord)
	check := func(t *testing.T, body string) {
		t.Helper()
		want := map[string][]string{
			"Delte kommune":   {`class="cell-shared"`, "Besvart", `class="cell-chapter-ready"`, "Klart til samlingen"},
			"Private kommune": {`class="cell-private"`, "Besvart, ikke delt", "Ikke påbegynt"},
			"Tomme kommune":   {`class="cell-missing"`, "Mangler"},
		}
		for name, parts := range want {
			row := rowOf(body, name)
			if row == "" {
				t.Errorf("no row for %s", name)
				continue
			}
			for _, p := range parts {
				if !strings.Contains(row, p) {
					t.Errorf("the row of %s lacks %q: %s", name, p, row)
				}
			}
		}
		if row := rowOf(body, "Delte kommune"); strings.Contains(row, "ikke delt") || strings.Contains(row, "Mangler") {
			t.Errorf("the shared answer's row says 'not shared' or 'missing': %s", row)
		}
		if !strings.Contains(body, `<th scope="col">«Innvandrerreisen»</th>`) || !strings.Contains(body, "<caption>") {
			t.Error("the grid has no caption or statement column head")
		}
		if strings.Contains(body, "Hemmelig kartlegging") {
			t.Error("the grid shows the private answer's text")
		}
		if link := fmt.Sprintf(`href="/o/%s/members/%s/workbooks/%d"`, network.Slug, shared.Slug, sharedBook); !strings.Contains(body, link) {
			t.Errorf("no link to the member's shared workbook (%s)", link)
		}
	}
	t.Run("Dashboard", func(t *testing.T) {
		code, body := cc.Get(r.URL + "/o/" + network.Slug + "/dashboard")
		if code != 200 {
			t.Fatalf("dashboard: %d", code)
		}
		check(t, body)
	})
	t.Run("Gathering", func(t *testing.T) {
		code, body := cc.Get(fmt.Sprintf("%s/o/%s/gatherings/%d", r.URL, network.Slug, g.ID))
		if code != 200 || !strings.Contains(body, "Tredje samling") {
			t.Fatalf("the gathering's grid: %d", code)
		}
		check(t, body)
		if _, body := cc.Get(r.URL + "/o/" + network.Slug + "/gatherings"); !strings.Contains(body, fmt.Sprintf(`href="/o/%s/gatherings/%d"`, network.Slug, g.ID)) {
			t.Error("the gatherings list does not link to the gathering's grid")
		}
	})
	t.Run("MemberWorkbook", func(t *testing.T) {
		code, body := cc.Get(fmt.Sprintf("%s/o/%s/members/%s/workbooks/%d", r.URL, network.Slug, shared.Slug, sharedBook))
		if code != 200 || !strings.Contains(body, "Delt kartlegging av reisen.") || !strings.Contains(body, "Klart til samlingen") {
			t.Errorf("the member's shared workbook: %d; want its shared answer and chapter status", code)
		}
		code, body = cc.Get(fmt.Sprintf("%s/o/%s/members/%s/workbooks/%d", r.URL, network.Slug, private.Slug, workbooktest.BookOf(t, books, private.ID).ID))
		if code != 200 || strings.Contains(body, "Hemmelig kartlegging") || !strings.Contains(body, "Besvart, ikke delt") {
			t.Errorf("the private member's workbook: %d; want 'not shared' and never the text", code)
		}
		if code, _ := cc.Get(fmt.Sprintf("%s/o/%s/members/%s/workbooks/%d", r.URL, network.Slug, private.Slug, sharedBook)); code != 404 {
			t.Errorf("another member's workbook under a member's slug: %d; want 404", code)
		}
	})
}

// TestProgressKeptUntilAMemberWrites: a gathering's progress grid read
// again sends no statement for the members' answers (its rows are kept
// under the network's workbook data version) nor for the published
// template's statements (kept as published), and shows every write as
// soon as it is made: an answer saved, a chapter's status set, and
// answers changed or deleted by hand, as a script would, which the
// triggers see all the same.
func TestProgressKeptUntilAMemberWrites(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	network := r.Org(org.KindNetwork)
	a := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Ås kommune" })
	b := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Bø kommune" })
	for _, m := range []*org.Organisation{a, b} {
		r.Join(network, m, webtest.Since2016)
	}
	ctx := context.Background()
	tmpl, books := workbooktest.Publish(t, r.Workbooks, network, "2026", "«Bosetting»")
	stmt, chapter := tmpl.Chapters[0].Statements[0].ID, tmpl.Chapters[0].ID
	save := func(o *org.Organisation, vis string) {
		t.Helper()
		if _, err := r.Workbooks.SaveEntry(ctx, o, &app.Actor{Name: o.Name}, workbook.Save{WorkbookID: workbooktest.BookOf(t, books, o.ID).ID,
			StatementID: stmt, Visibility: vis, Content: workbook.Content{Answers: map[string]string{"analysis": "Kartlegging § 3"}}}); err != nil {
			t.Fatal(err)
		}
	}
	save(a, workbook.VisibilityNetwork)
	g := &workbook.Gathering{Title: "Vårsamling", StartsOn: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), ChapterIDs: []int64{chapter}}
	if err := r.Workbooks.CreateGathering(ctx, network, g); err != nil {
		t.Fatal(err)
	}
	counter := dbtest.CountStatements(t, r.DB)
	// read answers the members' cell and chapter states and the statements
	// the read sent for their answers.
	read := func(id string) (cells, chapters map[string]string, entries []string) {
		t.Helper()
		_, grids, err := r.Workbooks.GatheringProgress(audit.WithMeta(ctx, audit.Meta{RequestID: id}), network, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(grids) != 1 {
			t.Fatalf("%s: %d grids, want 1", id, len(grids))
		}
		cells, chapters = map[string]string{}, map[string]string{}
		for _, row := range grids[0].Rows {
			cells[row.Member.Name], chapters[row.Member.Name] = row.Cell(stmt).State, row.Chapters[chapter].Status
		}
		for _, st := range counter.Request(id).Statements {
			// A published template is kept too: its chapters and
			// statements are read once.
			if strings.Contains(st, "workbook_entries") || id != "first" && strings.Contains(st, "workbook_template_statements") {
				entries = append(entries, st)
			}
		}
		return cells, chapters, entries
	}
	want := func(id, name string, got map[string]string, state string) {
		t.Helper()
		if got[name] != state {
			t.Errorf("%s: %s is %q, want %q", id, name, got[name], state)
		}
	}
	cells, _, entries := read("first")
	if len(entries) != 1 {
		t.Fatalf("the first read sent %d statements for the answers, want 1: %q", len(entries), entries)
	}
	want("first", "Ås kommune", cells, workbook.ProgressShared)
	want("first", "Bø kommune", cells, workbook.ProgressMissing)
	cells, _, entries = read("again")
	if len(entries) != 0 {
		t.Errorf("the grid read again sent statements for the answers: %q", entries)
	}
	want("again", "Ås kommune", cells, workbook.ProgressShared)

	save(b, workbook.VisibilityPrivate)
	cells, _, entries = read("b answered")
	if len(entries) != 1 {
		t.Errorf("after b's answer the grid sent %d statements for the answers, want 1", len(entries))
	}
	want("b answered", "Bø kommune", cells, workbook.ProgressPrivate)

	if err := r.Workbooks.SetChapterStatus(ctx, a, workbooktest.BookOf(t, books, a.ID).ID, chapter, workbook.ChapterReady); err != nil {
		t.Fatal(err)
	}
	_, chapters, _ := read("a ready")
	want("a ready", "Ås kommune", chapters, workbook.ChapterReady)

	byHand := func(query string, args ...any) {
		t.Helper()
		err := db.Run(ctx, r.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
			_, err := idb.NewRaw(query, args...).Exec(ctx)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	byHand("UPDATE workbook_entries SET visibility = 'private' WHERE org_id = ?", a.ID)
	cells, _, _ = read("a made private by hand")
	want("a made private by hand", "Ås kommune", cells, workbook.ProgressPrivate)
	byHand("DELETE FROM workbook_entries WHERE org_id = ?", b.ID)
	byHand("DELETE FROM workbook_chapter_status WHERE org_id = ?", a.ID)
	cells, chapters, _ = read("deleted by hand")
	want("deleted by hand", "Bø kommune", cells, workbook.ProgressMissing)
	want("deleted by hand", "Ås kommune", chapters, "")
}
