package calendar

import "time"

// DayCell is one day of a month view.
type DayCell struct {
	Date    time.Time // midnight UTC
	InMonth bool      // false for the days of the weeks' ends in the months either side
	Today   bool
	Events  []Event
}

// Month is a month laid out in weeks from Monday to Sunday, as calendars
// in the Nordic countries show it.
type Month struct {
	First time.Time // the 1st, midnight UTC
	Weeks [][]DayCell
	// Days are the month's own days that have events, for the list
	// layout.
	Days []DayCell
	// Count is how many events fall in the month.
	Count int
}

// FirstOf answers the first day of t's month, midnight UTC.
func FirstOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// NewMonth lays out the month that begins on first with the events (of
// any span; those outside the month are left out) and today marked.
func NewMonth(first time.Time, events []Event, today time.Time) Month {
	first = FirstOf(first)
	next := first.AddDate(0, 1, 0)
	m := Month{First: first}
	byDay := map[time.Time][]Event{}
	for _, e := range events {
		if !e.Day.Before(first) && e.Day.Before(next) {
			byDay[e.Day] = append(byDay[e.Day], e)
			m.Count++
		}
	}
	// Monday of the first week; Sunday of the last.
	start := first.AddDate(0, 0, -((int(first.Weekday()) + 6) % 7))
	last := next.AddDate(0, 0, -1)
	end := last.AddDate(0, 0, (7-int(last.Weekday()))%7)
	var week []DayCell
	for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
		cell := DayCell{Date: d, InMonth: !d.Before(first) && d.Before(next), Today: d.Equal(today)}
		if cell.InMonth {
			cell.Events = byDay[d]
			if len(cell.Events) > 0 {
				m.Days = append(m.Days, cell)
			}
		}
		week = append(week, cell)
		if len(week) == 7 {
			m.Weeks = append(m.Weeks, week)
			week = nil
		}
	}
	return m
}

// YearMonth is one month of the year view («årshjul»): its events and how
// many of each kind.
type YearMonth struct {
	First  time.Time
	Events []Event
	Counts map[string]int // kind → events
}

// NewYear groups the events of year into its twelve months.
func NewYear(year int, events []Event) []YearMonth {
	out := make([]YearMonth, 12)
	for i := range out {
		out[i] = YearMonth{First: time.Date(year, time.Month(i+1), 1, 0, 0, 0, 0, time.UTC), Counts: map[string]int{}}
	}
	for _, e := range events {
		if e.Day.Year() != year {
			continue
		}
		ym := &out[e.Day.Month()-1]
		ym.Events = append(ym.Events, e)
		ym.Counts[e.Kind]++
	}
	return out
}
