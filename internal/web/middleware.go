package web

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/i18n"
)

const (
	ctxRequestID   = "request_id"
	ctxMemberships = "memberships"
	sessionCookie  = "samvirke_session"
	langCookie     = "samvirke_lang"
)

// requestID takes a sane X-Request-ID from the client or makes one, and
// echoes it in the response.
func (s *Server) requestID(c *gin.Context) {
	id := c.GetHeader("X-Request-ID")
	if len(id) < 8 || len(id) > 64 || strings.ContainsFunc(id, func(r rune) bool {
		return !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) {
		b := make([]byte, 8)
		rand.Read(b)
		id = hex.EncodeToString(b)
	}
	c.Set(ctxRequestID, id)
	c.Header("X-Request-ID", id)
	c.Next()
}

func requestIDOf(c *gin.Context) string { return c.GetString(ctxRequestID) }

// accessLog writes one structured line per request. Query strings are left
// out: they may carry tokens.
func (s *Server) accessLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	if p := c.Request.URL.Path; p == "/healthz" || p == "/readyz" {
		return
	}
	level := slog.LevelInfo
	if c.Writer.Status() >= 500 {
		level = slog.LevelError
	}
	attrs := []any{"request_id", requestIDOf(c), "method", c.Request.Method, "path", loggedPath(c),
		"status", c.Writer.Status(), "duration_ms", time.Since(start).Milliseconds()}
	if !c.GetBool(ctxAnonymous) {
		attrs = append(attrs, "ip", c.ClientIP())
	}
	if a := app.ActorFrom(c.Request.Context()); a != nil {
		attrs = append(attrs, "user_id", a.UserID, "org_id", a.OrgID)
	}
	s.logRequest(c, level, "http", attrs...)
}

// logRequest writes a log line about the request. A respondent's request
// (an anonymous route) is logged without its time, as it is without the
// client's address, so that the log cannot be laid beside anything else
// to say who answered when.
func (s *Server) logRequest(c *gin.Context, level slog.Level, msg string, attrs ...any) {
	ctx := c.Request.Context()
	if !c.GetBool(ctxAnonymous) {
		s.Logger.Log(ctx, level, msg, attrs...)
		return
	}
	if h := s.Logger.Handler(); h.Enabled(ctx, level) {
		r := slog.NewRecord(time.Time{}, level, msg, 0)
		r.Add(attrs...)
		_ = h.Handle(ctx, r)
	}
}

// ctxAnonymous marks a request of an anonymous route (Route.Anonymous).
const ctxAnonymous = "samvirke.anonymous"

// markAnonymous marks the request anonymous for the access log. It takes
// the place of authenticate: an anonymous route reads no session.
func markAnonymous(c *gin.Context) { c.Set(ctxAnonymous, true) }

// loggedPath is the request path for logs: routes that carry a one-time
// token in the path (invitations, password resets) are logged as their
// pattern, so no token ever reaches a log.
func loggedPath(c *gin.Context) string {
	if p := c.FullPath(); strings.Contains(p, ":token") {
		return p
	}
	return c.Request.URL.Path
}

// recover turns a panic into a logged internal error with the request id.
func (s *Server) recover(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			if r == http.ErrAbortHandler {
				panic(r)
			}
			s.logRequest(c, slog.LevelError, "panic", "request_id", requestIDOf(c), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			if !c.Writer.Written() {
				s.writeError(c, fmt.Errorf("panic: %v", r))
			}
			c.Abort()
		}
	}()
	c.Next()
}

type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
}

func newHTTPMetrics(reg prometheus.Registerer) (*httpMetrics, error) {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "samvirke_http_requests_total", Help: "HTTP requests, by route and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "samvirke_http_request_duration_seconds", Help: "HTTP request latency, by route.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "samvirke_http_requests_in_flight", Help: "HTTP requests being served.",
		}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.inFlight} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (s *Server) observe(c *gin.Context) {
	start := time.Now()
	s.metrics.inFlight.Inc()
	defer s.metrics.inFlight.Dec()
	c.Next()
	route := c.FullPath() // the pattern, so ids do not explode the label set
	if route == "" {
		route = "unmatched"
	}
	s.metrics.requests.WithLabelValues(c.Request.Method, route, strconv.Itoa(c.Writer.Status())).Inc()
	s.metrics.duration.WithLabelValues(c.Request.Method, route).Observe(time.Since(start).Seconds())
}

// securityHeaders sets a strict content security policy (no inline
// scripts or styles), forbids framing and sniffing, and asks for HTTPS
// once served over it.
func (s *Server) securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	if s.secure {
		h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	}
	c.Next()
}

// locale chooses the language of a request: the user's preference, then a
// language picked on this browser, then the organisation's default, then
// the browser's Accept-Language, then Norwegian bokmål.
func (s *Server) locale(c *gin.Context) string {
	if a := app.ActorFrom(c.Request.Context()); a != nil && i18n.Supported(a.Locale) {
		return a.Locale
	}
	if ck, err := c.Request.Cookie(langCookie); err == nil && i18n.Supported(ck.Value) {
		return ck.Value
	}
	if l := i18n.Negotiate(c.GetHeader("Accept-Language")); l != "" {
		return l
	}
	return "nb"
}

// requireUser answers unauthenticated requests (a sign-in redirect for
// pages, 401 for the API).
func (s *Server) requireUser(c *gin.Context) {
	if app.ActorFrom(c.Request.Context()) == nil {
		s.writeError(c, app.Errorf(app.EUnauthenticated, "error.unauthenticated.text"))
		return
	}
	c.Next()
}

func (s *Server) setSessionCookie(c *gin.Context, token string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode, MaxAge: int(account.AbsoluteTimeout.Seconds())})
}

func (s *Server) clearSessionCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// safeNext answers next when it is a path on this site, "/dashboard"
// otherwise. Browsers read a Location loosely (they drop tabs and line
// breaks, and take a backslash for a slash, so "/\t/evil.example" leads to
// evil.example), so next must be an origin-relative reference of printable
// ASCII without a backslash, whose path, also once percent-decoded, starts
// with exactly one slash and holds no control character or backslash.
func safeNext(next string) string {
	const home = "/dashboard"
	if !strings.HasPrefix(next, "/") || strings.ContainsFunc(next, func(r rune) bool { return r <= ' ' || r > '~' || r == '\\' }) {
		return home
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Opaque != "" || u.User != nil || u.Host != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") ||
		strings.ContainsFunc(u.Path, func(r rune) bool { return unicode.IsControl(r) || r == '\\' }) {
		return home
	}
	return next
}
