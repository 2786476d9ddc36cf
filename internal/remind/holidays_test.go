package remind

import (
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/due"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestEaster(t *testing.T) {
	for y, want := range map[int]string{2018: "2018-04-01", 2024: "2024-03-31", 2026: "2026-04-05", 2027: "2027-03-28", 2038: "2038-04-25"} {
		if got := Easter(y).Format(time.DateOnly); got != want {
			t.Errorf("Easter(%d) = %s, want %s", y, got, want)
		}
	}
}

// TestHolidays: the days each country takes off, movable ones included.
func TestHolidays(t *testing.T) {
	cases := []struct {
		country, day string
		off          bool
	}{
		{"NO", "2026-05-17", true}, {"NO", "2026-05-14", true}, {"NO", "2026-05-25", true}, {"NO", "2026-04-02", true},
		{"NO", "2026-06-06", false}, {"SE", "2026-06-06", true}, {"SE", "2026-06-19", true}, {"SE", "2026-06-20", true},
		{"SE", "2026-10-31", true}, {"SE", "2026-04-02", false}, {"DK", "2026-06-05", true}, {"DK", "2023-05-05", true},
		{"DK", "2026-05-01", false}, {"DK", "2024-04-26", false}, {"NO", "2026-12-24", true}, {"SE", "2027-06-25", true},
	}
	for _, c := range cases {
		_, off := Holidays(c.country, day(c.day).Year())[day(c.day)]
		if off != c.off {
			t.Errorf("%s %s: off = %v, want %v", c.country, c.day, off, c.off)
		}
	}
}

// TestWindow: a working day after days off sends their reminders too; a
// day off sends none.
func TestWindow(t *testing.T) {
	cal := NewCalendar("NO", []Closure{{Name: "Fellesferie", Starts: day("2026-07-06"), Ends: day("2026-07-24")}})
	got := func(d string) []string {
		var out []string
		for _, w := range cal.Window(day(d)) {
			out = append(out, w.Format("01-02"))
		}
		return out
	}
	check := func(d string, want ...string) {
		t.Helper()
		g := got(d)
		if len(g) != len(want) {
			t.Fatalf("Window(%s) = %v, want %v", d, g, want)
		}
		for i := range g {
			if g[i] != want[i] {
				t.Fatalf("Window(%s) = %v, want %v", d, g, want)
			}
		}
	}
	check("2026-05-13", "05-13")                                              // Wednesday
	check("2026-05-14")                                                       // Ascension Day: nothing
	check("2026-05-15", "05-15", "05-14")                                     // the Friday after
	check("2026-05-18", "05-18", "05-17", "05-16")                            // Monday after 17 May (a Sunday) and Saturday
	check("2026-04-07", "04-07", "04-06", "04-05", "04-04", "04-03", "04-02") // after Easter
	check("2026-07-15")                                                       // fellesferie
	if w := cal.Window(day("2026-07-27")); len(w) != 24 || w[len(w)-1] != day("2026-07-04") {
		t.Errorf("the Monday after fellesferie covers %d days back to %v", len(w), w[len(w)-1])
	}
}

// TestFire: 14 and 3 days before, on the day, weekly while overdue,
// escalation after 7 days, a stall after 60 days without change; nothing
// for a done item.
func TestFire(t *testing.T) {
	s := Defaults(1)
	it := due.Item{State: due.StateOpen, Due: day("2026-03-20"), Changed: day("2026-01-02")}
	rules := func(d string) []string {
		var out []string
		for _, o := range s.Fire(it, []time.Time{day(d)}) {
			out = append(out, o.Rule)
		}
		return out
	}
	for d, want := range map[string]string{
		"2026-03-06": "before:14", "2026-03-17": "before:3", "2026-03-20": "due", "2026-03-27": "overdue:7 escalate",
		"2026-04-03": "overdue:14", "2026-03-03": "stalled", "2026-03-18": "", "2026-03-26": "",
	} {
		got := ""
		for i, r := range rules(d) {
			if i > 0 {
				got += " "
			}
			got += r
		}
		if got != want {
			t.Errorf("%s: %q, want %q", d, got, want)
		}
	}
	it.State = due.StateDone
	if n := len(s.Fire(it, []time.Time{day("2026-03-20")})); n != 0 {
		t.Errorf("a done item fired %d rules", n)
	}
}
