package web

import (
	"html/template"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/workbook"
)

// The parts of the answer page (templates/workbook/entry.html) as the
// template wrote them before their fragments, each in a template of its
// own; answerCellAsTemplate is the cell partial of
// templates/partials/form.html the rows placed.
const (
	answerPeersAsTemplate = `{{define "peers"}}{{$l := .Locale}}<section class="card" aria-labelledby="peers-h">
  <h2 id="peers-h">{{t $l "workbook.peers.title"}}</h2>
  {{if .Peers}}<ul>{{range .Peers}}<li><a href="{{$.PeerURL .}}">{{t $l "workbook.peer.answer_of" "org" .Peer.Name}}</a> <span class="muted">{{t $l "workbook.answered" "date" (date $l .UpdatedAt)}}</span></li>{{end}}</ul>
  {{else}}<p class="empty">{{t $l "workbook.peers.none"}}</p>{{end}}
  {{if .GatheringURL}}<p><a href="{{.GatheringURL}}">{{t $l "workbook.peers.side_by_side"}}</a></p>{{end}}
</section>{{end}}`
	answerRowsAsTemplate = `{{define "rows"}}{{$l := .Locale}}<fieldset class="rows">
    <legend id="goals-legend">{{t $l "workbook.goals"}}</legend>
    <p class="hint">{{t $l "workbook.goals_hint"}}</p>
    <div class="table-wrap" tabindex="0" role="region" aria-labelledby="goals-legend"><table class="stack">
      <thead><tr><th scope="col">#</th><th scope="col">{{t $l "workbook.goal.statement"}}</th><th scope="col">{{t $l "workbook.goal.indicator"}}</th><th scope="col">{{t $l "workbook.goal.baseline"}}</th><th scope="col">{{t $l "workbook.goal.target"}}</th><th scope="col">{{t $l "workbook.goal.unit"}}</th><th scope="col">{{t $l "workbook.goal.target_date"}} <span class="muted">({{t $l "form.date_format"}})</span></th><th scope="col">{{t $l "workbook.status"}}</th></tr></thead>
      <tbody>{{range $i, $g := .Goals}}<tr>
        <th scope="row">{{inc $i}}{{if $g.ID}}<input type="hidden" name="goal.{{$i}}.id" value="{{$g.ID}}"> <a href="/o/{{$.Org.Slug}}/goals/{{$g.ID}}" aria-label="{{t $l "measure.open"}}: {{$g.Statement}}">{{t $l "measure.open"}}</a>{{end}}{{if $g.From}}<input type="hidden" name="goal.{{$i}}.from" value="{{$g.From}}"><br><span class="muted">{{t $l "workbook.copied_from" "org" $g.FromName}}</span>{{end}}</th>
        {{template "cell" (dict "P" $ "Name" (printf "goal.%d.statement" $i) "Value" $g.Statement "Label" (t $l "workbook.goal.statement") "Row" (inc $i))}}
        {{template "cell" (dict "P" $ "Name" (printf "goal.%d.indicator" $i) "Value" $g.Indicator "Label" (t $l "workbook.goal.indicator") "Row" (inc $i))}}
        {{template "cell" (dict "P" $ "Name" (printf "goal.%d.baseline" $i) "Value" $g.Baseline "Label" (t $l "workbook.goal.baseline") "Row" (inc $i) "Mode" "decimal")}}
        {{template "cell" (dict "P" $ "Name" (printf "goal.%d.target" $i) "Value" $g.Target "Label" (t $l "workbook.goal.target") "Row" (inc $i) "Mode" "decimal")}}
        {{template "cell" (dict "P" $ "Name" (printf "goal.%d.unit" $i) "Value" $g.Unit "Label" (t $l "workbook.goal.unit") "Row" (inc $i))}}
        {{template "cell" (dict "P" $ "Name" (printf "goal.%d.target_date" $i) "Value" $g.TargetDate "Label" (print (t $l "workbook.goal.target_date") " (" (t $l "form.date_format") ")") "Row" (inc $i))}}
        <td><label class="visually-hidden cell-label" for="f-goal.{{$i}}.status">{{t $l "workbook.status"}} {{inc $i}}</label>
          <select id="f-goal.{{$i}}.status" name="goal.{{$i}}.status">{{range $.Statuses}}<option value="{{.}}"{{if eq . $g.Status}} selected{{end}}>{{t $l (print "measure.status." .)}}</option>{{end}}</select></td>
      </tr>{{end}}</tbody>
    </table></div>
  </fieldset>
  <fieldset class="rows">
    <legend id="measures">{{t $l "workbook.measures"}}</legend>
    <p class="hint">{{t $l "workbook.measures_hint"}}</p>
    <div class="table-wrap" tabindex="0" role="region" aria-labelledby="measures"><table class="stack">
      <thead><tr><th scope="col">#</th><th scope="col">{{t $l "workbook.measure.description"}}</th><th scope="col">{{t $l "workbook.measure.responsible"}}</th><th scope="col">{{t $l "workbook.measure.responsible_user"}}</th><th scope="col">{{t $l "workbook.measure.deadline"}}</th><th scope="col">{{t $l "workbook.status"}}</th><th scope="col">{{t $l "measure.serves"}}</th><th scope="col">{{t $l "workbook.notes"}}</th></tr></thead>
      <tbody>{{range $i, $m := .Measures}}<tr>
        <th scope="row">{{inc $i}}{{if $m.ID}}<input type="hidden" name="measure.{{$i}}.id" value="{{$m.ID}}"><input type="hidden" name="measure.{{$i}}.progress" value="{{$m.Progress}}">{{if $m.ManyGoals}}<input type="hidden" name="measure.{{$i}}.goals" value="{{$m.Goals}}">{{end}} <a href="/o/{{$.Org.Slug}}/measures/{{$m.ID}}" aria-label="{{t $l "measure.open"}}: {{$m.Description}}">{{t $l "measure.open"}}</a>{{end}}{{if $m.From}}<input type="hidden" name="measure.{{$i}}.from" value="{{$m.From}}"><br><span class="muted">{{t $l "workbook.copied_from" "org" $m.FromName}}</span>{{end}}</th>
        {{template "cell" (dict "P" $ "Name" (printf "measure.%d.description" $i) "Value" $m.Description "Label" (t $l "workbook.measure.description") "Row" (inc $i))}}
        {{template "cell" (dict "P" $ "Name" (printf "measure.%d.responsible" $i) "Value" $m.Responsible "Label" (t $l "workbook.measure.responsible") "Row" (inc $i))}}
        <td>{{$uerr := index $.Errors (printf "measure.%d.responsible_user" $i)}}<label class="visually-hidden cell-label" for="f-measure.{{$i}}.responsible_user">{{t $l "workbook.measure.responsible_user"}} {{inc $i}}</label>
          {{if $uerr}}<p class="field-error" id="f-measure.{{$i}}.responsible_user-error">{{$uerr}}</p>{{end}}
          <select id="f-measure.{{$i}}.responsible_user" name="measure.{{$i}}.responsible_user"{{if $uerr}} aria-invalid="true" aria-describedby="f-measure.{{$i}}.responsible_user-error"{{end}}><option value="">–</option>{{range $.Members}}<option value="{{.ID}}"{{if eq (print .ID) $m.ResponsibleUser}} selected{{end}}>{{or .Name .Email}}</option>{{end}}</select></td>
        {{template "cell" (dict "P" $ "Name" (printf "measure.%d.deadline" $i) "Value" $m.Deadline "Label" (t $l "workbook.measure.deadline") "Row" (inc $i))}}
        <td><label class="visually-hidden cell-label" for="f-measure.{{$i}}.status">{{t $l "workbook.status"}} {{inc $i}}</label>
          <select id="f-measure.{{$i}}.status" name="measure.{{$i}}.status">{{range $.Statuses}}<option value="{{.}}"{{if eq . $m.Status}} selected{{end}}>{{t $l (print "measure.status." .)}}</option>{{end}}</select></td>
        <td>{{if $m.ManyGoals}}<span class="muted">{{t $l "measure.goals_many"}}</span>{{else}}<label class="visually-hidden cell-label" for="f-measure.{{$i}}.goals">{{t $l "measure.serves"}} {{inc $i}}</label>
          <select id="f-measure.{{$i}}.goals" name="measure.{{$i}}.goals"><option value="">–</option>{{range $.Goals}}{{if .ID}}<option value="{{.ID}}"{{if eq .ID $m.Goals}} selected{{end}}>{{.Statement}}</option>{{end}}{{end}}</select>{{end}}</td>
        {{template "cell" (dict "P" $ "Name" (printf "measure.%d.notes" $i) "Value" $m.Notes "Label" (t $l "workbook.notes") "Row" (inc $i))}}
      </tr>{{end}}</tbody>
    </table></div>
  </fieldset>{{end}}`
	answerCellAsTemplate = `{{define "cell"}}{{$err := index .P.Errors .Name}}<td>
  <label class="visually-hidden cell-label" for="f-{{.Name}}">{{.Label}} {{.Row}}</label>
  {{if $err}}<p class="field-error" id="f-{{.Name}}-error">{{$err}}</p>{{end}}
  <input id="f-{{.Name}}" name="{{.Name}}" type="{{or .Type "text"}}" value="{{.Value}}"{{if .Mode}} inputmode="{{.Mode}}"{{end}}{{if $err}} aria-invalid="true" aria-describedby="f-{{.Name}}-error"{{end}}>
</td>{{end}}`
)

// TestAnswerFragmentsWrittenAsTheTemplateWould writes the peers' answers
// and the goals' and measures' rows of answer pages, with peers and
// without, with a view side by side and without, rows with and without
// ids, origins, several goals, a member responsible, errors and none, and
// rows left empty, of hostile, Nordic and javascript: text, and finds them
// byte for byte as the template wrote them, in every language.
func TestAnswerFragmentsWrittenAsTheTemplateWould(t *testing.T) {
	cat := loadCatalog(t)
	form := sharedTemplate(t, "partials/form.html")
	if !strings.Contains(string(form), answerCellAsTemplate) {
		t.Fatal("the cell partial of form.html is no longer the one this test writes the template with")
	}
	hostile := ` <script>alert("x")</script> & 'q' + «§» æøå`
	day := time.Date(2026, 11, 2, 23, 30, 0, 0, time.UTC)
	peers := []workbook.PeerAnswer{
		{Peer: &org.Organisation{Name: "Bergdal kommune", Slug: "scale-no-0113"}, WorkbookID: 1, StatementID: 7, UpdatedAt: day},
		{Peer: &org.Organisation{Name: "Malmö «stad»" + hostile, Slug: `ø "x"/?y=<1>`}, WorkbookID: 22, StatementID: 7, UpdatedAt: day.AddDate(-1, 3, 0)},
		{Peer: &org.Organisation{Name: "javascript:alert(1)", Slug: "javascript:alert(1)"}, WorkbookID: 3, StatementID: 7},
	}
	goals := []goalRow{
		{ID: "oh7i27wos3hrny2a", Statement: "Flere i arbeid (70 %)" + hostile, Indicator: "pop.own", Baseline: "29,5", Target: "85", Unit: "%", TargetDate: "31.12.2027", Status: measure.StatusOngoing},
		{ID: `g ø/?"x"<i>`, Statement: "javascript:alert(1)", Unit: "kr «x»" + hostile, Status: `weird" x`, From: "7:9", FromName: "Aabenraa & «Sønderborg»" + hostile},
		{Statement: "Uten id", Status: measure.StatusDone, From: "8:1", FromName: "Malmö"},
		{Status: measure.StatusNotStarted},
	}
	measures := []measureRow{
		{ID: "m1", Progress: "40", Goals: "oh7i27wos3hrny2a", Description: "Språkpraksis" + hostile, Responsible: "NAV <leder>", ResponsibleUser: "12", Deadline: "Høst 2026" + hostile,
			Status: measure.StatusDone, Notes: "n" + hostile, From: "7:9", FromName: "Malmö <stad>"},
		{ID: `m<2> "x"`, Progress: "0", Goals: `oh7i27wos3hrny2a,g ø/?"x"<i>`, ManyGoals: true, Description: "javascript:alert(1)", ResponsibleUser: "13", Status: "bogus<x>"},
		{ID: "m3", Goals: `g ø/?"x"<i>`, Description: "Tre", ResponsibleUser: "99", Status: measure.StatusCancelled},
		{Description: "Uten id" + hostile, Goals: "gone", Status: measure.StatusOngoing, From: "1:2", FromName: "Ås"},
		{Status: measure.StatusNotStarted},
	}
	members := []*account.Member{
		{User: account.User{ID: 12, Name: "Åse Ødegård", Email: "ase@example.org"}},
		{User: account.User{ID: 13, Name: "", Email: "<b>x@example.org</b>"}},
		{User: account.User{ID: 14, Name: "Bjørn" + hostile, Email: "b@example.org"}},
	}
	errs := map[string]string{
		"goal.0.baseline": "Skriv et tall" + hostile, "goal.1.target_date": "Skriv en dato.", "goal.3.statement": "x",
		"measure.0.responsible_user": "Ikke medlem" + hostile, "measure.2.deadline": "Frist?", "measure.1.notes": "<b>", "measure.4.status": "s",
		"notes": "not a row", "": "the form",
	}
	statuses := append(append([]string(nil), measure.Statuses...), `weird" x`)
	type page struct {
		slug, gathering string
		peers           []workbook.PeerAnswer
		goals           []goalRow
		measures        []measureRow
		members         []*account.Member
		errs            map[string]string
	}
	pages := map[string]page{
		"full":    {"ås-kommune", "/o/ås-kommune/templates/1/statements/7/gathering", peers, goals, measures, members, nil},
		"errors":  {`ø "x"/?y=<1>`, "javascript:alert(1)", peers[1:], goals, measures, members[1:], errs},
		"one":     {"javascript:alert(1)", "", peers[:1], goals[3:], measures[4:], nil, map[string]string{}},
		"empty":   {"x", "", nil, goals[1:2], measures[1:3], members[:1], errs},
		"nothing": {"x", "/o/x/templates/1/statements/7/gathering?a='1'&b=<2>", nil, nil, nil, nil, nil},
	}
	tpl := template.Must(template.New("answer").Funcs(templateFuncs(cat, nil)).Parse(answerPeersAsTemplate + answerRowsAsTemplate + answerCellAsTemplate))
	for _, loc := range []string{"nb", "sv", "da", "en"} {
		for name, pg := range pages {
			p := &entryPage{formPage: formPage{Layout: Layout{Locale: loc}, Errors: pg.errs}, Org: &org.Organisation{Slug: pg.slug},
				Peers: pg.peers, GatheringURL: pg.gathering, Goals: pg.goals, Measures: pg.measures, Members: pg.members, Statuses: statuses}
			for _, part := range []struct {
				name string
				html func(*i18n.Catalog, string, *entryPage) template.HTML
			}{{"peers", answerPeersHTML}, {"rows", answerRowsHTML}} {
				var want strings.Builder
				if err := tpl.ExecuteTemplate(&want, part.name, p); err != nil {
					t.Fatal(err)
				}
				got := string(part.html(cat, loc, p))
				if got != want.String() {
					t.Errorf("%s, %s, %s: as written:\n%s\nas the template writes it:\n%s", loc, name, part.name, got, want.String())
				}
				// A javascript: link would start a link: as text, an
				// input's value or in a path it does no harm.
				for _, bad := range []string{"<script>", `href="javascript:`, "<b>", "<i>", `" x"`} {
					if strings.Contains(strings.ToLower(got), strings.ToLower(bad)) {
						t.Errorf("%s, %s, %s: holds %q unescaped", loc, name, part.name, bad)
					}
				}
			}
		}
	}
}
