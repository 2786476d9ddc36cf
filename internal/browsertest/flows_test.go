package browsertest_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/browsertest"
	"github.com/samvirke/samvirke/internal/mail/mailtest"
)

// The flows run several argon2id hashes, e-mail and axe-core checks per
// test, often side by side on a small machine: steps may take a while.
var flowBrowser = []browsertest.BrowserOption{
	browsertest.WithTimeout(6 * time.Minute),
	browsertest.WithStepTimeout(60 * time.Second),
}

// mailWait is how long a test waits for an e-mail that a request sent
// before answering (so it has usually arrived already).
const mailWait = 30 * time.Second

// tr translates key into the language of the page b shows, as the server
// would, so that the tests check the localised texts in whatever language
// the browser negotiated.
func tr(t *testing.T, srv *browsertest.Server, b *browsertest.Browser, key string, args ...any) string {
	t.Helper()
	lang := browsertest.Eval[string](t, b, `document.documentElement.lang`)
	msg := srv.Main.Web.Catalog.T(lang, key, args...)
	if msg == key {
		t.Fatalf("no text for %q in %q", key, lang)
	}
	return msg
}

// js quotes s as a JavaScript string literal.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// choose selects value in the <select> matching selector, as a user would.
func choose(t *testing.T, b *browsertest.Browser, selector, value string) {
	t.Helper()
	got := browsertest.Eval[string](t, b, `(() => {
		const s = document.querySelector(`+js(selector)+`);
		if (!s) return "(no " + `+js(selector)+` + ")";
		s.value = `+js(value)+`;
		s.dispatchEvent(new Event("change", {bubbles: true}));
		return s.value;
	})()`)
	if got != value {
		t.Fatalf("choose %q in %s: the select holds %q", value, selector, got)
	}
}

// exists reports whether an element matches selector now (no waiting).
func exists(t *testing.T, b *browsertest.Browser, selector string) bool {
	t.Helper()
	return browsertest.Eval[bool](t, b, `document.querySelector(`+js(selector)+`) !== null`)
}

// path answers the current page's path relative to srv.
func path(t *testing.T, srv *browsertest.Server, b *browsertest.Browser) string {
	t.Helper()
	return strings.TrimPrefix(b.Location(t), srv.URL)
}

// linkTo answers the link in the message that starts with prefix.
func linkTo(t *testing.T, m mailtest.Received, prefix string) string {
	t.Helper()
	for _, l := range m.Links() {
		if strings.HasPrefix(l, prefix) && len(l) > len(prefix) {
			return l
		}
	}
	t.Fatalf("the e-mail %q has no link starting with %s; links %q, text:\n%s", m.Subject, prefix, m.Links(), m.Text)
	return ""
}

func signOut(t *testing.T, srv *browsertest.Server, b *browsertest.Browser) {
	t.Helper()
	menu := openUserMenu(t, b)
	b.ClickAndWait(t, menu+` form[action="/signout"] button[type="submit"]`)
	if p := path(t, srv, b); p != "/signin" {
		t.Fatalf("after signing out at %s; want /signin", p)
	}
}

type memberRow struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Role  string `json:"role"`
}

// memberRows reads the member table of the members page.
func memberRows(t *testing.T, b *browsertest.Browser) []memberRow {
	t.Helper()
	return browsertest.Eval[[]memberRow](t, b, `Array.from(document.querySelectorAll('tr[id^="member-"]')).map(r => ({
		name: r.cells[0].innerText.trim(),
		email: r.cells[1].innerText.trim(),
		role: (r.cells[2].querySelector("select") || {}).value || r.cells[2].innerText.trim(),
	}))`)
}

// TestInvitationFlow: an administrator invites a new editor, the
// invitation e-mail reaches the SMTP server, the invitee opens its link in
// another browser, makes an account and lands on the dashboard signed in,
// the administrator sees the new member, and the link works only once.
func TestInvitationFlow(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t)
	srv := browsertest.StartServer(t, browsertest.WithMail(smtp))
	const (
		invitee = "ny.saksbehandler@nittedal.example"
		name    = "Åse Ødegård"
		pw      = "blåbær-på-tur-i-Nittedal"
	)
	members := srv.URL + "/o/nittedal/admin/members"

	admin := browsertest.NewBrowser(t, flowBrowser...)
	admin.SignIn(t, srv.URL, "admin@nittedal.example", browsertest.DemoPassword)
	if code := admin.Visit(t, members); code != http.StatusOK {
		t.Fatalf("GET %s: %d", members, code)
	}
	invite := `form[action="/o/nittedal/admin/invitations"]`
	admin.Fill(t, invite+` #f-email`, invitee)
	choose(t, admin, invite+` #f-role`, "editor")
	if code := admin.ClickAndWait(t, invite+` button[type="submit"]`); code != http.StatusOK {
		t.Fatalf("sending the invitation answered %d at %s: %s", code, admin.Location(t), admin.Text(t, "main"))
	}
	if p := path(t, srv, admin); p != "/o/nittedal/admin/members" {
		t.Fatalf("after inviting at %s; want the members page", p)
	}
	if got, want := admin.Text(t, "main .flash"), tr(t, srv, admin, "admin.members.invited", "email", invitee); got != want {
		t.Errorf("flash after inviting = %q; want %q", got, want)
	}
	if inv := admin.Text(t, `section[aria-labelledby="inv-h"]`); !strings.Contains(inv, invitee) {
		t.Errorf("the open invitation is not listed:\n%s", inv)
	}
	admin.CheckA11y(t)

	// The e-mail, in the organisation's language (Norwegian bokmål).
	msg := smtp.WaitFor(t, invitee, mailWait)
	if !strings.Contains(msg.Subject, "Nittedal kommune") {
		t.Errorf("invitation subject %q does not name Nittedal kommune", msg.Subject)
	}
	if role := srv.Main.Web.Catalog.T("nb", "role.editor"); !strings.Contains(msg.Text, role) {
		t.Errorf("invitation text does not name the role %q:\n%s", role, msg.Text)
	}
	link := linkTo(t, msg, srv.URL+"/invitations/")

	// The invitee, in a browser of their own.
	guest := browsertest.NewBrowser(t, flowBrowser...)
	if code := guest.Visit(t, link); code != http.StatusOK {
		t.Fatalf("GET the invitation link: %d: %s", code, guest.Text(t, "main"))
	}
	if h := guest.Text(t, "h1"); !strings.Contains(h, "Nittedal kommune") {
		t.Errorf("invitation page heading %q does not name Nittedal kommune", h)
	}
	if intro := guest.Text(t, "main"); !strings.Contains(intro, invitee) {
		t.Errorf("invitation page does not show the invited address:\n%s", intro)
	}
	guest.CheckA11y(t)
	accept := `form[action^="/invitations/"]`
	guest.Fill(t, accept+` #f-name`, name)
	guest.Fill(t, accept+` #f-password`, pw)
	guest.Fill(t, accept+` #f-password_confirm`, pw)
	if code := guest.ClickAndWait(t, accept+` button[type="submit"]`); code != http.StatusOK {
		t.Fatalf("accepting answered %d at %s: %s", code, guest.Location(t), guest.Text(t, "main"))
	}
	if p := path(t, srv, guest); p != "/o/nittedal/dashboard" {
		t.Fatalf("after accepting at %s; want /o/nittedal/dashboard: %s", p, guest.Text(t, "main"))
	}
	if got, want := guest.Text(t, "main .flash"), tr(t, srv, guest, "account.invitation_accepted", "org", "Nittedal kommune"); got != want {
		t.Errorf("flash after accepting = %q; want %q", got, want)
	}
	if !exists(t, guest, `form[action="/signout"]`) {
		t.Errorf("the dashboard after accepting offers no sign-out: not signed in?")
	}
	if code := guest.Visit(t, srv.URL+"/account"); code != http.StatusOK {
		t.Fatalf("GET /account as the new member: %d", code)
	}
	if got := browsertest.Eval[string](t, guest, `document.querySelector("#f-name").value`); got != name {
		t.Errorf("the new account's name is %q; want %q", got, name)
	}
	if acc := guest.Text(t, "main"); !strings.Contains(acc, invitee) {
		t.Errorf("the account page does not show %s:\n%s", invitee, acc)
	}

	// The administrator sees the new editor.
	if code := admin.Visit(t, members); code != http.StatusOK {
		t.Fatalf("GET %s: %d", members, code)
	}
	rows := memberRows(t, admin)
	i := slices.IndexFunc(rows, func(r memberRow) bool { return r.Email == invitee })
	if i < 0 {
		t.Fatalf("the members page does not list %s: %+v", invitee, rows)
	}
	if rows[i].Name != name || rows[i].Role != "editor" {
		t.Errorf("the new member is listed as %+v; want name %q, role editor", rows[i], name)
	}
	admin.CheckA11y(t)

	// The link works once.
	if code := guest.Visit(t, link); code != http.StatusNotFound {
		t.Errorf("the used invitation link answers %d; want 404", code)
	}
	if got, want := guest.Text(t, "main"), tr(t, srv, guest, "account.error.invitation_invalid"); !strings.Contains(got, want) {
		t.Errorf("the used invitation link shows:\n%s\nwant %q", got, want)
	}
}

// TestPasswordResetFlow: a user who forgot the password asks for a link
// from the sign-in page, gets it by e-mail, chooses a new password (a too
// short one first) and signs in with it; the old password and the link no
// longer work.
func TestPasswordResetFlow(t *testing.T) {
	t.Parallel()
	smtp := mailtest.Start(t)
	srv := browsertest.StartServer(t, browsertest.WithMail(smtp))
	const (
		user    = "editor@nittedal.example"
		unknown = "ingen.konto@nittedal.example"
		newPW   = "ny-vår-i-Hakadal-2026"
	)
	b := browsertest.NewBrowser(t, flowBrowser...)
	if code := b.Visit(t, srv.URL+"/signin"); code != http.StatusOK {
		t.Fatalf("GET /signin: %d", code)
	}
	if code := b.ClickAndWait(t, `a[href="/password/forgot"]`); code != http.StatusOK {
		t.Fatalf("the forgot link answers %d", code)
	}
	if p := path(t, srv, b); p != "/password/forgot" {
		t.Fatalf("the forgot link leads to %s", p)
	}
	b.CheckA11y(t)

	forgot := `form[action="/password/forgot"]`
	confirmation := func(email string) string {
		t.Helper()
		b.Fill(t, forgot+` #f-email`, email)
		if code := b.ClickAndWait(t, forgot+` button[type="submit"]`); code != http.StatusOK {
			t.Fatalf("asking a reset for %s answered %d: %s", email, code, b.Text(t, "main"))
		}
		if exists(t, b, forgot) {
			t.Errorf("the form is still shown after asking a reset for %s", email)
		}
		return b.Text(t, `main p[role="status"]`)
	}
	// The same answer whether or not the address has an account.
	neutral := tr(t, srv, b, "auth.forgot.sent")
	if got := confirmation(unknown); got != neutral {
		t.Errorf("confirmation for an unknown address = %q; want %q", got, neutral)
	}
	b.Visit(t, srv.URL+"/password/forgot")
	if got := confirmation(user); got != neutral {
		t.Errorf("confirmation for %s = %q; want %q", user, got, neutral)
	}

	msg := smtp.WaitFor(t, user, mailWait)
	if want := tr(t, srv, b, "mail.reset.subject"); msg.Subject != want {
		t.Errorf("reset e-mail subject %q; want %q", msg.Subject, want)
	}
	link := linkTo(t, msg, srv.URL+"/password/reset/")
	for _, m := range smtp.Messages() {
		if slices.Contains(m.To, unknown) {
			t.Errorf("an e-mail went to the unknown address %s: %q", unknown, m.Subject)
		}
	}

	if code := b.Visit(t, link); code != http.StatusOK {
		t.Fatalf("GET the reset link: %d: %s", code, b.Text(t, "main"))
	}
	b.CheckA11y(t)
	reset := `form[action^="/password/reset/"]`
	b.Fill(t, reset+` #f-password`, "for-kort")
	b.Fill(t, reset+` #f-password_confirm`, "for-kort")
	if code := b.ClickAndWait(t, reset+` button[type="submit"]`); code != http.StatusUnprocessableEntity {
		t.Errorf("a too short password answered %d; want 422", code)
	}
	if !exists(t, b, reset+` #f-password`) || !exists(t, b, reset+` #f-password_confirm`) {
		t.Fatalf("the reset form is gone after a too short password, at %s: %s", b.Location(t), b.Text(t, "main"))
	}
	if got, want := b.Text(t, "#f-password-error"), tr(t, srv, b, "account.error.password_short", "min", account.MinPasswordLen); got != want {
		t.Errorf("error at the password = %q; want %q", got, want)
	}
	if got := browsertest.Eval[string](t, b, `document.querySelector("#f-password").getAttribute("aria-invalid") || ""`); got != "true" {
		t.Errorf("the too short password is not marked aria-invalid (%q)", got)
	}
	b.Fill(t, reset+` #f-password`, newPW)
	b.Fill(t, reset+` #f-password_confirm`, newPW)
	if code := b.ClickAndWait(t, reset+` button[type="submit"]`); code != http.StatusOK {
		t.Fatalf("setting the new password answered %d: %s", code, b.Text(t, "main"))
	}
	if p := path(t, srv, b); p != "/signin" {
		t.Fatalf("after the reset at %s; want /signin: %s", p, b.Text(t, "main"))
	}
	if got, want := b.Text(t, "main .flash"), tr(t, srv, b, "account.password_changed"); got != want {
		t.Errorf("flash after the reset = %q; want %q", got, want)
	}

	b.SignIn(t, srv.URL, user, newPW)
	if p := path(t, srv, b); p != "/o/nittedal/dashboard" {
		t.Fatalf("signed in with the new password at %s; want the dashboard", p)
	}
	signOut(t, srv, b)

	// The old password no longer works.
	b.Visit(t, srv.URL+"/signin")
	signin := `form[action="/signin"]`
	b.Fill(t, signin+` input[name="email"]`, user)
	b.Fill(t, signin+` input[name="password"]`, browsertest.DemoPassword)
	if code := b.ClickAndWait(t, signin+` button[type="submit"]`); code != http.StatusUnauthorized {
		t.Errorf("signing in with the old password answered %d; want 401", code)
	}
	if p := path(t, srv, b); p != "/signin" {
		t.Fatalf("the old password signed in (at %s)", p)
	}
	if got, want := b.Text(t, ".error-summary"), tr(t, srv, b, "auth.error.bad_credentials"); got != want {
		t.Errorf("error for the old password = %q; want %q", got, want)
	}

	// The link works once.
	if code := b.Visit(t, link); code != http.StatusNotFound {
		t.Errorf("the used reset link answers %d; want 404", code)
	}
	if got, want := b.Text(t, "main"), tr(t, srv, b, "account.error.reset_invalid"); !strings.Contains(got, want) {
		t.Errorf("the used reset link shows:\n%s\nwant %q", got, want)
	}
	if exists(t, b, reset) {
		t.Errorf("the used reset link still shows the form")
	}
}

// wrongCode answers a six-digit code that the secret does not give at any
// step the server could accept around at.
func wrongCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	var valid []string
	for d := -2; d <= 2; d++ {
		c, err := totp.GenerateCode(secret, at.Add(time.Duration(d)*30*time.Second))
		if err != nil {
			t.Fatalf("TOTP code from %q: %v", secret, err)
		}
		valid = append(valid, c)
	}
	for _, c := range []string{"000000", "123456", "987654", "424242", "135790", "246801"} {
		if !slices.Contains(valid, c) {
			return c
		}
	}
	t.Fatal("no wrong code found")
	return ""
}

// TestSecondFactorFlow: a user turns on two-step sign-in with an
// authenticator secret (a wrong code first), signs out, and signs in again
// with password and code; wrong and replayed codes are refused.
func TestSecondFactorFlow(t *testing.T) {
	t.Parallel()
	srv := browsertest.StartServer(t)
	const user = "editor@thisted.example"
	b := browsertest.NewBrowser(t, flowBrowser...)
	b.SignIn(t, srv.URL, user, browsertest.DemoPassword)
	if code := b.Visit(t, srv.URL+"/account"); code != http.StatusOK {
		t.Fatalf("GET /account: %d", code)
	}
	if code := b.ClickAndWait(t, `a[href="/account/second-factor"]`); code != http.StatusOK {
		t.Fatalf("turning on two-step sign-in answered %d", code)
	}
	if p := path(t, srv, b); p != "/account/second-factor" {
		t.Fatalf("the two-step link leads to %s", p)
	}
	b.CheckA11y(t)

	setup := `form[action="/account/second-factor"]`
	secret := strings.TrimSpace(b.Text(t, "#totp-secret"))
	if len(secret) < 16 {
		t.Fatalf("secret %q is too short", secret)
	}
	b.Fill(t, setup+` #f-code`, wrongCode(t, secret, time.Now()))
	b.Fill(t, setup+` #f-password`, browsertest.DemoPassword) // turning it on asks for the password too
	if code := b.ClickAndWait(t, setup+` button[type="submit"]`); code != http.StatusUnprocessableEntity {
		t.Errorf("a wrong code answered %d; want 422", code)
	}
	if got, want := b.Text(t, "#f-code-error"), tr(t, srv, b, "auth.error.totp"); got != want {
		t.Errorf("error at the code = %q; want %q", got, want)
	}
	// The page may offer a new secret after a failure: use what it shows.
	secret = strings.TrimSpace(b.Text(t, "#totp-secret"))
	enrolCode, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatalf("TOTP code from %q: %v", secret, err)
	}
	b.Fill(t, setup+` #f-code`, enrolCode)
	b.Fill(t, setup+` #f-password`, browsertest.DemoPassword)
	if code := b.ClickAndWait(t, setup+` button[type="submit"]`); code != http.StatusOK {
		t.Fatalf("the right code answered %d: %s", code, b.Text(t, "main"))
	}
	if p := path(t, srv, b); p != "/account" {
		t.Fatalf("after turning on two-step sign-in at %s; want /account: %s", p, b.Text(t, "main"))
	}
	if got, want := b.Text(t, "main .flash"), tr(t, srv, b, "account.second_factor_on"); got != want {
		t.Errorf("flash after turning on = %q; want %q", got, want)
	}
	if !exists(t, b, `form[action="/account/second-factor/disable"]`) {
		t.Errorf("the account page does not show two-step sign-in as on")
	}
	signOut(t, srv, b)

	// The password alone is not enough now: it leads to the code step.
	b.Visit(t, srv.URL+"/signin")
	signin := `form[action="/signin"]`
	b.Fill(t, signin+` input[name="email"]`, user)
	b.Fill(t, signin+` input[name="password"]`, browsertest.DemoPassword)
	status := b.ClickAndWait(t, signin+` button[type="submit"]`)
	if p := path(t, srv, b); p != "/signin/second-factor" {
		t.Fatalf("after the password: status %d at %s; want the code form at /signin/second-factor "+
			"(a bare /signin means GET /signin/second-factor refused the pending sign-in cookie): %s",
			status, p, b.Text(t, "main"))
	}
	if exists(t, b, `form[action="/signout"]`) {
		t.Fatalf("signed in with the password alone")
	}
	b.CheckA11y(t)
	step := `form[action="/signin/second-factor"]`
	refused := func(code, why string) {
		t.Helper()
		b.Fill(t, step+` #f-code`, code)
		if status := b.ClickAndWait(t, step+` button[type="submit"]`); status != http.StatusUnprocessableEntity {
			t.Errorf("%s answered %d; want 422", why, status)
		}
		if p := path(t, srv, b); p != "/signin/second-factor" {
			t.Fatalf("%s signed in (at %s)", why, p)
		}
		if got, want := b.Text(t, "#f-code-error"), tr(t, srv, b, "auth.error.totp"); got != want {
			t.Errorf("%s: error at the code = %q; want %q", why, got, want)
		}
	}
	refused(wrongCode(t, secret, time.Now()), "a wrong code")
	// The code used to turn the factor on was for a step now spent.
	refused(enrolCode, "the code already used to turn it on")
	if exists(t, b, `form[action="/signout"]`) {
		t.Fatalf("signed in before giving a valid code")
	}

	// Codes work once per 30-second step and the server accepts the next
	// step too: the next step's code is unused whenever this runs.
	next, err := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	b.Fill(t, step+` #f-code`, next)
	if code := b.ClickAndWait(t, step+` button[type="submit"]`); code != http.StatusOK {
		t.Fatalf("the right code answered %d: %s", code, b.Text(t, "main"))
	}
	if p := path(t, srv, b); p != "/o/thisted/dashboard" {
		t.Fatalf("after the code at %s; want /o/thisted/dashboard: %s", p, b.Text(t, "main"))
	}
	if !exists(t, b, `form[action="/signout"]`) {
		t.Errorf("not signed in after the right code")
	}
}
