package workbook_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
	"github.com/samvirke/samvirke/internal/workbook"
	"github.com/samvirke/samvirke/internal/workbook/workbooktest"
)

// TestGoalsAndMeasuresReadOnly: a viewer, who cannot edit, sees the
// answer's measurable goals (figures with a decimal comma) and measures
// (deadline as written) beside its text.
func TestGoalsAndMeasuresReadOnly(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	network := r.Org(org.KindNetwork)
	muni := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Locale = "nb" })
	r.Join(network, muni, webtest.Since2016)
	viewer := r.User(muni, "viewer")
	tmpl, books := workbooktest.Publish(t, r.Workbooks, network, "2026", "Problemstilling 1: Bosetting")
	stmt := tmpl.Chapters[0].Statements[0].ID
	base, target := 12.5, 40.0
	if _, err := r.Workbooks.SaveEntry(context.Background(), muni, &app.Actor{Name: "Gro"}, workbook.Save{WorkbookID: books[0].ID, StatementID: stmt,
		Content: workbook.Content{Answers: map[string]string{"analysis": "Vår situasjon"},
			Goals:    []workbook.Goal{{Statement: "Flere i arbeid etter introduksjonsprogrammet", Baseline: &base, Target: &target, Unit: "%", Status: measure.StatusOngoing}},
			Measures: []workbook.Measure{{Description: "Språkpraksis i kommunale virksomheter", Responsible: "Rådmannens ledergruppe", DeadlineText: "Høst 2026", Status: measure.StatusNotStarted}}}}); err != nil {
		t.Fatal(err)
	}
	_, body := r.Client(viewer).Get(fmt.Sprintf("/o/%s/workbooks/%d/statements/%d", muni.Slug, books[0].ID, stmt))
	for _, want := range []string{"Vår situasjon", "Flere i arbeid etter introduksjonsprogrammet", "12,5 %", "40 %", "Pågår",
		"Språkpraksis i kommunale virksomheter", "Rådmannens ledergruppe", "Høst 2026", "Ikke påbegynt"} {
		if !strings.Contains(body, want) {
			t.Errorf("the viewer's answer page lacks %q", want)
		}
	}
	if strings.Contains(body, `name="measure.0.description"`) {
		t.Error("the viewer is offered the editor")
	}
}
