package disclosure

import (
	"errors"
	"fmt"
)

// DefaultThreshold is T when a network sets none: counts 1..9 are small.
const DefaultThreshold = 9

// MinThreshold is the lowest T a network may configure.
const MinThreshold = 5

// Errors returned by this package. ErrThreshold and ErrTable describe bad
// input; ErrInfeasible means the facts contradict each other, which for true
// counts and statuses made by Protect is a bug.
var (
	ErrThreshold  = errors.New("disclosure: threshold below minimum")
	ErrTable      = errors.New("disclosure: invalid table")
	ErrInfeasible = errors.New("disclosure: published facts are inconsistent")
)

// A Table is everything one reader may be shown for one indicator and
// year: base counts (one municipality × one period [× one category]) and
// cells, each the sum of a set of base counts (a municipality-month, a
// municipality's year total, a network's month total, a hand-made group's
// total, an outcome rule's sum of categories, …). Base counts themselves
// are never published; only cells are.
type Table struct {
	// Base holds the true base counts, all >= 0.
	Base []int64
	// Known marks the base counts the reader knows exactly (those of the
	// reader's own municipality). nil means none.
	Known []bool
	// Cells are what the page shows, each the sum of some base counts.
	Cells []Cell
}

// A Cell is published as the sum of its base counts.
type Cell struct {
	// Parts are indices into Table.Base, each at most once.
	Parts []int32
}

// Status is how a cell is published.
type Status uint8

const (
	// Shown: the exact value is published.
	Shown Status = iota
	// Small: published as «under T+1»; the reader learns 1 <= value <= T,
	// and, knowing the rule, that the part outside their own municipality
	// is at least 1.
	Small
	// Hidden: published as «not shown»; the reader learns only value >= 1
	// (Protect never hides a zero).
	Hidden
)

func (s Status) String() string {
	switch s {
	case Shown:
		return "shown"
	case Small:
		return "small"
	case Hidden:
		return "hidden"
	}
	return fmt.Sprintf("status(%d)", uint8(s))
}

// A Range is the set of integer values Lo..Hi a cell may still take given
// everything published to the reader. Open means no upper bound (Hi is then
// meaningless).
type Range struct {
	Lo, Hi int64
	Open   bool
}

// Pinned reports whether the range is a single value. For a sensitive cell
// (see Leaks) this is a disclosure.
func (r Range) Pinned() bool { return !r.Open && r.Lo == r.Hi }

func (r Range) String() string {
	if r.Open {
		return fmt.Sprintf("[%d,∞)", r.Lo)
	}
	return fmt.Sprintf("[%d,%d]", r.Lo, r.Hi)
}

// Validate reports the first problem with the table and threshold:
// ErrThreshold for T < MinThreshold, ErrTable for negative counts, a Known
// slice of the wrong length, or a part out of range or repeated in a cell.
func (t Table) Validate(threshold int) error {
	if threshold < MinThreshold {
		return fmt.Errorf("%w: %d < %d", ErrThreshold, threshold, MinThreshold)
	}
	if t.Known != nil && len(t.Known) != len(t.Base) {
		return fmt.Errorf("%w: %d known flags for %d base counts", ErrTable, len(t.Known), len(t.Base))
	}
	for i, v := range t.Base {
		if v < 0 {
			return fmt.Errorf("%w: base count %d is negative", ErrTable, i)
		}
		if v > 1<<50 {
			return fmt.Errorf("%w: base count %d is too large", ErrTable, i)
		}
	}
	seen := make([]int, len(t.Base))
	for c, cell := range t.Cells {
		for _, part := range cell.Parts {
			b := int(part)
			if b < 0 || b >= len(t.Base) {
				return fmt.Errorf("%w: cell %d: part %d out of range", ErrTable, c, b)
			}
			if seen[b] == c+1 {
				return fmt.Errorf("%w: cell %d: part %d repeated", ErrTable, c, b)
			}
			seen[b] = c + 1
		}
	}
	return nil
}

func (t Table) known(b int) bool { return t.Known != nil && t.Known[b] }

// value returns a cell's true value and the part of it the reader knows.
func (t Table) value(c int) (total, known int64) {
	for _, part := range t.Cells[c].Parts {
		b := int(part)
		total += t.Base[b]
		if t.known(b) {
			known += t.Base[b]
		}
	}
	return total, known
}

// sensitive reports whether a cell is protected for this reader: the part
// of it outside the reader's own municipality is a small count 1..T.
func (t Table) sensitive(c int, thr int64) bool {
	v, k := t.value(c)
	return v-k >= 1 && v-k <= thr
}
