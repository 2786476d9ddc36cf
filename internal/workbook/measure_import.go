package workbook

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/ratelimit"
	"github.com/samvirke/samvirke/internal/tabular"
)

// ImportLimits bound a spreadsheet of measures: an action plan is a few
// pages, never thousands of rows.
var ImportLimits = tabular.Limits{
	MaxBytes: 2 << 20, MaxRows: MaxMeasures + 20, MaxColumns: 40, MaxCell: MaxSectionBytes,
	MaxEntries: 200, MaxUnpacked: 20 << 20,
}

// deadlineCell reads a deadline as the editor does (measure.ParseDeadline):
// a day, written the ISO way for the form, or text kept as written
// («Høst 2026», «Løpende»); a cell that looks like a day but is none is
// refused, never kept as text. The organisation's seasons change none of
// this, only when a period falls due: ImportMeasures reads that with them.
func deadlineCell(s string) (any, *app.Error) {
	switch d := measure.ParseDeadline(s, measure.Seasons{}); {
	case d.Invalid:
		return nil, app.Errorf(app.EInvalid, "import.error.date", "value", s)
	case d.Kind == measure.DeadlineDate:
		return d.Due.Format(time.DateOnly), nil
	}
	return tabular.Text(MaxShortText)(s)
}

// measureColumns are the columns of an action plan, by the headers
// Norwegian, Swedish, Danish and English plans give them. Other columns
// (area, cost) are read past.
func measureColumns(t func(locale, key string, args ...any) string) []tabular.Column {
	status := map[string]string{}
	for _, v := range statusValid {
		status[v] = v
		if t != nil {
			for _, loc := range i18n.Locales {
				status[t(loc, "measure.status."+v)] = v
			}
		}
	}
	return []tabular.Column{
		{Key: "description", Required: true, Parse: tabular.Text(MaxSectionBytes / 4),
			Headers: []string{"Tiltak", "Åtgärd", "Åtgärder", "Aktivitet", "Insats", "Indsats", "Handling", "Measure", "Action"}},
		{Key: "responsible", Parse: tabular.Text(MaxShortText),
			Headers: []string{"Ansvarlig", "Ansvar", "Ansvarig", "Ansvarlig enhet", "Responsible"}},
		{Key: "deadline", Parse: deadlineCell,
			Headers: []string{"Frist", "Tidsfrist", "Klart senast", "Senest", "Tidsplan", "Når", "Deadline", "Due"}},
		{Key: "status", Parse: tabular.OneOf(status), Headers: []string{"Status"}},
		{Key: "notes", Parse: tabular.Text(MaxSectionBytes / 4),
			Headers: []string{"Merknad", "Merknader", "Kommentar", "Kommentarer", "Anmärkning", "Bemærkning", "Bemærkninger", "Notes", "Comment"}},
	}
}

// ImportsPerHour bounds how many files (or pasted chapters) one person
// has read per hour: reading a spreadsheet costs far more than a page.
var ImportsPerHour = ratelimit.Limit{Name: "import.user.hour", Max: 60, Window: time.Hour}

// takeImportLimit counts one import read against a's limit. It runs
// before, never inside, a transaction.
func (s *Service) takeImportLimit(ctx context.Context, a *app.Actor) error {
	if a == nil || a.UserID == 0 {
		return nil // the demo loader and tasks: no person to count
	}
	if s.Limits == nil {
		return fmt.Errorf("workbook: no limiter for imports")
	}
	return s.Limits.Take(ctx, ImportsPerHour, fmt.Sprint("user:", a.UserID))
}

// ReadMeasureFile is ReadMeasures for a person's upload, counted against
// ImportsPerHour (app.ETooMany when over it, as the error).
func (s *Service) ReadMeasureFile(ctx context.Context, a *app.Actor, data []byte, t func(locale, key string, args ...any) string) ([]MeasureRow, tabular.Problems, error) {
	if err := s.takeImportLimit(ctx, a); err != nil {
		return nil, nil, err
	}
	rows, probs := ReadMeasures(data, t)
	return rows, probs, nil
}

// MeasureRow is one measure read from a file, with where the
// spreadsheet shows it (tabular.Record's Row, Sheet and Table).
type MeasureRow struct {
	Row   int
	Sheet string
	Table int
	MeasureInput
}

// ReadMeasures reads an action plan (CSV, XLSX or Word tables) into
// measures: every table whose header names a measure column, each row
// under it one measure. t names the statuses in every language (a
// catalogue's T); nil accepts only their codes. Every problem of the file
// is answered, by row and column, and no measure when there is one: the
// caller writes nothing then.
func ReadMeasures(data []byte, t func(locale, key string, args ...any) string) ([]MeasureRow, tabular.Problems) {
	book, err := tabular.Read(data, ImportLimits)
	if err != nil {
		return nil, tabular.Problems{{Err: app.AsError(err)}}
	}
	recs, probs := book.MapAll(measureColumns(t))
	if len(probs) > 0 {
		return nil, probs
	}
	if len(recs) == 0 {
		return nil, tabular.Problems{{Err: app.Errorf(app.EInvalid, "import.error.empty")}}
	}
	if len(recs) > MaxMeasures {
		return nil, tabular.Problems{{Err: app.Errorf(app.EInvalid, "import.error.too_many_rows", "max", MaxMeasures)}}
	}
	out := make([]MeasureRow, 0, len(recs))
	for _, r := range recs {
		out = append(out, MeasureRow{Row: r.Row, Sheet: r.Sheet, Table: r.Table, MeasureInput: measureInputOf(r)})
	}
	return out, nil
}

// measureInputOf is a row mapped by measureColumns as the editor's input.
func measureInputOf(r tabular.Record) MeasureInput {
	text := func(k string) string { s, _ := r.Values[k].(string); return strings.TrimSpace(s) }
	return MeasureInput{Description: text("description"), Responsible: text("responsible"),
		Deadline: text("deadline"), Status: text("status"), Notes: text("notes")}
}

// ImportMeasures adds measures read from a file (ReadMeasures) to muni's
// answer to a statement of its workbook, after the ones it has, in one
// new version of the answer: all of them or, when one is invalid, none.
// baseVersion is the answer's version the user saw the preview beside (0:
// no answer yet); when someone saved since, nothing is written and the
// error is app.EConflict "workbook.error.conflict". Errors: app.ENotFound
// for a workbook or statement that is not muni's; app.EInvalid with the
// key and field of the first invalid row (a preview's rows come back
// from the browser, and are checked again).
func (s *Service) ImportMeasures(ctx context.Context, muni *org.Organisation, a *app.Actor, workbookID, statementID int64, baseVersion int, rows []MeasureRow) (*Entry, error) {
	if len(rows) == 0 {
		return nil, app.Errorf(app.EInvalid, "import.error.empty")
	}
	measures := make([]Measure, 0, len(rows))
	for _, r := range rows {
		r.ResponsibleUser = "" // a file names people as written, never as members
		r.Seasons = measure.SeasonsOf(muni)
		m, errs := r.Validate(nil)
		for field, key := range errs {
			return nil, app.Errorf(app.EInvalid, key).WithField(field)
		}
		m.From = nil
		measures = append(measures, m)
	}
	_, entries, err := s.OpenWorkbook(ctx, muni, workbookID, StatementEntry(statementID))
	if err != nil {
		return nil, err
	}
	content, current := Content{Answers: map[string]string{}}, 0
	if e := entries[statementID]; e != nil {
		content, current = e.Content, e.Version
	}
	if current != baseVersion {
		return nil, app.Errorf(app.EConflict, "workbook.error.conflict")
	}
	content.Measures = append(content.Measures, measures...)
	return s.SaveEntry(ctx, muni, a, Save{WorkbookID: workbookID, StatementID: statementID, Content: content, BaseVersion: current})
}
