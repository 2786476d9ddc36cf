package web

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/chart"
	"github.com/samvirke/samvirke/internal/files"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/org"
)

// settlementRow is one year of the tracker as printed.
type settlementRow struct {
	Year                                              int
	Requested, Decided                                string
	Settled, SettledAdults, SettledChildren           string
	Family, FamilyAdults, FamilyChildren, Total, Diff string
	Provenance                                        string
}

type indicatorSettlementPage struct {
	Layout
	Org      *org.Organisation
	From, To int
	Rows     []settlementRow
	Chart    *chart.View
}

// handleIndicatorSettlement shows the settlement tracker (?from=&to=).
func (s *Server) handleIndicatorSettlement(c *gin.Context) error {
	o, loc := orgOf(c), s.locale(c)
	from, _ := strconv.Atoi(c.Query("from"))
	to, _ := strconv.Atoi(c.Query("to"))
	st, err := s.Indicators.Settlement(c.Request.Context(), o, from, to)
	if err != nil {
		return err
	}
	p := s.benchPrinter(c, st.Threshold)
	count := &indicator.Indicator{Unit: indicator.UnitCount}
	fig := func(f indicator.Figure) string { return p.Figure(count, "", f) }
	data := &indicatorSettlementPage{Org: o, From: st.From, To: st.To}
	var labels []string
	var req, got []float64
	for _, y := range st.Years {
		r := settlementRow{Year: y.Year, Requested: fig(y.Requested), Decided: fig(y.Decided), Settled: fig(y.Settled),
			SettledAdults: fig(y.SettledAdults), SettledChildren: fig(y.SettledChildren), Family: fig(y.Family),
			FamilyAdults: fig(y.FamilyAdults), FamilyChildren: fig(y.FamilyChildren), Total: fig(y.Total), Diff: "–",
			Provenance: p.Provenance(y.Settled)}
		if y.Diff != nil {
			r.Diff = p.Number(*y.Diff, 0)
			if *y.Diff > 0 {
				r.Diff = "+" + r.Diff
			}
		}
		data.Rows = append(data.Rows, r)
		if y.Requested.Shown() || y.Settled.Shown() {
			labels = append(labels, strconv.Itoa(y.Year))
			req, got = append(req, shownOr0(y.Requested)), append(got, shownOr0(y.Settled))
		}
	}
	if len(labels) > 0 {
		ch := &chart.Chart{ID: "settle", Kind: chart.Bar, Title: p.T("indicator_benchmark.settlement.chart"),
			Description: p.T("indicator_benchmark.settlement.chart_desc"), LabelHeading: p.T("indicator_benchmark.settlement.year"),
			Labels: labels, Series: []chart.Series{{Name: p.T("indicator_benchmark.settlement.requested"), Values: req},
				{Name: p.T("indicator_benchmark.settlement.settled"), Values: got}}}
		v := ch.View(chart.Format{Locale: loc, T: p.T})
		data.Chart = &v
	}
	data.Layout = Layout{Nav: "indicators", Breadcrumbs: []Crumb{
		{Label: s.Catalog.T(loc, "indicator.title.plural"), URL: "/o/" + o.Slug + "/indicators"},
		{Label: s.Catalog.T(loc, "indicator_benchmark.settlement.title")}}}
	s.render(c, http.StatusOK, "indicator/settlement.html", data)
	return nil
}

// shownOr0 answers a shown count, or 0 for a chart's bar (the table
// beside it says what is not shown).
func shownOr0(f indicator.Figure) float64 {
	if f.Shown() && f.Num != nil {
		return *f.Num
	}
	return 0
}

type indicatorMonthlyPage struct {
	Layout
	Org    *org.Organisation
	Report *indicator.MonthlyReport
	Title  string
	PDF    string
	Public bool
}

func (s *Server) monthlyReport(c *gin.Context) (*indicator.MonthlyReport, indicator.MonthlyOptions, error) {
	loc := s.locale(c)
	opt := indicator.MonthlyOptions{Locale: loc, Public: c.Query("public") == "1",
		T: func(key string, args ...any) string { return s.Catalog.T(loc, key, args...) }}
	rep, err := s.Indicators.MonthlyReport(c.Request.Context(), orgOf(c), c.Param("period"), opt)
	if app.ErrorCode(err) == app.EInvalid {
		err = app.Errorf(app.ENotFound, "indicator.error.not_found")
	}
	return rep, opt, err
}

// handleIndicatorMonthly shows the monthly report (?public=1: the public
// copy with small counts protected).
func (s *Server) handleIndicatorMonthly(c *gin.Context) error {
	rep, opt, err := s.monthlyReport(c)
	if err != nil {
		return err
	}
	o, loc := orgOf(c), s.locale(c)
	d := rep.Document(opt, s.Clock.Now())
	data := &indicatorMonthlyPage{Org: o, Report: rep, Title: d.Title, Public: opt.Public,
		PDF: "/o/" + o.Slug + "/indicators/report/" + rep.Month.Key() + "/monthly.pdf"}
	if opt.Public {
		data.PDF += "?public=1"
	}
	data.Layout = Layout{Nav: "indicators", Breadcrumbs: []Crumb{
		{Label: s.Catalog.T(loc, "indicator.title.plural"), URL: "/o/" + o.Slug + "/indicators"},
		{Label: d.Title}}}
	s.render(c, http.StatusOK, "indicator/monthly.html", data)
	return nil
}

// handleIndicatorMonthlyPDF prints the monthly report as PDF.
func (s *Server) handleIndicatorMonthlyPDF(c *gin.Context) error {
	rep, opt, err := s.monthlyReport(c)
	if err != nil {
		return err
	}
	d := rep.Document(opt, s.Clock.Now())
	var buf bytes.Buffer
	if err := d.WritePDF(&buf); err != nil {
		return err
	}
	c.Header("Content-Disposition", files.ContentDisposition("inline", d.Title+".pdf"))
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "application/pdf", buf.Bytes())
	return nil
}
