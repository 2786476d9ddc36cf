package workbook

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/samvirke/samvirke/internal/measure"
)

// seedPath is the seed workbook text with Meldal kommune's real answers,
// as extracted from the seed's PDF (importSeedPath).
const seedPath = importSeedPath

// between answers the text of s between the markers from and to (to ""
// means the end), failing the test when a marker is missing.
func between(tb testing.TB, s, from, to string) string {
	tb.Helper()
	i := strings.Index(s, from)
	if i < 0 {
		tb.Fatalf("seed: marker %q not found", from)
	}
	s = s[i+len(from):]
	if to == "" {
		return strings.TrimSpace(s)
	}
	j := strings.Index(s, to)
	if j < 0 {
		tb.Fatalf("seed: marker %q not found after %q", to, from)
	}
	return strings.TrimSpace(s[:j])
}

// meldalSeed reads the statement and Meldal's answers to it from the seed.
func meldalSeed(tb testing.TB) (*Statement, GatheringColumn) {
	tb.Helper()
	b, err := os.ReadFile(seedPath)
	if err != nil {
		tb.Fatalf("Meldal's answers: %v", err)
	}
	var line string
	for l := range strings.SplitSeq(string(b), "\n") {
		if strings.Contains(l, "ARBEIDBOKA Kapittel 2") && strings.Contains(l, "Flyktningkoordinator") {
			line = l
			break
		}
	}
	if line == "" {
		tb.Fatal("seed: Meldal's workbook page not found")
	}
	const (
		qStart         = "Hvordan kan det å kartlegge"
		analyse, goals = "Analyse hvordan ser vår ituasjon ut nå?", "Hvilke målbare ål vil vi definere?"
		resp, timing   = "Hvem skal ha hoved-ansvaret?", "Når skal tiltak være gjennomført og mål være Nådd?"
	)
	st := &Statement{
		Title:    "Gjennomgående problemstilling A: " + between(tb, line, "Gjennomgående problemstilling A:", "Kommuner og"),
		Guidance: "Kommuner og " + between(tb, line, "Kommuner og", qStart),
	}
	for _, q := range strings.SplitAfter(qStart+" "+between(tb, line, qStart, analyse), "?") {
		if q = strings.TrimSpace(q); q != "" {
			st.Questions = append(st.Questions, q)
		}
	}
	col := GatheringColumn{
		Municipality: "Meldal kommune",
		Answers: map[string]string{
			SectionAnalysis:       between(tb, line, analyse, goals),
			SectionGoals:          between(tb, line, goals, resp),
			SectionResponsibility: between(tb, line, resp, timing),
			SectionTiming:         between(tb, line, timing, ""),
		},
		Measures: []Measure{{
			Description:  "Gjennomgående informasjon til e bosatte/alle bosatte",
			Responsible:  between(tb, line, resp, timing),
			DeadlineText: "Høst 2016",
			Status:       measure.StatusDone,
		}},
	}
	return st, col
}

// longAnswer is about 3,000 characters of Norwegian that ends in words
// found nowhere else.
func longAnswer() string {
	var b strings.Builder
	for i := 1; b.Len() < 2900; i++ {
		fmt.Fprintf(&b, "Setning %d: Vi har kartlagt «innvandrerreisen» for å finne flaskehalser i tjenestene våre. ", i)
	}
	b.WriteString("Til slutt står sluttordene «Øverste Ærlighet» på Åfjordbrygga")
	return b.String()
}

func exportView(tb testing.TB) *GatheringView {
	tb.Helper()
	st, meldal := meldalSeed(tb)
	day := func(y int, m time.Month, d int) *time.Time {
		t := time.Date(y, m, d, 0, 0, 0, 0, time.FixedZone("CET", 3600))
		return &t
	}
	f := func(x float64) *float64 { return &x }
	meldal.Goals = []Goal{{Statement: "Bedre informasjonsrutiner dokumenteres", Status: measure.StatusOngoing, TargetDate: day(2017, 1, 1)}}
	afjord := GatheringColumn{
		Municipality: "Åfjord kommune",
		GoodPractice: true,
		Answers: map[string]string{
			SectionAnalysis:       longAnswer(),
			SectionGoals:          "Økt måloppnåelse etter § 37 i integreringsloven; «Språk først» for ÆØÅ-kurset.\nNy linje: bærekraftig, søt og grønn; Västerås-mål för skolan.",
			SectionResponsibility: "Flyktningkoordinator og Kjøkkensjef Åse Øyen",
		},
		Goals: []Goal{{Statement: "Flere i arbeid eller utdanning etter introduksjonsprogrammet", IndicatorCode: "IMDI-INTRO-1",
			Baseline: f(42.5), Target: f(70), Unit: "prosent", TargetDate: day(2026, 12, 31), Status: measure.StatusNotStarted}},
		Measures: []Measure{
			{Description: "Språkkafé på biblioteket «Prat på lørdag»", Responsible: "Bibliotekar", Deadline: day(2026, 6, 15), Status: measure.StatusOngoing, Notes: "Frivillige fra Røde Kors"},
			{Description: "Evaluere introtrappa", Responsible: "Flyktningkoordinator", DeadlineText: "Høst 2016", Status: measure.StatusNotStarted},
		},
	}
	return &GatheringView{
		Network:   "Læringsnettverk Bosetting, Kvalifisering og Inkludering",
		Gathering: "Tredje samling, november 2017",
		Chapter:   "Kapittel 2",
		Statement: st,
		Sections: []*Section{
			{Key: SectionAnalysis, Title: "Analyse – hvordan ser vår situasjon ut nå?"},
			{Key: SectionGoals, Title: "Hvilke målbare mål vil vi definere?"},
			{Key: SectionResponsibility, Title: "Hvem skal ha hovedansvaret?"},
			{Key: SectionTiming, Title: "Når skal tiltak være gjennomført og mål være nådd?"},
		},
		Columns: []GatheringColumn{meldal, afjord},
	}
}

var exportNB = map[string]string{
	"workbook.export.title": "Samlingsoversikt", "workbook.export.municipality": "Kommune",
	"workbook.export.good_practice": "God praksis", "workbook.export.goals": "Mål", "workbook.export.measures": "Tiltak", "workbook.export.comments": "Kommentarer",
	"workbook.export.responsible": "Ansvarlig", "workbook.export.deadline": "Frist", "workbook.export.status": "Status",
	"workbook.export.generated": "Laget {date}", "workbook.export.section": "Del", "workbook.export.goal": "Mål",
	"workbook.export.indicator": "Indikator", "workbook.export.baseline": "Utgangsverdi", "workbook.export.target": "Målverdi",
	"workbook.export.unit": "Enhet", "workbook.export.target_date": "Måldato", "workbook.export.description": "Tiltak",
	"workbook.export.notes": "Merknader", "workbook.export.no_answer": "Ikke besvart", "measure.status.not_started": "Ikke påbegynt",
	"measure.status.ongoing": "Pågår", "measure.status.done": "Gjennomført",
}

func exportTexts(key string, args ...any) string {
	msg, ok := exportNB[key]
	if !ok {
		return key
	}
	for i := 0; i+1 < len(args); i += 2 {
		msg = strings.ReplaceAll(msg, "{"+fmt.Sprint(args[i])+"}", fmt.Sprint(args[i+1]))
	}
	return msg
}

func exportDate(t time.Time) string { return t.Format("02.01.2006") }

var exportNow = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

// noSpace drops all white space, since a PDF's text comes back without
// the spaces where lines wrap.
func noSpace(s string) string { return strings.Join(strings.Fields(s), "") }

// mustContain checks that every want is in got, comparing without white
// space when spaceless.
func mustContain(t *testing.T, got string, spaceless bool, want ...string) {
	t.Helper()
	for _, w := range want {
		g := got
		if spaceless {
			g, w = noSpace(g), noSpace(w)
		}
		if !strings.Contains(g, w) {
			t.Errorf("export lacks %q", w)
		}
	}
}

func TestWriteXLSX(t *testing.T) {
	v := exportView(t)
	var buf bytes.Buffer
	if err := v.WriteXLSX(&buf, exportTexts, exportDate, exportNow); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cell := func(sheet, name string) string {
		t.Helper()
		s, err := f.GetCellValue(sheet, name)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	raw := func(sheet, name string) float64 {
		t.Helper()
		s, err := f.GetCellValue(sheet, name, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		typ, _ := f.GetCellType(sheet, name)
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || (typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber) {
			t.Fatalf("%s!%s = %q (type %v), want a number", sheet, name, s, typ)
		}
		return x
	}
	isDate := func(sheet, name string, want time.Time) {
		t.Helper()
		d, err := excelize.ExcelDateToTime(raw(sheet, name), false)
		if err != nil || !d.Equal(want) {
			t.Errorf("%s!%s = %v (%v), want the date %v", sheet, name, d, err, want)
		}
		id, _ := f.GetCellStyle(sheet, name)
		if st, err := f.GetStyle(id); err != nil || st.NumFmt != 14 {
			t.Errorf("%s!%s is not formatted as a date", sheet, name)
		}
	}

	t.Run("SheetNames", func(t *testing.T) {
		want := []string{"Samlingsoversikt", "Mål", "Tiltak", "Kommentarer"}
		if got := f.GetSheetList(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("sheets = %q, want %q", got, want)
		}
	})
	t.Run("NorwegianTextSurvives", func(t *testing.T) {
		if got := cell("Samlingsoversikt", "A1"); got != v.Statement.Title || !strings.Contains(got, "«Innvandrerreisen»") {
			t.Errorf("A1 = %q", got)
		}
		if got := cell("Samlingsoversikt", "B6"); got != "Flyktningkoordinator" {
			t.Errorf("Meldal's responsible = %q", got)
		}
		if got := cell("Samlingsoversikt", "C5"); got != v.Columns[1].Answers[SectionGoals] {
			t.Errorf("Åfjord's goals = %q", got)
		}
		for r, key := range DefaultSections {
			if got := cell("Samlingsoversikt", xlsxCell(2, 4+r)); got != v.Columns[0].Answers[key] {
				t.Errorf("Meldal's %s = %q", key, got)
			}
		}
		if got := cell("Tiltak", "D2"); got != "Høst 2016" {
			t.Errorf("deadline as written = %q", got)
		}
	})
	t.Run("GoodPracticeMarkedInText", func(t *testing.T) {
		if got := cell("Samlingsoversikt", "C3"); got != "Åfjord kommune (God praksis)" {
			t.Errorf("heading = %q", got)
		}
		if got := cell("Samlingsoversikt", "B3"); got != "Meldal kommune" {
			t.Errorf("heading = %q", got)
		}
	})
	t.Run("LongAnswerNotTruncated", func(t *testing.T) {
		if got := cell("Samlingsoversikt", "C4"); got != longAnswer() {
			t.Errorf("long answer has %d characters, want %d", len(got), len(longAnswer()))
		}
	})
	t.Run("DatesAreDates", func(t *testing.T) {
		isDate("Mål", "G2", time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC))
		isDate("Mål", "G3", time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC))
		isDate("Tiltak", "D3", time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC))
	})
	t.Run("NumbersAreNumbers", func(t *testing.T) {
		if got := raw("Mål", "D3"); got != 42.5 {
			t.Errorf("baseline = %v", got)
		}
		if got := raw("Mål", "E3"); got != 70 {
			t.Errorf("target = %v", got)
		}
		if got := cell("Mål", "H3"); got != "Ikke påbegynt" {
			t.Errorf("status = %q", got)
		}
	})
	t.Run("HeaderFrozenTextWraps", func(t *testing.T) {
		p, err := f.GetPanes("Samlingsoversikt")
		if err != nil || !p.Freeze || p.YSplit != 3 {
			t.Errorf("panes = %+v, %v", p, err)
		}
		id, _ := f.GetCellStyle("Samlingsoversikt", "C4")
		if st, err := f.GetStyle(id); err != nil || st.Alignment == nil || !st.Alignment.WrapText {
			t.Errorf("answers do not wrap")
		}
	})
}

func TestExportErrNoStatement(t *testing.T) {
	v := &GatheringView{Network: "Nettverk"}
	if _, err := v.Document("nb", exportTexts, exportNow); err == nil {
		t.Error("Document without a statement succeeded")
	}
	if err := v.WriteXLSX(&bytes.Buffer{}, exportTexts, exportDate, exportNow); err == nil {
		t.Error("WriteXLSX without a statement succeeded")
	}
}

func TestSheetName(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Mål", "Mål"},
		{"Oversikt: [2017]/a*b?c\\d", "Oversikt 2017 a b c d"},
		{"En altfor lang oversikt over samlingen i november", "En altfor lang oversikt over sa"},
		{"", "Oversikt"},
		{"'Tiltak'", "Tiltak"},
	} {
		if got := sheetName(tt.in, "Oversikt", nil); got != tt.want {
			t.Errorf("sheetName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := sheetName("mål", "x", []string{"Mål"}); got != "mål (2)" {
		t.Errorf("duplicate = %q", got)
	}
}
