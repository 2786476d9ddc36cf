package sso_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/sso"
	"github.com/samvirke/samvirke/internal/sso/ssotest"
)

// The OP's clients and the callback they redirect to; the OP never calls
// the callback, ssotest's browser stops there.
const (
	clientID       = "samvirke"      // standard client: e-mail only via userinfo
	clientIDClaims = "samvirke-idcl" // asserts userinfo claims into the ID token
	clientSecret   = "hemmelig-klientnøkkel"
	callback       = "http://127.0.0.1:9/sso/callback"
)

// testOP is the in-process OP with Åse (verified, address in odd case and
// spacing) and Bjørn (address not verified), and both clients.
type testOP struct {
	*ssotest.OP
	Callback string
}

func startOP(tb testing.TB) *testOP {
	tb.Helper()
	o := ssotest.StartOP(tb,
		ssotest.User{ID: "u1", Username: "aase", FirstName: "Åse", LastName: "Ærøe-Østgård",
			Email: " Aase.Ostgard@Tromso.kommune.NO ", EmailVerified: true},
		ssotest.User{ID: "u2", Username: "bjorn", FirstName: "Bjørn", LastName: "Unverified",
			Email: "bjorn@example.org"},
	)
	o.RegisterClient(clientID, clientSecret, callback)
	o.RegisterClaimsClient(clientIDClaims, clientSecret, callback)
	return &testOP{OP: o, Callback: callback}
}

// Login signs username in through the OP's form and answers the state and
// code the OP sends to the callback.
func (o *testOP) Login(tb testing.TB, authURL, username string) (state, code string) {
	tb.Helper()
	q := o.OP.Login(tb, nil, authURL, username).Query()
	return q.Get("state"), q.Get("code")
}

// mustNew discovers the test OP for client id with the given e-mail claim.
func mustNew(tb testing.TB, o *testOP, id, emailClaim string) *sso.Provider {
	tb.Helper()
	p, err := sso.New(tb.Context(), sso.Config{
		Issuer: o.Issuer(), ClientID: id, ClientSecret: clientSecret,
		RedirectURL: o.Callback, EmailClaim: emailClaim, AllowNetworks: ssotest.Networks(),
	})
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return p
}

// assertKey fails unless err is an unauthenticated *app.Error with key,
// whose text leaks neither the client secret nor a JWT.
func assertKey(tb testing.TB, err error, key string) {
	tb.Helper()
	e := app.AsError(err)
	if e == nil || e.Code != app.EUnauthenticated || e.Key != key {
		tb.Fatalf("err = %v, want %s %s", err, app.EUnauthenticated, key)
	}
	if e.Err == nil {
		tb.Errorf("err %v records no cause", err)
	}
	tb.Logf("got %v", err)
	if s := err.Error(); strings.Contains(s, clientSecret) || strings.Contains(s, "eyJ") {
		tb.Errorf("error text leaks a secret or token: %s", s)
	}
}

func TestExchange(t *testing.T) {
	o := startOP(t)
	std := mustNew(t, o, clientID, "")
	claims := mustNew(t, o, clientIDClaims, "")
	want := sso.Identity{
		Subject: "u1", Email: "aase.ostgard@tromso.kommune.no",
		EmailVerified: true, Name: "Åse Ærøe-Østgård",
	}

	for name, p := range map[string]*sso.Provider{"OK": std, "OKClaimsInIDToken": claims} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := sso.NewFlow()
			state, code := o.Login(t, p.AuthCodeURL(f), "aase")
			got, err := p.Exchange(t.Context(), f, state, code)
			if err != nil {
				t.Fatalf("Exchange: %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Identity (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("ErrState", func(t *testing.T) {
		t.Parallel()
		f := sso.NewFlow()
		state, code := o.Login(t, std.AuthCodeURL(f), "aase")
		_, err := std.Exchange(t.Context(), f, sso.NewFlow().State, code)
		assertKey(t, err, sso.KeyState)
		// A lost cookie (empty Flow) must not match an empty state.
		_, err = std.Exchange(t.Context(), sso.Flow{}, "", code)
		assertKey(t, err, sso.KeyState)
		// The code is still good: the state check ran before redeeming it.
		if _, err := std.Exchange(t.Context(), f, state, code); err != nil {
			t.Fatalf("Exchange after rejected state: %v", err)
		}
	})

	t.Run("ErrNonce", func(t *testing.T) {
		t.Parallel()
		f, other := sso.NewFlow(), sso.NewFlow()
		// The ID token is issued for other's nonce; the session holds f.
		state, code := o.Login(t, std.AuthCodeURL(sso.Flow{State: f.State, Nonce: other.Nonce, Verifier: f.Verifier}), "aase")
		_, err := std.Exchange(t.Context(), f, state, code)
		assertKey(t, err, sso.KeyToken)
	})

	t.Run("ErrVerifier", func(t *testing.T) {
		t.Parallel()
		f := sso.NewFlow()
		state, code := o.Login(t, std.AuthCodeURL(f), "aase")
		f.Verifier = sso.NewFlow().Verifier
		_, err := std.Exchange(t.Context(), f, state, code)
		assertKey(t, err, sso.KeyExchange)
	})

	t.Run("ErrEmailClaim", func(t *testing.T) {
		t.Parallel()
		for _, id := range []string{clientID, clientIDClaims} {
			p := mustNew(t, o, id, "upn")
			f := sso.NewFlow()
			state, code := o.Login(t, p.AuthCodeURL(f), "aase")
			_, err := p.Exchange(t.Context(), f, state, code)
			assertKey(t, err, sso.KeyEmail)
		}
	})

	t.Run("ErrEmailUnverified", func(t *testing.T) {
		t.Parallel()
		for _, p := range []*sso.Provider{std, claims} {
			f := sso.NewFlow()
			state, code := o.Login(t, p.AuthCodeURL(f), "bjorn")
			_, err := p.Exchange(t.Context(), f, state, code)
			assertKey(t, err, sso.KeyEmail)
		}
	})
}

func TestNew(t *testing.T) {
	o := startOP(t)
	t.Run("ErrIssuerMismatch", func(t *testing.T) {
		// Same server, but not the issuer the OP announces in discovery.
		issuer := strings.Replace(o.Issuer(), "127.0.0.1", "localhost", 1)
		_, err := sso.New(t.Context(), sso.Config{Issuer: issuer, ClientID: clientID, RedirectURL: o.Callback, AllowNetworks: ssotest.Networks()})
		if e := app.AsError(err); e == nil || e.Code != app.EUnavailable || e.Key != "sso.error.discovery" {
			t.Fatalf("New = %v, want unavailable sso.error.discovery", err)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := sso.New(t.Context(), sso.Config{Issuer: o.Issuer(), RedirectURL: o.Callback})
		if app.ErrorCode(err) != app.EInvalid {
			t.Fatalf("New = %v, want invalid", err)
		}
	})
}

func TestNewFlow(t *testing.T) {
	a, b := sso.NewFlow(), sso.NewFlow()
	for _, s := range []string{a.State, a.Nonce, a.Verifier} {
		// 32 random bytes as unpadded base64url.
		if len(s) != 43 || strings.ContainsAny(s, "+/=") {
			t.Errorf("flow value %q: want 43 URL-safe characters", s)
		}
	}
	if a.State == b.State || a.State == a.Nonce || a.Nonce == a.Verifier {
		t.Errorf("flow values repeat: %+v %+v", a, b)
	}
}

func TestConfigValidate(t *testing.T) {
	ok := sso.Config{Issuer: "https://login.kommune.no/realms/ansatte", ClientID: "samvirke",
		RedirectURL: "https://samvirke.no/sso/callback"}
	for _, tc := range []struct {
		name  string
		edit  func(*sso.Config)
		field string // "" when valid
	}{
		{"OK", func(*sso.Config) {}, ""},
		{"OKLoopback127", func(c *sso.Config) { c.Issuer, c.AllowNetworks = "http://127.0.0.1:5556", ssotest.Networks() }, ""},
		{"OKLoopbackLocalhost", func(c *sso.Config) { c.Issuer, c.AllowNetworks = "http://localhost:8080/dex", ssotest.Networks() }, ""},
		{"OKLoopbackIPv6", func(c *sso.Config) { c.Issuer, c.AllowNetworks = "http://[::1]:9000", ssotest.Networks() }, ""},
		{"ErrLoopbackNotAllowed", func(c *sso.Config) { c.Issuer = "http://127.0.0.1:5556" }, "issuer"},
		{"ErrHTTPIssuer", func(c *sso.Config) { c.Issuer = "http://login.kommune.no" }, "issuer"},
		{"ErrHTTPLookalike", func(c *sso.Config) { c.Issuer = "http://localhost.evil.example" }, "issuer"},
		{"ErrHTTPLoopbackPrefix", func(c *sso.Config) { c.Issuer = "http://127.0.0.1.nip.io" }, "issuer"},
		{"ErrRelativeIssuer", func(c *sso.Config) { c.Issuer = "login.kommune.no" }, "issuer"},
		{"ErrNoClientID", func(c *sso.Config) { c.ClientID = " " }, "client_id"},
		{"ErrHTTPRedirect", func(c *sso.Config) { c.RedirectURL = "http://samvirke.no/sso/callback" }, "redirect_url"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := ok
			tc.edit(&c)
			err := c.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			e := app.AsError(err)
			if e == nil || e.Code != app.EInvalid || e.Field != tc.field {
				t.Fatalf("Validate = %v, want invalid on %s", err, tc.field)
			}
		})
	}

	t.Run("ErrAllAtOnce", func(t *testing.T) {
		err := sso.Config{Issuer: "http://idp.example"}.Validate()
		for _, key := range []string{"sso.config.issuer", "sso.config.client_id", "sso.config.redirect_url"} {
			if err == nil || !strings.Contains(err.Error(), key) {
				t.Errorf("Validate = %v, want it to report %s", err, key)
			}
		}
	})
}
