package browsertest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/browsertest"
)

// TestCouncilMeetingFlow walks Thisted's integration council as its users
// do, in a real browser: the secretary records who came to the meeting of
// 29 August 2018, marks it held, gives a decision a follow-up action for
// the chair and sends the minutes round; the chair, on a phone and in
// English, finds the minutes and the action on "My work" and approves the
// minutes with one click, which approves them (the members present sign
// in Denmark); the secretary publishes them and the public page shows
// the decision. Every page is checked with axe-core, the phone's for
// reflow at 360 px.
func TestCouncilMeetingFlow(t *testing.T) {
	srv := browsertest.StartServer(t)
	sec := browsertest.NewBrowser(t, flowBrowser...)
	sec.SetViewport(t, 1280, 900)
	sec.SignIn(t, srv.URL, "secretary@thisted.example", browsertest.DemoPassword)
	sec.Visit(t, srv.URL+"/o/thisted/councils")
	sec.CheckA11y(t)
	sec.ClickAndWait(t, `main table a[href^="/o/thisted/councils/"]`)
	sec.CheckA11y(t)
	sec.ClickAndWait(t, `main a[href$="/meetings/2"]`)
	meeting := sec.Location(t)
	if h1 := sec.Text(t, "h1"); !strings.Contains(h1, "29.08.2018 kl. 16:30") {
		t.Fatalf("the meeting of 29 August: heading %q", h1)
	}
	sec.CheckA11y(t)

	// Everyone came but Mushin Jetto, who sent word.
	browsertest.Eval[bool](t, sec, `(() => {
		for (const s of document.querySelectorAll('form[action$="/attendance"] select[name^="status_"]')) {
			const name = s.closest("tr").querySelector("th").textContent;
			s.value = name.includes("Mushin Jetto") ? "absent_notice" : "present";
		}
		return true })()`)
	sec.ClickAndWait(t, `form[action$="/attendance"] button[type="submit"]`)
	sec.ClickAndWait(t, `form[action$="/status"]:has(input[value="held"]) button`)
	if got := sec.Text(t, "main"); !strings.Contains(got, "Mushin Jetto") {
		t.Fatalf("after marking the meeting held the page does not name the absent member:\n%s", got)
	}

	// The first item's decision gets a follow-up action for the chair,
	// due tomorrow.
	sec.ClickAndWait(t, `main ol a[href*="/items/"]`)
	sec.CheckA11y(t)
	sec.Click(t, `#followups details summary`)
	sec.Fill(t, "#f-description", "Invitere «Frivilligcenter Thy» til næste møde")
	browsertest.Eval[bool](t, sec, `(() => { const s = document.querySelector("#f-responsible_user");
		s.value = [...s.options].find(o => o.text.includes("Demo member")).value; return true })()`)
	sec.Fill(t, "#f-deadline", time.Now().AddDate(0, 0, 1).Format("02.01.2006"))
	sec.ClickAndWait(t, `form[action$="/followups"] button[type="submit"]`)
	if got := sec.Text(t, "#followups"); !strings.Contains(got, "Invitere «Frivilligcenter Thy» til næste møde") {
		t.Fatalf("the follow-up action is not on the item: %s", got)
	}
	sec.Visit(t, meeting)
	sec.ClickAndWait(t, `form[action$="/minutes/circulate"] button`)
	sec.CheckA11y(t)

	// The chair, on a phone, in English.
	ch := browsertest.NewBrowser(t, flowBrowser...)
	ch.SetViewport(t, 360, 800)
	ch.SignIn(t, srv.URL, "member@thisted.example", browsertest.DemoPassword)
	browsertest.Eval[bool](t, ch, `(fetch("/language",{method:"POST",body:new URLSearchParams({locale:"en",next:"/"})}).then(() => true))`)
	ch.Visit(t, srv.URL+"/o/thisted/dashboard")
	checkReflow(t, ch, "My work with minutes to approve")
	ch.CheckA11y(t)
	work := ch.Text(t, "main")
	for _, want := range []string{"Minutes to approve", "Integrationsrådet 29.08.2018", "Invitere «Frivilligcenter Thy» til næste møde"} {
		if !strings.Contains(work, want) {
			t.Errorf("the chair's My work lacks %q:\n%s", want, work)
		}
	}
	ch.ClickAndWait(t, `main a[href$="#minutes"]`)
	checkReflow(t, ch, "the meeting as the chair sees it")
	ch.CheckA11y(t)
	ch.ClickAndWait(t, `form[action$="/minutes/sign"] button`)
	if got := ch.Text(t, "main"); !strings.Contains(got, "Approved") {
		t.Errorf("after the chair's signature the minutes are not approved:\n%s", got)
	}
	ch.Visit(t, srv.URL+"/o/thisted/dashboard")
	if strings.Contains(ch.Text(t, "main"), "Minutes to approve") {
		t.Error("the minutes stay on the chair's My work after signing")
	}

	// The secretary publishes; the public page shows the decision.
	sec.Visit(t, meeting)
	sec.ClickAndWait(t, `form[action$="/minutes/publish"] button`)
	pub := browsertest.NewBrowser(t, flowBrowser...)
	pub.SetViewport(t, 360, 800)
	pub.Visit(t, srv.URL+strings.Replace(strings.TrimPrefix(meeting, srv.URL), "/o/", "/p/", 1))
	checkReflow(t, pub, "the public minutes")
	pub.CheckA11y(t)
	if got := pub.Text(t, "main"); !strings.Contains(got, "Godkendelse af referat fra 27. juni 2018") || !strings.Contains(got, "Mushin Jetto") {
		t.Errorf("the public minutes:\n%s", got)
	}
}
