package web

import (
	"html/template"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/workbook"
)

// workbookChaptersAsTemplate is the workbook page's chapters as
// templates/workbook/show.html wrote them before workbookChaptersHTML; it
// places the status and progress partials of
// templates/partials/components.html.
const workbookChaptersAsTemplate = `{{define "chapters"}}{{$l := .Locale}}{{range .Ref.Template.Chapters}}
<section class="card" aria-labelledby="ch-{{.ID}}">
  <h2 id="ch-{{.ID}}">{{.Title}}</h2>
  {{$chID := .ID}}{{with index $.Due .ID}}<p>{{t $l "workbook.due_at" "title" .Title "date" (date $l .StartsOn)}}</p>{{end}}
  {{$st := or (index $.Status .ID) "not_started"}}
  {{if $.CanStatus}}<form method="post" action="/o/{{$.Org.Slug}}/workbooks/{{$.Ref.Workbook.ID}}/chapters/{{.ID}}/status" class="inline">
    <label for="st-{{.ID}}">{{t $l "workbook.chapter_status"}}</label>
    <select id="st-{{.ID}}" name="status">{{range $.Statuses}}<option value="{{.}}"{{if eq . $st}} selected{{end}}>{{t $l (print "workbook.chapter_status." .)}}</option>{{end}}</select>
    <button type="submit" class="secondary">{{t $l "form.save"}}</button>
  </form>{{else}}<p>{{t $l "workbook.chapter_status"}}: {{template "status" (dict "Locale" $l "Status" $st "Key" "workbook.chapter_status.")}}</p>{{end}}
  {{$done := 0}}{{range .Statements}}{{if index $.Answered .ID}}{{$done = inc $done}}{{end}}{{end}}
  {{template "progress" (dict "Locale" $l "Value" $done "Max" (len .Statements) "Label" (t $l "workbook.answered_progress"))}}
  <div class="table-wrap"><table class="stack">
    <caption class="visually-hidden">{{.Title}}</caption>
    <thead><tr><th scope="col">{{t $l "workbook.statement"}}</th><th scope="col">{{t $l "workbook.status"}}</th><th scope="col">{{t $l "workbook.visibility"}}</th></tr></thead>
    <tbody>{{range .Statements}}{{$e := index $.Answered .ID}}<tr>
      <td data-label="{{t $l "workbook.statement"}}"><a href="/o/{{$.Org.Slug}}/workbooks/{{$.Ref.Workbook.ID}}/statements/{{.ID}}">{{.Title}}</a></td>
      <td data-label="{{t $l "workbook.status"}}">{{if $e}}{{t $l "workbook.answered" "date" (date $l $e.UpdatedAt)}}{{else}}{{t $l "workbook.not_started"}}{{end}}</td>
      <td data-label="{{t $l "workbook.visibility"}}">{{if $e}}{{t $l (print "workbook.visibility." $e.Visibility)}}{{end}}</td>
    </tr>{{end}}</tbody>
  </table></div>
</section>{{end}}{{end}}`

// TestWorkbookChaptersWrittenAsTheTemplateWould writes the chapters of
// workbooks of hostile and Nordic text, with and without the right to set
// a chapter's status, chapters due and not, of statuses known, unknown and
// unset, statements answered (every visibility) and not, an empty chapter
// and no chapters, and finds them byte for byte as the template wrote
// them, in every language.
func TestWorkbookChaptersWrittenAsTheTemplateWould(t *testing.T) {
	cat := loadCatalog(t)
	components := sharedTemplate(t, "partials/components.html")
	hostile := ` <script>alert("x")</script> & 'q' + «§» æøå`
	day := time.Date(2026, 12, 9, 15, 30, 0, 0, time.UTC)
	chapters := []*workbook.Chapter{
		{ID: 7, Title: "Kapittel 1: «Innvandrerreisen»" + hostile, Statements: []*workbook.Statement{
			{ID: 71, Title: "Problemstilling A" + hostile}, {ID: 72, Title: "javascript:alert(1)"}, {ID: 73, Title: "Språk «Ås»"}, {ID: 74, Title: `"B" O'Neil`},
		}},
		{ID: 8, Title: "Kapittel 2", Statements: []*workbook.Statement{{ID: 81, Title: "Bolig"}, {ID: 82, Title: "Arbeid & helse"}}},
		{ID: 9, Title: "Tomt <i>kapittel</i>"},
		{ID: 10, Title: "Kapittel 4 – Malmö", Statements: []*workbook.Statement{{ID: 101, Title: "Märta"}}},
	}
	answered := map[int64]*workbook.Entry{
		71:  {Visibility: workbook.VisibilityNetwork, UpdatedAt: day},
		73:  {Visibility: workbook.VisibilityPrivate, UpdatedAt: day.AddDate(0, 2, 3)},
		74:  {Visibility: workbook.VisibilityPublic, UpdatedAt: day},
		81:  {Visibility: `x" <y>`, UpdatedAt: day},
		82:  {Visibility: workbook.VisibilityNetwork, UpdatedAt: day.AddDate(-1, 0, 0)},
		101: nil,
	}
	status := map[int64]string{7: workbook.ChapterReady, 8: `in_progress" onclick="x`, 10: workbook.ChapterInProgress}
	due := map[int64]*workbook.Gathering{
		7:  {Title: "Samling «1»" + hostile, StartsOn: day},
		10: {Title: "Vår", StartsOn: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)},
		8:  nil,
	}
	statuses := append(append([]string(nil), workbook.ChapterStatuses...), `x" y<`)
	page := func(slug string, chapters []*workbook.Chapter, answered map[int64]*workbook.Entry, status map[int64]string, due map[int64]*workbook.Gathering) *workbookPage {
		return &workbookPage{Org: &org.Organisation{Slug: slug}, Answered: answered, Status: status, Due: due, Statuses: statuses,
			Ref: workbook.Ref{Workbook: &workbook.Workbook{ID: 42}, Template: &workbook.Template{Chapters: chapters}}}
	}
	pages := map[string]*workbookPage{
		"full":        page("ås-kommune", chapters, answered, status, due),
		"hostile url": page(`javascript:alert("x")`, chapters[:2], answered, nil, nil),
		"percent":     page("o%41b%zz?x='1'&y=<2>", chapters[1:], nil, status, due),
		"empty":       page("x", chapters[2:3], answered, status, due),
		"none":        page("x", nil, nil, nil, nil),
	}
	tpl := template.Must(template.New("workbook").Funcs(templateFuncs(cat, nil)).Parse(workbookChaptersAsTemplate + string(components)))
	for _, loc := range []string{"nb", "sv", "da", "en"} {
		for name, p := range pages {
			for _, canStatus := range []bool{false, true} {
				p.Locale, p.CanStatus = loc, canStatus
				var want strings.Builder
				if err := tpl.ExecuteTemplate(&want, "chapters", p); err != nil {
					t.Fatal(err)
				}
				got := string(workbookChaptersHTML(cat, loc, p))
				if got != want.String() {
					t.Errorf("%s, %s, status form %v: the chapters as written:\n%s\nas the template writes them:\n%s", loc, name, canStatus, got, want.String())
				}
				for _, bad := range []string{"<script>", "<i>", "<y>", `"x"`, `" onclick`} {
					if strings.Contains(got, bad) {
						t.Errorf("%s, %s: the chapters hold %q unescaped", loc, name, bad)
					}
				}
				if name == "full" && (!strings.Contains(got, "«Ås»") || canStatus != strings.Contains(got, "<select") || !strings.Contains(got, "/o/%c3%a5s-kommune/workbooks/42/statements/71")) {
					t.Errorf("%s, %s: %s", loc, name, got)
				}
			}
		}
	}
}
