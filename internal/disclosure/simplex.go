package disclosure

import (
	"errors"
	"math"
)

// This file is a small dense bounded-variable primal simplex:
//
//	min c·x  s.t.  A x = b,  lo <= x <= up  (lo finite, up may be +Inf)
//
// Phase 1 starts every structural column at its lower bound with one
// artificial column per row; afterwards the artificials are fixed at 0 and
// any number of objectives can be optimised from the same feasible basis
// (warm start). Pricing is Dantzig's rule, switching to Bland's rule (which
// cannot cycle) after a run of degenerate pivots.

const (
	pivotTol = 1e-9 // smallest tableau entry used as a pivot
	optTol   = 1e-9 // reduced cost below which a column is not improving
	feasTol  = 1e-6 // phase-1 residual accepted as feasible
)

var (
	errUnbounded = errors.New("unbounded")
	errLPStalled = errors.New("disclosure: simplex iteration limit")
)

type lpRow struct {
	cols []int
	coef []float64
	rhs  float64
}

type simplex struct {
	m, n, w int       // rows, structural columns, all columns (n+m)
	t       []float64 // m×w tableau B⁻¹[A | ±I]
	beta    []float64 // value of the basic column of each row
	basis   []int     // basic column of each row
	pos     []int     // row of a basic column, -1 if nonbasic
	atUp    []bool    // nonbasic column sits at its upper bound
	lo, up  []float64
	d       []float64 // reduced costs of the current objective
	c       []float64 // current objective
}

// newSimplex runs phase 1 and returns a feasible basis, or ErrInfeasible.
func newSimplex(lo, up []float64, rows []lpRow) (*simplex, error) {
	n, m := len(lo), len(rows)
	w := n + m
	s := &simplex{m: m, n: n, w: w,
		t: make([]float64, m*w), beta: make([]float64, m), basis: make([]int, m),
		pos: make([]int, w), atUp: make([]bool, w),
		lo: make([]float64, w), up: make([]float64, w), d: make([]float64, w), c: make([]float64, w)}
	copy(s.lo, lo)
	copy(s.up, up)
	for j := range s.pos {
		s.pos[j] = -1
	}
	for i, r := range rows {
		res := r.rhs
		for k, j := range r.cols {
			res -= r.coef[k] * lo[j]
		}
		sign := 1.0
		if res < 0 {
			sign = -1
		}
		row := s.t[i*w : (i+1)*w]
		for k, j := range r.cols {
			row[j] += sign * r.coef[k]
		}
		row[n+i] = 1
		s.beta[i] = sign * res
		s.basis[i] = n + i
		s.pos[n+i] = i
		s.up[n+i] = math.Inf(1)
	}
	for i := 0; i < m; i++ {
		s.c[n+i] = 1
	}
	if err := s.optimize(-1, nil); err != nil {
		return nil, err
	}
	resid := 0.0
	for i := 0; i < m; i++ {
		if s.basis[i] >= n {
			resid += s.beta[i]
		}
	}
	if resid > feasTol {
		return nil, ErrInfeasible
	}
	for i := 0; i < m; i++ {
		j := n + i
		s.lo[j], s.up[j] = 0, 0
		if r := s.pos[j]; r >= 0 {
			s.beta[r] = 0
		} else {
			s.atUp[j] = false
		}
	}
	return s, nil
}

// value of column j in the current basic solution.
func (s *simplex) value(j int) float64 {
	if r := s.pos[j]; r >= 0 {
		return s.beta[r]
	}
	if s.atUp[j] {
		return s.up[j]
	}
	return s.lo[j]
}

// extremum minimises (sense +1) or maximises (sense -1) column j. stop, if
// not nil, ends the search early once the column's value satisfies it. It
// returns the value reached, whether it is optimal, or errUnbounded.
func (s *simplex) extremum(j int, sense float64, stop func(float64) bool) (float64, bool, error) {
	for k := range s.c {
		s.c[k] = 0
	}
	s.c[j] = sense
	var st func() bool
	stopped := false
	if stop != nil {
		st = func() bool { stopped = stop(s.value(j)); return stopped }
	}
	if err := s.optimize(j, st); err != nil {
		return 0, false, err
	}
	return s.value(j), !stopped, nil
}

func (s *simplex) price() {
	copy(s.d, s.c)
	for i := 0; i < s.m; i++ {
		cb := s.c[s.basis[i]]
		if cb == 0 {
			continue
		}
		row := s.t[i*s.w : (i+1)*s.w]
		for j, a := range row {
			if a != 0 {
				s.d[j] -= cb * a
			}
		}
	}
}

func (s *simplex) optimize(target int, stop func() bool) error {
	s.price()
	degenerate := 0
	limit := 200*(s.m+s.w) + 1000
	for iter := 0; iter < limit; iter++ {
		if stop != nil && stop() {
			return nil
		}
		q, dir := s.entering(degenerate > 30)
		if q < 0 {
			return nil
		}
		step, leave, toUp := s.ratio(q, dir)
		if math.IsInf(step, 1) {
			return errUnbounded
		}
		if step < 1e-12 {
			degenerate++
		} else {
			degenerate = 0
		}
		enterVal := s.value(q) + dir*step
		if step != 0 {
			for i := 0; i < s.m; i++ {
				if a := s.t[i*s.w+q]; a != 0 {
					s.beta[i] -= a * dir * step
				}
			}
		}
		if leave < 0 {
			s.atUp[q] = !s.atUp[q]
			continue
		}
		out := s.basis[leave]
		s.pivot(leave, q)
		s.pos[out] = -1
		s.atUp[out] = toUp
		s.basis[leave] = q
		s.pos[q] = leave
		s.beta[leave] = enterVal
	}
	return errLPStalled
}

// entering picks an improving nonbasic column: the largest reduced cost
// (Dantzig), or the lowest index (Bland) when anti-cycling.
func (s *simplex) entering(bland bool) (int, float64) {
	best, bestQ, bestDir := 0.0, -1, 0.0
	for j := 0; j < s.w; j++ {
		if s.pos[j] >= 0 || s.lo[j] == s.up[j] {
			continue
		}
		dj := s.d[j]
		var gain, dir float64
		switch {
		case !s.atUp[j] && dj < -optTol:
			gain, dir = -dj, 1
		case s.atUp[j] && dj > optTol:
			gain, dir = dj, -1
		default:
			continue
		}
		if bland {
			return j, dir
		}
		if gain > best {
			best, bestQ, bestDir = gain, j, dir
		}
	}
	return bestQ, bestDir
}

// ratio finds how far column q can move in direction dir: to its own other
// bound (leave = -1) or until a basic column reaches a bound (the lowest
// column index among ties, Bland).
func (s *simplex) ratio(q int, dir float64) (step float64, leave int, toUp bool) {
	step, leave = s.up[q]-s.lo[q], -1
	for i := 0; i < s.m; i++ {
		a := s.t[i*s.w+q]
		if math.Abs(a) <= pivotTol {
			continue
		}
		delta := -a * dir
		b := s.basis[i]
		var lim float64
		var up bool
		if delta < 0 {
			lim = (s.beta[i] - s.lo[b]) / -delta
		} else {
			if math.IsInf(s.up[b], 1) {
				continue
			}
			lim, up = (s.up[b]-s.beta[i])/delta, true
		}
		if lim < 0 {
			lim = 0
		}
		if lim < step-1e-12 || (leave >= 0 && lim <= step+1e-12 && b < s.basis[leave]) {
			step, leave, toUp = lim, i, up
		}
	}
	return step, leave, toUp
}

func (s *simplex) pivot(r, q int) {
	w := s.w
	row := s.t[r*w : (r+1)*w]
	inv := 1 / row[q]
	for j := range row {
		row[j] *= inv
	}
	row[q] = 1
	for i := 0; i < s.m; i++ {
		if i == r {
			continue
		}
		other := s.t[i*w : (i+1)*w]
		f := other[q]
		if f == 0 {
			continue
		}
		for j, a := range row {
			if a != 0 {
				other[j] -= f * a
			}
		}
		other[q] = 0
	}
	if f := s.d[q]; f != 0 {
		for j, a := range row {
			if a != 0 {
				s.d[j] -= f * a
			}
		}
	}
	s.d[q] = 0
}

// binding lists the nonbasic columns whose bound props up the current
// optimum (nonzero reduced cost), with the bound they sit at.
func (s *simplex) binding(fn func(col int, atUp bool)) {
	for j := 0; j < s.n; j++ {
		if s.pos[j] < 0 && math.Abs(s.d[j]) > optTol {
			fn(j, s.atUp[j])
		}
	}
}
