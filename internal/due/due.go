// Package due is the one interface through which capabilities report what
// someone must finish by a date: a workbook measure, a plan activity, a
// council decision's follow-up. The "My work" dashboard reads it today and
// the reminder engine will read the same items to remind and escalate.
package due

import (
	"context"
	"sort"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
)

// States of an item.
const (
	StateOpen = "open"
	StateDone = "done"
)

// Item is something a person is responsible for, due on a day.
type Item struct {
	OrgID         int64
	ResponsibleID int64     // the user responsible
	Due           time.Time // the calendar day it is due (time of day ignored)
	DueText       string    // the deadline as written when it is not a day («Høst 2026», due at its end); shown beside Due
	Title         string
	URL           string // where to act on it
	State         string // StateOpen or StateDone
	Source        string // the capability's key, e.g. "workbook.measure"; labels come from "due.source.<Source>"

	// What the reminder engine needs beside the above (the due-item
	// contract every capability implements).
	Kind    string // KindOnce, KindOngoing or KindYearly
	Status  string // the item's own status code, e.g. a measure's "ongoing"
	Role    string // the role or unit as written when the person is responsible through it; "" when named
	Context string // where it belongs, e.g. the problem statement's title
	// EscalateTo says whom to tell when it stalls: EscalateEditors (the
	// organisation's editors) unless a capability names someone.
	EscalateTo string
	// Key names the item within its organisation, the same every time it
	// is read («measure:42»): the reminder engine's send log is keyed by
	// it, so a reminder is sent once per item, rule and occurrence.
	Key string
	// Changed is when the item's status last changed; zero when unknown.
	// An open item unchanged for the organisation's configured time is
	// escalated as stalled.
	Changed time.Time
}

// Kinds of due item.
const (
	KindOnce    = "once"    // due on a day (a date, a period's last day, a last phase)
	KindOngoing = "ongoing" // continuous work with a review date
	KindYearly  = "yearly"  // comes back every year in the annual cycle
)

// EscalateEditors is the default whom to escalate to.
const EscalateEditors = "editors"

// Query narrows what a source answers.
type Query struct {
	OrgID         int64
	OrgSlug       string    // for the items' links
	ResponsibleID int64     // 0: everyone's (the reminder engine)
	Until         time.Time // zero: no upper bound
	OpenOnly      bool
	Limit         int // at most this many items per source, soonest first; 0: all
}

// Source is implemented by each capability that has due items. It is
// called inside the organisation's scope (db.Run) and must name org_id.
type Source interface {
	DueItems(ctx context.Context, idb bun.IDB, q Query) ([]Item, error)
}

// SourceFunc adapts a function to Source.
type SourceFunc func(ctx context.Context, idb bun.IDB, q Query) ([]Item, error)

// DueItems calls f.
func (f SourceFunc) DueItems(ctx context.Context, idb bun.IDB, q Query) ([]Item, error) {
	return f(ctx, idb, q)
}

// Registry holds the sources; main adds one per capability.
type Registry struct {
	app.Registry[Source]
}

// Items asks every source and answers their items by due day, then title.
func (r *Registry) Items(ctx context.Context, idb bun.IDB, q Query) ([]Item, error) {
	var all []Item
	for _, s := range r.All() {
		items, err := s.DueItems(ctx, idb, q)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if q.OpenOnly && it.State != StateOpen {
				continue
			}
			all = append(all, it)
		}
	}
	sort.SliceStable(all, func(i, j int) bool {
		if d := day(all[i].Due).Compare(day(all[j].Due)); d != 0 {
			return d < 0
		}
		return all[i].Title < all[j].Title
	})
	return all, nil
}

// Soon is how far ahead "due soon" looks.
const Soon = 14 * 24 * time.Hour

// Groups are a person's open items as "My work" shows them.
type Groups struct {
	Overdue, Soon, Later []Entry
}

// Entry is an item with its distance from today, in days (negative:
// overdue by that many days).
type Entry struct {
	Item
	Days int
}

// IsMeasure reports whether the item is a measure (a workbook's, a
// plan's, a council's or a survey's follow-up action), whose status "My
// work" offers to update in its row.
func (it Item) IsMeasure() bool {
	switch it.Source {
	case "workbook.measure", "plan.measure", "council.followup", "survey.followup":
		return true
	}
	return false
}

// Group sorts open items into overdue, due within 14 days of today, and
// later. today is the current day in the organisation's time zone.
func Group(items []Item, today time.Time) Groups {
	var g Groups
	t := day(today)
	for _, it := range items {
		if it.State != StateOpen {
			continue
		}
		d := int(day(it.Due).Sub(t).Hours() / 24)
		e := Entry{Item: it, Days: d}
		switch {
		case d < 0:
			g.Overdue = append(g.Overdue, e)
		case time.Duration(d)*24*time.Hour <= Soon:
			g.Soon = append(g.Soon, e)
		default:
			g.Later = append(g.Later, e)
		}
	}
	return g
}

// day is t's calendar day as midnight UTC, so day arithmetic ignores
// time zones and daylight saving.
func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
