package web

import (
	"errors"
	"net/http"
	"slices"
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
)

// NavPlans leads to the organisation's action plans.
var NavPlans = NavEntry{Key: "plans", Label: "plan.title.plural", Path: orgPath("/plans"), Order: 25,
	Kinds: []string{org.KindMunicipality}}

// municipal answers h for a municipality's routes: plans belong to
// municipalities, so in a network or county they are not found.
func municipal(h func(*gin.Context) error) func(*gin.Context) error {
	return municipalOnly("plan.error.not_found", h)
}

// municipalOnly answers h for a municipality; outside one the route is
// not found, with the message key.
func municipalOnly(key string, h func(*gin.Context) error) func(*gin.Context) error {
	return func(c *gin.Context) error {
		if orgOf(c).Kind != org.KindMunicipality {
			return app.Errorf(app.ENotFound, key)
		}
		return h(c)
	}
}

// planRoutes registers the action plans' pages and API.
func (s *Server) planRoutes() {
	s.org("GET", "/o/:org/plans", authz.ContentRead, municipal(s.handlePlans))
	s.org("GET", "/o/:org/plans/new", authz.ContentWrite, municipal(s.handlePlanNew))
	s.org("POST", "/o/:org/plans", authz.ContentWrite, municipal(s.handlePlanCreate))
	s.org("GET", "/o/:org/plans/:plan", authz.ContentRead, municipal(s.handlePlan))
	s.org("GET", "/o/:org/peers/:peer/plans/:plan", authz.ContentRead, municipal(s.handlePeerPlan))
	s.org("GET", "/o/:org/plans/:plan/edit", authz.ContentWrite, municipal(s.handlePlanEdit))
	s.org("POST", "/o/:org/plans/:plan", authz.ContentWrite, municipal(s.handlePlanUpdate))
	s.org("POST", "/o/:org/plans/:plan/status", authz.ContentWrite, municipal(s.handlePlanStatus))
	s.org("GET", "/o/:org/plans/:plan/revise", authz.ContentWrite, municipal(s.handlePlanReviseConfirm))
	s.org("POST", "/o/:org/plans/:plan/revise", authz.ContentWrite, municipal(s.handlePlanRevise))
	s.org("GET", "/o/:org/plans/:plan/delete", authz.ContentWrite, municipal(s.handlePlanDeleteConfirm))
	s.org("POST", "/o/:org/plans/:plan/delete", authz.ContentWrite, municipal(s.handlePlanDelete))
	s.org("POST", "/o/:org/plans/:plan/areas", authz.ContentWrite, municipal(s.handlePlanAreaAdd))
	s.org("POST", "/o/:org/plans/:plan/areas/:area", authz.ContentWrite, municipal(s.handlePlanAreaRename))
	s.org("POST", "/o/:org/plans/:plan/areas/:area/move", authz.ContentWrite, municipal(s.handlePlanAreaMove))
	s.org("POST", "/o/:org/plans/:plan/areas/:area/remove", authz.ContentWrite, municipal(s.handlePlanAreaRemove))
	s.org("GET", "/o/:org/plans/:plan/areas/:area/items/new", authz.ContentWrite, municipal(s.handlePlanItemNew))
	s.org("POST", "/o/:org/plans/:plan/areas/:area/items", authz.ContentWrite, municipal(s.handlePlanItemAdd), maxBody(64<<10))
	s.org("GET", "/o/:org/plans/:plan/items/:item", authz.ContentWrite, municipal(s.handlePlanItemEdit))
	s.org("POST", "/o/:org/plans/:plan/items/:item", authz.ContentWrite, municipal(s.handlePlanItemUpdate), maxBody(64<<10))
	s.org("POST", "/o/:org/plans/:plan/items/:item/move", authz.ContentWrite, municipal(s.handlePlanItemMove))
	s.org("GET", "/o/:org/plans/:plan/items/:item/remove", authz.ContentWrite, municipal(s.handlePlanItemRemoveConfirm))
	s.org("POST", "/o/:org/plans/:plan/items/:item/remove", authz.ContentWrite, municipal(s.handlePlanItemRemove))

	s.org("GET", "/api/v1/orgs/:org/plans", authz.ContentRead, municipal(s.handleAPIPlans))
	s.org("GET", "/api/v1/orgs/:org/plans/:plan", authz.ContentRead, municipal(s.handleAPIPlan))
	s.org("GET", "/api/v1/orgs/:org/plans/:plan/measures", authz.ContentRead, municipal(s.handleAPIPlanMeasures))
}

// planViews are the ways the plan page shows a plan (?view=).
var planViews = []string{"tree", "table", "responsible", "deadlines", "summary"}

type plansPage struct {
	Layout
	Org    *org.Organisation
	Plans  []*plan.Plan
	Shared []plan.SharedPlan // the network peers' shared plans
	// Standings are each plan's measures: done of all, overdue.
	Standings map[int64]plan.Standing
	CanEdit   bool
}

func (s *Server) handlePlans(c *gin.Context) error {
	o := orgOf(c)
	list, err := s.Plans.List(c.Request.Context(), o)
	if err != nil {
		return err
	}
	shared, err := s.Plans.SharedPlans(c.Request.Context(), o)
	if err != nil {
		return err
	}
	ids := make([]int64, len(list))
	for i, p := range list {
		ids[i] = p.ID
	}
	standings, err := s.Plans.Standings(c.Request.Context(), o, ids, s.Clock.Now())
	if err != nil {
		return err
	}
	data := &plansPage{Org: o, Plans: list, Shared: shared, Standings: standings,
		CanEdit: s.allowed(c, authz.ContentWrite) && o.Kind == org.KindMunicipality}
	data.Layout = Layout{Nav: "plans"}
	s.render(c, http.StatusOK, "plan/index.html", data)
	return nil
}

// planID reads the :plan parameter; anything but a number is not found.
func planID(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("plan"), 10, 64)
	if err != nil || id <= 0 {
		return 0, app.Errorf(app.ENotFound, "plan.error.not_found")
	}
	return id, nil
}

type planFormPage struct {
	formPage
	Org          *org.Organisation
	Plan         *plan.Plan // nil for a new plan
	Kinds        []string
	Visibilities []string
	Others       []*plan.Plan // plans this one may replace
}

func (s *Server) handlePlanNew(c *gin.Context) error {
	return s.renderPlanForm(c, http.StatusOK, &planFormPage{formPage: formPage{Values: map[string]string{
		"kind": plan.KindActionPlan, "visibility": plan.VisibilityPrivate}}})
}

func (s *Server) renderPlanForm(c *gin.Context, status int, data *planFormPage) error {
	o := orgOf(c)
	data.Org, data.Kinds, data.Visibilities = o, plan.Kinds, plan.Visibilities
	others, err := s.Plans.List(c.Request.Context(), o)
	if err != nil {
		return err
	}
	for _, p := range others {
		if data.Plan == nil || p.LineageID != data.Plan.LineageID {
			data.Others = append(data.Others, p)
		}
	}
	crumbs := []Crumb{{Label: s.Catalog.T(s.locale(c), "plan.title.plural"), URL: "/o/" + o.Slug + "/plans"}}
	if data.Plan != nil {
		crumbs = append(crumbs, Crumb{Label: data.Plan.Title, URL: planURL(o, data.Plan.ID)}, Crumb{Label: s.Catalog.T(s.locale(c), "plan.edit")})
	} else {
		crumbs = append(crumbs, Crumb{Label: s.Catalog.T(s.locale(c), "plan.new")})
	}
	data.Layout = Layout{Nav: "plans", Breadcrumbs: crumbs}
	s.render(c, status, "plan/form.html", data)
	return nil
}

func planURL(o *org.Organisation, id int64) string {
	return "/o/" + o.Slug + "/plans/" + strconv.FormatInt(id, 10)
}

// planMetaForm reads the plan form: its values as typed, and the metadata
// (with the first field that could not be read).
func planMetaForm(c *gin.Context) (map[string]string, plan.Meta, error) {
	vals := map[string]string{}
	for _, k := range []string{"kind", "title", "scope", "period_from", "period_to", "adopted_by", "adopted_on",
		"decision_ref", "owner", "valid_until", "reg_number", "replaces_id", "visibility", "main_goal", "rev"} {
		vals[k] = strings.TrimSpace(c.PostForm(k))
	}
	m := plan.Meta{Kind: vals["kind"], Title: vals["title"], Scope: vals["scope"], AdoptedBy: vals["adopted_by"],
		DecisionRef: vals["decision_ref"], Owner: vals["owner"], RegNumber: vals["reg_number"], Visibility: vals["visibility"],
		MainGoal: vals["main_goal"]}
	var err error
	year := func(field string) *int {
		v := vals[field]
		if v == "" {
			return nil
		}
		n, perr := strconv.Atoi(v)
		if perr != nil && err == nil {
			err = app.Errorf(app.EInvalid, "plan.error.year").WithField(field)
		}
		return &n
	}
	m.PeriodFrom, m.PeriodTo = year("period_from"), year("period_to")
	m.AdoptedOn, err = formDay(vals, "adopted_on", err)
	m.ValidUntil, err = formDay(vals, "valid_until", err)
	if v := vals["replaces_id"]; v != "" {
		id, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil && err == nil {
			err = app.Errorf(app.EInvalid, "plan.error.replaces").WithField("replaces_id")
		}
		m.ReplacesID = &id
	}
	return vals, m, err
}

// formDay reads an optional day typed into field of vals; err is the
// form's first error so far, kept when there is one.
func formDay(vals map[string]string, field string, err error) (*time.Time, error) {
	return formDayAs(vals, field, "error.date", err)
}

// formDayAs is formDay refusing a day that cannot be read with the
// message key.
func formDayAs(vals map[string]string, field, key string, err error) (*time.Time, error) {
	v := vals[field]
	if v == "" {
		return nil, err
	}
	d, ok := i18n.ParseDate(v)
	if !ok {
		if err == nil {
			err = app.Errorf(app.EInvalid, key).WithField(field)
		}
		return nil, err
	}
	return &d, err
}

func (s *Server) handlePlanCreate(c *gin.Context) error {
	o := orgOf(c)
	vals, m, err := planMetaForm(c)
	var p *plan.Plan
	if err == nil {
		p, err = s.Plans.Create(c.Request.Context(), o, app.ActorFrom(c.Request.Context()), m)
	}
	if err != nil {
		data := &planFormPage{formPage: formPage{Values: vals}}
		if !data.fail(s, c, err) {
			return err
		}
		return s.renderPlanForm(c, http.StatusUnprocessableEntity, data)
	}
	s.setFlash(c, "plan.created")
	c.Redirect(http.StatusSeeOther, planURL(o, p.ID))
	return nil
}

func (s *Server) handlePlanEdit(c *gin.Context) error {
	t, err := s.planTree(c)
	if err != nil {
		return err
	}
	p, l := t.Plan, s.locale(c)
	vals := map[string]string{"kind": p.Kind, "title": p.Title, "scope": p.Scope, "adopted_by": p.AdoptedBy,
		"decision_ref": p.DecisionRef, "owner": p.Owner, "reg_number": p.RegNumber, "visibility": p.Visibility,
		"main_goal": t.Content.MainGoal, "rev": strconv.Itoa(p.Rev)}
	if p.PeriodFrom != nil {
		vals["period_from"] = strconv.Itoa(*p.PeriodFrom)
	}
	if p.PeriodTo != nil {
		vals["period_to"] = strconv.Itoa(*p.PeriodTo)
	}
	if p.AdoptedOn != nil {
		vals["adopted_on"] = i18n.FormatDateInput(l, *p.AdoptedOn)
	}
	if p.ValidUntil != nil {
		vals["valid_until"] = i18n.FormatDateInput(l, *p.ValidUntil)
	}
	if p.ReplacesID != nil {
		vals["replaces_id"] = strconv.FormatInt(*p.ReplacesID, 10)
	}
	return s.renderPlanForm(c, http.StatusOK, &planFormPage{formPage: formPage{Values: vals}, Plan: p})
}

func (s *Server) handlePlanUpdate(c *gin.Context) error {
	o := orgOf(c)
	id, err := planID(c)
	if err != nil {
		return err
	}
	vals, m, err := planMetaForm(c)
	if err == nil {
		_, err = s.Plans.UpdateMeta(c.Request.Context(), o, app.ActorFrom(c.Request.Context()), id, atoi(vals["rev"]), m)
	}
	if err != nil {
		p, perr := s.Plans.Header(c.Request.Context(), o, id)
		if perr != nil {
			return perr
		}
		data := &planFormPage{formPage: formPage{Values: vals}, Plan: p}
		if !data.fail(s, c, err) {
			return err
		}
		return s.renderPlanForm(c, statusOf(app.ErrorCode(err)), data)
	}
	s.setFlash(c, "plan.saved")
	c.Redirect(http.StatusSeeOther, planURL(o, id))
	return nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}

// planHeader reads the plan the request names, without its tree.
func (s *Server) planHeader(c *gin.Context) (*plan.Plan, error) {
	id, err := planID(c)
	if err != nil {
		return nil, err
	}
	return s.Plans.Header(c.Request.Context(), orgOf(c), id)
}

func (s *Server) planTree(c *gin.Context) (*plan.Tree, error) {
	id, err := planID(c)
	if err != nil {
		return nil, err
	}
	return s.Plans.Get(c.Request.Context(), orgOf(c), id)
}

type planPage struct {
	formPage
	Org     *org.Organisation
	Tree    *plan.Tree
	View    string
	Views   []string
	CanEdit bool
	// Editing shows the tree's editing controls (?edit=1): reading the
	// plan stays uncluttered for editors too.
	Editing  bool
	Versions []*plan.Plan
	Replaces *plan.Plan // the plan this one replaces, when it names one
	Next     []string   // statuses the plan may move to
	Statuses []string
	Now      time.Time
	// The views' data.
	Areas       []planAreaView
	Responsible []plan.Responsible
	Overdue     []plan.PlanMeasure
	Soon        []plan.PlanMeasure
	Summary     []plan.AreaSummary
	Progress    *planSummary // the summary's trend and chart (plan_round.go)
	GoalNames   map[string]string
	// GoalFigures are the tree's goals' indicators as they stand, by code.
	GoalFigures map[string]*indicator.GoalFigure
}

type planAreaView struct {
	Area  plan.Area
	Index int
	Lines []plan.Line
	Table []plan.TableRow
}

func (s *Server) handlePlan(c *gin.Context) error {
	return s.renderPlan(c, http.StatusOK, &planPage{})
}

func (s *Server) renderPlan(c *gin.Context, status int, data *planPage) error {
	o, ctx := orgOf(c), c.Request.Context()
	id, err := planID(c)
	if err != nil {
		return err
	}
	pg, err := s.Plans.Page(ctx, o, id)
	if err != nil {
		return err
	}
	t := pg.Tree
	data.Org, data.Tree, data.Versions, data.Replaces, data.Views, data.Statuses = o, t, pg.Versions, pg.Replaces, planViews, measure.Statuses
	data.View = c.Query("view")
	if !slices.Contains(planViews, data.View) {
		data.View = "tree"
	}
	data.CanEdit = s.allowed(c, authz.ContentWrite) && !t.Frozen
	data.Editing = data.CanEdit && data.View == "tree" && (c.Query("edit") == "1" || len(data.Errors) > 0)
	data.Next = plan.NextStatuses(t.Plan.Status)
	data.Now = s.Clock.Now()
	data.GoalNames = map[string]string{}
	for id, g := range t.Goals {
		data.GoalNames[id] = g.Statement
	}
	if data.View == "tree" && s.Indicators != nil {
		var codes []string
		for _, g := range t.Goals {
			if g.IndicatorCode != "" {
				codes = append(codes, g.IndicatorCode)
			}
		}
		if len(codes) > 0 {
			if data.GoalFigures, err = s.Indicators.GoalFigures(ctx, o, codes); err != nil {
				return err
			}
		}
	}
	for i, a := range t.Content.Areas {
		v := planAreaView{Area: a, Index: i}
		switch data.View {
		case "tree":
			v.Lines = t.Lines(i)
		case "table":
			v.Table = t.Table(i)
		}
		data.Areas = append(data.Areas, v)
	}
	switch data.View {
	case "responsible":
		data.Responsible = t.ByResponsible()
	case "deadlines":
		data.Overdue, data.Soon = t.Deadlines(data.Now)
	case "summary":
		data.Summary = t.Summary()
		if data.Progress, err = s.summaryView(c, t); err != nil {
			return err
		}
	}
	if data.Values == nil {
		data.Values = map[string]string{}
	}
	data.Layout = Layout{Nav: "plans", Breadcrumbs: []Crumb{
		{Label: s.Catalog.T(s.locale(c), "plan.title.plural"), URL: "/o/" + o.Slug + "/plans"}, {Label: t.Plan.Title}}}
	s.render(c, status, "plan/show.html", data)
	return nil
}

func (s *Server) handlePlanStatus(c *gin.Context) error {
	o := orgOf(c)
	id, err := planID(c)
	if err != nil {
		return err
	}
	vals := map[string]string{"status": c.PostForm("status"), "adopted_by": strings.TrimSpace(c.PostForm("adopted_by")),
		"adopted_on": strings.TrimSpace(c.PostForm("adopted_on")), "decision_ref": strings.TrimSpace(c.PostForm("decision_ref"))}
	ad := plan.Adoption{AdoptedBy: vals["adopted_by"], DecisionRef: vals["decision_ref"]}
	ad.AdoptedOn, err = formDay(vals, "adopted_on", nil)
	if err == nil {
		_, err = s.Plans.SetStatus(c.Request.Context(), o, app.ActorFrom(c.Request.Context()), id, atoi(c.PostForm("rev")), vals["status"], ad)
	}
	if err != nil {
		data := &planPage{formPage: formPage{Values: vals}}
		if !data.fail(s, c, err) {
			return err
		}
		return s.renderPlan(c, statusOf(app.ErrorCode(err)), data)
	}
	s.setFlash(c, "plan.status_changed", "status", s.Catalog.T(s.locale(c), "plan.status."+vals["status"]))
	c.Redirect(http.StatusSeeOther, planURL(o, id))
	return nil
}

func (s *Server) handlePlanReviseConfirm(c *gin.Context) error {
	p, err := s.planHeader(c)
	if err != nil {
		return err
	}
	o, l := orgOf(c), s.locale(c)
	s.renderConfirm(c, &confirmPage{
		Layout: Layout{Nav: "plans", Breadcrumbs: []Crumb{{Label: p.Title, URL: planURL(o, p.ID)}, {Label: s.Catalog.T(l, "plan.revise")}}},
		Title:  s.Catalog.T(l, "plan.revise"), Question: s.Catalog.T(l, "plan.revise.question", "title", p.Title, "version", p.Version+1),
		Note:   s.Catalog.T(l, "plan.revise.note", "version", p.Version),
		Action: planURL(o, p.ID) + "/revise", Fields: map[string]string{"rev": strconv.Itoa(p.Rev)},
		Submit: s.Catalog.T(l, "plan.revise.submit"), Back: planURL(o, p.ID),
	})
	return nil
}

func (s *Server) handlePlanRevise(c *gin.Context) error {
	o := orgOf(c)
	id, err := planID(c)
	if err != nil {
		return err
	}
	np, err := s.Plans.Revise(c.Request.Context(), o, app.ActorFrom(c.Request.Context()), id, atoi(c.PostForm("rev")))
	if err != nil {
		return err
	}
	s.setFlash(c, "plan.revised", "version", np.Version)
	c.Redirect(http.StatusSeeOther, planURL(o, np.ID))
	return nil
}

func (s *Server) handlePlanDeleteConfirm(c *gin.Context) error {
	p, err := s.planHeader(c)
	if err != nil {
		return err
	}
	o, l := orgOf(c), s.locale(c)
	s.renderConfirm(c, &confirmPage{
		Layout:   Layout{Nav: "plans", Breadcrumbs: []Crumb{{Label: p.Title, URL: planURL(o, p.ID)}, {Label: s.Catalog.T(l, "plan.delete")}}},
		Title:    s.Catalog.T(l, "plan.delete"),
		Question: s.Catalog.T(l, "plan.delete.question", "title", p.Title),
		Note:     s.Catalog.T(l, "plan.delete.note"), Action: planURL(o, p.ID) + "/delete",
		Submit: s.Catalog.T(l, "plan.delete"), Danger: true, Back: planURL(o, p.ID),
	})
	return nil
}

func (s *Server) handlePlanDelete(c *gin.Context) error {
	o := orgOf(c)
	id, err := planID(c)
	if err != nil {
		return err
	}
	if err := s.Plans.Delete(c.Request.Context(), o, app.ActorFrom(c.Request.Context()), id); err != nil {
		return err
	}
	s.setFlash(c, "plan.deleted")
	c.Redirect(http.StatusSeeOther, "/o/"+o.Slug+"/plans")
	return nil
}

// updateRowMeasure updates a measure's status when a plan or a council
// decision holds it (sources whose measures are rows only; handled:
// true); a workbook answer's measure is left to the workbooks' service.
func (s *Server) updateRowMeasure(c *gin.Context, o *org.Organisation, id string, status string, progress *int, note string) (bool, error) {
	_, err := s.Plans.UpdateMeasure(c.Request.Context(), o, app.ActorFrom(c.Request.Context()), id,
		plan.MeasureUpdate{Status: status, Progress: progress, Note: note})
	if !errors.Is(err, plan.ErrNotPlanMeasure) {
		return true, err
	}
	_, err = s.Councils.UpdateMeasure(c.Request.Context(), o, app.ActorFrom(c.Request.Context()), id,
		council.MeasureUpdate{Status: status, Progress: progress, Note: note})
	if !errors.Is(err, council.ErrNotCouncilMeasure) {
		return true, err
	}
	_, err = s.Surveys.UpdateMeasure(c.Request.Context(), o, app.ActorFrom(c.Request.Context()), id,
		measure.StatusUpdate{Status: status, Progress: progress, Note: note})
	if errors.Is(err, survey.ErrNotSurveyMeasure) {
		return false, nil
	}
	return true, err
}

type peerPlanPage struct {
	Layout
	Org     *org.Organisation
	Peer    *org.Organisation
	Tree    *plan.Tree
	Areas   []planAreaView
	CanCopy bool
}

// handlePeerPlan shows a network peer's shared plan, read-only, with a
// link to copy each measure into one of the organisation's own plans.
func (s *Server) handlePeerPlan(c *gin.Context) error {
	o := orgOf(c)
	id, err := planID(c)
	if err != nil {
		return err
	}
	peer, t, err := s.Plans.SharedPlanTree(c.Request.Context(), o, c.Param("peer"), id)
	if err != nil {
		return err
	}
	data := &peerPlanPage{Org: o, Peer: peer, Tree: t, CanCopy: s.allowed(c, authz.ContentWrite)}
	for i, a := range t.Content.Areas {
		data.Areas = append(data.Areas, planAreaView{Area: a, Index: i, Table: t.Table(i)})
	}
	data.Layout = Layout{Nav: "plans", Breadcrumbs: []Crumb{
		{Label: s.Catalog.T(s.locale(c), "plan.title.plural"), URL: "/o/" + o.Slug + "/plans"}, {Label: peer.Name + ": " + t.Plan.Title}}}
	s.render(c, http.StatusOK, "plan/peer.html", data)
	return nil
}
