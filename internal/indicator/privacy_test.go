package indicator_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/samvirke/samvirke/internal/disclosure"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/org"
)

// idcObserver collects everything the views publish to one reader as
// facts over the true counts: each number printed (a municipality's or a
// group's numerator or denominator, for a month or the year) is a cell
// with the counts it sums and how it was printed. Base counts are
// (municipality, month, part).
type idcObserver struct {
	base   map[string]int // "org|month|part" → index
	values []int64
	known  []bool
	cells  []disclosure.Cell
	status []disclosure.Status
	seen   map[string]bool
}

func (o *idcObserver) baseIndex(orgID int64, month int, part string) (int, bool) {
	i, ok := o.base[fmt.Sprint(orgID, "|", month, "|", part)]
	return i, ok
}

// add records one printed number: the counts of members over months for
// part, printed shown (num != nil), small or withheld.
func (o *idcObserver) add(key string, members []int64, months []int, part string, shown *float64, small, hidden bool) {
	if o.seen[key] {
		return
	}
	var parts []int32
	for _, m := range members {
		for _, mo := range months {
			if i, ok := o.baseIndex(m, mo, part); ok {
				parts = append(parts, int32(i))
			}
		}
	}
	if len(parts) == 0 {
		return
	}
	st := disclosure.Shown
	switch {
	case small:
		st = disclosure.Small
	case hidden || shown == nil:
		st = disclosure.Hidden
	}
	o.seen[key] = true
	o.cells = append(o.cells, disclosure.Cell{Parts: parts})
	o.status = append(o.status, st)
}

// idcPrivacyWorld is a network of five municipalities reporting a monthly
// rate; D's denominator is 4 for the year (2 in January, 2 in February).
// Reader A has a hand-made group of the network without D.
type idcPrivacyWorld struct {
	f      *idcFixture
	code   string
	counts map[int64][12][2]int64 // org → month → num, den
}

func idcNewPrivacyWorld(t *testing.T, primaryOnly bool) *idcPrivacyWorld {
	t.Helper()
	f := idcNewFixture(t, 5)
	f.svc.PrimaryOnly = primaryOnly
	w := &idcPrivacyWorld{f: f, code: "net.work_after", counts: map[int64][12][2]int64{}}
	ind := &indicator.Indicator{Code: w.code, Names: indicator.Texts{"en": "In work after the programme", "nb": "I arbeid etter programmet"},
		Unit: indicator.UnitPercent, Direction: indicator.HigherIsBetter, Periodicity: indicator.Monthly,
		Aggregation: indicator.AggSum, Source: indicator.SourceOwn}
	idcNoErr(t, f.svc.Create(f.ctx, f.net, ind))
	rng := rand.New(rand.NewPCG(15, 4))
	for i, m := range f.muns {
		var c [12][2]int64
		var entries []indicator.Entry
		for mo := range 12 {
			den := int64(10 + rng.IntN(30))
			if i == 3 { // D
				den = 0
				if mo < 2 {
					den = 2
				}
			}
			n := den / 2
			if i == 3 && mo < 2 {
				n = 1
			}
			c[mo] = [2]int64{n, den}
			entries = append(entries, indicator.Entry{Code: w.code, Period: fmt.Sprintf("2019-%02d", mo+1), Num: num(float64(n)), Den: num(float64(den))})
		}
		w.counts[m.ID] = c
		_, err := f.svc.Save(f.ctx, m, f.users[i], entries)
		idcNoErr(t, err)
	}
	var slugs []string
	for i, m := range f.muns {
		if i != 3 {
			slugs = append(slugs, m.Slug)
		}
	}
	_, err := f.svc.SaveGroup(f.ctx, f.muns[0], 0, indicator.GroupInput{Name: "Nettverket uten D", Members: slugs})
	idcNoErr(t, err)
	_, err = f.svc.SaveGroup(f.ctx, f.net, 0, indicator.GroupInput{Name: "Without D", Members: slugs})
	idcNoErr(t, err)
	return w
}

// observe reads every view reader can open for the indicator in 2019 —
// the benchmark of each month and of the year for each of its groups (the
// ranking with its rows, the aggregates), and each member's time series —
// and answers the facts they publish.
func (w *idcPrivacyWorld) observe(t *testing.T, reader *org.Organisation) *idcObserver {
	t.Helper()
	f := w.f
	ob := &idcObserver{base: map[string]int{}, seen: map[string]bool{}}
	for _, m := range f.muns {
		for mo := range 12 {
			for pi, part := range []string{"num", "den"} {
				ob.base[fmt.Sprint(m.ID, "|", mo, "|", part)] = len(ob.values)
				ob.values = append(ob.values, w.counts[m.ID][mo][pi])
				ob.known = append(ob.known, m.ID == reader.ID)
			}
		}
	}
	all := make([]int, 12)
	for i := range all {
		all[i] = i
	}
	periods := []string{"2019"}
	for mo := 1; mo <= 12; mo++ {
		periods = append(periods, fmt.Sprintf("2019-%02d", mo))
	}
	record := func(prefix string, members []int64, months []int, fig indicator.Figure) {
		ob.add(prefix+"|num", members, months, "num", fig.Num, fig.Small, fig.Hidden)
		ob.add(prefix+"|den", members, months, "den", fig.Den, fig.DenSmall, fig.DenHidden)
	}
	monthsOf := func(p indicator.Period) []int {
		if p.Kind == indicator.Yearly {
			return all
		}
		return []int{p.Index - 1}
	}
	first, err := f.svc.Benchmark(f.ctx, reader, indicator.BenchmarkQuery{Code: w.code, Period: "2019-01"})
	idcNoErr(t, err)
	var groups []string
	for _, a := range first.Aggregates {
		groups = append(groups, a.Group.Key)
	}
	for _, g := range groups {
		for _, period := range periods {
			v, err := f.svc.Benchmark(f.ctx, reader, indicator.BenchmarkQuery{Code: w.code, Period: period, Group: g})
			idcNoErr(t, err)
			for _, r := range v.Rows {
				record(fmt.Sprint("org ", r.Org.ID, " ", period), []int64{r.Org.ID}, monthsOf(v.Period), r.Figure)
			}
			for _, a := range v.Aggregates {
				record(fmt.Sprint("group ", a.Group.Key, " ", period), a.Group.Members, monthsOf(v.Period), a.Figure)
			}
		}
	}
	for _, m := range f.muns {
		s, err := f.svc.Series(f.ctx, reader, indicator.SeriesQuery{Code: w.code, Subject: m.Slug, From: 2019, To: 2019})
		idcNoErr(t, err)
		for _, pt := range s.Points {
			record(fmt.Sprint("org ", m.ID, " ", pt.Period.Key()), []int64{m.ID}, monthsOf(pt.Period), pt.Figure)
			for _, a := range pt.Aggregates {
				record(fmt.Sprint("group ", a.Group.Key, " ", pt.Period.Key()), a.Group.Members, monthsOf(pt.Period), a.Figure)
			}
		}
	}
	return ob
}

func (ob *idcObserver) leaks(t *testing.T, threshold int) []int {
	t.Helper()
	tab := disclosure.Table{Base: ob.values, Known: ob.known, Cells: ob.cells}
	leaks, err := disclosure.Leaks(tab, ob.status, threshold)
	idcNoErr(t, err)
	return leaks
}

// TestNoSmallCountCanBeComputedBack is the privacy acceptance: in
// a network where D's denominator is 4, everything the benchmark views
// publish to a reader outside D — every month's and the year's ranking,
// the network's, the country's and a hand-made group's aggregates (the
// group differs from the network by D), each member's time series —
// leaves no small count pinned to a value (the audit computes each
// suppressed cell's range from all of it). With secondary suppression
// switched off, the same audit finds the leak. And cells above the
// threshold that leak nothing stay visible.
func TestNoSmallCountCanBeComputedBack(t *testing.T) {
	t.Parallel()
	for _, primaryOnly := range []bool{false, true} {
		w := idcNewPrivacyWorld(t, primaryOnly)
		for _, reader := range []*org.Organisation{w.f.muns[0], w.f.net} {
			ob := w.observe(t, reader)
			leaks := ob.leaks(t, indicator.DefaultThreshold)
			small, hidden, shown := 0, 0, 0
			for _, st := range ob.status {
				switch st {
				case disclosure.Small:
					small++
				case disclosure.Hidden:
					hidden++
				default:
					shown++
				}
			}
			t.Logf("secondary off=%v, reader %s: %d numbers published: %d shown, %d under 10, %d withheld; leaks %v",
				primaryOnly, reader.Kind, len(ob.status), shown, small, hidden, leaks)
			if small == 0 {
				t.Fatalf("reader %s: D's small counts were not marked small", reader.Kind)
			}
			if primaryOnly {
				if len(leaks) == 0 {
					t.Errorf("reader %s: with secondary suppression off the audit found no leak; it must (the network total less the hand-made group gives D)", reader.Kind)
				}
				continue
			}
			if len(leaks) > 0 {
				t.Errorf("reader %s: %d small counts can be computed back from what is published", reader.Kind, len(leaks))
			}
			if shown < len(ob.status)/2 {
				t.Errorf("reader %s: only %d of %d numbers shown: protection withholds far more than the small counts need", reader.Kind, shown, len(ob.status))
			}
		}
	}
}
