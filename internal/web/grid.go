package web

import (
	"html/template"

	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/overview"
)

// gridHTML writes an overview.Grid in one language as an accessible
// table, stacked into a card per row on a phone: a caption, a column head
// per problem statement, a row per member headed by its name (linking to
// its workbook), and in each cell the state in words (never by colour
// alone) with its date in the locale and its column's name for the
// stacked card. A progress grid has a cell for every member and statement
// (40 × 30 in a network), so it is a fragment written in Go
// (fragment.go), not a template partial, and each state is translated
// once for the grid.
func gridHTML(cat *i18n.Catalog, loc string, g overview.Grid) template.HTML {
	columns := make([]string, len(g.Columns))
	for i, c := range g.Columns {
		columns[i] = c.Label
		if c.Key != "" {
			columns[i] = cat.T(loc, c.Key)
		}
	}
	texts := map[string]string{}
	var f fragment
	f.b.Grow(256 + 200*len(g.Rows)*(len(g.Columns)+1))
	f.raw(`<div class="table-wrap"><table class="stack grid">` + "\n  <caption>")
	f.text(g.Caption)
	f.raw("</caption>\n  <thead><tr><th scope=\"col\">")
	f.text(cat.T(loc, g.Corner))
	f.raw("</th>")
	for _, c := range columns {
		f.raw(`<th scope="col">`)
		f.text(c)
		f.raw("</th>")
	}
	f.raw("</tr></thead>\n  <tbody>")
	for _, r := range g.Rows {
		f.raw("<tr>\n    <th scope=\"row\">")
		link(&f, r.URL, r.Label)
		f.raw("</th>\n    ")
		for j, c := range r.Cells {
			text, ok := texts[c.Key]
			if !ok {
				text = cat.T(loc, c.Key)
				texts[c.Key] = text
			}
			f.raw(`<td class="cell-`)
			f.text(c.Class)
			f.raw(`" data-label="`)
			if j < len(columns) {
				f.text(columns[j])
			}
			f.raw(`">`)
			link(&f, c.URL, text)
			if !c.When.IsZero() {
				f.raw(` <span class="muted">`)
				f.text(i18n.FormatDate(loc, c.When))
				f.raw("</span>")
			}
			f.raw("</td>")
		}
		f.raw("\n  </tr>")
	}
	f.raw("</tbody>\n</table></div>")
	return f.html()
}

// link writes text, as a link to url when there is one.
func link(f *fragment, url, text string) {
	if url == "" {
		f.text(text)
		return
	}
	f.raw(`<a href="`)
	f.url(url)
	f.raw(`">`)
	f.text(text)
	f.raw("</a>")
}
