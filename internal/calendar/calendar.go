// Package calendar is the annual cycle («årshjul»): an organisation's
// deadlines, council meetings, network gatherings and reporting rounds
// by day, for the month and year views, and each person's iCalendar feed
// (a secret, revocable URL) of their own due items and meetings.
//
// It only reads what the capabilities already expose: due items through
// the one due-item registry (package due), meetings through package
// council, gatherings through package workbook, each in the reading
// organisation's scope, so nothing of another tenant can appear.
package calendar

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/due"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/ratelimit"
	"github.com/samvirke/samvirke/internal/workbook"
)

// Kinds of event; the views filter by them.
const (
	KindDeadline  = "deadline"  // a measure's, minutes' or other due item's day
	KindMeeting   = "meeting"   // a council meeting
	KindGathering = "gathering" // a network's gathering (samling)
	KindReporting = "reporting" // a follow-up round's or an indicator report's deadline
)

// Kinds lists them in the order the filter shows them.
var Kinds = []string{KindDeadline, KindMeeting, KindGathering, KindReporting}

// Event is one entry of the calendar.
type Event struct {
	Kind string
	// Key is stable: the due item's key, «meeting:7», «gathering:3»,
	// «plan.round:5».
	Key string
	// Source is the due item's source («workbook.measure»), or
	// «council.meeting» or «workbook.gathering».
	Source  string
	Title   string
	Context string // what it belongs to: the council, the plan and round
	// Day is the local day it falls on, at midnight UTC.
	Day time.Time
	// Start and End are a meeting's times in the organisation's zone;
	// zero for what lasts the day.
	Start, End time.Time
	Place      string
	URL        string // the item's page, an app path
	Done       bool   // a due item done, a meeting held
	Cancelled  bool
	// Count is how many measures are still to be reported in a round.
	Count int
}

// Timed reports whether the event has a time of day.
func (e Event) Timed() bool { return !e.Start.IsZero() }

// Service answers calendars. Set the fields, then use it from any
// goroutine.
type Service struct {
	DB    *bun.DB
	Clock app.Clock
	Due   *due.Registry
	// Limits bounds how often one client may fetch feeds (FeedLimit).
	Limits *ratelimit.Limiter
	// Text is the translation catalogue (i18n.Catalog.T), for the feed.
	Text func(locale, key string, args ...any) string
	// BaseURL makes the feed's links absolute; set once the process
	// knows it.
	BaseURL string
}

func (s *Service) now() time.Time {
	if s.Clock == nil {
		return time.Now()
	}
	return s.Clock.Now()
}

// Day answers t's calendar day in loc as midnight UTC.
func Day(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Today answers the current day in o's zone, at midnight UTC.
func (s *Service) Today(o *org.Organisation) time.Time { return Day(s.now(), o.Location()) }

// MaxSpan is the longest stretch Events reads: a year and a few days.
const MaxSpan = 370 * 24 * time.Hour

// Events answers o's events on the days [from, to) (midnight UTC each),
// by day, then time, then title: its due items (every responsible's,
// each once; a follow-up round's unreported measures as one event per
// round), for a municipality its councils' meetings, and the gatherings
// of the networks it reads in (a network's own). One read of o's read
// scope.
func (s *Service) Events(ctx context.Context, o *org.Organisation, from, to time.Time) ([]Event, error) {
	if !to.After(from) || to.Sub(from) > MaxSpan {
		return nil, app.Errorf(app.EInvalid, "error.invalid")
	}
	loc := o.Location()
	var out []Event
	err := org.RunRead(ctx, s.DB, o, s.now(), func(ctx context.Context, idb bun.IDB) error {
		if s.Due != nil {
			items, err := s.Due.Items(ctx, idb, due.Query{OrgID: o.ID, OrgSlug: o.Slug, Until: to})
			if err != nil {
				return err
			}
			out = append(out, fromDue(items, from, to)...)
		}
		if o.Kind == org.KindMunicipality {
			ms, err := council.MeetingsBetween(ctx, idb, o.ID, localMidnight(from, loc), localMidnight(to, loc), 0)
			if err != nil {
				return err
			}
			for _, m := range ms {
				out = append(out, meetingEvent(o, m, loc))
			}
		}
		var nets []int64
		switch o.Kind {
		case org.KindNetwork:
			nets = []int64{o.ID}
		case org.KindMunicipality:
			if sc, ok := db.ScopeFrom(ctx); ok {
				nets = sc.ReadOrgIDs
			}
		}
		gs, err := workbook.FindGatherings(ctx, idb, nets...)
		if err != nil {
			return err
		}
		for _, g := range gs {
			d := Day(g.StartsOn, time.UTC)
			if d.Before(from) || !d.Before(to) {
				continue
			}
			out = append(out, Event{Kind: KindGathering, Key: "gathering:" + strconv.FormatInt(g.ID, 10), Source: "workbook.gathering",
				Title: g.Title, Day: d, Place: g.Place, URL: "/o/" + o.Slug + "/gatherings"})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	Sort(out)
	return out, nil
}

// localMidnight answers the instant day (midnight UTC) begins in loc.
func localMidnight(day time.Time, loc *time.Location) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
}

// meetingEvent is a council meeting as an event of o's calendar.
func meetingEvent(o *org.Organisation, m council.Dated, loc *time.Location) Event {
	e := Event{Kind: KindMeeting, Key: "meeting:" + strconv.FormatInt(m.ID, 10), Source: "council.meeting",
		Title: m.Council.Name, Context: m.Council.Name, Day: Day(m.StartsAt, loc), Start: m.StartsAt.In(loc),
		Place: m.Place, URL: "/o/" + o.Slug + "/" + m.Path(), Cancelled: m.Status == council.MeetingCancelled,
		Done: m.Status != council.MeetingPlanned && m.Status != council.MeetingAgendaPublished && m.Status != council.MeetingCancelled}
	if e.Place == "" {
		e.Place = m.Council.Place
	}
	if m.EndsAt != nil {
		e.End = m.EndsAt.In(loc)
	}
	return e
}

// kindOf answers the event kind of a due item's source.
func kindOf(source string) string {
	switch source {
	case "plan.round", "indicator.report":
		return KindReporting
	}
	return KindDeadline
}

// fromDue answers the due items on the days [from, to) as events: an item
// that several people are responsible for (a role's members) once, and a
// follow-up round's unreported measures as one event for the round.
func fromDue(items []due.Item, from, to time.Time) []Event {
	var out []Event
	seen := map[string]int{} // key → index in out
	for _, it := range items {
		d := Day(it.Due, time.UTC)
		if d.Before(from) || !d.Before(to) {
			continue
		}
		key, title, url, ctx := it.Key, it.Title, it.URL, it.Context
		round := it.Source == "plan.round"
		if round {
			// «plan.round:<round>:<measure>»: one event per round.
			if parts := strings.SplitN(it.Key, ":", 3); len(parts) == 3 {
				key = parts[0] + ":" + parts[1]
			}
			title, ctx = it.Context, ""
			if i := strings.IndexByte(url, '#'); i >= 0 {
				url = url[:i]
			}
		}
		if key == "" {
			key = it.Source + ":" + it.URL
		}
		if i, ok := seen[key]; ok {
			if round {
				out[i].Count++
			}
			continue
		}
		e := Event{Kind: kindOf(it.Source), Key: key, Source: it.Source, Title: title, Context: ctx, Day: d, URL: url,
			Done: it.State == due.StateDone}
		if round {
			e.Count = 1
		}
		seen[key] = len(out)
		out = append(out, e)
	}
	return out
}

// Sort orders events by day, then time (all-day first), then title.
func Sort(es []Event) {
	slices.SortStableFunc(es, func(a, b Event) int {
		if c := a.Day.Compare(b.Day); c != 0 {
			return c
		}
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.Title, b.Title)
	})
}

// Filter keeps the events of the kinds given; none given keeps all.
func Filter(es []Event, kinds []string) []Event {
	if len(kinds) == 0 {
		return es
	}
	var out []Event
	for _, e := range es {
		if slices.Contains(kinds, e.Kind) {
			out = append(out, e)
		}
	}
	return out
}
