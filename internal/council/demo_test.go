package council_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
	"github.com/samvirke/samvirke/tenants"
)

// loadDemo loads the demo organisations, their users and roles, and the
// demo councils into the harness's fresh database, as the demo's first
// start does.
func loadDemo(t *testing.T, r *webtest.Harness) {
	t.Helper()
	ctx := context.Background()
	defs, err := org.LoadDefinitionsFS(tenants.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if _, err := org.Apply(ctx, r.DB, defs, now); err != nil {
		t.Fatal(err)
	}
	if _, err := account.EnsureDemoUsers(ctx, r.DB, "demo-password-1234", false, now); err != nil {
		t.Fatal(err)
	}
	if err := (org.DemoRoles{Definitions: tenants.Roles}).LoadDemo(ctx, r.DB, app.SystemClock{}); err != nil {
		t.Fatal(err)
	}
	if err := (council.DemoLoader{Definitions: tenants.Councils, Files: r.Files}).LoadDemo(ctx, r.DB, app.SystemClock{}); err != nil {
		t.Fatal(err)
	}
}

func demoOrg(t *testing.T, r *webtest.Harness, slug string) *org.Organisation {
	t.Helper()
	var o *org.Organisation
	err := db.Run(context.Background(), r.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var err error
		o, err = org.FindOrganisationBySlug(ctx, idb, slug)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func demoUserID(t *testing.T, r *webtest.Harness, role, slug string) int64 {
	t.Helper()
	var u *account.User
	err := db.Run(context.Background(), r.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var err error
		u, err = account.FindUserByEmail(ctx, idb, account.DemoEmail(role, slug))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// TestDemoCouncils: the demo's first start gives Thisted its
// Integrationsråd with the meeting of 27 June 2018 as the seed minutes
// have it (nine items with their titles and journal numbers, Mushin Jetto
// and Ann Frederiksen absent, Mayada Alo gone the day before, the chair
// and vice chair constituted that day), its minutes signed by the chair's
// demo user and published for everyone with their attachments as PDFs,
// follow-up actions on the decisions, and the three meetings item 3 set
// at 16:30 in Thisted; Trysil its steering and working groups with their
// members and meetings.
func TestDemoCouncils(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	loadDemo(t, r)
	ctx := context.Background()

	o := demoOrg(t, r, "thisted")
	loc := o.Location()
	list, err := r.Councils.List(ctx, o, 2018)
	if err != nil || len(list) != 1 {
		t.Fatalf("Thisted's councils: %d, %v; want one", len(list), err)
	}
	c := list[0].Council
	if c.Name != "Integrationsrådet" || c.Kind != council.KindIntegrationCouncil || c.Term() != "2018–2021" || c.MinMeetings != 6 ||
		c.SignOff != council.SignOffMembersPresent || !c.Public() || c.Place != "Mødelokale A" {
		t.Errorf("Thisted's council: %+v", c)
	}
	meetings, err := r.Councils.Meetings(ctx, o, c, 2018)
	if err != nil || len(meetings) != 4 {
		t.Fatalf("Integrationsrådet's meetings in 2018: %d, %v; want 4", len(meetings), err)
	}
	if got := meetings[0].StartsAt.In(loc).Format("2006-01-02 15:04"); got != "2018-06-27 16:00" {
		t.Errorf("first meeting at %s", got)
	}

	v, err := r.Councils.Meeting(ctx, o, c.ID, meetings[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ title, journal string }{
		{"Velkomst og præsentation af medlemmerne", "15.40.00-P35-1-17"},
		{"Ændring i Integrationsrådet", "15.40.00-P35-1-17"},
		{"Fastsættelse af møder i 2018", "15.40.00-P35-1-17"},
		{"Emner eller temaer der skal drøftes og arbejdes med i Integrationsrådet", "15.40.00-P35-1-17"},
		{"MindSpring forløb", "15.40.00-P35-1-17"},
		{"Mulighed for oplæg om bedre integration, mindre radikalisering", "15.40.00-P35-1-17"},
		{"Evaluering af implementeringen af Asyl- og integrationspolitikken", "15.40.00-A21-1-18"},
		{"Asyl og Integrationsafdelingens fremtidig integrationsindsatser", "15.40.00-A00-8-15"},
		{"Revidering af Retningslinjer for § 18-midler til frivilligt socialt arbejde", "27.15.12-Ø40-6-16"},
	}
	if len(v.Doc.Items) != len(want) {
		t.Fatalf("27 June 2018: %d items; want %d", len(v.Doc.Items), len(want))
	}
	for i, w := range want {
		if it := v.Doc.Items[i]; it.Number != i+1 || it.Title != w.title || it.CaseNumber != w.journal {
			t.Errorf("item %d: %d %q %q; want %q %q", i+1, it.Number, it.Title, it.CaseNumber, w.title, w.journal)
		}
	}
	if got := v.Roll.AbsentNames(); got != "Mushin Jetto, Ann Frederiksen" {
		t.Errorf("absent on 27 June 2018: %q", got)
	}
	if len(v.Roll.Present) != 7 {
		t.Errorf("present on 27 June 2018: %d; want the other 7", len(v.Roll.Present))
	}
	for _, m := range append(append([]*council.Member(nil), v.Roll.Expected...), v.Roll.Absent...) {
		if m.Name == "Mayada Alo" {
			t.Errorf("Mayada Alo, who left the day before, is on the roll of 27 June 2018 as %s", m.Role)
		}
	}
	roles := map[string]string{}
	for _, m := range v.Roll.Expected {
		roles[m.Name] = m.Role
	}
	if roles["Nataliia Gudymenko"] != council.RoleChair || roles["Zenawi Ghebremichael"] != council.RoleViceChair ||
		roles["Puhl Kumari Biswa"] != council.RoleMember {
		t.Errorf("roles on 27 June 2018: %v", roles)
	}
	if len(v.Roll.Secretary) != 1 || v.Roll.Secretary[0].Name != "Bo Skou Frank" || v.Roll.Secretary[0].UserID == nil ||
		*v.Roll.Secretary[0].UserID != demoUserID(t, r, "secretary", "thisted") {
		t.Errorf("secretary: %+v", v.Roll.Secretary)
	}
	it7 := v.Doc.Items[6]
	if len(it7.Hearing) != 2 || it7.Hearing[1].Body != "Integrationsrådet" || it7.Hearing[1].Role != council.HearingOrientation ||
		len(it7.Earlier) != 1 || it7.Earlier[0].Item != "pkt. 118" || it7.Earlier[0].Text != "Taget til efterretning." ||
		it7.DecisionType != council.DecisionNoted {
		t.Errorf("item 7's route and earlier decision: %+v %+v %q", it7.Hearing, it7.Earlier, it7.DecisionType)
	}

	// The minutes: signed by the chair (the demo's member user), published.
	if v.Minutes == nil || v.Minutes.State != council.MinutesPublished || v.Minutes.ApprovedBy != "Nataliia Gudymenko" ||
		v.Meeting.Status != council.MeetingPublished {
		t.Fatalf("27 June 2018's minutes: %+v, meeting %s", v.Minutes, v.Meeting.Status)
	}
	pm, err := r.Councils.PublicMeeting(ctx, o, c.ID, meetings[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if !pm.Minutes || len(pm.Doc.Items) != 9 || pm.Doc.AbsentNames() != "Mushin Jetto, Ann Frederiksen" {
		t.Fatalf("public minutes: minutes %v, %d items, absent %q", pm.Minutes, len(pm.Doc.Items), pm.Doc.AbsentNames())
	}
	attached := map[int][]string{}
	for _, it := range pm.Doc.Items {
		for _, a := range it.Attachments {
			attached[it.Number] = append(attached[it.Number], a.Title)
			f, body, err := r.Councils.OpenAttachment(ctx, o, c.ID, meetings[0].ID, it.ID, a.FileID, true)
			if err != nil {
				t.Fatalf("attachment %q: %v", a.Title, err)
			}
			b, _ := io.ReadAll(body)
			body.Close()
			if f.ContentType != "application/pdf" || !strings.HasPrefix(string(b), "%PDF") {
				t.Errorf("attachment %q: %s, %.8q", a.Title, f.ContentType, b)
			}
		}
	}
	if len(attached) != 4 || attached[5][0] != "Kort om MindSpring" || len(attached[7]) != 2 ||
		attached[9][0] != "Retningslinjer for §18-midler_opdateret" {
		t.Errorf("attachments by item: %v", attached)
	}
	// Follow-up actions: item 4's on the secretary's desk, due after the
	// demo's start; item 7's under way.
	fu4, fu7 := pm.Doc.Items[3].FollowUps, pm.Doc.Items[6].FollowUps
	if len(fu4) != 1 || fu4[0].ResponsibleUser == nil || *fu4[0].ResponsibleUser != demoUserID(t, r, "secretary", "thisted") ||
		fu4[0].Deadline == nil || !fu4[0].Deadline.After(time.Now()) {
		t.Errorf("item 4's follow-up: %+v", fu4)
	}
	if len(fu7) != 1 || fu7[0].Responsible != "Asyl- og Integrationsafdelingen" || fu7[0].Deadline.Format(time.DateOnly) != "2019-03-31" {
		t.Errorf("item 7's follow-up: %+v", fu7)
	} else if row, err := measureRow(ctx, r, o, fu7[0].ID); err != nil || row.Status != measure.StatusOngoing {
		t.Errorf("item 7's follow-up now: %v, %v", row, err)
	}

	// The meetings item 3 set: 16:30 in Thisted.
	for i, w := range []string{"2018-08-29 16:30", "2018-10-04 16:30", "2018-11-28 16:30"} {
		if got := meetings[i+1].StartsAt.In(loc).Format("2006-01-02 15:04"); got != w {
			t.Errorf("meeting %d at %s; want %s", i+2, got, w)
		}
	}
	if meetings[1].Status != council.MeetingAgendaPublished || meetings[2].Status != council.MeetingPlanned {
		t.Errorf("later meetings: %s, %s", meetings[1].Status, meetings[2].Status)
	}

	// Trysil: a steering group and a working group with their members.
	tr := demoOrg(t, r, "trysil")
	groups, err := r.Councils.List(ctx, tr, 2018)
	if err != nil || len(groups) != 2 {
		t.Fatalf("Trysil's groups: %d, %v; want two", len(groups), err)
	}
	kinds := map[string]int{}
	for _, g := range groups {
		ms, err := r.Councils.Members(ctx, tr, g.Council)
		if err != nil {
			t.Fatal(err)
		}
		mts, err := r.Councils.Meetings(ctx, tr, g.Council, 0)
		if err != nil {
			t.Fatal(err)
		}
		kinds[g.Kind] = len(ms)
		if g.SignOff != council.SignOffNextMeeting || g.Public() || len(mts) == 0 {
			t.Errorf("%s: sign-off %s, public %v, %d meetings", g.Name, g.SignOff, g.Public(), len(mts))
		}
		for _, mt := range mts {
			if mt.Status != council.MeetingHeld {
				t.Errorf("%s's meeting %s: %s", g.Name, mt.StartsAt.In(tr.Location()), mt.Status)
			}
		}
	}
	if kinds[council.KindSteeringGroup] != 4 || kinds[council.KindWorkingGroup] != 8 {
		t.Errorf("Trysil's groups' members by kind: %v", kinds)
	}
}

func measureRow(ctx context.Context, r *webtest.Harness, o *org.Organisation, id string) (*measure.MeasureRow, error) {
	var row *measure.MeasureRow
	err := db.Run(ctx, r.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		row, err = measure.FindMeasure(ctx, idb, o.ID, id)
		return err
	})
	return row, err
}
