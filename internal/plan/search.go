package plan

import (
	"context"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/search"
)

// searchText answers the words of a plan the global search matches:
// its title and header, main goal, areas, goals, strategies, measures and
// responsibles, folded (search.Fold). Private notes are left out.
func searchText(p *Plan, t *Tree) string {
	parts := []string{p.Title, p.Scope, p.Owner, p.RegNumber, p.DecisionRef, t.Content.MainGoal}
	for _, a := range t.Content.Areas {
		parts = append(parts, a.Title)
		for _, it := range a.Items {
			parts = append(parts, it.Text, it.Problem, it.Timeline, it.FollowUp)
			if g, ok := t.Goals[it.ID]; ok {
				parts = append(parts, g.Statement)
			}
			if m, ok := t.Measures[it.ID]; ok {
				parts = append(parts, m.Description, m.Responsible)
			}
		}
	}
	return search.Fold(strings.Join(parts, "\n"))
}

// Search is the plans' source of the global search: the organisation's
// current plans whose words match every word searched.
type Search struct{}

// Search answers matching plans, last changed first.
func (Search) Search(ctx context.Context, idb bun.IDB, q search.Query) ([]search.Hit, error) {
	if q.Allowed == nil || !q.Allowed("content", "read") {
		return nil, nil
	}
	words := strings.Fields(search.Fold(q.Text))
	if len(words) == 0 {
		return nil, nil
	}
	var rows []*Plan
	sel := idb.NewSelect().Model(&rows).Column("id", "title", "kind", "status", "version").
		Where("org_id = ? AND superseded_by IS NULL", q.OrgID).OrderExpr("updated_at DESC, id DESC")
	for _, w := range words {
		sel.Where("search_text LIKE ? ESCAPE '!'", search.Contains(w))
	}
	if q.Limit > 0 {
		sel.Limit(int64(q.Limit))
	}
	if err := sel.Scan(ctx); err != nil {
		return nil, err
	}
	hits := make([]search.Hit, 0, len(rows))
	for _, p := range rows {
		hits = append(hits, search.Hit{Kind: "plan", Title: p.Title,
			URL: "/o/" + q.OrgSlug + "/plans/" + strconv.FormatInt(p.ID, 10)})
	}
	return hits, nil
}
