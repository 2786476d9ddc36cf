package measure

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/due"
)

// Due reports the measures that someone must finish by a day, for "My
// work" and reminders: those with a due day and a responsible person, or a
// responsible role or unit that the organisation keeps with the members who
// fill it (then each of them has the item). The database picks them by
// person, role and due day; nothing else is read.
type Due struct{}

// DueItems answers the measures of q.OrgID due for q.ResponsibleID
// (everyone's when 0), soonest first, at most q.Limit.
func (Due) DueItems(ctx context.Context, idb bun.IDB, q due.Query) ([]due.Item, error) {
	where := "m.org_id = ? AND m.removed_at IS NULL AND m.due IS NOT NULL"
	args := []any{q.OrgID}
	if q.OpenOnly {
		where += " AND m.status NOT IN ('done', 'cancelled')"
	}
	if !q.Until.IsZero() {
		where += " AND m.due <= ?"
		args = append(args, q.Until)
	}
	const cols = "m.id, m.source_kind, m.description, m.due, m.deadline_text, m.deadline_kind, m.status, m.source_path, m.source_title, m.updated_at"
	query, qargs := ResponsibleQuery(cols, "measures AS m", where, args, q.ResponsibleID)
	query += " ORDER BY due, id"
	if q.Limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", q.Limit)
	}
	var rows []struct {
		ID           string    `bun:"id"`
		SourceKind   string    `bun:"source_kind"`
		Description  string    `bun:"description"`
		Due          time.Time `bun:"due"`
		DeadlineText string    `bun:"deadline_text"`
		DeadlineKind string    `bun:"deadline_kind"`
		Status       string    `bun:"status"`
		SourcePath   string    `bun:"source_path"`
		SourceTitle  string    `bun:"source_title"`
		UpdatedAt    time.Time `bun:"updated_at"`
		Person       int64     `bun:"person"`
		Role         string    `bun:"role"`
	}
	bctx, bargs := db.Bind(ctx, idb, qargs...) // on every dashboard: planned once a connection
	if err := idb.NewRaw(query, bargs...).Scan(bctx, &rows); err != nil {
		return nil, err
	}
	out := make([]due.Item, 0, len(rows))
	for _, r := range rows {
		state := due.StateOpen
		if Closed(r.Status) {
			state = due.StateDone
		}
		kind := due.KindOnce
		if r.DeadlineKind == string(DeadlineYearly) {
			kind = due.KindYearly
		}
		text := r.DeadlineText // as written when it is more than a day: «Gjennomført innen 1.11.2016»
		out = append(out, due.Item{OrgID: q.OrgID, ResponsibleID: r.Person, Due: r.Due, DueText: text, Title: r.Description,
			URL: fmt.Sprintf("/o/%s/measures/%s", q.OrgSlug, r.ID), State: state, Source: dueSource(r.SourceKind),
			Kind: kind, Status: r.Status, Role: r.Role, Context: r.SourceTitle, EscalateTo: due.EscalateEditors,
			Key: "measure:" + r.ID, Changed: r.UpdatedAt})
	}
	return out, nil
}

// dueSource is the due item's Source for a measure of a source kind: its
// label is "due.source.<Source>".
func dueSource(kind string) string {
	switch kind {
	case SourcePlan:
		return "plan.measure"
	case SourceCouncil:
		return "council.followup"
	case SourceSurvey:
		return "survey.followup"
	}
	return "workbook.measure"
}

// ResponsibleQuery answers a query of cols for each person responsible for
// the measures (alias m) that from and where select, with its arguments:
// the person named (m.responsible_user), and each member filling the role
// or unit the measure names (org_roles by m.responsible_key, the members
// in org_role_members) — someone both named and filling the role once.
// Each row adds the columns person (a user id) and role (the role's name,
// "" for the person named). person, when not 0, keeps only that user's
// rows. The caller adds ORDER BY and LIMIT.
func ResponsibleQuery(cols, from, where string, args []any, person int64) (string, []any) {
	named, byRole := where+" AND m.responsible_user IS NOT NULL", where+" AND m.responsible_key <> ''"
	namedArgs, roleArgs := append([]any(nil), args...), append([]any(nil), args...)
	if person != 0 {
		named += " AND m.responsible_user = ?"
		namedArgs = append(namedArgs, person)
		byRole += " AND rm.user_id = ?"
		roleArgs = append(roleArgs, person)
	}
	byRole += " AND (m.responsible_user IS NULL OR m.responsible_user <> rm.user_id)"
	query := "SELECT " + cols + ", m.responsible_user AS person, '' AS role FROM " + from + " WHERE " + named +
		" UNION ALL SELECT " + cols + ", rm.user_id AS person, ro.name AS role FROM " + from +
		" JOIN org_roles AS ro ON ro.org_id = m.org_id AND ro.lookup_key = m.responsible_key" +
		" JOIN org_role_members AS rm ON rm.org_id = ro.org_id AND rm.role_id = ro.id WHERE " + byRole
	return query, append(namedArgs, roleArgs...)
}
