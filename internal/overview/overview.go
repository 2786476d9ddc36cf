// Package overview is the organisation overview on the dashboard: each
// capability contributes a panel (next gathering, next council meeting,
// latest indicator report, …) as plain data, so capability packages need
// neither templates nor the web layer.
package overview

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
)

// Org is what a provider learns of the organisation whose overview it
// contributes to.
type Org struct {
	ID                   int64
	Slug, Kind, Name, TZ string
}

// Panel is one box of the overview. Title and Empty are translation keys;
// line text is data.
type Panel struct {
	Title   string
	Lines   []Line
	Empty   string // shown when Lines is empty: what to do next
	MoreURL string
	Grids   []*Grid // tables shown below the lines, across the page
}

// Grid is a table of a panel: a caption, column heads, and rows each
// headed by a label (a municipality × what it has done, for instance).
// Caption and labels are data; Corner and cells' Key are translation keys.
type Grid struct {
	Caption string
	Corner  string // heads the column of row labels
	Columns []GridColumn
	Rows    []GridRow
}

// GridColumn heads a column: Key, a translation key, or else Label, data.
type GridColumn struct{ Key, Label string }

// GridRow is one row of a grid; Cells follow Columns.
type GridRow struct {
	Label, URL string
	Cells      []GridCell
}

// GridCell is one cell: Key says what it is (translated), Class marks it
// for styling (a state such as "shared", "private", "missing"), URL links
// it, and When, if set, is shown as a date in the reader's locale.
type GridCell struct {
	Key, Class, URL string
	When            time.Time
}

// Line is one row of a panel. When, if set, is shown as a date in the
// reader's locale.
type Line struct {
	Label, Detail, URL string
	When               time.Time
}

// Provider makes a panel for an organisation, or nil when it has nothing
// to say there. It runs inside the organisation's scope.
type Provider interface {
	Panel(ctx context.Context, idb bun.IDB, o Org, a *app.Actor) (*Panel, error)
}

// Registry holds the providers in the order they were added.
type Registry struct {
	app.Registry[Provider]
}

// Panels asks every provider.
func (r *Registry) Panels(ctx context.Context, idb bun.IDB, o Org, a *app.Actor) ([]*Panel, error) {
	var out []*Panel
	for _, p := range r.All() {
		panel, err := p.Panel(ctx, idb, o, a)
		if err != nil {
			return nil, err
		}
		if panel != nil {
			out = append(out, panel)
		}
	}
	return out, nil
}
