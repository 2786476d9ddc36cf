package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/workbook"
)

// handleAPIWorkbooks lists the municipality's workbooks.
func (s *Server) handleAPIWorkbooks(c *gin.Context) error {
	o := orgOf(c)
	books, err := s.Workbooks.Workbooks(c.Request.Context(), o)
	if err != nil {
		return err
	}
	if books == nil {
		books = []*workbook.Workbook{}
	}
	c.JSON(http.StatusOK, gin.H{"workbooks": books})
	return nil
}

// handleAPIWorkbook answers a workbook with its template (chapters,
// statements, sections) and the municipality's entries.
func (s *Server) handleAPIWorkbook(c *gin.Context) error {
	ref, entries, err := s.loadWorkbook(c, allEntries)
	if err != nil {
		return err
	}
	list := make([]*workbook.Entry, 0, len(entries))
	for _, e := range entries {
		list = append(list, e)
	}
	c.JSON(http.StatusOK, gin.H{"workbook": ref.Workbook, "network": ref.Network.Slug, "template": ref.Template, "entries": list})
	return nil
}

// apiSave is the body of PUT …/statements/{statement}.
type apiSave struct {
	Content    workbook.Content `json:"content"`
	Visibility string           `json:"visibility"`
	Version    int              `json:"version"` // the version the change is based on; 0 for a new entry
}

// handleAPIWorkbookEntrySave saves an answer. A stale version answers 409 with the
// current entry in the problem's detail and nothing written.
func (s *Server) handleAPIWorkbookEntrySave(c *gin.Context) error {
	ref, _, err := s.loadWorkbook(c, noEntries)
	if err != nil {
		return err
	}
	sid, err := pathID(c, "statement")
	if err != nil {
		return err
	}
	if _, st := ref.Template.Statement(sid); st == nil {
		return app.Errorf(app.ENotFound, "workbook.error.not_found")
	}
	var body apiSave
	if err := bindJSON(c, &body); err != nil {
		return err
	}
	if body.Content.Answers == nil {
		body.Content.Answers = map[string]string{}
	}
	e, err := s.Workbooks.SaveEntry(c.Request.Context(), orgOf(c), app.ActorFrom(c.Request.Context()), workbook.Save{
		WorkbookID: ref.Workbook.ID, StatementID: sid, Content: body.Content, Visibility: body.Visibility, BaseVersion: body.Version})
	if err != nil {
		return err
	}
	c.Header("Location", c.Request.URL.Path)
	c.Header("ETag", strconv.Itoa(e.Version))
	c.JSON(http.StatusOK, e)
	return nil
}

// handleAPIWorkbookTemplates lists workbook templates: a network's own, or those
// of the networks a municipality belongs to.
func (s *Server) handleAPIWorkbookTemplates(c *gin.Context) error {
	out, err := s.Workbooks.Templates(c.Request.Context(), orgOf(c))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"templates": out})
	return nil
}
