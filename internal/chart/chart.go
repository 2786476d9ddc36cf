// Package chart draws bar, line, distribution (box plot) and radar charts
// on the server. A Chart is the data; Draw lays it out as a Drawing, a
// list of shapes in abstract units that the SVG writer here and the PDF
// writer of internal/document both render, so a chart on a page and in a
// printed document are the same drawing. Every chart also answers its
// data as a Table, shown beside the drawing for readers who cannot see it.
package chart

import (
	"errors"
	"fmt"
	"html/template"
	"math"

	"github.com/samvirke/samvirke/internal/fragment"
	"github.com/samvirke/samvirke/internal/i18n"
)

// Kind is the kind of chart.
type Kind string

// The kinds of chart.
const (
	// Bar draws one bar per label and series, grouped by label.
	Bar Kind = "bar"
	// Line draws one line per series across the labels.
	Line Kind = "line"
	// Distribution draws one box plot per series from its values: the
	// whiskers at the minimum and maximum, the box from the first to the
	// third quartile, a line at the median. Labels are not used.
	Distribution Kind = "distribution"
	// Radar draws one polygon per series on a spoke per label.
	Radar Kind = "radar"
)

// Series is a named list of values: one per label (bar, line, radar), or
// the observations to summarise (distribution).
type Series struct {
	Name   string
	Values []float64
}

// Chart is a chart's data and texts. Title names it and Description says
// in a sentence what it shows (both read out by screen readers); Labels
// name the categories, LabelHeading heads their column in the data
// table, and Unit is appended to the value axis. Decimals fixes the
// number of decimals printed; 0 prints as few as needed, at most two.
// ID, when set, prefixes the ids of the SVG's title and description (it
// must be unique on the page); by default they derive from the data.
type Chart struct {
	ID           string
	Kind         Kind
	Title        string
	Description  string
	LabelHeading string
	Labels       []string
	Series       []Series
	Unit         string
	Decimals     int
	// Max, when above every value, is the top of a radar's value axis:
	// the scale's end (5 on a scale from 1 to 5), so that roses drawn
	// apart compare by eye.
	Max float64
}

// Format is how a chart's texts are printed: numbers in Locale's format
// (a decimal comma in nb, sv and da) and the fixed texts (see the keys
// below) translated by T, the shape of i18n.Catalog.T bound to a locale.
// A nil T prints the keys.
//
//	chart.min, chart.q1, chart.median, chart.q3, chart.max, chart.count
//	                                     column headings of a distribution's table
type Format struct {
	Locale string
	T      func(key string, args ...any) string
}

func (f Format) t(key string) string {
	if f.T == nil {
		return key
	}
	return f.T(key)
}

// number prints v in f's locale with c's decimals.
func (c *Chart) number(f Format, v float64) string {
	d := c.Decimals
	if d == 0 {
		d = -1
	}
	return i18n.FormatNumber(f.Locale, v, d)
}

// Validate reports a chart that cannot be drawn: an unknown kind, no
// series, a series whose number of values differs from the labels (bar,
// line, radar), a radar with fewer than three labels, a distribution
// series without values, or a value that is not a finite number.
func (c *Chart) Validate() error {
	var errs []error
	switch c.Kind {
	case Bar, Line, Radar, Distribution:
	default:
		errs = append(errs, fmt.Errorf("chart: unknown kind %q", c.Kind))
	}
	if len(c.Series) == 0 {
		errs = append(errs, errors.New("chart: no series"))
	}
	if c.Kind == Radar && len(c.Labels) < 3 {
		errs = append(errs, errors.New("chart: a radar needs at least three labels"))
	}
	for _, s := range c.Series {
		if c.Kind == Distribution && len(s.Values) == 0 {
			errs = append(errs, fmt.Errorf("chart: series %q has no values", s.Name))
		}
		if c.Kind != Distribution && len(s.Values) != len(c.Labels) {
			errs = append(errs, fmt.Errorf("chart: series %q has %d values for %d labels", s.Name, len(s.Values), len(c.Labels)))
		}
		for _, v := range s.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				errs = append(errs, fmt.Errorf("chart: series %q has a value that is not a number", s.Name))
				break
			}
		}
	}
	return errors.Join(errs...)
}

// Table is a chart's data as text: a caption, one heading row and the
// data rows, every row as long as Head.
type Table struct {
	Caption string
	Head    []string
	Rows    [][]string
}

// Table answers c's data as a table in f's format: a row per label with a
// column per series, or for a distribution a row per series with its
// count, minimum, quartiles and maximum.
func (c *Chart) Table(f Format) Table {
	t := Table{Caption: c.Title, Head: []string{c.LabelHeading}}
	if c.Kind == Distribution {
		t.Head = append(t.Head, f.t("chart.count"), f.t("chart.min"), f.t("chart.q1"), f.t("chart.median"), f.t("chart.q3"), f.t("chart.max"))
		for _, s := range c.Series {
			q := Summarise(s.Values)
			row := []string{s.Name, i18n.FormatInt(f.Locale, int64(len(s.Values)))}
			for _, v := range []float64{q.Min, q.Q1, q.Median, q.Q3, q.Max} {
				row = append(row, c.number(f, v))
			}
			t.Rows = append(t.Rows, row)
		}
		return t
	}
	for _, s := range c.Series {
		name := s.Name
		if c.Unit != "" {
			name += " (" + c.Unit + ")"
		}
		t.Head = append(t.Head, name)
	}
	for i, l := range c.Labels {
		row := []string{l}
		for _, s := range c.Series {
			cell := ""
			if i < len(s.Values) {
				cell = c.number(f, s.Values[i])
			}
			row = append(row, cell)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// RowsHTML writes t's rows for the "chart" partial's table (a benchmark's
// chart has a bar, and so a row, for each of 750 municipalities) as a
// fragment written in Go: each row headed by its label, then its
// figures, each labelled by its column head for the stacked table on a
// phone.
func (t Table) RowsHTML() template.HTML {
	heads := make([]string, len(t.Head))
	for i, h := range t.Head {
		heads[i] = fragment.Escape(h)
	}
	var f fragment.Writer
	f.Grow(64 * len(t.Rows) * (len(t.Head) + 1))
	for _, row := range t.Rows {
		f.Raw("<tr>")
		for i, c := range row {
			if i == 0 {
				f.Raw(`<th scope="row">`)
				f.Text(c)
				f.Raw("</th>")
				continue
			}
			f.Raw(`<td class="num" data-label="`)
			if i < len(heads) {
				f.Raw(heads[i])
			}
			f.Raw(`">`)
			f.Text(c)
			f.Raw("</td>")
		}
		f.Raw("</tr>")
	}
	return f.HTML()
}
