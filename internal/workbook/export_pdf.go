package workbook

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/phpdave11/gofpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
)

// pdfFont is the family name of the embedded Go fonts, which cover Latin-1
// and Latin Extended-A (æøå ÆØÅ äö «» § and more), so the letters of the
// Scandinavian languages render and can be extracted again as text.
const pdfFont = "go"

// Font styles, as gofpdf names them.
const (
	pdfRegular = ""
	pdfBold    = "B"
	pdfItalic  = "I"
)

// The page: A4 landscape, in millimetres. The bottom margin leaves room
// for the page number.
const (
	pdfPageW, pdfPageH     = 297.0, 210.0
	pdfMargin, pdfMarginLo = 12.0, 18.0
)

// pdfColor is an RGB colour; the zero value is black.
type pdfColor struct{ r, g, b int }

var (
	pdfGrey  = pdfColor{90, 90, 90}
	pdfGreen = pdfColor{0, 100, 40}
	pdfBand  = &pdfColor{228, 234, 242}
	pdfLight = &pdfColor{238, 238, 238}
	pdfTTF   = []struct {
		style string
		ttf   []byte
	}{{pdfRegular, goregular.TTF}, {pdfBold, gobold.TTF}, {pdfItalic, goitalic.TTF}}
)

// pdfText is how a paragraph or cell is set: font size in points, style,
// colour, and the space around it in millimetres.
type pdfText struct {
	Size                     float64
	Style                    string
	Color                    pdfColor
	Top, Bottom, Left, Right float64
}

// lineHeight is the height of one line of text in p's size, in mm.
func (p pdfText) lineHeight() float64 { return p.Size * 25.4 / 72 }

// WritePDF writes the gathering view as a printable A4 landscape PDF to w:
// a title with the network, chapter, gathering and statement; the
// statement's guidance and guiding questions; per section, each
// municipality's answer under its name (marked in words when it is good
// practice); then each municipality's goals and measures as tables. Pages
// are numbered "n / total"; long texts wrap and continue on the next page,
// and a heading is kept with the text that follows it. texts translates
// the fixed texts (see ExportTexts), date formats dates, and now is the
// generation time printed on the first page.
//
// It returns an error when the view has no statement, when the document
// cannot be generated, or the error of writing to w.
func (v *GatheringView) WritePDF(w io.Writer, texts ExportTexts, date FormatDate, now time.Time) error {
	if v == nil || v.Statement == nil {
		return errNoStatement
	}
	e := newExportEnv(texts, date, now)
	f := gofpdf.New("L", "mm", "A4", "")
	for _, t := range pdfTTF {
		f.AddUTF8FontFromBytes(pdfFont, t.style, t.ttf)
	}
	f.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	f.SetCellMargin(0)           // text starts where the layout puts it
	f.SetAutoPageBreak(false, 0) // pages are laid out below, before drawing
	f.SetTitle(v.Statement.Title, true)
	f.SetSubject(subtitle(v), true)
	f.SetCreator("Samvirke", true)
	f.SetCreationDate(now)
	if f.Err() {
		return fmt.Errorf("workbook: pdf fonts: %w", f.Error())
	}
	d := &pdfDoc{f: f, width: pdfPageW - 2*pdfMargin, height: pdfPageH - pdfMargin - pdfMarginLo}
	v.pdfTitle(d, e)
	for _, sec := range v.Sections {
		v.pdfSection(d, e, sec)
	}
	v.pdfGoals(d, e)
	v.pdfMeasures(d, e)
	d.draw()
	if err := f.Output(w); err != nil {
		return fmt.Errorf("workbook: pdf: %w", err)
	}
	return nil
}

// pdfRow is a full-width row of known height, drawn with its top at y.
type pdfRow struct {
	h    float64
	draw func(y float64)
}

// pdfDoc lays rows out on pages first (a row that does not fit starts a
// new page, and a heading can be kept with what follows it), then draws
// them, so every page can carry the total page count.
type pdfDoc struct {
	f             *gofpdf.Fpdf
	width, height float64 // of a page's printable area, in mm
	pages         [][]pdfRow
	used          float64 // on the last page
}

func (d *pdfDoc) newPage() {
	d.pages = append(d.pages, nil)
	d.used = 0
}

func (d *pdfDoc) add(rows ...pdfRow) {
	for _, r := range rows {
		if len(d.pages) == 0 || (d.used > 0 && d.used+r.h > d.height) {
			d.newPage()
		}
		d.pages[len(d.pages)-1] = append(d.pages[len(d.pages)-1], r)
		d.used += r.h
	}
}

// keep starts a new page unless h more millimetres fit on this one.
func (d *pdfDoc) keep(h float64) {
	if d.used > 0 && d.used+h > d.height {
		d.newPage()
	}
}

// addKept adds head and rest, keeping head with rest's first row.
func (d *pdfDoc) addKept(head, rest []pdfRow) {
	h := 0.0
	for _, r := range head {
		h += r.h
	}
	if len(rest) > 0 {
		h += rest[0].h
	}
	d.keep(h)
	d.add(head...)
	d.add(rest...)
}

// draw draws the laid-out pages, each ending in its number.
func (d *pdfDoc) draw() {
	number := pdfText{Size: 8, Color: pdfGrey}
	for i, rows := range d.pages {
		d.f.AddPage()
		y := pdfMargin
		for _, r := range rows {
			r.draw(y)
			y += r.h
		}
		d.cell(pdfMargin, pdfPageH-pdfMarginLo+4, d.width, number, fmt.Sprintf("%d / %d", i+1, len(d.pages)), "R")
	}
}

// cell writes one line of s at (x, y) within width w, aligned "L" or "R".
func (d *pdfDoc) cell(x, y, w float64, p pdfText, s, align string) {
	d.f.SetFont(pdfFont, p.Style, p.Size)
	d.f.SetTextColor(p.Color.r, p.Color.g, p.Color.b)
	d.f.SetXY(x, y)
	d.f.CellFormat(w, p.lineHeight(), s, "", 0, align, false, 0, "")
}

// fill shades a full-width band of height h at y.
func (d *pdfDoc) fill(y, h float64, c *pdfColor) {
	d.f.SetFillColor(c.r, c.g, c.b)
	d.f.Rect(pdfMargin, y, d.width, h, "F")
}

// space is an empty row of height h.
func space(h float64) pdfRow { return pdfRow{h, func(float64) {}} }

// wrap breaks s into lines no wider than width mm in the font of p, at
// spaces, and inside words only when a word alone is wider than a line.
// Every line of s starts a new line; blank lines are dropped.
func (d *pdfDoc) wrap(s string, p pdfText, width float64) []string {
	d.f.SetFont(pdfFont, p.Style, p.Size)
	fits := func(s string) bool { return d.f.GetStringWidth(s) <= width-0.2 }
	var lines []string
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	for _, para := range strings.Split(s, "\n") {
		cur := ""
		for _, word := range strings.Fields(para) {
			if cur != "" && fits(cur+" "+word) {
				cur += " " + word
				continue
			}
			if cur != "" {
				lines = append(lines, cur)
			}
			cur = ""
			for _, r := range word {
				if cur != "" && !fits(cur+string(r)) {
					lines = append(lines, cur)
					cur = ""
				}
				cur += string(r)
			}
		}
		if cur != "" {
			lines = append(lines, cur)
		}
	}
	return lines
}

// text lays s out across the page as one row per line; p.Top and
// p.Bottom space the paragraph, gap the lines, and indent lines after
// the first (a hanging indent). A non-nil bg shades the rows.
func (d *pdfDoc) text(s string, p pdfText, gap, indent float64, bg *pdfColor) []pdfRow {
	lines := d.wrap(s, p, d.width-p.Left-p.Right-indent)
	var rows []pdfRow
	for i, l := range lines {
		top, bottom, left := 0.0, gap, p.Left
		if i == 0 {
			top = p.Top
		} else {
			left += indent
		}
		if i == len(lines)-1 {
			bottom = p.Bottom
		}
		h := p.lineHeight() + top + bottom
		rows = append(rows, pdfRow{h, func(y float64) {
			if bg != nil {
				d.fill(y, h, bg)
			}
			d.cell(pdfMargin+left, y+top, d.width-left-p.Right, p, l, "L")
		}})
	}
	return rows
}

func (v *GatheringView) pdfTitle(d *pdfDoc, e exportEnv) {
	d.add(d.text(e.t("workbook.export.title"), pdfText{Size: 9, Color: pdfGrey}, 0, 0, nil)...)
	d.add(d.text(subtitle(v), pdfText{Size: 12, Style: pdfBold, Top: 1}, 0.5, 0, nil)...)
	d.add(d.text(v.Statement.Title, pdfText{Size: 15, Style: pdfBold, Top: 2, Bottom: 1}, 0.5, 0, nil)...)
	d.add(d.text(e.generated(), pdfText{Size: 8, Color: pdfGrey, Bottom: 3}, 0, 0, nil)...)
	d.add(d.text(v.Statement.Guidance, pdfText{Size: 10, Bottom: 1.5}, 0.6, 0, nil)...)
	d.f.SetFont(pdfFont, pdfRegular, 10)
	bullet := d.f.GetStringWidth("• ")
	for _, q := range v.Statement.Questions {
		d.add(d.text("• "+q, pdfText{Size: 10, Left: 4, Bottom: 0.8}, 0.6, bullet, nil)...)
	}
	d.add(space(4))
}

// heading is a section heading on a coloured band, after some space.
func (d *pdfDoc) heading(s string) []pdfRow {
	band := d.text(s, pdfText{Size: 12, Style: pdfBold, Top: 1.5, Bottom: 1.5, Left: 2, Right: 2}, 0.5, 0, pdfBand)
	return append([]pdfRow{space(3)}, band...)
}

// municipality is a municipality's sub-heading, with the good-practice
// mark in words (and in colour as well).
func (d *pdfDoc) municipality(e exportEnv, c *GatheringColumn) []pdfRow {
	p := pdfText{Size: 10.5, Style: pdfBold, Top: 2.5, Bottom: 0.8}
	if c.GoodPractice {
		p.Color = pdfGreen
	}
	return d.text(e.municipality(c), p, 0.5, 0, nil)
}

func (v *GatheringView) pdfSection(d *pdfDoc, e exportEnv, sec *Section) {
	head := d.heading(sec.Title)
	for i := range v.Columns {
		c := &v.Columns[i]
		head = append(head, d.municipality(e, c)...)
		body := d.text(c.Answers[sec.Key], pdfText{Size: 10, Bottom: 0.8}, 0.6, 0, nil)
		if len(body) == 0 {
			body = d.text(e.t("workbook.export.no_answer"), pdfText{Size: 10, Style: pdfItalic, Color: pdfGrey}, 0, 0, nil)
		}
		d.addKept(head, body)
		head = nil
	}
	d.add(head...)
}

// pdfTables lays out, under the heading title, a table for each
// municipality with rows, headed by heads over the column widths sizes
// (in twelfths of the page).
func (v *GatheringView) pdfTables(d *pdfDoc, e exportEnv, title string, sizes []int, heads []string, rows func(*GatheringColumn) [][]any) {
	titled := false
	for i := range v.Columns {
		c := &v.Columns[i]
		cells := rows(c)
		if len(cells) == 0 {
			continue
		}
		var head, body []pdfRow
		if !titled {
			head, titled = d.heading(title), true
		}
		head = append(head, d.municipality(e, c)...)
		head = append(head, d.table(sizes, pdfLight, heads...)...)
		for _, r := range cells {
			texts := make([]string, len(r))
			for j, x := range r {
				texts[j] = e.text(x)
			}
			body = append(body, d.table(sizes, nil, texts...)...)
		}
		d.addKept(head, body)
	}
}

func (v *GatheringView) pdfGoals(d *pdfDoc, e exportEnv) {
	v.pdfTables(d, e, e.t("workbook.export.goals"), []int{4, 2, 1, 1, 1, 1, 2}, e.goalHeads(), e.goalRows)
}

func (v *GatheringView) pdfMeasures(d *pdfDoc, e exportEnv) {
	v.pdfTables(d, e, e.t("workbook.export.measures"), []int{5, 2, 2, 1, 2}, e.measureHeads(), e.measureRows)
}

// table is one table row over the column widths sizes (in twelfths of the
// page), as one page row per line so that a long cell continues on the
// next page. A heading row (bg set) is shaded and bold; a data row ends in
// a thin rule.
func (d *pdfDoc) table(sizes []int, bg *pdfColor, cells ...string) []pdfRow {
	p := pdfText{Size: 8.5, Left: 1, Right: 1}
	if bg != nil {
		p.Style = pdfBold
	}
	xs := make([]float64, len(cells)+1) // column edges from the left margin
	lines := make([][]string, len(cells))
	n := 1
	for i, c := range cells {
		xs[i+1] = xs[i] + d.width*float64(sizes[i])/12
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
		rows = append(rows, pdfRow{h, func(y float64) {
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
		rows = append(rows, pdfRow{0.3, func(y float64) { d.fill(y, 0.3, pdfLight) }})
	}
	return rows
}
