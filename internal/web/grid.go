package web

import (
	"html/template"
	"strconv"

	"github.com/samvirke/samvirke/internal/chart"
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

// benchRowsHTML writes the rows of a benchmark's ranking (a country has
// 750), in the language loc, as a fragment (fragment.go): a row per
// municipality with its rank, name (the reader's own marked), figure or
// the mark of a withheld one, the parts of a rate when rate is set, and
// the figure's provenance, each cell labelled by its column for the
// stacked table on a phone.
func benchRowsHTML(cat *i18n.Catalog, loc string, rows []benchRow, rate bool) template.HTML {
	label := func(key string) string {
		var f fragment
		f.text(cat.T(loc, key))
		return f.b.String()
	}
	rank, figure, parts, provenance := label("indicator_benchmark.col.rank"), label("indicator_benchmark.col.figure"), label("indicator_benchmark.col.parts"), label("indicator_benchmark.col.provenance")
	own := label("indicator_benchmark.own")
	withheld := `<span aria-hidden="true">–</span><span class="visually-hidden">` + label("indicator_benchmark.withheld") +
		`</span><sup><a href="#bench-withheld" aria-label="` + label("indicator_benchmark.withheld_note") + `">*</a></sup>`
	var f fragment
	f.b.Grow(400 * len(rows))
	for _, r := range rows {
		f.raw("<tr")
		if r.Own {
			f.raw(` class="own"`)
		}
		f.raw(">\n    <td data-label=\"" + rank + `">`)
		if r.Rank == "" {
			f.raw("–")
		}
		f.text(r.Rank)
		f.raw("</td>\n    <th scope=\"row\">")
		f.text(r.Name)
		if r.Own {
			f.raw(` <span class="pill">` + own + "</span>")
		}
		f.raw("</th>\n    <td class=\"num\" data-label=\"" + figure + `">`)
		if r.Hidden {
			f.raw(withheld)
		} else {
			f.text(r.Figure)
		}
		f.raw("</td>\n    ")
		if rate {
			f.raw(`<td class="num" data-label="` + parts + `">`)
			f.text(r.Parts)
			f.raw("</td>")
		}
		f.raw("\n    <td data-label=\"" + provenance + `">`)
		f.text(r.Provenance)
		f.raw("</td>\n  </tr>")
	}
	return f.html()
}

// planMeasureHTML writes a measure's line of a plan's tree in the
// language loc, as a fragment (fragment.go): its description linking to
// the measure (under the path prefix measures), its status in words, its
// progress, responsible, timeline and the municipality it came from, then
// the problem it answers and its follow-up with its date. A plan has 200
// measures; in a template each line cost some twenty calls through
// reflection.
func planMeasureHTML(cat *i18n.Catalog, loc, measures string, it plan.Item, m *measure.Measure) template.HTML {
	var f fragment
	f.b.Grow(512)
	f.raw(`<p><a href="`)
	f.url(measures + m.ID)
	f.raw(`">`)
	if m.Description != "" {
		f.text(m.Description)
	} else {
		f.text(cat.T(loc, "plan.no_activity"))
	}
	f.raw("</a></p>\n        <p class=\"muted\"><span class=\"pill pill-")
	f.text(m.Status)
	f.raw(`">`)
	f.text(cat.T(loc, "measure.status."+m.Status))
	f.raw("</span> ")
	f.raw(strconv.Itoa(m.Progress))
	f.raw(" %")
	if m.Responsible != "" {
		f.raw(" · ")
		f.text(cat.T(loc, "plan.col.responsible"))
		f.raw(": ")
		f.text(m.Responsible)
	}
	if it.Timeline != "" {
		f.raw(" · ")
		f.text(cat.T(loc, "plan.col.timeline"))
		f.raw(": ")
		f.text(it.Timeline)
	}
	if m.From != nil {
		f.raw(" · ")
		f.text(cat.T(loc, "measure.origin", "org", m.From.OrgName))
	}
	f.raw("</p>\n        ")
	if it.Problem != "" {
		f.raw(`<p class="muted">`)
		f.text(cat.T(loc, "plan.col.problem"))
		f.raw(": ")
		f.text(it.Problem)
		f.raw("</p>")
	}
	f.raw("\n        ")
	if it.FollowUp != "" || it.FollowUpDate != nil {
		f.raw(`<p class="muted">`)
		f.text(cat.T(loc, "plan.col.follow_up"))
		f.raw(": ")
		f.text(it.FollowUp)
		if it.FollowUpDate != nil {
			f.raw(" (")
			f.text(i18n.FormatDate(loc, *it.FollowUpDate))
			f.raw(")")
		}
		f.raw("</p>")
	}
	return f.html()
}

// chartRowsHTML writes the rows of a chart's data table (beside the
// drawing; a benchmark's chart has a bar, and so a row, for each of 750
// municipalities) as a fragment (fragment.go): each row headed by its
// label, then its figures, each labelled by its column head for the
// stacked table on a phone.
func chartRowsHTML(t chart.Table) template.HTML {
	heads := make([]string, len(t.Head))
	for i, h := range t.Head {
		var f fragment
		f.text(h)
		heads[i] = f.b.String()
	}
	var f fragment
	f.b.Grow(64 * len(t.Rows) * (len(t.Head) + 1))
	for _, row := range t.Rows {
		f.raw("<tr>")
		for i, c := range row {
			if i == 0 {
				f.raw(`<th scope="row">`)
				f.text(c)
				f.raw("</th>")
				continue
			}
			f.raw(`<td class="num" data-label="`)
			if i < len(heads) {
				f.raw(heads[i])
			}
			f.raw(`">`)
			f.text(c)
			f.raw("</td>")
		}
		f.raw("</tr>")
	}
	return f.html()
}
