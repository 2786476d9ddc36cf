package web

import (
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/indicator"
)

// figurePrinter answers the one printer of protected figures
// (indicator.Printer) in loc for a view with threshold.
func figurePrinter(cat *i18n.Catalog, loc string, threshold int) indicator.Printer {
	return indicator.Printer{Locale: loc, Threshold: threshold, T: func(key string, args ...any) string { return cat.T(loc, key, args...) }}
}

// figureText prints one protected figure's main number (a breakdown's
// first rule's rate) as every page and export prints it.
func figureText(cat *i18n.Catalog, loc string, ind *indicator.Indicator, f indicator.Figure, threshold int) string {
	rule := ""
	if len(ind.Rules) > 0 {
		rule = ind.Rules[0].Key
	}
	return figurePrinter(cat, loc, threshold).Figure(ind, rule, f)
}
