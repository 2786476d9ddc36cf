package chart

import (
	"bytes"
	"encoding/xml"
	"html/template"
	"io"
	"io/fs"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/samvirke/samvirke/web"
)

var nb = Format{Locale: "nb", T: func(key string, _ ...any) string {
	return map[string]string{"chart.count": "Antall", "chart.min": "Laveste", "chart.q1": "Nedre kvartil",
		"chart.median": "Median", "chart.q3": "Øvre kvartil", "chart.max": "Høyeste"}[key]
}}

func sample(k Kind) *Chart {
	c := &Chart{Kind: k, Title: "Bosatte «flyktninger» i Åfjord", Description: "Antall bosatte per år, 2021–2024 & mål",
		LabelHeading: "År", Labels: []string{"2021", "2022", "2023", "2024"}, Unit: "personer",
		Series: []Series{{Name: "Bosatt", Values: []float64{10, 20, 42.5, 40}}, {Name: "Vedtak", Values: []float64{12, 18, 30, 35}}}}
	if k == Distribution {
		c.Series = []Series{{Name: "Kapittel 1", Values: []float64{6, 7, 15, 36, 39, 40, 41, 42, 43, 47, 49}}, {Name: "Kapittel 2", Values: []float64{1, 2, 3, 4}}}
	}
	return c
}

// svgDoc parses an SVG as XML, failing on anything not well-formed, and
// answers its elements by name and the text of title and desc.
func svgDoc(t *testing.T, s string) (elems []xml.StartElement, title, desc string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(s))
	var in string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v\n%s", err, s)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			elems = append(elems, tok.Copy())
			in = tok.Name.Local
		case xml.CharData:
			if in == "title" {
				title += string(tok)
			} else if in == "desc" {
				desc += string(tok)
			}
		case xml.EndElement:
			in = ""
		}
	}
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func TestSVGAccessibleAndWellFormed(t *testing.T) {
	for _, k := range []Kind{Bar, Line, Distribution, Radar} {
		t.Run(string(k), func(t *testing.T) {
			c := sample(k)
			if err := c.Validate(); err != nil {
				t.Fatal(err)
			}
			elems, title, desc := svgDoc(t, c.SVG(nb))
			if len(elems) < 5 || elems[0].Name.Local != "svg" || attr(elems[0], "role") != "img" {
				t.Fatalf("root is not an svg with role img: %v", elems[0])
			}
			if title != c.Title || desc != c.Description {
				t.Errorf("title, desc = %q, %q; want %q, %q", title, desc, c.Title, c.Description)
			}
			ids := strings.Fields(attr(elems[0], "aria-labelledby"))
			if len(ids) != 2 || attr(elems[1], "id") != ids[0] || attr(elems[2], "id") != ids[1] {
				t.Errorf("aria-labelledby %v does not name the title and desc", ids)
			}
		})
	}
}

func TestBarScale(t *testing.T) {
	c := &Chart{Kind: Bar, Title: "t", Labels: []string{"a", "b", "c"}, Series: []Series{{Name: "s", Values: []float64{10, 20, 40}}}}
	var heights []float64
	for _, s := range c.Draw(nb).Shapes {
		if s.Op == OpRect {
			heights = append(heights, s.H)
		}
	}
	// The axis runs to 40, so the tallest bar fills the plot and the others
	// are a quarter and a half of it.
	want := []float64{plotHeight / 4, plotHeight / 2, plotHeight}
	if diff := cmp.Diff(want, heights, cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 1e-9 })); diff != "" {
		t.Errorf("bar heights (-want +got):\n%s", diff)
	}
}

func TestNiceScale(t *testing.T) {
	for _, tc := range []struct {
		values []float64
		want   scale
	}{
		{[]float64{10, 20, 40}, scale{0, 40, 10}},
		{[]float64{42.5, 3}, scale{0, 50, 10}},
		{[]float64{0.3, 0.7}, scale{0, 0.8, 0.2}},
		{[]float64{-12, 30}, scale{-20, 30, 10}},
		{nil, scale{0, 1, 0.2}},
	} {
		got := niceScale(tc.values)
		if math.Abs(got.lo-tc.want.lo) > 1e-9 || math.Abs(got.hi-tc.want.hi) > 1e-9 || math.Abs(got.step-tc.want.step) > 1e-9 {
			t.Errorf("niceScale(%v) = %+v, want %+v", tc.values, got, tc.want)
		}
	}
}

func TestSummarise(t *testing.T) {
	// The worked example of quartiles in Wikipedia, whose values QUARTILE.INC
	// in LibreOffice Calc and Excel give as 25.5 and 42.5.
	got := Summarise([]float64{49, 6, 7, 15, 36, 39, 40, 41, 42, 43, 47})
	if diff := cmp.Diff(Summary{Min: 6, Q1: 25.5, Median: 40, Q3: 42.5, Max: 49}, got); diff != "" {
		t.Errorf("Summarise (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(Summary{Min: 1, Q1: 1.75, Median: 2.5, Q3: 3.25, Max: 4}, Summarise([]float64{4, 3, 2, 1})); diff != "" {
		t.Errorf("Summarise of four (-want +got):\n%s", diff)
	}
	if got := Summarise([]float64{7}); got != (Summary{7, 7, 7, 7, 7}) {
		t.Errorf("Summarise of one = %+v", got)
	}
}

func TestTable(t *testing.T) {
	t.Run("Bar", func(t *testing.T) {
		want := Table{Caption: "Bosatte «flyktninger» i Åfjord", Head: []string{"År", "Bosatt (personer)", "Vedtak (personer)"},
			Rows: [][]string{{"2021", "10", "12"}, {"2022", "20", "18"}, {"2023", "42,5", "30"}, {"2024", "40", "35"}}}
		if diff := cmp.Diff(want, sample(Bar).Table(nb)); diff != "" {
			t.Errorf("table (-want +got):\n%s", diff)
		}
	})
	t.Run("Distribution", func(t *testing.T) {
		got := sample(Distribution).Table(nb)
		want := [][]string{{"Kapittel 1", "11", "6", "25,5", "40", "42,5", "49"}, {"Kapittel 2", "4", "1", "1,75", "2,5", "3,25", "4"}}
		if diff := cmp.Diff(want, got.Rows); diff != "" {
			t.Errorf("rows (-want +got):\n%s", diff)
		}
		if got.Head[3] != "Nedre kvartil" {
			t.Errorf("head = %v", got.Head)
		}
	})
	t.Run("English", func(t *testing.T) {
		got := sample(Bar).Table(Format{Locale: "en"})
		if got.Rows[2][1] != "42.5" {
			t.Errorf("2023 = %q, want 42.5", got.Rows[2][1])
		}
	})
}

func TestValidate(t *testing.T) {
	for name, c := range map[string]*Chart{
		"Kind":       {Kind: "pie", Series: []Series{{}}},
		"NoSeries":   {Kind: Bar},
		"Length":     {Kind: Line, Labels: []string{"a"}, Series: []Series{{Values: []float64{1, 2}}}},
		"RadarThree": {Kind: Radar, Labels: []string{"a", "b"}, Series: []Series{{Values: []float64{1, 2}}}},
		"NaN":        {Kind: Bar, Labels: []string{"a"}, Series: []Series{{Values: []float64{math.NaN()}}}},
		"Empty":      {Kind: Distribution, Series: []Series{{Name: "x"}}},
	} {
		if c.Validate() == nil {
			t.Errorf("%s: Validate accepted %+v", name, c)
		}
	}
}

// TestPartial renders the chart partial the pages use and checks that the
// drawing arrives unescaped and the table holds the data, each figure
// labelled by its column for a phone's stacked cards, in a region a
// keyboard can scroll.
func TestPartial(t *testing.T) {
	b, err := fs.ReadFile(web.FS(""), "templates/partials/chart.html")
	if err != nil {
		t.Fatal(err)
	}
	tpl := template.Must(template.New("").Parse(string(b)))
	var out bytes.Buffer
	if err := tpl.ExecuteTemplate(&out, "chart", sample(Bar).View(nb)); err != nil {
		t.Fatal(err)
	}
	html := out.String()
	for _, want := range []string{`<svg xmlns="http://www.w3.org/2000/svg"`, `role="img"`, "<caption>Bosatte «flyktninger» i Åfjord</caption>",
		`<th scope="row">2023</th><td class="num" data-label="Bosatt (personer)">42,5</td><td class="num" data-label="Vedtak (personer)">30</td>`,
		`<th scope="col">Vedtak (personer)</th>`, `<table class="stack">`, `tabindex="0" role="region" aria-label="Bosatte «flyktninger» i Åfjord"`} {
		if !strings.Contains(html, want) {
			t.Errorf("partial lacks %s\n%s", want, html)
		}
	}
}

// TestRadarMax checks that a radar with Max runs its spokes to the top of
// the answer scale, so a rose of low scores looks low rather than filling
// the chart.
func TestRadarMax(t *testing.T) {
	reach := func(max float64) (outer, series float64) {
		c := &Chart{Kind: Radar, Title: "Integreringsrosa", Labels: []string{"Holdninger", "Språk", "Arbeid", "Bolig"},
			Series: []Series{{Name: "2026", Values: []float64{2.5, 2.5, 2.5, 2.5}}}, Max: max}
		for _, s := range c.Draw(nb).Shapes {
			switch {
			case s.Op == OpLine:
				outer = math.Max(outer, math.Hypot(s.X2-s.X, s.Y2-s.Y))
			case s.Op == OpPath && s.Fill != "":
				cx, cy := s.Points[0].X, s.Points[2].Y+(s.Points[0].Y-s.Points[2].Y)/2
				series = math.Hypot(s.Points[0].X-cx, s.Points[0].Y-cy)
			}
		}
		return outer, series
	}
	if outer, series := reach(5); math.Abs(series/outer-0.5) > 1e-9 {
		t.Errorf("with Max 5, a score of 2.5 reaches %.3f of the spoke; want 0.5", series/outer)
	}
	if outer, series := reach(0); math.Abs(series/outer-1) > 1e-9 {
		t.Errorf("without Max, the largest value reaches %.3f of the spoke; want the whole spoke", series/outer)
	}
}

// chartRowsAsTemplate is a chart's data table's rows as the chart partial
// wrote them before Table.RowsHTML.
const chartRowsAsTemplate = `{{range .Table.Rows}}<tr>{{range $i, $c := .}}{{if eq $i 0}}<th scope="row">{{$c}}</th>{{else}}<td class="num" data-label="{{index $.Table.Head $i}}">{{$c}}</td>{{end}}{{end}}</tr>{{end}}`

// TestChartRowsWrittenAsTheTemplateWould writes a chart's table of
// Nordic and hostile labels and figures and finds it byte for byte as the
// chart partial wrote it.
func TestChartRowsWrittenAsTheTemplateWould(t *testing.T) {
	table := Table{Caption: "Bosatte", Head: []string{"Kommune", `Andel "i arbeid"`, "Mål < 75 %"}, Rows: [][]string{
		{"Ås", "12,5 %", "75 %"},
		{`Malmö <script>alert("x")</script>`, "9,1 %", ""},
		{"Aabenraa & 'Sønderborg'", "–", "« 3 + 4 » §"},
	}}
	tpl := template.Must(template.New("rows").Parse(chartRowsAsTemplate))
	var want strings.Builder
	if err := tpl.Execute(&want, View{Table: table}); err != nil {
		t.Fatal(err)
	}
	if got := string(table.RowsHTML()); got != want.String() {
		t.Errorf("the rows as written:\n%s\nas the template writes them:\n%s", got, want.String())
	}
}
