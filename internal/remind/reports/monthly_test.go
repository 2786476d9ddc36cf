package reports_test

import (
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/remind"
	"github.com/samvirke/samvirke/internal/remind/reports"
)

// TestReportMonth: the report of the month before goes out on the report
// day or, when that is a weekend, a holiday or in the summer closure, on
// the next working day — in the next month if the closure runs past the
// month's end — and a run missed by up to a week catches up.
func TestReportMonth(t *testing.T) {
	d := func(s string) time.Time {
		v, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cal := remind.NewCalendar("NO", []remind.Closure{{Name: "Fellesferie", Starts: d("2026-07-06"), Ends: d("2026-07-31")}})
	for _, c := range []struct {
		reportDay int
		day, want string // want "": nothing that day
	}{
		{28, "2026-06-26", ""},
		{28, "2026-06-28", ""},        // a Sunday
		{28, "2026-06-29", "2026-05"}, // the Monday after
		{1, "2026-05-01", ""},         // Labour Day
		{1, "2026-05-04", "2026-04"},  // Monday 4 May (the 2nd and 3rd are a weekend)
		{10, "2026-07-10", ""},        // in the closure
		{10, "2026-07-31", ""},        // its last day
		{10, "2026-08-03", "2026-06"}, // the first working day after it: June's report
		{10, "2026-08-10", "2026-07"}, // and July's on its own day
		{1, "2026-12-08", "2026-11"},  // a week late
		{1, "2026-12-09", ""},         // more than a week late
		{0, "2026-12-01", ""},         // no report day
		{17, "2026-05-18", "2026-04"}, // 17 May is a Sunday and a holiday
	} {
		m, ok := reports.ReportMonth(cal, c.reportDay, d(c.day))
		got := ""
		if ok {
			got = m.Format("2006-01")
		}
		if got != c.want {
			t.Errorf("report day %d, %s: %q, want %q", c.reportDay, c.day, got, c.want)
		}
	}
}
