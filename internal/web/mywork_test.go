package web

import (
	"html/template"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/due"
	"github.com/samvirke/samvirke/internal/i18n"
)

// dueGroupAsTemplate is a group of "My work" as the template partial
// wrote it before dueGroupHTML.
const dueGroupAsTemplate = `{{define "duegroup"}}{{if .Items}}{{$up := .Up}}
{{- /* What every row prints alike, translated once. */ -}}
{{$tDue := t .L "mywork.due"}}{{$tItem := t .L "mywork.item"}}{{$tFrom := t .L "mywork.from"}}{{$tState := t .L "mywork.state"}}{{$tUpdate := t .L "measure.update"}}
{{- $tStatus := t .L "measure.status"}}{{$tNote := t .L "measure.update.note"}}{{$tSave := t .L "measure.update.save"}}{{$tToday := t .L "mywork.due_today"}}
<h3 id="mywork-{{.ID}}">{{t .L .Key}} <span class="count">({{len .Items}})</span></h3>
<div class="table-wrap"><table class="stack" aria-labelledby="mywork-{{.ID}}">
  <thead><tr><th scope="col">{{$tDue}}</th><th scope="col">{{$tItem}}</th><th scope="col">{{$tFrom}}</th><th scope="col">{{$tState}}</th>{{if $up}}<th scope="col">{{$tUpdate}}</th>{{end}}</tr></thead>
  <tbody>{{range $i, $it := .Items}}<tr{{if lt .Days 0}} class="overdue"{{end}}>
    <td data-label="{{$tDue}}">{{if .DueText}}{{.DueText}} <span class="muted">({{date $.L .Due}})</span>{{else}}{{date $.L .Due}}{{end}}</td>
    <td data-label="{{$tItem}}">{{if .URL}}<a href="{{.URL}}">{{.Title}}</a>{{else}}{{.Title}}{{end}}{{if or .Context .Role}}<br><span class="muted">{{.Context}}{{if and .Context .Role}} · {{end}}{{with .Role}}{{t $.L "mywork.via_role" "role" .}}{{end}}</span>{{end}}</td>
    <td data-label="{{$tFrom}}">{{t $.L (print "due.source." .Source)}}</td>
    <td data-label="{{$tState}}" class="status{{if lt .Days 0}} overdue{{end}}">{{if lt .Days 0}}{{n $.L "mywork.overdue_by" (neg .Days)}}{{else if eq .Days 0}}{{$tToday}}{{else}}{{n $.L "mywork.due_in" .Days}}{{end}}</td>
    {{if $up}}<td data-label="{{$tUpdate}}">{{if .IsMeasure}}<form method="post" action="{{.URL}}/status" class="quick-update">
      <input type="hidden" name="back" value="{{$.Back}}">
      <label class="visually-hidden" for="q-{{$.ID}}-{{$i}}-status">{{$tStatus}}: {{.Title}}</label>
      <select id="q-{{$.ID}}-{{$i}}-status" name="status">{{range $.Statuses}}<option value="{{.Value}}"{{if eq .Value $it.Status}} selected{{end}}>{{.Label}}</option>{{end}}</select>
      <label class="visually-hidden" for="q-{{$.ID}}-{{$i}}-note">{{$tNote}}: {{.Title}}</label>
      <input id="q-{{$.ID}}-{{$i}}-note" name="note" maxlength="2000" placeholder="{{$tNote}}">
      <button type="submit" class="secondary">{{$tSave}}<span class="visually-hidden">: {{.Title}}</span></button>
    </form>{{end}}</td>{{end}}
  </tr>{{end}}</tbody>
</table></div>{{end}}{{end}}`

// TestDueGroupWrittenAsTheTemplateWould writes groups of "My work" with
// and without the status update, overdue, due today and later items,
// deadlines written in words, roles, items without a link and hostile,
// Nordic and javascript: text, and finds them byte for byte as the
// template wrote them, in every language.
func TestDueGroupWrittenAsTheTemplateWould(t *testing.T) {
	cat := loadCatalog(t)
	day := time.Date(2026, 12, 9, 0, 0, 0, 0, time.UTC)
	items := []due.Entry{
		{Item: due.Item{Due: day, Title: `Språkpraksis «Ås» <script>alert("x")</script> & 'q'`, URL: "/o/ås/measures/abc?x=1&y=2 'z'", Source: "plan.measure",
			Status: "ongoing", Context: "Bosetting § 3", Role: "Flyktningtjenesten <NAV>"}, Days: -3},
		{Item: due.Item{Due: day, DueText: "Høst 2026 «sen»", Title: "Kartlegging", URL: "javascript:alert(1)", Source: "workbook.measure", Status: "done"}, Days: 0},
		{Item: due.Item{Due: day, Title: "Protokoll signeres", URL: "/o/x/councils/1/meetings/2", Source: "council.sign"}, Days: 5},
		{Item: due.Item{Due: day, Title: "Uten lenke", Source: "survey.followup", Status: `planned" onclick="x`, Role: "Rådgiver"}, Days: 1},
		{Item: due.Item{Due: day, Title: "Kapittel", URL: "JavaScript:x", Source: "workbook.chapter", Context: "Mål 1"}, Days: -1},
	}
	statuses := []statusChoice{{"planned", "Planlagt"}, {"ongoing", "Pågår «nå»"}, {"done", `Ferdig <b>`}, {`x" y`, "Annet & mer"}}
	for _, loc := range []string{"nb", "sv", "da", "en"} {
		tpl := template.Must(template.New("due").Funcs(template.FuncMap{
			"t":    func(loc, key string, args ...any) string { return cat.T(loc, key, args...) },
			"n":    func(loc, key string, count int, args ...any) string { return cat.N(loc, key, count, args...) },
			"date": func(loc string, t time.Time) string { return i18n.FormatDate(loc, t) },
			"neg":  func(n int) int { return -n },
		}).Parse(dueGroupAsTemplate))
		for _, g := range []dueGroup{
			{Key: "mywork.overdue", ID: "overdue", Items: items, Up: true, Statuses: statuses, Back: "/o/ås/dashboard?a=1&b='2'"},
			{Key: "mywork.later", ID: `later" x`, Items: items[1:3]},
			{Key: "mywork.soon", ID: "soon"},
		} {
			var want strings.Builder
			if err := tpl.ExecuteTemplate(&want, "duegroup", map[string]any{"L": loc, "Key": g.Key, "ID": g.ID, "Items": g.Items, "Up": g.Up,
				"Statuses": g.Statuses, "Back": g.Back}); err != nil {
				t.Fatal(err)
			}
			got := string(dueGroupHTML(cat, loc, g))
			if got != want.String() {
				t.Errorf("%s %s: the group as written:\n%s\nas the template writes it:\n%s", loc, g.ID, got, want.String())
			}
			for _, bad := range []string{"<script>", `" onclick="`, "javascript:", "JavaScript:"} {
				if strings.Contains(got, bad) {
					t.Errorf("%s: the group holds %q unescaped", loc, bad)
				}
			}
		}
	}
}
