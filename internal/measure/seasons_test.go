package measure_test

import (
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
)

// TestSeasonsOf: an organisation's term ends as stored move the due day
// of its seasons and half-years, and nothing else; ” and anything not a
// day of every year are the defaults.
func TestSeasonsOf(t *testing.T) {
	school := measure.SeasonsOf(&org.Organisation{SpringEnd: "06-20", AutumnEnd: "12-20"})
	for _, tc := range []struct {
		text    string
		seasons measure.Seasons
		due     time.Time
	}{
		{"Høst 2026", measure.Seasons{}, day(2026, 12, 31)},
		{"Høst 2026", school, day(2026, 12, 20)},
		{"ht 2026", measure.ParseSeasons("", "12-20"), day(2026, 12, 20)},
		{"Vår 2027", school, day(2027, 6, 20)},
		{"vt 2027", measure.ParseSeasons("", "12-20"), day(2027, 6, 30)},
		{"1. halvår 2027", school, day(2027, 6, 20)},
		{"2. halvår 2027", school, day(2027, 12, 31)}, // a half-year is no term
		{"des. 2026", school, day(2026, 12, 31)},
		{"2026", school, day(2026, 12, 31)},
		{"Vår 2027", measure.ParseSeasons("02-29", "13-01"), day(2027, 6, 30)},
		{"Høst 2026", measure.ParseSeasons("02-29", "13-01"), day(2026, 12, 31)},
		{"Høst 2026", measure.SeasonsOf(nil), day(2026, 12, 31)},
	} {
		if d := measure.ParseDeadline(tc.text, tc.seasons); !d.Due.Equal(tc.due) || d.Kind != measure.DeadlinePeriod {
			t.Errorf("ParseDeadline(%q, %+v) = %v %s; want %s", tc.text, tc.seasons, d.Kind, d.Due.Format(time.DateOnly), tc.due.Format(time.DateOnly))
		}
	}
	// A measure saved with its due day keeps it, whatever the seasons
	// are later: its page shows the day its row is due.
	saved := day(2026, 12, 20)
	m := measure.Measure{DeadlineText: "Høst 2026", Deadline: &saved}
	if d := m.Interpretation(); !d.Due.Equal(saved) || d.Text != "Høst 2026" {
		t.Errorf("Interpretation of a saved «Høst 2026» = %+v; want due %s", d, saved.Format(time.DateOnly))
	}
	m.Deadline = nil
	if d := m.InterpretationIn(school); !d.Due.Equal(saved) {
		t.Errorf("InterpretationIn(school) = %s; want 2026-12-20", d.Due.Format(time.DateOnly))
	}
}
