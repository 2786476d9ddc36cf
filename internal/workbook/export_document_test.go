package workbook

import (
	"bytes"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/document"
	"github.com/samvirke/samvirke/internal/document/doctest"
)

// exported is the gathering view written by one backend of the document
// package and read back as text.
type exported struct {
	text  string
	pages int // 0 for Word, which lays out pages when it opens the file
}

// backends write a gathering view's document in Norwegian and read its
// text back.
var backends = map[string]func(t *testing.T, v *GatheringView) exported{
	"PDF": func(t *testing.T, v *GatheringView) exported {
		var buf bytes.Buffer
		if err := mustDocument(t, v).WritePDF(&buf); err != nil {
			t.Fatal(err)
		}
		got := doctest.PDFText(t, buf.Bytes())
		return exported{got.Text, got.Pages}
	},
	"DOCX": func(t *testing.T, v *GatheringView) exported {
		var buf bytes.Buffer
		if err := mustDocument(t, v).WriteDOCX(&buf); err != nil {
			t.Fatal(err)
		}
		return exported{text: doctest.DOCXText(t, buf.Bytes()).Text}
	},
}

func mustDocument(t *testing.T, v *GatheringView) *document.Document {
	t.Helper()
	d, err := v.Document("nb", exportTexts, exportNow)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestExportDocument exports the gathering view through both backends of
// the shared document package and reads every municipality's answer back.
func TestExportDocument(t *testing.T) {
	for name, write := range backends {
		t.Run(name, func(t *testing.T) {
			v := exportView(t)
			got := write(t, v).text
			t.Run("EveryAnswerComplete", func(t *testing.T) {
				for _, c := range v.Columns {
					for _, key := range DefaultSections {
						if a := c.Answers[key]; a != "" {
							mustContain(t, got, true, a)
						}
					}
				}
				mustContain(t, got, true, v.Statement.Guidance)
				mustContain(t, got, true, v.Statement.Questions...)
			})
			t.Run("NordicLettersSurvive", func(t *testing.T) {
				mustContain(t, got, false, "«Innvandrerreisen»", "Åfjord kommune", "Flyktningkoordinator", "Høst 2016",
					"§ 37", "«Språk først»", "ÆØÅ-kurset", "Västerås-mål för skolan", "Kjøkkensjef Åse Øyen", "Meldal kommune",
					"Læringsnettverk Bosetting, Kvalifisering og Inkludering", "Tredje samling, november 2017",
					"«Øverste Ærlighet» på Åfjordbrygga")
			})
			t.Run("GoodPracticeMarkedInText", func(t *testing.T) {
				mustContain(t, got, false, "Åfjord kommune (God praksis)")
				if strings.Contains(got, "Meldal kommune (God praksis)") {
					t.Error("Meldal is not marked as good practice")
				}
			})
			t.Run("GoalsAndMeasuresInLocale", func(t *testing.T) {
				mustContain(t, got, false, "IMDI-INTRO-1", "42,5", "31.12.2026", "15.06.2026", "Pågår", "Ikke påbegynt",
					"Frivillige fra Røde Kors", "Utgangsverdi", "Ikke besvart", "Laget 24.11.2026")
				if strings.Contains(got, "42.5") {
					t.Error("a number is printed with a decimal point in Norwegian")
				}
			})
		})
	}
}

func TestExportPDFPages(t *testing.T) {
	if got := backends["PDF"](t, exportView(t)); got.pages < 2 {
		t.Errorf("pages = %d, want the long answer to need at least 2", got.pages)
	}
}

func TestExportLongTexts(t *testing.T) {
	link := "https://www.imdi.no/" + strings.Repeat("kvalifisering-og-inkludering/", 12) + "sluttlenke"
	huge := strings.Repeat(longAnswer()+"\n", 6)
	measure := strings.ReplaceAll(longAnswer(), "Setning", "Punkt") + " og slutten på tiltaket"
	v := &GatheringView{
		Network:   "Nettverk Nord",
		Statement: &Statement{Title: "Problemstilling", Guidance: link},
		Sections:  []*Section{{Key: SectionAnalysis, Title: "Analyse"}},
		Columns: []GatheringColumn{{
			Municipality: "Åfjord kommune",
			Answers:      map[string]string{SectionAnalysis: huge},
			// One cell each: a table's lines are extracted row by row, across its cells.
			Measures: []Measure{{Description: measure}, {Responsible: link}},
		}},
	}
	for name, write := range backends {
		t.Run(name, func(t *testing.T) {
			got := write(t, v)
			if name == "PDF" && got.pages < 4 {
				t.Errorf("pages = %d, want at least 4", got.pages)
			}
			mustContain(t, got.text, true, huge, link)
			mustContain(t, got.text, false, "slutten på tiltaket")
			// The measure's long cell goes on over a page break, where the
			// table's heading row is repeated (in the PDF; Word repeats it
			// when it lays out the pages).
			head := noSpace(strings.Join(newExportEnv(exportTexts, nil, exportNow).measureHeads(), ""))
			if n := strings.Count(noSpace(got.text), head); name == "PDF" && n < 2 {
				t.Errorf("the measures' heading row is printed %d times, want it on each page the table spans", n)
			}
			mustContain(t, strings.ReplaceAll(noSpace(got.text), head, ""), true, measure)
		})
	}
}
