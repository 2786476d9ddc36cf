package web

import (
	"html/template"
	"strconv"

	"github.com/samvirke/samvirke/internal/fragment"
	"github.com/samvirke/samvirke/internal/i18n"
)

// meetingFragmentFuncs answers the template functions that write parts of the meeting
// page in Go (package fragment).
func meetingFragmentFuncs(cat *i18n.Catalog) template.FuncMap {
	return template.FuncMap{
		// meetingAgendaHTML writes the items of a meeting's agenda.
		"meetingAgendaHTML": func(loc string, p *meetingPage) template.HTML { return meetingAgendaHTML(cat, loc, p) },
		// meetingEarlierHTML writes the rows of the earlier decisions' actions.
		"meetingEarlierHTML": func(loc string, p *meetingPage) template.HTML { return meetingEarlierHTML(cat, loc, p) },
		// meetingAttendanceHTML writes the rows of the attendance form.
		"meetingAttendanceHTML": func(loc string, p *meetingPage) template.HTML { return meetingAttendanceHTML(cat, loc, p) },
	}
}

// The meeting's page repeats a few parts for every agenda item, earlier
// follow-up action and expected member: in a template each of their
// lines cost a dozen calls through reflection, most of the page's render.
// They are fragments written in Go (package fragment), each writing the
// same bytes as the template did, with the labels every line repeats
// translated once.

// meetingAgendaHTML writes the agenda items of the meeting page p (the
// <li> of the agenda's list) in the language loc: each item's number,
// title linking to the item, case number, whether it is closed and its
// decision; and, for whom may edit a meeting whose record is not locked,
// the forms moving it up and down.
func meetingAgendaHTML(cat *i18n.Catalog, loc string, p *meetingPage) template.HTML {
	items := p.V.Doc.Items
	if len(items) == 0 {
		return ""
	}
	label := func(key string) string { return fragment.Escape(cat.T(loc, key)) }
	tCase, tClosed := label("council_meeting.case_number"), label("council_meeting.closed")
	edit := p.CanEdit && !p.Locked
	var tUp, tDown, rev string
	if edit {
		tUp, tDown = label("council_meeting.move_up"), label("council_meeting.move_down")
		rev = strconv.Itoa(p.V.Meeting.Rev)
	}
	var b fragment.Writer
	b.URL(p.Base)
	base := string(b.HTML())
	decisions := newPills(cat, loc, "council_meeting.decision.")
	var f fragment.Writer
	f.Grow(len(items) * (400 + 3*len(base)))
	for i, it := range items {
		id := strconv.FormatInt(it.ID, 10)
		f.Raw(`<li id="item-` + id + `" value="` + strconv.Itoa(it.Number) + "\">\n    <a href=\"" + base + "/items/" + id + `">`)
		f.Text(it.Title)
		f.Raw("</a>")
		if it.CaseNumber != "" {
			f.Raw(` <span class="muted">· ` + tCase + " ")
			f.Text(it.CaseNumber)
			f.Raw("</span>")
		}
		if it.Closed {
			f.Raw(` <span class="pill">` + tClosed + "</span>")
		}
		if it.DecisionType != "" {
			f.Raw(" ")
			decisions.write(&f, it.DecisionType)
		}
		f.Raw("\n    ")
		if edit {
			f.Raw("<span class=\"actions-row\">\n      ")
			if i > 0 {
				moveForm(&f, base, id, rev, "up", tUp, it.Title)
			}
			f.Raw("\n      ")
			if i+1 < len(items) {
				moveForm(&f, base, id, rev, "down", tDown, it.Title)
			}
			f.Raw("\n    </span>")
		}
		f.Raw("\n  </li>")
	}
	return f.HTML()
}

// moveForm writes the form moving an agenda item up or down (dir); base,
// id, rev and the label come escaped.
func moveForm(f *fragment.Writer, base, id, rev, dir, label, title string) {
	f.Raw(`<form method="post" action="` + base + "/items/" + id + `/move" class="inline"><input type="hidden" name="rev" value="` + rev +
		`"><input type="hidden" name="dir" value="` + dir + `"><button type="submit" class="link">` + label + `<span class="visually-hidden">: `)
	f.Text(title)
	f.Raw("</span></button></form>")
}

// meetingEarlierHTML writes the rows of the table of the earlier
// decisions' follow-up actions of the meeting page p in the language
// loc: the meeting and the item that decided it (linking to them), the
// action linking to its measure, who is responsible, its deadline
// (marked when overdue) and its status in words.
func meetingEarlierHTML(cat *i18n.Catalog, loc string, p *meetingPage) template.HTML {
	rows := p.V.Earlier
	if len(rows) == 0 {
		return ""
	}
	label := func(key string) string { return fragment.Escape(cat.T(loc, key)) }
	tMeeting, tItem, tAction := label("council_meeting.earlier.meeting"), label("council_meeting.earlier.item"), label("council_meeting.followup")
	tResponsible, tDeadline, tStatus := label("council_meeting.followup.responsible"), label("council_meeting.followup.deadline"), label("council_meeting.status")
	tOverdue := label("council_meeting.earlier.overdue")
	prefix := "/o/" + p.Org.Slug + "/"
	statuses := newPills(cat, loc, "measure.status.")
	var f fragment.Writer
	f.Grow(len(rows) * 1200)
	for _, e := range rows {
		f.Raw("<tr>\n      <td data-label=\"" + tMeeting + `"><a href="`)
		f.URL(prefix + e.Meeting.Path())
		f.Raw(`">`)
		f.Text(i18n.FormatDate(loc, e.Meeting.StartsAt))
		f.Raw("</a></td>\n      <td data-label=\"" + tItem + `"><a href="`)
		f.URL(prefix + e.Item.Path())
		f.Raw(`">` + strconv.Itoa(e.Item.Number()) + ". ")
		f.Text(e.Item.Title)
		f.Raw("</a></td>\n      <td data-label=\"" + tAction + `"><a href="`)
		f.URL(prefix + "measures/" + e.Measure.ID)
		f.Raw(`">`)
		f.Text(e.Measure.Description)
		f.Raw("</a></td>\n      <td data-label=\"" + tResponsible + `">`)
		if e.Measure.Responsible != "" {
			f.Text(e.Measure.Responsible)
		} else {
			f.Raw("–")
		}
		f.Raw("</td>\n      <td data-label=\"" + tDeadline + `">`)
		switch {
		case e.Measure.DeadlineText != "":
			f.Text(e.Measure.DeadlineText)
		case e.Measure.Due != nil:
			f.Text(i18n.FormatDate(loc, *e.Measure.Due))
		default:
			f.Raw("–")
		}
		if p.Overdue[e.Measure.ID] {
			f.Raw(` <span class="status overdue">` + tOverdue + "</span>")
		}
		f.Raw("</td>\n      <td data-label=\"" + tStatus + `">`)
		statuses.write(&f, e.Measure.Status)
		f.Raw("</td>\n    </tr>")
	}
	return f.HTML()
}

// meetingAttendanceHTML writes the rows of the attendance form of the
// meeting page p in the language loc: for each member expected, the
// name and role, a choice of the attendance status and, when the council
// has substitutes on the day, of the substitute who came.
func meetingAttendanceHTML(cat *i18n.Catalog, loc string, p *meetingPage) template.HTML {
	if len(p.Rows) == 0 {
		return ""
	}
	label := func(key string) string { return fragment.Escape(cat.T(loc, key)) }
	tMember, tStatus, tNone, tSubstitute := label("council_meeting.member"), label("council_meeting.attendance.status"),
		label("council_meeting.attendance.none"), label("council_meeting.attendance.substitute")
	statuses := make([]string, len(p.Statuses))
	for i, s := range p.Statuses {
		statuses[i] = label("council_meeting.attendance." + s)
	}
	subs := p.V.Roll.Substitutes
	subIDs := make([]string, len(subs))
	for i, s := range subs {
		subIDs[i] = strconv.FormatInt(s.ID, 10)
	}
	roles := map[string]string{}
	var f fragment.Writer
	f.Grow(len(p.Rows) * (1000 + 60*len(subs)))
	for _, r := range p.Rows {
		id := strconv.FormatInt(r.Member.ID, 10)
		role, ok := roles[r.Member.Role]
		if !ok {
			role = label("council_meeting.role." + r.Member.Role)
			roles[r.Member.Role] = role
		}
		f.Raw("<tr>\n        <th scope=\"row\" data-label=\"" + tMember + `">`)
		f.Text(r.Member.Name)
		f.Raw(` <span class="muted">` + role + `</span><input type="hidden" name="member" value="` + id + "\"></th>\n        " +
			`<td data-label="` + tStatus + `"><label class="visually-hidden" for="att-` + id + `">` + tStatus + ": ")
		f.Text(r.Member.Name)
		f.Raw("</label>\n          <select id=\"att-" + id + `" name="status_` + id + `"><option value="">` + tNone + "</option>")
		for i, s := range p.Statuses {
			f.Raw(`<option value="`)
			f.Text(s)
			f.Raw(`"`)
			if s == r.Status {
				f.Raw(" selected")
			}
			f.Raw(">" + statuses[i] + "</option>")
		}
		f.Raw("</select></td>\n        <td data-label=\"" + tSubstitute + `">`)
		if len(subs) > 0 {
			f.Raw(`<label class="visually-hidden" for="sub-` + id + `">`)
			f.Text(cat.T(loc, "council_meeting.attendance.substitute_for", "name", r.Member.Name))
			f.Raw("</label>\n          <select id=\"sub-" + id + `" name="sub_` + id + `"><option value="">–</option>`)
			for i, s := range subs {
				f.Raw(`<option value="` + subIDs[i] + `"`)
				if subIDs[i] == r.Sub {
					f.Raw(" selected")
				}
				f.Raw(">")
				f.Text(s.Name)
				f.Raw("</option>")
			}
			f.Raw("</select>")
		} else {
			f.Raw("–")
		}
		f.Raw("</td>\n      </tr>")
	}
	return f.HTML()
}
