package disclosure_test

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/samvirke/samvirke/internal/disclosure"
)

func TestAuditRanges(t *testing.T) {
	tab := disclosure.Table{Base: []int64{4, 30, 6, 5}, Cells: []disclosure.Cell{
		{Parts: []int32{0}}, {Parts: []int32{1}}, {Parts: []int32{0, 1}}, // 0: small, 1: hidden, total 34
		{Parts: []int32{2}}, {Parts: []int32{3}}, {Parts: []int32{2, 3}}, // two small, total 11
	}}
	st := []disclosure.Status{disclosure.Small, disclosure.Hidden, disclosure.Shown,
		disclosure.Small, disclosure.Small, disclosure.Shown}
	rs, err := disclosure.Audit(tab, st, 9)
	if err != nil {
		t.Fatal(err)
	}
	want := []disclosure.Range{{Lo: 1, Hi: 9}, {Lo: 25, Hi: 33}, {Lo: 34, Hi: 34}, {Lo: 2, Hi: 9}, {Lo: 2, Hi: 9}, {Lo: 11, Hi: 11}}
	for c := range want {
		if rs[c] != want[c] {
			t.Errorf("cell %d: %v, want %v", c, rs[c], want[c])
		}
	}
	open := disclosure.Table{Base: []int64{4, 30}, Cells: []disclosure.Cell{{Parts: []int32{0}}, {Parts: []int32{1}}}}
	rs, err = disclosure.Audit(open, []disclosure.Status{disclosure.Small, disclosure.Hidden}, 9)
	if err != nil || !rs[1].Open || rs[1].Lo != 1 {
		t.Errorf("lone hidden cell: %v %v, want [1,∞)", rs, err)
	}
}

func TestAuditInconsistent(t *testing.T) {
	tab := disclosure.Table{Base: []int64{20, 0}, Cells: []disclosure.Cell{{Parts: []int32{0}}, {Parts: []int32{1}}}}
	for _, st := range [][]disclosure.Status{{disclosure.Small, disclosure.Shown}, {disclosure.Shown, disclosure.Hidden}} {
		if _, err := disclosure.Audit(tab, st, 9); !errors.Is(err, disclosure.ErrInfeasible) {
			t.Errorf("statuses %v: %v, want ErrInfeasible", st, err)
		}
	}
}

// The audit is sound: every integer solution found by brute force over
// small base counts lies within the audited range of every cell.
func TestAuditBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	const thr, limit = 5, 13
	for i := range 300 {
		nb := 2 + r.IntN(3)
		tab := disclosure.Table{}
		for range nb {
			tab.Base = append(tab.Base, r.Int64N(limit))
		}
		for range 2 + r.IntN(4) {
			var parts []int32
			for b := range nb {
				if r.IntN(2) == 0 {
					parts = append(parts, int32(b))
				}
			}
			if len(parts) > 0 {
				tab.Cells = append(tab.Cells, disclosure.Cell{Parts: parts})
			}
		}
		if r.IntN(3) == 0 {
			tab.Known = make([]bool, nb)
			tab.Known[0] = true
		}
		st, err := disclosure.Primary(tab, thr)
		if err != nil {
			t.Fatal(err)
		}
		for c := range st { // hide some more nonzero cells at random
			if v := dscSum(tab, c); v > 0 && r.IntN(3) == 0 {
				st[c] = disclosure.Hidden
			}
		}
		rs, err := disclosure.Audit(tab, st, thr)
		if err != nil {
			t.Fatalf("table %d %+v: %v", i, tab, err)
		}
		x := make([]int64, nb)
		var walk func(b int)
		walk = func(b int) {
			if b == nb {
				if !dscConsistent(tab, st, thr, x) {
					return
				}
				for c := range tab.Cells {
					var v int64
					for _, p := range tab.Cells[c].Parts {
						v += x[p]
					}
					if v < rs[c].Lo || (!rs[c].Open && v > rs[c].Hi) {
						t.Fatalf("table %d %+v statuses %v: cell %d can be %d outside %v", i, tab, st, c, v, rs[c])
					}
				}
				return
			}
			for v := range int64(2 * limit) {
				x[b] = v
				walk(b + 1)
			}
		}
		walk(0)
	}
}

func dscSum(tab disclosure.Table, c int) int64 {
	var v int64
	for _, b := range tab.Cells[c].Parts {
		v += tab.Base[b]
	}
	return v
}

// dscConsistent reports whether base counts x agree with everything
// published: known counts, shown sums, small and hidden cells.
func dscConsistent(tab disclosure.Table, st []disclosure.Status, thr int64, x []int64) bool {
	for b := range x {
		if tab.Known != nil && tab.Known[b] && x[b] != tab.Base[b] {
			return false
		}
	}
	for c, cell := range tab.Cells {
		var v, k int64
		for _, b := range cell.Parts {
			v += x[b]
			if tab.Known != nil && tab.Known[b] {
				k += x[b]
			}
		}
		switch st[c] {
		case disclosure.Shown:
			if v != dscSum(tab, c) {
				return false
			}
		case disclosure.Small:
			if v < 1 || v > thr || v-k < 1 {
				return false
			}
		case disclosure.Hidden:
			if v < 1 {
				return false
			}
		}
	}
	return true
}
