package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/workbook"
)

// goalRow and measureRow are the editor's rows, as typed: what the user
// wrote stays in the form even when it is wrong.
type goalRow struct {
	Statement, Indicator, Baseline, Target, Unit, TargetDate, Status string
	From, FromName                                                   string // origin of a copy, kept through edits
}

type measureRow struct {
	Description, Responsible, ResponsibleUser, Deadline, Status, Notes string
	From, FromName                                                     string
}

// originField writes an origin for a hidden form field; parseOrigin reads
// it back.
func originField(o *workbook.Origin) (string, string) {
	if o == nil {
		return "", ""
	}
	return strconv.FormatInt(o.OrgID, 10) + ":" + strconv.FormatInt(o.EntryID, 10), o.OrgName
}

func parseOrigin(field, name string) *workbook.Origin {
	a, b, ok := strings.Cut(field, ":")
	org, err1 := strconv.ParseInt(a, 10, 64)
	entry, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return nil
	}
	return &workbook.Origin{OrgID: org, EntryID: entry, OrgName: name}
}

// statuses offered for goals and measures.
var statuses = []string{workbook.StatusPlanned, workbook.StatusInProgress, workbook.StatusDone, workbook.StatusCancelled}

func goalRows(goals []workbook.Goal, loc string) []goalRow {
	var out []goalRow
	for _, g := range goals {
		r := goalRow{Statement: g.Statement, Indicator: g.IndicatorCode, Unit: g.Unit, Status: g.Status}
		r.From, r.FromName = originField(g.From)
		if g.Baseline != nil {
			r.Baseline = formatDecimal(*g.Baseline, loc)
		}
		if g.Target != nil {
			r.Target = formatDecimal(*g.Target, loc)
		}
		if g.TargetDate != nil {
			r.TargetDate = g.TargetDate.Format(time.DateOnly)
		}
		out = append(out, r)
	}
	return append(out, goalRow{Status: workbook.StatusPlanned}) // one empty row to add to
}

func measureRows(ms []workbook.Measure) []measureRow {
	var out []measureRow
	for _, m := range ms {
		r := measureRow{Description: m.Description, Responsible: m.Responsible, Status: m.Status, Notes: m.Notes}
		r.From, r.FromName = originField(m.From)
		if m.ResponsibleUser != nil {
			r.ResponsibleUser = strconv.FormatInt(*m.ResponsibleUser, 10)
		}
		if m.Deadline != nil {
			r.Deadline = m.Deadline.Format(time.DateOnly)
		} else {
			r.Deadline = m.DeadlineText
		}
		out = append(out, r)
	}
	return append(out, measureRow{Status: workbook.StatusPlanned})
}

func formatDecimal(f float64, loc string) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if loc != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// parseDecimal accepts a decimal comma or point and spaces between digit
// groups ("1 234,5").
func parseDecimal(s string) (*float64, bool) {
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

// readGoalsMeasures reads the editor's rows; errors name the field
// ("goal.2.target") with a translation key. Empty rows are dropped.
func readGoalsMeasures(c *gin.Context, members map[int64]bool) ([]goalRow, []measureRow, []workbook.Goal, []workbook.Measure, map[string]string) {
	errs := map[string]string{}
	var grows []goalRow
	var goals []workbook.Goal
	for i := 0; i < 200; i++ {
		p := "goal." + strconv.Itoa(i) + "."
		if _, ok := c.GetPostForm(p + "statement"); !ok {
			break
		}
		r := goalRow{Statement: strings.TrimSpace(c.PostForm(p + "statement")), Indicator: strings.TrimSpace(c.PostForm(p + "indicator")),
			Baseline: c.PostForm(p + "baseline"), Target: c.PostForm(p + "target"), Unit: strings.TrimSpace(c.PostForm(p + "unit")),
			TargetDate: c.PostForm(p + "target_date"), Status: c.PostForm(p + "status"),
			From: c.PostForm(p + "from"), FromName: c.PostForm(p + "from_name")}
		grows = append(grows, r)
		if r.Statement == "" && r.Indicator == "" && strings.TrimSpace(r.Baseline+r.Target+r.Unit+r.TargetDate) == "" {
			continue
		}
		g := workbook.Goal{Statement: r.Statement, IndicatorCode: r.Indicator, Unit: r.Unit, Status: statusOr(r.Status), From: parseOrigin(r.From, r.FromName)}
		if r.Statement == "" {
			errs[p+"statement"] = "error.required"
		}
		var ok bool
		if g.Baseline, ok = parseDecimal(r.Baseline); !ok {
			errs[p+"baseline"] = "workbook.error.number"
		}
		if g.Target, ok = parseDecimal(r.Target); !ok {
			errs[p+"target"] = "workbook.error.number"
		}
		if r.TargetDate != "" {
			if d, err := time.Parse(time.DateOnly, r.TargetDate); err == nil {
				g.TargetDate = &d
			} else {
				errs[p+"target_date"] = "workbook.error.date"
			}
		}
		goals = append(goals, g)
	}
	var mrows []measureRow
	var measures []workbook.Measure
	for i := 0; i < 200; i++ {
		p := "measure." + strconv.Itoa(i) + "."
		if _, ok := c.GetPostForm(p + "description"); !ok {
			break
		}
		r := measureRow{Description: strings.TrimSpace(c.PostForm(p + "description")), Responsible: strings.TrimSpace(c.PostForm(p + "responsible")),
			ResponsibleUser: c.PostForm(p + "responsible_user"), Deadline: strings.TrimSpace(c.PostForm(p + "deadline")),
			Status: c.PostForm(p + "status"), Notes: strings.TrimSpace(c.PostForm(p + "notes")),
			From: c.PostForm(p + "from"), FromName: c.PostForm(p + "from_name")}
		mrows = append(mrows, r)
		if r.Description == "" && r.Responsible == "" && r.ResponsibleUser == "" && r.Deadline == "" && r.Notes == "" {
			continue
		}
		m := workbook.Measure{Description: r.Description, Responsible: r.Responsible, Status: statusOr(r.Status), Notes: r.Notes, From: parseOrigin(r.From, r.FromName)}
		if r.Description == "" {
			errs[p+"description"] = "error.required"
		}
		if r.ResponsibleUser != "" {
			id, err := strconv.ParseInt(r.ResponsibleUser, 10, 64)
			if err != nil || !members[id] {
				errs[p+"responsible_user"] = "workbook.error.responsible"
			} else {
				m.ResponsibleUser = &id
			}
		}
		// A deadline is a date when it is one, and kept as written
		// ("Høst 2016") when it is not.
		if d, err := time.Parse(time.DateOnly, r.Deadline); err == nil {
			m.Deadline = &d
		} else if d, err := time.Parse("2.1.2006", r.Deadline); err == nil {
			m.Deadline = &d
		} else {
			m.DeadlineText = r.Deadline
		}
		measures = append(measures, m)
	}
	return grows, mrows, goals, measures, errs
}

func statusOr(s string) string {
	for _, x := range statuses {
		if s == x {
			return s
		}
	}
	return workbook.StatusPlanned
}
