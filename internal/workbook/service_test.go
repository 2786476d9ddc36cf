package workbook_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/ratelimit"
	"github.com/samvirke/samvirke/internal/workbook"
	"github.com/samvirke/samvirke/tenants"
)

// wbNetwork is a network with six member municipalities, one of which
// left before the gathering, and a published template of two chapters.
type wbNetwork struct {
	svc      *workbook.Service
	network  *org.Organisation
	members  []*org.Organisation // members[5] left on 2017-06-01
	tmpl     *workbook.Template
	books    map[int64]*workbook.Workbook // by municipality
	stmtA    int64                        // chapter 2, statement A
	gathered time.Time
}

func wbSetUp(t *testing.T) *wbNetwork {
	t.Helper()
	bdb := dbtest.Open(t)
	clock := &app.FixedClock{T: time.Date(2017, 3, 1, 9, 0, 0, 0, time.UTC)}
	w := &wbNetwork{svc: &workbook.Service{DB: bdb, Clock: clock, Limits: &ratelimit.Limiter{DB: bdb, Clock: clock}},
		books: map[int64]*workbook.Workbook{}, gathered: time.Date(2017, 11, 30, 0, 0, 0, 0, time.UTC)}
	w.network = dbtest.MustCreateOrg(t, bdb, org.KindNetwork, func(o *org.Organisation) { o.Name = "Læringsnettverk Sør-Trøndelag" })
	joined := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, name := range []string{"Meldal", "Åfjord", "Skaun", "Osen", "Oppdal", "Rissa"} {
		m := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality, func(o *org.Organisation) { o.Name = name + " kommune" })
		var left time.Time
		if i == 5 {
			left = time.Date(2017, 6, 1, 0, 0, 0, 0, time.UTC)
		}
		dbtest.MustJoinNetwork(t, bdb, w.network, m, joined, left)
		w.members = append(w.members, m)
	}
	ctx := context.Background()
	var err error
	w.tmpl, err = w.svc.CreateTemplate(ctx, w.network, workbook.TemplateSpec{Name: "Arbeidsboka", Chapters: []workbook.ChapterSpec{
		{Title: "Kapittel 1", Statements: []workbook.StatementSpec{{Title: "Problemstilling 1: Bosetting"}}},
		{Title: "Kapittel 2", Statements: []workbook.StatementSpec{
			{Title: "Gjennomgående problemstilling A: «Innvandrerreisen»", Questions: []string{"Hvilke avklaringer må gjøres?", "Hvem gjør hva når?"}},
			{Title: "Gjennomgående problemstilling B: Innvandrere som strategisk ressurs"},
		}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	w.stmtA = w.tmpl.Chapters[1].Statements[0].ID
	made, err := w.svc.PublishTemplate(ctx, w.network, w.tmpl.ID, "2016–2017")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range made {
		w.books[b.OrgID] = b
	}
	return w
}

func actor(name string) *app.Actor { return &app.Actor{UserID: 0, Name: name} }

func TestPublishAndGatheringView(t *testing.T) {
	t.Parallel()
	w := wbSetUp(t)
	ctx := context.Background()
	if len(w.books) != 6 || len(w.tmpl.Sections) != 4 || len(w.tmpl.Chapters) != 2 {
		t.Fatalf("after publishing: %d workbooks, %d sections, %d chapters; want 6, 4, 2", len(w.books), len(w.tmpl.Sections), len(w.tmpl.Chapters))
	}
	// Publishing again makes no second workbook.
	if again, err := w.svc.PublishTemplate(ctx, w.network, w.tmpl.ID, "2016–2017"); err != nil || len(again) != 0 {
		t.Errorf("second publish made %d workbooks (%v); want none", len(again), err)
	}
	// save answers m's statement A over the version base (0: a new
	// answer) and answers the version saved.
	save := func(m *org.Organisation, answers map[string]string, vis string, base int) int {
		t.Helper()
		e, err := w.svc.SaveEntry(ctx, m, actor("Flyktningkoordinator"), workbook.Save{WorkbookID: w.books[m.ID].ID, StatementID: w.stmtA,
			Content: workbook.Content{Answers: answers}, Visibility: vis, BaseVersion: base})
		if err != nil {
			t.Fatal(err)
		}
		return e.Version
	}
	// Meldal's answer comes from its real filled-in chapter (the seed).
	defs, err := workbook.LoadDefinitions(tenants.Workbooks, "workbooks")
	if err != nil {
		t.Fatal(err)
	}
	text, err := defs[0].AnswerText(tenants.Workbooks, defs[0].Answers[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.ImportChapter(ctx, w.members[0], []int64{w.network.ID}, actor("Import"), w.books[w.members[0].ID].ID, workbook.ChapterSource{Text: text}, false); err != nil {
		t.Fatal(err)
	}
	afjord := save(w.members[1], map[string]string{workbook.SectionAnalysis: "Vi kartlegger «innvandrerreisen» for fem familier"}, workbook.VisibilityNetwork, 0)
	save(w.members[2], map[string]string{workbook.SectionAnalysis: "Internt utkast – ikke klart"}, workbook.VisibilityPrivate, 0)
	save(w.members[5], map[string]string{workbook.SectionAnalysis: "Rissa svarte før sammenslåingen"}, "", 0)

	v, err := w.svc.GatheringView(ctx, w.network, w.tmpl.ID, w.stmtA, w.gathered)
	if err != nil {
		t.Fatal(err)
	}
	cols := map[string]workbook.GatheringColumn{}
	for _, c := range v.Columns {
		cols[c.Municipality] = c
	}
	if got := cols["Meldal kommune"].Answers[workbook.SectionAnalysis]; !strings.HasPrefix(got, "Intervju er gjennomført vår 2016") ||
		cols["Meldal kommune"].Answers[workbook.SectionResponsibility] != "Flyktningkoordinator" {
		t.Errorf("Meldal's column (imported from the seed): %q", got)
	}
	if got := cols["Åfjord kommune"].Answers[workbook.SectionAnalysis]; got != "Vi kartlegger «innvandrerreisen» for fem familier" {
		t.Errorf("Åfjord's column: %q", got)
	}
	if got := cols["Skaun kommune"].Answers[workbook.SectionAnalysis]; got != "" {
		t.Errorf("Skaun's private draft is shown: %q", got)
	}
	if _, ok := cols["Rissa kommune"]; ok {
		t.Error("Rissa, which left the network before the gathering, is shown")
	}
	if len(v.Columns) != 5 || v.Chapter != "Kapittel 2" || len(v.Sections) != 4 {
		t.Errorf("view: %d columns, chapter %q, %d sections; want the 5 current members, Kapittel 2, 4 sections", len(v.Columns), v.Chapter, len(v.Sections))
	}

	// The view keeps answers as it showed them, by the bytes they came
	// from: a changed answer is shown changed, text and HTML, at once,
	// and one made private is gone.
	column := func(name string) workbook.GatheringColumn {
		t.Helper()
		v, err := w.svc.GatheringView(ctx, w.network, w.tmpl.ID, w.stmtA, w.gathered)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range v.Columns {
			if c.Municipality == name {
				return c
			}
		}
		t.Fatalf("no column %s", name)
		return workbook.GatheringColumn{}
	}
	if c := column("Åfjord kommune"); !strings.Contains(string(c.AnswersHTML[workbook.SectionAnalysis]), "«innvandrerreisen»") {
		t.Errorf("Åfjord's answer as HTML, seen again: %q", c.AnswersHTML[workbook.SectionAnalysis])
	}
	afjord = save(w.members[1], map[string]string{workbook.SectionAnalysis: "Fem familier er **intervjuet** – «reisen» kartlagt"}, workbook.VisibilityNetwork, afjord)
	if c := column("Åfjord kommune"); c.Answers[workbook.SectionAnalysis] != "Fem familier er **intervjuet** – «reisen» kartlagt" ||
		!strings.Contains(string(c.AnswersHTML[workbook.SectionAnalysis]), "<strong>intervjuet</strong>") {
		t.Errorf("Åfjord's changed answer is shown as %q, %q", c.Answers[workbook.SectionAnalysis], c.AnswersHTML[workbook.SectionAnalysis])
	}
	save(w.members[1], map[string]string{workbook.SectionAnalysis: "Fem familier er **intervjuet** – «reisen» kartlagt"}, workbook.VisibilityPrivate, afjord)
	if c := column("Åfjord kommune"); c.Answers[workbook.SectionAnalysis] != "" || len(c.AnswersHTML) != 0 {
		t.Errorf("Åfjord's answer made private is still shown: %q", c.Answers[workbook.SectionAnalysis])
	}
}

func TestHistoryAndRestore(t *testing.T) {
	t.Parallel()
	w := wbSetUp(t)
	ctx := context.Background()
	m := w.members[0]
	first := "Intervju er gjennomført vår 2016.\n\nGjennomgang av intervjuene – flaskehalser i «introtrappa» § 4."
	e, err := w.svc.SaveEntry(ctx, m, actor("Gro Ragnhild"), workbook.Save{WorkbookID: w.books[m.ID].ID, StatementID: w.stmtA,
		Content: workbook.Content{Answers: map[string]string{workbook.SectionAnalysis: first}}})
	if err != nil {
		t.Fatal(err)
	}
	e, err = w.svc.SaveEntry(ctx, m, actor("Ann-Lisbeth"), workbook.Save{WorkbookID: w.books[m.ID].ID, StatementID: w.stmtA,
		Content: workbook.Content{Answers: map[string]string{workbook.SectionAnalysis: "Omskrevet helt."}}, BaseVersion: e.Version})
	if err != nil {
		t.Fatal(err)
	}
	e, err = w.svc.RestoreEntry(ctx, m, actor("Gro Ragnhild"), e.ID, 1, e.Version)
	if err != nil {
		t.Fatal(err)
	}
	if got := e.Content.Answers[workbook.SectionAnalysis]; got != first {
		t.Errorf("restored text = %q; want the first version exactly", got)
	}
	revs, err := w.svc.History(ctx, m, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 3 || revs[1].AuthorName != "Ann-Lisbeth" || revs[2].AuthorName != "Gro Ragnhild" || revs[2].CreatedAt.IsZero() {
		t.Errorf("history: %d versions (%+v); want 3, newest first, with authors and times", len(revs), revs)
	}
}

func TestConcurrentSaveConflicts(t *testing.T) {
	t.Parallel()
	w := wbSetUp(t)
	ctx := context.Background()
	m := w.members[1]
	base, err := w.svc.SaveEntry(ctx, m, actor("A"), workbook.Save{WorkbookID: w.books[m.ID].ID, StatementID: w.stmtA,
		Content: workbook.Content{Answers: map[string]string{workbook.SectionGoals: "Utgangspunkt"}}})
	if err != nil {
		t.Fatal(err)
	}
	// Two people loaded version 1; the first to save wins.
	if _, err := w.svc.SaveEntry(ctx, m, actor("A"), workbook.Save{WorkbookID: w.books[m.ID].ID, StatementID: w.stmtA,
		Content: workbook.Content{Answers: map[string]string{workbook.SectionGoals: "Førstemann"}}, BaseVersion: base.Version}); err != nil {
		t.Fatal(err)
	}
	_, err = w.svc.SaveEntry(ctx, m, actor("B"), workbook.Save{WorkbookID: w.books[m.ID].ID, StatementID: w.stmtA,
		Content: workbook.Content{Answers: map[string]string{workbook.SectionGoals: "Andremann"}}, BaseVersion: base.Version})
	if ae := app.AsError(err); ae == nil || ae.Code != app.EConflict || ae.Key != "workbook.error.conflict" {
		t.Fatalf("second save from the same base: %v; want a conflict", err)
	}
	cur, err := w.svc.ReadEntry(ctx, m.ID, m.ID, base.ID, false)
	if err != nil || cur.Content.Answers[workbook.SectionGoals] != "Førstemann" || cur.Version != 2 {
		t.Errorf("after the conflict: %+v %v; want the first save kept at version 2", cur, err)
	}
}

func TestEntryVisibility(t *testing.T) {
	t.Parallel()
	w := wbSetUp(t)
	ctx := context.Background()
	own, peer := w.members[0], w.members[1]
	priv, err := w.svc.SaveEntry(ctx, own, actor("A"), workbook.Save{WorkbookID: w.books[own.ID].ID, StatementID: w.stmtA,
		Content: workbook.Content{Answers: map[string]string{workbook.SectionAnalysis: "Privat"}}, Visibility: workbook.VisibilityPrivate})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.ReadEntry(ctx, peer.ID, own.ID, priv.ID, true); !app.IsNotFound(err) {
		t.Errorf("a network peer read a private entry: %v", err)
	}
	shared, err := w.svc.SaveEntry(ctx, own, actor("A"), workbook.Save{WorkbookID: w.books[own.ID].ID, StatementID: w.stmtA,
		Content: workbook.Content{Answers: map[string]string{workbook.SectionAnalysis: "Delt"}}, Visibility: workbook.VisibilityNetwork, BaseVersion: priv.Version})
	if err != nil {
		t.Fatal(err)
	}
	if e, err := w.svc.ReadEntry(ctx, peer.ID, own.ID, shared.ID, true); err != nil || e.Content.Answers[workbook.SectionAnalysis] != "Delt" {
		t.Errorf("a network peer cannot read a shared entry: %v", err)
	}
	if _, err := w.svc.ReadEntry(ctx, peer.ID, own.ID, shared.ID, false); !app.IsNotFound(err) {
		t.Errorf("an organisation sharing no network read a shared entry: %v", err)
	}
}

func TestDiff(t *testing.T) {
	got := workbook.Diff("Intervju gjennomført\nFlaskehalser funnet\nTiltak: sommerskole", "Intervju gjennomført\nTiltak: sommerskole\nNytt: språkkafé")
	want := []workbook.DiffLine{{Op: "=", Text: "Intervju gjennomført"}, {Op: "-", Text: "Flaskehalser funnet"}, {Op: "=", Text: "Tiltak: sommerskole"}, {Op: "+", Text: "Nytt: språkkafé"}}
	if len(got) != len(want) {
		t.Fatalf("diff = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d = %+v; want %+v", i, got[i], want[i])
		}
	}
}
