package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/org"
)

const (
	ctxOrg      = "org"
	ctxToken    = "api_token"
	ctxUser     = "user"
	ctxSession  = "session"
	pendingName = "samvirke_pending"
)

// authenticate attaches the signed-in user, if any, to the request: from
// the session cookie, or for the API from a bearer token. Sessions and
// memberships are read fresh on every request, so a revoked session or a
// removed membership takes effect at once.
func (s *Server) authenticate(c *gin.Context) {
	ctx := audit.WithMeta(c.Request.Context(), audit.Meta{IP: c.ClientIP(), RequestID: requestIDOf(c)})
	c.Request = c.Request.WithContext(ctx)
	if h := c.GetHeader("Authorization"); strings.HasPrefix(h, "Bearer ") {
		s.authenticateToken(c, strings.TrimPrefix(h, "Bearer "))
		return
	}
	ck, err := c.Request.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		c.Next()
		return
	}
	in, err := s.Accounts.AuthenticateSession(ctx, ck.Value)
	if err != nil {
		if code := app.ErrorCode(err); code == app.EUnauthenticated || code == app.ENotFound {
			s.clearSessionCookie(c)
			c.Next()
			return
		}
		s.writeError(c, err)
		return
	}
	u, sess, ms := in.User, in.Session, in.Memberships
	a := &app.Actor{UserID: u.ID, Email: u.Email, Name: u.Name, SessionID: sess.ID, Locale: u.Locale}
	if sess.OrgID != nil {
		for _, m := range ms {
			if m.OrgID == *sess.OrgID {
				a.OrgID, a.OrgSlug, a.OrgKind = m.OrgID, m.Org.Slug, m.Org.Kind
			}
		}
	}
	c.Set(ctxMemberships, ms)
	c.Set(ctxUser, u)
	c.Set(ctxSession, sess)
	c.Request = c.Request.WithContext(app.WithActor(ctx, a))
	c.Next()
}

// authenticateToken attaches the user of an API token. A read-only token
// reads and nothing else, on every route: any other method answers 403
// before a handler runs.
func (s *Server) authenticateToken(c *gin.Context, token string) {
	ta, err := s.Accounts.AuthenticateAPIToken(c.Request.Context(), token)
	if err != nil {
		s.writeError(c, err)
		return
	}
	if ta.Token.Scope != account.ScopeWrite && c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead {
		s.writeError(c, app.Errorf(app.EForbidden, "auth.error.token_read_only"))
		return
	}
	m := ta.Membership
	a := &app.Actor{UserID: ta.User.ID, Email: ta.User.Email, Name: ta.User.Name, Locale: ta.User.Locale,
		OrgID: m.OrgID, OrgSlug: m.Org.Slug, OrgKind: m.Org.Kind, Role: m.Role}
	c.Set(ctxToken, ta.Token)
	c.Set(ctxMemberships, []*account.Membership{m})
	c.Request = c.Request.WithContext(app.WithActor(c.Request.Context(), a))
	c.Next()
}

// inOrg resolves the :org of the path to an organisation the actor is a
// member of; any other (including one that does not exist) answers 404, so
// nobody learns which organisations exist. An API token works only in its
// own organisation. The organisation becomes the session's current one.
func (s *Server) inOrg(c *gin.Context) {
	ctx := c.Request.Context()
	a := app.ActorFrom(ctx)
	notFound := app.Errorf(app.ENotFound, "error.not_found.text")
	slug := c.Param("org")
	var m *account.Membership
	if v, ok := c.Get(ctxMemberships); ok {
		for _, x := range v.([]*account.Membership) {
			if x.Org.Slug == slug {
				m = x
			}
		}
	}
	if m == nil {
		s.writeError(c, notFound)
		return
	}
	// A single sign-on session was authenticated by the organisation's own
	// identity provider, which applies its own second factor.
	if u, ok := c.Get(ctxUser); ok && m.Org.RequireSecondFactor && u.(*account.User).TOTPEnabledAt == nil && !s.ssoSession(c) {
		c.Redirect(http.StatusSeeOther, "/account/second-factor?required=1")
		c.Abort()
		return
	}
	scoped := *a
	scoped.OrgID, scoped.OrgSlug, scoped.OrgKind, scoped.Role = m.OrgID, m.Org.Slug, m.Org.Kind, m.Role
	if scoped.Locale == "" {
		scoped.Locale = m.Org.Locale // the user's preference, else the organisation's
	}
	if a.SessionID != "" && a.OrgID != m.OrgID {
		if err := s.Accounts.SwitchSessionOrg(ctx, a.SessionID, m.OrgID); err != nil {
			s.writeError(c, err)
			return
		}
	}
	c.Set(ctxOrg, m.Org)
	c.Request = c.Request.WithContext(app.WithActor(ctx, &scoped))
	c.Next()
}

// requireInteractive guards the user's own account: an API token answers
// 401 and a single sign-on session limited to one organisation 403, so
// neither a leaked token nor one organisation's identity provider can
// change the user's password, second factor, sessions or profile.
func (s *Server) requireInteractive(c *gin.Context) {
	if _, ok := c.Get(ctxToken); ok {
		s.writeError(c, app.Errorf(app.EUnauthenticated, "auth.error.token_not_for_account"))
		return
	}
	if s.ssoSession(c) {
		s.writeError(c, app.Errorf(app.EForbidden, "auth.error.account_needs_password"))
		return
	}
	c.Next()
}

// ssoSession reports whether the request runs in a single sign-on session
// limited to one organisation.
func (s *Server) ssoSession(c *gin.Context) bool {
	v, ok := c.Get(ctxSession)
	return ok && v.(*account.Session).RestrictOrgID != nil
}

// require answers 403 unless the actor's role in the organisation allows
// p. (A read-only API token never gets this far with anything but a read:
// authenticateToken refuses it.)
func (s *Server) require(p authz.Perm) gin.HandlerFunc {
	return func(c *gin.Context) {
		a := app.ActorFrom(c.Request.Context())
		if !s.Authz.Allowed(a.UserID, a.Role, a.OrgID, p) {
			s.writeError(c, app.Errorf(app.EForbidden, "error.forbidden.text"))
			return
		}
		c.Next()
	}
}

// ErrReadOnly is the answer of a WriteGate that refuses a write because
// the organisation is read-only: 403 with a message that says so in the
// user's language.
func ErrReadOnly() error { return app.Errorf(app.EForbidden, "org.error.read_only") }

// gateWrites asks Deps.WriteGate whether the organisation inOrg resolved
// may be changed now; it stands in the chain of every write route of an
// organisation.
func (s *Server) gateWrites(c *gin.Context) {
	if s.WriteGate != nil {
		if err := s.WriteGate(c.Request.Context(), orgOf(c)); err != nil {
			s.writeError(c, err)
			return
		}
	}
	c.Next()
}

// orgOf answers the organisation inOrg resolved.
func orgOf(c *gin.Context) *org.Organisation {
	return c.MustGet(ctxOrg).(*org.Organisation)
}

// sign and verify protect short-lived values kept in cookies.
func (s *Server) sign(value string, ttl time.Duration) string {
	payload := value + "|" + strconv.FormatInt(s.Clock.Now().Add(ttl).Unix(), 10)
	mac := hmac.New(sha256.New, []byte(s.SecretKey))
	mac.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

func (s *Server) verify(signed string) (string, bool) {
	p, sig, ok := strings.Cut(signed, ".")
	if !ok {
		return "", false
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p)
	want, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil {
		return "", false
	}
	mac := hmac.New(sha256.New, []byte(s.SecretKey))
	mac.Write(payload)
	if !hmac.Equal(mac.Sum(nil), want) {
		return "", false
	}
	// The expiry is after the last "|": the value may hold "|" itself.
	i := strings.LastIndexByte(string(payload), '|')
	if i < 0 {
		return "", false
	}
	value, exp := string(payload[:i]), string(payload[i+1:])
	n, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || s.Clock.Now().Unix() > n {
		return "", false
	}
	return value, true
}
