package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/files"
	"github.com/samvirke/samvirke/internal/plan"
)

// maxPlanImportBody fits a plan's file with the multipart envelope
// around it, or a preview sent back (its rows as JSON, which is never
// much larger than the file they were read from): 8 MiB, the most any
// route takes.
var maxPlanImportBody = plan.ImportLimits.MaxBytes * 2

// planIORoutes registers the import of an action plan from a file in
// Tierp's layout and its export to XLSX, CSV, Word and PDF.
func (s *Server) planIORoutes() {
	s.org("GET", "/o/:org/plans/:plan/import", authz.ContentWrite, municipal(s.handlePlanImportForm))
	s.org("POST", "/o/:org/plans/:plan/import", authz.ContentWrite, municipal(s.handlePlanImport), maxBody(maxPlanImportBody))
	s.org("GET", "/o/:org/plans/:plan/export/:format", authz.ContentRead, municipal(s.handlePlanExport))
}

// planImportPage is the import: a file, then a preview of every row
// read (flags visible), then the import. A file with any problem is
// refused whole, each problem named by row and column.
type planImportPage struct {
	formPage
	Base     string // the plan's URL
	Tree     *plan.Tree
	Import   *plan.Import // the preview
	Data     string       // the preview as the confirm form sends it back
	Rev      int          // the plan's revision the preview is beside
	Problems []string
	Counts   [3]int // areas, goals, measures
	Flagged  int    // timelines that cannot be read
}

func (s *Server) planImportData(c *gin.Context) (*planImportPage, error) {
	t, err := s.editableTree(c)
	if err != nil {
		return nil, err
	}
	o, l := orgOf(c), s.locale(c)
	data := &planImportPage{Base: planURL(o, t.Plan.ID), Tree: t, Rev: t.Plan.Rev}
	data.Values = map[string]string{}
	data.Layout = Layout{Nav: "plans", Breadcrumbs: []Crumb{
		{Label: s.Catalog.T(l, "plan.title.plural"), URL: "/o/" + o.Slug + "/plans"},
		{Label: t.Plan.Title, URL: data.Base}, {Label: s.Catalog.T(l, "plan_io.import.title")}}}
	return data, nil
}

func (s *Server) handlePlanImportForm(c *gin.Context) error {
	data, err := s.planImportData(c)
	if err != nil {
		return err
	}
	s.render(c, http.StatusOK, "plan/import.html", data)
	return nil
}

// handlePlanImport reads the uploaded file into a preview, or, with
// "confirm", writes the preview sent back (checked again) into the plan.
func (s *Server) handlePlanImport(c *gin.Context) error {
	data, err := s.planImportData(c)
	if err != nil {
		return err
	}
	ctx, loc, o := c.Request.Context(), s.locale(c), orgOf(c)
	if c.PostForm("confirm") != "" {
		var im plan.Import
		err := json.Unmarshal([]byte(c.PostForm("data")), &im)
		if err != nil {
			err = app.Errorf(app.EInvalid, "plan_io.error.preview_changed")
		} else {
			var res plan.ImportResult
			res, err = s.Plans.Import(ctx, o, app.ActorFrom(ctx), data.Tree.Plan.ID, atoi(c.PostForm("rev")), &im)
			if err == nil {
				s.setFlash(c, "plan_io.imported", "areas", res.Areas, "goals", res.Goals, "measures", res.Measures)
				c.Redirect(http.StatusSeeOther, data.Base+"?view=table")
				return nil
			}
		}
		if app.ErrorCode(err) == app.EConflict {
			err = app.Errorf(app.EConflict, "plan_io.error.stale")
		}
		if ae := app.AsError(err); ae == nil || !data.fail(s, c, ae.WithField("file")) {
			return err
		}
		s.render(c, statusOf(app.ErrorCode(err)), "plan/import.html", data)
		return nil
	}
	b, found, err := readUpload(c, "file", int(plan.ImportLimits.MaxBytes))
	if err != nil {
		return err
	}
	if !found || len(b) == 0 {
		data.fail(s, c, app.Errorf(app.EInvalid, "plan_io.error.no_file").WithField("file"))
		s.render(c, http.StatusUnprocessableEntity, "plan/import.html", data)
		return nil
	}
	im, probs, err := s.Plans.ReadImportFile(c.Request.Context(), app.ActorFrom(c.Request.Context()), b)
	if err != nil {
		if data.fail(s, c, err) {
			s.render(c, statusOf(app.ErrorCode(err)), "plan/import.html", data)
			return nil
		}
		return err
	}
	if len(probs) > 0 {
		t := func(key string, args ...any) string { return s.Catalog.T(loc, key, args...) }
		for _, p := range probs {
			data.Problems = append(data.Problems, p.Message(t))
		}
		data.Errors = map[string]string{"file": s.Catalog.T(loc, "plan_io.error.problems")}
		s.render(c, http.StatusUnprocessableEntity, "plan/import.html", data)
		return nil
	}
	js, err := json.Marshal(im)
	if err != nil {
		return err
	}
	data.Import, data.Data = im, string(js)
	data.Counts[0], data.Counts[1], data.Counts[2] = im.Counts()
	for _, a := range im.Areas {
		for _, r := range a.Rows {
			if r.TimelineUnread() {
				data.Flagged++
			}
		}
	}
	s.render(c, http.StatusOK, "plan/import.html", data)
	return nil
}

// handlePlanExport sends the plan in Tierp's layout as XLSX, CSV, Word
// or PDF, in the reader's language, and records the export.
func (s *Server) handlePlanExport(c *gin.Context) error {
	format := c.Param("format")
	ctype, ok := plan.ExportFormats[format]
	if !ok {
		return app.Errorf(app.ENotFound, "error.not_found.text")
	}
	t, err := s.planTree(c)
	if err != nil {
		return err
	}
	loc, now := s.locale(c), s.Clock.Now()
	texts := func(key string, args ...any) string { return s.Catalog.T(loc, key, args...) }
	var buf bytes.Buffer
	switch format {
	case "xlsx":
		err = t.WriteXLSX(&buf, texts, loc)
	case "csv":
		err = t.WriteCSV(&buf, texts, loc)
	case "docx":
		err = t.Document(loc, texts, now).WriteDOCX(&buf)
	case "pdf":
		err = t.Document(loc, texts, now).WritePDF(&buf)
	}
	if err != nil {
		return err
	}
	detail := map[string]string{"format": format, "what": "plan", "plan": strconv.FormatInt(t.Plan.ID, 10)}
	if err := s.Orgs.Record(c.Request.Context(), orgOf(c), audit.Export, t.Plan.Title, detail); err != nil {
		return err
	}
	c.Header("Content-Disposition", files.ContentDisposition("attachment", plan.ExportName(t.Plan, now, format)))
	c.Data(http.StatusOK, ctype, buf.Bytes())
	return nil
}
