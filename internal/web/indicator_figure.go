package web

import (
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/indicator"
)

// figureText prints one protected figure's main number as every page
// and export shows it, in loc: a rate with one decimal and its unit when
// both its parts may be shown (else «–»: tables print the parts beside
// it), «under 10» for a small count, «–» for a count withheld or
// missing, a count as a whole number.
func figureText(cat *i18n.Catalog, loc string, ind *indicator.Indicator, f indicator.Figure, threshold int) string {
	switch {
	case (ind.IsRate() || f.Den != nil || f.DenSmall || f.DenHidden) && !f.RateOnly:
		if f.Rate != nil {
			return rateText(loc, ind, *f.Rate)
		}
		return "–" // a rate is printed only with both its parts
	case f.Small:
		return cat.T(loc, "indicator.figure.under", "n", threshold+1)
	case f.RateOnly && f.Rate != nil:
		return rateText(loc, ind, *f.Rate)
	case f.Hidden || f.Missing:
		return "–"
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
