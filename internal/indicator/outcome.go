package indicator

// Counts are a breakdown's counts by category key.
type Counts map[string]float64

// Total answers the sum over every category.
func (c Counts) Total() float64 {
	t := 0.0
	for _, v := range c {
		t += v
	}
	return t
}

// RuleShare answers a rule's numerator (the counts of its categories)
// and denominator (every category's count) over counts: the goal
// achievement of Nittedal's table 5, computed from the categories, never
// typed. ok is false when the denominator is zero.
func RuleShare(r Rule, counts Counts) (num, den float64, ok bool) {
	for _, k := range r.Categories {
		num += counts[k]
	}
	den = counts.Total()
	return num, den, den > 0
}

// Percent answers num/den in per cent, rounded to a whole per cent as
// the seed prints it (12/35 = 34 %), and whether it is defined.
func Percent(num, den float64) (float64, bool) {
	if den <= 0 {
		return 0, false
	}
	return num / den * 100, true
}
