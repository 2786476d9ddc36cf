package indicator_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/tabular"
)

// indImpCSV is a Norwegian file of Nittedal's yearly figures: the
// participants and the outcome breakdown, with notes in «æøå».
const indImpCSV = `Indikator;Periode;Kategori;Teller;Nevner;Andel;Kilde;Per dato;Endelig;Merknad
intro.participants;2019;;35;;;egen;31.12.2019;ja;Alle som har deltatt – også de som flyttet («Ærlig tall», på øvre nivå)
intro.outcome;2019;work_50_100;6;;;egen;;nei;Foreløpig: to i prøvetid
intro.outcome;2019;upper_secondary;4;;;;;;
`

// idcXLSX makes an XLSX of rows (the first is the header).
func idcXLSX(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestImportValues: a CSV is previewed without a write and then saved;
// an English XLSX with «æøå» notes saves; a file with a negative count,
// a numerator over its denominator's absence, an unknown code is refused
// whole, each problem naming its row and column, and nothing is written.
func TestImportValues(t *testing.T) {
	t.Parallel()
	f := idcNewFixture(t, 2)
	m, actor := f.muns[0], f.users[0]

	prev, err := f.svc.Import(f.ctx, m, actor, []byte(indImpCSV), false)
	idcNoErr(t, err)
	if prev.Written || len(prev.Rows) != 3 || prev.Rows[0].Row != 2 || !strings.Contains(prev.Rows[0].Entry.Note, "«Ærlig tall», på øvre") {
		t.Fatalf("preview: %+v", prev)
	}
	if form, err := f.svc.ReportForm(f.ctx, m, "2019"); err != nil || idcValues(form) != 0 {
		t.Fatalf("the preview wrote: %d values (%v)", idcValues(form), err)
	}
	done, err := f.svc.Import(f.ctx, m, actor, []byte(indImpCSV), true)
	idcNoErr(t, err)
	if !done.Written || done.Changed != 3 {
		t.Fatalf("import: %+v", done)
	}
	form, err := f.svc.ReportForm(f.ctx, m, "2019")
	idcNoErr(t, err)
	if idcValues(form) != 3 {
		t.Fatalf("after import: %d values", idcValues(form))
	}
	for _, l := range form.Lines {
		if v := l.Values["work_50_100"]; v != nil && (v.Final || *v.Num != 6 || v.Note != "Foreløpig: to i prøvetid") {
			t.Errorf("work_50_100 stored as %+v", v)
		}
	}

	xlsx := idcXLSX(t, [][]any{
		{"Indicator code", "Period", "Category", "Count", "Denominator", "Rate", "Source", "As of", "Final", "Note"},
		{"intro.participants", "2018", "", 28, "", "", "own", "2019-01-15", "yes", "Tall fra fagsystemet – Søndre Nittedal"},
	})
	done, err = f.svc.Import(f.ctx, f.muns[1], f.users[1], xlsx, true)
	idcNoErr(t, err)
	if done.Changed != 1 || done.Rows[0].Entry.Note != "Tall fra fagsystemet – Søndre Nittedal" {
		t.Fatalf("xlsx import: %+v", done)
	}

	bad := idcXLSX(t, [][]any{
		{"Indikator", "Periode", "Kategori", "Teller", "Nevner", "Merknad"},
		{"intro.participants", "2017", "", 12, "", "ok"},
		{"intro.participants", "2016", "", -3, "", "negativ – æøå"},
		{"finnes.ikke", "2017", "", 3, "", ""},
		{"intro.participants", "2015", "", 5, 2, "nevner på et antall"},
		{"intro.full_time", "2017", "", 30, 25, "teller over nevner"},
	})
	_, err = f.svc.Import(f.ctx, m, actor, bad, true)
	var ps tabular.Problems
	if !errors.As(err, &ps) || len(ps) != 4 {
		t.Fatalf("bad file: %v", err)
	}
	want := []struct {
		row            int
		letter, header string
		key            string
	}{{3, "D", "Teller", "indicator.error.negative"}, {4, "A", "Indikator", "indicator.error.unknown_code"}, {5, "E", "Nevner", "indicator.error.no_denominator"}, {6, "D", "Teller", "indicator.error.over_denominator"}}
	for i, w := range want {
		if ps[i].Row != w.row || ps[i].Letter != w.letter || ps[i].Column != w.header || ps[i].Err.Key != w.key {
			t.Errorf("problem %d: row %d column %s (%s) %s; want row %d column %s (%s) %s", i, ps[i].Row, ps[i].Letter, ps[i].Column, ps[i].Err.Key, w.row, w.letter, w.header, w.key)
		}
	}
	form, err = f.svc.ReportForm(f.ctx, m, "2017")
	idcNoErr(t, err)
	if idcValues(form) != 0 {
		t.Fatalf("a refused file wrote %d values", idcValues(form))
	}
}

func idcValues(f *indicator.Form) int {
	n := 0
	if f == nil {
		return 0
	}
	for _, l := range f.Lines {
		n += len(l.Values)
	}
	return n
}
