package browsertest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/browsertest"
)

// TestRolesAndUnits: Meldal's administrator reaches "Roles and units" from
// the administration tabs, adds a unit, lets the demo editor fill it and
// deletes it after confirming; every page passes the accessibility check
// and none scrolls sideways on a 360 px wide phone.
func TestRolesAndUnits(t *testing.T) {
	t.Parallel()
	srv := browsertest.StartServer(t)
	b := browsertest.NewBrowser(t)
	b.SetViewport(t, 360, 740)
	b.SignIn(t, srv.URL, "admin@meldal.example", browsertest.DemoPassword)
	narrow := func(name string) {
		t.Helper()
		b.CheckA11y(t)
		if sw := browsertest.Eval[int](t, b, `document.documentElement.scrollWidth`); sw > 360 {
			t.Errorf("%s at 360 px scrolls sideways: scrollWidth %d (%s)", name, sw, b.Screenshot(t, "TestRolesAndUnits-"+name+"-360.png"))
		}
	}
	b.Visit(t, srv.URL+"/o/meldal/admin/members")
	if code := b.ClickAndWait(t, `.tabs a[href="/o/meldal/admin/roles"]`); code != http.StatusOK {
		t.Fatalf("the roles tab answered %d", code)
	}
	if body := b.Text(t, "main"); !strings.Contains(body, "Flyktningkoordinator") || !strings.Contains(body, "Demo contributor, Meldal kommune") {
		t.Errorf("Meldal's roles lack the demo «Flyktningkoordinator» filled by the contributor:\n%s", body)
	}
	narrow("roles")

	b.Fill(t, "#f-name", "Bosettingsteamet")
	b.Click(t, "#kind-unit")
	if code := b.Submit(t, `form[action="/o/meldal/admin/roles"] button[type="submit"]`); code != http.StatusOK {
		t.Fatalf("adding a unit answered %d", code)
	}
	if h := b.Text(t, "h1"); h != "Bosettingsteamet" {
		t.Fatalf("after adding, at %q; want the unit's page", h)
	}
	narrow("role")
	b.Submit(t, `form[action$="/members"] button[type="submit"]`) // the first member offered
	if body := b.Text(t, "main"); !strings.Contains(body, "Medlemmet fyller nå rollen.") {
		t.Errorf("after choosing a member:\n%s", body)
	}
	narrow("role-filled")

	if code := b.ClickAndWait(t, `main a.danger[href$="/delete"]`); code != http.StatusOK {
		t.Fatalf("the delete link answered %d", code)
	}
	if q := b.Text(t, "main"); !strings.Contains(q, "Slette «Bosettingsteamet»?") {
		t.Errorf("the confirmation does not name the unit:\n%s", q)
	}
	narrow("delete")
	b.Submit(t, `main form button.danger`)
	if body := b.Text(t, "main"); !strings.Contains(body, "Rollen er slettet.") || strings.Contains(body, "Bosettingsteamet") {
		t.Errorf("after deleting:\n%s", body)
	}
}
