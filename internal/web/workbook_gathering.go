package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/overview"
	"github.com/samvirke/samvirke/internal/workbook"
)

// NavWorkbookGatherings leads to the gatherings where workbook chapters fall due.
var NavWorkbookGatherings = NavEntry{Key: "gatherings", Label: "gathering.title.plural", Path: orgPath("/gatherings"), Order: 30}

type gatheringsPage struct {
	formPage
	Org        *org.Organisation
	Gatherings []*workbook.Gathering
	Chapters   []*workbook.Chapter // a network's chapters, to mark as due
	Titles     map[int64]string    // chapter id → "template: chapter"
	Members    map[int64][]string  // gathering → the municipalities taking part (members on the day)
	CanEdit    bool
	Today      time.Time
}

func (s *Server) handleWorkbookGatherings(c *gin.Context) error {
	return s.renderGatherings(c, http.StatusOK, &gatheringsPage{formPage: formPage{Values: map[string]string{}}})
}

func (s *Server) renderGatherings(c *gin.Context, status int, data *gatheringsPage) error {
	o := orgOf(c)
	data.Org, data.Today = o, s.Clock.Now()
	data.CanEdit = o.Kind == org.KindNetwork && s.allowed(c, authz.ContentWrite)
	data.Layout.Nav = "gatherings"
	l, err := s.Workbooks.Gatherings(c.Request.Context(), o)
	if err != nil {
		return err
	}
	data.Gatherings, data.Chapters, data.Titles, data.Members = l.Gatherings, l.Chapters, l.Titles, l.Members
	s.render(c, status, "workbook/gatherings.html", data)
	return nil
}

// handleWorkbookGatheringCreate adds a gathering (a network's coordinators).
func (s *Server) handleWorkbookGatheringCreate(c *gin.Context) error {
	o, err := s.networkOnly(c)
	if err != nil {
		return err
	}
	g := &workbook.Gathering{Title: c.PostForm("title"), Place: strings.TrimSpace(c.PostForm("place")), Agenda: strings.TrimSpace(c.PostForm("agenda"))}
	data := &gatheringsPage{formPage: formPage{Values: map[string]string{"title": g.Title, "place": g.Place, "agenda": g.Agenda, "starts_on": c.PostForm("starts_on")}}}
	if d, ok := i18n.ParseDate(c.PostForm("starts_on")); ok {
		g.StartsOn = d
	}
	for _, v := range c.PostFormArray("chapter") {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			g.ChapterIDs = append(g.ChapterIDs, id)
			data.Values["chapter."+v] = "on"
		}
	}
	if err := s.Workbooks.CreateGathering(c.Request.Context(), o, g); err != nil {
		if !data.fail(s, c, err) {
			return err
		}
		return s.renderGatherings(c, statusOf(app.ErrorCode(err)), data)
	}
	s.setFlash(c, "gathering.created")
	c.Redirect(http.StatusSeeOther, "/o/"+o.Slug+"/gatherings")
	return nil
}

// handleWorkbookChapterStatus records a municipality's progress on a chapter.
func (s *Server) handleWorkbookChapterStatus(c *gin.Context) error {
	o := orgOf(c)
	wb, err := pathID(c, "workbook")
	if err != nil {
		return err
	}
	ch, err := pathID(c, "chapter")
	if err != nil {
		return err
	}
	if err := s.Workbooks.SetChapterStatus(c.Request.Context(), o, wb, ch, c.PostForm("status")); err != nil {
		return err
	}
	s.setFlash(c, "workbook.chapter_status_saved")
	c.Redirect(http.StatusSeeOther, "/o/"+o.Slug+"/workbooks/"+strconv.FormatInt(wb, 10))
	return nil
}

type gatheringProgressPage struct {
	Layout
	Org       *org.Organisation
	Gathering *workbook.Gathering
	Grids     []*overview.Grid
}

// handleWorkbookGatheringProgress shows a network's coordinators the
// progress grid of the chapters due at one of its gatherings: each member
// municipality's chapter status and, per problem statement, answered and
// shared, answered but kept private, or missing (elsewhere 404).
func (s *Server) handleWorkbookGatheringProgress(c *gin.Context) error {
	o, err := s.networkOnly(c)
	if err != nil {
		return err
	}
	id, err := pathID(c, "gathering")
	if err != nil {
		return err
	}
	g, ps, err := s.Workbooks.GatheringProgress(c.Request.Context(), o, id)
	if err != nil {
		return err
	}
	data := &gatheringProgressPage{Org: o, Gathering: g, Layout: Layout{Nav: "gatherings", Breadcrumbs: []Crumb{
		{Label: s.Catalog.T(s.locale(c), "gathering.title.plural"), URL: "/o/" + o.Slug + "/gatherings"}, {Label: g.Title}}}}
	for _, p := range ps {
		data.Grids = append(data.Grids, p.Grids(o.Slug)...)
	}
	s.render(c, http.StatusOK, "workbook/gathering_progress.html", data)
	return nil
}

type memberWorkbookPage struct {
	Layout
	Org  *org.Organisation
	View *workbook.MemberWorkbookView
}

// handleWorkbookMemberWorkbook shows a network's coordinators a member
// municipality's workbook: its shared answers, which it keeps private
// (without their content) and its chapters' statuses (elsewhere 404).
func (s *Server) handleWorkbookMemberWorkbook(c *gin.Context) error {
	o, err := s.networkOnly(c)
	if err != nil {
		return err
	}
	id, err := pathID(c, "workbook")
	if err != nil {
		return err
	}
	v, err := s.Workbooks.MemberWorkbook(c.Request.Context(), o, c.Param("member"), id)
	if err != nil {
		return err
	}
	data := &memberWorkbookPage{Org: o, View: v, Layout: Layout{Nav: "dashboard", Breadcrumbs: []Crumb{
		{Label: s.Catalog.T(s.locale(c), "dashboard.title"), URL: "/o/" + o.Slug + "/dashboard"}, {Label: v.Member.Name}}}}
	s.render(c, http.StatusOK, "workbook/member_workbook.html", data)
	return nil
}
