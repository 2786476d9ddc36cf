package document

import (
	"math"

	"github.com/phpdave11/gofpdf"

	"github.com/samvirke/samvirke/internal/chart"
)

// table lays out t: the heading row kept with the pending headings and
// the first line of the first row; each row as one page row per line, so
// a long cell continues on the next page; and on every page the table
// continues on, the heading row again first.
func (d *pdfDoc) table(t *Table) {
	ws := t.widths()
	head := d.tableRow(ws, pdfLight, t.Head)
	var body []pdfRow
	for _, r := range t.Rows {
		body = append(body, d.tableRow(ws, nil, r)...)
	}
	first := head
	if len(body) > 0 {
		first = append(append([]pdfRow(nil), head...), body[0])
		body = body[1:]
	}
	d.add(first...)
	for _, r := range body {
		if d.used+r.h > d.height {
			d.newPage()
			d.put(head...)
		}
		d.put(r)
	}
	d.put(space(1.5))
}

// tableRow is one table row over the column shares ws, as one page row
// per line. A heading row (bg set) is shaded and bold; a data row ends in
// a thin rule.
func (d *pdfDoc) tableRow(ws []float64, bg *pdfColor, cells []string) []pdfRow {
	p := pdfText{Size: 8.5, Left: 1, Right: 1}
	if bg != nil {
		p.Style = pdfBold
	}
	xs := make([]float64, len(cells)+1) // column edges from the left margin
	lines := make([][]string, len(cells))
	n := 1
	for i, c := range cells {
		xs[i+1] = xs[i] + d.width*ws[i]
		lines[i] = d.wrap(c, p, xs[i+1]-xs[i]-p.Left-p.Right)
		n = max(n, len(lines[i]))
	}
	var rows []pdfRow
	for k := range n {
		top, bottom := 0.0, 0.4
		if k == 0 {
			top = 0.8
		}
		if k == n-1 {
			bottom = 0.8
		}
		h := p.lineHeight() + top + bottom
		rows = append(rows, pdfRow{h: h, draw: func(y float64) {
			if bg != nil {
				d.fill(y, h, bg)
			}
			for i := range cells {
				if k < len(lines[i]) {
					d.cell(pdfMargin+xs[i]+p.Left, y+top, xs[i+1]-xs[i]-p.Left-p.Right, p, lines[i][k], "L")
				}
			}
		}})
	}
	if bg == nil {
		last := rows[len(rows)-1]
		rows[len(rows)-1] = pdfRow{h: last.h + 0.3, draw: func(y float64) {
			last.draw(y)
			d.fill(y+last.h, 0.3, pdfLight)
		}}
	}
	return rows
}

// chartWidth is the widest a chart is drawn, in mm.
const chartWidth = 170.0

// chart lays out c's title, its drawing, kept whole on one page with the
// title and pending headings, then its data table.
func (d *pdfDoc) chart(doc *Document, c *Chart) {
	dr := c.Chart.Draw(doc.Format)
	w := math.Min(chartWidth, d.width)
	k := w / dr.Width // mm per unit
	h := dr.Height * k
	d.pending = append(d.pending, d.text(c.Chart.Title, pdfText{Size: 10, Style: pdfBold, Top: 2, Bottom: 1}, 0.5, 0, nil)...)
	d.add(pdfRow{h: h + 2, draw: func(y float64) { d.drawing(dr, pdfMargin, y+1, k) }})
	tb := c.Chart.Table(doc.Format)
	d.table(&Table{Head: tb.Head, Rows: tb.Rows})
}

// rgb parses "#rrggbb"; ok is false for "" and anything else.
func rgb(s string) (r, g, b int, ok bool) {
	if len(s) != 7 || s[0] != '#' {
		return 0, 0, 0, false
	}
	var v [3]int
	for i := range 3 {
		for _, c := range s[1+2*i : 3+2*i] {
			switch {
			case c >= '0' && c <= '9':
				v[i] = v[i]*16 + int(c-'0')
			case c >= 'a' && c <= 'f':
				v[i] = v[i]*16 + int(c-'a'+10)
			case c >= 'A' && c <= 'F':
				v[i] = v[i]*16 + int(c-'A'+10)
			default:
				return 0, 0, 0, false
			}
		}
	}
	return v[0], v[1], v[2], true
}

// drawing draws dr with its top left at (x, y), k mm per unit.
func (d *pdfDoc) drawing(dr chart.Drawing, x, y, k float64) {
	f := d.f
	for _, s := range dr.Shapes {
		style := ""
		if r, g, b, ok := rgb(s.Fill); ok {
			f.SetFillColor(r, g, b)
			style += "F"
		}
		if r, g, b, ok := rgb(s.Stroke); ok && s.Op != chart.OpText {
			f.SetDrawColor(r, g, b)
			f.SetLineWidth(s.StrokeWidth * k)
			style = "D" + style
		}
		if s.FillOpacity > 0 {
			f.SetAlpha(s.FillOpacity, "Normal")
		}
		switch s.Op {
		case chart.OpRect:
			f.Rect(x+s.X*k, y+s.Y*k, s.W*k, s.H*k, style)
		case chart.OpLine:
			f.Line(x+s.X*k, y+s.Y*k, x+s.X2*k, y+s.Y2*k)
		case chart.OpCircle:
			f.Circle(x+s.X*k, y+s.Y*k, s.R*k, style)
		case chart.OpPath:
			pts := make([]gofpdf.PointType, len(s.Points))
			for i, p := range s.Points {
				pts[i] = gofpdf.PointType{X: x + p.X*k, Y: y + p.Y*k}
			}
			if s.Closed {
				f.Polygon(pts, style)
			} else {
				for i := 1; i < len(pts); i++ {
					f.Line(pts[i-1].X, pts[i-1].Y, pts[i].X, pts[i].Y)
				}
			}
		case chart.OpText:
			fs := pdfRegular
			if s.Bold {
				fs = pdfBold
			}
			f.SetFont(pdfFont, fs, s.Size*k*72/25.4)
			r, g, b, _ := rgb(s.Fill)
			f.SetTextColor(r, g, b)
			tx := x + s.X*k
			switch s.Anchor {
			case chart.Middle:
				tx -= f.GetStringWidth(s.Text) / 2
			case chart.End:
				tx -= f.GetStringWidth(s.Text)
			}
			f.Text(tx, y+s.Y*k, s.Text)
		}
		if s.FillOpacity > 0 {
			f.SetAlpha(1, "Normal")
		}
	}
}
