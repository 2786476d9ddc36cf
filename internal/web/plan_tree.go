package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/plan"
	"github.com/samvirke/samvirke/internal/tabular"
)

// The tree's edits: each form posts the plan's revision it was made from
// (rev), so a form left open while someone else changed the plan is
// refused rather than applied to a tree it did not see. After a change the
// plan page opens at the line that changed (#item-…), where keyboard focus
// was.

func (s *Server) planEdited(c *gin.Context, o *org.Organisation, id int64, anchor string, err error) error {
	if err == nil {
		s.setFlash(c, "plan.saved")
		target := planURL(o, id) + "?edit=1"
		if anchor != "" {
			target += "#" + anchor
		}
		c.Redirect(http.StatusSeeOther, target)
		return nil
	}
	data := &planPage{formPage: formPage{Values: map[string]string{"area_title": strings.TrimSpace(c.PostForm("area_title"))}}}
	if ae := app.AsError(err); ae != nil && ae.Field == "title" {
		ae = app.Errorf(ae.Code, ae.Key, argsOf(err)...).WithField("area_title")
		err = ae
	}
	if !data.fail(s, c, err) || app.IsNotFound(err) {
		return err
	}
	return s.renderPlan(c, statusOf(app.ErrorCode(err)), data)
}

func (s *Server) handlePlanAreaAdd(c *gin.Context) error {
	o := orgOf(c)
	id, err := planID(c)
	if err != nil {
		return err
	}
	areaID, err := s.Plans.AddArea(c.Request.Context(), o, app.ActorFrom(c.Request.Context()), id, atoi(c.PostForm("rev")), c.PostForm("area_title"))
	return s.planEdited(c, o, id, "area-"+areaID, err)
}

func (s *Server) handlePlanAreaRename(c *gin.Context) error {
	o := orgOf(c)
	id, err := planID(c)
	if err != nil {
		return err
	}
	err = s.Plans.RenameArea(c.Request.Context(), o, app.ActorFrom(c.Request.Context()), id, atoi(c.PostForm("rev")), c.Param("area"), c.PostForm("title"))
	return s.planEdited(c, o, id, "area-"+c.Param("area"), err)
}

func (s *Server) handlePlanAreaMove(c *gin.Context) error {
	o := orgOf(c)
	id, err := planID(c)
	if err != nil {
		return err
	}
	err = s.Plans.MoveArea(c.Request.Context(), o, app.ActorFrom(c.Request.Context()), id, atoi(c.PostForm("rev")), c.Param("area"), direction(c))
	return s.planEdited(c, o, id, "area-"+c.Param("area"), err)
}

func (s *Server) handlePlanAreaRemove(c *gin.Context) error {
	o := orgOf(c)
	id, err := planID(c)
	if err != nil {
		return err
	}
	err = s.Plans.RemoveArea(c.Request.Context(), o, app.ActorFrom(c.Request.Context()), id, atoi(c.PostForm("rev")), c.Param("area"))
	return s.planEdited(c, o, id, "", err)
}

// direction reads dir=up|down.
func direction(c *gin.Context) int {
	if c.PostForm("dir") == "up" {
		return -1
	}
	return 1
}

func (s *Server) handlePlanItemMove(c *gin.Context) error {
	o := orgOf(c)
	id, err := planID(c)
	if err != nil {
		return err
	}
	a, rev, item := app.ActorFrom(c.Request.Context()), atoi(c.PostForm("rev")), c.Param("item")
	if area := c.PostForm("area"); area != "" {
		err = s.Plans.MoveToArea(c.Request.Context(), o, a, id, rev, item, area)
	} else {
		err = s.Plans.Move(c.Request.Context(), o, a, id, rev, item, direction(c))
	}
	return s.planEdited(c, o, id, "item-"+item, err)
}

type planItemPage struct {
	formPage
	Org   *org.Organisation
	Tree  *plan.Tree
	Area  plan.Area
	Item  *plan.Item // nil for a new line
	Kind  string
	Goals []measure.Goal // the plan's goals a measure may serve
	After string
	// Members are who may be named responsible for a measure.
	Members []*account.Member
}

func (s *Server) renderPlanItem(c *gin.Context, status int, data *planItemPage) error {
	o, l := orgOf(c), s.locale(c)
	data.Org = o
	for _, id := range goalIDs(data.Tree) {
		data.Goals = append(data.Goals, data.Tree.Goals[id])
	}
	if data.Kind == plan.ItemMeasure {
		var err error
		if data.Members, err = s.Accounts.Members(c.Request.Context(), o); err != nil {
			return err
		}
	}
	p := data.Tree.Plan
	label := s.Catalog.T(l, "plan.item.new."+data.Kind)
	if data.Item != nil {
		label = s.Catalog.T(l, "plan.item.edit."+data.Kind)
	}
	data.Layout = Layout{Nav: "plans", Breadcrumbs: []Crumb{
		{Label: s.Catalog.T(l, "plan.title.plural"), URL: "/o/" + o.Slug + "/plans"},
		{Label: p.Title, URL: planURL(o, p.ID)}, {Label: label}}}
	if data.Values["rev"] == "" {
		data.Values["rev"] = strconv.Itoa(p.Rev)
	}
	s.render(c, status, "plan/item.html", data)
	return nil
}

func goalIDs(t *plan.Tree) []string {
	var out []string
	for _, a := range t.Content.Areas {
		for _, it := range a.Items {
			if it.Kind == plan.ItemGoal {
				out = append(out, it.ID)
			}
		}
	}
	return out
}

func (s *Server) editableTree(c *gin.Context) (*plan.Tree, error) {
	t, err := s.planTree(c)
	if err == nil && t.Frozen {
		err = app.Errorf(app.EConflict, "plan.error.frozen")
	}
	return t, err
}

func (s *Server) handlePlanItemNew(c *gin.Context) error {
	t, err := s.editableTree(c)
	if err != nil {
		return err
	}
	area := findArea(t, c.Param("area"))
	if area == nil {
		return app.Errorf(app.ENotFound, "plan.error.item_not_found")
	}
	kind := c.Query("kind")
	if kind != plan.ItemGoal && kind != plan.ItemStrategy {
		kind = plan.ItemMeasure
	}
	return s.renderPlanItem(c, http.StatusOK, &planItemPage{formPage: formPage{Values: map[string]string{}}, Tree: t,
		Area: *area, Kind: kind, After: c.Query("after")})
}

func findArea(t *plan.Tree, id string) *plan.Area {
	for i := range t.Content.Areas {
		if t.Content.Areas[i].ID == id {
			return &t.Content.Areas[i]
		}
	}
	return nil
}

func findItem(t *plan.Tree, id string) (*plan.Area, *plan.Item) {
	for i := range t.Content.Areas {
		for j := range t.Content.Areas[i].Items {
			if t.Content.Areas[i].Items[j].ID == id {
				return &t.Content.Areas[i], &t.Content.Areas[i].Items[j]
			}
		}
	}
	return nil, nil
}

// planItemForm reads the line form: its values as typed and the input of
// kind ("" for a change of a line: the service knows its kind).
func planItemForm(c *gin.Context, kind string) (map[string]string, plan.ItemInput, error) {
	vals := map[string]string{}
	for _, k := range []string{"text", "problem", "responsible", "responsible_user", "timeline", "follow_up", "follow_up_date",
		"notes", "indicator_code", "baseline", "target", "unit", "target_date", "rev", "after"} {
		vals[k] = strings.TrimSpace(c.PostForm(k))
	}
	serves := c.PostFormArray("serves")
	vals["serves"] = strings.Join(serves, " ")
	in := plan.ItemInput{Kind: kind, Text: vals["text"], Problem: vals["problem"], Responsible: vals["responsible"],
		Timeline: vals["timeline"], FollowUp: vals["follow_up"], Notes: vals["notes"], Serves: serves,
		IndicatorCode: vals["indicator_code"], Unit: vals["unit"]}
	var err error
	in.FollowUpDate, err = formDay(vals, "follow_up_date", err)
	in.TargetDate, err = formDay(vals, "target_date", err)
	for _, f := range []struct {
		name string
		to   **float64
	}{{"baseline", &in.Baseline}, {"target", &in.Target}} {
		if v := vals[f.name]; v != "" {
			n, ok := tabular.ParseDecimal(v)
			if !ok && err == nil {
				err = app.Errorf(app.EInvalid, "plan.error.number").WithField(f.name)
			}
			*f.to = &n
		}
	}
	if v := vals["responsible_user"]; v != "" {
		uid, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil && err == nil {
			err = app.Errorf(app.EInvalid, "plan.error.responsible_user").WithField("responsible_user")
		}
		in.ResponsibleUser = &uid
	}
	return vals, in, err
}

// handlePlanItemAdd adds a line; the plan is read for the page only when
// the form is refused (the service reads it in its own unit of work).
func (s *Server) handlePlanItemAdd(c *gin.Context) error {
	o := orgOf(c)
	id, err := planID(c)
	if err != nil {
		return err
	}
	kind := c.PostForm("kind")
	vals, in, err := planItemForm(c, kind)
	var itemID string
	if err == nil {
		itemID, err = s.Plans.AddItem(c.Request.Context(), o, app.ActorFrom(c.Request.Context()), id, atoi(vals["rev"]), c.Param("area"), vals["after"], in)
	}
	if err != nil {
		if app.IsNotFound(err) {
			return err
		}
		t, terr := s.editableTree(c)
		if terr != nil {
			return terr
		}
		area := findArea(t, c.Param("area"))
		if area == nil {
			return app.Errorf(app.ENotFound, "plan.error.item_not_found")
		}
		data := &planItemPage{formPage: formPage{Values: vals}, Tree: t, Area: *area, Kind: kind, After: vals["after"]}
		if !data.fail(s, c, err) {
			return err
		}
		return s.renderPlanItem(c, statusOf(app.ErrorCode(err)), data)
	}
	s.setFlash(c, "plan.saved")
	c.Redirect(http.StatusSeeOther, planURL(o, id)+"?edit=1#item-"+itemID)
	return nil
}

func (s *Server) handlePlanItemEdit(c *gin.Context) error {
	t, err := s.editableTree(c)
	if err != nil {
		return err
	}
	area, it := findItem(t, c.Param("item"))
	if it == nil {
		return app.Errorf(app.ENotFound, "plan.error.item_not_found")
	}
	l := s.locale(c)
	vals := map[string]string{"problem": it.Problem, "timeline": it.Timeline, "follow_up": it.FollowUp}
	if it.FollowUpDate != nil {
		vals["follow_up_date"] = i18n.FormatDateInput(l, *it.FollowUpDate)
	}
	switch it.Kind {
	case plan.ItemStrategy:
		vals["text"] = it.Text
	case plan.ItemGoal:
		g := t.Goals[it.ID]
		vals["text"], vals["indicator_code"], vals["unit"] = g.Statement, g.IndicatorCode, g.Unit
		if g.Baseline != nil {
			vals["baseline"] = i18n.FormatNumber(l, *g.Baseline, -1)
		}
		if g.Target != nil {
			vals["target"] = i18n.FormatNumber(l, *g.Target, -1)
		}
		if g.TargetDate != nil {
			vals["target_date"] = i18n.FormatDateInput(l, *g.TargetDate)
		}
	case plan.ItemMeasure:
		m := t.Measures[it.ID]
		vals["text"], vals["responsible"], vals["notes"] = m.Description, m.Responsible, m.Notes
		vals["serves"] = strings.Join(m.Goals, " ")
		if m.ResponsibleUser != nil {
			vals["responsible_user"] = strconv.FormatInt(*m.ResponsibleUser, 10)
		}
	}
	return s.renderPlanItem(c, http.StatusOK, &planItemPage{formPage: formPage{Values: vals}, Tree: t, Area: *area, Item: it, Kind: it.Kind})
}

// handlePlanItemUpdate changes a line (the service keeps its kind); the
// plan is read for the page only when the form is refused.
func (s *Server) handlePlanItemUpdate(c *gin.Context) error {
	o := orgOf(c)
	id, err := planID(c)
	if err != nil {
		return err
	}
	item := c.Param("item")
	vals, in, err := planItemForm(c, "")
	if err == nil {
		err = s.Plans.UpdateItem(c.Request.Context(), o, app.ActorFrom(c.Request.Context()), id, atoi(vals["rev"]), item, in)
	}
	if err != nil {
		if app.IsNotFound(err) {
			return err
		}
		t, terr := s.editableTree(c)
		if terr != nil {
			return terr
		}
		area, it := findItem(t, item)
		if it == nil {
			return app.Errorf(app.ENotFound, "plan.error.item_not_found")
		}
		data := &planItemPage{formPage: formPage{Values: vals}, Tree: t, Area: *area, Item: it, Kind: it.Kind}
		if !data.fail(s, c, err) {
			return err
		}
		return s.renderPlanItem(c, statusOf(app.ErrorCode(err)), data)
	}
	s.setFlash(c, "plan.saved")
	c.Redirect(http.StatusSeeOther, planURL(o, id)+"?edit=1#item-"+item)
	return nil
}

func (s *Server) handlePlanItemRemoveConfirm(c *gin.Context) error {
	t, err := s.editableTree(c)
	if err != nil {
		return err
	}
	_, it := findItem(t, c.Param("item"))
	if it == nil {
		return app.Errorf(app.ENotFound, "plan.error.item_not_found")
	}
	o, l := orgOf(c), s.locale(c)
	text := it.Text
	switch it.Kind {
	case plan.ItemGoal:
		text = t.Goals[it.ID].Statement
	case plan.ItemMeasure:
		text = t.Measures[it.ID].Description
	}
	p := t.Plan
	s.renderConfirm(c, &confirmPage{
		Layout:   Layout{Nav: "plans", Breadcrumbs: []Crumb{{Label: p.Title, URL: planURL(o, p.ID)}, {Label: s.Catalog.T(l, "plan.item.remove")}}},
		Title:    s.Catalog.T(l, "plan.item.remove"),
		Question: s.Catalog.T(l, "plan.item.remove.question", "kind", s.Catalog.T(l, "plan.item.kind."+it.Kind)),
		Details:  []confirmDetail{{Label: s.Catalog.T(l, "plan.item.kind."+it.Kind), Value: text}},
		Note:     s.Catalog.T(l, "plan.item.remove.note"),
		Action:   planURL(o, p.ID) + "/items/" + it.ID + "/remove", Fields: map[string]string{"rev": strconv.Itoa(p.Rev)},
		Submit: s.Catalog.T(l, "plan.item.remove"), Danger: true, Back: planURL(o, p.ID) + "?edit=1#item-" + it.ID,
	})
	return nil
}

func (s *Server) handlePlanItemRemove(c *gin.Context) error {
	o := orgOf(c)
	id, err := planID(c)
	if err != nil {
		return err
	}
	err = s.Plans.RemoveItem(c.Request.Context(), o, app.ActorFrom(c.Request.Context()), id, atoi(c.PostForm("rev")), c.Param("item"))
	return s.planEdited(c, o, id, "", err)
}
