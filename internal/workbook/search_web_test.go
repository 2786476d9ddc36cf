package workbook_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
	"github.com/samvirke/samvirke/internal/workbook"
	"github.com/samvirke/samvirke/internal/workbook/workbooktest"
)

// TestSearchWorkbooks: the municipality's workbook answers are found by
// their words, in any case, and link to the answer.
func TestSearchWorkbooks(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	network := r.Org(org.KindNetwork)
	muni := r.Org(org.KindMunicipality)
	r.Join(network, muni, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	u := r.User(muni, "editor")
	ctx := context.Background()
	tmpl, books := workbooktest.Publish(t, r.Workbooks, network, "2026", "Problemstilling 4: Voksenopplæring")
	if len(books) != 1 {
		t.Fatalf("publish made %d workbooks; want 1", len(books))
	}
	stmt := tmpl.Chapters[0].Statements[0].ID
	if _, err := r.Workbooks.SaveEntry(ctx, muni, &app.Actor{Name: "Gro"}, workbook.Save{WorkbookID: books[0].ID, StatementID: stmt,
		Content: workbook.Content{Answers: map[string]string{"analysis": "Vi starter et Språkkafé på biblioteket hver tirsdag."}}}); err != nil {
		t.Fatal(err)
	}
	_, body := r.Client(u).Get(r.URL + "/o/" + muni.Slug + "/search?q=" + url.QueryEscape("SPRÅKKAFÉ"))
	link := fmt.Sprintf("/o/%s/workbooks/%d/statements/%d", muni.Slug, books[0].ID, stmt)
	if !strings.Contains(body, link) || !strings.Contains(body, "Problemstilling 4: Voksenopplæring") || !strings.Contains(body, "Språkkafé på biblioteket") {
		t.Errorf("search misses the workbook answer (want a link to %s with its statement and the matching text)", link)
	}
}
