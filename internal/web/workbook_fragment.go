package web

import (
	"html/template"
	"strconv"

	"github.com/samvirke/samvirke/internal/fragment"
	"github.com/samvirke/samvirke/internal/i18n"
)

// workbookFragmentFuncs answers the template functions that write parts of the
// workbook page in Go (package fragment).
func workbookFragmentFuncs(cat *i18n.Catalog) template.FuncMap {
	return template.FuncMap{
		// workbookChaptersHTML writes the workbook's chapters (workbook/show.html).
		"workbookChaptersHTML": func(loc string, p *workbookPage) template.HTML {
			return workbookChaptersHTML(cat, loc, p)
		},
	}
}

// workbookChaptersHTML writes the chapters of the workbook on the page p, in
// the language loc, as a fragment (package fragment): each chapter's
// section with its title, the gathering it is due at, its status (a form
// to set it when p.CanStatus, else its pill as the status partial writes
// it), its progress bar (the progress partial) and its table of problem
// statements with the state and visibility of each answer. A workbook has
// dozens of statements; in the template each cost a dozen calls through
// reflection.
func workbookChaptersHTML(cat *i18n.Catalog, loc string, p *workbookPage) template.HTML {
	label := func(key string) string { return fragment.Escape(cat.T(loc, key)) }
	chapterPills := newPills(cat, loc, "workbook.chapter_status.")
	wbBase := "/o/" + p.Org.Slug + "/workbooks/" + strconv.FormatInt(p.Ref.Workbook.ID, 10)
	tStatement, tStatus, tVisibility := label("workbook.statement"), label("workbook.status"), label("workbook.visibility")
	tNotStarted, tChapterStatus := label("workbook.not_started"), label("workbook.chapter_status")
	var tSave, tProgress string
	if p.CanStatus {
		tSave = label("form.save")
	}
	progressLabel := cat.T(loc, "workbook.answered_progress")
	if progressLabel != "" {
		tProgress = fragment.Escape(progressLabel) + ": "
	}
	// the statuses' options, escaped, translated once
	type option struct{ value, label string }
	var options []option
	if p.CanStatus {
		options = make([]option, len(p.Statuses))
		for i, s := range p.Statuses {
			options[i] = option{fragment.Escape(s), fragment.Escape(cat.T(loc, "workbook.chapter_status."+s))}
		}
	}
	visibility := map[string]string{} // an answer's visibility → its label, escaped

	chapters := p.Ref.Template.Chapters
	rows := 0
	for _, ch := range chapters {
		rows += len(ch.Statements)
	}
	var f fragment.Writer
	f.Grow(1500*len(chapters) + 500*rows)
	for _, ch := range chapters {
		id := strconv.FormatInt(ch.ID, 10)
		f.Raw("\n<section class=\"card\" aria-labelledby=\"ch-" + id + "\">\n  <h2 id=\"ch-" + id + `">`)
		f.Text(ch.Title)
		f.Raw("</h2>\n  ")
		if g := p.Due[ch.ID]; g != nil {
			f.Raw("<p>")
			f.Text(cat.T(loc, "workbook.due_at", "title", g.Title, "date", i18n.FormatDate(loc, g.StartsOn)))
			f.Raw("</p>")
		}
		f.Raw("\n  \n  ")
		st := p.Status[ch.ID]
		if st == "" {
			st = "not_started"
		}
		if p.CanStatus {
			f.Raw(`<form method="post" action="`)
			f.URL(wbBase + "/chapters/" + id + "/status")
			f.Raw("\" class=\"inline\">\n    <label for=\"st-" + id + `">` + tChapterStatus + "</label>\n    <select id=\"st-" + id + `" name="status">`)
			for i, s := range p.Statuses {
				f.Raw(`<option value="` + options[i].value + `"`)
				if s == st {
					f.Raw(" selected")
				}
				f.Raw(">" + options[i].label + "</option>")
			}
			f.Raw("</select>\n    <button type=\"submit\" class=\"secondary\">" + tSave + "</button>\n  </form>")
		} else {
			f.Raw("<p>" + tChapterStatus + ": ")
			chapterPills.write(&f, st)
			f.Raw("</p>")
		}
		done := 0
		for _, s := range ch.Statements {
			if p.Answered[s.ID] != nil {
				done++
			}
		}
		total := len(ch.Statements)
		f.Raw("\n  \n  <div class=\"progress-bar\">\n  <progress value=\"" + strconv.Itoa(done) + `" max="` + strconv.Itoa(total) +
			"\" aria-hidden=\"true\"></progress>\n  <span>" + tProgress)
		f.Text(cat.T(loc, "layout.progress", "done", i18n.FormatInt(loc, int64(done)), "total", i18n.FormatInt(loc, int64(total))))
		f.Raw("</span>\n</div>\n  <div class=\"table-wrap\"><table class=\"stack\">\n    <caption class=\"visually-hidden\">")
		f.Text(ch.Title)
		f.Raw("</caption>\n    <thead><tr><th scope=\"col\">" + tStatement + `</th><th scope="col">` + tStatus + `</th><th scope="col">` + tVisibility +
			"</th></tr></thead>\n    <tbody>")
		for _, s := range ch.Statements {
			e := p.Answered[s.ID]
			f.Raw("<tr>\n      <td data-label=\"" + tStatement + `"><a href="`)
			f.URL(wbBase + "/statements/" + strconv.FormatInt(s.ID, 10))
			f.Raw(`">`)
			f.Text(s.Title)
			f.Raw("</a></td>\n      <td data-label=\"" + tStatus + `">`)
			if e != nil {
				f.Text(cat.T(loc, "workbook.answered", "date", i18n.FormatDate(loc, e.UpdatedAt)))
			} else {
				f.Raw(tNotStarted)
			}
			f.Raw("</td>\n      <td data-label=\"" + tVisibility + `">`)
			if e != nil {
				v, ok := visibility[e.Visibility]
				if !ok {
					v = fragment.Escape(cat.T(loc, "workbook.visibility."+e.Visibility))
					visibility[e.Visibility] = v
				}
				f.Raw(v)
			}
			f.Raw("</td>\n    </tr>")
		}
		f.Raw("</tbody>\n  </table></div>\n</section>")
	}
	return f.HTML()
}
