package org

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/overview"
)

// NetworkPanel is the overview panel of network membership: a network's
// current members, or the networks a municipality takes part in.
type NetworkPanel struct{ Clock app.Clock }

// Panel answers the panel for o.
func (p NetworkPanel) Panel(ctx context.Context, idb bun.IDB, o overview.Org, _ *app.Actor) (*overview.Panel, error) {
	now := p.Clock.Now()
	switch o.Kind {
	case KindNetwork:
		members, err := FindNetworkMemberOrgs(ctx, idb, o.ID, now)
		if err != nil {
			return nil, err
		}
		panel := &overview.Panel{Title: "org.network_members", Empty: "org.network_members_empty"}
		for _, m := range members {
			panel.Lines = append(panel.Lines, overview.Line{Label: m.Name, Detail: m.MunicipalityNumber})
		}
		return panel, nil
	case KindMunicipality:
		nets, err := FindMemberNetworks(ctx, idb, o.ID, now)
		if err != nil {
			return nil, err
		}
		panel := &overview.Panel{Title: "org.my_networks", Empty: "org.my_networks_empty"}
		for _, n := range nets {
			panel.Lines = append(panel.Lines, overview.Line{Label: n.Name})
		}
		return panel, nil
	}
	return nil, nil
}
