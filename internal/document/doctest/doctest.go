// Package doctest reads documents written by package document back as
// text, for tests: PDF with the extractor other tests use, and .docx
// from its XML. It checks on the way what a reader would notice: page
// numbers, text past the margin, XML that is not well-formed.
package doctest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/ledongthuc/pdf"
	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// rightMargin is the documents' right margin in points (12 mm).
const rightMargin = 34.0

// PDF is the text of a PDF.
type PDF struct {
	Text  string // without the page numbers, so text continued across pages reads as one
	Pages int
	// PageText is each page's text, without its number.
	PageText []string
}

// textWidth measures s in points in the embedded Go font named font.
func textWidth(tb testing.TB, font string, size float64, s []rune) float64 {
	tb.Helper()
	ttf := goregular.TTF
	if strings.HasSuffix(font, "goB") {
		ttf = gobold.TTF
	} else if strings.HasSuffix(font, "goI") {
		ttf = goitalic.TTF
	}
	f, err := sfnt.Parse(ttf) // cheap: it reads the tables lazily
	if err != nil {
		tb.Fatal(err)
	}
	var buf sfnt.Buffer
	em := fixed.I(int(f.UnitsPerEm()))
	w := fixed.Int26_6(0)
	for _, r := range s {
		i, _ := f.GlyphIndex(&buf, r)
		a, _ := f.GlyphAdvance(&buf, i, em, xfont.HintingNone)
		w += a
	}
	return float64(w) / float64(em) * size
}

// PDFText extracts a PDF's text, and checks that every page ends in its
// number "n / total" and that no text runs past the right margin.
func PDFText(tb testing.TB, b []byte) PDF {
	tb.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		tb.Fatal(err)
	}
	var text strings.Builder
	var pages []string
	for i := 1; i <= r.NumPage(); i++ {
		p := r.Page(i)
		s, err := p.GetPlainText(nil)
		if err != nil {
			tb.Fatalf("page %d: %v", i, err)
		}
		num := fmt.Sprintf("%d / %d", i, r.NumPage())
		if !strings.HasSuffix(s, num) {
			tb.Errorf("page %d does not end in its number %q", i, num)
		}
		text.WriteString(strings.TrimSuffix(s, num) + "\n")
		pages = append(pages, strings.TrimSuffix(s, num))
		// The extractor gives each glyph the start of its text run, and no
		// width: measure each run with the font's advances.
		right := mediaWidth(p) - rightMargin + 0.5
		var run []rune
		var start pdf.Text
		for j, c := range append(p.Content().Text, pdf.Text{}) {
			if j > 0 && (c.X != start.X || c.Y != start.Y || c.Font != start.Font) {
				if end := start.X + textWidth(tb, start.Font, start.FontSize, run); end > right {
					tb.Errorf("page %d: %q ends at %.1f pt, past the margin", i, string(run), end)
				}
				run = run[:0]
			}
			start, run = c, append(run, []rune(c.S)...)
		}
	}
	return PDF{text.String(), r.NumPage(), pages}
}

// mediaWidth is the width of page p in points, from its own MediaBox or
// its parent's.
func mediaWidth(p pdf.Page) float64 {
	for v := p.V; !v.IsNull(); v = v.Key("Parent") {
		if box := v.Key("MediaBox"); !box.IsNull() {
			return box.Index(2).Float64()
		}
	}
	return 595.28 // A4 portrait
}

// DOCX is a Word document read back.
type DOCX struct {
	Text  string            // the text of word/document.xml, a line per paragraph
	Parts map[string][]byte // every part by name
}

// DOCXText unzips a .docx, checks that every part is well-formed XML,
// and answers its text: the w:t of each paragraph of the body, with a
// newline after each paragraph.
func DOCXText(tb testing.TB, b []byte) DOCX {
	tb.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		tb.Fatalf("docx is not a zip: %v", err)
	}
	d := DOCX{Parts: map[string][]byte{}}
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			tb.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			tb.Fatal(err)
		}
		d.Parts[f.Name] = body
		text, err := xmlText(body)
		if err != nil {
			tb.Errorf("%s is not well-formed XML: %v", f.Name, err)
		}
		if f.Name == "word/document.xml" {
			d.Text = text
		}
	}
	if _, ok := d.Parts["word/document.xml"]; !ok {
		tb.Fatal("docx has no word/document.xml")
	}
	return d
}

// xmlText answers the text of the w:t elements of doc, a line per w:p.
func xmlText(doc []byte) (string, error) {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var b strings.Builder
	inT := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return b.String(), nil
		}
		if err != nil {
			return b.String(), err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			inT = tok.Name.Local == "t"
		case xml.EndElement:
			inT = false
			if tok.Name.Local == "p" {
				b.WriteString("\n")
			}
		case xml.CharData:
			if inT {
				b.Write(tok)
			}
		}
	}
}
