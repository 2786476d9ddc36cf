package indicator

import (
	"strconv"
	"strings"

	"github.com/samvirke/samvirke/internal/i18n"
)

// Translate is a translation catalogue bound to one locale (the shape of
// i18n.Catalog.T with the locale given): it answers key's text with its
// {name} placeholders filled from name, value pairs.
type Translate func(key string, args ...any) string

// Printer prints protected figures the one way every output prints them
// (page, CSV, XLSX, PDF, the monthly report): a count exactly, a small
// count as «under T+1», a withheld figure as withheld, a rate only when
// the figure has one, always with its provenance. It prints what a View,
// Series or Figure holds and nothing else.
type Printer struct {
	Locale    string
	T         Translate
	Threshold int
}

// Number prints x in the printer's locale with decimals (-1: as few as
// needed, at most two).
func (p Printer) Number(x float64, decimals int) string {
	return i18n.FormatNumber(p.Locale, x, decimals)
}

// Value prints x in ind's unit: a count as an integer, a percentage with
// one decimal and «%», a rate per thousand with «‰».
func (p Printer) Value(ind *Indicator, x float64) string {
	switch ind.Unit {
	case UnitPercent:
		return p.Number(x, 1) + "\u00a0%"
	case UnitRate:
		return p.Number(x, 1) + "\u00a0‰"
	case UnitAmount:
		return p.Number(x, -1)
	}
	return p.Number(x, 0)
}

// rated reports whether figures of ind (for rule) are rates.
func rated(ind *Indicator, rule string) bool {
	return ind.IsRate() || (ind.IsBreakdown() && rule != "")
}

// Under is the text of a small count: «under 10».
func (p Printer) Under() string {
	return p.T("indicator_benchmark.under", "n", p.Threshold+1)
}

// Withheld is the text of a withheld figure in exports.
func (p Printer) Withheld() string { return p.T("indicator_benchmark.withheld") }

// Figure prints f's main number: its rate for a rate (a breakdown's rule
// gives a rate in per cent), only when both its parts are shown; its
// count otherwise; «under T+1» for a small count (or a rate with a small
// part), the withheld text for a withheld one, «–» with no figure.
func (p Printer) Figure(ind *Indicator, rule string, f Figure) string {
	rate := rated(ind, rule)
	switch {
	case f.RateOnly && f.Rate != nil:
		return p.Value(ind, *f.Rate)
	case rate && f.Rate != nil && !f.Small && !f.Hidden && !f.DenSmall && !f.DenHidden:
		if ind.IsBreakdown() {
			return p.Number(*f.Rate, 1) + "\u00a0%"
		}
		return p.Value(ind, *f.Rate)
	case f.Hidden || (rate && f.DenHidden):
		return p.Withheld()
	case rate && (f.Small || f.DenSmall):
		// A rate over a small count is not printed; its parts say which
		// is under the threshold («under 10 / 35»): «under 10 %» would
		// read as a share.
		return "–"
	case f.Small:
		return p.Under()
	case f.Missing || f.Num == nil || rate:
		if f.State == StateSuppressed {
			return p.T("indicator_benchmark.source_suppressed")
		}
		return "–"
	}
	return p.Value(ind, *f.Num)
}

// Parts prints a rate's counts as published: «91 / 102», «under 10 /
// 35», «withheld / 40»; "" for a count, a published rate alone, or a
// rate with no figure.
func (p Printer) Parts(ind *Indicator, rule string, f Figure) string {
	if !rated(ind, rule) || f.RateOnly {
		return ""
	}
	num, den := p.Num(f), p.Den(f)
	if num == "" || den == "" {
		return ""
	}
	return num + "\u00a0/\u00a0" + den
}

// Num and Den print a figure's numerator and denominator as their cells
// in an export: exact, «under T+1», withheld or empty.
func (p Printer) Num(f Figure) string { return p.part(f, f.Num, f.Small, f.Hidden) }

// Den prints a figure's denominator (see Num).
func (p Printer) Den(f Figure) string { return p.part(f, f.Den, f.DenSmall, f.DenHidden) }

func (p Printer) part(f Figure, x *float64, small, hidden bool) string {
	switch {
	case f.RateOnly:
		return ""
	case x != nil:
		return p.Number(*x, 0)
	case small:
		return p.Under()
	case hidden:
		return p.Withheld()
	}
	return ""
}

// Source prints a figure's source by name («IMDi», «own registration»).
func (p Printer) Source(source string) string {
	if source == "" {
		return ""
	}
	return p.T("indicator.source." + source)
}

// AsOf prints the day a figure is as of, or "".
func (p Printer) AsOf(f Figure) string {
	if f.AsOf == nil {
		return ""
	}
	return i18n.FormatDate(p.Locale, *f.AsOf)
}

// Status prints whether a figure is final or preliminary ("" with no
// figure).
func (p Printer) Status(f Figure) string {
	if f.Missing && !f.RateOnly {
		return ""
	}
	if f.Final {
		return p.T("indicator_benchmark.final")
	}
	return p.T("indicator_benchmark.preliminary")
}

// Provenance prints a figure's source, day and status in one line:
// «IMDi, 01.03.2020, preliminary».
func (p Printer) Provenance(f Figure) string {
	var parts []string
	for _, s := range []string{p.Source(f.Source), p.AsOf(f), p.Status(f)} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

// Covers prints an aggregate's coverage: «covers 3 of 4», and that
// published rates without counts are not in it.
func (p Printer) Covers(a Aggregate) string {
	s := p.T("indicator_benchmark.covers", "n", a.Covered, "m", a.Members)
	if a.RateOnly > 0 {
		s += "; " + p.T("indicator_benchmark.rate_only", "n", a.RateOnly)
	}
	return s
}

// National prints the country's official figure of a view.
func (p Printer) National(ind *Indicator, rule string, n *NationalValue) string {
	if n == nil {
		return ""
	}
	f := Figure{Num: n.Num, Den: n.Den, Rate: n.Rate, Final: n.Final, Source: n.Source, AsOf: n.AsOf}
	if n.Rate != nil && n.Num == nil {
		f.RateOnly = true
	}
	if rated(ind, rule) && f.Rate == nil && n.Num != nil && n.Den != nil && *n.Den > 0 {
		r := *n.Num / *n.Den * 100
		if ind.Unit == UnitRate {
			r = *n.Num / *n.Den * 1000
		}
		f.Rate = &r
	}
	if n.State != StateOK && n.State != "" {
		f.Missing, f.State = true, n.State
	}
	return p.Figure(ind, rule, f)
}

// Target prints a target's value in the indicator's unit (a breakdown's
// rule target in per cent).
func (p Printer) Target(ind *Indicator, t *Target) string {
	if ind.IsBreakdown() {
		return p.Number(t.Value, -1) + "\u00a0%"
	}
	return p.Value(ind, t.Value)
}

// Rank prints a row's rank, "" when it has none.
func (p Printer) Rank(r Row) string {
	if r.Rank == 0 {
		return ""
	}
	return strconv.Itoa(r.Rank)
}
