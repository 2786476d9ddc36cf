package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/chart"
	"github.com/samvirke/samvirke/internal/files"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/plan"
)

// planRoundRoutes registers the plans' follow-up rounds, their API and
// the printable progress report.
//
// Who reports: a round's report form takes StatusWrite (editors and
// contributors). An editor (ContentWrite) reports on every measure of
// the plan; a contributor only on the measures they are responsible for,
// named as the responsible person or filling the role the measure's
// responsible names (plan.Service.Report answers 403 otherwise, and the
// page offers them only their own measures' forms). Opening and closing a
// round are an editor's.
func (s *Server) planRoundRoutes() {
	s.org("GET", "/o/:org/plans/:plan/rounds", authz.ContentRead, municipal(s.handlePlanRounds))
	s.org("GET", "/o/:org/plans/:plan/rounds/new", authz.ContentWrite, municipal(s.handlePlanRoundNew))
	s.org("POST", "/o/:org/plans/:plan/rounds", authz.ContentWrite, municipal(s.handlePlanRoundOpen))
	s.org("GET", "/o/:org/plans/:plan/rounds/:round", authz.ContentRead, municipal(s.handlePlanRound))
	s.org("POST", "/o/:org/plans/:plan/rounds/:round/reports/:measure", authz.StatusWrite, municipal(s.handlePlanRoundReport), maxBody(16<<10))
	s.org("GET", "/o/:org/plans/:plan/rounds/:round/close", authz.ContentWrite, municipal(s.handlePlanRoundCloseConfirm))
	s.org("POST", "/o/:org/plans/:plan/rounds/:round/close", authz.ContentWrite, municipal(s.handlePlanRoundClose))
	s.org("GET", "/o/:org/plans/:plan/report.pdf", authz.ContentRead, municipal(s.handlePlanReportPDF))
	s.org("GET", "/o/:org/plans/:plan/report.docx", authz.ContentRead, municipal(s.handlePlanReportDOCX))

	s.org("GET", "/api/v1/orgs/:org/plans/:plan/rounds", authz.ContentRead, municipal(s.handleAPIPlanRounds))
	s.org("GET", "/api/v1/orgs/:org/plans/:plan/rounds/:round", authz.ContentRead, municipal(s.handleAPIPlanRound))
	s.org("POST", "/api/v1/orgs/:org/plans/:plan/rounds/:round/reports/:measure", authz.StatusWrite, municipal(s.handleAPIPlanRoundReport), maxBody(16<<10))
}

func roundURL(o *org.Organisation, planID, id int64) string {
	return planURL(o, planID) + "/rounds/" + strconv.FormatInt(id, 10)
}

// roundID reads the :round parameter; anything but a number is not found.
func roundID(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("round"), 10, 64)
	if err != nil || id <= 0 {
		return 0, app.Errorf(app.ENotFound, "plan_round.error.not_found")
	}
	return id, nil
}

// roundIDs reads the :plan and :round parameters; anything but numbers is
// not found.
func roundIDs(c *gin.Context) (pid, rid int64, err error) {
	if pid, err = planID(c); err != nil {
		return 0, 0, err
	}
	rid, err = roundID(c)
	return pid, rid, err
}

// roundOf reads the round the request names, with its report: the plan's
// and round's ids and the round.
func (s *Server) roundOf(c *gin.Context) (int64, int64, *plan.RoundDetail, error) {
	pid, rid, err := roundIDs(c)
	if err != nil {
		return 0, 0, nil, err
	}
	d, err := s.Plans.Round(c.Request.Context(), orgOf(c), pid, rid)
	return pid, rid, d, err
}

func (s *Server) roundCrumbs(c *gin.Context, o *org.Organisation, p *plan.Plan, last ...Crumb) []Crumb {
	l := s.locale(c)
	crumbs := []Crumb{{Label: s.Catalog.T(l, "plan.title.plural"), URL: "/o/" + o.Slug + "/plans"},
		{Label: p.Title, URL: planURL(o, p.ID)}, {Label: s.Catalog.T(l, "plan_round.title.plural"), URL: planURL(o, p.ID) + "/rounds"}}
	return append(crumbs, last...)
}

type planRoundsPage struct {
	Layout
	Org     *org.Organisation
	List    *plan.RoundList
	CanEdit bool
}

func (s *Server) handlePlanRounds(c *gin.Context) error {
	o := orgOf(c)
	id, err := planID(c)
	if err != nil {
		return err
	}
	list, err := s.Plans.Rounds(c.Request.Context(), o, id)
	if err != nil {
		return err
	}
	data := &planRoundsPage{Org: o, List: list, CanEdit: s.allowed(c, authz.ContentWrite) && !list.Plan.Frozen()}
	crumbs := s.roundCrumbs(c, o, list.Plan)
	crumbs[len(crumbs)-1].URL = ""
	data.Layout = Layout{Nav: "plans", Breadcrumbs: crumbs}
	s.render(c, http.StatusOK, "plan/rounds.html", data)
	return nil
}

type planRoundFormPage struct {
	formPage
	Org  *org.Organisation
	Plan *plan.Plan
}

func (s *Server) handlePlanRoundNew(c *gin.Context) error {
	return s.renderRoundForm(c, http.StatusOK, &planRoundFormPage{formPage: formPage{Values: map[string]string{}}})
}

func (s *Server) renderRoundForm(c *gin.Context, status int, data *planRoundFormPage) error {
	o := orgOf(c)
	id, err := planID(c)
	if err != nil {
		return err
	}
	list, err := s.Plans.Rounds(c.Request.Context(), o, id)
	if err != nil {
		return err
	}
	data.Org, data.Plan = o, list.Plan
	data.Layout = Layout{Nav: "plans", Breadcrumbs: s.roundCrumbs(c, o, list.Plan, Crumb{Label: s.Catalog.T(s.locale(c), "plan_round.new")})}
	s.render(c, status, "plan/round_form.html", data)
	return nil
}

func (s *Server) handlePlanRoundOpen(c *gin.Context) error {
	o := orgOf(c)
	id, err := planID(c)
	if err != nil {
		return err
	}
	vals := map[string]string{"title": strings.TrimSpace(c.PostForm("title")), "due": strings.TrimSpace(c.PostForm("due"))}
	due, err := formDay(vals, "due", nil)
	var r *plan.Round
	if err == nil {
		r, err = s.Plans.OpenRound(c.Request.Context(), o, app.ActorFrom(c.Request.Context()), id, vals["title"], due)
	}
	if err != nil {
		data := &planRoundFormPage{formPage: formPage{Values: vals}}
		if !data.fail(s, c, err) || app.IsNotFound(err) {
			return err
		}
		return s.renderRoundForm(c, statusOf(app.ErrorCode(err)), data)
	}
	s.setFlash(c, "plan_round.opened", "title", r.Title)
	c.Redirect(http.StatusSeeOther, roundURL(o, id, r.ID))
	return nil
}

type planRoundPage struct {
	formPage
	Org      *org.Organisation
	PlanID   int64 // the plan in the path
	Detail   *plan.RoundDetail
	Statuses []string
	CanEdit  bool
	userID   int64
	Failed   string // the measure whose report form was refused
	// Mine shows a contributor only the measures they report on (?all=1
	// shows every measure): a round of a whole plan is long on a phone.
	Mine bool
	All  string // the address of the round with every measure
}

// mine answers r with only the measures the viewer may report on (the
// areas and their counts stay: the page hides an area left empty).
func (p *planRoundPage) mine(r *plan.Report) *plan.Report {
	out := *r
	out.Areas = make([]plan.ReportArea, len(r.Areas))
	for i, a := range r.Areas {
		var ms []plan.ReportMeasure
		for _, m := range a.Measures {
			if p.MayReport(m.ID) {
				ms = append(ms, m)
			}
		}
		a.Measures = ms
		out.Areas[i] = a
	}
	return &out
}

// MayReport reports whether the viewer may report on measure id.
func (p *planRoundPage) MayReport(id string) bool {
	return p.Detail.MayReport(p.userID, p.CanEdit, id)
}

// Value is what the report form of measure id shows for field: what was
// typed when that form was refused, else the measure's report.
func (p *planRoundPage) Value(id, field string, m plan.ReportMeasure) string {
	if p.Failed == id {
		return p.Values[field]
	}
	switch field {
	case "status":
		return m.Status
	case "progress":
		return strconv.Itoa(m.Progress)
	}
	return m.Note
}

// Err is the message of field of measure id's refused form, or "".
func (p *planRoundPage) Err(id, field string) string { return p.Errors[id+"-"+field] }

func (s *Server) handlePlanRound(c *gin.Context) error {
	return s.renderRound(c, http.StatusOK, &planRoundPage{})
}

func (s *Server) renderRound(c *gin.Context, status int, data *planRoundPage) error {
	o := orgOf(c)
	pid, rid, d, err := s.roundOf(c)
	if err != nil {
		return err
	}
	data.Org, data.PlanID, data.Detail, data.Statuses = o, pid, d, measure.Statuses
	data.CanEdit = s.allowed(c, authz.ContentWrite)
	if a := app.ActorFrom(c.Request.Context()); a != nil && s.allowed(c, authz.StatusWrite) {
		data.userID = a.UserID
	}
	if !s.allowed(c, authz.StatusWrite) {
		data.CanEdit = false
	}
	data.Mine = !data.CanEdit && data.userID != 0 && d.Round.Open() && c.Query("all") != "1"
	if data.Mine {
		d.Report = data.mine(d.Report)
		data.All = roundURL(o, pid, rid) + "?all=1"
	}
	if data.Values == nil {
		data.Values = map[string]string{}
	}
	data.Layout = Layout{Nav: "plans", Breadcrumbs: s.roundCrumbs(c, o, d.Plan, Crumb{Label: d.Round.Title})}
	s.render(c, status, "plan/round.html", data)
	return nil
}

// reportForm reads a report form or body's progress: "" keeps the
// measure's progress; «40 %» is 40.
func reportProgress(v string) (*int, error) {
	v = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "%"))
	if v == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return nil, app.Errorf(app.EInvalid, "measure.error.progress").WithField("progress")
	}
	return &n, nil
}

func (s *Server) handlePlanRoundReport(c *gin.Context) error {
	o := orgOf(c)
	pid, rid, err := roundIDs(c)
	if err != nil {
		return err
	}
	mid := c.Param("measure")
	vals := map[string]string{"status": c.PostForm("status"), "progress": strings.TrimSpace(c.PostForm("progress")),
		"note": strings.TrimSpace(c.PostForm("note"))}
	progress, err := reportProgress(vals["progress"])
	if err == nil {
		_, err = s.Plans.Report(c.Request.Context(), o, app.ActorFrom(c.Request.Context()), rid, mid,
			plan.MeasureUpdate{Status: vals["status"], Progress: progress, Note: vals["note"]}, s.allowed(c, authz.ContentWrite))
	}
	if err != nil {
		ae := app.AsError(err)
		if ae == nil || ae.Code != app.EInvalid {
			return err
		}
		data := &planRoundPage{formPage: formPage{Values: vals}, Failed: mid}
		data.fail(s, c, err)
		data.Errors = map[string]string{mid + "-" + ae.Field: data.Errors[ae.Field]}
		return s.renderRound(c, http.StatusUnprocessableEntity, data)
	}
	s.setFlash(c, "plan_round.report.saved")
	c.Redirect(http.StatusSeeOther, roundURL(o, pid, rid)+"#m-"+mid)
	return nil
}

func (s *Server) handlePlanRoundCloseConfirm(c *gin.Context) error {
	o, l := orgOf(c), s.locale(c)
	pid, rid, d, err := s.roundOf(c)
	if err != nil {
		return err
	}
	if !d.Round.Open() {
		return app.Errorf(app.EConflict, "plan_round.error.closed")
	}
	done, all := d.Report.Reported()
	back := roundURL(o, pid, rid)
	s.renderConfirm(c, &confirmPage{
		Layout:   Layout{Nav: "plans", Breadcrumbs: s.roundCrumbs(c, o, d.Plan, Crumb{Label: d.Round.Title, URL: back}, Crumb{Label: s.Catalog.T(l, "plan_round.close")})},
		Title:    s.Catalog.T(l, "plan_round.close"),
		Question: s.Catalog.T(l, "plan_round.close.question", "title", d.Round.Title),
		Details:  []confirmDetail{{Label: s.Catalog.T(l, "plan_round.reported_count"), Value: s.Catalog.T(l, "plan_round.reported_of", "done", done, "all", all)}},
		Note:     s.Catalog.T(l, "plan_round.close.note"), Action: back + "/close",
		Submit: s.Catalog.T(l, "plan_round.close"), Back: back,
	})
	return nil
}

func (s *Server) handlePlanRoundClose(c *gin.Context) error {
	o := orgOf(c)
	pid, rid, err := roundIDs(c)
	if err != nil {
		return err
	}
	r, err := s.Plans.CloseRound(c.Request.Context(), o, app.ActorFrom(c.Request.Context()), rid)
	if err != nil {
		return err
	}
	s.setFlash(c, "plan_round.closed", "title", r.Title)
	c.Redirect(http.StatusSeeOther, roundURL(o, pid, rid))
	return nil
}

// planSummary is the committee summary view's data: the counts with the
// trend since the last closed round and the chart.
type planSummary struct {
	Progress *plan.Progress
	Head     []string
	Rows     [][]string
	Chart    *chart.View
}

// summaryView makes the summary view of t in the page's language, from
// the same plan.Progress the printable report is made from.
func (s *Server) summaryView(c *gin.Context, t *plan.Tree) (*planSummary, error) {
	p, err := s.Plans.ProgressOf(c.Request.Context(), orgOf(c), t)
	if err != nil {
		return nil, err
	}
	loc := s.locale(c)
	texts := func(key string, args ...any) string { return s.Catalog.T(loc, key, args...) }
	v := &planSummary{Progress: p}
	v.Head, v.Rows = p.SummaryTable(loc, texts)
	if p.HasChart() {
		cv := p.Chart(texts).View(chart.Format{Locale: loc, T: texts})
		v.Chart = &cv
	}
	return v, nil
}

func (s *Server) handlePlanReportPDF(c *gin.Context) error { return s.writePlanReport(c, "pdf") }

func (s *Server) handlePlanReportDOCX(c *gin.Context) error { return s.writePlanReport(c, "docx") }

// writePlanReport answers the plan's progress report as a PDF or Word
// document in the page's language.
func (s *Server) writePlanReport(c *gin.Context, format string) error {
	o := orgOf(c)
	id, err := planID(c)
	if err != nil {
		return err
	}
	p, err := s.Plans.Progress(c.Request.Context(), o, id)
	if err != nil {
		return err
	}
	loc := s.locale(c)
	texts := func(key string, args ...any) string { return s.Catalog.T(loc, key, args...) }
	doc := p.Document(loc, texts, s.Clock.Now())
	doc.Subject, doc.Author = o.Name, o.Name
	var buf bytes.Buffer
	ctype := "application/pdf"
	if format == "pdf" {
		err = doc.WritePDF(&buf)
	} else {
		ctype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
		err = doc.WriteDOCX(&buf)
	}
	if err != nil {
		return err
	}
	name := p.Tree.Plan.Title + " – " + texts("plan_round.report.title") + "." + format
	c.Header("Content-Disposition", files.ContentDisposition("attachment", name))
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, ctype, buf.Bytes())
	return nil
}
