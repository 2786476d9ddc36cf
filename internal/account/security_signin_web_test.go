package account_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/uptrace/bun"
	"golang.org/x/crypto/argon2"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
)

// auditCount answers how many entries of action o's audit log holds with
// target.
func auditCount(t *testing.T, bdb *bun.DB, o *org.Organisation, action, target string) int {
	t.Helper()
	var entries []*audit.Entry
	err := db.Run(context.Background(), bdb, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		entries, _, err = audit.Find(ctx, idb, o.ID, audit.Filter{Action: action, Limit: 500})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if e.Target == target {
			n++
		}
	}
	return n
}

// enableTOTP turns u's second factor on with a new secret and answers it.
func enableTOTP(t *testing.T, r *webtest.Harness, u *account.User) string {
	t.Helper()
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "Samvirke", AccountName: u.Email})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Run(context.Background(), r.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		_, err := idb.NewUpdate().Model((*account.User)(nil)).Set("totp_secret = ?", r.Accounts.Sealer.Seal(key.Secret())).
			Set("totp_enabled_at = ?", time.Now().UTC()).Where("id = ?", u.ID).Exec(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return key.Secret()
}

// code answers the TOTP code of secret at now+offset.
func code(t *testing.T, secret string, offset time.Duration) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, time.Now().Add(offset))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wrongCode answers a code that is valid in none of the steps around now.
func wrongCode(t *testing.T, secret string) string {
	t.Helper()
	valid := map[string]bool{}
	for _, d := range []time.Duration{-60, -30, 0, 30, 60} {
		valid[code(t, secret, d*time.Second)] = true
	}
	for i := 0; ; i++ {
		if c := fmt.Sprintf("%06d", i*7919%1000000); !valid[c] {
			return c
		}
	}
}

// pendingSignIn signs u in with the password and answers the client, now
// at the second-factor step, and the value of its pending cookie.
func pendingSignIn(t *testing.T, r *webtest.Harness, u *account.User) (*webtest.Client, string) {
	t.Helper()
	c := r.Anonymous()
	resp := c.SignIn(u)
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/signin/second-factor" {
		t.Fatalf("password of a user with a second factor: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	v := c.Cookie("/signin/second-factor", "samvirke_pending")
	if v == "" {
		t.Fatal("no pending sign-in cookie")
	}
	return c, v
}

// withPending answers a fresh client carrying a copied pending cookie, as
// an attacker's second machine would.
func withPending(r *webtest.Harness, value string) *webtest.Client {
	c := r.Anonymous()
	c.SetCookie("/signin/second-factor", &http.Cookie{Name: "samvirke_pending", Value: value, Path: "/signin"})
	return c
}

// signedIn reports whether c holds a working session.
func signedIn(c *webtest.Client) bool {
	code, _ := c.Get("/account")
	return code == 200
}

// TestSecurity02SecondFactorLimits: a pending sign-in accepts five codes in
// all, however many clients share its cookie, then sends everyone back to
// the password; wrong codes are in the audit log; ten wrong codes for a
// user within the window refuse even the right one with 429; and the
// right code opens exactly one session, after which the cookie is worth
// nothing.
func TestSecurity02SecondFactorLimits(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	o := r.Org(org.KindMunicipality)
	u := r.User(o, "editor")
	secret := enableTOTP(t, r, u)
	base := r.URL
	step := base + "/signin/second-factor"
	const perPending, perUser = 5, 10 // account.MaxCodeAttempts, account.MaxCodeFailuresPerUser

	// Twelve wrong codes at once from three machines sharing one cookie.
	_, pending := pendingSignIn(t, r, u)
	var asked, sentBack, refused atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, _ := withPending(r, pending).PostResponse(step, url.Values{"code": {wrongCode(t, secret)}})
			switch {
			case resp.StatusCode == 422:
				asked.Add(1)
			case resp.StatusCode == 303 && resp.Header.Get("Location") == "/signin":
				sentBack.Add(1)
			case resp.StatusCode == 429: // more at once than the user's limit
				refused.Add(1)
			default:
				t.Errorf("a wrong code: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
			}
		}()
	}
	wg.Wait()
	if asked.Load() != perPending-1 || sentBack.Load()+refused.Load() != 12-(perPending-1) {
		t.Errorf("12 wrong codes on one pending sign-in: %d asked for another code, %d sent back to the password, %d refused; want %d asked, the rest not",
			asked.Load(), sentBack.Load(), refused.Load(), perPending-1)
	}
	c := withPending(r, pending)
	if resp, _ := c.PostResponse(step, url.Values{"code": {code(t, secret, 0)}}); resp.StatusCode != 303 || resp.Header.Get("Location") != "/signin" || signedIn(c) {
		t.Errorf("the right code on a used-up pending sign-in: %d → %q; want back to the password without a session", resp.StatusCode, resp.Header.Get("Location"))
	}
	if n := auditCount(t, r.DB, o, "second_factor.failed", u.Email); n != perPending {
		t.Errorf("%d wrong codes in the audit log; want %d", n, perPending)
	}

	// A second pending sign-in takes the user to ten wrong codes; a third
	// is refused even the right code.
	c2, _ := pendingSignIn(t, r, u)
	for i := 0; i < perPending; i++ {
		c2.PostResponse(step, url.Values{"code": {wrongCode(t, secret)}})
	}
	c3, _ := pendingSignIn(t, r, u)
	resp, _ := c3.PostResponse(step, url.Values{"code": {code(t, secret, 0)}})
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || signedIn(c3) {
		t.Errorf("the right code after %d wrong ones for the user: %d (Retry-After %q); want 429 with Retry-After and no session",
			perUser, resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if n := auditCount(t, r.DB, o, "second_factor.failed", u.Email); n != perUser {
		t.Errorf("%d wrong codes in the audit log; want %d", n, perUser)
	}

	// The right code opens one session; a later code on a copy of the
	// cookie opens none.
	v := r.User(o, "editor")
	vSecret := enableTOTP(t, r, v)
	owner, vPending := pendingSignIn(t, r, v)
	if resp, _ := owner.PostResponse(step, url.Values{"code": {code(t, vSecret, 0)}}); resp.StatusCode != 303 || !signedIn(owner) {
		t.Fatalf("the right code: %d → %q; want a session", resp.StatusCode, resp.Header.Get("Location"))
	}
	thief := withPending(r, vPending)
	resp, _ = thief.PostResponse(step, url.Values{"code": {code(t, vSecret, 30*time.Second)}})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/signin" || signedIn(thief) {
		t.Errorf("the next code on a copy of a used pending cookie: %d → %q; want back to the password without a session",
			resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestSecurity07SimultaneousWrongPasswords: thirty wrong passwords for one
// account at the same moment get exactly ten checks (401); the other
// twenty are refused unchecked with 429 and Retry-After, and the right
// password is refused too, as after ten failures one by one.
func TestSecurity07SimultaneousWrongPasswords(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	// This test is about the lockout, not about a busy hasher (that is
	// TestSecurity07SignInBusy): each attempt waits for its turn however
	// loaded the machine is, so a refusal means the account is locked.
	r.Accounts.Hasher.Wait = 2 * time.Minute
	o := r.Org(org.KindMunicipality)
	u := r.User(o, "editor")
	base := r.URL
	var checked, refused atomic.Int32
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < 30; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := r.Anonymous()
			<-start
			resp, _ := c.PostResponse(base+"/signin", url.Values{"email": {u.Email}, "password": {fmt.Sprintf("feil passord %d", i)}})
			switch {
			case resp.StatusCode == 401:
				checked.Add(1)
			case resp.StatusCode == 429 && resp.Header.Get("Retry-After") != "":
				refused.Add(1)
			default:
				t.Errorf("a wrong password: %d (Retry-After %q)", resp.StatusCode, resp.Header.Get("Retry-After"))
			}
		}()
	}
	close(start)
	wg.Wait()
	if checked.Load() != account.MaxFailuresPerAccount || refused.Load() != 30-account.MaxFailuresPerAccount {
		t.Errorf("30 simultaneous wrong passwords: %d checked, %d refused; want %d and %d",
			checked.Load(), refused.Load(), account.MaxFailuresPerAccount, 30-account.MaxFailuresPerAccount)
	}
	if resp, body := r.Anonymous().PostResponse(base+"/signin", url.Values{"email": {u.Email}, "password": {dbtest.Password}}); resp.StatusCode != 429 || !strings.Contains(body, "15") {
		t.Errorf("the right password after them: %d; want 429 saying 15 minutes", resp.StatusCode)
	}
	if n := auditCount(t, r.DB, o, audit.SignInFailed, u.Email); n != account.MaxFailuresPerAccount {
		t.Errorf("%d failures in the audit log; want %d", n, account.MaxFailuresPerAccount)
	}
}

// gatedKey is a fake argon2id that holds every hash until released.
type gatedKey struct {
	gate   chan struct{}
	inside atomic.Int32
}

func (g *gatedKey) key(_ context.Context, password, salt []byte, t, m uint32, p uint8, n uint32) []byte {
	g.inside.Add(1)
	<-g.gate
	return argon2.IDKey(password, salt, t, m, p, n)
}

// TestSecurity07SignInBusy: while every turn of the password hasher is
// taken, a sign-in waits a short while and then gets 429 with Retry-After
// and a message in the user's language, on a form that keeps the typed
// address; it is not counted as a failure.
func TestSecurity07SignInBusy(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	g := &gatedKey{gate: make(chan struct{})}
	r.Accounts.Hasher.Limit, r.Accounts.Hasher.Wait, r.Accounts.Hasher.Key = 1, 100*time.Millisecond, g.key
	o := r.Org(org.KindMunicipality)
	first := r.User(o, "editor")
	second := r.User(o, "editor")
	base := r.URL
	done := make(chan int, 1)
	go func() {
		resp, _ := r.Anonymous().PostResponse(base+"/signin", url.Values{"email": {first.Email}, "password": {dbtest.Password}})
		done <- resp.StatusCode
	}()
	for g.inside.Load() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	req, _ := http.NewRequest("POST", base+"/signin", strings.NewReader(url.Values{"email": {second.Email}, "password": {dbtest.Password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Accept-Language", "sv")
	resp, err := r.Anonymous().HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for n, err := resp.Body.Read(buf); ; n, err = resp.Body.Read(buf) {
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	resp.Body.Close()
	close(g.gate)
	body := b.String()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("a sign-in while the hasher is busy: %d (Retry-After %q); want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if !strings.Contains(body, "Många loggar in just nu") || !strings.Contains(body, `value="`+second.Email+`"`) {
		t.Errorf("the busy answer lacks the Swedish message or the typed address:\n%s", body)
	}
	if code := <-done; code != 303 {
		t.Errorf("the sign-in holding the turn: %d; want 303", code)
	}
	if n := auditCount(t, r.DB, o, audit.SignInFailed, second.Email); n != 0 {
		t.Errorf("the busy sign-in was recorded as %d failures", n)
	}
}

// TestSecurity16AdminSeesOwnOrgSessions: an administrator of one
// organisation sees and ends a shared member's sessions there, and
// neither sees nor ends (404) the member's sessions in another
// organisation, whether limited to it by single sign-on or working in it.
func TestSecurity16AdminSeesOwnOrgSessions(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	here := r.Org(org.KindMunicipality)
	there := r.Org(org.KindMunicipality)
	admin := r.User(here, "admin")
	shared := r.User(here, "editor")
	r.Member(there, shared, "editor")
	base := r.URL
	sessions := map[string]*account.Session{}
	err := db.Run(context.Background(), r.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		now := time.Now().UTC()
		for name, orgID := range map[string]int64{"Nettleser her": here.ID, "Nettleser der": there.ID, "Nettleser SSO der": there.ID} {
			_, s, err := account.CreateSession(ctx, idb, shared.ID, &orgID, "192.0.2.7", name, now)
			if err != nil {
				return err
			}
			if strings.Contains(name, "SSO") {
				if err := account.RestrictSession(ctx, idb, s, there.ID); err != nil {
					return err
				}
			}
			sessions[name] = s
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ac := r.Client(admin)
	page := fmt.Sprintf("%s/o/%s/admin/members/%d/sessions", base, here.Slug, shared.ID)
	code, body := ac.Get(page)
	if code != 200 || !strings.Contains(body, "Nettleser her") {
		t.Fatalf("the member's sessions page: %d; want 200 listing the session here", code)
	}
	for _, name := range []string{"Nettleser der", "Nettleser SSO der"} {
		if strings.Contains(body, name) {
			t.Errorf("the administrator here sees the session %q of the other organisation", name)
		}
		if code, _ := ac.Post(page+"/"+sessions[name].PublicID()+"/revoke", nil); code != 404 {
			t.Errorf("ending the session %q of the other organisation: %d; want 404", name, code)
		}
	}
	if code, _ := ac.Post(page+"/"+sessions["Nettleser her"].PublicID()+"/revoke", nil); code != 303 {
		t.Errorf("ending the session here: %d; want 303", code)
	}
	var left []*account.Session
	db.Run(context.Background(), r.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		left, err = account.FindUserSessions(ctx, idb, shared.ID, time.Now().UTC())
		return err
	})
	if len(left) != 2 {
		t.Errorf("%d sessions of the member left; want the 2 in the other organisation", len(left))
	}
}

// TestSecurity21ResetEndsTokensAndLinks: a password reset revokes the
// user's API tokens in every organisation (audited there) and makes the
// other reset links that were sent unusable.
func TestSecurity21ResetEndsTokensAndLinks(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{}) // API tokens: see webtest.Options.Unguarded; reset mail leaves through the outbox
	one := r.Org(org.KindMunicipality)
	two := r.Org(org.KindMunicipality)
	u := r.User(one, "editor")
	r.Member(two, u, "editor")
	base := r.URL
	ctx := context.Background()
	tokens := map[*org.Organisation]string{}
	for _, o := range []*org.Organisation{one, two} {
		tok, _, err := r.Accounts.CreateAPIToken(ctx, o, u.ID, "Fagsystem", "read")
		if err != nil {
			t.Fatal(err)
		}
		tokens[o] = tok
	}
	api := func(tok string) int {
		req, _ := http.NewRequest("GET", base+"/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for o, tok := range tokens {
		if code := api(tok); code != 200 {
			t.Fatalf("token of %s before the reset: %d", o.Slug, code)
		}
	}
	var links []string
	for i := 0; i < 2; i++ {
		if code, _ := r.Anonymous().Post(base+"/password/forgot", url.Values{"email": {u.Email}}); code != 200 {
			t.Fatalf("forgot: %d", code)
		}
		links = append(links, resetLink(t, r, u.Email))
	}
	pw := "et helt nytt passord etter innbruddet"
	if code, _ := r.Anonymous().Post(links[1], url.Values{"password": {pw}, "password_confirm": {pw}}); code != 303 {
		t.Fatalf("reset: %d", code)
	}
	for o, tok := range tokens {
		if code := api(tok); code != 401 {
			t.Errorf("token of %s after the reset: %d; want 401", o.Slug, code)
		}
		if n := auditCount(t, r.DB, o, audit.TokenRevoked, "Fagsystem"); n != 1 {
			t.Errorf("%d token revocations in the audit log of %s; want 1", n, o.Slug)
		}
	}
	if code, _ := r.Anonymous().Get(links[0]); code != 404 {
		t.Errorf("the other reset link after the reset: %d; want 404", code)
	}
	if code, _ := r.Anonymous().Post(links[0], url.Values{"password": {"noe annet enn det nye"}, "password_confirm": {"noe annet enn det nye"}}); code != 404 {
		t.Errorf("using the other reset link: %d; want 404", code)
	}
}

// resetLink waits for the next password-reset mail to addr, passing over
// other mail to it (such as the notices of new API tokens), and answers
// its link.
func resetLink(t *testing.T, r *webtest.Harness, addr string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		for _, l := range r.SMTP().WaitFor(t, addr, time.Until(deadline)).Links() {
			if strings.Contains(l, "/password/reset/") {
				return l
			}
		}
	}
	t.Fatalf("no reset mail to %s", addr)
	return ""
}
