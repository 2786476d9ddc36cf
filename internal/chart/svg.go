package chart

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// SVG writes c as an accessible SVG image in f's format: role="img", a
// <title> and <desc> that aria-labelledby names, and the drawing. The
// text is escaped; the result is well-formed XML.
func (c *Chart) SVG(f Format) string {
	id := c.ID
	if id == "" { // distinct for charts with distinct titles and data
		h := fnv.New64a()
		fmt.Fprint(h, c.Kind, c.Title, c.Labels, c.Series)
		id = "chart-" + strconv.FormatUint(h.Sum64(), 36)
	}
	d := c.Draw(f)
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" role="img" aria-labelledby="%s-t %s-d" class="chart-svg" font-family="system-ui, sans-serif">`,
		num(d.Width), num(d.Height), id, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(c.Title), id, esc(c.Description))
	for _, s := range d.Shapes {
		writeShape(&b, s)
	}
	b.WriteString("</svg>")
	return b.String()
}

// num prints a coordinate with at most two decimals, always with a point
// (SVG's number syntax, whatever the reader's locale).
func num(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder does not fail
	return b.String()
}

// paint is a shape's fill and stroke attributes.
func paint(s Shape) string {
	var b strings.Builder
	fill := s.Fill
	if fill == "" {
		fill = "none"
	}
	fmt.Fprintf(&b, ` fill="%s"`, fill)
	if s.FillOpacity > 0 {
		fmt.Fprintf(&b, ` fill-opacity="%s"`, num(s.FillOpacity))
	}
	if s.Stroke != "" {
		fmt.Fprintf(&b, ` stroke="%s" stroke-width="%s"`, s.Stroke, num(s.StrokeWidth))
	}
	return b.String()
}

func writeShape(b *bytes.Buffer, s Shape) {
	switch s.Op {
	case OpRect:
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s"%s/>`, num(s.X), num(s.Y), num(s.W), num(s.H), paint(s))
	case OpLine:
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s"%s/>`, num(s.X), num(s.Y), num(s.X2), num(s.Y2), paint(s))
	case OpCircle:
		fmt.Fprintf(b, `<circle cx="%s" cy="%s" r="%s"%s/>`, num(s.X), num(s.Y), num(s.R), paint(s))
	case OpPath:
		var pts []string
		for _, p := range s.Points {
			pts = append(pts, num(p.X)+","+num(p.Y))
		}
		el := "polyline"
		if s.Closed {
			el = "polygon"
		}
		fmt.Fprintf(b, `<%s points="%s"%s stroke-linejoin="round"/>`, el, strings.Join(pts, " "), paint(s))
	case OpText:
		weight := ""
		if s.Bold {
			weight = ` font-weight="bold"`
		}
		fmt.Fprintf(b, `<text x="%s" y="%s" font-size="%s" text-anchor="%s"%s fill="%s">%s</text>`,
			num(s.X), num(s.Y), num(s.Size), s.Anchor, weight, s.Fill, esc(s.Text))
	}
}

// View is what the template partial "chart" (web/templates/partials/
// chart.html) shows: the SVG and the data table beside it.
type View struct {
	SVG   template.HTML
	Table Table
}

// View answers c ready for the "chart" partial, in f's format.
func (c *Chart) View(f Format) View {
	// The SVG is built above with every text escaped, so it is safe HTML.
	return View{SVG: template.HTML(c.SVG(f)), Table: c.Table(f)} //nolint:gosec
}
