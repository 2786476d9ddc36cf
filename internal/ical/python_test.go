package ical

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// python is Debian's interpreter, which has python3-icalendar; a python3
// earlier in PATH (pyenv) may lack it.
const python = "/usr/bin/python3"

// parseScript reads a calendar on stdin with the icalendar library and
// prints what a calendar program would see as JSON: the VTIMEZONEs' TZIDs
// and, per event, its summary and start as the library resolves the TZID,
// and its start resolved through the feed's own VTIMEZONE (so the test
// checks the rules written, not only the zone's name).
const parseScript = `
import json, sys
import icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
zones = {}
for tz in cal.walk('VTIMEZONE'):
    zones[str(tz['TZID'])] = tz.to_tz()
events = []
for ev in cal.walk('VEVENT'):
    start = ev['DTSTART'].dt
    tzid = ev['DTSTART'].params.get('TZID')
    own = None
    if tzid in zones:
        naive = start.replace(tzinfo=None)
        tz = zones[tzid]
        own = (tz.localize(naive) if hasattr(tz, 'localize') else naive.replace(tzinfo=tz)).isoformat()
    events.append({
        'uid': str(ev['UID']),
        'summary': str(ev['SUMMARY']),
        'location': str(ev.get('LOCATION', '')),
        'description': str(ev.get('DESCRIPTION', '')),
        'start': start.isoformat(),
        'start_own_vtimezone': own,
        'start_utc': start.astimezone(__import__('datetime').timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'),
    })
json.dump({'tzids': sorted(zones), 'calname': str(cal.get('X-WR-CALNAME', '')), 'events': events}, sys.stdout)
`

type parsedEvent struct {
	UID         string `json:"uid"`
	Summary     string `json:"summary"`
	Location    string `json:"location"`
	Description string `json:"description"`
	Start       string `json:"start"`
	StartOwn    string `json:"start_own_vtimezone"`
	StartUTC    string `json:"start_utc"`
}

// requireICalendar fails (never skips) the test when Debian's
// python3-icalendar is missing: the check would otherwise pass unseen.
func requireICalendar(t *testing.T) {
	t.Helper()
	if out, err := exec.Command(python, "-c", "import icalendar").CombinedOutput(); err != nil {
		t.Fatalf("%s cannot import icalendar (%v: %s); install Debian's python3-icalendar "+
			"(apt-get install python3-icalendar), which .ci/test installs, to run the calendar tests", python, err, bytes.TrimSpace(out))
	}
}

// TestParsedByPythonICalendar writes council meetings either side of the
// end of summer time on 28 October 2018 in Copenhagen and has another
// implementation read them: each must start at 16:30 (16:00) local with
// the offset of its own date, and Danish letters must survive.
func TestParsedByPythonICalendar(t *testing.T) {
	requireICalendar(t)
	cph := mustLoad(t, "Europe/Copenhagen")
	// Long enough to be folded, across Danish letters.
	summary := "Integrationsrådet – møde; æøå, ÆØÅ – boliger, skolegang og sprogundervisning for nyankomne"
	cal := &Calendar{
		Name:     "Integrationsrådet i Thisted",
		Location: cph,
		Stamp:    time.Date(2018, 6, 1, 8, 0, 0, 0, time.UTC),
		Events: []Event{
			{UID: "oct@test", Start: time.Date(2018, 10, 4, 16, 30, 0, 0, cph), End: time.Date(2018, 10, 4, 18, 30, 0, 0, cph),
				Summary: summary, Location: "Rådhuset, mødelokale 2", Description: "Dagsorden:\n1. Velkomst\n2. Bolig; skole, sprog",
				Status: StatusConfirmed},
			{UID: "nov@test", Start: time.Date(2018, 11, 28, 16, 30, 0, 0, cph), End: time.Date(2018, 11, 28, 18, 30, 0, 0, cph),
				Summary: "Møde i rådet", Status: StatusCancelled, Sequence: 2},
			// Given in UTC: written in Copenhagen time all the same.
			{UID: "jun@test", Start: time.Date(2018, 6, 27, 14, 0, 0, 0, time.UTC), End: time.Date(2018, 6, 27, 16, 0, 0, 0, time.UTC),
				Summary: "Sommermøde"},
		},
	}
	ics := write(t, cal)

	cmd := exec.Command(python, "-c", parseScript)
	cmd.Stdin = strings.NewReader(ics)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python icalendar could not read the feed: %v\n%s\nfeed:\n%s", err, stderr.String(), ics)
	}
	var got struct {
		TZIDs   []string      `json:"tzids"`
		CalName string        `json:"calname"`
		Events  []parsedEvent `json:"events"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("read python's output %q: %v", out, err)
	}

	if len(got.TZIDs) != 1 || got.TZIDs[0] != "Europe/Copenhagen" {
		t.Errorf("VTIMEZONE TZIDs = %q, want [Europe/Copenhagen]", got.TZIDs)
	}
	if got.CalName != cal.Name {
		t.Errorf("X-WR-CALNAME = %q, want %q", got.CalName, cal.Name)
	}
	want := map[string]struct{ local, utc string }{
		"oct@test": {"2018-10-04T16:30:00+02:00", "2018-10-04T14:30:00Z"},
		"nov@test": {"2018-11-28T16:30:00+01:00", "2018-11-28T15:30:00Z"},
		"jun@test": {"2018-06-27T16:00:00+02:00", "2018-06-27T14:00:00Z"},
	}
	if len(got.Events) != len(want) {
		t.Fatalf("python read %d events, want %d: %+v", len(got.Events), len(want), got.Events)
	}
	for _, e := range got.Events {
		w, ok := want[e.UID]
		if !ok {
			t.Errorf("unexpected event %q", e.UID)
			continue
		}
		if e.Start != w.local || e.StartUTC != w.utc {
			t.Errorf("%s starts at %s (%s), want %s (%s)", e.UID, e.Start, e.StartUTC, w.local, w.utc)
		}
		if e.StartOwn != w.local {
			t.Errorf("%s through the feed's VTIMEZONE starts at %s, want %s", e.UID, e.StartOwn, w.local)
		}
	}
	oct := got.Events[0]
	if oct.Summary != summary {
		t.Errorf("summary = %q, want %q", oct.Summary, summary)
	}
	if want := cal.Events[0].Location; oct.Location != want {
		t.Errorf("location = %q, want %q", oct.Location, want)
	}
	if want := cal.Events[0].Description; oct.Description != want {
		t.Errorf("description = %q, want %q", oct.Description, want)
	}
}
