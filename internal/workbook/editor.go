package workbook

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/measure"
)

// GoalInput is a measurable goal as typed in the editor: numbers with a
// decimal comma or point, a date as YYYY-MM-DD.
type GoalInput struct {
	ID                                                               string // the goal's id when it has one (the service keeps only its own)
	Statement, Indicator, Baseline, Target, Unit, TargetDate, Status string
	From                                                             *Origin
}

// Empty reports whether the row was left empty: it is then no goal.
func (in GoalInput) Empty() bool {
	return strings.TrimSpace(in.Statement+in.Indicator+in.Baseline+in.Target+in.Unit+in.TargetDate) == ""
}

// Validate turns the row into a goal. Errors are by field of the row
// ("statement", "baseline", "target", "target_date") with a translation
// key: a statement is required, baseline and target are numbers, the
// target date a date. An unknown status is planned.
func (in GoalInput) Validate() (Goal, map[string]string) {
	errs := map[string]string{}
	g := Goal{Statement: strings.TrimSpace(in.Statement), IndicatorCode: strings.TrimSpace(in.Indicator),
		Unit: strings.TrimSpace(in.Unit), Status: statusOr(in.Status), From: in.From}
	if measure.ValidID(in.ID) {
		g.ID = in.ID
	}
	if g.Statement == "" {
		errs["statement"] = "error.required"
	}
	var ok bool
	if g.Baseline, ok = ParseDecimal(in.Baseline); !ok {
		errs["baseline"] = "workbook.error.number"
	}
	if g.Target, ok = ParseDecimal(in.Target); !ok {
		errs["target"] = "workbook.error.number"
	}
	if in.TargetDate != "" {
		if d, ok := i18n.ParseDate(in.TargetDate); ok {
			g.TargetDate = &d
		} else {
			errs["target_date"] = "workbook.error.date"
		}
	}
	return g, errs
}

// MeasureInput is a measure as typed in the editor: the responsible user
// by id, the deadline as a date (YYYY-MM-DD or D.M.YYYY) or as words.
type MeasureInput struct {
	ID, Progress, Goals                                                string // kept through the form: the id, percent done, the goals' ids (comma-separated)
	Description, Responsible, ResponsibleUser, Deadline, Status, Notes string
	From                                                               *Origin
	// Seasons are the organisation's (measure.SeasonsOf), never typed:
	// «Høst 2026» is due when its autumn term ends. Zero: the defaults.
	Seasons measure.Seasons `json:"-"`
}

// Empty reports whether the row was left empty: it is then no measure.
func (in MeasureInput) Empty() bool {
	return strings.TrimSpace(in.Description+in.Responsible+in.Deadline+in.Notes) == "" && in.ResponsibleUser == ""
}

// Validate turns the row into a measure. Errors are by field of the row
// ("description", "responsible_user") with a translation key: a
// description is required, and the responsible user must be one of
// members (with members nil, any: the service checks on save). A deadline
// is read by measure.ParseDeadline with in.Seasons: a day, a period due
// at its end (kept as written, «Høst 2016»), or text; one that looks like a day but
// is none is an error ("deadline"). An unknown status is planned.
func (in MeasureInput) Validate(members map[int64]bool) (Measure, map[string]string) {
	errs := map[string]string{}
	m := Measure{Description: strings.TrimSpace(in.Description), Responsible: strings.TrimSpace(in.Responsible),
		Status: statusOr(in.Status), Notes: strings.TrimSpace(in.Notes), From: in.From}
	if measure.ValidID(in.ID) {
		m.ID = in.ID
	}
	if p, err := strconv.Atoi(strings.TrimSpace(in.Progress)); err == nil {
		m.Progress = min(max(p, 0), 100)
	}
	for _, id := range strings.Split(in.Goals, ",") {
		if id = strings.TrimSpace(id); measure.ValidID(id) && len(m.Goals) < MaxGoals {
			m.Goals = append(m.Goals, id)
		}
	}
	if m.Description == "" {
		errs["description"] = "error.required"
	}
	if in.ResponsibleUser != "" {
		id, err := strconv.ParseInt(in.ResponsibleUser, 10, 64)
		if err != nil || (members != nil && !members[id]) {
			errs["responsible_user"] = "workbook.error.responsible"
		} else {
			m.ResponsibleUser = &id
		}
	}
	// A day is stored as a day; a period or phases («Høst 2016») as
	// written, with the day it falls due, so that it reaches My work;
	// ongoing, yearly and other text as written. Text that looks like a
	// day but is none («32.13.2016») is refused, never kept silently.
	switch d := measure.ParseDeadline(in.Deadline, in.Seasons); {
	case d.Invalid:
		m.DeadlineText = d.Text
		errs["deadline"] = "workbook.error.deadline"
	case d.Kind == measure.DeadlineDate:
		m.Deadline = &d.Due
		if strings.IndexFunc(d.Text, unicode.IsLetter) >= 0 {
			m.DeadlineText = d.Text // «Gjennomført innen 1.11.2016» stays as written
		}
	case d.Kind == measure.DeadlinePeriod || d.Kind == measure.DeadlinePhases:
		m.Deadline, m.DeadlineText = &d.Due, d.Text
	default:
		m.DeadlineText = d.Text
	}
	return m, errs
}

// ParseDecimal accepts a decimal comma or point and spaces between digit
// groups ("1 234,5"); "" is no number, and ok.
func ParseDecimal(s string) (*float64, bool) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", ",", ".").Replace(strings.TrimSpace(s))
	if s == "" {
		return nil, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, false
	}
	return &f, true
}

// statusOr answers s when it is a status of goals and measures, else
// planned.
func statusOr(s string) string {
	if n := measure.NormStatus(s); n != "" {
		return n
	}
	return measure.StatusNotStarted
}
