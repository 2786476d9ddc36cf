package web

import (
	"github.com/gin-gonic/gin"
)

// Access says who may call a route. Every route declares one here, next to
// its path, so the whole surface and its protection read in one file.
type Access string

// Access levels.
const (
	Public Access = "public" // anyone, signed in or not
	User   Access = "user"   // any signed-in user
	Member Access = "member" // a signed-in user working in an organisation
)

// Route is one registered route and its access level.
type Route struct {
	Method, Path string
	Access       Access
}

// Routes lists every registered route, for the authorization test.
func (s *Server) Routes() []Route { return s.routeList }

func (s *Server) route(method, path string, access Access, h gin.HandlerFunc) {
	chain := []gin.HandlerFunc{}
	switch access {
	case User:
		chain = append(chain, s.authenticate, s.requireUser)
	case Member:
		chain = append(chain, s.authenticate, s.requireUser, s.requireOrg)
	default:
		chain = append(chain, s.authenticate)
	}
	s.engine.Handle(method, path, append(chain, h)...)
	s.routeList = append(s.routeList, Route{Method: method, Path: path, Access: access})
}

func (s *Server) routes() {
	// Operations: probes and metrics, on web and worker processes alike.
	s.engine.GET("/healthz", s.handleHealthz)
	s.engine.GET("/readyz", s.handleReadyz)
	s.engine.GET("/metrics", s.handleMetrics())
	s.routeList = append(s.routeList,
		Route{"GET", "/healthz", Public}, Route{"GET", "/readyz", Public}, Route{"GET", "/metrics", Public})
	if s.OpsOnly {
		return
	}

	s.engine.GET("/static/*path", s.serveStatic)
	s.routeList = append(s.routeList, Route{"GET", "/static/*path", Public})

	// Sign-in and the organisation switcher.
	s.route("GET", "/", Public, s.h(s.handleHome))
	s.route("GET", "/signin", Public, s.h(s.handleSigninForm))
	s.route("POST", "/signin", Public, s.h(s.handleSignin))
	s.route("POST", "/signout", User, s.h(s.handleSignout))
	s.route("GET", "/orgs/choose", User, s.h(s.handleChooseOrg))
	s.route("POST", "/orgs/switch", User, s.h(s.handleSwitchOrg))

	// Dashboard.
	s.route("GET", "/dashboard", Member, s.h(s.handleDashboard))
}
