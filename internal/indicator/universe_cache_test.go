package indicator_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/ratelimit"
)

// TestBenchmarkKeptUntilItsDataChanges: a benchmark read again under the
// same data versions does not read the values again, and every change a
// reader would see shows on the next read, whoever made it and however:
// a value saved through another instance of the service (another process
// of the instance), a value changed by a statement outside the service,
// a municipality renamed, a municipality joining the network.
func TestBenchmarkKeptUntilItsDataChanges(t *testing.T) {
	t.Parallel()
	f := idcNewFixture(t, 3)
	save := func(svc *indicator.Service, i int, num, den float64) {
		t.Helper()
		_, err := svc.Save(f.ctx, f.muns[i], f.users[i], []indicator.Entry{
			{Code: "intro.outcome", Period: "2019", Category: "work_50_100", Num: &num},
			{Code: "intro.outcome", Period: "2019", Category: "other", Num: ptr(den - num)},
		})
		idcNoErr(t, err)
	}
	for i, v := range [][2]float64{{40, 100}, {60, 120}, {30, 90}} {
		save(f.svc, i, v[0], v[1])
	}
	counter := dbtest.CountStatements(t, f.bdb)
	reader := f.muns[0]
	request := 0
	bench := func() (*indicator.View, dbtest.Count) {
		t.Helper()
		request++
		id := "cache-" + strings.Repeat("x", request)
		v, err := f.svc.Benchmark(audit.WithMeta(f.ctx, audit.Meta{RequestID: id}), reader, indicator.BenchmarkQuery{Code: "intro.outcome", Period: "2019", Rule: "imdi"})
		idcNoErr(t, err)
		return v, counter.Request(id)
	}
	rowOf := func(v *indicator.View, o *org.Organisation) *indicator.Row {
		for i := range v.Rows {
			if v.Rows[i].Org.ID == o.ID {
				return &v.Rows[i]
			}
		}
		return nil
	}
	numOf := func(v *indicator.View, o *org.Organisation) float64 {
		t.Helper()
		r := rowOf(v, o)
		if r == nil || r.Figure.Num == nil {
			t.Fatalf("no figure of %s in %+v", o.Name, v.Rows)
		}
		return *r.Figure.Num
	}
	readsValues := func(c dbtest.Count) bool {
		for _, q := range c.Statements {
			if strings.Contains(q, `"period_start" >=`) || strings.Contains(q, `period_start >=`) {
				return true
			}
		}
		return false
	}

	first, c1 := bench()
	if !readsValues(c1) {
		t.Fatalf("the first benchmark did not read the values:\n%s", c1)
	}
	again, c2 := bench()
	if readsValues(c2) || len(c2.Statements) >= len(c1.Statements) {
		t.Errorf("read again under the same data versions, the benchmark sent\n%s\nafter\n%s", c2, c1)
	}
	if numOf(again, f.muns[1]) != numOf(first, f.muns[1]) || len(again.Rows) != len(first.Rows) {
		t.Fatalf("the kept benchmark differs: %+v vs %+v", again.Rows, first.Rows)
	}

	// Another process saves a figure: the next read shows it.
	other := &indicator.Service{DB: f.bdb, Clock: f.clock, Limits: &ratelimit.Limiter{DB: f.bdb, Clock: f.clock}}
	save(other, 1, 70, 120)
	v, c := bench()
	if got := numOf(v, f.muns[1]); got != 70 || !readsValues(c) {
		t.Errorf("after another process saved 70, the benchmark shows %v (values read: %v)", got, readsValues(c))
	}
	// Only the values changed: the municipalities the universe names are
	// kept under their own version, not read again.
	for _, q := range c.Statements {
		if strings.Contains(q, `"organisations"`) || strings.Contains(q, " organisations ") {
			t.Errorf("with only the values changed, the benchmark read the organisations again:\n%s", c)
		}
	}

	// A statement outside the service (a repair, a migration) changes a
	// figure: the trigger bumps the version all the same.
	system(t, f.bdb, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewUpdate().Table("indicator_values").Set("num = 35").
			Where("org_id = ? AND category = 'work_50_100'", f.muns[2].ID).Exec(ctx)
		return err
	})
	if v, _ := bench(); numOf(v, f.muns[2]) != 35 {
		t.Errorf("after an UPDATE outside the service to 35, the benchmark shows %v", numOf(v, f.muns[2]))
	}

	// A municipality is renamed: its row carries the new name.
	system(t, f.bdb, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewUpdate().Table("organisations").Set("name = ?", "Nye Ærø «kommune»").Where("id = ?", f.muns[2].ID).Exec(ctx)
		return err
	})
	if v, _ := bench(); rowOf(v, f.muns[2]) == nil || rowOf(v, f.muns[2]).Org.Name != "Nye Ærø «kommune»" {
		t.Errorf("after the rename the row is %+v", rowOf(v, f.muns[2]))
	}

	// A municipality with figures joins the network; nothing about the
	// values changes, but the reader's group does.
	d := dbtest.MustCreateOrg(t, f.bdb, org.KindMunicipality)
	du, _ := dbtest.MustCreateUser(t, f.bdb, d, "editor")
	_, err := f.svc.Save(f.ctx, d, du.ID, []indicator.Entry{
		{Code: "intro.outcome", Period: "2019", Category: "work_50_100", Num: ptr(50)},
		{Code: "intro.outcome", Period: "2019", Category: "other", Num: ptr(50)},
	})
	idcNoErr(t, err)
	if v, _ := bench(); rowOf(v, d) != nil {
		t.Fatalf("a municipality outside the network is a row: %+v", rowOf(v, d))
	}
	dbtest.MustJoinNetwork(t, f.bdb, f.net, d, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{})
	v, _ = bench()
	if r := rowOf(v, d); r == nil || r.Figure.Num == nil || *r.Figure.Num != 50 {
		t.Errorf("after joining the network the new member's row is %+v; want 50", r)
	}

	// What a benchmark reads besides its values (the groups, the
	// indicator, the targets, the national figure) is kept as well: read
	// again, it sends only the data versions, reading no tenant row.
	_, kept := bench()
	for _, q := range kept.Statements {
		for _, table := range []string{"network_members", "indicators", "indicator_values", "indicator_targets", "indicator_national_values", "indicator_groups", "organisations"} {
			if strings.Contains(q, `"`+table+`"`) || strings.Contains(q, " "+table+" ") {
				t.Errorf("kept, the benchmark read %s:\n%s", table, kept)
			}
		}
	}
	// A target set, a comparison group saved and the indicator renamed
	// each show on the next read.
	_, err = f.svc.AddTarget(f.ctx, reader, indicator.TargetInput{Code: "intro.outcome", Rule: "imdi", Value: 55})
	idcNoErr(t, err)
	v, _ = bench()
	set := false
	for _, tg := range v.Targets {
		set = set || tg.Value == 55
	}
	if !set {
		t.Errorf("after a target of 55 the benchmark's targets are %+v", v.Targets)
	}
	_, err = f.svc.SaveGroup(f.ctx, reader, 0, indicator.GroupInput{Name: "Nabokommuner «Øst»", Members: []string{f.muns[1].Slug, f.muns[2].Slug}})
	idcNoErr(t, err)
	v, _ = bench()
	saved := false
	for _, a := range v.Aggregates {
		saved = saved || a.Group.Name == "Nabokommuner «Øst»"
	}
	if !saved {
		t.Errorf("after saving a comparison group the aggregates are %+v", v.Aggregates)
	}
	system(t, f.bdb, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewUpdate().Table("indicators").Set("updated_at = updated_at + interval '1 second'").Where("code = 'intro.outcome'").Exec(ctx)
		if tx.Dialect().Name() != dialect.PG {
			_, err = tx.NewUpdate().Table("indicators").Set("updated_at = datetime(updated_at, '+1 second')").Where("code = 'intro.outcome'").Exec(ctx)
		}
		return err
	})
	if _, c := bench(); !readsValues(c) {
		t.Errorf("after the indicator's definition changed the benchmark read no values:\n%s", c)
	}
}

// TestQueuedReadersBuildOnce: readers of one municipality who open the
// same benchmark while every turn to build universes is taken wait for a
// turn, and the first to get one builds it for all: the year's values are
// read once, however many waited.
func TestQueuedReadersBuildOnce(t *testing.T) {
	t.Parallel()
	f := idcNewFixture(t, 3)
	for i, v := range [][2]float64{{40, 100}, {60, 120}, {30, 90}} {
		num, other := v[0], v[1]-v[0]
		_, err := f.svc.Save(f.ctx, f.muns[i], f.users[i], []indicator.Entry{
			{Code: "intro.outcome", Period: "2019", Category: "work_50_100", Num: &num},
			{Code: "intro.outcome", Period: "2019", Category: "other", Num: &other},
		})
		idcNoErr(t, err)
	}
	counter := dbtest.CountStatements(t, f.bdb)
	next := indicator.HoldBuildTurns(f.svc)
	const readers = 3
	done := make(chan error, readers)
	for i := range readers {
		go func() {
			ctx := audit.WithMeta(f.ctx, audit.Meta{RequestID: fmt.Sprintf("queued-%d", i)})
			_, err := f.svc.Benchmark(ctx, f.muns[0], indicator.BenchmarkQuery{Code: "intro.outcome", Period: "2019", Rule: "imdi"})
			done <- err
		}()
	}
	// Let them all find nothing kept and queue, then give back one turn:
	// one builds, and leaves its turn to the next, which finds it kept.
	time.Sleep(200 * time.Millisecond)
	next()
	first := <-done
	idcNoErr(t, first)
	for range indicator.BuildTurns() {
		next()
	}
	for range readers - 1 {
		idcNoErr(t, <-done)
	}
	reads := 0
	for i := range readers {
		for _, q := range counter.Request(fmt.Sprintf("queued-%d", i)).Statements {
			if strings.Contains(q, `"period_start" >=`) || strings.Contains(q, `period_start >=`) {
				reads++
			}
		}
	}
	if reads != 1 {
		t.Errorf("%d readers of the same benchmark queued for a turn read the year's values %d times, want once", readers, reads)
	}
}

func ptr(x float64) *float64 { return &x }

// system runs fn as the system, as a repair script or a migration would.
func system(t *testing.T, bdb *bun.DB, fn func(ctx context.Context, tx bun.Tx) error) {
	t.Helper()
	if err := db.RunTx(context.Background(), bdb, db.SystemScope, fn); err != nil {
		t.Fatal(err)
	}
}

// TestOverviewKeptUntilItsDataChanges: the indicators page of a network's
// coordinator (every indicator's network aggregate, each protected within
// the whole country) reads no values when nothing changed since the last
// view, and shows a member's new figure on the next view.
func TestOverviewKeptUntilItsDataChanges(t *testing.T) {
	t.Parallel()
	f := idcNewFixture(t, 3)
	save := func(i int, num, den float64) {
		t.Helper()
		_, err := f.svc.Save(f.ctx, f.muns[i], f.users[i], []indicator.Entry{
			{Code: "intro.outcome", Period: "2019", Category: "work_50_100", Num: &num},
			{Code: "intro.outcome", Period: "2019", Category: "other", Num: ptr(den - num)},
		})
		idcNoErr(t, err)
	}
	for i, v := range [][2]float64{{40, 100}, {60, 120}, {30, 90}} {
		save(i, v[0], v[1])
	}
	counter := dbtest.CountStatements(t, f.bdb)
	views := 0
	overview := func() (*indicator.Aggregate, dbtest.Count) {
		t.Helper()
		views++
		id := "overview-" + strings.Repeat("x", views)
		lines, err := f.svc.Overview(audit.WithMeta(f.ctx, audit.Meta{RequestID: id}), f.net)
		idcNoErr(t, err)
		for _, l := range lines {
			if l.Indicator.Code == "intro.outcome" {
				if l.Aggregate == nil || l.Aggregate.Figure.Den == nil {
					t.Fatalf("the network's aggregate of intro.outcome is missing: %+v", l.Aggregate)
				}
				return l.Aggregate, counter.Request(id)
			}
		}
		t.Fatal("intro.outcome is not on the indicators page")
		return nil, dbtest.Count{}
	}
	readsValues := func(c dbtest.Count) bool {
		for _, q := range c.Statements {
			if strings.Contains(q, "period_start\" >=") || strings.Contains(q, "period_start >=") {
				return true
			}
		}
		return false
	}
	a1, c1 := overview()
	if *a1.Figure.Den != 310 || !readsValues(c1) {
		t.Fatalf("first view: the network's total is %v (want 310), values read: %v", *a1.Figure.Den, readsValues(c1))
	}
	a2, c2 := overview()
	if readsValues(c2) || *a2.Figure.Den != 310 || a2.Group.Key != a1.Group.Key {
		t.Errorf("second view with nothing changed: total %v, group %q, sent\n%s", *a2.Figure.Den, a2.Group.Key, c2)
	}
	save(2, 30, 100)
	if a3, _ := overview(); *a3.Figure.Den != 320 {
		t.Errorf("after a member's new figure the network's total is %v; want 320", *a3.Figure.Den)
	}
}

// TestCatalogueKeptUntilItsDataChanges: the catalogue a municipality sees
// (the national one and its network's) is read once under the
// catalogue's data version; an indicator the network adds, and a
// municipality joining the network, show on the next read.
func TestCatalogueKeptUntilItsDataChanges(t *testing.T) {
	t.Parallel()
	f := idcNewFixture(t, 2)
	counter := dbtest.CountStatements(t, f.bdb)
	reads := 0
	catalogue := func(o *org.Organisation) (map[string]bool, dbtest.Count) {
		t.Helper()
		reads++
		id := "catalogue-" + strings.Repeat("x", reads)
		list, err := f.svc.Catalogue(audit.WithMeta(f.ctx, audit.Meta{RequestID: id}), o)
		idcNoErr(t, err)
		codes := map[string]bool{}
		for _, ind := range list {
			codes[ind.Code] = true
		}
		return codes, counter.Request(id)
	}
	readsIndicators := func(c dbtest.Count) bool {
		for _, q := range c.Statements {
			if strings.Contains(q, `"indicators"`) {
				return true
			}
		}
		return false
	}
	first, c1 := catalogue(f.muns[0])
	if !first["intro.outcome"] || !readsIndicators(c1) {
		t.Fatalf("the first read: intro.outcome %v, indicators read %v", first["intro.outcome"], readsIndicators(c1))
	}
	again, c2 := catalogue(f.muns[0])
	if readsIndicators(c2) || len(again) != len(first) {
		t.Errorf("read again under the same version: %d indicators (first %d), sent\n%s", len(again), len(first), c2)
	}
	ind := &indicator.Indicator{Code: "net.language", Names: indicator.Texts{"en": "Language course", "nb": "Språkkurs «norsk» på Ål"},
		Unit: indicator.UnitCount, Direction: indicator.HigherIsBetter, Periodicity: indicator.Monthly,
		Aggregation: indicator.AggSum, Source: indicator.SourceOwn}
	idcNoErr(t, f.svc.Create(f.ctx, f.net, ind))
	if got, _ := catalogue(f.muns[0]); !got[ind.Code] {
		t.Errorf("after the network added %s, the member's catalogue lacks it", ind.Code)
	}
	d := dbtest.MustCreateOrg(t, f.bdb, org.KindMunicipality)
	if got, _ := catalogue(d); got[ind.Code] {
		t.Fatalf("a municipality outside the network sees its indicator %s", ind.Code)
	}
	dbtest.MustJoinNetwork(t, f.bdb, f.net, d, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{})
	if got, _ := catalogue(d); !got[ind.Code] {
		t.Errorf("after joining the network the new member's catalogue lacks %s", ind.Code)
	}
}
