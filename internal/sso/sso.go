// Package sso signs users in through an organisation's own OpenID Connect
// provider: discovery, the authorization-code flow with PKCE and nonce, and
// verification of the ID token. It holds no global state and knows nothing
// of HTTP routing or storage; the web layer keeps one Provider per
// organisation and the Flow of each sign-in attempt between redirect and
// callback.
package sso

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/samvirke/samvirke/internal/app"
)

// Defaults applied by New when the Config leaves a field empty.
const (
	DefaultEmailClaim = "email"
	// httpTimeout bounds every call to the provider, redirects and body
	// included.
	httpTimeout = 10 * time.Second
)

// Translation keys of the issuer's validation errors.
const (
	keyIssuer         = "sso.config.issuer"          // not https
	keyIssuerInternal = "sso.config.issuer_internal" // an internal address not allowed
)

// defaultScopes are requested when Config.Scopes is empty.
var defaultScopes = []string{oidc.ScopeOpenID, "email", "profile"}

// Config describes one organisation's OpenID Connect client registration.
type Config struct {
	// Issuer is the provider's issuer URL; discovery reads
	// Issuer + "/.well-known/openid-configuration" and the ID token's iss
	// must equal it exactly. https to a public address; see AllowNetworks.
	Issuer string
	// ClientID is required; it is the audience the ID token must name.
	ClientID string
	// ClientSecret may be empty for a public client (PKCE only).
	ClientSecret string
	// EmailClaim names the claim holding the user's e-mail address;
	// "email" when empty (e.g. "upn" or "preferred_username" for some
	// directories).
	EmailClaim string
	// RedirectURL is Samvirke's callback URL registered at the provider.
	// https, or http on a loopback host.
	RedirectURL string
	// Scopes requested; "openid email profile" when empty. "openid" is
	// always added.
	Scopes []string
	// AllowNetworks are internal address ranges (loopback, private,
	// link-local: see isInternal) that the provider may nevertheless use,
	// such as a provider inside the organisations' own network or the
	// in-process provider of tests; plain http is then accepted for an
	// issuer written as an address in them. Empty: the server connects
	// only to public addresses, for the issuer and every endpoint and
	// redirect its discovery leads to, checked when each connection is made.
	AllowNetworks []netip.Prefix
}

// Validate reports every problem of c at once, as *app.Error values with
// code invalid joined by errors.Join: keys sso.config.issuer (not an https
// URL), sso.config.issuer_internal (an internal address outside
// AllowNetworks), sso.config.client_id and sso.config.redirect_url, each
// with its Field set. It asks no DNS: names are checked at connection.
func (c Config) Validate() error {
	var errs []error
	if key := checkIssuer(c.Issuer, c.AllowNetworks); key != "" {
		errs = append(errs, app.Errorf(app.EInvalid, key).WithField("issuer"))
	}
	if strings.TrimSpace(c.ClientID) == "" {
		errs = append(errs, app.Errorf(app.EInvalid, "sso.config.client_id").WithField("client_id"))
	}
	if !secureURL(c.RedirectURL) {
		errs = append(errs, app.Errorf(app.EInvalid, "sso.config.redirect_url").WithField("redirect_url"))
	}
	return errors.Join(errs...)
}

// checkIssuer answers the translation key of what is wrong with the
// issuer s, or "".
func checkIssuer(s string, allow []netip.Prefix) string {
	u, err := parseAbsolute(s)
	if err != nil {
		return keyIssuer
	}
	return checkProviderURL(u, allow)
}

// parseAbsolute parses s as an absolute URL with a host and without user,
// query or fragment.
func parseAbsolute(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("sso: not an absolute URL without user, query or fragment")
	}
	return u, nil
}

// secureURL reports whether s is an absolute URL without query or fragment
// that uses https, or plain http only on a loopback host (the callback,
// which the browser visits and the server never fetches).
func secureURL(s string) bool {
	u, err := parseAbsolute(s)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		switch u.Hostname() {
		case "127.0.0.1", "localhost", "::1":
			return true
		}
	}
	return false
}

// withDefaults returns c with the documented defaults filled in.
func (c Config) withDefaults() Config {
	if c.EmailClaim == "" {
		c.EmailClaim = DefaultEmailClaim
	}
	if len(c.Scopes) == 0 {
		c.Scopes = defaultScopes
	}
	if !slices.Contains(c.Scopes, oidc.ScopeOpenID) {
		c.Scopes = append([]string{oidc.ScopeOpenID}, c.Scopes...)
	}
	c.Scopes = slices.Clone(c.Scopes)
	return c
}

// Provider is one organisation's discovered OpenID provider. It is safe for
// concurrent use; build it once per organisation (and again when its
// configuration changes) and keep it.
type Provider struct {
	cfg      Config
	client   *http.Client
	oidc     *oidc.Provider
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
}

// New validates c and runs OpenID discovery against c.Issuer. Every call
// to the provider, discovery and later ones (JWKS, token, userinfo), goes
// through one client that connects only to addresses c allows (checked at
// each connection, so neither a name resolving to an internal address nor
// a redirect gets through), within 10 s, at most 3 redirects and 1 MiB
// per answer.
//
// Errors: the Validate error (code invalid), or an *app.Error with code
// unavailable and key sso.error.discovery when the provider cannot be
// reached, its address is refused (the cause wraps ErrAddressRefused) or
// its discovery document does not match the issuer.
func New(ctx context.Context, c Config) (*Provider, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c = c.withDefaults()
	client := newHTTPClient(c.AllowNetworks)
	op, err := oidc.NewProvider(oidc.ClientContext(ctx, client), c.Issuer)
	if err != nil {
		return nil, app.Errorf(app.EUnavailable, "sso.error.discovery").Wrap(err)
	}
	return &Provider{
		cfg:    c,
		client: client,
		oidc:   op,
		oauth: oauth2.Config{
			ClientID:     c.ClientID,
			ClientSecret: c.ClientSecret,
			Endpoint:     op.Endpoint(),
			RedirectURL:  c.RedirectURL,
			Scopes:       c.Scopes,
		},
		verifier: op.Verifier(&oidc.Config{ClientID: c.ClientID}),
	}, nil
}

// Flow is the per-attempt secret state of one sign-in: the OAuth state,
// the OpenID nonce and the PKCE code verifier. The caller keeps it between
// AuthCodeURL and Exchange (short-lived, HttpOnly, Secure, SameSite=Lax
// cookie, sealed, or server-side) and uses it once.
type Flow struct {
	State    string
	Nonce    string
	Verifier string
}

// NewFlow returns a Flow of three independent random values, each 32 bytes
// from crypto/rand encoded as unpadded base64url (43 characters).
func NewFlow() Flow {
	return Flow{State: randomString(), Nonce: randomString(), Verifier: randomString()}
}

func randomString() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails; it panics instead
	return base64.RawURLEncoding.EncodeToString(b)
}

// AuthCodeURL returns the provider's authorization URL for f: response type
// code, f.State, f.Nonce and the S256 PKCE challenge of f.Verifier.
func (p *Provider) AuthCodeURL(f Flow) string {
	return p.oauth.AuthCodeURL(f.State,
		oauth2.S256ChallengeOption(f.Verifier),
		oidc.Nonce(f.Nonce),
	)
}
