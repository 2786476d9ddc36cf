package workbook

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
)

// Kinds of items that can be copied from a peer.
const (
	CopyGoal    = "goal"
	CopyMeasure = "measure"
)

// CopyFromPeer copies a goal or measure of a peer's shared answer into the
// own municipality's answer to the same problem statement (in its workbook
// of the same network and template version), keeping where it came from.
// The caller has established that the peer's answer is readable. It answers
// the own workbook the copy went to.
func (s *Service) CopyFromPeer(ctx context.Context, own *org.Organisation, a *app.Actor, peer *org.Organisation, peerEntry *Entry, kind string, index int) (*Workbook, error) {
	origin := &Origin{OrgID: peer.ID, OrgName: peer.Name, EntryID: peerEntry.ID}
	var goal *Goal
	var copied *Measure
	switch {
	case kind == CopyGoal && index >= 0 && index < len(peerEntry.Content.Goals):
		g := peerEntry.Content.Goals[index]
		// A copy is our own goal: a new id, not yet started.
		g.ID, g.From, g.Status = "", origin, measure.StatusNotStarted
		goal = &g
	case kind == CopyMeasure && index >= 0 && index < len(peerEntry.Content.Measures):
		m := peerEntry.Content.Measures[index]
		// Their person is not ours: keep the role as written, drop the user.
		m.ID, m.From, m.Status, m.ResponsibleUser, m.Progress, m.Goals = "", origin, measure.StatusNotStarted, nil, 0, nil
		copied = &m
	default:
		return nil, app.Errorf(app.ENotFound, "workbook.error.not_found")
	}
	var mine *Workbook
	var current *Entry
	err := db.Run(ctx, s.DB, db.OrgScope(own.ID, peer.ID), func(ctx context.Context, idb bun.IDB) error {
		peerBook, err := FindWorkbook(ctx, idb, peer.ID, peerEntry.WorkbookID)
		if err != nil {
			return err
		}
		mine = new(Workbook)
		err = idb.NewSelect().Model(mine).Where("org_id = ? AND network_id = ? AND template_id = ?", own.ID, peerBook.NetworkID, peerBook.TemplateID).
			OrderExpr("created_at DESC").Limit(1).Scan(ctx)
		if err != nil {
			return db.Err(err, "workbook.error.no_own_workbook")
		}
		e := new(Entry)
		err = idb.NewSelect().Model(e).Where("org_id = ? AND workbook_id = ? AND statement_id = ?", own.ID, mine.ID, peerEntry.StatementID).Scan(ctx)
		if app.IsNotFound(db.Err(err, "")) {
			return nil
		} else if err != nil {
			return err
		}
		current = e
		return e.decode()
	})
	if err != nil {
		return nil, err
	}
	content, base := Content{Answers: map[string]string{}}, 0
	if current != nil {
		content, base = current.Content, current.Version
	}
	if goal != nil {
		content.Goals = append(content.Goals, *goal)
	} else {
		content.Measures = append(content.Measures, *copied)
	}
	_, err = s.SaveEntry(ctx, own, a, Save{WorkbookID: mine.ID, StatementID: peerEntry.StatementID, Content: content, BaseVersion: base,
		vouched: []Origin{*origin}})
	return mine, err
}
