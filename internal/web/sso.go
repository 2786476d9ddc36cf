package web

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/sso"
)

// The flow cookie keeps one sign-in attempt between the redirect to the
// organisation's provider and its callback.
const (
	ssoFlowCookie = "samvirke_sso"
	ssoFlowTTL    = 10 * time.Minute
)

// ssoFlow is what the flow cookie holds, signed: the attempt's secrets,
// the organisation and where to go afterwards.
type ssoFlow struct {
	sso.Flow
	Org  string `json:"org"`
	Next string `json:"next"`
}

// providerCache keeps each organisation's discovered provider, and builds
// it again when the configuration's version changes. Discovery runs once
// at a time per organisation and a failure is kept for ssoRetryAfter, so
// anonymous sign-in starts cannot make the server fetch the issuer again
// and again.
type providerCache struct {
	mu      sync.Mutex
	entries map[int64]*cachedProvider
}

// ssoRetryAfter is how long a failed discovery answers for the
// organisation before it is tried again.
const ssoRetryAfter = 30 * time.Second

type cachedProvider struct {
	version string
	done    chan struct{} // closed once p or err is set
	p       *sso.Provider
	err     error
	at      time.Time // when discovery ended
}

func (s *Server) ssoProvider(ctx context.Context, cfg *account.SSOConfig) (*sso.Provider, error) {
	pc, err := s.Accounts.SSOProviderConfig(cfg)
	if err != nil {
		return nil, err
	}
	cache := &s.ssoProviders
	version := cfg.Version() + " " + pc.RedirectURL
	cache.mu.Lock()
	if cache.entries == nil {
		cache.entries = map[int64]*cachedProvider{}
	}
	e, ok := cache.entries[cfg.OrgID]
	if !ok || e.version != version || e.expired(s.Clock.Now()) {
		e = &cachedProvider{version: version, done: make(chan struct{})}
		cache.entries[cfg.OrgID] = e
		cache.mu.Unlock()
		s.discover(ctx, e, pc) // this request runs it; others for the organisation wait for it
		return e.p, e.err
	}
	cache.mu.Unlock()
	select {
	case <-e.done:
		return e.p, e.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// discover runs discovery for e, unaffected by the running request ending
// early (others may wait for the outcome); sso.New bounds its time.
func (s *Server) discover(ctx context.Context, e *cachedProvider, pc sso.Config) {
	defer close(e.done)
	e.p, e.err = sso.New(context.WithoutCancel(ctx), pc)
	e.at = s.Clock.Now()
	if e.err != nil {
		s.Logger.Warn("sso discovery failed", "issuer", pc.Issuer, "err", e.err)
		// A stored issuer that no longer passes the checks (say, saved
		// before they were stricter) is a provider that cannot be reached.
		if app.ErrorCode(e.err) == app.EInvalid {
			e.err = app.Errorf(app.EUnavailable, "sso.error.discovery").Wrap(e.err)
		}
	}
}

// expired reports whether e holds a failure older than ssoRetryAfter.
func (e *cachedProvider) expired(now time.Time) bool {
	select {
	case <-e.done:
		return e.err != nil && now.Sub(e.at) >= ssoRetryAfter
	default:
		return false // still running
	}
}

// ssoOf answers the organisation with slug and its single sign-on
// configuration, or app.ENotFound when the organisation does not exist or
// has single sign-on turned off.
func (s *Server) ssoOf(ctx context.Context, slug string) (*org.Organisation, *account.SSOConfig, error) {
	o, err := s.Orgs.FindBySlug(ctx, slug)
	var cfg *account.SSOConfig
	if err == nil {
		cfg, err = s.Accounts.SSOConfig(ctx, o)
	}
	if app.IsNotFound(err) || (err == nil && !cfg.Enabled) {
		return nil, nil, app.Errorf(app.ENotFound, "error.not_found.text")
	}
	return o, cfg, err
}

// handleSSOFind sends the sign-in page's "organisation account" form on to
// that organisation's provider, or back with the field's error.
func (s *Server) handleSSOFind(c *gin.Context) error {
	slug := strings.ToLower(strings.TrimSpace(c.Query("org")))
	next := c.Query("next")
	key := "sso.signin.error.org_required"
	if slug != "" {
		_, _, err := s.ssoOf(c.Request.Context(), slug)
		if err == nil {
			to := "/sso/" + url.PathEscape(slug) + "/start"
			if next != "" {
				to += "?next=" + url.QueryEscape(safeNext(next))
			}
			c.Redirect(http.StatusSeeOther, to)
			return nil
		}
		if !app.IsNotFound(err) {
			return err
		}
		key = "sso.signin.error.org_unknown"
	}
	data := &signinPage{formPage: formPage{Values: map[string]string{"org": slug}}, Next: safeNext(next), Demo: s.Demo}
	data.fail(s, c, app.Errorf(app.EInvalid, key).WithField("org"))
	s.render(c, http.StatusUnprocessableEntity, "account/signin.html", data)
	return nil
}

// handleSSOStart begins a sign-in at the organisation's provider.
func (s *Server) handleSSOStart(c *gin.Context) error {
	ctx := c.Request.Context()
	o, cfg, err := s.ssoOf(ctx, c.Param("org"))
	if err != nil {
		return err
	}
	p, err := s.ssoProvider(ctx, cfg)
	if err != nil {
		return err
	}
	f := ssoFlow{Flow: sso.NewFlow(), Org: o.Slug, Next: "/o/" + o.Slug + "/dashboard"}
	if next := safeNext(c.Query("next")); next != "/dashboard" {
		f.Next = next
	}
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: ssoFlowCookie, Value: s.sign(base64.RawURLEncoding.EncodeToString(b), ssoFlowTTL),
		Path: "/sso", MaxAge: int(ssoFlowTTL.Seconds()), HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	c.Redirect(http.StatusSeeOther, p.AuthCodeURL(f.Flow))
	return nil
}

// takeFlow reads and removes the flow cookie; false when it is missing,
// expired or not ours.
func (s *Server) takeFlow(c *gin.Context) (ssoFlow, bool) {
	var f ssoFlow
	ck, err := c.Request.Cookie(ssoFlowCookie)
	if err != nil {
		return f, false
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: ssoFlowCookie, Value: "", Path: "/sso", MaxAge: -1,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	v, ok := s.verify(ck.Value)
	if !ok {
		return f, false
	}
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || json.Unmarshal(b, &f) != nil {
		return f, false
	}
	return f, true
}

// handleSSOCallback completes the sign-in the provider sends the browser
// back from, and signs the member in as the password form does.
func (s *Server) handleSSOCallback(c *gin.Context) error {
	ctx := c.Request.Context()
	f, ok := s.takeFlow(c)
	if e := c.Query("error"); e != "" {
		return app.Errorf(app.EForbidden, "sso.error.provider").Wrap(fmt.Errorf("sso: provider answered %.100q", e))
	}
	if !ok {
		return ssoRefused(app.Errorf(app.EUnauthenticated, sso.KeyState).Wrap(errors.New("sso: flow cookie missing, expired or forged")))
	}
	o, cfg, err := s.ssoOf(ctx, f.Org)
	if err != nil {
		return err
	}
	p, err := s.ssoProvider(ctx, cfg)
	if err != nil {
		return err
	}
	id, err := p.Exchange(ctx, f.Flow, c.Query("state"), c.Query("code"))
	if err != nil {
		s.Logger.Warn("sso sign-in refused", "request_id", requestIDOf(c), "org", o.Slug, "err", err)
		return ssoRefused(err)
	}
	u, err := s.Accounts.SSOSignIn(ctx, o.ID, id.Email)
	if err != nil {
		return err
	}
	if u.TOTPEnabledAt != nil { // the second factor still applies, as after a password
		return s.askSecondFactor(c, u.ID, o.ID, f.Next)
	}
	return s.startSessionIn(c, u.ID, o.ID, f.Next)
}

// ssoRefused shows a refused sign-in as 403 with its message: writeError
// would answer an unauthenticated GET with a redirect to the sign-in form
// that carries this callback, code and state included, as its next page.
func ssoRefused(err error) error {
	if ae := app.AsError(err); ae != nil && ae.Code == app.EUnauthenticated {
		refused := *ae
		refused.Code = app.EForbidden
		return &refused
	}
	return err
}

// ssoPage is the administration page of single sign-on. The client secret
// is never part of it: HasSecret only says whether one is stored.
type ssoPage struct {
	formPage
	Org         *org.Organisation
	RedirectURL string
	StartURL    string
	HasSecret   bool
}

func (s *Server) handleSSOSettings(c *gin.Context) error {
	return s.renderSSO(c, http.StatusOK, &ssoPage{})
}

// renderSSO shows the page; without Values (not a failed post) the form
// shows the stored configuration.
func (s *Server) renderSSO(c *gin.Context, status int, data *ssoPage) error {
	o := orgOf(c)
	cfg, err := s.Accounts.SSOConfig(c.Request.Context(), o)
	if err != nil && !app.IsNotFound(err) {
		return err
	}
	if data.Values == nil {
		data.Values = map[string]string{"email_claim": sso.DefaultEmailClaim}
		if err == nil {
			data.Values = ssoValues(cfg)
		}
	}
	data.HasSecret = err == nil && cfg.ClientSecret != ""
	data.Layout, data.Org = s.adminLayout(c, "sso"), o
	data.RedirectURL = s.Accounts.SSORedirectURL()
	data.StartURL = strings.TrimSuffix(data.RedirectURL, account.SSOCallbackPath) + "/sso/" + o.Slug + "/start"
	s.render(c, status, "admin/sso.html", data)
	return nil
}

func ssoValues(cfg *account.SSOConfig) map[string]string {
	v := map[string]string{"issuer": cfg.Issuer, "client_id": cfg.ClientID, "email_claim": cfg.EmailClaim}
	if cfg.Enabled {
		v["enabled"] = "on"
	}
	return v
}

// handleSSOSettingsUpdate saves the configuration; a failed save shows
// what was typed (but the secret) with each error at its field.
func (s *Server) handleSSOSettingsUpdate(c *gin.Context) error {
	o := orgOf(c)
	cfg := account.SSOConfig{Enabled: c.PostForm("enabled") == "on", Issuer: strings.TrimSpace(c.PostForm("issuer")),
		ClientID: strings.TrimSpace(c.PostForm("client_id")), EmailClaim: strings.TrimSpace(c.PostForm("email_claim"))}
	err := s.Accounts.SaveSSOConfig(c.Request.Context(), o, cfg, c.PostForm("client_secret"))
	if err != nil {
		data := &ssoPage{formPage: formPage{Values: ssoValues(&cfg)}}
		handled := false
		var joined interface{ Unwrap() []error }
		if errors.As(err, &joined) {
			for _, e := range joined.Unwrap() {
				handled = data.fail(s, c, e) || handled
			}
		} else {
			handled = data.fail(s, c, err)
		}
		if !handled {
			return err
		}
		return s.renderSSO(c, statusOf(app.ErrorCode(err)), data)
	}
	s.setFlash(c, "admin.sso.saved")
	c.Redirect(http.StatusSeeOther, "/o/"+o.Slug+"/admin/sso")
	return nil
}
