package workbook_test

import (
	"bytes"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
	"github.com/samvirke/samvirke/internal/workbook/workbooktest"
)

// uploadFile posts the file at path (relative to this package) as the
// form's "file" field, with the other form values, and answers the status
// and body.
func uploadFile(t *testing.T, c *webtest.Client, u, path string, form ...string) (int, string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	fw, _ := w.CreateFormFile("file", filepath.Base(path))
	fw.Write(data)
	for i := 0; i+1 < len(form); i += 2 {
		w.WriteField(form[i], form[i+1])
	}
	w.Close()
	req, _ := http.NewRequest("POST", u, &b)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(resp.Body)
	return resp.StatusCode, out.String()
}

// TestMeasureImportPage: an editor imports Tierp's action plan, written by
// LibreOffice, into an answer. The file with an impossible day on row 7
// is refused naming row 7 and the column, with nothing written; the good
// one shows every measure before anything is saved, and the import adds
// them after the answer's own in one new version.
func TestMeasureImportPage(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	network := r.Org(org.KindNetwork)
	muni := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Tierps kommun"; o.Locale = "sv" })
	r.Join(network, muni, webtest.Since2016)
	editor := r.User(muni, "editor")
	tmpl, books := workbooktest.Publish(t, r.Workbooks, network, "2018", "Problemställning 1: Arbete och sysselsättning")
	c := r.Client(editor)
	entry := fmt.Sprintf("%s/o/%s/workbooks/%d/statements/%d", r.URL, muni.Slug, books[0].ID, tmpl.Chapters[0].Statements[0].ID)
	if code, _ := c.Post(entry, url.Values{"version": {"0"}, "measure.0.description": {"Eget tiltak: språkvän"}, "measure.0.status": {"planned"}}); code != 303 {
		t.Fatalf("first save: %d", code)
	}
	page := entry + "/measures/import"
	if code, body := c.Get(entry); code != 200 || !strings.Contains(body, `href="`+strings.TrimPrefix(page, r.URL)+`"`) {
		t.Fatalf("the answer's page does not link to the import (%d)", code)
	}

	code, body := uploadFile(t, c, page, "../tabular/testdata/plan-bad-row7.xlsx")
	if code != 422 || !strings.Contains(body, "Rad 7, kolumn D (Klart senast): «32.13.2018»") || !strings.Contains(body, `href="#f-file"`) {
		t.Fatalf("the file with a bad day on row 7: %d; want 422 naming row 7 and column D, with an error summary:\n%s", code, body)
	}
	if _, body := c.Get(entry); strings.Contains(body, "Praktikplatser") {
		t.Fatal("the refused file wrote measures")
	}

	code, body = uploadFile(t, c, page, "../tabular/testdata/plan.csv")
	if code != 200 || !strings.Contains(body, "7 åtgärder lästa") || !strings.Contains(body, "Boendeskola: «Att bo i Sverige» – hyra, el och sopsortering") {
		t.Fatalf("preview: %d; want the 7 measures read:\n%s", code, body)
	}
	if _, body := c.Get(entry); strings.Contains(body, "Praktikplatser") {
		t.Fatal("the preview wrote measures")
	}
	form := url.Values{"import": {"1"}, "version": {"1"}}
	for _, m := range hiddenRows.FindAllStringSubmatch(body, -1) {
		form.Add(m[1], htmlUnescape(m[2]))
	}
	if code, _ := c.Post(page, form); code != 303 {
		t.Fatalf("import: %d", code)
	}
	_, body = c.Get(entry)
	for _, want := range []string{"Eget tiltak: språkvän", "Praktikplatser i kommunens verksamheter", "Boendeskola: «Att bo i Sverige»", "2018-10-15", "7 åtgärder lades till"} {
		if !strings.Contains(body, want) {
			t.Errorf("after the import the answer lacks %q", want)
		}
	}
	// The same preview again: the answer changed since, nothing is added.
	if code, body := c.Post(page, form); code != 422 || !strings.Contains(body, "Någon sparade svaret") {
		t.Errorf("a stale preview: %d; want 422 saying the answer changed", code)
	}
}

// hiddenRows finds a preview's rows, sent back as hidden fields.
var hiddenRows = regexp.MustCompile(`<input type="hidden" name="(row\.\d+\.[a-z]+)" value="([^"]*)">`)

func htmlUnescape(s string) string { return html.UnescapeString(s) }
