package measure_test

import (
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/measure"
)

// TestRowDeadlines: a measure's row keeps the deadline as written when it
// says more than a day, and is due on the day it names or on the last day
// of its period even when no day was given.
func TestRowDeadlines(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		text, wantText, wantKind string
		wantDue                  time.Time
	}{
		{"12.12.2026", "", "date", day(2026, 12, 12)}, // shown in the page's locale
		{"Gjennomført innen 1.11.2016", "Gjennomført innen 1.11.2016", "date", day(2016, 11, 1)},
		{"Høst 2026", "Høst 2026", "period", day(2026, 12, 31)},
		{"Fase 1: 1.7.2017 Fase 2: 1.1.2020", "Fase 1: 1.7.2017 Fase 2: 1.1.2020", "phases", day(2020, 1, 1)},
		{"Løpende", "Løpende", "ongoing", time.Time{}},
		{"32.13.2016", "32.13.2016", "unknown", time.Time{}}, // refused by the form; an import keeps it, undated
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			_, rows := measure.Rows(1, measure.Source{Kind: measure.SourceWorkbookEntry, Visibility: "network"}, nil,
				[]measure.Measure{{ID: measure.NewID(), Description: "Tiltak", DeadlineText: tt.text}}, time.Now())
			r := rows[0]
			var due time.Time
			if r.Due != nil {
				due = *r.Due
			}
			if r.DeadlineText != tt.wantText || r.DeadlineKind != tt.wantKind || !due.Equal(tt.wantDue) {
				t.Errorf("row: text %q kind %q due %v; want %q %q %v", r.DeadlineText, r.DeadlineKind, due, tt.wantText, tt.wantKind, tt.wantDue)
			}
		})
	}
}
