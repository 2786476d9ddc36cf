package council_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/due"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/ratelimit"
)

// svcFixture is a municipality in Copenhagen's zone with a secretary and a
// member who is a user, and the council service on a fixed clock.
type svcFixture struct {
	ctx       context.Context
	bdb       *bun.DB
	svc       *council.Service
	o         *org.Organisation
	clock     *app.FixedClock
	secretary *app.Actor
	member    *app.Actor
}

func newSvcFixture(t *testing.T) *svcFixture {
	t.Helper()
	bdb := dbtest.Open(t)
	o := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
	o.TimeZone, o.Country = "Europe/Copenhagen", "DK"
	sec, _ := dbtest.MustCreateUser(t, bdb, o, "secretary")
	mem, _ := dbtest.MustCreateUser(t, bdb, o, "viewer")
	clock := &app.FixedClock{T: time.Date(2018, 6, 20, 9, 0, 0, 0, time.UTC)}
	return &svcFixture{ctx: context.Background(), bdb: bdb, o: o, clock: clock,
		svc:       &council.Service{DB: bdb, Clock: clock, Limits: &ratelimit.Limiter{DB: bdb, Clock: clock}},
		secretary: &app.Actor{UserID: sec.ID, Name: "Bo Skou Frank", OrgID: o.ID, Role: "secretary"},
		member:    &app.Actor{UserID: mem.ID, Name: "Nataliia Gudymenko", OrgID: o.ID, Role: "viewer"}}
}

func ok[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func date(y int, m time.Month, d int) *time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return &t
}

func copenhagen(t *testing.T, y int, m time.Month, d, hh, mm int) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		t.Fatal(err)
	}
	return time.Date(y, m, d, hh, mm, 0, 0, loc)
}

// TestMemberWhoLeftIsNotAbsent: Mayada Alo leaves the council before the
// 27 June 2018 meeting and a substitute enters; the minutes list as absent
// only the members of the council on the day who did not come.
func TestMemberWhoLeftIsNotAbsent(t *testing.T) {
	f := newSvcFixture(t)
	c := ok[*council.Council](t)(f.svc.Create(f.ctx, f.o, council.CouncilInput{Kind: council.KindIntegrationCouncil, Name: "Integrationsrådet", MinMeetings: 6}))
	if c.SignOff != council.SignOffMembersPresent {
		t.Errorf("a Danish council signs off by %q, want the members present", c.SignOff)
	}
	start := date(2018, 1, 1)
	add := func(name, role string) *council.Member {
		return ok[*council.Member](t)(f.svc.AddMember(f.ctx, f.o, c.ID, council.MemberInput{Name: name, Role: role, FromDate: start}))
	}
	mayada := add("Mayada Alo", council.RoleMember)
	mushin := add("Mushin Jetto", council.RoleMember)
	ann := add("Ann Frederiksen", council.RoleMember)
	nataliia := add("Nataliia Gudymenko", council.RoleMember)
	biswa := add("Puhl Kumari Biswa", council.RoleSubstitute)
	add("Bo Skou Frank", council.RoleSecretary)
	noErr(t, f.svc.EndMember(f.ctx, f.o, c.ID, mayada.ID, *date(2018, 6, 26)))
	entered := ok[*council.Member](t)(f.svc.ChangeRole(f.ctx, f.o, c.ID, biswa.ID, council.RoleMember, *date(2018, 6, 27)))
	chair := ok[*council.Member](t)(f.svc.ChangeRole(f.ctx, f.o, c.ID, nataliia.ID, council.RoleChair, *date(2018, 6, 27)))

	m := ok[*council.Meeting](t)(f.svc.CreateMeeting(f.ctx, f.o, c.ID, council.MeetingInput{StartsAt: copenhagen(t, 2018, 6, 27, 16, 0)}))
	if m.Place != "" {
		t.Errorf("place %q from a council without a usual place", m.Place)
	}
	// The form offers the members of the day; Mayada Alo is not one.
	_, err := f.svc.SetAttendance(f.ctx, f.o, c.ID, m.ID, 0, []council.AttendanceInput{{MemberID: mayada.ID, Status: council.Absent}})
	if app.ErrorCode(err) != app.EInvalid {
		t.Fatalf("attendance of a member who left: %v, want invalid", err)
	}
	ok[*council.Meeting](t)(f.svc.SetAttendance(f.ctx, f.o, c.ID, m.ID, 0, []council.AttendanceInput{
		{MemberID: mushin.ID, Status: council.AbsentNotice}, {MemberID: ann.ID, Status: council.AbsentNotice},
		{MemberID: chair.ID, Status: council.Present}, {MemberID: entered.ID, Status: council.Present}}))
	v := ok[*council.MeetingView](t)(f.svc.Meeting(f.ctx, f.o, c.ID, m.ID))
	if got := v.Roll.AbsentNames(); got != "Mushin Jetto, Ann Frederiksen" {
		t.Errorf("absent %q, want «Mushin Jetto, Ann Frederiksen»", got)
	}
	for _, e := range v.Roll.Expected {
		if e.Name == "Mayada Alo" {
			t.Error("Mayada Alo, who left the day before, is expected at the meeting")
		}
	}
	if got := v.Doc.AbsentNames(); got != "Mushin Jetto, Ann Frederiksen" {
		t.Errorf("the minutes' absentees %q", got)
	}
	var roles []string
	for _, p := range v.Doc.Present {
		roles = append(roles, p.Name+":"+p.Role)
	}
	if got := strings.Join(roles, ", "); got != "Puhl Kumari Biswa:member, Nataliia Gudymenko:chair" && got != "Nataliia Gudymenko:chair, Puhl Kumari Biswa:member" {
		t.Errorf("present %s", got)
	}
	// A meeting before the change still has Mayada Alo expected and
	// Biswa as a substitute.
	before := ok[*council.Meeting](t)(f.svc.CreateMeeting(f.ctx, f.o, c.ID, council.MeetingInput{StartsAt: copenhagen(t, 2018, 3, 14, 16, 0)}))
	bv := ok[*council.MeetingView](t)(f.svc.Meeting(f.ctx, f.o, c.ID, before.ID))
	var expected []string
	for _, e := range bv.Roll.Expected {
		expected = append(expected, e.Name)
	}
	if got := strings.Join(expected, ", "); got != "Mayada Alo, Mushin Jetto, Ann Frederiksen, Nataliia Gudymenko" {
		t.Errorf("expected in March: %s", got)
	}
}

// approvedMeeting makes a council whose member is the fixture's member
// user, with a meeting held on 27 June 2018 with one decided item, its
// minutes circulated.
func approvedMeeting(t *testing.T, f *svcFixture) (*council.Council, *council.Meeting, *council.Item, *council.Member) {
	t.Helper()
	c := ok[*council.Council](t)(f.svc.Create(f.ctx, f.o, council.CouncilInput{Kind: council.KindIntegrationCouncil, Name: "Integrationsrådet",
		Visibility: council.VisibilityPublic}))
	uid := f.member.UserID
	mb := ok[*council.Member](t)(f.svc.AddMember(f.ctx, f.o, c.ID, council.MemberInput{Name: "Nataliia Gudymenko", Role: council.RoleChair, UserID: &uid}))
	other := ok[*council.Member](t)(f.svc.AddMember(f.ctx, f.o, c.ID, council.MemberInput{Name: "Fithawi Habtom", Role: council.RoleMember}))
	m := ok[*council.Meeting](t)(f.svc.CreateMeeting(f.ctx, f.o, c.ID, council.MeetingInput{StartsAt: copenhagen(t, 2018, 6, 27, 16, 0), Place: "Mødelokale A"}))
	it := ok[*council.Item](t)(f.svc.AddItem(f.ctx, f.o, c.ID, m.ID, 0, council.ItemInput{Title: "Revidering af Retningslinjer for § 18-midler",
		CaseNumber: "27.15.12-Ø40-6-16", Decision: "Integrationsrådet tilslutter sig oplægget.", DecisionType: council.DecisionApproved}))
	ok[*council.Meeting](t)(f.svc.SetAttendance(f.ctx, f.o, c.ID, m.ID, 0, []council.AttendanceInput{
		{MemberID: mb.ID, Status: council.Present}, {MemberID: other.ID, Status: council.Present}}))
	ok[*council.Meeting](t)(f.svc.MarkHeld(f.ctx, f.o, f.secretary, c.ID, m.ID))
	noErr(t, f.svc.Circulate(f.ctx, f.o, f.secretary, c.ID, m.ID))
	return c, m, it, mb
}

// TestApprovedMinutesAreLockedAndCorrectedAsNewVersion: the member present
// who is a user signs with one click, which approves the Danish minutes;
// they are then locked; a correction is version 2, and both versions stay
// with who approved each.
func TestApprovedMinutesAreLockedAndCorrectedAsNewVersion(t *testing.T) {
	f := newSvcFixture(t)
	c, m, it, _ := approvedMeeting(t, f)
	// Only a member linked to the user signs.
	if err := f.svc.Sign(f.ctx, f.o, f.secretary, c.ID, m.ID); app.ErrorCode(err) != app.EForbidden {
		t.Fatalf("the secretary, not a member, signs: %v", err)
	}
	noErr(t, f.svc.Comment(f.ctx, f.o, f.member, c.ID, m.ID, "Punkt 9: «lokal forankring» skal stå i beslutningen."))
	in := council.ItemInputOf(it)
	in.Decision = "Integrationsrådet tilslutter sig oplægget og bemærker, at man finder det godt med lokal forankring og lokale tiltag."
	ok[*council.Item](t)(f.svc.UpdateItem(f.ctx, f.o, c.ID, m.ID, it.ID, 0, in))
	f.clock.T = f.clock.T.Add(time.Hour)
	// Until they sign, the minutes are on the signer's "My work", due a
	// week after they were sent round; nobody else has them.
	if items := signDue(t, f, f.member.UserID); len(items) != 1 || items[0].Source != "council.minutes" ||
		items[0].Due.Format(time.DateOnly) != "2018-06-27" || !strings.Contains(items[0].URL, "/meetings/") {
		t.Fatalf("My work before signing: %+v", items)
	}
	if items := signDue(t, f, f.secretary.UserID); len(items) != 0 {
		t.Fatalf("the secretary, no signer, has minutes to sign: %+v", items)
	}
	noErr(t, f.svc.Sign(f.ctx, f.o, f.member, c.ID, m.ID))
	if items := signDue(t, f, f.member.UserID); len(items) != 0 {
		t.Fatalf("My work after signing: %+v", items)
	}
	v := ok[*council.MeetingView](t)(f.svc.Meeting(f.ctx, f.o, c.ID, m.ID))
	if v.Minutes.State != council.MinutesApproved || v.Minutes.ApprovedBy != "Nataliia Gudymenko" {
		t.Fatalf("after the only signer signed: state %s, approved by %q", v.Minutes.State, v.Minutes.ApprovedBy)
	}
	var kinds []string
	for _, e := range v.Events[v.Minutes.ID] {
		kinds = append(kinds, e.Kind)
	}
	if got := strings.Join(kinds, " "); got != "drafted circulated comment amended signed approved" {
		t.Errorf("steps: %s", got)
	}
	// Locked: no change in place.
	in.Decision = "Ændret efter godkendelsen"
	if _, err := f.svc.UpdateItem(f.ctx, f.o, c.ID, m.ID, it.ID, 0, in); app.ErrorCode(err) != app.EConflict {
		t.Fatalf("editing an item of approved minutes: %v, want conflict", err)
	}
	if _, err := f.svc.SetAttendance(f.ctx, f.o, c.ID, m.ID, 0, nil); app.ErrorCode(err) != app.EConflict {
		t.Fatalf("changing attendance of approved minutes: %v, want conflict", err)
	}
	noErr(t, f.svc.Publish(f.ctx, f.o, f.secretary, c.ID, m.ID))
	// A correction: version 2, edited, approved by the secretary's
	// signature round again.
	if err := f.svc.Correct(f.ctx, f.o, f.secretary, c.ID, m.ID, ""); app.ErrorCode(err) != app.EInvalid {
		t.Fatalf("a correction without a reason: %v", err)
	}
	noErr(t, f.svc.Correct(f.ctx, f.o, f.secretary, c.ID, m.ID, "Stavefejl i beslutningen"))
	ok[*council.Item](t)(f.svc.UpdateItem(f.ctx, f.o, c.ID, m.ID, it.ID, 0, in))
	noErr(t, f.svc.Circulate(f.ctx, f.o, f.secretary, c.ID, m.ID))
	f.clock.T = f.clock.T.Add(24 * time.Hour)
	noErr(t, f.svc.Sign(f.ctx, f.o, f.member, c.ID, m.ID))
	versions, _, err := f.svc.Versions(f.ctx, f.o, m.ID)
	noErr(t, err)
	if len(versions) != 2 {
		t.Fatalf("%d versions, want 2", len(versions))
	}
	v1, d1 := versions[1], ok[*council.Doc](t)(versions[1].Doc())
	v2, d2 := versions[0], ok[*council.Doc](t)(versions[0].Doc())
	if v1.Version != 1 || v1.State != council.MinutesPublished || v2.Version != 2 || v2.State != council.MinutesApproved || v2.Reason != "Stavefejl i beslutningen" {
		t.Fatalf("versions: %d %s, %d %s %q", v1.Version, v1.State, v2.Version, v2.State, v2.Reason)
	}
	if !v2.ApprovedAt.After(*v1.ApprovedAt) || v1.ApprovedBy == "" || v2.ApprovedBy == "" {
		t.Errorf("approvals: v1 %v by %q, v2 %v by %q", v1.ApprovedAt, v1.ApprovedBy, v2.ApprovedAt, v2.ApprovedBy)
	}
	if !strings.HasPrefix(d1.Items[0].Decision, "Integrationsrådet tilslutter sig oplægget og bemærker") || d2.Items[0].Decision != "Ændret efter godkendelsen" {
		t.Errorf("frozen decisions: v1 %q, v2 %q", d1.Items[0].Decision, d2.Items[0].Decision)
	}
	// The public page keeps version 1 until version 2 is published.
	pm := ok[*council.PublicMeeting](t)(f.svc.PublicMeeting(f.ctx, f.o, c.ID, m.ID))
	if pm.Version.Version != 1 || !pm.Minutes {
		t.Errorf("public version %d", pm.Version.Version)
	}
}

// TestFollowUpOnMyWorkAndInNextAgenda: a follow-up action of a decision,
// due tomorrow, is on its responsible's "My work"; once done it shows on
// the decision and in the next meeting's status of earlier decisions.
func TestFollowUpOnMyWorkAndInNextAgenda(t *testing.T) {
	f := newSvcFixture(t)
	c, m, it, _ := approvedMeeting(t, f)
	tomorrow := date(2018, 6, 21)
	uid := f.member.UserID
	id := ok[string](t)(f.svc.AddFollowUp(f.ctx, f.o, f.secretary, c.ID, m.ID, it.ID, council.FollowUpInput{
		Description: "Afklare hvordan frivillige tolke fungerer andre steder", Responsible: "Nataliia Gudymenko", ResponsibleUser: &uid, Deadline: tomorrow}))
	other := dbtest.MustCreateOrg(t, f.bdb, org.KindMunicipality)
	stranger, _ := dbtest.MustCreateUser(t, f.bdb, other, "editor")
	if _, err := f.svc.AddFollowUp(f.ctx, f.o, f.secretary, c.ID, m.ID, it.ID, council.FollowUpInput{Description: "Til en fremmed",
		ResponsibleUser: &stranger.ID}); app.ErrorCode(err) != app.EInvalid {
		t.Fatalf("a follow-up action for a user of another municipality: %v", err)
	}
	var items []due.Item
	noErr(t, db.Run(f.ctx, f.bdb, db.OrgScope(f.o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		items, err = measure.Due{}.DueItems(ctx, idb, due.Query{OrgID: f.o.ID, OrgSlug: f.o.Slug, ResponsibleID: uid, OpenOnly: true})
		return err
	}))
	if len(items) != 1 || items[0].Title != "Afklare hvordan frivillige tolke fungerer andre steder" || items[0].Source != "council.followup" ||
		!strings.Contains(items[0].Context, "Integrationsrådet 27.06.2018, 1. Revidering") {
		t.Fatalf("My work: %+v", items)
	}
	next := ok[*council.Meeting](t)(f.svc.CreateMeeting(f.ctx, f.o, c.ID, council.MeetingInput{StartsAt: copenhagen(t, 2018, 8, 29, 16, 30)}))
	nv := ok[*council.MeetingView](t)(f.svc.Meeting(f.ctx, f.o, c.ID, next.ID))
	if len(nv.Earlier) != 1 || nv.Earlier[0].Measure.ID != id || nv.Earlier[0].Measure.Status != measure.StatusNotStarted {
		t.Fatalf("status of earlier decisions before: %+v", nv.Earlier)
	}
	// Only earlier meetings' actions, of this council: not on the meeting
	// that decided it, one before it, or another council's next meeting.
	youth := ok[*council.Council](t)(f.svc.Create(f.ctx, f.o, council.CouncilInput{Kind: council.KindIntegrationCouncil, Name: "Ungdomsrådet",
		Visibility: council.VisibilityPublic}))
	ok[*council.Meeting](t)(f.svc.CreateMeeting(f.ctx, f.o, youth.ID, council.MeetingInput{StartsAt: copenhagen(t, 2018, 6, 1, 16, 30)}))
	for _, mt := range []struct{ council, meeting int64 }{
		{c.ID, m.ID},
		{c.ID, ok[*council.Meeting](t)(f.svc.CreateMeeting(f.ctx, f.o, c.ID, council.MeetingInput{StartsAt: copenhagen(t, 2018, 5, 30, 16, 30)})).ID},
		{youth.ID, ok[*council.Meeting](t)(f.svc.CreateMeeting(f.ctx, f.o, youth.ID, council.MeetingInput{StartsAt: copenhagen(t, 2018, 8, 30, 16, 30)})).ID},
	} {
		if v := ok[*council.MeetingView](t)(f.svc.Meeting(f.ctx, f.o, mt.council, mt.meeting)); len(v.Earlier) != 0 {
			t.Errorf("council %d, meeting %d lists another meeting's action as its earlier decision: %+v", mt.council, mt.meeting, v.Earlier)
		}
	}
	f.clock.T = time.Date(2018, 7, 3, 10, 0, 0, 0, time.UTC)
	row := ok[*measure.MeasureRow](t)(f.svc.UpdateMeasure(f.ctx, f.o, f.member, id, council.MeasureUpdate{Status: measure.StatusDone, Note: "Frivilligcenteret har en tolkeordning"}))
	if row.Progress != 100 {
		t.Errorf("done with progress %d", row.Progress)
	}
	nv = ok[*council.MeetingView](t)(f.svc.Meeting(f.ctx, f.o, c.ID, next.ID))
	if len(nv.Earlier) != 1 || nv.Earlier[0].Measure.Status != measure.StatusDone {
		t.Fatalf("status of earlier decisions after closing: %+v", nv.Earlier)
	}
	decisions := ok[[]council.Decision](t)(f.svc.Decisions(f.ctx, f.o, council.DecisionFilter{Text: "retningslinjer"}))
	if len(decisions) != 1 || len(decisions[0].FollowUps) != 1 || decisions[0].OpenFollowUps() != 0 {
		t.Fatalf("register: %+v", decisions)
	}
	// A meeting after the next one no longer lists an action closed
	// before the one in between.
	after := ok[*council.Meeting](t)(f.svc.CreateMeeting(f.ctx, f.o, c.ID, council.MeetingInput{StartsAt: copenhagen(t, 2018, 10, 4, 16, 30)}))
	av := ok[*council.MeetingView](t)(f.svc.Meeting(f.ctx, f.o, c.ID, after.ID))
	if len(av.Earlier) != 0 {
		t.Errorf("an action closed before the previous meeting is listed again: %+v", av.Earlier)
	}
	// Another source's measure is not the council's to update.
	if _, err := f.svc.UpdateMeasure(f.ctx, f.o, f.member, "nonexistent0000a", council.MeasureUpdate{Status: "done"}); !app.IsNotFound(err) {
		t.Errorf("unknown measure: %v", err)
	}
}

// signDue answers the minutes user has to sign, as "My work" lists them.
func signDue(t *testing.T, f *svcFixture, user int64) []due.Item {
	t.Helper()
	var items []due.Item
	noErr(t, db.Run(f.ctx, f.bdb, db.OrgScope(f.o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		items, err = council.SignDue{}.DueItems(ctx, idb, due.Query{OrgID: f.o.ID, OrgSlug: f.o.Slug, ResponsibleID: user, OpenOnly: true})
		return err
	}))
	return items
}

// TestApprovalAtNextMeeting: a Norwegian group approves its minutes at
// the next meeting; that meeting lists them, the secretary records the
// approval there with the item that approved them, and the approval names
// the meeting and item.
func TestApprovalAtNextMeeting(t *testing.T) {
	f := newSvcFixture(t)
	g := ok[*council.Council](t)(f.svc.Create(f.ctx, f.o, council.CouncilInput{Kind: council.KindSteeringGroup, Name: "Styringsgruppe for integrering",
		SignOff: council.SignOffNextMeeting}))
	oslo := func(d int, mo time.Month) time.Time {
		loc, _ := time.LoadLocation("Europe/Oslo")
		return time.Date(2018, mo, d, 9, 0, 0, 0, loc)
	}
	first := ok[*council.Meeting](t)(f.svc.CreateMeeting(f.ctx, f.o, g.ID, council.MeetingInput{StartsAt: oslo(27, 6)}))
	ok[*council.Item](t)(f.svc.AddItem(f.ctx, f.o, g.ID, first.ID, 0, council.ItemInput{Title: "Verdiplattform for integrering", Decision: "Sendes på høring."}))
	ok[*council.Meeting](t)(f.svc.MarkHeld(f.ctx, f.o, f.secretary, g.ID, first.ID))
	next := ok[*council.Meeting](t)(f.svc.CreateMeeting(f.ctx, f.o, g.ID, council.MeetingInput{StartsAt: oslo(14, 9)}))
	v := ok[*council.MeetingView](t)(f.svc.Meeting(f.ctx, f.o, g.ID, next.ID))
	if len(v.Pending) != 1 || v.Pending[0].ID != first.ID {
		t.Fatalf("the next meeting's minutes to approve: %+v", v.Pending)
	}
	// Not at an earlier meeting, nor without one.
	if err := f.svc.Approve(f.ctx, f.o, f.secretary, g.ID, first.ID, council.ApproveInput{}); app.ErrorCode(err) != app.EInvalid {
		t.Fatalf("approval without the approving meeting: %v", err)
	}
	noErr(t, f.svc.Approve(f.ctx, f.o, f.secretary, g.ID, first.ID, council.ApproveInput{AtMeetingID: next.ID, Ref: "Sak 1/2018"}))
	mn, _, err := f.svc.MinutesVersion(f.ctx, f.o, first.ID, 1)
	noErr(t, err)
	if mn.State != council.MinutesApproved || mn.ApprovedRef != "2018-09-14, Sak 1/2018" || mn.ApprovedBy != "Styringsgruppe for integrering" {
		t.Fatalf("approval: %s by %q at %q", mn.State, mn.ApprovedBy, mn.ApprovedRef)
	}
	if v := ok[*council.MeetingView](t)(f.svc.Meeting(f.ctx, f.o, g.ID, next.ID)); len(v.Pending) != 0 {
		t.Errorf("approved minutes still pending: %+v", v.Pending)
	}
}

// TestPendingAfterManyMeetings: a group that has held more meetings than
// the page lists for approval is offered the latest, the meeting just
// before first among them, not the oldest of its history.
func TestPendingAfterManyMeetings(t *testing.T) {
	f := newSvcFixture(t)
	g := ok[*council.Council](t)(f.svc.Create(f.ctx, f.o, council.CouncilInput{Kind: council.KindSteeringGroup, Name: "Styringsgruppe for bosetting",
		SignOff: council.SignOffNextMeeting}))
	loc, _ := time.LoadLocation("Europe/Oslo")
	var held []*council.Meeting
	for i := range 14 {
		m := ok[*council.Meeting](t)(f.svc.CreateMeeting(f.ctx, f.o, g.ID, council.MeetingInput{StartsAt: time.Date(2019, time.Month(1+i), 10, 9, 0, 0, 0, loc)}))
		held = append(held, ok[*council.Meeting](t)(f.svc.MarkHeld(f.ctx, f.o, f.secretary, g.ID, m.ID)))
	}
	next := ok[*council.Meeting](t)(f.svc.CreateMeeting(f.ctx, f.o, g.ID, council.MeetingInput{StartsAt: time.Date(2020, 3, 10, 9, 0, 0, 0, loc)}))
	v := ok[*council.MeetingView](t)(f.svc.Meeting(f.ctx, f.o, g.ID, next.ID))
	var got, want []int64
	for _, m := range v.Pending {
		got = append(got, m.ID)
	}
	for _, m := range held[2:] {
		want = append(want, m.ID)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("minutes offered for approval %v, want the latest twelve held %v", got, want)
	}
}
