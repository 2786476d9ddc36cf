package web

import (
	"html/template"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/overview"
	"github.com/samvirke/samvirke/internal/plan"
	webassets "github.com/samvirke/samvirke/web"
)

// gridAsTemplate is the progress grid as the template partial wrote it
// before gridHTML: what html/template makes of the same grid in the same
// places is the reference for the fragment's escaping.
const gridAsTemplate = `<div class="table-wrap"><table class="stack grid">
  <caption>{{.Caption}}</caption>
  <thead><tr><th scope="col">{{t .Corner}}</th>{{range .Columns}}<th scope="col">{{column .}}</th>{{end}}</tr></thead>
  <tbody>{{range .Rows}}<tr>
    <th scope="row">{{if .URL}}<a href="{{.URL}}">{{.Label}}</a>{{else}}{{.Label}}{{end}}</th>
    {{range $j, $c := .Cells}}<td class="cell-{{.Class}}" data-label="{{columnAt $j}}">{{if .URL}}<a href="{{.URL}}">{{t .Key}}</a>{{else}}{{t .Key}}{{end}}{{with date .When}} <span class="muted">{{.}}</span>{{end}}</td>{{end}}
  </tr>{{end}}</tbody>
</table></div>`

// TestGridWrittenAsTheTemplateWould writes a grid of hostile and Nordic
// text and of safe and unsafe links, and finds it byte for byte as
// html/template writes it: text and attributes escaped alike, a
// javascript: link neutralised, a URL's other bytes percent-encoded.
func TestGridWrittenAsTheTemplateWould(t *testing.T) {
	cat := loadCatalog(t)
	when := time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	g := overview.Grid{
		Caption: `Arbeidsbok «Bosetting» (2): § 3 <script>alert("x")</script> & 'q' + æøå`,
		Corner:  "org.kind.municipality",
		Columns: []overview.GridColumn{{Key: "workbook.chapter_status"}, {Label: `Mål "1" <b>`}, {Label: "Tiltak & ansvar"}, {Label: "Råd"}},
		Rows: []overview.GridRow{
			{Label: "Ås <kommune> & 'Øst'", URL: "/o/net/members/ås kommune/workbooks/1?a=1&b=2+3 'x'(y)%41%zz", Cells: []overview.GridCell{
				{Key: "workbook.chapter_status.ready", Class: "chapter-ready", When: when},
				{Key: "workbook.progress.shared", Class: "shared", URL: "/o/net/templates/1/statements/2/gathering", When: when},
				{Key: "workbook.progress.private", Class: `private" onclick="x`},
				{Key: "workbook.progress.missing", Class: "missing", URL: "javascript:alert(1)"},
			}},
			{Label: "Malmö", URL: "JavaScript:alert(2)", Cells: []overview.GridCell{
				{Key: "workbook.chapter_status.not_started", Class: "chapter-not_started"},
				{Key: "workbook.progress.shared", Class: "shared", URL: "a?b:c"},
				{Key: "workbook.progress.shared", Class: "shared", URL: "https://example.org/x y?q=æ#frag"},
				{Key: "workbook.progress.shared", Class: "shared", URL: "mailto:ko@example.org", When: when},
			}},
			{Label: "Aabenraa"}, // no workbook, no cells
		},
	}
	for _, loc := range []string{"nb", "sv", "da", "en"} {
		columns := make([]string, len(g.Columns))
		for i, c := range g.Columns {
			columns[i] = c.Label
			if c.Key != "" {
				columns[i] = cat.T(loc, c.Key)
			}
		}
		tpl := template.Must(template.New("grid").Funcs(template.FuncMap{
			"t": func(key string) string { return cat.T(loc, key) },
			"column": func(c overview.GridColumn) string {
				return map[bool]string{true: cat.T(loc, c.Key), false: c.Label}[c.Key != ""]
			},
			"columnAt": func(j int) string {
				if j < len(columns) {
					return columns[j]
				}
				return ""
			},
			"date": func(w time.Time) string { return i18n.FormatDate(loc, w) },
		}).Parse(gridAsTemplate))
		var want strings.Builder
		if err := tpl.Execute(&want, g); err != nil {
			t.Fatal(err)
		}
		got := string(gridHTML(cat, loc, g))
		if got != want.String() {
			t.Errorf("%s: the grid as written:\n%s\nas the template writes it:\n%s", loc, got, want.String())
		}
		for _, bad := range []string{"<script>", `" onclick="`, "javascript:", "JavaScript:"} {
			if strings.Contains(got, bad) {
				t.Errorf("%s: the grid holds %q unescaped", loc, bad)
			}
		}
		if !strings.Contains(got, "«Bosetting»") || !strings.Contains(got, "Malmö") {
			t.Errorf("%s: Nordic text lost: %s", loc, got)
		}
	}
}

// benchRowsAsTemplate is a benchmark's ranking rows as the page's template
// wrote them before benchRowsHTML.
const benchRowsAsTemplate = `{{$l := .L}}{{$rate := .Rate}}{{$tRank := t $l "indicator_benchmark.col.rank"}}{{$tFigure := t $l "indicator_benchmark.col.figure"}}{{$tParts := t $l "indicator_benchmark.col.parts"}}{{$tProvenance := t $l "indicator_benchmark.col.provenance"}}
  {{- $tWithheld := t $l "indicator_benchmark.withheld"}}{{$tWithheldNote := t $l "indicator_benchmark.withheld_note"}}<tbody>{{range .Rows}}<tr{{if .Own}} class="own"{{end}}>
    <td data-label="{{$tRank}}">{{or .Rank "–"}}</td>
    <th scope="row">{{.Name}}{{if .Own}} <span class="pill">{{t $l "indicator_benchmark.own"}}</span>{{end}}</th>
    <td class="num" data-label="{{$tFigure}}">{{if .Hidden}}<span aria-hidden="true">–</span><span class="visually-hidden">{{$tWithheld}}</span><sup><a href="#bench-withheld" aria-label="{{$tWithheldNote}}">*</a></sup>{{else}}{{.Figure}}{{end}}</td>
    {{if $rate}}<td class="num" data-label="{{$tParts}}">{{.Parts}}</td>{{end}}
    <td data-label="{{$tProvenance}}">{{.Provenance}}</td>
  </tr>{{end}}</tbody>`

// TestBenchmarkRowsWrittenAsTheTemplateWould writes a ranking with the
// reader's own row, a withheld figure, a row without rank and hostile and
// Nordic names, of a count and of a rate, and finds it byte for byte as
// the template wrote it.
func TestBenchmarkRowsWrittenAsTheTemplateWould(t *testing.T) {
	cat := loadCatalog(t)
	rows := []benchRow{
		{Rank: "1", Name: "Ås", Figure: "12,5 %", Parts: "5 av 40", Provenance: "SSB « 2025 » §"},
		{Rank: "2", Name: `Malmö <script>alert("x")</script>`, Figure: "9,1 %", Parts: "1 + 10", Provenance: "SCB", Own: true},
		{Name: "Aabenraa & 'Sønderborg'", Hidden: true, Parts: "–", Provenance: "DST"},
		{Rank: "4", Name: "Tromsø", Figure: "–", Missing: true},
	}
	for _, loc := range []string{"nb", "sv", "da", "en"} {
		tpl := template.Must(template.New("rows").Funcs(template.FuncMap{
			"t": func(loc, key string) string { return cat.T(loc, key) },
		}).Parse(benchRowsAsTemplate))
		for _, rate := range []bool{false, true} {
			var want strings.Builder
			if err := tpl.Execute(&want, map[string]any{"L": loc, "Rate": rate, "Rows": rows}); err != nil {
				t.Fatal(err)
			}
			got := "<tbody>" + string(benchRowsHTML(cat, loc, rows, rate)) + "</tbody>"
			if got != want.String() {
				t.Errorf("%s, rate %v: the rows as written:\n%s\nas the template writes them:\n%s", loc, rate, got, want.String())
			}
			if strings.Contains(got, "<script>") || !strings.Contains(got, "Malmö") || !strings.Contains(got, "« 2025 » §") {
				t.Errorf("%s: %s", loc, got)
			}
		}
	}
}

// planMeasureAsTemplate is a measure's line of a plan's tree as the
// plantree partial wrote it before planMeasureHTML.
const planMeasureAsTemplate = `{{$l := .L}}{{$measures := .Measures}}{{$it := .Item}}{{$tProblem := t $l "plan.col.problem"}}{{$tResponsible := t $l "plan.col.responsible"}}{{$tTimeline := t $l "plan.col.timeline"}}{{$tFollowUp := t $l "plan.col.follow_up"}}{{$tNoActivity := t $l "plan.no_activity"}}{{with .Measure}}<p><a href="{{$measures}}{{.ID}}">{{or .Description $tNoActivity}}</a></p>
        <p class="muted"><span class="pill pill-{{.Status}}">{{t $l (print "measure.status." .Status)}}</span> {{.Progress}} %{{with .Responsible}} · {{$tResponsible}}: {{.}}{{end}}{{with $it.Timeline}} · {{$tTimeline}}: {{.}}{{end}}{{with .From}} · {{t $l "measure.origin" "org" .OrgName}}{{end}}</p>
        {{with $it.Problem}}<p class="muted">{{$tProblem}}: {{.}}</p>{{end}}
        {{if or $it.FollowUp $it.FollowUpDate}}<p class="muted">{{$tFollowUp}}: {{$it.FollowUp}}{{with $it.FollowUpDate}} ({{date $l .}}){{end}}</p>{{end}}{{end}}`

// TestPlanMeasureWrittenAsTheTemplateWould writes measures' lines, bare
// and with every part (a responsible, a timeline, an origin, a problem, a
// follow-up with and without its date), with hostile and Nordic text, and
// finds them byte for byte as the plan's template wrote them.
func TestPlanMeasureWrittenAsTheTemplateWould(t *testing.T) {
	cat := loadCatalog(t)
	day := time.Date(2026, 6, 20, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		it plan.Item
		m  measure.Measure
	}{
		{plan.Item{Kind: "measure", ID: "a1"}, measure.Measure{ID: "m1", Status: "not_started"}},
		{plan.Item{Kind: "measure", ID: "a2", Timeline: "Høst 2026, «minst» to ganger", Problem: `Få <i>deltar</i> & "ingen" følger opp`, FollowUp: "Evaluert § 4 + 5", FollowUpDate: &day},
			measure.Measure{ID: "m2x", Description: "Språkpraksis i Malmö 'stad'", Status: "ongoing", Progress: 40, Responsible: "NAV <leder>", From: &measure.Origin{OrgName: "Aabenraa & Sønderborg"}}},
		{plan.Item{Kind: "measure", ID: "a3", FollowUpDate: &day}, measure.Measure{ID: "m 3/æ?", Status: "done", Progress: 100}},
		{plan.Item{Kind: "measure", ID: "a4", FollowUp: "Ingen dato"}, measure.Measure{ID: "m4", Status: "stopped", Responsible: "Skole"}},
	}
	for _, loc := range []string{"nb", "sv", "da", "en"} {
		tpl := template.Must(template.New("line").Funcs(template.FuncMap{
			"t":    func(loc, key string, args ...any) string { return cat.T(loc, key, args...) },
			"date": func(loc string, d time.Time) string { return i18n.FormatDate(loc, d) },
		}).Parse(planMeasureAsTemplate))
		for _, c := range cases {
			var want strings.Builder
			if err := tpl.Execute(&want, map[string]any{"L": loc, "Measures": "/o/ås/measures/", "Item": c.it, "Measure": &c.m}); err != nil {
				t.Fatal(err)
			}
			got := string(planMeasureHTML(cat, loc, "/o/ås/measures/", c.it, &c.m))
			if got != want.String() {
				t.Errorf("%s, measure %s: the line as written:\n%s\nas the template writes it:\n%s", loc, c.m.ID, got, want.String())
			}
			if strings.Contains(got, "<i>") || strings.Contains(got, "<leder>") {
				t.Errorf("%s: unescaped: %s", loc, got)
			}
		}
	}
}

// loadCatalog loads the product's locale catalogues, which the pages'
// template functions translate with.
func loadCatalog(t *testing.T) *i18n.Catalog {
	t.Helper()
	cat, err := i18n.Load(webassets.FS(""), "locales")
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// sharedTemplate answers the text of a template file (its path under
// templates/): a fragment that writes again what a shared partial writes
// checks that the partial is still the one its test compares with.
func sharedTemplate(t *testing.T, name string) string {
	t.Helper()
	b, err := fs.ReadFile(webassets.FS(""), "templates/"+name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
