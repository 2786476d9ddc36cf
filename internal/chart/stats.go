package chart

import (
	"math"
	"slices"
)

// Summary is the five-number summary of a list of values.
type Summary struct {
	Min, Q1, Median, Q3, Max float64
}

// Summarise answers the minimum, quartiles and maximum of values, with
// the quartiles interpolated linearly between the sorted values as
// spreadsheets do (QUARTILE.INC in Excel and LibreOffice), so a figure
// in a report matches the one a reader computes from the same data. It
// answers the zero Summary for no values and does not change values.
func Summarise(values []float64) Summary {
	if len(values) == 0 {
		return Summary{}
	}
	s := slices.Clone(values)
	slices.Sort(s)
	return Summary{Min: s[0], Q1: quantile(s, 0.25), Median: quantile(s, 0.5), Q3: quantile(s, 0.75), Max: s[len(s)-1]}
}

// quantile is the p-quantile of the sorted values s (R's type 7).
func quantile(s []float64, p float64) float64 {
	h := float64(len(s)-1) * p
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= len(s) {
		return s[i]
	}
	return s[i] + (h-lo)*(s[i+1]-s[i])
}
