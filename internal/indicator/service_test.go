package indicator_test

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/ratelimit"
	"github.com/samvirke/samvirke/tenants"
)

// idcFixture is a network of municipalities with the shipped catalogue
// loaded and the indicator service on a fixed clock.
type idcFixture struct {
	ctx   context.Context
	bdb   *bun.DB
	svc   *indicator.Service
	clock *app.FixedClock
	net   *org.Organisation
	muns  []*org.Organisation
	users []int64 // an editor of each municipality
}

func idcNewFixture(t *testing.T, n int) *idcFixture {
	t.Helper()
	bdb := dbtest.Open(t)
	clock := &app.FixedClock{T: time.Date(2020, 5, 4, 9, 0, 0, 0, time.UTC)}
	f := &idcFixture{ctx: context.Background(), bdb: bdb, clock: clock,
		svc: &indicator.Service{DB: bdb, Clock: clock, Limits: &ratelimit.Limiter{DB: bdb, Clock: clock}}}
	defs, err := indicator.ReadDefinitions(tenants.Indicators, "indicators")
	if err != nil {
		t.Fatal(err)
	}
	if err := indicator.LoadCatalogue(f.ctx, bdb, defs, clock.T); err != nil {
		t.Fatal(err)
	}
	f.net = dbtest.MustCreateOrg(t, bdb, org.KindNetwork)
	for i := 0; i < n; i++ {
		m := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
		dbtest.MustJoinNetwork(t, bdb, f.net, m, time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{})
		u, _ := dbtest.MustCreateUser(t, bdb, m, "editor")
		f.muns, f.users = append(f.muns, m), append(f.users, u.ID)
	}
	return f
}

func num(x float64) *float64 { return &x }

func idcNoErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// nittedalOutcomes are table 5 of Nittedal's report (seed 002, 4.1): the
// eleven categories for 2018, 2019 and 2020 so far.
var nittedalOutcomes = map[string][3]float64{
	"work_0_49":         {3, 0, 2},
	"work_50_100":       {3, 9, 2},
	"jobseeker_other":   {0, 0, 0},
	"jobseeker_kvp":     {0, 0, 0},
	"wage_subsidy":      {2, 1, 0},
	"jobseeker_nav":     {5, 4, 1},
	"primary_school":    {6, 2, 0},
	"higher_education":  {0, 0, 0},
	"upper_secondary":   {6, 7, 0},
	"social_assistance": {6, 6, 1},
	"other":             {4, 0, 0},
}

// TestNittedalGoalAchievementComputed: from the eleven outcome categories
// the rules compute Nittedal's goal achievement by the national standard
// (12/35, 16/29, 4/6) and by its own criteria (25/35, 23/29, 5/6); no
// rate is stored, only the counts.
func TestNittedalGoalAchievementComputed(t *testing.T) {
	t.Parallel()
	f := idcNewFixture(t, 1)
	o := f.muns[0]
	var entries []indicator.Entry
	for cat, vs := range nittedalOutcomes {
		for i, y := range []string{"2018", "2019", "2020"} {
			entries = append(entries, indicator.Entry{Code: "intro.outcome", Period: y, Category: cat, Num: num(vs[i])})
		}
	}
	n, err := f.svc.Save(f.ctx, o, f.users[0], entries)
	idcNoErr(t, err)
	if n != 33 {
		t.Fatalf("saved %d figures, want 33", n)
	}
	want := map[string][2][3]float64{
		"imdi":     {{12, 16, 4}, {35, 29, 6}},
		"activity": {{25, 23, 5}, {35, 29, 6}},
	}
	pct := map[string][3]int{"imdi": {34, 55, 67}, "activity": {71, 79, 83}}
	for rule, w := range want {
		for i, y := range []string{"2018", "2019", "2020"} {
			v, err := f.svc.Benchmark(f.ctx, o, indicator.BenchmarkQuery{Code: "intro.outcome", Period: y, Rule: rule})
			idcNoErr(t, err)
			var own *indicator.Row
			for j := range v.Rows {
				if v.Rows[j].Own {
					own = &v.Rows[j]
				}
			}
			if own == nil || own.Figure.Num == nil || own.Figure.Den == nil || own.Figure.Rate == nil {
				t.Fatalf("%s %s: own figure missing: %+v", rule, y, own)
			}
			if *own.Figure.Num != w[0][i] || *own.Figure.Den != w[1][i] {
				t.Errorf("%s %s: %v/%v, want %v/%v", rule, y, *own.Figure.Num, *own.Figure.Den, w[0][i], w[1][i])
			}
			if got := int(math.Round(*own.Figure.Rate)); got != pct[rule][i] {
				t.Errorf("%s %s: %d %%, want %d %%", rule, y, got, pct[rule][i])
			}
		}
	}
}

// TestAggregateIsWeighted: two municipalities with 1/2 and 90/100 make a
// network aggregate of 91/102 (89.2 %), not the mean of the rates (70 %),
// and the aggregate says it covers both.
func TestAggregateIsWeighted(t *testing.T) {
	t.Parallel()
	f := idcNewFixture(t, 2)
	for i, v := range [][2]float64{{1, 2}, {90, 100}} {
		_, err := f.svc.Save(f.ctx, f.muns[i], f.users[i], []indicator.Entry{
			{Code: "intro.outcome", Period: "2019", Category: "work_50_100", Num: num(v[0])},
			{Code: "intro.outcome", Period: "2019", Category: "other", Num: num(v[1] - v[0])},
		})
		idcNoErr(t, err)
	}
	// The reader is the first municipality: it knows its own 1/2, so the
	// aggregate tells it nothing small about the other (an outsider would
	// find the aggregate protected, see the disclosure tests).
	v, err := f.svc.Benchmark(f.ctx, f.muns[0], indicator.BenchmarkQuery{Code: "intro.outcome", Period: "2019", Rule: "imdi"})
	idcNoErr(t, err)
	var agg *indicator.Aggregate
	for i := range v.Aggregates {
		if v.Aggregates[i].Group.Kind == indicator.GroupNetwork {
			agg = &v.Aggregates[i]
		}
	}
	if agg == nil {
		t.Fatalf("no network aggregate: %+v", v.Aggregates)
	}
	if agg.Figure.Num == nil || agg.Figure.Den == nil || *agg.Figure.Num != 91 || *agg.Figure.Den != 102 {
		t.Fatalf("network aggregate %+v, want 91/102", agg.Figure)
	}
	if r := math.Round(*agg.Figure.Rate*10) / 10; r != 89.2 {
		t.Errorf("network rate %.1f %%, want 89.2 %%", r)
	}
	if agg.Covered != 2 || agg.Members != 2 {
		t.Errorf("covers %d of %d, want 2 of 2", agg.Covered, agg.Members)
	}
}

// TestSaveRefusesBadEntriesAndKeepsHistory: a negative count and a
// numerator over its denominator are refused with their row, nothing of
// the batch is written; a correction keeps the value it replaces; a
// locked period refuses writes.
func TestSaveRefusesBadEntriesAndKeepsHistory(t *testing.T) {
	t.Parallel()
	f := idcNewFixture(t, 1)
	o, u := f.muns[0], f.users[0]
	_, err := f.svc.Save(f.ctx, o, u, []indicator.Entry{
		{Code: "intro.participants", Period: "2019", Num: num(70)},
		{Code: "intro.participants", Period: "2018", Num: num(-1)},
		{Code: "intro.outcome", Period: "2019", Category: "nope", Num: num(1)},
	})
	var be *indicator.BatchError
	if !errors.As(err, &be) || len(be.Rows) != 2 || be.Rows[0].Index != 1 || be.Rows[0].Err.Key != "indicator.error.negative" ||
		be.Rows[1].Index != 2 || be.Rows[1].Err.Field != "category" {
		t.Fatalf("bad batch: %v (%+v); want rows 1 (negative) and 2 (category)", err, be)
	}
	if _, cur, _, err := f.svc.History(f.ctx, o, "intro.participants", "2019", ""); err != nil || cur != nil {
		t.Fatalf("a refused batch wrote its good row: %+v (%v)", cur, err)
	}
	_, err = f.svc.Save(f.ctx, o, u, []indicator.Entry{{Code: "intro.participants", Period: "2019", Num: num(70)}})
	idcNoErr(t, err)
	f.clock.T = f.clock.T.Add(time.Hour)
	_, err = f.svc.Save(f.ctx, o, u, []indicator.Entry{{Code: "intro.participants", Period: "2019", Num: num(71), Note: "rettet «etter» kontroll"}})
	idcNoErr(t, err)
	_, cur, hist, err := f.svc.History(f.ctx, o, "intro.participants", "2019", "")
	idcNoErr(t, err)
	if *cur.Num != 71 || cur.Rev != 2 || len(hist) != 1 || *hist[0].Num != 70 || hist[0].Rev != 1 {
		t.Fatalf("after a correction: current %v rev %d, history %+v; want 71 rev 2 and 70 rev 1 kept", *cur.Num, cur.Rev, hist)
	}
	idcNoErr(t, f.svc.Lock(f.ctx, o, u, "2019"))
	_, err = f.svc.Save(f.ctx, o, u, []indicator.Entry{{Code: "intro.participants", Period: "2019", Num: num(72)}})
	if !errors.As(err, &be) || be.Rows[0].Err.Code != app.EConflict {
		t.Fatalf("write to a locked year: %v; want a conflict", err)
	}
	locked, err := f.svc.Locked(f.ctx, o, "2019")
	idcNoErr(t, err)
	if !locked {
		t.Error("Locked(2019) = false after Lock")
	}
	_, err = f.svc.Save(f.ctx, o, u, []indicator.Entry{{Code: "intro.outcome", Period: "2019", Category: "other", Num: num(3), Den: num(2)}})
	if !errors.As(err, &be) {
		t.Fatalf("a denominator on a count: %v; want refused", err)
	}
}

// TestGoalFigures: a goal linked to intro.outcome shows the
// municipality's latest figure (12/35 by IMDi's standard in 2018), its
// own 75 % target before the national 70 %, and the network's aggregate
// for the same year, which for a peer with 4 finishers is withheld rather
// than letting its 4 be computed back.
func TestGoalFigures(t *testing.T) {
	t.Parallel()
	f := idcNewFixture(t, 3)
	o := f.muns[0]
	var entries []indicator.Entry
	for cat, vs := range nittedalOutcomes {
		entries = append(entries, indicator.Entry{Code: "intro.outcome", Period: "2018", Category: cat, Num: num(vs[0])})
	}
	_, err := f.svc.Save(f.ctx, o, f.users[0], entries)
	idcNoErr(t, err)
	_, err = f.svc.Save(f.ctx, f.muns[1], f.users[1], []indicator.Entry{
		{Code: "intro.outcome", Period: "2018", Category: "work_50_100", Num: num(3)},
		{Code: "intro.outcome", Period: "2018", Category: "other", Num: num(1)},
	})
	idcNoErr(t, err)
	_, err = f.svc.Save(f.ctx, f.muns[2], f.users[2], []indicator.Entry{
		{Code: "intro.outcome", Period: "2018", Category: "work_50_100", Num: num(30)},
		{Code: "intro.outcome", Period: "2018", Category: "other", Num: num(20)},
	})
	idcNoErr(t, err)
	_, err = f.svc.AddTarget(f.ctx, o, indicator.TargetInput{Code: "intro.outcome", Rule: "imdi", Value: 75})
	idcNoErr(t, err)
	figs, err := f.svc.GoalFigures(f.ctx, o, []string{"intro.outcome", "no.such.code"})
	idcNoErr(t, err)
	g := figs["intro.outcome"]
	if g == nil || !g.HasOwn || g.Own.Num == nil || *g.Own.Num != 12 || *g.Own.Den != 35 || g.Period.Key() != "2018" {
		t.Fatalf("own figure %+v; want 12/35 in 2018", g)
	}
	if g.Target == nil || g.Target.Value != 75 || g.Target.Level != indicator.TargetLocal {
		t.Errorf("target %+v; want the local 75 %%", g.Target)
	}
	if _, ok := figs["no.such.code"]; ok {
		t.Error("an unknown code got a figure")
	}
	if g.Peer == nil {
		t.Fatal("no network figure")
	}
	// The reader knows its own 12/35 and sees the third member's 30/50:
	// a network total would give the second member's 3/4 away.
	if g.Peer.Figure.Num != nil {
		v, err := f.svc.Benchmark(f.ctx, o, indicator.BenchmarkQuery{Code: "intro.outcome", Period: "2018", Rule: "imdi"})
		idcNoErr(t, err)
		for _, r := range v.Rows {
			if r.Org.ID == f.muns[2].ID && r.Figure.Num != nil {
				t.Errorf("network aggregate %v/%v and the third member's %v shown: together they give the small member's 3 of 4 away", *g.Peer.Figure.Num, *g.Peer.Figure.Den, *r.Figure.Num)
			}
		}
	}
}

// TestContributorReportsOnlyWhatTheyAreResponsibleFor: a contributor named
// responsible for reporting participants may report them, not outcomes.
func TestContributorReportsOnlyWhatTheyAreResponsibleFor(t *testing.T) {
	t.Parallel()
	f := idcNewFixture(t, 1)
	o := f.muns[0]
	nav, _ := dbtest.MustCreateUser(t, f.bdb, o, "contributor")
	idcNoErr(t, f.svc.SetSetting(f.ctx, o, "intro.participants", indicator.SettingInput{ResponsibleID: &nav.ID, Visibility: indicator.VisibilityNetwork, Reports: true}))
	_, err := f.svc.SaveAsResponsible(f.ctx, o, nav.ID, []indicator.Entry{
		{Code: "intro.participants", Period: "2020", Num: num(45)},
		{Code: "intro.outcome", Period: "2020", Category: "other", Num: num(1)},
	})
	var be *indicator.BatchError
	if !errors.As(err, &be) || len(be.Rows) != 1 || be.Rows[0].Index != 1 || be.Rows[0].Err.Code != app.EForbidden {
		t.Fatalf("outcome by a contributor responsible for participants only: %v; want row 1 refused", err)
	}
	n, err := f.svc.SaveAsResponsible(f.ctx, o, nav.ID, []indicator.Entry{{Code: "intro.participants", Period: "2020", Num: num(45)}})
	idcNoErr(t, err)
	if n != 1 {
		t.Fatalf("saved %d, want 1", n)
	}
}

// TestRankingByRuleRate: a breakdown's benchmark ranks by the rule's rate,
// not by its numerator: 16/29 (55 %) comes before 33/61 (54 %).
func TestRankingByRuleRate(t *testing.T) {
	t.Parallel()
	f := idcNewFixture(t, 2)
	for i, x := range [][2]float64{{16, 29}, {33, 61}} {
		_, err := f.svc.Save(f.ctx, f.muns[i], f.users[i], []indicator.Entry{
			{Code: "intro.outcome", Period: "2019", Category: "work_50_100", Num: num(x[0])},
			{Code: "intro.outcome", Period: "2019", Category: "other", Num: num(x[1] - x[0])},
		})
		idcNoErr(t, err)
	}
	v, err := f.svc.Benchmark(f.ctx, f.muns[0], indicator.BenchmarkQuery{Code: "intro.outcome", Period: "2019", Rule: "imdi"})
	idcNoErr(t, err)
	if len(v.Rows) != 2 || v.Rows[0].Org.ID != f.muns[0].ID || v.Rows[0].Rank != 1 || v.Rows[1].Rank != 2 {
		t.Fatalf("ranking %v; want the 55 %% municipality first", v.Rows)
	}
}

// TestNetworkThreshold: a network raises its small-count threshold to
// 12 and an 11 in its benchmark reads «under 13»; a threshold under 5,
// or one set by a municipality, is refused.
func TestNetworkThreshold(t *testing.T) {
	t.Parallel()
	f := idcNewFixture(t, 2)
	for i, n := range []float64{11, 40} {
		_, err := f.svc.Save(f.ctx, f.muns[i], f.users[i], []indicator.Entry{{Code: "intro.participants", Period: "2019", Num: num(n)}})
		idcNoErr(t, err)
	}
	small := func() bool {
		v, err := f.svc.Benchmark(f.ctx, f.muns[1], indicator.BenchmarkQuery{Code: "intro.participants", Period: "2019"})
		idcNoErr(t, err)
		for _, r := range v.Rows {
			if r.Org.ID == f.muns[0].ID {
				return r.Figure.Small && v.Threshold == 12
			}
		}
		return false
	}
	if small() {
		t.Fatal("11 is small before the threshold is raised")
	}
	if err := f.svc.SetThreshold(f.ctx, f.net, 4); app.ErrorCode(err) != app.EInvalid {
		t.Errorf("threshold 4: %v; want refused", err)
	}
	if err := f.svc.SetThreshold(f.ctx, f.muns[0], 12); !app.IsNotFound(err) {
		t.Errorf("a municipality's threshold: %v; want not found", err)
	}
	idcNoErr(t, f.svc.SetThreshold(f.ctx, f.net, 12))
	if !small() {
		t.Error("with the network's threshold at 12, another member's 11 is not «under 13»")
	}
}
