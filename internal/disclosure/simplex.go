package disclosure

import (
	"errors"
	"math"
	"slices"
)

// This file is a small dense bounded-variable primal simplex:
//
//	min c·x  s.t.  A x = b,  lo <= x <= up  (lo finite, up may be +Inf)
//
// There is no phase 1: the true counts are a feasible point, known to the
// caller, and every row has its own slack-like column (the cell's sum) that
// starts basic. Nonbasic columns start at their true values, strictly
// inside their bounds if need be, and move to a bound once they move at
// all. Any number of objectives is optimised from the same tableau (warm
// start). Pricing is Dantzig's rule, switching to Bland's rule (which
// cannot cycle) after a run of degenerate steps.

const (
	pivotTol = 1e-9 // smallest tableau entry used as a pivot
	optTol   = 1e-9 // reduced cost below which a column is not improving
	feasTol  = 1e-6 // tolerance on bounds and equations
)

var (
	errUnbounded = errors.New("unbounded")
	errLPStalled = errors.New("disclosure: simplex iteration limit")
)

// An lpRow is Σ coef·x = 0 over cols; the column basic[row] it names
// appears in no other row.
type lpRow struct {
	cols []int
	coef []float64
}

type simplex struct {
	m, w   int       // rows, columns
	t      []float64 // m×w tableau B⁻¹A
	beta   []float64 // value of the basic column of each row
	basis  []int     // basic column of each row
	pos    []int     // row of a basic column, -1 if nonbasic
	x      []float64 // value of each nonbasic column
	lo, up []float64
	d      []float64 // reduced costs of the current objective
	c      []float64 // current objective
	nz     []int     // scratch: nonzero columns of the pivot row
}

// newSimplex starts from the feasible point x0 with basic[i] basic in row
// i. It returns ErrInfeasible if x0 violates a bound or an equation.
func newSimplex(lo, up, x0 []float64, rows []lpRow, basic []int, pool *tabPool) (*simplex, error) {
	w, m := len(lo), len(rows)
	s := &simplex{m: m, w: w, t: pool.get(m * w), beta: make([]float64, m), basis: basic,
		pos: make([]int, w), x: make([]float64, w), lo: lo, up: up,
		d: make([]float64, w), c: make([]float64, w)}
	for j := range s.pos {
		s.pos[j] = -1
		if x0[j] < lo[j]-feasTol || x0[j] > up[j]+feasTol {
			return nil, ErrInfeasible
		}
		s.x[j] = x0[j]
	}
	for i, r := range rows {
		var pivot, res float64
		for k, j := range r.cols {
			res += r.coef[k] * x0[j]
			if j == basic[i] {
				pivot = r.coef[k]
			}
		}
		if math.Abs(res) > feasTol || pivot == 0 {
			return nil, ErrInfeasible
		}
		row := s.t[i*w : (i+1)*w]
		for k, j := range r.cols {
			row[j] = r.coef[k] / pivot
		}
		s.pos[basic[i]] = i
		s.beta[i] = x0[basic[i]]
	}
	return s, nil
}

// A tabPool keeps tableaux for reuse, so that the many LPs of one Protect
// do not each allocate (and the collector clear) a large one.
type tabPool struct{ bufs [][]float64 }

// get returns a zeroed slice of length n.
func (p *tabPool) get(n int) []float64 {
	best := -1
	for i, b := range p.bufs {
		if cap(b) >= n && (best < 0 || cap(b) < cap(p.bufs[best])) {
			best = i
		}
	}
	if best < 0 {
		return make([]float64, n, n+n/4)
	}
	b := p.bufs[best][:n]
	p.bufs = slices.Delete(p.bufs, best, best+1)
	clear(b)
	return b
}

// put gives b back; it must no longer be used.
func (p *tabPool) put(b []float64) {
	if cap(b) >= 1024 && len(p.bufs) < 8 {
		p.bufs = append(p.bufs, b)
	}
}

// value of column j in the current solution.
func (s *simplex) value(j int) float64 {
	if r := s.pos[j]; r >= 0 {
		return s.beta[r]
	}
	return s.x[j]
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
	if err := s.optimize(st); err != nil {
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

func (s *simplex) optimize(stop func() bool) error {
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
		enterVal := s.x[q] + dir*step
		if step != 0 {
			for i := 0; i < s.m; i++ {
				if a := s.t[i*s.w+q]; a != 0 {
					s.beta[i] -= a * dir * step
				}
			}
		}
		if leave < 0 {
			// The entering column reached its own bound.
			if dir > 0 {
				s.x[q] = s.up[q]
			} else {
				s.x[q] = s.lo[q]
			}
			continue
		}
		out := s.basis[leave]
		s.pivot(leave, q)
		s.pos[out] = -1
		if toUp {
			s.x[out] = s.up[out]
		} else {
			s.x[out] = s.lo[out]
		}
		s.basis[leave] = q
		s.pos[q] = leave
		s.beta[leave] = enterVal
	}
	return errLPStalled
}

// entering picks an improving nonbasic column that can move: the largest
// reduced cost (Dantzig), or the lowest index (Bland) when anti-cycling.
func (s *simplex) entering(bland bool) (int, float64) {
	best, bestQ, bestDir := 0.0, -1, 0.0
	for j := 0; j < s.w; j++ {
		if s.pos[j] >= 0 {
			continue
		}
		dj := s.d[j]
		var gain, dir float64
		switch {
		case dj < -optTol && s.x[j] < s.up[j]:
			gain, dir = -dj, 1
		case dj > optTol && s.x[j] > s.lo[j]:
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

// ratio finds how far column q can move in direction dir: to its own bound
// (leave = -1) or until a basic column reaches a bound (the lowest column
// index among ties, Bland).
func (s *simplex) ratio(q int, dir float64) (step float64, leave int, toUp bool) {
	if dir > 0 {
		step = s.up[q] - s.x[q]
	} else {
		step = s.x[q] - s.lo[q]
	}
	leave = -1
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
	nz := s.nz[:0]
	for j, a := range row {
		if a != 0 {
			row[j] = a * inv
			nz = append(nz, j)
		}
	}
	s.nz = nz
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
		for _, j := range nz {
			other[j] -= f * row[j]
		}
		other[q] = 0
	}
	if f := s.d[q]; f != 0 {
		for _, j := range nz {
			s.d[j] -= f * row[j]
		}
	}
	s.d[q] = 0
}

// binding lists the nonbasic columns whose bound props up the current
// optimum (nonzero reduced cost), with the bound they sit at.
func (s *simplex) binding(fn func(col int, atUp bool)) {
	for j := 0; j < s.w; j++ {
		if s.pos[j] < 0 && math.Abs(s.d[j]) > optTol {
			fn(j, s.x[j] >= s.up[j])
		}
	}
}
