package workbook

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/samvirke/samvirke/internal/due"
)

// DueMeasures reports the measures of a municipality's workbooks that have
// a responsible person and a dated deadline, for "My work" and reminders.
type DueMeasures struct{}

// DueItems answers the measures, open or not; the registry filters. It
// reads only the measures of each entry, not the answers' texts.
func (DueMeasures) DueItems(ctx context.Context, idb bun.IDB, q due.Query) ([]due.Item, error) {
	measures := "json_extract(content, '$.measures')"
	if idb.Dialect().Name() == dialect.PG {
		measures = "(content::jsonb -> 'measures')::text"
	}
	var rows []struct {
		WorkbookID  int64   `bun:"workbook_id"`
		StatementID int64   `bun:"statement_id"`
		Measures    *string `bun:"measures"`
	}
	if err := idb.NewSelect().Model((*Entry)(nil)).Column("workbook_id", "statement_id").ColumnExpr(measures+" AS measures").
		Where("org_id = ?", q.OrgID).Scan(ctx, &rows); err != nil {
		return nil, err
	}
	var out []due.Item
	for _, r := range rows {
		if r.Measures == nil {
			continue
		}
		var ms []Measure
		if err := json.Unmarshal([]byte(*r.Measures), &ms); err != nil {
			return nil, err
		}
		for _, m := range ms {
			if m.ResponsibleUser == nil || m.Deadline == nil {
				continue
			}
			if q.ResponsibleID != 0 && *m.ResponsibleUser != q.ResponsibleID {
				continue
			}
			if !q.Until.IsZero() && m.Deadline.After(q.Until) {
				continue
			}
			state := due.StateOpen
			if m.Status == StatusDone || m.Status == StatusCancelled {
				state = due.StateDone
			}
			out = append(out, due.Item{OrgID: q.OrgID, ResponsibleID: *m.ResponsibleUser, Due: *m.Deadline, Title: m.Description,
				State: state, Source: "workbook.measure",
				URL: fmt.Sprintf("/o/%s/workbooks/%d/statements/%d", q.OrgSlug, r.WorkbookID, r.StatementID)})
		}
	}
	return out, nil
}
