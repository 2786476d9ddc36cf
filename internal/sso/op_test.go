package sso_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// The OpenID provider under test is zitadel's example OP (pkg/op with the
// example in-memory storage and login UI), served on loopback.
const (
	clientID       = "samvirke"      // standard client: e-mail only via userinfo
	clientIDClaims = "samvirke-idcl" // asserts userinfo claims into the ID token
	clientSecret   = "hemmelig-klientnøkkel"
	password       = "korrekt hest batteri"
)

// users is the OP's user directory (storage.UserStore).
type users map[string]*storage.User

func (u users) GetUserByID(id string) *storage.User { return u[id] }
func (u users) ExampleClientID() string             { return storage.ServiceUserID }
func (u users) GetUserByUsername(name string) *storage.User {
	for _, x := range u {
		if x.Username == name {
			return x
		}
	}
	return nil
}

// opStorage is the example storage; it hands out clientIDClaims with
// IDTokenUserinfoClaimsAssertion, which the example's constructors cannot set.
type opStorage struct{ *storage.Storage }

func (s opStorage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.Storage.GetClientByClientID(ctx, id)
	if err != nil || id != clientIDClaims {
		return c, err
	}
	return claimsClient{c}, nil
}

// SetUserinfoFromRequest fills the ID token's user claims, adding an
// explicit email_verified=false, which oidc.UserInfo omits as empty.
func (s opStorage) SetUserinfoFromRequest(ctx context.Context, ui *oidc.UserInfo, t op.IDTokenRequest, scopes []string) error {
	if err := s.Storage.SetUserinfoFromRequest(ctx, ui, t, scopes); err != nil {
		return err
	}
	markUnverified(ui)
	return nil
}

// SetUserinfoFromToken fills the userinfo response, as above.
func (s opStorage) SetUserinfoFromToken(ctx context.Context, ui *oidc.UserInfo, tokenID, subject, origin string) error {
	if err := s.Storage.SetUserinfoFromToken(ctx, ui, tokenID, subject, origin); err != nil {
		return err
	}
	markUnverified(ui)
	return nil
}

func markUnverified(ui *oidc.UserInfo) {
	if ui.Email != "" && !bool(ui.EmailVerified) {
		ui.AppendClaims("email_verified", false)
	}
}

type claimsClient struct{ op.Client }

func (claimsClient) IDTokenUserinfoClaimsAssertion() bool { return true }

// testOP is a running OpenID provider plus the relying party's callback
// server and a browser to drive the login.
type testOP struct {
	Issuer   string
	Callback string
	Users    users
	browser  *http.Client
}

// startOP starts the OP and the callback server; both stop with tb.
func startOP(tb testing.TB) *testOP {
	tb.Helper()
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.URL.RawQuery) // the browser reads code and state here
	}))
	tb.Cleanup(cb.Close)
	redirect := cb.URL + "/sso/callback"

	srv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + srv.Listener.Addr().String()
	nb := language.MustParse("nb")
	us := users{
		"u1": {ID: "u1", Username: "aase", Password: password, FirstName: "Åse", LastName: "Ærøe-Østgård",
			Email: " Aase.Ostgard@Tromso.kommune.NO ", EmailVerified: true, PreferredLanguage: nb},
		"u2": {ID: "u2", Username: "bjorn", Password: password, FirstName: "Bjørn", LastName: "Unverified",
			Email: "bjorn@example.org", EmailVerified: false, PreferredLanguage: nb},
	}
	clients := map[string]*storage.Client{
		clientID:       storage.WebClient(clientID, clientSecret, redirect),
		clientIDClaims: storage.WebClient(clientIDClaims, clientSecret, redirect),
	}
	st := opStorage{storage.NewStorageWithClients(us, clients)}
	srv.Config.Handler = exampleop.SetupServer(issuer, st, nil, false)
	srv.Start()
	tb.Cleanup(srv.Close)

	jar, err := cookiejar.New(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return &testOP{Issuer: issuer, Callback: redirect, Users: us, browser: &http.Client{Jar: jar}}
}

var loginID = regexp.MustCompile(`name="id" value="([^"]+)"`)

// Login follows authURL to the OP's login form as a browser would, posts
// the user's credentials and returns the callback's state and code.
func (o *testOP) Login(tb testing.TB, authURL, username string) (state, code string) {
	tb.Helper()
	page := o.get(tb, authURL)
	m := loginID.FindStringSubmatch(page)
	if m == nil {
		tb.Fatalf("no login form in OP page:\n%s", page)
	}
	resp, err := o.browser.PostForm(o.Issuer+"/login/username", url.Values{
		"id": {m[1]}, "username": {username}, "password": {password},
	})
	if err != nil {
		tb.Fatal(err)
	}
	q := readQuery(tb, resp)
	if !strings.HasPrefix(resp.Request.URL.String(), o.Callback) || q.Get("code") == "" {
		tb.Fatalf("login ended at %s with %v, want callback with code", resp.Request.URL, q)
	}
	return q.Get("state"), q.Get("code")
}

func (o *testOP) get(tb testing.TB, u string) string {
	tb.Helper()
	resp, err := o.browser.Get(u)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		tb.Fatalf("GET %s: %d %v\n%s", u, resp.StatusCode, err, b)
	}
	return string(b)
}

func readQuery(tb testing.TB, resp *http.Response) url.Values {
	tb.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		tb.Fatalf("%s: %d %v\n%s", resp.Request.URL, resp.StatusCode, err, b)
	}
	q, err := url.ParseQuery(string(b))
	if err != nil {
		tb.Fatalf("callback body %q: %v", b, err)
	}
	return q
}
