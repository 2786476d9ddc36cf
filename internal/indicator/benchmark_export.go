package indicator

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/samvirke/samvirke/internal/chart"
	"github.com/samvirke/samvirke/internal/document"
)

// Sheet is a benchmark printed as text: what the CSV, the XLSX and the
// PDF show, cell for cell, all from one View through one Printer.
type Sheet struct {
	Title string
	Meta  [][2]string // indicator, period, group, rule, threshold, the note on small counts
	Head  []string
	Rows  [][]string // ranked municipalities, then the unranked
	// AggHead and Aggs are the groups' weighted aggregates, the country's
	// official figure and the targets.
	AggHead []string
	Aggs    [][]string
}

// GroupName answers a comparison group's name as printed: the country
// by its name in the locale.
func (p Printer) GroupName(g CompareGroup) string {
	if g.Kind == GroupCountry {
		// the key holds the country's code (g.Name is its own name)
		return p.T("indicator_benchmark.country." + strings.TrimPrefix(g.Key, "country-"))
	}
	if g.Kind == GroupSimilar {
		return p.T("indicator_benchmark.similar.name", "on", g.Name)
	}
	return g.Name
}

// RuleName answers the rule's name of a view ("" for none).
func (v *View) RuleName(locale string) string {
	if r, ok := v.Indicator.Rule(v.Rule); ok {
		return r.Names.Text(locale)
	}
	return ""
}

// Sheet prints v.
func (v *View) Sheet(p Printer) *Sheet {
	ind := v.Indicator
	s := &Sheet{Title: ind.Name(p.Locale)}
	s.Meta = [][2]string{
		{p.T("indicator_benchmark.col.indicator"), ind.Name(p.Locale) + " (" + ind.Code + ")"},
		{p.T("indicator_benchmark.col.period"), v.Period.Key()},
		{p.T("indicator_benchmark.col.group"), p.GroupName(v.Group)},
	}
	if name := v.RuleName(p.Locale); name != "" {
		s.Meta = append(s.Meta, [2]string{p.T("indicator_benchmark.col.rule"), name})
	}
	s.Meta = append(s.Meta,
		[2]string{p.T("indicator_benchmark.col.threshold"), p.T("indicator_benchmark.threshold_note", "under", p.Under(), "withheld", p.Withheld())})
	s.Head = []string{p.T("indicator_benchmark.col.rank"), p.T("indicator_benchmark.col.municipality"), p.T("indicator_benchmark.col.figure")}
	rate := rated(ind, v.Rule)
	if rate {
		s.Head = append(s.Head, p.T("indicator_benchmark.col.numerator"), p.T("indicator_benchmark.col.denominator"))
	}
	s.Head = append(s.Head, p.T("indicator_benchmark.col.source"), p.T("indicator_benchmark.col.as_of"), p.T("indicator_benchmark.col.status"),
		p.T("indicator_benchmark.col.own"))
	for _, r := range v.Rows {
		row := []string{p.Rank(r), r.Org.Name, p.Figure(ind, v.Rule, r.Figure)}
		if rate {
			row = append(row, p.Num(r.Figure), p.Den(r.Figure))
		}
		own := ""
		if r.Own {
			own = p.T("indicator_benchmark.own")
		}
		row = append(row, p.Source(r.Figure.Source), p.AsOf(r.Figure), p.Status(r.Figure), own)
		s.Rows = append(s.Rows, row)
	}
	s.AggHead = []string{p.T("indicator_benchmark.col.group"), p.T("indicator_benchmark.col.figure")}
	if rate {
		s.AggHead = append(s.AggHead, p.T("indicator_benchmark.col.numerator"), p.T("indicator_benchmark.col.denominator"))
	}
	s.AggHead = append(s.AggHead, p.T("indicator_benchmark.col.coverage"), p.T("indicator_benchmark.col.source"))
	pad := func(row []string) []string {
		for len(row) < len(s.AggHead) {
			row = append(row, "")
		}
		return row
	}
	for _, a := range v.Aggregates {
		row := []string{p.GroupName(a.Group), p.Figure(ind, v.Rule, a.Figure)}
		if rate {
			row = append(row, p.Num(a.Figure), p.Den(a.Figure))
		}
		s.Aggs = append(s.Aggs, append(row, p.Covers(a), p.T("indicator_benchmark.weighted")))
	}
	if v.National != nil {
		row := []string{p.T("indicator_benchmark.national"), p.National(ind, v.Rule, v.National)}
		if rate {
			row = append(row, "", "")
		}
		f := Figure{Source: v.National.Source, AsOf: v.National.AsOf, Final: v.National.Final}
		s.Aggs = append(s.Aggs, append(row, "", p.Provenance(f)))
	}
	for _, t := range v.Targets {
		s.Aggs = append(s.Aggs, pad([]string{p.T("indicator_benchmark.target." + t.Level), p.Target(ind, t)}))
	}
	return s
}

// guardCell keeps a spreadsheet from reading a cell as a formula.
func guardCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteCSV writes s as CSV the way Nordic spreadsheets read it: UTF-8
// with a byte order mark, semicolons, CRLF; the header rows first, then
// the municipalities, a blank line, then the aggregates.
func (s *Sheet) WriteCSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma, cw.UseCRLF = ';', true
	write := func(rows ...[]string) {
		for _, r := range rows {
			out := make([]string, len(r))
			for i, c := range r {
				out[i] = guardCell(c)
			}
			_ = cw.Write(out)
		}
	}
	for _, m := range s.Meta {
		write([]string{m[0], m[1]})
	}
	write([]string{}, s.Head)
	write(s.Rows...)
	write([]string{}, s.AggHead)
	write(s.Aggs...)
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes s as a workbook of one sheet laid out as the CSV.
func (s *Sheet) WriteXLSX(w io.Writer, locale string) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Benchmark"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("indicator: xlsx: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("indicator: xlsx: %w", err)
	}
	row := 0
	put := func(cells []string, style int) error {
		row++
		for i, c := range cells {
			name, _ := excelize.CoordinatesToCellName(i+1, row)
			if err := f.SetCellStr(sheet, name, c); err != nil {
				return err
			}
			if style != 0 {
				if err := f.SetCellStyle(sheet, name, name, style); err != nil {
					return err
				}
			}
		}
		return nil
	}
	var rows [][]string
	var styles []int
	for _, m := range s.Meta {
		rows, styles = append(rows, []string{m[0], m[1]}), append(styles, 0)
	}
	rows, styles = append(rows, nil, s.Head), append(styles, 0, bold)
	for _, r := range s.Rows {
		rows, styles = append(rows, r), append(styles, 0)
	}
	rows, styles = append(rows, nil, s.AggHead), append(styles, 0, bold)
	for _, r := range s.Aggs {
		rows, styles = append(rows, r), append(styles, 0)
	}
	for i, r := range rows {
		if err := put(r, styles[i]); err != nil {
			return fmt.Errorf("indicator: xlsx: %w", err)
		}
	}
	if err := f.SetColWidth(sheet, "B", "B", 30); err != nil {
		return fmt.Errorf("indicator: xlsx: %w", err)
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: s.Title, Language: locale}); err != nil {
		return fmt.Errorf("indicator: xlsx: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("indicator: xlsx: %w", err)
	}
	return nil
}

// Charts answers the benchmark's charts: a bar per municipality whose
// figure is shown, and the distribution of those figures; nil when none
// is shown.
func (v *View) Charts(p Printer) []*chart.Chart {
	var labels []string
	var xs []float64
	for _, r := range v.Rows {
		if x, ok := r.Figure.Main(v.Indicator, v.Rule); ok {
			labels, xs = append(labels, r.Org.Name), append(xs, x)
		}
	}
	if len(xs) == 0 {
		return nil
	}
	unit, decimals := "", 0 // counts as whole numbers (0: as few decimals as needed)
	if rated(v.Indicator, v.Rule) {
		unit, decimals = "%", 1
		if v.Indicator.Unit == UnitRate {
			unit = "‰"
		}
	}
	name := v.Indicator.Name(p.Locale)
	bar := &chart.Chart{ID: "bench-bar", Kind: chart.Bar, Title: p.T("indicator_benchmark.chart.bar", "name", name, "period", v.Period.Key()),
		Description: p.T("indicator_benchmark.chart.bar_desc"), LabelHeading: p.T("indicator_benchmark.col.municipality"),
		Labels: labels, Series: []chart.Series{{Name: name, Values: xs}}, Unit: unit, Decimals: decimals}
	dist := &chart.Chart{ID: "bench-dist", Kind: chart.Distribution, Title: p.T("indicator_benchmark.chart.dist", "name", name, "period", v.Period.Key()),
		Description: p.T("indicator_benchmark.chart.dist_desc"), LabelHeading: p.T("indicator_benchmark.col.group"),
		Series: []chart.Series{{Name: p.GroupName(v.Group), Values: xs}}, Unit: unit, Decimals: decimals}
	return []*chart.Chart{bar, dist}
}

// Document prints v as a document: the header, the ranking, the
// aggregates and the charts with their data.
func (v *View) Document(p Printer, now time.Time) *document.Document {
	s := v.Sheet(p)
	d := &document.Document{Title: s.Title, Subject: v.Period.Key(), Created: now, Locale: p.Locale,
		Format: chart.Format{Locale: p.Locale, T: p.T}, Landscape: true}
	d.Add(&document.Heading{Level: 1, Text: p.T("indicator_benchmark.title", "name", s.Title)})
	var meta []string
	for _, m := range s.Meta {
		meta = append(meta, m[0]+": "+m[1])
	}
	d.Add(&document.Paragraph{Text: strings.Join(meta, "\n"), Style: document.Small})
	d.Add(&document.Heading{Level: 2, Text: p.T("indicator_benchmark.ranking")})
	if len(s.Rows) > 0 {
		d.Add(&document.Table{Head: s.Head, Rows: s.Rows})
	} else {
		d.Add(&document.Paragraph{Text: p.T("indicator_benchmark.no_rows"), Style: document.Muted})
	}
	d.Add(&document.Heading{Level: 2, Text: p.T("indicator_benchmark.aggregates")})
	if len(s.Aggs) > 0 {
		d.Add(&document.Table{Head: s.AggHead, Rows: s.Aggs})
	}
	for _, c := range v.Charts(p) {
		d.Add(&document.Chart{Chart: c})
	}
	return d
}
