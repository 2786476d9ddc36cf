// Package disclosure protects small counts in published indicator tables
// (issue 15) and audits that protection.
//
// The rule: outside the reader's own municipality, a count from 1 up to a
// threshold T (DefaultThreshold 9, configurable per network, never below
// MinThreshold 5) is published as «under T+1» (Small). Secondary suppression
// (Hidden) makes sure that no such count can be computed back from what the
// reader sees: totals, the other cells, other groups (a hand-made group
// {A,B} next to {B}), month cells against year totals, and the reader's own
// exact numbers. Zero is not a small count and is always shown.
//
// # What a reader knows
//
// A Table is everything one reader sees for one indicator and year, so a
// member municipality's reader gets its own Table with Known set. Audit
// assumes a reader who knows the rule and everything published:
//
//   - a Shown cell: its exact sum;
//   - a Small cell: 1 <= sum <= T, and that the part outside the reader's
//     own municipality is at least 1 (else it would be shown);
//   - a Hidden cell: sum >= 1. Protect hides only nonzero cells: shown cells
//     (usually above T) and, when nothing else helps, a small cell whose
//     «under T+1» bound itself gives it away (a group {own = 8, X = 1} of 9
//     tells the reader of own that X = 1). Since small counts may be hidden,
//     «hidden» cannot be read as «above T»;
//   - its own base counts (Known): exactly;
//   - every base count is a nonnegative integer.
//
// A cell is sensitive for a reader when its part outside the reader's own
// municipality is 1..T; Primary marks those Small (Hidden if the whole cell,
// with the reader's own counts, is above T). Cells the reader knows whole
// are shown and never sensitive.
//
// # What the audit proves, and its limits
//
// Audit computes for each suppressed cell the minimum and maximum of its sum
// over all real vectors of base counts satisfying the facts above (a linear
// program), and rounds inward: ⌈min⌉..⌊max⌋. Every integer value the reader
// could still consider lies in that range, so a range of two or more values
// is not a proof that two integer values remain: in structures whose
// constraint matrix is not totally unimodular an integer-only pin is
// theoretically possible. One-way and two-way hierarchies (municipality ×
// month with month, year and network totals) are totally unimodular and the
// ranges are then exact; hand-made groups that overlap can break that. The
// audit does not model what a reader might infer from the choices Protect
// makes (which cell it preferred to hide), and rankings must not order
// suppressed cells by their true value (a ranking shows the same cells and
// adds no facts only if suppressed cells are placed without regard to
// value). A published rate is its numerator and denominator: if either is
// suppressed, so must the rate be.
//
// # How Protect works
//
// Presolve turns every published fact that pins a base count (the reader's
// own, a shown single-part cell, a shown zero, a cell all but one of whose
// parts are pinned) into bounds, remembering which cells each bound rests
// on; the cells with two or more free parts remain as equations. Hiding a
// cell only takes a fact away, so presolve is incremental: the bounds that
// rest on the hidden cell are reset and presolve runs again on the cells
// they touch (a tried hide is undone the same way). Whether a cell is
// pinned is first asked of a small LP on its neighbourhood (its free
// counts and the equations they are in, the other counts of those
// equations held at their true values): a value it reaches is reachable,
// and an optimum that no held count props up is the optimum of the whole
// LP (its dual extends by zeros). Otherwise the LP of the cell's whole
// component is solved, by a bounded simplex that starts at the true counts
// (a feasible point, so no phase 1), and kept for the next cells. For each
// sensitive cell in index order Protect asks whether it is pinned; if so
// it hides one of the cells the proof rests on (the LP's binding bounds
// traced back through presolve): the first of the preferred candidates
// (shown, smallest value above T, lowest index) or of the totals above the
// cell whose suppression alone a neighbourhood LP shows to unpin it, else
// the smallest total above the cell, and asks again.
// Hiding only removes knowledge, so a cell found unpinned stays unpinned
// and one pass suffices; when the cell is no longer pinned by any LP, the
// result passes Audit by construction. Suppressing every nonzero cell the
// reader does not know whole always ends it, so Protect always terminates
// with a safe answer; cells that leak nothing stay visible, though the
// greedy choice is not guaranteed minimal. The result is deterministic.
package disclosure
