package workbook

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/ratelimit"
	"github.com/samvirke/samvirke/internal/tabular"
	"github.com/samvirke/samvirke/tenants"
)

// importWordPath is Meldal's chapter 2, repaired, with its goals, measures
// and statement B's arenas as tables, saved as a Word document by
// LibreOffice (see testdata/README.md): not built by the code under test.
const importWordPath = "testdata/meldal-kapittel-2-tabeller.docx"

// wordMeasure is a measure as the test lists it: as written in the table,
// and the day it falls due when ParseDeadline interprets it ("" none).
type wordMeasure struct {
	Description, Responsible, Deadline, Due, Notes string
}

// meldalWordMeasures are the measure tables' rows, by statement.
var meldalWordMeasures = [][]wordMeasure{
	{
		{"Gjennomgående informasjon til nye bosatte/alle bosatte", "Flyktningkoordinator", "Høst 2016", "2016-12-31", "Intervju er oppsummert. Ærlige tilbakemeldinger fra deltakerne"},
		{"Bruk av interne og evt eksterne fagpersoner til undervisning/info", "Flyktningkoordinator", "Høst 2016", "2016-12-31", "Viser til vedlegg program sommerskole 2016"},
		{"Evaluering/revidering av introtrapp/sjekklister/prosedyrer", "Flyktningkoordinator", "Gjennomført innen 1.11.2016", "2016-11-01", "Jf. introduksjonsloven § 6 om individuell plan"},
		{"Illustrasjon av «innvandrerreisen»", "Flyktningekoordinator", "Okt. 2016", "2016-10-31", "Flytskjema er utarbeidet – viser til vedlegg"},
	},
	{
		{"Ny frivilligplattform utarbeides til politisk behandling", "Seksjonsleder kultur", "nov. 2016", "2016-11-30", ""},
		{"Temaet og status drøftes/ forankres ved jevne mellomrom, minimum i forbindelse med rapportering til folkevalgt nivå", "Rådmannen og ledergruppa", "Årshjul", "", ""},
		{"Dialog med fylkeskommunen som bestiller og AtB som utfører", "Ordfører og rådmann", "Løpende", "", ""},
		{"Utvikle en felles strategi fram mot fusjonen", "Rådmann", "Fase 1: 1.7.2017 Fase 2: 1.1.2020", "2020-01-01", ""},
		{"Forslag til budsjett 2017", "Rådmann", "28.10.16", "2016-10-28", ""},
	},
	{
		{"Finne egnede lokaler for undervisning", "Gro Ragnhild", "sommer/høst 2016", "", ""},
		{"Møte med Meldal videregående skole for evt leie av lokaler", "Flyktningekoordinator", "Høst 2016", "2016-12-31", ""},
		{"Utlysning av lederstilling og lærerstillinger", "Ann-Lisbeth", "okt. 2016", "2016-10-31", ""},
		{"Informasjon til bosatte flyktninger i Meldal om nytt lærersted", "Flyktningekoordinator", "01.01.2017", "2017-01-01", ""},
	},
}

// meldalArenas is statement B's arena table as it stays in the analysis
// answer: a Markdown table.
const meldalArenas = `| Arena | Formål | Deltakere | Hyppighet |
| --- | --- | --- | --- |
| Kommunen som lokalsamfunn | Utvikle best mulig samhandling mellom frivilligheten og kommunen | Kommunens innvandrertjeneste (inkl. NAV ift kvalifisering) og frivillighetssentralen | Minimum halvårlig |
| Rådmannens strategiske ledergruppe og lederforum (mellomledere) | Temaet/ området må forankres i kommunens ledelse | Rådmannen og ledergruppa | Årshjul |
| Kommunestyret | God kunnskap om status og utvikling/ konsekvenser | Rådmann | Årshjul |
| Regionrådet | Mer funksjonell og utvidet kollektivtransport som forutsetning for desentralisert bosetting | Ordfører og rådmann | Løpende |`

func readMeldalWord(tb testing.TB) ChapterSource {
	tb.Helper()
	b, err := os.ReadFile(importWordPath)
	if err != nil {
		tb.Fatal(err)
	}
	src, err := ReadChapterFile(b)
	if err != nil {
		tb.Fatalf("ReadChapterFile: %v", err)
	}
	return src
}

func gotWordMeasures(ms []Measure) []wordMeasure {
	var out []wordMeasure
	for _, m := range ms {
		w := wordMeasure{Description: m.Description, Responsible: m.Responsible, Deadline: m.DeadlineText, Notes: m.Notes}
		if m.Deadline != nil {
			w.Due = m.Deadline.Format(time.DateOnly)
		}
		out = append(out, w)
	}
	return out
}

// TestParseChapterWordTables: the Word chapter's tables of measures and
// goals become its statements' rows, deadlines as written with their due
// days; statement B's arena table stays a table, in Markdown, in the
// analysis it stands in; «» § æøå survive; the text around the tables is
// the answers as before.
func TestParseChapterWordTables(t *testing.T) {
	t.Parallel()
	src := readMeldalWord(t)
	if !src.Word || len(src.Tables) != 5 {
		t.Fatalf("read %d tables (word %v); want 5", len(src.Tables), src.Word)
	}
	got, err := ParseChapterSource(context.Background(), src, importTemplate())
	if err != nil {
		t.Fatal(err)
	}
	if got.TextOnly {
		t.Error("a Word document's chapter is marked text only")
	}
	for i, ps := range got.Statements {
		if !ps.Found || len(ps.Warnings) > 0 {
			t.Errorf("statement %d: found %v, warnings %+v", i, ps.Found, ps.Warnings)
		}
		if diff := cmp.Diff(meldalWordMeasures[i], gotWordMeasures(ps.Measures)); diff != "" {
			t.Errorf("statement %d measures (-want +got):\n%s", i, diff)
		}
		for _, m := range ps.Measures {
			if m.Status != measure.StatusNotStarted || m.ResponsibleUser != nil {
				t.Errorf("measure %q: status %q, user %v; want planned, none", m.Description, m.Status, m.ResponsibleUser)
			}
		}
		for k, a := range ps.Answers {
			for _, cell := range []string{"Ansvarlig", "Gjennomført innen 1.11.2016", "Måldato", "01.11.2016"} {
				if strings.Contains(a, cell) {
					t.Errorf("statement %d %s holds a goal or measure table's cell %q:\n%s", i, k, cell, a)
				}
			}
		}
	}
	a, b, four := got.Statements[0], got.Statements[1], got.Statements[2]
	hundred := 100.0
	nov1, dec31 := time.Date(2016, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2016, 12, 31, 0, 0, 0, 0, time.UTC)
	wantGoals := []Goal{
		{Statement: "Bedre informasjonsrutiner dokumenteres", TargetDate: &nov1, Status: measure.StatusNotStarted},
		{Statement: "Nye retningslinjer/ nye punkter inn i introtrappa", TargetDate: &nov1, Status: measure.StatusNotStarted},
		{Statement: "Informasjon kommuniseres ut til flyktningene som en del av introprogrammet og de øvrige rutinene for informasjon",
			Target: &hundred, Unit: "%", TargetDate: &dec31, Status: measure.StatusNotStarted},
	}
	if diff := cmp.Diff(wantGoals, a.Goals); diff != "" {
		t.Errorf("statement A goals (-want +got):\n%s", diff)
	}
	if len(b.Goals)+len(four.Goals) != 0 {
		t.Errorf("goals where the document has no goal table: %+v %+v", b.Goals, four.Goals)
	}
	wantA := map[string]string{
		SectionAnalysis:       "Intervju er gjennomført vår 2016.\nGjennomgang av intervjuene. Identifisering av flaskehalser, se på utfordringer og forslag til tiltak.",
		SectionResponsibility: "Flyktningkoordinator",
		SectionTiming:         "Høst 2016",
	}
	if diff := cmp.Diff(wantA, a.Answers); diff != "" {
		t.Errorf("statement A answers (-want +got):\n%s", diff)
	}
	wantAnalysisB := "Strategisk nivå: kommuneplanens samfunnsdel. Tema i kommunefusjon til Orkland kommune.\n" +
		"Samfunnsdel: Utvikle et inkluderende lokalsamfunn ved å integrere nye innbyggere, og ivareta og ta i bruk de ressursene de representerer.\n\n" +
		meldalArenas
	if b.Answers[SectionAnalysis] != wantAnalysisB {
		t.Errorf("statement B analysis:\n%s\nwant:\n%s", b.Answers[SectionAnalysis], wantAnalysisB)
	}
	if b.Answers[SectionTiming] != "Løpende" || four.Answers[SectionTiming] != "Tiltak: sommer/høst 2016\nMål: 01.01.2017" {
		t.Errorf("timing answers %q, %q", b.Answers[SectionTiming], four.Answers[SectionTiming])
	}
	if !strings.Contains(four.Answers[SectionAnalysis], "Meldal vgs") {
		t.Errorf("statement 4 analysis %q", four.Answers[SectionAnalysis])
	}
}

// TestParseChapterTextOnly: pasted text (or text out of a PDF) has no
// tables: the chapter says so, and has no rows.
func TestParseChapterTextOnly(t *testing.T) {
	t.Parallel()
	src := readMeldalWord(t)
	got, err := ParseChapter(context.Background(), src.Text, importTemplate())
	if err != nil {
		t.Fatal(err)
	}
	if !got.TextOnly {
		t.Error("pasted text is not marked text only")
	}
	for _, ps := range got.Statements {
		if len(ps.Goals)+len(ps.Measures) > 0 {
			t.Errorf("%q: rows from text: %+v %+v", ps.Title, ps.Goals, ps.Measures)
		}
	}
	if !strings.Contains(got.Statements[0].Answers[SectionTiming], "Gjennomført innen 1.11.2016") {
		t.Errorf("a table's cells are not the answer's text: %q", got.Statements[0].Answers[SectionTiming])
	}
}

// TestChapterWithTables: the tables come back from the preview's form only
// with the text they were read with, line ends as a browser sends them.
func TestChapterWithTables(t *testing.T) {
	t.Parallel()
	src := readMeldalWord(t)
	tok := src.TablesToken()
	back := ChapterWithTables(strings.ReplaceAll(src.Text, "\n", "\r\n"), tok)
	if !back.Word || back.Text != src.Text || len(back.Tables) != len(src.Tables) ||
		back.Tables[2].Start != src.Tables[2].Start || !cmp.Equal(back.Tables[2].Rows, src.Tables[2].Rows) {
		t.Fatalf("tables did not come back: word %v, %d tables", back.Word, len(back.Tables))
	}
	for name, c := range map[string]ChapterSource{
		"edited":  ChapterWithTables(strings.Replace(src.Text, "Høst 2016", "Vår 2017", 1), tok),
		"garbage": ChapterWithTables(src.Text, "not a token"),
		"none":    ChapterWithTables(src.Text, ""),
	} {
		if c.Word || len(c.Tables) > 0 {
			t.Errorf("%s: tables kept", name)
		}
	}
}

// TestMarkdownTable: pipes and line breaks in a cell stay in the cell.
func TestMarkdownTable(t *testing.T) {
	t.Parallel()
	got := markdownTable([][]string{{"Arena", "Hyppighet"}, {"Råd | utvalg", "To ganger\nper termin"}})
	want := "| Arena | Hyppighet |\n| --- | --- |\n| Råd \\| utvalg | To ganger per termin |"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestImportChapterWord imports the Word chapter through the service: the
// measures and goals become the answers' rows, statement B's arenas a
// table in its analysis (rendered as an HTML table when saved); a new
// answer has the workbook's default visibility and an existing one keeps
// its own; the chapter is in progress, and importing again adds nothing
// and leaves a chapter marked ready as it is. A preview saves nothing.
func TestImportChapterWord(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	bdb := dbtest.Open(t)
	clock := &app.FixedClock{T: time.Date(2016, 9, 1, 9, 0, 0, 0, time.UTC)}
	svc := &Service{DB: bdb, Clock: clock, Limits: &ratelimit.Limiter{DB: bdb, Clock: clock}}
	network := dbtest.MustCreateOrg(t, bdb, org.KindNetwork, func(o *org.Organisation) { o.Name = "Læringsnettverk Sør-Trøndelag" })
	meldal := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality, func(o *org.Organisation) { o.Name = "Meldal kommune" })
	dbtest.MustJoinNetwork(t, bdb, network, meldal, time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{})
	defs, err := LoadDefinitions(tenants.Workbooks, "workbooks")
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := svc.CreateTemplate(ctx, network, defs[0].Spec())
	if err != nil {
		t.Fatal(err)
	}
	books, err := svc.PublishTemplate(ctx, network, tmpl.ID, "2016–2017")
	if err != nil || len(books) != 1 {
		t.Fatalf("publish: %v, %d workbooks", err, len(books))
	}
	book, chapter := books[0].ID, tmpl.Chapters[0]
	stmts := chapter.Statements
	a := &app.Actor{Name: "Flyktningkoordinator"}
	// Statement 4 has a private answer with a measure of its own and one
	// the document lists too.
	own := Measure{Description: "Eget tiltak: skoleskyss", Responsible: "Gro", Status: measure.StatusOngoing}
	listed := Measure{Description: "Utlysning av lederstilling og lærerstillinger", Responsible: "Ann-Lisbeth", Status: measure.StatusDone}
	if _, err := svc.SaveEntry(ctx, meldal, a, Save{WorkbookID: book, StatementID: stmts[2].ID, Visibility: VisibilityPrivate,
		Content: Content{Answers: map[string]string{SectionAnalysis: "Utkast"}, Measures: []Measure{own, listed}}}); err != nil {
		t.Fatal(err)
	}
	status := func() string {
		t.Helper()
		var st map[int64]string
		err := db.Run(ctx, bdb, db.OrgScope(meldal.ID), func(ctx context.Context, idb bun.IDB) error {
			var err error
			st, err = FindChapterStatuses(ctx, idb, meldal.ID, book)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return st[chapter.ID]
	}
	entries := func() map[int64]*Entry {
		t.Helper()
		_, es, err := svc.OpenWorkbook(ctx, meldal, book, AllEntries)
		if err != nil {
			t.Fatal(err)
		}
		return es
	}

	src := readMeldalWord(t)
	if _, err := svc.ImportChapter(ctx, meldal, []int64{network.ID}, a, book, src, true); err != nil {
		t.Fatal(err)
	}
	if es := entries(); len(es) != 1 || status() != "" {
		t.Fatalf("a preview saved: %d entries, chapter status %q", len(es), status())
	}
	if _, err := svc.ImportChapter(ctx, meldal, []int64{network.ID}, a, book, src, false); err != nil {
		t.Fatal(err)
	}
	es := entries()
	for i, st := range stmts {
		e := es[st.ID]
		if e == nil {
			t.Fatalf("statement %d not imported", i)
		}
		want := meldalWordMeasures[i]
		if i == 2 { // its own measures first, the listed one not twice
			want = append([]wordMeasure{{Description: own.Description, Responsible: "Gro"}, {Description: listed.Description, Responsible: "Ann-Lisbeth"}},
				slices.DeleteFunc(slices.Clone(want), func(m wordMeasure) bool { return m.Description == listed.Description })...)
		}
		if diff := cmp.Diff(want, gotWordMeasures(e.Content.Measures)); diff != "" {
			t.Errorf("statement %d measures (-want +got):\n%s", i, diff)
		}
	}
	if got := es[stmts[2].ID].Content.Measures; got[0].Status != measure.StatusOngoing || got[1].Status != measure.StatusDone {
		t.Errorf("the answer's own measures changed: %+v", got[:2])
	}
	if v := es[stmts[0].ID].Visibility; v != VisibilityNetwork {
		t.Errorf("new answer's visibility %q; want the default, network", v)
	}
	if v := es[stmts[2].ID].Visibility; v != VisibilityPrivate {
		t.Errorf("existing answer's visibility %q; want it kept, private", v)
	}
	if g := es[stmts[0].ID].Content.Goals; len(g) != 3 || g[2].Unit != "%" {
		t.Errorf("statement A goals: %+v", g)
	}
	b := es[stmts[1].ID]
	if !strings.HasSuffix(b.Content.Answers[SectionAnalysis], meldalArenas) {
		t.Errorf("statement B analysis lacks the arena table:\n%s", b.Content.Answers[SectionAnalysis])
	}
	for _, want := range []string{"<table>", "<th>Arena</th>", "<th>Hyppighet</th>", "<td>Kommunestyret</td>", "<td>Minimum halvårlig</td>"} {
		if !strings.Contains(string(b.AnswerHTML(SectionAnalysis)), want) {
			t.Errorf("statement B analysis HTML lacks %q:\n%s", want, b.AnswerHTML(SectionAnalysis))
		}
	}
	if n := es[stmts[0].ID].Content.Measures[2].Notes; n != "Jf. introduksjonsloven § 6 om individuell plan" {
		t.Errorf("a note came back as %q", n)
	}
	if s := status(); s != ChapterInProgress {
		t.Errorf("chapter status %q; want in progress", s)
	}

	// Ready for the gathering, then imported again: nothing added, still ready.
	if err := svc.SetChapterStatus(ctx, meldal, book, chapter.ID, ChapterReady); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ImportChapter(ctx, meldal, []int64{network.ID}, a, book, src, false); err != nil {
		t.Fatal(err)
	}
	for i, st := range stmts {
		if n, was := len(entries()[st.ID].Content.Measures), len(es[st.ID].Content.Measures); n != was {
			t.Errorf("statement %d: %d measures after importing again, %d before", i, n, was)
		}
	}
	if s := status(); s != ChapterReady {
		t.Errorf("chapter status %q after importing again; want it kept ready", s)
	}
}

// TestParseChapterTableProblems: a deadline that looks like a day but is
// none is kept as written and warned about; a goal table with a cell that
// cannot be read stays a table in its answer, with a warning: nothing is
// lost.
func TestParseChapterTableProblems(t *testing.T) {
	t.Parallel()
	var text strings.Builder
	var tables []tabular.DocumentTable
	para := func(s string) { text.WriteString(s + "\n") }
	table := func(rows ...[]string) {
		start := text.Len()
		for _, r := range rows {
			for _, c := range r {
				para(c)
			}
		}
		tables = append(tables, tabular.DocumentTable{Table: &tabular.Table{Number: len(tables) + 1, Rows: rows}, Start: start, End: text.Len()})
	}
	para("Gjennomgående problemstilling A: «Innvandrerreisen», et flytskjema for en innbygger med innvandrerbakgrunn")
	para(DefaultSectionTitles[SectionGoals])
	table([]string{"Mål", "Målverdi"}, []string{"Flere i arbeid", "mange"})
	para(DefaultSectionTitles[SectionTiming])
	para("Høst 2016")
	table([]string{"Tiltak", "Ansvarlig", "Frist"}, []string{"Språkkafé", "Frivilligsentralen", "32.13.2016"})
	got, err := ParseChapterSource(context.Background(), ChapterSource{Text: text.String(), Tables: tables, Word: true}, importTemplate())
	if err != nil {
		t.Fatal(err)
	}
	ps := got.Statements[0]
	if len(ps.Goals) != 0 || ps.Answers[SectionGoals] != "| Mål | Målverdi |\n| --- | --- |\n| Flere i arbeid | mange |" {
		t.Errorf("the unreadable goal table: goals %+v, answer %q", ps.Goals, ps.Answers[SectionGoals])
	}
	if len(ps.Measures) != 1 || ps.Measures[0].DeadlineText != "32.13.2016" || ps.Measures[0].Deadline != nil {
		t.Errorf("measures %+v; want the deadline kept as written, no day", ps.Measures)
	}
	var keys []string
	for _, w := range ps.Warnings {
		if w.Key == ImportWarnSectionMissing { // the test's chapter answers two questions only
			continue
		}
		keys = append(keys, w.Key)
		if w.Line == 0 || w.Args["table"] == nil || w.Args["row"] != 2 {
			t.Errorf("warning %+v does not say where", w)
		}
	}
	if diff := cmp.Diff([]string{ImportWarnTableKept, ImportWarnDeadline}, keys); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

// TestChapterWithTablesUneven: rows sent back uneven (by hand) are read
// as a table of the widest row's width, never out of range.
func TestChapterWithTablesUneven(t *testing.T) {
	t.Parallel()
	text := "Gjennomgående problemstilling A: «Innvandrerreisen», et flytskjema for en innbygger med innvandrerbakgrunn\n" +
		DefaultSectionTitles[SectionTiming] + "\nTiltak\nAnsvarlig\nFrist\nSpråkkafé\n"
	start := strings.Index(text, "Tiltak\n")
	src := ChapterSource{Text: text, Word: true, Tables: []tabular.DocumentTable{{Table: &tabular.Table{Number: 1,
		Rows: [][]string{{"Tiltak", "Ansvarlig", "Frist"}, {"Språkkafé"}}}, Start: start, End: len(text)}}}
	back := ChapterWithTables(text, src.TablesToken())
	got, err := ParseChapterSource(context.Background(), back, importTemplate())
	if err != nil {
		t.Fatal(err)
	}
	if ms := got.Statements[0].Measures; len(ms) != 1 || ms[0].Description != "Språkkafé" {
		t.Errorf("measures %+v", ms)
	}
}
