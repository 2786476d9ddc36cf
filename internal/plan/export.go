package plan

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/samvirke/samvirke/internal/chart"
	"github.com/samvirke/samvirke/internal/document"

	"github.com/samvirke/samvirke/internal/i18n"
)

// ExportFormats are the formats a plan is exported to, with their
// content types.
var ExportFormats = map[string]string{
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"csv":  "text/csv; charset=utf-8",
	"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"pdf":  "application/pdf",
}

// ExportName is an export's file name: the plan's title and the day,
// «Handlingsplan för integration – 2026-12-03.xlsx».
func ExportName(p *Plan, now time.Time, format string) string {
	return p.Title + " – " + now.Format(time.DateOnly) + "." + format
}

// exportHeads are the columns of Tierp's table as exports write them
// (the import reads them back).
func exportHeads(t Texts) []string {
	return []string{t("plan_io.col.goal"), t("plan_io.col.problem"), t("plan_io.col.activity"), t("plan_io.col.responsible"),
		t("plan_io.col.timeline"), t("plan_io.col.follow_up"), t("plan_io.col.date")}
}

// exportCells are a table row's cells in exportHeads' order, the date
// as date writes it. Nothing private is among them: no note, no status.
func exportCells(r TableRow, date func(time.Time) string) []string {
	d := ""
	if r.FollowUpDate != nil {
		d = date(*r.FollowUpDate)
	}
	return []string{r.Goal, r.Problem, r.Activity, r.Responsible, r.Timeline, r.FollowUp, d}
}

// WriteCSV writes the plan's table in Tierp's layout as CSV the way
// Nordic spreadsheets write it: UTF-8 with a byte order mark, semicolons,
// CRLF, with an «Område» column named on each area's first row. A cell
// that a spreadsheet would take for a formula starts with an apostrophe.
func (t *Tree) WriteCSV(w io.Writer, tr Texts, locale string) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma, cw.UseCRLF = ';', true
	if err := cw.Write(append([]string{tr("plan_io.col.area")}, exportHeads(tr)...)); err != nil {
		return err
	}
	date := func(d time.Time) string { return i18n.FormatDateInput(locale, d) }
	for i, a := range t.Content.Areas {
		for j, r := range t.Table(i) {
			area := ""
			if j == 0 {
				area = a.Title
			}
			cells := append([]string{area}, exportCells(r, date)...)
			for k := range cells {
				cells[k] = guardCell(cells[k])
			}
			if err := cw.Write(cells); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes the plan's table in Tierp's layout as an Excel
// workbook of one sheet: a header row, then each area as a merged row
// over its lines; texts wrap and keep their line breaks, follow-up dates
// are date cells.
func (t *Tree) WriteXLSX(w io.Writer, tr Texts, locale string) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := xlsxSheetName(tr("plan.kind." + t.Plan.Kind))
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("plan: xlsx: %w", err)
	}
	if err := t.xlsxSheet(f, sheet, tr, locale); err != nil {
		return fmt.Errorf("plan: xlsx: %w", err)
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: t.Plan.Title, Subject: t.Plan.Scope, Language: locale}); err != nil {
		return fmt.Errorf("plan: xlsx: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("plan: xlsx: %w", err)
	}
	return nil
}

func (t *Tree) xlsxSheet(f *excelize.File, sheet string, tr Texts, locale string) error {
	top := &excelize.Alignment{Vertical: "top", WrapText: true}
	dateFmt := "yyyy-mm-dd"
	if locale == "nb" || locale == "da" {
		dateFmt = "dd.mm.yyyy"
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: top,
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E4EAF2"}}})
	if err != nil {
		return err
	}
	area, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 12}, Alignment: top,
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F3F5F8"}}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: top})
	if err != nil {
		return err
	}
	day, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt, Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "left"}})
	if err != nil {
		return err
	}
	heads := exportHeads(tr)
	last := cellName(len(heads), 1)
	for i, h := range heads {
		if err := f.SetCellStr(sheet, cellName(i+1, 1), h); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(sheet, "A1", last, head); err != nil {
		return err
	}
	for i, wd := range []float64{40, 40, 45, 25, 14, 35, 12} {
		c, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, c, c, wd); err != nil {
			return err
		}
	}
	row := 1
	for i, a := range t.Content.Areas {
		row++
		start, end := cellName(1, row), cellName(len(heads), row)
		if err := f.SetCellStr(sheet, start, a.Title); err != nil {
			return err
		}
		if err := f.MergeCell(sheet, start, end); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, start, end, area); err != nil {
			return err
		}
		for _, r := range t.Table(i) {
			row++
			for k, v := range exportCells(r, func(time.Time) string { return "" }) {
				if v != "" {
					if err := f.SetCellStr(sheet, cellName(k+1, row), v); err != nil {
						return err
					}
				}
			}
			if err := f.SetCellStyle(sheet, cellName(1, row), cellName(len(heads)-1, row), wrap); err != nil {
				return err
			}
			if r.FollowUpDate != nil {
				if err := f.SetCellValue(sheet, cellName(len(heads), row), *r.FollowUpDate); err != nil {
					return err
				}
			}
			if err := f.SetCellStyle(sheet, cellName(len(heads), row), cellName(len(heads), row), day); err != nil {
				return err
			}
		}
	}
	return f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// xlsxSheetName makes name a valid sheet name: no []:*?/\, at most 31
// characters.
func xlsxSheetName(name string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) || r < ' ' {
			return ' '
		}
		return r
	}, name)
	name = strings.Trim(strings.Join(strings.Fields(name), " "), "'")
	if r := []rune(name); len(r) > 31 {
		name = string(r[:31])
	}
	if name == "" {
		return "Plan"
	}
	return name
}

// versionText is the plan's version as its header shows it.
func versionText(p *Plan) string { return strconv.Itoa(p.Version) }

// Document is the plan as a printable document (document.WritePDF, or
// WriteDOCX for the committee's case document): its title, the header
// of a municipal plan (Dokumenttyp, Gäller för, Fastställd av …), the
// main goal, then each area's table in Tierp's layout under «Mål/delmål
// för område …». Nothing private is in it: no note, no member's name
// beyond the responsible as written.
func (t *Tree) Document(locale string, tr Texts, now time.Time) *document.Document {
	p := t.Plan
	d := &document.Document{Title: p.Title, Subject: p.Scope, Created: now, Locale: locale, Landscape: true,
		Format: chart.Format{Locale: locale, T: tr}}
	d.Add(&document.Heading{Level: 1, Text: p.Title})
	day := func(v *time.Time) string {
		if v == nil {
			return ""
		}
		return i18n.FormatDate(locale, *v)
	}
	period := ""
	switch {
	case p.PeriodFrom != nil && p.PeriodTo != nil:
		period = fmt.Sprintf("%d–%d", *p.PeriodFrom, *p.PeriodTo)
	case p.PeriodFrom != nil:
		period = strconv.Itoa(*p.PeriodFrom)
	case p.PeriodTo != nil:
		period = strconv.Itoa(*p.PeriodTo)
	}
	adopted := p.AdoptedBy
	if p.DecisionRef != "" {
		adopted = strings.TrimPrefix(adopted+" – "+p.DecisionRef, " – ")
	}
	meta := &document.Table{Head: []string{tr("plan_io.export.field"), tr("plan_io.export.value")}, Widths: []float64{1, 3}}
	for _, f := range [][2]string{
		{"plan.field.kind", tr("plan.kind." + p.Kind)}, {"plan.field.scope", p.Scope}, {"plan.field.period", period},
		{"plan.field.adopted_by", adopted}, {"plan.field.adopted_on", day(p.AdoptedOn)}, {"plan.field.owner", p.Owner},
		{"plan.field.valid_until", day(p.ValidUntil)}, {"plan.field.reg_number", p.RegNumber},
		{"plan.field.version", versionText(p)}, {"plan.field.status", tr("plan.status." + p.Status)},
	} {
		if f[1] != "" {
			meta.Rows = append(meta.Rows, []string{tr(f[0]), f[1]})
		}
	}
	d.Add(meta)
	if t.Content.MainGoal != "" {
		d.Add(&document.Heading{Level: 2, Text: tr("plan.field.main_goal")}, &document.Paragraph{Text: t.Content.MainGoal})
	}
	date := func(v time.Time) string { return i18n.FormatDateInput(locale, v) }
	for i, a := range t.Content.Areas {
		heads := exportHeads(tr)
		heads[0] = tr("plan_io.col.goal_area", "area", a.Title)
		tb := &document.Table{Head: heads, Widths: []float64{3, 3, 3, 2, 1.3, 2.5, 1.3}}
		for _, r := range t.Table(i) {
			tb.Rows = append(tb.Rows, exportCells(r, date))
		}
		d.Add(&document.Heading{Level: 2, Text: a.Title})
		if len(tb.Rows) == 0 {
			d.Add(&document.Paragraph{Text: tr("plan.area.empty"), Style: document.Muted})
			continue
		}
		d.Add(tb)
	}
	return d
}
