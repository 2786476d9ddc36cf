package workbook_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
	"github.com/samvirke/samvirke/internal/workbook/workbooktest"
)

// TestDeadlineAsWritten: a measure due «Høst 2026» is kept as written on
// the answer page and reaches its responsible person's "My work" in the
// autumn, due at the end of 2026; «32.13.2016» is refused on the form
// with what was typed kept, never stored as text.
func TestDeadlineAsWritten(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{Clock: &app.FixedClock{T: time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)}})
	network := r.Org(org.KindNetwork)
	muni := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Meldal kommune"; o.Locale = "nb" })
	r.Join(network, muni, webtest.Since2016)
	editor := r.User(muni, "editor")
	contributor := r.User(muni, "contributor")
	tmpl, books := workbooktest.Publish(t, r.Workbooks, network, "2026", "Problemstilling 1: Bosetting")
	page := fmt.Sprintf("/o/%s/workbooks/%d/statements/%d", muni.Slug, books[0].ID, tmpl.Chapters[0].Statements[0].ID)
	ec := r.Client(editor)
	form := url.Values{"version": {"0"},
		"measure.0.description": {"Språkkafé på biblioteket"}, "measure.0.responsible_user": {fmt.Sprint(contributor.ID)},
		"measure.0.deadline": {"32.13.2016"}, "measure.0.status": {"planned"}}
	if code, body := ec.Post(page, form); code != 422 || !strings.Contains(body, "ser ut som en dato, men er ingen dag") || !strings.Contains(body, `value="32.13.2016"`) {
		t.Fatalf("a deadline that is no day: %d; want 422 saying so with the text kept", code)
	}
	form.Set("measure.0.deadline", "Høst 2026")
	if code, _ := ec.Post(page, form); code != 303 {
		t.Fatalf("save: %d", code)
	}
	if _, body := ec.Get(page); !strings.Contains(body, `value="Høst 2026"`) {
		t.Error("the answer page does not show the deadline as written")
	}
	_, dash := r.Client(contributor).Get("/o/" + muni.Slug + "/dashboard")
	if !strings.Contains(dash, "Språkkafé på biblioteket") || !strings.Contains(dash, "Høst 2026") || !strings.Contains(dash, "31.12.2026") {
		t.Errorf("the responsible person's My work lacks the measure due «Høst 2026» (31.12.2026)")
	}
}
