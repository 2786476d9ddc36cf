package workbook

import (
	"cmp"
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
type ChapterDue struct {
	Clock app.Clock
	// Workbooks answers the templates from its cache of published ones.
	Workbooks *Service
}

// template answers a network's template through the cache; nil when it
// is not found.
func (d ChapterDue) template(ctx context.Context, idb bun.IDB, networkID, id int64) (*Template, error) {
	t, err := d.Workbooks.findTemplate(ctx, idb, networkID, id)
	if app.ErrorCode(err) == app.ENotFound {
		return nil, nil
	}
	return t, err
}

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
	// The gatherings' chapters and the workbooks' statuses, from tables
	// with plain row-level security; the chapters' titles and places
	// come from the workbooks' templates (kept once published), which
	// list them. A join of the template tables, whose security looks into
	// one another, took PostgreSQL longer to plan than any other read of
	// "My work".
	var found []struct {
		Workbook  int64     `bun:"workbook_id"`
		Network   int64     `bun:"network_id"`
		Template  int64     `bun:"template_id"`
		Chapter   int64     `bun:"chapter_id"`
		Gathering int64     `bun:"gathering_id"`
		GTitle    string    `bun:"gathering"`
		StartsOn  time.Time `bun:"starts_on"`
		Status    string    `bun:"status"`
	}
	// On every dashboard: planned once a connection on PostgreSQL (db.Bind).
	inNetworks, networks := db.AnyOf(idb, "w.network_id", ids)
	bctx, args := db.Bind(wide, idb, ChapterNotStarted, q.OrgID, networks)
	err = idb.NewRaw(`SELECT w.id AS workbook_id, w.network_id, w.template_id, gc.chapter_id,
		g.id AS gathering_id, g.title AS gathering, g.starts_on, COALESCE(s.status, ?) AS status
		FROM workbooks AS w
		JOIN gatherings AS g ON g.org_id = w.network_id
		JOIN gathering_chapters AS gc ON gc.org_id = g.org_id AND gc.gathering_id = g.id
		LEFT JOIN workbook_chapter_status AS s ON s.org_id = w.org_id AND s.workbook_id = w.id AND s.chapter_id = gc.chapter_id WHERE w.org_id = ? AND `+inNetworks+`
		ORDER BY g.starts_on, g.id`, args...).Scan(bctx, &found)
	type row struct {
		Workbook, Chapter, Gathering int64
		Title, Template, GTitle      string
		StartsOn                     time.Time
		Status                       string
		position                     int
	}
	var rows []row
	templates := map[int64]*Template{}
	for _, f := range found {
		t, ok := templates[f.Template]
		if !ok && err == nil {
			t, err = d.template(wide, idb, f.Network, f.Template)
			templates[f.Template] = t
		}
		if t == nil {
			continue
		}
		for _, ch := range t.Chapters {
			if ch.ID == f.Chapter { // a chapter of the workbook's version
				rows = append(rows, row{Workbook: f.Workbook, Chapter: f.Chapter, Gathering: f.Gathering, Title: ch.Title, Template: t.Name,
					GTitle: f.GTitle, StartsOn: f.StartsOn, Status: f.Status, position: ch.Position})
			}
		}
	}
	// By gathering, as the query, then in the template's order.
	slices.SortStableFunc(rows, func(a, b row) int {
		if c := a.StartsOn.Compare(b.StartsOn); c != 0 {
			return c
		}
		if a.Gathering != b.Gathering {
			return cmp.Compare(a.Gathering, b.Gathering)
		}
		return cmp.Compare(a.position, b.position)
	})
	if rerr := db.ResetRead(ctx, wide, idb); err == nil {
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
