package indicator

import (
	"context"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/kept"
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

type benchmarkKept struct {
	groups     kept.Map[groupsKey, []CompareGroup]
	indicators kept.Map[indicatorKey, *Indicator]
	hints      kept.Map[hintKey, int64]
	periods    kept.Map[periodKey, Period]
	extras     kept.Map[extrasKey, benchmarkExtras]
	// views are benchmarks as answered (the ranking of a group, its
	// aggregates and distribution): a universe holds a reader's whole year
	// of every group, a view one page of it, a fiftieth of the memory.
	// Kept apart from the universes, many readers' views stay kept where
	// only a few universes would (universeCacheBytes).
	views kept.LRU[viewKey, *View]
	// orgs are the municipalities the universes name, one copy for every
	// reader's universes and views.
	orgs keptOrgs
	// catalogues are the indicators each reader sees (Service.Catalogue).
	catalogues keptCatalogues
}

// catalogueKey: the catalogue a reader sees on a day (its networks'
// indicators by their memberships on the day).
type catalogueKey struct {
	reader int64
	day    string
}

// keptCatalogues keeps each reader's catalogue under the catalogue's data
// version (indicators and network memberships bump it): a list of ids a
// reader, the indicators themselves once, however many readers see them.
type keptCatalogues struct {
	mu      sync.Mutex
	version int64
	byID    map[int64]*Indicator
	lists   map[catalogueKey][]int64
}

// get answers the catalogue kept for key under version, or nil. The slice
// is the caller's; the indicators are shared.
func (k *keptCatalogues) get(version int64, key catalogueKey) []*Indicator {
	k.mu.Lock()
	defer k.mu.Unlock()
	ids, ok := k.lists[key]
	if !ok || version != k.version {
		return nil
	}
	out := make([]*Indicator, len(ids))
	for i, id := range ids {
		out[i] = k.byID[id]
	}
	return out
}

// put keeps list for key under version, read after the version was, and
// answers it with the kept indicators in place of equal ones. An older
// version than the kept one (read before a change) is not kept.
func (k *keptCatalogues) put(version int64, key catalogueKey, list []*Indicator) []*Indicator {
	k.mu.Lock()
	defer k.mu.Unlock()
	if version < k.version {
		return list
	}
	if version > k.version || k.byID == nil || len(k.lists) >= kept.MapMax {
		k.version, k.byID, k.lists = version, map[int64]*Indicator{}, map[catalogueKey][]int64{}
	}
	ids := make([]int64, len(list))
	out := make([]*Indicator, len(list))
	for i, ind := range list {
		if had := k.byID[ind.ID]; had != nil {
			ind = had
		} else {
			k.byID[ind.ID] = ind
		}
		ids[i], out[i] = ind.ID, ind
	}
	k.lists[key] = ids
	return out
}

// keptOrgs keeps organisations (a directory without row-level security:
// every reader may read every row) under the organisations' data version.
type keptOrgs struct {
	mu      sync.Mutex
	version int64
	m       map[int64]*org.Organisation
}

// orgColumns are what a benchmark prints of an organisation, and a
// network's small-count threshold: the columns whose change bumps the
// organisations' data version (migration data_versions).
var orgColumns = []string{"id", "slug", "kind", "name", "country", "municipality_number", "locale", "time_zone", "parent_id", "small_count_threshold"}

// of answers the organisations of ids by id, those kept under version
// from memory and the others read in one statement and kept. version is
// the organisations' data version read before; a version older than the
// kept one (a request that read it before a change) is answered from the
// table, and -1 keeps nothing.
func (k *keptOrgs) of(ctx context.Context, idb bun.IDB, version int64, ids []int64) (map[int64]*org.Organisation, error) {
	out := make(map[int64]*org.Organisation, len(ids))
	var missing []int64
	k.mu.Lock()
	if version >= 0 && version > k.version {
		k.version, k.m = version, nil
	}
	usable := version >= 0 && version == k.version
	for _, id := range ids {
		if o := k.m[id]; usable && o != nil {
			out[id] = o
		} else {
			missing = append(missing, id)
		}
	}
	k.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	var read []*org.Organisation
	if err := idb.NewSelect().Model(&read).Column(orgColumns...).Where("id IN (?)", bun.In(missing)).Scan(ctx); err != nil {
		return nil, err
	}
	for _, o := range read {
		out[o.ID] = o
	}
	if !usable {
		return out, nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.version == version {
		if k.m == nil {
			k.m = make(map[int64]*org.Organisation, len(read))
		}
		for _, o := range read {
			k.m[o.ID] = o
		}
	}
	return out, nil
}

// viewsBytes bounds the memory the kept views take (an estimate, see
// View.size: a country's ranking of 750 municipalities is about 150 kB,
// so some fifty readers' views stay kept).
const viewsBytes = 8 << 20

// viewKey: a benchmark as answered: its universe, the catalogue's version
// (the groups' names), and the period, group and rule asked for.
type viewKey struct {
	universe            universeCacheKey
	catalogue           int64
	period, group, rule string
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
		var groups []CompareGroup
		groupsKnown := false
		widen := func() error {
			if widened {
				return nil
			}
			var err error
			if groupsKnown && reader.Kind == org.KindMunicipality {
				// A municipality's networks on the day are its network
				// groups (Groups reads them as WidenRead does, and they
				// are kept under the catalogue's version, which
				// memberships bump): no need to read them again.
				var nets []int64
				for _, g := range groups {
					if g.Kind == GroupNetwork {
						nets = append(nets, g.ID)
					}
				}
				ctx, err = db.ReadAlso(ctx, idb, nets...)
			} else {
				ctx, err = org.WidenRead(ctx, idb, reader, now)
			}
			widened = err == nil
			return err
		}
		// The versions first: what is read after them is at least as new.
		scopes := []string{kept.Organisations, kept.Catalogue}
		hint, hinted := k.hints.Get(hintKey{reader.ID, q.Code})
		if hinted {
			scopes = append(scopes, kept.Indicator(hint))
		}
		vs, err := kept.Versions(ctx, idb, scopes)
		if err != nil {
			return err
		}
		orgs, catalogue := vs[kept.Organisations], vs[kept.Catalogue]
		gk := groupsKey{reader.ID, day, orgs, catalogue}
		groups, groupsKnown = k.groups.Get(gk)
		if !groupsKnown {
			if err := widen(); err != nil {
				return err
			}
			if groups, err = Groups(ctx, idb, reader, now); err != nil {
				return err
			}
			k.groups.Put(gk, groups)
			groupsKnown = true
		}
		ik := indicatorKey{reader.ID, q.Code, day, catalogue}
		ind, ok := k.indicators.Get(ik)
		if !ok {
			if err := widen(); err != nil {
				return err
			}
			if ind, err = resolve(ctx, idb, reader, now, q.Code); err != nil {
				return err
			}
			k.indicators.Put(ik, ind)
			k.hints.Put(hintKey{reader.ID, q.Code}, ind.ID)
		}
		if !hinted || hint != ind.ID {
			more, err := kept.Versions(ctx, idb, []string{kept.Indicator(ind.ID)})
			if err != nil {
				return err
			}
			vs[kept.Indicator(ind.ID)] = more[kept.Indicator(ind.ID)]
		}
		values := vs[kept.Indicator(ind.ID)]
		var p Period
		if q.Period != "" {
			if p, err = s.periodFor(ctx, idb, reader, ind, q.Period); err != nil {
				return err
			}
		} else {
			pk := periodKey{reader.ID, ind.ID, values, orgs}
			if p, ok = k.periods.Get(pk); !ok {
				if err := widen(); err != nil {
					return err
				}
				if p, err = s.periodFor(ctx, idb, reader, ind, ""); err != nil {
					return err
				}
				k.periods.Put(pk, p)
			}
		}
		gh := groupsHash(groups)
		// A universe protected without secondary suppression
		// (PrimaryOnly) is never kept, nor a view of it.
		var uks []universeCacheKey
		var vk viewKey
		var view *View
		if !s.PrimaryOnly {
			uks = []universeCacheKey{{reader: reader.ID, indicator: ind.ID, definition: ind.UpdatedAt.UnixNano(), year: p.Year,
				groups: gh, values: values, orgs: orgs}}
			vk = viewKey{universe: uks[0], catalogue: catalogue, period: p.Key(), group: q.Group, rule: q.Rule}
			view, _ = k.views.Get(vk)
		}
		var u *universe
		if view == nil {
			if !s.PrimaryOnly {
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
			if view, err = u.view(p, q.Group, q.Rule); err != nil {
				return err
			}
			if !s.PrimaryOnly {
				k.views.Put(vk, view, view.size(), viewsBytes)
			}
		}
		// The view view is shared: the request's answer is a copy with
		// its own reader, targets and national figure.
		cp := *view
		v = &cp
		v.Reader = reader
		ek := extrasKey{reader.ID, ind.ID, p.Key(), gh, catalogue, orgs}
		x, ok := k.extras.Get(ek)
		if !ok {
			if err := widen(); err != nil {
				return err
			}
			if x.targets, err = findTargets(ctx, idb, ind.ID, reader, groups, p.End().AddDate(0, 0, -1)); err != nil {
				return err
			}
			if x.national, err = findNational(ctx, idb, ind.ID, countryOf(reader, groups), p.Key()); err != nil {
				return err
			}
			k.extras.Put(ek, x)
		}
		v.Targets, v.National = x.targets, x.national
		return nil
	})
	return v, err
}
