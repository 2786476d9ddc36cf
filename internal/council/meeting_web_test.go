package council_test

import (
	"bytes"
	"context"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
)

// mtSetup is a Danish municipality with a public integration council
// whose members sign the minutes, a secretary and the council's base URL.
type mtSetup struct {
	r    *webtest.Harness
	o    *org.Organisation
	c    *council.Council
	sec  *account.User
	sc   *webtest.Client
	base string // /o/{slug}/councils/{id}
	jan1 time.Time
}

func newMtSetup(t *testing.T) *mtSetup {
	t.Helper()
	r := webtest.New(t, webtest.Options{})
	o := r.Org(org.KindMunicipality, func(o *org.Organisation) {
		o.Locale, o.TimeZone, o.Country, o.MunicipalityNumber = "da", "Europe/Copenhagen", "DK", "787"
	})
	sec := r.User(o, "secretary")
	from, to := 2018, 2030
	c, err := r.Councils.Create(context.Background(), o, council.CouncilInput{Kind: council.KindIntegrationCouncil, Name: "Integrationsrådet",
		TermFrom: &from, TermTo: &to, MinMeetings: 6, SignOff: council.SignOffMembersPresent, Visibility: council.VisibilityPublic})
	if err != nil {
		t.Fatal(err)
	}
	return &mtSetup{r: r, o: o, c: c, sec: sec, sc: r.Client(sec), base: "/o/" + o.Slug + "/" + c.Path(),
		jan1: time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)}
}

// member adds a member from 1 January 2018 (until to, when set), linked
// to user u when given.
func (m *mtSetup) member(t *testing.T, name, role string, u *account.User, to *time.Time) *council.Member {
	t.Helper()
	in := council.MemberInput{Name: name, Role: role, FromDate: &m.jan1, ToDate: to}
	if u != nil {
		in.UserID = &u.ID
	}
	mb, err := m.r.Councils.AddMember(context.Background(), m.o, m.c.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	return mb
}

// meeting plans a meeting at starts, answering its page's URL.
func (m *mtSetup) meeting(t *testing.T, starts time.Time) (*council.Meeting, string) {
	t.Helper()
	mt, err := m.r.Councils.CreateMeeting(context.Background(), m.o, m.c.ID, council.MeetingInput{StartsAt: starts, Place: "Mødelokale 1, Rådhuset"})
	if err != nil {
		t.Fatal(err)
	}
	return mt, m.base + "/meetings/" + strconv.FormatInt(mt.ID, 10)
}

func (m *mtSetup) rev(t *testing.T, mt *council.Meeting) string {
	t.Helper()
	got, err := m.r.Councils.GetMeeting(context.Background(), m.o, m.c.ID, mt.ID)
	if err != nil {
		t.Fatal(err)
	}
	return strconv.Itoa(got.Rev)
}

var itemPath = regexp.MustCompile(`/items/(\d+)$`)

// addItem adds an item through the form, answering its page's URL.
func (m *mtSetup) addItem(t *testing.T, mt *council.Meeting, page string, form url.Values) string {
	t.Helper()
	form.Set("rev", m.rev(t, mt))
	resp, body := m.sc.PostResponse(page+"/items", form)
	if resp.StatusCode != 303 || !itemPath.MatchString(resp.Header.Get("Location")) {
		t.Fatalf("add item: %d %s %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	return resp.Header.Get("Location")
}

// post posts form as c and wants 303.
func mtPost(t *testing.T, c *webtest.Client, path string, form url.Values) {
	t.Helper()
	if code, body := c.Post(path, form); code != 303 {
		t.Fatalf("POST %s: %d\n%s", path, code, mtErrors(body))
	}
}

var errorText = regexp.MustCompile(`(?s)<div class="error-summary".*?</div>|<p class="field-error"[^>]*>[^<]*</p>`)

// mtErrors answers the error messages of a page, for failure messages.
func mtErrors(body string) string { return strings.Join(errorText.FindAllString(body, -1), "\n") }

// section answers the part of page from the element with id to the end
// of its section.
func section(t *testing.T, page, id string) string {
	t.Helper()
	i := strings.Index(page, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no section %q on the page", id)
	}
	rest := page[i:]
	if j := strings.Index(rest, "</section>"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// TestMeetingFollowUpOnMyWorkAndEarlierDecisions (acceptance 3): a
// follow-up action due tomorrow, added on a decision's page, is on its
// responsible's «My work»; closing it from the measure's page shows on the
// decision and in the next meeting's status of earlier decisions.
func TestMeetingFollowUpOnMyWorkAndEarlierDecisions(t *testing.T) {
	t.Parallel()
	m := newMtSetup(t)
	resp := m.r.User(m.o, "contributor")
	rc := m.r.Client(resp)
	now := time.Now()
	held, heldURL := m.meeting(t, now.AddDate(0, 0, -7))
	_, nextURL := m.meeting(t, now.AddDate(0, 1, 0))
	item := m.addItem(t, held, heldURL, url.Values{"title": {"Revidering af Retningslinjer for § 18-midler"}, "case_number": {"27.15.12-Ø40-6-16"},
		"decision": {"Integrationsrådet tilslutter sig oplægget."}, "decision_type": {"approved"}})
	tomorrow := time.Now().In(m.o.Location()).AddDate(0, 0, 1).Format("02.01.2006")
	// A day that does not exist is refused as typed, not kept as words.
	if code, body := m.sc.Post(item+"/followups", url.Values{"description": {"Afklare brug af frivillige tolke"}, "deadline": {"31.02.2026"}}); code != 422 ||
		!strings.Contains(body, `value="31.02.2026"`) || !strings.Contains(mtErrors(body), m.r.Catalog.T("da", "council_meeting.error.date")) {
		t.Fatalf("a deadline on 31 February: %d\n%s", code, mtErrors(body))
	}
	mtPost(t, m.sc, item+"/followups", url.Values{"description": {"Afklare brug af frivillige tolke"}, "responsible": {"Jobcenterchef"},
		"responsible_user": {strconv.FormatInt(resp.ID, 10)}, "deadline": {tomorrow}})

	// On the item page, with its status.
	_, page := m.sc.Get(item)
	fu := section(t, page, "followups")
	if !strings.Contains(fu, "Afklare brug af frivillige tolke") || !strings.Contains(fu, "pill-not_started") || !strings.Contains(fu, "Jobcenterchef") {
		t.Fatalf("follow-up on the item page:\n%s", fu)
	}
	link := regexp.MustCompile(`href="(/o/[^/]+/measures/[a-z0-9]+)`).FindStringSubmatch(fu)
	if link == nil {
		t.Fatalf("no link to the measure:\n%s", fu)
	}
	// On the responsible's «My work».
	code, dash := rc.Get("/o/" + m.o.Slug + "/dashboard")
	if code != 200 || !strings.Contains(dash, "Afklare brug af frivillige tolke") {
		t.Fatalf("My work: %d, the follow-up action is not on it", code)
	}
	// … with the quick status form every measure has there.
	if !strings.Contains(dash, `<form method="post" action="`+link[1]+`/status" class="quick-update">`) {
		t.Errorf("My work offers no status update of the follow-up action")
	}
	// In the next meeting's status of earlier decisions, open.
	_, next := m.sc.Get(nextURL)
	earlier := section(t, next, "earlier")
	if !strings.Contains(earlier, "Afklare brug af frivillige tolke") || !strings.Contains(earlier, "pill-not_started") {
		t.Fatalf("status of earlier decisions before closing:\n%s", earlier)
	}
	// Due tomorrow, it is overdue by the next meeting's day, in words.
	overdue := `<span class="status overdue">Overskredet</span>`
	if !strings.Contains(earlier, overdue) {
		t.Fatalf("the open action due before the meeting is not marked overdue:\n%s", earlier)
	}
	// The measure's page says whose decision it serves.
	_, mp := rc.Get(link[1])
	if !strings.Contains(mp, "Revidering af Retningslinjer for § 18-midler") || !strings.Contains(mp, heldURL) {
		t.Fatalf("the measure page does not name the decision")
	}
	// Closed by its responsible from the measure's page.
	mtPost(t, rc, link[1]+"/status", url.Values{"status": {"done"}, "progress": {"100"}, "note": {"Aftale med Røde Kors."}})
	_, page = m.sc.Get(item)
	if fu := section(t, page, "followups"); !strings.Contains(fu, "pill-done") || strings.Contains(fu, "pill-not_started") {
		t.Fatalf("item page after closing:\n%s", fu)
	}
	_, next = m.sc.Get(nextURL)
	if earlier := section(t, next, "earlier"); !strings.Contains(earlier, "Afklare brug af frivillige tolke") || !strings.Contains(earlier, "pill-done") ||
		strings.Contains(earlier, overdue) {
		t.Fatalf("status of earlier decisions after closing:\n%s", earlier)
	}
	// The next meeting's agenda prints the same section.
	_, pdf := m.sc.Get(nextURL + "/agenda.pdf")
	text := strings.Join(strings.Fields(pdfText(t, pdf)), " ")
	for _, want := range []string{"Status på tidligere beslutninger", "Afklare brug af frivillige tolke", "Gennemført"} {
		if !strings.Contains(text, want) {
			t.Errorf("the next agenda's PDF lacks %q:\n%s", want, text)
		}
	}
	// The meeting after the next one no longer hears of an action closed
	// before the next one met: it is settled.
	_, thirdURL := m.meeting(t, now.AddDate(0, 2, 0))
	_, third := m.sc.Get(thirdURL)
	if earlier := section(t, third, "earlier"); strings.Contains(earlier, "Afklare brug af frivillige tolke") {
		t.Errorf("a meeting two months on still lists the action closed before the previous meeting:\n%s", earlier)
	}
}

// multipartPost uploads content as file name with title to path.
func multipartPost(t *testing.T, r *webtest.Harness, c *webtest.Client, path, title, name string, content []byte) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("title", title)
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(content)
	_ = w.Close()
	req, err := http.NewRequest("POST", r.URLOf(path), &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp := c.Do(req)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (m *mtSetup) fileCount(t *testing.T) int64 {
	t.Helper()
	var n int64
	err := db.Run(context.Background(), m.r.DB, db.OrgScope(m.o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		n, err = idb.NewSelect().Table("files").Where("org_id = ?", m.o.ID).Count(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestMeetingAttachmentRefused (acceptance 4, first half): a file named
// .pdf whose content is not an allowed type, and a PDF over the size
// limit, are refused on the item's page with a clear message and the
// title kept; nothing is stored. A real PDF is stored and downloads.
func TestMeetingAttachmentRefused(t *testing.T) {
	t.Parallel()
	m := newMtSetup(t)
	mt, mtURL := m.meeting(t, time.Now().AddDate(0, 0, 14))
	item := m.addItem(t, mt, mtURL, url.Values{"title": {"Retningslinjer for § 18-midler"}})
	da := func(key string, args ...any) string { return m.r.Catalog.T("da", key, args...) }

	forged := []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")
	code, page := multipartPost(t, m.r, m.sc, item+"/attachments", "Retningslinjer 2018", "retningslinjer.pdf", forged)
	want := da("files.error.type", "types", "PDF, ZIP, PNG, JPEG, text/plain")
	if code != 422 || !strings.Contains(page, want) || !strings.Contains(page, `value="Retningslinjer 2018"`) {
		t.Fatalf("forged type: %d, want 422 with %q and the title kept\n%s", code, want, mtErrors(page))
	}
	big := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0"), council.MaxAttachmentBytes+1-9)...)
	code, page = multipartPost(t, m.r, m.sc, item+"/attachments", "Skannet vejledning", "vejledning.pdf", big)
	if code != 413 || !strings.Contains(page, `id="f-file-error"`) || !strings.Contains(page, "20") || !strings.Contains(page, `value="Skannet vejledning"`) {
		t.Fatalf("too large: %d\n%s", code, mtErrors(page))
	}
	if n := m.fileCount(t); n != 0 {
		t.Fatalf("%d files stored after refusals", n)
	}
	_, page = m.sc.Get(item)
	if strings.Contains(page, "/attachments/") && strings.Contains(page, "download>") {
		t.Fatalf("an attachment is listed after refusals")
	}

	pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	if code, body := multipartPost(t, m.r, m.sc, item+"/attachments", "Retningslinjer 2018", "retningslinjer.pdf", pdf); code != 303 {
		t.Fatalf("real PDF: %d\n%s", code, mtErrors(body))
	}
	_, page = m.sc.Get(item)
	dl := regexp.MustCompile(`href="([^"]+/attachments/\d+)" download>Retningslinjer 2018<`).FindStringSubmatch(page)
	if dl == nil {
		t.Fatalf("the stored attachment is not listed")
	}
	viewer := m.r.Client(m.r.User(m.o, "viewer"))
	if code, body := viewer.Get(dl[1]); code != 200 || body != string(pdf) {
		t.Fatalf("download: %d", code)
	}
}

// TestMeetingMemberWhoLeftIsNotListed (acceptance 5): a member whose
// membership ended before the meeting is neither offered on its
// attendance form nor listed as absent; recording them is refused.
func TestMeetingMemberWhoLeftIsNotListed(t *testing.T) {
	t.Parallel()
	m := newMtSetup(t)
	now := time.Now().UTC()
	left := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -30)
	chair := m.member(t, "Nataliia Gudymenko", council.RoleChair, nil, nil)
	gone := m.member(t, "Zenawi Ghebremichael", council.RoleMember, nil, &left)
	absent := m.member(t, "Mushin Jetto", council.RoleMember, nil, nil)
	sub := m.member(t, "Mezgebu Nugersie", council.RoleSubstitute, nil, nil)
	mt, mtURL := m.meeting(t, now.AddDate(0, 0, -2))
	item := m.addItem(t, mt, mtURL, url.Values{"title": {"Ændring i Integrationsrådet"}, "decision": {"Taget til efterretning."}})

	_, page := m.sc.Get(mtURL)
	att := section(t, page, "attendance")
	for _, mb := range []*council.Member{chair, absent} {
		if !strings.Contains(att, `name="status_`+strconv.FormatInt(mb.ID, 10)+`"`) {
			t.Fatalf("%s is not on the attendance form", mb.Name)
		}
	}
	if strings.Contains(page, gone.Name) || strings.Contains(att, `name="status_`+strconv.FormatInt(gone.ID, 10)+`"`) {
		t.Fatalf("the member who left is offered on the meeting page:\n%s", att)
	}
	id := func(mb *council.Member) string { return strconv.FormatInt(mb.ID, 10) }
	// Recording the member who left is refused, and nothing is recorded.
	code, body := m.sc.Post(mtURL+"/attendance", url.Values{"rev": {m.rev(t, mt)}, "member": {id(chair), id(gone)},
		"status_" + id(chair): {"present"}, "status_" + id(gone): {"absent"}})
	if code != 422 || !strings.Contains(body, m.r.Catalog.T("da", "council.error.attendance_member")) {
		t.Fatalf("attendance of a member who left: %d\n%s", code, mtErrors(body))
	}
	mtPost(t, m.sc, mtURL+"/attendance", url.Values{"rev": {m.rev(t, mt)}, "member": {id(chair), id(absent)},
		"status_" + id(chair): {"present"}, "status_" + id(absent): {"absent_notice"}, "sub_" + id(absent): {id(sub)}})
	_, page = m.sc.Get(item)
	if !strings.Contains(page, "Mushin Jetto") || strings.Contains(page, gone.Name) {
		t.Fatalf("absentees of the item: want Mushin Jetto only")
	}
	_, page = m.sc.Get(mtURL)
	att = section(t, page, "attendance")
	if !strings.Contains(att, `<option value="absent_notice" selected>`) || !strings.Contains(att, `<option value="`+id(sub)+`" selected>`) || strings.Contains(page, gone.Name) {
		t.Fatalf("recorded attendance:\n%s", att)
	}
}

// TestMeetingApprovedMinutesLockedAndCorrected (acceptance 6): once a
// member present signs, the minutes are approved and the item's edit
// answers 409 with the locked message; a correction opens version 2,
// which the secretary approves; the meeting page lists both versions
// with who approved each, and version 1 keeps its frozen text.
func TestMeetingApprovedMinutesLockedAndCorrected(t *testing.T) {
	t.Parallel()
	m := newMtSetup(t)
	u := m.r.User(m.o, "viewer")
	uc := m.r.Client(u)
	signer := m.member(t, "Nataliia Gudymenko", council.RoleChair, u, nil)
	other := m.member(t, "Fithawi Habtom", council.RoleMember, nil, nil)
	mt, mtURL := m.meeting(t, time.Now().AddDate(0, 0, -3))
	item := m.addItem(t, mt, mtURL, url.Values{"title": {"Integrationsrådets forretningsorden"}, "decision": {"Godkendt med de faldne bemærkninger."},
		"decision_type": {"approved"}})
	id := func(mb *council.Member) string { return strconv.FormatInt(mb.ID, 10) }
	mtPost(t, m.sc, mtURL+"/attendance", url.Values{"rev": {m.rev(t, mt)}, "member": {id(signer), id(other)},
		"status_" + id(signer): {"present"}, "status_" + id(other): {"present"}})
	mtPost(t, m.sc, mtURL+"/status", url.Values{"action": {"held"}})
	mtPost(t, m.sc, mtURL+"/minutes/circulate", nil)
	// Its time is typed on a 24-hour clock, with a colon or a full stop; a
	// time that is none is refused at its field, as typed.
	day := mt.StartsAt.In(m.o.Location()).Format("02.01.2006")
	if code, body := m.sc.Post(mtURL, url.Values{"rev": {m.rev(t, mt)}, "date": {day}, "time": {"9.15"}, "end_time": {"24.30"}}); code != 422 ||
		!strings.Contains(body, `href="#f-end_time"`) || !strings.Contains(body, `value="24.30"`) || !strings.Contains(body, `value="9.15"`) {
		t.Fatalf("a meeting ending at 24.30: %d\n%s", code, mtErrors(body))
	}
	mtPost(t, m.sc, mtURL, url.Values{"rev": {m.rev(t, mt)}, "date": {day}, "time": {"9.15"}, "end_time": {"11:00"}})
	if got, _ := m.r.Councils.GetMeeting(context.Background(), m.o, m.c.ID, mt.ID); got.StartsAt.In(m.o.Location()).Format("02.01.2006 15:04") != day+" 09:15" {
		t.Fatalf("the meeting starts %v, want %s 09:15", got.StartsAt.In(m.o.Location()), day)
	}
	// The meeting's documents, near its header: the minutes as a draft
	// until approved; no public page while nothing is published. The
	// breadcrumbs name councils as the navigation does.
	docs := func(page string) string {
		t.Helper()
		i := strings.Index(page, `<nav class="link-row"`)
		if i < 0 {
			t.Fatal("the meeting page has no links to its documents")
		}
		return page[i : i+strings.Index(page[i:], "</nav>")]
	}
	_, page := m.sc.Get(mtURL)
	d := docs(page)
	for _, want := range []string{`href="` + mtURL + `/agenda.pdf"`, `href="` + mtURL + `/minutes.pdf">Udkast til referat (PDF)`, `href="` + mtURL + `/event.ics"`} {
		if !strings.Contains(d, want) {
			t.Errorf("meeting documents: no %s in\n%s", want, d)
		}
	}
	if strings.Contains(d, "/p/") {
		t.Errorf("a public page is linked before anything is published:\n%s", d)
	}
	if !strings.Contains(page, `<li><a href="/o/`+m.o.Slug+`/councils">Råd</a></li>`) || strings.Contains(page, "Råd og udvalg") {
		t.Error("the breadcrumbs do not start with «Råd»")
	}
	for _, p := range []string{"/agenda.pdf", "/minutes.pdf", "/event.ics"} {
		if code, body := m.sc.Get(mtURL + p); code != 200 || !(strings.HasPrefix(body, "%PDF") || strings.HasPrefix(body, "BEGIN:VCALENDAR")) {
			t.Errorf("GET %s: %d, not a PDF or calendar", p, code)
		}
	}
	// One-click approval by the member present who is a user.
	_, page = uc.Get(mtURL)
	if !strings.Contains(section(t, page, "minutes"), `action="`+mtURL+`/minutes/sign"`) {
		t.Fatalf("the signer is not offered the sign button")
	}
	mtPost(t, uc, mtURL+"/minutes/sign", nil)
	_, page = uc.Get(mtURL)
	if signed := "<li>Nataliia Gudymenko: " + m.r.Catalog.T("da", "council_meeting.minutes.has_signed") + "</li>"; !strings.Contains(section(t, page, "minutes"), signed) {
		t.Fatalf("the signature is not shown: no %s in\n%s", signed, section(t, page, "minutes"))
	}

	edit := url.Values{"rev": {m.rev(t, mt)}, "title": {"Integrationsrådets forretningsorden"}, "decision": {"Godkendt uden bemærkninger."}}
	code, body := m.sc.Post(item, edit)
	if code != 409 || !strings.Contains(body, m.r.Catalog.T("da", "council.error.locked")) {
		t.Fatalf("editing an approved item: %d, want 409 with the locked message\n%s", code, mtErrors(body))
	}
	if _, page := m.sc.Get(item + "/edit"); strings.Contains(page, `action="`+item+`"`) || !strings.Contains(page, m.r.Catalog.T("da", "council_meeting.locked")) {
		t.Fatalf("the locked item's edit page still offers its form or says nothing")
	}
	if _, page := m.sc.Get(mtURL); strings.Contains(page, `action="`+mtURL+`/attendance"`) || !strings.Contains(page, m.r.Catalog.T("da", "council_meeting.locked")) {
		t.Fatalf("the locked meeting still offers the attendance form or says nothing")
	}

	mtPost(t, m.sc, mtURL+"/minutes/correct", url.Values{"reason": {"Beslutningen var gengivet forkert."}})
	edit.Set("rev", m.rev(t, mt))
	mtPost(t, m.sc, item, edit)
	// The signer is away from the corrected record, so the secretary approves.
	mtPost(t, m.sc, mtURL+"/attendance", url.Values{"rev": {m.rev(t, mt)}, "member": {id(signer), id(other)},
		"status_" + id(signer): {"absent_notice"}, "status_" + id(other): {"present"}})
	mtPost(t, m.sc, mtURL+"/minutes/approve", nil)

	_, page = m.sc.Get(mtURL)
	mins := section(t, page, "minutes")
	v1 := regexp.MustCompile(`(?s)<li><a href="[^"]+/minutes/1">.*?</li>`).FindString(mins)
	v2 := regexp.MustCompile(`(?s)<li><a href="[^"]+/minutes/2">.*?</li>`).FindString(mins)
	if !strings.Contains(v1, "Nataliia Gudymenko") || !strings.Contains(v2, m.sec.Name) || strings.Contains(v2, "Nataliia") {
		t.Fatalf("versions with their approvers:\n%s\n%s", v1, v2)
	}
	// Each frozen version links its PDF; once published, the public page.
	for _, v := range []string{v1, v2} {
		pdf := regexp.MustCompile(`href="([^"]+/minutes\.pdf\?version=\d)"`).FindStringSubmatch(v)
		if pdf == nil {
			t.Fatalf("a version without its PDF:\n%s", v)
		}
		if code, body := m.sc.Get(html.UnescapeString(pdf[1])); code != 200 || !strings.HasPrefix(body, "%PDF") {
			t.Errorf("GET %s: %d, not a PDF", pdf[1], code)
		}
	}
	if d := docs(page); !strings.Contains(d, `/minutes.pdf">Referat (PDF)`) || strings.Contains(d, "/p/") {
		t.Errorf("approved minutes: not linked as the minutes, or a public page before publishing:\n%s", d)
	}
	mtPost(t, m.sc, mtURL+"/minutes/publish", nil)
	_, page = m.sc.Get(mtURL)
	pub := "/p/" + m.o.Slug + "/" + mt.Path()
	if d := docs(page); !strings.Contains(d, `href="`+pub+`"`) {
		t.Errorf("published minutes: no link to %s in\n%s", pub, d)
	}
	if code, _ := m.r.Anonymous().Get(pub); code != 200 {
		t.Errorf("the public page %s: %d", pub, code)
	}
	_, p1 := m.sc.Get(mtURL + "/minutes/1")
	_, p2 := m.sc.Get(mtURL + "/minutes/2")
	if !strings.Contains(p1, "Godkendt med de faldne bemærkninger.") || !strings.Contains(p1, "Nataliia Gudymenko") ||
		!strings.Contains(p2, "Godkendt uden bemærkninger.") || !strings.Contains(p2, "Beslutningen var gengivet forkert.") {
		t.Fatalf("the frozen versions do not keep their texts and approvers")
	}
}
