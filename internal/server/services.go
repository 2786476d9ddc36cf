package server

import (
	"context"
	"log/slog"
	"net/netip"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/billing"
	"github.com/samvirke/samvirke/internal/calendar"
	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/due"
	"github.com/samvirke/samvirke/internal/files"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/mail"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/outbox"
	"github.com/samvirke/samvirke/internal/overview"
	"github.com/samvirke/samvirke/internal/plan"
	"github.com/samvirke/samvirke/internal/queue"
	"github.com/samvirke/samvirke/internal/ratelimit"
	"github.com/samvirke/samvirke/internal/remind"
	"github.com/samvirke/samvirke/internal/remind/reports"
	"github.com/samvirke/samvirke/internal/search"
	"github.com/samvirke/samvirke/internal/survey"
	"github.com/samvirke/samvirke/internal/web"
	"github.com/samvirke/samvirke/internal/workbook"
)

// Parts are what the capability services are built from: the platform
// pieces a process opened and the settings the services read.
type Parts struct {
	DB *bun.DB
	// Queue is where the outbox sends its tasks; nil: a worker's sweep
	// sends the mail (one-shot commands).
	Queue   queue.Enqueuer
	Mail    mail.Sender
	Clock   app.Clock
	Logger  *slog.Logger
	Catalog *i18n.Catalog
	// Secret is the program's secret key: it seals stored mail and second
	// factors and signs short-lived cookies.
	Secret string
	// SSOAllowNetworks are the private networks an SSO issuer may be on.
	SSOAllowNetworks []netip.Prefix
	// Files keeps uploaded files (logos, attachments): a local directory
	// or an S3-compatible bucket, chosen by the process's configuration.
	Files *files.Service
	// Billing is the billing configuration; nil: billing is not
	// configured and every organisation may do everything.
	Billing *billing.Config
	// StripeKey, StripeAPIBase and StripeWebhookSecret reach Stripe
	// (SAMVIRKE_STRIPE_…).
	StripeKey, StripeAPIBase, StripeWebhookSecret string
}

// Services are the capability services shared by web and workers, wired
// to one another. The whole program (Main) and the web test harness
// (internal/webtest) build them the same way, with Compose.
type Services struct {
	DB         *bun.DB
	Clock      app.Clock
	Logger     *slog.Logger
	Catalog    *i18n.Catalog
	Authz      *authz.Enforcer
	Accounts   *account.Service
	Orgs       *org.Service
	Due        *due.Registry
	Overview   *overview.Registry
	Search     *search.Registry
	Workbooks  *workbook.Service
	Plans      *plan.Service
	Councils   *council.Service
	Indicators *indicator.Service
	Reminders  *remind.Service
	Calendar   *calendar.Service
	Billing    *billing.Service
	Surveys    *survey.Service
	Limiter    *ratelimit.Limiter
	Outbox     *outbox.Outbox
	Files      *files.Service
	Nav        *web.Nav

	secret string
}

// Compose builds every capability service from p, one line per capability
// per extension point.
func Compose(ctx context.Context, p Parts) (*Services, error) {
	enf, err := authz.New(ctx, p.DB, p.Logger)
	if err != nil {
		return nil, err
	}
	sealer, err := app.NewSealer(p.Secret)
	if err != nil {
		return nil, err
	}
	s := &Services{DB: p.DB, Clock: p.Clock, Logger: p.Logger, Catalog: p.Catalog, Authz: enf, Files: p.Files, secret: p.Secret}
	s.Limiter = &ratelimit.Limiter{DB: p.DB, Clock: p.Clock}
	s.Outbox = &outbox.Outbox{DB: p.DB, Queue: p.Queue, Mail: p.Mail, Sealer: sealer, Clock: p.Clock, Log: p.Logger}
	s.Workbooks = &workbook.Service{DB: p.DB, Clock: p.Clock, Notify: workbook.Notifier{Outbox: s.Outbox, Text: p.Catalog.T}}
	s.Due = &due.Registry{}
	s.Due.Add(measure.Due{})
	s.Due.Add(plan.RoundDue{})
	s.Due.Add(council.SignDue{})
	s.Due.Add(indicator.DueSource{Clock: p.Clock})
	s.Due.Add(workbook.ChapterDue{Clock: p.Clock, Workbooks: s.Workbooks})
	s.Overview = &overview.Registry{}
	s.Overview.Add(org.NetworkPanel{Clock: p.Clock})
	s.Overview.Add(workbook.NextGatheringPanel{Clock: p.Clock})
	s.Overview.Add(workbook.ProgressPanel{Clock: p.Clock, Workbooks: s.Workbooks})
	s.Workbooks.Limits = s.Limiter
	s.Plans = &plan.Service{DB: p.DB, Clock: p.Clock, Limits: s.Limiter}
	s.Councils = &council.Service{DB: p.DB, Clock: p.Clock, Files: p.Files, Limits: s.Limiter}
	s.Indicators = &indicator.Service{DB: p.DB, Clock: p.Clock, Limits: s.Limiter}
	s.Surveys = &survey.Service{DB: p.DB, Clock: p.Clock, Indicators: s.Indicators, Plans: s.Plans}
	s.Reminders = &remind.Service{DB: p.DB, Due: s.Due, Queue: p.Queue, Outbox: s.Outbox, Clock: p.Clock, Log: p.Logger, Text: p.Catalog.T}        // BaseURL once listening
	s.Calendar = &calendar.Service{DB: p.DB, Clock: p.Clock, Due: s.Due, Limits: s.Limiter, Text: p.Catalog.T}                                     // BaseURL once listening
	s.Billing = &billing.Service{DB: p.DB, Config: p.Billing, WebhookSecret: p.StripeWebhookSecret, Queue: p.Queue, Clock: p.Clock, Log: p.Logger} // BaseURL once listening
	if p.Billing != nil && p.StripeKey != "" {
		s.Billing.Stripe = billing.NewStripe(p.StripeKey, p.StripeAPIBase, nil)
	}
	s.Search = &search.Registry{}
	s.Search.Add(account.MemberSearch{})
	s.Search.Add(org.NetworkSearch{Clock: p.Clock})
	s.Search.Add(workbook.Search{})
	s.Search.Add(workbook.PeerSearch{Clock: p.Clock})
	s.Search.Add(plan.Search{})
	s.Search.Add(council.Search{})
	s.Accounts = &account.Service{DB: p.DB, Authz: enf, Outbox: s.Outbox, Sealer: sealer, Clock: p.Clock, Log: p.Logger, Text: p.Catalog.T} // BaseURL once listening
	s.Accounts.Limits = s.Limiter
	s.Accounts.SSOAllowNetworks = p.SSOAllowNetworks
	s.Orgs = &org.Service{DB: p.DB, Clock: p.Clock, Due: s.Due, Overview: s.Overview, Search: s.Search, Files: p.Files}
	// The main navigation: one line per section, placed by its Order.
	s.Nav = &web.Nav{}
	s.Nav.Add(web.NavDashboard)
	s.Nav.Add(web.NavWorkbooks)
	s.Nav.Add(web.NavWorkbookGatherings)
	s.Nav.Add(web.NavPlans)
	s.Nav.Add(web.NavCouncils)
	s.Nav.Add(web.NavIndicators)
	s.Nav.Add(web.NavAdmin)
	return s, nil
}

// Dailies are the reminder engine's daily work after the plan: the
// monthly indicator report, agendas and minutes, network reports and
// digests.
func (s *Services) Dailies() []remind.Daily {
	return (&reports.Reports{Reminders: s.Reminders, Indicators: s.Indicators, Councils: s.Councils, Workbooks: s.Workbooks,
		Text: s.Catalog.T}).Dailies()
}

// WebDeps answers the web server's dependencies that the services
// provide; the caller adds what belongs to its process (assets, metrics
// registry, base URL, proxies, readiness of the queue).
func (s *Services) WebDeps() web.Deps {
	return web.Deps{
		DB: db.Pinger{DB: s.DB}, Catalog: s.Catalog, Logger: s.Logger, Clock: s.Clock, SecretKey: s.secret,
		Authz: s.Authz, Accounts: s.Accounts, Orgs: s.Orgs, Due: s.Due, Overview: s.Overview, Search: s.Search,
		Workbooks: s.Workbooks, Plans: s.Plans, Councils: s.Councils, Indicators: s.Indicators, Reminders: s.Reminders, Calendar: s.Calendar, Surveys: s.Surveys, Limiter: s.Limiter, Nav: s.Nav,
		Billing: s.Billing, WriteGate: s.Billing.WriteGate,
	}
}
