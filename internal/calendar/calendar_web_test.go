package calendar_test

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/calendar"
	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/plan"
	"github.com/samvirke/samvirke/internal/webtest"
	"github.com/samvirke/samvirke/internal/workbook"
)

var oslo, _ = time.LoadLocation("Europe/Oslo")

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

// calWorld is a Norwegian municipality on Friday 4 December 2026 with a
// plan, a council and a network, and an unrelated municipality with
// things of its own in the same month.
type calWorld struct {
	h            *webtest.Harness
	o, other     *org.Organisation
	network      *org.Organisation
	editor, kari *account.User
	council      *council.Council
}

func newCalWorld(t *testing.T) *calWorld {
	t.Helper()
	h := webtest.New(t, webtest.Options{Clock: fixedClock{time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)}})
	w := &calWorld{h: h}
	w.o = h.Org(org.KindMunicipality, func(o *org.Organisation) { o.Locale, o.TimeZone, o.Country = "nb", "Europe/Oslo", "NO" })
	w.other = h.Org(org.KindMunicipality, func(o *org.Organisation) { o.Locale, o.TimeZone, o.Country = "nb", "Europe/Oslo", "NO" })
	w.network = h.Org(org.KindNetwork)
	h.Join(w.network, w.o, webtest.Since2016)
	w.editor = h.User(w.o, "editor")
	w.kari = h.User(w.o, "contributor")
	w.council = w.addCouncil(t, w.o, "Integreringsrådet – «Ærlig talt»")
	return w
}

func (w *calWorld) addCouncil(t *testing.T, o *org.Organisation, name string) *council.Council {
	t.Helper()
	c, err := w.h.Councils.Create(context.Background(), o, council.CouncilInput{Kind: council.KindIntegrationCouncil, Name: name,
		MinMeetings: 4, SignOff: council.SignOffMembersPresent, Visibility: council.VisibilityPrivate})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (w *calWorld) meeting(t *testing.T, o *org.Organisation, c *council.Council, at time.Time, place string) *council.Meeting {
	t.Helper()
	m, err := w.h.Councils.CreateMeeting(context.Background(), o, c.ID, council.MeetingInput{StartsAt: at, Place: place})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// measures adds a plan to o with one measure per text, each due on its
// day for its responsible, and answers their ids.
func (w *calWorld) measures(t *testing.T, o *org.Organisation, editor *account.User, rows ...measureRow) []string {
	t.Helper()
	_, ids := w.plan(t, o, editor, rows...)
	return ids
}

// plan is measures answering the plan's id too.
func (w *calWorld) plan(t *testing.T, o *org.Organisation, editor *account.User, rows ...measureRow) (int64, []string) {
	t.Helper()
	ctx := context.Background()
	a := &app.Actor{UserID: editor.ID, Email: editor.Email, Name: "Åse Ødegård", OrgID: o.ID, Role: "editor"}
	p, err := w.h.Plans.Create(ctx, o, a, plan.Meta{Kind: plan.KindActionPlan, Title: "Handlingsplan for integrering"})
	if err != nil {
		t.Fatal(err)
	}
	area, err := w.h.Plans.AddArea(ctx, o, a, p.ID, 0, "Kvalifisering")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range rows {
		id, err := w.h.Plans.AddItem(ctx, o, a, p.ID, 0, area, "", plan.ItemInput{Kind: plan.ItemMeasure, Text: r.text, ResponsibleUser: &r.who.ID, Timeline: r.due})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return p.ID, ids
}

type measureRow struct {
	text string
	who  *account.User
	due  string
}

func mustContain(t *testing.T, page, what string, want ...string) {
	t.Helper()
	page = html.UnescapeString(page)
	for _, s := range want {
		if !strings.Contains(page, s) {
			t.Errorf("%s lacks %q", what, s)
		}
	}
}

func mustLack(t *testing.T, page, what string, unwanted ...string) {
	t.Helper()
	page = html.UnescapeString(page)
	for _, s := range unwanted {
		if strings.Contains(page, s) {
			t.Errorf("%s shows %q", what, s)
		}
	}
}

// TestMonthAndYearViews: the month view opens on the organisation's
// current month (December 2026) with a measure's deadline on its day, a
// council meeting at its time and the network's gathering, each linking
// to its page; November has none of them; the kind filter narrows; the
// year view counts and lists them under December; another municipality's
// measure and meeting of the same month appear nowhere, and its calendar
// answers 404 to a member of the first.
func TestMonthAndYearViews(t *testing.T) {
	w := newCalWorld(t)
	ids := w.measures(t, w.o, w.editor, measureRow{"Språkkafé «Møteplass» – æøå", w.kari, "2026-12-15"})
	mt := w.meeting(t, w.o, w.council, time.Date(2026, 12, 10, 16, 30, 0, 0, oslo), "Rådhuset, Storsalen")
	if err := w.h.Workbooks.CreateGathering(context.Background(), w.network, &workbook.Gathering{Title: "Nettverkssamling på Værnes",
		StartsOn: time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC), Place: "Stjørdal"}); err != nil {
		t.Fatal(err)
	}
	otherEditor := w.h.User(w.other, "editor")
	w.measures(t, w.other, otherEditor, measureRow{"Hemmelig tiltak i nabokommunen", otherEditor, "2026-12-15"})
	w.meeting(t, w.other, w.addCouncil(t, w.other, "Nabokommunens eldreråd"), time.Date(2026, 12, 10, 18, 0, 0, 0, oslo), "")
	foreign := []string{"Hemmelig tiltak i nabokommunen", "Nabokommunens eldreråd"}

	c := w.h.Client(w.kari)
	base := "/o/" + w.o.Slug + "/calendar"
	code, page := c.Get(base)
	if code != 200 {
		t.Fatalf("month view: %d\n%s", code, page)
	}
	mustContain(t, page, "December's month view",
		"<h2 id=\"month-h\">Desember 2026</h2>",
		"Språkkafé «Møteplass» – æøå", `href="/o/`+w.o.Slug+`/measures/`+ids[0]+`"`,
		"Integreringsrådet – «Ærlig talt»", "16:30", `href="/o/`+w.o.Slug+`/councils/`, "/meetings/",
		"Nettverkssamling på Værnes", "Tirsdag 15. desember", "3 hendelser denne perioden", `<th scope="col">Mandag</th>`)
	mustLack(t, page, "December's month view", foreign...)
	// The deadline is in the cell of the 15th, the meeting in the 10th's.
	cells := regexp.MustCompile(`(?s)<td class="[^"]*">\s*<span class="cal-day">(\d+)</span>(.*?)</td>`).FindAllStringSubmatch(page, -1)
	in := map[string]string{}
	for _, m := range cells {
		in[m[1]] += html.UnescapeString(m[2])
	}
	if !strings.Contains(in["15"], "Språkkafé") || !strings.Contains(in["10"], "Integreringsrådet") || !strings.Contains(in["3"], "Værnes") {
		t.Errorf("events not on their days: 15th %q, 10th %q, 3rd %q", in["15"], in["10"], in["3"])
	}
	if strings.Contains(in["14"], "Språkkafé") || strings.Contains(in["16"], "Språkkafé") {
		t.Error("the deadline shows on another day too")
	}

	_, nov := c.Get(base + "?month=2026-11")
	mustContain(t, nov, "November", "November 2026", "Ingen hendelser.")
	mustLack(t, nov, "November", "Språkkafé", "Integreringsrådet – «Ærlig talt»</a>", "Værnes")

	_, meetings := c.Get(base + "?month=2026-12&kind=meeting")
	mustContain(t, meetings, "meetings only", "Integreringsrådet – «Ærlig talt»", "1 hendelse denne perioden")
	mustLack(t, meetings, "meetings only", "Språkkafé", "Værnes")

	code, year := c.Get(base + "/year?year=2026")
	if code != 200 {
		t.Fatalf("year view: %d", code)
	}
	mustContain(t, year, "the year view", "Årshjul 2026", "Desember", "1 frist", "1 møte", "1 samling", "Språkkafé «Møteplass» – æøå", "15.12.2026")
	mustLack(t, year, "the year view", foreign...)

	for _, p := range []string{"/o/" + w.other.Slug + "/calendar", "/o/" + w.other.Slug + "/calendar/year"} {
		if code, _ := c.Get(p); code != 404 {
			t.Errorf("%s for a member of another municipality: %d, want 404", p, code)
		}
	}
	if code, _ := c.Get(base + "?month=2026-13"); code != 404 {
		t.Errorf("month 2026-13: %d, want 404", code)
	}
	_ = mt
}

// The network's coordinator sees the gathering in the network's calendar.
func TestNetworkCalendarShowsGatherings(t *testing.T) {
	w := newCalWorld(t)
	if err := w.h.Workbooks.CreateGathering(context.Background(), w.network, &workbook.Gathering{Title: "Vintersamling «Nord»",
		StartsOn: time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	w.meeting(t, w.o, w.council, time.Date(2026, 12, 10, 16, 30, 0, 0, oslo), "")
	coord := w.h.User(w.network, "coordinator")
	code, page := w.h.Client(coord).Get("/o/" + w.network.Slug + "/calendar?month=2026-12")
	if code != 200 {
		t.Fatalf("network calendar: %d", code)
	}
	mustContain(t, page, "the network's month", "Vintersamling «Nord»")
	mustLack(t, page, "the network's month", "Integreringsrådet") // a member's council is the member's
}

// feedScript reads a calendar on stdin with python3's icalendar library
// and prints its events as JSON.
const feedScript = `
import json, sys, datetime
import icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
out = []
for ev in cal.walk('VEVENT'):
    start = ev['DTSTART'].dt
    allday = not isinstance(start, datetime.datetime)
    out.append({
        'uid': str(ev['UID']),
        'summary': str(ev['SUMMARY']),
        'location': str(ev.get('LOCATION', '')),
        'url': str(ev.get('URL', '')),
        'allday': allday,
        'start': start.isoformat() if allday else start.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'),
        'stamp': str(ev.get('DTSTAMP').dt.isoformat()) if ev.get('DTSTAMP') else '',
    })
json.dump({'name': str(cal.get('X-WR-CALNAME', '')), 'events': out}, sys.stdout)
`

type feedEvent struct {
	UID, Summary, Location, URL, Start, Stamp string
	AllDay                                    bool
}

func parseFeed(t *testing.T, ics []byte) (string, []feedEvent) {
	t.Helper()
	const python = "/usr/bin/python3"
	if out, err := exec.Command(python, "-c", "import icalendar").CombinedOutput(); err != nil {
		t.Fatalf("%s cannot import icalendar (%v: %s); install Debian's python3-icalendar", python, err, bytes.TrimSpace(out))
	}
	cmd := exec.Command(python, "-c", feedScript)
	cmd.Stdin = bytes.NewReader(ics)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("icalendar rejects the feed: %v\n%s\n%s", err, stderr.String(), ics)
	}
	var got struct {
		Name   string      `json:"name"`
		Events []feedEvent `json:"events"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	return got.Name, got.Events
}

var (
	feedURLRe    = regexp.MustCompile(`id="feed-url"[^>]*value="([^"]+)"`)
	feedRevokeRe = regexp.MustCompile(`action="(/account/calendar-feeds/\d+/revoke)"`)
)

// TestPersonalFeed is issue 16's acceptance 6: a person makes a secret
// feed address on the calendar page; a calendar program fetching it
// without a session gets a feed that python3's icalendar library reads,
// with the person's own deadline (all day, Norwegian letters and
// guillemets intact) and the meeting of the council they sit on at its
// time, and nothing that is someone else's; the token is not stored; once
// revoked, the address answers 404.
func TestPersonalFeed(t *testing.T) {
	w := newCalWorld(t)
	ctx := context.Background()
	ids := w.measures(t, w.o, w.editor,
		measureRow{"Språkkafé «Møteplass» – æøå ÆØÅ", w.kari, "2026-12-15"},
		measureRow{"Kartlegging av kompetanse", w.editor, "2026-12-16"},
		measureRow{"For lenge siden", w.kari, "2026-09-01"}) // more than 60 days back
	jan1 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := w.h.Councils.AddMember(ctx, w.o, w.council.ID, council.MemberInput{Name: "Kari Nordmann", Role: council.RoleMember, FromDate: &jan1, UserID: &w.kari.ID}); err != nil {
		t.Fatal(err)
	}
	mine := w.meeting(t, w.o, w.council, time.Date(2026, 12, 10, 16, 30, 0, 0, oslo), "Rådhuset, «Storsalen»")
	w.meeting(t, w.o, w.addCouncil(t, w.o, "Eldrerådet"), time.Date(2026, 12, 11, 10, 0, 0, 0, oslo), "")

	c := w.h.Client(w.kari)
	_, page := c.Get("/o/" + w.o.Slug + "/calendar")
	if !strings.Contains(page, `action="/account/calendar-feeds"`) {
		t.Fatal("the calendar page offers no feed")
	}
	resp, page := c.PostResponse("/account/calendar-feeds", url.Values{"back": {"/o/" + w.o.Slug + "/calendar#feeds"}})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create feed: %d\n%s", resp.StatusCode, page)
	}
	m := feedURLRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no feed address on the page:\n%s", page)
	}
	feedURL := html.UnescapeString(m[1])
	path, ok := strings.CutPrefix(feedURL, w.h.URL)
	if !ok || !regexp.MustCompile(`^/calendar/[A-Za-z0-9_-]{43}\.ics$`).MatchString(path) {
		t.Fatalf("feed address %q is not %s/calendar/<43 base64url characters>.ics", feedURL, w.h.URL)
	}
	token := strings.TrimSuffix(strings.TrimPrefix(path, "/calendar/"), ".ics")

	// Only a hash of the token is kept.
	var hashes []string
	if err := db.Run(ctx, w.h.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Table("calendar_feeds").Column("token_hash").Where("user_id = ?", w.kari.ID).Scan(ctx, &hashes)
	}); err != nil {
		t.Fatal(err)
	}
	if len(hashes) != 1 || hashes[0] == token || strings.Contains(hashes[0], token) {
		t.Errorf("stored %q for token %q: want one hash, not the token", hashes, token)
	}

	anon := w.h.Anonymous()
	get := anon.Do(mustRequest(t, w.h.URLOf(path)))
	body := readAll(t, get)
	if get.StatusCode != 200 || !strings.HasPrefix(get.Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("feed: %d %s\n%s", get.StatusCode, get.Header.Get("Content-Type"), body)
	}
	name, events := parseFeed(t, body)
	if !strings.Contains(name, "Samvirke") {
		t.Errorf("calendar name %q", name)
	}
	byUID := map[string]feedEvent{}
	for _, e := range events {
		byUID[e.UID] = e
	}
	deadline, ok := byUID["measure:"+ids[0]+"@"+w.o.Slug+".samvirke"]
	switch {
	case !ok:
		t.Errorf("the deadline is not in the feed: %+v", events)
	case deadline.Summary != "Språkkafé «Møteplass» – æøå ÆØÅ" || !deadline.AllDay || deadline.Start != "2026-12-15":
		t.Errorf("deadline %+v; want «Språkkafé «Møteplass» – æøå ÆØÅ», all day on 2026-12-15", deadline)
	case deadline.URL != w.h.URL+"/o/"+w.o.Slug+"/measures/"+ids[0]:
		t.Errorf("deadline links to %q", deadline.URL)
	}
	meeting, ok := byUID["meeting-"+itoa(mine.ID)+"@"+w.o.Slug+".samvirke"]
	switch {
	case !ok:
		t.Errorf("the council meeting is not in the feed: %+v", events)
	case meeting.AllDay || meeting.Start != "2026-12-10T15:30:00Z" || meeting.Location != "Rådhuset, «Storsalen»" ||
		!strings.HasPrefix(meeting.Summary, "Integreringsrådet – «Ærlig talt»"):
		t.Errorf("meeting %+v; want 16:30 Oslo (15:30Z) at «Rådhuset, «Storsalen»»", meeting)
	}
	if len(events) != 2 {
		t.Errorf("feed has %d events, want 2 (kari's deadline and her council's meeting): %+v", len(events), events)
	}
	for _, e := range events {
		if e.Stamp == "" {
			t.Errorf("event %s has no DTSTAMP", e.UID)
		}
	}
	raw := string(body)
	for _, line := range strings.Split(raw, "\r\n") {
		if len(line) > 75 {
			t.Errorf("line longer than 75 octets: %q", line)
		}
	}

	// The page lists the feed; revoking it ends the address.
	_, page = c.Get("/o/" + w.o.Slug + "/calendar")
	if strings.Contains(page, token) {
		t.Error("the calendar page shows the token again")
	}
	rv := feedRevokeRe.FindStringSubmatch(page)
	if rv == nil {
		t.Fatalf("no revoke button on the page")
	}
	// Someone else cannot revoke it.
	back := url.Values{"back": {"/o/" + w.o.Slug + "/calendar#feeds"}}
	if resp, _ := w.h.Client(w.editor).PostResponse(rv[1], back); resp.StatusCode != 303 {
		t.Errorf("another member's revoke: %d", resp.StatusCode)
	}
	if get := anon.Do(mustRequest(t, w.h.URLOf(path))); get.StatusCode != 200 {
		t.Errorf("after another member's revoke the feed answers %d, want 200", get.StatusCode)
	}
	if resp, _ := c.PostResponse(rv[1], back); resp.StatusCode != 303 || resp.Header.Get("Location") != "/o/"+w.o.Slug+"/calendar#feeds" {
		t.Fatalf("revoke: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, page := c.Get("/o/" + w.o.Slug + "/calendar"); !strings.Contains(page, "Kalenderadressen er trukket tilbake") || feedRevokeRe.MatchString(page) {
		t.Error("after revoking, the page does not say so or still lists the feed")
	}
	if get := anon.Do(mustRequest(t, w.h.URLOf(path))); get.StatusCode != 404 {
		t.Errorf("revoked feed answers %d, want 404", get.StatusCode)
	}
	if get := anon.Do(mustRequest(t, w.h.URLOf("/calendar/"+strings.Repeat("A", 43)+".ics"))); get.StatusCode != 404 {
		t.Errorf("unknown token answers %d, want 404", get.StatusCode)
	}
}

func mustRequest(t *testing.T, u string) *http.Request {
	t.Helper()
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func readAll(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	defer resp.Body.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestRoundIsOneEvent: a follow-up round's unreported measures are one
// reporting event on the round's due day, saying how many are left, and
// the reporting filter keeps it.
func TestRoundIsOneEvent(t *testing.T) {
	w := newCalWorld(t)
	planID, _ := w.plan(t, w.o, w.editor,
		measureRow{"Språkpraksis", w.kari, "2027-03-01"},
		measureRow{"Bolig for familier", w.kari, "2027-03-01"},
		measureRow{"Frivilligsentral", w.editor, "2027-03-01"})
	due := time.Date(2026, 12, 18, 0, 0, 0, 0, time.UTC)
	a := &app.Actor{UserID: w.editor.ID, Email: w.editor.Email, Name: "Åse", OrgID: w.o.ID, Role: "editor"}
	if _, err := w.h.Plans.OpenRound(context.Background(), w.o, a, planID, "Tertial 3 2026", &due); err != nil {
		t.Fatal(err)
	}
	_, page := w.h.Client(w.kari).Get("/o/" + w.o.Slug + "/calendar?month=2026-12&kind=reporting")
	page = html.UnescapeString(page)
	if n := strings.Count(page, ">Handlingsplan for integrering – Tertial 3 2026</a>"); n != 2 { // the table's and the list's
		t.Errorf("the round shows %d times in the page, want once in the table and once in the list", n)
	}
	mustContain(t, page, "the round", "(3 tiltak å rapportere)", "Fredag 18. desember", "1 hendelse denne perioden")
}

// TestFeedRateLimited: one client fetching feeds more often than
// calendar.FeedLimit allows is told to wait (429), known token or not.
func TestFeedRateLimited(t *testing.T) {
	w := newCalWorld(t)
	saved := calendar.FeedLimit
	calendar.FeedLimit.Max = 2
	t.Cleanup(func() { calendar.FeedLimit = saved })
	token, _, err := w.h.Calendar.CreateFeed(context.Background(), w.kari.ID)
	if err != nil {
		t.Fatal(err)
	}
	anon := w.h.Anonymous()
	var got []int
	for _, p := range []string{"/calendar/" + token + ".ics", "/calendar/" + strings.Repeat("B", 43) + ".ics", "/calendar/" + token + ".ics"} {
		resp := anon.Do(mustRequest(t, w.h.URLOf(p)))
		resp.Body.Close()
		got = append(got, resp.StatusCode)
	}
	if got[0] != 200 || got[1] != 404 || got[2] != 429 {
		t.Errorf("three fetches answered %v, want [200 404 429]", got)
	}
}

// TestFeedLeavesOutSecondFactorOrgs: an organisation that requires a
// second factor gives nothing to the feed of a member who has none, as it
// refuses them an API token; their other organisation's items stay.
func TestFeedLeavesOutSecondFactorOrgs(t *testing.T) {
	w := newCalWorld(t)
	strict := w.h.Org(org.KindMunicipality, func(o *org.Organisation) { o.RequireSecondFactor, o.TimeZone = true, "Europe/Oslo" })
	w.h.Member(strict, w.kari, "contributor")
	strictEditor := w.h.User(strict, "editor")
	w.measures(t, strict, strictEditor, measureRow{"Tiltak bak tofaktor", w.kari, "2026-12-20"})
	w.measures(t, w.o, w.editor, measureRow{"Tiltak i egen kommune", w.kari, "2026-12-21"})
	token, _, err := w.h.Calendar.CreateFeed(context.Background(), w.kari.ID)
	if err != nil {
		t.Fatal(err)
	}
	resp := w.h.Anonymous().Do(mustRequest(t, w.h.URLOf("/calendar/"+token+".ics")))
	body := string(readAll(t, resp))
	if resp.StatusCode != 200 || !strings.Contains(body, "Tiltak i egen kommune") {
		t.Fatalf("feed %d lacks the own municipality's item:\n%s", resp.StatusCode, body)
	}
	if strings.Contains(body, "Tiltak bak tofaktor") {
		t.Error("the feed shows an item of an organisation that requires a second factor the member lacks")
	}
}

// TestFeedNeedsOwnSession: a feed spans all of its owner's
// organisations, so neither an API token of one organisation (401) nor a
// single sign-on session limited to one (403) may make one, and the
// calendar page offers it to neither; nothing is stored.
func TestFeedNeedsOwnSession(t *testing.T) {
	w := newCalWorld(t)
	ctx := context.Background()
	tok, _, err := w.h.Accounts.CreateAPIToken(ctx, w.o, w.kari.ID, "Fagsystem", account.ScopeWrite)
	if err != nil {
		t.Fatal(err)
	}
	back := url.Values{"back": {"/o/" + w.o.Slug + "/calendar"}}
	if code, _ := w.h.TokenClient(tok).Post("/account/calendar-feeds", back); code != 401 {
		t.Errorf("an API token makes a feed: %d, want 401", code)
	}
	sso := w.h.SSOClient(w.kari, w.o)
	if code, _ := sso.Post("/account/calendar-feeds", back); code != 403 {
		t.Errorf("a single sign-on session makes a feed: %d, want 403", code)
	}
	code, page := sso.Get("/o/" + w.o.Slug + "/calendar")
	if code != 200 || strings.Contains(page, `action="/account/calendar-feeds"`) || !strings.Contains(page, "ikke med felles innlogging") {
		t.Errorf("the single sign-on session's calendar page (%d) offers a feed or does not say why not", code)
	}
	if feeds, err := w.h.Calendar.Feeds(ctx, w.kari.ID); err != nil || len(feeds) != 0 {
		t.Errorf("feeds stored: %d (%v)", len(feeds), err)
	}
}

// TestLocales: the month's name, the weekdays and the days of the list
// follow the reader's language; the dashboard's "My work" leads to the
// calendar.
func TestLocales(t *testing.T) {
	w := newCalWorld(t)
	w.measures(t, w.o, w.editor, measureRow{"Språkkafé", w.kari, "2026-12-15"})
	c := w.h.Client(w.kari)
	if _, page := c.Get("/o/" + w.o.Slug + "/dashboard"); !strings.Contains(page, `href="/o/`+w.o.Slug+`/calendar"`) {
		t.Error("the dashboard does not lead to the calendar")
	}
	for loc, want := range map[string][]string{
		"sv": {"December 2026", ">Måndag</th>", "Tisdag 15 december", "2026-12-15"},
		"da": {"December 2026", ">Mandag</th>", "Tirsdag 15. december", "15.12.2026"},
		"en": {"December 2026", ">Monday</th>", "Tuesday 15 December", "15 Dec 2026"},
	} {
		if code, _ := c.Post("/language", url.Values{"locale": {loc}, "next": {"/"}}); code != 303 {
			t.Fatalf("language %s: %d", loc, code)
		}
		_, month := c.Get("/o/" + w.o.Slug + "/calendar?month=2026-12")
		_, year := c.Get("/o/" + w.o.Slug + "/calendar/year?year=2026")
		mustContain(t, month+year, loc, want...)
	}
}
