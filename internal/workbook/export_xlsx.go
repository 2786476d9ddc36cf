package workbook

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
)

// xlsxStyles are the cell styles of the workbook export.
type xlsxStyles struct {
	head, good, wrap, bold, date, number int
}

// WriteXLSX writes the gathering view as an Excel workbook to w with three
// sheets: an overview with one row per section and one column per
// municipality (good practice marked in words in its heading), the
// municipalities' goals (baseline and target as numbers, target dates as
// dates), and their measures (the deadline as a date, or the text as
// written when it is not one). Heading rows are frozen and texts wrap.
// texts translates headings and sheet names (see ExportTexts), date
// formats the generation date printed above the overview, and now is the
// generation time. Excel keeps at most 32,767 characters in a cell: an
// answer longer than that continues in the rows below its section, and a
// longer text in the goals or measures is cut with a note that says so.
//
// It returns an error when the view has no statement, when the workbook
// cannot be built, or the error of writing to w.
func (v *GatheringView) WriteXLSX(w io.Writer, texts ExportTexts, date FormatDate, now time.Time) error {
	if v == nil || v.Statement == nil {
		return errNoStatement
	}
	e := newExportEnv(texts, date, now)
	f := excelize.NewFile()
	defer f.Close()
	st, err := newXLSXStyles(f)
	if err != nil {
		return fmt.Errorf("workbook: xlsx styles: %w", err)
	}
	overview := sheetName(e.t("workbook.export.title"), "Oversikt", nil)
	goals := sheetName(e.t("workbook.export.goals"), "Mål", []string{overview})
	measures := sheetName(e.t("workbook.export.measures"), "Tiltak", []string{overview, goals})
	comments := sheetName(e.t("workbook.export.comments"), "Kommentarer", []string{overview, goals, measures})
	if err := f.SetSheetName("Sheet1", overview); err != nil {
		return fmt.Errorf("workbook: xlsx: %w", err)
	}
	for _, build := range []func() error{
		func() error { return v.xlsxOverview(f, overview, e, st) },
		func() error { return v.xlsxGoals(f, goals, e, st) },
		func() error { return v.xlsxMeasures(f, measures, e, st) },
		func() error {
			return v.xlsxTable(f, comments, e, st, []float64{24, 24, 24, 14, 60}, e.commentHeads(), e.commentRows)
		},
		func() error {
			return f.SetDocProps(&excelize.DocProperties{
				Title: v.Statement.Title, Subject: subtitle(v),
				Created: now.UTC().Format(time.RFC3339),
			})
		},
	} {
		if err := build(); err != nil {
			return fmt.Errorf("workbook: xlsx: %w", err)
		}
	}
	f.SetActiveSheet(0)
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("workbook: xlsx: %w", err)
	}
	return nil
}

func newXLSXStyles(f *excelize.File) (xlsxStyles, error) {
	top := &excelize.Alignment{Vertical: "top", WrapText: true}
	border := []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}}
	var st xlsxStyles
	for _, s := range []struct {
		id    *int
		style excelize.Style
	}{
		{&st.head, excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: top, Border: border,
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E4EAF2"}}}},
		{&st.good, excelize.Style{Font: &excelize.Font{Bold: true, Color: "00642A"}, Alignment: top, Border: border,
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDF0E2"}}}},
		{&st.wrap, excelize.Style{Alignment: top}},
		{&st.bold, excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}, Alignment: &excelize.Alignment{Vertical: "top"}}},
		// 14 is Excel's short date, shown in the reader's regional format.
		{&st.date, excelize.Style{NumFmt: 14, Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "left"}}},
		{&st.number, excelize.Style{NumFmt: 0, Alignment: &excelize.Alignment{Vertical: "top"}}},
	} {
		id, err := f.NewStyle(&s.style)
		if err != nil {
			return st, err
		}
		*s.id = id
	}
	return st, nil
}

// xlsxCell names the cell in column col and row row, both from 1.
func xlsxCell(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// xlsxSetup sets a sheet's column widths, freezes its rows above
// headRow and its first column when freezeCol, repeats headRow on every
// printed page, and prints it landscape, one page wide.
func xlsxSetup(f *excelize.File, sheet string, widths []float64, headRow int, freezeCol bool) error {
	for i, wd := range widths {
		c, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, c, c, wd); err != nil {
			return err
		}
	}
	panes := &excelize.Panes{Freeze: true, YSplit: headRow, TopLeftCell: xlsxCell(1, headRow+1), ActivePane: "bottomLeft"}
	if freezeCol {
		panes.XSplit, panes.TopLeftCell, panes.ActivePane = 1, xlsxCell(2, headRow+1), "bottomRight"
	}
	if err := f.SetPanes(sheet, panes); err != nil {
		return err
	}
	landscape, a4, one, zero := "landscape", 9, 1, 0
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &landscape, Size: &a4,
		FitToWidth: &one, FitToHeight: &zero}); err != nil {
		return err
	}
	fit := true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: sheet,
		RefersTo: fmt.Sprintf("'%s'!$%d:$%d", strings.ReplaceAll(sheet, "'", "''"), headRow, headRow)})
}

// xlsxHeader writes a heading row.
func xlsxHeader(f *excelize.File, sheet string, row, style int, heads ...string) error {
	for i, h := range heads {
		if err := f.SetCellStr(sheet, xlsxCell(i+1, row), h); err != nil {
			return err
		}
	}
	return f.SetCellStyle(sheet, xlsxCell(1, row), xlsxCell(len(heads), row), style)
}

func (v *GatheringView) xlsxOverview(f *excelize.File, sheet string, e exportEnv, st xlsxStyles) error {
	// Rows 1 and 2 say what this is; row 3 is the frozen heading.
	const head = 3
	info := []string{v.Statement.Title, e.generated()}
	if sub := subtitle(v); sub != "" {
		info[1] = sub + " · " + info[1]
	}
	for i, s := range info {
		if err := f.SetCellStr(sheet, xlsxCell(1, i+1), s); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(sheet, "A1", "A1", st.bold); err != nil {
		return err
	}
	heads := []string{e.t("workbook.export.section")}
	for i := range v.Columns {
		heads = append(heads, e.municipality(&v.Columns[i]))
	}
	if err := xlsxHeader(f, sheet, head, st.head, heads...); err != nil {
		return err
	}
	for i := range v.Columns {
		if v.Columns[i].GoodPractice {
			if err := f.SetCellStyle(sheet, xlsxCell(i+2, head), xlsxCell(i+2, head), st.good); err != nil {
				return err
			}
		}
	}
	row := head
	for _, sec := range v.Sections {
		// An answer longer than a cell holds goes on in the rows below,
		// each labelled as the section's continuation.
		parts := make([][]string, len(v.Columns))
		n := 1
		for i := range v.Columns {
			parts[i] = xlsxChunks(v.Columns[i].Answers[sec.Key])
			n = max(n, len(parts[i]))
		}
		for p := range n {
			row++
			label := sec.Title
			if p > 0 {
				label = e.t("workbook.export.continued", "section", sec.Title, "part", p+1, "parts", n)
			}
			if err := f.SetCellStr(sheet, xlsxCell(1, row), label); err != nil {
				return err
			}
			for i := range v.Columns {
				if p < len(parts[i]) {
					if err := f.SetCellStr(sheet, xlsxCell(i+2, row), parts[i][p]); err != nil {
						return err
					}
				}
			}
			if err := f.SetCellStyle(sheet, xlsxCell(1, row), xlsxCell(1, row), st.head); err != nil {
				return err
			}
			if err := f.SetCellStyle(sheet, xlsxCell(2, row), xlsxCell(len(heads), row), st.wrap); err != nil {
				return err
			}
		}
	}
	widths := []float64{32}
	for range v.Columns {
		widths = append(widths, 60)
	}
	return xlsxSetup(f, sheet, widths, head, true)
}

// xlsxTable writes a sheet of a heading row and a row per cells, the
// municipality in front: numbers as numbers and times as dates.
func (v *GatheringView) xlsxTable(f *excelize.File, sheet string, e exportEnv, st xlsxStyles, widths []float64, heads []string, rows func(*GatheringColumn) [][]any) error {
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	heads = append([]string{e.t("workbook.export.municipality")}, heads...)
	if err := xlsxHeader(f, sheet, 1, st.head, heads...); err != nil {
		return err
	}
	n := 1
	for i := range v.Columns {
		for _, cells := range rows(&v.Columns[i]) {
			n++
			for c, x := range append([]any{v.Columns[i].Municipality}, cells...) {
				name, style := xlsxCell(c+1, n), st.wrap
				switch x.(type) {
				case float64:
					style = st.number
				case time.Time:
					style = st.date
				}
				if t, ok := x.(string); ok {
					x = e.fitCell(t)
				}
				if x != nil {
					if err := f.SetCellValue(sheet, name, x); err != nil {
						return err
					}
				}
				if err := f.SetCellStyle(sheet, name, name, style); err != nil {
					return err
				}
			}
		}
	}
	if n > 1 {
		if err := f.AutoFilter(sheet, "A1:"+xlsxCell(len(heads), n), nil); err != nil {
			return err
		}
	}
	return xlsxSetup(f, sheet, widths, 1, false)
}

func (v *GatheringView) xlsxGoals(f *excelize.File, sheet string, e exportEnv, st xlsxStyles) error {
	return v.xlsxTable(f, sheet, e, st, []float64{24, 50, 16, 12, 12, 12, 14, 16}, e.goalHeads(), e.goalRows)
}

func (v *GatheringView) xlsxMeasures(f *excelize.File, sheet string, e exportEnv, st xlsxStyles) error {
	return v.xlsxTable(f, sheet, e, st, []float64{24, 50, 24, 16, 16, 40}, e.measureHeads(), e.measureRows)
}

// xlsxMaxCell is the most characters Excel keeps in a cell, counted in
// UTF-16 code units; excelize would cut a longer text without a word.
const xlsxMaxCell = 32767

// xlsxChunks splits s into parts of at most xlsxMaxCell, each ending after
// a line break or a space when there is one in its second half, so that
// together they are s. An empty s is one empty part.
func xlsxChunks(s string) []string {
	var out []string
	for {
		units, cut, brk := 0, len(s), -1
		for i, r := range s {
			n := utf16.RuneLen(r)
			if n < 0 {
				n = 1
			}
			if units+n > xlsxMaxCell {
				cut = i
				break
			}
			units += n
			if (r == '\n' || r == ' ') && units > xlsxMaxCell/2 {
				brk = i + 1
			}
		}
		if cut == len(s) {
			return append(out, s)
		}
		if brk > 0 {
			cut = brk
		}
		out, s = append(out, s[:cut]), s[cut:]
	}
}

// fitCell answers s when a cell holds it, else its beginning with a note
// that the rest was cut.
func (e exportEnv) fitCell(s string) string {
	if len(s) <= xlsxMaxCell { // a UTF-8 byte is at most one UTF-16 unit
		return s
	}
	note := " […] " + e.t("workbook.export.cut")
	if head := xlsxPrefix(s, xlsxMaxCell); head == s {
		return s
	}
	return xlsxPrefix(s, xlsxMaxCell-len(note)) + note
}

// xlsxPrefix answers the longest beginning of s of at most units UTF-16
// code units.
func xlsxPrefix(s string, units int) string {
	n := 0
	for i, r := range s {
		w := utf16.RuneLen(r)
		if w < 0 {
			w = 1
		}
		if n+w > units {
			return s[:i]
		}
		n += w
	}
	return s
}
