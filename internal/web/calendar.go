package web

import (
	"bytes"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/calendar"
	"github.com/samvirke/samvirke/internal/ical"
	"github.com/samvirke/samvirke/internal/org"
)

// calendarRoutes registers the annual cycle: an organisation's month and
// year views, the personal feeds managed from the month view, and the
// feeds' public addresses.
func (s *Server) calendarRoutes() {
	s.org("GET", "/o/:org/calendar", authz.OrgRead, s.handleCalendarMonth)
	s.org("GET", "/o/:org/calendar/year", authz.OrgRead, s.handleCalendarYear)
	// A feed spans every organisation of its owner, so it is made and
	// revoked only in a session opened with the owner's own credentials
	// (Account): not with an API token of one organisation, nor in a
	// single sign-on session limited to one. Neither is an organisation's
	// data, so a read-only organisation does not stop them.
	s.account("POST", "/account/calendar-feeds", s.handleCalendarFeedCreate)
	s.account("POST", "/account/calendar-feeds/:id/revoke", s.handleCalendarFeedRevoke)
	// A calendar program fetches it without a session; the token in the
	// address is the credential. It counts the client against
	// calendar.FeedLimit and notes when the feed was last used.
	s.public("GET", "/calendar/:token", s.handleCalendarFeed, writes())
}

// calendarKinds reads the kind filter (?kind=meeting&kind=deadline);
// unknown kinds are ignored, none means all.
func calendarKinds(c *gin.Context) []string {
	var out []string
	for _, k := range c.QueryArray("kind") {
		if slices.Contains(calendar.Kinds, k) && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// kindQuery is the kind filter as a query string to append («&kind=…»).
func kindQuery(kinds []string) string {
	var b strings.Builder
	for _, k := range kinds {
		b.WriteString("&kind=" + url.QueryEscape(k))
	}
	return b.String()
}

// calendarFilter is one kind's checkbox.
type calendarFilter struct {
	Kind    string
	Checked bool
}

type calendarPage struct {
	Layout
	Org      *org.Organisation
	Kinds    []calendarFilter
	Filtered bool   // a filter is set
	KindQ    string // the filter, «&kind=…», for links that keep it
	// Month view.
	Month      calendar.Month
	MonthParam string // YYYY-MM of the month shown
	Prev, Next string // YYYY-MM
	ThisMonth  string // YYYY-MM of today, for the «today» link
	Weekdays   []int  // 1..6, 0: Monday first
	Feeds      []*calendar.Feed
	// CanFeed says the session may make and revoke feeds (Account).
	CanFeed bool
	// Year view.
	Year               int
	PrevYear, NextYear string
	YearMonths         []calendar.YearMonth
	Total              int
}

func (s *Server) calendarBase(c *gin.Context) (*org.Organisation, *calendarPage) {
	o := orgOf(c)
	kinds := calendarKinds(c)
	data := &calendarPage{Org: o, Layout: Layout{Nav: "calendar"}, Filtered: len(kinds) > 0, KindQ: kindQuery(kinds),
		Weekdays: []int{1, 2, 3, 4, 5, 6, 0}}
	for _, k := range calendar.Kinds {
		data.Kinds = append(data.Kinds, calendarFilter{Kind: k, Checked: slices.Contains(kinds, k)})
	}
	return o, data
}

// parseMonth reads «YYYY-MM» as the month's first day, midnight UTC.
func parseMonth(v string) (time.Time, bool) {
	t, err := time.Parse("2006-01", v)
	if err != nil || t.Year() < 1900 || t.Year() > 2200 {
		return time.Time{}, false
	}
	return t, true
}

// handleCalendarMonth shows the month of ?month= (default this month in
// the organisation's zone) with the events of the kinds filtered, and the
// actor's feeds.
func (s *Server) handleCalendarMonth(c *gin.Context) error {
	o, data := s.calendarBase(c)
	today := s.Calendar.Today(o)
	first := calendar.FirstOf(today)
	if v := c.Query("month"); v != "" {
		var ok bool
		if first, ok = parseMonth(v); !ok {
			return app.Errorf(app.ENotFound, "error.not_found.text")
		}
	}
	events, err := s.Calendar.Events(c.Request.Context(), o, first, first.AddDate(0, 1, 0))
	if err != nil {
		return err
	}
	kinds := calendarKinds(c)
	data.Month = calendar.NewMonth(first, calendar.Filter(events, kinds), today)
	data.MonthParam = first.Format("2006-01")
	data.Prev, data.Next = first.AddDate(0, -1, 0).Format("2006-01"), first.AddDate(0, 1, 0).Format("2006-01")
	data.ThisMonth = calendar.FirstOf(today).Format("2006-01")
	a := app.ActorFrom(c.Request.Context())
	if data.Feeds, err = s.Calendar.Feeds(c.Request.Context(), a.UserID); err != nil {
		return err
	}
	_, token := c.Get(ctxToken)
	data.CanFeed = !token && !s.ssoSession(c)
	data.Breadcrumbs = []Crumb{{Label: o.Name, URL: "/o/" + o.Slug + "/dashboard"}, {Label: s.Catalog.T(s.locale(c), "calendar.title")}}
	s.render(c, http.StatusOK, "calendar/month.html", data)
	return nil
}

func (s *Server) handleCalendarYear(c *gin.Context) error {
	o, data := s.calendarBase(c)
	today := s.Calendar.Today(o)
	data.Year = today.Year()
	if v := c.Query("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 1900 || y > 2200 {
			return app.Errorf(app.ENotFound, "error.not_found.text")
		}
		data.Year = y
	}
	from := time.Date(data.Year, 1, 1, 0, 0, 0, 0, time.UTC)
	events, err := s.Calendar.Events(c.Request.Context(), o, from, from.AddDate(1, 0, 0))
	if err != nil {
		return err
	}
	events = calendar.Filter(events, calendarKinds(c))
	data.YearMonths, data.Total = calendar.NewYear(data.Year, events), len(events)
	data.PrevYear, data.NextYear = strconv.Itoa(data.Year-1), strconv.Itoa(data.Year+1)
	data.ThisMonth = calendar.FirstOf(today).Format("2006-01")
	data.Breadcrumbs = []Crumb{{Label: o.Name, URL: "/o/" + o.Slug + "/dashboard"},
		{Label: s.Catalog.T(s.locale(c), "calendar.title"), URL: "/o/" + o.Slug + "/calendar"},
		{Label: s.Catalog.T(s.locale(c), "calendar.year.title", "year", strconv.Itoa(data.Year))}}
	s.render(c, http.StatusOK, "calendar/year.html", data)
	return nil
}

// feedURL is the address a calendar program subscribes to, on the
// address the program listens at (the calendar service learns it once
// listening, as the feed's own links do).
func (s *Server) feedURL(token string) string {
	base := s.Calendar.BaseURL
	if base == "" {
		base = s.BaseURL
	}
	return strings.TrimRight(base, "/") + "/calendar/" + token + ".ics"
}

type feedCreatedPage struct {
	Layout
	URL, Webcal string // the new feed's address, shown this once
	Error       string
	Back        string // the page the form was on
}

// handleCalendarFeedCreate makes the actor a new feed and shows its
// address this once, with how to subscribe, and a way back to the page
// the form was on (form field back).
func (s *Server) handleCalendarFeedCreate(c *gin.Context) error {
	a := app.ActorFrom(c.Request.Context())
	data := &feedCreatedPage{Back: safeNext(c.PostForm("back"))}
	token, _, err := s.Calendar.CreateFeed(c.Request.Context(), a.UserID)
	if err != nil {
		ae := app.AsError(err)
		if ae == nil || ae.Code != app.EConflict {
			return err
		}
		data.Error = s.Catalog.T(s.locale(c), ae.Key, ae.Args)
		s.render(c, http.StatusConflict, "calendar/feed_created.html", data)
		return nil
	}
	data.URL = s.feedURL(token)
	data.Webcal = "webcal://" + strings.TrimPrefix(strings.TrimPrefix(data.URL, "https://"), "http://")
	c.Header("Cache-Control", "no-store")
	s.render(c, http.StatusCreated, "calendar/feed_created.html", data)
	return nil
}

// handleCalendarFeedRevoke ends one of the actor's feeds and goes back to
// the page the form was on. A feed that is not theirs (or gone already)
// is left alone and said so.
func (s *Server) handleCalendarFeedRevoke(c *gin.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a := app.ActorFrom(c.Request.Context())
	ok, err := s.Calendar.RevokeFeed(c.Request.Context(), a.UserID, id)
	if err != nil {
		return err
	}
	if ok {
		s.setFlash(c, "calendar.feed.revoked")
	} else {
		s.setFlash(c, "calendar.feed.not_found")
	}
	c.Redirect(http.StatusSeeOther, safeNext(c.PostForm("back")))
	return nil
}

// handleCalendarFeed serves a personal feed: /calendar/<token>.ics.
func (s *Server) handleCalendarFeed(c *gin.Context) error {
	token, ok := strings.CutSuffix(c.Param("token"), ".ics")
	if !ok {
		return app.Errorf(app.ENotFound, "error.not_found.text")
	}
	cal, err := s.Calendar.FeedCalendar(c.Request.Context(), token, c.ClientIP())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := cal.WriteTo(&buf); err != nil {
		return err
	}
	c.Header("Cache-Control", "private, no-store")
	c.Header("X-Robots-Tag", "noindex")
	c.Header("Referrer-Policy", "no-referrer")
	c.Data(http.StatusOK, ical.ContentType, buf.Bytes())
	return nil
}
