package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/org"
)

// NavIndicators leads to the indicators: a municipality's figures and
// benchmarks, a network's or county's comparison of its members.
var NavIndicators = NavEntry{Key: "indicators", Label: "indicator.title.plural", Path: orgPath("/indicators"), Order: 40,
	Kinds: []string{org.KindMunicipality, org.KindNetwork, org.KindCounty}}

// indicatorParam reads the :code path parameter.
func indicatorParam(c *gin.Context) string { return c.Param("code") }

// maxIndicatorImportBody fits a file of values, or its preview sent back
// to be confirmed (the file in base64 in a multipart form).
var maxIndicatorImportBody = indicator.ImportLimits.MaxBytes*2 + 64<<10

// periodLock marks a write route whose :period the route's write gate
// checks: while the organisation has locked that period, the route
// answers 409 (indicator.error.locked) before its handler runs.
func periodLock() routeOption { return func(r *Route) { r.PeriodLock = true } }

// indicatorsOnly answers h for the organisations that keep indicators:
// municipalities, networks and counties.
func indicatorsOnly(h func(*gin.Context) error) func(*gin.Context) error {
	return func(c *gin.Context) error {
		switch orgOf(c).Kind {
		case org.KindMunicipality, org.KindNetwork, org.KindCounty:
			return h(c)
		}
		return app.Errorf(app.ENotFound, "indicator.error.not_found")
	}
}

// indicatorMunicipal answers h for a municipality only: it reports.
func indicatorMunicipal(h func(*gin.Context) error) func(*gin.Context) error {
	return municipalOnly("indicator.error.not_found", h)
}

// indicatorRoutes registers the indicator pages: the catalogue with the
// latest figures, one indicator, the history of a figure, the report
// form, import, reporting status, comparison groups.
func (s *Server) indicatorRoutes() {
	read, write := authz.ContentRead, authz.ContentWrite
	s.org("GET", "/o/:org/indicators", read, indicatorsOnly(s.handleIndicators))
	s.org("GET", "/o/:org/indicators/status", read, indicatorsOnly(s.handleIndicatorStatus))
	s.org("POST", "/o/:org/indicators/threshold", write, indicatorsOnly(s.handleIndicatorThreshold), maxBody(4<<10))
	s.org("GET", "/o/:org/indicators/import", write, indicatorMunicipal(s.handleIndicatorImportForm))
	s.org("POST", "/o/:org/indicators/import", write, indicatorMunicipal(s.handleIndicatorImport), maxBody(maxIndicatorImportBody))
	s.org("GET", "/o/:org/indicators/groups", read, indicatorsOnly(s.handleIndicatorGroups))
	s.org("POST", "/o/:org/indicators/groups", write, indicatorsOnly(s.handleIndicatorGroupCreate))
	s.org("GET", "/o/:org/indicators/groups/:group", write, indicatorsOnly(s.handleIndicatorGroup))
	s.org("POST", "/o/:org/indicators/groups/:group", write, indicatorsOnly(s.handleIndicatorGroupUpdate))
	s.org("POST", "/o/:org/indicators/groups/:group/delete", write, indicatorsOnly(s.handleIndicatorGroupDelete))
	s.org("POST", "/o/:org/indicators/locks", write, indicatorMunicipal(s.handleIndicatorLock))
	s.org("POST", "/o/:org/indicators/locks/:period/delete", write, indicatorMunicipal(s.handleIndicatorUnlock))
	s.org("GET", "/o/:org/indicators/report/:period", read, indicatorMunicipal(s.handleIndicatorReport))
	s.org("POST", "/o/:org/indicators/report/:period", write, indicatorMunicipal(s.handleIndicatorReportSave), maxBody(MaxEntryBody), periodLock())
	s.org("GET", "/o/:org/indicators/:code", read, indicatorsOnly(s.handleIndicator))
	s.org("POST", "/o/:org/indicators/:code/settings", write, indicatorMunicipal(s.handleIndicatorSettings))
	s.org("POST", "/o/:org/indicators/:code/targets", write, indicatorsOnly(s.handleIndicatorTargetAdd))
	s.org("POST", "/o/:org/indicators/:code/targets/:target/delete", write, indicatorsOnly(s.handleIndicatorTargetDelete))
	s.org("GET", "/o/:org/indicators/:code/history/:period", read, indicatorMunicipal(s.handleIndicatorHistory))
}

// gatePeriod refuses a write to a locked :period (Route.PeriodLock) with
// 409: the one place every such write is stopped.
func (s *Server) gatePeriod(c *gin.Context) {
	if s.Indicators != nil {
		o, p := orgOf(c), c.Param("period")
		locked, err := s.Indicators.Locked(c.Request.Context(), o, p)
		if err == nil && locked {
			err = app.Errorf(app.EConflict, "indicator.error.locked", "period", p)
		}
		if err != nil {
			s.writeError(c, err)
			return
		}
	}
	c.Next()
}

func indicatorsURL(o *org.Organisation) string { return "/o/" + o.Slug + "/indicators" }

// indicatorCrumbs starts an indicator page's breadcrumbs.
func (s *Server) indicatorCrumbs(c *gin.Context, more ...Crumb) Layout {
	crumbs := append([]Crumb{{Label: s.Catalog.T(s.locale(c), "indicator.title.plural"), URL: indicatorsURL(orgOf(c))}}, more...)
	return Layout{Nav: "indicators", Breadcrumbs: crumbs}
}

// figView is a figure as every indicator page prints it: its text, what a
// screen reader is told besides, and its provenance.
type figView struct {
	Text        string
	SR          string // a withheld figure's explanation
	Provenance  string
	Preliminary bool
}

// figureView prints f of ind (protected: «under T+1», withheld) in
// locale l with indicator.Printer, the one printer of every output; rule
// names a breakdown's rule whose rate is shown.
func (s *Server) figureView(l string, ind *indicator.Indicator, f indicator.Figure, threshold int, rule string) figView {
	t := func(k string, a ...any) string { return s.Catalog.T(l, k, a...) }
	p := figurePrinter(s.Catalog, l, threshold)
	v := figView{Text: p.Figure(ind, rule, f)}
	if parts := p.Parts(ind, rule, f); parts != "" {
		v.Text += " (" + parts + ")"
	}
	switch {
	case f.Hidden || f.DenHidden:
		v.SR = t("indicator.fig.hidden")
	case f.Missing && !f.RateOnly && f.State == indicator.StateSuppressed:
		v.SR = t("indicator.fig.suppressed")
	case f.Missing && !f.RateOnly:
		v.SR = t("indicator.fig.missing")
	}
	if f.Source != "" && f.Source != "aggregate" && !(f.Missing && !f.RateOnly) {
		v.Provenance, v.Preliminary = p.Provenance(f), !f.Final
	}
	return v
}

// aggregateView prints a group's aggregate with its coverage.
func (s *Server) aggregateView(l string, ind *indicator.Indicator, a indicator.Aggregate, threshold int, rule string) figView {
	v := s.figureView(l, ind, a.Figure, threshold, rule)
	v.Provenance = s.Catalog.T(l, "indicator.fig.covers", "name", figurePrinter(s.Catalog, l, threshold).GroupName(a.Group), "covered", a.Covered, "members", a.Members)
	if a.RateOnly > 0 {
		v.Provenance += " " + s.Catalog.T(l, "indicator.fig.rate_only", "n", a.RateOnly)
	}
	return v
}

// targetText prints a target.
func (s *Server) targetText(l string, ind *indicator.Indicator, tg *indicator.Target) string {
	txt := i18n.FormatNumber(l, tg.Value, -1)
	if ind.IsRate() || tg.Rule != "" {
		txt += " %"
	}
	txt += " (" + s.Catalog.T(l, "indicator.target.level."+tg.Level)
	if tg.Rule != "" {
		if r, ok := ind.Rule(tg.Rule); ok {
			txt += ", " + r.Names.Text(l)
		}
	}
	return txt + ")"
}

// --- the index --------------------------------------------------------------

type indicatorTopic struct {
	Topic string
	Lines []indicatorLine
}

type indicatorLine struct {
	Code, Name, Unit, Periodicity string
	Period                        string
	HasFigure                     bool
	Own                           figView
	Aggregate                     *figView
	Targets                       []string
	Reports                       bool
}

type indicatorsPage struct {
	Layout
	Org          *org.Organisation
	Municipality bool
	Topics       []indicatorTopic
	CanEdit      bool
	Month        string // the current month's report form
	PrevMonth    string
	Base         string
}

func (s *Server) handleIndicators(c *gin.Context) error {
	o, ctx, l := orgOf(c), c.Request.Context(), s.locale(c)
	lines, err := s.Indicators.Overview(ctx, o)
	if err != nil {
		return err
	}
	now := indicator.PeriodOf(indicator.Monthly, s.Clock.Now().In(o.Location()))
	data := &indicatorsPage{Org: o, Municipality: o.Kind == org.KindMunicipality, CanEdit: s.allowed(c, authz.ContentWrite),
		Month: now.Key(), PrevMonth: prevPeriod(now).Key(), Base: indicatorsURL(o)}
	for _, ln := range lines {
		ind := ln.Indicator
		rule := ""
		if len(ind.Rules) > 0 {
			rule = ind.Rules[0].Key
		}
		row := indicatorLine{Code: ind.Code, Name: ind.Name(l), Unit: s.Catalog.T(l, "indicator.unit."+ind.Unit),
			Periodicity: s.Catalog.T(l, "indicator.periodicity."+ind.Periodicity), HasFigure: ln.HasFigure,
			Reports: ind.ReportDay > 0 || (ln.Setting != nil && ln.Setting.Reports)}
		if ln.Setting != nil {
			row.Reports = ln.Setting.Reports
		}
		if ln.HasFigure {
			row.Period = ln.Period.Key()
			row.Own = s.figureView(l, ind, ln.Figure, ln.Threshold, rule)
			if ln.Aggregate != nil {
				a := s.aggregateView(l, ind, *ln.Aggregate, ln.Threshold, rule)
				row.Aggregate = &a
			}
			for _, tg := range ln.Targets {
				row.Targets = append(row.Targets, s.targetText(l, ind, tg))
			}
		}
		// One section per topic, in the order the catalogue first names
		// it (a topic's indicators may come from several files).
		topic := s.Catalog.T(l, "indicator.topic."+cmp.Or(ind.Topic, "other"))
		at := slices.IndexFunc(data.Topics, func(t indicatorTopic) bool { return t.Topic == topic })
		if at < 0 {
			data.Topics, at = append(data.Topics, indicatorTopic{Topic: topic}), len(data.Topics)
		}
		data.Topics[at].Lines = append(data.Topics[at].Lines, row)
	}
	data.Layout = Layout{Nav: "indicators"}
	s.render(c, http.StatusOK, "indicator/index.html", data)
	return nil
}

// prevPeriod answers the period before p.
func prevPeriod(p indicator.Period) indicator.Period {
	d := p.Start().AddDate(0, 0, -1)
	return indicator.PeriodOf(p.Kind, d)
}

// int64Param reads a numeric path parameter; anything else is not found.
func int64Param(c *gin.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, app.Errorf(app.ENotFound, "indicator.error.not_found")
	}
	return id, nil
}

// dateInput reads an optional day from a form («2020-03-31», «31.03.2020»).
func dateInput(s string) (*time.Time, bool) {
	if s == "" {
		return nil, true
	}
	d, ok := i18n.ParseDate(s)
	if !ok {
		return nil, false
	}
	return &d, true
}

func errIndicatorNotFound() error { return app.Errorf(app.ENotFound, "indicator.error.not_found") }

func appCode(err error) string { return app.ErrorCode(err) }
