package web

import (
	"encoding/base64"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/tabular"
)

type indicatorImportRow struct {
	Row                            int
	Code, Period, Category, Figure string
	Source, AsOf, Note             string
	Preliminary                    bool
}

type indicatorImportPage struct {
	formPage
	Org      *org.Organisation
	Base     string
	Problems []string
	Rows     []indicatorImportRow
	Data     string // the file read, in base64, sent back to confirm
}

func (s *Server) handleIndicatorImportForm(c *gin.Context) error {
	return s.renderIndicatorImport(c, http.StatusOK, &indicatorImportPage{})
}

func (s *Server) renderIndicatorImport(c *gin.Context, status int, data *indicatorImportPage) error {
	o, l := orgOf(c), s.locale(c)
	data.Org, data.Base = o, indicatorsURL(o)
	data.Layout = s.indicatorCrumbs(c, Crumb{Label: s.Catalog.T(l, "indicator.import.title")})
	s.render(c, status, "indicator/import.html", data)
	return nil
}

// handleIndicatorImport reads an uploaded file into a preview (nothing
// written), or with «confirm» saves the file sent back, all or nothing.
// Every problem names its row and column.
func (s *Server) handleIndicatorImport(c *gin.Context) error {
	o, ctx, l := orgOf(c), c.Request.Context(), s.locale(c)
	data := &indicatorImportPage{}
	confirm := c.PostForm("confirm") != ""
	var b []byte
	if confirm {
		var err error
		if b, err = base64.StdEncoding.DecodeString(c.PostForm("data")); err != nil || len(b) == 0 {
			data.fail(s, c, app.Errorf(app.EInvalid, "indicator.import.no_file").WithField("file"))
			return s.renderIndicatorImport(c, http.StatusUnprocessableEntity, data)
		}
	} else {
		var found bool
		var err error
		if b, found, err = readUpload(c, "file", int(indicator.ImportLimits.MaxBytes)); err != nil {
			return err
		}
		if !found || len(b) == 0 {
			data.fail(s, c, app.Errorf(app.EInvalid, "indicator.import.no_file").WithField("file"))
			return s.renderIndicatorImport(c, http.StatusUnprocessableEntity, data)
		}
	}
	res, err := s.Indicators.Import(ctx, o, app.ActorFrom(ctx).UserID, b, confirm)
	var ps tabular.Problems
	switch {
	case errors.As(err, &ps):
		t := func(key string, args ...any) string { return s.Catalog.T(l, key, args...) }
		for _, p := range ps {
			data.Problems = append(data.Problems, p.Message(t))
		}
		data.Errors = map[string]string{"file": s.Catalog.T(l, "indicator.import.problems")}
		return s.renderIndicatorImport(c, http.StatusUnprocessableEntity, data)
	case err != nil:
		if ae := app.AsError(err); ae != nil && data.fail(s, c, ae.WithField("file")) {
			return s.renderIndicatorImport(c, statusOf(app.ErrorCode(err)), data)
		}
		return err
	}
	if confirm {
		return s.doneTo(c, indicatorsURL(o), "indicator.import.done", "n", res.Changed)
	}
	for _, r := range res.Rows {
		e := r.Entry
		row := indicatorImportRow{Row: r.Row, Code: e.Code, Period: e.Period, Category: e.Category, Note: e.Note,
			Source: s.Catalog.T(l, "indicator.source."+e.Source), Preliminary: e.Final != nil && !*e.Final}
		switch {
		case e.Rate != nil:
			row.Figure = i18n.FormatNumber(l, *e.Rate, -1) + " %"
		case e.Num != nil && e.Den != nil:
			row.Figure = i18n.FormatNumber(l, *e.Num, -1) + "/" + i18n.FormatNumber(l, *e.Den, -1)
		case e.Num != nil:
			row.Figure = i18n.FormatNumber(l, *e.Num, -1)
		default:
			row.Figure = s.Catalog.T(l, "indicator.state."+e.State)
		}
		if e.AsOf != nil {
			row.AsOf = i18n.FormatDate(l, *e.AsOf)
		}
		data.Rows = append(data.Rows, row)
	}
	data.Data = base64.StdEncoding.EncodeToString(b)
	return s.renderIndicatorImport(c, http.StatusOK, data)
}
