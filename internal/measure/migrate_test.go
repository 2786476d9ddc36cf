package measure_test

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/pressly/goose/v3"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/due"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/workbook"
	"github.com/samvirke/samvirke/migrations"
)

// goalsMeasuresVersion is the migration that moved the answers' goals and
// measures into rows of their own.
const goalsMeasuresVersion = 20261203093000

// TestMigrateGoalsMeasures (issue 12, acceptance point 7): a database
// made at the previous migration, with goals and measures in its answers
// as the code of that time stored them, migrates; every goal and measure
// is then a row with its text intact, the id the answer gives it when
// read, today's status, its deadline, origin, position and visibility. A
// save of the answer as read updates those rows rather than adding
// others, the measures fall due on the day they did, and the migration
// goes down and up again.
func TestMigrateGoalsMeasures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dialect := dbtest.Dialect()
	dsn := filepath.Join(t.TempDir(), "legacy.db")
	if dialect == db.Postgres {
		dsn = dbtest.EmptyPostgres(t) // as the schema's owner, like the migrator
	}
	bdb, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bdb.Close() })
	all, err := migrations.FS(dialect)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.MigrateFS(ctx, bdb.DB, dialect, before(t, all, goalsMeasuresVersion)); err != nil {
		t.Fatalf("migrate to the previous version: %v", err)
	}
	f := seedLegacy(t, bdb.DB)
	res, err := db.Migrate(ctx, bdb.DB, dialect)
	if err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if len(res.Applied) == 0 || res.Applied[0] != goalsMeasuresVersion {
		t.Fatalf("applied %v; want %d first", res.Applied, goalsMeasuresVersion)
	}

	t.Run("Rows", func(t *testing.T) { checkRows(t, bdb, f, f.wantGoals(), f.wantMeasures()) })
	t.Run("Due", func(t *testing.T) { checkDue(t, bdb, f) })
	t.Run("ReadAndSave", func(t *testing.T) { checkReadAndSave(t, bdb, f) })
	t.Run("DownUp", func(t *testing.T) { checkDownUp(t, bdb, dialect, all, f) })
	t.Run("Reinterpret", func(t *testing.T) { checkReinterpret(t, bdb) })
}

// before answers the migrations of fsys older than version.
func before(t *testing.T, fsys fs.FS, version int64) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		var v int64
		if _, err := fmt.Sscanf(n, "%d_", &v); err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		if v < version {
			b, _ := fs.ReadFile(fsys, n)
			out[n] = &fstest.MapFile{Data: b}
		}
	}
	return out
}

// rowsOf answers the goals and measures rows of the organisation, by
// entry and position, as the application reads them (bun).
func rowsOf(t *testing.T, bdb *bun.DB, orgID int64) ([]*measure.GoalRow, []*measure.MeasureRow) {
	t.Helper()
	var goals []*measure.GoalRow
	var measures []*measure.MeasureRow
	err := db.Run(context.Background(), bdb, db.OrgScope(orgID), func(ctx context.Context, idb bun.IDB) error {
		if err := idb.NewSelect().Model(&goals).Where("org_id = ?", orgID).OrderExpr("entry_id, position").Scan(ctx); err != nil {
			return err
		}
		return idb.NewSelect().Model(&measures).Where("org_id = ?", orgID).OrderExpr("entry_id, position").Scan(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	return goals, measures
}

// ignoreStamps leaves out what a row's comparison does not settle: the
// stamps are checked on their own.
var ignoreStamps = []cmp.Option{
	cmpopts.IgnoreFields(measure.GoalRow{}, "CreatedAt", "UpdatedAt"),
	cmpopts.IgnoreFields(measure.MeasureRow{}, "CreatedAt", "UpdatedAt"),
}

func checkRows(t *testing.T, bdb *bun.DB, f *legacy, wantGoals []*measure.GoalRow, wantMeasures []*measure.MeasureRow) {
	t.Helper()
	goals, measures := rowsOf(t, bdb, f.muni)
	if diff := cmp.Diff(wantGoals, goals, ignoreStamps...); diff != "" {
		t.Errorf("goals (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantMeasures, measures, ignoreStamps...); diff != "" {
		t.Errorf("measures (-want +got):\n%s", diff)
	}
	for _, g := range goals {
		if !g.CreatedAt.Equal(f.savedAt) || !g.UpdatedAt.Equal(f.savedAt) {
			t.Errorf("goal %s: created %v, updated %v; want the answer's %v", g.ID, g.CreatedAt, g.UpdatedAt, f.savedAt)
		}
	}
	for _, m := range measures {
		if !m.CreatedAt.Equal(f.savedAt) || !m.UpdatedAt.Equal(f.savedAt) {
			t.Errorf("measure %s: created %v, updated %v; want the answer's %v", m.ID, m.CreatedAt, m.UpdatedAt, f.savedAt)
		}
	}
}

// checkDue: the migrated due days compare with the days the application
// asks about as the days it writes itself do. Entry B's measure falls due
// on the very day asked about, the edge a difference in how the day is
// written would move.
func checkDue(t *testing.T, bdb *bun.DB, f *legacy) {
	t.Helper()
	var items []due.Item
	q := due.Query{OrgID: f.muni, OrgSlug: "as", Until: day(2026, 12, 3), OpenOnly: true}
	err := db.Run(context.Background(), bdb, db.OrgScope(f.muni), func(ctx context.Context, idb bun.IDB) error {
		var err error
		items, err = measure.Due{}.DueItems(ctx, idb, q)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	type item struct {
		URL, Text string
		Due       time.Time
		Person    int64
	}
	var got []item
	for _, it := range items {
		got = append(got, item{it.URL, it.DueText, it.Due, it.ResponsibleID})
	}
	want := []item{
		{"/o/as/measures/" + measure.LegacyID("m", f.entryA, 0), "Høst 2016", day(2016, 12, 31), f.user},
		{"/o/as/measures/" + measure.LegacyID("m", f.entryA, 1), "", day(2017, 3, 1), f.user},
		{"/o/as/measures/" + measure.LegacyID("m", f.entryB, 0), "", day(2026, 12, 3), f.user},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("due items until %v (-want +got):\n%s", q.Until, diff)
	}
}

// checkReadAndSave: the answer as read gives its goals and measures the
// rows' ids, so saving it as read with one measure changed changes that
// row alone.
func checkReadAndSave(t *testing.T, bdb *bun.DB, f *legacy) {
	t.Helper()
	ctx := context.Background()
	svc := &workbook.Service{DB: bdb, Clock: &app.FixedClock{T: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)}}
	var muni *org.Organisation
	err := db.Run(ctx, bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var err error
		muni, err = org.FindOrganisationByID(ctx, idb, f.muni)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	goals, measures := rowsOf(t, bdb, f.muni)
	read := func(statementID int64) *workbook.Entry {
		t.Helper()
		_, entries, err := svc.OpenWorkbook(ctx, muni, f.workbook, workbook.StatementEntry(statementID))
		if err != nil || entries[statementID] == nil {
			t.Fatalf("open workbook, statement %d: %v, %v", statementID, entries, err)
		}
		return entries[statementID]
	}
	a, b := read(f.statements[0]), read(f.statements[1])
	var want, got []measure.Goal
	for _, r := range goals {
		want = append(want, r.Goal())
	}
	got = append(got, a.Content.Goals...)
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("answer A's goals as read against the rows (-rows +read):\n%s", diff)
	}
	var wantM, gotM []measure.Measure
	for _, r := range measures {
		wantM = append(wantM, r.Measure())
	}
	gotM = append(append(gotM, a.Content.Measures...), b.Content.Measures...)
	if diff := cmp.Diff(wantM, gotM, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("the answers' measures as read against the rows (-rows +read):\n%s", diff)
	}

	c := a.Content
	c.Measures = append([]measure.Measure(nil), c.Measures...)
	c.Measures[1].Status, c.Measures[1].Progress = measure.StatusOngoing, 40
	c.Measures[1].Description += " – utvidet til «Språkkafé pluss»"
	// A new measure, as the editor makes it: a random id, a period and
	// the goal it serves.
	c.Measures = append(c.Measures, measure.Measure{Description: "Leksehjelp «Lær mer» § 5", ResponsibleUser: &f.user,
		DeadlineText: "Vår 2027", Deadline: ptr(day(2027, 6, 30)), Goals: []string{c.Goals[0].ID}})
	actor := &app.Actor{UserID: f.user, Name: "Åse Øren", OrgID: f.muni, OrgKind: org.KindMunicipality, Role: "editor", Locale: "nb"}
	if _, err := svc.SaveEntry(app.WithActor(ctx, actor), muni, actor, workbook.Save{WorkbookID: f.workbook,
		StatementID: f.statements[0], Content: c, BaseVersion: a.Version}); err != nil {
		t.Fatalf("save the answer as read: %v", err)
	}
	goals2, measures2 := rowsOf(t, bdb, f.muni)
	wantRows := f.wantMeasures()
	wantRows[1].Status, wantRows[1].Progress, wantRows[1].Description = measure.StatusOngoing, 40, c.Measures[1].Description
	wantRows[1].UpdatedBy = &f.user
	added := *wantRows[1]
	added.Position, added.Description, added.Status, added.Progress = 4, c.Measures[4].Description, measure.StatusNotStarted, 0
	added.DeadlineText, added.DeadlineKind, added.Due = "Vår 2027", "period", ptr(day(2027, 6, 30))
	added.GoalIDs = `["` + c.Goals[0].ID + `"]`
	if len(measures2) == len(wantRows)+1 {
		added.ID = measures2[4].ID
		if !measure.ValidID(added.ID) || regexp.MustCompile(`^e[0-9]+[gm][0-9]+$`).MatchString(added.ID) {
			t.Errorf("new measure's id %q; want a new random one", added.ID)
		}
	}
	wantRows = append(wantRows[:4:4], &added, wantRows[4])
	if diff := cmp.Diff(f.wantGoals(), goals2, ignoreStamps...); diff != "" {
		t.Errorf("goals after the save (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantRows, measures2, ignoreStamps...); diff != "" {
		t.Errorf("measures after the save (-want +got):\n%s", diff)
	}
	for i, m := range measures2 {
		changed := !m.UpdatedAt.Equal(f.savedAt)
		if changed != (i == 1 || i == 4) {
			t.Errorf("measure %s: updated at %v; only %s and the new one should have been written", m.ID, m.UpdatedAt, wantRows[1].ID)
		}
	}
	var steps []*measure.Update
	if err := db.Run(ctx, bdb, db.OrgScope(f.muni), func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Model(&steps).Where("org_id = ?", f.muni).Scan(ctx)
	}); err != nil {
		t.Fatal(err)
	}
	gotSteps := map[string]string{}
	for _, st := range steps {
		gotSteps[st.MeasureID] = fmt.Sprintf("%s→%s %d", st.StatusFrom, st.StatusTo, st.Progress)
	}
	wantSteps := map[string]string{wantRows[1].ID: "not_started→ongoing 40", added.ID: "→not_started 0"}
	if diff := cmp.Diff(wantSteps, gotSteps); diff != "" {
		t.Errorf("timeline after the save (-want +got):\n%s", diff)
	}
}

// checkDownUp: the migration goes down (the answers keep their goals and
// measures, now as the save above wrote them) and up again, to the same
// rows: answer A's as saved, with the ids its content names.
func checkDownUp(t *testing.T, bdb *bun.DB, dialect string, all fs.FS, f *legacy) {
	t.Helper()
	ctx := context.Background()
	gd := goose.DialectSQLite3
	if dialect == db.Postgres {
		gd = goose.DialectPostgres
	}
	p, err := goose.NewProvider(gd, bdb.DB, all, goose.WithAllowOutofOrder(true))
	if err != nil {
		t.Fatal(err)
	}
	goals, measures := rowsOf(t, bdb, f.muni)
	// Down to the version before, through any migration added since.
	rs, err := p.DownTo(ctx, goalsMeasuresVersion-1)
	if err != nil || len(rs) == 0 || rs[len(rs)-1].Source.Version != goalsMeasuresVersion {
		t.Fatalf("down: %v, %v; want %d down last", rs, err, goalsMeasuresVersion)
	}
	var n int
	if err := bdb.DB.QueryRow("SELECT count(*) FROM workbook_entries WHERE measures IS NOT NULL").Scan(&n); err != nil || n != 3 {
		t.Errorf("answers with measures in the column back after down: %d, %v; want 3 (A, B, D)", n, err)
	}
	if _, err := db.Migrate(ctx, bdb.DB, dialect); err != nil {
		t.Fatalf("up again: %v", err)
	}
	goals2, measures2 := rowsOf(t, bdb, f.muni)
	// Up again makes every row anew from the answers: the stamps, the
	// timeline and who wrote last are the answer's.
	ignore := append(ignoreStamps, cmpopts.IgnoreFields(measure.MeasureRow{}, "UpdatedBy"))
	if diff := cmp.Diff(goals, goals2, ignore...); diff != "" {
		t.Errorf("goals after down and up (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(measures, measures2, ignore...); diff != "" {
		t.Errorf("measures after down and up (-before +after):\n%s", diff)
	}
}

// exec runs plain SQL on sqldb ($n placeholders, valid on both dialects)
// and answers the id it returns, if any.
func exec(t *testing.T, sqldb *sql.DB, query string, args ...any) int64 {
	t.Helper()
	if !strings.Contains(query, "RETURNING") {
		if _, err := sqldb.Exec(query, args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return 0
	}
	var id int64
	if err := sqldb.QueryRow(query, args...).Scan(&id); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return id
}

// checkReinterpret: the migration step after the SQL reads the moved
// measures' deadlines with the Go parser: «Løpende» is ongoing, not
// unknown; a second run changes nothing.
func checkReinterpret(t *testing.T, bdb *bun.DB) {
	ctx := context.Background()
	n, err := measure.Reinterpret(ctx, bdb)
	if err != nil || n == 0 {
		t.Fatalf("first run: %d changed, %v", n, err)
	}
	var kind string
	if err := db.Run(ctx, bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Model((*measure.MeasureRow)(nil)).Column("deadline_kind").Where("deadline_text = ?", "Løpende").Limit(1).Scan(ctx, &kind)
	}); err != nil {
		t.Fatal(err)
	}
	if kind != string(measure.DeadlineOngoing) {
		t.Errorf("«Løpende» is %q after the step, want ongoing", kind)
	}
	if n, err := measure.Reinterpret(ctx, bdb); err != nil || n != 0 {
		t.Errorf("second run: %d changed, %v", n, err)
	}
}
