package workbook

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

type goodPractice struct {
	bun.BaseModel `bun:"table:workbook_good_practice"`
	OrgID         int64 `bun:",pk"`
	EntryOrgID    int64 `bun:",pk"`
	EntryID       int64 `bun:",pk"`
	MarkedBy      *int64
	MarkedAt      bun.NullTime
}

// SetGoodPractice marks (or unmarks) a member's answer as good practice in
// the network. The mark is the network's: the answer is not changed.
func (s *Service) SetGoodPractice(ctx context.Context, network *org.Organisation, a *app.Actor, entryOrgID, entryID int64, on bool) error {
	return db.RunTx(ctx, s.DB, db.OrgScope(network.ID), func(ctx context.Context, tx bun.Tx) error {
		if !on {
			_, err := tx.NewDelete().Model((*goodPractice)(nil)).
				Where("org_id = ? AND entry_org_id = ? AND entry_id = ?", network.ID, entryOrgID, entryID).Exec(ctx)
			return err
		}
		gp := &goodPractice{OrgID: network.ID, EntryOrgID: entryOrgID, EntryID: entryID, MarkedAt: bun.NullTime{Time: s.Clock.Now()}}
		if a.UserID != 0 {
			gp.MarkedBy = &a.UserID
		}
		_, err := tx.NewInsert().Model(gp).On("CONFLICT DO NOTHING").Exec(ctx)
		return db.Err(err, "workbook.error.not_found")
	})
}

func goodPracticeOf(ctx context.Context, idb bun.IDB, networkID int64) (map[[2]int64]bool, error) {
	var rows []goodPractice
	if err := idb.NewSelect().Model(&rows).Where("org_id = ?", networkID).Scan(ctx); err != nil {
		return nil, err
	}
	out := map[[2]int64]bool{}
	for _, r := range rows {
		out[[2]int64{r.EntryOrgID, r.EntryID}] = true
	}
	return out, nil
}
