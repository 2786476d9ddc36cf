package workbook_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/app"
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
