package server_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/ratelimit"
)

// routeRowsCouncil are the route walk's rows for the councils, their
// members and meetings, and the decision register
// (internal/web/council.go).
func routeRowsCouncil() map[string]expectation {
	muni, writers := org.KindMunicipality, []string{"owner", "editor", "secretary"}
	return map[string]expectation{
		"GET /o/:org/councils":                                  {anon: 303, roles: everyone, kind: muni},
		"GET /o/:org/councils/new":                              {anon: 303, roles: writers, kind: muni},
		"POST /o/:org/councils":                                 {anon: 401, roles: writers, kind: muni, form: formOf("kind", "working_group", "name", "Arbejdsgruppe for «boliger» – Ærø", "visibility", "private")},
		"GET /o/:org/councils/decisions":                        {anon: 303, roles: everyone, kind: muni, query: "type=approved&q=midler"},
		"GET /o/:org/councils/:council":                         {anon: 303, roles: everyone, kind: muni},
		"GET /o/:org/councils/:council/edit":                    {anon: 303, roles: writers, kind: muni},
		"POST /o/:org/councils/:council":                        {anon: 401, roles: writers, kind: muni, form: formOf("kind", "integration_council", "name", "Integrationsrådet i Thisted", "min_meetings", "6", "visibility", "public")},
		"GET /o/:org/councils/:council/delete":                  {anon: 303, roles: writers, kind: muni},
		"POST /o/:org/councils/:council/delete":                 {anon: 401, roles: writers, kind: muni},
		"POST /o/:org/councils/:council/meetings":               {anon: 401, roles: writers, kind: muni, form: formOf("date", "2026-12-01", "time", "16:30", "end_time", "18:00")},
		"POST /o/:org/councils/:council/members":                {anon: 401, roles: writers, kind: muni, form: formOf("name", "Søren Ærø", "role", "member", "represents", "residents")},
		"GET /o/:org/councils/:council/members/:member":         {anon: 303, roles: writers, kind: muni},
		"POST /o/:org/councils/:council/members/:member":        {anon: 401, roles: writers, kind: muni, form: formOf("name", "Nataliia Gudymenko", "role", "chair", "from_date", "2026-01-01")},
		"POST /o/:org/councils/:council/members/:member/role":   {anon: 401, roles: writers, kind: muni, form: formOf("new_role", "vice_chair", "role_from", "2026-06-01")},
		"POST /o/:org/councils/:council/members/:member/end":    {anon: 401, roles: writers, kind: muni, form: formOf("last_day", "2026-12-31")},
		"POST /o/:org/councils/:council/members/:member/remove": {anon: 401, roles: writers, kind: muni},
	}
}

// councilFixture makes a public council of o for one request of the walk
// and answers the path's ids: :council; :member, a member recorded by name;
// :meeting, a meeting held whose minutes are circulated, with :item, an
// item with a decision and :measure, its follow-up action; :later, a
// planned meeting after it with one item; :version, the minutes' version.
// Every user of o is a member of the council, so that each role can
// comment on and sign the minutes. In an organisation that keeps no
// councils (a network), ids that find nothing.
func councilFixture(t *testing.T, bdb *bun.DB, withFiles *council.Service, o *org.Organisation, path string) map[string]string {
	t.Helper()
	none := map[string]string{":council": "999999999", ":member": "999999999", ":meeting": "999999999", ":later": "999999999",
		":item": "999999999", ":measure": "nonexistent0000a", ":version": "1", ":file": "999999999"}
	if o.Kind != org.KindMunicipality {
		return none
	}
	ctx, a := context.Background(), &app.Actor{Name: "Walk"}
	svc := &council.Service{DB: bdb, Clock: app.SystemClock{}, Limits: &ratelimit.Limiter{DB: bdb, Clock: app.SystemClock{}}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	from, to := 2026, 2029
	c, err := svc.Create(ctx, o, council.CouncilInput{Kind: council.KindIntegrationCouncil, Name: "Integrationsrådet", TermFrom: &from, TermTo: &to,
		MinMeetings: 6, SignOff: council.SignOffMembersPresent, Visibility: council.VisibilityPublic})
	must(err)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	byName, err := svc.AddMember(ctx, o, c.ID, council.MemberInput{Name: "Nataliia Gudymenko", Role: council.RoleChair,
		Represents: council.RepresentsResidents, RepresentsText: "Nationalitet: Ukraine", FromDate: &start})
	must(err)
	var users []int64
	must(db.Run(ctx, bdb, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Table("memberships").Column("user_id").Where("org_id = ?", o.ID).OrderExpr("user_id").Scan(ctx, &users)
	}))
	var attendance []council.AttendanceInput
	attendance = append(attendance, council.AttendanceInput{MemberID: byName.ID, Status: council.Present})
	for i, u := range users {
		u := u
		m, err := svc.AddMember(ctx, o, c.ID, council.MemberInput{Name: "Medlem " + strconv.Itoa(i+1), Role: council.RoleMember, UserID: &u, FromDate: &start})
		must(err)
		attendance = append(attendance, council.AttendanceInput{MemberID: m.ID, Status: council.Present})
	}
	held, err := svc.CreateMeeting(ctx, o, c.ID, council.MeetingInput{StartsAt: time.Now().UTC().AddDate(0, 0, -7), Place: "Mødelokale A"})
	must(err)
	it, err := svc.AddItem(ctx, o, c.ID, held.ID, 0, council.ItemInput{Title: "Revidering af Retningslinjer for § 18-midler",
		CaseNumber: "27.15.12-Ø40-6-16", Decision: "Integrationsrådet tilslutter sig oplægget.", DecisionType: council.DecisionApproved})
	must(err)
	_, err = svc.SetAttendance(ctx, o, c.ID, held.ID, 0, attendance)
	must(err)
	_, err = svc.MarkHeld(ctx, o, a, c.ID, held.ID)
	must(err)
	must(svc.Circulate(ctx, o, a, c.ID, held.ID))
	due := time.Now().UTC().AddDate(0, 0, 14)
	measureID, err := svc.AddFollowUp(ctx, o, a, c.ID, held.ID, it.ID, council.FollowUpInput{Description: "Afklare frivillige tolke", Responsible: "Sekretær", Deadline: &due})
	must(err)
	later, err := svc.CreateMeeting(ctx, o, c.ID, council.MeetingInput{StartsAt: time.Now().UTC().AddDate(0, 1, 0)})
	must(err)
	laterItem, err := svc.AddItem(ctx, o, c.ID, later.ID, 0, council.ItemInput{Title: "Godkendelse af referat"})
	must(err)
	if strings.HasPrefix(path, "/p/") { // public paths: a meeting with its agenda published, and its item
		held, it = publicMeetingForWalk(t, svc, o, c.ID, later), laterItem
	}
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	return map[string]string{":council": id(c.ID), ":member": id(byName.ID), ":meeting": id(held.ID), ":later": id(later.ID),
		":item": id(it.ID), ":measure": measureID, ":version": "1", ":file": councilMeetingFile(t, withFiles, o, path, c.ID, held.ID, it.ID)}
}
