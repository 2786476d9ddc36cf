package document

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// The page in twentieths of a point (twips): A4, margins of 2 cm.
const (
	a4Short, a4Long = 11906, 16838
	docxMargin      = 1134
)

// docxLang is the language tag Word uses for spelling, per locale.
var docxLang = map[string]string{"nb": "nb-NO", "sv": "sv-SE", "da": "da-DK", "en": "en-GB"}

// WriteDOCX writes d to w as a Word document (Office Open XML): styles
// Title, Subtitle, Heading1 to Heading3, Note, Muted and List Bullet that
// a case-handling system can map to its own; tables whose heading row is
// marked to repeat on every page (w:tblHeader); page numbers "n / total"
// in the footer; the metadata in docProps/core.xml. A chart becomes its
// title, description and data table; Contents a TOC field (styles TOC
// Heading and toc 1 to toc 3) and PageBreak a page break.
//
// It returns the error of Validate or of writing to w.
func (d *Document) WriteDOCX(w io.Writer) error {
	if err := d.Validate(); err != nil {
		return err
	}
	var body bytes.Buffer
	pw, ph, orient := a4Short, a4Long, ""
	if d.Landscape {
		pw, ph, orient = a4Long, a4Short, ` w:orient="landscape"`
	}
	tw := pw - 2*docxMargin
	brk := false // a page break is due before the next block
	for i, b := range d.Blocks {
		if _, ok := b.(*PageBreak); ok {
			brk = body.Len() > 0 // none before the first block, nor twice
			continue
		}
		if brk {
			body.WriteString(`<w:p><w:r><w:br w:type="page"/></w:r></w:p>`)
			brk = false
		}
		switch b := b.(type) {
		case *Heading:
			color := ""
			if b.Accent {
				color = `<w:color w:val="006428"/>`
			}
			style := fmt.Sprintf("Heading%d", b.Level)
			if b.Level == 1 {
				style = "Title"
			}
			docxPara(&body, style, color, b.Text)
		case *Paragraph:
			style := map[Style]string{Body: "", Lead: "Subtitle", Small: "Note", Muted: "Muted"}[b.Style]
			for _, line := range lines(b.Text) {
				docxPara(&body, style, "", line)
			}
		case *List:
			for _, item := range b.Items {
				docxPara(&body, "ListBullet", "", item)
			}
		case *Table:
			docxTable(&body, b, tw)
		case *Columns:
			for start := 0; start < len(b.Heads); start += MaxColumns {
				end := min(start+MaxColumns, len(b.Heads))
				docxTable(&body, &Table{Head: b.Heads[start:end], Rows: [][]string{b.Texts[start:end]}}, tw)
			}
		case *Chart:
			tb := b.Chart.Table(d.Format)
			docxPara(&body, "Caption", "", b.Chart.Title)
			docxPara(&body, "", "", b.Chart.Description)
			docxTable(&body, &Table{Head: tb.Head, Rows: tb.Rows}, tw)
		case *Contents:
			var texts []string
			for _, h := range d.Blocks[i+1:] {
				if b.lists(h) {
					texts = append(texts, h.(*Heading).Text)
				}
			}
			docxContents(&body, b, texts)
		}
	}
	fmt.Fprintf(&body, `<w:sectPr><w:footerReference w:type="default" r:id="rFooter"/><w:pgSz w:w="%d" w:h="%d"%s/><w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr>`,
		pw, ph, orient, docxMargin, docxMargin, docxMargin, docxMargin)

	z := zip.NewWriter(w)
	lang := docxLang[d.Locale]
	if lang == "" {
		lang = "en-GB"
	}
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", rootRels},
		{"docProps/core.xml", d.coreXML(lang)},
		{"word/_rels/document.xml.rels", documentRels},
		{"word/document.xml", xml.Header + `<w:document ` + wNS + `><w:body>` + body.String() + `</w:body></w:document>`},
		{"word/styles.xml", strings.ReplaceAll(stylesXML, "LANG", lang)},
		{"word/numbering.xml", numberingXML},
		{"word/footer1.xml", footerXML},
	}
	for _, p := range parts {
		f, err := z.Create(p.name)
		if err != nil {
			return fmt.Errorf("document: docx: %w", err)
		}
		if _, err := io.WriteString(f, p.body); err != nil {
			return fmt.Errorf("document: docx: %w", err)
		}
	}
	if err := z.Close(); err != nil {
		return fmt.Errorf("document: docx: %w", err)
	}
	return nil
}

// esc escapes s as XML character data; characters XML cannot hold become
// U+FFFD.
func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder does not fail
	return b.String()
}

// lines splits s into its non-blank lines.
func lines(s string) []string {
	var out []string
	for l := range strings.SplitSeq(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"), "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// docxPara writes a paragraph in style (none: Normal) whose run has the
// properties rpr.
func docxPara(b *bytes.Buffer, style, rpr, text string) {
	b.WriteString("<w:p>")
	if style != "" {
		fmt.Fprintf(b, `<w:pPr><w:pStyle w:val="%s"/></w:pPr>`, style)
	}
	if text != "" {
		b.WriteString("<w:r>")
		if rpr != "" {
			b.WriteString("<w:rPr>" + rpr + "</w:rPr>")
		}
		fmt.Fprintf(b, `<w:t xml:space="preserve">%s</w:t></w:r>`, esc(text))
	}
	b.WriteString("</w:p>")
}

// docxContents writes c as its title and a TOC field over the headings
// of its level (Title for level 1), holding texts, the headings' texts,
// as its result until Word updates the field: a paragraph each, so the
// document reads right before Word has numbered its pages.
func docxContents(b *bytes.Buffer, c *Contents, texts []string) {
	if c.Title != "" {
		docxPara(b, "TOCHeading", "", c.Title)
	}
	l := c.level()
	instr := fmt.Sprintf(`TOC \o "%d-%d" \h \z`, l, l)
	if l == 1 {
		instr = `TOC \t "Title,1" \h \z`
	}
	if len(texts) == 0 {
		texts = []string{""}
	}
	for i, t := range texts {
		fmt.Fprintf(b, `<w:p><w:pPr><w:pStyle w:val="TOC%d"/></w:pPr>`, l)
		if i == 0 {
			fmt.Fprintf(b, `<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r><w:r><w:instrText xml:space="preserve"> %s </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>`, instr) // instr holds no markup
		}
		if t != "" {
			fmt.Fprintf(b, `<w:r><w:t xml:space="preserve">%s</w:t></w:r>`, esc(t))
		}
		if i == len(texts)-1 {
			b.WriteString(`<w:r><w:fldChar w:fldCharType="end"/></w:r>`)
		}
		b.WriteString("</w:p>")
	}
}

// docxTable writes t across width twips, its heading row repeated on
// every page and no row split from its heading.
func docxTable(b *bytes.Buffer, t *Table, width int) {
	ws := t.widths()
	cols := make([]int, len(ws))
	for i, w := range ws {
		cols[i] = int(math.Round(w * float64(width)))
	}
	fmt.Fprintf(b, `<w:tbl><w:tblPr><w:tblStyle w:val="DataTable"/><w:tblW w:w="%d" w:type="dxa"/><w:tblLayout w:type="fixed"/><w:tblLook w:val="0020" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>`, width)
	for _, c := range cols {
		fmt.Fprintf(b, `<w:gridCol w:w="%d"/>`, c)
	}
	b.WriteString("</w:tblGrid>")
	row := func(cells []string, head bool) {
		b.WriteString("<w:tr>")
		if head {
			b.WriteString("<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>")
		}
		for i, c := range cells {
			fmt.Fprintf(b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>`, cols[i])
			if head {
				b.WriteString(`<w:shd w:val="clear" w:color="auto" w:fill="EEEEEE"/>`)
			}
			b.WriteString("</w:tcPr>")
			rpr := ""
			if head {
				rpr = "<w:b/>"
			}
			ls := lines(c)
			if len(ls) == 0 {
				ls = []string{""}
			}
			for _, l := range ls {
				docxPara(b, "TableText", rpr, l)
			}
			b.WriteString("</w:tc>")
		}
		b.WriteString("</w:tr>")
	}
	row(t.Head, true)
	for _, r := range t.Rows {
		row(r, false)
	}
	b.WriteString("</w:tbl>")
	docxPara(b, "", "", "") // Word needs a paragraph between and after tables
}

// coreXML is the document's metadata.
func (d *Document) coreXML(lang string) string {
	created := d.Created
	if created.IsZero() {
		created = time.Unix(0, 0)
	}
	return xml.Header + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + esc(d.Title) + `</dc:title><dc:subject>` + esc(d.Subject) + `</dc:subject><dc:creator>` + esc(d.Author) + `</dc:creator>` +
		`<dc:language>` + lang + `</dc:language><dcterms:created xsi:type="dcterms:W3CDTF">` + created.UTC().Format(time.RFC3339) + `</dcterms:created>` +
		`</cp:coreProperties>`
}
