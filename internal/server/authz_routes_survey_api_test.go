package server_test

import "github.com/samvirke/samvirke/internal/org"

// routeRowsSurveyAPI are the route walk's rows for the integration
// survey's API (internal/web/api_survey.go): reading takes content read,
// as the pages do (see surveyParams for the path's ids). Rounds are a
// municipality's; a network's results are the network's.
func routeRowsSurveyAPI() map[string]expectation {
	muni := org.KindMunicipality
	const base = "/api/v1/orgs/:org/surveys"
	return map[string]expectation{
		"GET " + base: {anon: 401, roles: everyone},
		"GET " + base + "/questionnaires/:questionnaire":         {anon: 401, roles: everyone},
		"GET " + base + "/questionnaires/:questionnaire/results": {anon: 401, roles: everyone, kind: org.KindNetwork, query: "year=2026"},
		"GET " + base + "/rounds/:round":                         {anon: 401, roles: everyone, kind: muni},
	}
}
