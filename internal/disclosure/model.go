package disclosure

import (
	"math"
	"slices"
)

// A model is what one reader knows, as bounds and equations over the base
// counts, after presolve: base counts pinned by what is published (the
// reader's own, a shown single-part cell, a shown zero, a cell whose other
// parts are pinned) become constants, so the linear programs only carry
// the few base counts that are still free. Each bound and equation keeps
// its provenance: the cells whose publication it rests on, which tells
// Protect what to hide when a small cell turns out pinned.
type model struct {
	t   Table
	thr int64
	st  []Status

	lo, up     []float64 // per base count
	loSrc      [][]int32 // provenance of each bound (cell indices)
	upSrc      [][]int32
	fixedCells []bool // cell value is a constant for the reader

	// LP columns: free base counts first, then one per multi-part cell.
	colOf    []int // base count → column, -1 if fixed
	cellCol  []int // cell → column of its (free part of the) value, -1 if constant
	cellOff  []float64
	colLo    []float64
	colUp    []float64
	colX     []float64 // true value of each column
	colCell  []int     // cell of a cell-sum column, -1 for a base count
	colLoSrc [][]int32
	colUpSrc [][]int32
	rows     []lpRow
	rowCol   []int // the cell-sum column of each row
	comp     []int // column → component
	solved   map[int]*component
	mark     []int32 // scratch for provenance unions
	gen      int32
}

type component struct {
	cols []int       // model columns, local index = position
	loc  map[int]int // model column → local index
	lp   *simplex
}

// interval is what the reader learns about a cell's sum from its status.
func (m *model) interval(c int) (float64, float64) {
	v, k := m.t.value(c)
	switch m.st[c] {
	case Small:
		return float64(k + 1), float64(m.thr)
	case Hidden:
		return 1, math.Inf(1)
	}
	return float64(v), float64(v)
}

func newModel(t Table, st []Status, thr int64) (*model, error) {
	nb, nc := len(t.Base), len(t.Cells)
	m := &model{t: t, thr: thr, st: st,
		lo: make([]float64, nb), up: make([]float64, nb),
		loSrc: make([][]int32, nb), upSrc: make([][]int32, nb),
		fixedCells: make([]bool, nc), cellCol: make([]int, nc), cellOff: make([]float64, nc),
		mark: make([]int32, nc), solved: map[int]*component{}}
	for b, v := range t.Base {
		if t.known(b) {
			m.lo[b], m.up[b] = float64(v), float64(v)
		} else {
			m.up[b] = math.Inf(1)
		}
	}
	// A part is at most its cell's upper bound, since no count is negative.
	for c, cell := range t.Cells {
		_, u := m.interval(c)
		for _, b := range cell.Parts {
			if u < m.up[b] {
				m.up[b], m.upSrc[b] = u, []int32{int32(c)}
			}
		}
	}
	for b := range m.lo {
		if m.lo[b] > m.up[b] {
			return nil, ErrInfeasible
		}
	}
	if err := m.presolve(); err != nil {
		return nil, err
	}
	m.buildColumns()
	return m, nil
}

func (m *model) fixed(b int) bool { return m.lo[b] == m.up[b] }

// union returns the provenance {c} ∪ bounds of the fixed parts of c.
func (m *model) union(c int, extra ...[]int32) []int32 {
	m.gen++
	out := []int32{int32(c)}
	m.mark[c] = m.gen
	add := func(src []int32) {
		for _, x := range src {
			if m.mark[x] != m.gen {
				m.mark[x] = m.gen
				out = append(out, x)
			}
		}
	}
	for _, b := range m.t.Cells[c].Parts {
		if m.fixed(b) {
			add(m.loSrc[b])
			add(m.upSrc[b])
		}
	}
	for _, e := range extra {
		add(e)
	}
	slices.Sort(out)
	return out
}

// presolve turns every cell with at most one free part into bounds on that
// part, repeating until nothing more becomes fixed.
func (m *model) presolve() error {
	done := make([]bool, len(m.t.Cells))
	for changed := true; changed; {
		changed = false
		for c, cell := range m.t.Cells {
			if done[c] {
				continue
			}
			free, nfree, off := -1, 0, 0.0
			for _, b := range cell.Parts {
				if m.fixed(b) {
					off += m.lo[b]
				} else {
					free, nfree = b, nfree+1
				}
			}
			if nfree > 1 {
				continue
			}
			done[c] = true
			l, u := m.interval(c)
			if nfree == 0 {
				if off < l-feasTol || off > u+feasTol {
					return ErrInfeasible
				}
				continue
			}
			var src []int32
			if l-off > m.lo[free] {
				src = m.union(c)
				m.lo[free], m.loSrc[free] = l-off, src
			}
			if u-off < m.up[free] {
				if src == nil {
					src = m.union(c)
				}
				m.up[free], m.upSrc[free] = u-off, src
			}
			if m.lo[free] > m.up[free]+feasTol {
				return ErrInfeasible
			}
			if m.up[free]-m.lo[free] <= feasTol {
				m.up[free] = m.lo[free]
				changed = true
			}
		}
	}
	return nil
}

func (m *model) buildColumns() {
	nb := len(m.t.Base)
	m.colOf = make([]int, nb)
	for b := range m.colOf {
		m.colOf[b] = -1
		if !m.fixed(b) {
			m.colOf[b] = len(m.colLo)
			m.colLo = append(m.colLo, m.lo[b])
			m.colUp = append(m.colUp, m.up[b])
			m.colX = append(m.colX, float64(m.t.Base[b]))
			m.colCell = append(m.colCell, -1)
			m.colLoSrc = append(m.colLoSrc, m.loSrc[b])
			m.colUpSrc = append(m.colUpSrc, m.upSrc[b])
		}
	}
	for c, cell := range m.t.Cells {
		var free []int
		off, x := 0.0, 0.0
		for _, b := range cell.Parts {
			if m.fixed(b) {
				off += m.lo[b]
			} else {
				free = append(free, m.colOf[b])
				x += float64(m.t.Base[b])
			}
		}
		m.cellOff[c] = off
		switch len(free) {
		case 0:
			m.cellCol[c], m.fixedCells[c] = -1, true
		case 1:
			m.cellCol[c] = free[0]
		default:
			// free parts − s = 0 with s ∈ interval − off.
			l, u := m.interval(c)
			s := len(m.colLo)
			m.colLo = append(m.colLo, l-off)
			m.colUp = append(m.colUp, u-off)
			m.colX = append(m.colX, x)
			m.colLoSrc = append(m.colLoSrc, nil) // m.union(c), computed when needed
			m.colUpSrc = append(m.colUpSrc, nil)
			m.colCell = append(m.colCell, c)
			coef := make([]float64, len(free)+1)
			for i := range free {
				coef[i] = 1
			}
			coef[len(free)] = -1
			m.rows = append(m.rows, lpRow{cols: append(free, s), coef: coef})
			m.rowCol = append(m.rowCol, s)
			m.cellCol[c] = s
		}
	}
	// Components: columns linked by a shared equation.
	parent := make([]int, len(m.colLo))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for _, r := range m.rows {
		a := find(r.cols[0])
		for _, j := range r.cols[1:] {
			if b := find(j); b != a {
				parent[b] = a
			}
		}
	}
	m.comp = make([]int, len(parent))
	for i := range parent {
		m.comp[i] = find(i)
	}
}

// component returns the phase-1-solved LP of the component holding column
// col.
func (m *model) component(col int) (*component, error) {
	root := m.comp[col]
	if cp, ok := m.solved[root]; ok {
		return cp, nil
	}
	cp := &component{loc: map[int]int{}}
	for j, r := range m.comp {
		if r == root {
			cp.loc[j] = len(cp.cols)
			cp.cols = append(cp.cols, j)
		}
	}
	lo := make([]float64, len(cp.cols))
	up := make([]float64, len(cp.cols))
	x0 := make([]float64, len(cp.cols))
	for i, j := range cp.cols {
		lo[i], up[i], x0[i] = m.colLo[j], m.colUp[j], m.colX[j]
	}
	var rows []lpRow
	var basic []int
	for i, r := range m.rows {
		if m.comp[r.cols[0]] != root {
			continue
		}
		lr := lpRow{cols: make([]int, len(r.cols)), coef: r.coef}
		for k, j := range r.cols {
			lr.cols[k] = cp.loc[j]
		}
		rows = append(rows, lr)
		basic = append(basic, cp.loc[m.rowCol[i]])
	}
	s, err := newSimplex(lo, up, x0, rows, basic)
	if err != nil {
		return nil, err
	}
	cp.lp = s
	m.solved[root] = cp
	return cp, nil
}

// bounds returns the LP minimum and maximum of a cell's value (max +Inf if
// unbounded). With stopBelow/stopAbove set, it stops early once the value
// is known to reach them; optimal reports whether both ends are exact.
func (m *model) bounds(c int, stop bool, v float64) (lo, hi float64, pinned bool, bind []int32, err error) {
	if m.fixedCells[c] {
		return m.cellOff[c], m.cellOff[c], true, m.union(c), nil
	}
	col := m.cellCol[c]
	cp, err := m.component(col)
	if err != nil {
		return 0, 0, false, nil, err
	}
	j := cp.loc[col]
	off := m.cellOff[c]
	var stopHi, stopLo func(float64) bool
	if stop {
		stopHi = func(x float64) bool { return x+off >= v+1-feasTol }
		stopLo = func(x float64) bool { return x+off <= v-1+feasTol }
	}
	var seen []int32
	collect := func() {
		cp.lp.binding(func(k int, atUp bool) {
			if c := m.colCell[cp.cols[k]]; c >= 0 {
				seen = append(seen, m.union(c)...)
			} else if atUp {
				seen = append(seen, m.colUpSrc[cp.cols[k]]...)
			} else {
				seen = append(seen, m.colLoSrc[cp.cols[k]]...)
			}
		})
	}
	hi, optHi, err := cp.lp.extremum(j, -1, stopHi)
	switch {
	case err == errUnbounded:
		hi, optHi = math.Inf(1), false
	case err != nil:
		return 0, 0, false, nil, err
	}
	hi += off
	if stop && !optHi {
		return 0, hi, false, nil, nil
	}
	if optHi {
		collect()
	}
	lo, optLo, err := cp.lp.extremum(j, 1, stopLo)
	if err != nil {
		return 0, 0, false, nil, err
	}
	lo += off
	if stop && !optLo {
		return lo, hi, false, nil, nil
	}
	collect()
	slices.Sort(seen)
	return lo, hi, true, slices.Compact(seen), nil
}

// shares reports whether cell c contains a base count of cell p that the
// reader does not know.
func (m *model) shares(c, p int) bool {
	for _, b := range m.t.Cells[p].Parts {
		if m.t.known(b) {
			continue
		}
		if slices.Contains(m.t.Cells[c].Parts, b) {
			return true
		}
	}
	return false
}
