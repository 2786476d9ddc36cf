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
	sh         *shared // what every model of one table shares
	done       []bool  // presolve has turned the cell into bounds
	fixedCells []bool  // cell value is a constant for the reader

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
	log      *undoLog         // records presolve's changes while a hide is tried
	full     map[int]*localLP // free base count → LP of its whole component
	fullLPs  []*localLP
}

type component struct {
	cols []int       // model columns, local index = position
	loc  map[int]int // model column → local index
	lp   *simplex
}

// shared is what the models of one table have in common.
type shared struct {
	cellsOf [][]int32 // base count → cells it is a part of
	val, kn []int64   // cell → true value, part known to the reader
	pool    tabPool
	dep     [][]int32 // cell → base counts whose bound may rest on it (a superset)
	inQueue []bool    // presolve scratch, all false between calls
	mark    []int32   // scratch for provenance unions
	gen     int32
	sets    set // scratch for newSet
	// eqSums' cache, valid for version ver of the model.
	ver             int32
	eqVer           []int32
	eqFixed, eqFree []float64
}

// newSet returns an empty set of base counts. It shares its marks with
// every other set of the model, so only one may be in use at a time.
func (sh *shared) newSet(n int) *set {
	if sh.sets.mark == nil {
		sh.sets.mark = make([]int32, n)
	}
	sh.sets.gen++
	return &set{mark: sh.sets.mark, gen: sh.sets.gen}
}

// interval is what the reader learns about a cell's sum from its status.
func (m *model) interval(c int) (float64, float64) {
	v, k := m.sh.val[c], m.sh.kn[c]
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
	sh := &shared{cellsOf: cellsOf(t), val: make([]int64, nc), kn: make([]int64, nc),
		inQueue: make([]bool, nc), mark: make([]int32, nc), dep: make([][]int32, nc),
		ver: 1, eqVer: make([]int32, nc), eqFixed: make([]float64, nc), eqFree: make([]float64, nc)}
	for c := range t.Cells {
		sh.val[c], sh.kn[c] = t.value(c)
	}
	m := &model{t: t, thr: thr, st: slices.Clone(st), sh: sh,
		lo: make([]float64, nb), up: make([]float64, nb),
		loSrc: make([][]int32, nb), upSrc: make([][]int32, nb),
		done: make([]bool, nc), solved: map[int]*component{}}
	for b, v := range t.Base {
		if t.known(b) {
			m.lo[b], m.up[b] = float64(v), float64(v)
		} else {
			m.up[b], m.upSrc[b] = m.initialUp(b)
			m.depends(b, m.upSrc[b])
		}
	}
	for b := range m.lo {
		if m.lo[b] > m.up[b] {
			return nil, ErrInfeasible
		}
	}
	queue := make([]int32, nc)
	for c := range queue {
		queue[c] = int32(c)
		m.sh.inQueue[c] = true
	}
	if err := m.presolve(queue); err != nil {
		return nil, err
	}
	return m, nil
}

// cellsOf lists, per base count, the cells it is a part of.
func cellsOf(t Table) [][]int32 {
	out := make([][]int32, len(t.Base))
	for c, cell := range t.Cells {
		for _, part := range cell.Parts {
			b := int(part)
			out[b] = append(out[b], int32(c))
		}
	}
	return out
}

// initialUp is the upper bound of an unknown base count before presolve:
// a part is at most its cell's upper bound, since no count is negative.
func (m *model) initialUp(b int) (float64, []int32) {
	up, src := math.Inf(1), []int32(nil)
	for _, c := range m.sh.cellsOf[b] {
		if _, u := m.interval(int(c)); u < up {
			up, src = u, []int32{c}
		}
	}
	return up, src
}

// An undoLog holds what a tried hide changed, to put it back.
type undoLog struct {
	cell   int
	st     Status
	bounds []boundRec
	done   []int32 // cells whose done flag was set (false → true or back)
	doneV  []bool  // their previous values
}

type boundRec struct {
	b            int
	lo, up       float64
	loSrc, upSrc []int32
}

func (m *model) saveBounds(b int) {
	if m.log != nil {
		m.log.bounds = append(m.log.bounds, boundRec{b, m.lo[b], m.up[b], m.loSrc[b], m.upSrc[b]})
	}
}

func (m *model) setDone(c int32, v bool) {
	if m.log != nil && m.done[c] != v {
		m.log.done = append(m.log.done, c)
		m.log.doneV = append(m.log.doneV, m.done[c])
	}
	m.done[c] = v
}

// hide hides cell c for good: m becomes the model of the statuses with c
// hidden, and its LPs are dropped.
func (m *model) hide(c int) error {
	if _, err := m.try(c); err != nil {
		return err
	}
	m.keep()
	return nil
}

// keep makes a tried hide final: the LPs of the statuses before it go.
func (m *model) keep() {
	m.release()
	m.colOf, m.solved, m.colLo, m.colUp, m.colX, m.colCell = nil, map[int]*component{}, nil, nil, nil, nil
	m.colLoSrc, m.colUpSrc, m.rows, m.rowCol, m.comp = nil, nil, nil, nil, nil
}

// try hides cell c in place and returns what undo needs to put m back.
// Hiding only takes a fact away, so every bound whose provenance does not
// include c still holds; the others are reset to what the reader knows
// before presolve and presolve runs again on the cells they touch. The
// LPs m has solved are left alone: they are of the statuses before c was
// hidden, and only valid again after undo.
func (m *model) try(c int) (*undoLog, error) {
	u := &undoLog{cell: c, st: m.st[c]}
	m.sh.ver++
	m.log = u
	defer func() { m.log = nil }()
	m.st[c] = Hidden
	cc := int32(c)
	var queue []int32
	inQ := m.sh.inQueue
	push := func(x int32) {
		if !inQ[x] {
			inQ[x] = true
			m.setDone(x, false)
			queue = append(queue, x)
		}
	}
	push(cc)
	deps := m.sh.dep[c]
	for _, b32 := range deps[:len(deps):len(deps)] {
		b := int(b32)
		_, inLo := slices.BinarySearch(m.loSrc[b], cc)
		_, inUp := slices.BinarySearch(m.upSrc[b], cc)
		if !inLo && !inUp {
			continue
		}
		m.saveBounds(b)
		if inLo {
			m.lo[b], m.loSrc[b] = 0, nil
		}
		if inUp {
			m.up[b], m.upSrc[b] = m.initialUp(b)
			m.depends(b, m.upSrc[b])
		}
		for _, x := range m.sh.cellsOf[b] {
			push(x)
		}
	}
	slices.Sort(queue)
	if err := m.presolve(queue); err != nil {
		for _, x := range queue {
			inQ[x] = false
		}
		m.log = nil
		m.undo(u)
		return nil, err
	}
	return u, nil
}

// undo puts back what try changed.
func (m *model) undo(u *undoLog) {
	m.sh.ver++
	for i := len(u.bounds) - 1; i >= 0; i-- {
		r := u.bounds[i]
		m.lo[r.b], m.up[r.b], m.loSrc[r.b], m.upSrc[r.b] = r.lo, r.up, r.loSrc, r.upSrc
	}
	for i := len(u.done) - 1; i >= 0; i-- {
		m.done[u.done[i]] = u.doneV[i]
	}
	m.st[u.cell] = u.st
}

// depends notes that the bound of base count b rests on the cells in src.
func (m *model) depends(b int, src []int32) {
	for _, c := range src {
		if d := m.sh.dep[c]; len(d) == 0 || d[len(d)-1] != int32(b) {
			m.sh.dep[c] = append(d, int32(b))
		}
	}
}

func (m *model) fixed(b int) bool { return m.lo[b] == m.up[b] }

// union returns the provenance {c} ∪ bounds of the fixed parts of c.
func (m *model) union(c int, extra ...[]int32) []int32 {
	m.sh.gen++
	gen, mark := m.sh.gen, m.sh.mark
	out := []int32{int32(c)}
	mark[c] = gen
	add := func(src []int32) {
		for _, x := range src {
			if mark[x] != gen {
				mark[x] = gen
				out = append(out, x)
			}
		}
	}
	for _, part := range m.t.Cells[c].Parts {
		b := int(part)
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

// presolve turns every queued cell with at most one free part into bounds
// on that part; a part that becomes fixed queues the cells it is in, until
// nothing more becomes fixed. Provenance lists are kept sorted.
func (m *model) presolve(queue []int32) error {
	for len(queue) > 0 {
		c := int(queue[0])
		queue = queue[1:]
		m.sh.inQueue[c] = false
		if m.done[c] {
			continue
		}
		free, nfree, off := -1, 0, 0.0
		for _, part := range m.t.Cells[c].Parts {
			b := int(part)
			if m.fixed(b) {
				off += m.lo[b]
			} else {
				free, nfree = b, nfree+1
			}
		}
		if nfree > 1 {
			continue
		}
		m.setDone(int32(c), true)
		l, u := m.interval(c)
		if nfree == 0 {
			if off < l-feasTol || off > u+feasTol {
				return ErrInfeasible
			}
			continue
		}
		var src []int32
		if l-off > m.lo[free] || u-off < m.up[free] {
			m.saveBounds(free)
		}
		if l-off > m.lo[free] {
			src = m.union(c)
			m.lo[free], m.loSrc[free] = l-off, src
			m.depends(free, src)
		}
		if u-off < m.up[free] {
			if src == nil {
				src = m.union(c)
			}
			m.up[free], m.upSrc[free] = u-off, src
			m.depends(free, src)
		}
		if m.lo[free] > m.up[free]+feasTol {
			return ErrInfeasible
		}
		if m.up[free]-m.lo[free] <= feasTol {
			if m.up[free] != m.lo[free] {
				m.saveBounds(free)
			}
			m.up[free] = m.lo[free]
			for _, x := range m.sh.cellsOf[free] {
				if !m.done[x] && !m.sh.inQueue[x] {
					m.sh.inQueue[x] = true
					queue = append(queue, x)
				}
			}
		}
	}
	return nil
}

func (m *model) buildColumns() {
	nb, nc := len(m.t.Base), len(m.t.Cells)
	m.fixedCells, m.cellCol, m.cellOff = make([]bool, nc), make([]int, nc), make([]float64, nc)
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
		for _, part := range cell.Parts {
			b := int(part)
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
	s, err := newSimplex(lo, up, x0, rows, basic, &m.sh.pool)
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
	if m.colOf == nil {
		m.buildColumns()
	}
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
	for _, part := range m.t.Cells[p].Parts {
		b := int(part)
		if m.t.known(b) {
			continue
		}
		if slices.Contains(m.t.Cells[c].Parts, int32(b)) {
			return true
		}
	}
	return false
}

// release returns the tableaux of m's LPs to the pool; m must not be
// asked again.
func (m *model) release() {
	for _, cp := range m.solved {
		m.sh.pool.put(cp.lp.t)
	}
	for _, lp := range m.fullLPs {
		m.sh.pool.put(lp.s.t)
	}
	m.full, m.fullLPs = nil, nil
	m.solved = map[int]*component{}
}
