package disclosure_test

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/samvirke/samvirke/internal/disclosure"
)

// The acceptance case of issue 15: municipality D has 4 in the year. The
// network shows every municipality's months and year, the network's month
// and year totals, and a hand-made group of everyone but D (whose totals
// differ from the network's by exactly D). A ranking shows the same year
// cells.
func TestProtectAcceptance(t *testing.T) {
	counts := [][]int64{
		{12, 15, 11, 20, 14, 13, 17, 16, 12, 18, 19, 21}, // A
		{30, 28, 25, 27, 31, 26, 29, 33, 24, 30, 28, 27}, // B
		{14, 0, 12, 13, 15, 11, 16, 12, 14, 13, 12, 17},  // C
		{0, 1, 0, 0, 2, 0, 0, 1, 0, 0, 0, 0},             // D: 4 in the year
		{11, 12, 13, 14, 10, 12, 11, 13, 15, 12, 11, 10}, // E
	}
	g := dscNetwork(counts, []int{0, 1, 2, 4})
	const thr = disclosure.DefaultThreshold

	t.Run("PrimaryLeaks", func(t *testing.T) {
		st, err := disclosure.Primary(g.t, thr)
		if err != nil {
			t.Fatal(err)
		}
		if st[g.year[3]] != disclosure.Small {
			t.Fatalf("D's year: %v, want small", st[g.year[3]])
		}
		leaks, err := disclosure.Leaks(g.t, st, thr)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(leaks, g.year[3]) {
			t.Errorf("primary suppression alone: D's year not found pinned, leaks %v", leaks)
		}
	})
	t.Run("ProtectHolds", func(t *testing.T) {
		st := dscMustProtect(t, g.t, thr)
		if st[g.year[3]] == disclosure.Shown {
			t.Errorf("D's year shown")
		}
		for _, c := range []int{g.mm[3][1], g.mm[3][4], g.mm[3][7]} {
			if st[c] == disclosure.Shown {
				t.Errorf("D's small month cell %d shown", c)
			}
		}
		if st[g.mm[3][0]] != disclosure.Shown {
			t.Errorf("D's zero month hidden: zeros are shown")
		}
		if st[g.year[1]] != disclosure.Shown {
			t.Errorf("B's year total %v: unrelated to D's small cells once they are covered", st[g.year[1]])
		}
		hidden := dscCount(st, disclosure.Hidden)
		if hidden == 0 || hidden > len(st)/4 {
			t.Errorf("%d of %d cells hidden", hidden, len(st))
		}
		t.Logf("%d cells, %d small, %d hidden", len(st), dscCount(st, disclosure.Small), hidden)
	})
	t.Run("ReaderA", func(t *testing.T) {
		tab := g.t
		tab.Known = make([]bool, len(tab.Base))
		for k := range 12 {
			tab.Known[k] = true // A's own months
		}
		dscMustProtect(t, tab, thr)
	})
	t.Run("ReaderD", func(t *testing.T) {
		tab := g.t
		tab.Known = make([]bool, len(tab.Base))
		for k := range 12 {
			tab.Known[3*12+k] = true
		}
		st := dscMustProtect(t, tab, thr)
		if n := dscCount(st, disclosure.Shown); n != len(st) {
			t.Errorf("D reading its own network: %d of %d shown, want all", n, len(st))
		}
	})
	t.Run("Deterministic", func(t *testing.T) {
		a, _ := disclosure.Protect(g.t, thr)
		b, _ := disclosure.Protect(g.t, thr)
		if !slices.Equal(a, b) {
			t.Errorf("two runs differ")
		}
	})
}

// One small part in a total of five: exactly one more part is hidden, the
// smallest above T.
func TestProtectOneSmallPart(t *testing.T) {
	for _, tc := range []struct {
		name  string
		parts []int64
		want  int // index of the part to hide
	}{
		{"Sorted", []int64{4, 10, 20, 30, 40}, 1},
		{"SmallestLast", []int64{40, 3, 30, 20, 12}, 4},
		{"TieLowestIndex", []int64{15, 15, 1, 15, 99}, 0},
		{"OneAboveT", []int64{100, 10, 200, 9, 300}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab := disclosure.Table{Base: tc.parts}
			var all []int32
			for i := range tc.parts {
				tab.Cells = append(tab.Cells, disclosure.Cell{Parts: []int32{int32(i)}})
				all = append(all, int32(i))
			}
			tab.Cells = append(tab.Cells, disclosure.Cell{Parts: all})
			st := dscMustProtect(t, tab, 9)
			if n := dscCount(st, disclosure.Hidden); n != 1 {
				t.Errorf("%d hidden (%v), want 1", n, st)
			}
			if st[tc.want] != disclosure.Hidden {
				t.Errorf("statuses %v, want part %d hidden", st, tc.want)
			}
			if st[len(st)-1] != disclosure.Shown {
				t.Errorf("total hidden")
			}
		})
	}
}

// Two small cells whose shown sum is 2T pin both at T.
func TestProtect2T(t *testing.T) {
	tab := disclosure.Table{Base: []int64{9, 9, 40}, Cells: []disclosure.Cell{
		{Parts: []int32{0}}, {Parts: []int32{1}}, {Parts: []int32{2}}, {Parts: []int32{0, 1}},
	}}
	st, _ := disclosure.Primary(tab, 9)
	leaks, err := disclosure.Leaks(tab, st, 9)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(leaks, []int{0, 1}) {
		t.Errorf("primary only: leaks %v, want [0 1]", leaks)
	}
	st = dscMustProtect(t, tab, 9)
	if want := []disclosure.Status{disclosure.Small, disclosure.Small, disclosure.Shown, disclosure.Hidden}; !slices.Equal(st, want) {
		t.Errorf("statuses %v, want %v", st, want)
	}
}

// The reader's own municipality is known to it: a group {own, X} shown
// exactly lets it subtract.
func TestProtectOwnMunicipality(t *testing.T) {
	for _, tc := range []struct {
		name     string
		own, x   int64
		cellOfX  bool
		wantLeak bool // primary alone leaks
	}{
		{"GroupAboveT", 20, 3, true, true},
		{"GroupAboveTNoCellOfX", 20, 3, false, true}, // the network total minus the rest gives the group
		{"GroupSmallAtT", 8, 1, true, true},          // group «under 10», X ≥ 1: X = 1
		{"GroupSmall", 2, 3, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab := disclosure.Table{Base: []int64{tc.own, tc.x, 50}, Known: []bool{true, false, false},
				Cells: []disclosure.Cell{{Parts: []int32{0}}, {Parts: []int32{0, 1}}, {Parts: []int32{0, 1, 2}}, {Parts: []int32{2}}}}
			if tc.cellOfX {
				tab.Cells = append(tab.Cells, disclosure.Cell{Parts: []int32{1}})
			}
			prim, _ := disclosure.Primary(tab, 9)
			leaks, err := disclosure.Leaks(tab, prim, 9)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(leaks) > 0; got != tc.wantLeak {
				t.Errorf("primary only: leaks %v, want leak %v", leaks, tc.wantLeak)
			}
			st := dscMustProtect(t, tab, 9)
			if st[0] != disclosure.Shown {
				t.Errorf("own cell %v, want shown", st[0])
			}
			if st[1] == disclosure.Shown {
				t.Errorf("group {own, X} shown")
			}
			rs, _ := disclosure.Audit(tab, st, 9)
			if r := rs[1]; r.Pinned() {
				t.Errorf("group range %v pinned: X derivable", r)
			}
		})
	}
}

// A cell unrelated to any small cell stays shown, and a table without small
// counts is left alone.
func TestProtectKeepsUnrelated(t *testing.T) {
	tab := disclosure.Table{Base: []int64{3, 20, 30, 11, 12}, Cells: []disclosure.Cell{
		{Parts: []int32{0}}, {Parts: []int32{1}}, {Parts: []int32{2}}, {Parts: []int32{0, 1, 2}},
		{Parts: []int32{3}}, {Parts: []int32{4}}, {Parts: []int32{3, 4}},
	}}
	st := dscMustProtect(t, tab, 9)
	want := []disclosure.Status{disclosure.Small, disclosure.Hidden, disclosure.Shown, disclosure.Shown,
		disclosure.Shown, disclosure.Shown, disclosure.Shown}
	if !slices.Equal(st, want) {
		t.Errorf("statuses %v, want %v", st, want)
	}
}

// Month cells against the year total: a single small month is covered by
// hiding the smallest other month above T, not the year; with a second
// municipality and month totals, three more cells suffice (a rectangle of
// months or the totals above the small cell).
func TestProtectMonthsAgainstYear(t *testing.T) {
	t.Run("OneMunicipality", func(t *testing.T) {
		tab := disclosure.Table{Base: []int64{20, 30, 2, 40, 12, 50}}
		for k := range tab.Base {
			tab.Cells = append(tab.Cells, disclosure.Cell{Parts: []int32{int32(k)}})
		}
		tab.Cells = append(tab.Cells, disclosure.Cell{Parts: []int32{0, 1, 2, 3, 4, 5}})
		st := dscMustProtect(t, tab, 9)
		if st[4] != disclosure.Hidden || dscCount(st, disclosure.Hidden) != 1 {
			t.Errorf("statuses %v, want only the month of 12 hidden", st)
		}
	})
	t.Run("TwoMunicipalities", func(t *testing.T) {
		g := dscNetwork([][]int64{{20, 30, 2, 40, 12, 50}, {100, 100, 100, 100, 100, 100}})
		st := dscMustProtect(t, g.t, 9)
		if n := dscCount(st, disclosure.Hidden); n > 3 {
			t.Errorf("%d hidden, want at most 3: %v", n, st)
		}
	})
}

func TestProtectRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 2026))
	for i := range 400 {
		thr := int64(disclosure.MinThreshold + r.IntN(6))
		tab := dscRandomTable(r, thr)
		st := dscMustProtect(t, tab, int(thr))
		again, _ := disclosure.Protect(tab, int(thr))
		if !slices.Equal(st, again) {
			t.Fatalf("table %d: not deterministic", i)
		}
		prim, _ := disclosure.Primary(tab, int(thr))
		for c, s := range st {
			var v, unknown int64
			for _, b := range tab.Cells[c].Parts {
				v += tab.Base[b]
				if tab.Known == nil || !tab.Known[b] {
					unknown++
				}
			}
			switch {
			case prim[c] != disclosure.Shown && s == disclosure.Shown:
				t.Fatalf("table %d cell %d: primary %v shown", i, c, prim[c])
			case s != disclosure.Shown && v == 0:
				t.Fatalf("table %d cell %d: zero suppressed", i, c)
			case s != disclosure.Shown && unknown == 0:
				t.Fatalf("table %d cell %d: reader's own cell suppressed", i, c)
			}
		}
		if t.Failed() {
			t.Fatalf("table %d: %+v thr %d", i, tab, thr)
		}
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		tab  disclosure.Table
		thr  int
		want error
	}{
		{"ThresholdBelowFive", disclosure.Table{Base: []int64{1}}, 4, disclosure.ErrThreshold},
		{"Negative", disclosure.Table{Base: []int64{-1}}, 9, disclosure.ErrTable},
		{"KnownLength", disclosure.Table{Base: []int64{1}, Known: []bool{}}, 9, disclosure.ErrTable},
		{"PartOutOfRange", disclosure.Table{Base: []int64{1}, Cells: []disclosure.Cell{{Parts: []int32{1}}}}, 9, disclosure.ErrTable},
		{"PartRepeated", disclosure.Table{Base: []int64{1}, Cells: []disclosure.Cell{{Parts: []int32{0, 0}}}}, 9, disclosure.ErrTable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := disclosure.Protect(tc.tab, tc.thr); !errors.Is(err, tc.want) {
				t.Errorf("Protect: %v, want %v", err, tc.want)
			}
		})
	}
}

// dscRandomUniverse is a small reader's universe shaped like indicator's
// build: a country of a few municipalities, two counties, a network and a
// saved group, over a few months, as a rate (num, den) summed over the
// year or a breakdown of categories with its total and rules; now and then
// read by a member municipality.
func dscRandomUniverse(r *rand.Rand) disclosure.Table {
	munis := 4 + r.IntN(7)
	periods := 1 + r.IntN(4)
	county := 2 + r.IntN(munis/2)
	groups := [][]int{dscRun(0, munis), dscRun(0, county), dscRun(county, munis-county),
		dscSpread(r, munis, 2+r.IntN(munis-2)), dscSpread(r, munis, 2+r.IntN(munis-2))}
	reader := -1
	if r.IntN(2) == 0 {
		reader = r.IntN(munis)
	}
	spec := dscUniverseSpec{munis: munis, periods: periods, groups: groups, reader: reader,
		small: 0.1 + 0.2*r.Float64(), zero: 0.1}
	if r.IntN(2) == 0 {
		spec.parts, spec.rate, spec.yearly = 2, true, periods > 1
	} else {
		cats := 3 + r.IntN(3)
		spec.parts, spec.breakOut = cats, true
		spec.rules = [][]int{{0, 1}, dscRun(1, cats-1)}
	}
	return dscUniverse(r, spec)
}

func TestProtectRandomUniverse(t *testing.T) {
	r := rand.New(rand.NewPCG(357, 2026))
	for i := range 120 {
		tab := dscRandomUniverse(r)
		st := dscMustProtect(t, tab, disclosure.DefaultThreshold)
		again, _ := disclosure.Protect(tab, disclosure.DefaultThreshold)
		if !slices.Equal(st, again) {
			t.Fatalf("universe %d: not deterministic", i)
		}
		if t.Failed() {
			t.Fatalf("universe %d: %d base counts, %d cells", i, len(tab.Base), len(tab.Cells))
		}
	}
}
