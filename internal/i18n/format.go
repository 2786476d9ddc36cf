package i18n

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// separators answers the decimal and grouping marks of loc: a decimal comma
// in all three Nordic languages, grouped by a no-break space in nb and sv
// and by a full stop in da.
func separators(loc string) (dec, group string) {
	switch loc {
	case "nb", "sv":
		return ",", "\u00a0"
	case "da":
		return ",", "."
	}
	return ".", ","
}

// FormatInt formats n with loc's grouping.
func FormatInt(loc string, n int64) string {
	_, group := separators(loc)
	neg := n < 0
	u := uint64(n)
	if neg {
		u = uint64(-(n + 1)) + 1 // no overflow at math.MinInt64
	}
	s := group3(strconv.FormatUint(u, 10), group)
	if neg {
		return "\u2212" + s // minus sign, not a hyphen
	}
	return s
}

// FormatNumber formats f with decimals places (-1: as few as needed, at
// most 2) in loc's format.
func FormatNumber(loc string, f float64, decimals int) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "–"
	}
	dec, group := separators(loc)
	prec := decimals
	if prec < 0 {
		prec = 2
	}
	s := strconv.FormatFloat(math.Abs(f), 'f', prec, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	if decimals < 0 {
		frac = strings.TrimRight(frac, "0")
	}
	out := group3(intPart, group)
	if frac != "" {
		out += dec + frac
	}
	if f < 0 && strings.Trim(out, "0,.\u00a0") != "" {
		out = "\u2212" + out
	}
	return out
}

// FormatPercent formats a share (0.75 → "75 %" in nb, sv, da; "75%" in en).
func FormatPercent(loc string, share float64, decimals int) string {
	n := FormatNumber(loc, share*100, decimals)
	if loc == "en" {
		return n + "%"
	}
	return n + "\u00a0%"
}

func group3(digits, sep string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	pre := len(digits) % 3
	if pre > 0 {
		b.WriteString(digits[:pre])
	}
	for i := pre; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// FormatDate formats a calendar date: 24.11.2026 in nb and da, 2026-11-24
// in sv, 24 Nov 2026 in en.
func FormatDate(loc string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	switch loc {
	case "nb", "da":
		return t.Format("02.01.2006")
	case "sv":
		return t.Format("2006-01-02")
	}
	return t.Format("2 Jan 2006")
}

// FormatDateTime formats an instant in the time zone tz, with the date as
// FormatDate and a 24-hour clock (English too, as is usual in Europe).
func FormatDateTime(loc string, t time.Time, tz *time.Location) string {
	if t.IsZero() {
		return ""
	}
	if tz != nil {
		t = t.In(tz)
	}
	sep := " "
	if loc == "nb" || loc == "da" || loc == "sv" {
		sep = " kl. "
	}
	return FormatDate(loc, t) + sep + t.Format("15:04")
}

// FormatDateInput writes a day as a date field of the locale shows and
// takes it: 03.12.2026 in Norwegian and Danish, 2026-12-03 in Swedish and
// English (where the day-month order is ambiguous, ISO is not). Date
// fields are text fields in this form rather than the browser's date
// picker, which follows the browser's language instead of the page's.
func FormatDateInput(loc string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if loc == "nb" || loc == "da" {
		return t.Format("02.01.2006")
	}
	return t.Format(time.DateOnly)
}

// dateInputLayouts are the ways of writing a day ParseDate accepts, in
// every locale: ISO, and day.month.year as Norwegians and Danes write it
// (also with slashes or hyphens, and two-digit years).
var dateInputLayouts = []string{time.DateOnly, "2.1.2006", "2/1/2006", "2-1-2006", "2.1.06", "2/1/06"}

// ParseDate reads a day typed into a date field (FormatDateInput's form
// or another common one) as midnight UTC; ok is false when s is not a
// real day. Surrounding spaces are ignored.
func ParseDate(s string) (t time.Time, ok bool) {
	s = strings.TrimSpace(s)
	for _, l := range dateInputLayouts {
		if d, err := time.Parse(l, s); err == nil {
			return d, true
		}
	}
	return time.Time{}, false
}

// FormatMoney formats an amount in minor units (øre, öre) of currency
// (NOK, SEK, DKK) the locale's way, with the currency code so that
// crowns of three countries are never confused: «25 000,00 NOK» in nb
// and sv, «25.000,00 DKK» in da, «NOK 25,000.00» in en.
func FormatMoney(loc string, minor int64, currency string) string {
	dec, _ := separators(loc)
	neg := minor < 0
	u := uint64(minor)
	if neg {
		u = uint64(-(minor + 1)) + 1
	}
	out := FormatInt(loc, int64(u/100)) + dec + strconv.FormatUint(100+u%100, 10)[1:]
	if neg {
		out = "\u2212" + out
	}
	if loc == "en" {
		return currency + "\u00a0" + out
	}
	return out + "\u00a0" + currency
}
