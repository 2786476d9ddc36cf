package document

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

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

// The page margins in millimetres; the bottom one leaves room for the
// page number.
const pdfMargin, pdfMarginLo = 12.0, 18.0

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

// paragraphs are the settings of the paragraph styles.
var paragraphs = map[Style]pdfText{
	Body:  {Size: 10, Bottom: 1.5},
	Lead:  {Size: 12, Style: pdfBold, Top: 1, Bottom: 0.5},
	Small: {Size: 8, Color: pdfGrey, Bottom: 3},
	Muted: {Size: 10, Style: pdfItalic, Color: pdfGrey, Bottom: 0.8},
}

// WritePDF writes d to w as an A4 PDF with the Go fonts embedded. Text
// wraps at spaces (inside a word only when the word is wider than a
// line) and continues on the next page; a heading is kept with the start
// of what follows; a table's heading row is repeated on every page it
// spans; every page ends in its number, "n / total".
//
// It returns the error of Validate, an error when the document cannot be
// generated, or the error of writing to w.
func (d *Document) WritePDF(w io.Writer) error {
	if err := d.Validate(); err != nil {
		return err
	}
	orient, pw, ph := "P", 210.0, 297.0
	if d.Landscape {
		orient, pw, ph = "L", 297.0, 210.0
	}
	f := gofpdf.New(orient, "mm", "A4", "")
	for _, t := range pdfTTF {
		// A copy for each document: gofpdf's subsetting appends padding
		// to slices of the font it is given (utf8FontFile.generateChecksum),
		// writing into the shared font when two PDFs are made at once.
		f.AddUTF8FontFromBytes(pdfFont, t.style, bytes.Clone(t.ttf))
	}
	f.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	f.SetCellMargin(0)           // text starts where the layout puts it
	f.SetAutoPageBreak(false, 0) // pages are laid out below, before drawing
	f.SetTitle(d.Title, true)
	f.SetSubject(d.Subject, true)
	f.SetAuthor(d.Author, true)
	f.SetCreator("Samvirke", true)
	// Resources in a fixed order (gofpdf writes its fonts in map order
	// otherwise): the same document makes the same bytes, which the
	// file store's deduplication by content relies on.
	f.SetCatalogSort(true)
	if !d.Created.IsZero() {
		f.SetCreationDate(d.Created)
		f.SetModificationDate(d.Created) // gofpdf writes now otherwise
	}
	if f.Err() {
		return fmt.Errorf("document: pdf fonts: %w", f.Error())
	}
	// A contents entry's page number is drawn after the layout, and its
	// lines wrap in the width left by the widest number: lay out again
	// when the pages outnumber that width (more than 99 pages).
	var p *pdfDoc
	for digits := 2; ; digits++ {
		p = d.layoutPDF(f, pw, ph, digits)
		if len(strconv.Itoa(len(p.pages))) <= digits {
			break
		}
	}
	p.draw()
	if err := f.Output(w); err != nil {
		return fmt.Errorf("document: pdf: %w", err)
	}
	return nil
}

// layoutPDF lays d's blocks out on pages of pw×ph mm, with contents
// entries that leave room for page numbers of up to digits digits.
func (d *Document) layoutPDF(f *gofpdf.Fpdf, pw, ph float64, digits int) *pdfDoc {
	p := &pdfDoc{f: f, pageH: ph, width: pw - 2*pdfMargin, height: ph - pdfMargin - pdfMarginLo, digits: digits}
	// The headings some Contents lists, by block index, each to learn the
	// page it lands on.
	marks := make([]*pdfMark, len(d.Blocks))
	for i, b := range d.Blocks {
		if c, ok := b.(*Contents); ok {
			for j := i + 1; j < len(d.Blocks); j++ {
				if c.lists(d.Blocks[j]) && marks[j] == nil {
					marks[j] = &pdfMark{}
				}
			}
		}
	}
	for i, b := range d.Blocks {
		switch b := b.(type) {
		case *Heading:
			p.pending = append(p.pending, p.heading(b, marks[i])...)
		case *Paragraph:
			p.add(p.text(b.Text, paragraphs[b.Style], 0.6, 0, nil)...)
		case *List:
			p.list(b)
		case *Table:
			p.table(b)
		case *Columns:
			for i, head := range b.Heads {
				p.pending = append(p.pending, p.heading(&Heading{Level: 3, Text: head, Accent: flag(b.Accent, i)}, nil)...)
				style := Body
				if flag(b.Muted, i) {
					style = Muted
				}
				p.add(p.text(b.Texts[i], paragraphs[style], 0.6, 0, nil)...)
			}
		case *Chart:
			p.chart(d, b)
		case *Contents:
			var entries []pdfEntry
			for j := i + 1; j < len(d.Blocks); j++ {
				if b.lists(d.Blocks[j]) {
					entries = append(entries, pdfEntry{d.Blocks[j].(*Heading).Text, marks[j]})
				}
			}
			p.contents(b.Title, entries)
		case *PageBreak:
			p.add() // the pending headings stay before the break
			p.brk = true
		}
	}
	p.add()
	return p
}

// pdfRow is a full-width row of known height, drawn with its top at y.
// When at is set, laying the row out records its page there.
type pdfRow struct {
	h    float64
	draw func(y float64)
	at   *pdfMark
}

// pdfMark is where a heading listed in the contents is printed: its page
// (from 1), known once laid out, and the internal link to it (0: none
// yet), made when either the heading or its entry is drawn.
type pdfMark struct{ page, link int }

// pdfEntry is a contents entry: the heading's text and where it lands.
type pdfEntry struct {
	text string
	at   *pdfMark
}

// pdfDoc lays rows out on pages first (a row that does not fit starts a
// new page), then draws them, so every page can carry the total page
// count.
type pdfDoc struct {
	f             *gofpdf.Fpdf
	pageH         float64
	width, height float64 // of a page's printable area, in mm
	pages         [][]pdfRow
	used          float64  // on the last page
	pending       []pdfRow // headings waiting to be kept with what follows
	brk           bool     // the next row starts a new page, unless at the top of one
	digits        int      // the most digits a page number has, for contents entries
}

func (d *pdfDoc) newPage() {
	d.pages = append(d.pages, nil)
	d.used = 0
}

// put adds rows, each on a new page when it does not fit on this one.
func (d *pdfDoc) put(rows ...pdfRow) {
	for _, r := range rows {
		if len(d.pages) == 0 || (d.used > 0 && (d.brk || d.used+r.h > d.height)) {
			d.newPage()
		}
		d.brk = false
		d.pages[len(d.pages)-1] = append(d.pages[len(d.pages)-1], r)
		d.used += r.h
		if r.at != nil {
			r.at.page = len(d.pages)
		}
	}
}

// keep starts a new page unless h more millimetres fit on this one (or a
// page break is due).
func (d *pdfDoc) keep(h float64) {
	if d.used > 0 && (d.brk || d.used+h > d.height) {
		d.newPage()
	}
}

// add adds rows after the pending headings, keeping these with the first
// row; with no rows it places the pending headings.
func (d *pdfDoc) add(rows ...pdfRow) {
	if len(d.pending) == 0 && len(rows) == 0 {
		return // nothing to place, nor a page to start for it
	}
	head := d.pending
	d.pending = nil
	h := 0.0
	for _, r := range head {
		h += r.h
	}
	if len(rows) > 0 {
		h += rows[0].h
	}
	d.keep(h)
	d.put(head...)
	d.put(rows...)
}

// draw draws the laid-out pages, each ending in its number.
func (d *pdfDoc) draw() {
	number := pdfText{Size: 8, Color: pdfGrey}
	if len(d.pages) == 0 {
		d.newPage()
	}
	for i, rows := range d.pages {
		d.f.AddPage()
		y := pdfMargin
		for _, r := range rows {
			r.draw(y)
			y += r.h
		}
		d.cell(pdfMargin, d.pageH-pdfMarginLo+4, d.width, number, fmt.Sprintf("%d / %d", i+1, len(d.pages)), "R")
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
func space(h float64) pdfRow { return pdfRow{h: h, draw: func(float64) {}} }

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
		rows = append(rows, pdfRow{h: h, draw: func(y float64) {
			if bg != nil {
				d.fill(y, h, bg)
			}
			d.cell(pdfMargin+left, y+top, d.width-left-p.Right, p, l, "L")
		}})
	}
	return rows
}

// heading lays out a heading: a title, a part on a coloured band after
// some space, or a sub-heading (in the accent colour when marked). A
// non-nil at learns the page of its first line, and is the destination
// of the link from its contents entry.
func (d *pdfDoc) heading(h *Heading, at *pdfMark) []pdfRow {
	var before, rows []pdfRow
	switch h.Level {
	case 1:
		rows = d.text(h.Text, pdfText{Size: 15, Style: pdfBold, Top: 2, Bottom: 1}, 0.5, 0, nil)
	case 2:
		before = []pdfRow{space(3)}
		rows = d.text(h.Text, pdfText{Size: 12, Style: pdfBold, Top: 1.5, Bottom: 1.5, Left: 2, Right: 2}, 0.5, 0, pdfBand)
	default:
		p := pdfText{Size: 10.5, Style: pdfBold, Top: 2.5, Bottom: 0.8}
		if h.Accent {
			p.Color = pdfGreen
		}
		rows = d.text(h.Text, p, 0.5, 0, nil)
	}
	if at != nil && len(rows) > 0 {
		first := rows[0].draw
		rows[0].at = at
		rows[0].draw = func(y float64) {
			first(y)
			d.f.SetLink(d.link(at), y, -1)
		}
	}
	return append(before, rows...)
}

// link answers the internal link of m, making it on first use.
func (d *pdfDoc) link(m *pdfMark) int {
	if m.link == 0 {
		m.link = d.f.AddLink()
	}
	return m.link
}

// list lays out a bullet list with hanging indents.
func (d *pdfDoc) list(l *List) {
	d.f.SetFont(pdfFont, pdfRegular, 10)
	bullet := d.f.GetStringWidth("• ")
	for _, item := range l.Items {
		d.add(d.text("• "+item, pdfText{Size: 10, Left: 4, Bottom: 0.8}, 0.6, bullet, nil)...)
	}
	d.add(space(1.5))
}

// contents lays out a table of contents: title, kept with the first
// entry, then each entry as its text wrapped beside a column as wide as
// the widest page number, with dot leaders from its last line to the
// number of the page it lists, read when drawn: by then every page is
// laid out. Each entry links to its heading.
func (d *pdfDoc) contents(title string, entries []pdfEntry) {
	if title != "" {
		d.pending = append(d.pending, d.text(title, pdfText{Size: 12, Style: pdfBold, Top: 1, Bottom: 2.5}, 0.5, 0, nil)...)
	}
	p := pdfText{Size: 10, Bottom: 1.6}
	d.f.SetFont(pdfFont, p.Style, p.Size)
	numW := d.f.GetStringWidth(strings.Repeat("0", d.digits))
	const gap = 4.0 // between text and number, in mm
	for _, e := range entries {
		rows := d.text(e.text, pdfText{Size: p.Size, Right: numW + gap}, 0.6, 0, nil)
		for k := range rows {
			row := rows[k].draw
			rows[k].draw = func(y float64) {
				row(y)
				d.f.Link(pdfMargin, y, d.width, rows[k].h, d.link(e.at))
			}
		}
		last := &rows[len(rows)-1]
		lines := d.wrap(e.text, p, d.width-numW-gap)
		text, line := last.draw, ""
		if len(lines) > 0 {
			line = lines[len(lines)-1]
		}
		last.h += p.Bottom
		last.draw = func(y float64) {
			text(y)
			d.cell(pdfMargin+d.width-numW, y, numW, p, strconv.Itoa(e.at.page), "R")
			// The dots keep to a grid ending before the numbers' column,
			// so that they line up from entry to entry.
			const pitch = 1.3
			to := pdfMargin + d.width - numW - 1.5
			from := to - math.Floor((to-pdfMargin-d.f.GetStringWidth(line)-1.5)/pitch)*pitch
			if to > from {
				base := y + p.lineHeight()*0.78
				d.f.SetDrawColor(pdfGrey.r, pdfGrey.g, pdfGrey.b)
				d.f.SetLineWidth(0.3)
				d.f.SetLineCapStyle("round")
				d.f.SetDashPattern([]float64{0, 1.3}, 0)
				d.f.Line(from, base, to, base)
				d.f.SetDashPattern(nil, 0)
				d.f.SetLineCapStyle("butt")
			}
		}
		d.add(rows...)
	}
	d.add(space(2))
}
