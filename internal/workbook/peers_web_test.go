package workbook_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
	"github.com/samvirke/samvirke/internal/workbook"
	"github.com/samvirke/samvirke/internal/workbook/workbooktest"
)

// TestPeersLearningNetwork: an editor of member municipality A reaches B's
// shared answer to the same problem statement in one click from A's own
// answer page, with "copy to our workbook" one click further; finds B's
// measure by a word in it through search; and sees the statement side by
// side. C's private answer and its measure appear in none of them, and
// its peer page is 404.
func TestPeersLearningNetwork(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	network := r.Org(org.KindNetwork)
	a := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Aukra kommune" })
	b := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Bremanger kommune" })
	c := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Cappelen kommune" })
	for _, m := range []*org.Organisation{a, b, c} {
		r.Join(network, m, webtest.Since2016)
	}
	outsider := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Utenfor kommune" })
	editor := r.User(a, "editor")
	ctx := context.Background()
	tmpl, books := workbooktest.Publish(t, r.Workbooks, network, "2026", "«Innvandrerreisen»", "Voksenopplæring")
	stmt := tmpl.Chapters[0].Statements[0].ID
	save := func(o *org.Organisation, vis, text, what string) {
		t.Helper()
		if _, err := r.Workbooks.SaveEntry(ctx, o, &app.Actor{Name: o.Name}, workbook.Save{WorkbookID: workbooktest.BookOf(t, books, o.ID).ID, StatementID: stmt,
			Visibility: vis, Content: workbook.Content{Answers: map[string]string{"analysis": text},
				Measures: []workbook.Measure{{Description: what, Responsible: "Flyktningkoordinator", Status: measure.StatusNotStarted}}}}); err != nil {
			t.Fatal(err)
		}
	}
	save(a, workbook.VisibilityPrivate, "Vårt eget svar.", "Eget tiltak")
	save(b, workbook.VisibilityNetwork, "Bremanger har kartlagt reisen.", "Leksehjelpsordning på biblioteket")
	save(c, workbook.VisibilityPrivate, "Cappelen holder dette for seg selv.", "Hemmeligtiltak med skolen")
	bBook, cBook := workbooktest.BookOf(t, books, b.ID).ID, workbooktest.BookOf(t, books, c.ID).ID
	peerOf := func(p *org.Organisation, book int64) string {
		return fmt.Sprintf("/o/%s/peers/%s/workbooks/%d/statements/%d", a.Slug, p.Slug, book, stmt)
	}
	ac := r.Client(editor)

	t.Run("OneClickFromOwnAnswer", func(t *testing.T) {
		code, body := ac.Get(fmt.Sprintf("%s/o/%s/workbooks/%d/statements/%d", r.URL, a.Slug, workbooktest.BookOf(t, books, a.ID).ID, stmt))
		if code != 200 || !strings.Contains(body, `href="`+peerOf(b, bBook)+`"`) || !strings.Contains(body, "Bremanger kommune") {
			t.Fatalf("own answer page: %d; want a link to B's shared answer %s", code, peerOf(b, bBook))
		}
		if strings.Contains(body, peerOf(c, cBook)) || strings.Contains(body, "Cappelen") {
			t.Error("the own answer page lists C's private answer")
		}
		gathering := fmt.Sprintf("/o/%s/templates/%d/statements/%d/gathering", a.Slug, tmpl.ID, stmt)
		if !strings.Contains(body, `href="`+gathering+`"`) {
			t.Errorf("no side-by-side link %s", gathering)
		}
		code, body = ac.Get(r.URL + peerOf(b, bBook))
		if code != 200 || !strings.Contains(body, "Leksehjelpsordning på biblioteket") || !strings.Contains(body, `action="`+peerOf(b, bBook)+`/copy"`) {
			t.Errorf("B's answer: %d; want its measure with a copy button", code)
		}
	})
	t.Run("PrivateIs404", func(t *testing.T) {
		if code, body := ac.Get(r.URL + peerOf(c, cBook)); code != 404 || strings.Contains(body, "Hemmeligtiltak") {
			t.Errorf("C's private answer: %d; want 404", code)
		}
	})
	t.Run("Search", func(t *testing.T) {
		_, body := ac.Get(r.URL + "/o/" + a.Slug + "/search?q=" + url.QueryEscape("leksehjelpsordning"))
		if !strings.Contains(body, `href="`+peerOf(b, bBook)+`"`) || !strings.Contains(body, "Bremanger kommune") {
			t.Error("search misses B's measure (want a link to B's answer naming Bremanger)")
		}
		for _, q := range []string{"hemmeligtiltak", "Cappelen holder"} {
			_, body := ac.Get(r.URL + "/o/" + a.Slug + "/search?q=" + url.QueryEscape(q))
			// (Cappelen itself is found as a member of the network.)
			if strings.Contains(body, "/peers/"+c.Slug) || strings.Contains(body, "Hemmeligtiltak") || strings.Contains(body, "holder dette") {
				t.Errorf("search for %q shows C's private answer", q)
			}
		}
		// A municipality of no shared network finds nothing of theirs.
		ou := r.User(outsider, "editor")
		if _, body := r.Client(ou).Get(r.URL + "/o/" + outsider.Slug + "/search?q=leksehjelpsordning"); strings.Contains(body, "Leksehjelp") {
			t.Error("an outsider finds B's answer")
		}
	})
	t.Run("SideBySide", func(t *testing.T) {
		code, body := ac.Get(fmt.Sprintf("%s/o/%s/templates/%d/statements/%d/gathering", r.URL, a.Slug, tmpl.ID, stmt))
		if code != 200 || !strings.Contains(body, "Bremanger har kartlagt reisen.") {
			t.Fatalf("the gathering view for a member: %d; want B's shared answer", code)
		}
		if !strings.Contains(body, `href="`+peerOf(b, bBook)+`"`) {
			t.Errorf("the side-by-side view does not link to B's answer %s (to copy from)", peerOf(b, bBook))
		}
		if strings.Contains(body, "Cappelen holder") || strings.Contains(body, "Vårt eget svar.") || strings.Contains(body, peerOf(c, cBook)) ||
			strings.Contains(body, "Hemmeligtiltak") {
			t.Error("the gathering view shows a private answer")
		}
		// The measures side by side too, each with its responsible.
		if !strings.Contains(body, "Leksehjelpsordning på biblioteket · Flyktningkoordinator") {
			t.Error("the gathering view does not show B's measure")
		}
		if strings.Contains(body, "good-practice") || strings.Contains(body, "gathering/comments") {
			t.Error("a member is offered the coordinator's forms")
		}
		ou := r.User(outsider, "editor")
		if code, _ := r.Client(ou).Get(fmt.Sprintf("%s/o/%s/templates/%d/statements/%d/gathering", r.URL, outsider.Slug, tmpl.ID, stmt)); code != 404 {
			t.Errorf("an outsider's gathering view: %d; want 404", code)
		}
	})
}
