package workbook

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/samvirke/samvirke/internal/measure"
)

func TestGoalInputValidate(t *testing.T) {
	t.Parallel()
	f := func(v float64) *float64 { return &v }
	day := time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		in       GoalInput
		want     Goal
		wantErrs map[string]string
	}{
		{"OK", GoalInput{Statement: " Flere i arbeid ", Baseline: "1 234,5", Target: "2000.25", TargetDate: "2027-06-30", Status: "nonsense"},
			Goal{Statement: "Flere i arbeid", Baseline: f(1234.5), Target: f(2000.25), TargetDate: &day, Status: measure.StatusNotStarted}, map[string]string{}},
		{"OKNorwegianDate", GoalInput{Statement: "Flere i arbeid", TargetDate: "30.06.2027"},
			Goal{Statement: "Flere i arbeid", TargetDate: &day, Status: measure.StatusNotStarted}, map[string]string{}},
		{"ErrRequired", GoalInput{Baseline: "3"}, Goal{Baseline: f(3), Status: measure.StatusNotStarted}, map[string]string{"statement": "error.required"}},
		{"ErrNumberAndDate", GoalInput{Statement: "x", Baseline: "mange", Target: "1,2,3", TargetDate: "31.06.2027", Status: measure.StatusDone},
			Goal{Statement: "x", Status: measure.StatusDone},
			map[string]string{"baseline": "workbook.error.number", "target": "workbook.error.number", "target_date": "workbook.error.date"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := tt.in.Validate()
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("goal (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantErrs, errs); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
	if !(GoalInput{Statement: " ", Status: measure.StatusDone}).Empty() {
		t.Error("a row of spaces is not empty")
	}
}

func TestMeasureInputValidate(t *testing.T) {
	t.Parallel()
	id := int64(7)
	day := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	members := map[int64]bool{7: true}
	autumn := time.Date(2016, 12, 31, 0, 0, 0, 0, time.UTC) // «Høst 2016» falls due at the end of the year
	nov1 := time.Date(2016, 11, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		in       MeasureInput
		want     Measure
		wantErrs map[string]string
	}{
		{"OK", MeasureInput{Description: "Kurs", ResponsibleUser: "7", Deadline: "1.3.2027", Status: measure.StatusOngoing},
			Measure{Description: "Kurs", ResponsibleUser: &id, Deadline: &day, Status: measure.StatusOngoing}, map[string]string{}},
		{"OKDeadlineAsWritten", MeasureInput{Description: "Kurs", Deadline: " Høst 2016 "},
			Measure{Description: "Kurs", DeadlineText: "Høst 2016", Deadline: &autumn, Status: measure.StatusNotStarted}, map[string]string{}},
		{"OKDayInWords", MeasureInput{Description: "Kurs", Deadline: "Gjennomført innen 1.11.2016"},
			Measure{Description: "Kurs", DeadlineText: "Gjennomført innen 1.11.2016", Deadline: &nov1, Status: measure.StatusNotStarted}, map[string]string{}},
		{"OKOngoing", MeasureInput{Description: "Kurs", Deadline: "Løpende"},
			Measure{Description: "Kurs", DeadlineText: "Løpende", Status: measure.StatusNotStarted}, map[string]string{}},
		{"ErrDeadlineNoDay", MeasureInput{Description: "Kurs", Deadline: "32.13.2016"},
			Measure{Description: "Kurs", DeadlineText: "32.13.2016", Status: measure.StatusNotStarted}, map[string]string{"deadline": "workbook.error.deadline"}},
		{"ErrRequired", MeasureInput{Notes: "n"}, Measure{Notes: "n", Status: measure.StatusNotStarted}, map[string]string{"description": "error.required"}},
		{"ErrNotMember", MeasureInput{Description: "Kurs", ResponsibleUser: "8"}, Measure{Description: "Kurs", Status: measure.StatusNotStarted},
			map[string]string{"responsible_user": "workbook.error.responsible"}},
		{"ErrNotAnID", MeasureInput{Description: "Kurs", ResponsibleUser: "x"}, Measure{Description: "Kurs", Status: measure.StatusNotStarted},
			map[string]string{"responsible_user": "workbook.error.responsible"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := tt.in.Validate(members)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("measure (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantErrs, errs); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}
