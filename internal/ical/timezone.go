package ical

import (
	"bytes"
	"fmt"
	"time"
)

// scanStep is how far apart the zone is sampled when looking for
// transitions. Two changes closer together than this that cancel out (and
// no zone in the database has such) would be missed; anything else is
// found and then pinned to the second by bisection.
const scanStep = 6 * time.Hour

// observance is one onset of a time zone rule: from At on, the zone's
// offset is To seconds east of UTC and its abbreviation Name; before At
// it was From.
type observance struct {
	At       time.Time
	From, To int
	Name     string
	DST      bool
}

// zoneState is what a location says about one instant.
type zoneState struct {
	name   string
	offset int
	dst    bool
}

func stateAt(loc *time.Location, t time.Time) zoneState {
	t = t.In(loc)
	name, offset := t.Zone()
	return zoneState{name: name, offset: offset, dst: t.IsDST()}
}

// observances returns the rules of loc in force in [from, to): first the
// one already in force at from, then one for each transition (a change of
// offset, abbreviation or daylight saving) found before to, in order. A zone
// that never changes in that span has just the first.
func observances(loc *time.Location, from, to time.Time) []observance {
	first := stateAt(loc, from)
	before := stateAt(loc, from.Add(-time.Second))
	obs := []observance{{At: from, From: before.offset, To: first.offset, Name: first.name, DST: first.dst}}
	cur, curState := from, first
	for cur.Before(to) {
		next := cur.Add(scanStep)
		if next.After(to) {
			next = to
		}
		nextState := stateAt(loc, next)
		if nextState == curState {
			cur = next
			continue
		}
		// Bisect on whole seconds: lo keeps curState, hi does not.
		lo, hi := cur.Unix(), next.Unix()
		for hi-lo > 1 {
			mid := lo + (hi-lo)/2
			if stateAt(loc, time.Unix(mid, 0)) == curState {
				lo = mid
			} else {
				hi = mid
			}
		}
		at := time.Unix(hi, 0).UTC()
		s := stateAt(loc, at)
		obs = append(obs, observance{At: at, From: curState.offset, To: s.offset, Name: s.name, DST: s.dst})
		cur, curState = at, s
	}
	return obs
}

// writeTimezone writes the VTIMEZONE of loc covering [from, to): one
// STANDARD or DAYLIGHT sub-component per observance, each with its onset
// as the local time before it (in the offset it leaves), as RFC 5545
// (3.6.5) asks.
func writeTimezone(b *bytes.Buffer, loc *time.Location, from, to time.Time) {
	line(b, "BEGIN:VTIMEZONE")
	line(b, "TZID:"+EscapeText(loc.String()))
	for _, o := range observances(loc, from, to) {
		kind := "STANDARD"
		if o.DST {
			kind = "DAYLIGHT"
		}
		line(b, "BEGIN:"+kind)
		line(b, "DTSTART:"+o.At.In(time.FixedZone("", o.From)).Format(localLayout))
		line(b, "TZOFFSETFROM:"+formatOffset(o.From))
		line(b, "TZOFFSETTO:"+formatOffset(o.To))
		if o.Name != "" {
			line(b, "TZNAME:"+EscapeText(o.Name))
		}
		line(b, "END:"+kind)
	}
	line(b, "END:VTIMEZONE")
}

// formatOffset writes a UTC-OFFSET value (3.3.14): +HHMM, or +HHMMSS when
// the offset has seconds (as local mean times do).
func formatOffset(sec int) string {
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	h, m, s := sec/3600, sec/60%60, sec%60
	if s != 0 {
		return fmt.Sprintf("%c%02d%02d%02d", sign, h, m, s)
	}
	return fmt.Sprintf("%c%02d%02d", sign, h, m)
}
