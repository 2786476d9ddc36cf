package indicator

import (
	"context"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/org"
)

// SeriesPoint is one period of a time series: the subject's figure and
// each group's aggregate, all protected as in the benchmark of that
// period, the country's official figure, and the targets valid then.
type SeriesPoint struct {
	Period     Period
	Figure     Figure
	Aggregates []Aggregate
	National   *NationalValue
}

// Series is one municipality's figures over time against its groups.
type Series struct {
	Indicator *Indicator
	Subject   *org.Organisation
	Own       bool
	Rule      string
	Threshold int
	Groups    []CompareGroup
	Points    []SeriesPoint
	Targets   []*Target
}

// MaxSeriesYears bounds a time series.
const MaxSeriesYears = 15

// SeriesQuery says which series.
type SeriesQuery struct {
	Code     string
	Subject  string // a municipality's slug; "" for the reader
	From, To int    // years; zero: the last five years with values
	Rule     string
}

// Series answers a municipality's figures for an indicator year by year
// (period by period within each year) with its groups' aggregates. The
// subject must be the reader or a municipality in one of its groups.
func (s *Service) Series(ctx context.Context, reader *org.Organisation, q SeriesQuery) (*Series, error) {
	var out *Series
	err := s.read(ctx, reader, func(ctx context.Context, idb bun.IDB, groups []CompareGroup) error {
		var err error
		out, err = s.seriesIn(ctx, idb, reader, groups, q)
		return err
	})
	return out, err
}

// seriesIn is Series inside a read unit of work with reader's groups.
func (s *Service) seriesIn(ctx context.Context, idb bun.IDB, reader *org.Organisation, groups []CompareGroup, q SeriesQuery) (*Series, error) {
	var out *Series
	err := func() error {
		ind, err := resolve(ctx, idb, reader, s.now(), q.Code)
		if err != nil {
			return err
		}
		if q.Rule != "" && !hasRule(ind, q.Rule) {
			return entryProblem("rule", "indicator.error.rule")
		} else if q.Rule == "" && len(ind.Rules) > 0 {
			q.Rule = ind.Rules[0].Key
		}
		subject := reader
		if q.Subject != "" && q.Subject != reader.Slug {
			subject, err = org.FindOrganisationBySlug(ctx, idb, q.Subject)
			if err != nil || subject.Kind != org.KindMunicipality || !inGroups(groups, subject.ID) {
				return errNotFound
			}
		}
		if subject.Kind != org.KindMunicipality {
			return errNotFound
		}
		from, to := q.From, q.To
		if to == 0 {
			to = s.now().Year()
		}
		if from == 0 {
			from = to - 4
		}
		if from > to || to-from >= MaxSeriesYears {
			return entryProblem("from", "indicator.error.years", "max", MaxSeriesYears)
		}
		out = &Series{Indicator: ind, Subject: subject, Own: subject.ID == reader.ID, Rule: q.Rule, Groups: groups}
		var nationals []*NationalValue
		if subject.Country != "" {
			if err := idb.NewSelect().Model(&nationals).Where("indicator_id = ? AND country = ? AND category = ''", ind.ID, subject.Country).
				Where("period_start >= ? AND period_start < ?", time.Date(from, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(to+1, 1, 1, 0, 0, 0, 0, time.UTC)).
				Scan(ctx); err != nil {
				return err
			}
		}
		var keys []universeKey
		for y := from; y <= to; y++ {
			keys = append(keys, universeKey{ind, y})
		}
		us, err := s.loadUniverses(ctx, idb, reader, keys, groups)
		if err != nil {
			return err
		}
		for _, u := range us {
			out.Threshold = max(out.Threshold, u.threshold)
			for _, p := range u.periods {
				pt := SeriesPoint{Period: p, Figure: u.rowFigure(subject.ID, p, q.Rule)}
				for _, g := range groups {
					pt.Aggregates = append(pt.Aggregates, u.aggregate(g, p, q.Rule))
				}
				for _, n := range nationals {
					if n.Period == p.Key() {
						pt.National = n
					}
				}
				out.Points = append(out.Points, pt)
			}
		}
		// Drop leading periods where nothing is known.
		for len(out.Points) > 0 && out.Points[0].Figure.Missing && out.Points[0].National == nil && !anyCovered(out.Points[0].Aggregates) {
			out.Points = out.Points[1:]
		}
		out.Targets, err = findTargets(ctx, idb, ind.ID, subject, groups, time.Time{})
		return err
	}()
	return out, err
}

func anyCovered(as []Aggregate) bool {
	return slices.ContainsFunc(as, func(a Aggregate) bool { return a.Covered > 0 })
}

func inGroups(groups []CompareGroup, id int64) bool {
	return slices.ContainsFunc(groups, func(g CompareGroup) bool { return slices.Contains(g.Members, id) })
}
