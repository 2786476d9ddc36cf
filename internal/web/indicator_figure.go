package web

import (
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/indicator"
)

// figureText prints one protected figure as every page and export shows
// it, in loc: «under 10» for a small count, «–» for a figure withheld or
// missing, a rate with one decimal and its unit, a count as a whole
// number.
func figureText(cat *i18n.Catalog, loc string, ind *indicator.Indicator, f indicator.Figure, threshold int) string {
	switch {
	case f.Small:
		return cat.T(loc, "indicator.figure.under", "n", threshold+1)
	case f.RateOnly && f.Rate != nil:
		return rateText(loc, ind, *f.Rate)
	case f.Hidden || f.Missing:
		return "–"
	case f.Rate != nil:
		return rateText(loc, ind, *f.Rate)
	case f.Num != nil && (ind.IsRate() || (ind.IsBreakdown() && f.Den != nil)):
		return "–" // a rate whose parts are known but not its quotient (a zero denominator)
	case f.Num != nil:
		if ind.Unit == indicator.UnitAmount {
			return i18n.FormatNumber(loc, *f.Num, -1)
		}
		return i18n.FormatInt(loc, int64(*f.Num))
	}
	return "–"
}

// rateText prints a rate in its unit: per cent or per thousand.
func rateText(loc string, ind *indicator.Indicator, r float64) string {
	if ind.Unit == indicator.UnitRate {
		return i18n.FormatNumber(loc, r, 1) + " ‰"
	}
	return i18n.FormatNumber(loc, r, 1) + " %"
}
