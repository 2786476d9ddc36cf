package workbook

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/overview"
)

// NextGatheringPanel is the dashboard panel of the next gathering of the
// network, or of the networks a municipality belongs to.
type NextGatheringPanel struct{ Clock app.Clock }

// Panel answers the panel.
func (p NextGatheringPanel) Panel(ctx context.Context, idb bun.IDB, o overview.Org, _ *app.Actor) (*overview.Panel, error) {
	now := p.Clock.Now()
	var nets []int64
	switch o.Kind {
	case org.KindNetwork:
		nets = []int64{o.ID}
	case org.KindMunicipality:
		ns, err := org.FindMemberNetworks(ctx, idb, o.ID, now)
		if err != nil {
			return nil, err
		}
		for _, n := range ns {
			nets = append(nets, n.ID)
		}
	default:
		return nil, nil
	}
	gs, err := FindGatherings(ctx, idb, nets...)
	if err != nil {
		return nil, err
	}
	panel := &overview.Panel{Title: "gathering.next", Empty: "gathering.none_planned", MoreURL: fmt.Sprintf("/o/%s/gatherings", o.Slug)}
	if g := NextGathering(gs, now); g != nil {
		panel.Lines = append(panel.Lines, overview.Line{Label: g.Title, Detail: g.Place, When: g.StartsOn})
	}
	return panel, nil
}
