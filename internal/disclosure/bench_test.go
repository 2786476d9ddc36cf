package disclosure_test

import (
	"math/rand/v2"
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
	all := make([]int, 750)
	for i := range all {
		all[i] = i
		t.Cells = append(t.Cells, disclosure.Cell{Parts: []int{i}})
	}
	for c := range 30 {
		t.Cells = append(t.Cells, disclosure.Cell{Parts: all[c*25 : (c+1)*25]})
	}
	t.Cells = append(t.Cells, disclosure.Cell{Parts: all})
	for range 4 {
		var parts []int
		start := r.IntN(700)
		for i := start; i < start+10+r.IntN(40) && i < 750; i += 1 + r.IntN(3) {
			parts = append(parts, i)
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
