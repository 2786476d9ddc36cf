package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/remind"
)

// remindPageRoutes registers the in-app side of reminders: the bell's
// notifications (this file), a person's preferences and absences
// (remind_account.go) and an organisation's reminder settings
// (remind_admin.go).
func (s *Server) remindPageRoutes() {
	s.org("GET", "/o/:org/notifications", authz.OrgRead, s.handleNotifications)
	s.org("POST", "/o/:org/notifications/read", authz.OrgRead, s.handleNotificationsReadAll)
	s.org("POST", "/o/:org/notifications/:notification/read", authz.OrgRead, s.handleNotificationRead)
	s.user("GET", "/account/notifications", s.handleNotificationPrefs)
	s.user("POST", "/account/notifications", s.handleNotificationPrefsSave)
	s.user("POST", "/account/notifications/absences", s.handleAbsenceAdd)
	s.user("POST", "/account/notifications/absences/:absence/remove", s.handleAbsenceRemove)
	s.org("GET", "/o/:org/admin/reminders", authz.OrgManage, s.handleReminderSettings)
	s.org("POST", "/o/:org/admin/reminders", authz.OrgManage, s.handleReminderSettingsSave)
	s.org("POST", "/o/:org/admin/reminders/closures", authz.OrgManage, s.handleClosureAdd)
	s.org("POST", "/o/:org/admin/reminders/closures/:closure/remove", authz.OrgManage, s.handleClosureRemove)
}

// bellLink is the header's link to the actor's notifications.
type bellLink struct {
	URL     string
	Unread  int
	Current bool // the notifications page itself
}

// bell answers the header's bell for a member with an organisation open:
// the count of unread notifications the session read made as the request
// began, else one count on the partial index of unread notifications. A
// failing count leaves the bell out rather than the page.
func (s *Server) bell(c *gin.Context, a *app.Actor, nav string) *bellLink {
	if s.Reminders == nil || a.OrgID == 0 || a.OrgSlug == "" {
		return nil
	}
	var counted *int
	if v, ok := c.Get(ctxMemberships); ok {
		for _, m := range v.([]*account.Membership) {
			if m.OrgID == a.OrgID {
				counted = m.Unread
			}
		}
	}
	if counted == nil {
		n, err := s.Reminders.Unread(c.Request.Context(), a.OrgID, a.UserID)
		if err != nil {
			s.Logger.Warn("bell: unread count", "org_id", a.OrgID, "err", err)
			return nil
		}
		counted = &n
	}
	return &bellLink{URL: "/o/" + a.OrgSlug + "/notifications", Unread: *counted, Current: nav == "notifications"}
}

type notificationsPage struct {
	Layout
	Org     *org.Organisation
	Items   []notificationRow
	Unread  int
	Total   int
	PrevURL string
	NextURL string
	PageNo  int
	Pages   int
}

type notificationRow struct {
	remind.Notification
	When     string // in the organisation's zone, the locale's way
	RuleText string // why, in words («14 dager før fristen»); "" when not a reminder
}

func (s *Server) handleNotifications(c *gin.Context) error {
	o, a, l := orgOf(c), app.ActorFrom(c.Request.Context()), s.locale(c)
	page, _ := strconv.Atoi(c.Query("page"))
	if page < 1 {
		page = 1
	}
	list, total, err := s.Reminders.Notifications(c.Request.Context(), o.ID, a.UserID, page)
	if err != nil {
		return err
	}
	unread, err := s.Reminders.Unread(c.Request.Context(), o.ID, a.UserID)
	if err != nil {
		return err
	}
	data := &notificationsPage{Org: o, Unread: unread, Total: total, PageNo: page,
		Pages: (total + remind.NotificationsPerPage - 1) / remind.NotificationsPerPage}
	for _, n := range list {
		data.Items = append(data.Items, notificationRow{Notification: n, When: i18n.FormatDateTime(l, n.CreatedAt, o.Location()),
			RuleText: s.ruleText(l, n.Rule)})
	}
	base := "/o/" + o.Slug + "/notifications"
	if page > 1 {
		data.PrevURL = base + "?page=" + strconv.Itoa(page-1)
	}
	if page < data.Pages {
		data.NextURL = base + "?page=" + strconv.Itoa(page+1)
	}
	data.Layout = Layout{Nav: "notifications", Breadcrumbs: []Crumb{
		{Label: o.Name, URL: "/o/" + o.Slug + "/dashboard"}, {Label: s.Catalog.T(l, "remind.page.notifications.title")}},
		Bell: &bellLink{URL: base, Unread: unread, Current: true}} // counted above: the header needs no second count
	s.render(c, http.StatusOK, "remind/notifications.html", data)
	return nil
}

// handleNotificationRead marks one of the actor's notifications read;
// with open set it goes on to what the notification is about, otherwise
// back to the list. Someone else's notification is not found.
func (s *Server) handleNotificationRead(c *gin.Context) error {
	o, a := orgOf(c), app.ActorFrom(c.Request.Context())
	id, err := councilParam(c, "notification", "error.not_found.text")
	if err != nil {
		return err
	}
	n, err := s.Reminders.MarkRead(c.Request.Context(), o.ID, a.UserID, id)
	if err != nil {
		return err
	}
	if c.PostForm("open") != "" && n.URL != "" {
		c.Redirect(http.StatusSeeOther, safeNext(n.URL))
		return nil
	}
	return s.doneTo(c, s.notificationsBack(c, o), "remind.page.notifications.marked")
}

// handleNotificationsReadAll marks all of the actor's notifications in the
// organisation read.
func (s *Server) handleNotificationsReadAll(c *gin.Context) error {
	o, a := orgOf(c), app.ActorFrom(c.Request.Context())
	n, err := s.Reminders.MarkAllRead(c.Request.Context(), o.ID, a.UserID)
	if err != nil {
		return err
	}
	s.setFlashN(c, "remind.page.notifications.marked_all", n)
	c.Redirect(http.StatusSeeOther, s.notificationsBack(c, o))
	return nil
}

// notificationsBack is the list's page the form was sent from.
func (s *Server) notificationsBack(c *gin.Context, o *org.Organisation) string {
	back := "/o/" + o.Slug + "/notifications"
	if p, err := strconv.Atoi(c.PostForm("page")); err == nil && p > 1 {
		back += "?page=" + strconv.Itoa(p)
	}
	return back
}
