package indicator_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/samvirke/samvirke/internal/document/doctest"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/web"
)

// ibxPrinter answers a printer with the product's texts in loc.
func ibxPrinter(t *testing.T, loc string, thr int) indicator.Printer {
	t.Helper()
	cat, err := i18n.Load(web.FS(""), "locales")
	idcNoErr(t, err)
	return indicator.Printer{Locale: loc, Threshold: thr, T: func(k string, a ...any) string { return cat.T(loc, k, a...) }}
}

// ibxCells answers every cell of a CSV, an XLSX (read back) and the
// text of the PDF of v.
func ibxOutputs(t *testing.T, v *indicator.View, p indicator.Printer) (csvCells, xlsxCells []string, pdfText string) {
	t.Helper()
	s := v.Sheet(p)
	var b bytes.Buffer
	idcNoErr(t, s.WriteCSV(&b))
	if !bytes.HasPrefix(b.Bytes(), []byte("\ufeff")) {
		t.Error("CSV without a byte order mark")
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b.Bytes(), []byte("\ufeff"))))
	r.Comma, r.FieldsPerRecord = ';', -1
	rows, err := r.ReadAll()
	idcNoErr(t, err)
	for _, row := range rows {
		csvCells = append(csvCells, row...)
	}
	b.Reset()
	idcNoErr(t, s.WriteXLSX(&b, p.Locale))
	f, err := excelize.OpenReader(&b)
	idcNoErr(t, err)
	xrows, err := f.GetRows(f.GetSheetName(0))
	idcNoErr(t, err)
	for _, row := range xrows {
		xlsxCells = append(xlsxCells, row...)
	}
	b.Reset()
	idcNoErr(t, v.Document(p, time.Date(2020, 5, 4, 9, 0, 0, 0, time.UTC)).WritePDF(&b))
	return csvCells, xlsxCells, doctest.PDFText(t, b.Bytes()).Text
}

// TestBenchmarkExportsPrintTheView: a municipality with 4 participants
// is «under 10» for another member in the CSV, the XLSX and the PDF, and
// neither its 4 nor the true value of a figure withheld to protect it is
// printed; the municipality itself sees
// its 4. The weighted 91/102 prints as 89,2 % in nb and 89.2 % in en.
func TestBenchmarkExportsPrintTheView(t *testing.T) {
	t.Parallel()
	f := idcNewFixture(t, 3)
	for i, n := range []float64{30, 25, 4} {
		_, err := f.svc.Save(f.ctx, f.muns[i], f.users[i], []indicator.Entry{{Code: "intro.participants", Period: "2019", Num: num(n)}})
		idcNoErr(t, err)
	}
	small := f.muns[2].Name
	v, err := f.svc.Benchmark(f.ctx, f.muns[0], indicator.BenchmarkQuery{Code: "intro.participants", Period: "2019"})
	idcNoErr(t, err)
	p := ibxPrinter(t, "nb", v.Threshold)
	cs, xs, pdf := ibxOutputs(t, v, p)
	for name, cells := range map[string][]string{"CSV": cs, "XLSX": xs} {
		i := slices.Index(cells, small)
		if i < 0 || cells[i+1] != "under 10" {
			t.Errorf("%s: %s's figure is not «under 10»: %q", name, small, cells)
		}
		for _, leak := range []string{"4", "25"} { // the suppressed true values
			if slices.Contains(cells, leak) {
				t.Errorf("%s prints %s, which gives the small count away: %q", name, leak, cells)
			}
		}
	}
	// Whole cells only: the organisations' random names may contain digits.
	if !strings.Contains(pdf, "under 10") || strings.Contains(pdf, "\n4\n") || strings.Contains(pdf, "\n25\n") {
		t.Errorf("PDF: want «under 10» and no suppressed true value:\n%s", pdf)
	}
	// The municipality itself sees its exact 4.
	own, err := f.svc.Benchmark(f.ctx, f.muns[2], indicator.BenchmarkQuery{Code: "intro.participants", Period: "2019"})
	idcNoErr(t, err)
	cs, _, _ = ibxOutputs(t, own, ibxPrinter(t, "nb", own.Threshold))
	if i := slices.Index(cs, small); i < 0 || cs[i+1] != "4" {
		t.Errorf("own CSV: want its exact 4: %q", cs)
	}

	g := idcNewFixture(t, 2)
	for i, x := range [][2]float64{{1, 2}, {90, 100}} {
		_, err := g.svc.Save(g.ctx, g.muns[i], g.users[i], []indicator.Entry{
			{Code: "intro.outcome", Period: "2019", Category: "work_50_100", Num: num(x[0])},
			{Code: "intro.outcome", Period: "2019", Category: "other", Num: num(x[1] - x[0])},
		})
		idcNoErr(t, err)
	}
	w, err := g.svc.Benchmark(g.ctx, g.muns[0], indicator.BenchmarkQuery{Code: "intro.outcome", Period: "2019", Rule: "imdi"})
	idcNoErr(t, err)
	for loc, want := range map[string]string{"nb": "89,2\u00a0%", "en": "89.2\u00a0%"} {
		s := w.Sheet(ibxPrinter(t, loc, w.Threshold))
		if s.Aggs[0][1] != want {
			t.Errorf("%s: network aggregate %q, want %q", loc, s.Aggs[0][1], want)
		}
		if !strings.Contains(s.Aggs[0][4], "2") {
			t.Errorf("%s: coverage %q", loc, s.Aggs[0][4])
		}
	}
}
