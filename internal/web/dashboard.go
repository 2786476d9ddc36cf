package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/org"
)

func (s *Server) handleHome(c *gin.Context) error {
	if app.ActorFrom(c.Request.Context()) == nil {
		c.Redirect(http.StatusSeeOther, "/signin")
		return nil
	}
	c.Redirect(http.StatusSeeOther, "/dashboard")
	return nil
}

type dashboardPage struct {
	Layout
	Org     *org.Organisation
	Members []*org.Organisation
}

func (s *Server) handleDashboard(c *gin.Context) error {
	ctx := c.Request.Context()
	a := app.ActorFrom(ctx)
	o, err := org.FindOrganisationByID(ctx, s.DB, a.OrgID)
	if err != nil {
		return err
	}
	data := &dashboardPage{Org: o, Layout: Layout{Nav: "dashboard"}}
	if o.Kind == org.KindNetwork {
		if data.Members, err = org.FindNetworkMemberOrgs(ctx, s.DB, o.ID, s.Clock.Now()); err != nil {
			return err
		}
	}
	s.render(c, http.StatusOK, "dashboard", data)
	return nil
}

type chooseOrgPage struct{ Layout }

func (s *Server) handleChooseOrg(c *gin.Context) error {
	s.render(c, http.StatusOK, "choose_org", &chooseOrgPage{})
	return nil
}

// handleSwitchOrg moves the session to another organisation the user is a
// member of; any other slug answers 404, like every cross-tenant request.
func (s *Server) handleSwitchOrg(c *gin.Context) error {
	ctx := c.Request.Context()
	a := app.ActorFrom(ctx)
	o, err := org.FindOrganisationBySlug(ctx, s.DB, c.PostForm("org"))
	if err != nil {
		return err
	}
	m, err := account.FindMembership(ctx, s.DB, o.ID, a.UserID)
	if err != nil {
		return err
	}
	sess := &account.Session{ID: a.SessionID}
	if err := account.SetSessionOrg(ctx, s.DB, sess, m.OrgID); err != nil {
		return err
	}
	s.setFlash(c, "org.switched", "name", o.Name)
	c.Redirect(http.StatusSeeOther, "/dashboard")
	return nil
}
