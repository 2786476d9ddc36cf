package webtest

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
)

// Client is a browser of one person: it keeps cookies, follows no
// redirect, and sends its form posts as a page of the same site does
// (Sec-Fetch-Site: same-origin), which is what the CSRF check asks.
type Client struct {
	HTTP *http.Client
	h    *Harness
	tb   testing.TB
}

// SessionCookie is the name of the session cookie.
const SessionCookie = "samvirke_session"

// SignIn posts the sign-in form with u's password (dbtest.Password) as a
// page of the site does, and answers the response.
func (c *Client) SignIn(u *account.User) *http.Response {
	c.tb.Helper()
	resp, _ := c.PostResponse("/signin", url.Values{"email": {u.Email}, "password": {dbtest.Password}, "next": {"/dashboard"}})
	return resp
}

// Cookie answers the value of this client's cookie name for path, "" when
// it has none.
func (c *Client) Cookie(path, name string) string {
	u, _ := url.Parse(c.h.URLOf(path))
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// SetCookie gives this client a cookie for path.
func (c *Client) SetCookie(path string, ck *http.Cookie) {
	u, _ := url.Parse(c.h.URLOf(path))
	c.HTTP.Jar.SetCookies(u, []*http.Cookie{ck})
}

// Client answers a client signed in as u (a session made directly; the
// sign-in form has its own tests), working in no organisation until a page
// of one is opened.
func (h *Harness) Client(u *account.User) *Client {
	h.tb.Helper()
	return h.ClientIn(u, nil)
}

// ClientIn is Client with the session working in home.
func (h *Harness) ClientIn(u *account.User, home *org.Organisation) *Client {
	h.tb.Helper()
	c := h.Anonymous()
	bu, _ := url.Parse(h.URL)
	c.HTTP.Jar.SetCookies(bu, []*http.Cookie{{Name: SessionCookie, Value: h.Session(u, home), Path: "/"}})
	return c
}

// Anonymous answers a client that is not signed in.
func (h *Harness) Anonymous() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{h: h, tb: h.tb, HTTP: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// SSOClient answers a client in a single sign-on session of u limited to
// o, as a sign-in through o's identity provider makes.
func (h *Harness) SSOClient(u *account.User, o *org.Organisation) *Client {
	h.tb.Helper()
	var token string
	err := db.Run(context.Background(), h.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		tok, sess, err := account.CreateSession(ctx, idb, u.ID, &o.ID, "127.0.0.1", "webtest-sso", time.Now().UTC())
		if err != nil {
			return err
		}
		token = tok
		return account.RestrictSession(ctx, idb, sess, o.ID)
	})
	if err != nil {
		h.tb.Fatalf("webtest: SSO session: %v", err)
	}
	c := h.Anonymous()
	c.SetCookie("/", &http.Cookie{Name: SessionCookie, Value: token, Path: "/"})
	return c
}

// TokenClient answers a client that sends the API token with every
// request and keeps no cookie.
func (h *Harness) TokenClient(token string) *Client {
	return &Client{h: h, tb: h.tb, HTTP: &http.Client{Transport: bearer(token), Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type bearer string

func (b bearer) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set("Authorization", "Bearer "+string(b))
	return http.DefaultTransport.RoundTrip(req)
}

// Session signs u in by creating a session directly, working in home when
// it is not nil, and answers its token.
func (h *Harness) Session(u *account.User, home *org.Organisation) string {
	h.tb.Helper()
	var orgID *int64
	if home != nil {
		orgID = &home.ID
	}
	var token string
	err := db.Run(context.Background(), h.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var err error
		token, _, err = account.CreateSession(ctx, idb, u.ID, orgID, "127.0.0.1", "webtest", time.Now().UTC())
		return err
	})
	if err != nil {
		h.tb.Fatalf("webtest: session: %v", err)
	}
	return token
}

// URLOf answers path on the harness (a full URL is kept as it is).
func (h *Harness) URLOf(path string) string {
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") {
		return path
	}
	return h.URL + path
}

// Get fetches path (relative to the harness or a full URL) and answers
// the status and body.
func (c *Client) Get(path string) (int, string) {
	c.tb.Helper()
	req, err := http.NewRequest("GET", c.h.URLOf(path), nil)
	if err != nil {
		c.tb.Errorf("webtest: %v", err)
		return 0, ""
	}
	return c.read(c.Do(req))
}

// Post sends form to path as a form of the site's own page does and
// answers the status and body.
func (c *Client) Post(path string, form url.Values) (int, string) {
	c.tb.Helper()
	resp, body := c.PostResponse(path, form)
	return resp.StatusCode, body
}

// PostResponse is Post answering the response (body read and kept in
// Body, closed) and the body, for tests that look at headers.
func (c *Client) PostResponse(path string, form url.Values) (*http.Response, string) {
	c.tb.Helper()
	req, err := http.NewRequest("POST", c.h.URLOf(path), strings.NewReader(form.Encode()))
	if err != nil {
		c.tb.Errorf("webtest: %v", err)
		return &http.Response{Header: http.Header{}}, ""
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp := c.Do(req)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

// Send makes one request of method to path, with form as its body unless
// the method is GET, and answers the status and body.
func (c *Client) Send(method, path string, form url.Values) (int, string) {
	c.tb.Helper()
	var body io.Reader
	if method != "GET" {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.h.URLOf(path), body)
	if err != nil {
		c.tb.Errorf("webtest: %v", err)
		return 0, ""
	}
	if method != "GET" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	return c.read(c.Do(req))
}

// Do sends req as it is, with this client's cookies. A request that gets
// no answer is an error of the test and answers status 0 with an empty
// body, so that Do, Get and Post may be called from goroutines the test
// starts. The caller closes the body.
func (c *Client) Do(req *http.Request) *http.Response {
	c.tb.Helper()
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.tb.Errorf("webtest: %s %s: %v", req.Method, req.URL, err)
		return &http.Response{Header: http.Header{}, Body: http.NoBody}
	}
	return resp
}

func (c *Client) read(resp *http.Response) (int, string) {
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.tb.Errorf("webtest: reading the answer: %v", err)
	}
	return resp.StatusCode, string(b)
}
