package remind

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// DemoLoader gives the demo organisations what a municipality sets up in
// its first week: the summer holiday weeks in which no reminder goes out
// (fellesferie, semester, sommerferie), Nittedal's monthly report to its
// committee, and the first morning's reminders as notifications in the
// app (the bell and the send log; no e-mail), so that the demo shows what
// the workers do. The day's plan finds them in the send log and sends
// them no more.
type DemoLoader struct {
	Service *Service
}

// demoClosures are the summer holiday weeks (ISO weeks, inclusive) by
// country, as municipalities commonly close.
var demoClosures = map[string]struct {
	name       string
	first, end int
}{
	"NO": {"Fellesferie", 28, 30},
	"SE": {"Semester", 28, 31},
	"DK": {"Sommerferie", 28, 30},
}

// demoReports are the demo organisations that send their monthly
// indicator report by themselves: day of the month and committee list.
var demoReports = map[string]struct {
	day int
	to  string
}{
	"nittedal": {5, "hovedutvalg.oppvekst@nittedal.example\nintegreringsradet@nittedal.example"},
}

// LoadDemo implements the server's DemoLoader.
func (l DemoLoader) LoadDemo(ctx context.Context, bdb *bun.DB, clock app.Clock) error {
	var orgs []*org.Organisation
	if err := db.Run(ctx, bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Model(&orgs).OrderExpr("id").Scan(ctx)
	}); err != nil {
		return fmt.Errorf("reminder demo: %w", err)
	}
	now := clock.Now()
	for _, o := range orgs {
		if c, ok := demoClosures[o.Country]; ok {
			year := now.In(o.Location()).Year()
			if isoWeekStart(year, c.end).AddDate(0, 0, 6).Before(now) {
				year++
			}
			if _, err := AddClosure(ctx, bdb, Closure{OrgID: o.ID, Name: c.name + " " + fmt.Sprint(year),
				Starts: isoWeekStart(year, c.first), Ends: isoWeekStart(year, c.end).AddDate(0, 0, 6)}); err != nil {
				return fmt.Errorf("reminder demo: %s: %w", o.Slug, err)
			}
		}
		if r, ok := demoReports[o.Slug]; ok {
			set := Defaults(o.ID)
			set.ReportDay, set.ReportRecipients = r.day, r.to
			if _, err := SaveSettings(ctx, bdb, set, now); err != nil {
				return fmt.Errorf("reminder demo: %s: %w", o.Slug, err)
			}
		}
		day, err := demoMorning(ctx, bdb, o, now)
		if err != nil {
			return fmt.Errorf("reminder demo: %s: %w", o.Slug, err)
		}
		ds, err := l.Service.Deliveries(ctx, o.ID, day)
		if err != nil {
			return fmt.Errorf("reminder demo: %s: %w", o.Slug, err)
		}
		for _, d := range ds {
			// In the app only: a demo's first start mails nobody.
			if _, err := l.Service.Send(ctx, Send{OrgID: d.OrgID, Key: d.Key, Kind: d.Kind, ItemKey: d.ItemKey, Rule: d.Rule,
				Occurrence: d.On, UserID: d.UserID, Title: d.Title, URL: d.URL, AppOnly: true}); err != nil {
				return fmt.Errorf("reminder demo: %s: %w", o.Slug, err)
			}
		}
	}
	return nil
}

// demoMorning answers the demo's first morning for o: today, or on a day
// off (a weekend, a holiday) the last working day before it, so that a
// demo started on a Saturday still shows its reminders.
func demoMorning(ctx context.Context, bdb *bun.DB, o *org.Organisation, now time.Time) (time.Time, error) {
	local := now.In(o.Location())
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	var closures []Closure
	err := db.Run(ctx, bdb, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		closures, err = Closures(ctx, idb, o.ID)
		return err
	})
	cal := NewCalendar(o.Country, closures)
	for i := 0; i < 62 && !cal.Working(day); i++ {
		day = day.AddDate(0, 0, -1)
	}
	return day, err
}

// isoWeekStart answers the Monday of ISO week w of year, midnight UTC.
func isoWeekStart(year, w int) time.Time {
	jan4 := time.Date(year, 1, 4, 0, 0, 0, 0, time.UTC)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
	return monday.AddDate(0, 0, 7*(w-1))
}
