package plan_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/plan"
	"github.com/samvirke/samvirke/internal/tabular"
	"github.com/samvirke/samvirke/internal/webtest"
)

// upload posts the fixture name as the form's "file" field and answers
// the status and body.
func upload(t *testing.T, r *webtest.Harness, c *webtest.Client, path, name string) (int, string) {
	t.Helper()
	return uploadData(t, r, c, path, name, readFixture(t, name))
}

func uploadData(t *testing.T, r *webtest.Harness, c *webtest.Client, path, name string, data []byte) (int, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	fw, _ := w.CreateFormFile("file", name)
	fw.Write(data)
	w.Close()
	req, _ := http.NewRequest("POST", r.URLOf(path), &b)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp := c.Do(req)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

var hiddenField = regexp.MustCompile(`<input type="hidden" name="(rev|data)" value="([^"]*)">`)

// importFile imports the fixture name into the plan at planPath through
// the pages: the file, its preview, the confirm.
func importFile(t *testing.T, r *webtest.Harness, c *webtest.Client, planPath, name string) {
	t.Helper()
	code, body := upload(t, r, c, planPath+"/import", name)
	if code != 200 || !strings.Contains(body, "6 områden, 14 mål och 25 åtgärder har lästs.") {
		t.Fatalf("%s: preview %d:\n%s", name, code, body)
	}
	form := url.Values{"confirm": {"1"}}
	for _, m := range hiddenField.FindAllStringSubmatch(body, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	if resp, body := c.PostResponse(planPath+"/import", form); resp.StatusCode != 303 {
		t.Fatalf("%s: confirm %d:\n%s", name, resp.StatusCode, body)
	}
}

// TestPlanImportExportPages: Tierp's action plan made by LibreOffice
// imports through the pages with every area, goal, problem, activity,
// responsible and timeline in place; after one measure is edited in the
// UI the exported XLSX equals the file imported except that measure. A
// CSV with an impossible follow-up date on row 7 is refused naming row
// 7 and its column, with nothing written; the CSV and Word files import
// too; a stale preview is refused.
func TestPlanImportExportPages(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	muni := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Locale = "sv" })
	editor := r.User(muni, "editor")
	ec := r.Client(editor)
	ctx, a := context.Background(), &app.Actor{Name: "Test"}
	newPlan := func() (*plan.Plan, string) {
		p, err := r.Plans.Create(ctx, muni, a, plan.Meta{Kind: plan.KindActionPlan, Title: "Handlingsplan för integration"})
		if err != nil {
			t.Fatal(err)
		}
		return p, fmt.Sprintf("/o/%s/plans/%d", muni.Slug, p.ID)
	}
	p, path := newPlan()
	if code, body := ec.Get(path); code != 200 || !strings.Contains(body, path+"/import") || !strings.Contains(body, path+"/export/xlsx") {
		t.Fatalf("the plan page does not link to the import and export (%d)", code)
	}

	// Acceptance 2: the bad date on row 7 is named, nothing is written.
	code, body := upload(t, r, ec, path+"/import", "tierp-bad-date.csv")
	if code != 422 || !strings.Contains(body, "Rad 7, kolumn H (Datum): «32.13.2018» är inte ett datum") || !strings.Contains(body, `href="#f-file"`) {
		t.Fatalf("bad date: %d; want 422 naming row 7 and column H (Datum):\n%s", code, body)
	}
	if tr, _ := r.Plans.Get(ctx, muni, p.ID); tr.Plan.Rev != p.Rev || len(tr.Content.Areas) != 0 || len(tr.Measures) != 0 {
		t.Fatalf("the refused file changed the plan: rev %d, %d areas", tr.Plan.Rev, len(tr.Content.Areas))
	}
	if n := len((&fixture{svc: r.Plans, o: muni, ctx: ctx}).measures(t, p.ID)); n != 0 {
		t.Fatalf("the refused file wrote %d measures", n)
	}

	// Acceptance 1: the XLSX imports whole.
	importFile(t, r, ec, path, "tierp.xlsx")
	tr, err := r.Plans.Get(ctx, muni, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(tierpPlan, treeLines(tr)); diff != "" {
		t.Fatalf("imported plan (-want +got):\n%s", diff)
	}
	// One measure edited through its form (row 5 of the sheet).
	var edited string
	for _, it := range tr.Content.Areas[0].Items {
		if m, ok := tr.Measures[it.ID]; ok && strings.HasPrefix(m.Description, "Kartlägga behov av kompetens") {
			edited = it.ID
		}
	}
	if code, body := ec.Post(path+"/items/"+edited, url.Values{"rev": {fmt.Sprint(tr.Plan.Rev)},
		"text": {"Kartlägga företagens behov av kompetens – «nya» uppgifter"}, "responsible": {"Näringslivschef"},
		"timeline": {"Hösten 2018"}, "follow_up": {"Kartläggning klar"}, "follow_up_date": {"2018-10-15"},
		"serves": {tr.Measures[edited].Goals[0]}}); code != 303 {
		t.Fatalf("edit: %d\n%s", code, body)
	}
	resp, exported := getResponse(t, r, ec, path+"/export/xlsx")
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "filename*=UTF-8''Handlingsplan%20f%C3%B6r%20integration%20%E2%80%93%20") ||
		!strings.HasSuffix(resp.Header.Get("Content-Disposition"), ".xlsx") {
		t.Fatalf("export: %d %s", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}
	in, out := sheet(t, readFixture(t, "tierp.xlsx")), sheet(t, exported)
	if len(in) != len(out) {
		t.Fatalf("exported %d rows; imported %d", len(out), len(in))
	}
	for i := range in {
		want := in[i]
		if i == 4 { // row 5: the edited measure
			want = []string{"", "", "Kartlägga företagens behov av kompetens – «nya» uppgifter", "Näringslivschef", "Hösten 2018", "Kartläggning klar", "2018-10-15"}
		}
		if diff := cmp.Diff(want, out[i]); diff != "" {
			t.Errorf("row %d (-want +got):\n%s", i+1, diff)
		}
	}
	// The CSV and Word exports read back as the plan is now.
	now := append([]tierpLine(nil), tierpPlan...)
	now[2] = tierpLine{"Arbete", "", "", "Kartlägga företagens behov av kompetens – «nya» uppgifter", "Näringslivschef", "Hösten 2018"}
	for _, format := range []string{"csv", "docx", "pdf"} {
		resp, b := getResponse(t, r, ec, path+"/export/"+format)
		if resp.StatusCode != 200 || len(b) == 0 || !strings.Contains(resp.Header.Get("Content-Disposition"), "."+format) {
			t.Errorf("export %s: %d", format, resp.StatusCode)
			continue
		}
		if format == "pdf" {
			continue
		}
		im, probs := plan.ReadImport(b)
		if len(probs) > 0 {
			t.Errorf("export %s reads back with problems: %v", format, probs)
			continue
		}
		if diff := cmp.Diff(now, importLines(im)); diff != "" {
			t.Errorf("export %s read back (-want +got):\n%s", format, diff)
		}
	}
	if code, _ := ec.Get(path + "/export/odt"); code != 404 {
		t.Errorf("export odt: %d", code)
	}

	// A timeline that cannot be read is flagged in the preview, not refused.
	code, body = uploadData(t, r, ec, path+"/import", "språk.csv", []byte("Område;Mål/delmål;Aktivitet;Tidplan\r\n"+
		"Språk;Språkvän i varje by;Språkcafé;När budgeten medger\r\n"))
	if code != 200 || !strings.Contains(body, "När budgeten medger<br><em class=\"timeline-flag\">⚠ Tidplanen kan inte läsas som en tidpunkt</em>") ||
		!strings.Contains(body, "1 tidplan kan inte läsas som en tidpunkt; den sparas som den är skriven.") {
		t.Errorf("unreadable timeline: %d, or not flagged:\n%s", code, body)
	}

	// A preview made before the plan changed is refused.
	p2, path2 := newPlan()
	code, body = upload(t, r, ec, path2+"/import", "tierp.csv")
	if code != 200 {
		t.Fatalf("csv preview: %d", code)
	}
	if _, err := r.Plans.AddArea(ctx, muni, a, p2.ID, 0, "Boende"); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"confirm": {"1"}}
	for _, m := range hiddenField.FindAllStringSubmatch(body, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	if code, body := ec.Post(path2+"/import", form); code != 409 || !strings.Contains(body, "Planen har ändrats efter förhandsvisningen") {
		t.Fatalf("stale preview: %d", code)
	}

	// The CSV and the Word document import too.
	for _, name := range []string{"tierp.csv", "tierp.docx"} {
		_, path := newPlan()
		importFile(t, r, ec, path, name)
		list, _ := r.Plans.List(ctx, muni)
		tr, _ := r.Plans.Get(ctx, muni, list[0].ID)
		if diff := cmp.Diff(tierpPlan, treeLines(tr)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}

	// A viewer may export, not import.
	vc := r.Client(r.User(muni, "viewer"))
	if code, _ := vc.Get(path + "/export/csv"); code != 200 {
		t.Errorf("viewer export: %d", code)
	}
	if code, _ := upload(t, r, vc, path+"/import", "tierp.csv"); code != 403 {
		t.Errorf("viewer import: %d", code)
	}
}

func getResponse(t *testing.T, r *webtest.Harness, c *webtest.Client, path string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", r.URLOf(path), nil)
	resp := c.Do(req)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// sheet reads a workbook's first sheet as the import framework does
// (merged cells filled).
func sheet(t *testing.T, b []byte) [][]string {
	t.Helper()
	book, err := tabular.Read(b, tabular.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return book.Tables[0].Rows
}
