package workbook

import (
	"regexp"
	"strings"
	"time"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/tabular"
)

// ImportLimits bound a spreadsheet of measures: an action plan is a few
// pages, never thousands of rows.
var ImportLimits = tabular.Limits{
	MaxBytes: 2 << 20, MaxRows: MaxMeasures + 20, MaxColumns: 40, MaxCell: MaxSectionBytes,
	MaxEntries: 200, MaxUnpacked: 20 << 20,
}

// datelike is a cell written as a day (digits and separators): it must be
// a real day. Anything else in a deadline column («Høst 2026», «Løpende»)
// is kept as written, as the editor does.
var datelike = regexp.MustCompile(`^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$`)

// deadlineCell reads a deadline: a day in any of the Nordic ways of
// writing one, or free text.
func deadlineCell(s string) (any, *app.Error) {
	if !datelike.MatchString(s) {
		return tabular.Text(MaxShortText)(s)
	}
	d, err := tabular.Date(s)
	if err != nil {
		return nil, err
	}
	return d.(time.Time).Format(time.DateOnly), nil
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
				status[t(loc, "workbook.status."+v)] = v
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
		text := func(k string) string { s, _ := r.Values[k].(string); return strings.TrimSpace(s) }
		out = append(out, MeasureRow{Row: r.Row, Sheet: r.Sheet, Table: r.Table, MeasureInput: MeasureInput{
			Description: text("description"), Responsible: text("responsible"),
			Deadline: text("deadline"), Status: text("status"), Notes: text("notes"),
		}})
	}
	return out, nil
}
