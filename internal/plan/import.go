package plan

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/tabular"
)

// ImportLimits bound an action plan's file: a plan is pages, not
// thousands of rows.
var ImportLimits = tabular.Limits{
	MaxBytes: 4 << 20, MaxRows: MaxItems + 200, MaxColumns: 40, MaxCell: MaxText * 4,
	MaxEntries: 300, MaxUnpacked: 32 << 20,
}

// ImportRow is one row of a plan's table in Tierp's layout as a file
// gives it: a goal (with the problem it answers) and its first measure,
// a goal alone, or a measure under the goal above. Row, Sheet and Table
// say where the spreadsheet shows it (tabular.Record's).
type ImportRow struct {
	Row          int        `json:"row"`
	Sheet        string     `json:"sheet,omitempty"`
	Table        int        `json:"table,omitempty"`
	Goal         string     `json:"goal,omitempty"`
	Problem      string     `json:"problem,omitempty"`
	Activity     string     `json:"activity,omitempty"`
	Responsible  string     `json:"responsible,omitempty"`
	Timeline     string     `json:"timeline,omitempty"` // as written
	FollowUp     string     `json:"follow_up,omitempty"`
	FollowUpDate *time.Time `json:"follow_up_date,omitempty"`
}

// HasMeasure reports whether the row names a measure: an activity, a
// responsible or a timeline.
func (r ImportRow) HasMeasure() bool {
	return r.Activity != "" || r.Responsible != "" || r.Timeline != ""
}

// Deadline is the row's timeline as package measure reads it.
func (r ImportRow) Deadline() measure.Deadline {
	return measure.ParseDeadline(r.Timeline, measure.Seasons{})
}

// TimelineUnread reports a timeline that is written but gives no due
// day: it is imported as written and flagged, never refused.
func (r ImportRow) TimelineUnread() bool {
	if r.Timeline == "" {
		return false
	}
	d := r.Deadline()
	return d.Invalid || d.Kind == measure.DeadlineUnknown
}

// ImportArea is a focus area of a file with its rows in order.
type ImportArea struct {
	Title string      `json:"title"`
	Rows  []ImportRow `json:"rows"`
}

// Import is what a file holds, read by ReadImport: its areas in order.
type Import struct {
	Areas []ImportArea `json:"areas"`
}

// Counts answers how many areas, goals and measures the import adds.
func (im *Import) Counts() (areas, goals, measures int) {
	for _, a := range im.Areas {
		for _, r := range a.Rows {
			if r.Goal != "" {
				goals++
			}
			if r.HasMeasure() {
				measures++
			}
		}
	}
	return len(im.Areas), goals, measures
}

// importColumns are the columns of Tierp's table by the headers Swedish,
// Norwegian, Danish and English plans give them.
var importColumns = []tabular.Column{
	{Key: "area", FillDown: true, Parse: tabular.Text(MaxTitle),
		Headers: []string{"Område", "Fokusområde", "Innsatsområde", "Indsatsområde", "Satsningsområde", "Area", "Focus area"}},
	{Key: "goal", Parse: tabular.Text(MaxText),
		Headers: []string{"Mål/delmål", "Mål / delmål", "Mål og delmål", "Mål och delmål", "Mål", "Delmål", "Målsætning", "Goal/sub-goal", "Goal", "Sub-goal"}},
	{Key: "problem", Parse: tabular.Text(MaxText),
		Headers: []string{"Problem/behov", "Problem / behov", "Problem", "Behov", "Utfordring", "Udfordring", "Problem/need", "Need"}},
	{Key: "activity", Parse: tabular.Text(MaxText),
		Headers: []string{"Aktivitet", "Aktiviteter", "Åtgärd", "Åtgärder", "Tiltak", "Indsats", "Handling", "Activity", "Measure", "Action"}},
	{Key: "responsible", Parse: tabular.Text(MaxShort),
		Headers: []string{"Huvudansvar", "Huvudansvarig", "Hovedansvar", "Hovedansvarlig", "Ansvar", "Ansvarig", "Ansvarlig", "Main responsible", "Responsible"}},
	{Key: "timeline", Parse: tabular.Text(MaxShort),
		Headers: []string{"Tidplan", "Tidsplan", "Tidsramme", "Frist", "Timeline", "Deadline", "When"}},
	{Key: "follow_up", Parse: tabular.Text(MaxText),
		Headers: []string{"Uppföljning/resultat", "Uppföljning/resultat, datum", "Uppföljning", "Resultat", "Oppfølging/resultat",
			"Oppfølging", "Opfølgning/resultat", "Opfølgning", "Follow-up/result", "Follow-up", "Result"}},
	{Key: "date", Parse: tabular.Date,
		Headers: []string{"Datum", "Dato", "Date", "Uppföljningsdatum", "Oppfølgingsdato", "Opfølgningsdato", "Follow-up date"}},
}

// areaHeader joins a goal column's header and the area's title in a Word
// table's header («Mål/delmål för område Arbete»).
var areaHeader = []string{" för område ", " för området ", " for område ", " for området ", " for innsatsområde ",
	" for indsatsområde ", " for fokusområde ", " for area ", " in area "}

// ReadImport reads an action plan in Tierp's layout (XLSX, CSV or a Word
// document's tables) into areas and rows. A row with a goal starts a goal
// (its problem the goal's); a row without one is a measure under the goal
// above; a row with only a problem or a follow-up continues the row above
// (a cell a page break split). The area is a row whose one value spans
// the table (a merged row), an «Område» column, or a Word table's header
// «Mål/delmål för område Arbete». Timelines are kept as written; a
// follow-up date that is not a day is a problem naming its row and
// column. Every problem of the file is answered, and no import when there
// is one.
func ReadImport(data []byte) (*Import, tabular.Problems) {
	book, err := tabular.Read(data, ImportLimits)
	if err != nil {
		return nil, tabular.Problems{{Err: app.AsError(err)}}
	}
	im := &Import{}
	var probs, first tabular.Problems
	found := false
	for _, tb := range book.Tables {
		sheet, number := "", 0
		if len(book.Tables) > 1 {
			if sheet = tb.Name; sheet == "" {
				number = tb.Number
			}
		}
		ps, ok := readImportTable(im, tb, book.Format == tabular.CSV, sheet, number)
		for i := range ps {
			ps[i].Sheet, ps[i].Table = sheet, number
		}
		if !ok {
			if first == nil {
				first = ps
			}
			continue
		}
		found = true
		probs = append(probs, ps...)
		if len(probs) >= tabular.MaxProblems {
			return nil, probs[:tabular.MaxProblems]
		}
	}
	switch {
	case !found:
		return nil, first
	case len(probs) > 0:
		return nil, probs
	case len(im.Areas) == 0:
		return nil, tabular.Problems{{Err: app.Errorf(app.EInvalid, "import.error.empty")}}
	case len(im.Areas) > MaxAreas:
		return nil, tabular.Problems{{Err: app.Errorf(app.EInvalid, "plan.error.too_many_areas", "max", MaxAreas)}}
	}
	if _, g, m := im.Counts(); g+m > MaxItems {
		return nil, tabular.Problems{{Err: app.Errorf(app.EInvalid, "plan.error.too_many", "max", MaxItems)}}
	}
	return im, nil
}

// readImportTable reads one table into im. ok is false when the table
// has no header naming a goal and an activity (its problem answered).
// sheet and number say where the table stands in a book of several.
func readImportTable(im *Import, tb *tabular.Table, csv bool, sheet string, number int) (tabular.Problems, bool) {
	head, headerArea := importHeader(tb)
	if head < 0 {
		return tabular.Problems{{Err: app.Errorf(app.EInvalid, "import.error.no_header", "columns", "«Mål/delmål», «Aktivitet»")}}, false
	}
	// A copy where the header names its goal column plainly and the
	// area rows are blank (Map skips them), each remembered by its row.
	rows := make([][]string, len(tb.Rows))
	copy(rows, tb.Rows)
	if headerArea != "" {
		rows[head] = append([]string(nil), rows[head]...)
		for j, cell := range rows[head] {
			if _, title := splitAreaHeader(cell); title != "" {
				rows[head][j] = "Mål/delmål"
			}
		}
	}
	sections := map[int]string{}
	for i := head + 1; i < len(rows); i++ {
		if title, ok := sectionRow(rows[i]); ok {
			sections[i+1] = title
			rows[i] = make([]string, len(rows[i]))
		}
	}
	recs, probs := (&tabular.Table{Name: tb.Name, Number: tb.Number, Rows: rows}).Map(importColumns)
	if len(probs) > 0 {
		return probs, true
	}
	section, row := "", head+1
	var ps tabular.Problems
	for _, rec := range recs {
		for ; row < rec.Row; row++ {
			if t, ok := sections[row]; ok {
				section = t
			}
		}
		text := func(k string) string {
			s, _ := rec.Values[k].(string)
			if csv {
				s = unguardCell(s)
			}
			return strings.TrimSpace(s)
		}
		r := ImportRow{Row: rec.Row, Sheet: sheet, Table: number, Goal: text("goal"), Problem: text("problem"), Activity: text("activity"),
			Responsible: text("responsible"), Timeline: text("timeline"), FollowUp: text("follow_up")}
		if d, ok := rec.Values["date"].(time.Time); ok {
			r.FollowUpDate = &d
		}
		title := section
		if title == "" {
			title = text("area")
		}
		if title == "" {
			title = headerArea
		}
		if title == "" {
			ps = append(ps, tabular.Problem{Row: rec.Row, Err: app.Errorf(app.EInvalid, "plan_io.error.no_area")})
			continue
		}
		if err := im.add(title, r); err != nil {
			ps = append(ps, tabular.Problem{Row: rec.Row, Err: err})
		}
	}
	return ps, true
}

// add puts r under the area titled title (the last one so titled, or a
// new one), or, when r only continues the row above, into that row.
func (im *Import) add(title string, r ImportRow) *app.Error {
	ai := len(im.Areas) - 1
	if ai < 0 || !strings.EqualFold(im.Areas[ai].Title, title) {
		im.Areas = append(im.Areas, ImportArea{Title: title})
		ai++
	}
	a := &im.Areas[ai]
	if r.Goal != "" || r.HasMeasure() {
		a.Rows = append(a.Rows, r)
		return nil
	}
	if len(a.Rows) == 0 {
		return app.Errorf(app.EInvalid, "plan_io.error.orphan")
	}
	prev := &a.Rows[len(a.Rows)-1]
	prev.Problem = joinLines(prev.Problem, r.Problem)
	prev.FollowUp = joinLines(prev.FollowUp, r.FollowUp)
	if prev.FollowUpDate == nil {
		prev.FollowUpDate = r.FollowUpDate
	}
	if utf8.RuneCountInString(prev.Problem) > MaxText || utf8.RuneCountInString(prev.FollowUp) > MaxText {
		return app.Errorf(app.EInvalid, "import.error.text_too_long", "max", MaxText)
	}
	return nil
}

func joinLines(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "\n" + b
}

// importHeader answers the header row among the first ten (the first
// naming a goal column and an activity column), and the area its goal
// column names, if it does («Mål/delmål för område Arbete»).
func importHeader(tb *tabular.Table) (int, string) {
	goal, activity := importColumns[1].Headers, importColumns[3].Headers
	for i := 0; i < len(tb.Rows) && i < 10; i++ {
		var hasGoal, hasActivity bool
		area := ""
		for _, cell := range tb.Rows[i] {
			switch {
			case headerIs(cell, goal):
				hasGoal = true
			case headerIs(cell, activity):
				hasActivity = true
			default:
				if _, title := splitAreaHeader(cell); title != "" {
					hasGoal, area = true, title
				}
			}
		}
		if hasGoal && hasActivity {
			return i, area
		}
	}
	return -1, ""
}

// splitAreaHeader splits «Mål/delmål för område Arbete» into the goal
// header and the area's title ("" when cell is not such a header).
func splitAreaHeader(cell string) (string, string) {
	s := strings.Join(strings.Fields(cell), " ")
	low := strings.ToLower(s)
	if len(low) != len(s) {
		return "", ""
	}
	for _, sep := range areaHeader {
		if i := strings.Index(low, sep); i > 0 && headerIs(s[:i], importColumns[1].Headers) {
			return s[:i], strings.TrimSpace(s[i+len(sep):])
		}
	}
	return "", ""
}

// headerIs compares as tabular does: case, spacing and a trailing colon
// or asterisk ignored.
func headerIs(cell string, headers []string) bool {
	norm := func(s string) string {
		return strings.TrimRight(strings.Join(strings.Fields(strings.ToLower(s)), " "), ":* ")
	}
	c := norm(cell)
	for _, h := range headers {
		if c == norm(h) {
			return true
		}
	}
	return false
}

// sectionRow reports a row whose one value spans it: an area's merged
// row (a spreadsheet or Word fills every cell of a merge with its value).
func sectionRow(row []string) (string, bool) {
	value, n := "", 0
	for _, c := range row {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if value != "" && c != value {
			return "", false
		}
		value = c
		n++
	}
	if n < 2 || strings.TrimSpace(row[0]) == "" || utf8.RuneCountInString(value) > MaxTitle {
		return "", false
	}
	return value, true
}

// guardCell keeps a spreadsheet from reading a CSV cell as a formula: a
// cell starting with = + - @ gets a leading apostrophe, as spreadsheets
// write such text. unguardCell takes it away again on import.
func guardCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func unguardCell(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}
