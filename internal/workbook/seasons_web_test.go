package workbook_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
	"github.com/samvirke/samvirke/internal/workbook/workbooktest"
)

// TestSeasonEndSettings: on the settings page an owner sets the day the
// autumn term ends; «31.2.» is refused with what was typed kept and
// nothing saved, «20.12.» is saved, shown as typed and audited. A measure
// due «Høst 2026» written in the answer editor is then due 20.12.2026 on
// its responsible person's "My work", and 31.12.2026 in a municipality
// that kept the default.
func TestSeasonEndSettings(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{Clock: &app.FixedClock{T: time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)}})
	network := r.Org(org.KindNetwork)
	school := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Meldal kommune"; o.Locale = "nb" })
	plain := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Skaun kommune"; o.Locale = "nb" })
	r.Join(network, school, webtest.Since2016)
	r.Join(network, plain, webtest.Since2016)
	tmpl, books := workbooktest.Publish(t, r.Workbooks, network, "2026", "Problemstilling 1: Bosetting")

	owner := r.User(school, "owner")
	oc := r.Client(owner)
	settings := "/o/" + school.Slug + "/admin/settings"
	form := url.Values{"name": {school.Name}, "locale": {"nb"}, "time_zone": {school.TimeZone}, "spring_end": {""}, "autumn_end": {"31.2."}}
	if code, body := oc.Post(settings, form); code != 422 || !strings.Contains(body, "«31.2.» er ikke en dag i året") ||
		!strings.Contains(body, `name="autumn_end" type="text" value="31.2."`) {
		t.Fatalf("autumn ends «31.2.»: %d; want 422 saying so with «31.2.» kept", code)
	}
	entries := func() []*audit.Entry {
		t.Helper()
		es, _, err := r.Orgs.AuditLog(context.Background(), school, audit.Filter{Action: audit.SettingsChanged})
		if err != nil {
			t.Fatal(err)
		}
		return es
	}
	if got, _ := r.Orgs.FindBySlug(context.Background(), school.Slug); got.AutumnEnd != "" || len(entries()) != 0 {
		t.Fatalf("a refused term end was saved (%q) or audited", got.AutumnEnd)
	}
	form.Set("autumn_end", "20.12.")
	if code, _ := oc.Post(settings, form); code != 303 {
		t.Fatalf("autumn ends «20.12.»: %d; want 303", code)
	}
	if _, body := oc.Get(settings); !strings.Contains(body, `name="autumn_end" type="text" value="20.12."`) || !strings.Contains(body, "Høsten slutter") {
		t.Error("the settings page does not show the autumn term's end, 20.12.")
	}
	if es := entries(); len(es) != 1 || es[0].Details()["autumn_end"] != "12-20" {
		t.Errorf("audit log: %d settings changes; want one with autumn_end 12-20", len(es))
	}
	if _, body := oc.Get("/o/" + school.Slug + "/admin/audit"); !strings.Contains(body, "Høsten slutter") || !strings.Contains(body, "12-20") {
		t.Error("the audit page does not show the autumn term's new end")
	}

	for _, tc := range []struct {
		muni *org.Organisation
		due  string
	}{{school, "20.12.2026"}, {plain, "31.12.2026"}} {
		editor, contributor := r.User(tc.muni, "editor"), r.User(tc.muni, "contributor")
		var book int64
		for _, b := range books {
			if b.OrgID == tc.muni.ID {
				book = b.ID
			}
		}
		page := fmt.Sprintf("/o/%s/workbooks/%d/statements/%d", tc.muni.Slug, book, tmpl.Chapters[0].Statements[0].ID)
		if code, _ := r.Client(editor).Post(page, url.Values{"version": {"0"}, "measure.0.description": {"Språkkafé på biblioteket"},
			"measure.0.responsible_user": {fmt.Sprint(contributor.ID)}, "measure.0.deadline": {"Høst 2026"}, "measure.0.status": {"planned"}}); code != 303 {
			t.Fatalf("%s: save: %d", tc.muni.Name, code)
		}
		_, dash := r.Client(contributor).Get("/o/" + tc.muni.Slug + "/dashboard")
		if !strings.Contains(dash, "Språkkafé på biblioteket") || !strings.Contains(dash, "Høst 2026") || !strings.Contains(dash, tc.due) {
			t.Errorf("%s: My work lacks the measure due «Høst 2026» (%s)", tc.muni.Name, tc.due)
		}
	}
}
