package workbook_test

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
	"github.com/samvirke/samvirke/internal/workbook"
	"github.com/samvirke/samvirke/tenants"
)

// TestImportPageWordTables: an editor uploads Meldal's chapter as a Word
// document with tables (made by LibreOffice, testdata/); the preview shows
// the measures and goals as rows and says where the other tables go; the
// text and the tables come back through the form (a browser does not send
// the file again, and sends the text with \r\n), and the import saves the
// measures as rows and statement B's arenas as a table, «» § æøå intact.
// Pasted text is previewed with the warning that tables cannot be
// recovered from PDF or plain text.
func TestImportPageWordTables(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	network := r.Org(org.KindNetwork)
	muni := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Meldal kommune" })
	r.Join(network, muni, webtest.Since2016)
	editor, viewer := r.User(muni, "editor"), r.User(muni, "viewer")
	ctx := context.Background()
	defs, err := workbook.LoadDefinitions(tenants.Workbooks, "workbooks")
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := r.Workbooks.CreateTemplate(ctx, network, defs[0].Spec())
	if err != nil {
		t.Fatal(err)
	}
	books, _ := r.Workbooks.PublishTemplate(ctx, network, tmpl.ID, "2016–2017")
	c := r.Client(editor)
	page := fmt.Sprintf("%s/o/%s/workbooks/%d/import", r.URL, muni.Slug, books[0].ID)

	code, body := uploadFile(t, c, page, "testdata/meldal-kapittel-2-tabeller.docx", "preview", "1")
	if code != 200 {
		t.Fatalf("preview of the Word chapter: %d", code)
	}
	for _, want := range []string{"Tiltak fra tabellene", "Mål fra tabellene", "Illustrasjon av «innvandrerreisen»",
		"Gjennomført innen 1.11.2016", "Fase 1: 1.7.2017 Fase 2: 1.1.2020", "Jf. introduksjonsloven § 6 om individuell plan",
		"| Arena | Formål | Deltakere | Hyppighet |", "mål og tiltak blir rader"} {
		if !strings.Contains(html.UnescapeString(body), want) {
			t.Errorf("the preview lacks %q", want)
		}
	}
	if strings.Contains(body, "Tabeller kan ikke gjenskapes") {
		t.Error("the Word chapter's preview says its tables cannot be recovered")
	}
	text := regexp.MustCompile(`(?s)<textarea id="f-text"[^>]*>(.*?)</textarea>`).FindStringSubmatch(body)
	tables := regexp.MustCompile(`<input type="hidden" name="tables" value="([^"]+)">`).FindStringSubmatch(body)
	if text == nil || tables == nil {
		t.Fatal("the preview's form lacks the text or the tables")
	}
	form := url.Values{"text": {strings.ReplaceAll(html.UnescapeString(text[1]), "\n", "\r\n")}, "tables": {html.UnescapeString(tables[1])}, "import": {"1"}}
	if code, _ := c.Post(page, form); code != 303 {
		t.Fatalf("import: %d", code)
	}

	stmts := tmpl.Chapters[0].Statements
	entry := func(i int) string {
		_, body := r.Client(viewer).Get(fmt.Sprintf("%s/o/%s/workbooks/%d/statements/%d", r.URL, muni.Slug, books[0].ID, stmts[i].ID))
		return html.UnescapeString(body)
	}
	a, b := entry(0), entry(1)
	for _, want := range []string{"Illustrasjon av «innvandrerreisen»", "Flyktningekoordinator", "Okt. 2016", "Gjennomført innen 1.11.2016",
		"Bedre informasjonsrutiner dokumenteres"} {
		if !strings.Contains(a, want) {
			t.Errorf("statement A's answer page lacks %q", want)
		}
	}
	for _, want := range []string{"<table>", "<th>Arena</th>", "<th>Hyppighet</th>", "<td>Kommunestyret</td>", "<td>Minimum halvårlig</td>",
		"<td>Rådmannens strategiske ledergruppe og lederforum (mellomledere)</td>", "Årshjul", "Fase 1: 1.7.2017 Fase 2: 1.1.2020"} {
		if !strings.Contains(b, want) {
			t.Errorf("statement B's answer page lacks %q", want)
		}
	}
	_, edit := c.Get(fmt.Sprintf("%s/o/%s/workbooks/%d/statements/%d", r.URL, muni.Slug, books[0].ID, stmts[0].ID))
	for _, want := range []string{"Jf. introduksjonsloven § 6 om individuell plan", "Ærlige tilbakemeldinger fra deltakerne"} {
		if !strings.Contains(html.UnescapeString(edit), want) {
			t.Errorf("statement A's editor lacks the note %q", want)
		}
	}

	// Pasted (or copied out of a PDF): text only, and the preview says so.
	code, body = c.Post(page, url.Values{"text": {html.UnescapeString(text[1])}, "preview": {"1"}})
	if code != 200 || !strings.Contains(body, "Tabeller kan ikke gjenskapes fra PDF eller ren tekst") || strings.Contains(body, "Tiltak fra tabellene") {
		t.Errorf("preview of pasted text: %d; want the note that tables cannot be recovered, and no rows", code)
	}
}
