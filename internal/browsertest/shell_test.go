package browsertest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/browsertest"
	"github.com/samvirke/samvirke/internal/db"
)

// offendersJS lists the elements whose box extends past the viewport's
// left or right edge, as "tag#id.class «text»": visually hidden elements
// (the .visually-hidden clip pattern) and the content of closed <details>
// do not count; a scrolling or clipping wrapper does not excuse its
// content.
const offendersJS = `(() => {
	const W = window.innerWidth, out = [];
	for (const el of document.querySelectorAll("body *")) {
		if (el.closest(".visually-hidden") || el.closest("details:not([open]) > :not(summary)")) continue;
		const r = el.getBoundingClientRect();
		if (r.width === 0 && r.height === 0) continue;
		if (r.right > W + 0.5 || r.left < -0.5) {
			let name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
				(typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\s+/).join(".") : "");
			out.push(name + " [" + Math.round(r.left) + "–" + Math.round(r.right) + "] «" + (el.innerText || el.value || "").trim().slice(0, 40) + "»");
		}
	}
	return out;
})()`

// checkReflow fails the test for every element of the current page that
// extends past the viewport, naming the page.
func checkReflow(t *testing.T, b *browsertest.Browser, what string) {
	t.Helper()
	if off := browsertest.Eval[[]string](t, b, offendersJS); len(off) > 0 {
		if len(off) > 15 {
			off = append(off[:15], fmt.Sprintf("… and %d more", len(off)-15))
		}
		t.Errorf("%s at %d px: %d elements extend past the viewport:\n  %s", what, browsertest.Eval[int](t, b, `window.innerWidth`), len(off), strings.Join(off, "\n  "))
	}
}

// TestReflowAt360 visits, on a 360 px wide phone, every page reachable from
// the navigation and the workbook answer editor with three goals and three
// measures filled in: no element's box may extend past the screen's
// edges (WCAG 1.4.10), the phone's "Menu" open or closed.
func TestReflowAt360(t *testing.T) {
	srv := browsertest.StartServer(t)
	b := browsertest.NewBrowser(t, browsertest.WithViewport(360, 800), browsertest.WithTimeout(6*time.Minute))
	b.SetViewport(t, 360, 800)
	b.SignIn(t, srv.URL, "admin@nittedal.example", browsertest.DemoPassword)
	b.Visit(t, srv.URL+"/o/nittedal/dashboard")
	if w := browsertest.Eval[int](t, b, `window.innerWidth`); w != 360 {
		t.Fatalf("the viewport is %d px wide; want 360", w)
	}
	pages := navLinks(t, b)
	if b.Visit(t, srv.URL+"/o/nittedal/admin/members") == 200 {
		for _, p := range navLinks(t, b) {
			if !strings.Contains(strings.Join(pages, " "), p) {
				pages = append(pages, p)
			}
		}
	}
	if len(pages) < 8 {
		t.Errorf("only %d pages reachable from the navigation: %v", len(pages), pages)
	}
	for _, p := range pages {
		if status := b.Visit(t, srv.URL+p); status != 200 {
			t.Errorf("%s: status %d", p, status)
			continue
		}
		checkReflow(t, b, p)
	}
	// The phone's menu, open, holds the navigation and the user's items.
	b.Visit(t, srv.URL+"/o/nittedal/dashboard")
	if menu := openUserMenu(t, b); menu != "#site-menu" {
		t.Fatalf("at 360 px the user's items are in %s; want the phone's #site-menu", menu)
	}
	for _, sel := range []string{`#site-menu a[href="/o/nittedal/dashboard"]`, `#site-menu input[type="search"]`, `#site-menu a[href="/account"]`, `#site-menu button[value="en"]`, `#site-menu form[action="/signout"] button`} {
		if !browsertest.Eval[bool](t, b, `(() => { const e = document.querySelector('`+sel+`'); return !!e && e.getBoundingClientRect().width > 0 })()`) {
			t.Errorf("the open phone menu does not show %s", sel)
		}
	}
	checkReflow(t, b, "the open phone menu")
	b.Screenshot(t, "shell-menu-360.png")
	// From 72rem the header is one row, which must fit from its narrowest
	// (below it the navigation is under "Menu").
	b.SetViewport(t, 1152, 800)
	for _, loc := range []string{"sv", "en"} {
		chooseLanguage(t, b, loc)
		checkReflow(t, b, "the dashboard ("+loc+")")
		if h := browsertest.Eval[int](t, b, `Math.round(document.querySelector(".site-header").getBoundingClientRect().height)`); h > 80 {
			t.Errorf("at 1152 px in %s the header is %d px high: not one row", loc, h)
		}
	}
	b.SetViewport(t, 360, 800)

	// The answer editor with three goals and three measures, saved through
	// the form.
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
	e := browsertest.NewBrowser(t, browsertest.WithViewport(360, 800))
	e.SetViewport(t, 360, 800)
	e.SignIn(t, srv.URL, "editor@meldal.example", browsertest.DemoPassword)
	entry := fmt.Sprintf("%s/o/meldal/workbooks/%d/statements/%d", srv.URL, book, stmt)
	e.Visit(t, entry)
	for range 3 {
		// The last row of each table is the empty one to add to.
		g := browsertest.Eval[int](t, e, `document.querySelectorAll("input[name$='.statement']").length`) - 1
		m := browsertest.Eval[int](t, e, `document.querySelectorAll("input[name$='.description']").length`) - 1
		if g >= 3 && m >= 3 {
			break
		}
		e.Fill(t, fmt.Sprintf("#f-goal\\.%d\\.statement", g), fmt.Sprintf("Flere deltakere i arbeid etter introduksjonsprogrammet, mål %d", g+1))
		e.Fill(t, fmt.Sprintf("#f-goal\\.%d\\.indicator", g), "IMDI-OVERGANG-ARBEID")
		e.Fill(t, fmt.Sprintf("#f-goal\\.%d\\.baseline", g), "41,5")
		e.Fill(t, fmt.Sprintf("#f-goal\\.%d\\.target", g), "60")
		e.Fill(t, fmt.Sprintf("#f-goal\\.%d\\.unit", g), "prosent")
		e.Fill(t, fmt.Sprintf("#f-measure\\.%d\\.description", m), fmt.Sprintf("Språkpraksis hos lokale arbeidsgivere i samarbeid med NAV, tiltak %d", m+1))
		e.Fill(t, fmt.Sprintf("#f-measure\\.%d\\.responsible", m), "Flyktningtjenesten")
		e.Fill(t, fmt.Sprintf("#f-measure\\.%d\\.deadline", m), "2027-06-30")
		e.Fill(t, fmt.Sprintf("#f-measure\\.%d\\.notes", m), "Evalueres etter første halvår")
		if status := e.ClickAndWait(t, `main form.card > button[type="submit"]`); status != 200 {
			t.Fatalf("saving goal %d and measure %d: status %d", g+1, m+1, status)
		}
		e.Visit(t, entry)
	}
	goals := browsertest.Eval[int](t, e, `Array.from(document.querySelectorAll("input[name$='.statement']")).filter(i => i.value).length`)
	measures := browsertest.Eval[int](t, e, `Array.from(document.querySelectorAll("input[name$='.description']")).filter(i => i.value).length`)
	if goals < 3 || measures < 3 {
		t.Fatalf("the editor holds %d goals and %d measures; want three of each", goals, measures)
	}
	checkReflow(t, e, "the answer editor")
	e.Screenshot(t, "workbook-editor-360.png")
	e.Visit(t, fmt.Sprintf("%s/o/meldal/workbooks/%d", srv.URL, book))
	checkReflow(t, e, "the workbook")
	if !browsertest.Eval[bool](t, e, `!!document.querySelector(".progress-bar progress")`) {
		t.Error("the workbook shows no progress bar for its chapters")
	}
}

// TestErrorSummaryMovesFocus sends the invitation form with the e-mail
// left empty, in Norwegian and in English: the form comes back with the
// chosen role kept and an error summary in the page's language whose link
// moves the focus to the e-mail field.
func TestErrorSummaryMovesFocus(t *testing.T) {
	srv := browsertest.StartServer(t)
	b := browsertest.NewBrowser(t)
	b.SignIn(t, srv.URL, "admin@nittedal.example", browsertest.DemoPassword)
	for _, c := range []struct{ loc, required string }{{"nb", "e-postadresse"}, {"en", "email address"}} {
		b.Visit(t, srv.URL+"/o/nittedal/admin/members")
		chooseLanguage(t, b, c.loc)
		b.Visit(t, srv.URL+"/o/nittedal/admin/members")
		browsertest.Eval[bool](t, b, `(document.querySelector("#f-role").value = "editor") !== ""`)
		b.ClickAndWait(t, `form[action="/o/nittedal/admin/invitations"] button[type="submit"]`)
		if got := browsertest.Eval[string](t, b, `document.documentElement.lang`); got != c.loc {
			t.Errorf("%s: the form came back in %q", c.loc, got)
		}
		if got := browsertest.Eval[string](t, b, `document.querySelector("#f-role").value`); got != "editor" {
			t.Errorf("%s: the chosen role came back as %q; want editor kept", c.loc, got)
		}
		link := `.error-summary a[href="#f-email"]`
		if !browsertest.Eval[bool](t, b, `!!document.querySelector('`+link+`')`) {
			t.Fatalf("%s: no error summary linking to the e-mail field; page says %q", c.loc, b.Text(t, "main"))
		}
		if got := b.Text(t, link); !strings.Contains(strings.ToLower(got), strings.ToLower(c.required)) {
			t.Errorf("%s: the summary says %q; want it to contain %q", c.loc, got, c.required)
		}
		b.Click(t, link)
		if got := browsertest.Eval[string](t, b, `document.activeElement.id`); got != "f-email" {
			t.Errorf("%s: following the summary's link focuses %q; want f-email", c.loc, got)
		}
		b.CheckA11y(t)
	}
}
