package workbook

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/search"
)

// Search finds the organisation's own workbook answers by their text or
// their problem statement's title.
type Search struct{}

// Search answers matching entries, newest first.
func (Search) Search(ctx context.Context, idb bun.IDB, q search.Query) ([]search.Hit, error) {
	if q.Allowed == nil || !q.Allowed("content", "read") {
		return nil, nil
	}
	var entries []*Entry
	if err := idb.NewSelect().Model(&entries).Where("org_id = ?", q.OrgID).OrderExpr("updated_at DESC").Scan(ctx); err != nil {
		return nil, err
	}
	// The statements belong to the networks; the organisation reads them
	// through its workbooks' networks (the page's read scope).
	var statements []statementRow
	if len(entries) > 0 {
		if err := idb.NewSelect().Model(&statements).Column("id", "title").
			Where("org_id IN (SELECT network_id FROM workbooks WHERE org_id = ?) AND id IN (SELECT statement_id FROM workbook_entries WHERE org_id = ?)", q.OrgID, q.OrgID).
			Scan(ctx); err != nil {
			return nil, err
		}
	}
	titles := map[int64]string{}
	for _, st := range statements {
		titles[st.ID] = st.Title
	}
	var hits []search.Hit
	for _, e := range entries {
		if err := e.decode(); err != nil {
			return nil, err
		}
		title := titles[e.StatementID]
		texts := []string{title, e.Content.Notes}
		for _, a := range e.Content.Answers {
			texts = append(texts, a)
		}
		if search.Matches(q.Text, texts...) {
			hits = append(hits, search.Hit{Kind: "workbook", Title: title, Detail: snippet(texts, q.Text),
				URL: fmt.Sprintf("/o/%s/workbooks/%d/statements/%d", q.OrgSlug, e.WorkbookID, e.StatementID)})
		}
	}
	return hits, nil
}

// snippet answers up to 160 characters of the first answer text around
// the first word of query.
func snippet(texts []string, query string) string {
	words := strings.Fields(query)
	if len(words) == 0 {
		return ""
	}
	for _, t := range texts[1:] {
		if s, ok := search.Snippet(t, words[0], 160); ok {
			return s
		}
	}
	return ""
}
