package web

import (
	"html/template"
	"strconv"

	"github.com/samvirke/samvirke/internal/fragment"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/overview"
	"github.com/samvirke/samvirke/internal/plan"
)

// gridHTML writes an overview.Grid in one language as an accessible
// table, stacked into a card per row on a phone: a caption, a column head
// per problem statement, a row per member headed by its name (linking to
// its workbook), and in each cell the state in words (never by colour
// alone) with its date in the locale and its column's name for the
// stacked card. A progress grid has a cell for every member and statement
// (40 × 30 in a network), so it is a fragment written in Go
// (package fragment), not a template partial, and each state is translated
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
	var f fragment.Writer
	f.Grow(256 + 200*len(g.Rows)*(len(g.Columns)+1))
	f.Raw(`<div class="table-wrap"><table class="stack grid">` + "\n  <caption>")
	f.Text(g.Caption)
	f.Raw("</caption>\n  <thead><tr><th scope=\"col\">")
	f.Text(cat.T(loc, g.Corner))
	f.Raw("</th>")
	for _, c := range columns {
		f.Raw(`<th scope="col">`)
		f.Text(c)
		f.Raw("</th>")
	}
	f.Raw("</tr></thead>\n  <tbody>")
	for _, r := range g.Rows {
		f.Raw("<tr>\n    <th scope=\"row\">")
		link(&f, r.URL, r.Label)
		f.Raw("</th>\n    ")
		for j, c := range r.Cells {
			text, ok := texts[c.Key]
			if !ok {
				text = cat.T(loc, c.Key)
				texts[c.Key] = text
			}
			f.Raw(`<td class="cell-`)
			f.Text(c.Class)
			f.Raw(`" data-label="`)
			if j < len(columns) {
				f.Text(columns[j])
			}
			f.Raw(`">`)
			link(&f, c.URL, text)
			if !c.When.IsZero() {
				f.Raw(` <span class="muted">`)
				f.Text(i18n.FormatDate(loc, c.When))
				f.Raw("</span>")
			}
			f.Raw("</td>")
		}
		f.Raw("\n  </tr>")
	}
	f.Raw("</tbody>\n</table></div>")
	return f.HTML()
}

// link writes text, as a link to url when there is one.
func link(f *fragment.Writer, url, text string) {
	if url == "" {
		f.Text(text)
		return
	}
	f.Raw(`<a href="`)
	f.URL(url)
	f.Raw(`">`)
	f.Text(text)
	f.Raw("</a>")
}

// benchRowsHTML writes the rows of a benchmark's ranking (a country has
// 750), in the language loc, as a fragment (package fragment): a row per
// municipality with its rank, name (the reader's own marked), figure or
// the mark of a withheld one, the parts of a rate when rate is set, and
// the figure's provenance, each cell labelled by its column for the
// stacked table on a phone.
func benchRowsHTML(cat *i18n.Catalog, loc string, rows []benchRow, rate bool) template.HTML {
	label := func(key string) string { return fragment.Escape(cat.T(loc, key)) }
	rank, figure, parts, provenance := label("indicator_benchmark.col.rank"), label("indicator_benchmark.col.figure"), label("indicator_benchmark.col.parts"), label("indicator_benchmark.col.provenance")
	own := label("indicator_benchmark.own")
	withheld := `<span aria-hidden="true">–</span><span class="visually-hidden">` + label("indicator_benchmark.withheld") +
		`</span><sup><a href="#bench-withheld" aria-label="` + label("indicator_benchmark.withheld_note") + `">*</a></sup>`
	var f fragment.Writer
	f.Grow(400 * len(rows))
	for _, r := range rows {
		f.Raw("<tr")
		if r.Own {
			f.Raw(` class="own"`)
		}
		f.Raw(">\n    <td data-label=\"" + rank + `">`)
		if r.Rank == "" {
			f.Raw("–")
		}
		f.Text(r.Rank)
		f.Raw("</td>\n    <th scope=\"row\">")
		f.Text(r.Name)
		if r.Own {
			f.Raw(` <span class="pill">` + own + "</span>")
		}
		f.Raw("</th>\n    <td class=\"num\" data-label=\"" + figure + `">`)
		if r.Hidden {
			f.Raw(withheld)
		} else {
			f.Text(r.Figure)
		}
		f.Raw("</td>\n    ")
		if rate {
			f.Raw(`<td class="num" data-label="` + parts + `">`)
			f.Text(r.Parts)
			f.Raw("</td>")
		}
		f.Raw("\n    <td data-label=\"" + provenance + `">`)
		f.Text(r.Provenance)
		f.Raw("</td>\n  </tr>")
	}
	return f.HTML()
}

// planMeasureHTML writes a measure's line of a plan's tree in the
// language loc, as a fragment (package fragment): its description linking to
// the measure (under the path prefix measures), its status in words, its
// progress, responsible, timeline and the municipality it came from, then
// the problem it answers and its follow-up with its date. A plan has 200
// measures; in a template each line cost some twenty calls through
// reflection.
func planMeasureHTML(cat *i18n.Catalog, loc, measures string, it plan.Item, m *measure.Measure) template.HTML {
	var f fragment.Writer
	f.Grow(512)
	f.Raw(`<p><a href="`)
	f.URL(measures + m.ID)
	f.Raw(`">`)
	if m.Description != "" {
		f.Text(m.Description)
	} else {
		f.Text(cat.T(loc, "plan.no_activity"))
	}
	f.Raw("</a></p>\n        <p class=\"muted\">")
	writePill(&f, m.Status, fragment.Escape(cat.T(loc, "measure.status."+m.Status)))
	f.Raw(" ")
	f.Raw(strconv.Itoa(m.Progress))
	f.Raw(" %")
	if m.Responsible != "" {
		f.Raw(" · ")
		f.Text(cat.T(loc, "plan.col.responsible"))
		f.Raw(": ")
		f.Text(m.Responsible)
	}
	if it.Timeline != "" {
		f.Raw(" · ")
		f.Text(cat.T(loc, "plan.col.timeline"))
		f.Raw(": ")
		f.Text(it.Timeline)
	}
	if m.From != nil {
		f.Raw(" · ")
		f.Text(cat.T(loc, "measure.origin", "org", m.From.OrgName))
	}
	f.Raw("</p>\n        ")
	if it.Problem != "" {
		f.Raw(`<p class="muted">`)
		f.Text(cat.T(loc, "plan.col.problem"))
		f.Raw(": ")
		f.Text(it.Problem)
		f.Raw("</p>")
	}
	f.Raw("\n        ")
	if it.FollowUp != "" || it.FollowUpDate != nil {
		f.Raw(`<p class="muted">`)
		f.Text(cat.T(loc, "plan.col.follow_up"))
		f.Raw(": ")
		f.Text(it.FollowUp)
		if it.FollowUpDate != nil {
			f.Raw(" (")
			f.Text(i18n.FormatDate(loc, *it.FollowUpDate))
			f.Raw(")")
		}
		f.Raw("</p>")
	}
	return f.HTML()
}
