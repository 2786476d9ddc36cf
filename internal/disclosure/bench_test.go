package disclosure_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/samvirke/samvirke/internal/disclosure"
)

// dscCountry is the one-level page: 750 municipalities for one month in 30
// counties, the country total and a few network totals; about one in seven
// municipalities has a small count.
func dscCountry(r *rand.Rand) disclosure.Table {
	var t disclosure.Table
	for range 750 {
		switch v := r.IntN(7); v {
		case 0:
			t.Base = append(t.Base, 1+r.Int64N(9))
		case 1:
			t.Base = append(t.Base, 0)
		default:
			t.Base = append(t.Base, 10+r.Int64N(500))
		}
	}
	all := make([]int32, 750)
	for i := range all {
		all[i] = int32(i)
		t.Cells = append(t.Cells, disclosure.Cell{Parts: []int32{int32(i)}})
	}
	for c := range 30 {
		t.Cells = append(t.Cells, disclosure.Cell{Parts: all[c*25 : (c+1)*25]})
	}
	t.Cells = append(t.Cells, disclosure.Cell{Parts: all})
	for range 4 {
		var parts []int32
		start := r.IntN(700)
		for i := start; i < start+10+r.IntN(40) && i < 750; i += 1 + r.IntN(3) {
			parts = append(parts, int32(i))
		}
		t.Cells = append(t.Cells, disclosure.Cell{Parts: parts})
	}
	return t
}

// dscNetworkTable is the network page: n municipalities × 12 months with
// month, year and network totals and three hand-made groups.
func dscNetworkTable(r *rand.Rand, n int) disclosure.Table {
	counts := make([][]int64, n)
	for i := range counts {
		for range 12 {
			var v int64
			switch r.IntN(6) {
			case 0:
				v = 0
			case 1:
				v = 1 + r.Int64N(9)
			default:
				v = 10 + r.Int64N(60)
			}
			counts[i] = append(counts[i], v)
		}
	}
	var groups [][]int
	for range 3 {
		var g []int
		for i := range n {
			if r.IntN(3) > 0 {
				g = append(g, i)
			}
		}
		groups = append(groups, g)
	}
	return dscNetwork(counts, groups...).t
}

func TestProtectLargeTables(t *testing.T) {
	r := rand.New(rand.NewPCG(750, 1))
	tab := dscCountry(r)
	st := dscMustProtect(t, tab, 9)
	t.Logf("country: %d cells, %d small, %d hidden", len(st), dscCount(st, disclosure.Small), dscCount(st, disclosure.Hidden))
	for _, n := range []int{10, 30, 50} {
		tab := dscNetworkTable(r, n)
		st := dscMustProtect(t, tab, 9)
		t.Logf("network of %d: %d cells, %d small, %d hidden", n, len(st), dscCount(st, disclosure.Small), dscCount(st, disclosure.Hidden))
	}
}

func BenchmarkProtectCountry(b *testing.B) {
	tab := dscCountry(rand.New(rand.NewPCG(750, 1)))
	for b.Loop() {
		if _, err := disclosure.Protect(tab, 9); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkProtectNetwork50(b *testing.B) {
	tab := dscNetworkTable(rand.New(rand.NewPCG(50, 1)), 50)
	for b.Loop() {
		if _, err := disclosure.Protect(tab, 9); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkProtectNetwork10(b *testing.B) {
	tab := dscNetworkTable(rand.New(rand.NewPCG(10, 1)), 10)
	for b.Loop() {
		if _, err := disclosure.Protect(tab, 9); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAuditCountry(b *testing.B) {
	tab := dscCountry(rand.New(rand.NewPCG(750, 1)))
	st, err := disclosure.Protect(tab, 9)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := disclosure.Audit(tab, st, 9); err != nil {
			b.Fatal(err)
		}
	}
}

// dscUniverseSpec describes a reader's universe the way
// internal/indicator's universe.build lays it out: municipalities (in id
// order) × periods × parts as base counts; per municipality and period a
// cell per part (and for a breakdown its total «den» and one cell per
// rule); per municipality a year cell per derived part when the indicator
// is summed over a sub-year period; the same per group for each period and
// the year.
type dscUniverseSpec struct {
	munis    int
	periods  int
	parts    int     // 2 for a rate (num, den), one per category for a breakdown
	rate     bool    // parts are num, den: den ≥ num
	rules    [][]int // a breakdown's rules: sums of category indices
	yearly   bool    // year cells for a summed monthly indicator
	groups   [][]int // member municipality indices per group
	reader   int     // municipality whose counts are known; -1 for none
	small    float64 // share of municipality-period counts in 1..9
	zero     float64 // share of zero counts
	breakOut bool    // breakdown: emit total «den» and rule cells
}

func dscUniverse(r *rand.Rand, s dscUniverseSpec) disclosure.Table {
	var t disclosure.Table
	base := func(m, p, k int) int { return (m*s.periods+p)*s.parts + k }
	draw := func() int64 {
		x := r.Float64()
		switch {
		case x < s.zero:
			return 0
		case x < s.zero+s.small:
			return 1 + r.Int64N(9)
		}
		return 10 + r.Int64N(150)
	}
	for range s.munis {
		for range s.periods {
			if s.rate {
				num := draw()
				den := num + draw()
				if r.IntN(3) == 0 {
					den += 10 + r.Int64N(100)
				}
				t.Base = append(t.Base, num, den)
				continue
			}
			for range s.parts {
				t.Base = append(t.Base, draw())
			}
		}
	}
	if s.reader >= 0 {
		t.Known = make([]bool, len(t.Base))
		for p := range s.periods {
			for k := range s.parts {
				t.Known[base(s.reader, p, k)] = true
			}
		}
	}
	addCell := func(idx []int) {
		if len(idx) > 0 {
			t.Cells = append(t.Cells, disclosure.Cell{Parts: parts32(idx)})
		}
	}
	derived := func(members []int, periods []int) {
		per := make([][]int, s.parts)
		for _, m := range members {
			for _, p := range periods {
				for k := range s.parts {
					per[k] = append(per[k], base(m, p, k))
				}
			}
		}
		for k := range s.parts {
			addCell(per[k])
		}
		if s.breakOut {
			var all []int
			for k := range s.parts {
				all = append(all, per[k]...)
			}
			addCell(all)
			for _, rule := range s.rules {
				var in []int
				for _, k := range rule {
					in = append(in, per[k]...)
				}
				addCell(in)
			}
		}
	}
	allPeriods := make([]int, s.periods)
	for p := range allPeriods {
		allPeriods[p] = p
	}
	for m := range s.munis {
		for p := range s.periods {
			derived([]int{m}, []int{p})
		}
		if s.yearly {
			derived([]int{m}, allPeriods)
		}
	}
	for _, g := range s.groups {
		for p := range s.periods {
			derived(g, []int{p})
		}
		if s.yearly {
			derived(g, allPeriods)
		}
	}
	return t
}

// dscRun is a run of n municipality indices from start.
func dscRun(start, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = start + i
	}
	return out
}

// dscSpread is n municipality indices spread over 0..munis-1.
func dscSpread(r *rand.Rand, munis, n int) []int {
	out := r.Perm(munis)[:n]
	slices.Sort(out)
	return out
}

// dscCountryRate is a municipality reader's page for a monthly rate
// (num, den) summed over the year: the whole country of munis, its county
// and three more counties of ~10, two networks (of 12 and 25), twelve months.
func dscCountryRate(r *rand.Rand, munis int, small float64) disclosure.Table {
	county := max(2, min(10, munis/4))
	groups := [][]int{dscRun(0, munis)}
	for c := range 4 {
		groups = append(groups, dscRun((c*county)%(munis-county+1), county))
	}
	groups = append(groups, dscSpread(r, munis, min(munis, 12)), dscSpread(r, munis, min(munis, 25)))
	groups[5][0] = 3 % munis // the reader is a member of its networks
	slices.Sort(groups[5])
	groups[5] = slices.Compact(groups[5])
	return dscUniverse(r, dscUniverseSpec{munis: munis, periods: 12, parts: 2, rate: true, yearly: true,
		groups: groups, reader: 3 % munis, small: small, zero: 0.05})
}

// dscBreakdown is a network's page for a yearly breakdown of categories
// with a total and three outcome rules: the network's members, each in one
// of a few counties, and one saved group.
func dscBreakdown(r *rand.Rand, munis, cats int, small float64) disclosure.Table {
	groups := [][]int{dscRun(0, munis)}
	for start := 0; start < munis; start += 10 {
		groups = append(groups, dscRun(start, min(10, munis-start)))
	}
	groups = append(groups, dscSpread(r, munis, munis/3))
	rules := [][]int{{0, 1}, {0, 1, 2, 3}, dscRun(cats/2, cats-cats/2)}
	return dscUniverse(r, dscUniverseSpec{munis: munis, periods: 1, parts: cats, rules: rules,
		groups: groups, reader: -1, small: small, zero: 0.15, breakOut: true})
}

// dscCountryOne is a count for one period over a whole country: the
// country, thirty counties of 25 and two networks.
func dscCountryOne(r *rand.Rand, munis int, small float64) disclosure.Table {
	groups := [][]int{dscRun(0, munis)}
	for start := 0; start < munis; start += 25 {
		groups = append(groups, dscRun(start, min(25, munis-start)))
	}
	groups = append(groups, dscSpread(r, munis, min(munis, 12)), dscSpread(r, munis, min(munis, 40)))
	return dscUniverse(r, dscUniverseSpec{munis: munis, periods: 1, parts: 1,
		groups: groups, reader: 0, small: small, zero: 0.05})
}

func dscBenchProtect(b *testing.B, tab disclosure.Table) {
	st, err := disclosure.Protect(tab, 9)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := disclosure.Protect(tab, 9); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(tab.Cells)), "cells")
	b.ReportMetric(float64(dscCount(st, disclosure.Small)), "small")
	b.ReportMetric(float64(dscCount(st, disclosure.Hidden)), "hidden")
}

func BenchmarkProtectUniverseCountryRate357(b *testing.B) {
	dscBenchProtect(b, dscCountryRate(rand.New(rand.NewPCG(357, 1)), 357, 0.2))
}

func BenchmarkProtectUniverseCountryRate98(b *testing.B) {
	dscBenchProtect(b, dscCountryRate(rand.New(rand.NewPCG(98, 1)), 98, 0.2))
}

func BenchmarkProtectUniverseBreakdown50(b *testing.B) {
	dscBenchProtect(b, dscBreakdown(rand.New(rand.NewPCG(50, 11)), 50, 11, 0.2))
}

func BenchmarkProtectUniverseCountryOne750(b *testing.B) {
	dscBenchProtect(b, dscCountryOne(rand.New(rand.NewPCG(750, 2)), 750, 0.2))
}
