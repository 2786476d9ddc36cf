package plan

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/due"
	"github.com/samvirke/samvirke/internal/measure"
)

// RoundDue reports, for "My work" and reminders, the measures each
// responsible has yet to report on in an open follow-up round with a due
// day: per measure of the plan in force not yet reported, its responsible
// person, or each member of the role its responsible names. Reporting
// takes the item away.
type RoundDue struct{}

// DueItems answers the unreported measures of q.OrgID's open rounds due
// for q.ResponsibleID (everyone's when 0), soonest first, at most q.Limit.
func (RoundDue) DueItems(ctx context.Context, idb bun.IDB, q due.Query) ([]due.Item, error) {
	// An organisation has an open round with a due day for a few weeks a
	// year: its rounds are read first, from their own table, and the
	// measures only when one is open. The query of the measures joins five
	// tables twice under row-level security, and PostgreSQL took longer
	// to plan it (1.6 ms) than any other statement of a load run.
	// On every dashboard: planned once a connection on PostgreSQL (db.Bind;
	// a statement is sent with exactly the values it names).
	openWhere, vals := "org_id = ? AND closed_at IS NULL AND due IS NOT NULL", []any{q.OrgID}
	if !q.Until.IsZero() {
		openWhere, vals = openWhere+" AND due <= ?", append(vals, q.Until)
	}
	bctx, a := db.Bind(ctx, idb, vals...)
	var open []int64
	if err := idb.NewSelect().Table("plan_rounds").Column("id").Where(openWhere, a...).Scan(bctx, &open); err != nil {
		return nil, err
	}
	if len(open) == 0 {
		return nil, nil
	}
	where := "r.org_id = ? AND r.id IN (?) AND m.removed_at IS NULL" +
		" AND NOT EXISTS (SELECT 1 FROM plan_round_reports AS rr WHERE rr.org_id = r.org_id AND rr.round_id = r.id AND rr.measure_id = m.id)"
	args := []any{q.OrgID, bun.In(open)}
	const from = "plan_rounds AS r" +
		" JOIN plans AS p ON p.org_id = r.org_id AND p.lineage_id = r.lineage_id AND p.superseded_by IS NULL" +
		" JOIN measures AS m ON m.org_id = p.org_id AND m.plan_id = p.id"
	const cols = "r.id AS round_id, r.title AS round_title, r.due AS due, p.id AS plan_id, p.title AS plan_title," +
		" m.id AS measure_id, m.description AS description, m.status AS status"
	query, qargs := measure.ResponsibleQuery(cols, from, where, args, q.ResponsibleID)
	query += " ORDER BY due, measure_id"
	if q.Limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", q.Limit)
	}
	var rows []struct {
		RoundID     int64     `bun:"round_id"`
		RoundTitle  string    `bun:"round_title"`
		Due         time.Time `bun:"due"`
		PlanID      int64     `bun:"plan_id"`
		PlanTitle   string    `bun:"plan_title"`
		MeasureID   string    `bun:"measure_id"`
		Description string    `bun:"description"`
		Status      string    `bun:"status"`
		Person      int64     `bun:"person"`
		Role        string    `bun:"role"`
	}
	if err := idb.NewRaw(query, qargs...).Scan(ctx, &rows); err != nil {
		return nil, err
	}
	out := make([]due.Item, 0, len(rows))
	for _, r := range rows {
		out = append(out, due.Item{OrgID: q.OrgID, ResponsibleID: r.Person, Due: r.Due, Title: r.Description,
			URL:   fmt.Sprintf("/o/%s/plans/%d/rounds/%d#m-%s", q.OrgSlug, r.PlanID, r.RoundID, r.MeasureID),
			State: due.StateOpen, Source: "plan.round", Kind: due.KindOnce, Status: r.Status, Role: r.Role,
			Context: r.PlanTitle + " – " + r.RoundTitle, EscalateTo: due.EscalateEditors,
			Key: fmt.Sprintf("plan.round:%d:%s", r.RoundID, r.MeasureID)})
	}
	return out, nil
}
