package web

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/survey"
)

// surveyAPIRoutes registers the integration survey's read-only API under
// /api/v1/orgs/{slug}/surveys. It answers what the pages show but never a
// respondent's free text, nor anything of the respondent links but how
// many were made and used; a network's results are protected as its page
// protects them.
func (s *Server) surveyAPIRoutes() {
	const base = "/api/v1/orgs/:org/surveys"
	s.org("GET", base, authz.ContentRead, s.handleAPISurveys)
	s.org("GET", base+"/questionnaires/:questionnaire", authz.ContentRead, s.handleAPIQuestionnaire)
	s.org("GET", base+"/questionnaires/:questionnaire/results", authz.ContentRead, s.handleAPIQuestionnaireResults)
	s.org("GET", base+"/rounds/:round", authz.ContentRead, municipalOnly("survey.error.round_not_found", s.handleAPISurveyRound))
}

// --- shapes ------------------------------------------------------------------

// apiQuestionnaire is a questionnaire as the API shows it: on the list
// without its content, alone with it.
type apiQuestionnaire struct {
	ID        int64           `json:"id"`
	Owner     apiOrgRef       `json:"owner"`
	Own       bool            `json:"own"`
	Title     string          `json:"title"`
	Status    string          `json:"status"`
	Languages []string        `json:"languages"`
	Rev       int             `json:"rev"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
	URL       string          `json:"url,omitempty"` // its page, for the organisation's own
	Content   *survey.Content `json:"content,omitempty"`
}

// apiSurveyRound is a municipality's round and its number of respondents.
type apiSurveyRound struct {
	ID               int64  `json:"id"`
	Title            string `json:"title"`
	Year             int    `json:"year"`
	Status           string `json:"status"`
	QuestionnaireID  int64  `json:"questionnaire_id"`
	QuestionnaireOwn bool   `json:"questionnaire_own"` // false: a network's
	OpenedOn         string `json:"opened_on"`
	ClosedOn         string `json:"closed_on,omitempty"`
	Respondents      int    `json:"respondents"`
	URL              string `json:"url"`
}

// apiSurveyRoundFull is one round asked for, with its results.
type apiSurveyRoundFull struct {
	apiSurveyRound
	GoodFrom  float64             `json:"good_from"`
	LowBelow  float64             `json:"low_below"`
	Axes      []survey.Axis       `json:"axes"`
	Rose      apiRose             `json:"rose"`
	LowAxes   []string            `json:"low_axes"`
	Earlier   []apiEarlierRound   `json:"earlier"`
	Network   *apiNetworkRose     `json:"network,omitempty"`
	Links     apiLinkCounts       `json:"links"`
	FollowUps []apiSurveyFollowUp `json:"follow_ups"`
}

// apiRose is a rose: an axis score per axis, in the questionnaire's order.
type apiRose struct {
	Respondents int            `json:"respondents"`
	Axes        []apiAxisScore `json:"axes"`
}

// apiAxisScore is one axis of a rose; no mean when no one answered it.
type apiAxisScore struct {
	Key      string   `json:"key"`
	Mean     *float64 `json:"mean,omitempty"`
	Answered int      `json:"answered"`
	Good     int      `json:"good"`
}

// apiEarlierRound is an earlier round of the same questionnaire, read on
// the asked round's axes.
type apiEarlierRound struct {
	apiSurveyRound
	Rose apiRose `json:"rose"`
}

// apiNetworkRose is the network's pooled rose for a round of a network's
// questionnaire; none while protection hides it.
type apiNetworkRose struct {
	Name           string   `json:"name"`
	Municipalities int      `json:"municipalities"`
	Rose           *apiRose `json:"rose,omitempty"`
}

// apiLinkCounts counts a round's respondent links.
type apiLinkCounts struct {
	Made int `json:"made"`
	Used int `json:"used"`
}

// apiSurveyFollowUp is a measure that follows up an axis of a round.
type apiSurveyFollowUp struct {
	Axis string `json:"axis"`
	apiFollowUp
}

// apiMemberRose is a member municipality in a network's results: its rose
// only when protection shows it, else its status alone.
type apiMemberRose struct {
	Municipality apiOrgRef `json:"municipality"`
	Status       string    `json:"status"`          // shown, small, hidden
	Label        string    `json:"label,omitempty"` // «under N», for small
	Rose         *apiRose  `json:"rose,omitempty"`
}

func toAPIQuestionnaire(o *org.Organisation, a survey.Available) apiQuestionnaire {
	out := apiQuestionnaire{ID: a.ID, Owner: apiOrgRef{Slug: a.Owner.Slug, Name: a.Owner.Name, MunicipalityNumber: a.Owner.MunicipalityNumber},
		Own: a.OrgID == o.ID, Title: a.Title, Status: a.Status, Languages: a.Content.Languages, Rev: a.Rev,
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
	if out.Own {
		out.URL = questionnaireURL(o, a.ID)
	}
	return out
}

func toAPISurveyRound(o *org.Organisation, r *survey.Round, respondents int) apiSurveyRound {
	return apiSurveyRound{ID: r.ID, Title: r.Title, Year: r.Year, Status: r.Status, QuestionnaireID: r.QuestionnaireID,
		QuestionnaireOwn: r.QuestionnaireOrgID == o.ID, OpenedOn: r.OpenedOn.Format(time.DateOnly), ClosedOn: apiDay(r.ClosedOn),
		Respondents: respondents, URL: surveyRoundURL(o, r.ID)}
}

// axesOf answers c's axes, [] when it has none (a draft's).
func axesOf(c *survey.Content) []survey.Axis {
	if c.Axes == nil {
		return []survey.Axis{}
	}
	return c.Axes
}

func toAPIRose(r survey.Rose) apiRose {
	out := apiRose{Respondents: r.Respondents, Axes: make([]apiAxisScore, 0, len(r.Axes))}
	for _, a := range r.Axes {
		sc := apiAxisScore{Key: a.Key, Answered: a.Answered, Good: a.Good}
		if a.Answered > 0 {
			sc.Mean = &a.Mean
		}
		out.Axes = append(out.Axes, sc)
	}
	return out
}

// --- handlers ----------------------------------------------------------------

// handleAPISurveys lists the questionnaires the organisation may use (its
// own and its networks' active ones) and, in a municipality, its rounds,
// newest first.
func (s *Server) handleAPISurveys(c *gin.Context) error {
	o, ctx := orgOf(c), c.Request.Context()
	qs, err := s.Surveys.Questionnaires(ctx, o)
	if err != nil {
		return err
	}
	var rounds []survey.RoundSummary
	if o.Kind == org.KindMunicipality {
		if rounds, err = s.Surveys.Rounds(ctx, o); err != nil {
			return err
		}
	}
	outQ := make([]apiQuestionnaire, 0, len(qs))
	for _, q := range qs {
		outQ = append(outQ, toAPIQuestionnaire(o, q))
	}
	outR := make([]apiSurveyRound, 0, len(rounds))
	for _, r := range rounds {
		outR = append(outR, toAPISurveyRound(o, r.Round, r.Respondents))
	}
	c.JSON(http.StatusOK, gin.H{"questionnaires": outQ, "rounds": outR})
	return nil
}

// handleAPIQuestionnaire answers a questionnaire the organisation may use
// with its content.
func (s *Server) handleAPIQuestionnaire(c *gin.Context) error {
	o := orgOf(c)
	id, err := idParam(c, "questionnaire", "survey.error.not_found")
	if err != nil {
		return err
	}
	qs, err := s.Surveys.Questionnaires(c.Request.Context(), o)
	if err != nil {
		return err
	}
	for _, q := range qs {
		if q.ID == id {
			out := toAPIQuestionnaire(o, q)
			out.Content = &q.Content
			c.JSON(http.StatusOK, out)
			return nil
		}
	}
	return app.Errorf(app.ENotFound, "survey.error.not_found")
}

// handleAPISurveyRound answers a round with its rose, earlier rounds, the
// network's rose, link counts and follow-ups; never its free texts.
func (s *Server) handleAPISurveyRound(c *gin.Context) error {
	o := orgOf(c)
	id, err := s.surveyRoundOf(c)
	if err != nil {
		return err
	}
	res, err := s.Surveys.Results(c.Request.Context(), o, id)
	if err != nil {
		return err
	}
	content := &res.Round.Content
	out := apiSurveyRoundFull{apiSurveyRound: toAPISurveyRound(o, res.Round, res.Rose.Respondents), GoodFrom: content.GoodFrom,
		LowBelow: content.LowBelow, Axes: axesOf(content), Rose: toAPIRose(res.Rose), LowAxes: []string{},
		Earlier: []apiEarlierRound{}, Links: apiLinkCounts{Made: res.Links, Used: res.LinksUsed}, FollowUps: []apiSurveyFollowUp{}}
	for _, a := range res.Low() {
		out.LowAxes = append(out.LowAxes, a.Key)
	}
	for _, e := range res.Earlier {
		out.Earlier = append(out.Earlier, apiEarlierRound{apiSurveyRound: toAPISurveyRound(o, e.Round, e.Rose.Respondents), Rose: toAPIRose(e.Rose)})
	}
	if res.Round.QuestionnaireOrgID != o.ID {
		out.Network = &apiNetworkRose{Name: res.NetworkName, Municipalities: res.Municipalities}
		if res.Network != nil {
			r := toAPIRose(*res.Network)
			out.Network.Rose = &r
		}
	}
	for _, f := range res.Followups {
		out.FollowUps = append(out.FollowUps, apiSurveyFollowUp{Axis: f.Axis, apiFollowUp: toAPIFollowUp(f.Measure.Measure())})
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// handleAPIQuestionnaireResults answers a network's results for its
// questionnaire in ?year= (the latest year with rounds by default): each
// member municipality's rose only where protection shows it.
func (s *Server) handleAPIQuestionnaireResults(c *gin.Context) error {
	o, ctx := orgOf(c), c.Request.Context()
	if o.Kind != org.KindNetwork {
		return app.Errorf(app.ENotFound, "survey.error.not_found")
	}
	q, err := s.questionnaireOf(c)
	if err != nil {
		return err
	}
	year, err := queryYearOf(c, "year")
	if err != nil {
		return err
	}
	years, err := s.Surveys.Years(ctx, o, q.ID)
	if err != nil {
		return err
	}
	if year == 0 {
		year = years[0]
	}
	n, err := s.Surveys.NetworkResults(ctx, o, q.ID, year)
	if err != nil {
		return err
	}
	members := make([]apiMemberRose, 0, len(n.Members))
	for _, m := range n.Members {
		mr := apiMemberRose{Municipality: apiOrgRef{Slug: m.Org.Slug, Name: m.Org.Name, MunicipalityNumber: m.Org.MunicipalityNumber},
			Status: []string{"shown", "small", "hidden"}[m.Status]}
		switch {
		case m.Visible():
			r := toAPIRose(m.Rose)
			mr.Rose = &r
		case mr.Status == "small":
			mr.Label = s.Catalog.T(s.locale(c), "survey.network.small", "n", n.Threshold+1)
		}
		members = append(members, mr)
	}
	var total *apiRose
	if n.TotalShown {
		r := toAPIRose(n.Total)
		total = &r
	}
	c.JSON(http.StatusOK, gin.H{"questionnaire": toAPIQuestionnaire(o, survey.Available{Questionnaire: q, Owner: o}), "year": year,
		"years": years, "threshold": n.Threshold, "axes": axesOf(n.Content), "total": total, "members": members})
	return nil
}
