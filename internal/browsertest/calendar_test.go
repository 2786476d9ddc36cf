package browsertest_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/browsertest"
)

// TestCalendarMonthView opens Thisted's annual cycle on a month with
// events (its council's follow-up deadlines or meetings): at 1280 px the
// month is a table of weeks, at 360 px a list of the days with events
// and no table, nothing wider than the screen; axe-core finds no serious
// or critical problem at either width.
func TestCalendarMonthView(t *testing.T) {
	t.Parallel()
	srv := browsertest.StartServer(t)
	b := browsertest.NewBrowser(t, browsertest.WithViewport(1280, 900), browsertest.WithTimeout(3*time.Minute))
	b.SignIn(t, srv.URL, "editor@thisted.example", browsertest.DemoPassword)

	// The first month with events, this year or the next.
	month := ""
	year := time.Now().Year()
	for _, y := range []int{year, year + 1, year - 1} {
		if status := b.Visit(t, srv.URL+"/o/thisted/calendar/year?year="+strconv.Itoa(y)); status != 200 {
			t.Fatalf("year view %d: status %d", y, status)
		}
		month = browsertest.Eval[string](t, b, `(() => { const li = [...document.querySelectorAll(".cal-year > li")].find(li => li.querySelector(".cal-events")); return li ? li.querySelector("h2 a").getAttribute("href") : ""; })()`)
		if month != "" {
			break
		}
	}
	if month == "" {
		t.Fatalf("Thisted's annual cycle has no event in %d–%d", year-1, year+1)
	}
	b.CheckA11y(t) // the year view

	if status := b.Visit(t, srv.URL+month); status != 200 {
		t.Fatalf("%s: status %d", month, status)
	}
	if n := browsertest.Eval[int](t, b, `document.querySelectorAll("table.cal-grid td .cal-events a").length`); n == 0 {
		t.Errorf("%s at 1280 px: no event in the month's table", month)
	}
	if shown := browsertest.Eval[bool](t, b, `getComputedStyle(document.querySelector(".cal-grid-wrap")).display !== "none" && getComputedStyle(document.querySelector(".cal-list")).display === "none"`); !shown {
		t.Errorf("%s at 1280 px: the table is not what shows", month)
	}
	if wide := browsertest.Eval[bool](t, b, `document.documentElement.scrollWidth > window.innerWidth`); wide {
		t.Errorf("%s at 1280 px scrolls sideways", month)
	}
	b.CheckA11y(t)

	// A personal feed: its address is shown once, on a page of its own.
	if status := b.ClickAndWait(t, `form[action="/account/calendar-feeds"] button`); status != 201 {
		t.Fatalf("making a feed: status %d", status)
	}
	if u := browsertest.Eval[string](t, b, `document.querySelector("#feed-url").value`); !strings.HasPrefix(u, srv.URL+"/calendar/") || !strings.HasSuffix(u, ".ics") {
		t.Errorf("the new feed's address is %q", u)
	}
	b.CheckA11y(t)

	b.SetViewport(t, 360, 800)
	b.Visit(t, srv.URL+month)
	if shown := browsertest.Eval[bool](t, b, `getComputedStyle(document.querySelector(".cal-grid-wrap")).display === "none" && getComputedStyle(document.querySelector(".cal-list")).display !== "none"`); !shown {
		t.Errorf("%s at 360 px: the list of days is not what shows", month)
	}
	if n := browsertest.Eval[int](t, b, `document.querySelectorAll(".cal-list .cal-days > li h3").length`); n == 0 {
		t.Errorf("%s at 360 px: no day in the list", month)
	}
	checkReflow(t, b, month)
	if wide := browsertest.Eval[bool](t, b, `document.documentElement.scrollWidth > window.innerWidth`); wide {
		t.Errorf("%s at 360 px scrolls sideways", month)
	}
	b.CheckA11y(t)
}
