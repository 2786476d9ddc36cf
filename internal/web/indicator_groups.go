package web

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/org"
)

type indicatorGroupRow struct {
	ID      int64
	Name    string
	Members []string
}

type indicatorGroupsPage struct {
	formPage
	Org        *org.Organisation
	Base       string
	Groups     []indicatorGroupRow
	Candidates []*org.Organisation
	Checked    map[string]bool
	Editing    *indicatorGroupRow // the group the form edits; nil: a new one
	CanEdit    bool
}

func (s *Server) handleIndicatorGroups(c *gin.Context) error {
	return s.renderIndicatorGroups(c, http.StatusOK, &indicatorGroupsPage{}, 0)
}

// handleIndicatorGroup shows the form of one group to edit it.
func (s *Server) handleIndicatorGroup(c *gin.Context) error {
	id, err := int64Param(c, "group")
	if err != nil {
		return err
	}
	return s.renderIndicatorGroups(c, http.StatusOK, &indicatorGroupsPage{}, id)
}

// renderIndicatorGroups shows the groups and the form, editing group
// edit (0: a new group), with what was typed in data.Values/Checked.
func (s *Server) renderIndicatorGroups(c *gin.Context, status int, data *indicatorGroupsPage, edit int64) error {
	o, ctx, l := orgOf(c), c.Request.Context(), s.locale(c)
	saved, cands, err := s.Indicators.SavedGroups(ctx, o)
	if err != nil {
		return err
	}
	names := map[int64]*org.Organisation{}
	for _, m := range cands {
		names[m.ID] = m
	}
	data.Org, data.Base, data.Candidates, data.CanEdit = o, indicatorsURL(o)+"/groups", cands, s.allowed(c, authz.ContentWrite)
	typed := data.Checked != nil
	if !typed {
		data.Checked, data.Values = map[string]bool{}, map[string]string{}
	}
	for _, g := range saved {
		row := indicatorGroupRow{ID: g.ID, Name: g.Name}
		for _, m := range g.Members {
			if n := names[m]; n != nil {
				row.Members = append(row.Members, n.Name)
			} else {
				row.Members = append(row.Members, "#"+strconv.FormatInt(m, 10))
			}
		}
		data.Groups = append(data.Groups, row)
		if g.ID == edit {
			data.Editing = &row
			if !typed {
				data.Values["name"] = g.Name
				for _, m := range g.Members {
					if n := names[m]; n != nil {
						data.Checked[n.Slug] = true
					}
				}
			}
		}
	}
	if edit != 0 && data.Editing == nil {
		return errIndicatorNotFound()
	}
	data.Layout = s.indicatorCrumbs(c, Crumb{Label: s.Catalog.T(l, "indicator.groups.title")})
	s.render(c, status, "indicator/groups.html", data)
	return nil
}

func (s *Server) handleIndicatorGroupCreate(c *gin.Context) error {
	return s.saveIndicatorGroup(c, 0)
}

func (s *Server) handleIndicatorGroupUpdate(c *gin.Context) error {
	id, err := int64Param(c, "group")
	if err != nil {
		return err
	}
	return s.saveIndicatorGroup(c, id)
}

func (s *Server) saveIndicatorGroup(c *gin.Context, id int64) error {
	o := orgOf(c)
	in := indicator.GroupInput{Name: c.PostForm("name"), Members: c.PostFormArray("members")}
	if _, err := s.Indicators.SaveGroup(c.Request.Context(), o, id, in); err != nil {
		data := &indicatorGroupsPage{formPage: formPage{Values: map[string]string{"name": in.Name}}, Checked: map[string]bool{}}
		for _, m := range in.Members {
			data.Checked[m] = true
		}
		if !data.fail(s, c, err) {
			return err
		}
		if slices.Contains([]string{"not_found"}, string(appCode(err))) {
			return err
		}
		return s.renderIndicatorGroups(c, statusOf(appCode(err)), data, id)
	}
	return s.doneTo(c, indicatorsURL(o)+"/groups", "indicator.groups.saved", "name", in.Name)
}

func (s *Server) handleIndicatorGroupDelete(c *gin.Context) error {
	o := orgOf(c)
	id, err := int64Param(c, "group")
	if err != nil {
		return err
	}
	if err := s.Indicators.DeleteGroup(c.Request.Context(), o, id); err != nil {
		return err
	}
	return s.doneTo(c, indicatorsURL(o)+"/groups", "indicator.groups.deleted")
}
