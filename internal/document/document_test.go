package document

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"path"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"

	"github.com/samvirke/samvirke/internal/chart"
	"github.com/samvirke/samvirke/internal/document/doctest"
)

const nordic = "Økt måloppnåelse etter § 37; «Språk først» for ÆØÅ-kurset, Västerås"

// sample is a document with every kind of block and a table long enough
// to span several pages.
func sample(rows int) *Document {
	d := &Document{Title: "Samlingsoversikt", Subject: "Kapittel 2", Author: "Samvirke", Locale: "nb",
		Created: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC), Landscape: true, Format: chart.Format{Locale: "nb"}}
	d.Add(&Heading{Level: 1, Text: "Gjennomgående problemstilling A"},
		&Paragraph{Text: "Læringsnettverk Bosetting", Style: Lead},
		&Paragraph{Text: "Oprettet 24.11.2026", Style: Small},
		&Paragraph{Text: nordic + "\n\nAndre linje"},
		&List{Items: []string{"Hvordan kartlegge?", "Hvem har «ansvaret»?"}},
		&Heading{Level: 2, Text: "Tiltak"},
		&Heading{Level: 3, Text: "Åfjord kommune (God praksis)", Accent: true},
		&Paragraph{Text: "Ikke besvart", Style: Muted})
	t := &Table{Head: []string{"Kolonnehode tiltak", "Ansvarlig", "Utgangsverdi"}, Widths: []float64{5, 2, 1}}
	for i := range rows {
		t.Rows = append(t.Rows, []string{fmt.Sprintf("Tiltak nummer %d på Åfjordbrygga", i+1), "Kjøkkensjef Åse Øyen", "42,5"})
	}
	d.Add(t, &Chart{Chart: &chart.Chart{Kind: chart.Bar, Title: "Bosatte per år", Description: "Flere bosatte hvert år",
		LabelHeading: "År", Labels: []string{"2023", "2024"}, Series: []chart.Series{{Name: "Bosatt", Values: []float64{12.5, 40}}}}})
	return d
}

func TestWritePDF(t *testing.T) {
	d := sample(120)
	var buf bytes.Buffer
	if err := d.WritePDF(&buf); err != nil {
		t.Fatal(err)
	}
	got := doctest.PDFText(t, buf.Bytes())
	t.Run("TextSurvives", func(t *testing.T) {
		for _, want := range []string{nordic, "Hvem har «ansvaret»?", "Åfjord kommune (God praksis)", "Tiltak nummer 120 på Åfjordbrygga", "Bosatte per år", "12,5"} {
			if !strings.Contains(got.Text, want) {
				t.Errorf("PDF lacks %q", want)
			}
		}
	})
	t.Run("TableHeadRepeatedOnEveryPage", func(t *testing.T) {
		if got.Pages < 3 {
			t.Fatalf("pages = %d, want the table to span at least 3", got.Pages)
		}
		first := -1
		for i, p := range got.PageText {
			if strings.Contains(p, "Tiltak nummer 1 på") {
				first = i
			}
			if first >= 0 && strings.Contains(p, "Tiltak nummer") && !strings.Contains(p, "Kolonnehode tiltak") {
				t.Errorf("page %d continues the table without its heading row", i+1)
			}
		}
	})
}

func TestWriteDOCX(t *testing.T) {
	d := sample(3)
	var buf bytes.Buffer
	if err := d.WriteDOCX(&buf); err != nil {
		t.Fatal(err)
	}
	got := doctest.DOCXText(t, buf.Bytes())
	doc := string(got.Parts["word/document.xml"])
	t.Run("TextSurvives", func(t *testing.T) {
		for _, want := range []string{nordic + "\n", "\nAndre linje\n", "Hvem har «ansvaret»?\n", "Tiltak nummer 3 på Åfjordbrygga\n", "Bosatte per år\n", "12,5\n"} {
			if !strings.Contains(got.Text, want) {
				t.Errorf("docx lacks %q", want)
			}
		}
	})
	t.Run("EveryPartDeclared", func(t *testing.T) {
		types := string(got.Parts["[Content_Types].xml"])
		for name := range got.Parts {
			if path.Ext(name) == ".xml" && name != "[Content_Types].xml" && !strings.Contains(types, `PartName="/`+name+`"`) {
				t.Errorf("[Content_Types].xml does not declare %s", name)
			}
		}
		for _, rels := range []struct{ file, dir string }{{"_rels/.rels", ""}, {"word/_rels/document.xml.rels", "word/"}} {
			for _, m := range regexp.MustCompile(`Target="([^"]+)"`).FindAllStringSubmatch(string(got.Parts[rels.file]), -1) {
				if _, ok := got.Parts[rels.dir+m[1]]; !ok {
					t.Errorf("%s points to %s, which is missing", rels.file, m[1])
				}
			}
		}
	})
	t.Run("Styles", func(t *testing.T) {
		styles := string(got.Parts["word/styles.xml"])
		for _, id := range []string{"Title", "Heading1", "Heading2", "Heading3", "ListBullet", "DataTable"} {
			if !strings.Contains(styles, `w:styleId="`+id+`"`) {
				t.Errorf("styles lack %s", id)
			}
		}
		for _, id := range []string{"Title", "Heading2", "Heading3", "ListBullet", "Muted", "Note", "Subtitle"} {
			if !strings.Contains(doc, `<w:pStyle w:val="`+id+`"/>`) {
				t.Errorf("document does not use %s", id)
			}
		}
		if !strings.Contains(styles, `w:lang w:val="nb-NO"`) {
			t.Error("language is not nb-NO")
		}
	})
	t.Run("TableHeaderRepeats", func(t *testing.T) {
		// Two tables (the data and the chart's), each with one heading row.
		if n := strings.Count(doc, "<w:tblHeader/>"); n != 2 {
			t.Errorf("%d rows marked as heading rows, want 2", n)
		}
		var tbl struct {
			Rows []struct {
				Head *struct{} `xml:"trPr>tblHeader"`
			} `xml:"tr"`
		}
		i := strings.Index(doc, "<w:tbl>")
		j := strings.Index(doc, "</w:tbl>")
		if err := xml.Unmarshal([]byte(`<w:tbl `+wNS+doc[i+len("<w:tbl"):j+len("</w:tbl>")]), &tbl); err != nil {
			t.Fatal(err)
		}
		if len(tbl.Rows) != 4 || tbl.Rows[0].Head == nil || tbl.Rows[1].Head != nil {
			t.Errorf("first table: %d rows, want a heading row then 3 rows", len(tbl.Rows))
		}
	})
	t.Run("LandscapeAndMetadata", func(t *testing.T) {
		if !strings.Contains(doc, `w:orient="landscape"`) {
			t.Error("page is not landscape")
		}
		if core := string(got.Parts["docProps/core.xml"]); !strings.Contains(core, "<dc:title>Samlingsoversikt</dc:title>") || !strings.Contains(core, "2026-11-24T10:00:00Z") {
			t.Errorf("core properties: %s", core)
		}
		if !strings.Contains(string(got.Parts["word/footer1.xml"]), " NUMPAGES ") {
			t.Error("footer has no page count")
		}
	})
}

func TestWriteDOCXEscapes(t *testing.T) {
	d := (&Document{}).Add(&Paragraph{Text: "a < b & c > d \x01 </w:t>"})
	var buf bytes.Buffer
	if err := d.WriteDOCX(&buf); err != nil {
		t.Fatal(err)
	}
	if got := doctest.DOCXText(t, buf.Bytes()).Text; got != "a < b & c > d \uFFFD </w:t>\n" {
		t.Errorf("text = %q", got)
	}
}

func TestValidate(t *testing.T) {
	for name, b := range map[string]Block{
		"HeadingLevel": &Heading{Level: 4, Text: "x"},
		"NoHead":       &Table{Rows: [][]string{{"a"}}},
		"RowLength":    &Table{Head: []string{"a", "b"}, Rows: [][]string{{"a"}}},
		"Widths":       &Table{Head: []string{"a"}, Widths: []float64{1, 2}},
		"Chart":        &Chart{Chart: &chart.Chart{Kind: chart.Bar}},
		"NilChart":     &Chart{},
	} {
		d := (&Document{}).Add(b)
		if d.WritePDF(&bytes.Buffer{}) == nil || d.WriteDOCX(&bytes.Buffer{}) == nil {
			t.Errorf("%s: an invalid document was written", name)
		}
	}
}

func TestFontCoversNordicLetters(t *testing.T) {
	for name, ttf := range map[string][]byte{"regular": goregular.TTF, "bold": gobold.TTF, "italic": goitalic.TTF} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			t.Fatal(err)
		}
		var buf sfnt.Buffer
		for _, r := range "æøåÆØÅäöÄÖéü«»§–·•\u00a0\u2212" {
			if i, err := f.GlyphIndex(&buf, r); err != nil || i == 0 {
				t.Errorf("%s font lacks %q", name, r)
			}
		}
	}
}

// TestColumns: texts meant side by side are one-row tables of at most
// MaxColumns in Word, and follow one another under their heads in a PDF,
// each text whole.
func TestColumns(t *testing.T) {
	heads := []string{"Meldal kommune", "Åfjord kommune", "Osen kommune", "Oppdal kommune", "Skaun kommune"}
	texts := []string{"Meldal: «innvandrerreisen» kartlagt\nAndre linje", "Åfjord: næringslivsforum", "Ikke besvart", "Oppdal: § 37", "Skaun: språkkafé"}
	d := &Document{Title: "Samling", Locale: "nb", Landscape: true}
	d.Add(&Columns{Heads: heads, Texts: texts, Accent: []bool{false, true}, Muted: []bool{false, false, true}})
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	var w bytes.Buffer
	if err := d.WriteDOCX(&w); err != nil {
		t.Fatal(err)
	}
	doc := string(doctest.DOCXText(t, w.Bytes()).Parts["word/document.xml"])
	if n := strings.Count(doc, "<w:tbl>"); n != 2 {
		t.Errorf("Word: %d tables for 5 columns, want 2 (4 side by side, then 1)", n)
	}
	if n := strings.Count(doc, "<w:tc>"); n != 10 {
		t.Errorf("Word: %d cells, want a head and a text for each of 5", n)
	}
	var p bytes.Buffer
	if err := d.WritePDF(&p); err != nil {
		t.Fatal(err)
	}
	text := doctest.PDFText(t, p.Bytes()).Text
	last := -1
	for i, h := range heads {
		at := strings.Index(text, h)
		if at <= last || !strings.Contains(text, strings.Split(texts[i], "\n")[0]) {
			t.Errorf("PDF: %q not after the column before it, or its text missing", h)
		}
		last = at
	}
	if err := (&Document{Blocks: []Block{&Columns{Heads: heads, Texts: texts[:2]}}}).Validate(); err == nil {
		t.Error("columns with fewer texts than heads are valid")
	}
}
