package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/workbook"
)

// MaxMeasureImportBody fits an action plan's file with the multipart
// envelope around it, or a preview's rows sent back.
var MaxMeasureImportBody = workbook.ImportLimits.MaxBytes + 64<<10

// measureImportPage adds measures from an action plan (CSV, XLSX, Word)
// to one answer: a file, then a preview of every measure read, then the
// import. A file with any problem is refused whole, each problem named
// by row and column as the spreadsheet shows them.
type measureImportPage struct {
	formPage
	Entry    *entryPage
	Action   string
	Rows     []workbook.MeasureRow // the preview
	Problems []string              // the file's problems, in the reader's words
	Version  int                   // the answer's version the preview is beside
	Statuses []string
}

func (s *Server) measureImportData(c *gin.Context) (*measureImportPage, error) {
	e, err := s.entryData(c)
	if err != nil {
		return nil, err
	}
	data := &measureImportPage{Entry: e, Action: e.BaseURL + "/measures/import", Statuses: statuses}
	if e.Entry != nil {
		data.Version = e.Entry.Version
	}
	data.Layout = e.Layout
	data.Breadcrumbs = append(append([]Crumb{}, e.Breadcrumbs[:len(e.Breadcrumbs)-1]...),
		Crumb{Label: e.Statement.Title, URL: e.BaseURL}, Crumb{Label: s.Catalog.T(s.locale(c), "workbook.measures_import.title")})
	data.Values = map[string]string{}
	return data, nil
}

func (s *Server) handleWorkbookMeasureImportForm(c *gin.Context) error {
	data, err := s.measureImportData(c)
	if err != nil {
		return err
	}
	s.render(c, http.StatusOK, "workbook/measure_import.html", data)
	return nil
}

// handleWorkbookMeasureImport reads the uploaded file into a preview, or,
// with "import", adds the previewed rows (sent back as hidden fields and
// checked again) to the answer.
func (s *Server) handleWorkbookMeasureImport(c *gin.Context) error {
	data, err := s.measureImportData(c)
	if err != nil {
		return err
	}
	ctx, loc := c.Request.Context(), s.locale(c)
	actor := app.ActorFrom(ctx)
	if c.PostForm("import") != "" {
		data.Rows = previewRows(c)
		base, _ := strconv.Atoi(c.PostForm("version"))
		n := len(data.Rows)
		_, err := s.Workbooks.ImportMeasures(ctx, data.Entry.Org, actor, data.Entry.Ref.Workbook.ID, data.Entry.Statement.ID, base, data.Rows)
		if err != nil {
			if !data.fail(s, c, err) {
				return err
			}
			if app.ErrorCode(err) == app.EConflict {
				data.Errors = map[string]string{"file": s.Catalog.T(loc, "workbook.measures_import.error.changed")}
				data.Rows = nil
			}
			s.render(c, http.StatusUnprocessableEntity, "workbook/measure_import.html", data)
			return nil
		}
		s.setFlashN(c, "workbook.measures_import.done", n)
		c.Redirect(http.StatusSeeOther, data.Entry.BaseURL+"#measures")
		return nil
	}
	b, found, err := readUpload(c, "file", int(workbook.ImportLimits.MaxBytes))
	if err != nil {
		return err
	}
	if !found || len(b) == 0 {
		data.fail(s, c, app.Errorf(app.EInvalid, "workbook.measures_import.error.no_file").WithField("file"))
		s.render(c, http.StatusUnprocessableEntity, "workbook/measure_import.html", data)
		return nil
	}
	rows, probs, err := s.Workbooks.ReadMeasureFile(ctx, actor, b, s.Catalog.T)
	if ae := app.AsError(err); err != nil {
		if ae == nil || !data.fail(s, c, ae.WithField("file")) {
			return err
		}
		s.render(c, http.StatusTooManyRequests, "workbook/measure_import.html", data)
		return nil
	}
	if len(probs) > 0 {
		t := func(key string, args ...any) string { return s.Catalog.T(loc, key, args...) }
		for _, p := range probs {
			data.Problems = append(data.Problems, p.Message(t))
		}
		data.Errors = map[string]string{"file": s.Catalog.N(loc, "workbook.measures_import.error.problems", len(probs))}
		s.render(c, http.StatusUnprocessableEntity, "workbook/measure_import.html", data)
		return nil
	}
	// Days the page's language's way; the import reads them back.
	for i := range rows {
		if d, ok := i18n.ParseDate(rows[i].Deadline); ok {
			rows[i].Deadline = i18n.FormatDateInput(loc, d)
		}
	}
	data.Rows = rows
	s.render(c, http.StatusOK, "workbook/measure_import.html", data)
	return nil
}

// previewRows reads back the preview's rows (row.N.description and so
// on), at most workbook.MaxMeasures+1 of them: one more than an answer
// holds, so that too many is refused rather than cut short.
func previewRows(c *gin.Context) []workbook.MeasureRow {
	var rows []workbook.MeasureRow
	for i := 0; i <= workbook.MaxMeasures; i++ {
		p := "row." + strconv.Itoa(i) + "."
		d, ok := c.GetPostForm(p + "description")
		if !ok {
			break
		}
		line, _ := strconv.Atoi(c.PostForm(p + "line"))
		rows = append(rows, workbook.MeasureRow{Row: line, MeasureInput: workbook.MeasureInput{Description: d,
			Responsible: c.PostForm(p + "responsible"), Deadline: c.PostForm(p + "deadline"),
			Status: c.PostForm(p + "status"), Notes: c.PostForm(p + "notes")}})
	}
	return rows
}
