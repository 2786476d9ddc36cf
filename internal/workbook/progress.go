package workbook

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/kept"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/overview"
)

// Progress states of a member's answer to a problem statement, as the
// network's coordinator sees them.
const (
	ProgressShared  = "shared"  // answered and shared with the network
	ProgressPrivate = "private" // answered and kept private: the coordinator learns only that it exists
	ProgressMissing = "missing" // not answered
)

// Progress is the coordinator's grid for one template: the network's
// member municipalities × the chapters shown and their problem statements.
type Progress struct {
	Template *Template
	Chapters []*Chapter
	Rows     []ProgressRow // the members, in name order
}

// ProgressRow is one member municipality's progress.
type ProgressRow struct {
	Member     *org.Organisation
	WorkbookID int64                  // its workbook of the template; 0: none
	Chapters   map[int64]ChapterState // chapter → its status (absent: not started)
	Cells      map[int64]ProgressCell // statement → its answer's state (absent: missing)
}

// ChapterState is a chapter's status in a workbook and when it was set.
type ChapterState struct {
	Status    string
	UpdatedAt time.Time
}

// ProgressCell is the state of a member's answer; UpdatedAt is its last
// change, for a shared answer only.
type ProgressCell struct {
	State     string
	UpdatedAt time.Time
}

// Cell answers the state of the member's answer to a statement.
func (r ProgressRow) Cell(statementID int64) ProgressCell {
	if c, ok := r.Cells[statementID]; ok {
		return c
	}
	return ProgressCell{State: ProgressMissing}
}

// progressKeptBytes bounds the progress grids' rows a process keeps: a
// network of 40 members and 40 problem statements is some 120 kB.
const progressKeptBytes = 4 << 20

// progressKey is what a progress grid's rows are kept under: the network,
// the template, the network's workbook data version and its members.
type progressKey struct {
	network, template, version int64
	members                    string
}

// keptProgress is a grid's rows by member, shared by every reader of the
// grid and never changed once kept.
type keptProgress map[int64]keptProgressRow

type keptProgressRow struct {
	WorkbookID int64
	Chapters   map[int64]ChapterState
	Cells      map[int64]ProgressCell
}

// size estimates the bytes k holds.
func (k keptProgress) size() int {
	n := 64
	for _, r := range k {
		n += 160 + 64*len(r.Chapters) + 56*len(r.Cells)
	}
	return n
}

// progress reads the grid of template t's chapters inside a unit of work
// of the network's scope. The members are read every time; their rows are
// kept under the network's workbook data version (kept.WorkbookNetwork),
// which every write of a member's workbook, answer or chapter status
// bumps, so a grid read again costs one statement for the version.
func (s *Service) progress(ctx context.Context, idb bun.IDB, network *org.Organisation, t *Template, chapters []*Chapter, day time.Time) (*Progress, error) {
	p := &Progress{Template: t, Chapters: chapters}
	members, err := org.FindNetworkMemberOrgs(ctx, idb, network.ID, day)
	if err != nil || len(members) == 0 {
		return p, err
	}
	ids := make([]int64, len(members))
	var key strings.Builder
	for i, m := range members {
		ids[i] = m.ID
		key.WriteString(strconv.FormatInt(m.ID, 10))
		key.WriteByte(',')
	}
	scope := kept.WorkbookNetwork(network.ID)
	versions, err := kept.Versions(ctx, idb, []string{scope})
	if err != nil {
		return nil, err
	}
	k := progressKey{network: network.ID, template: t.ID, version: versions[scope], members: key.String()}
	rows, ok := s.progressRows.Get(k)
	if !ok {
		if rows, err = progressRows(ctx, idb, network, t, ids); err != nil {
			return nil, err
		}
		s.progressRows.Put(k, rows, rows.size(), progressKeptBytes)
	}
	for _, m := range members {
		r := rows[m.ID]
		p.Rows = append(p.Rows, ProgressRow{Member: m, WorkbookID: r.WorkbookID, Chapters: r.Chapters, Cells: r.Cells})
	}
	return p, nil
}

// progressRows reads the members' (ids) rows of template t's grid: it
// widens the scope to the members for its own reads, reads of their
// answers only which exist and how they are shared (never their content),
// and narrows the scope back. A member without a workbook has no row.
func progressRows(ctx context.Context, idb bun.IDB, network *org.Organisation, t *Template, ids []int64) (keptProgress, error) {
	wide, err := db.ReadAlso(ctx, idb, ids...)
	if err != nil {
		return nil, err
	}
	out := keptProgress{}
	err = func() error {
		var books []*Workbook
		if err := idb.NewSelect().Model(&books).Where("org_id IN (?) AND network_id = ? AND template_id = ?", bun.In(ids), network.ID, t.ID).
			OrderExpr("created_at DESC, id DESC").Scan(wide); err != nil {
			return err
		}
		member, bookIDs := map[int64]int64{}, []int64{} // workbook → member
		for _, b := range books {
			if _, ok := out[b.OrgID]; !ok { // the newest
				out[b.OrgID] = keptProgressRow{WorkbookID: b.ID, Chapters: map[int64]ChapterState{}, Cells: map[int64]ProgressCell{}}
				member[b.ID] = b.OrgID
				bookIDs = append(bookIDs, b.ID)
			}
		}
		if len(bookIDs) == 0 {
			return nil
		}
		var heads []*Entry // which answers exist and how they are shared: never their content
		if err := idb.NewSelect().Model(&heads).Column("org_id", "workbook_id", "statement_id", "visibility", "updated_at").
			Where("org_id IN (?) AND workbook_id IN (?)", bun.In(ids), bun.In(bookIDs)).Scan(wide); err != nil {
			return err
		}
		for _, e := range heads {
			if m, ok := member[e.WorkbookID]; ok {
				c := ProgressCell{State: ProgressPrivate}
				if e.Visibility != VisibilityPrivate {
					c = ProgressCell{State: ProgressShared, UpdatedAt: e.UpdatedAt}
				}
				out[m].Cells[e.StatementID] = c
			}
		}
		var sts []chapterStatus
		if err := idb.NewSelect().Model(&sts).Where("org_id IN (?) AND workbook_id IN (?)", bun.In(ids), bun.In(bookIDs)).Scan(wide); err != nil {
			return err
		}
		for _, st := range sts {
			if m, ok := member[st.WorkbookID]; ok {
				out[m].Chapters[st.ChapterID] = ChapterState{Status: st.Status, UpdatedAt: st.UpdatedAt}
			}
		}
		return nil
	}()
	if rerr := db.ResetRead(ctx, wide, idb); err == nil {
		err = rerr
	}
	return out, err
}

// currentTemplates answers the network's published templates, the newest
// version of each.
func (s *Service) currentTemplates(ctx context.Context, idb bun.IDB, networkID int64) ([]*Template, error) {
	ts, err := s.findTemplates(ctx, idb, networkID)
	return current(ts), err
}

// current answers the published templates of ts (by name, newest version
// first), the newest version of each.
func current(ts []*Template) []*Template {
	var out []*Template
	seen := map[string]bool{}
	for _, t := range ts {
		if t.PublishedAt != nil && !seen[t.Name] {
			seen[t.Name] = true
			out = append(out, t)
		}
	}
	return out
}

// GatheringProgress answers one of the network's gatherings with the
// progress grid of the chapters due there, one per template. Errors:
// app.ENotFound for a gathering that is not the network's.
func (s *Service) GatheringProgress(ctx context.Context, network *org.Organisation, gatheringID int64) (*Gathering, []*Progress, error) {
	var g *Gathering
	var out []*Progress
	if network.Kind != org.KindNetwork {
		return nil, nil, app.Errorf(app.ENotFound, "workbook.error.not_found")
	}
	err := db.Run(ctx, s.DB, db.OrgScope(network.ID), func(ctx context.Context, idb bun.IDB) error {
		gs, err := FindGatherings(ctx, idb, network.ID)
		if err != nil {
			return err
		}
		for _, x := range gs {
			if x.ID == gatheringID {
				g = x
			}
		}
		if g == nil {
			return app.Errorf(app.ENotFound, "workbook.error.not_found")
		}
		due := map[int64]bool{}
		for _, id := range g.ChapterIDs {
			due[id] = true
		}
		ts, err := s.findTemplates(ctx, idb, network.ID)
		if err != nil {
			return err
		}
		for _, t := range ts {
			var chs []*Chapter
			for _, ch := range t.Chapters {
				if due[ch.ID] {
					chs = append(chs, ch)
				}
			}
			if len(chs) == 0 {
				continue
			}
			p, err := s.progress(ctx, idb, network, t, chs, g.StartsOn)
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	return g, out, err
}

// ProgressPanel is the network dashboard's progress grid: for each of the
// network's current templates, its member municipalities × chapters and
// problem statements, read through Workbooks (which keeps the grids).
type ProgressPanel struct {
	Clock     app.Clock
	Workbooks *Service
}

// Panel answers the panel for a network, nil elsewhere.
func (p ProgressPanel) Panel(ctx context.Context, idb bun.IDB, o overview.Org, _ *app.Actor) (*overview.Panel, error) {
	if o.Kind != org.KindNetwork {
		return nil, nil
	}
	network := &org.Organisation{ID: o.ID, Slug: o.Slug, Kind: o.Kind, Name: o.Name}
	ts, err := p.Workbooks.currentTemplates(ctx, idb, o.ID)
	if err != nil {
		return nil, err
	}
	panel := &overview.Panel{Title: "workbook.progress.title", Empty: "workbook.progress.empty"}
	for _, t := range ts {
		pr, err := p.Workbooks.progress(ctx, idb, network, t, t.Chapters, p.Clock.Now())
		if err != nil {
			return nil, err
		}
		panel.Grids = append(panel.Grids, pr.Grids(o.Slug)...)
	}
	return panel, nil
}

// Grids answers the progress as tables, one per chapter, for the network
// with slug: a row per member (linking to its shared workbook), its
// chapter status with the date it was set, and a cell per problem
// statement (a shared answer linking to the statement side by side).
func (p *Progress) Grids(slug string) []*overview.Grid {
	var out []*overview.Grid
	for _, ch := range p.Chapters {
		g := &overview.Grid{Caption: fmt.Sprintf("%s (%d): %s", p.Template.Name, p.Template.Version, ch.Title), Corner: "org.kind.municipality",
			Columns: []overview.GridColumn{{Key: "workbook.chapter_status"}}}
		var sts []*Statement
		for _, st := range ch.Statements {
			if st.RetiredAt == nil {
				sts = append(sts, st)
				g.Columns = append(g.Columns, overview.GridColumn{Label: st.Title})
			}
		}
		for _, r := range p.Rows {
			gr := overview.GridRow{Label: r.Member.Name}
			if r.WorkbookID != 0 {
				gr.URL = fmt.Sprintf("/o/%s/members/%s/workbooks/%d", slug, r.Member.Slug, r.WorkbookID)
			}
			cs := r.Chapters[ch.ID]
			if cs.Status == "" {
				cs.Status = ChapterNotStarted
			}
			gr.Cells = append(gr.Cells, overview.GridCell{Key: "workbook.chapter_status." + cs.Status, Class: "chapter-" + cs.Status, When: cs.UpdatedAt})
			for _, st := range sts {
				c := r.Cell(st.ID)
				cell := overview.GridCell{Key: "workbook.progress." + c.State, Class: c.State, When: c.UpdatedAt}
				if c.State == ProgressShared {
					cell.URL = fmt.Sprintf("/o/%s/templates/%d/statements/%d/gathering", slug, p.Template.ID, st.ID)
				}
				gr.Cells = append(gr.Cells, cell)
			}
			g.Rows = append(g.Rows, gr)
		}
		out = append(out, g)
	}
	return out
}
