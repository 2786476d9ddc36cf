package web

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/org"
)

// adminTabs are the administration pages a role may see.
type adminTab struct {
	Key, URL string
	Current  bool
}

func (s *Server) adminLayout(c *gin.Context, current string) Layout {
	o := orgOf(c)
	base := "/o/" + o.Slug + "/admin/"
	var tabs []adminTab
	for _, t := range []struct {
		key  string
		perm authz.Perm
	}{{"members", authz.MembersRead}, {"roles", authz.MembersRead}, {"settings", authz.OrgManage}, {"sso", authz.OrgManage}, {"reminders", authz.OrgManage}, {"audit", authz.AuditRead}, {"sent", authz.AuditRead}, {"tokens", authz.TokensManage}, {"billing", authz.BillingManage}} {
		if s.allowed(c, t.perm) {
			tabs = append(tabs, adminTab{Key: t.key, URL: base + t.key, Current: t.key == current})
		}
	}
	loc := s.locale(c)
	return Layout{Nav: "admin", AdminTabs: tabs, Breadcrumbs: []Crumb{
		{Label: o.Name, URL: "/o/" + o.Slug + "/dashboard"},
		{Label: s.Catalog.T(loc, "nav.admin"), URL: base + "members"},
		{Label: s.Catalog.T(loc, "admin."+current+".title")},
	}}
}

// membersPerPage is how many members the members page lists at a time.
const membersPerPage = 50

type membersPage struct {
	formPage
	Org         *org.Organisation
	Members     []*account.Member // this page of them, in the table's order
	Table       *dataTable
	Invitations []*account.Invitation
	Roles       []string // the roles the actor may give
	CanManage   bool
	CanSessions bool
	IsOwner     bool             // the actor may change and remove owners
	RowErrors   map[int64]string // member's user id → why their change failed
	// ConfirmRole is the role the actor is about to give themself, asked
	// to confirm at their own row.
	ConfirmRole string
	Now         time.Time
}

// manages reports whether the page lets the actor change and remove m:
// owners only by owners.
func (p *membersPage) Manages(m *account.Member) bool {
	return p.CanManage && (p.IsOwner || m.Role != account.RoleOwner)
}

// rowFail shows err at the row of member userID, when it is an error the
// user can act on.
func (p *membersPage) rowFail(s *Server, c *gin.Context, userID int64, err error) bool {
	ae := app.AsError(err)
	if ae == nil || ae.Code == app.EInternal || ae.Code == app.ENotFound {
		return false
	}
	p.RowErrors = map[int64]string{userID: s.Catalog.T(s.locale(c), ae.Key, argsOf(err)...)}
	return true
}

func (s *Server) handleMembers(c *gin.Context) error {
	return s.renderMembers(c, http.StatusOK, &membersPage{})
}

func (s *Server) renderMembers(c *gin.Context, status int, data *membersPage) error {
	o := orgOf(c)
	data.Layout = s.adminLayout(c, "members")
	a := app.ActorFrom(c.Request.Context())
	data.IsOwner = a.Role == account.RoleOwner
	data.Org, data.Roles, data.Now = o, account.GrantableRoles(o.Kind, a.Role), s.Clock.Now()
	data.CanManage, data.CanSessions = s.allowed(c, authz.MembersManage), s.allowed(c, authz.SessionsManage)
	if data.Values == nil {
		data.Values = map[string]string{}
	}
	if data.Values["role"] == "" {
		// Invite with the least powerful role unless told otherwise.
		data.Values["role"] = data.Roles[len(data.Roles)-1]
	}
	members, invitations, err := s.Accounts.MembersAndInvitations(c.Request.Context(), o)
	if err != nil {
		return err
	}
	// Sorted by name, address or role; roles by rank (owner first), not
	// by their names.
	roles := account.RolesFor(o.Kind)
	data.Table, data.Invitations = newDataTable(c, "name", "email", "role"), invitations
	data.Members = sortPage(c, data.Table, s.locale(c), members, membersPerPage, func(m *account.Member, key string) string {
		switch key {
		case "email":
			return m.Email
		case "role":
			return fmt.Sprintf("%02d %s", slices.Index(roles, m.Role)+1, m.Name)
		}
		return m.Name + " " + m.Email
	})
	s.render(c, status, "admin/members.html", data)
	return nil
}

func (s *Server) handleInvite(c *gin.Context) error {
	o := orgOf(c)
	email, role := strings.TrimSpace(c.PostForm("email")), c.PostForm("role")
	if _, err := s.Accounts.Invite(c.Request.Context(), o, email, role); err != nil {
		data := &membersPage{formPage: formPage{Values: map[string]string{"email": email, "role": role}}}
		if !data.fail(s, c, err) {
			return err
		}
		return s.renderMembers(c, statusOf(app.ErrorCode(err)), data)
	}
	s.setFlash(c, "admin.members.invited", "email", email)
	c.Redirect(http.StatusSeeOther, "/o/"+o.Slug+"/admin/members")
	return nil
}

func pathID(c *gin.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, app.Errorf(app.ENotFound, "error.not_found.text")
	}
	return id, nil
}

// readUpload reads the file uploaded as form field name; found is false
// when there is none. It reads at most limit+1 bytes: a file over limit
// comes back longer than limit, for the caller to refuse.
func readUpload(c *gin.Context, name string, limit int) (b []byte, found bool, err error) {
	fh, err := c.FormFile(name)
	if err != nil {
		return nil, false, nil
	}
	f, err := fh.Open()
	if err != nil {
		return nil, true, err
	}
	defer f.Close()
	b, err = io.ReadAll(io.LimitReader(f, int64(limit)+1))
	return b, true, err
}

func (s *Server) handleInvitationRevoke(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.Accounts.RevokeInvitation(c.Request.Context(), orgOf(c), id); err != nil {
		return err
	}
	s.setFlash(c, "admin.members.invitation_revoked")
	c.Redirect(http.StatusSeeOther, "/o/"+orgOf(c).Slug+"/admin/members")
	return nil
}

func (s *Server) handleMemberRole(c *gin.Context) error {
	id, err := pathID(c, "user")
	if err != nil {
		return err
	}
	role := c.PostForm("role")
	if err := s.Accounts.ChangeRole(c.Request.Context(), orgOf(c), id, role, c.PostForm("confirm") == "1"); err != nil {
		data := &membersPage{}
		if app.AsError(err) != nil && app.AsError(err).Key == account.KeyConfirmOwnRole {
			// Not a failure: the question, asked at the actor's own row.
			data.ConfirmRole = role
			return s.renderMembers(c, http.StatusOK, data)
		}
		if !data.rowFail(s, c, id, err) {
			return err
		}
		return s.renderMembers(c, statusOf(app.ErrorCode(err)), data)
	}
	s.setFlash(c, "admin.members.role_changed")
	c.Redirect(http.StatusSeeOther, "/o/"+orgOf(c).Slug+"/admin/members")
	return nil
}

// handleMemberRemoveConfirm asks before a member is removed, naming who
// and with which role; owners only for an owner.
func (s *Server) handleMemberRemoveConfirm(c *gin.Context) error {
	id, err := pathID(c, "user")
	if err != nil {
		return err
	}
	o, loc := orgOf(c), s.locale(c)
	members, err := s.Accounts.Members(c.Request.Context(), o)
	if err != nil {
		return err
	}
	var m *account.Member
	for _, x := range members {
		if x.ID == id {
			m = x
		}
	}
	if m == nil {
		return app.Errorf(app.ENotFound, "error.not_found.text")
	}
	if m.Role == account.RoleOwner && app.ActorFrom(c.Request.Context()).Role != account.RoleOwner {
		return app.Errorf(app.EForbidden, "account.error.owner_only")
	}
	name := m.Name
	if name == "" {
		name = m.Email
	}
	back := "/o/" + o.Slug + "/admin/members"
	s.renderConfirm(c, &confirmPage{Layout: s.adminLayout(c, "members"),
		Title:    s.Catalog.T(loc, "admin.members.remove_title"),
		Question: s.Catalog.T(loc, "admin.members.remove_confirm", "name", name, "org", o.Name),
		Details: []confirmDetail{{s.Catalog.T(loc, "auth.email"), m.Email},
			{s.Catalog.T(loc, "admin.members.role"), s.Catalog.T(loc, "role."+m.Role)}},
		Note:   s.Catalog.T(loc, "admin.members.remove_note"),
		Action: back + "/" + strconv.FormatInt(id, 10) + "/remove", Submit: s.Catalog.T(loc, "admin.members.remove"), Danger: true, Back: back})
	return nil
}

func (s *Server) handleMemberRemove(c *gin.Context) error {
	id, err := pathID(c, "user")
	if err != nil {
		return err
	}
	if err := s.Accounts.RemoveMember(c.Request.Context(), orgOf(c), id); err != nil {
		data := &membersPage{}
		if !data.rowFail(s, c, id, err) {
			return err
		}
		return s.renderMembers(c, statusOf(app.ErrorCode(err)), data)
	}
	s.setFlash(c, "admin.members.removed")
	c.Redirect(http.StatusSeeOther, "/o/"+orgOf(c).Slug+"/admin/members")
	return nil
}

type memberSessionsPage struct {
	Layout
	Org      *org.Organisation
	Member   *account.User
	Sessions []*account.Session
}

// handleMemberSessions lists a member's sessions in this organisation
// only.
func (s *Server) handleMemberSessions(c *gin.Context) error {
	o := orgOf(c)
	id, err := pathID(c, "user")
	if err != nil {
		return err
	}
	data := &memberSessionsPage{Layout: s.adminLayout(c, "members"), Org: o}
	if data.Member, data.Sessions, err = s.Accounts.MemberSessions(c.Request.Context(), o, id); err != nil {
		return err
	}
	s.render(c, http.StatusOK, "admin/member_sessions.html", data)
	return nil
}

func (s *Server) handleMemberSessionRevoke(c *gin.Context) error {
	id, err := pathID(c, "user")
	if err != nil {
		return err
	}
	if err := s.Accounts.RevokeSession(c.Request.Context(), orgOf(c), id, c.Param("session")); err != nil {
		return err
	}
	s.setFlash(c, "admin.sessions.revoked")
	c.Redirect(http.StatusSeeOther, "/o/"+orgOf(c).Slug+"/admin/members/"+c.Param("user")+"/sessions")
	return nil
}

type settingsPage struct {
	formPage
	Org     *org.Organisation
	Locales []string
}

func (s *Server) handleSettings(c *gin.Context) error {
	o, loc := orgOf(c), s.locale(c)
	data := &settingsPage{formPage: formPage{Values: map[string]string{"name": o.Name, "locale": o.Locale, "time_zone": o.TimeZone,
		"spring_end": org.FormatMonthDay(loc, o.SpringEnd), "autumn_end": org.FormatMonthDay(loc, o.AutumnEnd)}}}
	return s.renderSettings(c, http.StatusOK, data)
}

func (s *Server) renderSettings(c *gin.Context, status int, data *settingsPage) error {
	data.Layout, data.Org, data.Locales = s.adminLayout(c, "settings"), orgOf(c), org.Locales
	s.render(c, status, "admin/settings.html", data)
	return nil
}

// maxLogo is the largest logo accepted.
const maxLogo = org.MaxLogo

// handleSettingsUpdate saves name, language, time zone, the second-factor
// rule, the term ends and the logo, all or nothing, and audits what
// changed; a refused form comes back as typed.
func (s *Server) handleSettingsUpdate(c *gin.Context) error {
	o := orgOf(c)
	upd := *o
	upd.Name = strings.TrimSpace(c.PostForm("name"))
	upd.Locale, upd.TimeZone = c.PostForm("locale"), strings.TrimSpace(c.PostForm("time_zone"))
	upd.RequireSecondFactor = c.PostForm("require_second_factor") == "on"
	spring, autumn := strings.TrimSpace(c.PostForm("spring_end")), strings.TrimSpace(c.PostForm("autumn_end"))
	data := &settingsPage{formPage: formPage{Values: map[string]string{"name": upd.Name, "locale": upd.Locale, "time_zone": upd.TimeZone,
		"spring_end": spring, "autumn_end": autumn}}}
	logo, found, err := readUpload(c, "logo", maxLogo)
	if err != nil {
		return err
	}
	st := org.Settings{Name: upd.Name, Locale: upd.Locale, TimeZone: upd.TimeZone, RequireSecondFactor: upd.RequireSecondFactor,
		SpringEnd: spring, AutumnEnd: autumn}
	if found {
		st.Logo = append([]byte{}, logo...)
	}
	err = s.Orgs.UpdateSettings(c.Request.Context(), o, st)
	if code := app.ErrorCode(err); code == app.EInvalid || code == app.ETooLarge {
		data.fail(s, c, err)
		return s.renderSettings(c, http.StatusUnprocessableEntity, data)
	}
	if err != nil {
		return err
	}
	s.setFlash(c, "admin.settings.saved")
	c.Redirect(http.StatusSeeOther, "/o/"+o.Slug+"/admin/settings")
	return nil
}

type auditPage struct {
	formPage
	Org     *org.Organisation
	Entries []auditRow
	Actions []string
	Filter  map[string]string
	Page    Pagination
}

// auditRow is one event of the audit log as the page shows it: its
// details in the reader's language rather than as stored codes.
type auditRow struct {
	*audit.Entry
	Details []auditDetail
}

type auditDetail struct{ Label, Value string }

// auditValueKeys says how a detail's stored value is shown: a role code
// by the role's name, a yes/no flag, a language, a token scope; other
// values appear as stored (names, e-mail addresses, numbers) unless
// audit.value.<value> names them.
var auditValueKeys = map[string]func(v string) string{
	"role": prefixKey("role."), "from": prefixKey("role."), "to": prefixKey("role."),
	"require_second_factor": func(v string) string {
		if v == "true" {
			return "common.yes"
		}
		return "common.no"
	},
	"locale": prefixKey("language."),
	"scope":  prefixKey("admin.tokens.scope_"),
	"reason": prefixKey("audit."),
	"kind":   prefixKey("org.role_kind."),
}

func prefixKey(prefix string) func(string) string {
	return func(v string) string { return prefix + v }
}

// auditDetails lists e's details sorted by their label's key, localised.
func (s *Server) auditDetails(loc string, e *audit.Entry) []auditDetail {
	details := e.Details()
	keys := make([]string, 0, len(details))
	for k := range details {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]auditDetail, 0, len(keys))
	for _, k := range keys {
		v := details[k]
		d := auditDetail{Label: k, Value: v}
		if key := "audit.detail." + k; s.Catalog.Has(key) {
			d.Label = s.Catalog.T(loc, key)
		}
		if f := auditValueKeys[k]; f != nil && s.Catalog.Has(f(v)) {
			d.Value = s.Catalog.T(loc, f(v))
		} else if key := "audit.value." + strings.ReplaceAll(v, " ", "_"); s.Catalog.Has(key) {
			d.Value = s.Catalog.T(loc, key)
		}
		out = append(out, d)
	}
	return out
}

// Pagination is the state of a paged list.
type Pagination struct {
	Page, Pages, Total int
	PrevURL, NextURL   string
}

func paginate(c *gin.Context, total, perPage int) Pagination {
	page, _ := strconv.Atoi(c.Query("page"))
	if page < 1 {
		page = 1
	}
	p := Pagination{Page: page, Total: total, Pages: (total + perPage - 1) / perPage}
	link := func(n int) string {
		q := c.Request.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return c.Request.URL.Path + "?" + q.Encode()
	}
	if page > 1 {
		p.PrevURL = link(page - 1)
	}
	if page < p.Pages {
		p.NextURL = link(page + 1)
	}
	return p
}

func (s *Server) handleAudit(c *gin.Context) error {
	o := orgOf(c)
	const perPage = 50
	loc := s.locale(c)
	f := audit.Filter{Action: c.Query("action"), ActorEmail: strings.TrimSpace(c.Query("actor")), Limit: perPage}
	data := &auditPage{formPage: formPage{Layout: s.adminLayout(c, "audit")}, Org: o, Actions: audit.Actions,
		Filter: map[string]string{"action": f.Action, "actor": f.ActorEmail, "from": c.Query("from"), "until": c.Query("until")}}
	// Dates are days in the organisation's time zone; one that is not a
	// date is named on the form rather than silently filtering nothing.
	tz, err := loadLocation(o.TimeZone)
	if err != nil {
		tz = time.UTC
	}
	day := func(field string) (time.Time, bool) {
		v := strings.TrimSpace(c.Query(field))
		if v == "" {
			return time.Time{}, false
		}
		d, ok := i18n.ParseDate(v)
		if !ok {
			if data.Errors == nil {
				data.Errors = map[string]string{}
			}
			data.Errors[field] = s.Catalog.T(loc, "admin.audit.error.date", "field", s.Catalog.T(loc, "admin.audit."+field), "value", v,
				"format", s.Catalog.T(loc, "form.date_format"), "example", i18n.FormatDateInput(loc, s.Clock.Now().In(tz)))
			return time.Time{}, false
		}
		return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, tz), true
	}
	if t, ok := day("from"); ok {
		f.From = t
	}
	if t, ok := day("until"); ok {
		f.Until = t.AddDate(0, 0, 1)
	}
	if !f.From.IsZero() && !f.Until.IsZero() && !f.Until.After(f.From) {
		data.Errors = map[string]string{"until": s.Catalog.T(loc, "admin.audit.error.range")}
	}
	status := http.StatusOK
	if len(data.Errors) > 0 {
		status = http.StatusUnprocessableEntity
		s.render(c, status, "admin/audit.html", data)
		return nil
	}
	page, _ := strconv.Atoi(c.Query("page"))
	if page > 1 {
		f.Offset = (page - 1) * perPage
	}
	entries, total, err := s.Orgs.AuditLog(c.Request.Context(), o, f)
	if err != nil {
		return err
	}
	for _, e := range entries {
		data.Entries = append(data.Entries, auditRow{Entry: e, Details: s.auditDetails(loc, e)})
	}
	data.Page = paginate(c, total, perPage)
	s.render(c, status, "admin/audit.html", data)
	return nil
}

type tokensPage struct {
	formPage
	Org      *org.Organisation
	Tokens   []*account.APIToken
	NewToken string
}

func (s *Server) handleTokens(c *gin.Context) error {
	return s.renderTokens(c, http.StatusOK, &tokensPage{})
}

func (s *Server) renderTokens(c *gin.Context, status int, data *tokensPage) error {
	o := orgOf(c)
	data.Layout, data.Org = s.adminLayout(c, "tokens"), o
	var err error
	if data.Tokens, err = s.Accounts.APITokens(c.Request.Context(), o); err != nil {
		return err
	}
	s.render(c, status, "admin/tokens.html", data)
	return nil
}

// handleTokenCreate makes a token for the signed-in admin and shows it
// once, on this response only.
func (s *Server) handleTokenCreate(c *gin.Context) error {
	a := app.ActorFrom(c.Request.Context())
	name, scope := c.PostForm("name"), c.PostForm("scope")
	token, _, err := s.Accounts.CreateAPIToken(c.Request.Context(), orgOf(c), a.UserID, name, scope)
	data := &tokensPage{formPage: formPage{Values: map[string]string{"name": name, "scope": scope}}}
	if err != nil {
		if !data.fail(s, c, err) {
			return err
		}
		return s.renderTokens(c, http.StatusUnprocessableEntity, data)
	}
	data.NewToken, data.Values = token, nil
	return s.renderTokens(c, http.StatusCreated, data)
}

func (s *Server) handleTokenRevoke(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.Accounts.RevokeAPIToken(c.Request.Context(), orgOf(c), id); err != nil {
		return err
	}
	s.setFlash(c, "admin.tokens.revoked")
	c.Redirect(http.StatusSeeOther, "/o/"+orgOf(c).Slug+"/admin/tokens")
	return nil
}
