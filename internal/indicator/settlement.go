package indicator

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/disclosure"
	"github.com/samvirke/samvirke/internal/org"
)

// The settlement tracker's indicators (tenants/indicators/settlement.yaml).
const (
	CodeSettleRequested = "settle.requested" // the state's request or quota
	CodeSettleDecided   = "settle.decided"   // the council's decision
	CodeSettleSettled   = "settle.settled"   // settled at the request: adults, children, unspecified
	CodeSettleFamily    = "settle.family"    // family reunifications: the same categories
	CodeSettleTotal     = "settle.total"     // everyone settled
)

// Settlement categories.
const (
	CatAdults      = "adults"
	CatChildren    = "children"
	CatUnspecified = "unspecified"
)

// SettlementYear is one year of the tracker, every figure protected as
// the reader is shown it (a municipality its own exactly).
type SettlementYear struct {
	Year      int
	Requested Figure
	Decided   Figure
	// Settled and Family: the total and its categories.
	Settled, SettledAdults, SettledChildren Figure
	Family, FamilyAdults, FamilyChildren    Figure
	// Total is settle.total when reported; otherwise settled and family
	// added, when both are shown.
	Total Figure
	// Diff is the total settled at the request less the request, when
	// both are shown: what is still to come (negative) or above it.
	Diff *float64
}

// Settlement is a municipality's settlement by year.
type Settlement struct {
	Subject   *org.Organisation
	From, To  int
	Threshold int
	Years     []SettlementYear
	// Indicators holds the tracker's indicators found in the catalogue by
	// code; a code the catalogue lacks leaves its figures missing.
	Indicators map[string]*Indicator
}

// MaxSettlementYears bounds the tracker.
const MaxSettlementYears = 15

// Settlement answers the settlement tracker of reader (a municipality)
// for the years from..to (zero: the last five up to this year), each
// indicator's universe read and protected once per year. Errors:
// app.EInvalid for a range out of bounds, not found for a reader that is
// not a municipality.
func (s *Service) Settlement(ctx context.Context, reader *org.Organisation, from, to int) (*Settlement, error) {
	if reader.Kind != org.KindMunicipality {
		return nil, errNotFound
	}
	if to == 0 {
		latest, err := s.latestSettlementYear(ctx, reader)
		if err != nil {
			return nil, err
		}
		to = latest
	}
	if from == 0 {
		from = to - 9 // ten years, as Thisted's overview of quota and reunification
	}
	if from > to || to-from >= MaxSettlementYears || from < 1900 || to > 2200 {
		return nil, app.Errorf(app.EInvalid, "indicator.error.years", "max", MaxSettlementYears).WithField("from")
	}
	out := &Settlement{Subject: reader, From: from, To: to, Indicators: map[string]*Indicator{}}
	err := s.read(ctx, reader, func(ctx context.Context, idb bun.IDB, groups []CompareGroup) error {
		for _, code := range []string{CodeSettleRequested, CodeSettleDecided, CodeSettleSettled, CodeSettleFamily, CodeSettleTotal} {
			ind, err := resolve(ctx, idb, reader, s.now(), code)
			if app.ErrorCode(err) == app.ENotFound {
				continue
			}
			if err != nil {
				return err
			}
			out.Indicators[code] = ind
		}
		for y := from; y <= to; y++ {
			sy := SettlementYear{Year: y}
			universes := map[string]*universe{} // each indicator's year, read and protected once
			get := func(code, part string) (Figure, error) {
				ind := out.Indicators[code]
				if ind == nil {
					return Figure{Missing: true}, nil
				}
				u := universes[code]
				if u == nil {
					var err error
					if u, err = s.loadUniverse(ctx, idb, reader, ind, y, groups); err != nil {
						return Figure{}, err
					}
					universes[code] = u
				}
				out.Threshold = max(out.Threshold, u.threshold)
				return u.partFigure(reader.ID, Period{Year: y, Kind: Yearly}, part), nil
			}
			var err error
			for _, f := range []struct {
				code, part string
				into       *Figure
			}{
				{CodeSettleRequested, "", &sy.Requested}, {CodeSettleDecided, "", &sy.Decided},
				{CodeSettleSettled, "", &sy.Settled}, {CodeSettleSettled, "cat:" + CatAdults, &sy.SettledAdults},
				{CodeSettleSettled, "cat:" + CatChildren, &sy.SettledChildren},
				{CodeSettleFamily, "", &sy.Family}, {CodeSettleFamily, "cat:" + CatAdults, &sy.FamilyAdults},
				{CodeSettleFamily, "cat:" + CatChildren, &sy.FamilyChildren},
				{CodeSettleTotal, "", &sy.Total},
			} {
				if *f.into, err = get(f.code, f.part); err != nil {
					return err
				}
			}
			if sy.Total.Missing && sy.Settled.Shown() && sy.Family.Shown() {
				t := *sy.Settled.Num + *sy.Family.Num
				sy.Total = Figure{Num: &t, Final: sy.Settled.Final && sy.Family.Final, Source: sy.Settled.Source}
			}
			if sy.Requested.Shown() && sy.Settled.Shown() {
				d := *sy.Settled.Num - *sy.Requested.Num
				sy.Diff = &d
			}
			out.Years = append(out.Years, sy)
		}
		return nil
	})
	if out.Threshold == 0 {
		out.Threshold = DefaultThreshold
	}
	return out, err
}

// partFigure answers one published part of a municipality's figure for
// period p: "" its main count (a breakdown's total), "cat:<key>" one
// category's count, with the provenance of its value.
func (u *universe) partFigure(id int64, p Period, part string) Figure {
	if part == "" {
		return u.rowFigure(id, p, "")
	}
	f := Figure{Final: true}
	i, ok := u.cells.find(cellKey{org: id, period: p.Key(), part: part})
	if !ok {
		f.Missing = true
	} else {
		var sum int64
		for _, b := range u.table.Cells[i].Parts {
			sum += u.table.Base[b]
		}
		switch u.status[i] {
		case disclosure.Small:
			f.Small = true
		case disclosure.Hidden:
			f.Hidden = true
		default:
			x := float64(sum)
			f.Num = &x
		}
	}
	if v, ok := u.factAt(id, p.code(), u.categoryCode(part[len("cat:"):])); ok {
		f.Source, f.AsOf, f.Final = u.strs[v.source], v.asOf, v.final
	}
	return f
}

// latestSettlementYear answers the last year with a settlement figure of
// reader's own, or this year when there is none.
func (s *Service) latestSettlementYear(ctx context.Context, reader *org.Organisation) (int, error) {
	year := s.now().Year()
	var periods []string
	err := db.Run(ctx, s.DB, db.OrgScope(reader.ID), func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Model((*Value)(nil)).Column("period").
			Where("org_id = ? AND indicator_id IN (SELECT id FROM indicators WHERE code IN (?))", reader.ID,
				bun.In([]string{CodeSettleRequested, CodeSettleDecided, CodeSettleSettled, CodeSettleFamily, CodeSettleTotal})).
			OrderExpr("period_start DESC").Limit(1).Scan(ctx, &periods)
	})
	if len(periods) > 0 {
		if p, ok := ParsePeriod(periods[0]); ok {
			year = p.Year
		}
	}
	return year, err
}
