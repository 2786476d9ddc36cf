package indicator

import (
	"context"
	"slices"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
)

// NationalEntry is a country's official figure as an import gives it.
type NationalEntry struct {
	Country string // NO, SE, DK
	Entry
}

// SaveNational stores countries' official figures (system work: public
// statistics belong to no tenant), replacing earlier ones for the same
// indicator, country, period and category. Entries are checked as Save
// checks them; nothing is written when one is wrong.
func (s *Service) SaveNational(ctx context.Context, entries []NationalEntry) (int, error) {
	if len(entries) > MaxBatch {
		return 0, entryProblem("", "indicator.error.batch", "max", MaxBatch)
	}
	n := 0
	err := db.RunTx(ctx, s.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		var err error
		n, err = s.saveNationalTx(ctx, tx, entries)
		return err
	})
	return n, err
}

// saveNationalTx is SaveNational inside the caller's system transaction.
func (s *Service) saveNationalTx(ctx context.Context, tx bun.IDB, entries []NationalEntry) (int, error) {
	n := 0
	err := func() error {
		byCode := map[string]*Indicator{}
		var bad []RowError
		var rows []*NationalValue
		for i := range entries {
			e := &entries[i]
			if !slices.Contains([]string{"NO", "SE", "DK"}, e.Country) {
				bad = append(bad, RowError{i, entryProblem("country", "indicator.error.country")})
				continue
			}
			ind := byCode[e.Code]
			if ind == nil {
				ind = new(Indicator)
				if err := tx.NewSelect().Model(ind).Where("owner_org_id IS NULL AND code = ?", e.Code).Scan(ctx); err != nil {
					bad = append(bad, RowError{i, entryProblem("indicator", "indicator.error.unknown_code", "value", e.Code)})
					continue
				}
				byCode[e.Code] = ind
			}
			p, err := e.check(ind)
			if err != nil {
				bad = append(bad, RowError{i, app.AsError(err)})
				continue
			}
			rows = append(rows, &NationalValue{IndicatorID: ind.ID, Country: e.Country, Period: p.Key(), Category: e.Category,
				PeriodStart: p.Start(), Num: e.Num, Den: e.Den, Rate: e.Rate, State: e.State, Source: e.Source, AsOf: e.AsOf,
				Final: e.Final == nil || *e.Final, EnteredAt: s.now()})
		}
		if len(bad) > 0 {
			return &BatchError{Rows: bad}
		}
		for _, r := range rows {
			if _, err := tx.NewInsert().Model(r).On("CONFLICT (indicator_id, country, period, category) DO UPDATE").
				Set("num = EXCLUDED.num, den = EXCLUDED.den, rate = EXCLUDED.rate, state = EXCLUDED.state, source = EXCLUDED.source").
				Set("as_of = EXCLUDED.as_of, final = EXCLUDED.final, entered_at = EXCLUDED.entered_at, period_start = EXCLUDED.period_start").
				Exec(ctx); err != nil {
				return err
			}
			n++
		}
		return nil
	}()
	return n, err
}
