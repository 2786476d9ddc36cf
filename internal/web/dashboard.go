package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/due"
	"github.com/samvirke/samvirke/internal/files"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/overview"
)

// handleHome sends visitors to sign in and members to the organisation
// they last worked in.
func (s *Server) handleHome(c *gin.Context) error {
	a := app.ActorFrom(c.Request.Context())
	switch {
	case a == nil:
		c.Redirect(http.StatusSeeOther, "/signin")
	case a.OrgSlug != "":
		c.Redirect(http.StatusSeeOther, "/o/"+a.OrgSlug+"/dashboard")
	default:
		c.Redirect(http.StatusSeeOther, "/orgs")
	}
	return nil
}

type dashboardPage struct {
	Layout
	Org    *org.Organisation
	Work   due.Groups
	Panels []*overview.Panel
	Today  time.Time
	// CanUpdate offers a measure's status update straight from "My work",
	// with the statuses to choose from, translated once for every row.
	CanUpdate bool
	Statuses  []statusChoice
}

// WorkGroups are "My work"'s groups as the page writes them: overdue, soon
// and later, each returning to the dashboard after a status update.
func (p *dashboardPage) WorkGroups() []dueGroup {
	back := "/o/" + p.Org.Slug + "/dashboard"
	return []dueGroup{
		{Key: "mywork.overdue", ID: "overdue", Items: p.Work.Overdue, Up: p.CanUpdate, Statuses: p.Statuses, Back: back},
		{Key: "mywork.soon", ID: "soon", Items: p.Work.Soon, Up: p.CanUpdate, Statuses: p.Statuses, Back: back},
		{Key: "mywork.later", ID: "later", Items: p.Work.Later, Up: p.CanUpdate, Statuses: p.Statuses, Back: back},
	}
}

// statusChoice is a status as a form's option offers it.
type statusChoice struct{ Value, Label string }

// statusChoices answers statuses with their labels (keyPrefix+status) in
// the request's language.
func (s *Server) statusChoices(c *gin.Context, keyPrefix string, statuses []string) []statusChoice {
	loc := s.locale(c)
	out := make([]statusChoice, len(statuses))
	for i, st := range statuses {
		out[i] = statusChoice{Value: st, Label: s.Catalog.T(loc, keyPrefix+st)}
	}
	return out
}

// handleDashboard shows "My work" (what the user is responsible for, in
// due order) and the organisation overview the capabilities contribute to.
func (s *Server) handleDashboard(c *gin.Context) error {
	o := orgOf(c)
	a := app.ActorFrom(c.Request.Context())
	loc, err := loadLocation(o.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	data := &dashboardPage{Org: o, Layout: Layout{Nav: "dashboard"}, Today: s.Clock.Now().In(loc)}
	items, panels, err := s.Orgs.Dashboard(c.Request.Context(), o, a)
	if err != nil {
		return err
	}
	data.Work, data.Panels = due.Group(items, data.Today), panels
	if data.CanUpdate = s.allowed(c, authz.StatusWrite); data.CanUpdate {
		data.Statuses = s.statusChoices(c, "measure.status.", measure.Statuses)
	}
	s.render(c, http.StatusOK, "org/dashboard.html", data)
	return nil
}

type chooseOrgPage struct{ Layout }

func (s *Server) handleChooseOrg(c *gin.Context) error {
	s.render(c, http.StatusOK, "account/choose_org.html", &chooseOrgPage{})
	return nil
}

// handleSwitchOrg is the organisation switcher's form: it goes to the
// chosen organisation, where membership is checked like anywhere else.
func (s *Server) handleSwitchOrg(c *gin.Context) error {
	c.Redirect(http.StatusSeeOther, "/o/"+c.PostForm("org")+"/dashboard")
	return nil
}

// handleLogo serves the organisation's logo from the file store.
func (s *Server) handleLogo(c *gin.Context) error {
	f, body, err := s.Orgs.Logo(c.Request.Context(), orgOf(c))
	if err != nil {
		return err
	}
	defer body.Close()
	files.Serve(c.Writer, c.Request, f, body)
	return nil
}

// allowed reports whether the actor may do p in the organisation of the
// request; pages use it to show only the actions that will work.
func (s *Server) allowed(c *gin.Context, p authz.Perm) bool {
	a := app.ActorFrom(c.Request.Context())
	return a != nil && s.Authz.Allowed(a.UserID, a.Role, a.OrgID, p)
}

type accountPage struct {
	formPage
	User     *account.User
	Sessions []*account.Session
	Current  string
	Operator bool // one of the platform's operators: the queue page is linked
}

func (s *Server) handleAccount(c *gin.Context) error {
	return s.renderAccount(c, http.StatusOK, &accountPage{})
}

func (s *Server) renderAccount(c *gin.Context, status int, data *accountPage) error {
	a := app.ActorFrom(c.Request.Context())
	var err error
	if data.User, err = s.currentUser(c); err != nil {
		return err
	}
	if data.Sessions, err = s.Accounts.Sessions(c.Request.Context(), a.UserID); err != nil {
		return err
	}
	if a.SessionID != "" {
		data.Current = a.SessionID[:16]
	}
	data.Operator = s.isOperator(c)
	if data.Values == nil {
		data.Values = map[string]string{"name": data.User.Name, "locale": data.User.Locale}
	}
	s.render(c, status, "account/index.html", data)
	return nil
}

// handleAccountUpdate saves the user's name and language.
func (s *Server) handleAccountUpdate(c *gin.Context) error {
	a := app.ActorFrom(c.Request.Context())
	data := &accountPage{formPage: formPage{Values: map[string]string{"name": c.PostForm("name"), "locale": c.PostForm("locale")}}}
	err := s.Accounts.UpdateProfile(c.Request.Context(), a.UserID, account.Profile{Name: c.PostForm("name"), Locale: c.PostForm("locale")})
	if app.ErrorCode(err) == app.EInvalid {
		data.fail(s, c, err)
		return s.renderAccount(c, http.StatusUnprocessableEntity, data)
	}
	if err != nil {
		return err
	}
	s.setFlash(c, "account.saved") // shown in the page's language, the one just chosen
	c.Redirect(http.StatusSeeOther, "/account")
	return nil
}

type secondFactorSetupPage struct {
	formPage
	Setup    *account.TOTPSetup
	Enabled  bool
	Required bool
}

func (s *Server) handleSecondFactorSetup(c *gin.Context) error {
	u, err := s.currentUser(c)
	if err != nil {
		return err
	}
	data := &secondFactorSetupPage{Enabled: u.TOTPEnabledAt != nil, Required: c.Query("required") == "1"}
	if !data.Enabled {
		if data.Setup, err = s.Accounts.BeginTOTP(c.Request.Context(), u); err != nil {
			return err
		}
	}
	s.render(c, http.StatusOK, "account/second_factor.html", data)
	return nil
}

func (s *Server) handleSecondFactorConfirm(c *gin.Context) error {
	a := app.ActorFrom(c.Request.Context())
	code := strings.ReplaceAll(strings.TrimSpace(c.PostForm("code")), " ", "")
	if err := s.Accounts.ConfirmTOTP(c.Request.Context(), a.UserID, code, c.PostForm("password")); err != nil {
		data := &secondFactorSetupPage{}
		if !data.fail(s, c, err) {
			return err
		}
		u, uerr := s.currentUser(c)
		if uerr != nil {
			return uerr
		}
		if data.Setup, uerr = s.Accounts.BeginTOTP(c.Request.Context(), u); uerr != nil {
			return uerr
		}
		s.render(c, http.StatusUnprocessableEntity, "account/second_factor.html", data)
		return nil
	}
	s.setFlash(c, "account.second_factor_on")
	c.Redirect(http.StatusSeeOther, "/account")
	return nil
}

// handleSecondFactorDisable turns the second factor off when the form
// carries a current code or the password; otherwise the account page says
// what is missing.
func (s *Server) handleSecondFactorDisable(c *gin.Context) error {
	if err := s.Accounts.DisableTOTP(c.Request.Context(), app.ActorFrom(c.Request.Context()).UserID, c.PostForm("proof")); err != nil {
		data := &accountPage{}
		if !data.fail(s, c, err) {
			return err
		}
		return s.renderAccount(c, statusOf(app.ErrorCode(err)), data)
	}
	s.setFlash(c, "account.second_factor_off")
	c.Redirect(http.StatusSeeOther, "/account")
	return nil
}

// currentUser answers the signed-in user: the one the session middleware
// loaded for this request, else (a bearer token) read afresh.
func (s *Server) currentUser(c *gin.Context) (*account.User, error) {
	if v, ok := c.Get(ctxUser); ok {
		return v.(*account.User), nil
	}
	return s.Accounts.User(c.Request.Context(), app.ActorFrom(c.Request.Context()).UserID)
}
