package browsertest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/browsertest"
)

// TestPlanFollowUp walks Nittedal's demo theme plan as its users do, in a
// real browser: the editor rearranges the tree by keyboard alone and opens
// a follow-up round; the contributor finds their measure on "My work" on
// a phone and reports on it; the editor closes the round and reads the
// committee summary in English. Every page is checked with axe-core, the
// phone's pages for reflow at 360 px.
func TestPlanFollowUp(t *testing.T) {
	srv := browsertest.StartServer(t)
	ed := browsertest.NewBrowser(t, flowBrowser...)
	ed.SetViewport(t, 1280, 900)
	ed.SignIn(t, srv.URL, "editor@nittedal.example", browsertest.DemoPassword)
	ed.Visit(t, srv.URL+"/o/nittedal/plans")
	ed.CheckA11y(t)
	ed.ClickAndWait(t, `main table a[href^="/o/nittedal/plans/"]`)
	plan, _, _ := strings.Cut(ed.Location(t), "#")
	if h1 := ed.Text(t, "h1"); h1 != "Temaplan for flyktningarbeidet 2020–2023" {
		t.Fatalf("the plan's heading: %q", h1)
	}
	ed.CheckA11y(t)

	// Keyboard only: ask for the editing controls, then move the first
	// area's first measure one place down with Enter on its button.
	ed.PressEnter(t, `a[href$="?edit=1"]`)
	ed.CheckA11y(t)
	order := `[...document.querySelectorAll("main section.plan-area")[0].querySelectorAll("li.plan-measure")].map(li => li.id)`
	before := browsertest.Eval[[]string](t, ed, order)
	if len(before) < 2 {
		t.Fatalf("the first area has %d measures", len(before))
	}
	moved := strings.TrimPrefix(before[0], "item-")
	ed.PressEnter(t, `form[action$="/items/`+moved+`/move"]:has(input[name="dir"][value="down"]) button`)
	loc := ed.Location(t)
	if !strings.Contains(loc, "edit=1") || !strings.HasSuffix(loc, "#item-"+moved) {
		t.Errorf("after the move the page is %s; want the editing view at the moved line", loc)
	}
	after := browsertest.Eval[[]string](t, ed, order)
	if len(after) != len(before) || after[0] == before[0] || after[1] != before[0] {
		t.Errorf("measure order after moving %s down:\n  %v\nwas\n  %v", moved, after, before)
	}

	// A follow-up round, due in a week.
	ed.Visit(t, plan+"/rounds/new")
	ed.CheckA11y(t)
	ed.Fill(t, "#f-title", "3. tertial «2026»")
	ed.Fill(t, "#f-due", time.Now().AddDate(0, 0, 7).Format("02.01.2006"))
	ed.ClickAndWait(t, `main form button[type="submit"]`)
	round, _, _ := strings.Cut(ed.Location(t), "#")
	if !strings.Contains(round, "/rounds/") || !strings.Contains(ed.Text(t, "h1"), "3. tertial «2026»") {
		t.Fatalf("after opening the round: %s", round)
	}

	// The contributor, on a phone: My work leads to the round's form for
	// their measure.
	co := browsertest.NewBrowser(t, flowBrowser...)
	co.SetViewport(t, 360, 800)
	co.SignIn(t, srv.URL, "contributor@nittedal.example", browsertest.DemoPassword)
	co.Visit(t, srv.URL+"/o/nittedal/dashboard")
	checkReflow(t, co, "My work with a follow-up round")
	co.CheckA11y(t)
	co.ClickAndWait(t, `main a[href*="/rounds/"]`)
	checkReflow(t, co, "the round as the contributor sees it")
	co.CheckA11y(t)
	forms := browsertest.Eval[int](t, co, `document.querySelectorAll("main form[action*='/reports/']").length`)
	if forms == 0 {
		t.Fatal("the contributor has no report form in the round")
	}
	form := `main form[action*="/reports/"]`
	action := browsertest.Eval[string](t, co, `document.querySelector(`+js(form)+`).getAttribute("action")`)
	measure := action[strings.LastIndex(action, "/")+1:]
	browsertest.Eval[bool](t, co, `(document.querySelector(`+js(form+` select[name="status"]`)+`).value = "ongoing") === "ongoing"`)
	co.Fill(t, form+` input[name="progress"]`, "40")
	co.Fill(t, form+` textarea[name="note"]`, "Startet «i høst» – æøå")
	co.ClickAndWait(t, form+` button[type="submit"]`)
	co.Visit(t, round+"#m-"+measure)
	if txt := co.Text(t, "#m-"+measure); !strings.Contains(txt, "Startet «i høst» – æøå") || !strings.Contains(txt, "40 %") {
		t.Errorf("the reported measure reads %q", txt)
	}

	// The editor closes the round; the summary, in English, has its chart
	// with a data table and the trend since the round.
	ed.Visit(t, round+"/close")
	ed.CheckA11y(t)
	ed.ClickAndWait(t, `main form button[type="submit"]`)
	if txt := ed.Text(t, "main"); !strings.Contains(txt, "Startet «i høst» – æøå") {
		t.Error("the closed round's report lacks the contributor's note")
	}
	chooseLanguage(t, ed, "en")
	ed.Visit(t, plan+"?view=summary")
	if h := ed.Text(t, "#summary-h"); h != "Summary for the committee" {
		t.Errorf("the summary's heading in English: %q", h)
	}
	if n := browsertest.Eval[int](t, ed, `document.querySelectorAll("main figure.chart svg, main figure.chart table").length`); n < 2 {
		t.Errorf("the summary has %d parts of a chart with its table; want the drawing and the table", n)
	}
	ed.CheckA11y(t)
	ed.SetViewport(t, 360, 800)
	ed.Visit(t, plan+"?view=summary")
	checkReflow(t, ed, "the committee summary")
	ed.Screenshot(t, "TestPlanFollowUp-summary-360.png")
}
