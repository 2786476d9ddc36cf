package disclosure_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/samvirke/samvirke/internal/disclosure"
)

// parts32 answers a cell's parts from base indices.
func parts32(idx []int) []int32 {
	out := make([]int32, len(idx))
	for i, b := range idx {
		out[i] = int32(b)
	}
	return out
}

// dscGrid is a table of municipalities × months with the usual cells.
type dscGrid struct {
	t      disclosure.Table
	mm     [][]int // municipality × month → cell
	year   []int   // municipality → year cell
	month  []int   // month → network month total cell
	total  int     // network year total cell
	groups []int   // hand-made group year totals
}

// dscNetwork builds a network table from counts[municipality][month], with
// month, year and network totals, and one hand-made group year total and
// its month totals per group (members listed by municipality index).
func dscNetwork(counts [][]int64, groups ...[]int) *dscGrid {
	g := &dscGrid{}
	nm, months := len(counts), len(counts[0])
	base := func(i, k int) int { return i*months + k }
	for i := range counts {
		g.t.Base = append(g.t.Base, counts[i]...)
	}
	add := func(parts []int) int {
		g.t.Cells = append(g.t.Cells, disclosure.Cell{Parts: parts32(parts)})
		return len(g.t.Cells) - 1
	}
	g.mm = make([][]int, nm)
	for i := range nm {
		var all []int
		for k := range months {
			g.mm[i] = append(g.mm[i], add([]int{base(i, k)}))
			all = append(all, base(i, k))
		}
		g.year = append(g.year, add(all))
	}
	var every []int
	for k := range months {
		var parts []int
		for i := range nm {
			parts = append(parts, base(i, k))
		}
		g.month = append(g.month, add(parts))
		every = append(every, parts...)
	}
	slices.Sort(every)
	g.total = add(every)
	for _, members := range groups {
		var all []int
		for k := range months {
			var parts []int
			for _, i := range members {
				parts = append(parts, base(i, k))
			}
			add(parts)
			all = append(all, parts...)
		}
		slices.Sort(all)
		g.groups = append(g.groups, add(all))
	}
	return g
}

func dscCount(st []disclosure.Status, want disclosure.Status) int {
	n := 0
	for _, s := range st {
		if s == want {
			n++
		}
	}
	return n
}

// dscMustProtect protects t and fails the test on an error or a leak.
func dscMustProtect(tb testing.TB, t disclosure.Table, thr int) []disclosure.Status {
	tb.Helper()
	st, err := disclosure.Protect(t, thr)
	if err != nil {
		tb.Fatalf("Protect: %v", err)
	}
	leaks, err := disclosure.Leaks(t, st, thr)
	if err != nil {
		tb.Fatalf("Leaks: %v\ntable %+v\nstatuses %v", err, t, st)
	}
	if len(leaks) > 0 {
		rs, _ := disclosure.Audit(t, st, thr)
		for _, c := range leaks {
			tb.Errorf("cell %d %v leaks: range %v", c, t.Cells[c].Parts, rs[c])
		}
	}
	return st
}

// dscRandomTable makes a random table: a hierarchy (municipalities in
// counties in a country, over a few months), random hand-made groups, and
// now and then a reader's own municipality.
func dscRandomTable(r *rand.Rand, thr int64) disclosure.Table {
	var t disclosure.Table
	nm := 2 + r.IntN(8)
	months := 1 + r.IntN(3)
	for range nm * months {
		var v int64
		switch r.IntN(4) {
		case 0:
			v = 0
		case 1:
			v = 1 + r.Int64N(thr)
		default:
			v = 1 + r.Int64N(4*thr)
		}
		t.Base = append(t.Base, v)
	}
	if r.IntN(3) == 0 {
		own := r.IntN(nm)
		t.Known = make([]bool, len(t.Base))
		for k := range months {
			t.Known[own*months+k] = true
		}
	}
	add := func(parts []int) {
		if len(parts) > 0 {
			t.Cells = append(t.Cells, disclosure.Cell{Parts: parts32(parts)})
		}
	}
	of := func(ms []int, ks []int) []int {
		var parts []int
		for _, i := range ms {
			for _, k := range ks {
				parts = append(parts, i*months+k)
			}
		}
		return parts
	}
	all := func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	}
	// counties: consecutive runs of municipalities.
	var counties [][]int
	for i := 0; i < nm; {
		n := 1 + r.IntN(4)
		counties = append(counties, all(nm)[i:min(nm, i+n)])
		i += n
	}
	for k := range months {
		for i := range nm {
			add(of([]int{i}, []int{k}))
		}
		for _, c := range counties {
			add(of(c, []int{k}))
		}
		add(of(all(nm), []int{k}))
	}
	if months > 1 {
		for i := range nm {
			add(of([]int{i}, all(months)))
		}
		add(of(all(nm), all(months)))
	}
	for range r.IntN(3) {
		var g []int
		for i := range nm {
			if r.IntN(2) == 0 {
				g = append(g, i)
			}
		}
		add(of(g, all(months)))
	}
	return t
}
