package workbook_test

import (
	"context"
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
	"github.com/samvirke/samvirke/internal/workbook"
)

// rowsOf answers every column of orgID's rows of table, as stored, in id
// order: what "byte-identical" compares.
func rowsOf(t *testing.T, bdb *bun.DB, table string, orgID int64) []map[string]any {
	t.Helper()
	var out []map[string]any
	err := db.Run(context.Background(), bdb, db.OrgScope(orgID), func(ctx context.Context, idb bun.IDB) error {
		return idb.NewRaw("SELECT * FROM "+table+" WHERE org_id = ? ORDER BY 1, 2, 3", orgID).Scan(ctx, &out)
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var cycleOutlineV1 = []workbook.ChapterSpec{
	{Title: "Kapittel 1", Statements: []workbook.StatementSpec{{Title: "Problemstilling 1: Bosetting"}}},
	{Title: "Kapittel 2", Statements: []workbook.StatementSpec{
		{Title: "Gjennomgående problemstilling A: «Innvandrerreisen»", Guidance: "Beskriv reisen.", Questions: []string{"Hvilke avklaringer må gjøres?"}},
	}},
}

// TestRunningCycleGrows (issue 12, acceptance 4): a version that adds a
// problem statement and a chapter, published into the running cycle,
// reaches every member's workbook; no workbook is made for those that have
// one, and no entry or revision changes.
func TestRunningCycleGrows(t *testing.T) {
	t.Parallel()
	bdb := dbtest.Open(t)
	clock := &app.FixedClock{T: time.Date(2017, 3, 1, 9, 0, 0, 0, time.UTC)}
	svc := &workbook.Service{DB: bdb, Clock: clock, Limits: &ratelimit.Limiter{DB: bdb, Clock: clock}}
	ctx := context.Background()
	network := dbtest.MustCreateOrg(t, bdb, org.KindNetwork)
	var members []*org.Organisation
	// Åfjord leaves before version 2: it keeps reading its own workbook,
	// with the statements version 2 lists from version 1 (row-level
	// security reads them through the lists).
	for _, name := range []string{"Meldal", "Åfjord", "Skaun"} {
		m := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality, func(o *org.Organisation) { o.Name = name + " kommune" })
		var left time.Time
		if name == "Åfjord" {
			left = time.Date(2017, 3, 5, 0, 0, 0, 0, time.UTC)
		}
		dbtest.MustJoinNetwork(t, bdb, network, m, time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), left)
		members = append(members, m)
	}
	meldal := members[0]
	v1, err := svc.CreateTemplate(ctx, network, workbook.TemplateSpec{Name: "Arbeidsboka", Chapters: cycleOutlineV1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Publish(ctx, network, v1.ID, workbook.Publication{Cycle: "2017"}); app.ErrorCode(err) != app.EInvalid {
		t.Errorf("adding to a cycle that has not started: %v; want invalid", err)
	}
	pub, err := svc.Publish(ctx, network, v1.ID, workbook.Publication{Cycle: "2017", Start: true})
	if err != nil || len(pub.Made) != 3 {
		t.Fatalf("starting 2017: %v, %+v; want 3 workbooks", err, pub)
	}
	book := workbooktestBookOf(t, pub.Made, meldal.ID)
	stmtA, ch2 := v1.Chapters[1].Statements[0].ID, v1.Chapters[1].ID
	base := 0
	for i, text := range []string{"Første utkast.", "Intervju er gjennomført vår 2016.", "Intervju er gjennomført vår 2016. Flyktningkoordinator følger opp."} {
		clock.T = clock.T.Add(time.Hour)
		e, err := svc.SaveEntry(ctx, meldal, actor("Flyktningkoordinator"), workbook.Save{WorkbookID: book.ID, StatementID: stmtA, BaseVersion: base,
			Content: workbook.Content{Answers: map[string]string{workbook.SectionAnalysis: text},
				Measures: []workbook.Measure{{Description: "Kartlegge reisen", Responsible: "Flyktningkoordinator", DeadlineText: "Høst 2016", Status: measure.StatusOngoing}}}})
		if err != nil {
			t.Fatalf("revision %d: %v", i+1, err)
		}
		base = e.Version
	}
	if err := svc.SetChapterStatus(ctx, meldal, book.ID, ch2, "ready"); err != nil {
		t.Fatal(err)
	}
	clock.T = time.Date(2017, 3, 10, 9, 0, 0, 0, time.UTC) // Åfjord has left
	// A municipality that joins later has no workbook yet.
	late := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality, func(o *org.Organisation) { o.Name = "Osen kommune" })
	dbtest.MustJoinNetwork(t, bdb, network, late, time.Date(2017, 2, 1, 0, 0, 0, 0, time.UTC), time.Time{})

	tables := []string{"workbook_entries", "workbook_revisions", "workbook_chapter_status"}
	before := map[string][]map[string]any{}
	for _, tb := range tables {
		before[tb] = rowsOf(t, bdb, tb, meldal.ID)
	}
	if len(before["workbook_revisions"]) != 3 {
		t.Fatalf("%d revisions; want 3", len(before["workbook_revisions"]))
	}

	// Version 2 adds a statement to chapter 2 and a chapter 4.
	outline := append([]workbook.ChapterSpec(nil), cycleOutlineV1...)
	outline[1].Statements = append(append([]workbook.StatementSpec(nil), outline[1].Statements...),
		workbook.StatementSpec{Title: "Gjennomgående problemstilling B: Innvandrere som strategisk ressurs"})
	outline = append(outline, workbook.ChapterSpec{Title: "Kapittel 4", Statements: []workbook.StatementSpec{{Title: "Problemstilling 4: Arbeid og kvalifisering"}}})
	v2, err := svc.CreateTemplate(ctx, network, workbook.TemplateSpec{Name: "Arbeidsboka", Chapters: outline})
	if err != nil {
		t.Fatal(err)
	}
	if v2.Version != 2 || v2.Chapters[1].Statements[0].ID != stmtA || v2.Chapters[1].ID != ch2 {
		t.Fatalf("version 2 lists statement %d in chapter %d; want the unchanged statement %d and chapter %d kept", v2.Chapters[1].Statements[0].ID, v2.Chapters[1].ID, stmtA, ch2)
	}
	if _, err := svc.Publish(ctx, network, v2.ID, workbook.Publication{Cycle: "2017", Start: true}); app.ErrorCode(err) != app.EConflict {
		t.Errorf("starting 2017 again: %v; want conflict", err)
	}
	pub, err = svc.Publish(ctx, network, v2.ID, workbook.Publication{Cycle: "2017"})
	if err != nil {
		t.Fatal(err)
	}
	if pub.Moved != 3 || len(pub.Made) != 1 || pub.Made[0].OrgID != late.ID || pub.Made[0].TemplateID != v2.ID {
		t.Fatalf("publishing version 2 into 2017: moved %d, made %+v; want 3 moved and one workbook at version 2 for the late member", pub.Moved, pub.Made)
	}
	stmtB, stmt4 := v2.Chapters[1].Statements[1].ID, v2.Chapters[2].Statements[0].ID
	for _, m := range append(members, late) {
		books, err := svc.Workbooks(ctx, m)
		if err != nil || len(books) != 1 {
			t.Fatalf("%s: %d workbooks (%v); want 1", m.Name, len(books), err)
		}
		v, err := svc.ViewWorkbook(ctx, m, books[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Ref.Template.ID != v2.ID {
			t.Errorf("%s's workbook is at template %d; want version 2", m.Name, v.Ref.Template.ID)
		}
		if _, st := v.Ref.Template.Statement(stmtA); st == nil {
			t.Errorf("%s's workbook lacks statement A", m.Name)
		}
		if _, st := v.Ref.Template.Statement(stmtB); st == nil {
			t.Errorf("%s's workbook lacks the new statement", m.Name)
		}
		if _, st := v.Ref.Template.Statement(stmt4); st == nil {
			t.Errorf("%s's workbook lacks chapter 4", m.Name)
		}
		if m == meldal {
			if e := v.Answered[stmtA]; e == nil || e.Version != 3 {
				t.Errorf("Meldal's answer to A after the move: %+v; want version 3", e)
			}
			if v.Status[ch2] != "ready" {
				t.Errorf("Meldal's chapter 2 status %q; want ready", v.Status[ch2])
			}
		}
	}
	for _, tb := range tables {
		if d := cmp.Diff(before[tb], rowsOf(t, bdb, tb, meldal.ID)); d != "" {
			t.Errorf("%s changed by publishing (-before +after):\n%s", tb, d)
		}
	}
	// Meldal goes on answering A, and answers the new statement.
	if _, err := svc.SaveEntry(ctx, meldal, actor("Rådmann"), workbook.Save{WorkbookID: book.ID, StatementID: stmtA, BaseVersion: 3,
		Content: workbook.Content{Answers: map[string]string{workbook.SectionAnalysis: "Fjerde versjon."}}}); err != nil {
		t.Errorf("saving A after the move: %v", err)
	}
	if _, err := svc.SaveEntry(ctx, meldal, actor("Rådmann"), workbook.Save{WorkbookID: book.ID, StatementID: stmtB,
		Content: workbook.Content{Answers: map[string]string{workbook.SectionAnalysis: "Ressurs."}}}); err != nil {
		t.Errorf("answering the new statement: %v", err)
	}

	// A version that leaves out the answered statement is refused, and
	// the cycle stays where it was.
	v3, err := svc.CreateTemplate(ctx, network, workbook.TemplateSpec{Name: "Arbeidsboka", Chapters: outline[2:]})
	if err != nil {
		t.Fatal(err)
	}
	_, err = svc.Publish(ctx, network, v3.ID, workbook.Publication{Cycle: "2017"})
	if ae := app.AsError(err); ae == nil || ae.Code != app.EConflict || ae.Key != "workbook.template.drops_answered" || !strings.Contains(ae.Args["statements"].(string), "Innvandrerreisen") {
		t.Errorf("a version without the answered statements: %v; want conflict naming «Innvandrerreisen»", err)
	}
	if books, _ := svc.Workbooks(ctx, meldal); books[0].TemplateID != v2.ID {
		t.Errorf("after the refused publication Meldal's workbook is at %d; want version 2", books[0].TemplateID)
	}
	// Version 1 cannot be put back onto the cycle.
	if _, err := svc.Publish(ctx, network, v1.ID, workbook.Publication{Cycle: "2017"}); app.ErrorCode(err) != app.EConflict {
		t.Errorf("publishing version 1 into a cycle at version 2: %v; want conflict", err)
	}
	// A new cycle is a separate action: new, empty workbooks.
	pub, err = svc.Publish(ctx, network, v2.ID, workbook.Publication{Cycle: "2018", Start: true})
	if err != nil || len(pub.Made) != 3 || pub.Moved != 0 {
		t.Errorf("starting 2018: %v, %+v; want 3 new workbooks (Åfjord left)", err, pub)
	}
}

func workbooktestBookOf(t *testing.T, books []*workbook.Workbook, orgID int64) *workbook.Workbook {
	t.Helper()
	for _, b := range books {
		if b.OrgID == orgID {
			return b
		}
	}
	t.Fatalf("no workbook of %d", orgID)
	return nil
}
