package plan

import (
	"context"
	"maps"
	"slices"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// Plans shared in a learning network: a member municipality reads the
// adopted plans its network peers share (visibility network or public),
// as they stand, without private notes or the names of responsible
// members, and copies their measures into its own plans (CopyMeasure).

// SharedPlan is a network peer's shared plan, as a list shows it.
type SharedPlan struct {
	Peer *org.Organisation
	Plan *Plan
}

// sharedStatuses are the statuses of a plan a peer may read: never a
// draft or a plan on consultation.
var sharedStatuses = []string{StatusAdopted, StatusExpired}

// SharedPlans answers the current shared plans of o's network peers today,
// by peer name and title. Nothing for an organisation that is not a
// municipality, or in no network.
func (s *Service) SharedPlans(ctx context.Context, o *org.Organisation) ([]SharedPlan, error) {
	if o.Kind != org.KindMunicipality {
		return nil, nil
	}
	var out []SharedPlan
	now := s.Clock.Now()
	err := org.RunRead(ctx, s.DB, o, now, func(ctx context.Context, idb bun.IDB) error {
		sc, _ := db.ScopeFrom(ctx)
		_, peers, err := org.NetworkPeers(ctx, idb, sc.ReadOrgIDs, o.ID, now)
		if err != nil || len(peers) == 0 {
			return err
		}
		ids := slices.Collect(maps.Keys(peers))
		ctx, err = db.ReadAlso(ctx, idb, ids...)
		if err != nil {
			return err
		}
		var plans []*Plan
		if err := idb.NewSelect().Model(&plans).ExcludeColumn("content", "snapshot", "search_text").
			Where("org_id IN (?) AND superseded_by IS NULL AND visibility IN (?) AND status IN (?)",
				bun.In(ids), bun.In(shared), bun.In(sharedStatuses)).
			OrderExpr("title, id").Limit(500).Scan(ctx); err != nil {
			return err
		}
		for _, p := range plans {
			out = append(out, SharedPlan{Peer: peers[p.OrgID], Plan: p})
		}
		slices.SortStableFunc(out, func(a, b SharedPlan) int {
			if a.Peer.Name < b.Peer.Name {
				return -1
			} else if a.Peer.Name > b.Peer.Name {
				return 1
			}
			return 0
		})
		return nil
	})
	return out, err
}

// SharedPlanTree answers the network peer's (by slug) shared plan id with
// its tree as o may read it: the current version of an adopted or expired
// plan the peer shares, its measures without private notes or named
// members. app.ENotFound for anything else, including a peer o shares no
// network with.
func (s *Service) SharedPlanTree(ctx context.Context, o *org.Organisation, peerSlug string, id int64) (*org.Organisation, *Tree, error) {
	notFound := app.Errorf(app.ENotFound, "plan.error.not_found")
	if o.Kind != org.KindMunicipality {
		return nil, nil, notFound
	}
	peer, scope, err := org.SharedPeer(ctx, s.DB, o, peerSlug, s.Clock.Now())
	if app.IsNotFound(err) || (err == nil && peer.Kind != org.KindMunicipality) {
		return nil, nil, notFound
	} else if err != nil {
		return nil, nil, err
	}
	var t *Tree
	err = db.Run(ctx, s.DB, scope, func(ctx context.Context, idb bun.IDB) error {
		var err error
		t, err = load(ctx, idb, peer.ID, id, false)
		return err
	})
	if app.IsNotFound(err) {
		return nil, nil, notFound
	} else if err != nil {
		return nil, nil, err
	}
	p := t.Plan
	if t.Frozen || !slices.Contains(shared, p.Visibility) || !slices.Contains(sharedStatuses, p.Status) {
		return nil, nil, notFound
	}
	for id, m := range t.Measures {
		m.Notes, m.ResponsibleUser = "", nil
		t.Measures[id] = m
	}
	for id, r := range t.Rows {
		c := *r
		c.Notes, c.ResponsibleUser = "", nil
		t.Rows[id] = &c
	}
	return peer, t, nil
}
