package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/boombuler/barcode/qr"
	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/survey"
)

// surveyRespondentRoutes registers the respondent's pages: a single-use
// link opens the questionnaire without an account. They are anonymous
// (Route.Anonymous): no client address in the access log, the token only
// as the route's pattern, no session, no stored rate-limit key.
func (s *Server) surveyRespondentRoutes() {
	s.public("GET", "/r/:token", s.handleRespond, anonymous())
	s.public("POST", "/r/:token", s.handleRespondSubmit, anonymous(), maxBody(256<<10))
}

type respondPage struct {
	formPage
	Org   string
	Title string
	Langs []survey.LanguageInfo
	Form  *answerForm
	// State is "form", "used" (the link was used before), "closed",
	// "thanks".
	State string
	Token string
	// UsedTexts are the questionnaire's «used» text in each of its
	// languages, for a link used before (the respondent's language is
	// not known then).
	UsedTexts []usedText
}

type usedText struct {
	survey.LanguageInfo
	Text string
}

func (s *Server) handleRespond(c *gin.Context) error {
	return s.renderRespond(c, http.StatusOK, &respondPage{}, "")
}

// renderRespond shows the questionnaire behind the link in the language
// asked for (?lang=, the form's lang), or its first; state overrides the
// link's own.
func (s *Server) renderRespond(c *gin.Context, status int, data *respondPage, state string) error {
	token := c.Param("token")
	rsp, err := s.Surveys.Link(c.Request.Context(), token)
	if err != nil {
		return err
	}
	content := rsp.Content()
	lang := c.Query("lang")
	if lang == "" {
		lang = c.PostForm("lang")
	}
	if !content.Has(lang) {
		lang = content.Base()
	}
	data.Org, data.Title, data.Token = rsp.Org.Name, rsp.Round.Title, token
	for _, code := range content.Languages {
		info, _ := survey.LanguageOf(code)
		data.Langs = append(data.Langs, info)
	}
	// The interface's own texts (skip link, errors of the platform) are in
	// the organisation's language; the respondent's come from the
	// questionnaire in the chosen one.
	ui := rsp.Org.Locale
	if survey.Interface(lang) {
		ui = lang
	}
	data.Form = s.answerForm(content, lang, ui, data.Values, data.Errors)
	data.Form.Action = "/r/" + token
	switch {
	case state != "":
		data.State = state
	case rsp.Used:
		data.State, status = "used", http.StatusGone
	case !rsp.Round.Open():
		data.State, status = "closed", http.StatusGone
	default:
		data.State = "form"
	}
	if data.State == "used" {
		for _, info := range data.Langs {
			t := content.Text(survey.TextUsed, info.Code)
			if t == "" && survey.Interface(info.Code) {
				t = s.Catalog.T(info.Code, "survey.respondent.used")
			}
			if t != "" {
				data.UsedTexts = append(data.UsedTexts, usedText{LanguageInfo: info, Text: t})
			}
		}
	}
	dir := ""
	if data.Form.Lang.RTL {
		dir = "rtl"
	}
	data.Layout = Layout{Locale: ui, Lang: lang, Dir: dir, Bare: true}
	c.Header("Cache-Control", "no-store")
	c.Header("Referrer-Policy", "no-referrer")
	s.render(c, status, "survey/respond.html", data)
	return nil
}

// handleRespondSubmit stores a respondent's answers; a refused form comes
// back as answered, with the problem in the respondent's language.
func (s *Server) handleRespondSubmit(c *gin.Context) error {
	a, vals := answersOf(c)
	err := s.Surveys.Submit(c.Request.Context(), c.Param("token"), a)
	switch {
	case err == nil:
		return s.renderRespond(c, http.StatusOK, &respondPage{}, "thanks")
	case err == survey.ErrLinkUsed:
		return s.renderRespond(c, http.StatusGone, &respondPage{}, "used")
	case err == survey.ErrRoundClosed:
		return s.renderRespond(c, http.StatusGone, &respondPage{}, "closed")
	}
	ae := app.AsError(err)
	if ae == nil || ae.Code != app.EInvalid {
		return err
	}
	data := &respondPage{formPage: formPage{Values: vals, Errors: map[string]string{}}}
	return s.renderRespondInvalid(c, data, ae)
}

// renderRespondInvalid shows the form again with the questionnaire's own
// «missing» text at the field (in a language the interface does not
// speak, the catalogue cannot say it).
func (s *Server) renderRespondInvalid(c *gin.Context, data *respondPage, ae *app.Error) error {
	rsp, err := s.Surveys.Link(c.Request.Context(), c.Param("token"))
	if err != nil {
		return err
	}
	lang := c.PostForm("lang")
	content := rsp.Content()
	if !content.Has(lang) {
		lang = content.Base()
	}
	msg := content.Text(survey.TextMissing, lang)
	if survey.Interface(lang) {
		msg = s.Catalog.T(lang, ae.Key, argsOf(ae)...)
	}
	field := ae.Field
	if field == "answers" {
		field = ""
	}
	data.Errors[field] = msg
	return s.renderRespond(c, http.StatusUnprocessableEntity, data, "")
}

// qrSVG draws url as a QR code in SVG (medium error correction), one
// path of unit squares, for printing beside the link.
func qrSVG(url string) template.HTML {
	code, err := qr.Encode(url, qr.M, qr.Auto)
	if err != nil {
		return ""
	}
	n := code.Bounds().Dx()
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="-4 -4 ` + strconv.Itoa(n+8) + ` ` + strconv.Itoa(n+8) +
		`" class="qr" role="img" aria-hidden="true" shape-rendering="crispEdges"><rect x="-4" y="-4" width="100%" height="100%" fill="#fff"/><path fill="#000" d="`)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if r, _, _, _ := code.At(x, y).RGBA(); r == 0 {
				b.WriteString("M" + strconv.Itoa(x) + " " + strconv.Itoa(y) + "h1v1h-1z")
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return template.HTML(b.String()) //nolint:gosec // built above from numbers only
}
