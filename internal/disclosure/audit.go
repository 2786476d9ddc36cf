package disclosure

import (
	"fmt"
	"math"
)

// Audit returns, per cell, the range of integer values consistent with
// everything the statuses publish to the reader (see the package doc for
// the facts used), from linear programming rounded inward: Lo = ⌈LP min⌉,
// Hi = ⌊LP max⌋, Open when the LP is unbounded above. Shown cells get their
// own value. A true value outside its range would be a bug and is reported
// as ErrInfeasible, as are statuses that contradict the counts (a Small
// cell above T, a Hidden zero).
func Audit(t Table, st []Status, threshold int) ([]Range, error) {
	if err := t.Validate(threshold); err != nil {
		return nil, err
	}
	if len(st) != len(t.Cells) {
		return nil, fmt.Errorf("%w: %d statuses for %d cells", ErrTable, len(st), len(t.Cells))
	}
	m, err := newModel(t, st, int64(threshold))
	if err != nil {
		return nil, err
	}
	out := make([]Range, len(t.Cells))
	for c := range t.Cells {
		v, _ := t.value(c)
		if st[c] == Shown {
			out[c] = Range{Lo: v, Hi: v}
			continue
		}
		lo, hi, _, _, err := m.bounds(c, false, 0)
		if err != nil {
			return nil, fmt.Errorf("disclosure: audit cell %d: %w", c, err)
		}
		r := Range{Lo: int64(math.Ceil(lo - feasTol))}
		if math.IsInf(hi, 1) {
			r.Open = true
			r.Hi = math.MaxInt64
		} else {
			r.Hi = int64(math.Floor(hi + feasTol))
		}
		if v < r.Lo || v > r.Hi {
			return nil, fmt.Errorf("%w: cell %d value %d outside its range %v", ErrInfeasible, c, v, r)
		}
		out[c] = r
	}
	return out, nil
}

// Leaks returns the indices of the sensitive cells Audit finds pinned: the
// cells whose part outside the reader's own municipality is 1..T and whose
// value the reader can compute exactly. Protect's output has none.
func Leaks(t Table, st []Status, threshold int) ([]int, error) {
	rs, err := Audit(t, st, threshold)
	if err != nil {
		return nil, err
	}
	var out []int
	for c, r := range rs {
		if r.Pinned() && t.sensitive(c, int64(threshold)) {
			out = append(out, c)
		}
	}
	return out, nil
}
