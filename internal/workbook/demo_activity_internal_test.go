package workbook

import (
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/measure"
)

// TestDemoDeadline: the demo's relative deadlines are written as a plan
// writes them and read back by measure.ParseDeadline as the day or period
// meant, on any day the demo starts.
func TestDemoDeadline(t *testing.T) {
	for _, tc := range []struct {
		now        time.Time
		text, want string
		due        string
	}{
		{time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC), "Gjennomført innen {day-6}", "Gjennomført innen 27.11.2026", "2026-11-27"},
		{time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC), "{day+9}", "12.12.2026", "2026-12-12"},
		{time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC), "{month+1}", "januar 2027", "2027-01-31"},
		{time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC), "{season}", "Høst 2026", "2026-12-31"},
		{time.Date(2027, 3, 15, 9, 0, 0, 0, time.UTC), "{season}", "Vår 2027", "2027-06-30"},
		{time.Date(2027, 1, 31, 23, 30, 0, 0, time.UTC), "{day+1}", "2.2.2027", "2027-02-02"}, // 1 February in Oslo
		{time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC), "Høst 2016", "Høst 2016", "2016-12-31"},
	} {
		got := demoDeadline(tc.text, tc.now)
		d := measure.ParseDeadline(got, measure.Seasons{})
		if got != tc.want || d.Due.Format(time.DateOnly) != tc.due {
			t.Errorf("demoDeadline(%q) on %s = %q, due %s; want %q, due %s", tc.text, tc.now, got, d.Due.Format(time.DateOnly), tc.want, tc.due)
		}
	}
}
