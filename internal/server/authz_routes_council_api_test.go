package server_test

import "github.com/samvirke/samvirke/internal/org"

// routeRowsCouncilAPI are the route walk's rows for the council routes of
// internal/web/api_council.go (see councilFixture for the path's ids).
// Reading takes content read; writing council write (owners, editors,
// secretaries). Councils belong to municipalities only.
func routeRowsCouncilAPI() map[string]expectation {
	muni := org.KindMunicipality
	writers := []string{"owner", "editor", "secretary"}
	const base = "/api/v1/orgs/:org/councils"
	return map[string]expectation{
		"GET " + base:                                 {anon: 401, roles: everyone, kind: muni, query: "year=2026"},
		"POST " + base:                                {anon: 401, roles: writers, kind: muni, json: `{"kind":"working_group","name":"Arbejdsgruppe – «integration»","term_from":2026,"min_meetings":4}`},
		"GET " + base + "/decisions":                  {anon: 401, roles: everyone, kind: muni, query: "type=approved&q=tilslutter"},
		"GET " + base + "/:council":                   {anon: 401, roles: everyone, kind: muni},
		"POST " + base + "/:council":                  {anon: 401, roles: writers, kind: muni, json: `{"min_meetings":4,"place":"Mødelokale 3"}`},
		"GET " + base + "/:council/members":           {anon: 401, roles: everyone, kind: muni},
		"POST " + base + "/:council/members":          {anon: 401, roles: writers, kind: muni, json: `{"name":"Ann Frederiksen","role":"member","represents":"politics","from_date":"2026-01-01"}`},
		"GET " + base + "/:council/meetings":          {anon: 401, roles: everyone, kind: muni, query: "year=2026"},
		"POST " + base + "/:council/meetings":         {anon: 401, roles: writers, kind: muni, json: `{"starts_at":"2026-10-04T16:30:00+02:00","place":"Rådhuset"}`},
		"GET " + base + "/:council/meetings/:meeting": {anon: 401, roles: everyone, kind: muni},
		"POST " + base + "/:council/meetings/:meeting/items": {anon: 401, roles: writers, kind: muni,
			json: `{"title":"Eventuelt","decision":"Taget til efterretning.","decision_type":"noted"}`},
		"POST " + base + "/:council/meetings/:meeting/items/:item/followups": {anon: 401, roles: writers, kind: muni,
			json: `{"description":"Følge op på tolkning","responsible":"Sekretær","due":"2027-01-15"}`},
	}
}
