package web

import (
	"html/template"

	"github.com/samvirke/samvirke/internal/fragment"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/workbook"
)

// gatheringFragmentFuncs answers the template functions that write parts of the
// gathering view page in Go (package fragment).
func gatheringFragmentFuncs(cat *i18n.Catalog) template.FuncMap {
	return template.FuncMap{
		// gatheringPeersHTML writes the list items of the peers' answers a
		// member municipality may open.
		"gatheringPeersHTML": func(loc string, p *gatheringPage) template.HTML { return gatheringPeersHTML(cat, loc, p) },
		// gatheringColumnsHTML writes the members' answers side by side:
		// a table per section, the goals, the measures and the comments.
		"gatheringColumnsHTML": func(loc string, v *workbook.GatheringView) template.HTML {
			return gatheringColumnsHTML(cat, loc, v)
		},
	}
}

// gatheringPeersHTML writes, for a member municipality reading the
// gathering view p in the language loc, a list item with a link to each
// peer's shared answer (gatheringPage.PeerURL).
func gatheringPeersHTML(cat *i18n.Catalog, loc string, p *gatheringPage) template.HTML {
	var f fragment.Writer
	f.Grow(160 * len(p.View.Columns))
	for _, col := range p.View.Columns {
		u := p.PeerURL(col)
		if u == "" {
			continue
		}
		f.Raw(`<li><a href="`)
		f.URL(u)
		f.Raw(`">`)
		f.Text(cat.T(loc, "workbook.peer.answer_of", "org", col.Municipality))
		f.Raw("</a></li>")
	}
	return f.HTML()
}

// gatheringColumnsHTML writes the gathering view v in the language loc as
// a fragment (package fragment): for each section a table of every
// member's answer (its HTML as rendered when saved), the members' goals
// and measures when any has some, and the comments on each member's
// answer. A network has some 40 members: in the template each of their
// cells cost a dozen calls through reflection.
func gatheringColumnsHTML(cat *i18n.Catalog, loc string, v *workbook.GatheringView) template.HTML {
	label := func(key string) string { return fragment.Escape(cat.T(loc, key)) }
	cols := v.Columns
	tGood := label("workbook.good_practice")
	// a column's heading and its cells' label, escaped once
	names := make([]string, len(cols))
	headings := make([]string, len(cols))
	goals, measures, size := false, false, 0
	for i := range cols {
		c := &cols[i]
		names[i] = fragment.Escape(c.Municipality)
		headings[i] = names[i]
		if c.GoodPractice {
			headings[i] += " – " + tGood
		}
		goals = goals || len(c.Goals) > 0
		measures = measures || len(c.Measures) > 0
		for _, a := range c.AnswersHTML {
			size += len(a)
		}
		size += 300*(len(c.Goals)+len(c.Measures)) + 400*len(c.Comments)
	}

	var f fragment.Writer
	f.Grow(size + 2048 + len(v.Sections)*(600+150*len(cols)))
	for _, s := range v.Sections {
		key, title := fragment.Escape(s.Key), fragment.Escape(s.Title)
		f.Raw("\n<section class=\"card\" aria-labelledby=\"sec-" + key + "\">\n  <h2 id=\"sec-" + key + `">` + title +
			"</h2>\n  <div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-labelledby=\"sec-" + key +
			"\"><table class=\"stack\">\n    <caption class=\"visually-hidden\">" + title + "</caption>\n    <thead><tr>")
		for i := range cols {
			f.Raw(`<th scope="col">` + headings[i] + "</th>")
		}
		f.Raw("</tr></thead>\n    <tbody><tr>")
		var tNone string
		for i := range cols {
			f.Raw(`<td class="md" data-label="` + headings[i] + `">`)
			if a := cols[i].AnswersHTML[s.Key]; a != "" {
				f.Raw(string(a))
			} else {
				if tNone == "" {
					tNone = label("workbook.no_answer")
				}
				f.Raw(`<span class="muted">` + tNone + "</span>")
			}
			f.Raw("</td>")
		}
		f.Raw("</tr></tbody>\n  </table></div>\n</section>")
	}
	f.Raw("\n\n")
	pill := newPills(cat, loc, "measure.status.")
	status := func(s string) { pill.write(&f, s) }
	table := func(id, heading string, cell func(c *workbook.GatheringColumn)) {
		f.Raw(`<section class="card" aria-labelledby="` + id + "\">\n  <h2 id=\"" + id + `">` + heading +
			"</h2>\n  <div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-labelledby=\"" + id +
			"\"><table class=\"stack\">\n    <caption class=\"visually-hidden\">" + heading + "</caption>\n    <thead><tr>")
		for i := range cols {
			f.Raw(`<th scope="col">` + names[i] + "</th>")
		}
		f.Raw("</tr></thead>\n    <tbody><tr>")
		for i := range cols {
			f.Raw(`<td data-label="` + names[i] + `">`)
			cell(&cols[i])
			f.Raw("</td>")
		}
		f.Raw("</tr></tbody>\n  </table></div>\n</section>")
	}
	if goals {
		tTarget := label("workbook.goal.target")
		table("gv-goals-h", label("workbook.goals"), func(c *workbook.GatheringColumn) {
			if len(c.Goals) == 0 {
				f.Raw(`<span class="muted">–</span>`)
				return
			}
			f.Raw(`<ul class="plain">`)
			for i := range c.Goals {
				g := &c.Goals[i]
				f.Raw("<li>")
				f.Text(g.Statement)
				if g.Target != nil {
					f.Raw(" – " + tTarget + " ")
					f.Text(i18n.FormatNumber(loc, *g.Target, -1))
					if g.Unit != "" {
						f.Raw(" ")
						f.Text(g.Unit)
					}
				}
				if g.TargetDate != nil {
					f.Raw(" (")
					f.Text(i18n.FormatDate(loc, *g.TargetDate))
					f.Raw(")")
				}
				f.Raw(" ")
				status(g.Status)
				f.Raw("</li>")
			}
			f.Raw("</ul>")
		})
	}
	f.Raw("\n")
	if measures {
		table("gv-measures-h", label("workbook.measures"), func(c *workbook.GatheringColumn) {
			if len(c.Measures) == 0 {
				f.Raw(`<span class="muted">–</span>`)
				return
			}
			f.Raw(`<ul class="plain">`)
			for i := range c.Measures {
				m := &c.Measures[i]
				f.Raw("<li>")
				f.Text(m.Description)
				if m.Responsible != "" {
					f.Raw(" · ")
					f.Text(m.Responsible)
				}
				if m.DeadlineText != "" {
					f.Raw(" · ")
					f.Text(m.DeadlineText)
				} else if m.Deadline != nil {
					f.Raw(" · ")
					f.Text(i18n.FormatDate(loc, *m.Deadline))
				}
				f.Raw(" ")
				status(m.Status)
				f.Raw("</li>")
			}
			f.Raw("</ul>")
		})
	}
	f.Raw("\n<section class=\"card\" aria-labelledby=\"gcl-h\">\n  <h2 id=\"gcl-h\">" + label("workbook.comments") + "</h2>\n  ")
	anyComments := false
	for i := range cols {
		c := &cols[i]
		if len(c.Comments) == 0 {
			continue
		}
		anyComments = true
		f.Raw("\n  <h3>" + names[i] + "</h3>\n  <ol class=\"comments\">")
		for _, cm := range c.Comments {
			f.Raw(`<li><p class="muted"><span class="comment-author">`)
			f.Text(cm.AuthorName)
			f.Raw(`</span> · <strong class="comment-org">`)
			if cm.AuthorOrgName != "" {
				f.Text(cat.T(loc, "workbook.comment_from", "org", cm.AuthorOrgName))
			} else {
				f.Text(cat.T(loc, "workbook.comment_from_unknown"))
			}
			f.Raw("</strong> · ")
			f.Text(formatDateTime(loc, cm.CreatedAt, "Europe/Oslo"))
			f.Raw(`</p><p class="pre">`)
			f.Text(cm.Body)
			f.Raw("</p></li>")
		}
		f.Raw("</ol>")
	}
	f.Raw("\n  ")
	if !anyComments {
		f.Raw(`<p class="empty">` + label("workbook.no_comments") + "</p>")
	}
	f.Raw("\n</section>")
	return f.HTML()
}
