package council

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// Dated is a meeting with its council, for calendars.
type Dated struct {
	*Meeting
	Council *Council
}

// MeetingsBetween answers the meetings of organisation orgID's councils
// that start in [from, to), cancelled ones included (a calendar strikes
// them out), soonest first, at most 2000. With userID not 0 only the
// councils where that user has a membership that has not ended before
// from. Call it inside orgID's scope (db.Run).
func MeetingsBetween(ctx context.Context, idb bun.IDB, orgID int64, from, to time.Time, userID int64) ([]Dated, error) {
	var cs []*Council
	if err := idb.NewSelect().Model(&cs).Where("org_id = ?", orgID).Limit(1000).Scan(ctx); err != nil || len(cs) == 0 {
		return nil, err
	}
	byID := map[int64]*Council{}
	for _, c := range cs {
		byID[c.ID] = c
	}
	if userID != 0 {
		var ids []int64
		if err := idb.NewSelect().Model((*Member)(nil)).Column("council_id").
			Where("org_id = ? AND user_id = ? AND (to_date IS NULL OR to_date >= ?)", orgID, userID, from).Scan(ctx, &ids); err != nil {
			return nil, err
		}
		mine := map[int64]*Council{}
		for _, id := range ids {
			if c := byID[id]; c != nil {
				mine[id] = c
			}
		}
		byID = mine
		if len(byID) == 0 {
			return nil, nil
		}
	}
	var ms []*Meeting
	if err := idb.NewSelect().Model(&ms).Where("org_id = ? AND starts_at >= ? AND starts_at < ?", orgID, from, to).
		OrderExpr("starts_at, id").Limit(2000).Scan(ctx); err != nil {
		return nil, err
	}
	out := make([]Dated, 0, len(ms))
	for _, m := range ms {
		if c := byID[m.CouncilID]; c != nil {
			out = append(out, Dated{Meeting: m, Council: c})
		}
	}
	return out, nil
}
