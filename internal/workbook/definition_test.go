package workbook_test

import (
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/workbook"
	"github.com/samvirke/samvirke/tenants"
)

func TestDemoDefinition(t *testing.T) {
	defs, err := workbook.LoadDefinitions(tenants.Workbooks, "workbooks")
	if err != nil {
		t.Fatal(err)
	}
	if len(defs) != 1 || defs[0].Network != "sor-trondelag" {
		t.Fatalf("definitions = %+v; want the Sør-Trøndelag template", defs)
	}
	spec := defs[0].Spec()
	if len(spec.Chapters) != 1 || len(spec.Chapters[0].Statements) != 3 || !strings.Contains(spec.Chapters[0].Statements[0].Title, "«Innvandrerreisen»") {
		t.Errorf("chapter 2 = %+v", spec.Chapters)
	}
	text, err := defs[0].AnswerText(tenants.Workbooks, defs[0].Answers[0])
	if err != nil || !strings.Contains(text, "Intervju er gjennomført vår 2016") {
		t.Errorf("Meldal's chapter text: %v", err)
	}
}
