package ehf

import "strconv"

// maxAmount bounds every amount, quantity and running total in minor units
// (1 000 000 000 000.00 in the currency), so that no sum or VAT product can
// overflow an int64.
const maxAmount = 100_000_000_000_000

// formatAmount writes minor units (øre, öre, cents) as a decimal with exactly
// two decimals: 123456 → "1234.56", -5 → "-0.05". No float is involved.
func formatAmount(minor int64) string {
	sign := ""
	u := uint64(minor)
	if minor < 0 {
		sign = "-"
		u = -u // two's complement: right for math.MinInt64 too
	}
	frac := u % 100
	s := sign + strconv.FormatUint(u/100, 10) + "."
	if frac < 10 {
		s += "0"
	}
	return s + strconv.FormatUint(frac, 10)
}

// formatPercent writes a rate in hundredths of a percent as the shortest
// decimal: 2500 → "25", 1250 → "12.5", 1111 → "11.11", 0 → "0".
func formatPercent(hundredths int64) string {
	s := formatAmount(hundredths)
	for s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}

// vatAmount is base × hundredths/10000, rounded to the minor unit, halves
// away from zero (the commercial rounding EN 16931 expects). base and
// hundredths must be within maxAmount and 10000.
func vatAmount(base, hundredths int64) int64 {
	n := base * hundredths
	q, r := n/10000, n%10000
	if r >= 5000 {
		q++
	} else if r <= -5000 {
		q--
	}
	return q
}

// abs is |n| for amounts within maxAmount.
func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
