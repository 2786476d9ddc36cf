package tabular_test

import (
	"archive/zip"
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/tabular"
	webassets "github.com/samvirke/samvirke/web"
)

// The fixtures in testdata were made by LibreOffice from plan.fods,
// plan-bad-row7.fods and plan.html (make-fixtures.sh): a Tierp-style
// action plan with one table per area.

// planColumns is how an action-plan import would read the fixtures.
func planColumns() []tabular.Column {
	return []tabular.Column{
		{Key: "area", Headers: []string{"Område", "Innsatsområde"}, FillDown: true},
		{Key: "measure", Headers: []string{"Åtgärd", "Tiltak", "Measure"}, Required: true, Parse: tabular.Text(500)},
		{Key: "responsible", Headers: []string{"Ansvarig", "Ansvarlig"}},
		{Key: "deadline", Headers: []string{"Klart senast", "Frist"}, Parse: tabular.Date},
		{Key: "cost", Headers: []string{"Kostnad (kr)", "Kostnad"}, Parse: tabular.Decimal},
	}
}

func readFixture(t *testing.T, name string) *tabular.Book {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	book, err := tabular.Read(b, tabular.DefaultLimits)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return book
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// TestLibreOfficeFiles: the CSV (semicolon, byte order mark, CRLF, a cell
// over two lines) and the XLSX (merged «Område» cells, real date cells)
// that LibreOffice wrote read into the same plan, area by area.
func TestLibreOfficeFiles(t *testing.T) {
	for _, tc := range []struct {
		file   string
		format tabular.Format
		merged string // row 3's area as read: a CSV has no merged cells
	}{{"plan.csv", tabular.CSV, ""}, {"plan.xlsx", tabular.XLSX, "Arbete"}} {
		t.Run(tc.file, func(t *testing.T) {
			book := readFixture(t, tc.file)
			if book.Format != tc.format {
				t.Fatalf("format %q, want %q", book.Format, tc.format)
			}
			tb := book.First()
			if tb.Rows[0][0] != "Område" {
				t.Fatalf("first header %q: the byte order mark or the encoding leaked into the text", tb.Rows[0][0])
			}
			if tb.Rows[2][0] != tc.merged {
				t.Errorf("row 3, column A reads %q, want %q", tb.Rows[2][0], tc.merged)
			}
			recs, ps := tb.Map(planColumns())
			if ps != nil {
				t.Fatalf("problems: %v", ps)
			}
			if len(recs) != 7 {
				t.Fatalf("%d records, want 7", len(recs))
			}
			second := recs[1]
			if second.Row != 3 || second.Values["area"] != "Arbete" {
				t.Errorf("row %d area %q: the merged area does not reach the second measure", second.Row, second.Values["area"])
			}
			if second.Values["measure"] != "Språkpraktik kombinerad med SFI\nminst två gånger per termin" {
				t.Errorf("the two-line cell reads %q", second.Values["measure"])
			}
			if got := recs[0].Values["cost"]; got != 12500.5 {
				t.Errorf("cost %v, want 12500.5 from «12500,50»", got)
			}
			if got := recs[3].Values["cost"]; got != 45000.0 {
				t.Errorf("cost %v, want 45000 from «45 000»", got)
			}
			if got := recs[0].Values["deadline"]; got != day(2018, 6, 30) {
				t.Errorf("deadline %v, want 2018-06-30", got)
			}
			if got := recs[4].Values["measure"]; got != "Boendeskola: «Att bo i Sverige» – hyra, el och sopsortering" || recs[4].Values["area"] != "Boende" {
				t.Errorf("row 6: %q in %q", got, recs[4].Values["area"])
			}
			if got := recs[5].Values["measure"]; got != "Språkcafé på biblioteket § 4" {
				t.Errorf("row 7: %q", got)
			}
		})
	}
}

// TestBadRowNamed: a day that does not exist on row 7 refuses the whole
// file and names row 7 and the column, as the spreadsheet shows them, in
// the user's language.
func TestBadRowNamed(t *testing.T) {
	cat, err := i18n.Load(webassets.FS(""), "locales")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{"plan-bad-row7.csv", "plan-bad-row7.xlsx"} {
		t.Run(file, func(t *testing.T) {
			recs, ps := readFixture(t, file).First().Map(planColumns())
			if recs != nil || len(ps) != 1 {
				t.Fatalf("records %d, problems %v: want none and one problem", len(recs), ps)
			}
			p := ps[0]
			if p.Row != 7 || p.Letter != "D" || p.Column != "Klart senast" || p.Err.Key != "import.error.date" {
				t.Fatalf("problem at row %d column %s (%s): %s", p.Row, p.Letter, p.Column, p.Err.Key)
			}
			sv := p.Message(func(k string, a ...any) string { return cat.T("sv", k, a...) })
			if want := "Rad 7, kolumn D (Klart senast): «32.13.2018» är inte ett datum"; !strings.HasPrefix(sv, want) {
				t.Errorf("Swedish message %q, want it to start %q", sv, want)
			}
			en := p.Message(func(k string, a ...any) string { return cat.T("en", k, a...) })
			if !strings.HasPrefix(en, "Row 7, column D (Klart senast): «32.13.2018» is not a date") {
				t.Errorf("English message %q", en)
			}
		})
	}
}

// TestWordTable: the table of a Word document made by LibreOffice: a cell
// spanning two rows fills both, one spanning two columns fills both, a
// cell of two paragraphs keeps the line break.
func TestWordTable(t *testing.T) {
	book := readFixture(t, "plan.docx")
	tb := book.First()
	if book.Format != tabular.DOCX || len(tb.Rows) != 4 {
		t.Fatalf("format %q, %d rows: %q", book.Format, len(tb.Rows), tb.Rows)
	}
	want := [][]string{
		{"Område", "Åtgärd", "Ansvarig", "Klart senast", "Kostnad (kr)"},
		{"Arbete", "Praktikplatser i kommunens verksamheter", "Arbetsmarknadsenheten", "30.06.2018", "12500,50"},
		{"Arbete", "Språkpraktik kombinerad med SFI\nminst två gånger per termin", "Vuxenutbildningen", "31.12.2018", "8000"},
		{"Boende", "Boendeskola: «Att bo i Sverige» – hyra, el och sopsortering § 4", "Integrationsenheten, 15.10.2018", "Integrationsenheten, 15.10.2018", "3200,75"},
	}
	for i, row := range want {
		for j, cell := range row {
			if tb.Rows[i][j] != cell {
				t.Errorf("row %d column %s: %q, want %q", i+1, tabular.ColumnLetter(j+1), tb.Rows[i][j], cell)
			}
		}
	}
}

// TestCSVDialects: what spreadsheets and people write: commas, tabs,
// Windows-1252 from Excel's plain "CSV", a title above the header.
func TestCSVDialects(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		want       []string // the measure column, top down
	}{
		{"comma", "Tiltak,Ansvarlig\n\"Språkkafé, torsdager\",NAV\nLeksehjelp,Skolen\n", []string{"Språkkafé, torsdager", "Leksehjelp"}},
		{"tab", "Tiltak\tAnsvarlig\nSpråkkafé\tNAV\n", []string{"Språkkafé"}},
		{"windows-1252", "Tiltak;Ansvarlig\r\nBoligsosial h\xe5ndbok for Tr\xf8ndelag;Boligkontoret\r\n", []string{"Boligsosial håndbok for Trøndelag"}},
		{"title above header", "Handlingsplan 2018;;\n;;\nTiltak;Ansvarlig;Frist\nFadderordning;Frivilligsentralen;15.11.2026\n", []string{"Fadderordning"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			book, err := tabular.Read([]byte(tc.data), tabular.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			recs, ps := book.First().Map(planColumns())
			if ps != nil {
				t.Fatal(ps)
			}
			var got []string
			for _, r := range recs {
				got = append(got, r.Values["measure"].(string))
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("measures %q, want %q", got, tc.want)
			}
		})
	}
}

// TestEveryProblemReported: all bad cells of a file are reported, each
// with its row, and a missing required column is named.
func TestEveryProblemReported(t *testing.T) {
	data := "Tiltak;Frist;Kostnad\nA;32.13.2016;12\n;15.11.2026;12,5x\nC;Høst 2016;1 000\n"
	book, _ := tabular.Read([]byte(data), tabular.DefaultLimits)
	_, ps := book.First().Map(planColumns())
	var got []string
	for _, p := range ps {
		got = append(got, p.Letter+strings.TrimPrefix(p.Err.Key, "import.error.")+"@"+string(rune('0'+p.Row)))
	}
	want := []string{"Bdate@2", "Arequired@3", "Cnumber@3", "Bdate@4"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("problems %v, want %v", got, want)
	}
	book, _ = tabular.Read([]byte("Ansvarlig;Frist\nNAV;1.1.2026\n"), tabular.DefaultLimits)
	_, ps = book.First().Map(planColumns())
	if len(ps) != 1 || ps[0].Err.Key != "import.error.no_header" || !strings.Contains(ps[0].Err.Args["columns"].(string), "Åtgärd") {
		t.Errorf("no measure column: %v", ps)
	}
}

// TestLimits: a file over any limit is refused before it costs memory or
// time: size, rows, columns, cell length, and for a zip its entries and
// its unpacked size (a "zip bomb" of 200 MB of zeros in a small file).
func TestLimits(t *testing.T) {
	lim := tabular.Limits{MaxBytes: 1 << 20, MaxRows: 5, MaxColumns: 3, MaxCell: 20, MaxEntries: 20, MaxUnpacked: 4 << 20}
	bomb := zipOf(t, map[string]int{"xl/workbook.xml": 10, "xl/worksheets/sheet1.xml": 200 << 20})
	many := map[string]int{"word/document.xml": 10}
	for i := range 30 {
		many["word/media/"+string(rune('a'+i))] = 1
	}
	for _, tc := range []struct {
		name string
		data []byte
		key  string
	}{
		{"size", bytes.Repeat([]byte("a;b\n"), 300_000), "import.error.too_large"},
		{"rows", []byte(strings.Repeat("a;b\n", 6)), "import.error.too_many_rows"},
		{"columns", []byte("a;b;c;d\n"), "import.error.too_many_columns"},
		{"cell", []byte("a;" + strings.Repeat("æ", 11) + "\n"), "import.error.cell_too_long"},
		{"unpacked", bomb, "import.error.unpacked"},
		{"entries", zipOf(t, many), "import.error.unpacked"},
		{"not a table file", zipOf(t, map[string]int{"mimetype": 10}), "import.error.format"},
		{"empty", []byte(" \r\n"), "import.error.empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tabular.Read(tc.data, lim)
			var e *app.Error
			if !asAppError(err, &e) || e.Key != tc.key {
				t.Fatalf("error %v, want %s", err, tc.key)
			}
		})
	}
	if len(bomb) > 1<<20 {
		t.Fatalf("the bomb is %d bytes: it must pass the size limit to test the unpacked one", len(bomb))
	}
}

func asAppError(err error, e **app.Error) bool {
	x, ok := err.(*app.Error)
	*e = x
	return ok
}

// zipOf makes a zip whose entries hold the given numbers of zero bytes.
func zipOf(t *testing.T, entries map[string]int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, n := range entries {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		zero := make([]byte, 1<<16)
		for n > 0 {
			k := min(n, len(zero))
			w.Write(zero[:k])
			n -= k
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestParseDecimal: numbers as the three countries and English write them.
func TestParseDecimal(t *testing.T) {
	for in, want := range map[string]float64{
		"12,5": 12.5, "12.5": 12.5, "1 234,5": 1234.5, "1\u00a0234,5": 1234.5, "1.234,5": 1234.5,
		"1,234.5": 1234.5, "1.234.567": 1234567, "1,234,567": 1234567, "\u22123": -3, "70 %": 70, "0": 0,
	} {
		if got, ok := tabular.ParseDecimal(in); !ok || got != want {
			t.Errorf("%q: %v %v, want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"12,5x", "", "1e9", "NaN", "Inf", "12 elever", "0x10"} {
		if got, ok := tabular.ParseDecimal(in); ok {
			t.Errorf("%q read as %v", in, got)
		}
	}
}

// TestDate: the day formats of the three countries; impossible days and
// periods are refused, never stored as text.
func TestDate(t *testing.T) {
	for in, want := range map[string]time.Time{
		"2026-11-15": day(2026, 11, 15), "15.11.2026": day(2026, 11, 15), "1.7.2017": day(2017, 7, 1),
		"01/07/2017": day(2017, 7, 1), "15-11-2026": day(2026, 11, 15),
	} {
		got, err := tabular.Date(in)
		if err != nil || got != want {
			t.Errorf("%q: %v %v, want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"32.13.2016", "Høst 2016", "2016-02-30", "Løpende"} {
		if got, err := tabular.Date(in); err == nil {
			t.Errorf("%q read as %v", in, got)
		}
	}
}

// TestMapAllTables: a Word plan with one table per area is read table
// after table, a table without the header (a signature block) is passed
// over, and a bad cell in the second table is named with its table.
func TestMapAllTables(t *testing.T) {
	cat, err := i18n.Load(webassets.FS(""), "locales")
	if err != nil {
		t.Fatal(err)
	}
	book := &tabular.Book{Format: tabular.DOCX, Tables: []*tabular.Table{
		{Number: 1, Rows: [][]string{{"Tiltak", "Frist"}, {"Språkkafé", "01.02.2027"}}},
		{Number: 2, Rows: [][]string{{"Underskrift", "Dato"}, {"Ola", "i dag"}}},
		{Number: 3, Rows: [][]string{{"Tiltak", "Frist"}, {"Arbeidspraksis", "15.03.2027"}, {"Mentor", "31.02.2027"}}},
	}}
	cols := []tabular.Column{{Key: "measure", Headers: []string{"Tiltak"}, Required: true}, {Key: "deadline", Headers: []string{"Frist"}, Parse: tabular.Date}}
	recs, ps := book.MapAll(cols)
	if len(ps) != 1 || recs != nil {
		t.Fatalf("records %v, problems %v; want none and one problem", recs, ps)
	}
	tr := func(key string, args ...any) string { return cat.T("nb", key, args...) }
	if got, want := ps[0].Message(tr), "Tabell 3 – Rad 3, kolonne B (Frist): «31.02.2027» er ikke en dato"; !strings.HasPrefix(got, want) {
		t.Errorf("problem %q; want it to start %q", got, want)
	}
	book.Tables[2].Rows[2][1] = "28.02.2027"
	recs, ps = book.MapAll(cols)
	if len(ps) != 0 || len(recs) != 3 {
		t.Fatalf("records %v, problems %v; want 3 records", recs, ps)
	}
	if recs[0].Table != 1 || recs[2].Table != 3 || recs[2].Row != 3 || recs[2].Values["measure"] != "Mentor" {
		t.Errorf("records %+v; want rows of tables 1 and 3 with their places", recs)
	}
	one := &tabular.Book{Tables: book.Tables[:1]}
	if recs, _ := one.MapAll(cols); recs[0].Table != 0 {
		t.Errorf("a book of one table names its table: %+v", recs[0])
	}
}

// TestDocumentText: the Word plan written by LibreOffice reads as plain
// text, a line per paragraph and table cell, «» § and æøå intact; a
// spreadsheet is not a document.
func TestDocumentText(t *testing.T) {
	b, err := os.ReadFile("testdata/plan.docx")
	if err != nil {
		t.Fatal(err)
	}
	text, err := tabular.DocumentText(b, tabular.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\nÅtgärd\n", "Boendeskola: «Att bo i Sverige» – hyra, el och sopsortering § 4\n"} {
		if !strings.Contains("\n"+text, want) {
			t.Errorf("the document's text lacks %q:\n%s", want, text)
		}
	}
	x, _ := os.ReadFile("testdata/plan.xlsx")
	if _, err := tabular.DocumentText(x, tabular.DefaultLimits); app.ErrorCode(err) != app.EInvalid {
		t.Errorf("a spreadsheet as a document: %v; want invalid", err)
	}
}

// TestReadDocumentTables: a Word document's tables come with the stretch
// of its text their cells fill, in document order.
func TestReadDocumentTables(t *testing.T) {
	b, err := os.ReadFile("testdata/plan.docx")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := tabular.ReadDocument(b, tabular.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	book, err := tabular.Read(b, tabular.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Tables) == 0 || len(doc.Tables) != len(book.Tables) {
		t.Fatalf("%d tables in the document, %d in the book", len(doc.Tables), len(book.Tables))
	}
	at := 0
	for i, dt := range doc.Tables {
		if dt.Number != i+1 || dt.Start < at || dt.End > len(doc.Text) || dt.Start >= dt.End {
			t.Fatalf("table %d: number %d, text [%d, %d) after %d", i, dt.Number, dt.Start, dt.End, at)
		}
		at = dt.End
		span := doc.Text[dt.Start:dt.End]
		for _, row := range dt.Rows {
			for _, cell := range row {
				if !strings.Contains(span, cell) {
					t.Errorf("table %d: cell %q is not in its text %q", i+1, cell, span)
				}
			}
		}
		if !reflect.DeepEqual(dt.Rows, book.Tables[i].Rows) {
			t.Errorf("table %d: rows differ from Read's", i+1)
		}
	}
}
