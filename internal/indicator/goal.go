package indicator

import (
	"context"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/org"
)

// GoalFigure is what a goal linked to an indicator shows beside it: the
// municipality's latest figure, the target that applies (its own before
// its network's before the national one) and its first network's
// aggregate for the same period, protected as in the benchmark.
type GoalFigure struct {
	Indicator *Indicator
	Rule      string // a breakdown's rule the figures are of (its first)
	Period    Period
	Own       Figure
	HasOwn    bool
	Target    *Target
	Peer      *Aggregate
	National  *NationalValue
	Threshold int
}

// MaxGoalFigures bounds the indicators one page looks up.
const MaxGoalFigures = 20

// GoalFigures answers the figures of the indicators codes name for a
// municipality's goals, by code; codes it does not see are left out.
func (s *Service) GoalFigures(ctx context.Context, o *org.Organisation, codes []string) (map[string]*GoalFigure, error) {
	out := map[string]*GoalFigure{}
	var want []string
	for _, c := range codes {
		if c = strings.TrimSpace(c); c != "" && ValidCode(c) && !slices.Contains(want, c) && len(want) < MaxGoalFigures {
			want = append(want, c)
		}
	}
	if len(want) == 0 || o.Kind != org.KindMunicipality {
		return out, nil
	}
	err := s.read(ctx, o, func(ctx context.Context, idb bun.IDB, groups []CompareGroup) error {
		for _, code := range want {
			ind, err := resolve(ctx, idb, o, s.now(), code)
			if err != nil {
				continue // not an indicator o sees: the goal shows its code alone
			}
			gf := &GoalFigure{Indicator: ind}
			if len(ind.Rules) > 0 {
				gf.Rule = ind.Rules[0].Key
			}
			var latest []string
			if err := idb.NewSelect().Model((*Value)(nil)).Column("period").Where("org_id = ? AND indicator_id = ?", o.ID, ind.ID).
				OrderExpr("period_start DESC").Limit(1).Scan(ctx, &latest); err != nil {
				return err
			}
			if len(latest) > 0 {
				p, _ := ParsePeriod(latest[0])
				gf.Period = p
				u, err := s.loadUniverse(ctx, idb, o, ind, p.Year, groups)
				if err != nil {
					return err
				}
				gf.Threshold = u.threshold
				gf.Own, gf.HasOwn = u.rowFigure(o.ID, p, gf.Rule), true
				for _, g := range groups {
					if g.Kind == GroupNetwork {
						a := u.aggregate(g, p, gf.Rule)
						gf.Peer = &a
						break
					}
				}
				if gf.National, err = findNational(ctx, idb, ind.ID, o.Country, p.Key()); err != nil {
					return err
				}
			}
			ts, err := findTargets(ctx, idb, ind.ID, o, groups, s.now())
			if err != nil {
				return err
			}
			gf.Target = bestTarget(ts, gf.Rule)
			out[code] = gf
		}
		return nil
	})
	return out, err
}

// bestTarget answers the most specific target for rule: local before
// network before national.
func bestTarget(ts []*Target, rule string) *Target {
	rank := map[string]int{TargetLocal: 0, TargetNetwork: 1, TargetNational: 2}
	var best *Target
	for _, t := range ts {
		if t.Rule != rule {
			continue
		}
		if best == nil || rank[t.Level] < rank[best.Level] {
			best = t
		}
	}
	return best
}
