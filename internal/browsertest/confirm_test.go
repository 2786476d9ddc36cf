package browsertest_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/browsertest"
	"github.com/samvirke/samvirke/internal/db"
)

// TestConfirmBeforeDestroying: removing a member and restoring an old
// version of an answer each ask first, on a page of their own that says
// what will happen, with JavaScript and without; cancelling changes
// nothing, confirming does it.
func TestConfirmBeforeDestroying(t *testing.T) {
	srv := browsertest.StartServer(t)
	var book, stmt int64
	err := db.Run(context.Background(), srv.Main.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var tmpl int64
		if err := idb.NewRaw("SELECT w.id, w.template_id FROM workbooks w JOIN organisations o ON o.id = w.org_id WHERE o.slug = 'meldal'").Scan(ctx, &book, &tmpl); err != nil {
			return err
		}
		return idb.NewRaw("SELECT s.id FROM workbook_statements s JOIN workbook_chapters c ON c.id = s.chapter_id AND c.org_id = s.org_id WHERE c.template_id = ? ORDER BY s.position LIMIT 1", tmpl).Scan(ctx, &stmt)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []struct {
		name   string
		js     bool
		remove string // the member removed
	}{{"with JavaScript", true, "viewer@nittedal.example"}, {"without JavaScript", false, "contributor@nittedal.example"}} {
		t.Run(mode.name, func(t *testing.T) {
			b := browsertest.NewBrowser(t)
			b.SetJavaScript(t, mode.js)

			// Removing a member.
			b.SignIn(t, srv.URL, "admin@nittedal.example", browsertest.DemoPassword)
			members := srv.URL + "/o/nittedal/admin/members"
			b.Visit(t, members)
			// A document parses <noscript> as markup only when scripting is off.
			scripting := browsertest.Eval[bool](t, b, `(() => { const d = document.createElement("div"); d.innerHTML = "<noscript><p></p></noscript>"; return d.querySelector("noscript p") === null })()`)
			if scripting != mode.js {
				t.Fatalf("scripting in the page: %v; want %v", scripting, mode.js)
			}
			row := fmt.Sprintf(`//tr[td[2][normalize-space()=%q]]`, mode.remove)
			id := browsertest.Eval[string](t, b, fmt.Sprintf(`document.evaluate(%q, document, null, 9, null).singleNodeValue.id.replace("member-", "")`, row))
			link := fmt.Sprintf(`a[href="/o/nittedal/admin/members/%s/remove"]`, id)
			if code := b.ClickAndWait(t, link); code != http.StatusOK {
				t.Fatalf("the remove link answered %d", code)
			}
			if h, want := b.Text(t, "h1"), tr(t, srv, b, "admin.members.remove_title"); h != want {
				t.Errorf("the confirmation's heading %q; want %q", h, want)
			}
			if main := b.Text(t, "main"); !strings.Contains(main, mode.remove) || !strings.Contains(main, "Nittedal kommune") {
				t.Errorf("the confirmation does not name whom and where:\n%s", main)
			}
			if mode.js { // axe-core is a script
				b.CheckA11y(t)
			}
			b.ClickAndWait(t, `main form a`) // cancel
			if slices.IndexFunc(memberRows(t, b), func(r memberRow) bool { return r.Email == mode.remove }) < 0 {
				t.Fatalf("cancelling removed %s", mode.remove)
			}
			b.ClickAndWait(t, link)
			if code := b.ClickAndWait(t, `main form button[type="submit"]`); code != http.StatusOK {
				t.Fatalf("confirming answered %d", code)
			}
			if slices.IndexFunc(memberRows(t, b), func(r memberRow) bool { return r.Email == mode.remove }) >= 0 {
				t.Errorf("%s is still a member after confirming", mode.remove)
			}
			signOut(t, srv, b)

			// Restoring an old version: save a new one first.
			b.SignIn(t, srv.URL, "editor@meldal.example", browsertest.DemoPassword)
			entry := fmt.Sprintf("%s/o/meldal/workbooks/%d/statements/%d", srv.URL, book, stmt)
			b.Visit(t, entry)
			first := browsertest.Eval[string](t, b, `document.querySelector("#s-analysis").value`)
			b.Fill(t, "#s-analysis", "Ny tekst: «"+mode.name+"» – æøå")
			b.ClickAndWait(t, `form[action$="/statements/`+fmt.Sprint(stmt)+`"] button[type="submit"]`)
			current := browsertest.Eval[string](t, b, `document.querySelector('input[name="version"]').value`)
			b.Visit(t, entry+"/history")
			restore := `a[href*="/restore?version=1"]`
			if code := b.ClickAndWait(t, restore); code != http.StatusOK {
				t.Fatalf("the restore link answered %d", code)
			}
			if main := b.Text(t, "main"); !strings.Contains(main, tr(t, srv, b, "workbook.restore.note", "current", current)) {
				t.Errorf("the confirmation does not say the current version %s stays:\n%s", current, main)
			}
			if mode.js {
				b.CheckA11y(t)
			}
			b.ClickAndWait(t, `main form a`) // cancel
			b.Visit(t, entry)
			if got := browsertest.Eval[string](t, b, `document.querySelector("#s-analysis").value`); !strings.Contains(got, mode.name) {
				t.Fatalf("cancelling restored the old version: %q", got)
			}
			b.Visit(t, entry+"/history")
			b.ClickAndWait(t, restore)
			b.ClickAndWait(t, `main form button[type="submit"]`)
			b.Visit(t, entry)
			if got := browsertest.Eval[string](t, b, `document.querySelector("#s-analysis").value`); got != first {
				t.Errorf("after confirming, the answer is %q; want version 1's text", got)
			}
		})
	}
}
