package council_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
)

// apiClient calls the JSON API of a harness with one API token.
type apiClient struct {
	t     *testing.T
	r     *webtest.Harness
	token string
}

// do sends body (JSON, or none when empty) to path and answers the status
// and the answer.
func (a apiClient) do(method, path, body string) (int, string) {
	a.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, a.r.URL+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// must sends the request, fails the test unless it answers want, and
// reads the answer into out (when not nil).
func (a apiClient) must(want int, method, path, body string, out any) {
	a.t.Helper()
	code, got := a.do(method, path, body)
	if code != want {
		a.t.Fatalf("%s %s: %d %s; want %d", method, path, code, got, want)
	}
	if out != nil {
		if err := json.Unmarshal([]byte(got), out); err != nil {
			a.t.Fatalf("%s %s: %v in %s", method, path, err, got)
		}
	}
}

func apiToken(t *testing.T, r *webtest.Harness, o *org.Organisation, u *account.User) string {
	t.Helper()
	tok, _, err := r.Accounts.CreateAPIToken(context.Background(), o, u.ID, "Sagssystem", account.ScopeWrite)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestCouncilAPI: with a secretary's API token an integration makes a
// council, adds a member, plans a meeting and adds an item with a
// decision and a follow-up action; the meeting, the members and the
// decision register read it back with Danish text intact and the meeting
// at its local time; the action is among its responsible's measures, who
// closes it through the measures API, and the register shows it done. A
// viewer's token reads but cannot write, another municipality's council
// is not found, and a bad body is refused naming its field.
func TestCouncilAPI(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	dk := func(number string) func(*org.Organisation) {
		return func(o *org.Organisation) {
			o.Country, o.MunicipalityNumber, o.TimeZone, o.Locale = "DK", number, "Europe/Copenhagen", "da"
		}
	}
	muni := r.Org(org.KindMunicipality, dk("787"))
	secretary := r.User(muni, "secretary")
	viewer := r.User(muni, "viewer")
	responsible := r.User(muni, "contributor")
	sc := apiClient{t, r, apiToken(t, r, muni, secretary)}
	vc := apiClient{t, r, apiToken(t, r, muni, viewer)}
	base := "/api/v1/orgs/" + muni.Slug + "/councils"

	// A council.
	var cn struct {
		ID          int64  `json:"id"`
		Name        string `json:"name"`
		Term        string `json:"term"`
		MinMeetings int    `json:"min_meetings"`
		SignOff     string `json:"sign_off"`
		OrgID       *int64 `json:"org_id"`
	}
	sc.must(201, "POST", base, `{"kind":"integration_council","name":"Integrationsrådet i Thisted Kommune","term_from":2018,"term_to":2021,
		"min_meetings":6,"place":"Mødelokale 3, Thisted Rådhus"}`, &cn)
	if cn.Name != "Integrationsrådet i Thisted Kommune" || cn.Term != "2018–2021" || cn.SignOff != council.SignOffMembersPresent || cn.OrgID != nil {
		t.Errorf("the council made: %+v; want its name, term 2018–2021, the Danish sign-off and no org_id", cn)
	}
	cpath := fmt.Sprintf("%s/%d", base, cn.ID)
	sc.must(200, "POST", cpath, `{"min_meetings":4}`, &cn)
	if cn.MinMeetings != 4 || cn.Name != "Integrationsrådet i Thisted Kommune" {
		t.Errorf("after changing min_meetings: %+v; want 4 with the name kept", cn)
	}

	// A member.
	var mb struct {
		ID             int64  `json:"id"`
		Name           string `json:"name"`
		RepresentsText string `json:"represents_text"`
		FromDate       string `json:"from_date"`
	}
	sc.must(201, "POST", cpath+"/members", `{"name":"Mushin Jetto","role":"member","represents":"residents",
		"represents_text":"Nationalitet: Syrien – «bosat i Hanstholm»","from_date":"2018-01-01"}`, &mb)
	var members struct {
		Members []struct {
			ID             int64  `json:"id"`
			Name           string `json:"name"`
			RepresentsText string `json:"represents_text"`
			FromDate       string `json:"from_date"`
			ToDate         string `json:"to_date"`
		} `json:"members"`
	}
	sc.must(200, "GET", cpath+"/members", "", &members)
	if len(members.Members) != 1 || members.Members[0].RepresentsText != "Nationalitet: Syrien – «bosat i Hanstholm»" || members.Members[0].FromDate != "2018-01-01" {
		t.Errorf("members: %+v; want Mushin Jetto from 2018-01-01 with what he represents intact", members)
	}

	// A meeting, at 16:30 in Copenhagen after the change to winter time.
	var mt struct {
		ID       int64  `json:"id"`
		StartsAt string `json:"starts_at"`
		Place    string `json:"place"`
		Status   string `json:"status"`
	}
	sc.must(201, "POST", cpath+"/meetings", `{"starts_at":"2018-11-28T15:30:00Z","ends_at":"2018-11-28T17:30:00Z"}`, &mt)
	if mt.StartsAt != "2018-11-28T16:30:00+01:00" || mt.Place != "Mødelokale 3, Thisted Rådhus" || mt.Status != council.MeetingPlanned {
		t.Errorf("the meeting planned: %+v; want 16:30 Copenhagen time at the council's place, planned", mt)
	}
	var meetings struct {
		Meetings []struct {
			ID int64 `json:"id"`
		} `json:"meetings"`
	}
	sc.must(200, "GET", cpath+"/meetings?year=2018", "", &meetings)
	if len(meetings.Meetings) != 1 || meetings.Meetings[0].ID != mt.ID {
		t.Errorf("meetings of 2018: %+v; want the one planned", meetings)
	}
	sc.must(200, "GET", cpath+"/meetings?year=2019", "", &meetings)
	if len(meetings.Meetings) != 0 {
		t.Errorf("meetings of 2019: %+v; want none", meetings)
	}

	// An item with a decision, its hearing route and earlier decisions.
	mpath := fmt.Sprintf("%s/meetings/%d", cpath, mt.ID)
	var it struct {
		ID     int64 `json:"id"`
		Number int   `json:"number"`
	}
	sc.must(201, "POST", mpath+"/items", `{"title":"Revidering af Retningslinjer for § 18-midler","case_number":"27.15.12-Ø40-6-16",
		"background":"Søgning af § 18-midler sker én gang årligt.","decision":"Integrationsrådet tilslutter sig oplægget.","decision_type":"approved",
		"hearing":[{"body":"Social- og Sundhedsudvalget","date":"2018-06-12","role":"orientation"}],
		"earlier":[{"body":"Social- og Sundhedsudvalget","date":"2018-06-12","item":"pkt. 118","text":"Taget til efterretning."}]}`, &it)
	if it.Number != 1 {
		t.Errorf("the item's number: %d; want 1", it.Number)
	}

	// A follow-up action, then its status through the measures API.
	fpath := fmt.Sprintf("%s/items/%d/followups", mpath, it.ID)
	var fu struct {
		ID string `json:"id"`
	}
	sc.must(201, "POST", fpath, fmt.Sprintf(`{"description":"Afklare frivillige tolke på Ørhøj","responsible":"Sekretariatet","responsible_user":%d,"due":"2018-12-15"}`, responsible.ID), &fu)
	if fu.ID == "" {
		t.Fatal("the follow-up action has no measure id")
	}

	// The meeting reads it all back.
	var full struct {
		StartsAt string `json:"starts_at"`
		Council  struct {
			Name string `json:"name"`
		} `json:"council"`
		Attendance []struct {
			Member struct {
				Name string `json:"name"`
			} `json:"member"`
		} `json:"attendance"`
		Items []struct {
			Title      string `json:"title"`
			CaseNumber string `json:"case_number"`
			Background string `json:"background"`
			Hearing    []struct {
				Body, Date, Role string
			} `json:"hearing"`
			Earlier []struct {
				Body, Date, Item, Text string
			} `json:"earlier"`
			FollowUps []struct {
				ID, Description, Responsible, Due, Status string
			} `json:"follow_ups"`
		} `json:"items"`
		Minutes []any `json:"minutes"`
	}
	sc.must(200, "GET", mpath, "", &full)
	if full.StartsAt != "2018-11-28T16:30:00+01:00" || full.Council.Name != cn.Name || len(full.Attendance) != 1 ||
		full.Attendance[0].Member.Name != "Mushin Jetto" || len(full.Items) != 1 || full.Minutes == nil {
		t.Fatalf("the meeting: %+v", full)
	}
	item := full.Items[0]
	if item.CaseNumber != "27.15.12-Ø40-6-16" || item.Background != "Søgning af § 18-midler sker én gang årligt." ||
		len(item.Hearing) != 1 || item.Hearing[0].Date != "2018-06-12" || item.Hearing[0].Role != "orientation" ||
		len(item.Earlier) != 1 || item.Earlier[0].Item != "pkt. 118" || item.Earlier[0].Text != "Taget til efterretning." ||
		len(item.FollowUps) != 1 || item.FollowUps[0].ID != fu.ID || item.FollowUps[0].Due != "2018-12-15" ||
		item.FollowUps[0].Description != "Afklare frivillige tolke på Ørhøj" {
		t.Errorf("the item as read back: %+v", item)
	}

	// The decision register, narrowed, and after the action is done.
	type register struct {
		Decisions []struct {
			Council struct {
				Name string `json:"name"`
			} `json:"council"`
			MeetingStartsAt string `json:"meeting_starts_at"`
			ItemNumber      int    `json:"item_number"`
			ItemTitle       string `json:"item_title"`
			CaseNumber      string `json:"case_number"`
			DecisionType    string `json:"decision_type"`
			Decision        string `json:"decision"`
			FollowUps       []struct {
				ID, Responsible, Due, Status string
			} `json:"follow_ups"`
		} `json:"decisions"`
	}
	var reg register
	sc.must(200, "GET", fmt.Sprintf("/api/v1/orgs/%s/councils/decisions?council=%d&year=2018&type=approved&q=tilslutter", muni.Slug, cn.ID), "", &reg)
	if len(reg.Decisions) != 1 {
		t.Fatalf("the register: %+v; want the one decision", reg)
	}
	d := reg.Decisions[0]
	if d.Council.Name != cn.Name || d.MeetingStartsAt != "2018-11-28T16:30:00+01:00" || d.ItemNumber != 1 ||
		d.ItemTitle != "Revidering af Retningslinjer for § 18-midler" || d.CaseNumber != "27.15.12-Ø40-6-16" ||
		d.DecisionType != "approved" || d.Decision != "Integrationsrådet tilslutter sig oplægget." ||
		len(d.FollowUps) != 1 || d.FollowUps[0].ID != fu.ID || d.FollowUps[0].Responsible != "Sekretariatet" ||
		d.FollowUps[0].Due != "2018-12-15" || d.FollowUps[0].Status != "not_started" {
		t.Errorf("the register's row: %+v", d)
	}
	for _, q := range []string{"type=rejected", "year=2019", "q=tolke+%C3%B8rh%C3%B8j+budget"} {
		sc.must(200, "GET", "/api/v1/orgs/"+muni.Slug+"/councils/decisions?"+q, "", &reg)
		if len(reg.Decisions) != 0 {
			t.Errorf("the register with %s: %d decisions; want none", q, len(reg.Decisions))
		}
	}
	// Its responsible finds it among their measures and closes it.
	rc := apiClient{t, r, apiToken(t, r, muni, responsible)}
	var mine struct {
		Measures []struct {
			ID string `json:"id"`
		} `json:"measures"`
	}
	rc.must(200, "GET", fmt.Sprintf("/api/v1/orgs/%s/measures?responsible=%d", muni.Slug, responsible.ID), "", &mine)
	if len(mine.Measures) != 1 || mine.Measures[0].ID != fu.ID {
		t.Errorf("the responsible's measures: %+v; want the follow-up action", mine)
	}
	rc.must(200, "POST", "/api/v1/orgs/"+muni.Slug+"/measures/"+fu.ID+"/status", `{"status":"done","note":"Aftale med Røde Kors"}`, nil)
	sc.must(200, "GET", "/api/v1/orgs/"+muni.Slug+"/councils/decisions", "", &reg)
	if len(reg.Decisions) != 1 || len(reg.Decisions[0].FollowUps) != 1 || reg.Decisions[0].FollowUps[0].Status != "done" {
		t.Errorf("the register after the action was done: %+v", reg)
	}

	// The list of councils with their standing in 2018: one meeting of four.
	var list struct {
		Councils []struct {
			ID       int64 `json:"id"`
			Standing struct {
				Year, Meetings, MinMeetings int
				Short                       bool
			} `json:"standing"`
		} `json:"councils"`
	}
	vc.must(200, "GET", base+"?year=2018", "", &list)
	if len(list.Councils) != 1 || list.Councils[0].Standing.Year != 2018 || list.Councils[0].Standing.Meetings != 1 || !list.Councils[0].Standing.Short {
		t.Errorf("councils in 2018: %+v; want one meeting, short of the statute", list)
	}
	if strings.Contains(fmt.Sprint(sc.do("GET", base, "")), `"org_id"`) {
		t.Error("the council list shows org_id")
	}

	// A viewer reads but does not write.
	vc.must(200, "GET", mpath, "", nil)
	for path, body := range map[string]string{
		base:                `{"kind":"working_group","name":"Arbejdsgruppe"}`,
		cpath:               `{"name":"Omdøbt"}`,
		cpath + "/members":  `{"name":"Ann Frederiksen","role":"member"}`,
		cpath + "/meetings": `{"starts_at":"2018-10-04T16:30:00+02:00"}`,
		mpath + "/items":    `{"title":"Eventuelt"}`,
		fpath:               `{"description":"Noget"}`,
	} {
		if code, got := vc.do("POST", path, body); code != 403 {
			t.Errorf("viewer POST %s: %d %s; want 403", path, code, got)
		}
	}

	// Another municipality's council is not found, under either slug.
	other := r.Org(org.KindMunicipality, dk("773"))
	oc, err := r.Councils.Create(context.Background(), other, council.CouncilInput{Kind: council.KindIntegrationCouncil, Name: "Andet råd"})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fmt.Sprintf("%s/%d", base, oc.ID), fmt.Sprintf("%s/%d/members", base, oc.ID),
		fmt.Sprintf("/api/v1/orgs/%s/councils/%d", other.Slug, oc.ID)} {
		if code, got := sc.do("GET", path, ""); code != 404 {
			t.Errorf("GET %s: %d %s; want 404", path, code, got)
		}
	}
	if code, got := sc.do("POST", fmt.Sprintf("%s/%d/members", base, oc.ID), `{"name":"Indtrænger","role":"member"}`); code != 404 {
		t.Errorf("adding a member to another's council: %d %s; want 404", code, got)
	}

	// A bad body is refused naming its field, and nothing is stored.
	for _, tc := range []struct{ path, body, field string }{
		{base, `{"kind":"integration_council","name":"  "}`, "name"},
		{base, `{"kind":"råd","name":"Rådet"}`, "kind"},
		{base, `{"kind":"integration_council","name":"Rådet","min_meetings":"seks"}`, "min_meetings"},
		{cpath + "/members", `{"name":"Ann Frederiksen","role":"member","from_date":"1. januar 2018"}`, "from_date"},
		{cpath + "/meetings", `{"starts_at":"4. oktober 2018 kl. 16.30"}`, "starts_at"},
		{cpath + "/meetings", `{"starts_at":"2018-10-04T16:30:00+02:00","ends_at":"2018-10-04T15:00:00+02:00"}`, "ends_at"},
		{mpath + "/items", `{"title":"Eventuelt","decision_type":"vedtaget"}`, "decision_type"},
		{fpath, `{"description":"Noget","due":"snart"}`, "due"},
		{fpath, `{"description":"Noget","responsible_user":999999}`, "responsible_user"},
	} {
		code, got := sc.do("POST", tc.path, tc.body)
		var p struct {
			Field  string `json:"field"`
			Detail string `json:"detail"`
		}
		_ = json.Unmarshal([]byte(got), &p)
		if code != 400 && code != 422 || p.Field != tc.field || p.Detail == "" {
			t.Errorf("POST %s %s: %d %s; want 400 or 422 naming %s with a message", tc.path, tc.body, code, got, tc.field)
		}
	}
	if _, got := sc.do("POST", cpath+"/meetings", `{"starts_at":"i morgen"}`); !strings.Contains(got, "RFC 3339") {
		t.Errorf("a time not in RFC 3339: %s; want a message that says how to write it", got)
	}
	sc.must(200, "GET", base, "", &list)
	if len(list.Councils) != 1 {
		t.Errorf("%d councils after refused bodies; want 1", len(list.Councils))
	}
	sc.must(200, "GET", cpath+"/members", "", &members)
	if len(members.Members) != 1 {
		t.Errorf("%d members after refused bodies; want 1", len(members.Members))
	}
}
