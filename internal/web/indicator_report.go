package web

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/tabular"
)

// reportInput is one number input of the report form.
type reportInput struct {
	Name  string // the form field, also its id after «f-»
	Label string
}

// reportRow is one line of an indicator on the form: its only figure, or
// one category of a breakdown.
type reportRow struct {
	Label    string
	Category string
	Num, Den reportInput
	History  string // the stored figure's history, when there is one
}

type reportRuleRow struct {
	Name  string
	Share string // the goal achievement computed from the categories
}

type reportLine struct {
	Index       int
	Code        string
	Name        string
	Period      string
	Rate        bool
	Breakdown   bool
	Rows        []reportRow
	Rules       []reportRuleRow
	Total       string
	Locked      bool
	Field       string // the line's prefix: l<i>
	Numerator   string
	Denominator string
}

type reportPage struct {
	formPage
	Org     *org.Organisation
	Base    string
	Period  string
	Title   string
	Prev    string
	Next    string
	Year    string
	Lines   []reportLine
	Locked  bool
	CanEdit bool
	Sources []string
}

func (s *Server) handleIndicatorReport(c *gin.Context) error {
	if q := c.Query("p"); q != "" { // the period form
		if p, ok := indicator.ParsePeriod(q); ok {
			c.Redirect(http.StatusSeeOther, indicatorsURL(orgOf(c))+"/report/"+p.Key())
			return nil
		}
	}
	return s.renderReport(c, http.StatusOK, nil)
}

// renderReport shows the form of :period; vals, when set, are what was
// typed (a refused save), else the stored figures fill it.
func (s *Server) renderReport(c *gin.Context, status int, page *reportPage) error {
	o, ctx, l := orgOf(c), c.Request.Context(), s.locale(c)
	form, err := s.Indicators.ReportForm(ctx, o, c.Param("period"))
	if err != nil {
		return err
	}
	data := page
	if data == nil {
		data = &reportPage{}
	}
	typed := data.Values != nil
	if !typed {
		data.Values = map[string]string{}
	}
	p := form.Period
	data.Org, data.Base, data.Period, data.Locked = o, indicatorsURL(o), p.Key(), form.Locked
	data.CanEdit, data.Sources = s.allowed(c, authz.ContentWrite), indicator.Sources
	data.Prev, data.Next, data.Year = prevPeriod(p).Key(), p.Next().Key(), strconv.Itoa(p.Year)
	data.Title = s.periodTitle(l, p)
	for i, fl := range form.Lines {
		data.Lines = append(data.Lines, s.reportLine(l, o, i, fl, data.Values, typed))
	}
	data.Layout = s.indicatorCrumbs(c, Crumb{Label: s.Catalog.T(l, "indicator.report.title", "period", data.Title)})
	s.render(c, status, "indicator/report.html", data)
	return nil
}

// periodTitle names a period in locale l: «mars 2020», «2020».
func (s *Server) periodTitle(l string, p indicator.Period) string {
	if p.Kind == indicator.Monthly {
		return s.Catalog.T(l, "indicator.month."+strconv.Itoa(p.Index)) + " " + strconv.Itoa(p.Year)
	}
	return p.Key()
}

// reportLine lays out one indicator of the form, filling vals with the
// stored figures unless typed.
func (s *Server) reportLine(l string, o *org.Organisation, i int, fl indicator.FormLine, vals map[string]string, typed bool) reportLine {
	ind := fl.Indicator
	pre := "l" + strconv.Itoa(i)
	line := reportLine{Index: i, Code: ind.Code, Name: ind.Name(l), Period: fl.Period.Key(), Rate: ind.IsRate(), Breakdown: ind.IsBreakdown(),
		Locked: fl.Locked, Field: pre, Numerator: ind.Numerator.Text(l), Denominator: ind.Denominator.Text(l)}
	cats := []indicator.Category{{}}
	if ind.IsBreakdown() {
		cats = ind.Categories
	}
	num := func(f *float64) string {
		if f == nil {
			return ""
		}
		return i18n.FormatNumber(l, *f, -1)
	}
	counts := indicator.Counts{}
	for j, cat := range cats {
		name := fmt.Sprintf("%s_c%d", pre, j)
		row := reportRow{Label: cat.Names.Text(l), Category: cat.Key, Num: reportInput{Name: name + "_num"}, Den: reportInput{Name: name + "_den"}}
		if row.Label == "" {
			row.Label = line.Name
		}
		if v := fl.Values[cat.Key]; v != nil {
			row.History = fmt.Sprintf("%s/%s/history/%s", indicatorsURL(o), ind.Code, fl.Period.Key())
			if cat.Key != "" {
				row.History += "?category=" + cat.Key
			}
			if !typed {
				vals[row.Num.Name], vals[row.Den.Name] = num(v.Num), num(v.Den)
				if v.RateOnly() {
					vals[row.Num.Name] = ""
				}
				vals[pre+"_src"], vals[pre+"_note"] = v.Source, v.Note
				vals[pre+"_rev"] = strconv.Itoa(v.Rev)
				if !v.Final {
					vals[pre+"_prelim"] = "1"
				}
			}
		}
		if x, ok := tabular.ParseDecimal(vals[row.Num.Name]); ok {
			counts[cat.Key] = x
		}
		line.Rows = append(line.Rows, row)
	}
	if vals[pre+"_src"] == "" {
		vals[pre+"_src"] = indicator.SourceOwn
	}
	if ind.IsBreakdown() {
		line.Total = i18n.FormatNumber(l, counts.Total(), -1)
		for _, r := range ind.Rules {
			rr := reportRuleRow{Name: r.Names.Text(l), Share: "–"}
			if n, d, ok := indicator.RuleShare(r, counts); ok {
				pct, _ := indicator.Percent(n, d)
				rr.Share = i18n.FormatNumber(l, pct, 0) + " % (" + i18n.FormatNumber(l, n, -1) + "/" + i18n.FormatNumber(l, d, -1) + ")"
			}
			line.Rules = append(line.Rules, rr)
		}
	}
	return line
}

// reportRef says which line and category an entry of a save came from.
type reportRef struct {
	line, cat int
}

// handleIndicatorReportSave saves the form all or nothing; a refusal
// shows it again with every typed value and each problem at its field.
func (s *Server) handleIndicatorReportSave(c *gin.Context) error {
	o, ctx, l := orgOf(c), c.Request.Context(), s.locale(c)
	form, err := s.Indicators.ReportForm(ctx, o, c.Param("period"))
	if err != nil {
		return err
	}
	vals := map[string]string{}
	for k, v := range c.Request.PostForm {
		if len(v) > 0 && strings.HasPrefix(k, "l") {
			vals[k] = strings.TrimSpace(v[0])
		}
	}
	var entries []indicator.Entry
	var refs []reportRef
	errs := map[string]string{}
	bad := func(field, key string, args ...any) { errs[field] = s.Catalog.T(l, key, args...) }
	for i, fl := range form.Lines {
		ind := fl.Indicator
		pre := "l" + strconv.Itoa(i)
		cats := []indicator.Category{{}}
		if ind.IsBreakdown() {
			cats = ind.Categories
		}
		final := vals[pre+"_prelim"] == ""
		rev, _ := strconv.Atoi(vals[pre+"_rev"])
		for j, cat := range cats {
			name := fmt.Sprintf("%s_c%d", pre, j)
			ns, ds := vals[name+"_num"], vals[name+"_den"]
			if ns == "" && ds == "" {
				continue
			}
			e := indicator.Entry{Code: ind.Code, Period: fl.Period.Key(), Category: cat.Key, Source: vals[pre+"_src"],
				Note: vals[pre+"_note"], Final: &final}
			if fl.Values[cat.Key] != nil {
				e.Rev = rev
			}
			if ns != "" {
				x, ok := tabular.ParseDecimal(ns)
				if !ok {
					bad(name+"_num", "indicator.error.number")
					continue
				}
				e.Num = &x
			}
			if ds != "" {
				x, ok := tabular.ParseDecimal(ds)
				if !ok {
					bad(name+"_den", "indicator.error.number")
					continue
				}
				e.Den = &x
			}
			entries, refs = append(entries, e), append(refs, reportRef{i, j})
		}
	}
	if len(errs) == 0 && len(entries) > 0 {
		_, err = s.Indicators.Save(ctx, o, app.ActorFrom(ctx).UserID, entries)
		var be *indicator.BatchError
		switch {
		case errors.As(err, &be):
			for _, re := range be.Rows {
				r := refs[re.Index]
				bad(reportField(r, re.Err.Field), re.Err.Key, argsOf(re.Err)...)
			}
		case err != nil && app.ErrorCode(err) != app.EInternal && app.AsError(err) != nil:
			errs[""] = s.Catalog.T(l, app.AsError(err).Key, argsOf(err)...)
		case err != nil:
			return err
		}
	}
	if len(errs) > 0 {
		data := &reportPage{formPage: formPage{Values: vals, Errors: errs}}
		return s.renderReport(c, http.StatusUnprocessableEntity, data)
	}
	if len(entries) == 0 {
		return s.doneTo(c, c.Request.URL.Path, "indicator.report.nothing")
	}
	return s.doneTo(c, c.Request.URL.Path, "indicator.report.saved")
}

// reportField answers the form field an entry's problem belongs at.
func reportField(r reportRef, field string) string {
	pre := "l" + strconv.Itoa(r.line)
	switch field {
	case "denominator":
		return fmt.Sprintf("%s_c%d_den", pre, r.cat)
	case "source":
		return pre + "_src"
	case "note":
		return pre + "_note"
	}
	return fmt.Sprintf("%s_c%d_num", pre, r.cat)
}

// sortedKeys answers m's keys in order (stable error summaries).
func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// handleIndicatorLock locks a period of the municipality.
func (s *Server) handleIndicatorLock(c *gin.Context) error {
	o, ctx := orgOf(c), c.Request.Context()
	p := strings.TrimSpace(c.PostForm("period"))
	if err := s.Indicators.Lock(ctx, o, app.ActorFrom(ctx).UserID, p); err != nil {
		return err
	}
	return s.doneTo(c, s.reportBack(c, o, p), "indicator.lock.locked", "period", p)
}

// handleIndicatorUnlock opens a locked period again.
func (s *Server) handleIndicatorUnlock(c *gin.Context) error {
	o, ctx := orgOf(c), c.Request.Context()
	p := c.Param("period")
	// A period already open is what was asked for.
	if err := s.Indicators.Unlock(ctx, o, p); err != nil && app.ErrorCode(err) != app.ENotFound {
		return err
	}
	return s.doneTo(c, s.reportBack(c, o, p), "indicator.lock.unlocked", "period", p)
}

// reportBack answers where a lock form returns: the page it names
// (the status page), else the period's report form.
func (s *Server) reportBack(c *gin.Context, o *org.Organisation, p string) string {
	if c.PostForm("back") == "status" {
		return indicatorsURL(o) + "/status"
	}
	if pp, ok := indicator.ParsePeriod(p); ok {
		return indicatorsURL(o) + "/report/" + pp.Key()
	}
	return indicatorsURL(o)
}
