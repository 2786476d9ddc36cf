// Package ssotest runs a real OpenID provider in the test process for
// tests of single sign-on: zitadel's example OP (pkg/op with the example
// in-memory storage and its login form), served on loopback, with users
// and clients the test chooses, and a browser helper that signs in through
// the login form.
package ssotest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// DefaultPassword is the password of a User that names none.
const DefaultPassword = "korrekt hest batteri"

// User is a person in the OP's directory.
type User struct {
	// ID is the subject ("sub"); Username when empty.
	ID       string
	Username string
	// Password is DefaultPassword when empty.
	Password string
	// Email is served as given (untrimmed, any case); EmailVerified false
	// makes the OP assert email_verified=false explicitly.
	Email         string
	EmailVerified bool
	FirstName     string
	LastName      string
}

// OP is a running OpenID provider. It stops when the test ends.
type OP struct {
	issuer string
	users  directory

	mu      sync.Mutex
	clients map[string]client
}

type client struct {
	c      *storage.Client
	secret string
	claims bool
}

// StartOP starts an OP with users on a loopback address.
func StartOP(tb testing.TB, users ...User) *OP {
	tb.Helper()
	srv := httptest.NewUnstartedServer(nil)
	o := &OP{issuer: "http://" + srv.Listener.Addr().String(), users: directory{}, clients: map[string]client{}}
	nb := language.MustParse("nb")
	for _, u := range users {
		if u.ID == "" {
			u.ID = u.Username
		}
		if u.Password == "" {
			u.Password = DefaultPassword
		}
		o.users[u.ID] = &storage.User{ID: u.ID, Username: u.Username, Password: u.Password,
			FirstName: u.FirstName, LastName: u.LastName, Email: u.Email, EmailVerified: u.EmailVerified,
			PreferredLanguage: nb}
	}
	st := opStorage{Storage: storage.NewStorageWithClients(o.users, map[string]*storage.Client{}), op: o}
	srv.Config.Handler = exampleop.SetupServer(o.issuer, st, nil, false)
	srv.Start()
	tb.Cleanup(srv.Close)
	return o
}

// Issuer is the OP's issuer URL (http on 127.0.0.1).
func (o *OP) Issuer() string { return o.issuer }

// Networks are the loopback ranges the OP listens in, for
// sso.Config.AllowNetworks (SAMVIRKE_SSO_ALLOW_PRIVATE_NETWORKS): a
// server refuses them otherwise.
func Networks() []netip.Prefix {
	return []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
}

// RegisterClient adds a confidential web client (client_secret_basic)
// that may redirect to redirectURL. Its ID token carries the standard
// claims only; the e-mail address comes from the userinfo endpoint.
func (o *OP) RegisterClient(id, secret, redirectURL string) {
	o.register(id, secret, redirectURL, false)
}

// RegisterClaimsClient is RegisterClient for a client whose ID token also
// carries the userinfo claims (e-mail, name).
func (o *OP) RegisterClaimsClient(id, secret, redirectURL string) {
	o.register(id, secret, redirectURL, true)
}

func (o *OP) register(id, secret, redirectURL string, claims bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.clients[id] = client{c: storage.WebClient(id, secret, redirectURL), secret: secret, claims: claims}
}

var loginID = regexp.MustCompile(`name="id" value="([^"]+)"`)

// Login signs username in at the OP as browser would: it follows authURL
// to the login form, posts the user's credentials, and answers the URL the
// OP then redirects to (the relying party's callback with code and state),
// without visiting it. browser may be nil for a fresh one; its cookie jar
// is used and its own redirect policy is ignored. The test fails unless
// the OP redirects away with a code.
func (o *OP) Login(tb testing.TB, browser *http.Client, authURL, username string) *url.URL {
	tb.Helper()
	b := http.Client{Timeout: 30 * time.Second}
	if browser != nil {
		b = *browser
	}
	if b.Jar == nil {
		b.Jar, _ = cookiejar.New(nil)
	}
	issuer, _ := url.Parse(o.issuer)
	b.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Host != issuer.Host || len(via) > 10 {
			return http.ErrUseLastResponse // stop where the OP hands over
		}
		return nil
	}
	resp, err := b.Get(authURL)
	page := read(tb, resp, err)
	m := loginID.FindStringSubmatch(page)
	if m == nil {
		tb.Fatalf("ssotest: no login form at %s:\n%s", authURL, page)
	}
	password := DefaultPassword
	if u := o.users.GetUserByUsername(username); u != nil {
		password = u.Password
	}
	resp, err = b.PostForm(o.issuer+"/login/username", url.Values{
		"id": {m[1]}, "username": {username}, "password": {password},
	})
	if err != nil {
		tb.Fatalf("ssotest: login: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	loc, err := resp.Location()
	if err != nil || loc.Host == issuer.Host || loc.Query().Get("code") == "" {
		tb.Fatalf("ssotest: login of %s ended at %s (%d, Location %q), want a redirect with a code:\n%s",
			username, resp.Request.URL, resp.StatusCode, resp.Header.Get("Location"), body)
	}
	return loc
}

func read(tb testing.TB, resp *http.Response, err error) string {
	tb.Helper()
	if err != nil {
		tb.Fatalf("ssotest: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		tb.Fatalf("ssotest: %s: %d %v\n%s", resp.Request.URL, resp.StatusCode, err, b)
	}
	return string(b)
}

// directory is the OP's user store (storage.UserStore); fixed at start.
type directory map[string]*storage.User

func (d directory) GetUserByID(id string) *storage.User { return d[id] }
func (d directory) ExampleClientID() string             { return storage.ServiceUserID }
func (d directory) GetUserByUsername(name string) *storage.User {
	for _, u := range d {
		if u.Username == name {
			return u
		}
	}
	return nil
}

// opStorage is the example storage with the OP's own client registry,
// which the example cannot extend after start, and explicit
// email_verified=false, which oidc.UserInfo omits as empty.
type opStorage struct {
	*storage.Storage
	op *OP
}

func (s opStorage) client(id string) (client, error) {
	s.op.mu.Lock()
	defer s.op.mu.Unlock()
	c, ok := s.op.clients[id]
	if !ok {
		return client{}, errors.New("client not found")
	}
	return c, nil
}

// GetClientByClientID answers a registered client.
func (s opStorage) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	c, err := s.client(id)
	if err != nil {
		return nil, err
	}
	if c.claims {
		return claimsClient{storage.RedirectGlobsClient(c.c)}, nil
	}
	return storage.RedirectGlobsClient(c.c), nil
}

// AuthorizeClientIDSecret checks a client's credentials at the token
// endpoint.
func (s opStorage) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	c, err := s.client(id)
	if err != nil {
		return err
	}
	if c.secret != secret {
		return errors.New("invalid secret")
	}
	return nil
}

// SetUserinfoFromRequest fills the ID token's user claims.
func (s opStorage) SetUserinfoFromRequest(ctx context.Context, ui *oidc.UserInfo, t op.IDTokenRequest, scopes []string) error {
	if err := s.Storage.SetUserinfoFromRequest(ctx, ui, t, scopes); err != nil {
		return err
	}
	markUnverified(ui)
	return nil
}

// SetUserinfoFromToken fills the userinfo response.
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
