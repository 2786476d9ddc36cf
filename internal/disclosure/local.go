package disclosure

import (
	"math"
	"slices"
)

// pinned reports whether cell p, of true value v, is pinned for the reader
// (its LP range holds no other integer) and, if so, the cells the proof
// rests on. It solves the LP on a neighbourhood of p instead of p's whole
// component: the free base counts in N (at first p's own), every equation
// (a cell with two or more free parts) that contains one of them, and the
// other free parts of those equations held at their true values.
//
// That LP is a restriction of the full one (the true counts satisfy every
// equation left out), so a value it reaches is reachable: p is not pinned.
// When it finds an optimum, its dual extended by zeros is feasible for the
// full LP — the columns left out appear only in equations left out, with
// zero cost — provided no held column props the optimum up, unless it sits
// at a bound of its own that is a real fact; then the optimum is the full
// LP's and its binding facts are a proof. Otherwise the held columns that
// prop it up join N and the LP is solved again, at worst on the whole
// component.
func (m *model) pinned(p int, v float64) (bool, []int32, error) {
	pinned, bind, _, err := m.pinnedLocal(p, v, true)
	return pinned, bind, err
}

// loose reports whether a neighbourhood LP shows p not pinned: true is a
// proof, false means pinned or not known.
func (m *model) loose(p int, v float64) (bool, error) {
	pinned, _, settled, err := m.pinnedLocal(p, v, false)
	return settled && !pinned, err
}

// pinnedLocal is pinned; with exact false it gives up (settled false) when
// the neighbourhoods do not settle the question instead of solving the
// whole component.
func (m *model) pinnedLocal(p int, v float64, exact bool) (pinned bool, bind []int32, settled bool, err error) {
	var n []int
	inN := m.sh.newSet(len(m.t.Base))
	for _, part := range m.t.Cells[p].Parts {
		b := int(part)
		if !m.fixed(b) {
			n = append(n, b)
			inN.add(b)
		}
	}
	if len(n) == 0 {
		return true, m.union(p), true, nil
	}
	rounds := localRounds
	if !exact {
		rounds = looseRounds
	}
	for range rounds {
		lp := m.localLP(p, n, inN)
		if lp.s == nil {
			return false, nil, true, lp.err
		}
		pinned, bind, grow, err := m.solve(lp, v, inN)
		m.sh.pool.put(lp.s.t)
		if err != nil || len(grow) == 0 {
			return pinned, bind, true, err
		}
		for _, b := range grow {
			n = append(n, b)
			inN.add(b)
		}
	}
	if !exact {
		return false, nil, false, nil
	}
	// p's whole component, kept for the next cells of this model.
	lp := m.full[n[0]]
	if lp == nil {
		in := m.sh.newSet(len(m.t.Base))
		var all []int
		queue := slices.Clone(n[:0:0])
		for _, part := range m.t.Cells[p].Parts {
			b := int(part)
			if !m.fixed(b) && !in.has(b) {
				in.add(b)
				queue = append(queue, b)
			}
		}
		seenEq := map[int32]bool{}
		for len(queue) > 0 {
			b := queue[0]
			queue = queue[1:]
			all = append(all, b)
			for _, c := range m.sh.cellsOf[b] {
				if m.done[c] || seenEq[c] {
					continue
				}
				seenEq[c] = true
				for _, part := range m.t.Cells[c].Parts {
					x := int(part)
					if !in.has(x) && !m.fixed(x) {
						in.add(x)
						queue = append(queue, x)
					}
				}
			}
		}
		slices.Sort(all)
		l := m.localLP(p, all, in)
		if l.s == nil {
			return false, nil, true, l.err
		}
		l.whole = true
		lp = &l
		if m.full == nil {
			m.full = map[int]*localLP{}
		}
		for _, b := range all {
			m.full[b] = lp
		}
		m.fullLPs = append(m.fullLPs, lp)
	}
	lp.target, lp.off = -1, 0
	if j, ok := lp.sumOf[p]; ok {
		lp.target = j
	}
	for _, part := range m.t.Cells[p].Parts {
		b := int(part)
		if m.fixed(b) {
			lp.off += m.lo[b]
		} else if lp.target < 0 {
			lp.target = lp.colOf[b]
		}
	}
	if _, ok := lp.sumOf[p]; ok {
		lp.target = lp.sumOf[p]
	}
	pinned, bind, _, err = m.solve(*lp, v, nil)
	return pinned, bind, true, err
}

// solve asks lp whether p's value can move by one: not pinned, pinned with
// the facts the proof rests on, or the held counts to add to N first.
func (m *model) solve(lp localLP, v float64, inN *set) (pinned bool, bind []int32, grow []int, err error) {
	whole := lp.whole
	for _, sense := range []float64{-1, 1} {
		stop := func(x float64) bool { return x+lp.off >= v+1-feasTol }
		if sense > 0 {
			stop = func(x float64) bool { return x+lp.off <= v-1+feasTol }
		}
		x, opt, err := lp.s.extremum(lp.target, sense, stop)
		switch {
		case err == errUnbounded:
			return false, nil, nil, nil
		case err != nil:
			return false, nil, nil, err
		case !opt || stop(x):
			return false, nil, nil, nil
		}
		for j := 0; j < lp.s.w; j++ {
			d := lp.s.d[j]
			if lp.s.pos[j] >= 0 || math.Abs(d) <= optTol {
				continue
			}
			switch b := lp.base[j]; {
			case lp.cell[j] >= 0:
				bind = append(bind, m.union(lp.cell[j])...)
			case lp.s.x[j] >= lp.s.up[j]:
				bind = append(bind, m.upSrc[b]...)
			default:
				bind = append(bind, m.loSrc[b]...)
			}
		}
		// The held counts: reduced cost −Σ y over their equations, y of an
		// equation being d − c of its sum column.
		held := map[int]float64{}
		var order []int
		for i, c := range lp.eqs {
			if whole {
				break
			}
			sj := lp.sum[i]
			y := lp.s.d[sj] - lp.s.c[sj]
			if y == 0 {
				continue
			}
			for _, part := range m.t.Cells[c].Parts {
				b := int(part)
				if m.fixed(b) || inN.has(b) {
					continue
				}
				if _, ok := held[b]; !ok {
					order = append(order, b)
				}
				held[b] -= y
			}
		}
		for _, b := range order {
			d := held[b]
			x := float64(m.t.Base[b])
			switch {
			case math.Abs(d) <= optTol:
			case d < 0 && m.up[b] == x:
				bind = append(bind, m.upSrc[b]...)
			case d > 0 && m.lo[b] == x:
				bind = append(bind, m.loSrc[b]...)
			default:
				grow = append(grow, b)
			}
		}
		if len(grow) > 0 {
			return false, nil, grow, nil
		}
	}
	slices.Sort(bind)
	return true, slices.Compact(bind), nil, nil
}

// localRounds is how many neighbourhoods pinned tries before it solves
// p's whole component.
var localRounds = 1

// looseRounds is how many neighbourhoods loose tries.
var looseRounds = 2

// localLP is the LP of pinned's neighbourhood. The held counts are not
// columns: their true values move into the bounds of their equations' sums.
type localLP struct {
	s      *simplex
	err    error
	target int         // column of p's value
	off    float64     // p's fixed part
	base   []int       // column → base count, -1 for an equation's sum
	cell   []int       // column → cell of an equation's sum, -1 for a base count
	eqs    []int       // equations (cells)
	sum    []int       // column of each equation's sum
	whole  bool        // N is a whole component: nothing is held
	colOf  map[int]int // base count → column
	sumOf  map[int]int // equation (cell) → column of its sum
}

func (m *model) localLP(p int, n []int, inN *set) localLP {
	var lp localLP
	col := map[int]int{} // base count → column
	lp.colOf, lp.sumOf = col, map[int]int{}
	var lo, up, x0 []float64
	for _, b := range n {
		col[b] = len(lo)
		lo, up, x0 = append(lo, m.lo[b]), append(up, m.up[b]), append(x0, float64(m.t.Base[b]))
		lp.base = append(lp.base, b)
		lp.cell = append(lp.cell, -1)
	}
	// Equations touching N, in cell order, with their columns in N.
	at := map[int32]int{}
	var eqCols [][]int
	var eqX []float64
	for _, b := range n {
		for _, c := range m.sh.cellsOf[b] {
			if m.done[c] {
				continue
			}
			i, ok := at[c]
			if !ok {
				i = len(lp.eqs)
				at[c] = i
				lp.eqs = append(lp.eqs, int(c))
				eqCols, eqX = append(eqCols, nil), append(eqX, 0)
			}
			eqCols[i] = append(eqCols[i], col[b])
			eqX[i] += float64(m.t.Base[b])
		}
	}
	order := make([]int, len(lp.eqs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return lp.eqs[a] - lp.eqs[b] })
	eqs := lp.eqs
	lp.eqs = make([]int, len(eqs))
	var rows []lpRow
	var basic []int
	lp.target = -1
	for k, i := range order {
		c := eqs[i]
		lp.eqs[k] = c
		cols, x := eqCols[i], eqX[i]
		off, free := m.eqSums(c)
		held := free - x
		l, u := m.interval(c)
		s := len(lo)
		lo, up, x0 = append(lo, l-off-held), append(up, u-off-held), append(x0, x)
		lp.base = append(lp.base, -1)
		lp.cell = append(lp.cell, c)
		lp.sum = append(lp.sum, s)
		lp.sumOf[c] = s
		coef := make([]float64, len(cols)+1)
		for i := range cols {
			coef[i] = 1
		}
		coef[len(cols)] = -1
		rows = append(rows, lpRow{cols: append(cols, s), coef: coef})
		basic = append(basic, s)
		if c == p {
			lp.target, lp.off = s, off+held
		}
	}
	if lp.target < 0 {
		// p has one free part (the others fixed): its value is that column.
		for _, part := range m.t.Cells[p].Parts {
			b := int(part)
			if m.fixed(b) {
				lp.off += m.lo[b]
			} else {
				lp.target = col[b]
			}
		}
	}
	lp.s, lp.err = newSimplex(lo, up, x0, rows, basic, &m.sh.pool)
	return lp
}

// eqSums returns the sum of the fixed parts of cell c and the true sum of
// its free parts, cached until the model changes.
func (m *model) eqSums(c int) (fixed, free float64) {
	sh := m.sh
	if sh.eqVer[c] != sh.ver {
		fixed, free = 0, 0
		for _, part := range m.t.Cells[c].Parts {
			b := int(part)
			if m.fixed(b) {
				fixed += m.lo[b]
			} else {
				free += float64(m.t.Base[b])
			}
		}
		sh.eqVer[c], sh.eqFixed[c], sh.eqFree[c] = sh.ver, fixed, free
	}
	return sh.eqFixed[c], sh.eqFree[c]
}

// A set of base counts, cleared in constant time by a new generation.
type set struct {
	mark []int32
	gen  int32
}

func (s *set) add(b int)      { s.mark[b] = s.gen }
func (s *set) has(b int) bool { return s.mark[b] == s.gen }
