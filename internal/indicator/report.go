package indicator

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/due"
	"github.com/samvirke/samvirke/internal/org"
)

// FormLine is one indicator on a municipality's report form with the
// figures stored for the form's period (one per category of a breakdown).
type FormLine struct {
	Indicator *Indicator
	Period    Period
	Values    map[string]*Value // by category ("" unless a breakdown)
	Locked    bool
}

// Form is a month's (or a year's) report in one screen, as Nittedal fills
// it for its committee: the monthly indicators for the month and the
// yearly ones for its year so far.
type Form struct {
	Period Period
	Lines  []FormLine
	Locked bool // the form's period is locked
}

// reported answers the indicators o reports: those with a deadline in
// the catalogue it sees (national and its networks'), and its own, less
// those it has switched off.
func reported(cat []*Indicator, settings []Setting, o *org.Organisation) []*Indicator {
	var out []*Indicator
	for _, ind := range cat {
		on := ind.ReportDay > 0 || (ind.OwnerOrgID != nil && *ind.OwnerOrgID == o.ID)
		for _, st := range settings {
			if st.IndicatorID == ind.ID {
				on = st.Reports
			}
		}
		if on {
			out = append(out, ind)
		}
	}
	return out
}

// ReportForm answers o's report form for period (a month or a year).
func (s *Service) ReportForm(ctx context.Context, o *org.Organisation, period string) (*Form, error) {
	p, ok := ParsePeriod(period)
	if !ok || (p.Kind != Monthly && p.Kind != Yearly && p.Kind != Tertial && p.Kind != Quarterly) {
		return nil, errNotFound
	}
	if o.Kind != org.KindMunicipality {
		return nil, errNotFound
	}
	f := &Form{Period: p}
	err := org.RunRead(ctx, s.DB, o, s.now(), func(ctx context.Context, idb bun.IDB) error {
		ids, err := owners(ctx, idb, o, s.now())
		if err != nil {
			return err
		}
		cat, err := findCatalogue(ctx, idb, ids)
		if err != nil {
			return err
		}
		settings, err := findSettings(ctx, idb, o.ID)
		if err != nil {
			return err
		}
		locks, err := findLocks(ctx, idb, o.ID)
		if err != nil {
			return err
		}
		f.Locked = lockedBy(locks, p)
		var keys []string
		for _, ind := range reported(cat, settings, o) {
			lp := PeriodOf(ind.Periodicity, p.Start())
			if p.Kind == Yearly && ind.Periodicity != Yearly {
				continue // a year's form holds the yearly figures
			}
			if !p.Contains(lp) && !lp.Contains(p) {
				continue
			}
			f.Lines = append(f.Lines, FormLine{Indicator: ind, Period: lp, Values: map[string]*Value{}, Locked: lockedBy(locks, lp)})
			keys = append(keys, lp.Key())
		}
		if len(f.Lines) == 0 {
			return nil
		}
		var vals []*Value
		if err := idb.NewSelect().Model(&vals).Where("org_id = ? AND period IN (?)", o.ID, bun.In(uniq(keys))).Scan(ctx); err != nil {
			return err
		}
		for _, v := range vals {
			for i := range f.Lines {
				if f.Lines[i].Indicator.ID == v.IndicatorID && f.Lines[i].Period.Key() == v.Period {
					f.Lines[i].Values[v.Category] = v
				}
			}
		}
		return nil
	})
	return f, err
}

// MemberStatus is whether one municipality has reported a period.
type MemberStatus struct {
	Org      *org.Organisation
	Expected int // indicators due for the period
	Reported int // of those with a figure
	Locked   bool
}

// Done reports whether every expected figure is in.
func (m MemberStatus) Done() bool { return m.Reported >= m.Expected }

// ReportingStatus answers, for a network (or a municipality's own
// networks' members), which members have reported period and which not.
func (s *Service) ReportingStatus(ctx context.Context, reader *org.Organisation, period string) (Period, []MemberStatus, error) {
	p, ok := ParsePeriod(period)
	if !ok {
		return p, nil, entryProblem("period", "indicator.error.period", "value", period)
	}
	var out []MemberStatus
	err := s.read(ctx, reader, func(ctx context.Context, idb bun.IDB, groups []CompareGroup) error {
		var err error
		out, err = s.statusIn(ctx, idb, reader, groups, p)
		return err
	})
	return p, out, err
}

// statusIn is ReportingStatus inside a read unit of work with reader's
// groups.
func (s *Service) statusIn(ctx context.Context, idb bun.IDB, reader *org.Organisation, groups []CompareGroup, p Period) ([]MemberStatus, error) {
	var out []MemberStatus
	err := func() error {
		var members []int64
		for _, g := range groups {
			if g.Kind == GroupNetwork {
				members = append(members, g.Members...)
			}
		}
		if reader.Kind == org.KindMunicipality {
			members = append(members, reader.ID)
		}
		slices.Sort(members)
		members = slices.Compact(members)
		if len(members) == 0 {
			return nil
		}
		peers := peersOf(groups, reader)
		if len(peers) > 0 {
			var err error
			if ctx, err = db.ReadAlso(ctx, idb, peers...); err != nil {
				return err
			}
		}
		var orgs []*org.Organisation
		if err := idb.NewSelect().Model(&orgs).Where("id IN (?)", bun.In(members)).OrderExpr("name").Scan(ctx); err != nil {
			return err
		}
		ids, err := owners(ctx, idb, reader, s.now())
		if err != nil {
			return err
		}
		for _, g := range groups {
			if g.Kind == GroupNetwork {
				ids = append(ids, g.ID)
			}
		}
		cat, err := findCatalogue(ctx, idb, ids)
		if err != nil {
			return err
		}
		var due []*Indicator
		for _, ind := range cat {
			if ind.ReportDay > 0 && ind.OwnerOrgID == nil || ind.ReportDay > 0 && slices.Contains(ids, *ind.OwnerOrgID) && *ind.OwnerOrgID != reader.ID {
				if ind.Periodicity == p.Kind {
					due = append(due, ind)
				}
			}
		}
		var dueIDs []int64
		for _, d := range due {
			dueIDs = append(dueIDs, d.ID)
		}
		type row struct {
			OrgID       int64 `bun:"org_id"`
			IndicatorID int64 `bun:"indicator_id"`
		}
		var have []row
		if len(dueIDs) > 0 {
			// Reporting status tells whether a figure is in, not what it
			// is: read from every member whatever it shares.
			if err := idb.NewSelect().Model((*Value)(nil)).ColumnExpr("DISTINCT org_id, indicator_id").
				Where("org_id IN (?) AND period = ? AND indicator_id IN (?)", bun.In(members), p.Key(), bun.In(dueIDs)).Scan(ctx, &have); err != nil {
				return err
			}
		}
		var locks []Lock
		if err := idb.NewSelect().Model(&locks).Where("org_id IN (?)", bun.In(members)).Scan(ctx); err != nil {
			return err
		}
		for _, o := range orgs {
			m := MemberStatus{Org: o, Expected: len(due)}
			for _, h := range have {
				if h.OrgID == o.ID {
					m.Reported++
				}
			}
			var own []Lock
			for _, l := range locks {
				if l.OrgID == o.ID {
					own = append(own, l)
				}
			}
			m.Locked = lockedBy(own, p)
			out = append(out, m)
		}
		return nil
	}()
	return out, err
}

// DueSource puts the reporting deadlines of indicators on the "My work"
// of the person responsible for reporting them: the last ended period of
// each indicator with a deadline (monthly by the 10th: due on the 10th of
// the next month) while its figure is missing, and the one before it
// when that is still missing too.
type DueSource struct{ Clock interface{ Now() time.Time } }

// DueItems implements due.Source.
func (d DueSource) DueItems(ctx context.Context, idb bun.IDB, q due.Query) ([]due.Item, error) {
	var settings []Setting
	sq := idb.NewSelect().Model(&settings).Where("org_id = ? AND reports AND responsible_id IS NOT NULL", q.OrgID)
	if q.ResponsibleID != 0 {
		sq = sq.Where("responsible_id = ?", q.ResponsibleID)
	}
	if err := sq.Scan(ctx); err != nil || len(settings) == 0 {
		return nil, err
	}
	var ids []int64
	for _, s := range settings {
		ids = append(ids, s.IndicatorID)
	}
	var inds []*Indicator
	if err := idb.NewSelect().Model(&inds).Where("id IN (?) AND report_day > 0", bun.In(ids)).Scan(ctx); err != nil {
		return nil, err
	}
	var locale string
	if err := idb.NewSelect().Table("organisations").Column("locale").Where("id = ?", q.OrgID).Scan(ctx, &locale); err != nil {
		return nil, err
	}
	now := d.Clock.Now()
	var locks []Lock
	if err := idb.NewSelect().Model(&locks).Where("org_id = ?", q.OrgID).Scan(ctx); err != nil {
		return nil, err
	}
	var out []due.Item
	for _, ind := range inds {
		var st Setting
		for _, s := range settings {
			if s.IndicatorID == ind.ID {
				st = s
			}
		}
		cur := PeriodOf(ind.Periodicity, now)
		var periods []Period
		p := prev(cur)
		periods = append(periods, p, prev(p))
		for _, p := range periods {
			if lockedBy(locks, p) {
				continue
			}
			n, err := idb.NewSelect().Model((*Value)(nil)).Where("org_id = ? AND indicator_id = ? AND period = ?", q.OrgID, ind.ID, p.Key()).Count(ctx)
			if err != nil {
				return nil, err
			}
			dueDay := p.End().AddDate(0, 0, ind.ReportDay-1)
			state := due.StateOpen
			if n > 0 {
				if q.OpenOnly {
					continue
				}
				state = due.StateDone
			}
			if !q.Until.IsZero() && dueDay.After(q.Until) {
				continue
			}
			out = append(out, due.Item{OrgID: q.OrgID, ResponsibleID: *st.ResponsibleID, Due: dueDay,
				Title: fmt.Sprintf("%s %s", ind.Name(locale), p.Key()), URL: fmt.Sprintf("/o/%s/indicators/report/%s", q.OrgSlug, reportPeriod(p)),
				State: state, Source: "indicator.report", Kind: due.KindOnce, EscalateTo: due.EscalateEditors, Context: ind.Code,
				Key: "indicator.report:" + ind.Code + ":" + p.Key()})
		}
	}
	slices.SortFunc(out, func(a, b due.Item) int { return a.Due.Compare(b.Due) })
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

// reportPeriod answers the report form a period is filled on: its month
// for a month, its year otherwise.
func reportPeriod(p Period) string {
	if p.Kind == Monthly {
		return p.Key()
	}
	return fmt.Sprint(p.Year)
}

// prev answers the period before p.
func prev(p Period) Period {
	if p.Kind == Yearly {
		return Period{Year: p.Year - 1, Kind: Yearly}
	}
	if p.Index == 1 {
		return Period{Year: p.Year - 1, Kind: p.Kind, Index: 12 / months(p.Kind)}
	}
	return Period{Year: p.Year, Kind: p.Kind, Index: p.Index - 1}
}
