package web

import (
	"html/template"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/plan"
)

// planTreeAsTemplate is the plan's tree as the plantree partial wrote it
// before planAreaHTML: its focus areas, reading and editing.
const planTreeAsTemplate = `{{define "plantree"}}{{$l := .Locale}}{{$p := .Tree.Plan}}{{$base := print "/o/" .Org.Slug "/plans/" $p.ID}}{{$edit := .Editing}}{{$areas := .Tree.Content.Areas}}{{$measures := print "/o/" .Org.Slug "/measures/"}}
{{- /* What every line prints alike, translated once (a plan has hundreds of lines); a measure's line is a fragment written in Go (planMeasureHTML). */ -}}
{{$tProblem := t $l "plan.col.problem"}}{{$tStrategy := t $l "plan.item.kind.strategy"}}{{$tGoal := t $l "plan.item.kind.goal"}}
{{- $tEdit := t $l "plan.item.edit"}}{{$tUp := t $l "plan.move_up"}}{{$tDown := t $l "plan.move_down"}}{{$tMoveTo := t $l "plan.move_to"}}{{$tRemove := t $l "plan.item.remove"}}{{$tMeasure := t $l "plan.item.kind.measure"}}
{{range $ai, $av := .Areas}}{{$a := $av.Area}}
<section class="card plan-area" aria-labelledby="area-{{$a.ID}}">
  <h2 id="area-{{$a.ID}}" tabindex="-1">{{inc $ai}}. {{$a.Title}}</h2>
  {{if $edit}}<div class="plan-controls">
    <details><summary>{{t $l "plan.area.rename"}}<span class="visually-hidden">: {{$a.Title}}</span></summary>
      <form method="post" action="{{$base}}/areas/{{$a.ID}}" class="inline"><input type="hidden" name="rev" value="{{$p.Rev}}">
        <label for="rename-{{$a.ID}}" class="visually-hidden">{{t $l "plan.area.title"}}</label><input id="rename-{{$a.ID}}" name="title" value="{{$a.Title}}" maxlength="300">
        <button type="submit" class="secondary">{{t $l "form.save"}}</button></form></details>
    {{if $ai}}<form method="post" action="{{$base}}/areas/{{$a.ID}}/move" class="inline"><input type="hidden" name="rev" value="{{$p.Rev}}"><input type="hidden" name="dir" value="up"><button type="submit" class="link">{{t $l "plan.move_up"}}<span class="visually-hidden">: {{$a.Title}}</span></button></form>{{end}}
    {{if lt (inc $ai) (len $areas)}}<form method="post" action="{{$base}}/areas/{{$a.ID}}/move" class="inline"><input type="hidden" name="rev" value="{{$p.Rev}}"><input type="hidden" name="dir" value="down"><button type="submit" class="link">{{t $l "plan.move_down"}}<span class="visually-hidden">: {{$a.Title}}</span></button></form>{{end}}
    {{if not $a.Items}}<form method="post" action="{{$base}}/areas/{{$a.ID}}/remove" class="inline"><input type="hidden" name="rev" value="{{$p.Rev}}"><button type="submit" class="link">{{t $l "plan.area.remove"}}<span class="visually-hidden">: {{$a.Title}}</span></button></form>{{end}}
  </div>{{end}}
  {{if $av.Lines}}<ul class="plan-lines">{{range $av.Lines}}{{$it := .Item}}
    <li id="item-{{$it.ID}}" class="plan-line plan-{{$it.Kind}} depth-{{.Depth}}" tabindex="-1">
      {{if eq $it.Kind "goal"}}{{with .Goal}}<p><span class="line-kind">{{$tGoal}}:</span> <a href="/o/{{$.Org.Slug}}/goals/{{.ID}}">{{.Statement}}</a>{{if .Target}} <span class="muted">({{t $l "plan.goal.target"}}: {{num $l .Target}}{{with .Unit}} {{.}}{{end}}{{with .Baseline}}, {{t $l "plan.goal.baseline"}}: {{num $l .}}{{end}})</span>{{end}}{{with .IndicatorCode}}{{with index $.GoalFigures .}}{{$gf := .}}{{if .HasOwn}}<br><span class="muted">{{t $l "indicator.goal.latest"}} ({{.Period.Key}}): <a href="/o/{{$.Org.Slug}}/indicators/{{.Indicator.Code}}">{{figure $l .Indicator .Own .Threshold}}</a>{{with .Peer}} · {{groupName $l .Group}}: {{figure $l $gf.Indicator .Figure $gf.Threshold}}{{end}}</span>{{end}}{{end}}{{end}}</p>{{end}}
        {{with $it.Problem}}<p class="muted">{{$tProblem}}: {{.}}</p>{{end}}
      {{else if eq $it.Kind "strategy"}}<p class="strategy"><span class="line-kind">{{$tStrategy}}:</span> {{$it.Text}}</p>
      {{else}}{{with .Measure}}{{planMeasureHTML $l $measures $it .}}{{end}}
      {{end}}
      {{if $edit}}{{$kind := $tMeasure}}{{if eq $it.Kind "goal"}}{{$kind = $tGoal}}{{else if eq $it.Kind "strategy"}}{{$kind = $tStrategy}}{{end}}{{$name := $it.Text}}{{if .Goal}}{{$name = .Goal.Statement}}{{else if .Measure}}{{$name = .Measure.Description}}{{end}}<div class="plan-controls">
        <a href="{{$base}}/items/{{$it.ID}}">{{$tEdit}}<span class="visually-hidden">: {{$kind}} {{$name}}</span></a>
        {{if not .First}}<form method="post" action="{{$base}}/items/{{$it.ID}}/move" class="inline"><input type="hidden" name="rev" value="{{$p.Rev}}"><input type="hidden" name="dir" value="up"><button type="submit" class="link">{{$tUp}}<span class="visually-hidden">: {{$name}}</span></button></form>{{end}}
        {{if not .Last}}<form method="post" action="{{$base}}/items/{{$it.ID}}/move" class="inline"><input type="hidden" name="rev" value="{{$p.Rev}}"><input type="hidden" name="dir" value="down"><button type="submit" class="link">{{$tDown}}<span class="visually-hidden">: {{$name}}</span></button></form>{{end}}
        {{if gt (len $areas) 1}}<form method="post" action="{{$base}}/items/{{$it.ID}}/move" class="inline"><input type="hidden" name="rev" value="{{$p.Rev}}">
          <label for="to-{{$it.ID}}" class="visually-hidden">{{$tMoveTo}}</label>
          <select id="to-{{$it.ID}}" name="area">{{range $areas}}{{if ne .ID $a.ID}}<option value="{{.ID}}">{{.Title}}</option>{{end}}{{end}}</select>
          <button type="submit" class="link">{{$tMoveTo}}</button></form>{{end}}
        <a href="{{$base}}/items/{{$it.ID}}/remove">{{$tRemove}}<span class="visually-hidden">: {{$kind}}</span></a>
      </div>{{end}}
    </li>{{end}}</ul>
  {{else}}<p class="empty">{{t $l "plan.area.empty"}}</p>{{end}}
  {{if $edit}}<p class="plan-add">{{t $l "plan.add"}}: <a href="{{$base}}/areas/{{$a.ID}}/items/new?kind=goal">{{t $l "plan.item.kind.goal"}}<span class="visually-hidden"> – {{$a.Title}}</span></a> · <a href="{{$base}}/areas/{{$a.ID}}/items/new?kind=strategy">{{t $l "plan.item.kind.strategy"}}<span class="visually-hidden"> – {{$a.Title}}</span></a> · <a href="{{$base}}/areas/{{$a.ID}}/items/new?kind=measure">{{t $l "plan.item.kind.measure"}}<span class="visually-hidden"> – {{$a.Title}}</span></a></p>{{end}}
</section>{{end}}{{end}}`

// planTreeForTest answers a plan's tree of hostile and Nordic text: a
// focus area with goals with and without a target, a baseline, a unit and
// an indicator's figures (its own, its peers', none, an unknown code), a
// goal whose goal is gone, strategies, measures bare and full, one gone,
// problems; an area whose id holds bytes a URL may not; an empty area.
func planTreeForTest() *plan.Tree {
	f := func(v float64) *float64 { return &v }
	day := time.Date(2026, 6, 20, 0, 0, 0, 0, time.UTC)
	hostile := ` <script>alert("x")</script> & 'q' + «§» æøå`
	return &plan.Tree{
		Plan: &plan.Plan{ID: 42, Rev: 7, Title: "Plan"},
		Content: plan.Content{Areas: []plan.Area{
			{ID: "a1", Title: "Arbeid" + hostile, Items: []plan.Item{
				{Kind: plan.ItemGoal, ID: "g1", Problem: "Få i arbeid «nå»" + hostile},
				{Kind: plan.ItemStrategy, ID: "s1", Text: "Samarbeid med NAV" + hostile},
				{Kind: plan.ItemMeasure, ID: "m1", Timeline: "Høst 2026", Problem: `Språk "A2"`, FollowUp: "Evaluert § 4", FollowUpDate: &day},
				{Kind: plan.ItemMeasure, ID: "m2"},
				{Kind: plan.ItemGoal, ID: "g2"},
				{Kind: plan.ItemMeasure, ID: "gone-measure", Problem: "ingen"},
				{Kind: plan.ItemGoal, ID: "g3", Problem: "tre"},
				{Kind: plan.ItemGoal, ID: "g4"},
				{Kind: plan.ItemGoal, ID: "gone-goal", Problem: "borte <b>"},
				{Kind: plan.ItemStrategy, ID: "s2"},
				{Kind: "other", ID: "x1", Text: "annet"},
				{Kind: plan.ItemMeasure, ID: "m 3/æ?", Text: "tekst"},
			}},
			{ID: `a 2/æ?"x"`, Title: "Bolig «Malmö»", Items: []plan.Item{{Kind: plan.ItemMeasure, ID: "m2", Problem: "javascript:alert(1)"}}},
			{ID: "a3", Title: "Tom <i>område</i>"},
		}},
		Goals: map[string]measure.Goal{
			"g1": {ID: "g1", Statement: "Flere i arbeid (70 %)" + hostile, Target: f(75), Baseline: f(60.5), Unit: "% «x» <b>", IndicatorCode: "pop.own"},
			"g2": {ID: "g2 ø/?", Statement: "Bolig innen tre måneder", Target: f(0), IndicatorCode: "pop.none"},
			"g3": {ID: "g3", Statement: "Ingen mål", Baseline: f(12.25), IndicatorCode: "pop.peerless"},
			"g4": {ID: "g4", Statement: "", Target: f(1234567.5), Unit: "kr", IndicatorCode: "pop.unknown"},
		},
		Measures: map[string]measure.Measure{
			"m1":     {ID: "m1", Description: "Språkpraksis i Malmö 'stad'" + hostile, Status: "ongoing", Progress: 40, Responsible: "NAV <leder>", From: &measure.Origin{OrgName: "Aabenraa & Sønderborg"}},
			"m2":     {ID: "m2", Status: "not_started"},
			"m 3/æ?": {ID: "m 3/æ?", Description: "Kartlegging", Status: "done", Progress: 100},
		},
	}
}

// planGoalFiguresForTest are the figures of the test tree's goals'
// indicators: its own and its network's, its own alone, none yet.
func planGoalFiguresForTest() map[string]*indicator.GoalFigure {
	f := func(v float64) *float64 { return &v }
	ind := &indicator.Indicator{Code: "pop.own", Unit: indicator.UnitCount}
	rate := &indicator.Indicator{Code: `pop.rate?x="1"&y=æ`, Unit: indicator.UnitPercent}
	return map[string]*indicator.GoalFigure{
		"pop.own": {Indicator: ind, Period: indicator.Period{Year: 2026, Kind: indicator.Monthly, Index: 10}, Own: indicator.Figure{Num: f(41)}, HasOwn: true, Threshold: 4,
			Peer: &indicator.Aggregate{Group: indicator.CompareGroup{Kind: indicator.GroupNetwork, Name: "Læringsnettverk «01» <b>"}, Figure: indicator.Figure{Num: f(663)}}},
		"pop.peerless": {Indicator: rate, Period: indicator.Period{Year: 2025, Kind: indicator.Yearly}, Own: indicator.Figure{Num: f(3), Den: f(40), Rate: f(7.5), Small: true}, HasOwn: true, Threshold: 4},
		"pop.none":     {Indicator: ind},
	}
}

// TestPlanAreaWrittenAsTheTemplateWould writes a plan's tree of hostile
// and Nordic text, of one area and of several, reading and editing, in
// every language, and finds it byte for byte as the plantree partial
// wrote it.
func TestPlanAreaWrittenAsTheTemplateWould(t *testing.T) {
	cat := loadCatalog(t)
	full := planTreeForTest()
	one := planTreeForTest()
	one.Content.Areas = one.Content.Areas[:1]
	lone := planTreeForTest() // one area of one line
	lone.Content.Areas = lone.Content.Areas[1:2]
	funcs := templateFuncs(cat, nil)
	tpl := template.Must(template.New("tree").Funcs(funcs).Parse(planTreeAsTemplate))
	for _, loc := range []string{"nb", "sv", "da", "en"} {
		for _, tree := range []*plan.Tree{full, one, lone} {
			for _, edit := range []bool{false, true} {
				p := &planPage{formPage: formPage{Layout: Layout{Locale: loc}}, Org: &org.Organisation{Slug: "ås-kommune"}, Tree: tree, Editing: edit,
					GoalFigures: planGoalFiguresForTest()}
				for i := range tree.Content.Areas {
					p.Areas = append(p.Areas, planAreaView{Area: tree.Content.Areas[i], Index: i, Lines: tree.Lines(i)})
				}
				var want strings.Builder
				if err := tpl.ExecuteTemplate(&want, "plantree", p); err != nil {
					t.Fatal(err)
				}
				got := "\n"
				for ai, av := range p.Areas {
					got += "\n" + string(planAreaHTML(cat, loc, p, ai, av))
				}
				if got != want.String() {
					t.Errorf("%s, %d areas, editing %v: the tree as written:\n%s\nas the template writes it:\n%s", loc, len(p.Areas), edit, got, want.String())
				}
				for _, bad := range []string{"<script>", "<b>", "<i>", `"x"`} {
					if strings.Contains(got, bad) {
						t.Errorf("%s: the tree holds %q unescaped", loc, bad)
					}
				}
				if len(p.Areas) > 1 && (!strings.Contains(got, "«Malmö»") || !strings.Contains(got, "/indicators/pop.own") || edit != strings.Contains(got, "plan-controls")) {
					t.Errorf("%s: %s", loc, got)
				}
			}
		}
	}
}
