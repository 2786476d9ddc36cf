package disclosure

import (
	"cmp"
	"fmt"
	"slices"
)

// maxTrials is how many candidate cells Protect tries, in order of
// preference, for the one whose suppression unpins a small cell before it
// settles for the most preferred one and looks again.
const maxTrials = 6

// Primary returns the primary suppression alone: a cell whose part outside
// the reader's own municipality is 1..T is Small (or Hidden when the whole
// cell, with the reader's own counts, is above T); every other cell is
// Shown. It does not protect against subtraction: use Protect. It is
// exported so that callers and tests can see what secondary suppression
// adds.
func Primary(t Table, threshold int) ([]Status, error) {
	if err := t.Validate(threshold); err != nil {
		return nil, err
	}
	thr := int64(threshold)
	st := make([]Status, len(t.Cells))
	for c := range t.Cells {
		v, _ := t.value(c)
		if t.sensitive(c, thr) {
			st[c] = Small
			if v > thr {
				st[c] = Hidden
			}
		}
	}
	return st, nil
}

// Protect returns one status per cell such that Audit finds no sensitive
// cell pinned: primary suppression, then secondary suppression chosen with
// the audit's own linear programs. For each sensitive cell in index order
// it asks whether the reader can pin it; if so, it takes the published
// cells the proof rests on (the LP's binding bounds and equations, traced
// back through presolve) and hides one of them, preferring a shown cell
// with the smallest value above T, then a shown cell of the reader's own
// counts, then turning another small cell into a hidden one, and among
// those the first (up to maxTrials) whose suppression alone a
// neighbourhood LP proves to unpin the cell (else a total above it). Hiding only removes knowledge, so a cell once unpinned stays
// unpinned and one pass suffices. The result depends only on the table
// (ties go to the lower cell index). Zero cells and cells the reader knows
// entirely are never hidden.
//
// Errors: those of Validate, and ErrInfeasible or a simplex failure, which
// are bugs.
func Protect(t Table, threshold int) ([]Status, error) {
	st, err := Primary(t, threshold)
	if err != nil {
		return nil, err
	}
	thr := int64(threshold)
	m, err := newModel(t, st, thr)
	if err != nil {
		return nil, err
	}
	for p := range t.Cells {
		if !t.sensitive(p, thr) {
			continue
		}
		if m, err = protectCell(t, st, thr, p, m); err != nil {
			return nil, fmt.Errorf("disclosure: protect cell %d: %w", p, err)
		}
	}
	return st, nil
}

// protectCell suppresses cells until p is not pinned. m is the model of
// st; it returns the model of the statuses it leaves.
func protectCell(t Table, st []Status, thr int64, p int, m *model) (*model, error) {
	v, _ := t.value(p)
	for {
		pinned, bind, err := m.pinned(p, float64(v))
		if err != nil || !pinned {
			return m, err
		}
		cands := candidates(t, st, thr, p, bind)
		if len(cands) == 0 {
			cands = fallback(t, st, thr, p)
		}
		if len(cands) == 0 {
			return nil, fmt.Errorf("%w: nothing left to suppress", ErrInfeasible)
		}
		// Try the most preferred candidates and every cell that contains one
		// of p's free base counts (the totals above it); take the first
		// whose suppression alone unpins p. If none does, hide the most
		// preferred total above p (or else the most preferred cell) and
		// look again: hiding a sibling that other cells still pin does
		// nothing, hiding a total above p always removes an equation on p.
		var trials []int
		container := -1
		for i, c := range cands {
			if m.shares(c, p) {
				if container < 0 {
					container = c
				}
				trials = append(trials, c)
			} else if i < maxTrials {
				trials = append(trials, c)
			}
		}
		chosen := cands[0]
		if container >= 0 {
			chosen = container
		}
		// A trial counts only when a neighbourhood LP proves p unpinned:
		// proving that a trial leaves p pinned would take the whole
		// component's LP, and hiding the preferred cell is safe anyway
		// (the loop asks again).
		for _, c := range trials {
			u, err := m.try(c)
			if err != nil {
				return nil, err
			}
			ok, err := m.loose(p, float64(v))
			if err != nil {
				return nil, err
			}
			if ok {
				st[c] = Hidden
				m.keep()
				return m, nil
			}
			m.undo(u)
		}
		st[chosen] = Hidden
		if err := m.hide(chosen); err != nil {
			return nil, err
		}
	}
}

// hideable reports whether hiding cell c could take knowledge away: it is
// published (shown or small), not zero, and not known to the reader whole.
func hideable(t Table, st []Status, c int) bool {
	if st[c] == Hidden {
		return false
	}
	v, k := t.value(c)
	if v == 0 {
		return false
	}
	for _, part := range t.Cells[c].Parts {
		b := int(part)
		if !t.known(b) {
			return true
		}
	}
	return k != v
}

// rank orders candidates: shown above T by value, shown own counts by
// value, other small cells, the pinned cell itself; then by index.
func rank(t Table, st []Status, thr int64, p int, cells []int) []int {
	class := func(c int) int {
		v, _ := t.value(c)
		switch {
		case st[c] == Shown && v > thr:
			return 0
		case st[c] == Shown:
			return 1
		case c != p:
			return 2
		}
		return 3
	}
	slices.SortFunc(cells, func(a, b int) int {
		va, _ := t.value(a)
		vb, _ := t.value(b)
		return cmp.Or(cmp.Compare(class(a), class(b)), cmp.Compare(va, vb), cmp.Compare(a, b))
	})
	return cells
}

func candidates(t Table, st []Status, thr int64, p int, bind []int32) []int {
	var cells []int
	for _, c := range bind {
		if hideable(t, st, int(c)) {
			cells = append(cells, int(c))
		}
	}
	return rank(t, st, thr, p, cells)
}

// fallback is used when no binding fact can be suppressed: cells sharing a
// base count with p, else any. Suppressing every nonzero cell the reader
// does not know whole leaves each sensitive cell unbounded above, so
// repeating this always ends.
func fallback(t Table, st []Status, thr int64, p int) []int {
	in := map[int]bool{}
	for _, part := range t.Cells[p].Parts {
		b := int(part)
		in[b] = true
	}
	var near, far []int
	for c, cell := range t.Cells {
		if !hideable(t, st, c) {
			continue
		}
		shares := false
		for _, part := range cell.Parts {
			b := int(part)
			if in[b] {
				shares = true
				break
			}
		}
		if shares {
			near = append(near, c)
		} else {
			far = append(far, c)
		}
	}
	if len(near) > 0 {
		return rank(t, st, thr, p, near)
	}
	return rank(t, st, thr, p, far)
}
