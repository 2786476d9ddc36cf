package measure_test

import (
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/measure"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// TestParseDeadline: every deadline word of the seeds and of the issue
// that settles them, in Norwegian, Swedish, Danish and English, is read
// as listed; what is not a day is flagged, and free text kept.
func TestParseDeadline(t *testing.T) {
	for _, tc := range []struct {
		text    string
		kind    measure.DeadlineKind
		due     time.Time
		note    string
		invalid bool
	}{
		// Seasons and terms: the end of the term.
		{"Høst 2016", measure.DeadlinePeriod, day(2016, 12, 31), "", false},
		{"hösten 2018", measure.DeadlinePeriod, day(2018, 12, 31), "", false},
		{"ht 2018", measure.DeadlinePeriod, day(2018, 12, 31), "", false},
		{"efteråret 2018", measure.DeadlinePeriod, day(2018, 12, 31), "", false},
		{"Vår 2017", measure.DeadlinePeriod, day(2017, 6, 30), "", false},
		{"vt 2019", measure.DeadlinePeriod, day(2019, 6, 30), "", false},
		{"foråret 2019", measure.DeadlinePeriod, day(2019, 6, 30), "", false},
		{"1. halvår 2019", measure.DeadlinePeriod, day(2019, 6, 30), "", false},
		{"2. halvår 2019", measure.DeadlinePeriod, day(2019, 12, 31), "", false},
		// Months, quarters, tertials, years.
		{"Okt. 2016", measure.DeadlinePeriod, day(2016, 10, 31), "", false},
		{"oktober 2016", measure.DeadlinePeriod, day(2016, 10, 31), "", false},
		{"februar 2028", measure.DeadlinePeriod, day(2028, 2, 29), "", false},
		{"Q3 2019", measure.DeadlinePeriod, day(2019, 9, 30), "", false},
		{"3. kvartal 2019", measure.DeadlinePeriod, day(2019, 9, 30), "", false},
		{"2. tertial 2018", measure.DeadlinePeriod, day(2018, 8, 31), "", false},
		{"2018", measure.DeadlinePeriod, day(2018, 12, 31), "", false},
		{"2018, minst två gånger per termin", measure.DeadlinePeriod, day(2018, 12, 31), "minst två gånger per termin", false},
		// Days, also after "by".
		{"Gjennomført innen 1.11.2016", measure.DeadlineDate, day(2016, 11, 1), "", false},
		{"15.11.2026", measure.DeadlineDate, day(2026, 11, 15), "", false},
		{"2026-11-15", measure.DeadlineDate, day(2026, 11, 15), "", false},
		{"senast 30.06.2018", measure.DeadlineDate, day(2018, 6, 30), "", false},
		// Phases.
		{"Fase 1: 1.7.2017 Fase 2: 1.1.2020", measure.DeadlinePhases, day(2020, 1, 1), "", false},
		// Ongoing and yearly.
		{"Løpende", measure.DeadlineOngoing, time.Time{}, "", false},
		{"Kontinuerligt", measure.DeadlineOngoing, time.Time{}, "", false},
		{"löpande", measure.DeadlineOngoing, time.Time{}, "", false},
		{"Årshjul", measure.DeadlineYearly, time.Time{}, "", false},
		// Not a day, and free text.
		{"32.13.2016", measure.DeadlineUnknown, time.Time{}, "", true},
		{"Når lokalene er klare", measure.DeadlineUnknown, time.Time{}, "", false},
		{"  ", measure.DeadlineNone, time.Time{}, "", false},
	} {
		t.Run(tc.text, func(t *testing.T) {
			d := measure.ParseDeadline(tc.text, measure.Seasons{})
			if d.Kind != tc.kind || !d.Due.Equal(tc.due) || d.Note != tc.note || d.Invalid != tc.invalid {
				t.Errorf("%q → kind %q, due %s, note %q, invalid %v; want %q, %s, %q, %v",
					tc.text, d.Kind, d.Due.Format(time.DateOnly), d.Note, d.Invalid, tc.kind, tc.due.Format(time.DateOnly), tc.note, tc.invalid)
			}
		})
	}
	if d := measure.ParseDeadline("  Høst   2016 ", measure.Seasons{}); d.Text != "Høst 2016" {
		t.Errorf("the text as written: %q", d.Text)
	}
	ph := measure.ParseDeadline("Fase 1: 1.7.2017 Fase 2: 1.1.2020", measure.Seasons{}).Phases
	if len(ph) != 2 || ph[0].Label != "Fase 1" || !ph[0].Due.Equal(day(2017, 7, 1)) || ph[1].Label != "Fase 2" {
		t.Errorf("phases %+v", ph)
	}
}

// TestSeasonsOverride: an organisation whose autumn term ends on
// 20 December has «Høst 2026» due then.
func TestSeasonsOverride(t *testing.T) {
	s := measure.Seasons{AutumnEnd: measure.MonthDay{Month: time.December, Day: 20}, SpringEnd: measure.MonthDay{Month: time.June, Day: 15}}
	if d := measure.ParseDeadline("Høst 2026", s); !d.Due.Equal(day(2026, 12, 20)) {
		t.Errorf("Høst 2026 with the autumn ending 20 December: %s", d.Due.Format(time.DateOnly))
	}
	if d := measure.ParseDeadline("vt 2027", s); !d.Due.Equal(day(2027, 6, 15)) {
		t.Errorf("vt 2027 with the spring ending 15 June: %s", d.Due.Format(time.DateOnly))
	}
}

// TestParseDeadlineHalfYears: halves written out in words.
func TestParseDeadlineHalfYears(t *testing.T) {
	for text, want := range map[string]time.Time{
		"første halvår 2019": day(2019, 6, 30), "första halvåret 2019": day(2019, 6, 30),
		"andre halvår 2019": day(2019, 12, 31), "andra halvåret 2019": day(2019, 12, 31),
	} {
		if d := measure.ParseDeadline(text, measure.Seasons{}); d.Kind != measure.DeadlinePeriod || !d.Due.Equal(want) {
			t.Errorf("%q → %q %s; want %s", text, d.Kind, d.Due.Format(time.DateOnly), want.Format(time.DateOnly))
		}
	}
}
