package org_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
)

// TestAuditLogPage: the audit log shows what happened in the reader's
// words (a role's name, not its code), reads a day typed the Norwegian
// way, and names a day that is not one on the form, keeping what was
// typed, instead of silently showing nothing.
func TestAuditLogPage(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	o := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Trysil kommune"; o.Locale = "nb" })
	admin := r.User(o, "admin")
	ctx := app.WithActor(context.Background(), &app.Actor{UserID: admin.ID, Email: admin.Email, OrgID: o.ID})
	if _, err := r.Accounts.Invite(ctx, o, "ny.koordinator@trysil.example", "editor"); err != nil {
		t.Fatal(err)
	}
	c := r.Client(admin)
	page := "/o/" + o.Slug + "/admin/audit"
	today := r.Clock.Now().In(mustZone(t, o.TimeZone)).Format("02.01.2006")

	code, body := c.Get(page + "?" + url.Values{"from": {today}, "until": {today}}.Encode())
	if code != 200 || !strings.Contains(body, "ny.koordinator@trysil.example") {
		t.Fatalf("today's events, the day typed as %s: %d; want the invitation listed", today, code)
	}
	if !strings.Contains(body, "Rolle: Redaktør") || strings.Contains(body, "role: editor") {
		t.Errorf("the invitation's detail is not in Norwegian words:\n%s", body)
	}
	if !strings.Contains(body, `value="`+today+`"`) {
		t.Errorf("the filter does not keep the day %s as typed", today)
	}

	code, body = c.Get(page + "?" + url.Values{"from": {"31.02.2026"}}.Encode())
	if code != 422 || !strings.Contains(body, "«31.02.2026» er ikke en dato") || !strings.Contains(body, `href="#f-from"`) ||
		!strings.Contains(body, `value="31.02.2026"`) || strings.Contains(body, "ny.koordinator@trysil.example") {
		t.Errorf("a day that is not one: %d; want 422 naming it, linked from the error summary, typed value kept, no events", code)
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}
