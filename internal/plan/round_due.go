package plan

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/due"
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
	where := "r.org_id = ? AND r.closed_at IS NULL AND r.due IS NOT NULL AND m.removed_at IS NULL" +
		" AND NOT EXISTS (SELECT 1 FROM plan_round_reports AS rr WHERE rr.org_id = r.org_id AND rr.round_id = r.id AND rr.measure_id = m.id)"
	args := []any{q.OrgID}
	if !q.Until.IsZero() {
		where += " AND r.due <= ?"
		args = append(args, q.Until)
	}
	named, byRole := where+" AND m.responsible_user IS NOT NULL", where+" AND m.responsible_key <> ''"
	namedArgs, roleArgs := append([]any(nil), args...), append([]any(nil), args...)
	if q.ResponsibleID != 0 {
		named += " AND m.responsible_user = ?"
		namedArgs = append(namedArgs, q.ResponsibleID)
		byRole += " AND rm.user_id = ?"
		roleArgs = append(roleArgs, q.ResponsibleID)
	}
	// Someone named and filling the role has the item once.
	byRole += " AND (m.responsible_user IS NULL OR m.responsible_user <> rm.user_id)"
	const from = " FROM plan_rounds AS r" +
		" JOIN plans AS p ON p.org_id = r.org_id AND p.lineage_id = r.lineage_id AND p.superseded_by IS NULL" +
		" JOIN measures AS m ON m.org_id = p.org_id AND m.plan_id = p.id"
	const cols = "SELECT r.id AS round_id, r.title AS round_title, r.due AS due, p.id AS plan_id, p.title AS plan_title," +
		" m.id AS measure_id, m.description AS description, m.status AS status"
	query := cols + ", m.responsible_user AS person, '' AS role" + from + " WHERE " + named +
		" UNION ALL " + cols + ", rm.user_id AS person, ro.name AS role" + from +
		" JOIN org_roles AS ro ON ro.org_id = m.org_id AND ro.lookup_key = m.responsible_key" +
		" JOIN org_role_members AS rm ON rm.org_id = ro.org_id AND rm.role_id = ro.id WHERE " + byRole +
		" ORDER BY due, measure_id"
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
	if err := idb.NewRaw(query, append(namedArgs, roleArgs...)...).Scan(ctx, &rows); err != nil {
		return nil, err
	}
	out := make([]due.Item, 0, len(rows))
	for _, r := range rows {
		out = append(out, due.Item{OrgID: q.OrgID, ResponsibleID: r.Person, Due: r.Due, Title: r.Description,
			URL:   fmt.Sprintf("/o/%s/plans/%d/rounds/%d#m-%s", q.OrgSlug, r.PlanID, r.RoundID, r.MeasureID),
			State: due.StateOpen, Source: "plan.round", Kind: due.KindOnce, Status: r.Status, Role: r.Role,
			Context: r.PlanTitle + " – " + r.RoundTitle, EscalateTo: due.EscalateEditors})
	}
	return out, nil
}
