package indicator

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// Besides its universe (universe_cache.go) a benchmark reads the reader's
// comparison groups (its networks and their members, its county, its
// country, its saved groups), the indicator it names, the latest period
// with a figure, the targets and the national figure: ten statements that
// change far less often than the benchmark is read. They are kept under
// the data versions they are made of: «organisations», «catalogue»
// (network members, indicators, saved groups, targets, national figures;
// migration catalogue_version) and the indicator's values. A kept
// benchmark then costs one statement besides the session: the versions.
// Sessions and memberships are still read on every request, before the
// service is reached.

// scopeCatalogue is the data version of the catalogue.
const scopeCatalogue = "catalogue"

type benchmarkKept struct {
	groups     keptMap[groupsKey, []CompareGroup]
	indicators keptMap[indicatorKey, *Indicator]
	hints      keptMap[hintKey, int64]
	periods    keptMap[periodKey, Period]
	extras     keptMap[extrasKey, benchmarkExtras]
}

// groupsKey: a reader's comparison groups on a day (memberships have
// dates) under the organisations' and the catalogue's versions.
type groupsKey struct {
	reader          int64
	day             string
	orgs, catalogue int64
}

// indicatorKey: the indicator a code names for a reader on a day.
type indicatorKey struct {
	reader    int64
	code      string
	day       string
	catalogue int64
}

// hintKey: the indicator a code named for a reader last time, so its
// values' version is read with the others in one statement.
type hintKey struct {
	reader int64
	code   string
}

// periodKey: the latest period of an indicator with a figure the reader
// sees.
type periodKey struct {
	reader, indicator int64
	values, orgs      int64
}

// extrasKey: a benchmark's targets and national figure.
type extrasKey struct {
	reader, indicator int64
	period            string
	groups            uint64
	catalogue, orgs   int64
}

type benchmarkExtras struct {
	targets  []*Target
	national *NationalValue
}

// Benchmark answers the protected comparison of one indicator for one
// period across a group, with every group's aggregate, from what is kept
// under the current data versions where it can.
func (s *Service) Benchmark(ctx context.Context, reader *org.Organisation, q BenchmarkQuery) (*View, error) {
	var v *View
	err := db.Run(ctx, s.DB, db.OrgScope(reader.ID), func(ctx context.Context, idb bun.IDB) error {
		now := s.now()
		day := now.UTC().Format(time.DateOnly)
		k := &s.kept
		// Anything not kept is read in the reader's read scope
		// (org.RunRead): its networks' shared rows too. A benchmark kept
		// whole reads no tenant rows and needs no widening.
		widened := false
		widen := func() error {
			if widened {
				return nil
			}
			var err error
			ctx, err = org.WidenRead(ctx, idb, reader, now)
			widened = err == nil
			return err
		}
		// The versions first: what is read after them is at least as new.
		scopes := []string{scopeOrganisations, scopeCatalogue}
		hint, hinted := k.hints.get(hintKey{reader.ID, q.Code})
		if hinted {
			scopes = append(scopes, indicatorScope(hint))
		}
		vs, err := dataVersions(ctx, idb, scopes)
		if err != nil {
			return err
		}
		orgs, catalogue := vs[scopeOrganisations], vs[scopeCatalogue]
		gk := groupsKey{reader.ID, day, orgs, catalogue}
		groups, ok := k.groups.get(gk)
		if !ok {
			if err := widen(); err != nil {
				return err
			}
			if groups, err = Groups(ctx, idb, reader, now); err != nil {
				return err
			}
			k.groups.put(gk, groups)
		}
		ik := indicatorKey{reader.ID, q.Code, day, catalogue}
		ind, ok := k.indicators.get(ik)
		if !ok {
			if err := widen(); err != nil {
				return err
			}
			if ind, err = resolve(ctx, idb, reader, now, q.Code); err != nil {
				return err
			}
			k.indicators.put(ik, ind)
			k.hints.put(hintKey{reader.ID, q.Code}, ind.ID)
		}
		if !hinted || hint != ind.ID {
			more, err := dataVersions(ctx, idb, []string{indicatorScope(ind.ID)})
			if err != nil {
				return err
			}
			vs[indicatorScope(ind.ID)] = more[indicatorScope(ind.ID)]
		}
		values := vs[indicatorScope(ind.ID)]
		var p Period
		if q.Period != "" {
			if p, err = s.periodFor(ctx, idb, reader, ind, q.Period); err != nil {
				return err
			}
		} else {
			pk := periodKey{reader.ID, ind.ID, values, orgs}
			if p, ok = k.periods.get(pk); !ok {
				if err := widen(); err != nil {
					return err
				}
				if p, err = s.periodFor(ctx, idb, reader, ind, ""); err != nil {
					return err
				}
				k.periods.put(pk, p)
			}
		}
		gh := groupsHash(groups)
		// A universe protected without secondary suppression
		// (PrimaryOnly) is never kept.
		var uks []universeCacheKey
		var u *universe
		if !s.PrimaryOnly {
			uks = []universeCacheKey{{reader: reader.ID, indicator: ind.ID, definition: ind.UpdatedAt.UnixNano(), year: p.Year,
				groups: gh, values: values, orgs: orgs}}
			u = s.universes.get(uks[0], reader, groups)
		}
		if u == nil {
			if err := widen(); err != nil {
				return err
			}
			us, err := s.loadUniversesAt(ctx, idb, reader, []universeKey{{ind, p.Year}}, uks, groups)
			if err != nil {
				return err
			}
			u = us[0]
		}
		if v, err = u.view(p, q.Group, q.Rule); err != nil {
			return err
		}
		ek := extrasKey{reader.ID, ind.ID, p.Key(), gh, catalogue, orgs}
		x, ok := k.extras.get(ek)
		if !ok {
			if err := widen(); err != nil {
				return err
			}
			if x.targets, err = findTargets(ctx, idb, ind.ID, reader, groups, p.End().AddDate(0, 0, -1)); err != nil {
				return err
			}
			if x.national, err = findNational(ctx, idb, ind.ID, countryOf(reader, groups, u), p.Key()); err != nil {
				return err
			}
			k.extras.put(ek, x)
		}
		v.Targets, v.National = x.targets, x.national
		return nil
	})
	return v, err
}
