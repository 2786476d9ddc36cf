package workbook

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// Gathering is a network's meeting (samling) where chapters are due.
type Gathering struct {
	bun.BaseModel `bun:"table:gatherings"`
	OrgID         int64     `bun:",notnull" json:"network_id"`
	ID            int64     `bun:",pk,autoincrement" json:"id"`
	Title         string    `json:"title"`
	StartsOn      time.Time `bun:",type:date" json:"starts_on"`
	Place         string    `json:"place"`
	Agenda        string    `json:"agenda"`
	CreatedAt     time.Time `json:"created_at"`

	ChapterIDs []int64 `bun:"-" json:"chapter_ids"`
}

type gatheringChapter struct {
	bun.BaseModel `bun:"table:gathering_chapters"`
	OrgID         int64 `bun:",pk"`
	GatheringID   int64 `bun:",pk"`
	ChapterID     int64 `bun:",pk"`
}

// Chapter statuses of a municipality's workbook.
const (
	ChapterNotStarted = "not_started"
	ChapterInProgress = "in_progress"
	ChapterReady      = "ready" // ready for the gathering
)

// ChapterStatuses lists them in order.
var ChapterStatuses = []string{ChapterNotStarted, ChapterInProgress, ChapterReady}

type chapterStatus struct {
	bun.BaseModel `bun:"table:workbook_chapter_status"`
	OrgID         int64 `bun:",pk"`
	WorkbookID    int64 `bun:",pk"`
	ChapterID     int64 `bun:",pk"`
	Status        string
	UpdatedAt     time.Time
}

// CreateGathering adds a gathering to the network with the chapters due
// there, which must be chapters of the network's templates.
func (s *Service) CreateGathering(ctx context.Context, network *org.Organisation, g *Gathering) error {
	g.Title = strings.TrimSpace(g.Title)
	switch {
	case network.Kind != org.KindNetwork:
		return app.Errorf(app.EInvalid, "workbook.error.not_network")
	case g.Title == "":
		return app.Errorf(app.EInvalid, "error.required").WithField("title")
	case g.StartsOn.IsZero():
		return app.Errorf(app.EInvalid, "workbook.error.date").WithField("starts_on")
	}
	g.OrgID, g.CreatedAt = network.ID, s.Clock.Now()
	return db.RunTx(ctx, s.DB, db.OrgScope(network.ID), func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(g).Exec(ctx); err != nil {
			return err
		}
		for _, c := range g.ChapterIDs {
			if _, err := tx.NewInsert().Model(&gatheringChapter{OrgID: network.ID, GatheringID: g.ID, ChapterID: c}).Exec(ctx); err != nil {
				return db.Err(err, "workbook.error.not_found") // a foreign chapter fails the key
			}
		}
		return nil
	})
}

// FindGatherings lists the gatherings of networks, soonest first, with
// their chapters.
func FindGatherings(ctx context.Context, idb bun.IDB, networkIDs ...int64) ([]*Gathering, error) {
	if len(networkIDs) == 0 {
		return nil, nil
	}
	// On every dashboard and progress grid: planned once a connection on
	// PostgreSQL (db.Bind).
	in, ids := db.AnyOf(idb, "org_id", networkIDs)
	var out []*Gathering
	bctx, a := db.Bind(ctx, idb, ids)
	if err := idb.NewSelect().Model(&out).Where(in, a...).OrderExpr("starts_on, id").Scan(bctx); err != nil {
		return nil, err
	}
	var links []gatheringChapter
	bctx, a = db.Bind(ctx, idb, ids)
	if err := idb.NewSelect().Model(&links).Where(in, a...).Scan(bctx); err != nil {
		return nil, err
	}
	by := map[int64]*Gathering{}
	for _, g := range out {
		by[g.ID] = g
	}
	for _, l := range links {
		if g := by[l.GatheringID]; g != nil {
			g.ChapterIDs = append(g.ChapterIDs, l.ChapterID)
		}
	}
	return out, nil
}

// NextGathering answers the first gathering on or after day, or nil.
func NextGathering(gs []*Gathering, day time.Time) *Gathering {
	d := day.UTC().Truncate(24 * time.Hour)
	for _, g := range gs {
		if !g.StartsOn.Before(d) {
			return g
		}
	}
	return nil
}

// DueAt answers, per chapter, the next gathering on or after day where it
// is due.
func DueAt(gs []*Gathering, day time.Time) map[int64]*Gathering {
	out := map[int64]*Gathering{}
	d := day.UTC().Truncate(24 * time.Hour)
	for _, g := range gs {
		if g.StartsOn.Before(d) {
			continue
		}
		for _, c := range g.ChapterIDs {
			if out[c] == nil {
				out[c] = g
			}
		}
	}
	return out
}

// SetChapterStatus records a municipality's progress on a chapter of its
// workbook. A chapter that is not one of the workbook's template is
// app.ENotFound; a status not in ChapterStatuses app.EInvalid.
func (s *Service) SetChapterStatus(ctx context.Context, muni *org.Organisation, workbookID, chapterID int64, status string) error {
	if !slices.Contains(ChapterStatuses, status) {
		return app.Errorf(app.EInvalid, "error.invalid").WithField("status")
	}
	return db.RunTx(ctx, s.DB, db.OrgScope(muni.ID), func(ctx context.Context, tx bun.Tx) error {
		wb, err := FindWorkbook(ctx, tx, muni.ID, workbookID)
		if err != nil {
			return err
		}
		// The chapter is one the workbook's version lists (cycle.go).
		ok, err := tx.NewSelect().Model((*templateChapterRow)(nil)).
			Where("org_id = ? AND chapter_id = ? AND template_id = ?", wb.NetworkID, chapterID, wb.TemplateID).Exists(ctx)
		if err != nil {
			return err
		}
		if !ok {
			return app.Errorf(app.ENotFound, "workbook.error.not_found")
		}
		_, err = tx.NewInsert().Model(&chapterStatus{OrgID: muni.ID, WorkbookID: workbookID, ChapterID: chapterID, Status: status, UpdatedAt: s.Clock.Now()}).
			On("CONFLICT (org_id, workbook_id, chapter_id) DO UPDATE").Set("status = EXCLUDED.status, updated_at = EXCLUDED.updated_at").Exec(ctx)
		return err
	})
}

// FindChapterStatuses answers a workbook's chapter statuses (absent: not
// started).
func FindChapterStatuses(ctx context.Context, idb bun.IDB, orgID, workbookID int64) (map[int64]string, error) {
	var rows []chapterStatus
	if err := idb.NewSelect().Model(&rows).Where("org_id = ? AND workbook_id = ?", orgID, workbookID).Scan(ctx); err != nil {
		return nil, err
	}
	out := map[int64]string{}
	for _, r := range rows {
		out[r.ChapterID] = r.Status
	}
	return out, nil
}
