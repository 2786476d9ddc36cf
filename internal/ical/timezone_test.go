package ical

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load zone %s: %v", name, err)
	}
	return loc
}

func write(t *testing.T, c *Calendar) string {
	t.Helper()
	var b bytes.Buffer
	n, err := c.WriteTo(&b)
	if err != nil {
		t.Fatalf("WriteTo: %v", err)
	}
	if n != int64(b.Len()) {
		t.Errorf("WriteTo returned %d, wrote %d bytes", n, b.Len())
	}
	return b.String()
}

// blocks returns the content lines (unfolded, without CRLF) between
// BEGIN:name and END:name, one slice per occurrence.
func blocks(ics, name string) [][]string {
	var out [][]string
	var cur []string
	in := false
	for _, l := range strings.Split(strings.ReplaceAll(ics, "\r\n ", ""), "\r\n") {
		switch {
		case l == "BEGIN:"+name:
			in, cur = true, nil
		case l == "END:"+name:
			in = false
			out = append(out, cur)
		case in:
			cur = append(cur, l)
		}
	}
	return out
}

func TestTimezoneWithoutDST(t *testing.T) {
	for _, zone := range []string{"Asia/Tokyo", "Etc/GMT-3"} {
		t.Run(strings.ReplaceAll(zone, "/", "_"), func(t *testing.T) {
			loc := mustLoad(t, zone)
			ics := write(t, &Calendar{Name: "Rådet", Location: loc, Stamp: time.Date(2018, 9, 1, 0, 0, 0, 0, time.UTC), Events: []Event{
				{UID: "1@test", Start: time.Date(2018, 3, 1, 10, 0, 0, 0, loc), End: time.Date(2018, 3, 1, 11, 0, 0, 0, loc)},
				{UID: "2@test", Start: time.Date(2019, 10, 1, 10, 0, 0, 0, loc)},
			}})
			if n := len(blocks(ics, "VTIMEZONE")); n != 1 {
				t.Fatalf("got %d VTIMEZONE blocks, want 1:\n%s", n, ics)
			}
			if d := blocks(ics, "DAYLIGHT"); len(d) != 0 {
				t.Errorf("a zone without daylight saving time has DAYLIGHT blocks: %q", d)
			}
			std := blocks(ics, "STANDARD")
			if len(std) != 1 {
				t.Fatalf("got %d STANDARD blocks, want exactly 1:\n%s", len(std), ics)
			}
			_, off := time.Date(2018, 1, 1, 0, 0, 0, 0, loc).Zone()
			want := []string{"DTSTART:20170101T000000", "TZOFFSETFROM:" + formatOffset(off), "TZOFFSETTO:" + formatOffset(off)}
			if diff := cmp.Diff(want, std[0][:3]); diff != "" {
				t.Errorf("STANDARD block (-want +got):\n%s", diff)
			}
			if !strings.Contains(ics, "\r\nDTSTART;TZID="+zone+":20180301T100000\r\n") {
				t.Errorf("event 1 not at 10:00 local with TZID=%s:\n%s", zone, ics)
			}
		})
	}
}

func TestTimezoneCopenhagenTransitions(t *testing.T) {
	loc := mustLoad(t, "Europe/Copenhagen")
	ics := write(t, &Calendar{Location: loc, Events: []Event{{UID: "1@test", Start: time.Date(2018, 10, 4, 16, 30, 0, 0, loc)}}})
	var got []string
	for _, kind := range []string{"STANDARD", "DAYLIGHT"} {
		for _, b := range blocks(ics, kind) {
			got = append(got, kind+" "+strings.Join(b, " "))
		}
	}
	want := []string{
		"STANDARD DTSTART:20170101T000000 TZOFFSETFROM:+0100 TZOFFSETTO:+0100 TZNAME:CET",
		"STANDARD DTSTART:20171029T030000 TZOFFSETFROM:+0200 TZOFFSETTO:+0100 TZNAME:CET",
		"STANDARD DTSTART:20181028T030000 TZOFFSETFROM:+0200 TZOFFSETTO:+0100 TZNAME:CET",
		"DAYLIGHT DTSTART:20170326T020000 TZOFFSETFROM:+0100 TZOFFSETTO:+0200 TZNAME:CEST",
		"DAYLIGHT DTSTART:20180325T020000 TZOFFSETFROM:+0100 TZOFFSETTO:+0200 TZNAME:CEST",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Copenhagen 2017–2018 observances (-want +got):\n%s", diff)
	}
}

func TestUTC(t *testing.T) {
	for name, loc := range map[string]*time.Location{"Nil": nil, "UTC": time.UTC} {
		t.Run(name, func(t *testing.T) {
			cph := mustLoad(t, "Europe/Copenhagen")
			ics := write(t, &Calendar{Location: loc, Stamp: time.Date(2018, 9, 1, 12, 0, 0, 0, cph), Events: []Event{{
				UID:     "1@test",
				Start:   time.Date(2018, 11, 28, 16, 30, 0, 0, cph),
				End:     time.Date(2018, 11, 28, 18, 0, 0, 0, cph),
				Updated: time.Date(2018, 9, 1, 9, 0, 0, 0, cph),
			}}})
			for _, want := range []string{
				"\r\nDTSTART:20181128T153000Z\r\n",
				"\r\nDTEND:20181128T170000Z\r\n",
				"\r\nDTSTAMP:20180901T100000Z\r\n",
				"\r\nLAST-MODIFIED:20180901T070000Z\r\n",
				"\r\nX-WR-TIMEZONE:UTC\r\n",
			} {
				if !strings.Contains(ics, want) {
					t.Errorf("missing %q in:\n%s", strings.TrimSpace(want), ics)
				}
			}
			if strings.Contains(ics, "VTIMEZONE") || strings.Contains(ics, "TZID") {
				t.Errorf("a UTC calendar has a VTIMEZONE or TZID:\n%s", ics)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	start := time.Date(2018, 10, 4, 16, 30, 0, 0, time.UTC)
	for name, c := range map[string]Calendar{
		"NoUID":         {Events: []Event{{Start: start}}},
		"NoStart":       {Events: []Event{{UID: "1"}}},
		"EndBefore":     {Events: []Event{{UID: "1", Start: start, End: start.Add(-time.Minute)}}},
		"BadStatus":     {Events: []Event{{UID: "1", Start: start, Status: "POSTPONED"}}},
		"NegativeSeq":   {Events: []Event{{UID: "1", Start: start, Sequence: -1}}},
		"LocalLocation": {Location: time.Local},
		"UnnamedZone":   {Location: time.FixedZone("", 3600)},
	} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if _, err := c.WriteTo(&b); err == nil {
				t.Errorf("WriteTo succeeded, want an error")
			}
			if b.Len() != 0 {
				t.Errorf("WriteTo wrote %d bytes despite the error", b.Len())
			}
		})
	}
}
