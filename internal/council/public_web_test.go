package council_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/document/doctest"
	"github.com/samvirke/samvirke/internal/webtest"
)

// python is Debian's interpreter, which has python3-icalendar; a python3
// earlier in PATH (pyenv) may lack it.
const python = "/usr/bin/python3"

// icsScript reads a calendar on stdin with the icalendar library and
// prints each event's summary, TZID, local start and start in UTC.
const icsScript = `
import json, sys, datetime
import icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
out = {'tzids': sorted(str(tz['TZID']) for tz in cal.walk('VTIMEZONE')), 'events': []}
for ev in cal.walk('VEVENT'):
    start = ev['DTSTART'].dt
    out['events'].append({
        'summary': str(ev['SUMMARY']),
        'location': str(ev.get('LOCATION', '')),
        'url': str(ev.get('URL', '')),
        'tzid': ev['DTSTART'].params.get('TZID', ''),
        'local': start.strftime('%Y-%m-%d %H:%M'),
        'utc': start.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'),
    })
json.dump(out, sys.stdout)
`

type parsedCalendar struct {
	TZIDs  []string `json:"tzids"`
	Events []struct {
		Summary, Location, URL, TZID, Local, UTC string
	} `json:"events"`
}

// parseICS has python3-icalendar read a calendar; the test fails (never
// skips) when the module is missing.
func parseICS(t *testing.T, ics string) parsedCalendar {
	t.Helper()
	if out, err := exec.Command(python, "-c", "import icalendar").CombinedOutput(); err != nil {
		t.Fatalf("%s cannot import icalendar (%v: %s); install Debian's python3-icalendar (apt-get install python3-icalendar)",
			python, err, bytes.TrimSpace(out))
	}
	cmd := exec.Command(python, "-c", icsScript)
	cmd.Stdin = strings.NewReader(ics)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3-icalendar refused the feed: %v: %s\n%s", err, stderr.String(), ics)
	}
	var cal parsedCalendar
	if err := json.Unmarshal(out, &cal); err != nil {
		t.Fatal(err)
	}
	return cal
}

// TestPublicCalendar (acceptance 2): a public council's feed, read by
// python3-icalendar, has the meetings of 27 June 2018 at 16:00 and of 4
// October and 28 November 2018 at 16:30 Copenhagen time on both sides of
// the end of summer time (14:30Z and 15:30Z); a private council's public
// feed and pages are not found, while its staff still get its feed.
func TestPublicCalendar(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	o := thisted(r)
	pub := buildSeedMeeting(t, r.Councils, o, council.VisibilityPublic)
	from, to := 2018, 2021
	private, err := r.Councils.Create(context.Background(), o, council.CouncilInput{Kind: council.KindWorkingGroup, Name: "Arbejdsgruppen",
		TermFrom: &from, TermTo: &to, Visibility: council.VisibilityPrivate})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Councils.CreateMeeting(context.Background(), o, private.ID, council.MeetingInput{StartsAt: time.Date(2018, 10, 4, 10, 0, 0, 0, cph)}); err != nil {
		t.Fatal(err)
	}
	anon := r.Anonymous()
	feed := fmt.Sprintf("/p/%s/councils/%d/calendar.ics", o.Slug, pub.Council.ID)
	resp := anon.Do(mustGet(t, r.URLOf(feed)))
	var body bytes.Buffer
	body.ReadFrom(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("public feed: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	cal := parseICS(t, body.String())
	if len(cal.TZIDs) != 1 || cal.TZIDs[0] != "Europe/Copenhagen" {
		t.Errorf("VTIMEZONEs %v; want Europe/Copenhagen", cal.TZIDs)
	}
	want := map[string]string{"2018-06-27 16:00": "2018-06-27T14:00:00Z", "2018-10-04 16:30": "2018-10-04T14:30:00Z",
		"2018-11-28 16:30": "2018-11-28T15:30:00Z"}
	if len(cal.Events) != len(want) {
		t.Fatalf("%d events; want %d", len(cal.Events), len(want))
	}
	for _, ev := range cal.Events {
		if utc, ok := want[ev.Local]; !ok || ev.UTC != utc || ev.TZID != "Europe/Copenhagen" {
			t.Errorf("event at %s local (%s, TZID %q); want one of %v", ev.Local, ev.UTC, ev.TZID, want)
		}
		if ev.Summary != "Integrationsrådet – møde" || ev.Location != "Mødelokale A" || !strings.HasPrefix(ev.URL, r.URL+"/p/"+o.Slug+"/councils/") {
			t.Errorf("event %+v", ev)
		}
	}
	// One meeting as .ics, from the public page.
	code, ics := anon.Get(fmt.Sprintf("/p/%s/councils/%d/meetings/%d/event.ics", o.Slug, pub.Council.ID, pub.Later[1].ID))
	if code != 200 {
		t.Fatalf("public event.ics: %d", code)
	}
	if one := parseICS(t, ics); len(one.Events) != 1 || one.Events[0].Local != "2018-11-28 16:30" || one.Events[0].UTC != "2018-11-28T15:30:00Z" {
		t.Errorf("event.ics: %+v", one.Events)
	}
	if code, page := anon.Get(fmt.Sprintf("/p/%s/councils/%d", o.Slug, pub.Council.ID)); code != 200 || !strings.Contains(page, feed) {
		t.Errorf("public council page: %d, or no link to its feed", code)
	}

	// The private council: nothing public, but its staff have the feed.
	for _, path := range []string{"/calendar.ics", ""} {
		if code, _ := anon.Get(fmt.Sprintf("/p/%s/councils/%d%s", o.Slug, private.ID, path)); code != 404 {
			t.Errorf("private council's public %q: %d; want 404", path, code)
		}
	}
	if _, list := anon.Get("/p/" + o.Slug + "/councils"); strings.Contains(list, "Arbejdsgruppen") || !strings.Contains(list, "Integrationsrådet") {
		t.Error("the public list of councils shows the private council, or not the public one")
	}
	viewer := r.Client(r.User(o, "viewer"))
	code, ics = viewer.Get(fmt.Sprintf("/o/%s/councils/%d/calendar.ics", o.Slug, private.ID))
	if code != 200 {
		t.Fatalf("private council's feed for staff: %d", code)
	}
	if got := parseICS(t, ics); len(got.Events) != 1 || got.Events[0].Local != "2018-10-04 10:00" {
		t.Errorf("staff feed: %+v", got.Events)
	}
}

// TestPublicAttachments (acceptance 4, second half): published minutes
// serve an open item's attachment to anyone, but not a closed item's, nor
// any of a meeting whose agenda and minutes are unpublished; the public
// page and PDF do not show the closed item.
func TestPublicAttachments(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	o := thisted(r)
	ctx, a := context.Background(), &app.Actor{Name: "Bo Skou Frank"}
	seed := buildSeedMeeting(t, r.Councils, o, council.VisibilityPublic)
	c := seed.Council
	const closedTitle = "Personsag vedrørende boligplacering"
	closed, err := r.Councils.AddItem(ctx, o, c.ID, seed.Meeting.ID, 0, council.ItemInput{Title: closedTitle, Decision: "Godkendt.", Closed: true})
	if err != nil {
		t.Fatal(err)
	}
	attach := func(m *council.Meeting, it *council.Item, title, text string) *council.Attachment {
		t.Helper()
		at, err := r.Councils.Attach(ctx, o, a, c.ID, m.ID, it.ID, title, title+".txt", strings.NewReader(text))
		if err != nil {
			t.Fatalf("attach %s: %v", title, err)
		}
		return at
	}
	open := attach(seed.Meeting, seed.Items[4], "Kort om MindSpring", "MindSpring er et gruppeforløb for flygtninge.")
	secret := attach(seed.Meeting, closed, "Sagsakter", "Fortroligt: navne og adresser.")
	approveAndPublish(t, r.Councils, o, c, seed.Meeting)

	// A later meeting, held, with nothing published.
	later := seed.Later[0]
	item, err := r.Councils.AddItem(ctx, o, c.ID, later.ID, 0, council.ItemInput{Title: "Integrationspris 2018"})
	if err != nil {
		t.Fatal(err)
	}
	unpublished := attach(later, item, "Indstillinger", "Forslag til prismodtagere.")
	if _, err := r.Councils.MarkHeld(ctx, o, a, c.ID, later.ID); err != nil {
		t.Fatal(err)
	}

	anon := r.Anonymous()
	file := func(m *council.Meeting, it *council.Item, at *council.Attachment) string {
		return fmt.Sprintf("/p/%s/councils/%d/meetings/%d/items/%d/attachments/%d", o.Slug, c.ID, m.ID, it.ID, at.FileID)
	}
	if code, body := anon.Get(file(seed.Meeting, seed.Items[4], open)); code != 200 || body != "MindSpring er et gruppeforløb for flygtninge." {
		t.Errorf("open item's attachment of published minutes: %d %q", code, body)
	}
	if code, body := anon.Get(file(seed.Meeting, closed, secret)); code != 404 || strings.Contains(body, "Fortroligt") {
		t.Errorf("closed item's attachment: %d; want 404", code)
	}
	if code, body := anon.Get(file(later, item, unpublished)); code != 404 || strings.Contains(body, "prismodtagere") {
		t.Errorf("attachment of a meeting with nothing published: %d; want 404", code)
	}
	// Not by another meeting's address either.
	if code, _ := anon.Get(file(seed.Meeting, item, unpublished)); code != 404 {
		t.Errorf("an unpublished meeting's attachment under the published meeting's address: %d; want 404", code)
	}
	if code, _ := anon.Get(fmt.Sprintf("/p/%s/councils/%d/meetings/%d", o.Slug, c.ID, later.ID)); code != 404 {
		t.Errorf("public page of a meeting with nothing published: %d; want 404", code)
	}

	page := fmt.Sprintf("/p/%s/councils/%d/meetings/%d", o.Slug, c.ID, seed.Meeting.ID)
	code, body := anon.Get(page)
	if code != 200 {
		t.Fatalf("published minutes page: %d", code)
	}
	if strings.Contains(body, "council_public.") || strings.Contains(body, "council_document.") {
		t.Error("the public minutes page shows a catalogue key")
	}
	if strings.Contains(body, closedTitle) || strings.Contains(body, "Sagsakter") {
		t.Error("the public minutes page shows the closed item")
	}
	for _, want := range []string{"Kort om MindSpring", file(seed.Meeting, seed.Items[4], open), "Informationen taget til efterretning.", "Mushin Jetto, Ann Frederiksen",
		`<span aria-current="page">27.06.2018</span>`} { // the breadcrumb's day in the page's (Danish) format
		if !strings.Contains(body, want) {
			t.Errorf("the public minutes page lacks %q", want)
		}
	}
	if _, pdf := anon.Get(page + "/minutes.pdf"); strings.Contains(pdfText(t, pdf), closedTitle) {
		t.Error("the public minutes PDF prints the closed item")
	}
	// Staff read the closed item in their own PDF.
	viewer := r.Client(r.User(o, "viewer"))
	if _, pdf := viewer.Get(fmt.Sprintf("/o/%s/councils/%d/meetings/%d/minutes.pdf", o.Slug, c.ID, seed.Meeting.ID)); !strings.Contains(pdfText(t, pdf), closedTitle) {
		t.Error("the staff's minutes PDF lacks the closed item")
	}
}

func mustGet(t *testing.T, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// pdfText is a PDF's text as pdfNorm compares it.
func pdfText(t *testing.T, pdf string) string {
	t.Helper()
	return pdfNorm(doctest.PDFText(t, []byte(pdf)).Text)
}
