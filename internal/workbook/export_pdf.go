package workbook

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/config"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/consts/orientation"
	"github.com/johnfercher/maroto/v2/pkg/consts/pagesize"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/props"
	"github.com/johnfercher/maroto/v2/pkg/repository"
	"github.com/phpdave11/gofpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
)

// pdfFont is the family name of the embedded Go fonts, which cover Latin-1
// and Latin Extended-A (æøå ÆØÅ äö «» § and more), so the letters of the
// Scandinavian languages render and can be extracted again as text.
const pdfFont = "go"

var (
	pdfGrey  = &props.Color{Red: 90, Green: 90, Blue: 90}
	pdfGreen = &props.Color{Red: 0, Green: 100, Blue: 40}
	pdfBand  = &props.Color{Red: 228, Green: 234, Blue: 242}
	pdfLight = &props.Color{Red: 238, Green: 238, Blue: 238}
	pdfTTF   = []struct {
		style fontstyle.Type
		ttf   []byte
	}{{fontstyle.Normal, goregular.TTF}, {fontstyle.Bold, gobold.TTF}, {fontstyle.Italic, goitalic.TTF}}
)

// WritePDF writes the gathering view as a printable A4 landscape PDF to w:
// a title with the network, chapter, gathering and statement; the
// statement's guidance and guiding questions; per section, each
// municipality's answer under its name (marked in words when it is good
// practice); then each municipality's goals and measures as tables. Pages
// are numbered; long texts wrap and continue on the next page, and a
// heading is kept with the text that follows it. texts translates the
// fixed texts (see ExportTexts), date formats dates, and now is the
// generation time printed on the first page.
//
// It returns an error when the view has no statement, when the document
// cannot be generated, or the error of writing to w.
func (v *GatheringView) WritePDF(w io.Writer, texts ExportTexts, date FormatDate, now time.Time) error {
	if v == nil || v.Statement == nil {
		return errNoStatement
	}
	e := newExportEnv(texts, date, now)
	fonts := repository.New()
	// maroto's lines are measured with gofpdf, the library that draws them,
	// so that each line wrapped here is printed as exactly one line.
	meas := gofpdf.New("L", "mm", "A4", "")
	for _, f := range pdfTTF {
		fonts = fonts.AddUTF8FontFromBytes(pdfFont, f.style, f.ttf)
		meas.AddUTF8FontFromBytes(pdfFont, string(f.style), f.ttf)
	}
	loaded, err := fonts.Load()
	if err != nil || meas.Err() {
		return fmt.Errorf("workbook: pdf fonts: %w", errors.Join(err, meas.Error()))
	}
	cfg := config.NewBuilder().
		WithPageSize(pagesize.A4).
		WithOrientation(orientation.Horizontal).
		WithLeftMargin(12).WithRightMargin(12).WithTopMargin(12).
		WithCustomFonts(loaded).
		WithDefaultFont(&props.Font{Family: pdfFont, Style: fontstyle.Normal, Size: 10}).
		WithPageNumber(props.PageNumber{Pattern: "{current} / {total}", Place: props.RightBottom, Family: pdfFont, Size: 8, Color: pdfGrey}).
		WithTitle(v.Statement.Title, true).
		WithSubject(subtitle(v), true).
		WithCreationDate(now).
		WithSequentialMode().
		Build()
	d := &pdfDoc{m: maroto.New(cfg), meas: meas,
		width:  cfg.Dimensions.Width - cfg.Margins.Left - cfg.Margins.Right,
		height: cfg.Dimensions.Height - cfg.Margins.Top - cfg.Margins.Bottom}
	v.pdfTitle(d, e)
	for _, sec := range v.Sections {
		v.pdfSection(d, e, sec)
	}
	v.pdfGoals(d, e)
	v.pdfMeasures(d, e)
	doc, err := d.m.Generate()
	if err != nil {
		return fmt.Errorf("workbook: pdf: %w", err)
	}
	if _, err := w.Write(doc.GetBytes()); err != nil {
		return fmt.Errorf("workbook: pdf: %w", err)
	}
	return nil
}

// pdfRow is a row of known height.
type pdfRow struct {
	row core.Row
	h   float64
}

// pdfDoc lays rows out on pages as maroto does (a row that does not fit
// starts a new page), keeping count of the space used on the current page
// so that headings can be kept with what follows them.
type pdfDoc struct {
	m             core.Maroto
	meas          *gofpdf.Fpdf
	width, height float64 // of a page's printable area, in mm
	used          float64
}

func (d *pdfDoc) add(rows ...pdfRow) {
	for _, r := range rows {
		if d.used+r.h > d.height {
			d.used = 0
		}
		d.used += r.h
		d.m.AddRows(r.row)
	}
}

// keep starts a new page unless h more millimetres fit on this one.
func (d *pdfDoc) keep(h float64) {
	if d.used > 0 && d.used+h > d.height {
		if space := d.height - d.used - 0.01; space > 0 {
			d.m.AddRows(row.New(space))
		}
		d.used = d.height
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

// wrap breaks s into lines no wider than width mm in the font of p, at
// spaces, and inside words only when a word alone is wider than a line.
// Every line of s starts a new line; blank lines are dropped.
func (d *pdfDoc) wrap(s string, p props.Text, width float64) []string {
	d.meas.SetFont(pdfFont, string(p.Style), p.Size)
	fits := func(s string) bool { return d.meas.GetStringWidth(s) <= width-0.2 }
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

// lineHeight is the height of one line of text in p's size, in mm.
func lineHeight(p props.Text) float64 { return p.Size * 25.4 / 72 }

// text lays s out across the page as one row per line; p.Top and
// p.Bottom space the paragraph, gap the lines, and indent lines after
// the first (a hanging indent).
func (d *pdfDoc) text(s string, p props.Text, gap, indent float64, bg *props.Color) []pdfRow {
	p.Family = pdfFont
	lines := d.wrap(s, p, d.width-p.Left-p.Right-indent)
	var rows []pdfRow
	for i, l := range lines {
		q := p
		q.Top, q.Bottom = 0, gap
		if i == 0 {
			q.Top = p.Top
		} else {
			q.Left += indent
		}
		if i == len(lines)-1 {
			q.Bottom = p.Bottom
		}
		h := lineHeight(q) + q.Top + q.Bottom
		r := row.New(h).Add(text.NewCol(12, l, q))
		if bg != nil {
			r.WithStyle(&props.Cell{BackgroundColor: bg})
		}
		rows = append(rows, pdfRow{r, h})
	}
	return rows
}

func (v *GatheringView) pdfTitle(d *pdfDoc, e exportEnv) {
	d.add(d.text(e.t("workbook.export.title"), props.Text{Size: 9, Color: pdfGrey}, 0, 0, nil)...)
	d.add(d.text(subtitle(v), props.Text{Size: 12, Style: fontstyle.Bold, Top: 1}, 0.5, 0, nil)...)
	d.add(d.text(v.Statement.Title, props.Text{Size: 15, Style: fontstyle.Bold, Top: 2, Bottom: 1}, 0.5, 0, nil)...)
	d.add(d.text(e.generated(), props.Text{Size: 8, Color: pdfGrey, Bottom: 3}, 0, 0, nil)...)
	d.add(d.text(v.Statement.Guidance, props.Text{Size: 10, Bottom: 1.5}, 0.6, 0, nil)...)
	bullet := d.meas.GetStringWidth("• ")
	for _, q := range v.Statement.Questions {
		d.add(d.text("• "+q, props.Text{Size: 10, Left: 4, Bottom: 0.8}, 0.6, bullet, nil)...)
	}
	d.add(pdfRow{row.New(4), 4})
}

// heading is a section heading on a coloured band, after some space.
func (d *pdfDoc) heading(s string) []pdfRow {
	band := d.text(s, props.Text{Size: 12, Style: fontstyle.Bold, Top: 1.5, Bottom: 1.5, Left: 2, Right: 2}, 0.5, 0, pdfBand)
	return append([]pdfRow{{row.New(3), 3}}, band...)
}

// municipality is a municipality's sub-heading, with the good-practice
// mark in words (and in colour as well).
func (d *pdfDoc) municipality(e exportEnv, c *GatheringColumn) []pdfRow {
	p := props.Text{Size: 10.5, Style: fontstyle.Bold, Top: 2.5, Bottom: 0.8}
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
		body := d.text(c.Answers[sec.Key], props.Text{Size: 10, Bottom: 0.8}, 0.6, 0, nil)
		if len(body) == 0 {
			body = d.text(e.t("workbook.export.no_answer"), props.Text{Size: 10, Style: fontstyle.Italic, Color: pdfGrey}, 0, 0, nil)
		}
		d.addKept(head, body)
		head = nil
	}
	d.add(head...)
}

// pdfTables lays out, under the heading title, a table for each
// municipality with rows, headed by heads over the grid sizes.
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
	v.pdfTables(d, e, e.t("workbook.export.goals"), []int{4, 2, 1, 1, 1, 1, 2}, e.goalHeads(), func(c *GatheringColumn) (rows [][]any) {
		for i := range c.Goals {
			rows = append(rows, e.goalCells(&c.Goals[i]))
		}
		return rows
	})
}

func (v *GatheringView) pdfMeasures(d *pdfDoc, e exportEnv) {
	v.pdfTables(d, e, e.t("workbook.export.measures"), []int{5, 2, 2, 1, 2}, e.measureHeads(), func(c *GatheringColumn) (rows [][]any) {
		for i := range c.Measures {
			rows = append(rows, e.measureCells(&c.Measures[i]))
		}
		return rows
	})
}

// table is one table row over the grid sizes, as one page row per line
// so that a long cell continues on the next page. A heading row (bg set)
// is shaded and bold; a data row ends in a thin rule.
func (d *pdfDoc) table(sizes []int, bg *props.Color, cells ...string) []pdfRow {
	p := props.Text{Family: pdfFont, Size: 8.5, Left: 1, Right: 1}
	if bg != nil {
		p.Style = fontstyle.Bold
	}
	lines := make([][]string, len(cells))
	n := 1
	for i, c := range cells {
		lines[i] = d.wrap(c, p, d.width*float64(sizes[i])/12-p.Left-p.Right)
		n = max(n, len(lines[i]))
	}
	var rows []pdfRow
	for k := range n {
		q := p
		q.Top, q.Bottom = 0, 0.4
		if k == 0 {
			q.Top = 0.8
		}
		if k == n-1 {
			q.Bottom = 0.8
		}
		h := lineHeight(q) + q.Top + q.Bottom
		r := row.New(h)
		for i := range cells {
			if k < len(lines[i]) {
				r.Add(text.NewCol(sizes[i], lines[i][k], q))
			} else {
				r.Add(col.New(sizes[i]))
			}
		}
		if bg != nil {
			r.WithStyle(&props.Cell{BackgroundColor: bg})
		}
		rows = append(rows, pdfRow{r, h})
	}
	if bg == nil {
		rows = append(rows, pdfRow{row.New(0.3).Add(col.New(12)).WithStyle(&props.Cell{BackgroundColor: pdfLight}), 0.3})
	}
	return rows
}
