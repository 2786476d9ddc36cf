package reports_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/document/doctest"
	"github.com/samvirke/samvirke/internal/mail/mailtest"
	"github.com/samvirke/samvirke/internal/org"
)

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// setLocale sets a user's language.
func setLocale(t *testing.T, w *world, u *account.User, loc string) {
	t.Helper()
	if err := db.Run(context.Background(), w.h.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		_, err := idb.NewRaw("UPDATE users SET locale = ? WHERE id = ?", loc, u.ID).Exec(ctx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func pdfOf(t *testing.T, m mailtest.Received) string {
	t.Helper()
	a, ok := m.Attachment("application/pdf")
	if !ok {
		t.Fatalf("%q has no PDF attached", m.Subject)
	}
	return strings.Join(lines(doctest.PDFText(t, a.Data).Text), "\n")
}

// TestCouncilAgendaAndMinutes: the immigrant council's agenda goes to
// its current members seven days before the meeting (not eight), each in
// their language with the agenda as PDF; a member who left and a member
// with no user get nothing; a second run sends nothing. Once the minutes
// are approved and published, the next run sends them, as PDF, to the
// same members, once.
func TestCouncilAgendaAndMinutes(t *testing.T) {
	w := newWorld(t, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	h := w.h
	ctx := context.Background()
	o := h.Org(org.KindMunicipality)
	anne, bjorn, carl := h.User(o, "viewer"), h.User(o, "viewer"), h.User(o, "viewer")
	sec := h.User(o, "editor")
	setLocale(t, w, bjorn, "en")
	c := must[*council.Council](t)(h.Councils.Create(ctx, o, council.CouncilInput{Kind: council.KindImmigrantCouncil, Name: "Innvandrerrådet «Øst»",
		SignOff: council.SignOffMembersPresent}))
	id := func(u *account.User) *int64 { return &u.ID }
	left := time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC)
	am := must[*council.Member](t)(h.Councils.AddMember(ctx, o, c.ID, council.MemberInput{Name: "Anne Åsheim", Role: council.RoleChair, UserID: id(anne)}))
	must[*council.Member](t)(h.Councils.AddMember(ctx, o, c.ID, council.MemberInput{Name: "Bjørn Ødegård", Role: council.RoleMember, UserID: id(bjorn)}))
	must[*council.Member](t)(h.Councils.AddMember(ctx, o, c.ID, council.MemberInput{Name: "Carl Berg", Role: council.RoleMember, UserID: id(carl), ToDate: &left}))
	must[*council.Member](t)(h.Councils.AddMember(ctx, o, c.ID, council.MemberInput{Name: "Dina Haugen", Role: council.RoleMember}))
	m := must[*council.Meeting](t)(h.Councils.CreateMeeting(ctx, o, c.ID, council.MeetingInput{StartsAt: time.Date(2026, 3, 18, 17, 0, 0, 0, oslo), Place: "Rådhuset, møterom «Tranen»"}))
	must[*council.Item](t)(h.Councils.AddItem(ctx, o, c.ID, m.ID, 0, council.ItemInput{Title: "Språkkafé på biblioteket – «æøå»"}))
	must[*council.Meeting](t)(h.Councils.PublishAgenda(ctx, o, c.ID, m.ID))

	w.runAt(t, o, time.Date(2026, 3, 10, 8, 0, 0, 0, oslo)) // eight days before
	if n := len(h.Mail()); n != 0 {
		t.Fatalf("%d messages eight days before the meeting", n)
	}
	for range 2 {
		w.runAt(t, o, time.Date(2026, 3, 11, 8, 0, 0, 0, oslo))
	}
	w.runAt(t, o, time.Date(2026, 3, 12, 8, 0, 0, 0, oslo))
	if got := w.mailTo(carl.Email); len(got) != 0 {
		t.Errorf("the member who left got %d messages", len(got))
	}
	if n := len(h.Mail()); n != 2 {
		t.Fatalf("%d messages, want the agenda to each of the two current members", n)
	}
	a := w.mailTo(anne.Email)
	if len(a) != 1 || a[0].Subject != "Sakliste: Innvandrerrådet «Øst» 18. mars 2026" {
		t.Fatalf("Anne got %d: %q", len(a), subjectsOf(a))
	}
	if !strings.Contains(a[0].Text, "kl. 17:00") || !strings.Contains(a[0].Text, "Sted: Rådhuset, møterom «Tranen».") {
		t.Errorf("the agenda mail lacks time and place:\n%s", a[0].Text)
	}
	// (The PDF's text as doctest reads it drops the en dash.)
	if txt := pdfOf(t, a[0]); !strings.Contains(txt, "Sak 1: Språkkafé på biblioteket") || !strings.Contains(txt, "«æøå»") ||
		!strings.Contains(txt, "Saksliste Innvandrerrådet «Øst» 18.03.2026") || !strings.Contains(txt, "Møtested: Rådhuset, møterom «Tranen»") {
		t.Errorf("the agenda PDF lacks the item:\n%s", txt)
	}
	b := w.mailTo(bjorn.Email)
	if len(b) != 1 || b[0].Subject != "Agenda: Innvandrerrådet «Øst» 18 March 2026" {
		t.Fatalf("Bjørn (English) got %q", subjectsOf(b))
	}
	pdfOf(t, b[0])

	// The meeting is held; the minutes approved by the chair and
	// published.
	w.clock.Set(time.Date(2026, 3, 19, 10, 0, 0, 0, oslo))
	secretary := &app.Actor{UserID: sec.ID, Email: sec.Email, Name: "Siri Sekretær", OrgID: o.ID, Role: "editor"}
	chair := &app.Actor{UserID: anne.ID, Email: anne.Email, Name: "Anne Åsheim", OrgID: o.ID, Role: "viewer"}
	must[*council.Meeting](t)(h.Councils.SetAttendance(ctx, o, c.ID, m.ID, 0, []council.AttendanceInput{{MemberID: am.ID, Status: council.Present}}))
	must[*council.Meeting](t)(h.Councils.MarkHeld(ctx, o, secretary, c.ID, m.ID))
	if err := h.Councils.Circulate(ctx, o, secretary, c.ID, m.ID); err != nil {
		t.Fatal(err)
	}
	if err := h.Councils.Sign(ctx, o, chair, c.ID, m.ID); err != nil {
		t.Fatal(err)
	}
	w.runAt(t, o, time.Date(2026, 3, 20, 8, 0, 0, 0, oslo)) // approved, not published: nothing
	if n := len(h.Mail()); n != 2 {
		t.Fatalf("%d messages before the minutes are published", n)
	}
	w.clock.Set(time.Date(2026, 3, 20, 12, 0, 0, 0, oslo))
	if err := h.Councils.Publish(ctx, o, secretary, c.ID, m.ID); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		w.runAt(t, o, time.Date(2026, 3, 23, 8, 0, 0, 0, oslo))
	}
	w.runAt(t, o, time.Date(2026, 3, 24, 8, 0, 0, 0, oslo))
	if n := len(h.Mail()); n != 4 {
		t.Fatalf("%d messages, want the minutes to each of the two members once more", n)
	}
	a = w.mailTo(anne.Email)
	if a[1].Subject != "Protokoll: Innvandrerrådet «Øst» 18. mars 2026" {
		t.Errorf("minutes subject %q", a[1].Subject)
	}
	if txt := pdfOf(t, a[1]); !strings.Contains(txt, "Sak 1: Språkkafé på biblioteket") || !strings.Contains(txt, "Anne Åsheim") {
		t.Errorf("the minutes PDF lacks the item or who was present:\n%s", txt)
	}
	if b = w.mailTo(bjorn.Email); b[1].Subject != "Minutes: Innvandrerrådet «Øst» 18 March 2026" {
		t.Errorf("Bjørn's minutes: %q", b[1].Subject)
	}
	if got := w.mailTo(carl.Email); len(got) != 0 {
		t.Errorf("the member who left got %d messages", len(got))
	}
}

func subjectsOf(ms []mailtest.Received) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Subject)
	}
	return out
}
