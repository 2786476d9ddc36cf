package browsertest_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/browsertest"
	"github.com/samvirke/samvirke/internal/config"
	"github.com/samvirke/samvirke/internal/survey"
)

// openRound answers the path of Trysil's open demo survey round and its
// respondent count.
func openRound(t *testing.T, srv *browsertest.Server) (string, int) {
	t.Helper()
	ctx := context.Background()
	trysil, err := srv.Main.Orgs.FindBySlug(ctx, "trysil")
	if err != nil {
		t.Fatal(err)
	}
	rounds, err := srv.Main.Surveys.Rounds(ctx, trysil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rounds {
		if r.Round.Open() {
			return "/o/trysil/" + r.Round.Path(), r.Respondents
		}
	}
	t.Fatal("Trysil's demo has no open survey round")
	return "", 0
}

// answerAll picks a value on every scale question of the respondent form
// by clicking its radio button, as a respondent does on a phone.
func answerAll(t *testing.T, b *browsertest.Browser, value int) {
	t.Helper()
	ids := browsertest.Eval[[]string](t, b, `[...document.querySelectorAll("fieldset.survey-scale")].map(f => f.id)`)
	if len(ids) < 5 {
		t.Fatalf("the respondent form has %d scale questions; want at least one per axis", len(ids))
	}
	for _, id := range ids {
		b.Click(t, fmt.Sprintf(`#%s input[value="%d"]`, id, value))
	}
}

// TestSurveyRespondentLink follows a respondent link as issue 18's
// acceptance asks: the editor makes two links on the open round's page; an
// anonymous respondent on a 360 px phone answers the first in Arabic
// (right to left) and is refused, clearly, when the link is used again;
// the second is answered in Norwegian. The respondent pages reflow and pass
// axe, the round counts two more respondents, and the program's log holds
// neither token, nor the client's address, nor the time of the
// respondent's requests.
func TestSurveyRespondentLink(t *testing.T) {
	// At level info the access log has a line per request.
	srv := browsertest.StartServer(t, func(c *config.Config) { c.LogLevel = "info" })
	path, before := openRound(t, srv)

	editor := browsertest.NewBrowser(t, browsertest.WithTimeout(4*time.Minute))
	editor.SignIn(t, srv.URL, "editor@trysil.example", browsertest.DemoPassword)
	if code := editor.Visit(t, srv.URL+path); code != http.StatusOK {
		t.Fatalf("GET %s = %d", path, code)
	}
	editor.Fill(t, `form[action$="/links"] input[name="count"]`, "2")
	if code := editor.ClickAndWait(t, `form[action$="/links"] button[type="submit"]`); code != http.StatusCreated {
		t.Fatalf("making links answered %d", code)
	}
	links := browsertest.Eval[[]string](t, editor, `[...document.querySelectorAll(".link-sheet figcaption code")].map(c => c.textContent)`)
	if len(links) != 2 || browsertest.Eval[int](t, editor, `document.querySelectorAll(".link-sheet svg.qr").length`) != 2 {
		t.Fatalf("the round page shows links %q (and QR codes); want two of each", links)
	}
	editor.Screenshot(t, "TestSurveyRespondentLink-links.png")
	var tokens []string
	for _, l := range links {
		tok, ok := strings.CutPrefix(l, srv.URL+"/r/")
		if !ok {
			t.Fatalf("link %q is not a respondent link on %s", l, srv.URL)
		}
		tokens = append(tokens, tok)
	}

	phone := browsertest.NewBrowser(t, browsertest.WithViewport(360, 800), browsertest.WithTimeout(4*time.Minute))
	phone.SetViewport(t, 360, 800)
	first := srv.URL + "/r/" + tokens[0]
	if code := phone.Visit(t, first); code != http.StatusOK {
		t.Fatalf("GET the respondent link = %d", code)
	}
	// The respondent picks Arabic from the questionnaire's languages.
	if code := phone.ClickAndWait(t, `.respond-languages a[lang="ar"]`); code != http.StatusOK {
		t.Fatalf("the Arabic questionnaire answered %d", code)
	}
	if got := browsertest.Eval[string](t, phone, `document.documentElement.lang + " " + document.documentElement.dir + " " + getComputedStyle(document.querySelector("form.survey-form")).direction`); got != "ar rtl rtl" {
		t.Errorf("the Arabic page's lang, dir and the form's direction are %q; want \"ar rtl rtl\"", got)
	}
	if txt := phone.Text(t, "form.survey-form legend"); !regexp.MustCompile(`\p{Arabic}`).MatchString(txt) {
		t.Errorf("the first axis is %q; want its Arabic name from the questionnaire", txt)
	}
	checkReflow(t, phone, "the Arabic respondent form")
	phone.CheckA11y(t)
	phone.Screenshot(t, "TestSurveyRespondentLink-ar-360.png")

	// Without consent the form comes back with every answer kept and the
	// questionnaire's own Arabic text at the consent box.
	answerAll(t, phone, 4)
	if code := phone.ClickAndWait(t, "form.survey-form button[type=submit]"); code != http.StatusUnprocessableEntity {
		t.Fatalf("submitting without consent answered %d; want 422", code)
	}
	if msg := phone.Text(t, "#f-consent-error"); !regexp.MustCompile(`\p{Arabic}`).MatchString(msg) {
		t.Errorf("the consent error is %q; want the questionnaire's Arabic text", msg)
	}
	if kept := browsertest.Eval[int](t, phone, `document.querySelectorAll("fieldset.survey-scale input:checked").length`); kept != browsertest.Eval[int](t, phone, `document.querySelectorAll("fieldset.survey-scale").length`) {
		t.Errorf("after the refused submission %d answers are still chosen; want every one", kept)
	}
	phone.Click(t, "#f-consent")
	if code := phone.ClickAndWait(t, "form.survey-form button[type=submit]"); code != http.StatusOK {
		t.Fatalf("submitting the Arabic answers answered %d", code)
	}
	if got := phone.Text(t, ".respond [role=status]"); !regexp.MustCompile(`\p{Arabic}`).MatchString(got) {
		t.Errorf("the thanks is %q; want the questionnaire's Arabic thanks", got)
	}
	checkReflow(t, phone, "the Arabic thanks")
	phone.Screenshot(t, "TestSurveyRespondentLink-ar-thanks-360.png")

	// The same link again: refused with the questionnaire's text in each
	// of its languages (who is asking is not known any more).
	if code := phone.Visit(t, first); code != http.StatusGone {
		t.Fatalf("the used link answered %d; want 410", code)
	}
	used := phone.Text(t, ".respond [role=alert]")
	if !regexp.MustCompile(`\p{Arabic}`).MatchString(used) || !strings.Contains(used, "allerede") {
		t.Errorf("the used link says %q; want the questionnaire's Arabic and Norwegian «used» text", used)
	}
	if n := browsertest.Eval[int](t, phone, `document.querySelectorAll("form.survey-form").length`); n != 0 {
		t.Error("the used link still shows the form")
	}
	checkReflow(t, phone, "the used link's page")
	phone.CheckA11y(t)
	phone.Screenshot(t, "TestSurveyRespondentLink-used-360.png")

	// The second link in Norwegian, the questionnaire's first language.
	if code := phone.Visit(t, srv.URL+"/r/"+tokens[1]); code != http.StatusOK {
		t.Fatalf("GET the second link = %d", code)
	}
	if got := browsertest.Eval[string](t, phone, `document.documentElement.lang + " " + document.documentElement.dir`); got != "nb ltr" && got != "nb " {
		t.Errorf("the Norwegian page's lang and dir are %q; want nb, left to right", got)
	}
	answerAll(t, phone, 2)
	phone.Fill(t, "form.survey-form textarea", "Mer norskopplæring på kveldstid – «språkkafé» på biblioteket")
	phone.Click(t, "#f-consent")
	checkReflow(t, phone, "the Norwegian respondent form")
	phone.CheckA11y(t)
	phone.Screenshot(t, "TestSurveyRespondentLink-nb-360.png")
	if code := phone.ClickAndWait(t, "form.survey-form button[type=submit]"); code != http.StatusOK {
		t.Fatalf("submitting the Norwegian answers answered %d", code)
	}

	// Inside the municipality the round counts both respondents and shows
	// the free text.
	editor.Visit(t, srv.URL+path)
	if body := editor.Text(t, "main"); !strings.Contains(body, fmt.Sprint(before+2)) || !strings.Contains(body, "«språkkafé»") {
		t.Errorf("the round page does not show %d respondents and the new free text:\n%s", before+2, body)
	}

	// The log has the respondent's requests, by the route's pattern only.
	log := srv.Log()
	if !strings.Contains(log, "/r/:token") {
		t.Fatalf("the log has no respondent request:\n%s", log)
	}
	for _, tok := range tokens {
		if strings.Contains(log, tok) {
			t.Errorf("the log contains a respondent link's token %s", tok)
		}
		if strings.Contains(log, survey.HashToken(tok)) {
			t.Errorf("the log contains a respondent link's token hash")
		}
	}
	for _, line := range strings.Split(log, "\n") {
		if !strings.Contains(line, "/r/:token") {
			continue
		}
		if strings.Contains(line, "127.0.0.1") {
			t.Errorf("a respondent request was logged with the client's address: %s", line)
		}
		if strings.Contains(line, "time=") || strings.Contains(line, `"time":`) {
			t.Errorf("a respondent request was logged with its time: %s", line)
		}
	}
}

// TestSurveyFollowupOnMyWork: the measure made for Trysil's lowest axis
// is on its responsible's "My work", marked as a survey's follow-up; the
// contributor sets it going from there, and the round's page shows the
// new status.
func TestSurveyFollowupOnMyWork(t *testing.T) {
	srv := browsertest.StartServer(t)
	path, _ := openRound(t, srv)
	b := browsertest.NewBrowser(t)
	b.SignIn(t, srv.URL, "contributor@trysil.example", browsertest.DemoPassword)
	b.Visit(t, srv.URL+"/o/trysil/dashboard")
	row := `//tr[td[contains(., "Oppfølging av undersøkelse")]]`
	rows := browsertest.Eval[int](t, b, `document.evaluate('count(`+row+`)', document, null, XPathResult.NUMBER_TYPE, null).numberValue`)
	if rows != 1 {
		t.Fatalf("the contributor's My work has %d survey follow-ups; want the demo's one:\n%s", rows, b.Text(t, "main"))
	}
	sel := browsertest.Eval[string](t, b, `(() => { const tr = document.evaluate('`+row+`', document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue;
		return "#" + tr.querySelector("form.quick-update select").id; })()`)
	if !strings.Contains(b.Text(t, "main"), "Integreringsrosa 2026: Fritidsaktiviteter") {
		t.Errorf("the follow-up does not name its round and axis")
	}
	browsertest.Eval[bool](t, b, `(() => { const s = document.querySelector(`+js(sel)+`); s.value = "ongoing"; return true; })()`)
	b.Fill(t, `form.quick-update:has(`+sel+`) input[name="note"]`, "Første «Prøv en aktivitet»-kveld holdt på Trysil bibliotek")
	if code := b.ClickAndWait(t, `form.quick-update:has(`+sel+`) button[type="submit"]`); code != http.StatusOK {
		t.Fatalf("updating the follow-up's status from My work answered %d", code)
	}
	b.Visit(t, srv.URL+path)
	if got := b.Text(t, `section[aria-labelledby="r-fu-h"] tbody tr`); !strings.Contains(got, "Pågår") || !strings.Contains(got, "Demo contributor") {
		t.Errorf("the round's follow-up reads %q; want its responsible and the status Pågår", got)
	}
}
