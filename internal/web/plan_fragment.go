package web

import (
	"html/template"
	"strconv"

	"github.com/samvirke/samvirke/internal/fragment"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/plan"
)

// planFragmentFuncs answers the template functions that write parts of the plan
// page in Go (package fragment).
func planFragmentFuncs(cat *i18n.Catalog) template.FuncMap {
	return template.FuncMap{
		// planAreaHTML writes a focus area of the plan's tree (the
		// plantree partial).
		"planAreaHTML": func(loc string, p *planPage, ai int, av planAreaView) template.HTML {
			return planAreaHTML(cat, loc, p, ai, av)
		},
	}
}

// planAreaHTML writes the focus area av, at index ai of the plan's tree on
// the page p, in the language loc, as a fragment (package fragment): its
// section with its heading and its lines in order, a goal with its target,
// baseline and its indicator's latest figure beside its peers', a
// strategy, a measure (planMeasureHTML), each with the problem it answers;
// when p.Editing, the controls to rename, reorder and remove the area, to
// edit, reorder, move to another area and remove each line, and to add
// lines. A plan has some 200 lines; in the template each cost dozens of
// calls through reflection.
func planAreaHTML(cat *i18n.Catalog, loc string, p *planPage, ai int, av planAreaView) template.HTML {
	label := func(key string) string { return fragment.Escape(cat.T(loc, key)) }
	a, edit := av.Area, p.Editing
	slug := p.Org.Slug
	base := "/o/" + slug + "/plans/" + strconv.FormatInt(p.Tree.Plan.ID, 10)
	measures := "/o/" + slug + "/measures/"
	areas := p.Tree.Content.Areas
	tGoal, tStrategy, tProblem := label("plan.item.kind.goal"), label("plan.item.kind.strategy"), label("plan.col.problem")
	aID, title := fragment.Escape(a.ID), fragment.Escape(a.Title)
	var rev, tMeasure, tEdit, tUp, tDown, tMoveTo, tRemove, options string
	if edit {
		rev = strconv.Itoa(p.Tree.Plan.Rev)
		tMeasure, tEdit, tUp, tDown = label("plan.item.kind.measure"), label("plan.item.edit"), label("plan.move_up"), label("plan.move_down")
		tMoveTo, tRemove = label("plan.move_to"), label("plan.item.remove")
		if len(areas) > 1 { // the other areas a line may move to
			var o fragment.Writer
			for _, other := range areas {
				if other.ID != a.ID {
					o.Raw(`<option value="`)
					o.Text(other.ID)
					o.Raw(`">`)
					o.Text(other.Title)
					o.Raw("</option>")
				}
			}
			options = string(o.HTML())
		}
	}

	var f fragment.Writer
	perLine := 600 // a measure's line reading; its controls add some 1400 bytes and the options
	if edit {
		perLine += 1400 + len(options)
	}
	f.Grow(1024 + perLine*len(av.Lines))
	f.Raw(`<section class="card plan-area" aria-labelledby="area-` + aID + "\">\n  <h2 id=\"area-" + aID + `" tabindex="-1">` +
		strconv.Itoa(ai+1) + ". " + title + "</h2>\n  ")
	if edit {
		areaURL := func(suffix string) {
			f.URL(base + "/areas/" + a.ID + suffix)
		}
		f.Raw("<div class=\"plan-controls\">\n    <details><summary>" + label("plan.area.rename") + `<span class="visually-hidden">: ` + title +
			"</span></summary>\n      <form method=\"post\" action=\"")
		areaURL("")
		f.Raw(`" class="inline"><input type="hidden" name="rev" value="` + rev + "\">\n        <label for=\"rename-" + aID +
			`" class="visually-hidden">` + label("plan.area.title") + `</label><input id="rename-` + aID + `" name="title" value="` + title +
			"\" maxlength=\"300\">\n        <button type=\"submit\" class=\"secondary\">" + label("form.save") + "</button></form></details>\n    ")
		if ai > 0 {
			f.Raw(`<form method="post" action="`)
			areaURL("/move")
			f.Raw(`" class="inline"><input type="hidden" name="rev" value="` + rev + `"><input type="hidden" name="dir" value="up"><button type="submit" class="link">` +
				tUp + `<span class="visually-hidden">: ` + title + "</span></button></form>")
		}
		f.Raw("\n    ")
		if ai+1 < len(areas) {
			f.Raw(`<form method="post" action="`)
			areaURL("/move")
			f.Raw(`" class="inline"><input type="hidden" name="rev" value="` + rev + `"><input type="hidden" name="dir" value="down"><button type="submit" class="link">` +
				tDown + `<span class="visually-hidden">: ` + title + "</span></button></form>")
		}
		f.Raw("\n    ")
		if len(a.Items) == 0 {
			f.Raw(`<form method="post" action="`)
			areaURL("/remove")
			f.Raw(`" class="inline"><input type="hidden" name="rev" value="` + rev + `"><button type="submit" class="link">` +
				label("plan.area.remove") + `<span class="visually-hidden">: ` + title + "</span></button></form>")
		}
		f.Raw("\n  </div>")
	}
	f.Raw("\n  ")
	if len(av.Lines) > 0 {
		f.Raw(`<ul class="plan-lines">`)
		for i := range av.Lines {
			l := &av.Lines[i]
			it := l.Item
			f.Raw("\n    <li id=\"item-")
			f.Text(it.ID)
			f.Raw(`" class="plan-line plan-`)
			f.Text(it.Kind)
			f.Raw(` depth-` + strconv.Itoa(l.Depth) + "\" tabindex=\"-1\">\n      ")
			kind := tMeasure
			switch it.Kind {
			case plan.ItemGoal:
				kind = tGoal
				if g := l.Goal; g != nil {
					f.Raw(`<p><span class="line-kind">` + tGoal + `:</span> <a href="`)
					f.URL("/o/" + slug + "/goals/" + g.ID)
					f.Raw(`">`)
					f.Text(g.Statement)
					f.Raw("</a>")
					if g.Target != nil {
						f.Raw(` <span class="muted">(` + label("plan.goal.target") + ": ")
						f.Text(i18n.FormatNumber(loc, *g.Target, -1))
						if g.Unit != "" {
							f.Raw(" ")
							f.Text(g.Unit)
						}
						if g.Baseline != nil {
							f.Raw(", " + label("plan.goal.baseline") + ": ")
							f.Text(i18n.FormatNumber(loc, *g.Baseline, -1))
						}
						f.Raw(")</span>")
					}
					if g.IndicatorCode != "" {
						if gf := p.GoalFigures[g.IndicatorCode]; gf != nil && gf.HasOwn {
							f.Raw(`<br><span class="muted">` + label("indicator.goal.latest") + " (")
							f.Text(gf.Period.Key())
							f.Raw(`): <a href="`)
							f.URL("/o/" + slug + "/indicators/" + gf.Indicator.Code)
							f.Raw(`">`)
							f.Text(figureText(cat, loc, gf.Indicator, gf.Own, gf.Threshold))
							f.Raw("</a>")
							if gf.Peer != nil {
								f.Raw(" · ")
								f.Text(figurePrinter(cat, loc, 0).GroupName(gf.Peer.Group))
								f.Raw(": ")
								f.Text(figureText(cat, loc, gf.Indicator, gf.Peer.Figure, gf.Threshold))
							}
							f.Raw("</span>")
						}
					}
					f.Raw("</p>")
				}
				f.Raw("\n        ")
				if it.Problem != "" {
					f.Raw(`<p class="muted">` + tProblem + ": ")
					f.Text(it.Problem)
					f.Raw("</p>")
				}
			case plan.ItemStrategy:
				kind = tStrategy
				f.Raw(`<p class="strategy"><span class="line-kind">` + tStrategy + `:</span> `)
				f.Text(it.Text)
				f.Raw("</p>")
			default:
				if l.Measure != nil {
					f.Raw(string(planMeasureHTML(cat, loc, measures, it, l.Measure)))
				}
			}
			f.Raw("\n      \n      ")
			if edit {
				planLineControls(&f, base, rev, kind, l, len(areas) > 1, options, &lineLabels{tEdit, tUp, tDown, tMoveTo, tRemove})
			}
			f.Raw("\n    </li>")
		}
		f.Raw("</ul>\n  ")
	} else {
		f.Raw(`<p class="empty">` + label("plan.area.empty") + "</p>")
	}
	f.Raw("\n  ")
	if edit {
		f.Raw(`<p class="plan-add">` + label("plan.add") + ": ")
		for i, k := range []string{plan.ItemGoal, plan.ItemStrategy, plan.ItemMeasure} {
			if i > 0 {
				f.Raw(" · ")
			}
			f.Raw(`<a href="`)
			f.URL(base + "/areas/" + a.ID + "/items/new?kind=" + k)
			f.Raw(`">` + label("plan.item.kind."+k) + `<span class="visually-hidden"> – ` + title + "</span></a>")
		}
		f.Raw("</p>")
	}
	f.Raw("\n</section>")
	return f.HTML()
}

// lineLabels are the labels of a plan line's editing controls, escaped.
type lineLabels struct{ edit, up, down, moveTo, remove string }

// planLineControls writes the controls of the line l of a plan's tree for
// an editor: to edit it, move it up and down, move it to another area
// (when move, options being the other areas' options, escaped) and remove
// it. rev and kind (the line's kind) come escaped.
func planLineControls(f *fragment.Writer, base, rev, kind string, l *plan.Line, move bool, options string, t *lineLabels) {
	id := l.Item.ID
	name := l.Item.Text
	if l.Goal != nil {
		name = l.Goal.Statement
	} else if l.Measure != nil {
		name = l.Measure.Description
	}
	name = fragment.Escape(name)
	item := base + "/items/" + id
	f.Raw("<div class=\"plan-controls\">\n        <a href=\"")
	f.URL(item)
	f.Raw(`">` + t.edit + `<span class="visually-hidden">: ` + kind + " " + name + "</span></a>\n        ")
	if !l.First {
		f.Raw(`<form method="post" action="`)
		f.URL(item + "/move")
		f.Raw(`" class="inline"><input type="hidden" name="rev" value="` + rev + `"><input type="hidden" name="dir" value="up"><button type="submit" class="link">` +
			t.up + `<span class="visually-hidden">: ` + name + "</span></button></form>")
	}
	f.Raw("\n        ")
	if !l.Last {
		f.Raw(`<form method="post" action="`)
		f.URL(item + "/move")
		f.Raw(`" class="inline"><input type="hidden" name="rev" value="` + rev + `"><input type="hidden" name="dir" value="down"><button type="submit" class="link">` +
			t.down + `<span class="visually-hidden">: ` + name + "</span></button></form>")
	}
	f.Raw("\n        ")
	if move {
		eid := fragment.Escape(id)
		f.Raw(`<form method="post" action="`)
		f.URL(item + "/move")
		f.Raw(`" class="inline"><input type="hidden" name="rev" value="` + rev + "\">\n          <label for=\"to-" + eid + `" class="visually-hidden">` + t.moveTo +
			"</label>\n          <select id=\"to-" + eid + `" name="area">` + options + "</select>\n          <button type=\"submit\" class=\"link\">" + t.moveTo + "</button></form>")
	}
	f.Raw("\n        <a href=\"")
	f.URL(item + "/remove")
	f.Raw(`">` + t.remove + `<span class="visually-hidden">: ` + kind + "</span></a>\n      </div>")
}
