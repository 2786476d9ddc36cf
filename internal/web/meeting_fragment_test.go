package web

import (
	"html/template"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
)

// The parts of the meeting's page (templates/council/meeting.html) as
// the template wrote them before their fragments, each in a template of
// its own with the variables it used; statusAsTemplate is the status
// pill of templates/partials/components.html they placed.
const (
	meetingAgendaAsTemplate = `{{define "agenda"}}{{$l := .Locale}}{{$v := .V}}{{$m := $v.Meeting}}{{$base := .Base}}{{with $v.Doc.Items}}{{range $i, $it := .}}<li id="item-{{$it.ID}}" value="{{$it.Number}}">
    <a href="{{$base}}/items/{{$it.ID}}">{{$it.Title}}</a>{{with $it.CaseNumber}} <span class="muted">· {{t $l "council_meeting.case_number"}} {{.}}</span>{{end}}{{if $it.Closed}} <span class="pill">{{t $l "council_meeting.closed"}}</span>{{end}}{{with $it.DecisionType}} {{template "status" (dict "Locale" $l "Status" . "Key" "council_meeting.decision.")}}{{end}}
    {{if and $.CanEdit (not $.Locked)}}<span class="actions-row">
      {{if $i}}<form method="post" action="{{$base}}/items/{{$it.ID}}/move" class="inline"><input type="hidden" name="rev" value="{{$m.Rev}}"><input type="hidden" name="dir" value="up"><button type="submit" class="link">{{t $l "council_meeting.move_up"}}<span class="visually-hidden">: {{$it.Title}}</span></button></form>{{end}}
      {{if lt (inc $i) (len $v.Doc.Items)}}<form method="post" action="{{$base}}/items/{{$it.ID}}/move" class="inline"><input type="hidden" name="rev" value="{{$m.Rev}}"><input type="hidden" name="dir" value="down"><button type="submit" class="link">{{t $l "council_meeting.move_down"}}<span class="visually-hidden">: {{$it.Title}}</span></button></form>{{end}}
    </span>{{end}}
  </li>{{end}}{{end}}{{end}}`
	meetingEarlierAsTemplate = `{{define "earlier"}}{{$l := .Locale}}{{$slug := .Org.Slug}}{{with .V.Earlier}}{{range .}}<tr>
      <td data-label="{{t $l "council_meeting.earlier.meeting"}}"><a href="/o/{{$slug}}/{{.Meeting.Path}}">{{date $l .Meeting.StartsAt}}</a></td>
      <td data-label="{{t $l "council_meeting.earlier.item"}}"><a href="/o/{{$slug}}/{{.Item.Path}}">{{.Item.Number}}. {{.Item.Title}}</a></td>
      <td data-label="{{t $l "council_meeting.followup"}}"><a href="/o/{{$slug}}/measures/{{.Measure.ID}}">{{.Measure.Description}}</a></td>
      <td data-label="{{t $l "council_meeting.followup.responsible"}}">{{or .Measure.Responsible "–"}}</td>
      <td data-label="{{t $l "council_meeting.followup.deadline"}}">{{if .Measure.DeadlineText}}{{.Measure.DeadlineText}}{{else if .Measure.Due}}{{date $l .Measure.Due}}{{else}}–{{end}}{{if index $.Overdue .Measure.ID}} <span class="status overdue">{{t $l "council_meeting.earlier.overdue"}}</span>{{end}}</td>
      <td data-label="{{t $l "council_meeting.status"}}">{{template "status" (dict "Locale" $l "Status" .Measure.Status)}}</td>
    </tr>{{end}}{{end}}{{end}}`
	meetingAttendanceAsTemplate = `{{define "attendance"}}{{$l := .Locale}}{{$v := .V}}{{range .Rows}}{{$id := .Member.ID}}{{$row := .}}<tr>
        <th scope="row" data-label="{{t $l "council_meeting.member"}}">{{.Member.Name}} <span class="muted">{{t $l (print "council_meeting.role." .Member.Role)}}</span><input type="hidden" name="member" value="{{$id}}"></th>
        <td data-label="{{t $l "council_meeting.attendance.status"}}"><label class="visually-hidden" for="att-{{$id}}">{{t $l "council_meeting.attendance.status"}}: {{.Member.Name}}</label>
          <select id="att-{{$id}}" name="status_{{$id}}"><option value="">{{t $l "council_meeting.attendance.none"}}</option>{{range $.Statuses}}<option value="{{.}}"{{if eq . $row.Status}} selected{{end}}>{{t $l (print "council_meeting.attendance." .)}}</option>{{end}}</select></td>
        <td data-label="{{t $l "council_meeting.attendance.substitute"}}">{{if $v.Roll.Substitutes}}<label class="visually-hidden" for="sub-{{$id}}">{{t $l "council_meeting.attendance.substitute_for" "name" .Member.Name}}</label>
          <select id="sub-{{$id}}" name="sub_{{$id}}"><option value="">–</option>{{range $v.Roll.Substitutes}}<option value="{{.ID}}"{{if eq (print .ID) $row.Sub}} selected{{end}}>{{.Name}}</option>{{end}}</select>{{else}}–{{end}}</td>
      </tr>{{end}}{{end}}`
	statusAsTemplate = `{{define "status"}}<span class="pill pill-{{.Status}}">{{t .Locale (print (or .Key "measure.status.") .Status)}}</span>{{end}}`
)

// TestMeetingFragmentsWrittenAsTheTemplateWould writes the agenda, the
// earlier decisions' actions and the attendance form of meeting pages
// that may and may not be edited, locked and not, with and without
// substitutes, items first, last and alone, deadlines in words, as days
// and missing, overdue or not, hostile, Nordic and javascript: text, and
// finds them byte for byte as the template wrote them, in every language.
func TestMeetingFragmentsWrittenAsTheTemplateWould(t *testing.T) {
	cat := loadCatalog(t)
	components := sharedTemplate(t, "partials/components.html")
	if !strings.Contains(string(components), statusAsTemplate) {
		t.Fatal("the status pill of components.html is no longer the one this test writes the template with")
	}
	hostile := `Språk «Ås» <script>alert("x")</script> & 'q' + §`
	day := time.Date(2026, 12, 9, 15, 30, 0, 0, time.UTC)
	due := time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)
	items := []council.DocItem{
		{Item: council.Item{ID: 11, Title: hostile, CaseNumber: "26/1234 «æøå»", DecisionType: council.DecisionApproved}, Number: 1},
		{Item: council.Item{ID: 12, Title: "Høring: Boligsosial plan", Closed: true, DecisionType: `x" onclick="y`}, Number: 2},
		{Item: council.Item{ID: 13, Title: "Eventuelt", Closed: true, CaseNumber: `<b>'7'</b>`}, Number: 5},
		{Item: council.Item{ID: 14, Title: "Budsjett 2027 – innspill", DecisionType: council.DecisionHearing}, Number: 4},
	}
	earlier := []council.EarlierAction{
		{Meeting: &council.Meeting{ID: 3, CouncilID: 1, StartsAt: day}, Item: &council.Item{ID: 31, CouncilID: 1, MeetingID: 3, Position: 2, Title: hostile},
			Measure: &measure.MeasureRow{ID: "m-1 'a'<b>", Description: "Kartlegging av «språk»", Responsible: "NAV <Ås>", DeadlineText: "Høst 2026 «sen»", Status: measure.StatusOngoing}},
		{Meeting: &council.Meeting{ID: 4, CouncilID: 1, StartsAt: day}, Item: &council.Item{ID: 41, CouncilID: 1, MeetingID: 4, Title: "Sak"},
			Measure: &measure.MeasureRow{ID: "m-2", Description: "javascript:alert(1)", Due: &due, Status: measure.StatusDone}},
		{Meeting: &council.Meeting{ID: 5, CouncilID: 2, StartsAt: day}, Item: &council.Item{ID: 51, CouncilID: 2, MeetingID: 5, Position: 9, Title: "Tredje"},
			Measure: &measure.MeasureRow{ID: "m-3", Description: "Uten frist", Status: `planned" x`}},
	}
	members := []*council.Member{
		{ID: 1, Name: hostile, Role: council.RoleChair},
		{ID: 2, Name: "Åse Ødegård", Role: council.RoleMember},
		{ID: 3, Name: `Bjørn "B" O'Neil`, Role: `x" y`},
	}
	rows := []attendanceRow{
		{Member: members[0], Status: council.Present, Sub: "8"},
		{Member: members[1], Status: council.AbsentNotice},
		{Member: members[2], Status: `x" y`, Sub: "9"},
	}
	subs := []*council.Member{{ID: 8, Name: "Vara «én» <i>"}, {ID: 9, Name: "Märta Sjöberg & co"}}
	statuses := append(append([]string(nil), council.AttendanceStatuses...), `x" y`)
	page := func(base, slug string, edit, locked bool, items []council.DocItem, earlier []council.EarlierAction, rows []attendanceRow, subs []*council.Member) *meetingPage {
		return &meetingPage{Org: &org.Organisation{Slug: slug}, Base: base, CanEdit: edit, Locked: locked, Rows: rows, Statuses: statuses,
			Overdue: map[string]bool{"m-1 'a'<b>": true, "m-3": true},
			V: &council.MeetingView{Meeting: &council.Meeting{ID: 2, CouncilID: 1, Rev: 17}, Doc: &council.Doc{Items: items}, Earlier: earlier,
				Roll: council.Roll{Substitutes: subs}}}
	}
	pages := map[string]*meetingPage{
		"editable":   page("/o/ås/councils/1/meetings/2?x='1'&y=<2>", "ås", true, false, items, earlier, rows, subs),
		"locked":     page("javascript:alert(1)", `javascript:alert("x")`, true, true, items[:3], earlier[1:], rows[1:], nil),
		"read":       page("JavaScript:x", "o%41b%zz", false, false, items[2:3], earlier[:1], rows[:1], subs[:1]),
		"one, empty": page("/o/x/councils/1/meetings/2", "x", true, false, items[3:], nil, nil, nil),
	}
	for _, loc := range []string{"nb", "sv", "da", "en"} {
		tpl := template.Must(template.New("meeting").Funcs(templateFuncs(cat, nil)).Parse(meetingAgendaAsTemplate + meetingEarlierAsTemplate + meetingAttendanceAsTemplate + statusAsTemplate))
		for name, p := range pages {
			p.Locale = loc
			for _, part := range []struct {
				name string
				html func(*i18n.Catalog, string, *meetingPage) template.HTML
			}{{"agenda", meetingAgendaHTML}, {"earlier", meetingEarlierHTML}, {"attendance", meetingAttendanceHTML}} {
				var want strings.Builder
				if err := tpl.ExecuteTemplate(&want, part.name, p); err != nil {
					t.Fatal(err)
				}
				got := string(part.html(cat, loc, p))
				if got != want.String() {
					t.Errorf("%s, %s, %s: as written:\n%s\nas the template writes it:\n%s", loc, name, part.name, got, want.String())
				}
				// A javascript: link would start an attribute: as text or
				// in a path it does no harm.
				for _, bad := range []string{"<script>", `" onclick="`, `="javascript:`, "<b>", "<i>"} {
					if strings.Contains(strings.ToLower(got), strings.ToLower(bad)) {
						t.Errorf("%s, %s, %s: holds %q unescaped", loc, name, part.name, bad)
					}
				}
			}
		}
	}
}
