package workbook

import (
	"context"
	"slices"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// MemberWorkbookView is a member municipality's workbook as its network's
// coordinator reads it: the shared answers with their content, which
// answers exist but are kept private (their existence only), and the
// chapters' statuses.
type MemberWorkbookView struct {
	Member   *org.Organisation
	Workbook *Workbook
	Template *Template
	Shared   map[int64]*Entry // statement → shared answer
	Private  map[int64]bool   // statement → answered, kept private
	Status   map[int64]string // chapter → status (absent: not started)
}

// MemberWorkbook answers the workbook (by id) of the network's member
// municipality (by slug) to the network: only a member today, only a
// workbook of this network. Anything else is app.ENotFound, as for an
// organisation that does not exist.
func (s *Service) MemberWorkbook(ctx context.Context, network *org.Organisation, memberSlug string, workbookID int64) (*MemberWorkbookView, error) {
	notFound := app.Errorf(app.ENotFound, "workbook.error.not_found")
	if network.Kind != org.KindNetwork {
		return nil, notFound
	}
	v := &MemberWorkbookView{Shared: map[int64]*Entry{}, Private: map[int64]bool{}}
	err := db.Run(ctx, s.DB, db.OrgScope(network.ID), func(ctx context.Context, idb bun.IDB) error {
		members, err := org.FindNetworkMemberOrgs(ctx, idb, network.ID, s.Clock.Now())
		if err != nil {
			return err
		}
		i := slices.IndexFunc(members, func(m *org.Organisation) bool { return m.Slug == memberSlug })
		if i < 0 {
			return notFound
		}
		v.Member = members[i]
		if ctx, err = db.ReadAlso(ctx, idb, v.Member.ID); err != nil {
			return err
		}
		if v.Workbook, err = FindWorkbook(ctx, idb, v.Member.ID, workbookID); err != nil || v.Workbook.NetworkID != network.ID {
			return notFound
		}
		if v.Template, err = s.findTemplate(ctx, idb, network.ID, v.Workbook.TemplateID); err != nil {
			return err
		}
		var shared []*Entry
		if err := idb.NewSelect().Model(&shared).Where("org_id = ? AND workbook_id = ? AND visibility IN (?)", v.Member.ID, v.Workbook.ID, bun.In(sharedVisibilities)).
			Scan(ctx); err != nil {
			return err
		}
		for _, e := range shared {
			if err := e.decode(); err != nil {
				return err
			}
			v.Shared[e.StatementID] = e
		}
		var private []int64 // which exist: never their content
		if err := idb.NewSelect().Model((*Entry)(nil)).Column("statement_id").
			Where("org_id = ? AND workbook_id = ? AND visibility = ?", v.Member.ID, v.Workbook.ID, VisibilityPrivate).Scan(ctx, &private); err != nil {
			return err
		}
		for _, id := range private {
			v.Private[id] = true
		}
		v.Status, err = FindChapterStatuses(ctx, idb, v.Member.ID, v.Workbook.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}
