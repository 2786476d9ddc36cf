package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/workbook"
)

// Access says who may call a route. Every route declares it here, next to
// its path, so the whole surface and its protection read in one file; the
// authorization test walks Routes() and fails on a route it has no
// expectation for.
type Access string

// Access levels.
const (
	Public Access = "public" // anyone, signed in or not
	User   Access = "user"   // any signed-in user, by session or API token
	// Account routes change the user's own account and its security
	// (profile, second factor, sessions). They need an interactive session
	// opened with the user's own credentials: an API token answers 401, a
	// single sign-on session limited to one organisation 403.
	Account Access = "account"
	Org     Access = "org" // a member of the organisation in the path, with Perm
	// Operator routes are the platform operators' (Deps.Operators), in an
	// interactive session; to anyone else signed in they do not exist
	// (404).
	Operator Access = "operator"
)

// Request body limits. Every route has one, enforced before anything reads
// the body: a larger body answers 413 and is never parsed or stored.
const (
	// DefaultMaxBody fits every form of the product but those that carry
	// an answer, an outline, an import or a file.
	DefaultMaxBody int64 = 64 << 10
	// MaxEntryBody fits a workbook answer of several sections each at
	// workbook.MaxSectionBytes, with its goals and measures, in form
	// encoding (up to three bytes a byte), so that an over-long section
	// meets the workbook's own message, which names the section and keeps
	// the text, rather than a bare 413.
	MaxEntryBody int64 = 8 << 20
	// MaxUploadBody fits an import (file or pasted text) or a logo with
	// the multipart envelope around it.
	MaxUploadBody int64 = workbook.MaxImportBytes + 64<<10
	// MaxAttachmentBody fits a council item's attachment (a scanned
	// guideline of up to council.MaxAttachmentBytes) with its form: the
	// largest body any route accepts.
	MaxAttachmentBody int64 = council.MaxAttachmentBytes + 64<<10
)

// Route is one registered route with its protection.
type Route struct {
	Method, Path string
	Access       Access
	Perm         authz.Perm // for Org routes
	MaxBody      int64      // the largest request body accepted, in bytes
	// Writes says whether the route may change stored data. It follows the
	// method: GET and HEAD read, every other method writes. A GET that must
	// write (a sign-in that an identity provider completes by redirect)
	// declares it with the writes option. Session bookkeeping (the last
	// activity, the organisation a session works in) and the audit log's
	// record of a read (an export) are not writes of the route.
	//
	// Every write route of an organisation passes Deps.WriteGate, the one
	// place where a lapsed subscription or a locked period makes an
	// organisation read-only; the route walk fails when a route that
	// reads sends a write to the database.
	Writes bool
	// Ungated marks an action that passes the write gate because a
	// read-only organisation must still be able to do it: an owner's
	// billing action (paying is how it becomes writable again) and taking
	// access away (removing a member, changing a role, revoking sessions,
	// invitations and API tokens), which security and privacy cannot wait
	// for.
	Ungated bool
	// Anonymous marks a public route whose requests must leave no trace
	// that could identify who made them (a survey respondent's): the
	// access log records neither the client address nor the path beyond
	// its pattern.
	Anonymous bool
	// PeriodLock marks a write route whose :period is refused (409) while
	// the organisation has locked it (indicator.Service.Locked).
	PeriodLock bool
}

// routeOption changes a route from its defaults.
type routeOption func(*Route)

// maxBody lets a route accept bodies up to n bytes instead of
// DefaultMaxBody.
func maxBody(n int64) routeOption { return func(r *Route) { r.MaxBody = n } }

// ungated lets a write route pass the write gate (Route.Ungated).
func ungated() routeOption { return func(r *Route) { r.Ungated = true } }

// anonymous marks a route Anonymous.
func anonymous() routeOption { return func(r *Route) { r.Anonymous = true } }

// writes marks a GET route as one that changes stored data.
func writes() routeOption { return func(r *Route) { r.Writes = true } }

// Routes lists every registered route.
func (s *Server) Routes() []Route { return s.routeList }

func (s *Server) handle(method, path string, access Access, perm authz.Perm, h gin.HandlerFunc, opts ...routeOption) {
	rt := Route{Method: method, Path: path, Access: access, Perm: perm, MaxBody: DefaultMaxBody,
		Writes: method != http.MethodGet && method != http.MethodHead}
	for _, o := range opts {
		o(&rt)
	}
	chain := []gin.HandlerFunc{s.limitBody(rt.MaxBody), s.authenticate}
	if rt.Anonymous {
		chain = []gin.HandlerFunc{s.limitBody(rt.MaxBody), markAnonymous}
	}
	switch access {
	case User:
		chain = append(chain, s.requireUser)
	case Account:
		chain = append(chain, s.requireUser, s.requireInteractive)
	case Operator:
		chain = append(chain, s.requireUser, s.requireInteractive, s.requireOperator)
	case Org:
		chain = append(chain, s.requireUser, s.inOrg, s.require(perm))
		if rt.Writes && !rt.Ungated {
			chain = append(chain, s.gateWrites)
		}
		if rt.Writes && rt.PeriodLock {
			chain = append(chain, s.gatePeriod)
		}
	}
	s.engine.Handle(method, path, append(chain, h)...)
	s.routeList = append(s.routeList, rt)
}

func (s *Server) public(method, path string, h func(*gin.Context) error, opts ...routeOption) {
	s.handle(method, path, Public, authz.Perm{}, s.h(h), opts...)
}

func (s *Server) user(method, path string, h func(*gin.Context) error, opts ...routeOption) {
	s.handle(method, path, User, authz.Perm{}, s.h(h), opts...)
}

func (s *Server) account(method, path string, h func(*gin.Context) error, opts ...routeOption) {
	s.handle(method, path, Account, authz.Perm{}, s.h(h), opts...)
}

func (s *Server) operator(method, path string, h func(*gin.Context) error, opts ...routeOption) {
	s.handle(method, path, Operator, authz.Perm{}, s.h(h), opts...)
}

func (s *Server) org(method, path string, perm authz.Perm, h func(*gin.Context) error, opts ...routeOption) {
	s.handle(method, path, Org, perm, s.h(h), opts...)
}

func (s *Server) routes() {
	// Operations: probes, on web and worker processes alike (metrics have
	// a listener of their own, SAMVIRKE_METRICS_ADDR).
	s.bare("/healthz", s.handleHealthz)
	s.bare("/readyz", s.handleReadyz)
	if s.OpsOnly {
		return
	}
	s.bare("/static/*path", s.serveStatic)
	s.bare("/favicon.ico", s.serveFavicon)

	// Signing in and out, second factor, password reset, invitations.
	s.public("GET", "/", s.handleHome)
	s.public("GET", "/dashboard", s.handleHome) // where a sign-in goes when it names no page
	s.public("GET", "/signin", s.handleSigninForm)
	s.public("POST", "/signin", s.handleSignin)
	s.public("GET", "/signin/second-factor", s.handleSecondFactorForm)
	s.public("POST", "/signin/second-factor", s.handleSecondFactor)
	s.public("GET", "/password/forgot", s.handleForgotForm)
	s.public("POST", "/password/forgot", s.handleForgot)
	s.public("GET", "/password/reset/:token", s.handleResetForm)
	s.public("POST", "/password/reset/:token", s.handleReset)
	s.public("GET", "/invitations/:token", s.handleInvitationForm)
	s.public("POST", "/invitations/:token", s.handleInvitationAccept)
	s.public("POST", "/language", s.handleLanguage)
	s.public("GET", "/sso/start", s.handleSSOFind)
	s.public("GET", "/sso/:org/start", s.handleSSOStart)
	s.public("GET", "/sso/callback", s.handleSSOCallback, writes()) // signs in: the provider redirects here
	s.public("GET", "/accessibility", s.handleAccessibility)
	s.user("POST", "/signout", s.handleSignout)
	s.account("POST", "/signout/everywhere", s.handleSignoutEverywhere)

	// The signed-in user: organisations and own account.
	s.user("GET", "/orgs", s.handleChooseOrg)
	s.user("POST", "/orgs/switch", s.handleSwitchOrg)
	s.account("GET", "/account", s.handleAccount)
	s.account("POST", "/account", s.handleAccountUpdate)
	s.account("GET", "/account/second-factor", s.handleSecondFactorSetup, writes()) // stores the secret it offers
	s.account("POST", "/account/second-factor", s.handleSecondFactorConfirm)
	s.account("POST", "/account/second-factor/disable", s.handleSecondFactorDisable)

	// An organisation's pages.
	s.org("GET", "/o/:org/dashboard", authz.OrgRead, s.handleDashboard)
	s.org("GET", "/o/:org/logo", authz.OrgRead, s.handleLogo)
	s.org("GET", "/o/:org/search", authz.OrgRead, s.handleSearch)
	s.org("GET", "/o/:org/terms", authz.OrgRead, s.handleTerms)
	s.org("POST", "/o/:org/terms", authz.OrgManage, s.handleTermsUpdate)

	// Capabilities: each registers its pages and API routes.
	s.workbookRoutes()
	s.measureRoutes()
	s.planRoutes()
	s.planCopyRoutes()
	s.planRoundRoutes()
	s.planPublicRoutes()
	s.planIORoutes()
	s.councilRoutes()
	s.billingRoutes()
	s.councilMeetingRoutes()
	s.councilDocumentRoutes()
	s.councilPublicRoutes()
	s.councilAPIRoutes()
	s.indicatorAPIRoutes()
	s.indicatorBenchmarkRoutes()
	s.indicatorRoutes()
	s.remindLogRoutes()
	s.calendarRoutes()
	s.remindPageRoutes()
	s.surveyRoutes()
	s.surveyRespondentRoutes()
	s.surveyAPIRoutes()

	// The platform's operators.
	s.opsRoutes()

	// Administration.
	s.org("GET", "/o/:org/admin/members", authz.MembersRead, s.handleMembers)
	s.org("POST", "/o/:org/admin/members/:user/role", authz.MembersManage, s.handleMemberRole, ungated())
	s.org("GET", "/o/:org/admin/members/:user/remove", authz.MembersManage, s.handleMemberRemoveConfirm)
	s.org("POST", "/o/:org/admin/members/:user/remove", authz.MembersManage, s.handleMemberRemove, ungated())
	s.org("GET", "/o/:org/admin/members/:user/sessions", authz.SessionsManage, s.handleMemberSessions)
	s.org("POST", "/o/:org/admin/members/:user/sessions/:session/revoke", authz.SessionsManage, s.handleMemberSessionRevoke, ungated())
	s.org("POST", "/o/:org/admin/invitations", authz.MembersManage, s.handleInvite)
	s.org("POST", "/o/:org/admin/invitations/:id/revoke", authz.MembersManage, s.handleInvitationRevoke, ungated())
	s.org("GET", "/o/:org/admin/roles", authz.MembersRead, s.handleRoles)
	s.org("POST", "/o/:org/admin/roles", authz.MembersManage, s.handleRoleCreate)
	s.org("GET", "/o/:org/admin/roles/:role", authz.MembersRead, s.handleRole)
	s.org("POST", "/o/:org/admin/roles/:role", authz.MembersManage, s.handleRoleUpdate)
	s.org("GET", "/o/:org/admin/roles/:role/delete", authz.MembersManage, s.handleRoleDeleteConfirm)
	s.org("POST", "/o/:org/admin/roles/:role/delete", authz.MembersManage, s.handleRoleDelete)
	s.org("POST", "/o/:org/admin/roles/:role/members", authz.MembersManage, s.handleRoleMemberAdd)
	s.org("POST", "/o/:org/admin/roles/:role/members/:user/remove", authz.MembersManage, s.handleRoleMemberRemove)
	s.org("GET", "/o/:org/admin/settings", authz.OrgManage, s.handleSettings)
	s.org("POST", "/o/:org/admin/settings", authz.OrgManage, s.handleSettingsUpdate, maxBody(MaxUploadBody))
	s.org("GET", "/o/:org/admin/sso", authz.OrgManage, s.handleSSOSettings)
	s.org("POST", "/o/:org/admin/sso", authz.OrgManage, s.handleSSOSettingsUpdate)
	s.org("GET", "/o/:org/admin/audit", authz.AuditRead, s.handleAudit)
	s.org("GET", "/o/:org/admin/tokens", authz.TokensManage, s.handleTokens)
	s.org("POST", "/o/:org/admin/tokens", authz.TokensManage, s.handleTokenCreate)
	s.org("POST", "/o/:org/admin/tokens/:id/revoke", authz.TokensManage, s.handleTokenRevoke, ungated())

	// JSON API, version 1 (bearer API tokens, or a session).
	s.public("GET", "/api/v1/openapi.json", s.handleOpenAPI)
	s.user("GET", "/api/v1/me", s.handleAPIMe)
	s.org("GET", "/api/v1/orgs/:org", authz.OrgRead, s.handleAPIOrg)
	s.org("GET", "/api/v1/orgs/:org/members", authz.MembersRead, s.handleAPIMembers)
}

// bare registers a public GET route outside the session machinery
// (probes, metrics, static files): it reads no body and no session.
func (s *Server) bare(path string, h gin.HandlerFunc) {
	s.engine.GET(path, s.limitBody(0), h)
	s.routeList = append(s.routeList, Route{Method: "GET", Path: path, Access: Public})
}
