package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/server/servertest"
)

// checkDemoReminders: the demo's municipalities close for the summer in
// their country's way, Nittedal sends its monthly report to its
// committee by itself, and the first morning's reminders are in the app
// (Nittedal's editor's bell and notifications, the admin's send log) but
// mailed to nobody.
func checkDemoReminders(t *testing.T, p *servertest.Process, password string) {
	t.Helper()
	ctx := context.Background()
	closures := map[string]string{}
	var reportDay, notes, mails int
	err := db.Run(ctx, p.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var rows []struct {
			Slug string `bun:"slug"`
			Name string `bun:"name"`
		}
		if err := idb.NewRaw(`SELECT o.slug, c.name FROM reminder_closures AS c JOIN organisations AS o ON o.id = c.org_id`).Scan(ctx, &rows); err != nil {
			return err
		}
		for _, r := range rows {
			closures[r.Slug] = r.Name
		}
		if err := idb.NewRaw(`SELECT s.report_day FROM reminder_settings AS s JOIN organisations AS o ON o.id = s.org_id WHERE o.slug = 'nittedal'`).Scan(ctx, &reportDay); err != nil {
			return err
		}
		if err := idb.NewRaw(`SELECT count(*) FROM notifications AS n JOIN users AS u ON u.id = n.user_id WHERE u.email = 'editor@nittedal.example'`).Scan(ctx, &notes); err != nil {
			return err
		}
		return idb.NewRaw(`SELECT count(*) FROM mail_outbox WHERE kind LIKE 'remind.%'`).Scan(ctx, &mails)
	})
	if err != nil {
		t.Fatal(err)
	}
	for slug, prefix := range map[string]string{"nittedal": "Fellesferie ", "tierp": "Semester ", "thisted": "Sommerferie "} {
		if !strings.HasPrefix(closures[slug], prefix) {
			t.Errorf("%s's holiday weeks: %q; want %q and the year", slug, closures[slug], prefix)
		}
	}
	if reportDay != 5 {
		t.Errorf("Nittedal's report day: %d; want 5", reportDay)
	}
	if notes == 0 || mails != 0 {
		t.Errorf("the demo's first morning: %d notifications for Nittedal's editor, %d reminder e-mails; want some, and none mailed", notes, mails)
	}
	c := client(t)
	signIn(t, c, p.URL(), "editor@nittedal.example", password)
	if code, page := get(t, c, p.URL()+"/o/nittedal/notifications"); code != 200 || !strings.Contains(page, "bell-badge") {
		t.Errorf("Nittedal's editor's notifications: %d; want the bell's count", code)
	}
	a := client(t)
	signIn(t, a, p.URL(), "admin@nittedal.example", password)
	if code, page := get(t, a, p.URL()+"/o/nittedal/admin/sent"); code != 200 || !strings.Contains(page, "editor@nittedal.example") || !strings.Contains(page, "uten e-post") {
		t.Errorf("Nittedal's send log: %d; want the first morning's reminders to its editor, in the app only", code)
	}
}
