package org_test

import (
	"testing"

	"github.com/samvirke/samvirke/internal/org"
)

// TestMonthDayInput: a term end is read as typed in every language and
// written back in the page's; a day that does not exist in every year,
// or no day at all, is refused.
func TestMonthDayInput(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"", "", true}, {"  ", "", true},
		{"20.6.", "06-20", true}, {"20.6", "06-20", true}, {"20/6", "06-20", true}, {"1.12.", "12-01", true},
		{"20. juni", "06-20", true}, {"20 juni", "06-20", true}, {"20 June", "06-20", true}, {"June 20", "06-20", true},
		{"20 Dec.", "12-20", true}, {"20. desember", "12-20", true}, {"06-20", "06-20", true}, {"28.2.", "02-28", true},
		{"31.2.", "", false}, {"29.2.", "", false}, {"31.4.", "", false}, {"0.6.", "", false}, {"20.13.", "", false},
		{"midtsommer", "", false}, {"20 juno", "", false}, {"2026-06-20", "", false},
	} {
		got, ok := org.ParseMonthDayInput(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseMonthDayInput(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	for loc, want := range map[string]string{"nb": "20.12.", "da": "20.12.", "sv": "20 december", "en": "20 December"} {
		if got := org.FormatMonthDay(loc, "12-20"); got != want {
			t.Errorf("FormatMonthDay(%s) = %q; want %q", loc, got, want)
		}
		if back, ok := org.ParseMonthDayInput(org.FormatMonthDay(loc, "12-20")); !ok || back != "12-20" {
			t.Errorf("%s: %q does not read back: %q", loc, org.FormatMonthDay(loc, "12-20"), back)
		}
	}
	if got := org.FormatMonthDay("nb", ""); got != "" {
		t.Errorf("FormatMonthDay of the default = %q; want empty", got)
	}
}
