package web

import (
	"html/template"
	"strconv"

	"github.com/samvirke/samvirke/internal/fragment"
	"github.com/samvirke/samvirke/internal/i18n"
)

// answerFragmentFuncs answers the template functions that write parts of the
// answer page in Go (package fragment).
func answerFragmentFuncs(cat *i18n.Catalog) template.FuncMap {
	return template.FuncMap{
		// answerPeersHTML writes the network peers' answers (workbook/entry.html).
		"answerPeersHTML": func(loc string, p *entryPage) template.HTML { return answerPeersHTML(cat, loc, p) },
		// answerRowsHTML writes the editor's goals and measures (workbook/entry.html).
		"answerRowsHTML": func(loc string, p *entryPage) template.HTML { return answerRowsHTML(cat, loc, p) },
	}
}

// answerPeersHTML writes the section of the answer page p, in the language
// loc, that lists the network peers' shared answers to the statement, each
// a link to the answer (p.PeerURL) with the day it was last changed, or
// says there are none, and links to the statement's answers side by side
// (p.GatheringURL) when there is such a view. A network has dozens of
// members; in the template each peer cost half a dozen calls through
// reflection.
func answerPeersHTML(cat *i18n.Catalog, loc string, p *entryPage) template.HTML {
	var f fragment.Writer
	f.Grow(512 + 200*len(p.Peers))
	f.Raw("<section class=\"card\" aria-labelledby=\"peers-h\">\n  <h2 id=\"peers-h\">")
	f.Text(cat.T(loc, "workbook.peers.title"))
	f.Raw("</h2>\n  ")
	if len(p.Peers) > 0 {
		f.Raw("<ul>")
		for _, a := range p.Peers {
			f.Raw(`<li><a href="`)
			f.URL(p.PeerURL(a))
			f.Raw(`">`)
			f.Text(cat.T(loc, "workbook.peer.answer_of", "org", a.Peer.Name))
			f.Raw(`</a> <span class="muted">`)
			f.Text(cat.T(loc, "workbook.answered", "date", i18n.FormatDate(loc, a.UpdatedAt)))
			f.Raw("</span></li>")
		}
		f.Raw("</ul>\n  ")
	} else {
		f.Raw(`<p class="empty">`)
		f.Text(cat.T(loc, "workbook.peers.none"))
		f.Raw("</p>")
	}
	f.Raw("\n  ")
	if p.GatheringURL != "" {
		f.Raw(`<p><a href="`)
		f.URL(p.GatheringURL)
		f.Raw(`">`)
		f.Text(cat.T(loc, "workbook.peers.side_by_side"))
		f.Raw("</a></p>")
	}
	f.Raw("\n</section>")
	return f.HTML()
}

// answerOption is an option of a select: its value as it is, and its
// value and label escaped.
type answerOption struct{ raw, value, label string }

// answerRowsHTML writes the goals' and the measures' fieldsets of the
// answer form on the page p, in the language loc, as a fragment (package
// fragment): a table of goals, a row each (p.Goals) with its link,
// origin, inputs (as the cell partial of partials/form.html writes them,
// with their errors from p.Errors) and status; a table of measures, a row
// each (p.Measures) with its link, origin, inputs, the member responsible,
// status and the goal it serves. An answer's rows have some 30 inputs and
// selects; in the template each cost a dozen calls through reflection.
func answerRowsHTML(cat *i18n.Catalog, loc string, p *entryPage) template.HTML {
	label := func(key string) string { return fragment.Escape(cat.T(loc, key)) }
	tStatus, tOpen := label("workbook.status"), label("measure.open")
	tGStatement, tGIndicator, tGBaseline, tGTarget, tGUnit := label("workbook.goal.statement"), label("workbook.goal.indicator"),
		label("workbook.goal.baseline"), label("workbook.goal.target"), label("workbook.goal.unit")
	tGDate, tDateFormat := label("workbook.goal.target_date"), label("form.date_format")
	tMDescription, tMResponsible, tMUser, tMDeadline := label("workbook.measure.description"), label("workbook.measure.responsible"),
		label("workbook.measure.responsible_user"), label("workbook.measure.deadline")
	tNotes, tServes := label("workbook.notes"), label("measure.serves")
	// the options of the selects, escaped, translated once
	statuses := make([]answerOption, len(p.Statuses))
	for i, s := range p.Statuses {
		statuses[i] = answerOption{s, fragment.Escape(s), label("measure.status." + s)}
	}
	members := make([]answerOption, len(p.Members))
	for i, m := range p.Members {
		name := m.Name
		if name == "" {
			name = m.Email
		}
		id := strconv.FormatInt(m.ID, 10)
		members[i] = answerOption{id, id, fragment.Escape(name)}
	}
	var goals []answerOption // the goals a measure may serve
	for _, g := range p.Goals {
		if g.ID != "" {
			goals = append(goals, answerOption{g.ID, fragment.Escape(g.ID), fragment.Escape(g.Statement)})
		}
	}
	rc := answerRowCells{errs: p.Errors}
	slug := p.Org.Slug

	var f fragment.Writer
	f.Grow(2048 + 2200*len(p.Goals) + (2600+60*len(p.Members)+80*len(goals))*len(p.Measures))
	f.Raw("<fieldset class=\"rows\">\n    <legend id=\"goals-legend\">")
	f.Text(cat.T(loc, "workbook.goals"))
	f.Raw("</legend>\n    <p class=\"hint\">")
	f.Text(cat.T(loc, "workbook.goals_hint"))
	f.Raw("</p>\n    <div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-labelledby=\"goals-legend\"><table class=\"stack\">\n" +
		`      <thead><tr><th scope="col">#</th><th scope="col">` + tGStatement + `</th><th scope="col">` + tGIndicator +
		`</th><th scope="col">` + tGBaseline + `</th><th scope="col">` + tGTarget + `</th><th scope="col">` + tGUnit +
		`</th><th scope="col">` + tGDate + ` <span class="muted">(` + tDateFormat + `)</span></th><th scope="col">` + tStatus +
		"</th></tr></thead>\n      <tbody>")
	tGDateCell := tGDate + " (" + tDateFormat + ")"
	for i := range p.Goals {
		g := &p.Goals[i]
		n, row := strconv.Itoa(i), strconv.Itoa(i+1)
		f.Raw("<tr>\n        <th scope=\"row\">" + row)
		if g.ID != "" {
			f.Raw(`<input type="hidden" name="goal.` + n + `.id" value="`)
			f.Text(g.ID)
			f.Raw(`"> <a href="`)
			f.URL("/o/" + slug + "/goals/" + g.ID)
			f.Raw(`" aria-label="` + tOpen + ": ")
			f.Text(g.Statement)
			f.Raw(`">` + tOpen + "</a>")
		}
		if g.From != "" {
			f.Raw(`<input type="hidden" name="goal.` + n + `.from" value="`)
			f.Text(g.From)
			f.Raw(`"><br><span class="muted">`)
			f.Text(cat.T(loc, "workbook.copied_from", "org", g.FromName))
			f.Raw("</span>")
		}
		f.Raw("</th>\n        ")
		pre := "goal." + n + "." // the row's fields' names start so
		rc.cell(&f, pre+"statement", g.Statement, tGStatement, row, false)
		f.Raw("\n        ")
		rc.cell(&f, pre+"indicator", g.Indicator, tGIndicator, row, false)
		f.Raw("\n        ")
		rc.cell(&f, pre+"baseline", g.Baseline, tGBaseline, row, true)
		f.Raw("\n        ")
		rc.cell(&f, pre+"target", g.Target, tGTarget, row, true)
		f.Raw("\n        ")
		rc.cell(&f, pre+"unit", g.Unit, tGUnit, row, false)
		f.Raw("\n        ")
		rc.cell(&f, pre+"target_date", g.TargetDate, tGDateCell, row, false)
		f.Raw("\n        ")
		answerStatusCell(&f, pre, tStatus, row, statuses, g.Status)
		f.Raw("\n      </tr>")
	}
	f.Raw("</tbody>\n    </table></div>\n  </fieldset>\n  <fieldset class=\"rows\">\n    <legend id=\"measures\">")
	f.Text(cat.T(loc, "workbook.measures"))
	f.Raw("</legend>\n    <p class=\"hint\">")
	f.Text(cat.T(loc, "workbook.measures_hint"))
	f.Raw("</p>\n    <div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-labelledby=\"measures\"><table class=\"stack\">\n" +
		`      <thead><tr><th scope="col">#</th><th scope="col">` + tMDescription + `</th><th scope="col">` + tMResponsible +
		`</th><th scope="col">` + tMUser + `</th><th scope="col">` + tMDeadline + `</th><th scope="col">` + tStatus +
		`</th><th scope="col">` + tServes + `</th><th scope="col">` + tNotes + "</th></tr></thead>\n      <tbody>")
	var tMany string
	for i := range p.Measures {
		m := &p.Measures[i]
		n, row := strconv.Itoa(i), strconv.Itoa(i+1)
		f.Raw("<tr>\n        <th scope=\"row\">" + row)
		if m.ID != "" {
			f.Raw(`<input type="hidden" name="measure.` + n + `.id" value="`)
			f.Text(m.ID)
			f.Raw(`"><input type="hidden" name="measure.` + n + `.progress" value="`)
			f.Text(m.Progress)
			f.Raw(`">`)
			if m.ManyGoals {
				f.Raw(`<input type="hidden" name="measure.` + n + `.goals" value="`)
				f.Text(m.Goals)
				f.Raw(`">`)
			}
			f.Raw(` <a href="`)
			f.URL("/o/" + slug + "/measures/" + m.ID)
			f.Raw(`" aria-label="` + tOpen + ": ")
			f.Text(m.Description)
			f.Raw(`">` + tOpen + "</a>")
		}
		if m.From != "" {
			f.Raw(`<input type="hidden" name="measure.` + n + `.from" value="`)
			f.Text(m.From)
			f.Raw(`"><br><span class="muted">`)
			f.Text(cat.T(loc, "workbook.copied_from", "org", m.FromName))
			f.Raw("</span>")
		}
		f.Raw("</th>\n        ")
		pre := "measure." + n + "."
		rc.cell(&f, pre+"description", m.Description, tMDescription, row, false)
		f.Raw("\n        ")
		rc.cell(&f, pre+"responsible", m.Responsible, tMResponsible, row, false)
		// the member responsible
		uerr := rc.err(pre + "responsible_user")
		f.Raw("\n        <td><label class=\"visually-hidden cell-label\" for=\"f-" + pre + `responsible_user">` + tMUser + " " + row + "</label>\n          ")
		if uerr != "" {
			f.Raw(`<p class="field-error" id="f-` + pre + `responsible_user-error">`)
			f.Text(uerr)
			f.Raw("</p>")
		}
		f.Raw("\n          <select id=\"f-" + pre + `responsible_user" name="` + pre + `responsible_user"`)
		if uerr != "" {
			f.Raw(` aria-invalid="true" aria-describedby="f-` + pre + `responsible_user-error"`)
		}
		f.Raw(`><option value="">–</option>`)
		for _, o := range members {
			f.Raw(`<option value="` + o.value + `"`)
			if o.raw == m.ResponsibleUser {
				f.Raw(" selected")
			}
			f.Raw(">" + o.label + "</option>")
		}
		f.Raw("</select></td>\n        ")
		rc.cell(&f, pre+"deadline", m.Deadline, tMDeadline, row, false)
		f.Raw("\n        ")
		answerStatusCell(&f, pre, tStatus, row, statuses, m.Status)
		// the goal it serves
		f.Raw("\n        <td>")
		if m.ManyGoals {
			if tMany == "" {
				tMany = label("measure.goals_many")
			}
			f.Raw(`<span class="muted">` + tMany + "</span>")
		} else {
			f.Raw(`<label class="visually-hidden cell-label" for="f-` + pre + `goals">` + tServes + " " + row + "</label>\n          <select id=\"f-" + pre +
				`goals" name="` + pre + `goals"><option value="">–</option>`)
			for _, o := range goals {
				f.Raw(`<option value="` + o.value + `"`)
				if o.raw == m.Goals {
					f.Raw(" selected")
				}
				f.Raw(">" + o.label + "</option>")
			}
			f.Raw("</select>")
		}
		f.Raw("</td>\n        ")
		rc.cell(&f, pre+"notes", m.Notes, tNotes, row, false)
		f.Raw("\n      </tr>")
	}
	f.Raw("</tbody>\n    </table></div>\n  </fieldset>")
	return f.HTML()
}

// answerRowCells writes the inputs of the answer form's rows with their
// errors (field → message).
type answerRowCells struct{ errs map[string]string }

// err answers the error of the field name, "" when none.
func (rc answerRowCells) err(name string) string {
	if len(rc.errs) == 0 {
		return ""
	}
	return rc.errs[name]
}

// cell writes an input of a row as the cell partial (partials/form.html)
// writes it: name is the field's name (letters, digits and dots), value
// its value as typed, label (escaped) and row label it, decimal asks for
// a decimal keyboard.
func (rc answerRowCells) cell(f *fragment.Writer, name, value, label, row string, decimal bool) {
	err := rc.err(name)
	f.Raw("<td>\n  <label class=\"visually-hidden cell-label\" for=\"f-" + name + `">` + label + " " + row + "</label>\n  ")
	if err != "" {
		f.Raw(`<p class="field-error" id="f-` + name + `-error">`)
		f.Text(err)
		f.Raw("</p>")
	}
	f.Raw("\n  <input id=\"f-" + name + `" name="` + name + `" type="text" value="`)
	f.Text(value)
	f.Raw(`"`)
	if decimal {
		f.Raw(` inputmode="decimal"`)
	}
	if err != "" {
		f.Raw(` aria-invalid="true" aria-describedby="f-` + name + `-error"`)
	}
	f.Raw(">\n</td>")
}

// answerStatusCell writes the status select of the row whose fields'
// names start with p ("goal.2."), its options (escaped) with status
// selected.
func answerStatusCell(f *fragment.Writer, p, tStatus, row string, options []answerOption, status string) {
	f.Raw(`<td><label class="visually-hidden cell-label" for="f-` + p + `status">` + tStatus + " " + row + "</label>\n          <select id=\"f-" + p +
		`status" name="` + p + `status">`)
	for _, o := range options {
		f.Raw(`<option value="` + o.value + `"`)
		if o.raw == status {
			f.Raw(" selected")
		}
		f.Raw(">" + o.label + "</option>")
	}
	f.Raw("</select></td>")
}
