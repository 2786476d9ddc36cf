package web

import (
	"html/template"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/overview"
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
	cat, err := i18n.Load(webassets.FS(""), "locales")
	if err != nil {
		t.Fatal(err)
	}
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
	cat, err := i18n.Load(webassets.FS(""), "locales")
	if err != nil {
		t.Fatal(err)
	}
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
