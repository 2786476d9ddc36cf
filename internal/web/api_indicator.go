package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/indicator"
)

// maxValuesBody fits a batch of indicator.MaxBatch figures.
const maxValuesBody int64 = 8 << 20

// indicatorAPIRoutes registers the indicators API under
// /api/v1/orgs/{slug}/indicators.
func (s *Server) indicatorAPIRoutes() {
	const base = "/api/v1/orgs/:org/indicators"
	s.org("GET", base, authz.ContentRead, s.handleAPIIndicators)
	s.org("POST", base, authz.ContentWrite, s.handleAPIIndicatorCreate, maxBody(256<<10))
	s.org("POST", base+"/values", authz.ContentWrite, municipalOnly("indicator.error.not_found", s.handleAPIIndicatorValuesSave), maxBody(maxValuesBody))
	s.org("GET", base+"/targets", authz.ContentRead, s.handleAPIIndicatorTargets)
	s.org("POST", base+"/targets", authz.ContentWrite, s.handleAPIIndicatorTargetAdd, maxBody(16<<10))
	s.org("GET", base+"/groups", authz.ContentRead, s.handleAPIIndicatorGroups)
	s.org("POST", base+"/groups", authz.ContentWrite, s.handleAPIIndicatorGroupSave, maxBody(64<<10))
	s.org("GET", base+"/:code", authz.ContentRead, s.handleAPIIndicator)
	s.org("POST", base+"/:code", authz.ContentWrite, s.handleAPIIndicatorUpdate, maxBody(256<<10))
	s.org("GET", base+"/:code/values", authz.ContentRead, municipalOnly("indicator.error.not_found", s.handleAPIIndicatorValues))
	s.org("GET", base+"/:code/series", authz.ContentRead, s.handleAPIIndicatorSeries)
	s.org("GET", base+"/:code/benchmark", authz.ContentRead, s.handleAPIIndicatorBenchmark)
}

// --- shapes ------------------------------------------------------------------

// apiFigure is one published figure after small-count protection: a
// small count is only «under N», a withheld one has no number at all.
type apiFigure struct {
	Numerator   *float64 `json:"numerator,omitempty"`
	Denominator *float64 `json:"denominator,omitempty"`
	Rate        *float64 `json:"rate,omitempty"`
	Small       bool     `json:"small,omitempty"`
	Label       string   `json:"label,omitempty"`
	Withheld    bool     `json:"withheld,omitempty"`
	// DenominatorSmall and DenominatorWithheld say the same of a rate's
	// denominator (small, withheld say it of the count or numerator).
	DenominatorSmall    bool   `json:"denominator_small,omitempty"`
	DenominatorWithheld bool   `json:"denominator_withheld,omitempty"`
	RateOnly            bool   `json:"rate_only,omitempty"`
	Missing             bool   `json:"missing,omitempty"`
	State               string `json:"state,omitempty"`
	Source              string `json:"source,omitempty"`
	AsOf                string `json:"as_of,omitempty"`
	Final               bool   `json:"final"`
}

// apiAggregate is a group's weighted figure and how much it covers.
type apiAggregate struct {
	Group    apiGroupRef `json:"group"`
	Figure   apiFigure   `json:"figure"`
	Covered  int         `json:"covered"`
	Members  int         `json:"members"`
	RateOnly int         `json:"rate_only"`
}

// apiGroupRef names a comparison group.
type apiGroupRef struct {
	Key  string `json:"key"`
	Kind string `json:"kind"`
	Name string `json:"name"`
}

// apiBenchRow is a municipality in a benchmark.
type apiBenchRow struct {
	Municipality apiOrgRef `json:"municipality"`
	Own          bool      `json:"own"`
	Rank         int       `json:"rank,omitempty"`
	Figure       apiFigure `json:"figure"`
}

// apiOrgRef names an organisation.
type apiOrgRef struct {
	Slug               string `json:"slug"`
	Name               string `json:"name"`
	MunicipalityNumber string `json:"municipality_number,omitempty"`
}

// apiNational is a country's official figure.
type apiNational struct {
	Country string    `json:"country"`
	Period  string    `json:"period"`
	Figure  apiFigure `json:"figure"`
}

// apiTarget is a target with its indicator's code.
type apiTarget struct {
	*indicator.Target
	Code string `json:"code"`
}

// apiRowError is a refused entry of a batch.
type apiRowError struct {
	Index   int    `json:"index"`
	Field   string `json:"field,omitempty"`
	Key     string `json:"key"`
	Message string `json:"message"`
}

func apiDayOf(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

// toAPIFigure prints f as protected: no number of a small or withheld
// figure, «under threshold+1» in the reader's language for a small one.
func (s *Server) toAPIFigure(c *gin.Context, f indicator.Figure, threshold int) apiFigure {
	out := apiFigure{RateOnly: f.RateOnly, Missing: f.Missing, State: f.State, Source: f.Source, AsOf: apiDayOf(f.AsOf), Final: f.Final,
		DenominatorSmall: f.DenSmall, DenominatorWithheld: f.DenHidden}
	switch {
	case f.Hidden:
		out.Withheld = true
	case f.Small:
		out.Small = true
		out.Label = s.Catalog.T(s.locale(c), "indicator.api.under", map[string]any{"n": threshold + 1})
	default:
		out.Numerator, out.Denominator, out.Rate = f.Num, f.Den, f.Rate
	}
	return out
}

func (s *Server) toAPIAggregate(c *gin.Context, a indicator.Aggregate, threshold int) apiAggregate {
	return apiAggregate{Group: apiGroupRef{Key: a.Group.Key, Kind: a.Group.Kind, Name: a.Group.Name}, Figure: s.toAPIFigure(c, a.Figure, threshold),
		Covered: a.Covered, Members: a.Members, RateOnly: a.RateOnly}
}

func toAPINational(n *indicator.NationalValue) *apiNational {
	if n == nil {
		return nil
	}
	return &apiNational{Country: n.Country, Period: n.Period, Figure: apiFigure{Numerator: n.Num, Denominator: n.Den, Rate: n.Rate,
		RateOnly: n.Rate != nil && n.Num == nil, Missing: n.State != indicator.StateOK, State: n.State, Source: n.Source,
		AsOf: apiDayOf(n.AsOf), Final: n.Final}}
}

// --- request bodies -------------------------------------------------------

// apiValueBody is one figure of POST …/values.
type apiValueBody struct {
	Code        string   `json:"code"`
	Period      string   `json:"period"`
	Category    string   `json:"category"`
	Numerator   *float64 `json:"numerator"`
	Denominator *float64 `json:"denominator"`
	Rate        *float64 `json:"rate"`
	State       string   `json:"state"`
	Source      string   `json:"source"`
	AsOf        string   `json:"as_of"`
	Final       *bool    `json:"final"`
	Note        string   `json:"note"`
	Rev         int      `json:"rev"`
}

// apiTargetBody is the body of POST …/targets.
type apiTargetBody struct {
	Code      string  `json:"code"`
	Rule      string  `json:"rule"`
	Value     float64 `json:"value"`
	ValidFrom string  `json:"valid_from"`
	ValidTo   string  `json:"valid_to"`
}

// apiGroupBody is the body of POST …/groups: id 0 (or none) makes one.
type apiGroupBody struct {
	ID      int64    `json:"id"`
	Name    string   `json:"name"`
	Members []string `json:"members"`
}

// queryYearOf reads a year parameter (0 when absent).
func queryYearOf(c *gin.Context, name string) (int, error) {
	y, err := queryInt(c, name)
	if err != nil {
		return 0, err
	}
	if y != 0 && (y < 1900 || y > 2200) {
		return 0, app.Errorf(app.EInvalid, "council.api.error.year").WithField(name)
	}
	return int(y), nil
}

// --- catalogue ---------------------------------------------------------------

// handleAPIIndicators lists the catalogue the organisation sees.
func (s *Server) handleAPIIndicators(c *gin.Context) error {
	list, err := s.Indicators.Catalogue(c.Request.Context(), orgOf(c))
	if err != nil {
		return err
	}
	return answerList(c, "indicators", list, func(i *indicator.Indicator) *indicator.Indicator { return i })
}

// handleAPIIndicatorCreate adds an indicator to the organisation's own set.
func (s *Server) handleAPIIndicatorCreate(c *gin.Context) error {
	o := orgOf(c)
	var in indicator.Indicator
	if err := bindCouncilJSON(c, &in); err != nil {
		return err
	}
	if err := s.Indicators.Create(c.Request.Context(), o, &in); err != nil {
		return err
	}
	return answerCreated(c, "/api/v1/orgs/"+o.Slug+"/indicators/"+in.Code, &in)
}

// handleAPIIndicator answers an indicator with the targets that apply.
func (s *Server) handleAPIIndicator(c *gin.Context) error {
	ctx, o := c.Request.Context(), orgOf(c)
	ind, err := s.Indicators.Indicator(ctx, o, indicatorParam(c))
	if err != nil {
		return err
	}
	ts, _, err := s.Indicators.Targets(ctx, o, ind.Code)
	if err != nil {
		return err
	}
	if ts == nil {
		ts = []*indicator.Target{}
	}
	c.JSON(http.StatusOK, gin.H{"indicator": ind, "targets": ts})
	return nil
}

// handleAPIIndicatorUpdate changes one of the organisation's own
// indicators: the fields the body names, the others as they are.
func (s *Server) handleAPIIndicatorUpdate(c *gin.Context) error {
	ctx, o := c.Request.Context(), orgOf(c)
	cur, err := s.Indicators.Indicator(ctx, o, indicatorParam(c))
	if err != nil {
		return err
	}
	if cur.OwnerOrgID == nil || *cur.OwnerOrgID != o.ID {
		// The organisation sees it (national or its network's) but it is
		// not its own to change.
		return app.Errorf(app.EInvalid, "indicator.api.error.not_own").WithField("code")
	}
	in := *cur
	if err := bindCouncilJSON(c, &in); err != nil {
		return err
	}
	if err := s.Indicators.Update(ctx, o, cur.Code, &in); err != nil {
		return err
	}
	c.JSON(http.StatusOK, &in)
	return nil
}

// --- values ----------------------------------------------------------------------

// handleAPIIndicatorValues answers the organisation's own values, exact,
// with provenance: ?from= and ?to= are years.
func (s *Server) handleAPIIndicatorValues(c *gin.Context) error {
	from, err := queryYearOf(c, "from")
	if err != nil {
		return err
	}
	to, err := queryYearOf(c, "to")
	if err != nil {
		return err
	}
	ind, vals, err := s.Indicators.Values(c.Request.Context(), orgOf(c), indicatorParam(c), from, to)
	if err != nil {
		return err
	}
	if vals == nil {
		vals = []*indicator.Value{}
	}
	c.JSON(http.StatusOK, gin.H{"code": ind.Code, "values": vals})
	return nil
}

// handleAPIIndicatorValuesSave stores a batch of figures all or nothing:
// every refused entry is answered with its index, field and message (422,
// or 409 when a period is locked), and nothing is written.
func (s *Server) handleAPIIndicatorValuesSave(c *gin.Context) error {
	ctx, o := c.Request.Context(), orgOf(c)
	var body struct {
		Values []apiValueBody `json:"values"`
	}
	if err := bindCouncilJSON(c, &body); err != nil {
		return err
	}
	entries := make([]indicator.Entry, len(body.Values))
	var bad []apiRowError
	loc := s.locale(c)
	for i, v := range body.Values {
		asOf, err := apiDate("as_of", v.AsOf)
		if err != nil {
			ae := app.AsError(err)
			bad = append(bad, apiRowError{Index: i, Field: ae.Field, Key: ae.Key, Message: s.Catalog.T(loc, ae.Key)})
		}
		entries[i] = indicator.Entry{Code: v.Code, Period: v.Period, Category: v.Category, Num: v.Numerator, Den: v.Denominator,
			Rate: v.Rate, State: v.State, Source: v.Source, AsOf: asOf, Final: v.Final, Note: v.Note, Rev: v.Rev}
	}
	status := http.StatusUnprocessableEntity
	if len(bad) == 0 {
		n, err := s.Indicators.Save(ctx, o, app.ActorFrom(ctx).UserID, entries)
		var be *indicator.BatchError
		if !errors.As(err, &be) {
			if err != nil {
				return err
			}
			c.JSON(http.StatusOK, gin.H{"changed": n})
			return nil
		}
		for _, r := range be.Rows {
			if r.Err.Code == app.EConflict {
				status = http.StatusConflict
			}
			bad = append(bad, apiRowError{Index: r.Index, Field: r.Err.Field, Key: r.Err.Key, Message: s.Catalog.T(loc, r.Err.Key, argsOf(r.Err)...)})
		}
	}
	c.AbortWithStatusJSON(status, gin.H{"status": status, "code": app.EInvalid, "errors": bad})
	return nil
}

// --- series and benchmark ---------------------------------------------------------

// handleAPIIndicatorSeries answers a municipality's figures over the
// years against its groups, protected as every output is.
func (s *Server) handleAPIIndicatorSeries(c *gin.Context) error {
	from, err := queryYearOf(c, "from")
	if err != nil {
		return err
	}
	to, err := queryYearOf(c, "to")
	if err != nil {
		return err
	}
	sr, err := s.Indicators.Series(c.Request.Context(), orgOf(c), indicator.SeriesQuery{Code: indicatorParam(c),
		Subject: strings.TrimSpace(c.Query("subject")), From: from, To: to, Rule: strings.TrimSpace(c.Query("rule"))})
	if err != nil {
		return err
	}
	type point struct {
		Period     string         `json:"period"`
		Figure     apiFigure      `json:"figure"`
		Aggregates []apiAggregate `json:"aggregates"`
		National   *apiNational   `json:"national,omitempty"`
	}
	points := make([]point, 0, len(sr.Points))
	for _, p := range sr.Points {
		pt := point{Period: p.Period.Key(), Figure: s.toAPIFigure(c, p.Figure, sr.Threshold), Aggregates: []apiAggregate{}, National: toAPINational(p.National)}
		for _, a := range p.Aggregates {
			pt.Aggregates = append(pt.Aggregates, s.toAPIAggregate(c, a, sr.Threshold))
		}
		points = append(points, pt)
	}
	targets := sr.Targets
	if targets == nil {
		targets = []*indicator.Target{}
	}
	c.JSON(http.StatusOK, gin.H{"code": sr.Indicator.Code, "subject": apiOrgRef{Slug: sr.Subject.Slug, Name: sr.Subject.Name,
		MunicipalityNumber: sr.Subject.MunicipalityNumber}, "own": sr.Own, "rule": sr.Rule, "threshold": sr.Threshold,
		"points": points, "targets": targets})
	return nil
}

// handleAPIIndicatorBenchmark answers the protected comparison of one
// period across a group, with every group's aggregate.
func (s *Server) handleAPIIndicatorBenchmark(c *gin.Context) error {
	v, err := s.Indicators.Benchmark(c.Request.Context(), orgOf(c), indicator.BenchmarkQuery{Code: indicatorParam(c),
		Period: strings.TrimSpace(c.Query("period")), Group: strings.TrimSpace(c.Query("group")), Rule: strings.TrimSpace(c.Query("rule"))})
	if err != nil {
		return err
	}
	rows := make([]apiBenchRow, 0, len(v.Rows))
	for _, r := range v.Rows {
		rows = append(rows, apiBenchRow{Municipality: apiOrgRef{Slug: r.Org.Slug, Name: r.Org.Name, MunicipalityNumber: r.Org.MunicipalityNumber},
			Own: r.Own, Rank: r.Rank, Figure: s.toAPIFigure(c, r.Figure, v.Threshold)})
	}
	aggs := make([]apiAggregate, 0, len(v.Aggregates))
	for _, a := range v.Aggregates {
		aggs = append(aggs, s.toAPIAggregate(c, a, v.Threshold))
	}
	targets := v.Targets
	if targets == nil {
		targets = []*indicator.Target{}
	}
	c.JSON(http.StatusOK, gin.H{"code": v.Indicator.Code, "period": v.Period.Key(), "rule": v.Rule, "threshold": v.Threshold,
		"group": apiGroupRef{Key: v.Group.Key, Kind: v.Group.Kind, Name: v.Group.Name}, "rows": rows, "aggregates": aggs,
		"national": toAPINational(v.National), "targets": targets})
	return nil
}

// --- targets and groups ---------------------------------------------------------

// handleAPIIndicatorTargets lists the targets that apply (?code= for one
// indicator's).
func (s *Server) handleAPIIndicatorTargets(c *gin.Context) error {
	ts, codes, err := s.Indicators.Targets(c.Request.Context(), orgOf(c), strings.TrimSpace(c.Query("code")))
	if err != nil {
		return err
	}
	return answerList(c, "targets", ts, func(t *indicator.Target) apiTarget { return apiTarget{t, codes[t.IndicatorID]} })
}

// handleAPIIndicatorTargetAdd sets a target of the organisation's own.
func (s *Server) handleAPIIndicatorTargetAdd(c *gin.Context) error {
	var body apiTargetBody
	if err := bindCouncilJSON(c, &body); err != nil {
		return err
	}
	in := indicator.TargetInput{Code: body.Code, Rule: body.Rule, Value: body.Value}
	var err error
	if in.ValidFrom, err = apiDate("valid_from", body.ValidFrom); err != nil {
		return err
	}
	if in.ValidTo, err = apiDate("valid_to", body.ValidTo); err != nil {
		return err
	}
	t, err := s.Indicators.AddTarget(c.Request.Context(), orgOf(c), in)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, apiTarget{t, body.Code})
	return nil
}

// handleAPIIndicatorGroups lists the groups the organisation compares
// with: its networks, county, country and hand-made groups.
func (s *Server) handleAPIIndicatorGroups(c *gin.Context) error {
	gs, _, err := s.Indicators.SavedGroups(c.Request.Context(), orgOf(c))
	if err != nil {
		return err
	}
	return answerList(c, "groups", gs, func(g *indicator.Group) *indicator.Group { return g })
}

// handleAPIIndicatorGroupSave makes (id 0) or replaces a hand-made group.
func (s *Server) handleAPIIndicatorGroupSave(c *gin.Context) error {
	var body apiGroupBody
	if err := bindCouncilJSON(c, &body); err != nil {
		return err
	}
	g, err := s.Indicators.SaveGroup(c.Request.Context(), orgOf(c), body.ID, indicator.GroupInput{Name: body.Name, Members: body.Members})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if body.ID == 0 {
		status = http.StatusCreated
		c.Header("Location", "/api/v1/orgs/"+orgOf(c).Slug+"/indicators/groups?id="+strconv.FormatInt(g.ID, 10))
	}
	c.JSON(status, g)
	return nil
}
