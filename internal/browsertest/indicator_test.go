package browsertest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/browsertest"
)

// indNavOverflowJS lists what of the header's navigation does not fit:
// the navigation scrolling sideways, or a link past the viewport's edge.
const indNavOverflowJS = `(() => {
	const nav = document.querySelector(".site-nav");
	if (!nav) return ["no .site-nav"];
	const out = [];
	if (nav.scrollWidth > nav.clientWidth + 1) out.push("the navigation scrolls: " + nav.scrollWidth + " > " + nav.clientWidth);
	for (const a of nav.querySelectorAll("a")) {
		const r = a.getBoundingClientRect();
		if (r.right > window.innerWidth + 1 || r.left < -1) out.push("«" + a.textContent.trim() + "» at " + Math.round(r.left) + "–" + Math.round(r.right));
	}
	return out })()`

// TestIndicatorPagesBrowser visits Nittedal's indicator pages as its
// editor (the index, the outcome indicator, its 2019 benchmark, the
// report form of April 2020, the settlement tracker, the status, the
// groups, the import and the monthly report) at 1280 px and at 360 px:
// axe-core finds no serious violation, nothing extends past a phone's
// screen, and at 1280 px the header's navigation, one entry longer,
// fits. Then the editor types a negative count and another figure into
// the April report: the error summary names the field and links to it,
// both typed values are kept; corrected, the report saves.
func TestIndicatorPagesBrowser(t *testing.T) {
	t.Parallel()
	srv := browsertest.StartServer(t)
	b := browsertest.NewBrowser(t, browsertest.WithViewport(1280, 900), browsertest.WithTimeout(3*time.Minute))
	b.SignIn(t, srv.URL, "editor@nittedal.example", browsertest.DemoPassword)
	base := "/o/nittedal/indicators"
	pages := []string{base, base + "/intro.outcome", base + "/intro.outcome/benchmark?period=2019", base + "/report/2020-04",
		base + "/settlement", base + "/status", base + "/groups", base + "/import", base + "/report/2020-04/monthly"}
	for _, width := range []int{1280, 360} {
		b.SetViewport(t, width, 900)
		for _, p := range pages {
			if status := b.Visit(t, srv.URL+p); status != 200 {
				t.Errorf("%s at %d px: status %d", p, width, status)
				continue
			}
			b.CheckA11y(t)
			if width == 360 {
				checkReflow(t, b, p)
			} else if off := browsertest.Eval[[]string](t, b, indNavOverflowJS); len(off) > 0 {
				t.Errorf("%s at 1280 px: the header navigation does not fit: %v", p, off)
			}
		}
	}

	// The April report: a negative count is refused, what was typed kept.
	b.SetViewport(t, 1280, 900)
	b.Visit(t, srv.URL+base+"/report/2020-04")
	names := browsertest.Eval[[]string](t, b, `[...document.querySelectorAll('main form[method="post"] input[name$="_num"]:not([disabled])')].map(i => i.name)`)
	if len(names) < 2 {
		t.Fatalf("the April report has %d count fields: %v", len(names), names)
	}
	bad, other := names[0], names[1]
	b.Fill(t, "#f-"+bad, "-3")
	b.Fill(t, "#f-"+other, "118")
	if status := b.Submit(t, `main form[method="post"] button[type="submit"]`); status != 422 {
		t.Errorf("a negative count: status %d, want 422", status)
	}
	if sum := b.Text(t, ".error-summary"); !strings.Contains(sum, "negativ") {
		t.Errorf("the error summary %q does not say the count is negative", sum)
	}
	if n := browsertest.Eval[int](t, b, `document.querySelectorAll('.error-summary a[href="#f-`+bad+`"]').length`); n != 1 {
		t.Errorf("the error summary does not link to the field %s", bad)
	}
	kept := browsertest.Eval[[]string](t, b, `["#f-`+bad+`", "#f-`+other+`"].map(s => document.querySelector(s).value)`)
	if kept[0] != "-3" || kept[1] != "118" {
		t.Errorf("typed -3 and 118, the form shows %q", kept)
	}
	b.CheckA11y(t)
	b.Fill(t, "#f-"+bad, "6")
	if status := b.Submit(t, `main form[method="post"] button[type="submit"]`); status != 200 {
		t.Errorf("the corrected report: status %d", status)
	}
	if n := browsertest.Eval[int](t, b, `document.querySelectorAll(".error-summary").length`); n != 0 {
		t.Errorf("the corrected report is refused: %s", b.Text(t, ".error-summary"))
	}
	b.Visit(t, srv.URL+base+"/report/2020-04")
	saved := browsertest.Eval[[]string](t, b, `["#f-`+bad+`", "#f-`+other+`"].map(s => document.querySelector(s).value)`)
	if saved[0] != "6" || saved[1] != "118" {
		t.Errorf("after saving, the form shows %q, want 6 and 118", saved)
	}
}
