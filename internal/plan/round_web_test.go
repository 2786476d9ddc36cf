package plan_test

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/document/doctest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/plan"
	"github.com/samvirke/samvirke/internal/webtest"
)

// apiJSON sends body as JSON to path and answers the status and body.
func apiJSON(t *testing.T, r *webtest.Harness, c *webtest.Client, path, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", r.URLOf(path), strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp := c.Do(req)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// article answers the part of a round page about measure id.
func article(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `id="m-`+id+`"`)
	if i < 0 {
		t.Fatalf("no measure %s on the page", id)
	}
	j := strings.Index(body[i:], "</article>")
	return body[i : i+j]
}

// roundReport answers the API's report of a round, as JSON text.
func roundReport(t *testing.T, c *webtest.Client, path string) (string, map[string]json.RawMessage) {
	t.Helper()
	code, body := c.Get(path)
	if code != 200 {
		t.Fatalf("api %s: %d %s", path, code, body)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	return string(got["report"]), got
}

// TestRoundAcceptance (issue 13, acceptance 4): three responsibles report
// on their own measures (by form and by the API) in a round an editor
// opened; a contributor cannot report on another's measure; the closed
// round's frozen report is unchanged by later updates (page and API); the
// next round shows the difference from it; and the summary's trend and
// the printed report's figures are the page's.
func TestRoundAcceptance(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	muni := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Locale = "sv" })
	editor := r.User(muni, "editor")
	u1, u2, u3 := r.User(muni, "contributor"), r.User(muni, "contributor"), r.User(muni, "contributor")
	ctx, a := context.Background(), &app.Actor{Name: "Test"}
	p := must[*plan.Plan](t)(r.Plans.Create(ctx, muni, a, plan.Meta{Kind: plan.KindActionPlan, Title: "Handlingsplan för integration"}))
	arbete := must[string](t)(r.Plans.AddArea(ctx, muni, a, p.ID, 0, "Arbete"))
	sprak := must[string](t)(r.Plans.AddArea(ctx, muni, a, p.ID, 0, "Språk"))
	add := func(area, text string, who *int64) string {
		return must[string](t)(r.Plans.AddItem(ctx, muni, a, p.ID, 0, area, "", plan.ItemInput{Kind: plan.ItemMeasure, Text: text,
			Responsible: "Samordnare", ResponsibleUser: who}))
	}
	m1 := add(arbete, "Fler praktikplatser i kommunen", &u1.ID)
	m2 := add(arbete, "Studiebesök för nyanlända", &u2.ID)
	m3 := add(sprak, "Språkcafé på biblioteket", &u3.ID)
	m4 := add(sprak, "Läxhjälp", nil)
	base := "/o/" + muni.Slug + "/plans/" + itoa(p.ID)
	api := "/api/v1/orgs/" + muni.Slug + "/plans/" + itoa(p.ID)
	ec, c1, c2, c3 := r.Client(editor), r.Client(u1), r.Client(u2), r.Client(u3)

	// Opening: a refused form keeps what was typed; then the round opens.
	if code, body := ec.Post(base+"/rounds", url.Values{"title": {""}, "due": {"2018-04-30"}}); code != 422 ||
		!strings.Contains(body, `value="2018-04-30"`) || !strings.Contains(body, `href="#f-title"`) {
		t.Fatalf("empty title: %d", code)
	}
	if code, _ := c1.Post(base+"/rounds", url.Values{"title": {"Tertial 1 2018"}}); code != 403 {
		t.Errorf("a contributor opens a round: %d", code)
	}
	res, _ := ec.PostResponse(base+"/rounds", url.Values{"title": {"Tertial 1 2018"}, "due": {"2018-04-30"}})
	if res.StatusCode != 303 {
		t.Fatalf("open: %d", res.StatusCode)
	}
	round1 := res.Header.Get("Location")
	if code, _ := ec.Post(base+"/rounds", url.Values{"title": {"Tertial 1b 2018"}}); code != 409 {
		t.Errorf("a second open round: %d", code)
	}
	r1 := api + "/rounds/" + round1[strings.LastIndex(round1, "/")+1:]

	// Each responsible sees the report form of their own measure only.
	_, body := c1.Get(round1)
	if !strings.Contains(body, "/reports/"+m1) || strings.Contains(body, "/reports/"+m2) {
		t.Errorf("u1's forms: own %v, another's %v", strings.Contains(body, "/reports/"+m1), strings.Contains(body, "/reports/"+m2))
	}
	if code, _ := c1.Post(round1+"/reports/"+m2, url.Values{"status": {"done"}}); code != 403 {
		t.Errorf("u1 reports on u2's measure: %d", code)
	}
	// A bad progress is refused naming the field, the note kept.
	code, body := c3.Post(round1+"/reports/"+m3, url.Values{"status": {"ongoing"}, "progress": {"trettio"}, "note": {"Träffar «varje» tisdag"}})
	if code != 422 || !strings.Contains(body, `href="#f-`+m3+`-progress"`) || !strings.Contains(body, "Träffar «varje» tisdag") {
		t.Fatalf("bad progress: %d", code)
	}
	// The three report: by form, by the API, by form.
	if code, _ := c1.Post(round1+"/reports/"+m1, url.Values{"status": {"done"}, "note": {"Tolv platser"}}); code != 303 {
		t.Fatalf("u1 reports: %d", code)
	}
	if code, body := apiJSON(t, r, c2, r1+"/reports/"+m2, `{"status":"ongoing","progress":50,"note":"Två besök gjorda"}`); code != 200 {
		t.Fatalf("u2 reports by the API: %d %s", code, body)
	}
	if code, _ := c3.Post(round1+"/reports/"+m3, url.Values{"status": {"ongoing"}, "progress": {"30"}, "note": {"Träffar varje tisdag"}}); code != 303 {
		t.Fatalf("u3 reports: %d", code)
	}
	if tr := must[*plan.Tree](t)(r.Plans.Get(ctx, muni, p.ID)); tr.Measures[m2].Status != "ongoing" || tr.Measures[m2].Progress != 50 {
		t.Errorf("the live measure after the report: %+v", tr.Measures[m2])
	}

	// Close it, after the confirmation page.
	if code, body := ec.Get(round1 + "/close"); code != 200 || !strings.Contains(body, "3 av 4") {
		t.Fatalf("close confirmation: %d", code)
	}
	if code, _ := ec.Post(round1+"/close", nil); code != 303 {
		t.Fatalf("close: %d", code)
	}
	frozen, _ := roundReport(t, ec, r1)
	_, page := ec.Get(round1)
	before := map[string]string{m1: article(t, page, m1), m2: article(t, page, m2), m3: article(t, page, m3), m4: article(t, page, m4)}
	if !strings.Contains(before[m1], "Tolv platser") || !strings.Contains(before[m1], "pill-done") || !strings.Contains(before[m2], "50 %") {
		t.Errorf("the closed round's page: %s", before[m1])
	}
	if code, _ := c3.Post(round1+"/reports/"+m3, url.Values{"status": {"done"}}); code != 409 {
		t.Errorf("a report in a closed round: %d", code)
	}

	// Later updates of the measures leave the frozen report as it was.
	if code, _ := c1.Post("/o/"+muni.Slug+"/measures/"+m1+"/status", url.Values{"status": {"ongoing"}, "progress": {"80"}, "note": {"Två hoppade av"}}); code != 303 {
		t.Fatalf("later update: %d", code)
	}
	// … and one nobody reported on.
	if code, _ := ec.Post("/o/"+muni.Slug+"/measures/"+m4+"/status", url.Values{"status": {"ongoing"}, "progress": {"10"}}); code != 303 {
		t.Fatalf("later update of m4: %d", code)
	}
	if after, _ := roundReport(t, ec, r1); after != frozen {
		t.Errorf("the frozen report changed in the API:\n%s\n%s", frozen, after)
	}
	_, page = ec.Get(round1)
	for id, b := range before {
		if got := article(t, page, id); got != b {
			t.Errorf("the closed round's page changed for %s:\n%s\n%s", id, b, got)
		}
	}

	// The next round shows the difference from the first.
	res, _ = ec.PostResponse(base+"/rounds", url.Values{"title": {"Tertial 2 2018"}})
	round2 := res.Header.Get("Location")
	if code, _ := c3.Post(round2+"/reports/"+m3, url.Values{"status": {"done"}, "note": {"Klart i augusti"}}); code != 303 {
		t.Fatalf("u3 reports in round 2: %d", code)
	}
	if code, _ := ec.Post(round2+"/close", nil); code != 303 {
		t.Fatalf("close round 2: %d", code)
	}
	_, page = ec.Get(round2)
	for _, want := range []string{"Sedan «Tertial 1 2018»", "Språkcafé på biblioteket", "Pågår 30 % → Klar 100 %", "Klar 100 % → Pågår 80 %", "+50"} {
		if !strings.Contains(html.UnescapeString(page), want) {
			t.Errorf("round 2's page has no %q", want)
		}
	}
	_, got := roundReport(t, ec, api+"/rounds/"+round2[strings.LastIndex(round2, "/")+1:])
	var diff plan.Comparison
	if err := json.Unmarshal(got["diff"], &diff); err != nil {
		t.Fatal(err)
	}
	var m3change *plan.MeasureChange
	for i := range diff.Measures {
		if diff.Measures[i].ID == m3 {
			m3change = &diff.Measures[i]
		}
	}
	if diff.Previous != "Tertial 1 2018" || m3change == nil || m3change.From != "ongoing" || m3change.To != "done" ||
		len(diff.Areas) != 3 || diff.Areas[1].ShareBefore != 0 || diff.Areas[1].ShareNow != 0.5 {
		t.Errorf("the API's difference: %s", got["diff"])
	}

	// The summary shows the trend since round 2 and a chart with its data;
	// the printed report's figures are the page's.
	if code, _ := c2.Post("/o/"+muni.Slug+"/measures/"+m2+"/status", url.Values{"status": {"done"}}); code != 303 {
		t.Fatalf("update after round 2: %d", code)
	}
	_, page = c2.Get(base + "?view=summary")
	if !strings.Contains(page, "Tertial 2 2018") || !strings.Contains(page, `class="chart"`) {
		t.Errorf("summary: no trend or chart")
	}
	rows := summaryRows(t, page)
	if len(rows) != 3 || rows[0][0] != "Arbete" || rows[0][len(rows[0])-1] != "+50" || rows[2][len(rows[2])-1] != "+25" || rows[1][0] != "Språk" ||
		strings.Join(rows[1][1:], " ") != "0 1 1 0 0 2 50\u00a0% ±0" {
		t.Errorf("summary rows: %q", rows)
	}
	for _, ext := range []string{"pdf", "docx"} {
		req, _ := http.NewRequest("GET", r.URLOf(base+"/report."+ext), nil)
		resp := c2.Do(req)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("report.%s: %d", ext, resp.StatusCode)
		}
		var text string
		if ext == "pdf" {
			text = doctest.PDFText(t, b).Text
		} else {
			text = doctest.DOCXText(t, b).Text
		}
		// The page keeps «50 %» together with a no-break space; the
		// extracted text has a plain one.
		text = strings.ReplaceAll(text, "\u00a0", " ")
		at := strings.Index(text, rows[0][0])
		for _, row := range rows {
			if at = inOrder(text, at, row); at < 0 {
				t.Fatalf("report.%s: the page's row %q is not in the report, in the page's order:\n%s", ext, row, text)
			}
		}
	}
}

var (
	summaryTable = regexp.MustCompile(`(?s)<table class="stack plan-summary">.*?<tbody>(.*?)</tbody>`)
	summaryRow   = regexp.MustCompile(`(?s)<tr[^>]*>(.*?)</tr>`)
	summaryCell  = regexp.MustCompile(`(?s)<t[hd][^>]*>(.*?)</t[hd]>`)
)

// summaryRows answers the cells of the summary table's body rows.
func summaryRows(t *testing.T, page string) [][]string {
	t.Helper()
	m := summaryTable.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no summary table")
	}
	var out [][]string
	for _, r := range summaryRow.FindAllStringSubmatch(m[1], -1) {
		var row []string
		for _, c := range summaryCell.FindAllStringSubmatch(r[1], -1) {
			row = append(row, html.UnescapeString(strings.TrimSpace(c[1])))
		}
		out = append(out, row)
	}
	return out
}

// inOrder answers where the cells end when they stand in text one after
// another from at, else -1.
func inOrder(text string, at int, cells []string) int {
	if at < 0 {
		return -1
	}
	for _, c := range cells {
		i := strings.Index(text[at:], strings.ReplaceAll(c, "\u00a0", " "))
		if i < 0 {
			return -1
		}
		at += i + len(c)
	}
	return at
}
