package web

import (
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/workbook"
)

// goalRow and measureRow are the editor's rows, as typed: what the user
// wrote stays in the form even when it is wrong.
type goalRow struct {
	ID                                                               string // kept through edits: the goal's own page
	Statement, Indicator, Baseline, Target, Unit, TargetDate, Status string
	From, FromName                                                   string // origin of a copy, kept through edits
}

type measureRow struct {
	ID, Progress, Goals                                                string // kept through edits (Goals: ids, comma-separated)
	ManyGoals                                                          bool   // serves more than one goal (set through the API): kept, not offered as a choice
	Description, Responsible, ResponsibleUser, Deadline, Status, Notes string
	From, FromName                                                     string
}

// originField writes an origin for a hidden form field; parseOrigin reads
// it back. The field only says which recorded origin a row keeps: the
// service keeps an origin only when the entry already has it, with the
// name it recorded.
func originField(o *workbook.Origin) (string, string) {
	if o == nil {
		return "", ""
	}
	return strconv.FormatInt(o.OrgID, 10) + ":" + strconv.FormatInt(o.EntryID, 10), o.OrgName
}

func parseOrigin(field string) *workbook.Origin {
	a, b, ok := strings.Cut(field, ":")
	org, err1 := strconv.ParseInt(a, 10, 64)
	entry, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return nil
	}
	return &workbook.Origin{OrgID: org, EntryID: entry}
}

// statuses offered for goals and measures.
var statuses = measure.Statuses

func goalRows(goals []workbook.Goal, loc string) []goalRow {
	var out []goalRow
	for _, g := range goals {
		r := goalRow{ID: g.ID, Statement: g.Statement, Indicator: g.IndicatorCode, Unit: g.Unit, Status: g.Status}
		r.From, r.FromName = originField(g.From)
		if g.Baseline != nil {
			r.Baseline = formatDecimal(*g.Baseline, loc)
		}
		if g.Target != nil {
			r.Target = formatDecimal(*g.Target, loc)
		}
		if g.TargetDate != nil {
			r.TargetDate = i18n.FormatDateInput(loc, *g.TargetDate)
		}
		out = append(out, r)
	}
	return append(out, goalRow{Status: measure.StatusNotStarted}) // one empty row to add to
}

func measureRows(ms []workbook.Measure, loc string) []measureRow {
	var out []measureRow
	for _, m := range ms {
		r := measureRow{ID: m.ID, Progress: strconv.Itoa(m.Progress), Goals: strings.Join(m.Goals, ","), ManyGoals: len(m.Goals) > 1, Description: m.Description, Responsible: m.Responsible, Status: m.Status, Notes: m.Notes}
		r.From, r.FromName = originField(m.From)
		if m.ResponsibleUser != nil {
			r.ResponsibleUser = strconv.FormatInt(*m.ResponsibleUser, 10)
		}
		if m.Deadline != nil && m.DeadlineText == "" {
			r.Deadline = i18n.FormatDateInput(loc, *m.Deadline)
		} else {
			r.Deadline = m.DeadlineText // as written: «Høst 2016»
		}
		out = append(out, r)
	}
	return append(out, measureRow{Status: measure.StatusNotStarted})
}

func formatDecimal(f float64, loc string) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if loc != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// editorRows are the goals and measures of the editor as posted: the rows
// as typed, the goals and measures they make (empty rows are dropped), the
// row each goal and measure came from, and errors by field
// ("goal.2.target") with a translation key.
type editorRows struct {
	goalRows          []goalRow
	measureRows       []measureRow
	goals             []workbook.Goal
	measures          []workbook.Measure
	goalAt, measureAt []int // row of goals[i], measures[i]
	errs              map[string]string
}

// field answers the editor's field of a field of the content, which
// counts goals and measures without the empty rows: "goal.1.statement"
// is "goal.3.statement" when rows 1 and 2 were left empty.
func (r *editorRows) field(f string) string {
	kind, rest, _ := strings.Cut(f, ".")
	n, name, ok := strings.Cut(rest, ".")
	i, err := strconv.Atoi(n)
	if !ok || err != nil {
		return f
	}
	switch {
	case kind == "goal" && i < len(r.goalAt):
		return "goal." + strconv.Itoa(r.goalAt[i]) + "." + name
	case kind == "measure" && i < len(r.measureAt):
		return "measure." + strconv.Itoa(r.measureAt[i]) + "." + name
	}
	return f
}

// readGoalsMeasures reads the editor's rows: at most one more than an
// entry may have, so that too many is reported, not cut off. A deadline
// is read with the organisation's seasons.
func readGoalsMeasures(c *gin.Context, members map[int64]bool) *editorRows {
	r := &editorRows{errs: map[string]string{}}
	seasons := measure.SeasonsOf(orgOf(c))
	for i := 0; i <= workbook.MaxGoals+1; i++ {
		p := "goal." + strconv.Itoa(i) + "."
		if _, ok := c.GetPostForm(p + "statement"); !ok {
			break
		}
		row := goalRow{Statement: strings.TrimSpace(c.PostForm(p + "statement")), Indicator: strings.TrimSpace(c.PostForm(p + "indicator")),
			Baseline: c.PostForm(p + "baseline"), Target: c.PostForm(p + "target"), Unit: strings.TrimSpace(c.PostForm(p + "unit")),
			TargetDate: c.PostForm(p + "target_date"), Status: c.PostForm(p + "status"), From: c.PostForm(p + "from"), ID: c.PostForm(p + "id")}
		r.goalRows = append(r.goalRows, row)
		in := workbook.GoalInput{Statement: row.Statement, Indicator: row.Indicator, Baseline: row.Baseline, Target: row.Target,
			Unit: row.Unit, TargetDate: row.TargetDate, Status: row.Status, From: parseOrigin(row.From), ID: row.ID}
		if in.Empty() {
			continue
		}
		g, errs := in.Validate()
		for f, key := range errs {
			r.errs[p+f] = key
		}
		r.goals, r.goalAt = append(r.goals, g), append(r.goalAt, i)
	}
	for i := 0; i <= workbook.MaxMeasures+1; i++ {
		p := "measure." + strconv.Itoa(i) + "."
		if _, ok := c.GetPostForm(p + "description"); !ok {
			break
		}
		row := measureRow{Description: strings.TrimSpace(c.PostForm(p + "description")), Responsible: strings.TrimSpace(c.PostForm(p + "responsible")),
			ResponsibleUser: c.PostForm(p + "responsible_user"), Deadline: strings.TrimSpace(c.PostForm(p + "deadline")),
			Status: c.PostForm(p + "status"), Notes: strings.TrimSpace(c.PostForm(p + "notes")), From: c.PostForm(p + "from"),
			ID: c.PostForm(p + "id"), Progress: c.PostForm(p + "progress"), Goals: c.PostForm(p + "goals")}
		row.ManyGoals = strings.Contains(row.Goals, ",")
		r.measureRows = append(r.measureRows, row)
		in := workbook.MeasureInput{Description: row.Description, Responsible: row.Responsible, ResponsibleUser: row.ResponsibleUser,
			Deadline: row.Deadline, Status: row.Status, Notes: row.Notes, From: parseOrigin(row.From),
			ID: row.ID, Progress: row.Progress, Goals: row.Goals, Seasons: seasons}
		if in.Empty() {
			continue
		}
		m, errs := in.Validate(members)
		for f, key := range errs {
			r.errs[p+f] = key
		}
		r.measures, r.measureAt = append(r.measures, m), append(r.measureAt, i)
	}
	return r
}

// nameOrigins shows the recorded name of each row's origin, and none for
// an origin the entry does not have (the service would drop it).
func (r *editorRows) nameOrigins(e *workbook.Entry) {
	names := map[string]string{}
	if e != nil {
		for _, g := range e.Content.Goals {
			f, n := originField(g.From)
			names[f] = n
		}
		for _, m := range e.Content.Measures {
			f, n := originField(m.From)
			names[f] = n
		}
	}
	for i := range r.goalRows {
		r.goalRows[i].FromName = names[r.goalRows[i].From]
		if r.goalRows[i].FromName == "" {
			r.goalRows[i].From = ""
		}
	}
	for i := range r.measureRows {
		r.measureRows[i].FromName = names[r.measureRows[i].From]
		if r.measureRows[i].FromName == "" {
			r.measureRows[i].From = ""
		}
	}
}
