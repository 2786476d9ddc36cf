package calendar

import (
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/due"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// TestNewMonth: December 2026 begins on a Tuesday and ends on a Thursday,
// so its weeks run from Monday 30 November to Sunday 3 January; an event
// of 31 December is in the last week's Thursday, one of 1 January is
// left out, and only the days with events are listed.
func TestNewMonth(t *testing.T) {
	es := []Event{{Title: "Nyttårsfrist", Day: date(2026, 12, 31)}, {Title: "Januar", Day: date(2027, 1, 1)}, {Title: "Møte", Day: date(2026, 12, 1)}}
	m := NewMonth(date(2026, 12, 17), es, date(2026, 12, 4))
	if len(m.Weeks) != 5 || !m.Weeks[0][0].Date.Equal(date(2026, 11, 30)) || !m.Weeks[4][6].Date.Equal(date(2027, 1, 3)) {
		t.Fatalf("weeks %d from %v to %v", len(m.Weeks), m.Weeks[0][0].Date, m.Weeks[len(m.Weeks)-1][6].Date)
	}
	if m.Weeks[0][0].InMonth || !m.Weeks[0][1].InMonth || len(m.Weeks[4][3].Events) != 1 || m.Weeks[4][3].Events[0].Title != "Nyttårsfrist" {
		t.Errorf("cells wrong: %+v", m.Weeks[4][3])
	}
	if m.Count != 2 || len(m.Days) != 2 || !m.Weeks[0][4].Today {
		t.Errorf("count %d, days %d, 4 December today %v", m.Count, len(m.Days), m.Weeks[0][4].Today)
	}
	y := NewYear(2026, es)
	if len(y) != 12 || len(y[11].Events) != 2 || y[11].Counts[""] != 2 || len(y[0].Events) != 0 {
		t.Errorf("year: December %d events", len(y[11].Events))
	}
}

// TestFromDue: a measure two role members are responsible for is one
// event; a round's measures are one event counting them; what falls
// outside the span is left out.
func TestFromDue(t *testing.T) {
	items := []due.Item{
		{Key: "measure:a", Source: "workbook.measure", Title: "A", Due: date(2026, 12, 1), ResponsibleID: 1},
		{Key: "measure:a", Source: "workbook.measure", Title: "A", Due: date(2026, 12, 1), ResponsibleID: 2},
		{Key: "plan.round:7:x", Source: "plan.round", Title: "X", Context: "Plan – T3", URL: "/o/s/plans/1/rounds/7#m-x", Due: date(2026, 12, 18)},
		{Key: "plan.round:7:y", Source: "plan.round", Title: "Y", Context: "Plan – T3", URL: "/o/s/plans/1/rounds/7#m-y", Due: date(2026, 12, 18)},
		{Key: "measure:b", Source: "plan.measure", Title: "B", Due: date(2027, 1, 1)},
		{Key: "indicator.report:x:2026-11", Source: "indicator.report", Title: "I", Due: date(2026, 12, 10), State: due.StateDone},
	}
	es := fromDue(items, date(2026, 12, 1), date(2027, 1, 1))
	if len(es) != 3 {
		t.Fatalf("%d events: %+v", len(es), es)
	}
	if es[1].Kind != KindReporting || es[1].Title != "Plan – T3" || es[1].Count != 2 || es[1].URL != "/o/s/plans/1/rounds/7" {
		t.Errorf("round event %+v", es[1])
	}
	if es[0].Kind != KindDeadline || es[2].Kind != KindReporting || !es[2].Done {
		t.Errorf("kinds %s %s, done %v", es[0].Kind, es[2].Kind, es[2].Done)
	}
}
