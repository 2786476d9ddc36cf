package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/chart"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/tabular"
)

type indicatorPointRow struct {
	Period     string
	Own        figView
	OwnFigure  bool // the municipality's own stored figure: it has a history
	Aggregates []figView
	National   string
}

type indicatorPage struct {
	formPage
	Org          *org.Organisation
	Base         string
	Ind          *indicator.Indicator
	Name, Desc   string
	Numerator    string
	Denominator  string
	Categories   []string
	Rules        []string
	Subject      *org.Organisation
	Subjects     []*org.Organisation
	Own          bool
	GroupNames   []string
	Points       []indicatorPointRow
	Chart        *chart.View
	Targets      []indicatorTargetRow
	People       []org.RoleMember
	Setting      indicator.Setting
	Visibilities []string
	Municipality bool
	CanEdit      bool
	Threshold    int
}

type indicatorTargetRow struct {
	ID    int64
	Text  string
	Valid string
	Own   bool
}

func (s *Server) handleIndicator(c *gin.Context) error {
	return s.renderIndicator(c, http.StatusOK, &indicatorPage{})
}

func (s *Server) renderIndicator(c *gin.Context, status int, data *indicatorPage) error {
	o, ctx, l := orgOf(c), c.Request.Context(), s.locale(c)
	d, err := s.Indicators.Detail(ctx, o, indicator.SeriesQuery{Code: indicatorParam(c), Subject: c.Query("subject")})
	if err != nil {
		return err
	}
	se := d.Series
	ind := se.Indicator
	data.Org, data.Base, data.Ind, data.Municipality = o, indicatorsURL(o)+"/"+ind.Code, ind, o.Kind == org.KindMunicipality
	data.Name, data.Desc = ind.Name(l), ind.Descriptions.Text(l)
	data.Numerator, data.Denominator = ind.Numerator.Text(l), ind.Denominator.Text(l)
	data.CanEdit, data.Subjects, data.Subject, data.Own, data.Threshold = s.allowed(c, authz.ContentWrite), d.Subjects, se.Subject, se.Own, se.Threshold
	data.Visibilities, data.People = indicator.Visibilities, d.People
	for _, cat := range ind.Categories {
		data.Categories = append(data.Categories, cat.Names.Text(l))
	}
	for _, r := range ind.Rules {
		var names []string
		for _, k := range r.Categories {
			if cat, ok := ind.Category(k); ok {
				names = append(names, cat.Names.Text(l))
			}
		}
		data.Rules = append(data.Rules, r.Names.Text(l)+": "+strings.Join(names, ", "))
	}
	data.Setting = indicator.Setting{Visibility: indicator.VisibilityNetwork, Reports: ind.ReportDay > 0}
	if d.Setting != nil {
		data.Setting = *d.Setting
	}
	if data.Values == nil {
		data.Values = map[string]string{"visibility": data.Setting.Visibility}
		if data.Setting.ResponsibleID != nil {
			data.Values["responsible"] = strconv.FormatInt(*data.Setting.ResponsibleID, 10)
		}
		if data.Setting.Reports {
			data.Values["reports"] = "1"
		}
	}
	for _, g := range se.Groups {
		data.GroupNames = append(data.GroupNames, figurePrinter(s.Catalog, l, 0).GroupName(g))
	}
	for _, tg := range se.Targets {
		row := indicatorTargetRow{ID: tg.ID, Text: s.targetText(l, ind, tg), Own: tg.OwnerOrgID != nil && *tg.OwnerOrgID == o.ID}
		if tg.ValidFrom != nil || tg.ValidTo != nil {
			from, to := "", ""
			if tg.ValidFrom != nil {
				from = i18n.FormatDate(l, *tg.ValidFrom)
			}
			if tg.ValidTo != nil {
				to = i18n.FormatDate(l, *tg.ValidTo)
			}
			row.Valid = from + "–" + to
		}
		data.Targets = append(data.Targets, row)
	}
	for _, pt := range se.Points {
		row := indicatorPointRow{Period: pt.Period.Key(), Own: s.figureView(l, ind, pt.Figure, se.Threshold, se.Rule),
			OwnFigure: se.Own && !pt.Figure.Missing && pt.Period.Kind == ind.Periodicity}
		for _, a := range pt.Aggregates {
			row.Aggregates = append(row.Aggregates, s.aggregateView(l, ind, a, se.Threshold, se.Rule))
		}
		if pt.National != nil {
			row.National = figurePrinter(s.Catalog, l, se.Threshold).National(ind, se.Rule, pt.National)
		}
		data.Points = append(data.Points, row)
	}
	data.Chart = s.indicatorChart(l, se)
	if data.Subject != nil {
		data.Layout = s.indicatorCrumbs(c, Crumb{Label: data.Name})
	} else {
		data.Layout = s.indicatorCrumbs(c, Crumb{Label: data.Name})
	}
	s.render(c, status, "indicator/show.html", data)
	return nil
}

// indicatorChart draws the periods where the subject's figure is shown:
// the subject, each group's aggregate and the national figure where
// every one of those periods has it (a line never spans a withheld
// figure), and the latest target. Nil when fewer than two periods show.
func (s *Server) indicatorChart(l string, se *indicator.Series) *chart.View {
	ind := se.Indicator
	main := func(f indicator.Figure) (float64, bool) {
		if ind.IsRate() || se.Rule != "" || f.RateOnly {
			if f.Rate == nil || f.Small || f.Hidden {
				return 0, false
			}
			return *f.Rate, true
		}
		if f.Num == nil || f.Small || f.Hidden {
			return 0, false
		}
		return *f.Num, true
	}
	var labels []string
	var own []float64
	var idx []int
	for i, pt := range se.Points {
		if v, ok := main(pt.Figure); ok {
			labels, own, idx = append(labels, pt.Period.Key()), append(own, v), append(idx, i)
		}
	}
	if len(labels) < 2 {
		return nil
	}
	name := ""
	if se.Subject != nil {
		name = se.Subject.Name
	}
	ch := &chart.Chart{ID: "indicator-chart", Kind: chart.Line, Title: ind.Name(l), LabelHeading: s.Catalog.T(l, "indicator.period"),
		Description: s.Catalog.T(l, "indicator.chart.description", "name", name), Labels: labels,
		Series: []chart.Series{{Name: name, Values: own}}}
	if ind.IsRate() || se.Rule != "" {
		ch.Unit, ch.Decimals = "%", 1
	}
	for gi, g := range se.Groups {
		vals := make([]float64, 0, len(idx))
		for _, i := range idx {
			if gi >= len(se.Points[i].Aggregates) {
				break
			}
			v, ok := main(se.Points[i].Aggregates[gi].Figure)
			if !ok {
				break
			}
			vals = append(vals, v)
		}
		if len(vals) == len(idx) {
			ch.Series = append(ch.Series, chart.Series{Name: figurePrinter(s.Catalog, l, 0).GroupName(g), Values: vals})
		}
	}
	var nat []float64
	for _, i := range idx {
		n := se.Points[i].National
		switch {
		case n == nil:
		case n.Rate != nil:
			nat = append(nat, *n.Rate)
		case n.Num != nil && (ind.IsRate() || se.Rule != "") && n.Den != nil && *n.Den > 0:
			nat = append(nat, *n.Num / *n.Den * 100)
		case n.Num != nil && !ind.IsRate() && se.Rule == "":
			nat = append(nat, *n.Num)
		}
	}
	if len(nat) == len(idx) {
		ch.Series = append(ch.Series, chart.Series{Name: s.Catalog.T(l, "indicator.national"), Values: nat})
	}
	for _, tg := range se.Targets {
		if tg.Rule == se.Rule {
			vals := make([]float64, len(idx))
			for i := range vals {
				vals[i] = tg.Value
			}
			ch.Series = append(ch.Series, chart.Series{Name: s.Catalog.T(l, "indicator.target"), Values: vals})
			break
		}
	}
	if ch.Validate() != nil {
		return nil
	}
	v := ch.View(chart.Format{Locale: l, T: func(k string, a ...any) string { return s.Catalog.T(l, k, a...) }})
	return &v
}

// handleIndicatorSettings stores the municipality's choices for one
// indicator: who reports it, who sees it, whether it reports it.
func (s *Server) handleIndicatorSettings(c *gin.Context) error {
	o, ctx := orgOf(c), c.Request.Context()
	in := indicator.SettingInput{Visibility: c.PostForm("visibility"), Reports: c.PostForm("reports") != ""}
	vals := map[string]string{"visibility": in.Visibility, "responsible": c.PostForm("responsible")}
	if in.Reports {
		vals["reports"] = "1"
	}
	if r := c.PostForm("responsible"); r != "" {
		id, err := strconv.ParseInt(r, 10, 64)
		if err != nil {
			return s.indicatorAgain(c, vals, app.Errorf(app.EInvalid, "indicator.error.responsible").WithField("responsible"))
		}
		in.ResponsibleID = &id
	}
	if err := s.Indicators.SetSetting(ctx, o, indicatorParam(c), in); err != nil {
		return s.indicatorAgain(c, vals, err)
	}
	return s.doneTo(c, indicatorsURL(o)+"/"+indicatorParam(c), "indicator.settings.saved")
}

// indicatorAgain shows the indicator's page again with err at its field
// and what was typed kept.
func (s *Server) indicatorAgain(c *gin.Context, vals map[string]string, err error) error {
	data := &indicatorPage{formPage: formPage{Values: vals}}
	if !data.fail(s, c, err) {
		return err
	}
	return s.renderIndicator(c, statusOf(app.ErrorCode(err)), data)
}

// handleIndicatorTargetAdd sets a target of the organisation's own.
func (s *Server) handleIndicatorTargetAdd(c *gin.Context) error {
	o, ctx := orgOf(c), c.Request.Context()
	vals := map[string]string{"value": c.PostForm("value"), "rule": c.PostForm("rule"), "valid_from": c.PostForm("valid_from"), "valid_to": c.PostForm("valid_to")}
	in := indicator.TargetInput{Code: indicatorParam(c), Rule: vals["rule"]}
	v, ok := tabular.ParseDecimal(vals["value"])
	if !ok {
		return s.indicatorAgain(c, vals, app.Errorf(app.EInvalid, "indicator.error.number").WithField("value"))
	}
	in.Value = v
	if in.ValidFrom, ok = dateInput(vals["valid_from"]); !ok {
		return s.indicatorAgain(c, vals, app.Errorf(app.EInvalid, "error.date").WithField("valid_from"))
	}
	if in.ValidTo, ok = dateInput(vals["valid_to"]); !ok {
		return s.indicatorAgain(c, vals, app.Errorf(app.EInvalid, "error.date").WithField("valid_to"))
	}
	if _, err := s.Indicators.AddTarget(ctx, o, in); err != nil {
		return s.indicatorAgain(c, vals, err)
	}
	return s.doneTo(c, indicatorsURL(o)+"/"+indicatorParam(c), "indicator.target.added")
}

// handleIndicatorTargetDelete removes one of the organisation's targets.
func (s *Server) handleIndicatorTargetDelete(c *gin.Context) error {
	o := orgOf(c)
	id, err := int64Param(c, "target")
	if err != nil {
		return err
	}
	if err := s.Indicators.RemoveTarget(c.Request.Context(), o, id); err != nil {
		return err
	}
	return s.doneTo(c, indicatorsURL(o)+"/"+indicatorParam(c), "indicator.target.removed")
}

// --- the history of one figure ---------------------------------------------

type indicatorHistoryRow struct {
	When, Who, What string
}

type indicatorHistoryPage struct {
	Layout
	Org      *org.Organisation
	Name     string
	Period   string
	Category string
	Current  *indicatorHistoryRow
	Rows     []indicatorHistoryRow
	Base     string
}

func (s *Server) handleIndicatorHistory(c *gin.Context) error {
	o, ctx, l := orgOf(c), c.Request.Context(), s.locale(c)
	ind, cur, corr, err := s.Indicators.History(ctx, o, indicatorParam(c), c.Param("period"), c.Query("category"))
	if err != nil {
		return err
	}
	data := &indicatorHistoryPage{Org: o, Name: ind.Name(l), Period: c.Param("period"), Base: indicatorsURL(o) + "/" + ind.Code}
	if cur == nil {
		data.Layout = s.indicatorCrumbs(c, Crumb{Label: data.Name, URL: data.Base}, Crumb{Label: s.Catalog.T(l, "indicator.history.title", "period", data.Period)})
		s.render(c, http.StatusOK, "indicator/history.html", data)
		return nil
	}
	if cat, ok := ind.Category(cur.Category); ok {
		data.Category = cat.Names.Text(l)
	}
	what := func(num, den, rate *float64, state, source string, final bool, note string) string {
		txt := ""
		switch {
		case rate != nil:
			txt = figurePrinter(s.Catalog, l, 0).Value(ind, *rate)
		case num != nil && den != nil:
			txt = i18n.FormatNumber(l, *num, -1) + "/" + i18n.FormatNumber(l, *den, -1)
		case num != nil:
			txt = i18n.FormatNumber(l, *num, -1)
		default:
			txt = s.Catalog.T(l, "indicator.state."+state)
		}
		txt += " · " + s.Catalog.T(l, "indicator.source."+source)
		if !final {
			txt += " · " + s.Catalog.T(l, "indicator.fig.preliminary")
		}
		if note != "" {
			txt += " · «" + note + "»"
		}
		return txt
	}
	tz := o.Location()
	data.Current = &indicatorHistoryRow{When: i18n.FormatDateTime(l, cur.EnteredAt, tz), Who: s.Catalog.T(l, "indicator.history.rev", "rev", cur.Rev),
		What: what(cur.Num, cur.Den, cur.Rate, cur.State, cur.Source, cur.Final, cur.Note)}
	for _, h := range corr {
		data.Rows = append(data.Rows, indicatorHistoryRow{When: i18n.FormatDateTime(l, h.EnteredAt, tz) + " → " + i18n.FormatDateTime(l, h.ReplacedAt, tz),
			Who: s.Catalog.T(l, "indicator.history.rev", "rev", h.Rev), What: what(h.Num, h.Den, h.Rate, h.State, h.Source, h.Final, h.Note)})
	}
	data.Layout = s.indicatorCrumbs(c, Crumb{Label: data.Name, URL: data.Base}, Crumb{Label: s.Catalog.T(l, "indicator.history.title", "period", cur.Period)})
	s.render(c, http.StatusOK, "indicator/history.html", data)
	return nil
}
