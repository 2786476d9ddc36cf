package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/workbook"
)

// maxImport is the largest chapter text accepted, pasted or uploaded.
const maxImport = workbook.MaxImportBytes

type importPage struct {
	formPage
	Org      *org.Organisation
	Ref      workbookRef
	Parsed   *workbook.ParsedChapter
	Sections map[string]string // key → question
	Action   string
	Tables   string // the Word document's tables, sent back with the text (workbook.ChapterSource.TablesToken)
}

func (s *Server) importData(c *gin.Context) (*importPage, error) {
	ref, _, err := s.loadWorkbook(c, noEntries)
	if err != nil {
		return nil, err
	}
	o := orgOf(c)
	data := &importPage{Org: o, Ref: ref, Sections: map[string]string{},
		Action: "/o/" + o.Slug + "/workbooks/" + strconv.FormatInt(ref.Workbook.ID, 10) + "/import"}
	for _, sec := range ref.Template.Sections {
		data.Sections[sec.Key] = sec.Title
	}
	data.Values = map[string]string{}
	data.Layout = Layout{Nav: "workbooks", Breadcrumbs: []Crumb{
		{Label: s.Catalog.T(s.locale(c), "workbook.title.plural"), URL: "/o/" + o.Slug + "/workbooks"},
		{Label: ref.Template.Name, URL: "/o/" + o.Slug + "/workbooks/" + strconv.FormatInt(ref.Workbook.ID, 10)},
		{Label: s.Catalog.T(s.locale(c), "workbook.import.title")}}}
	return data, nil
}

func (s *Server) handleWorkbookImportForm(c *gin.Context) error {
	data, err := s.importData(c)
	if err != nil {
		return err
	}
	s.render(c, http.StatusOK, "workbook/import.html", data)
	return nil
}

// handleWorkbookImport previews or imports a filled-in chapter, pasted, or
// uploaded as a Word document (whose tables become goals, measures and
// tables in the answers) or as UTF-8 text. Nothing is saved until the
// user has seen the preview and chosen to import; the text stays in the
// form throughout, and a Word document's tables with it (a browser does
// not send the chosen file again): they are used only with the text they
// were read with.
func (s *Server) handleWorkbookImport(c *gin.Context) error {
	data, err := s.importData(c)
	if err != nil {
		return err
	}
	src := workbook.ChapterWithTables(c.PostForm("text"), c.PostForm("tables"))
	b, found, err := readUpload(c, "file", workbook.MaxImportFileBytes)
	if err != nil {
		return err
	}
	if found && len(b) > 0 {
		if src, err = workbook.ReadChapterFile(b); err != nil {
			if ae := app.AsError(err); ae == nil || !data.fail(s, c, ae.WithField("file")) {
				return err
			}
			s.render(c, http.StatusUnprocessableEntity, "workbook/import.html", data)
			return nil
		}
	}
	src.T = s.Catalog.T
	text := src.Text
	if len(text) > maxImport { // not sent back: the user still has it
		data.fail(s, c, app.Errorf(app.EInvalid, "workbook.import.error.too_long", "max", maxImport>>20).WithField("text"))
		s.render(c, http.StatusUnprocessableEntity, "workbook/import.html", data)
		return nil
	}
	data.Values["text"] = text
	data.Tables = src.TablesToken()
	preview := c.PostForm("import") == ""
	networks, _ := s.Orgs.MemberNetworks(c.Request.Context(), data.Org)
	data.Parsed, err = s.Workbooks.ImportChapter(c.Request.Context(), data.Org, networks, app.ActorFrom(c.Request.Context()),
		data.Ref.Workbook.ID, src, preview)
	if err != nil {
		ae := app.AsError(err)
		if ae == nil || !data.fail(s, c, ae.WithField("text")) {
			return err
		}
		s.render(c, http.StatusUnprocessableEntity, "workbook/import.html", data)
		return nil
	}
	if preview {
		s.render(c, http.StatusOK, "workbook/import.html", data)
		return nil
	}
	n := 0
	for _, ps := range data.Parsed.Statements {
		if ps.Found && len(ps.Answers) > 0 {
			n++
		}
	}
	s.setFlashN(c, "workbook.import.done", n)
	c.Redirect(http.StatusSeeOther, "/o/"+data.Org.Slug+"/workbooks/"+strconv.FormatInt(data.Ref.Workbook.ID, 10))
	return nil
}
