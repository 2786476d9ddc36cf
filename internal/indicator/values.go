package indicator

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/org"
)

// MaxValues bounds the values one read answers.
const MaxValues = 5000

// Values answers o's own values of the indicator with code (exact, as
// stored, with provenance) whose periods start in the years from to to
// (zero: unbounded), oldest first.
func (s *Service) Values(ctx context.Context, o *org.Organisation, code string, from, to int) (*Indicator, []*Value, error) {
	var ind *Indicator
	var out []*Value
	err := org.RunRead(ctx, s.DB, o, s.now(), func(ctx context.Context, idb bun.IDB) error {
		var err error
		if ind, err = resolve(ctx, idb, o, s.now(), code); err != nil {
			return err
		}
		q := idb.NewSelect().Model(&out).Where("org_id = ? AND indicator_id = ?", o.ID, ind.ID)
		if from > 0 {
			q = q.Where("period_start >= ?", time.Date(from, 1, 1, 0, 0, 0, 0, time.UTC))
		}
		if to > 0 {
			q = q.Where("period_start < ?", time.Date(to+1, 1, 1, 0, 0, 0, 0, time.UTC))
		}
		return q.OrderExpr("period_start, period, category").Limit(MaxValues).Scan(ctx)
	})
	return ind, out, err
}

// Targets answers the targets that apply to o: national, its networks'
// and its own; of the indicator with code, or of every indicator when
// code is "". Each target's indicator code is in the map.
func (s *Service) Targets(ctx context.Context, o *org.Organisation, code string) ([]*Target, map[int64]string, error) {
	var out []*Target
	codes := map[int64]string{}
	err := org.RunRead(ctx, s.DB, o, s.now(), func(ctx context.Context, idb bun.IDB) error {
		ids, err := owners(ctx, idb, o, s.now())
		if err != nil {
			return err
		}
		cat, err := findCatalogue(ctx, idb, ids)
		if err != nil {
			return err
		}
		var indIDs []int64
		for _, ind := range cat {
			if code == "" || ind.Code == code {
				indIDs = append(indIDs, ind.ID)
				codes[ind.ID] = ind.Code
			}
		}
		if code != "" {
			ind, err := resolve(ctx, idb, o, s.now(), code)
			if err != nil {
				return err
			}
			indIDs, codes = []int64{ind.ID}, map[int64]string{ind.ID: ind.Code}
		}
		if len(indIDs) == 0 {
			return nil
		}
		return idb.NewSelect().Model(&out).Where("indicator_id IN (?)", bun.In(indIDs)).
			WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
				return q.Where("owner_org_id IS NULL").WhereOr("owner_org_id IN (?)", bun.In(ids))
			}).OrderExpr("indicator_id, level, id").Limit(MaxValues).Scan(ctx)
	})
	return out, codes, err
}
