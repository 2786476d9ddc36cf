package browsertest_test

import (
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/browsertest"
)

// TestCouncilPagesReflow visits Thisted's council pages as its editor: on a
// 360 px phone none extends past the screen (WCAG 1.4.10), and at 1280 px
// the decision register fits the page (its follow-up column was cut off).
func TestCouncilPagesReflow(t *testing.T) {
	t.Parallel()
	srv := browsertest.StartServer(t)
	b := browsertest.NewBrowser(t, browsertest.WithViewport(1280, 900), browsertest.WithTimeout(4*time.Minute))
	b.SignIn(t, srv.URL, "editor@thisted.example", browsertest.DemoPassword)
	links := func(pattern string) []string {
		var out []string
		re := regexp.MustCompile(pattern)
		for _, h := range browsertest.Eval[[]string](t, b, `[...document.querySelectorAll("main a[href]")].map(a => a.getAttribute("href"))`) {
			if re.MatchString(h) && !slices.Contains(out, h) {
				out = append(out, h)
			}
		}
		return out
	}
	b.Visit(t, srv.URL+"/o/thisted/councils/decisions")
	checkReflow(t, b, "the decision register")
	if wide := browsertest.Eval[[]string](t, b, `[...document.querySelectorAll("main .table-wrap")].filter(w => w.scrollWidth > w.clientWidth + 1).map(w => w.scrollWidth + " > " + w.clientWidth)`); len(wide) > 0 {
		t.Errorf("at 1280 px the decision register's table is wider than the page and scrolls: %v", wide)
	}
	pages := []string{"/o/thisted/councils", "/o/thisted/councils/decisions", "/o/thisted/councils/new"}
	b.Visit(t, srv.URL+"/o/thisted/councils")
	councils := links(`^/o/thisted/councils/\d+$`)
	if len(councils) == 0 {
		t.Fatal("no council listed for Thisted")
	}
	pages = append(pages, councils[0])
	b.Visit(t, srv.URL+councils[0])
	pages = append(pages, links(`/members/\d+$`)[:1]...)
	meetings := links(`/meetings/\d+$`)
	if len(meetings) == 0 {
		t.Fatalf("the council page lists no meeting: %s", b.Text(t, "main"))
	}
	pages = append(pages, meetings[0])
	b.Visit(t, srv.URL+meetings[0])
	items := links(`/items/\d+$`)
	pages = append(pages, items[:1]...)
	if len(items) > 0 {
		pages = append(pages, items[0]+"/edit")
	}
	pages = append(pages, links(`/minutes/\d+$`)...)
	pages = append(pages, links(`^/p/`)...)
	pages = append(pages, "/p/thisted/councils", "/p/thisted/councils/1")

	t.Logf("pages at 360 px: %v", pages)
	b.SetViewport(t, 360, 800)
	for _, p := range pages {
		if status := b.Visit(t, srv.URL+p); status != 200 {
			t.Errorf("%s: status %d", p, status)
			continue
		}
		checkReflow(t, b, p)
	}
}
