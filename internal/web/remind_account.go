package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/remind"
)

// notificationPrefsPage is /account/notifications: how each kind of
// message reaches the person, and their absences with a delegate.
type notificationPrefsPage struct {
	formPage
	Kinds    []prefRow
	Orgs     []absenceOrg // the organisations the person may be away from
	Absences []absenceRow
}

// absenceOrg is one of the person's organisations with the members they
// may name as delegate.
type absenceOrg struct {
	ID        int64
	Name      string
	Delegates []remind.Person
}

// prefRow is one kind of message with the choices it offers.
type prefRow struct {
	Kind  string
	Modes []string
}

type absenceRow struct {
	remind.Absence
	OrgName string
}

// memberships answers the request's user's memberships.
func membershipsOf(c *gin.Context) []*account.Membership {
	if v, ok := c.Get(ctxMemberships); ok {
		return v.([]*account.Membership)
	}
	return nil
}

func (s *Server) handleNotificationPrefs(c *gin.Context) error {
	return s.renderNotificationPrefs(c, http.StatusOK, &notificationPrefsPage{})
}

func (s *Server) renderNotificationPrefs(c *gin.Context, status int, data *notificationPrefsPage) error {
	ctx, a, l := c.Request.Context(), app.ActorFrom(c.Request.Context()), s.locale(c)
	prefs, err := s.Reminders.Prefs(ctx, a.UserID)
	if err != nil {
		return err
	}
	if data.Values == nil {
		data.Values = map[string]string{}
	}
	for k, m := range prefs {
		if _, typed := data.Values["kind_"+k]; !typed {
			data.Values["kind_"+k] = m
		}
	}
	for _, k := range remind.Kinds {
		data.Kinds = append(data.Kinds, prefRow{Kind: k, Modes: remind.ModesFor(k)})
	}
	names := map[int64]string{}
	var orgIDs []int64
	for _, m := range membershipsOf(c) {
		ds, err := s.Reminders.Delegates(ctx, m.OrgID, a.UserID)
		if err != nil {
			return err
		}
		data.Orgs = append(data.Orgs, absenceOrg{ID: m.OrgID, Name: m.Org.Name, Delegates: ds})
		names[m.OrgID] = m.Org.Name
		orgIDs = append(orgIDs, m.OrgID)
	}
	abs, err := s.Reminders.Absences(ctx, a.UserID, orgIDs)
	if err != nil {
		return err
	}
	for _, ab := range abs {
		data.Absences = append(data.Absences, absenceRow{Absence: ab, OrgName: names[ab.OrgID]})
	}
	data.Layout = Layout{Breadcrumbs: []Crumb{{Label: s.Catalog.T(l, "account.title"), URL: "/account"},
		{Label: s.Catalog.T(l, "remind.page.prefs.title")}}}
	s.render(c, status, "remind/preferences.html", data)
	return nil
}

// handleNotificationPrefsSave stores the choice made for every kind.
func (s *Server) handleNotificationPrefsSave(c *gin.Context) error {
	a := app.ActorFrom(c.Request.Context())
	prefs := map[string]string{}
	data := &notificationPrefsPage{formPage: formPage{Values: map[string]string{}}}
	for _, k := range remind.Kinds {
		if v, ok := c.GetPostForm("kind_" + k); ok {
			prefs[k] = v
			data.Values["kind_"+k] = v
		}
	}
	if err := s.Reminders.SavePrefs(c.Request.Context(), a.UserID, prefs); err != nil {
		return s.formAgain(c, &data.formPage, err, func(status int) error { return s.renderNotificationPrefs(c, status, data) })
	}
	return s.doneTo(c, "/account/notifications", "remind.page.prefs.saved")
}

// parseDay reads a date as the page's date fields ask for it (06.07.2026,
// or 2026-07-06); anything else is the zero time, which the service
// refuses with its own message.
func parseDay(v string) time.Time {
	d, _ := i18n.ParseDate(v)
	return d
}

// handleAbsenceAdd records an absence: from, to and the delegate, chosen
// as «organisation:user» among the members of one of the person's
// organisations.
func (s *Server) handleAbsenceAdd(c *gin.Context) error {
	a := app.ActorFrom(c.Request.Context())
	vals := map[string]string{}
	for _, k := range []string{"starts", "ends", "delegate"} {
		vals[k] = c.PostForm(k)
	}
	data := &notificationPrefsPage{formPage: formPage{Values: vals}}
	again := func(err error) error {
		return s.formAgain(c, &data.formPage, err, func(status int) error { return s.renderNotificationPrefs(c, status, data) })
	}
	orgPart, userPart, _ := strings.Cut(vals["delegate"], ":")
	orgID, _ := strconv.ParseInt(orgPart, 10, 64)
	delegate, _ := strconv.ParseInt(userPart, 10, 64)
	member := false
	for _, m := range membershipsOf(c) {
		member = member || m.OrgID == orgID
	}
	if !member || delegate == 0 {
		return again(app.Errorf(app.EInvalid, "remind.page.absence.error.delegate").WithField("delegate"))
	}
	ab := remind.Absence{OrgID: orgID, UserID: a.UserID, DelegateID: &delegate, Starts: parseDay(vals["starts"]), Ends: parseDay(vals["ends"])}
	if _, err := s.Reminders.AddAbsence(c.Request.Context(), ab); err != nil {
		return again(err)
	}
	return s.doneTo(c, "/account/notifications#absences-h", "remind.page.absence.added")
}

// handleAbsenceRemove removes one of the person's absences, in whichever
// of their organisations it is; someone else's is not found.
func (s *Server) handleAbsenceRemove(c *gin.Context) error {
	a := app.ActorFrom(c.Request.Context())
	id, err := councilParam(c, "absence", "error.not_found.text")
	if err != nil {
		return err
	}
	for _, m := range membershipsOf(c) {
		err := s.Reminders.RemoveAbsence(c.Request.Context(), m.OrgID, a.UserID, id)
		if err == nil {
			return s.doneTo(c, "/account/notifications#absences-h", "remind.page.absence.removed")
		}
		if app.ErrorCode(err) != app.ENotFound {
			return err
		}
	}
	return app.Errorf(app.ENotFound, "error.not_found.text")
}
