package web

import (
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/overview"
)

// gridView is an overview.Grid translated into one language: a progress
// grid has a cell for every member and chapter (40 × 12 in a network), and
// translating each cell's state and column in the template called the
// translation function through reflection twice a cell.
type gridView struct {
	Caption, Corner string
	Columns         []string
	Rows            []gridRowView
}

type gridRowView struct {
	Label, URL string
	Cells      []gridCellView
}

// gridCellView is a cell with its column's label (the cell's label when
// the table is stacked on a phone), its state in words and its date.
type gridCellView struct {
	Column, Text, Class, URL, Date string
}

func localGrid(cat *i18n.Catalog, loc string, g overview.Grid) gridView {
	v := gridView{Caption: g.Caption, Corner: cat.T(loc, g.Corner), Columns: make([]string, len(g.Columns)), Rows: make([]gridRowView, len(g.Rows))}
	for i, c := range g.Columns {
		v.Columns[i] = c.Label
		if c.Key != "" {
			v.Columns[i] = cat.T(loc, c.Key)
		}
	}
	texts := map[string]string{}
	for i, r := range g.Rows {
		row := gridRowView{Label: r.Label, URL: r.URL, Cells: make([]gridCellView, len(r.Cells))}
		for j, c := range r.Cells {
			text, ok := texts[c.Key]
			if !ok {
				text = cat.T(loc, c.Key)
				texts[c.Key] = text
			}
			cell := gridCellView{Text: text, Class: c.Class, URL: c.URL}
			if j < len(v.Columns) {
				cell.Column = v.Columns[j]
			}
			if !c.When.IsZero() {
				cell.Date = i18n.FormatDate(loc, c.When)
			}
			row.Cells[j] = cell
		}
		v.Rows[i] = row
	}
	return v
}
