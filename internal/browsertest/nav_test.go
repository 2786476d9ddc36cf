package browsertest_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/browsertest"
	"github.com/samvirke/samvirke/internal/db"
)

// navLinks answers the same-site pages the navigation offers on the
// current page: main navigation, administration tabs, header and footer.
func navLinks(t *testing.T, b *browsertest.Browser) []string {
	t.Helper()
	hrefs := browsertest.Eval[[]string](t, b, `Array.from(document.querySelectorAll(
		".site-nav a, .tabs a, #user-menu a, .site-footer a")).map(a => a.href)`)
	var out []string
	for _, h := range hrefs {
		u, err := url.Parse(h)
		if err != nil || strings.HasPrefix(u.Path, "/api/") || slices.Contains(out, u.Path) {
			continue
		}
		out = append(out, u.Path)
	}
	return out
}

// chooseLanguage uses the language choice of the page header's user menu
// (or, on a phone, of its "Menu").
func chooseLanguage(t *testing.T, b *browsertest.Browser, loc string) {
	t.Helper()
	menu := openUserMenu(t, b)
	b.ClickAndWait(t, menu+` form[action="/language"] button[value="`+loc+`"]`)
}

// openUserMenu opens the menu holding the user's items: the user menu on
// a wide screen, the "Menu" on a phone; it answers its selector.
func openUserMenu(t *testing.T, b *browsertest.Browser) string {
	t.Helper()
	menu := "#user-menu"
	if !browsertest.Eval[bool](t, b, `!!document.querySelector("#user-menu") && document.querySelector("#user-menu").offsetParent !== null`) {
		menu = "#site-menu"
	}
	if !browsertest.Eval[bool](t, b, `document.querySelector("`+menu+`").open`) {
		b.Click(t, menu+" > summary")
	}
	return menu
}

// TestNavigationInEveryLanguage signs in as a user of two organisations,
// switches organisation and language, and visits every page reachable from
// the navigation in all four languages; axe-core must find no serious or
// critical violation on any of them.
func TestNavigationInEveryLanguage(t *testing.T) {
	srv := browsertest.StartServer(t)
	// The Nittedal administrator also coordinates the Sør-Trøndelag
	// network, so the organisation switcher appears.
	ctx := context.Background()
	err := db.RunTx(ctx, srv.Main.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		u, err := account.FindUserByEmail(ctx, tx, "admin@nittedal.example")
		if err != nil {
			return err
		}
		net, err := account.FindUserByEmail(ctx, tx, "coordinator@sor-trondelag.example")
		if err != nil {
			return err
		}
		ms, err := account.FindUserMemberships(ctx, tx, net.ID)
		if err != nil || len(ms) != 1 {
			return err
		}
		return account.SetMembership(ctx, tx, ms[0].OrgID, u.ID, "coordinator", time.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Main.Authz.Reload(); err != nil {
		t.Fatal(err)
	}
	b := browsertest.NewBrowser(t, browsertest.WithTimeout(8*time.Minute))
	b.SignIn(t, srv.URL, "admin@nittedal.example", browsertest.DemoPassword)
	if !strings.HasSuffix(b.Location(t), "/orgs") {
		t.Fatalf("a user of two organisations lands on %s; want the chooser /orgs", b.Location(t))
	}
	b.CheckA11y(t)
	b.ClickAndWait(t, `a[href="/o/nittedal/dashboard"]`)

	visited := 0
	for _, loc := range []string{"nb", "sv", "da", "en"} {
		chooseLanguage(t, b, loc)
		pages := navLinks(t, b)
		for _, want := range []string{"/o/nittedal/dashboard", "/o/nittedal/admin/members", "/account", "/accessibility", "/o/nittedal/terms"} {
			if !slices.Contains(pages, want) {
				t.Errorf("%s: the navigation lacks %s (has %v)", loc, want, pages)
			}
		}
		// Administration tabs show on administration pages.
		if b.Visit(t, srv.URL+"/o/nittedal/admin/members") == 200 {
			for _, p := range navLinks(t, b) {
				if !slices.Contains(pages, p) {
					pages = append(pages, p)
				}
			}
		}
		for _, p := range pages {
			if status := b.Visit(t, srv.URL+p); status != 200 {
				t.Errorf("%s %s: status %d", loc, p, status)
				continue
			}
			if got := browsertest.Eval[string](t, b, `document.documentElement.lang`); got != loc {
				t.Errorf("%s: page %s is in %q", loc, p, got)
			}
			b.CheckA11y(t)
			visited++
		}
	}
	// Every page works at 360 px: nothing wider than the screen.
	b.SetViewport(t, 360, 800)
	for _, p := range navLinks(t, b) {
		b.Visit(t, srv.URL+p)
		if w := browsertest.Eval[int](t, b, `document.documentElement.scrollWidth`); w > 360 {
			t.Errorf("%s at 360 px is %d px wide", p, w)
		}
	}
	b.Visit(t, srv.URL+"/o/nittedal/admin/audit")
	if w := browsertest.Eval[int](t, b, `document.documentElement.scrollWidth`); w > 360 {
		t.Errorf("the audit log at 360 px is %d px wide", w)
	}
	b.Screenshot(t, browsertest.ArtifactsDir(t)+"/navigation-audit-360.png")
	b.SetViewport(t, 1280, 900)
	// The organisation switcher leads to the other organisation.
	b.Click(t, "#org-menu > summary")
	if got := b.Text(t, `#org-menu button[aria-current="true"]`); !strings.Contains(got, "Nittedal") {
		t.Errorf("the organisation switcher marks %q as the open organisation; want Nittedal", got)
	}
	b.ClickAndWait(t, `#org-menu button[value="sor-trondelag"]`)
	if !strings.HasSuffix(b.Location(t), "/o/sor-trondelag/dashboard") || !strings.Contains(b.Text(t, "h1"), "Sør-Trøndelag") {
		t.Errorf("after switching: %s, heading %q", b.Location(t), b.Text(t, "h1"))
	}
	b.CheckA11y(t)
	if visited < 4*8 {
		t.Errorf("visited %d pages in four languages; want at least 8 pages in each", visited)
	}
}
