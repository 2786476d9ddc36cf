package server_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/survey"
)

// routeRowsSurvey are the route walk's rows for the integration survey's
// pages and the respondent's. Questionnaires are a municipality's or a
// network's; rounds, links, interviews and follow-ups a municipality's.
// A respondent's link is public: the walk's token is no link (404).
func routeRowsSurvey() map[string]expectation {
	muni := org.KindMunicipality
	return map[string]expectation{
		"GET /o/:org/surveys":                                                {anon: 303, roles: everyone},
		"POST /o/:org/surveys/questionnaires":                                {anon: 401, roles: editors, form: formOf("title", "Integreringsrosa «2026»", "language", "nb", "start", "standard")},
		"GET /o/:org/surveys/questionnaires/:questionnaire":                  {anon: 303, roles: everyone},
		"POST /o/:org/surveys/questionnaires/:questionnaire":                 {anon: 401, roles: editors, form: formOf("title", "Integreringsrosa – Trysil", "rev", "0")},
		"POST /o/:org/surveys/questionnaires/:questionnaire/languages":       {anon: 401, roles: editors, form: formOf("add", "ar", "rev", "0")},
		"POST /o/:org/surveys/questionnaires/:questionnaire/status":          {anon: 401, roles: editors, form: formOf("status", "draft")},
		"GET /o/:org/surveys/questionnaires/:questionnaire/translate/:lang":  {anon: 303, roles: editors},
		"POST /o/:org/surveys/questionnaires/:questionnaire/translate/:lang": {anon: 401, roles: editors, form: formOf("rev", "0", "text.thanks", "Takk «for» svaret")},
		"GET /o/:org/surveys/questionnaires/:questionnaire/results":          {anon: 303, roles: everyone, kind: org.KindNetwork},
		"POST /o/:org/surveys/rounds":                                        {anon: 401, roles: editors, kind: muni, form: formOf("title", "Runde «2026»", "year", "2026", "questionnaire", ":ownquestionnaire")},
		"GET /o/:org/surveys/rounds/:round":                                  {anon: 303, roles: everyone, kind: muni},
		"POST /o/:org/surveys/rounds/:round/links":                           {anon: 401, roles: editors, kind: muni, form: formOf("count", "2")},
		"GET /o/:org/surveys/rounds/:round/interview":                        {anon: 303, roles: statusWriters, kind: muni},
		"POST /o/:org/surveys/rounds/:round/interview":                       {anon: 401, roles: statusWriters, kind: muni, form: formOf("lang", "nb", "consent", "1", "q_work", "4", "q_job", "3")},
		"POST /o/:org/surveys/rounds/:round/close":                           {anon: 401, roles: editors, kind: muni},
		"POST /o/:org/surveys/rounds/:round/reopen":                          {anon: 401, roles: editors, kind: muni},
		"POST /o/:org/surveys/rounds/:round/followups":                       {anon: 401, roles: editors, kind: muni, form: formOf("axis", "work", "description", "Språkpraksis i «bedrift»", "responsible", "NAV", "deadline", "Høst 2027")},
		"GET /r/:token":  {anon: 404},
		"POST /r/:token": {anon: 404, form: formOf("lang", "nb", "consent", "1", "q_job", "3")},
	}
}

// surveyParams answers the path parameters of a survey route for tn, made
// for this request alone: an active questionnaire of tn's own written in
// nb (with Arabic added), and in a municipality an open round of it.
// Elsewhere the round is an id that finds nothing.
func surveyParams(t *testing.T, bdb *bun.DB, tn *tenant, path string) map[string]string {
	t.Helper()
	ctx := context.Background()
	svc := &survey.Service{DB: bdb, Clock: app.SystemClock{}}
	q, err := svc.CreateQuestionnaire(ctx, tn.org, survey.QuestionnaireInput{Title: "Integreringsrosa", Language: "nb", Standard: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SetStatus(ctx, tn.org, q.ID, survey.StatusActive); err != nil {
		t.Fatal(err)
	}
	m := map[string]string{":questionnaire": strconv.FormatInt(q.ID, 10), ":lang": "en", ":round": "999999999",
		":ownquestionnaire": strconv.FormatInt(tn.org.ID, 10) + "-" + strconv.FormatInt(q.ID, 10)}
	if tn.org.Kind == org.KindMunicipality && strings.Contains(path, ":round") {
		r, err := svc.OpenRound(ctx, tn.org, survey.RoundInput{QuestionnaireOrgID: tn.org.ID, QuestionnaireID: q.ID, Title: "Runde", Year: 2026})
		if err != nil {
			t.Fatal(err)
		}
		m[":round"] = strconv.FormatInt(r.ID, 10)
	}
	return m
}
