package org

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/samvirke/samvirke/internal/i18n"
)

// An organisation's term ends (Organisation.SpringEnd and AutumnEnd) are
// stored as 'MM-DD', or '' for the default (30 June, 31 December): a
// deadline such as «Vår 2027» falls due on that day (package measure
// reads them). This file reads them as typed and writes them as shown.

// MaxMonthDayInput bounds a term end as typed, in bytes.
const MaxMonthDayInput = 40

// ParseMonthDay reads a term end as stored: 'MM-DD' for a day that
// exists in every year (29 February does not), ok false for anything else
// (” too).
func ParseMonthDay(s string) (time.Month, int, bool) {
	if len(s) != 5 || s[2] != '-' {
		return 0, 0, false
	}
	m, err1 := strconv.Atoi(s[:2])
	d, err2 := strconv.Atoi(s[3:])
	if err1 != nil || err2 != nil || !realDay(time.Month(m), d) {
		return 0, 0, false
	}
	return time.Month(m), d, true
}

// realDay reports whether day d of month m exists in every year.
func realDay(m time.Month, d int) bool {
	if m < time.January || m > time.December || d < 1 {
		return false
	}
	return d <= time.Date(2001, m+1, 0, 0, 0, 0, 0, time.UTC).Day() // 2001: not a leap year
}

var (
	reDayMonthNum  = regexp.MustCompile(`^(\d{1,2})\s*[./]\s*(\d{1,2})\.?$`)              // 20.6. 20.6 20/6
	reDayMonthName = regexp.MustCompile(`^(\d{1,2})\.?\s*([a-zæøåäö]+)\.?$`)              // 20. juni, 20 June, 20 jun.
	reMonthNameDay = regexp.MustCompile(`^([a-zæøåäö]+)\.?\s*(\d{1,2})(?:st|nd|rd|th)?$`) // June 20, June 20th
	reISOMonthDay  = regexp.MustCompile(`^(?:--)?(\d{2})-(\d{2})$`)                       // 06-20, --06-20
)

// ParseMonthDayInput reads a term end as typed in any of the product's
// languages: «20.6.», «20/6», «20. juni», «20 juni», «20 June», «June 20»
// or «06-20». It answers the stored form ('MM-DD'), ” for an empty field
// (the default), and ok false for text that is not a day that exists in
// every year («31.2.», «29.2.», «midsommer»).
func ParseMonthDayInput(s string) (string, bool) {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	if s == "" {
		return "", true
	}
	if len(s) > MaxMonthDayInput {
		return "", false
	}
	var m, d int
	switch {
	case reDayMonthNum.MatchString(s):
		p := reDayMonthNum.FindStringSubmatch(s)
		d, _ = strconv.Atoi(p[1])
		m, _ = strconv.Atoi(p[2])
	case reISOMonthDay.MatchString(s):
		p := reISOMonthDay.FindStringSubmatch(s)
		m, _ = strconv.Atoi(p[1])
		d, _ = strconv.Atoi(p[2])
	case reDayMonthName.MatchString(s):
		p := reDayMonthName.FindStringSubmatch(s)
		d, _ = strconv.Atoi(p[1])
		mo, _ := i18n.MonthNamed(p[2])
		m = int(mo)
	case reMonthNameDay.MatchString(s):
		p := reMonthNameDay.FindStringSubmatch(s)
		mo, _ := i18n.MonthNamed(p[1])
		m = int(mo)
		d, _ = strconv.Atoi(p[2])
	}
	if !realDay(time.Month(m), d) {
		return "", false
	}
	return fmt.Sprintf("%02d-%02d", m, d), true
}

// shortened is s as an error message quotes it: at most
// MaxMonthDayInput characters.
func shortened(s string) string {
	if r := []rune(s); len(r) > MaxMonthDayInput {
		return string(r[:MaxMonthDayInput]) + "…"
	}
	return s
}

var monthNames = map[string][]string{
	"sv": {"januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"},
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// FormatMonthDay writes a stored term end as the locale writes a day
// without its year: «20.6.» in Norwegian and Danish, «20 juni» in
// Swedish, «20 June» in English; ” (the default) and anything not
// stored by this package as ”.
func FormatMonthDay(loc, stored string) string {
	m, d, ok := ParseMonthDay(stored)
	if !ok {
		return ""
	}
	if names, ok := monthNames[loc]; ok {
		return strconv.Itoa(d) + " " + names[m-1]
	}
	return fmt.Sprintf("%d.%d.", d, m)
}
