package document

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/document/doctest"
)

// minutesItems are the agenda items of a Danish council's minutes; the
// fourth runs over several pages, the last is long enough to wrap.
var minutesItems = []string{
	"Velkomst og præsentation af medlemmerne",
	"Ændring i Integrationsrådet",
	"Fastsættelse af møder i 2018",
	"Emner eller temaer der skal drøftes og arbejdes med i Integrationsrådet",
	"MindSpring forløb",
	"Mulighed for oplæg om bedre integration, mindre radikalisering",
	"Evaluering af implementeringen af Asyl- og integrationspolitikken",
	"Asyl og Integrationsafdelingens fremtidige integrationsindsatser",
	"Revidering af Retningslinjer for § 18-midler til frivilligt socialt arbejde, herunder fordeling af puljen «Frivillighed i Thisted» og opfølgning på ansøgninger fra foreninger i kommunens yderområder",
}

const danish = "Rådet drøftede sagen; «Sprogcenter Thisted» orienterede om § 18-midler, og næstformanden bød velkommen på vegne af Ærø og Åbenrå."

// minutes is a council's minutes: a title, a meeting line, the contents,
// then each agenda item on a new page (with page breaks that must not
// leave blank pages: at the start, twice in a row, at the end).
func minutes(items []string) *Document {
	d := &Document{Title: "Referat", Locale: "da"}
	d.Add(&PageBreak{},
		&Heading{Level: 1, Text: "REFERAT Integrationsrådet 2018 - 2021 d. 27-06-2018"},
		&Paragraph{Text: "Mødedato Onsdag d. 27. juni 2018 kl. 16:00\nMødested Mødelokale A", Style: Small},
		&Contents{Title: "Indholdsfortegnelse"})
	for i, title := range items {
		d.Add(&PageBreak{})
		if i == 4 {
			d.Add(&PageBreak{})
		}
		d.Add(&Heading{Level: 2, Text: fmt.Sprintf("Punkt %d: %s", i+1, title)},
			&Heading{Level: 3, Text: "Sagstema"},
			&Paragraph{Text: fmt.Sprintf("Sagsnummer 15.40.00-P35-%d-17. %s", i+1, danish)})
		if i == 3 {
			for range 80 {
				d.Add(&Paragraph{Text: danish})
			}
		}
		d.Add(&Heading{Level: 3, Text: "Beslutning"}, &Paragraph{Text: "Taget til efterretning."})
	}
	return d.Add(&PageBreak{})
}

// words collapses runs of white space to one space: lines a PDF wraps
// come out of it on lines of their own.
func words(s string) string { return strings.Join(strings.Fields(s), " ") }

// checkContents checks the contents on the first page(s) of got: every
// heading of items, in order, with the number of the page the heading
// is printed on.
func checkContents(t *testing.T, got doctest.PDF, items []string) {
	t.Helper()
	contentsEnd := 0 // the page after the last with an entry
	at := 0          // where the last entry was found in the contents' text
	toc := words(strings.Join(got.PageText, " "))
	for i, title := range items {
		heading := words(fmt.Sprintf("Punkt %d: %s", i+1, title))
		m := regexp.MustCompile(regexp.QuoteMeta(heading) + ` (\d+)\b`).FindStringSubmatchIndex(toc[at:])
		if m == nil {
			t.Errorf("contents do not list %q with a page number", heading)
			continue
		}
		listed, _ := strconv.Atoi(toc[at+m[2] : at+m[3]])
		at += m[1]
		var pages []int // where the heading is printed, the contents aside
		for p, text := range got.PageText {
			if strings.Contains(words(text), heading) && !strings.Contains(words(text), heading+" "+strconv.Itoa(listed)) {
				pages = append(pages, p+1)
			} else if strings.Contains(words(text), heading) {
				contentsEnd = max(contentsEnd, p+1)
			}
		}
		if len(pages) != 1 || pages[0] != listed {
			t.Errorf("contents list %q on page %d; it is printed on pages %v", heading, listed, pages)
		}
	}
	if contentsEnd == 0 || contentsEnd >= got.Pages {
		t.Errorf("contents end on page %d of %d", contentsEnd, got.Pages)
	}
}

func TestContentsPDF(t *testing.T) {
	var buf bytes.Buffer
	if err := minutes(minutesItems).WritePDF(&buf); err != nil {
		t.Fatal(err)
	}
	got := doctest.PDFText(t, buf.Bytes())
	t.Run("EntriesWithTheirPages", func(t *testing.T) { checkContents(t, got, minutesItems) })
	t.Run("OnlyItsLevel", func(t *testing.T) {
		first := got.PageText[0]
		if !strings.Contains(first, "Indholdsfortegnelse") || strings.Contains(first, "Sagstema") || strings.Contains(first, "Beslutning") {
			t.Errorf("first page: %q", first)
		}
	})
	t.Run("EachItemOnANewPageAndNoBlankPage", func(t *testing.T) {
		// The contents, one page per item, two more for the long fourth item.
		if want := 1 + len(minutesItems) + 2; got.Pages != want {
			t.Errorf("pages = %d, want %d", got.Pages, want)
		}
		for p, text := range got.PageText {
			if strings.TrimSpace(text) == "" {
				t.Errorf("page %d is blank", p+1)
			}
		}
	})
	t.Run("DanishSurvives", func(t *testing.T) {
		if !strings.Contains(words(got.Text), danish) {
			t.Errorf("PDF lacks %q", danish)
		}
	})
}

// TestContentsPDFManyPages: with more than 99 pages, the page numbers
// need a wider column, and are still right.
func TestContentsPDFManyPages(t *testing.T) {
	items := make([]string, 105)
	for i := range items {
		items[i] = fmt.Sprintf("Høring om «tolkebistand» nr. %d", i+1)
	}
	var buf bytes.Buffer
	if err := minutes(items).WritePDF(&buf); err != nil {
		t.Fatal(err)
	}
	got := doctest.PDFText(t, buf.Bytes())
	if got.Pages < 100 {
		t.Fatalf("pages = %d, want more than 99", got.Pages)
	}
	checkContents(t, got, items)
}

func TestContentsDOCX(t *testing.T) {
	var buf bytes.Buffer
	if err := minutes(minutesItems).WriteDOCX(&buf); err != nil {
		t.Fatal(err)
	}
	got := doctest.DOCXText(t, buf.Bytes())
	doc := string(got.Parts["word/document.xml"])
	t.Run("TOCField", func(t *testing.T) {
		if !strings.Contains(doc, `<w:instrText xml:space="preserve"> TOC \o "2-2" \h \z </w:instrText>`) {
			t.Error("no TOC field over the level-2 headings")
		}
		for _, c := range []string{"begin", "separate", "end"} {
			if n := strings.Count(doc, `w:fldCharType="`+c+`"`); n != 1 {
				t.Errorf("%d field %ss, want 1", n, c)
			}
		}
	})
	t.Run("EntriesBeforeWordUpdates", func(t *testing.T) {
		var entries strings.Builder
		for i, title := range minutesItems {
			fmt.Fprintf(&entries, "Punkt %d: %s\n", i+1, title)
		}
		if want := "Indholdsfortegnelse\n" + entries.String(); !strings.Contains(got.Text, want) {
			t.Errorf("docx text lacks the contents\n%s\nin\n%s", want, got.Text)
		}
		field := doc[strings.LastIndex(doc[:strings.Index(doc, `"begin"`)], "<w:p>"):strings.Index(doc, `"end"`)]
		if strings.Count(field, `<w:pStyle w:val="TOC2"/>`) != len(minutesItems) || strings.Contains(field, "Sagstema") {
			t.Errorf("field result is not one TOC2 paragraph per item: %s", field)
		}
		if !strings.Contains(string(got.Parts["word/styles.xml"]), `w:styleId="TOC2"`) {
			t.Error("styles lack TOC2")
		}
	})
	t.Run("PageBreaks", func(t *testing.T) {
		// One before each item; none at the start, twice or at the end.
		if n := strings.Count(doc, `<w:br w:type="page"/>`); n != len(minutesItems) {
			t.Errorf("%d page breaks, want %d", n, len(minutesItems))
		}
		if !strings.Contains(got.Text, danish) {
			t.Errorf("docx lacks %q", danish)
		}
	})
}

func TestContentsLevel(t *testing.T) {
	for _, level := range []int{-1, 4} {
		d := (&Document{}).Add(&Contents{Level: level})
		if d.Validate() == nil || d.WritePDF(&bytes.Buffer{}) == nil || d.WriteDOCX(&bytes.Buffer{}) == nil {
			t.Errorf("contents of level %d are valid", level)
		}
	}
	d := (&Document{}).Add(&Contents{Title: "Indhold", Level: 3}, &Heading{Level: 2, Text: "Del"}, &Heading{Level: 3, Text: "Afsnit"})
	var buf bytes.Buffer
	if err := d.WritePDF(&buf); err != nil {
		t.Fatal(err)
	}
	if text := words(doctest.PDFText(t, buf.Bytes()).Text); !strings.HasPrefix(text, "Indhold Afsnit 1 Del Afsnit") {
		t.Errorf("level-3 contents: %q", text)
	}
}
