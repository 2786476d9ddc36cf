package workbook_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/workbook"
	webassets "github.com/samvirke/samvirke/web"
)

// The action plans in ../tabular/testdata were written by LibreOffice
// (make-fixtures.sh there): Tierp's plan with Swedish headers, a cell
// over two lines, merged area cells in the XLSX, and one file with an
// impossible day on row 7.

func readPlan(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../tabular/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestReadMeasuresFromPlans: the CSV and the XLSX read into the same
// measures, text with «» and § intact, days as days and the cost and
// area columns passed over; the Word plan (a shorter table with a cell
// spanning two columns) into its three.
func TestReadMeasuresFromPlans(t *testing.T) {
	cat, err := i18n.Load(webassets.FS(""), "locales")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("plan.docx", func(t *testing.T) {
		rows, probs := workbook.ReadMeasures(readPlan(t, "plan.docx"), cat.T)
		if len(probs) > 0 || len(rows) != 3 {
			t.Fatalf("measures %+v, problems %v; want 3", rows, probs)
		}
		if r := rows[2]; r.Description != "Boendeskola: «Att bo i Sverige» – hyra, el och sopsortering § 4" || r.Row != 4 {
			t.Errorf("third measure %+v", r)
		}
	})
	for _, file := range []string{"plan.csv", "plan.xlsx"} {
		t.Run(file, func(t *testing.T) {
			rows, probs := workbook.ReadMeasures(readPlan(t, file), cat.T)
			if len(probs) > 0 {
				t.Fatalf("problems: %v", probs)
			}
			if len(rows) != 7 {
				t.Fatalf("%d measures, want 7: %+v", len(rows), rows)
			}
			first, second, fifth := rows[0], rows[1], rows[4]
			if first.Description != "Praktikplatser i kommunens verksamheter" || first.Responsible != "Arbetsmarknadsenheten" || first.Deadline != "2018-06-30" || first.Row != 2 {
				t.Errorf("first measure %+v", first)
			}
			if !strings.Contains(second.Description, "SFI\nminst två") || second.Row != 3 {
				t.Errorf("the cell over two lines: %+v", second)
			}
			if fifth.Description != "Boendeskola: «Att bo i Sverige» – hyra, el och sopsortering" || fifth.Deadline != "2018-10-15" {
				t.Errorf("fifth measure %+v", fifth)
			}
			for _, r := range rows {
				m, errs := r.Validate(nil)
				if len(errs) > 0 || m.Deadline == nil {
					t.Errorf("row %d does not make a measure with a day: %v %+v", r.Row, errs, m)
				}
			}
		})
	}
}

// TestReadMeasuresBadRow7: a day that does not exist on row 7 refuses
// the whole file, naming row 7, column D and its header in the reader's
// language; no measure is answered.
func TestReadMeasuresBadRow7(t *testing.T) {
	cat, err := i18n.Load(webassets.FS(""), "locales")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{"plan-bad-row7.csv", "plan-bad-row7.xlsx"} {
		t.Run(file, func(t *testing.T) {
			rows, probs := workbook.ReadMeasures(readPlan(t, file), cat.T)
			if rows != nil || len(probs) != 1 {
				t.Fatalf("measures %v, problems %v; want none and one problem", rows, probs)
			}
			msg := probs[0].Message(func(key string, args ...any) string { return cat.T("sv", key, args...) })
			if want := "Rad 7, kolumn D (Klart senast): «32.13.2018»"; !strings.HasPrefix(msg, want) {
				t.Errorf("problem %q; want it to start %q", msg, want)
			}
		})
	}
}

// TestReadMeasuresColumns: free-text deadlines are kept as written,
// statuses are read in any language, a status that is none is named,
// and a file without a measure column says which column it needs.
func TestReadMeasuresColumns(t *testing.T) {
	cat, err := i18n.Load(webassets.FS(""), "locales")
	if err != nil {
		t.Fatal(err)
	}
	csv := "Tiltak;Ansvarlig;Frist;Status;Merknad\r\n" +
		"Språkkafé;Biblioteket;Høst 2027;Pågår;§ 4 i planen\r\n" +
		"Arbeidspraksis;NAV;2027-03-15;done;\r\n"
	rows, probs := workbook.ReadMeasures([]byte(csv), cat.T)
	if len(probs) > 0 || len(rows) != 2 {
		t.Fatalf("rows %+v, problems %v", rows, probs)
	}
	if rows[0].Deadline != "Høst 2027" || rows[0].Status != measure.StatusOngoing || rows[0].Notes != "§ 4 i planen" {
		t.Errorf("first row %+v", rows[0])
	}
	if rows[1].Status != measure.StatusDone || rows[1].Deadline != "2027-03-15" {
		t.Errorf("second row %+v", rows[1])
	}
	_, probs = workbook.ReadMeasures([]byte("Tiltak;Status\nSpråkkafé;Snart\n"), cat.T)
	if len(probs) != 1 || probs[0].Row != 2 || probs[0].Letter != "B" || probs[0].Err.Key != "import.error.choice" {
		t.Errorf("an unknown status: %+v", probs)
	}
	_, probs = workbook.ReadMeasures([]byte("Navn;Dato\nOla;i dag\n"), cat.T)
	if len(probs) != 1 || probs[0].Err.Key != "import.error.no_header" {
		t.Errorf("no measure column: %+v", probs)
	}
}

// TestImportMeasures: a plan's measures are added after the answer's own
// in one new version; a bad file, a stale preview or another
// municipality's workbook writes nothing.
func TestImportMeasures(t *testing.T) {
	t.Parallel()
	w := wbSetUp(t)
	ctx := context.Background()
	m, other := w.members[0], w.members[1]
	book := w.books[m.ID].ID
	e, err := w.svc.SaveEntry(ctx, m, actor("Gro"), workbook.Save{WorkbookID: book, StatementID: w.stmtA,
		Content: workbook.Content{Answers: map[string]string{workbook.SectionAnalysis: "Utgangspunkt"},
			Measures: []workbook.Measure{{Description: "Eget tiltak", Status: measure.StatusNotStarted}}}})
	if err != nil {
		t.Fatal(err)
	}
	rows, probs := workbook.ReadMeasures(readPlan(t, "plan.xlsx"), nil)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	if _, err := w.svc.ImportMeasures(ctx, other, actor("Ola"), book, w.stmtA, e.Version, rows); !app.IsNotFound(err) {
		t.Errorf("into another municipality's workbook: %v; want not found", err)
	}
	if _, err := w.svc.ImportMeasures(ctx, m, actor("Gro"), book, w.stmtA, e.Version-1, rows); app.ErrorCode(err) != app.EConflict {
		t.Errorf("from a preview of an older version: %v; want a conflict", err)
	}
	bad := append([]workbook.MeasureRow{}, rows...)
	bad[3].Description = " "
	if _, err := w.svc.ImportMeasures(ctx, m, actor("Gro"), book, w.stmtA, e.Version, bad); app.ErrorCode(err) != app.EInvalid {
		t.Errorf("a row without a description: %v; want invalid", err)
	}
	cur, err := w.svc.ReadEntry(ctx, m.ID, m.ID, e.ID, false)
	if err != nil || cur.Version != e.Version || len(cur.Content.Measures) != 1 {
		t.Fatalf("after refused imports: version %d, %d measures, %v; want nothing written", cur.Version, len(cur.Content.Measures), err)
	}
	got, err := w.svc.ImportMeasures(ctx, m, actor("Gro"), book, w.stmtA, e.Version, rows)
	if err != nil {
		t.Fatal(err)
	}
	ms := got.Content.Measures
	if got.Version != e.Version+1 || len(ms) != 8 || ms[0].Description != "Eget tiltak" || got.Content.Answers[workbook.SectionAnalysis] != "Utgangspunkt" {
		t.Fatalf("after the import: version %d, measures %+v", got.Version, ms)
	}
	if ms[5].Description != "Boendeskola: «Att bo i Sverige» – hyra, el och sopsortering" || ms[5].Deadline == nil || ms[5].Deadline.Format(time.DateOnly) != "2018-10-15" || ms[5].Status != measure.StatusNotStarted {
		t.Errorf("an imported measure: %+v", ms[5])
	}
}

// TestImportReadsLimited: one person reads at most ImportsPerHour files an
// hour; the next is refused before the file is read, and another person
// is not held up.
func TestImportReadsLimited(t *testing.T) {
	t.Parallel()
	w := wbSetUp(t)
	ctx := context.Background()
	plan := []byte("Tiltak;Frist\nSpråkkafé;Høst 2027\n")
	gro, ola := &app.Actor{UserID: 101, Name: "Gro"}, &app.Actor{UserID: 102, Name: "Ola"}
	for i := 0; i < workbook.ImportsPerHour.Max; i++ {
		if _, _, err := w.svc.ReadMeasureFile(ctx, gro, plan, nil); err != nil {
			t.Fatalf("read %d: %v", i+1, err)
		}
	}
	if _, _, err := w.svc.ReadMeasureFile(ctx, gro, plan, nil); app.ErrorCode(err) != app.ETooMany {
		t.Errorf("read %d within the hour: %v; want too many", workbook.ImportsPerHour.Max+1, err)
	}
	if rows, _, err := w.svc.ReadMeasureFile(ctx, ola, plan, nil); err != nil || len(rows) != 1 {
		t.Errorf("another person's read: %v %v", rows, err)
	}
}

// TestChangesOfGoalsAndMeasures: a version that changes only a measure's
// status shows that change under measures, in the reader's words, not
// "no changes in the text".
func TestChangesOfGoalsAndMeasures(t *testing.T) {
	names := map[string]string{measure.StatusNotStarted: "Planlagt", measure.StatusDone: "Fullført"}
	status := func(code string) string { return names[code] }
	target := 40.0
	v1 := &workbook.Revision{Version: 1, Content: workbook.Content{Answers: map[string]string{"analysis": "Uendret"},
		Goals:    []workbook.Goal{{Statement: "Flere i arbeid", Target: &target, Unit: "%", Status: measure.StatusNotStarted}},
		Measures: []workbook.Measure{{Description: "Språkkafé", Responsible: "Biblioteket", DeadlineText: "Høst 2026", Status: measure.StatusNotStarted}}}}
	v2 := &workbook.Revision{Version: 2, Content: v1.Content}
	v2.Content.Measures = []workbook.Measure{v1.Content.Measures[0]}
	v2.Content.Measures[0].Status = measure.StatusDone
	ch := v2.Changes(v1, []string{"analysis"}, status)
	if len(ch) != 1 || ch[0].Section != "measures" {
		t.Fatalf("changes %+v; want one, of the measures", ch)
	}
	var got []string
	for _, l := range ch[0].Lines {
		got = append(got, l.Op+l.Text)
	}
	if want := "-Språkkafé · Biblioteket · Høst 2026 · Planlagt|+Språkkafé · Biblioteket · Høst 2026 · Fullført"; strings.Join(got, "|") != want {
		t.Errorf("lines %q; want %q", strings.Join(got, "|"), want)
	}
	first := v1.Changes(nil, []string{"analysis"}, status)
	if len(first) != 3 || first[1].Section != "goals" || !strings.Contains(first[1].Lines[0].Text, "Flere i arbeid · – → 40 %") {
		t.Errorf("the first version's changes %+v; want analysis, goals and measures", first)
	}
}
