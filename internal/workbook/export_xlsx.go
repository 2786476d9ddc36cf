package workbook

import (
	"fmt"
	"io"
	"strings"
	"time"

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
// generation time. Excel keeps at most 32,767 characters in a cell.
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
	if err := f.SetSheetName("Sheet1", overview); err != nil {
		return fmt.Errorf("workbook: xlsx: %w", err)
	}
	for _, build := range []func() error{
		func() error { return v.xlsxOverview(f, overview, e, st) },
		func() error { return v.xlsxGoals(f, goals, e, st) },
		func() error { return v.xlsxMeasures(f, measures, e, st) },
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
	for r, sec := range v.Sections {
		row := head + 1 + r
		if err := f.SetCellStr(sheet, xlsxCell(1, row), sec.Title); err != nil {
			return err
		}
		for i := range v.Columns {
			if err := f.SetCellStr(sheet, xlsxCell(i+2, row), v.Columns[i].Answers[sec.Key]); err != nil {
				return err
			}
		}
		if err := f.SetCellStyle(sheet, xlsxCell(1, row), xlsxCell(1, row), st.head); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, xlsxCell(2, row), xlsxCell(len(heads), row), st.wrap); err != nil {
			return err
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
