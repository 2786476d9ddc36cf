package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/plan"
)

// planCopyRoutes registers copying a network peer's shared measure into
// one of the municipality's plans: a form that shows the measure and asks
// for the plan and focus area, reached from the peer's answer.
func (s *Server) planCopyRoutes() {
	s.org("GET", "/o/:org/peers/:peer/measures/:measure/plan-copy", authz.ContentWrite, municipal(s.handlePlanCopyForm))
	s.org("POST", "/o/:org/peers/:peer/measures/:measure/plan-copy", authz.ContentWrite, municipal(s.handlePlanCopy), maxBody(4<<10))
}

type planCopyPage struct {
	formPage
	Org     *org.Organisation
	Source  *plan.PeerMeasure
	Targets []plan.CopyTarget
}

// Target is the form's value for a plan's focus area.
func (p *planCopyPage) Target(t plan.CopyTarget, a plan.Area) string {
	return strconv.FormatInt(t.PlanID, 10) + "/" + a.ID
}

func (s *Server) handlePlanCopyForm(c *gin.Context) error {
	return s.renderPlanCopy(c, http.StatusOK, &planCopyPage{formPage: formPage{Values: map[string]string{}}})
}

func (s *Server) renderPlanCopy(c *gin.Context, status int, data *planCopyPage) error {
	o := orgOf(c)
	var err error
	data.Source, data.Targets, err = s.Plans.CopySource(c.Request.Context(), o, c.Param("peer"), c.Param("measure"))
	if err != nil {
		return err
	}
	data.Org = o
	l := s.locale(c)
	data.Layout = Layout{Nav: "plans", Breadcrumbs: []Crumb{
		{Label: s.Catalog.T(l, "plan.title.plural"), URL: "/o/" + o.Slug + "/plans"},
		{Label: data.Source.Peer.Name}, {Label: s.Catalog.T(l, "plan.copy.title")}}}
	s.render(c, status, "plan/copy.html", data)
	return nil
}

// handlePlanCopy copies the measure into the chosen plan's focus area and
// opens the plan at the copy.
func (s *Server) handlePlanCopy(c *gin.Context) error {
	o := orgOf(c)
	target := strings.TrimSpace(c.PostForm("target"))
	data := &planCopyPage{formPage: formPage{Values: map[string]string{"target": target}}}
	planPart, area, _ := strings.Cut(target, "/")
	id, perr := strconv.ParseInt(planPart, 10, 64)
	if perr != nil || id <= 0 || area == "" || len(target) > 100 {
		data.fail(s, c, app.Errorf(app.EInvalid, "plan.copy.error.target").WithField("target"))
		return s.renderPlanCopy(c, http.StatusUnprocessableEntity, data)
	}
	// Added at the end of the area: no form is stale for it (rev 0).
	itemID, err := s.Plans.CopyMeasure(c.Request.Context(), o, app.ActorFrom(c.Request.Context()), id, 0, area, c.Param("peer"), c.Param("measure"))
	if err != nil {
		if app.IsNotFound(err) || !data.fail(s, c, err) {
			return err
		}
		return s.renderPlanCopy(c, statusOf(app.ErrorCode(err)), data)
	}
	s.setFlash(c, "plan.copy.done")
	c.Redirect(http.StatusSeeOther, planURL(o, id)+"#item-"+itemID)
	return nil
}
