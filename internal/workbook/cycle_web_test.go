package workbook_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
	"github.com/samvirke/samvirke/internal/workbook"
)

// TestRunningCycleGrowsWeb: the coordinator starts cycle 2017 with one
// form, makes version 2 with a new problem statement and chapter, and adds
// it to the running cycle with the other: each member's one workbook shows
// the new statement, and Meldal's answer and its history are as they were.
func TestRunningCycleGrowsWeb(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	network := r.Org(org.KindNetwork)
	coord := r.User(network, "coordinator")
	meldal := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Meldal kommune" })
	skaun := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Skaun kommune" })
	r.Join(network, meldal, webtest.Since2016)
	r.Join(network, skaun, webtest.Since2016)
	editor := r.User(meldal, "editor")
	ctx := context.Background()
	c := r.Client(coord)
	net := fmt.Sprintf("%s/o/%s", r.URL, network.Slug)
	outline := "# Kapittel 1\n## Problemstilling 1: Bosetting\n\n# Kapittel 2\n## Gjennomgående problemstilling A: «Innvandrerreisen»\nBeskriv reisen.\n? Hvilke avklaringer må gjøres?\n"
	sections := "analysis: Analyse – hvordan ser vår situasjon ut nå?\n"
	if code, _ := c.Post(net+"/templates", url.Values{"name": {"Arbeidsboka"}, "outline": {outline}, "sections": {sections}}); code != 303 {
		t.Fatalf("save version 1: %d", code)
	}
	tmpls, err := r.Workbooks.Templates(ctx, network)
	if err != nil || len(tmpls) != 1 {
		t.Fatalf("%d templates (%v)", len(tmpls), err)
	}
	v1 := tmpls[0]
	if _, body := c.Get(net + "/workbooks"); !strings.Contains(body, "Start en ny periode") || strings.Contains(body, "Oppdater pågående periode") {
		t.Error("before any cycle the page offers starting one and no running cycle")
	}
	if code, _ := c.Post(fmt.Sprintf("%s/templates/%d/publish", net, v1.ID), url.Values{"cycle": {"2017"}, "start": {"1"}}); code != 303 {
		t.Fatalf("start 2017: %d", code)
	}
	books, err := r.Workbooks.Workbooks(ctx, meldal)
	if err != nil || len(books) != 1 {
		t.Fatalf("Meldal has %d workbooks (%v); want 1", len(books), err)
	}
	book, stmtA := books[0], v1.Chapters[1].Statements[0].ID
	// Meldal's editor answers A three times.
	ec := r.Client(editor)
	entryPage := fmt.Sprintf("%s/o/%s/workbooks/%d/statements/%d", r.URL, meldal.Slug, book.ID, stmtA)
	for v, text := range []string{"Første utkast.", "Intervju er gjennomført vår 2016.", "Flyktningkoordinator følger opp."} {
		if code, body := ec.Post(entryPage, url.Values{"analysis": {text}, "version": {fmt.Sprint(v)}}); code != 303 {
			t.Fatalf("save %d: %d %s", v+1, code, body)
		}
	}
	e, err := r.Workbooks.ReadEntry(ctx, meldal.ID, meldal.ID, entryOf(t, r, meldal, book.ID, stmtA), false)
	if err != nil || e.Version != 3 {
		t.Fatalf("Meldal's entry: %+v, %v; want version 3", e, err)
	}
	entries, revisions := rowsOf(t, r.DB, "workbook_entries", meldal.ID), rowsOf(t, r.DB, "workbook_revisions", meldal.ID)

	// Version 2, made from version 1 with the coordinator's form.
	_, form := c.Get(fmt.Sprintf("%s/templates/new?from=%d", net, v1.ID))
	if !strings.Contains(form, "«Innvandrerreisen»") {
		t.Fatal("the new-version form lacks version 1's outline")
	}
	outline2 := strings.Replace(outline, "? Hvilke avklaringer må gjøres?\n", "? Hvilke avklaringer må gjøres?\n## Gjennomgående problemstilling B: Innvandrere som strategisk ressurs\n", 1) +
		"\n# Kapittel 4\n## Problemstilling 4: Arbeid og kvalifisering\n"
	if code, _ := c.Post(net+"/templates", url.Values{"name": {"Arbeidsboka"}, "outline": {outline2}, "sections": {sections}}); code != 303 {
		t.Fatalf("save version 2: %d", code)
	}
	tmpls, _ = r.Workbooks.Templates(ctx, network)
	v2 := tmpls[0]
	if v2.Version != 2 {
		t.Fatalf("newest template is version %d", v2.Version)
	}
	_, page := c.Get(net + "/workbooks")
	if !strings.Contains(page, "Oppdater pågående periode") || !strings.Contains(page, "<option>2017</option>") || !strings.Contains(page, "Start den nye perioden") {
		t.Fatal("the coordinator's page lacks the two separate actions: update the running cycle 2017, start a new cycle")
	}
	// Starting 2017 again is refused: it is running.
	if code, body := c.Post(fmt.Sprintf("%s/templates/%d/publish", net, v2.ID), url.Values{"cycle": {"2017"}, "start": {"1"}}); code != 409 || !strings.Contains(body, "Perioden 2017 er allerede startet") {
		t.Errorf("starting the running cycle again: %d; want 409 with the explanation", code)
	}
	if code, _ := c.Post(fmt.Sprintf("%s/templates/%d/publish", net, v2.ID), url.Values{"cycle": {"2017"}}); code != 303 {
		t.Fatalf("update 2017: %d", code)
	}
	if _, page := c.Get(net + "/workbooks"); !strings.Contains(page, "2017 følger nå denne versjonen: 2 arbeidsbøker oppdatert, 0 nye.") {
		t.Error("no flash saying the running cycle follows version 2")
	}
	stmtB := v2.Chapters[1].Statements[1].ID
	for _, m := range []*org.Organisation{meldal, skaun} {
		books, _ := r.Workbooks.Workbooks(ctx, m)
		if len(books) != 1 {
			t.Fatalf("%s has %d workbooks; want 1", m.Name, len(books))
		}
		u := r.User(m, "viewer")
		_, body := r.Client(u).Get(fmt.Sprintf("%s/o/%s/workbooks/%d", r.URL, m.Slug, books[0].ID))
		if !strings.Contains(body, "Innvandrere som strategisk ressurs") || !strings.Contains(body, "Kapittel 4") || !strings.Contains(body, "«Innvandrerreisen»") {
			t.Errorf("%s's workbook page lacks the new statement and chapter or the old one", m.Name)
		}
	}
	if _, body := ec.Get(entryPage); !strings.Contains(body, "Flyktningkoordinator følger opp.") {
		t.Error("Meldal's answer to A is not shown after the update")
	}
	if _, body := ec.Get(fmt.Sprintf("%s/o/%s/workbooks/%d/statements/%d", r.URL, meldal.Slug, book.ID, stmtB)); !strings.Contains(body, "Innvandrere som strategisk ressurs") {
		t.Error("the new statement's answer page is not there")
	}
	if d := cmp.Diff(entries, rowsOf(t, r.DB, "workbook_entries", meldal.ID)); d != "" {
		t.Errorf("entries changed (-before +after):\n%s", d)
	}
	if d := cmp.Diff(revisions, rowsOf(t, r.DB, "workbook_revisions", meldal.ID)); d != "" {
		t.Errorf("revisions changed (-before +after):\n%s", d)
	}
}

// entryOf answers the id of o's entry to statement in workbook.
func entryOf(t *testing.T, r *webtest.Harness, o *org.Organisation, workbookID, statement int64) int64 {
	t.Helper()
	_, entries, err := r.Workbooks.OpenWorkbook(context.Background(), o, workbookID, workbook.StatementEntry(statement))
	if err != nil || entries[statement] == nil {
		t.Fatalf("no entry of %s to %d: %v", o.Name, statement, err)
	}
	return entries[statement].ID
}
