package plan

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
)

// A municipality copies a network peer's shared measure into its own plan,
// as it copies one into its workbook answer: the copy is its own measure
// (not started, its own person unnamed) and keeps where it came from
// (measure.Origin), which the plan shows beside it. The peer rules are the
// learning network's (package workbook): the peer is a member of a network
// the municipality belongs to today, and the measure is shared (network or
// public); a workbook answer's measure must be in a workbook of such a
// network. Anything else is not found, so nobody learns what exists.

// PeerMeasure is a network peer's shared measure as a municipality may
// read it to copy it.
type PeerMeasure struct {
	Peer    *org.Organisation
	Measure measure.Measure
	// Source is what the measure belongs to at the peer: the problem
	// statement's or the plan's title.
	Source  string
	entryID int64
}

// CopyTarget is one of o's plans a measure can be copied into, with its
// focus areas.
type CopyTarget struct {
	PlanID int64
	Title  string
	Rev    int
	Areas  []Area // without their items
}

// CopySource answers the peer's (by slug) shared measure id, and o's
// current plans with at least one focus area to copy it into. Errors:
// app.ENotFound when the measure is not one o may read.
func (s *Service) CopySource(ctx context.Context, o *org.Organisation, peerSlug, id string) (*PeerMeasure, []CopyTarget, error) {
	pm, err := s.peerMeasure(ctx, o, peerSlug, id)
	if err != nil {
		return nil, nil, err
	}
	out, err := s.Targets(ctx, o)
	if err != nil {
		return nil, nil, err
	}
	return pm, out, nil
}

// Targets answers o's current plans with at least one focus area, with
// their focus areas: where a measure can be placed.
func (s *Service) Targets(ctx context.Context, o *org.Organisation) ([]CopyTarget, error) {
	var out []CopyTarget
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		out, err = FindTargets(ctx, idb, o.ID)
		return err
	})
	return out, err
}

// FindTargets answers Targets of organisation orgID in idb: a page that
// reads more offers them from its own unit of work.
func FindTargets(ctx context.Context, idb bun.IDB, orgID int64) ([]CopyTarget, error) {
	var plans []*Plan
	err := idb.NewSelect().Model(&plans).Column("id", "title", "rev", "content").
		Where("org_id = ? AND superseded_by IS NULL", orgID).OrderExpr("updated_at DESC, id DESC").Limit(500).Scan(ctx)
	if err != nil {
		return nil, err
	}
	var out []CopyTarget
	for _, p := range plans {
		// Only the areas' ids and titles: their items (200 measures in a
		// large plan) are skipped, not built.
		var c struct {
			Areas []struct {
				ID    string `json:"id"`
				Title string `json:"title"`
			} `json:"areas"`
		}
		if p.Content != "" {
			if err := json.Unmarshal([]byte(p.Content), &c); err != nil {
				return nil, err
			}
		}
		if len(c.Areas) == 0 {
			continue
		}
		t := CopyTarget{PlanID: p.ID, Title: p.Title, Rev: p.Rev, Areas: make([]Area, len(c.Areas))}
		for i, a := range c.Areas {
			t.Areas[i] = Area{ID: a.ID, Title: a.Title}
		}
		out = append(out, t)
	}
	return out, nil
}

// CopyMeasure copies the peer's (by slug) shared measure id to the end of
// focus area areaID of o's plan planID (rev as Service.edit takes it; 0
// does not check) and answers the copy's id. The copy has the activity,
// responsible as written and timeline of the original, is not started,
// names no person, serves no goal, carries no note, and keeps its origin.
// Errors: app.ENotFound for a measure o may not read, an unknown plan or
// area; app.EConflict for a frozen version or a stale rev.
func (s *Service) CopyMeasure(ctx context.Context, o *org.Organisation, a *app.Actor, planID int64, rev int, areaID, peerSlug, id string) (string, error) {
	pm, err := s.peerMeasure(ctx, o, peerSlug, id)
	if err != nil {
		return "", err
	}
	src := pm.Measure
	in := ItemInput{Kind: ItemMeasure, Text: src.Description, Responsible: src.Responsible, Timeline: src.DeadlineText}
	if in.Timeline == "" && src.Deadline != nil {
		in.Timeline = src.Deadline.Format(time.DateOnly)
	}
	if err := in.Validate(); err != nil {
		return "", err
	}
	var itemID string
	err = s.edit(ctx, o, a, planID, rev, func(ctx context.Context, tx bun.Tx, e *editing) error {
		ai := e.Content.area(areaID)
		if ai < 0 {
			return app.Errorf(app.ENotFound, "plan.error.item_not_found")
		}
		var err error
		if itemID, err = e.add(ctx, tx, ai, len(e.Content.Areas[ai].Items), in); err != nil {
			return err
		}
		m := e.Measures[itemID]
		m.From = &measure.Origin{OrgID: pm.Peer.ID, OrgName: pm.Peer.Name, EntryID: pm.entryID}
		e.Measures[itemID] = m
		return nil
	})
	return itemID, err
}

// shared are the visibilities a network peer may read.
var shared = []string{VisibilityNetwork, VisibilityPublic}

// peerMeasure reads the peer's shared measure id for o, in the scope o
// reads the peer in, or app.ENotFound.
func (s *Service) peerMeasure(ctx context.Context, o *org.Organisation, peerSlug, id string) (*PeerMeasure, error) {
	notFound := app.Errorf(app.ENotFound, "measure.error.not_found")
	if o.Kind != org.KindMunicipality {
		return nil, notFound
	}
	peer, scope, err := org.SharedPeer(ctx, s.DB, o, peerSlug, s.Clock.Now())
	if app.IsNotFound(err) {
		return nil, notFound
	} else if err != nil {
		return nil, err
	}
	out := &PeerMeasure{Peer: peer}
	err = db.Run(ctx, s.DB, scope, func(ctx context.Context, idb bun.IDB) error {
		row, err := measure.FindMeasure(ctx, idb, peer.ID, id)
		if app.IsNotFound(err) {
			return notFound
		} else if err != nil {
			return err
		}
		if !slices.Contains(shared, row.Visibility) {
			return notFound
		}
		switch row.SourceKind {
		case measure.SourcePlan:
			// A plan shared with its municipality's networks: o shares one.
		case measure.SourceWorkbookEntry:
			// An answer in a workbook of a network o belongs to today, not
			// in another network of the peer's.
			if row.EntryID == nil {
				return notFound
			}
			var network int64
			err := idb.NewSelect().TableExpr("workbook_entries AS e").ColumnExpr("w.network_id").
				Join("JOIN workbooks AS w ON w.org_id = e.org_id AND w.id = e.workbook_id").
				Where("e.org_id = ? AND e.id = ? AND e.visibility IN (?)", peer.ID, *row.EntryID, bun.In(shared)).Scan(ctx, &network)
			if err = db.Err(err, "measure.error.not_found"); app.IsNotFound(err) {
				return notFound
			} else if err != nil {
				return err
			}
			if !slices.Contains(scope.ReadOrgIDs, network) || network == peer.ID {
				return notFound
			}
			out.entryID = *row.EntryID
		default:
			return notFound
		}
		out.Measure, out.Source = row.Measure(), row.SourceTitle
		out.Measure.Notes, out.Measure.ResponsibleUser = "", nil // theirs, not for the reader
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
