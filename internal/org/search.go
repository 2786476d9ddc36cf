package org

import (
	"context"
	"slices"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/search"
)

// NetworkSearch finds the organisation's learning networks and their
// member municipalities by name or municipality number.
type NetworkSearch struct{ Clock app.Clock }

// Search answers matching organisations.
func (n NetworkSearch) Search(ctx context.Context, idb bun.IDB, q search.Query) ([]search.Hit, error) {
	now := n.Clock.Now()
	nets, err := FindMemberNetworks(ctx, idb, q.OrgID, now)
	if err != nil {
		return nil, err
	}
	if q.OrgKind == KindNetwork {
		nets = append(slices.Clip(nets), &Organisation{ID: q.OrgID}) // itself: only its members are searched
	}
	seen := map[int64]bool{q.OrgID: true}
	var hits []search.Hit
	add := func(o *Organisation) {
		if seen[o.ID] {
			return
		}
		seen[o.ID] = true
		if search.Matches(q.Text, o.Name, o.MunicipalityNumber, o.Slug) {
			hits = append(hits, search.Hit{Kind: "organisation", Title: o.Name, Detail: o.MunicipalityNumber})
		}
	}
	for _, net := range nets {
		add(net)
		// A network's membership is readable to its members; the scope
		// of this search is the organisation, so ask as the network.
		members, err := FindNetworkMemberOrgs(ctx, idb, net.ID, now)
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			add(m)
		}
	}
	return hits, nil
}
