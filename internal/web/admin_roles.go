package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/org"
)

// The organisation's roles and units («Flyktningkoordinator»,
// «Voksenopplæringen») and who fills them: read with the member list's
// permission, changed by those who manage members.

type rolesPage struct {
	formPage
	Org       *org.Organisation
	Roles     []*org.Role
	Kinds     []string
	CanManage bool
}

type rolePage struct {
	formPage
	Org    *org.Organisation
	Role   *org.Role
	People []org.RoleMember // members of the organisation who do not fill the role
	Kinds  []string
	// CanManage says whether the actor may change the role.
	CanManage bool
}

func rolesURL(o *org.Organisation) string { return "/o/" + o.Slug + "/admin/roles" }

func roleURL(o *org.Organisation, id int64) string {
	return rolesURL(o) + "/" + strconv.FormatInt(id, 10)
}

func (s *Server) handleRoles(c *gin.Context) error {
	return s.renderRoles(c, http.StatusOK, &rolesPage{})
}

func (s *Server) renderRoles(c *gin.Context, status int, data *rolesPage) error {
	o := orgOf(c)
	data.Layout, data.Org, data.Kinds = s.adminLayout(c, "roles"), o, org.RoleKinds
	data.CanManage = s.allowed(c, authz.MembersManage)
	if data.Values == nil {
		data.Values = map[string]string{"kind": org.RoleKindRole}
	}
	var err error
	if data.Roles, err = s.Orgs.Roles(c.Request.Context(), o); err != nil {
		return err
	}
	s.render(c, status, "admin/roles.html", data)
	return nil
}

// handleRoleCreate adds a role or unit and goes to its page, where
// members are chosen to fill it.
func (s *Server) handleRoleCreate(c *gin.Context) error {
	o := orgOf(c)
	name, kind := strings.TrimSpace(c.PostForm("name")), c.PostForm("kind")
	r, err := s.Orgs.CreateRole(c.Request.Context(), o, name, kind)
	if err != nil {
		data := &rolesPage{formPage: formPage{Values: map[string]string{"name": name, "kind": kind}}}
		if !data.fail(s, c, err) {
			return err
		}
		return s.renderRoles(c, statusOf(app.ErrorCode(err)), data)
	}
	s.setFlash(c, "admin.roles.created", "name", r.Name)
	c.Redirect(http.StatusSeeOther, roleURL(o, r.ID))
	return nil
}

func (s *Server) handleRole(c *gin.Context) error {
	return s.renderRole(c, http.StatusOK, &rolePage{})
}

func (s *Server) renderRole(c *gin.Context, status int, data *rolePage) error {
	o := orgOf(c)
	id, err := pathID(c, "role")
	if err != nil {
		return err
	}
	r, people, err := s.Orgs.Role(c.Request.Context(), o, id)
	if err != nil {
		return err
	}
	data.Layout, data.Org, data.Role, data.Kinds = s.adminLayout(c, "roles"), o, r, org.RoleKinds
	data.CanManage = s.allowed(c, authz.MembersManage)
	for _, p := range people {
		if !r.HasMember(p.UserID) {
			data.People = append(data.People, p)
		}
	}
	if data.Values == nil {
		data.Values = map[string]string{"name": r.Name, "kind": r.Kind}
	}
	// The breadcrumb leads back to the list and ends at the role.
	crumbs := data.Breadcrumbs
	crumbs[len(crumbs)-1].URL = rolesURL(o)
	data.Breadcrumbs = append(crumbs, Crumb{Label: r.Name})
	s.render(c, status, "admin/role.html", data)
	return nil
}

// handleRoleUpdate renames a role and sets its kind.
func (s *Server) handleRoleUpdate(c *gin.Context) error {
	o := orgOf(c)
	id, err := pathID(c, "role")
	if err != nil {
		return err
	}
	name, kind := strings.TrimSpace(c.PostForm("name")), c.PostForm("kind")
	if err := s.Orgs.UpdateRole(c.Request.Context(), o, id, name, kind); err != nil {
		data := &rolePage{formPage: formPage{Values: map[string]string{"name": name, "kind": kind}}}
		if app.IsNotFound(err) || !data.fail(s, c, err) {
			return err
		}
		return s.renderRole(c, statusOf(app.ErrorCode(err)), data)
	}
	s.setFlash(c, "admin.roles.saved")
	c.Redirect(http.StatusSeeOther, roleURL(o, id))
	return nil
}

// handleRoleDeleteConfirm asks before a role is deleted, naming it and
// who fills it.
func (s *Server) handleRoleDeleteConfirm(c *gin.Context) error {
	o, loc := orgOf(c), s.locale(c)
	id, err := pathID(c, "role")
	if err != nil {
		return err
	}
	r, _, err := s.Orgs.Role(c.Request.Context(), o, id)
	if err != nil {
		return err
	}
	filled := s.Catalog.T(loc, "admin.roles.nobody")
	if len(r.Members) > 0 {
		names := make([]string, len(r.Members))
		for i, m := range r.Members {
			names[i] = m.Label()
		}
		filled = strings.Join(names, ", ")
	}
	s.renderConfirm(c, &confirmPage{Layout: s.adminLayout(c, "roles"),
		Title:    s.Catalog.T(loc, "admin.roles.delete_title"),
		Question: s.Catalog.T(loc, "admin.roles.delete_confirm", "name", r.Name),
		Details: []confirmDetail{{s.Catalog.T(loc, "admin.roles.kind"), s.Catalog.T(loc, "org.role_kind."+r.Kind)},
			{s.Catalog.T(loc, "admin.roles.filled_by"), filled}},
		Note:   s.Catalog.T(loc, "admin.roles.delete_note"),
		Action: roleURL(o, id) + "/delete", Submit: s.Catalog.T(loc, "admin.roles.delete"), Danger: true, Back: roleURL(o, id)})
	return nil
}

func (s *Server) handleRoleDelete(c *gin.Context) error {
	o := orgOf(c)
	id, err := pathID(c, "role")
	if err != nil {
		return err
	}
	if err := s.Orgs.DeleteRole(c.Request.Context(), o, id); err != nil {
		return err
	}
	s.setFlash(c, "admin.roles.deleted")
	c.Redirect(http.StatusSeeOther, rolesURL(o))
	return nil
}

// handleRoleMemberAdd makes a member of the organisation, chosen from
// the list, fill the role.
func (s *Server) handleRoleMemberAdd(c *gin.Context) error {
	o := orgOf(c)
	id, err := pathID(c, "role")
	if err != nil {
		return err
	}
	userID, perr := strconv.ParseInt(c.PostForm("user"), 10, 64)
	if perr != nil || userID <= 0 {
		err = app.Errorf(app.EInvalid, "org.error.role_person").WithField("user")
	} else {
		err = s.Orgs.AddRoleMember(c.Request.Context(), o, id, userID)
	}
	if err != nil {
		data := &rolePage{}
		if app.IsNotFound(err) || !data.fail(s, c, err) {
			return err
		}
		return s.renderRole(c, statusOf(app.ErrorCode(err)), data)
	}
	s.setFlash(c, "admin.roles.member_added")
	c.Redirect(http.StatusSeeOther, roleURL(o, id))
	return nil
}

func (s *Server) handleRoleMemberRemove(c *gin.Context) error {
	o := orgOf(c)
	id, err := pathID(c, "role")
	if err != nil {
		return err
	}
	userID, err := pathID(c, "user")
	if err != nil {
		return err
	}
	if err := s.Orgs.RemoveRoleMember(c.Request.Context(), o, id, userID); err != nil {
		return err
	}
	s.setFlash(c, "admin.roles.member_removed")
	c.Redirect(http.StatusSeeOther, roleURL(o, id))
	return nil
}
