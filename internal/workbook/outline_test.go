package workbook_test

import (
	"testing"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/workbook"
)

func TestOutline(t *testing.T) {
	text := "# Kapittel 2\n## Problemstilling A: «Innvandrerreisen»\nKommuner møter komplekse utfordringer.\nSamtidig endres behovene.\n? Hvilke avklaringer må gjøres?\n? Hvem gjør hva når?\n## Problemstilling B\n\n# Kapittel 3\n## Bolig\n"
	chapters, err := workbook.ParseOutline(text)
	if err != nil {
		t.Fatal(err)
	}
	if len(chapters) != 2 || len(chapters[0].Statements) != 2 || chapters[0].Statements[0].Guidance != "Kommuner møter komplekse utfordringer. Samtidig endres behovene." ||
		len(chapters[0].Statements[0].Questions) != 2 || chapters[1].Statements[0].Title != "Bolig" {
		t.Fatalf("outline = %+v", chapters)
	}
	for name, c := range map[string]struct {
		text string
		key  string
		line int
	}{
		"StatementBeforeChapter": {"## Løs problemstilling\n", "workbook.outline.statement_before_chapter", 1},
		"TextOutsideStatement":   {"# Kapittel 1\nTekst uten problemstilling\n", "workbook.outline.text_outside_statement", 2},
		"Empty":                  {"\n\n", "workbook.outline.empty", 0},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := workbook.ParseOutline(c.text)
			ae := app.AsError(err)
			if ae == nil || ae.Key != c.key || (c.line > 0 && ae.Args["line"] != c.line) {
				t.Errorf("error = %v; want %s at line %d", err, c.key, c.line)
			}
		})
	}
	secs, err := workbook.ParseSections("analysis: Analyse – hvordan ser vår situasjon ut nå?\ngoals: Hvilke målbare mål vil vi definere?\n")
	if err != nil || len(secs) != 2 || secs[1].Title != "Hvilke målbare mål vil vi definere?" {
		t.Errorf("sections = %+v, %v", secs, err)
	}
	if _, err := workbook.ParseSections("analysis: A\nanalysis: B"); err == nil {
		t.Error("a repeated section key was accepted")
	}
}
