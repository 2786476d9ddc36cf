package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/remind"
)

// routeRowsRemindPages are the route walk's rows for the bell's
// notifications, a person's notification settings and absences, and an
// organisation's reminder settings (internal/web/remind_*.go).
func routeRowsRemindPages() map[string]expectation {
	return map[string]expectation{
		"GET /o/:org/notifications":                             {anon: 303, roles: everyone},
		"POST /o/:org/notifications/read":                       {anon: 401, roles: everyone},
		"POST /o/:org/notifications/:notification/read":         {anon: 401, roles: everyone},
		"GET /account/notifications":                            {anon: 303, signedIn: 200},
		"POST /account/notifications":                           {anon: 401, signedIn: 303, form: formOf("kind_reminder", "daily", "kind_escalation", "weekly", "kind_digest", "off")},
		"POST /account/notifications/absences":                  {anon: 401, signedIn: 422, form: formOf("starts", "2026-07-06", "ends", "2026-07-31", "delegate", "0:0")},
		"POST /account/notifications/absences/:absence/remove":  {anon: 401, signedIn: 303},
		"GET /o/:org/admin/reminders":                           {anon: 303, roles: admins},
		"POST /o/:org/admin/reminders":                          {anon: 401, roles: admins, form: formOf("before_days", "14, 3, 0", "overdue_every", "7", "escalate_after", "7", "stalled_after", "60", "send_hour", "8", "report_day", "5", "report_recipients", "rådet@example.org\nøkonomi@example.org", "agenda_days", "7", "network_days", "14")},
		"POST /o/:org/admin/reminders/closures":                 {anon: 401, roles: admins, form: formOf("closure_name", "Fellesferie «sommer»", "closure_starts", "2026-07-06", "closure_ends", "2026-07-31")},
		"POST /o/:org/admin/reminders/closures/:closure/remove": {anon: 401, roles: admins},
	}
}

// remindParams answers the path parameters of the remind pages' routes
// for one request by client c against tn: :notification, a notification
// of c's user in tn; :absence, an absence of c's user in their first
// organisation; :closure, a holiday period of tn. An anonymous client
// gets ids of nothing.
func remindParams(t *testing.T, w *world, c *http.Client, tn *tenant, path string) map[string]string {
	t.Helper()
	out := map[string]string{":notification": "999999999", ":absence": "999999999", ":closure": "999999999"}
	ctx := context.Background()
	now := time.Now().UTC()
	if strings.Contains(path, ":closure") {
		cl, err := remind.AddClosure(ctx, w.db, remind.Closure{OrgID: tn.org.ID, Name: "Juleferie", Starts: now.AddDate(0, 6, 0), Ends: now.AddDate(0, 6, 7)})
		if err != nil {
			t.Fatal(err)
		}
		out[":closure"] = strconv.FormatInt(cl.ID, 10)
	}
	if !strings.Contains(path, ":notification") && !strings.Contains(path, ":absence") {
		return out
	}
	resp, err := c.Get(w.base + "/api/v1/me")
	if err != nil {
		t.Fatal(err)
	}
	var me struct {
		User struct {
			ID int64 `json:"id"`
		} `json:"user"`
	}
	ok := resp.StatusCode == 200 && json.NewDecoder(resp.Body).Decode(&me) == nil && me.User.ID != 0
	resp.Body.Close()
	if !ok {
		return out
	}
	uid := me.User.ID
	if strings.Contains(path, ":notification") {
		var id int64
		err := db.RunTx(ctx, w.db, db.OrgScope(tn.org.ID), func(ctx context.Context, tx bun.Tx) error {
			return tx.NewRaw(`INSERT INTO notifications (org_id, user_id, kind, title, url, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
				tn.org.ID, uid, remind.KindReminder, "Frist om 3 dager: «Språkkafé»", "/o/"+tn.org.Slug+"/dashboard", now).Scan(ctx, &id)
		})
		if err != nil {
			t.Fatal(err)
		}
		out[":notification"] = strconv.FormatInt(id, 10)
	}
	if strings.Contains(path, ":absence") {
		var orgs []int64
		if err := db.Run(ctx, w.db, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
			return idb.NewRaw("SELECT org_id FROM memberships WHERE user_id = ? ORDER BY org_id", uid).Scan(ctx, &orgs)
		}); err != nil {
			t.Fatal(err)
		}
		if len(orgs) == 0 {
			return out
		}
		var id int64
		err := db.RunTx(ctx, w.db, db.OrgScope(orgs[0]), func(ctx context.Context, tx bun.Tx) error {
			return tx.NewRaw(`INSERT INTO absences (org_id, user_id, starts, ends, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
				orgs[0], uid, remind.Day(now), remind.Day(now).AddDate(0, 0, 7), now).Scan(ctx, &id)
		})
		if err != nil {
			t.Fatal(err)
		}
		out[":absence"] = strconv.FormatInt(id, 10)
	}
	return out
}
