package web

import (
	"html/template"
	"strconv"

	"github.com/samvirke/samvirke/internal/due"
	"github.com/samvirke/samvirke/internal/fragment"
	"github.com/samvirke/samvirke/internal/i18n"
)

// dueGroup is one group of "My work" on the dashboard: its heading's
// translation key, the id its heading and forms are named by, its items,
// and whether a measure's row offers a status update (Up) with the
// statuses to choose from, returning to Back.
type dueGroup struct {
	Key, ID  string
	Items    []due.Entry
	Up       bool
	Statuses []statusChoice
	Back     string
}

// dueGroupHTML writes a group of "My work" in the language loc as an
// accessible table, stacked into a card per item on a phone: when it is
// due (a deadline written in words beside its day), the item linking to
// where to act on it with where it belongs and the role it came through,
// the capability it comes from, its state in words (never by colour
// alone), and for a measure, when g.Up, a form updating its status. "My
// work" lists up to a hundred items from each capability on every visit
// of the dashboard, so it is a fragment written in Go (package fragment),
// not a template partial, with the labels every row repeats translated
// once. Nothing is written for a group without items.
func dueGroupHTML(cat *i18n.Catalog, loc string, g dueGroup) template.HTML {
	if len(g.Items) == 0 {
		return ""
	}
	label := func(key string) string { return fragment.Escape(cat.T(loc, key)) }
	tDue, tItem, tFrom, tState, tUpdate := label("mywork.due"), label("mywork.item"), label("mywork.from"), label("mywork.state"), label("measure.update")
	tStatus, tNote, tSave, tToday := label("measure.status"), label("measure.update.note"), label("measure.update.save"), label("mywork.due_today")
	id, back := fragment.Escape(g.ID), fragment.Escape(g.Back)
	sources := map[string]string{}
	var f fragment.Writer
	f.Grow(1024 + 900*len(g.Items))
	f.Raw("\n<h3 id=\"mywork-" + id + `">`)
	f.Text(cat.T(loc, g.Key))
	f.Raw(` <span class="count">(` + strconv.Itoa(len(g.Items)) + ")</span></h3>\n" +
		`<div class="table-wrap"><table class="stack" aria-labelledby="mywork-` + id + "\">\n" +
		`  <thead><tr><th scope="col">` + tDue + `</th><th scope="col">` + tItem + `</th><th scope="col">` + tFrom +
		`</th><th scope="col">` + tState + "</th>")
	if g.Up {
		f.Raw(`<th scope="col">` + tUpdate + "</th>")
	}
	f.Raw("</tr></thead>\n  <tbody>")
	for i, it := range g.Items {
		overdue := it.Days < 0
		f.Raw("<tr")
		if overdue {
			f.Raw(` class="overdue"`)
		}
		f.Raw(">\n    <td data-label=\"" + tDue + `">`)
		day := i18n.FormatDate(loc, it.Due)
		if it.DueText != "" {
			f.Text(it.DueText)
			f.Raw(` <span class="muted">(`)
			f.Text(day)
			f.Raw(")</span>")
		} else {
			f.Text(day)
		}
		f.Raw("</td>\n    <td data-label=\"" + tItem + `">`)
		link(&f, it.URL, it.Title)
		if it.Context != "" || it.Role != "" {
			f.Raw(`<br><span class="muted">`)
			f.Text(it.Context)
			if it.Context != "" && it.Role != "" {
				f.Raw(" · ")
			}
			if it.Role != "" {
				f.Text(cat.T(loc, "mywork.via_role", "role", it.Role))
			}
			f.Raw("</span>")
		}
		f.Raw("</td>\n    <td data-label=\"" + tFrom + `">`)
		source, ok := sources[it.Source]
		if !ok {
			source = fragment.Escape(cat.T(loc, "due.source."+it.Source))
			sources[it.Source] = source
		}
		f.Raw(source + "</td>\n    <td data-label=\"" + tState + `" class="status`)
		if overdue {
			f.Raw(" overdue")
		}
		f.Raw(`">`)
		switch {
		case overdue:
			f.Text(cat.N(loc, "mywork.overdue_by", -it.Days))
		case it.Days == 0:
			f.Raw(tToday)
		default:
			f.Text(cat.N(loc, "mywork.due_in", it.Days))
		}
		f.Raw("</td>\n    ")
		if g.Up {
			f.Raw(`<td data-label="` + tUpdate + `">`)
			if it.IsMeasure() {
				statusForm(&f, g, i, it, id, back, tStatus, tNote, tSave)
			}
			f.Raw("</td>")
		}
		f.Raw("\n  </tr>")
	}
	f.Raw("</tbody>\n</table></div>")
	return f.HTML()
}

// statusForm writes the form of "My work"'s row i updating the status of
// the measure it; id, back and the labels come escaped.
func statusForm(f *fragment.Writer, g dueGroup, i int, it due.Entry, id, back, tStatus, tNote, tSave string) {
	name := "q-" + id + "-" + strconv.Itoa(i)
	f.Raw(`<form method="post" action="`)
	f.URL(it.URL)
	f.Raw("/status\" class=\"quick-update\">\n      <input type=\"hidden\" name=\"back\" value=\"" + back + "\">\n      " +
		`<label class="visually-hidden" for="` + name + `-status">` + tStatus + ": ")
	f.Text(it.Title)
	f.Raw("</label>\n      <select id=\"" + name + `-status" name="status">`)
	for _, s := range g.Statuses {
		f.Raw(`<option value="`)
		f.Text(s.Value)
		f.Raw(`"`)
		if s.Value == it.Status {
			f.Raw(" selected")
		}
		f.Raw(">")
		f.Text(s.Label)
		f.Raw("</option>")
	}
	f.Raw("</select>\n      <label class=\"visually-hidden\" for=\"" + name + `-note">` + tNote + ": ")
	f.Text(it.Title)
	f.Raw("</label>\n      <input id=\"" + name + `-note" name="note" maxlength="2000" placeholder="` + tNote + "\">\n      " +
		`<button type="submit" class="secondary">` + tSave + `<span class="visually-hidden">: `)
	f.Text(it.Title)
	f.Raw("</span></button>\n    </form>")
}

// pills writes the status partial's pill (partials/components.html,
// "status": the state in words, never by colour alone), each status
// translated under the key prefix once. The zero value is not ready: make
// it with newPills.
type pills struct {
	cat        *i18n.Catalog
	loc, key   string
	translated map[string]string
}

// newPills answers a pill writer for loc with the key prefix key (the
// partial's default is "measure.status.").
func newPills(cat *i18n.Catalog, loc, key string) *pills {
	return &pills{cat: cat, loc: loc, key: key, translated: map[string]string{}}
}

// write writes the pill of status.
func (p *pills) write(f *fragment.Writer, status string) {
	text, ok := p.translated[status]
	if !ok {
		text = fragment.Escape(p.cat.T(p.loc, p.key+status))
		p.translated[status] = text
	}
	writePill(f, status, text)
}

// writePill writes the pill of status, with its words already escaped.
func writePill(f *fragment.Writer, status, escaped string) {
	f.Raw(`<span class="pill pill-`)
	f.Text(status)
	f.Raw(`">` + escaped + "</span>")
}
