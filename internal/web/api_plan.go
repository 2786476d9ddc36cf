package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/plan"
)

// apiPlan is a plan as the API shows it: its metadata, and with its tree
// when one plan is asked for.
type apiPlan struct {
	*plan.Plan
	MainGoal string        `json:"main_goal,omitempty"`
	Frozen   bool          `json:"frozen"`
	URL      string        `json:"url"`
	Areas    []apiPlanArea `json:"areas,omitempty"`
}

type apiPlanArea struct {
	ID    string        `json:"id"`
	Title string        `json:"title"`
	Items []apiPlanItem `json:"items"`
}

// apiPlanItem is a line of an area: a goal or measure with the shared
// object, or a strategy's text, and the plan's own columns.
type apiPlanItem struct {
	plan.Item
	Goal    *measure.Goal    `json:"goal,omitempty"`
	Measure *measure.Measure `json:"measure,omitempty"`
}

func toAPIPlan(o *org.Organisation, t *plan.Tree, withTree bool) apiPlan {
	out := apiPlan{Plan: t.Plan, MainGoal: t.Content.MainGoal, Frozen: t.Frozen, URL: planURL(o, t.Plan.ID)}
	if !withTree {
		return out
	}
	out.Areas = []apiPlanArea{}
	for i, a := range t.Content.Areas {
		area := apiPlanArea{ID: a.ID, Title: a.Title, Items: []apiPlanItem{}}
		for _, l := range t.Lines(i) {
			area.Items = append(area.Items, apiPlanItem{Item: l.Item, Goal: l.Goal, Measure: l.Measure})
		}
		out.Areas = append(out.Areas, area)
	}
	return out
}

// handleAPIPlans lists the organisation's plans (their current versions).
func (s *Server) handleAPIPlans(c *gin.Context) error {
	o := orgOf(c)
	list, err := s.Plans.List(c.Request.Context(), o)
	if err != nil {
		return err
	}
	out := make([]apiPlan, 0, len(list))
	for _, p := range list {
		out = append(out, apiPlan{Plan: p, Frozen: p.Frozen(), URL: planURL(o, p.ID)})
	}
	c.JSON(http.StatusOK, gin.H{"plans": out})
	return nil
}

// handleAPIPlan answers a plan with its tree.
func (s *Server) handleAPIPlan(c *gin.Context) error {
	t, err := s.planTree(c)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toAPIPlan(orgOf(c), t, true))
	return nil
}

// handleAPIPlanMeasures lists a plan's measures in the tree's order, each
// with its area and the plan's columns.
func (s *Server) handleAPIPlanMeasures(c *gin.Context) error {
	t, err := s.planTree(c)
	if err != nil {
		return err
	}
	type apiPlanMeasure struct {
		measure.Measure
		Area         string `json:"area"`
		Problem      string `json:"problem,omitempty"`
		Timeline     string `json:"timeline,omitempty"`
		FollowUp     string `json:"follow_up,omitempty"`
		FollowUpDate string `json:"follow_up_date,omitempty"`
		Due          string `json:"due,omitempty"`
	}
	out := []apiPlanMeasure{}
	for _, pm := range t.AllMeasures() {
		m := apiPlanMeasure{Measure: pm.Measure, Area: pm.Area, Problem: pm.Item.Problem, Timeline: pm.Item.Timeline, FollowUp: pm.Item.FollowUp}
		if pm.Item.FollowUpDate != nil {
			m.FollowUpDate = pm.Item.FollowUpDate.Format("2006-01-02")
		}
		if !pm.Deadline.Due.IsZero() && !pm.Deadline.Invalid {
			m.Due = pm.Deadline.Due.Format("2006-01-02")
		}
		out = append(out, m)
	}
	c.JSON(http.StatusOK, gin.H{"measures": out})
	return nil
}
