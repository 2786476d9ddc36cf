package workbook

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/due"
	"github.com/samvirke/samvirke/internal/org"
)

// ChapterDue is the due-item source of a municipality's workbook chapters
// that its network expects at a coming gathering and that are not ready:
// each is due on the gathering's day (the first coming gathering that
// takes it up), and the municipality's owners and editors answer for it.
// It reads the networks' gatherings and templates by widening the unit of
// work's read scope to the municipality's networks for its one query,
// and narrows it back.
type ChapterDue struct{ Clock app.Clock }

// chapterResponsibleRoles are the roles of a municipality that answer for
// its workbook chapters.
var chapterResponsibleRoles = []string{"owner", "editor"}

// DueItems implements due.Source.
func (d ChapterDue) DueItems(ctx context.Context, idb bun.IDB, q due.Query) ([]due.Item, error) {
	today := d.Clock.Now().UTC().Truncate(24 * time.Hour)
	nets, err := org.FindMemberNetworks(ctx, idb, q.OrgID, today)
	if err != nil || len(nets) == 0 {
		return nil, err
	}
	ids := make([]int64, len(nets))
	for i, n := range nets {
		ids[i] = n.ID
	}
	wide, err := db.ReadAlso(ctx, idb, ids...)
	if err != nil {
		return nil, fmt.Errorf("workbook: chapters due: %w", err)
	}
	var rows []struct {
		Workbook  int64     `bun:"workbook_id"`
		Chapter   int64     `bun:"chapter_id"`
		Title     string    `bun:"chapter"`
		Template  string    `bun:"template"`
		Gathering int64     `bun:"gathering_id"`
		GTitle    string    `bun:"gathering"`
		StartsOn  time.Time `bun:"starts_on"`
		Status    string    `bun:"status"`
	}
	err = idb.NewRaw(`SELECT w.id AS workbook_id, c.id AS chapter_id, c.title AS chapter, t.name AS template,
		g.id AS gathering_id, g.title AS gathering, g.starts_on, COALESCE(s.status, ?) AS status
		FROM workbooks AS w
		JOIN workbook_templates AS t ON t.org_id = w.network_id AND t.id = w.template_id
		JOIN workbook_chapters AS c ON c.org_id = w.network_id AND c.template_id = w.template_id
		JOIN gathering_chapters AS gc ON gc.org_id = w.network_id AND gc.chapter_id = c.id
		JOIN gatherings AS g ON g.org_id = gc.org_id AND g.id = gc.gathering_id
		LEFT JOIN workbook_chapter_status AS s ON s.org_id = w.org_id AND s.workbook_id = w.id AND s.chapter_id = c.id WHERE w.org_id = ? AND w.network_id IN (?)
		ORDER BY g.starts_on, g.id, c.position`, ChapterNotStarted, q.OrgID, bun.In(ids)).Scan(wide, &rows)
	if rerr := db.ResetRead(ctx, idb); err == nil {
		err = rerr
	}
	if err != nil {
		return nil, fmt.Errorf("workbook: chapters due: %w", err)
	}
	var people []struct {
		UserID int64 `bun:"user_id"`
	}
	if len(rows) > 0 {
		if err := idb.NewRaw("SELECT user_id FROM memberships WHERE org_id = ? AND role IN (?) ORDER BY user_id",
			q.OrgID, bun.In(chapterResponsibleRoles)).Scan(ctx, &people); err != nil {
			return nil, fmt.Errorf("workbook: chapters due: %w", err)
		}
	}
	var out []due.Item
	seen := map[[2]int64]bool{}
	for _, r := range rows {
		day := r.StartsOn.UTC().Truncate(24 * time.Hour)
		k := [2]int64{r.Workbook, r.Chapter}
		if day.Before(today) || seen[k] {
			continue // past, or due at an earlier coming gathering
		}
		seen[k] = true
		state := due.StateOpen
		if r.Status == ChapterReady {
			state = due.StateDone
		}
		if (q.OpenOnly && state != due.StateOpen) || (!q.Until.IsZero() && !day.Before(q.Until)) {
			continue
		}
		for _, p := range people {
			if q.ResponsibleID != 0 && p.UserID != q.ResponsibleID {
				continue
			}
			out = append(out, due.Item{OrgID: q.OrgID, ResponsibleID: p.UserID, Due: day, Title: r.Title,
				URL: fmt.Sprintf("/o/%s/workbooks/%d", q.OrgSlug, r.Workbook), State: state, Source: "workbook.chapter",
				Kind: due.KindOnce, Status: r.Status, Context: r.Template + " – " + r.GTitle, EscalateTo: due.EscalateEditors,
				Key: fmt.Sprintf("workbook.chapter:%d:%d:%d", r.Workbook, r.Chapter, r.Gathering)})
		}
	}
	slices.SortStableFunc(out, func(a, b due.Item) int { return a.Due.Compare(b.Due) })
	return out, nil
}
