package indicator

import (
	"context"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// OverviewLine is one indicator of the catalogue a reader sees on its
// indicators page: the latest period with a figure, the reader's own
// figure then (a municipality's, exact), its first group's aggregate, the
// targets valid then, and the municipality's setting. Every figure is
// printed from Figure and Aggregate, protected as in the benchmark.
type OverviewLine struct {
	Indicator *Indicator
	Period    Period
	HasFigure bool   // some figure exists for the indicator (Period is its latest)
	Figure    Figure // the reader's own (a municipality)
	Aggregate *Aggregate
	Targets   []*Target
	Setting   *Setting // the municipality's choices, nil when it has made none
	Threshold int
}

// Overview answers the catalogue reader sees with its latest figures, in
// one read unit of work.
func (s *Service) Overview(ctx context.Context, reader *org.Organisation) ([]OverviewLine, error) {
	var out []OverviewLine
	err := s.read(ctx, reader, func(ctx context.Context, idb bun.IDB, groups []CompareGroup) error {
		ids, err := owners(ctx, idb, reader, s.now())
		if err != nil {
			return err
		}
		cat, err := findCatalogue(ctx, idb, ids)
		if err != nil {
			return err
		}
		settings, err := findSettings(ctx, idb, reader.ID)
		if err != nil {
			return err
		}
		// A network or county reads its members' shared values: the
		// latest period with one too (on PostgreSQL row-level security
		// hid them from this query before, and the coordinator's page
		// showed no figure for indicators its members share).
		if peers := peersOf(groups, reader); len(peers) > 0 && reader.Kind != org.KindMunicipality {
			if ctx, err = db.ReadAlso(ctx, idb, peers...); err != nil {
				return err
			}
		}
		latest, err := s.latestPeriods(ctx, idb, reader, cat)
		if err != nil {
			return err
		}
		// Every universe and target the page shows, in the same statements
		// however many indicators the catalogue holds.
		var keys []universeKey
		var shown []int64
		for _, ind := range cat {
			if p, ok := latest[ind.ID]; ok && visibleTo(ind, reader, ids) {
				keys, shown = append(keys, universeKey{ind, p.Year}), append(shown, ind.ID)
			}
		}
		// Each line's figures are kept under the data versions of its
		// universe: a network's coordinator sees 40 indicators of a whole
		// country, too many universes to keep, but few figures.
		cacheKeys, err := s.cacheKeysOf(ctx, idb, reader, keys, groups)
		if err != nil {
			return err
		}
		figures := map[int64]*overviewFigures{}
		var missing []universeKey
		var missingKeys []overviewKey
		var missingCacheKeys []universeCacheKey
		for i, k := range keys {
			var key overviewKey
			if cacheKeys != nil {
				key = overviewKey{universeCacheKey: cacheKeys[i], period: latest[k.ind.ID].Key()}
				if f, ok := s.overviewLines.Get(key); ok {
					figures[k.ind.ID] = f
					continue
				}
				missingCacheKeys = append(missingCacheKeys, cacheKeys[i])
			}
			missing, missingKeys = append(missing, k), append(missingKeys, key)
		}
		us, err := s.loadUniversesAt(ctx, idb, reader, missing, missingCacheKeys, groups)
		if err != nil {
			return err
		}
		for i, k := range missing {
			u, p := us[i], latest[k.ind.ID]
			f := &overviewFigures{threshold: u.threshold}
			rule := ""
			if len(k.ind.Rules) > 0 {
				rule = k.ind.Rules[0].Key
			}
			if reader.Kind == org.KindMunicipality {
				f.own = u.rowFigure(reader.ID, p, rule)
			}
			if len(groups) > 0 {
				a := u.aggregate(groups[0], p, rule)
				f.aggregate = &a
			}
			figures[k.ind.ID] = f
			if cacheKeys != nil {
				s.overviewLines.Put(missingKeys[i], f)
			}
		}
		targets, err := findTargetsOf(ctx, idb, shown, reader, groups)
		if err != nil {
			return err
		}
		for _, ind := range cat {
			if !visibleTo(ind, reader, ids) {
				continue
			}
			line := OverviewLine{Indicator: ind, Threshold: DefaultThreshold}
			for i := range settings {
				if settings[i].IndicatorID == ind.ID {
					line.Setting = &settings[i]
				}
			}
			p, ok := latest[ind.ID]
			if !ok {
				out = append(out, line)
				continue
			}
			line.Period, line.HasFigure = p, true
			f := figures[ind.ID]
			line.Threshold, line.Figure = f.threshold, f.own
			if f.aggregate != nil {
				a := *f.aggregate
				a.Group = groups[0] // as read on this request
				line.Aggregate = &a
			}
			line.Targets = validOn(targets[ind.ID], p.End().AddDate(0, 0, -1))
			out = append(out, line)
		}
		return nil
	})
	return out, err
}

// visibleTo reports whether ind belongs to the catalogue reader sees.
func visibleTo(ind *Indicator, reader *org.Organisation, owners []int64) bool {
	return ind.OwnerOrgID == nil || slices.Contains(owners, *ind.OwnerOrgID)
}

// latestPeriods answers, per indicator, the latest period with a value
// the reader's page shows: its own (a municipality) or its members' that
// are not private (a network or county), in one query.
func (s *Service) latestPeriods(ctx context.Context, idb bun.IDB, reader *org.Organisation, cat []*Indicator) (map[int64]Period, error) {
	out := map[int64]Period{}
	if len(cat) == 0 {
		return out, nil
	}
	ids := make([]int64, len(cat))
	for i, ind := range cat {
		ids[i] = ind.ID
	}
	var rows []struct {
		IndicatorID int64     `bun:"indicator_id"`
		Period      string    `bun:"period"`
		PeriodStart time.Time `bun:"period_start"`
	}
	q := idb.NewSelect().Model((*Value)(nil)).ColumnExpr("indicator_id, period, period_start").Where("indicator_id IN (?)", bun.In(ids))
	if reader.Kind == org.KindMunicipality {
		q = q.Where("org_id = ?", reader.ID)
	} else {
		q = q.Where("visibility <> ?", VisibilityPrivate).Where("org_id IN (SELECT id FROM organisations WHERE kind = ?)", org.KindMunicipality)
	}
	if err := q.OrderExpr("period_start DESC").Limit(5000).Scan(ctx, &rows); err != nil {
		return nil, err
	}
	kinds := map[int64]string{}
	for _, ind := range cat {
		kinds[ind.ID] = ind.Periodicity
	}
	for _, r := range rows {
		if _, seen := out[r.IndicatorID]; seen {
			continue
		}
		p, ok := ParsePeriod(r.Period)
		if ok && p.Kind == kinds[r.IndicatorID] {
			out[r.IndicatorID] = p
		}
	}
	return out, nil
}

// Detail is what one indicator's page shows: its series against the
// groups, the municipality's setting, the people who may report it, and
// the municipality's locked periods.
type Detail struct {
	Series  *Series
	Setting *Setting
	People  []org.RoleMember
	Locks   []Lock
	// Subjects are the municipalities the reader may look at (its own
	// first, then its groups' members), for a network's picker.
	Subjects []*org.Organisation
}

// Detail answers one indicator's page for reader in one read unit of
// work (see Series for q).
func (s *Service) Detail(ctx context.Context, reader *org.Organisation, q SeriesQuery) (*Detail, error) {
	d := &Detail{}
	err := s.read(ctx, reader, func(ctx context.Context, idb bun.IDB, groups []CompareGroup) error {
		var members []int64
		for _, g := range groups {
			if g.Kind == GroupNetwork || g.Kind == GroupCounty {
				members = append(members, g.Members...)
			}
		}
		slices.Sort(members)
		members = slices.Compact(members)
		if reader.Kind != org.KindMunicipality && q.Subject == "" {
			if len(members) == 0 {
				ind, err := resolve(ctx, idb, reader, s.now(), q.Code)
				if err != nil {
					return err
				}
				d.Series = &Series{Indicator: ind, Groups: groups, Threshold: DefaultThreshold}
				return nil
			}
		}
		if len(members) > 0 {
			peers := peersOf(groups, reader)
			var err error
			if len(peers) > 0 {
				if ctx, err = db.ReadAlso(ctx, idb, peers...); err != nil {
					return err
				}
			}
			if err := idb.NewSelect().Model(&d.Subjects).Column("id", "slug", "name", "kind").
				Where("id IN (?)", bun.In(members)).OrderExpr("name").Limit(MaxGroupMembers).Scan(ctx); err != nil {
				return err
			}
		}
		if reader.Kind != org.KindMunicipality && q.Subject == "" && len(d.Subjects) > 0 {
			q.Subject = d.Subjects[0].Slug
		}
		if q.To == 0 { // end the series at the latest figure
			ind, err := resolve(ctx, idb, reader, s.now(), q.Code)
			if err != nil {
				return err
			}
			p, err := s.periodFor(ctx, idb, reader, ind, "")
			if err != nil {
				return err
			}
			q.To = p.Year
		}
		var err error
		if d.Series, err = s.seriesIn(ctx, idb, reader, groups, q); err != nil {
			return err
		}
		if reader.Kind != org.KindMunicipality {
			return nil
		}
		settings, err := findSettings(ctx, idb, reader.ID)
		if err != nil {
			return err
		}
		for i := range settings {
			if settings[i].IndicatorID == d.Series.Indicator.ID {
				d.Setting = &settings[i]
			}
		}
		if d.People, err = org.FindOrgPeople(ctx, idb, reader.ID); err != nil {
			return err
		}
		d.Locks, err = findLocks(ctx, idb, reader.ID)
		return err
	})
	return d, err
}

// StatusOver answers the reporting status of each period in one read
// unit of work (see ReportingStatus), with reader's locked periods (a
// municipality's).
func (s *Service) StatusOver(ctx context.Context, reader *org.Organisation, periods []Period) ([][]MemberStatus, []Lock, error) {
	out := make([][]MemberStatus, len(periods))
	var locks []Lock
	err := s.read(ctx, reader, func(ctx context.Context, idb bun.IDB, groups []CompareGroup) error {
		for i, p := range periods {
			st, err := s.statusIn(ctx, idb, reader, groups, p)
			if err != nil {
				return err
			}
			out[i] = st
		}
		var err error
		locks, err = findLocks(ctx, idb, reader.ID)
		return err
	})
	return out, locks, err
}

// SavedGroups answers o's hand-made comparison groups and the
// municipalities it may put in one: the members of its other comparison
// groups (networks, county), by name, in one read unit of work.
func (s *Service) SavedGroups(ctx context.Context, o *org.Organisation) ([]*Group, []*org.Organisation, error) {
	var saved []*Group
	var cands []*org.Organisation
	err := s.read(ctx, o, func(ctx context.Context, idb bun.IDB, groups []CompareGroup) error {
		var ids []int64
		for _, g := range groups {
			if g.Kind != GroupSaved {
				ids = append(ids, g.Members...)
			}
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		if len(ids) > 0 {
			if err := idb.NewSelect().Model(&cands).Column("id", "slug", "name", "kind").
				Where("id IN (?) AND kind = ?", bun.In(ids), org.KindMunicipality).OrderExpr("name").Limit(2000).Scan(ctx); err != nil {
				return err
			}
		}
		return idb.NewSelect().Model(&saved).Where("org_id = ?", o.ID).OrderExpr("name, id").Limit(100).Scan(ctx)
	})
	return saved, cands, err
}
