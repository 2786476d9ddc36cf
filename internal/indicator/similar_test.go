package indicator_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/ratelimit"
	"github.com/samvirke/samvirke/tenants"
)

// idsFigure is a municipality's name and its participants in 2019.
type idsFigure struct {
	name string
	n    float64
}

// idsNetwork makes a network of municipalities named as given (with the
// network's slug after the name, so that parallel tests do not meet),
// each with its participants in 2019, and answers them by name.
func idsNetwork(t *testing.T, ctx context.Context, f *idcFixture, figs []idsFigure) map[string]*org.Organisation {
	t.Helper()
	net := dbtest.MustCreateOrg(t, f.bdb, org.KindNetwork)
	out := map[string]*org.Organisation{}
	for _, m := range figs {
		o := dbtest.MustCreateOrg(t, f.bdb, org.KindMunicipality, func(o *org.Organisation) { o.Name = m.name + " " + net.Slug })
		dbtest.MustJoinNetwork(t, f.bdb, net, o, time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{})
		u, _ := dbtest.MustCreateUser(t, f.bdb, o, "editor")
		_, err := f.svc.Save(ctx, o, u.ID, []indicator.Entry{{Code: "intro.participants", Period: "2019", Num: num(m.n)}})
		idcNoErr(t, err)
		out[m.name] = o
	}
	out[""] = net
	return out
}

// idsNames answers the neighbours' names without the suffix.
func idsNames(s *indicator.Similar) []string {
	var out []string
	for _, n := range s.Neighbours {
		out = append(out, strings.Fields(n.Org.Name)[0])
	}
	return out
}

// TestSimilarNearestFirst: the similarity search over a network of
// municipalities with known participants in 2019 answers the nearest
// first (the reader has 15: 22, 22, 30, 60), ties by name (Bravik before
// Cedal at the same distance, though Cedal was made first), the same
// answer every time; Fjord, whose 9 is nearest but «under 10» for the
// reader, is no candidate, so its true value moves nothing; n cuts the
// list; Fjord itself searches from its own 9, never finding Gran's 3. In a
// network where one other figure is withheld to protect a small one, the
// withheld municipality is no candidate either, though its true value
// ties with the nearest.
func TestSimilarNearestFirst(t *testing.T) {
	t.Parallel()
	bdb := dbtest.Open(t)
	ctx := context.Background()
	clock := &app.FixedClock{T: time.Date(2020, 5, 4, 9, 0, 0, 0, time.UTC)}
	f := &idcFixture{ctx: ctx, bdb: bdb, clock: clock,
		svc: &indicator.Service{DB: bdb, Clock: clock, Limits: &ratelimit.Limiter{DB: bdb, Clock: clock}}}
	defs, err := indicator.ReadDefinitions(tenants.Indicators, "indicators")
	idcNoErr(t, err)
	idcNoErr(t, indicator.LoadCatalogue(ctx, bdb, defs, clock.T))
	svc := f.svc
	codes := []string{"intro.participants"}
	// Two small counts (9 and 3, 12 together): neither can be computed
	// from the network's total, so no other figure is withheld.
	muns := idsNetwork(t, ctx, f, []idsFigure{{"Aasen", 15}, {"Cedal", 22}, {"Bravik", 22}, {"Dalen", 30}, {"Eik", 60}, {"Fjord", 9}, {"Gran", 3}})

	v, err := svc.Benchmark(ctx, muns["Aasen"], indicator.BenchmarkQuery{Code: "intro.participants", Period: "2019"})
	idcNoErr(t, err)
	for _, r := range v.Rows {
		small := r.Org.ID == muns["Fjord"].ID || r.Org.ID == muns["Gran"].ID
		if small != r.Figure.Small || r.Figure.Hidden {
			t.Fatalf("%s for Aasen: %s; want only Fjord and Gran small", r.Org.Name, iddShow(r.Figure))
		}
	}
	first, err := svc.Similar(ctx, muns["Aasen"], codes, "2019", indicator.MaxSimilar)
	idcNoErr(t, err)
	want := []string{"Bravik", "Cedal", "Dalen", "Eik"}
	if got := idsNames(first); !slices.Equal(got, want) {
		t.Fatalf("similar to Aasen: %q, want %q (Fjord's suppressed 9 is no candidate)", got, want)
	}
	d := func(i int) float64 { return first.Neighbours[i].Distance }
	if d(0) != d(1) || d(1) >= d(2) || d(2) >= d(3) {
		t.Errorf("distances %v %v %v %v: want a tie, then farther and farther", d(0), d(1), d(2), d(3))
	}
	if first.Period.Key() != "2019" {
		t.Errorf("period %s, want 2019", first.Period.Key())
	}
	for i := 0; i < 3; i++ {
		again, err := svc.Similar(ctx, muns["Aasen"], codes, "2019", indicator.MaxSimilar)
		idcNoErr(t, err)
		if !slices.Equal(idsNames(again), want) {
			t.Fatalf("asked again: %q, want %q", idsNames(again), want)
		}
		for j := range again.Neighbours {
			if again.Neighbours[j].Distance != d(j) {
				t.Errorf("asked again: distance of %s %v, was %v", want[j], again.Neighbours[j].Distance, d(j))
			}
		}
	}
	two, err := svc.Similar(ctx, muns["Aasen"], codes, "2019", 2)
	idcNoErr(t, err)
	if got := idsNames(two); !slices.Equal(got, []string{"Bravik", "Cedal"}) {
		t.Errorf("the two nearest: %q", got)
	}
	if g := first.Group(muns["Aasen"], "nb"); len(g.Members) != 5 || g.Members[0] != muns["Aasen"].ID {
		t.Errorf("group members %v, want Aasen and its four neighbours", g.Members)
	}
	// Fjord knows its own 9 and searches from it; Gran's 3 is small for
	// it too, so Gran is no candidate.
	own, err := svc.Similar(ctx, muns["Fjord"], codes, "2019", indicator.MaxSimilar)
	idcNoErr(t, err)
	if got := idsNames(own); len(got) == 0 || got[0] != "Bravik" || slices.Contains(got, "Gran") {
		t.Errorf("similar to Fjord: %q, want Bravik first and no Gran", got)
	}

	// One small count (9): another figure is withheld so that the
	// network's total does not give it away; that municipality is no
	// candidate, though its true 22 would tie with the nearest.
	w := idsNetwork(t, ctx, f, []idsFigure{{"Hval", 15}, {"Isdal", 22}, {"Jordet", 22}, {"Kleiva", 30}, {"Lia", 60}, {"Moen", 9}})
	v, err = svc.Benchmark(ctx, w["Hval"], indicator.BenchmarkQuery{Code: "intro.participants", Period: "2019"})
	idcNoErr(t, err)
	var shown, withheld []string
	for _, r := range v.Rows {
		name := strings.Fields(r.Org.Name)[0]
		switch {
		case r.Figure.Hidden:
			withheld = append(withheld, name)
		case !r.Figure.Small && !r.Own:
			shown = append(shown, name)
		}
	}
	if len(withheld) == 0 {
		t.Fatalf("for Hval nothing is withheld besides Moen's small count: the test needs a withheld figure")
	}
	sim, err := svc.Similar(ctx, w["Hval"], codes, "2019", indicator.MaxSimilar)
	idcNoErr(t, err)
	got := idsNames(sim)
	for _, name := range append(withheld, "Moen") {
		if slices.Contains(got, name) {
			t.Errorf("similar to Hval: %q holds %s, whose figure Hval is not shown", got, name)
		}
	}
	slices.Sort(shown)
	slices.Sort(got)
	if !slices.Equal(got, shown) {
		t.Errorf("similar to Hval: %q, want the municipalities shown to it, %q", got, shown)
	}

	if _, err := svc.Similar(ctx, muns["Aasen"], nil, "2019", 3); app.ErrorCode(err) != app.EInvalid {
		t.Errorf("no codes: %v, want invalid", err)
	}
	if _, err := svc.Similar(ctx, muns["Aasen"], codes, "2019", 0); app.ErrorCode(err) != app.EInvalid {
		t.Errorf("n = 0: %v, want invalid", err)
	}
	if _, err := svc.Similar(ctx, muns[""], codes, "2019", 3); app.ErrorCode(err) != app.EInvalid {
		t.Errorf("a network searching: %v, want invalid", err)
	}
}
