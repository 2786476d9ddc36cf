package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/workbook"
)

type templateEditPage struct {
	formPage
	Org *org.Organisation
}

// networkOnly answers the request's organisation when it is a network;
// anywhere else the page does not exist.
func (s *Server) networkOnly(c *gin.Context) (*org.Organisation, error) {
	o := orgOf(c)
	if o.Kind != org.KindNetwork {
		return nil, app.Errorf(app.ENotFound, "error.not_found.text")
	}
	return o, nil
}

// handleWorkbookTemplateForm offers a new template, or a new version of an
// existing one (?from=ID) to edit: its outline and its sections.
func (s *Server) handleWorkbookTemplateForm(c *gin.Context) error {
	o, err := s.networkOnly(c)
	if err != nil {
		return err
	}
	data := &templateEditPage{Org: o, formPage: formPage{Values: map[string]string{}}}
	var secs []*workbook.Section
	for i, k := range workbook.DefaultSections {
		secs = append(secs, &workbook.Section{Key: k, Title: workbook.DefaultSectionTitles[k], Position: i + 1})
	}
	if from, err := strconv.ParseInt(c.Query("from"), 10, 64); err == nil {
		t, err := s.Workbooks.Template(c.Request.Context(), o, from)
		if err != nil {
			return err
		}
		data.Values["name"], data.Values["outline"] = t.Name, workbook.FormatOutline(t)
		secs = t.Sections
	}
	data.Values["sections"] = workbook.FormatSections(secs)
	data.Layout.Nav = "workbooks"
	s.render(c, http.StatusOK, "workbook/template_edit.html", data)
	return nil
}

// handleWorkbookTemplateCreate saves the outline as a new version of the named
// template; existing versions and what municipalities wrote stay as they
// are.
func (s *Server) handleWorkbookTemplateCreate(c *gin.Context) error {
	o, err := s.networkOnly(c)
	if err != nil {
		return err
	}
	data := &templateEditPage{Org: o, formPage: formPage{Values: map[string]string{
		"name": strings.TrimSpace(c.PostForm("name")), "outline": c.PostForm("outline"), "sections": c.PostForm("sections")}}}
	data.Layout.Nav = "workbooks"
	spec := workbook.TemplateSpec{Name: data.Values["name"]}
	var t *workbook.Template
	if spec.Chapters, err = workbook.ParseOutline(data.Values["outline"]); err == nil {
		if spec.Sections, err = workbook.ParseSections(data.Values["sections"]); err == nil {
			t, err = s.Workbooks.CreateTemplate(c.Request.Context(), o, spec)
		}
	}
	if err != nil {
		if !data.fail(s, c, err) {
			return err
		}
		s.render(c, http.StatusUnprocessableEntity, "workbook/template_edit.html", data)
		return nil
	}
	s.setFlash(c, "workbook.template.saved", "name", t.Name, "version", t.Version)
	c.Redirect(http.StatusSeeOther, "/o/"+o.Slug+"/workbooks")
	return nil
}

// handleWorkbookTemplatePublish publishes a version into a cycle. The
// page offers two separate forms: "start" set starts a new cycle (every
// member gets a new, empty workbook); without it the version is added to a
// running cycle, whose workbooks move onto it with every answer as it is
// (see workbook.Publish).
func (s *Server) handleWorkbookTemplatePublish(c *gin.Context) error {
	o, err := s.networkOnly(c)
	if err != nil {
		return err
	}
	id, err := pathID(c, "template")
	if err != nil {
		return err
	}
	p := workbook.Publication{Cycle: strings.TrimSpace(c.PostForm("cycle")), Start: c.PostForm("start") == "1"}
	out, err := s.Workbooks.Publish(c.Request.Context(), o, id, p)
	if err != nil {
		return err
	}
	if p.Start {
		s.setFlashN(c, "workbook.template.published", len(out.Made), "cycle", p.Cycle)
	} else {
		s.setFlashN(c, "workbook.template.grown", out.Moved, "cycle", p.Cycle, "made", len(out.Made))
	}
	c.Redirect(http.StatusSeeOther, "/o/"+o.Slug+"/workbooks")
	return nil
}
