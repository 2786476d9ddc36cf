// Package ical writes iCalendar (RFC 5545) feeds: an integration
// council's meetings as a feed that calendar programs subscribe to, or
// one meeting as a downloadable .ics file.
//
// Meetings are written in the council's own time zone, as local times
// with a TZID parameter (DTSTART;TZID=Europe/Copenhagen:20181004T163000),
// not as UTC instants, so a meeting at 16:30 stays at 16:30 in every
// client even when daylight saving time changes between now and then, and
// a client in another zone converts it correctly. Each such feed carries
// a VTIMEZONE that defines the TZID: Outlook (and the RFC) need it and do
// not look names up in a time zone database of their own. The VTIMEZONE
// is built from Go's time zone database for the years the events span, so
// it is right for any zone, with or without daylight saving time. A
// calendar in UTC writes its times with a Z and has no VTIMEZONE.
//
// Only the standard library is used.
package ical

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// ContentType is the media type of what Calendar.WriteTo writes, for the
// Content-Type header of a feed or download.
const ContentType = "text/calendar; charset=utf-8"

// DefaultProdID is the PRODID written when Calendar.ProdID is empty.
const DefaultProdID = "-//Samvirke//Samvirke//EN"

// Event statuses (STATUS, RFC 5545 3.8.1.11). The empty status writes no
// STATUS property.
const (
	StatusConfirmed = "CONFIRMED"
	StatusTentative = "TENTATIVE"
	StatusCancelled = "CANCELLED"
)

// Event is one VEVENT: a meeting.
type Event struct {
	// UID identifies the event across versions of the feed; it must be
	// globally unique and stable, e.g. "council-meeting-42@samvirke".
	// Required.
	UID string
	// Start is when the event begins; required. End is when it ends: zero
	// writes no DTEND (a point in time), otherwise it may not be before
	// Start. Both are written in the calendar's location, whatever
	// location they carry.
	Start, End time.Time
	// Summary is the title, Location where it takes place and Description
	// a longer plain text; any may be empty. They are TEXT: any UTF-8,
	// line breaks included.
	Summary, Location, Description string
	// URL links to the event's page; empty writes none.
	URL string
	// Status is StatusConfirmed, StatusTentative, StatusCancelled or empty
	// (none written). A cancelled meeting stays in the feed with
	// StatusCancelled so subscribed clients strike it out.
	Status string
	// Sequence is the revision number (SEQUENCE); raise it when the time
	// or place changes so clients take the new version. Not negative.
	Sequence int
	// Updated is when the event was last changed (LAST-MODIFIED); zero
	// writes none.
	Updated time.Time
	// AllDay writes the event as the whole day of Start's own date
	// (DTSTART;VALUE=DATE, DTEND the day after): a deadline, not a
	// meeting. Start's date is taken as it is, in whatever location it
	// carries, never converted to the calendar's; End is ignored.
	AllDay bool
}

// Calendar is one VCALENDAR with METHOD:PUBLISH.
type Calendar struct {
	// Name is the calendar's display name (X-WR-CALNAME).
	Name string
	// ProdID names the product that wrote the calendar (PRODID);
	// DefaultProdID when empty.
	ProdID string
	// Location is the zone the events are written in; nil means UTC. It
	// must have a name (an IANA name such as "Europe/Copenhagen", which
	// becomes the TZID and X-WR-TIMEZONE); time.Local is refused because
	// its name says nothing to a client.
	Location *time.Location
	// Stamp is when this calendar object is made, written as each event's
	// DTSTAMP (which RFC 5545 3.8.7.2 defines so in a calendar with a
	// METHOD); zero means time.Now.
	Stamp time.Time
	// Events are written in this order.
	Events []Event
}

// localLayout is a DATE-TIME in local ("floating" until a TZID is given)
// form; utcLayout the same in UTC.
const (
	localLayout = "20060102T150405"
	utcLayout   = "20060102T150405Z"
	dateLayout  = "20060102" // a DATE, for all-day events
)

// Validate reports the first problem that would make the calendar wrong:
// an event without UID or start, one that ends before it starts, an
// unknown status, a negative sequence, or a location without a usable
// name. These are mistakes of the caller, not of a user, so the errors
// are plain errors.
func (c *Calendar) Validate() error {
	if loc := c.Location; loc != nil && (loc.String() == "" || loc == time.Local || loc.String() == "Local") {
		return fmt.Errorf("ical: location %q has no zone name to write as TZID", loc.String())
	}
	for i, e := range c.Events {
		switch {
		case e.UID == "":
			return fmt.Errorf("ical: event %d: no UID", i)
		case e.Start.IsZero():
			return fmt.Errorf("ical: event %q: no start", e.UID)
		case !e.AllDay && !e.End.IsZero() && e.End.Before(e.Start):
			return fmt.Errorf("ical: event %q: ends before it starts", e.UID)
		case e.Sequence < 0:
			return fmt.Errorf("ical: event %q: negative sequence", e.UID)
		}
		switch e.Status {
		case "", StatusConfirmed, StatusTentative, StatusCancelled:
		default:
			return fmt.Errorf("ical: event %q: unknown status %q", e.UID, e.Status)
		}
	}
	return nil
}

// WriteTo writes the calendar to w as RFC 5545 text: CRLF line endings,
// lines folded at 75 octets, TEXT values escaped. It implements
// io.WriterTo. It returns Validate's error, writing nothing, when the
// calendar is not valid; otherwise the number of bytes written and w's
// error, if any.
func (c *Calendar) WriteTo(w io.Writer) (int64, error) {
	if err := c.Validate(); err != nil {
		return 0, err
	}
	loc := c.Location
	if loc == nil {
		loc = time.UTC
	}
	utc := loc == time.UTC || loc.String() == "UTC"
	stamp := c.Stamp
	if stamp.IsZero() {
		stamp = time.Now()
	}
	prodID := c.ProdID
	if prodID == "" {
		prodID = DefaultProdID
	}

	var b bytes.Buffer
	line(&b, "BEGIN:VCALENDAR")
	line(&b, "VERSION:2.0")
	line(&b, "PRODID:"+EscapeText(prodID))
	line(&b, "CALSCALE:GREGORIAN")
	line(&b, "METHOD:PUBLISH")
	if c.Name != "" {
		line(&b, "X-WR-CALNAME:"+EscapeText(c.Name))
	}
	line(&b, "X-WR-TIMEZONE:"+EscapeText(loc.String()))
	if !utc {
		from, to := c.span(loc, stamp)
		writeTimezone(&b, loc, from, to)
	}
	for _, e := range c.Events {
		writeEvent(&b, e, loc, utc, stamp)
	}
	line(&b, "END:VCALENDAR")

	n, err := w.Write(b.Bytes())
	if err == nil && n < b.Len() {
		err = io.ErrShortWrite
	}
	return int64(n), err
}

// span is the stretch the VTIMEZONE covers: from 1 January of the year
// before the first event (so the rule in force at the first event starts
// inside it) to 1 January after the last event ends, in loc. Without
// events it is the stamp's year and the one before.
func (c *Calendar) span(loc *time.Location, stamp time.Time) (from, to time.Time) {
	first, last := stamp.In(loc).Year(), stamp.In(loc).Year()
	for i, e := range c.Events {
		lo, hi := e.Start.In(loc).Year(), e.Start.In(loc).Year()
		if !e.End.IsZero() {
			hi = max(hi, e.End.In(loc).Year())
		}
		if i == 0 {
			first, last = lo, hi
		}
		first, last = min(first, lo), max(last, hi)
	}
	return time.Date(first-1, time.January, 1, 0, 0, 0, 0, loc),
		time.Date(last+1, time.January, 1, 0, 0, 0, 0, loc)
}

func writeEvent(b *bytes.Buffer, e Event, loc *time.Location, utc bool, stamp time.Time) {
	line(b, "BEGIN:VEVENT")
	line(b, "UID:"+EscapeText(e.UID))
	line(b, "DTSTAMP:"+stamp.UTC().Format(utcLayout))
	switch {
	case e.AllDay:
		y, m, d := e.Start.Date()
		day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		line(b, "DTSTART;VALUE=DATE:"+day.Format(dateLayout))
		line(b, "DTEND;VALUE=DATE:"+day.AddDate(0, 0, 1).Format(dateLayout))
	default:
		line(b, "DTSTART"+dateTime(e.Start, loc, utc))
		if !e.End.IsZero() {
			line(b, "DTEND"+dateTime(e.End, loc, utc))
		}
	}
	line(b, "SEQUENCE:"+strconv.Itoa(e.Sequence))
	if e.Status != "" {
		line(b, "STATUS:"+e.Status)
	}
	if e.Summary != "" {
		line(b, "SUMMARY:"+EscapeText(e.Summary))
	}
	if e.Location != "" {
		line(b, "LOCATION:"+EscapeText(e.Location))
	}
	if e.Description != "" {
		line(b, "DESCRIPTION:"+EscapeText(e.Description))
	}
	if u := stripControls(e.URL); u != "" {
		line(b, "URL;VALUE=URI:"+u)
	}
	if !e.Updated.IsZero() {
		line(b, "LAST-MODIFIED:"+e.Updated.UTC().Format(utcLayout))
	}
	line(b, "END:VEVENT")
}

// dateTime is the parameters and value of a DTSTART or DTEND: ":…Z" in
// UTC, otherwise ";TZID=<zone>:<local time>".
func dateTime(t time.Time, loc *time.Location, utc bool) string {
	if utc {
		return ":" + t.UTC().Format(utcLayout)
	}
	return ";TZID=" + paramValue(loc.String()) + ":" + t.In(loc).Format(localLayout)
}

// paramValue quotes a parameter value when it holds a character that
// would end it (RFC 5545 3.2); a double quote cannot be written at all
// and is dropped.
func paramValue(s string) string {
	s = stripControls(s)
	if !strings.ContainsAny(s, `";:,`) {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, "") + `"`
}

// line writes one content line, folded.
func line(b *bytes.Buffer, s string) { foldTo(b, s) }

var _ io.WriterTo = (*Calendar)(nil)
