package remind

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/scale"
)

// Scale is the reminders' slice of the scale data set: an action plan
// in every municipality with PerOrg measures, each with a responsible
// member, all due on Due, so that every one of them is reminded on the
// same morning (the throughput benchmark of the README).
type Scale struct {
	PerOrg int       // zero: 200
	Due    time.Time // zero: 17 March 2027, a Wednesday
}

// Name implements scale.Slice.
func (Scale) Name() string { return "due measures" }

// Generate implements scale.Slice.
func (s Scale) Generate(ctx context.Context, bdb *bun.DB, w *scale.World) (int, error) {
	per, due := s.PerOrg, s.Due
	if per <= 0 {
		per = 200
	}
	if due.IsZero() {
		due = time.Date(2027, 3, 17, 0, 0, 0, 0, time.UTC)
	}
	rows := 0
	var batch []measure.MeasureRow
	for _, o := range w.Municipalities {
		var planID int64
		err := db.RunTx(ctx, bdb, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
			return tx.NewRaw(`INSERT INTO plans (org_id, kind, title, status, visibility, content, created_at, updated_at)
				VALUES (?, 'action_plan', ?, 'adopted', 'private', '{}', ?, ?) RETURNING id`,
				o.ID, "Handlingsplan for integrering 2027–2030", w.Now, w.Now).Scan(ctx, &planID)
		})
		if err != nil {
			return rows, err
		}
		rows++
		members := w.Members[o.ID]
		for i := range per {
			u := members[i%len(members)].UserID
			d := due
			batch = append(batch, measure.MeasureRow{OrgID: o.ID, ID: fmt.Sprintf("s%d", i+1), SourceKind: measure.SourcePlan,
				PlanID: &planID, SourceTitle: "Handlingsplan for integrering 2027–2030", Visibility: "private", Position: i,
				Description:     fmt.Sprintf("Tiltak %d: språkpraksis og «arbeid først» for nyankomne", i+1),
				ResponsibleUser: &u, DeadlineText: d.Format(time.DateOnly), DeadlineKind: "date", Due: &d, Status: "ongoing",
				GoalIDs: "[]", CreatedAt: w.Now, UpdatedAt: w.Now})
		}
		if len(batch) >= 5000 {
			n, err := scale.Insert(ctx, bdb, batch)
			rows += n
			if err != nil {
				return rows, err
			}
			batch = batch[:0]
		}
	}
	n, err := scale.Insert(ctx, bdb, batch)
	return rows + n, err
}
