package council_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
)

var meetingLocation = regexp.MustCompile(`^/o/[a-z0-9-]+/councils/(\d+)/meetings/(\d+)$`)

// TestCouncilPages: a Danish secretary creates a council through the
// forms (a refused form keeps what was typed), adds a member linked to a
// user and one recorded by name, changes a member's role from a day (the
// former membership shows under former members), plans meetings in the
// municipality's zone until the statute's warning goes; a viewer reads
// every page without their forms and is refused the posts; the decision
// register filters by decision type and text.
func TestCouncilPages(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	muni := r.Org(org.KindMunicipality, func(o *org.Organisation) {
		o.Country, o.MunicipalityNumber, o.Locale, o.TimeZone = "DK", "787", "da", "Europe/Copenhagen"
	})
	secretary := r.User(muni, "secretary")
	linked := r.User(muni, "member")
	viewer := r.User(muni, "viewer")
	sc := r.Client(secretary)
	sc.Post("/language", url.Values{"locale": {"da"}})
	base := "/o/" + muni.Slug + "/councils"
	ctx := context.Background()
	loc, _ := time.LoadLocation("Europe/Copenhagen")
	year := time.Now().In(loc).Year()
	y := func(n int) string { return fmt.Sprint(year + n) }

	// The new council form offers Denmark's sign-off: the members present.
	if code, body := sc.Get(base + "/new"); code != 200 || !strings.Contains(body, `value="members_present" checked`) {
		t.Fatalf("new council form: %d, members_present not chosen", code)
	}
	statutes := "Integrationsrådet består af 9 medlemmer, heraf 1 fra Byrådet. Rådet holder mindst 4 møder om året."
	code, body := sc.Post(base, url.Values{"kind": {"integration_council"}, "name": {""}, "term_from": {y(0)}, "term_to": {y(3)},
		"min_meetings": {"4"}, "statutes": {statutes}, "place": {"Rådhuset, mødelokale 1"}, "sign_off": {"members_present"}, "visibility": {"private"}})
	if code != 422 || !strings.Contains(body, statutes) || !strings.Contains(body, "Rådhuset, mødelokale 1") || !strings.Contains(body, `href="#f-name"`) {
		t.Fatalf("council without a name: %d", code)
	}
	resp, _ := sc.PostResponse(base, url.Values{"kind": {"integration_council"}, "name": {"Integrationsrådet i Thisted Kommune"},
		"term_from": {y(0)}, "term_to": {y(3)}, "min_meetings": {"4"}, "statutes": {statutes}, "place": {"Rådhuset, mødelokale 1"},
		"sign_off": {"members_present"}, "visibility": {"private"}})
	if resp.StatusCode != 303 {
		t.Fatalf("create council: %d", resp.StatusCode)
	}
	councilURL := resp.Header.Get("Location")
	list, err := r.Councils.List(ctx, muni, year)
	if err != nil || len(list) != 1 {
		t.Fatalf("councils: %d %v", len(list), err)
	}
	cl := list[0].Council
	if cl.SignOff != council.SignOffMembersPresent || cl.Statutes != statutes {
		t.Fatalf("stored council: %+v", cl)
	}
	if _, body := sc.Get(councilURL); !strings.Contains(body, "Integrationsrådet i Thisted Kommune") ||
		!strings.Contains(body, "0 af 4 møder planlagt for "+y(0)) || !strings.Contains(body, "De medlemmer, der var til stede på mødet, underskriver referatet") {
		t.Fatal("council page: no name, statute warning or sign-off in words")
	}
	if _, body := sc.Get(base); !strings.Contains(body, "0 af 4 møder planlagt for "+y(0)) {
		t.Error("council list: no statute warning")
	}

	// Members: one linked to a user, one by name, a substitute for the first.
	from := y(-1) + "-01-01"
	addMember := func(form url.Values) {
		t.Helper()
		if code, body := sc.Post(councilURL+"/members", form); code != 303 {
			t.Fatalf("add member %v: %d %s", form, code, body)
		}
	}
	addMember(url.Values{"name": {"Kirsten Jørgensen"}, "role": {"chair"}, "represents": {"politics"}, "represents_text": {"Byrådet"},
		"user_id": {fmt.Sprint(linked.ID)}, "from_date": {from}})
	addMember(url.Values{"name": {"Vahid Sadeghi"}, "role": {"member"}, "represents": {"residents"}, "represents_text": {"Nationalitet: Iran"},
		"from_date": {from}})
	ms, err := r.Councils.Members(ctx, muni, cl)
	if err != nil || len(ms) != 2 {
		t.Fatalf("members: %d %v", len(ms), err)
	}
	chair, vahid := ms[0], ms[1]
	if chair.UserID == nil || *chair.UserID != linked.ID || vahid.UserID != nil {
		t.Fatalf("linked users: %v %v", chair.UserID, vahid.UserID)
	}
	// A refused member form keeps what was typed: a substitute's role is
	// needed to stand in for someone.
	code, body = sc.Post(councilURL+"/members", url.Values{"name": {"Søren Ærø Ødegård"}, "role": {"member"},
		"substitute_for": {fmt.Sprint(chair.ID)}, "represents_text": {"Venstre"}, "from_date": {from}})
	if code != 422 || !strings.Contains(body, "Søren Ærø Ødegård") || !strings.Contains(body, `href="#f-substitute_for"`) {
		t.Fatalf("substitute as a member: %d", code)
	}
	// Days are typed as Danes write them; a day that does not exist is
	// refused at its field, as typed.
	code, body = sc.Post(councilURL+"/members", url.Values{"name": {"Søren Ærø Ødegård"}, "role": {"substitute"},
		"substitute_for": {fmt.Sprint(chair.ID)}, "from_date": {"31.02." + y(-1)}})
	if code != 422 || !strings.Contains(body, `value="31.02.`+y(-1)+`"`) || !strings.Contains(body, `href="#f-from_date"`) {
		t.Fatalf("a member from 31 February: %d %s", code, body)
	}
	addMember(url.Values{"name": {"Søren Ærø Ødegård"}, "role": {"substitute"}, "substitute_for": {fmt.Sprint(chair.ID)},
		"represents": {"politics"}, "represents_text": {"Venstre"}, "from_date": {"01.01." + y(-1)}})
	if ms, _ := r.Councils.Members(ctx, muni, cl); len(ms) != 3 || ms[2].FromDate == nil || ms[2].FromDate.Format(time.DateOnly) != from {
		t.Fatalf("the substitute's first day typed 01.01.%s: %+v", y(-1), ms)
	}
	// The member's form shows the days the Danish way, in text fields (a
	// browser's date picker follows the browser's language, not the page's).
	if _, body := sc.Get(councilURL + "/members/" + fmt.Sprint(chair.ID)); !strings.Contains(body, `value="01.01.`+y(-1)+`"`) ||
		strings.Contains(body, `type="date"`) || !strings.Contains(body, "dd.mm.åååå") {
		t.Error("member form: the first day is not 01.01.YYYY in a text field with its format")
	}
	_, body = sc.Get(councilURL)
	if strings.Contains(body, `type="date"`) || strings.Contains(body, `type="time"`) || !strings.Contains(body, "tt:mm, lokal tid") {
		t.Error("council page: the browser's date or time picker, or no format hint")
	}
	for _, want := range []string{"Formand", "Kirsten Jørgensen", ">bruger", "Vahid Sadeghi", "Nationalitet: Iran", "suppleant for Kirsten Jørgensen", "Søren Ærø Ødegård"} {
		if !strings.Contains(body, want) {
			t.Errorf("council page: no %q", want)
		}
	}

	// Vahid is elected vice chair from a day: his membership as a member
	// shows under former members, until the day before.
	day := time.Now().In(loc).AddDate(0, 0, -10)
	dayText := day.Format(time.DateOnly)
	if code, body := sc.Post(councilURL+"/members/"+fmt.Sprint(vahid.ID)+"/role", url.Values{"new_role": {"member"}, "role_from": {dayText}}); code != 422 ||
		!strings.Contains(body, "Medlemmet har allerede denne rolle.") {
		t.Fatalf("same role: %d", code)
	}
	if code, _ := sc.Post(councilURL+"/members/"+fmt.Sprint(vahid.ID)+"/role", url.Values{"new_role": {"vice_chair"}, "role_from": {dayText}}); code != 303 {
		t.Fatalf("change role: %d", code)
	}
	_, body = sc.Get(councilURL)
	current, former, ok := strings.Cut(body, "Tidligere medlemmer")
	if !ok {
		t.Fatal("council page: no former members")
	}
	prev := day.AddDate(0, 0, -1).Format("02.01.2006")
	if !strings.Contains(former, "Vahid Sadeghi") || !strings.Contains(former, prev) || !strings.Contains(current, "Næstformand") {
		t.Errorf("former members: no Vahid Sadeghi as member until %s, or no vice chair now", prev)
	}
	if i := strings.Index(current, "Næstformand"); i < 0 || !strings.Contains(current[i:], "Vahid Sadeghi") {
		t.Error("Vahid Sadeghi is not vice chair now")
	}

	// Meetings: a refused form keeps what was typed; planned meetings count
	// against the statute until the warning goes.
	code, body = sc.Post(councilURL+"/meetings", url.Values{"date": {""}, "time": {"16:30"}, "place": {"Jobcentret, Kirkevej 4"}})
	if code != 422 || !strings.Contains(body, "Jobcentret, Kirkevej 4") || !strings.Contains(body, `href="#f-date"`) {
		t.Fatalf("meeting without a date: %d", code)
	}
	for field, form := range map[string]url.Values{
		"date":     {"date": {"30.02." + y(0)}, "time": {"16:30"}, "place": {"Jobcentret, Kirkevej 4"}},
		"time":     {"date": {"05.03." + y(0)}, "time": {"4.30 pm"}, "place": {"Jobcentret, Kirkevej 4"}},
		"end_time": {"date": {"05.03." + y(0)}, "time": {"16:30"}, "end_time": {"25:00"}, "place": {"Jobcentret, Kirkevej 4"}},
	} {
		code, body := sc.Post(councilURL+"/meetings", form)
		if code != 422 || !strings.Contains(body, `href="#f-`+field+`"`) || !strings.Contains(body, `value="`+form.Get(field)+`"`) ||
			!strings.Contains(body, "Jobcentret, Kirkevej 4") {
			t.Errorf("meeting with a wrong %s: %d, not refused at the field as typed", field, code)
		}
	}
	var meetingIDs []int64
	for i, date := range []string{"-03-05", "-06-27", "-10-04", "28.11."} {
		if i == 3 {
			if _, body := sc.Get(councilURL); !strings.Contains(body, "3 af 4 møder planlagt for "+y(0)) {
				t.Fatal("council page: no warning with 3 of 4 meetings")
			}
		}
		form := url.Values{"date": {y(0) + date}, "time": {"16:30"}, "end_time": {"18:00"}}
		if i == 3 { // as Danes write it
			form = url.Values{"date": {date + y(0)}, "time": {"16.30"}, "end_time": {"18.00"}}
		}
		resp, body := sc.PostResponse(councilURL+"/meetings", form)
		m := meetingLocation.FindStringSubmatch(resp.Header.Get("Location"))
		if resp.StatusCode != 303 || m == nil {
			t.Fatalf("plan meeting: %d %s %s", resp.StatusCode, resp.Header.Get("Location"), body)
		}
		var id int64
		fmt.Sscan(m[2], &id)
		meetingIDs = append(meetingIDs, id)
	}
	mt, err := r.Councils.GetMeeting(ctx, muni, cl.ID, meetingIDs[3])
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(year, 11, 28, 16, 30, 0, 0, loc); !mt.StartsAt.Equal(want) || mt.Place != "Rådhuset, mødelokale 1" {
		t.Errorf("meeting starts %v at %q, want %v at the usual place", mt.StartsAt, mt.Place, want)
	}
	_, body = sc.Get(councilURL)
	if strings.Contains(body, "møder planlagt for") {
		t.Error("the statute warning stays with 4 of 4 meetings planned")
	}
	if !strings.Contains(body, "28.11."+y(0)+" kl. 16:30–18:00") || !strings.Contains(body, "04.10."+y(0)+" kl. 16:30") {
		t.Error("council page: meetings not at 16:30 local time")
	}

	// The decision register filters by decision type and text.
	it1, err := r.Councils.AddItem(ctx, muni, cl.ID, meetingIDs[1], 0, council.ItemInput{Title: "Revidering af Retningslinjer for § 18-midler",
		CaseNumber: "27.15.12-Ø40-6-16", Decision: "Integrationsrådet tilslutter sig oplægget om § 18-midler.", DecisionType: council.DecisionApproved})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Councils.AddItem(ctx, muni, cl.ID, meetingIDs[1], 0, council.ItemInput{Title: "Orientering om boligsituationen",
		Decision: "Taget til efterretning; rådet ønsker en status på boligsituationen.", DecisionType: council.DecisionNoted}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Councils.AddFollowUp(ctx, muni, &app.Actor{Name: "Sekretær"}, cl.ID, meetingIDs[1], it1.ID,
		council.FollowUpInput{Description: "Afklare frivillige tolke", Responsible: "Sekretariatet"}); err != nil {
		t.Fatal(err)
	}
	reg := base + "/decisions"
	_, body = sc.Get(reg)
	if !strings.Contains(body, "Revidering af Retningslinjer for § 18-midler") || !strings.Contains(body, "Orientering om boligsituationen") ||
		!strings.Contains(body, "1 åbne, 0 udført") || !strings.Contains(body, "Afklare frivillige tolke") || !strings.Contains(body, "/"+it1.Path()) {
		t.Error("register: not every decision, or no follow-up action with its item")
	}
	_, body = sc.Get(reg + "?type=approved")
	if !strings.Contains(body, "Revidering af Retningslinjer") || strings.Contains(body, "Orientering om boligsituationen") {
		t.Error("register by type: wrong decisions")
	}
	_, body = sc.Get(reg + "?q=" + url.QueryEscape("boligsituationen"))
	if strings.Contains(body, "Revidering af Retningslinjer") || !strings.Contains(body, "Orientering om boligsituationen") {
		t.Error("register by text: wrong decisions")
	}

	// A viewer reads the pages without their forms and is refused the posts.
	vc := r.Client(viewer)
	for _, path := range []string{base, councilURL, reg} {
		code, body := vc.Get(path)
		if code != 200 {
			t.Fatalf("viewer %s: %d", path, code)
		}
		for _, form := range []string{`action="` + councilURL + `/members"`, `action="` + councilURL + `/meetings"`, base + "/new", councilURL + "/edit"} {
			if strings.Contains(body, form) {
				t.Errorf("viewer %s: offered %s", path, form)
			}
		}
	}
	if _, body := vc.Get(councilURL); !strings.Contains(body, "Kirsten Jørgensen") {
		t.Error("viewer: no members")
	}
	// Every page in every language.
	for lang, want := range map[string]string{"nb": "Integreringsråd", "sv": "Integrationsråd", "en": "Integration council", "da": "Integrationsråd"} {
		vc.Post("/language", url.Values{"locale": {lang}})
		for _, path := range []string{base, councilURL, reg} {
			if code, body := vc.Get(path); code != 200 || (path != reg && !strings.Contains(body, want)) || strings.Contains(body, "council.") {
				t.Errorf("%s %s: %d, no %q or an untranslated key", lang, path, code, want)
			}
		}
	}
	for path, form := range map[string]url.Values{
		base:                     {"kind": {"working_group"}, "name": {"Arbejdsgruppe"}},
		councilURL:               {"kind": {"working_group"}, "name": {"Arbejdsgruppe"}},
		councilURL + "/members":  {"name": {"Ny"}, "role": {"member"}},
		councilURL + "/meetings": {"date": {y(0) + "-12-01"}, "time": {"16:30"}},
		councilURL + "/members/" + fmt.Sprint(chair.ID) + "/end": {"last_day": {y(0) + "-12-31"}},
		councilURL + "/delete": {},
	} {
		if code, _ := vc.Post(path, form); code != 403 {
			t.Errorf("viewer posts %s: %d", path, code)
		}
	}
	if code, _ := vc.Get(councilURL + "/members/" + fmt.Sprint(chair.ID)); code != 403 {
		t.Errorf("viewer opens a member's form: %d", code)
	}

	// A council whose meetings are history opens on their year, not on an
	// empty current year; the year list offers the years with meetings
	// and the current one; a meeting planned ahead takes over.
	old, err := r.Councils.Create(ctx, muni, council.CouncilInput{Kind: council.KindIntegrationCouncil, Name: "Integrationsrådet 2018–2021"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Councils.CreateMeeting(ctx, muni, old.ID, council.MeetingInput{StartsAt: time.Date(2018, 6, 27, 16, 30, 0, 0, loc)}); err != nil {
		t.Fatal(err)
	}
	oldURL := base + "/" + fmt.Sprint(old.ID)
	years := regexp.MustCompile(`<option value="(\d+)"( selected)?>`)
	yearsOf := func(body string) (all []string, chosen string) {
		for _, m := range years.FindAllStringSubmatch(section(t, body, "meetings"), -1) {
			all = append(all, m[1])
			if m[2] != "" {
				chosen = m[1]
			}
		}
		return all, chosen
	}
	_, body = sc.Get(oldURL)
	if all, chosen := yearsOf(body); chosen != "2018" || strings.Join(all, " ") != y(0)+" 2018" || !strings.Contains(body, "27.06.2018 kl. 16:30") {
		t.Errorf("a council with meetings in 2018 opens on %s (years %v) or does not list its meeting", chosen, all)
	}
	if _, err := r.Councils.CreateMeeting(ctx, muni, old.ID, council.MeetingInput{StartsAt: time.Date(year+1, 2, 1, 16, 30, 0, 0, loc)}); err != nil {
		t.Fatal(err)
	}
	_, body = sc.Get(oldURL)
	if all, chosen := yearsOf(body); chosen != y(1) || strings.Join(all, " ") != y(1)+" "+y(0)+" 2018" {
		t.Errorf("with a meeting planned next year the page opens on %s (years %v)", chosen, all)
	}

	// A council whose minutes were approved cannot be deleted: the page
	// says why.
	a := &app.Actor{Name: "Sekretær"}
	if _, err := r.Councils.MarkHeld(ctx, muni, a, cl.ID, meetingIDs[0]); err != nil {
		t.Fatal(err)
	}
	if err := r.Councils.Approve(ctx, muni, a, cl.ID, meetingIDs[0], council.ApproveInput{}); err != nil {
		t.Fatal(err)
	}
	if code, body := sc.Get(councilURL + "/delete"); code != 200 || !strings.Contains(body, `action="`+councilURL+`/delete"`) {
		t.Fatalf("delete page: %d", code)
	}
	if code, body := sc.Post(councilURL+"/delete", nil); code != 409 || !strings.Contains(body, "Rådet har godkendte referater og kan ikke slettes") {
		t.Errorf("delete a council with approved minutes: %d", code)
	}
	if _, err := r.Councils.Get(ctx, muni, cl.ID); err != nil {
		t.Errorf("the council is gone: %v", err)
	}
}
