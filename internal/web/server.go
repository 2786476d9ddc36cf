// Package web is Samvirke's HTTP layer on gin: routes, middleware, page
// rendering and the one place where error codes become HTTP statuses. It
// never writes SQL; it calls the capability packages.
package web

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/apidoc"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/billing"
	"github.com/samvirke/samvirke/internal/calendar"
	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/due"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/overview"
	"github.com/samvirke/samvirke/internal/plan"
	"github.com/samvirke/samvirke/internal/queue"
	"github.com/samvirke/samvirke/internal/ratelimit"
	"github.com/samvirke/samvirke/internal/remind"
	"github.com/samvirke/samvirke/internal/search"
	"github.com/samvirke/samvirke/internal/survey"
	"github.com/samvirke/samvirke/internal/workbook"
)

// Pinger is something /readyz checks.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Deps is what the HTTP layer needs from main.
type Deps struct {
	DB       Pinger // checked by /readyz
	Queue    Pinger // checked by /readyz besides the database; nil: not checked (pages do not need it)
	Assets   fs.FS  // web/ (templates, static, locales, api)
	Catalog  *i18n.Catalog
	Logger   *slog.Logger
	Clock    app.Clock
	Registry *prometheus.Registry // where the HTTP metrics are recorded; main serves it on its own listener
	BaseURL  string
	Demo     bool
	// TrustedProxies are the proxies whose X-Forwarded-For is believed;
	// none by default, so the client address cannot be forged.
	TrustedProxies []string
	// OpsOnly serves only /healthz and /readyz (worker processes).
	OpsOnly bool
	// ActiveRequests is how many requests compute at once, the others
	// waiting their turn in order (admission.go): 0 is
	// DefaultActiveRequests, a negative number lets every request compute
	// at once.
	ActiveRequests int

	Authz     *authz.Enforcer
	Accounts  *account.Service
	Orgs      *org.Service       // organisation settings, read scope, dashboard and search
	Due       *due.Registry      // "My work" items of every capability
	Overview  *overview.Registry // dashboard panels of every capability
	Search    *search.Registry   // global search sources of every capability
	Nav       *Nav               // the main navigation's entries of every capability
	Workbooks *workbook.Service
	Plans     *plan.Service
	Councils  *council.Service
	// Indicators holds the indicator catalogue, values and benchmarks.
	Indicators *indicator.Service
	// Reminders holds the reminder engine: its settings, the send log,
	// notifications, preferences and absences.
	Reminders *remind.Service
	// Billing is subscriptions, entitlements and e-invoices (never nil;
	// it says whether it is configured).
	Billing *billing.Service
	// Surveys holds the integration survey: questionnaires, rounds,
	// respondent links, the rose and its follow-ups.
	Surveys *survey.Service
	// Queues is the task queue the operators' page inspects (nil: the
	// page says the queue is not reachable from this process).
	Queues *queue.Queue
	// Operators are the e-mail addresses of the platform's operators,
	// who see every organisation's queues (SAMVIRKE_OPERATORS).
	Operators []string
	// Calendar answers the annual cycle's month and year views and the
	// personal iCalendar feeds.
	Calendar  *calendar.Service
	SecretKey string // signs short-lived cookies (second-factor step, SSO flow)
	// Limiter bounds expensive actions per user and client address.
	Limiter *ratelimit.Limiter
	// WriteGate, when set, is asked before every write route of an
	// organisation runs (Route.Writes), after its permission: an error
	// refuses the request with that error (an app.Error as it is, such as
	// ErrReadOnly, anything else as internal), nil lets it through. It is
	// the one place where a lapsed subscription or a locked period turns
	// an organisation read-only. Nil: every write is allowed.
	WriteGate func(ctx context.Context, o *org.Organisation) error
}

// Server is the HTTP handler of Samvirke.
type Server struct {
	Deps
	engine       *gin.Engine
	pages        *pages
	apiDoc       *apidoc.Document // merged from web/api/<capability>.json
	metrics      *httpMetrics
	admission    *admission // nil: every request computes at once
	secure       bool       // cookies marked Secure (BaseURL is https)
	terms        termCache
	publicPDFs   pdfCache // PDFs of published plans, made once (plan_public.go)
	ssoProviders providerCache
	routeList    []Route

	// RenderProbe, when set, hears every page rendered with a function
	// that renders the same page data again with the bare template (no
	// request, no database): the load run measures that render as the
	// limit of a page's CPU time (cmd/samvirke-load). Set it before
	// serving; production leaves it nil.
	RenderProbe func(requestID, page string, render func(io.Writer) error)
}

// New builds the server, parses every template and merges the OpenAPI
// fragments, refusing to start on a broken page or document.
func New(d Deps) (*Server, error) {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Clock == nil {
		d.Clock = app.SystemClock{}
	}
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	if d.Due == nil {
		d.Due = &due.Registry{}
	}
	if d.Overview == nil {
		d.Overview = &overview.Registry{}
	}
	if d.Search == nil {
		d.Search = &search.Registry{}
	}
	gin.SetMode(gin.ReleaseMode)
	s := &Server{Deps: d, engine: gin.New(), secure: strings.HasPrefix(d.BaseURL, "https://")}
	if err := s.engine.SetTrustedProxies(d.TrustedProxies); err != nil {
		return nil, fmt.Errorf("SAMVIRKE_TRUSTED_PROXIES: %w", err)
	}
	m, err := newHTTPMetrics(d.Registry)
	if err != nil {
		return nil, err
	}
	s.metrics = m
	if n := d.ActiveRequests; n >= 0 {
		if n == 0 {
			n = DefaultActiveRequests()
		}
		if s.admission, err = newAdmission(n, d.Registry); err != nil {
			return nil, err
		}
	}
	if !d.OpsOnly {
		if s.pages, err = loadPages(d.Assets, d.Catalog); err != nil {
			return nil, err
		}
		if s.apiDoc, err = apidoc.Load(d.Assets, "api"); err != nil {
			return nil, err
		}
	}
	s.engine.HandleMethodNotAllowed = false
	s.engine.Use(s.requestID, s.accessLog, s.recover, s.observe, s.securityHeaders, s.admit)
	s.routes()
	s.engine.NoRoute(s.h(func(c *gin.Context) error {
		return app.Errorf(app.ENotFound, "error.not_found.text")
	}))
	return s, nil
}

// Engine exposes the gin engine, for tests that add routes of their own.
func (s *Server) Engine() *gin.Engine { return s.engine }

// Handler is the complete handler, with cross-origin request forgery
// protection on every state-changing request: browsers' Sec-Fetch-Site and
// Origin headers must show the request came from this site.
func (s *Server) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	return cop.Handler(s.engine)
}

// h adapts a handler that returns an error to gin; errors go to the one
// error writer.
func (s *Server) h(f func(c *gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := f(c); err != nil {
			s.writeError(c, err)
		}
	}
}
