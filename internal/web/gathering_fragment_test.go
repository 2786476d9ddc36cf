package web

import (
	"html/template"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/workbook"
)

// The parts of the gathering view (templates/workbook/gathering.html) as
// the template wrote them before their fragments, each in a template of
// its own with the variables it used; they place the status partial
// (statusAsTemplate, meeting_fragment_test.go).
const (
	gatheringPeersAsTemplate   = `{{define "peers"}}{{$l := .Locale}}{{range .View.Columns}}{{$name := .Municipality}}{{with $.PeerURL .}}<li><a href="{{.}}">{{t $l "workbook.peer.answer_of" "org" $name}}</a></li>{{end}}{{end}}{{end}}`
	gatheringColumnsAsTemplate = `{{define "columns"}}{{$l := .Locale}}{{range .View.Sections}}{{$key := .Key}}
<section class="card" aria-labelledby="sec-{{.Key}}">
  <h2 id="sec-{{.Key}}">{{.Title}}</h2>
  <div class="table-wrap" tabindex="0" role="region" aria-labelledby="sec-{{.Key}}"><table class="stack">
    <caption class="visually-hidden">{{.Title}}</caption>
    <thead><tr>{{range $.View.Columns}}<th scope="col">{{.Municipality}}{{if .GoodPractice}} – {{t $l "workbook.good_practice"}}{{end}}</th>{{end}}</tr></thead>
    <tbody><tr>{{range $.View.Columns}}<td class="md" data-label="{{.Municipality}}{{if .GoodPractice}} – {{t $l "workbook.good_practice"}}{{end}}">{{with index .AnswersHTML $key}}{{.}}{{else}}<span class="muted">{{t $l "workbook.no_answer"}}</span>{{end}}</td>{{end}}</tr></tbody>
  </table></div>
</section>{{end}}
{{$goals := false}}{{$measures := false}}{{range .View.Columns}}{{if .Goals}}{{$goals = true}}{{end}}{{if .Measures}}{{$measures = true}}{{end}}{{end}}
{{if $goals}}<section class="card" aria-labelledby="gv-goals-h">
  <h2 id="gv-goals-h">{{t $l "workbook.goals"}}</h2>
  <div class="table-wrap" tabindex="0" role="region" aria-labelledby="gv-goals-h"><table class="stack">
    <caption class="visually-hidden">{{t $l "workbook.goals"}}</caption>
    <thead><tr>{{range $.View.Columns}}<th scope="col">{{.Municipality}}</th>{{end}}</tr></thead>
    <tbody><tr>{{range $.View.Columns}}<td data-label="{{.Municipality}}">{{with .Goals}}<ul class="plain">{{range .}}<li>{{.Statement}}{{with .Target}} – {{t $l "workbook.goal.target"}} {{num $l .}}{{end}}{{if and .Target .Unit}} {{.Unit}}{{end}}{{with .TargetDate}} ({{date $l .}}){{end}} {{template "status" (dict "Locale" $l "Status" .Status)}}</li>{{end}}</ul>{{else}}<span class="muted">–</span>{{end}}</td>{{end}}</tr></tbody>
  </table></div>
</section>{{end}}
{{if $measures}}<section class="card" aria-labelledby="gv-measures-h">
  <h2 id="gv-measures-h">{{t $l "workbook.measures"}}</h2>
  <div class="table-wrap" tabindex="0" role="region" aria-labelledby="gv-measures-h"><table class="stack">
    <caption class="visually-hidden">{{t $l "workbook.measures"}}</caption>
    <thead><tr>{{range $.View.Columns}}<th scope="col">{{.Municipality}}</th>{{end}}</tr></thead>
    <tbody><tr>{{range $.View.Columns}}<td data-label="{{.Municipality}}">{{with .Measures}}<ul class="plain">{{range .}}<li>{{.Description}}{{with .Responsible}} · {{.}}{{end}}{{if .DeadlineText}} · {{.DeadlineText}}{{else if .Deadline}} · {{date $l .Deadline}}{{end}} {{template "status" (dict "Locale" $l "Status" .Status)}}</li>{{end}}</ul>{{else}}<span class="muted">–</span>{{end}}</td>{{end}}</tr></tbody>
  </table></div>
</section>{{end}}
<section class="card" aria-labelledby="gcl-h">
  <h2 id="gcl-h">{{t $l "workbook.comments"}}</h2>
  {{$any := false}}{{range .View.Columns}}{{if .Comments}}{{$any = true}}
  <h3>{{.Municipality}}</h3>
  <ol class="comments">{{range .Comments}}<li><p class="muted"><span class="comment-author">{{.AuthorName}}</span> · <strong class="comment-org">{{if .AuthorOrgName}}{{t $l "workbook.comment_from" "org" .AuthorOrgName}}{{else}}{{t $l "workbook.comment_from_unknown"}}{{end}}</strong> · {{datetime $l .CreatedAt "Europe/Oslo"}}</p><p class="pre">{{.Body}}</p></li>{{end}}</ol>{{end}}{{end}}
  {{if not $any}}<p class="empty">{{t $l "workbook.no_comments"}}</p>{{end}}
</section>{{end}}`
)

// gatheringViewForTest answers a gathering view of hostile and Nordic
// text: members with and without an answer to each section, marked as
// good practice or not, with goals and measures of every shape, comments
// with and without their author's organisation, and none.
func gatheringViewForTest() *workbook.GatheringView {
	f := func(v float64) *float64 { return &v }
	day := time.Date(2026, 6, 20, 0, 0, 0, 0, time.UTC)
	at := time.Date(2026, 11, 3, 22, 30, 0, 0, time.UTC)
	hostile := ` <script>alert("x")</script> & 'q' + «§» æøå`
	return &workbook.GatheringView{
		Network: "Nettverk", Chapter: "Kapittel",
		Statement: &workbook.Statement{ID: 7, Title: "Problemstilling A"},
		Sections: []*workbook.Section{
			{Key: "situation", Title: "Situasjon" + hostile},
			{Key: `own "key"<b>`, Title: "Egen «seksjon»"},
		},
		Columns: []workbook.GatheringColumn{
			{Municipality: "Ås kommune" + hostile, OrgID: 1, EntryID: 11, OrgSlug: "ås", WorkbookID: 3, GoodPractice: true,
				AnswersHTML: map[string]template.HTML{"situation": "<p>Svar <em>«én»</em> &amp; to</p>"},
				Goals: []workbook.Goal{
					{Statement: "Flere i arbeid" + hostile, Target: f(75.5), Unit: "% <b>", TargetDate: &day, Status: "ongoing"},
					{Statement: "Uten mål", Unit: "kr", Status: `x"<y>`},
					{Statement: "Null", Target: f(0), Status: "done"},
				},
				Measures: []workbook.Measure{
					{Description: "Språkpraksis" + hostile, Responsible: "NAV <leder>", DeadlineText: "Høst 2026 «x»", Deadline: &day, Status: "ongoing"},
					{Description: "Kartlegging", Deadline: &day, Status: "not_started"},
					{Description: "", Status: "done"},
				},
				Comments: []*workbook.Comment{
					{AuthorName: "Kari <Nordmann>", AuthorOrgName: "Nettverk & «co»", Body: "Bra!\n<script>x</script> 'æ'", CreatedAt: at},
					{AuthorName: "Ola", Body: "", CreatedAt: day},
				}},
			{Municipality: "Malmö stad", OrgID: 2, EntryID: 12, OrgSlug: `m "x"/æ?`, WorkbookID: 4,
				AnswersHTML: map[string]template.HTML{"situation": "", `own "key"<b>`: "<p>Eget</p>"}},
			{Municipality: "Aabenraa 'kommune'", OrgID: 5, OrgSlug: "aabenraa"},
			{Municipality: "javascript:alert(1)", OrgID: 6, EntryID: 16, OrgSlug: "javascript:alert(1)", WorkbookID: 9, GoodPractice: true,
				Goals:    []workbook.Goal{{Statement: "Ett", Status: "ongoing"}},
				Comments: []*workbook.Comment{{AuthorName: "Per", AuthorOrgName: "Aabenraa", Body: "ok", CreatedAt: at}}},
		},
	}
}

// TestGatheringFragmentsWrittenAsTheTemplateWould writes gathering views
// of hostile and Nordic text, with and without goals, measures and
// comments, for a member and for the network, in every language, and
// finds them byte for byte as the template wrote them.
func TestGatheringFragmentsWrittenAsTheTemplateWould(t *testing.T) {
	cat := loadCatalog(t)
	components := sharedTemplate(t, "partials/components.html")
	if !strings.Contains(string(components), statusAsTemplate) {
		t.Fatal("the status partial is no longer as this test places it")
	}
	tpl := template.Must(template.New("gathering").Funcs(templateFuncs(cat, nil)).Parse(gatheringPeersAsTemplate + gatheringColumnsAsTemplate + statusAsTemplate))

	bare := gatheringViewForTest() // no goals, measures nor comments
	for i := range bare.Columns {
		c := &bare.Columns[i]
		c.Goals, c.Measures, c.Comments = nil, nil, nil
	}
	measuresOnly := gatheringViewForTest()
	for i := range measuresOnly.Columns {
		measuresOnly.Columns[i].Goals = nil
	}
	empty := gatheringViewForTest()
	empty.Sections, empty.Columns = nil, nil
	views := []*workbook.GatheringView{gatheringViewForTest(), bare, measuresOnly, empty}
	orgs := []*org.Organisation{
		{ID: 1, Kind: org.KindMunicipality, Slug: "ås kommune"},
		{ID: 99, Kind: org.KindMunicipality, Slug: `s"<x>`},
		{ID: 100, Kind: org.KindNetwork, Slug: "nettverk"},
	}
	for _, loc := range []string{"nb", "sv", "da", "en"} {
		for vi, v := range views {
			for _, o := range orgs {
				p := &gatheringPage{Layout: Layout{Locale: loc}, Org: o, View: v}
				var want strings.Builder
				if err := tpl.ExecuteTemplate(&want, "peers", p); err != nil {
					t.Fatal(err)
				}
				if got := string(gatheringPeersHTML(cat, loc, p)); got != want.String() {
					t.Errorf("%s, view %d, %s: the peers as written:\n%s\nas the template writes them:\n%s", loc, vi, o.Slug, got, want.String())
				}
			}
			var want strings.Builder
			if err := tpl.ExecuteTemplate(&want, "columns", struct {
				Locale string
				View   *workbook.GatheringView
			}{loc, v}); err != nil {
				t.Fatal(err)
			}
			got := string(gatheringColumnsHTML(cat, loc, v))
			if got != want.String() {
				t.Errorf("%s, view %d: the columns as written:\n%s\nas the template writes them:\n%s", loc, vi, got, want.String())
			}
			if vi == 0 {
				for _, bad := range []string{"<script>", "<b>", "<leder>", `"x"`} {
					if strings.Contains(got, bad) {
						t.Errorf("%s: the columns hold %q unescaped", loc, bad)
					}
				}
				for _, good := range []string{"<em>«én»</em>", "gv-goals-h", "gv-measures-h", "comment-org", "Malmö"} {
					if !strings.Contains(got, good) {
						t.Errorf("%s: the columns lack %q", loc, good)
					}
				}
			}
		}
	}
}
