package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/workbook"
)

type historyPage struct {
	Layout
	Org       *org.Organisation
	Statement *workbook.Statement
	Sections  []*workbook.Section
	Revisions []revisionView
	Titles    map[string]string // section key → its question
	Current   int
	BaseURL   string
	CanEdit   bool
	Older     int // the page of versions older than this one; 0 when there are none
}

type revisionView struct {
	*workbook.Revision
	Changes []workbook.Change
}

func (s *Server) handleWorkbookEntryHistory(c *gin.Context) error {
	data, err := s.entryData(c)
	if err != nil {
		return err
	}
	if data.Entry == nil {
		return app.Errorf(app.ENotFound, "workbook.error.not_found")
	}
	before, _ := strconv.Atoi(c.Query("before"))
	revs, older, err := s.Workbooks.HistoryPage(c.Request.Context(), data.Org, data.Entry.ID, before)
	if err != nil {
		return err
	}
	var keys []string
	loc := s.locale(c)
	titles := map[string]string{"notes": s.Catalog.T(loc, "workbook.notes"),
		"goals": s.Catalog.T(loc, "workbook.goals"), "measures": s.Catalog.T(loc, "workbook.measures")}
	for _, sec := range data.Ref.Template.Sections {
		keys = append(keys, sec.Key)
		titles[sec.Key] = sec.Title
	}
	status := func(code string) string { return s.Catalog.T(loc, "measure.status."+code) }
	var views []revisionView
	for i, r := range revs { // newest first: the previous version is the next one
		prev := older
		if i+1 < len(revs) {
			prev = revs[i+1]
		}
		views = append(views, revisionView{Revision: r, Changes: r.Changes(prev, keys, status)})
	}
	page := &historyPage{Layout: data.Layout, Org: data.Org, Statement: data.Statement,
		Sections: data.Ref.Template.Sections, Revisions: views, Titles: titles, Current: data.Entry.Version, BaseURL: data.BaseURL, CanEdit: data.CanEdit}
	if older != nil {
		page.Older = revs[len(revs)-1].Version
	}
	s.render(c, http.StatusOK, "workbook/history.html", page)
	return nil
}

// handleWorkbookEntryRestoreConfirm asks before an old version (?version=N)
// replaces the current one, saying who saved it when, and that the
// current version stays in the history.
func (s *Server) handleWorkbookEntryRestoreConfirm(c *gin.Context) error {
	data, err := s.entryData(c)
	if err != nil {
		return err
	}
	if data.Entry == nil {
		return app.Errorf(app.ENotFound, "workbook.error.not_found")
	}
	v, err := strconv.Atoi(c.Query("version"))
	if err != nil || v < 1 || v >= data.Entry.Version {
		return app.Errorf(app.ENotFound, "workbook.error.not_found")
	}
	rev, err := s.Workbooks.Revision(c.Request.Context(), data.Org, data.Entry.ID, v)
	if err != nil {
		return err
	}
	loc := s.locale(c)
	page := &confirmPage{Layout: data.Layout,
		Title:    s.Catalog.T(loc, "workbook.restore.title", "version", v),
		Question: s.Catalog.T(loc, "workbook.restore.confirm", "version", v, "current", data.Entry.Version),
		Details: []confirmDetail{{s.Catalog.T(loc, "workbook.restore.saved"),
			s.Catalog.T(loc, "workbook.saved_by", "name", rev.AuthorName, "date", formatDateTime(loc, rev.CreatedAt, data.Org.TimeZone))}},
		Note:   s.Catalog.T(loc, "workbook.restore.note", "current", data.Entry.Version),
		Action: data.BaseURL + "/restore", Fields: map[string]string{"restore": strconv.Itoa(v), "version": strconv.Itoa(data.Entry.Version)},
		Submit: s.Catalog.T(loc, "workbook.restore", "version", v), Back: data.BaseURL + "/history"}
	page.Breadcrumbs = append(append([]Crumb{}, data.Breadcrumbs[:len(data.Breadcrumbs)-1]...),
		Crumb{Label: data.Statement.Title, URL: data.BaseURL}, Crumb{Label: s.Catalog.T(loc, "workbook.history"), URL: data.BaseURL + "/history"},
		Crumb{Label: page.Title})
	s.renderConfirm(c, page)
	return nil
}

func (s *Server) handleWorkbookEntryRestore(c *gin.Context) error {
	data, err := s.entryData(c)
	if err != nil {
		return err
	}
	if data.Entry == nil {
		return app.Errorf(app.ENotFound, "workbook.error.not_found")
	}
	v, _ := strconv.Atoi(c.PostForm("restore"))
	base, _ := strconv.Atoi(c.PostForm("version"))
	if _, err := s.Workbooks.RestoreEntry(c.Request.Context(), data.Org, app.ActorFrom(c.Request.Context()), data.Entry.ID, v, base); err != nil {
		return err
	}
	s.setFlash(c, "workbook.restored", "version", v)
	c.Redirect(http.StatusSeeOther, data.BaseURL)
	return nil
}
