package workbook

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/search"
)

// Search finds the organisation's own workbook answers by their text or
// their problem statement's title.
type Search struct{}

// Search answers matching entries, newest first, at most q.Limit of them
// (all, when q.Limit is 0). The database matches each word against the
// entries' stored search text (see searchText), so only matching answers
// are read, however many the organisation has.
func (Search) Search(ctx context.Context, idb bun.IDB, q search.Query) ([]search.Hit, error) {
	if q.Allowed == nil || !q.Allowed("content", "read") {
		return nil, nil
	}
	words := strings.Fields(search.Fold(q.Text))
	if len(words) == 0 {
		return nil, nil
	}
	var rows []struct {
		WorkbookID  int64  `bun:"workbook_id"`
		StatementID int64  `bun:"statement_id"`
		Raw         string `bun:"content"`
		Title       *string
	}
	// The statements belong to the networks; the organisation reads them
	// through its workbooks' networks (the page's read scope).
	sel := idb.NewSelect().TableExpr("workbook_entries AS e").ColumnExpr("e.workbook_id, e.statement_id, e.content, s.title").
		Join("LEFT JOIN workbook_statements AS s ON s.id = e.statement_id AND s.org_id IN (SELECT network_id FROM workbooks WHERE org_id = ?)", q.OrgID).
		Where("e.org_id = ?", q.OrgID).OrderExpr("e.updated_at DESC, e.id DESC")
	for _, w := range words {
		sel.Where("e.search_text LIKE ? ESCAPE '!'", search.Contains(w))
	}
	if q.Limit > 0 {
		sel.Limit(int64(q.Limit))
	}
	if err := sel.Scan(ctx, &rows); err != nil {
		return nil, err
	}
	var hits []search.Hit
	for _, r := range rows {
		e := &Entry{Raw: r.Raw}
		if err := e.decode(); err != nil {
			return nil, err
		}
		title := ""
		if r.Title != nil {
			title = *r.Title
		}
		texts := entryTexts(title, &e.Content)
		if search.Matches(q.Text, texts...) {
			hits = append(hits, search.Hit{Kind: "workbook", Title: title, Detail: snippet(texts, q.Text),
				URL: fmt.Sprintf("/o/%s/workbooks/%d/statements/%d", q.OrgSlug, r.WorkbookID, r.StatementID)})
		}
	}
	return hits, nil
}

// entryTexts are the texts search matches in an entry: its problem
// statement's title first, then its notes and answers, then its goals'
// and measures' texts.
func entryTexts(title string, c *Content) []string {
	texts := []string{title, c.Notes}
	for _, a := range c.Answers {
		texts = append(texts, a)
	}
	for _, g := range c.Goals {
		texts = append(texts, g.Statement, g.IndicatorCode, g.Unit)
	}
	for _, m := range c.Measures {
		texts = append(texts, m.Description, m.Responsible, m.DeadlineText, m.Notes)
	}
	return texts
}

// searchText is what an entry stores for search to match in SQL: its
// texts case-folded as search.Matches folds them, one a line: a word (no
// white space in it) never spans two of them.
func searchText(title string, c *Content) string {
	return search.Fold(strings.Join(entryTexts(title, c), "\n"))
}

// FillSearchText stores the search text of the entries saved before it
// was stored on save (their search_text is NULL), a hundred at a time, as
// system work, and answers how many it filled. The migration step runs it
// (server.Migrate); running it again is cheap and does nothing.
func FillSearchText(ctx context.Context, bdb *bun.DB) (int, error) {
	n := 0
	for after := int64(0); ; {
		var batch []*Entry
		err := db.RunTx(ctx, bdb, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
			if err := tx.NewSelect().Model(&batch).Column("org_id", "id", "statement_id", "version", "content").
				Where("search_text IS NULL AND id > ?", after).OrderExpr("id").Limit(100).Scan(ctx); err != nil {
				return err
			}
			if len(batch) == 0 {
				return nil
			}
			ids := make([]int64, len(batch))
			for i, e := range batch {
				ids[i] = e.StatementID
			}
			var sts []statementRow
			if err := tx.NewSelect().Model(&sts).Column("id", "title").Where("id IN (?)", bun.In(ids)).Scan(ctx); err != nil {
				return err
			}
			titles := map[int64]string{}
			for _, st := range sts {
				titles[st.ID] = st.Title
			}
			for _, e := range batch {
				if err := e.decode(); err != nil {
					return fmt.Errorf("workbook: entry %d: %w", e.ID, err)
				}
				res, err := tx.NewUpdate().Model((*Entry)(nil)).Set("search_text = ?", searchText(titles[e.StatementID], &e.Content)).
					Where("org_id = ? AND id = ? AND version = ? AND search_text IS NULL", e.OrgID, e.ID, e.Version).Exec(ctx)
				if err != nil {
					return err
				}
				if k, _ := res.RowsAffected(); k == 1 {
					n++
				}
			}
			return nil
		})
		if err != nil || len(batch) == 0 {
			return n, err
		}
		after = batch[len(batch)-1].ID
	}
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
