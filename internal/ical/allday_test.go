package ical

import (
	"strings"
	"testing"
	"time"
)

// TestAllDay writes a deadline as a whole day of its own date: a date at
// midnight UTC stays that date in a calendar in Oslo (and in UTC), with
// DTEND the day after as RFC 5545 3.6.1 has it, and no time of day.
func TestAllDay(t *testing.T) {
	oslo := mustLoad(t, "Europe/Oslo")
	for name, loc := range map[string]*time.Location{"Oslo": oslo, "UTC": time.UTC} {
		t.Run(name, func(t *testing.T) {
			ics := write(t, &Calendar{Location: loc, Stamp: time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC), Events: []Event{{
				UID: "measure:42@samvirke", Start: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), AllDay: true, Summary: "Frist «språk» – æøå",
			}}})
			for _, want := range []string{"\r\nDTSTART;VALUE=DATE:20261231\r\n", "\r\nDTEND;VALUE=DATE:20270101\r\n", "\r\nUID:measure:42@samvirke\r\n"} {
				if !strings.Contains(ics, want) {
					t.Errorf("missing %q in:\n%s", strings.TrimSpace(want), ics)
				}
			}
			ev := ics[strings.Index(ics, "BEGIN:VEVENT"):]
			if strings.Contains(ev, "DTSTART;TZID") || strings.Contains(ev, "DTSTART:") {
				t.Errorf("an all-day event has a time of day:\n%s", ics)
			}
		})
	}
}
