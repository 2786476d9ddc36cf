package indicator

import (
	"context"
	"math"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/org"
)

// GroupSimilar is the kind of an unsaved group of similar municipalities:
// shown as its members' rows, never aggregated (its aggregate would not
// have been protected with the reader's universe).
const GroupSimilar = "similar"

// Similarity bounds.
const (
	MaxSimilarCodes = 8
	MaxSimilar      = 30
	DefaultSimilar  = 7
)

// Neighbour is a municipality near the reader, with its distance.
type Neighbour struct {
	Org      *org.Organisation
	Distance float64
}

// Similar is the result of a similarity search (Kolada's
// likhetsutsökning): the municipalities whose figures on the chosen
// indicators are nearest the reader's.
type Similar struct {
	Codes      []string
	Indicators []*Indicator
	Period     Period
	Neighbours []Neighbour
}

// Group answers s as a comparison group of the reader and its
// neighbours, named by the indicators it is similar on.
func (s *Similar) Group(reader *org.Organisation, locale string) CompareGroup {
	g := CompareGroup{Kind: GroupSimilar, Key: GroupSimilar, Members: []int64{reader.ID}}
	var names []string
	for _, ind := range s.Indicators {
		names = append(names, ind.Name(locale))
	}
	g.Name = strings.Join(names, ", ")
	for _, n := range s.Neighbours {
		g.Members = append(g.Members, n.Org.ID)
	}
	return g
}

// SimilarCodes reads a comma-separated list of indicator codes.
func SimilarCodes(s string) []string {
	var out []string
	for _, c := range strings.Split(s, ",") {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// Similar answers the n municipalities most like reader on the indicators
// codes for the year of period (the latest of the first indicator when
// ""): the Euclidean distance over the figures standardised across the
// candidates (mean 0, standard deviation 1 per indicator). Only figures
// as the reader is shown them count: a small, withheld or missing figure
// makes its municipality no candidate, so a suppressed true value never
// moves the result. Ties go by name, then id: the answer is the same
// every time. Errors: app.EInvalid for no codes, too many, an n out of
// range or a reader that is not a municipality; not found for a code.
func (s *Service) Similar(ctx context.Context, reader *org.Organisation, codes []string, period string, n int) (*Similar, error) {
	var out *Similar
	err := s.read(ctx, reader, func(ctx context.Context, idb bun.IDB, groups []CompareGroup) error {
		var err error
		out, err = s.similar(ctx, idb, reader, groups, codes, period, n)
		return err
	})
	return out, err
}

func (s *Service) similar(ctx context.Context, idb bun.IDB, reader *org.Organisation, groups []CompareGroup, codes []string, period string, n int) (*Similar, error) {
	switch {
	case reader.Kind != org.KindMunicipality:
		return nil, app.Errorf(app.EInvalid, "indicator_benchmark.error.similar_municipality").WithField("on")
	case len(codes) == 0 || len(codes) > MaxSimilarCodes:
		return nil, app.Errorf(app.EInvalid, "indicator_benchmark.error.similar_codes", "max", MaxSimilarCodes).WithField("on")
	case n < 1 || n > MaxSimilar:
		return nil, app.Errorf(app.EInvalid, "indicator_benchmark.error.similar_n", "max", MaxSimilar).WithField("n")
	}
	out := &Similar{Codes: codes}
	// figures[i][org]: indicator i's figure of org as shown to the reader.
	var figures []map[int64]float64
	orgs := map[int64]*org.Organisation{}
	for i, code := range codes {
		ind, err := resolve(ctx, idb, reader, s.now(), code)
		if err != nil {
			return nil, err
		}
		p := out.Period
		if i == 0 {
			if p, err = s.periodFor(ctx, idb, reader, ind, period); err != nil {
				return nil, err
			}
			out.Period = p
		} else if ind.Periodicity != p.Kind {
			p = Period{Year: p.Year, Kind: Yearly}
			if ind.Periodicity != Yearly {
				p = PeriodOf(ind.Periodicity, out.Period.End().AddDate(0, 0, -1))
			}
		}
		u, err := s.loadUniverse(ctx, idb, reader, ind, p.Year, groups)
		if err != nil {
			return nil, err
		}
		rule := ""
		if len(ind.Rules) > 0 {
			rule = ind.Rules[0].Key
		}
		fs := map[int64]float64{}
		for id, o := range u.orgs {
			if o.Kind != org.KindMunicipality {
				continue
			}
			f := u.rowFigure(id, p, rule)
			if x, ok := f.Main(ind, rule); ok {
				fs[id] = x
				orgs[id] = o
			}
		}
		out.Indicators = append(out.Indicators, ind)
		figures = append(figures, fs)
	}
	mine := make([]float64, len(codes))
	for i, fs := range figures {
		x, ok := fs[reader.ID]
		if !ok {
			return nil, app.Errorf(app.EInvalid, "indicator_benchmark.error.similar_own", "code", codes[i]).WithField("on")
		}
		mine[i] = x
	}
	// Candidates have a shown figure on every indicator.
	var cands []int64
	for id := range orgs {
		ok := true
		for _, fs := range figures {
			if _, has := fs[id]; !has {
				ok = false
				break
			}
		}
		if ok {
			cands = append(cands, id)
		}
	}
	slices.Sort(cands)
	scale := make([]float64, len(codes))
	for i, fs := range figures {
		var sum, sq float64
		for _, id := range cands {
			sum += fs[id]
		}
		mean := sum / float64(len(cands))
		for _, id := range cands {
			sq += (fs[id] - mean) * (fs[id] - mean)
		}
		scale[i] = math.Sqrt(sq / float64(len(cands)))
	}
	for _, id := range cands {
		if id == reader.ID {
			continue
		}
		var d float64
		for i, fs := range figures {
			if scale[i] == 0 {
				continue
			}
			z := (fs[id] - mine[i]) / scale[i]
			d += z * z
		}
		out.Neighbours = append(out.Neighbours, Neighbour{Org: orgs[id], Distance: math.Sqrt(d)})
	}
	slices.SortFunc(out.Neighbours, func(a, b Neighbour) int {
		switch {
		case a.Distance < b.Distance:
			return -1
		case a.Distance > b.Distance:
			return 1
		case a.Org.Name != b.Org.Name:
			return strings.Compare(a.Org.Name, b.Org.Name)
		}
		return int(a.Org.ID - b.Org.ID)
	})
	if len(out.Neighbours) > n {
		out.Neighbours = out.Neighbours[:n]
	}
	return out, nil
}

// BenchmarkSimilar answers the benchmark of q's indicator among the
// reader and the municipalities similar to it on codes: their rows as the
// reader is shown them in its universe (each protected there), ranked
// among themselves, with the aggregates of the reader's own groups only
// (none of the similar group itself), and the similarity search.
func (s *Service) BenchmarkSimilar(ctx context.Context, reader *org.Organisation, q BenchmarkQuery, codes []string, n int, locale string) (*View, *Similar, error) {
	var v *View
	var sim *Similar
	err := s.read(ctx, reader, func(ctx context.Context, idb bun.IDB, groups []CompareGroup) error {
		ind, err := resolve(ctx, idb, reader, s.now(), q.Code)
		if err != nil {
			return err
		}
		p, err := s.periodFor(ctx, idb, reader, ind, q.Period)
		if err != nil {
			return err
		}
		if sim, err = s.similar(ctx, idb, reader, groups, codes, p.Key(), n); err != nil {
			// the similarity indicators may be reported in another
			// period kind: search in their latest instead
			if app.ErrorCode(err) != app.EInvalid || q.Period == "" {
				return err
			}
			if sim, err = s.similar(ctx, idb, reader, groups, codes, "", n); err != nil {
				return err
			}
		}
		u, err := s.loadUniverse(ctx, idb, reader, ind, p.Year, groups)
		if err != nil {
			return err
		}
		if v, err = u.view(p, "", q.Rule); err != nil {
			return err
		}
		g := sim.Group(reader, locale)
		v.Group = g
		v.Rows = v.Rows[:0]
		for _, id := range g.Members {
			if o := u.orgs[id]; o != nil {
				v.Rows = append(v.Rows, Row{Org: o, Own: id == reader.ID, Figure: u.rowFigure(id, p, v.Rule)})
			}
		}
		v.rank()
		v.Aggregates = v.Aggregates[:0]
		for _, grp := range groups {
			v.Aggregates = append(v.Aggregates, u.aggregate(grp, p, v.Rule))
		}
		if v.Targets, err = findTargets(ctx, idb, ind.ID, reader, groups, p.End().AddDate(0, 0, -1)); err != nil {
			return err
		}
		v.National, err = findNational(ctx, idb, ind.ID, countryOf(reader, groups), p.Key())
		return err
	})
	return v, sim, err
}
