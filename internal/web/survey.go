package web

import (
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/chart"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/plan"
	"github.com/samvirke/samvirke/internal/survey"
)

// surveyRoutes registers the integration survey's pages. A municipality
// and a network write questionnaires (editors, coordinators); a
// municipality opens rounds, makes respondent links, reads its rose and
// follows up low axes (editors); interviewers enter answers (StatusWrite:
// editors and contributors); a network's coordinators read the members'
// roses, protected below the threshold.
func (s *Server) surveyRoutes() {
	s.org("GET", "/o/:org/surveys", authz.ContentRead, s.handleSurveys)
	s.org("POST", "/o/:org/surveys/questionnaires", authz.ContentWrite, s.handleQuestionnaireCreate)
	s.org("GET", "/o/:org/surveys/questionnaires/:questionnaire", authz.ContentRead, s.handleQuestionnaire)
	s.org("POST", "/o/:org/surveys/questionnaires/:questionnaire", authz.ContentWrite, s.handleQuestionnaireSave, maxBody(512<<10))
	s.org("POST", "/o/:org/surveys/questionnaires/:questionnaire/languages", authz.ContentWrite, s.handleQuestionnaireLanguages)
	s.org("POST", "/o/:org/surveys/questionnaires/:questionnaire/status", authz.ContentWrite, s.handleQuestionnaireStatus)
	s.org("GET", "/o/:org/surveys/questionnaires/:questionnaire/translate/:lang", authz.ContentWrite, s.handleQuestionnaireTranslate)
	s.org("POST", "/o/:org/surveys/questionnaires/:questionnaire/translate/:lang", authz.ContentWrite, s.handleQuestionnaireTranslateSave, maxBody(512<<10))
	s.org("GET", "/o/:org/surveys/questionnaires/:questionnaire/results", authz.ContentRead, s.handleQuestionnaireResults)
	s.org("POST", "/o/:org/surveys/rounds", authz.ContentWrite, municipalOnly("survey.error.round_not_found", s.handleRoundOpen))
	s.org("GET", "/o/:org/surveys/rounds/:round", authz.ContentRead, municipalOnly("survey.error.round_not_found", s.handleSurveyRound))
	s.org("POST", "/o/:org/surveys/rounds/:round/links", authz.ContentWrite, municipalOnly("survey.error.round_not_found", s.handleSurveyLinks))
	s.org("GET", "/o/:org/surveys/rounds/:round/interview", authz.StatusWrite, municipalOnly("survey.error.round_not_found", s.handleSurveyInterview))
	s.org("POST", "/o/:org/surveys/rounds/:round/interview", authz.StatusWrite, municipalOnly("survey.error.round_not_found", s.handleSurveyInterviewSave), maxBody(256<<10))
	s.org("POST", "/o/:org/surveys/rounds/:round/close", authz.ContentWrite, municipalOnly("survey.error.round_not_found", s.handleSurveyRoundClose))
	s.org("POST", "/o/:org/surveys/rounds/:round/reopen", authz.ContentWrite, municipalOnly("survey.error.round_not_found", s.handleSurveyRoundReopen))
	s.org("POST", "/o/:org/surveys/rounds/:round/followups", authz.ContentWrite, municipalOnly("survey.error.round_not_found", s.handleSurveyFollowup))
}

func surveysURL(o *org.Organisation) string { return "/o/" + o.Slug + "/surveys" }

func questionnaireURL(o *org.Organisation, id int64) string {
	return surveysURL(o) + "/questionnaires/" + strconv.FormatInt(id, 10)
}

func surveyRoundURL(o *org.Organisation, id int64) string {
	return surveysURL(o) + "/rounds/" + strconv.FormatInt(id, 10)
}

// idParam reads a numeric path parameter; anything else is not found
// with key.
func idParam(c *gin.Context, name, key string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, app.Errorf(app.ENotFound, key)
	}
	return id, nil
}

func (s *Server) surveyCrumbs(c *gin.Context, o *org.Organisation, last ...Crumb) []Crumb {
	l := s.locale(c)
	return append([]Crumb{{Label: s.Catalog.T(l, "survey.title"), URL: surveysURL(o)}}, last...)
}

// --- index ---------------------------------------------------------------

type surveysPage struct {
	formPage
	Org            *org.Organisation
	Questionnaires []survey.Available
	Rounds         []survey.RoundSummary
	CanEdit        bool
	Municipality   bool
	Year           int
	Languages      []survey.LanguageInfo
}

func (s *Server) handleSurveys(c *gin.Context) error {
	return s.renderSurveys(c, http.StatusOK, &surveysPage{})
}

func (s *Server) renderSurveys(c *gin.Context, status int, data *surveysPage) error {
	o, ctx := orgOf(c), c.Request.Context()
	qs, err := s.Surveys.Questionnaires(ctx, o)
	if err != nil {
		return err
	}
	data.Org, data.Questionnaires, data.CanEdit = o, qs, s.allowed(c, authz.ContentWrite)
	data.Municipality = o.Kind == org.KindMunicipality
	data.Year = s.Clock.Now().In(o.Location()).Year()
	data.Languages = survey.Languages[:4]
	if data.Values == nil {
		data.Values = map[string]string{"year": strconv.Itoa(data.Year), "language": s.locale(c)}
	}
	if data.Municipality {
		if data.Rounds, err = s.Surveys.Rounds(ctx, o); err != nil {
			return err
		}
	}
	data.Layout = Layout{Nav: "indicators", Breadcrumbs: []Crumb{{Label: s.Catalog.T(s.locale(c), "survey.title")}}}
	s.render(c, status, "survey/index.html", data)
	return nil
}

func (s *Server) handleQuestionnaireCreate(c *gin.Context) error {
	o := orgOf(c)
	in := survey.QuestionnaireInput{Title: c.PostForm("title"), Language: c.PostForm("language"), Standard: c.PostForm("start") != "empty"}
	q, err := s.Surveys.CreateQuestionnaire(c.Request.Context(), o, in)
	if err != nil {
		data := &surveysPage{formPage: formPage{Values: map[string]string{"title": in.Title, "language": in.Language, "start": c.PostForm("start")}}}
		if !data.fail(s, c, err) {
			return err
		}
		return s.renderSurveys(c, http.StatusUnprocessableEntity, data)
	}
	s.setFlash(c, "survey.questionnaire.created")
	c.Redirect(http.StatusSeeOther, questionnaireURL(o, q.ID))
	return nil
}

func (s *Server) handleRoundOpen(c *gin.Context) error {
	o := orgOf(c)
	vals := map[string]string{"round_title": c.PostForm("title"), "year": c.PostForm("year"), "questionnaire": c.PostForm("questionnaire")}
	in := survey.RoundInput{Title: vals["round_title"]}
	in.Year, _ = strconv.Atoi(strings.TrimSpace(vals["year"]))
	if a, b, ok := strings.Cut(vals["questionnaire"], "-"); ok {
		in.QuestionnaireOrgID, _ = strconv.ParseInt(a, 10, 64)
		in.QuestionnaireID, _ = strconv.ParseInt(b, 10, 64)
	}
	r, err := s.Surveys.OpenRound(c.Request.Context(), o, in)
	if err != nil {
		data := &surveysPage{formPage: formPage{Values: vals}}
		if ae := app.AsError(err); ae != nil && ae.Field == "title" {
			err = ae.WithField("round_title")
		}
		if !data.fail(s, c, err) {
			return err
		}
		return s.renderSurveys(c, http.StatusUnprocessableEntity, data)
	}
	s.setFlash(c, "survey.round.opened")
	c.Redirect(http.StatusSeeOther, surveyRoundURL(o, r.ID))
	return nil
}

// --- questionnaire editor ---------------------------------------------------

type questionnairePage struct {
	formPage
	Org       *org.Organisation
	Q         *survey.Questionnaire
	Base      survey.LanguageInfo
	Langs     []langView
	Others    []survey.LanguageInfo // languages that may be added
	CanEdit   bool
	Network   bool
	ReadyErr  string
	AxisNames map[string]string // axis key → name in the base language
}

// langView is one of a questionnaire's languages with what it still lacks.
type langView struct {
	survey.LanguageInfo
	Missing int
	Base    bool
}

func (s *Server) questionnaireOf(c *gin.Context) (*survey.Questionnaire, error) {
	id, err := idParam(c, "questionnaire", "survey.error.not_found")
	if err != nil {
		return nil, err
	}
	return s.Surveys.Questionnaire(c.Request.Context(), orgOf(c), id)
}

func (s *Server) handleQuestionnaire(c *gin.Context) error {
	q, err := s.questionnaireOf(c)
	if err != nil {
		return err
	}
	return s.renderQuestionnaire(c, http.StatusOK, &questionnairePage{Q: q})
}

func (s *Server) renderQuestionnaire(c *gin.Context, status int, data *questionnairePage) error {
	o, l := orgOf(c), s.locale(c)
	q := data.Q
	data.Org, data.CanEdit, data.Network = o, s.allowed(c, authz.ContentWrite) && q.Status != survey.StatusArchived, o.Kind == org.KindNetwork
	data.Base, _ = survey.LanguageOf(q.Content.Base())
	data.AxisNames = map[string]string{}
	for _, a := range q.Content.Axes {
		data.AxisNames[a.Key] = a.Names.In(q.Content.Base())
	}
	for i, code := range q.Content.Languages {
		info, _ := survey.LanguageOf(code)
		data.Langs = append(data.Langs, langView{LanguageInfo: info, Missing: len(q.Content.Missing(code)), Base: i == 0})
	}
	for _, li := range survey.Languages {
		if !q.Content.Has(li.Code) {
			data.Others = append(data.Others, li)
		}
	}
	if err := q.Content.Ready(); err != nil {
		if ae := app.AsError(err); ae != nil {
			data.ReadyErr = s.Catalog.T(l, ae.Key, argsOf(err)...)
		}
	}
	if data.Values == nil {
		data.Values = questionnaireValues(q)
	}
	data.Layout = Layout{Nav: "indicators", Breadcrumbs: s.surveyCrumbs(c, o, Crumb{Label: q.Title})}
	s.render(c, status, "survey/questionnaire.html", data)
	return nil
}

// questionnaireValues answers the editor's fields of q as stored.
func questionnaireValues(q *survey.Questionnaire) map[string]string {
	base := q.Content.Base()
	v := map[string]string{"title": q.Title, "rev": strconv.Itoa(q.Rev),
		"good_from": strconv.FormatFloat(q.Content.GoodFrom, 'f', -1, 64), "low_below": strconv.FormatFloat(q.Content.LowBelow, 'f', -1, 64)}
	for _, a := range q.Content.Axes {
		v["axis_"+a.Key+"_name"], v["axis_"+a.Key+"_indicator"] = a.Names.In(base), a.Indicator
	}
	for _, x := range q.Content.Questions {
		v["q_"+x.Key+"_text"], v["q_"+x.Key+"_axis"], v["q_"+x.Key+"_kind"] = x.Texts.In(base), x.Axis, x.Kind
	}
	return v
}

// handleQuestionnaireSave stores the editor: the title, the thresholds,
// each axis's name (in the base language) and indicator, each question's
// text, axis and kind, what is marked for removal, and a new axis or
// question when one is written. A refused save shows the form again as
// typed.
func (s *Server) handleQuestionnaireSave(c *gin.Context) error {
	q, err := s.questionnaireOf(c)
	if err != nil {
		return err
	}
	o := orgOf(c)
	_ = c.Request.ParseForm()
	vals := map[string]string{}
	for k, v := range c.Request.PostForm {
		if len(v) > 0 {
			vals[k] = v[0]
		}
	}
	rev, _ := strconv.Atoi(vals["rev"])
	saved, err := s.Surveys.Edit(c.Request.Context(), o, q.ID, rev, func(q *survey.Questionnaire) error {
		return applyEditor(q, vals)
	})
	if err != nil {
		data := &questionnairePage{formPage: formPage{Values: vals}, Q: q}
		if !data.fail(s, c, err) {
			return err
		}
		return s.renderQuestionnaire(c, statusOf(app.ErrorCode(err)), data)
	}
	s.setFlash(c, "survey.questionnaire.saved")
	c.Redirect(http.StatusSeeOther, questionnaireURL(o, saved.ID))
	return nil
}

// applyEditor writes the editor's fields vals into q.
func applyEditor(q *survey.Questionnaire, vals map[string]string) error {
	base := q.Content.Base()
	q.Title = vals["title"]
	for _, f := range []struct {
		name string
		to   *float64
	}{{"good_from", &q.Content.GoodFrom}, {"low_below", &q.Content.LowBelow}} {
		if v := strings.TrimSpace(vals[f.name]); v != "" {
			x, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
			if err != nil {
				return app.Errorf(app.EInvalid, "survey.error.threshold", "min", survey.ScaleMin, "max", survey.ScaleMax).WithField(f.name)
			}
			*f.to = x
		}
	}
	var axes []survey.Axis
	for _, a := range q.Content.Axes {
		if vals["axis_"+a.Key+"_remove"] != "" {
			continue
		}
		if n := strings.TrimSpace(vals["axis_"+a.Key+"_name"]); n != "" {
			a.Names[base] = n
		} else {
			return app.Errorf(app.EInvalid, "error.required").WithField("axis_" + a.Key + "_name")
		}
		a.Indicator = strings.TrimSpace(vals["axis_"+a.Key+"_indicator"])
		axes = append(axes, a)
	}
	if n := strings.TrimSpace(vals["new_axis"]); n != "" {
		axes = append(axes, survey.Axis{Key: survey.NewKey("a"), Names: survey.Texts{base: n}})
	}
	q.Content.Axes = axes
	var qs []survey.Question
	for _, x := range q.Content.Questions {
		if vals["q_"+x.Key+"_remove"] != "" {
			continue
		}
		t := strings.TrimSpace(vals["q_"+x.Key+"_text"])
		if t == "" {
			return app.Errorf(app.EInvalid, "error.required").WithField("q_" + x.Key + "_text")
		}
		x.Texts[base] = t
		if ax := vals["q_"+x.Key+"_axis"]; ax != "" {
			x.Axis = ax
		}
		if k := vals["q_"+x.Key+"_kind"]; k != "" {
			x.Kind = k
		}
		if _, ok := q.Content.Axis(x.Axis); !ok {
			return app.Errorf(app.EInvalid, "survey.error.axis").WithField("q_" + x.Key + "_axis")
		}
		qs = append(qs, x)
	}
	if t := strings.TrimSpace(vals["new_question"]); t != "" {
		x := survey.Question{Key: survey.NewKey("q"), Axis: vals["new_question_axis"], Kind: vals["new_question_kind"], Texts: survey.Texts{base: t}}
		if _, ok := q.Content.Axis(x.Axis); !ok {
			return app.Errorf(app.EInvalid, "survey.error.axis").WithField("new_question_axis")
		}
		qs = append(qs, x)
	}
	q.Content.Questions = qs
	return nil
}

// handleQuestionnaireLanguages adds a language to a questionnaire or
// takes one away (never the one it is written in).
func (s *Server) handleQuestionnaireLanguages(c *gin.Context) error {
	q, err := s.questionnaireOf(c)
	if err != nil {
		return err
	}
	o := orgOf(c)
	add, remove := c.PostForm("add"), c.PostForm("remove")
	rev, _ := strconv.Atoi(c.PostForm("rev"))
	_, err = s.Surveys.Edit(c.Request.Context(), o, q.ID, rev, func(q *survey.Questionnaire) error {
		switch {
		case add != "":
			if _, ok := survey.LanguageOf(add); !ok || q.Content.Has(add) {
				return app.Errorf(app.EInvalid, "survey.error.language").WithField("add")
			}
			q.Content.Languages = append(q.Content.Languages, add)
		case remove != "" && remove != q.Content.Base():
			q.Content.Languages = slices.DeleteFunc(q.Content.Languages, func(l string) bool { return l == remove })
		default:
			return app.Errorf(app.EInvalid, "survey.error.language").WithField("add")
		}
		return nil
	})
	if err != nil {
		data := &questionnairePage{Q: q}
		if !data.fail(s, c, err) {
			return err
		}
		return s.renderQuestionnaire(c, statusOf(app.ErrorCode(err)), data)
	}
	if add != "" {
		c.Redirect(http.StatusSeeOther, questionnaireURL(o, q.ID)+"/translate/"+add)
		return nil
	}
	s.setFlash(c, "survey.questionnaire.saved")
	c.Redirect(http.StatusSeeOther, questionnaireURL(o, q.ID))
	return nil
}

func (s *Server) handleQuestionnaireStatus(c *gin.Context) error {
	q, err := s.questionnaireOf(c)
	if err != nil {
		return err
	}
	o := orgOf(c)
	if _, err := s.Surveys.SetStatus(c.Request.Context(), o, q.ID, c.PostForm("status")); err != nil {
		data := &questionnairePage{Q: q}
		if !data.fail(s, c, err) {
			return err
		}
		return s.renderQuestionnaire(c, statusOf(app.ErrorCode(err)), data)
	}
	s.setFlash(c, "survey.questionnaire.status."+c.PostForm("status"))
	c.Redirect(http.StatusSeeOther, questionnaireURL(o, q.ID))
	return nil
}

// --- translation -------------------------------------------------------------

type translatePage struct {
	formPage
	Org     *org.Organisation
	Q       *survey.Questionnaire
	Target  survey.LanguageInfo // the language translated into
	Base    survey.LanguageInfo
	Rows    []translateRow
	Missing int
}

// translateRow is one text to translate: the field, what it says in the
// questionnaire's base language, and a label for the form.
type translateRow struct {
	Name, Label, Source string
	Long                bool
}

func (s *Server) translateRows(c *gin.Context, q *survey.Questionnaire, lang string) []translateRow {
	l, base := s.locale(c), q.Content.Base()
	var rows []translateRow
	for i, a := range q.Content.Axes {
		rows = append(rows, translateRow{Name: "axis." + a.Key, Label: s.Catalog.T(l, "survey.translate.axis", "n", i+1), Source: a.Names.In(base)})
	}
	for i, x := range q.Content.Questions {
		rows = append(rows, translateRow{Name: "question." + x.Key, Label: s.Catalog.T(l, "survey.translate.question", "n", i+1),
			Source: x.Texts.In(base), Long: true})
	}
	for v := survey.ScaleMin; v <= survey.ScaleMax; v++ {
		src := q.Content.ScaleLabel(base, v)
		rows = append(rows, translateRow{Name: "scale." + strconv.Itoa(v), Label: s.Catalog.T(l, "survey.translate.scale", "n", v), Source: src})
	}
	for _, k := range survey.RespondentTexts {
		src := q.Content.Text(k, base)
		if src == "" && survey.Interface(base) {
			src = s.Catalog.T(base, "survey.respondent."+k)
		}
		rows = append(rows, translateRow{Name: "text." + k, Label: s.Catalog.T(l, "survey.translate.text."+k), Source: src,
			Long: k == survey.TextPrivacy || k == survey.TextIntro})
	}
	return rows
}

func translateValues(q *survey.Questionnaire, lang string) map[string]string {
	v := map[string]string{"rev": strconv.Itoa(q.Rev)}
	for _, a := range q.Content.Axes {
		v["axis."+a.Key] = a.Names.In(lang)
	}
	for _, x := range q.Content.Questions {
		v["question."+x.Key] = x.Texts.In(lang)
	}
	for i := survey.ScaleMin; i <= survey.ScaleMax; i++ {
		v["scale."+strconv.Itoa(i)] = q.Content.ScaleLabel(lang, i)
	}
	for _, k := range survey.RespondentTexts {
		v["text."+k] = q.Content.Text(k, lang)
	}
	return v
}

func (s *Server) handleQuestionnaireTranslate(c *gin.Context) error {
	q, err := s.questionnaireOf(c)
	if err != nil {
		return err
	}
	return s.renderTranslate(c, http.StatusOK, &translatePage{Q: q})
}

func (s *Server) renderTranslate(c *gin.Context, status int, data *translatePage) error {
	o, q := orgOf(c), data.Q
	lang, ok := survey.LanguageOf(c.Param("lang"))
	if !ok || !q.Content.Has(lang.Code) {
		return app.Errorf(app.ENotFound, "survey.error.not_found")
	}
	data.Org, data.Target = o, lang
	data.Base, _ = survey.LanguageOf(q.Content.Base())
	data.Rows = s.translateRows(c, q, lang.Code)
	data.Missing = len(q.Content.Missing(lang.Code))
	if data.Values == nil {
		data.Values = translateValues(q, lang.Code)
	}
	data.Layout = Layout{Nav: "indicators", Breadcrumbs: s.surveyCrumbs(c, o, Crumb{Label: q.Title, URL: questionnaireURL(o, q.ID)}, Crumb{Label: lang.Name})}
	s.render(c, status, "survey/translate.html", data)
	return nil
}

func (s *Server) handleQuestionnaireTranslateSave(c *gin.Context) error {
	q, err := s.questionnaireOf(c)
	if err != nil {
		return err
	}
	o, lang := orgOf(c), c.Param("lang")
	if !q.Content.Has(lang) {
		return app.Errorf(app.ENotFound, "survey.error.not_found")
	}
	_ = c.Request.ParseForm()
	vals := map[string]string{}
	for k, v := range c.Request.PostForm {
		if len(v) > 0 {
			vals[k] = strings.TrimSpace(v[0])
		}
	}
	rev, _ := strconv.Atoi(vals["rev"])
	_, err = s.Surveys.Edit(c.Request.Context(), o, q.ID, rev, func(q *survey.Questionnaire) error {
		for i := range q.Content.Axes {
			setText(q.Content.Axes[i].Names, lang, vals["axis."+q.Content.Axes[i].Key])
		}
		for i := range q.Content.Questions {
			setText(q.Content.Questions[i].Texts, lang, vals["question."+q.Content.Questions[i].Key])
		}
		var labels []string
		for v := survey.ScaleMin; v <= survey.ScaleMax; v++ {
			labels = append(labels, vals["scale."+strconv.Itoa(v)])
		}
		if strings.Join(labels, "") == "" {
			delete(q.Content.Scale, lang)
		} else {
			q.Content.Scale[lang] = labels
		}
		for _, k := range survey.RespondentTexts {
			if q.Content.Texts[k] == nil {
				q.Content.Texts[k] = survey.Texts{}
			}
			setText(q.Content.Texts[k], lang, vals["text."+k])
		}
		return nil
	})
	if err != nil {
		data := &translatePage{formPage: formPage{Values: vals}, Q: q}
		if !data.fail(s, c, err) {
			return err
		}
		return s.renderTranslate(c, statusOf(app.ErrorCode(err)), data)
	}
	s.setFlash(c, "survey.questionnaire.saved")
	c.Redirect(http.StatusSeeOther, questionnaireURL(o, q.ID))
	return nil
}

func setText(t survey.Texts, lang, v string) {
	if v == "" {
		delete(t, lang)
	} else {
		t[lang] = v
	}
}

// --- the rose ----------------------------------------------------------------

// roseChart draws roses on the questionnaire's axes as a radar chart with
// its table: one series per rose, in order.
func (s *Server) roseChart(c *gin.Context, id string, content *survey.Content, title string, names []string, roses []survey.Rose) *chart.View {
	l := s.locale(c)
	ch := &chart.Chart{ID: id, Kind: chart.Radar, Title: title, Description: s.Catalog.T(l, "survey.rose.description"),
		LabelHeading: s.Catalog.T(l, "survey.axis"), Decimals: 1, Max: survey.ScaleMax}
	for _, a := range content.Axes {
		ch.Labels = append(ch.Labels, axisName(content, a, l))
	}
	for i, r := range roses {
		vals := make([]float64, len(content.Axes))
		for j, a := range content.Axes {
			if sc, ok := r.Axis(a.Key); ok {
				vals[j] = sc.Mean
			}
		}
		ch.Series = append(ch.Series, chart.Series{Name: names[i], Values: vals})
	}
	if ch.Validate() != nil {
		return nil
	}
	v := ch.View(chart.Format{Locale: l, T: func(k string, a ...any) string { return s.Catalog.T(l, k, a...) }})
	return &v
}

// axisName answers an axis's name in the page's locale when the
// questionnaire has it, else in its base language.
func axisName(content *survey.Content, a survey.Axis, locale string) string {
	if n := a.Names.In(locale); n != "" {
		return n
	}
	return a.Names.In(content.Base())
}

type roundPage struct {
	formPage
	Org       *org.Organisation
	R         *survey.Results
	Rose      *chart.View
	CanEdit   bool
	CanEnter  bool
	Tokens    []respondentLink // links just made, shown once
	Low       []axisView
	Axes      []axisView
	Plans     []plan.CopyTarget
	Members   []*account.Member
	Followups []followupView
}

// axisView is an axis with its score, for the page.
type axisView struct {
	Key, Name string
	Mean      string
	Answered  int
	Low       bool
}

type followupView struct {
	Axis string
	survey.Followup
}

// respondentLink is a link made for a respondent, with its QR code.
type respondentLink struct {
	URL string
	QR  template.HTML
}

func (s *Server) surveyRoundOf(c *gin.Context) (int64, error) {
	return idParam(c, "round", "survey.error.round_not_found")
}

func (s *Server) handleSurveyRound(c *gin.Context) error {
	return s.renderSurveyRound(c, http.StatusOK, &roundPage{})
}

func (s *Server) renderSurveyRound(c *gin.Context, status int, data *roundPage) error {
	o, l, ctx := orgOf(c), s.locale(c), c.Request.Context()
	id, err := s.surveyRoundOf(c)
	if err != nil {
		return err
	}
	data.CanEdit, data.CanEnter = s.allowed(c, authz.ContentWrite), s.allowed(c, authz.StatusWrite)
	// An editor's page offers the members and the plans a follow-up
	// goes to, read with the round.
	var res *survey.Results
	if data.CanEdit {
		res, data.Members, data.Plans, err = s.Surveys.ResultsForEditor(ctx, o, id)
	} else {
		res, err = s.Surveys.Results(ctx, o, id)
	}
	if err != nil {
		return err
	}
	data.Org, data.R = o, res
	content := &res.Round.Content
	for _, a := range content.Axes {
		sc, _ := res.Rose.Axis(a.Key)
		v := axisView{Key: a.Key, Name: axisName(content, a, l), Answered: sc.Answered, Mean: "–"}
		if sc.Answered > 0 {
			v.Mean = i18n.FormatNumber(l, sc.Mean, 1)
			v.Low = sc.Mean < content.LowBelow
		}
		data.Axes = append(data.Axes, v)
		if v.Low {
			data.Low = append(data.Low, v)
		}
	}
	// Series are named by their year, short beside the chart, unless two
	// rounds share a year.
	shown := []*survey.Round{res.Round}
	for i, e := range res.Earlier {
		if i < 2 {
			shown = append(shown, e.Round)
		}
	}
	years := map[int]bool{}
	for _, r := range shown {
		years[r.Year] = true
	}
	label := func(r *survey.Round) string {
		if len(years) == len(shown) {
			return strconv.Itoa(r.Year)
		}
		return r.Title
	}
	names, roses := []string{label(res.Round)}, []survey.Rose{res.Rose}
	if res.Network != nil {
		names, roses = append(names, s.Catalog.T(l, "survey.rose.network", "name", res.NetworkName)), append(roses, *res.Network)
	}
	for i, e := range res.Earlier {
		if i == 2 {
			break
		}
		names, roses = append(names, label(e.Round)), append(roses, e.Rose)
	}
	if res.Rose.Respondents > 0 {
		data.Rose = s.roseChart(c, "rose", content, s.Catalog.T(l, "survey.rose.title", "round", res.Round.Title), names, roses)
	}
	for _, f := range res.Followups {
		name := f.Axis
		if a, ok := content.Axis(f.Axis); ok {
			name = axisName(content, a, l)
		}
		data.Followups = append(data.Followups, followupView{Axis: name, Followup: f})
	}
	if data.Values == nil {
		data.Values = map[string]string{"count": "20"}
		if len(data.Low) > 0 {
			data.Values["axis"] = data.Low[0].Key
		}
	}
	data.Layout = Layout{Nav: "indicators", Breadcrumbs: s.surveyCrumbs(c, o, Crumb{Label: res.Round.Title})}
	s.render(c, status, "survey/round.html", data)
	return nil
}

// handleSurveyLinks makes respondent links and shows them, with their QR
// codes, this once: only their hashes are kept.
func (s *Server) handleSurveyLinks(c *gin.Context) error {
	o := orgOf(c)
	id, err := s.surveyRoundOf(c)
	if err != nil {
		return err
	}
	n, _ := strconv.Atoi(strings.TrimSpace(c.PostForm("count")))
	tokens, err := s.Surveys.MakeLinks(c.Request.Context(), o, id, n)
	data := &roundPage{formPage: formPage{Values: map[string]string{"count": c.PostForm("count")}}}
	if err != nil {
		if !data.fail(s, c, err) {
			return err
		}
		return s.renderSurveyRound(c, statusOf(app.ErrorCode(err)), data)
	}
	for _, t := range tokens {
		u := strings.TrimSuffix(s.BaseURL, "/") + "/r/" + t
		data.Tokens = append(data.Tokens, respondentLink{URL: u, QR: qrSVG(u)})
	}
	c.Header("Cache-Control", "no-store")
	return s.renderSurveyRound(c, http.StatusCreated, data)
}

func (s *Server) handleSurveyRoundClose(c *gin.Context) error {
	return s.surveyRoundStatus(c, true)
}

func (s *Server) handleSurveyRoundReopen(c *gin.Context) error {
	return s.surveyRoundStatus(c, false)
}

func (s *Server) surveyRoundStatus(c *gin.Context, closing bool) error {
	o, a := orgOf(c), app.ActorFrom(c.Request.Context())
	id, err := s.surveyRoundOf(c)
	if err != nil {
		return err
	}
	if closing {
		_, err = s.Surveys.CloseRound(c.Request.Context(), o, a, id)
	} else {
		_, err = s.Surveys.ReopenRound(c.Request.Context(), o, a, id)
	}
	if err != nil {
		return err
	}
	if closing {
		s.setFlash(c, "survey.round.closed")
	} else {
		s.setFlash(c, "survey.round.reopened")
	}
	c.Redirect(http.StatusSeeOther, surveyRoundURL(o, id))
	return nil
}

// handleSurveyFollowup makes a measure from a low axis: of its own, or a
// line of a plan's focus area ("plan" is "<plan id>-<rev>-<area id>").
func (s *Server) handleSurveyFollowup(c *gin.Context) error {
	o := orgOf(c)
	id, err := s.surveyRoundOf(c)
	if err != nil {
		return err
	}
	vals := map[string]string{}
	for _, k := range []string{"axis", "description", "responsible", "responsible_user", "deadline", "plan"} {
		vals[k] = strings.TrimSpace(c.PostForm(k))
	}
	in := survey.FollowupInput{Axis: vals["axis"], Description: vals["description"], Responsible: vals["responsible"]}
	if v := vals["responsible_user"]; v != "" {
		if uid, err := strconv.ParseInt(v, 10, 64); err == nil {
			in.ResponsibleUser = &uid
		}
	}
	if v := vals["deadline"]; v != "" {
		if d, ok := i18n.ParseDate(v); ok {
			in.Deadline = &d
		} else {
			in.DeadlineText = v
		}
	}
	if p := vals["plan"]; p != "" {
		parts := strings.SplitN(p, "-", 3)
		if len(parts) == 3 {
			in.PlanID, _ = strconv.ParseInt(parts[0], 10, 64)
			in.PlanRev, _ = strconv.Atoi(parts[1])
			in.AreaID = parts[2]
		}
	}
	mid, err := s.Surveys.AddFollowup(c.Request.Context(), o, app.ActorFrom(c.Request.Context()), id, in)
	if err != nil {
		data := &roundPage{formPage: formPage{Values: vals}}
		if ae := app.AsError(err); ae != nil && ae.Field == "deadline_text" {
			err = ae.WithField("deadline")
		}
		if !data.fail(s, c, err) || app.IsNotFound(err) && app.AsError(err).Key == "survey.error.round_not_found" {
			return err
		}
		return s.renderSurveyRound(c, statusOf(app.ErrorCode(err)), data)
	}
	s.setFlash(c, "survey.followup.created")
	c.Redirect(http.StatusSeeOther, "/o/"+o.Slug+"/measures/"+mid+"?back="+surveyRoundURL(o, id))
	return nil
}

// --- interviews ----------------------------------------------------------------

type interviewPage struct {
	formPage
	Org   *org.Organisation
	Round *survey.Round
	Form  *answerForm
}

func (s *Server) handleSurveyInterview(c *gin.Context) error {
	return s.renderInterview(c, http.StatusOK, &interviewPage{})
}

func (s *Server) renderInterview(c *gin.Context, status int, data *interviewPage) error {
	o, l := orgOf(c), s.locale(c)
	id, err := s.surveyRoundOf(c)
	if err != nil {
		return err
	}
	r, err := s.Surveys.Round(c.Request.Context(), o, id)
	if err != nil {
		return err
	}
	lang := c.Query("lang")
	if lang == "" {
		lang = c.PostForm("lang")
	}
	if !r.Content.Has(lang) {
		lang = l
		if !r.Content.Has(lang) {
			lang = r.Content.Base()
		}
	}
	data.Org, data.Round = o, r
	data.Form = s.answerForm(&r.Content, lang, l, data.Values, data.Errors)
	data.Form.Action = surveyRoundURL(o, id) + "/interview"
	data.Layout = Layout{Nav: "indicators", Breadcrumbs: s.surveyCrumbs(c, o, Crumb{Label: r.Title, URL: surveyRoundURL(o, id)},
		Crumb{Label: s.Catalog.T(l, "survey.interview.title")})}
	s.render(c, status, "survey/interview.html", data)
	return nil
}

func (s *Server) handleSurveyInterviewSave(c *gin.Context) error {
	o := orgOf(c)
	id, err := s.surveyRoundOf(c)
	if err != nil {
		return err
	}
	a, vals := answersOf(c)
	if err := s.Surveys.Interview(c.Request.Context(), o, id, a); err != nil {
		data := &interviewPage{formPage: formPage{Values: vals}}
		if !data.fail(s, c, err) || app.IsNotFound(err) {
			return err
		}
		return s.renderInterview(c, statusOf(app.ErrorCode(err)), data)
	}
	s.setFlash(c, "survey.interview.saved")
	c.Redirect(http.StatusSeeOther, surveyRoundURL(o, id)+"/interview?lang="+c.PostForm("lang"))
	return nil
}

// answersOf reads a filled-in questionnaire from the form: q_<key> per
// question, consent.
func answersOf(c *gin.Context) (survey.Answers, map[string]string) {
	_ = c.Request.ParseForm()
	a := survey.Answers{Values: map[string]string{}, Consent: c.PostForm("consent") != ""}
	vals := map[string]string{}
	for k, v := range c.Request.PostForm {
		if len(v) == 0 || len(vals) > survey.MaxQuestions+4 {
			continue
		}
		vals[k] = v[0]
		if key, ok := strings.CutPrefix(k, "q_"); ok {
			a.Values[key] = v[0]
		}
	}
	return a, vals
}

// answerForm is a questionnaire as a form in one language: its direction,
// the respondent texts, the axes with their questions.
type answerForm struct {
	Action   string
	Lang     survey.LanguageInfo
	Texts    map[string]string
	Sections []answerSection
	Values   map[string]string
	Errors   map[string]string
	Scale    []scaleOption
}

type answerSection struct {
	Name      string
	Questions []answerQuestion
}

type answerQuestion struct {
	Field, Text string
	Scale       bool
}

type scaleOption struct {
	Value int
	Label string
}

// answerForm lays out content in lang; texts the questionnaire leaves
// empty in an interface language come from the catalogue in that
// language (fallback: the page's locale l).
func (s *Server) answerForm(content *survey.Content, lang, l string, vals, errs map[string]string) *answerForm {
	info, _ := survey.LanguageOf(lang)
	f := &answerForm{Lang: info, Texts: map[string]string{}, Values: vals, Errors: errs}
	if f.Values == nil {
		f.Values = map[string]string{}
	}
	for _, k := range survey.RespondentTexts {
		t := content.Text(k, lang)
		if t == "" && survey.Interface(lang) {
			t = s.Catalog.T(lang, "survey.respondent."+k)
		}
		f.Texts[k] = t
	}
	for v := survey.ScaleMin; v <= survey.ScaleMax; v++ {
		f.Scale = append(f.Scale, scaleOption{Value: v, Label: content.ScaleLabel(lang, v)})
	}
	for _, a := range content.Axes {
		sec := answerSection{Name: a.Names.In(lang)}
		for _, q := range content.Questions {
			if q.Axis == a.Key {
				sec.Questions = append(sec.Questions, answerQuestion{Field: "q_" + q.Key, Text: q.Texts.In(lang), Scale: q.Kind == survey.KindScale})
			}
		}
		if len(sec.Questions) > 0 {
			f.Sections = append(f.Sections, sec)
		}
	}
	return f
}

// --- a network's results -------------------------------------------------------

type networkResultsPage struct {
	Layout
	Org     *org.Organisation
	Q       *survey.Questionnaire
	N       *survey.NetworkRoses
	Years   []int
	Rose    *chart.View
	Members []memberView
	Axes    []string
	// TotalMeans are the network total's axis means, printed.
	TotalMeans []string
}

type memberView struct {
	survey.MemberRose
	Means  []string
	Status string // shown, small, hidden
}

func (s *Server) handleQuestionnaireResults(c *gin.Context) error {
	o, l, ctx := orgOf(c), s.locale(c), c.Request.Context()
	if o.Kind != org.KindNetwork {
		return app.Errorf(app.ENotFound, "survey.error.not_found")
	}
	q, err := s.questionnaireOf(c)
	if err != nil {
		return err
	}
	years, err := s.Surveys.Years(ctx, o, q.ID)
	if err != nil {
		return err
	}
	year := years[0]
	if y, err := strconv.Atoi(c.Query("year")); err == nil && slices.Contains(years, y) {
		year = y
	}
	n, err := s.Surveys.NetworkResults(ctx, o, q.ID, year)
	if err != nil {
		return err
	}
	data := &networkResultsPage{Org: o, Q: q, N: n, Years: years}
	for _, a := range n.Content.Axes {
		data.Axes = append(data.Axes, axisName(n.Content, a, l))
	}
	var names []string
	var roses []survey.Rose
	if n.TotalShown {
		names, roses = append(names, s.Catalog.T(l, "survey.rose.network", "name", o.Name)), append(roses, n.Total)
		for _, a := range n.Total.Axes {
			data.TotalMeans = append(data.TotalMeans, i18n.FormatNumber(l, a.Mean, 1))
		}
	}
	for _, m := range n.Members {
		v := memberView{MemberRose: m, Status: []string{"shown", "small", "hidden"}[m.Status]}
		for _, a := range n.Content.Axes {
			sc, _ := m.Rose.Axis(a.Key)
			if m.Visible() && sc.Answered > 0 {
				v.Means = append(v.Means, i18n.FormatNumber(l, sc.Mean, 1))
			} else {
				v.Means = append(v.Means, "")
			}
		}
		data.Members = append(data.Members, v)
		if m.Visible() && len(roses) < 6 {
			names, roses = append(names, m.Org.Name), append(roses, m.Rose)
		}
	}
	if len(roses) > 0 {
		data.Rose = s.roseChart(c, "network-rose", n.Content, s.Catalog.T(l, "survey.network.rose", "year", strconv.Itoa(year)), names, roses)
	}
	data.Layout = Layout{Nav: "indicators", Breadcrumbs: s.surveyCrumbs(c, o, Crumb{Label: q.Title, URL: questionnaireURL(o, q.ID)},
		Crumb{Label: s.Catalog.T(l, "survey.network.title", "year", strconv.Itoa(year))})}
	s.render(c, http.StatusOK, "survey/results.html", data)
	return nil
}
