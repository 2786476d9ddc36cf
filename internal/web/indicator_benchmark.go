package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/chart"
	"github.com/samvirke/samvirke/internal/files"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/org"
)

// indicatorBenchmarkRoutes registers the benchmark of an indicator (page,
// CSV, XLSX, PDF), saving a similar-municipalities group, the settlement
// tracker and the monthly report.
func (s *Server) indicatorBenchmarkRoutes() {
	const b = "/o/:org/indicators/:code/benchmark"
	s.org("GET", b, authz.ContentRead, s.handleIndicatorBenchmark)
	s.org("GET", b+".csv", authz.ContentRead, s.handleIndicatorBenchmarkExport("csv"))
	s.org("GET", b+".xlsx", authz.ContentRead, s.handleIndicatorBenchmarkExport("xlsx"))
	s.org("GET", b+".pdf", authz.ContentRead, s.handleIndicatorBenchmarkExport("pdf"))
	s.org("POST", b+"/similar", authz.ContentWrite, indicatorMunicipal(s.handleIndicatorSimilarSave))
	s.org("GET", "/o/:org/indicators/settlement", authz.ContentRead, indicatorMunicipal(s.handleIndicatorSettlement))
	s.org("GET", "/o/:org/indicators/report/:period/monthly", authz.ContentRead, indicatorMunicipal(s.handleIndicatorMonthly))
	s.org("GET", "/o/:org/indicators/report/:period/monthly.pdf", authz.ContentRead, indicatorMunicipal(s.handleIndicatorMonthlyPDF))
}

// benchPrinter answers the printer of a page in the request's language.
func (s *Server) benchPrinter(c *gin.Context, threshold int) indicator.Printer {
	return figurePrinter(s.Catalog, s.locale(c), threshold)
}

// benchQuery reads ?period=&group=&rule=&on=&n=.
type benchQuery struct {
	indicator.BenchmarkQuery
	On []string // similar on these codes (group=similar)
	N  int
}

func readBenchQuery(c *gin.Context) benchQuery {
	q := benchQuery{BenchmarkQuery: indicator.BenchmarkQuery{Code: indicatorParam(c), Period: c.Query("period"), Group: c.Query("group"), Rule: c.Query("rule")}}
	if q.Group == indicator.GroupSimilar {
		q.On = indicator.SimilarCodes(c.Query("on"))
		q.N = indicator.DefaultSimilar
		if n, err := strconv.Atoi(c.Query("n")); err == nil {
			q.N = n
		}
	}
	return q
}

// encode answers q as a query string.
func (q benchQuery) encode() string {
	v := url.Values{}
	for k, x := range map[string]string{"period": q.Period, "group": q.Group, "rule": q.Rule} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if q.Group == indicator.GroupSimilar {
		v.Set("on", strings.Join(q.On, ","))
		v.Set("n", strconv.Itoa(q.N))
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// benchView answers the benchmark q asks for, and the similarity search
// when it asks for similar municipalities.
func (s *Server) benchView(c *gin.Context, q benchQuery) (*indicator.View, *indicator.Similar, error) {
	ctx, o := c.Request.Context(), orgOf(c)
	if q.Group == indicator.GroupSimilar {
		return s.Indicators.BenchmarkSimilar(ctx, o, q.BenchmarkQuery, q.On, q.N, s.locale(c))
	}
	v, err := s.Indicators.Benchmark(ctx, o, q.BenchmarkQuery)
	return v, nil, err
}

// benchRow is a row of the ranking as the page prints it.
type benchRow struct {
	Rank, Name, Figure, Parts, Provenance string
	Own, Small, Hidden, Missing           bool
}

// benchAgg is an aggregate, the national figure or a target.
type benchAgg struct {
	Name, Figure, Parts, Covers, Provenance string
}

type benchOption struct {
	Value, Label string
	Selected     bool
}

// indicatorBenchmarkPage is the benchmark of one indicator.
type indicatorBenchmarkPage struct {
	formPage
	Org         *org.Organisation
	Indicator   *indicator.Indicator
	Name        string
	Meta        [][2]string
	Rate        bool
	Rows        []benchRow
	NoFigure    int // the group's municipalities with no figure the reader may see
	Aggs        []benchAgg
	Dist        *indicator.Distribution
	DistText    [5]string // min, q1, median, q3, max
	Charts      []chart.View
	Periods     []benchOption
	Groups      []benchOption
	Rules       []benchOption
	Candidates  []benchOption // indicators to be similar on
	Similar     *indicator.Similar
	SimilarN    int
	SimilarName string
	Query       string
	Base        string
	Under       string
	CanSave     bool
	Municipal   bool
	Members     []string // a similar group's slugs, for saving
}

func (s *Server) handleIndicatorBenchmark(c *gin.Context) error {
	q := readBenchQuery(c)
	data, err := s.benchData(c, q)
	if err != nil {
		if data != nil && data.fail(s, c, err) {
			s.render(c, statusOf(app.ErrorCode(err)), "indicator/benchmark.html", data)
			return nil
		}
		return err
	}
	s.render(c, http.StatusOK, "indicator/benchmark.html", data)
	return nil
}

// benchData builds the page; on a problem with the similarity search
// (no code chosen, the reader's own figure missing) it answers the page
// of the indicator's default group with the problem.
func (s *Server) benchData(c *gin.Context, q benchQuery) (*indicatorBenchmarkPage, error) {
	o, loc := orgOf(c), s.locale(c)
	v, sim, err := s.benchView(c, q)
	var problem error
	if err != nil && q.Group == indicator.GroupSimilar && app.ErrorCode(err) == app.EInvalid {
		problem = err
		q.Group, q.On = "", nil
		v, sim, err = s.benchView(c, q)
	}
	if err != nil {
		return nil, err
	}
	p := s.benchPrinter(c, v.Threshold)
	base := "/o/" + o.Slug + "/indicators/" + url.PathEscape(v.Indicator.Code) + "/benchmark"
	data := &indicatorBenchmarkPage{Org: o, Indicator: v.Indicator, Name: v.Indicator.Name(loc), Base: base, Query: q.encode(),
		Similar: sim, SimilarN: q.N, Under: p.Under(), Municipal: o.Kind == org.KindMunicipality,
		CanSave: o.Kind == org.KindMunicipality && s.allowed(c, authz.ContentWrite)}
	if data.SimilarN == 0 {
		data.SimilarN = indicator.DefaultSimilar
	}
	data.Values = map[string]string{"on": strings.Join(q.On, ","), "n": strconv.Itoa(data.SimilarN)}
	if sim != nil {
		data.SimilarName = p.GroupName(v.Group)
	}
	sheet := v.Sheet(p)
	data.Meta = sheet.Meta
	data.Rate = v.Indicator.IsRate() || (v.Indicator.IsBreakdown() && v.Rule != "")
	data.NoFigure = v.NoFigure
	for _, r := range v.Rows {
		data.Rows = append(data.Rows, benchRow{Rank: p.Rank(r), Name: r.Org.Name, Figure: p.Figure(v.Indicator, v.Rule, r.Figure),
			Parts: p.Parts(v.Indicator, v.Rule, r.Figure), Provenance: p.Provenance(r.Figure), Own: r.Own,
			Small: r.Figure.Small && !r.Figure.RateOnly, Hidden: (r.Figure.Hidden || r.Figure.DenHidden) && !r.Figure.RateOnly && r.Figure.Rate == nil,
			Missing: r.Figure.Missing && !r.Figure.RateOnly})
		if sim != nil {
			data.Members = append(data.Members, r.Org.Slug)
		}
	}
	for _, a := range v.Aggregates {
		data.Aggs = append(data.Aggs, benchAgg{Name: p.GroupName(a.Group), Figure: p.Figure(v.Indicator, v.Rule, a.Figure),
			Parts: p.Parts(v.Indicator, v.Rule, a.Figure), Covers: p.Covers(a), Provenance: p.T("indicator_benchmark.weighted")})
	}
	if v.National != nil {
		f := indicator.Figure{Source: v.National.Source, AsOf: v.National.AsOf, Final: v.National.Final}
		data.Aggs = append(data.Aggs, benchAgg{Name: p.T("indicator_benchmark.national"), Figure: p.National(v.Indicator, v.Rule, v.National), Provenance: p.Provenance(f)})
	}
	for _, t := range v.Targets {
		data.Aggs = append(data.Aggs, benchAgg{Name: p.T("indicator_benchmark.target." + t.Level), Figure: p.Target(v.Indicator, t)})
	}
	if v.Dist.Defined {
		data.Dist = &v.Dist
		for i, x := range []float64{v.Dist.Min, v.Dist.Q1, v.Dist.Median, v.Dist.Q3, v.Dist.Max} {
			data.DistText[i] = p.Value(v.Indicator, x)
			if v.Indicator.IsBreakdown() && v.Rule != "" {
				data.DistText[i] = p.Number(x, 1) + "\u00a0%"
			}
		}
	}
	f := chart.Format{Locale: loc, T: p.T}
	for _, ch := range v.Charts(p) {
		data.Charts = append(data.Charts, ch.View(f))
	}
	if err := s.benchPickers(c, data, v, q); err != nil {
		return nil, err
	}
	data.Layout = Layout{Nav: "indicators", Breadcrumbs: []Crumb{
		{Label: s.Catalog.T(loc, "indicator.title.plural"), URL: "/o/" + o.Slug + "/indicators"},
		{Label: data.Name, URL: "/o/" + o.Slug + "/indicators/" + url.PathEscape(v.Indicator.Code)},
		{Label: s.Catalog.T(loc, "indicator_benchmark.crumb")}}}
	return data, problem
}

// benchPickers fills the period, group, rule and similarity choices.
func (s *Server) benchPickers(c *gin.Context, data *indicatorBenchmarkPage, v *indicator.View, q benchQuery) error {
	loc := s.locale(c)
	cur := v.Period
	// the indicator's periods: the five years up to the one shown, each
	// period of them, newest first
	for y := cur.Year; y > cur.Year-5; y-- {
		p := indicator.Period{Year: y, Kind: v.Indicator.Periodicity}
		if p.Kind == indicator.Yearly {
			data.Periods = append(data.Periods, benchOption{Value: p.Key(), Label: p.Key(), Selected: p == cur})
			continue
		}
		var ps []indicator.Period
		for p.Index = 1; p.Year == y; p = p.Next() {
			ps = append(ps, p)
		}
		for i := len(ps) - 1; i >= 0; i-- {
			data.Periods = append(data.Periods, benchOption{Value: ps[i].Key(), Label: ps[i].Key(), Selected: ps[i] == cur})
		}
	}
	p := s.benchPrinter(c, v.Threshold)
	seen := map[string]bool{}
	for _, a := range v.Aggregates {
		if !seen[a.Group.Key] {
			seen[a.Group.Key] = true
			data.Groups = append(data.Groups, benchOption{Value: a.Group.Key, Label: p.GroupName(a.Group), Selected: a.Group.Key == v.Group.Key})
		}
	}
	if data.Municipal {
		data.Groups = append(data.Groups, benchOption{Value: indicator.GroupSimilar, Label: s.Catalog.T(loc, "indicator_benchmark.similar.option"),
			Selected: v.Group.Kind == indicator.GroupSimilar})
	}
	for _, r := range v.Indicator.Rules {
		data.Rules = append(data.Rules, benchOption{Value: r.Key, Label: r.Names.Text(loc), Selected: r.Key == v.Rule})
	}
	if data.Municipal {
		cat, err := s.Indicators.Catalogue(c.Request.Context(), orgOf(c))
		if err != nil {
			return err
		}
		for _, ind := range cat {
			sel := false
			for _, code := range q.On {
				sel = sel || code == ind.Code
			}
			data.Candidates = append(data.Candidates, benchOption{Value: ind.Code, Label: ind.Name(loc), Selected: sel})
		}
	}
	return nil
}

// handleIndicatorBenchmarkExport sends the benchmark as CSV, XLSX or PDF,
// printed from the same View as the page, and records the export.
func (s *Server) handleIndicatorBenchmarkExport(format string) func(*gin.Context) error {
	return func(c *gin.Context) error {
		q := readBenchQuery(c)
		v, _, err := s.benchView(c, q)
		if err != nil {
			return err
		}
		p := s.benchPrinter(c, v.Threshold)
		var buf bytes.Buffer
		ctype := ""
		switch format {
		case "csv":
			ctype, err = "text/csv; charset=utf-8", v.Sheet(p).WriteCSV(&buf)
		case "xlsx":
			ctype, err = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", v.Sheet(p).WriteXLSX(&buf, p.Locale)
		case "pdf":
			ctype, err = "application/pdf", v.Document(p, s.Clock.Now()).WritePDF(&buf)
		}
		if err != nil {
			return err
		}
		o := orgOf(c)
		detail := map[string]string{"format": format, "what": "indicator.benchmark", "indicator": v.Indicator.Code, "period": v.Period.Key(), "group": v.Group.Key}
		if err := s.Orgs.Record(c.Request.Context(), o, audit.Export, v.Indicator.Code, detail); err != nil {
			return err
		}
		name := v.Indicator.Code + " " + v.Period.Key() + "." + format
		c.Header("Content-Disposition", files.ContentDisposition("attachment", name))
		c.Header("Cache-Control", "private, no-store")
		c.Data(http.StatusOK, ctype, buf.Bytes())
		return nil
	}
}

// handleIndicatorSimilarSave saves the similar municipalities as a
// comparison group and shows the benchmark against it.
func (s *Server) handleIndicatorSimilarSave(c *gin.Context) error {
	o, loc := orgOf(c), s.locale(c)
	in := indicator.GroupInput{Name: c.PostForm("name"), Members: c.PostFormArray("member")}
	g, err := s.Indicators.SaveGroup(c.Request.Context(), o, 0, in)
	if err != nil {
		if app.AsError(err) == nil {
			return err
		}
		s.setFlash(c, "indicator_benchmark.similar.not_saved", "reason", s.Catalog.T(loc, app.AsError(err).Key))
		c.Redirect(http.StatusSeeOther, c.Request.URL.Path[:len(c.Request.URL.Path)-len("/similar")])
		return nil
	}
	s.setFlash(c, "indicator_benchmark.similar.saved", "name", g.Name)
	c.Redirect(http.StatusSeeOther, c.Request.URL.Path[:len(c.Request.URL.Path)-len("/similar")]+"?group=group-"+strconv.FormatInt(g.ID, 10))
	return nil
}
