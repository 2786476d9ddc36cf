package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/plan"
	"github.com/samvirke/samvirke/internal/survey"
	"github.com/samvirke/samvirke/internal/workbook"
)

// measureRoutes registers the pages and API of goals and measures, the
// red thread's shared objects: each has its own page, readable by everyone
// who may read its source; status and progress are updated by those with
// the status right (editors, contributors).
func (s *Server) measureRoutes() {
	s.org("GET", "/o/:org/measures/:measure", authz.ContentRead, s.handleMeasure)
	s.org("POST", "/o/:org/measures/:measure/status", authz.StatusWrite, s.handleMeasureStatus, maxBody(16<<10))
	s.org("GET", "/o/:org/goals/:goal", authz.ContentRead, s.handleGoal)

	s.org("GET", "/api/v1/orgs/:org/measures", authz.ContentRead, s.handleAPIMeasures)
	s.org("GET", "/api/v1/orgs/:org/measures/:measure", authz.ContentRead, s.handleAPIMeasure)
	s.org("POST", "/api/v1/orgs/:org/measures/:measure/status", authz.StatusWrite, s.handleAPIMeasureStatus, maxBody(16<<10))
	s.org("GET", "/api/v1/orgs/:org/goals", authz.ContentRead, s.handleAPIGoals)
	s.org("GET", "/api/v1/orgs/:org/goals/:goal", authz.ContentRead, s.handleAPIGoal)
}

type measurePage struct {
	formPage
	Org         *org.Organisation
	Detail      *workbook.MeasureDetail
	CanUpdate   bool
	Statuses    []string
	Back        string // where the update form returns to
	SourceURL   string
	DeadlineDue string // how the deadline reads, in the page's locale
	// PlanArea and PlanLine are a plan measure's focus area and the
	// plan's columns beside it (problem/need, follow-up/result).
	PlanArea string
	PlanLine *plan.Item
	// Council, Meeting and Item are a follow-up action's decision: the
	// council, the meeting and the agenda item it serves.
	Council *council.Council
	Meeting *council.Meeting
	Item    *council.Item
	// SurveyRound and SurveyAxis are the survey round and the axis a
	// follow-up serves (in a plan or of its own).
	SurveyRound *survey.Round
	SurveyAxis  string
}

func (s *Server) handleMeasure(c *gin.Context) error {
	return s.renderMeasure(c, http.StatusOK, &measurePage{})
}

func (s *Server) renderMeasure(c *gin.Context, status int, data *measurePage) error {
	o, loc := orgOf(c), s.locale(c)
	d, err := s.Workbooks.Measure(c.Request.Context(), o, c.Param("measure"))
	if err != nil {
		return err
	}
	data.Org, data.Detail, data.Statuses = o, d, measure.Statuses
	data.CanUpdate = s.allowed(c, authz.StatusWrite)
	data.SourceURL = "/o/" + o.Slug + "/" + d.Row.SourcePath
	if data.Back == "" {
		data.Back = localBack(o, c.Query("back"))
	}
	if data.Values == nil {
		data.Values = map[string]string{"status": d.Measure.Status, "progress": strconv.Itoa(d.Measure.Progress)}
	}
	data.DeadlineDue = deadlineReading(s, loc, d.Deadline)
	if d.Row.PlanID != nil {
		if _, area, line, err := s.Plans.LineOf(c.Request.Context(), o, *d.Row.PlanID, d.Row.ID); err == nil {
			data.PlanArea, data.PlanLine = area.Title, line
		} else if !app.IsNotFound(err) {
			return err
		}
	}
	if id := d.Row.CouncilItemID; id != nil {
		cl, m, it, err := s.Councils.ItemOf(c.Request.Context(), o, *id)
		switch {
		case err == nil:
			data.Council, data.Meeting, data.Item = cl, m, it
		case !app.IsNotFound(err):
			return err
		}
	}
	if d.Row.SourceKind == measure.SourceSurvey || d.Row.SourceKind == measure.SourcePlan {
		r, axis, err := s.Surveys.RoundOf(c.Request.Context(), o, d.Row.ID)
		switch {
		case err == nil:
			data.SurveyRound, data.SurveyAxis = r, axis
			if a, ok := r.Content.Axis(axis); ok {
				data.SurveyAxis = axisName(&r.Content, a, s.locale(c))
			}
		case !app.IsNotFound(err):
			return err
		}
	}
	data.Layout = Layout{Nav: navOfSource(d.Row.SourceKind), Breadcrumbs: []Crumb{
		{Label: d.Row.SourceTitle, URL: data.SourceURL}, {Label: d.Measure.Description}}}
	s.render(c, status, "measure/measure.html", data)
	return nil
}

// deadlineReading says how a deadline as written is read, in the page's
// locale: «period, due 31.12.2026».
func deadlineReading(s *Server, loc string, d measure.Deadline) string {
	switch d.Kind {
	case measure.DeadlineNone, measure.DeadlineDate:
		return ""
	case measure.DeadlinePeriod:
		return s.Catalog.T(loc, "measure.kind.period", "due", i18n.FormatDate(loc, d.Due))
	case measure.DeadlinePhases:
		var parts []string
		for _, p := range d.Phases {
			parts = append(parts, s.Catalog.T(loc, "measure.phase", "label", p.Label, "due", i18n.FormatDate(loc, p.Due)))
		}
		return s.Catalog.T(loc, "measure.kind.phases") + ": " + strings.Join(parts, "; ")
	default:
		return s.Catalog.T(loc, "measure.kind."+string(d.Kind))
	}
}

// localBack answers back when it is a page of o (its dashboard, say) that
// safeNext lets through, else "": the form never sends anyone elsewhere.
func localBack(o *org.Organisation, back string) string {
	if strings.HasPrefix(back, "/o/"+o.Slug+"/") && safeNext(back) == back {
		return back
	}
	return ""
}

// handleMeasureStatus updates a measure's status and progress with a
// note; a refused update shows the form again with what was typed.
func (s *Server) handleMeasureStatus(c *gin.Context) error {
	o := orgOf(c)
	id := c.Param("measure")
	vals := map[string]string{"status": c.PostForm("status"), "progress": strings.TrimSpace(c.PostForm("progress")),
		"note": strings.TrimSpace(c.PostForm("note"))}
	back := localBack(o, c.PostForm("back"))
	// No progress (the quick form on "My work" has none) keeps the
	// current one.
	var progress *int
	var err error
	if v := vals["progress"]; v != "" {
		p, perr := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(v, "%")))
		if perr != nil {
			err = app.Errorf(app.EInvalid, "measure.error.progress").WithField("progress")
		}
		progress = &p
	}
	if err == nil {
		var done bool
		if done, err = s.updateRowMeasure(c, o, id, vals["status"], progress, vals["note"]); !done {
			_, err = s.Workbooks.UpdateMeasure(c.Request.Context(), o, app.ActorFrom(c.Request.Context()), id,
				workbook.MeasureUpdate{Status: vals["status"], Progress: progress, Note: vals["note"]})
		}
	}
	if err != nil {
		data := &measurePage{formPage: formPage{Values: vals}, Back: back}
		if !data.fail(s, c, err) || app.IsNotFound(err) {
			return err
		}
		return s.renderMeasure(c, statusOf(app.ErrorCode(err)), data)
	}
	s.setFlash(c, "measure.update.saved")
	if back == "" {
		back = "/o/" + o.Slug + "/measures/" + id
	}
	c.Redirect(http.StatusSeeOther, back)
	return nil
}

type goalPage struct {
	Layout
	Org       *org.Organisation
	Detail    *workbook.GoalDetail
	SourceURL string
	// Figure is the goal's indicator as it stands: the latest figure,
	// the target and the network's (nil without a known indicator).
	Figure *indicator.GoalFigure
}

func (s *Server) handleGoal(c *gin.Context) error {
	o := orgOf(c)
	d, err := s.Workbooks.Goal(c.Request.Context(), o, c.Param("goal"))
	if err != nil {
		return err
	}
	data := &goalPage{Org: o, Detail: d, SourceURL: "/o/" + o.Slug + "/" + d.Row.SourcePath}
	if code := d.Goal.IndicatorCode; code != "" && s.Indicators != nil {
		figs, err := s.Indicators.GoalFigures(c.Request.Context(), o, []string{code})
		if err != nil {
			return err
		}
		data.Figure = figs[code]
	}
	data.Layout = Layout{Nav: navOfSource(d.Row.SourceKind), Breadcrumbs: []Crumb{
		{Label: d.Row.SourceTitle, URL: data.SourceURL}, {Label: d.Goal.Statement}}}
	s.render(c, http.StatusOK, "measure/goal.html", data)
	return nil
}

// apiMeasure is a measure as the API shows it (snake_case).
type apiMeasure struct {
	measure.Measure
	DeadlineKind string          `json:"deadline_kind,omitempty"`
	Due          *string         `json:"due,omitempty"` // YYYY-MM-DD
	Phases       []apiPhase      `json:"phases,omitempty"`
	Source       apiSource       `json:"source"`
	UpdatedAt    time.Time       `json:"updated_at"`
	Timeline     []apiUpdateStep `json:"timeline,omitempty"`
}

type apiPhase struct {
	Label string `json:"label"`
	Due   string `json:"due"`
}

type apiSource struct {
	Kind  string `json:"kind"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

type apiUpdateStep struct {
	At         time.Time `json:"at"`
	Author     string    `json:"author"`
	StatusFrom string    `json:"status_from,omitempty"`
	StatusTo   string    `json:"status_to"`
	Progress   int       `json:"progress"`
	Note       string    `json:"note,omitempty"`
}

func toAPIMeasure(o *org.Organisation, r *measure.MeasureRow) apiMeasure {
	m := r.Measure()
	d := m.Interpretation()
	out := apiMeasure{Measure: m, DeadlineKind: string(d.Kind), UpdatedAt: r.UpdatedAt,
		Source: apiSource{Kind: r.SourceKind, Title: r.SourceTitle, URL: "/o/" + o.Slug + "/" + r.SourcePath}}
	if r.Due != nil {
		due := r.Due.Format(time.DateOnly)
		out.Due = &due
	}
	for _, p := range d.Phases {
		out.Phases = append(out.Phases, apiPhase{Label: p.Label, Due: p.Due.Format(time.DateOnly)})
	}
	return out
}

// handleAPIMeasures lists the organisation's measures: ?responsible=
// (a user id), ?status= (a status, or "open"), ?due_before=YYYY-MM-DD.
func (s *Server) handleAPIMeasures(c *gin.Context) error {
	o := orgOf(c)
	var f measure.Filter
	if v := c.Query("responsible"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return app.Errorf(app.EInvalid, "measure.error.responsible").WithField("responsible")
		}
		f.ResponsibleUser = id
	}
	if v := c.Query("status"); v != "" {
		if v != measure.StatusOpen && measure.NormStatus(v) == "" {
			return app.Errorf(app.EInvalid, "measure.error.status").WithField("status")
		}
		f.Status = v
		if v != measure.StatusOpen {
			f.Status = measure.NormStatus(v)
		}
	}
	if v := c.Query("due_before"); v != "" {
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return app.Errorf(app.EInvalid, "workbook.error.date").WithField("due_before")
		}
		f.DueBefore = d
	}
	rows, err := s.Workbooks.Measures(c.Request.Context(), o, f)
	if err != nil {
		return err
	}
	out := make([]apiMeasure, 0, len(rows))
	for _, r := range rows {
		out = append(out, toAPIMeasure(o, r))
	}
	c.JSON(http.StatusOK, gin.H{"measures": out})
	return nil
}

func (s *Server) handleAPIMeasure(c *gin.Context) error {
	o := orgOf(c)
	d, err := s.Workbooks.Measure(c.Request.Context(), o, c.Param("measure"))
	if err != nil {
		return err
	}
	out := toAPIMeasure(o, d.Row)
	for _, u := range d.Timeline {
		out.Timeline = append(out.Timeline, apiUpdateStep{At: u.CreatedAt, Author: u.AuthorName, StatusFrom: u.StatusFrom,
			StatusTo: u.StatusTo, Progress: u.Progress, Note: u.Note})
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// apiStatus is the body of POST …/measures/{id}/status; without a
// progress the measure's current one is kept (done: 100).
type apiStatus struct {
	Status   string `json:"status"`
	Progress *int   `json:"progress"`
	Note     string `json:"note"`
}

func (s *Server) handleAPIMeasureStatus(c *gin.Context) error {
	o := orgOf(c)
	var body apiStatus
	if err := bindJSON(c, &body); err != nil {
		return err
	}
	done, err := s.updateRowMeasure(c, o, c.Param("measure"), body.Status, body.Progress, body.Note)
	if !done {
		_, err = s.Workbooks.UpdateMeasure(c.Request.Context(), o, app.ActorFrom(c.Request.Context()), c.Param("measure"),
			workbook.MeasureUpdate(body))
	}
	if err != nil {
		return err
	}
	return s.handleAPIMeasure(c)
}

// apiGoal is a goal as the API shows it.
type apiGoal struct {
	measure.Goal
	Source   apiSource `json:"source"`
	Measures []string  `json:"measures"` // ids of the measures serving it
}

func toAPIGoal(o *org.Organisation, r *measure.GoalRow) apiGoal {
	return apiGoal{Goal: r.Goal(), Measures: []string{},
		Source: apiSource{Kind: r.SourceKind, Title: r.SourceTitle, URL: "/o/" + o.Slug + "/" + r.SourcePath}}
}

// handleAPIGoals lists the organisation's goals (?status=).
func (s *Server) handleAPIGoals(c *gin.Context) error {
	o := orgOf(c)
	status := c.Query("status")
	if status != "" {
		if status = measure.NormStatus(status); status == "" {
			return app.Errorf(app.EInvalid, "measure.error.status").WithField("status")
		}
	}
	rows, err := s.Workbooks.Goals(c.Request.Context(), o, status)
	if err != nil {
		return err
	}
	out := make([]apiGoal, 0, len(rows))
	for _, r := range rows {
		out = append(out, toAPIGoal(o, r))
	}
	c.JSON(http.StatusOK, gin.H{"goals": out})
	return nil
}

func (s *Server) handleAPIGoal(c *gin.Context) error {
	o := orgOf(c)
	d, err := s.Workbooks.Goal(c.Request.Context(), o, c.Param("goal"))
	if err != nil {
		return err
	}
	out := toAPIGoal(o, d.Row)
	for _, m := range d.Measures {
		out.Measures = append(out.Measures, m.ID)
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// navOfSource is the main navigation's section of a goal's or measure's
// source.
func navOfSource(kind string) string {
	switch kind {
	case measure.SourcePlan:
		return "plans"
	case measure.SourceCouncil:
		return "councils"
	case measure.SourceSurvey:
		return "indicators"
	}
	return "workbooks"
}
