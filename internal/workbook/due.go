package workbook

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/samvirke/samvirke/internal/due"
)

// DueMeasures reports the measures of a municipality's workbooks that have
// a responsible person and a dated deadline, for "My work" and reminders.
type DueMeasures struct{}

// DueItems answers the measures, open or not unless q.OpenOnly, soonest
// first and at most q.Limit of them. The database picks the measures (the
// responsible person, a deadline, open): only they are read, never the
// answers' texts or other people's measures, however many answers the
// organisation holds.
func (DueMeasures) DueItems(ctx context.Context, idb bun.IDB, q due.Query) ([]due.Item, error) {
	// field(m, "X") is the text of a measure's field X, or NULL.
	// e.measures is the content's measures, kept by the database (NULL
	// when there are none), so no answer's text is parsed here.
	from := "workbook_entries AS e, json_each(e.measures) AS m"
	field := func(name string) string { return "json_extract(m.value, '$." + name + "')" }
	where := []string{"e.org_id = ?", "e.measures IS NOT NULL"}
	if idb.Dialect().Name() == dialect.PG {
		from = "workbook_entries AS e CROSS JOIN LATERAL jsonb_array_elements(e.measures) AS m(value)"
		field = func(name string) string { return "(m.value ->> '" + name + "')" }
	}
	args := []any{q.OrgID}
	where = append(where, field("ResponsibleUser")+" IS NOT NULL", field("Deadline")+" IS NOT NULL")
	if q.ResponsibleID != 0 {
		where = append(where, "CAST("+field("ResponsibleUser")+" AS BIGINT) = ?")
		args = append(args, q.ResponsibleID)
	}
	if q.OpenOnly {
		where = append(where, "COALESCE("+field("Status")+", '') NOT IN (?, ?)")
		args = append(args, StatusDone, StatusCancelled)
	}
	query := "SELECT e.workbook_id, e.statement_id, CAST(m.value AS TEXT) AS measure FROM " + from +
		" WHERE " + strings.Join(where, " AND ") + " ORDER BY " + field("Deadline") + ", e.id"
	if q.Limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", q.Limit)
	}
	var rows []struct {
		WorkbookID  int64  `bun:"workbook_id"`
		StatementID int64  `bun:"statement_id"`
		Measure     string `bun:"measure"`
	}
	if err := idb.NewRaw(query, args...).Scan(ctx, &rows); err != nil {
		return nil, err
	}
	var out []due.Item
	for _, r := range rows {
		var m Measure
		if err := json.Unmarshal([]byte(r.Measure), &m); err != nil {
			return nil, err
		}
		if m.ResponsibleUser == nil || m.Deadline == nil {
			continue
		}
		if !q.Until.IsZero() && m.Deadline.After(q.Until) {
			continue
		}
		state := due.StateOpen
		if m.Status == StatusDone || m.Status == StatusCancelled {
			state = due.StateDone
		}
		out = append(out, due.Item{OrgID: q.OrgID, ResponsibleID: *m.ResponsibleUser, Due: *m.Deadline, DueText: m.DeadlineText, Title: m.Description,
			State: state, Source: "workbook.measure",
			URL: fmt.Sprintf("/o/%s/workbooks/%d/statements/%d", q.OrgSlug, r.WorkbookID, r.StatementID)})
	}
	return out, nil
}
