package workbook

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/due"
)

// DueMeasures reports the measures of a municipality's workbooks that have
// a responsible person and a dated deadline, for "My work" and reminders.
type DueMeasures struct{}

// DueItems answers the measures, open or not; the registry filters.
func (DueMeasures) DueItems(ctx context.Context, idb bun.IDB, q due.Query) ([]due.Item, error) {
	var entries []*Entry
	if err := idb.NewSelect().Model(&entries).Where("org_id = ?", q.OrgID).Scan(ctx); err != nil {
		return nil, err
	}
	var out []due.Item
	for _, e := range entries {
		if err := e.decode(); err != nil {
			return nil, err
		}
		for _, m := range e.Content.Measures {
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
			out = append(out, due.Item{OrgID: e.OrgID, ResponsibleID: *m.ResponsibleUser, Due: *m.Deadline, Title: m.Description,
				State: state, Source: "workbook.measure",
				URL: fmt.Sprintf("/o/%s/workbooks/%d/statements/%d", q.OrgSlug, e.WorkbookID, e.StatementID)})
		}
	}
	return out, nil
}
