package server_test

import "github.com/samvirke/samvirke/internal/org"

// routeRowsCouncilDocument are the route walk's rows for the council routes of
// internal/web/council_document.go (see councilFixture for the path's ids).
func routeRowsCouncilDocument() map[string]expectation {
	muni := org.KindMunicipality
	const m = "GET /o/:org/councils/:council/meetings/:meeting"
	return map[string]expectation{
		m + "/minutes.pdf": {anon: 303, roles: everyone, kind: muni},
		m + "/agenda.pdf":  {anon: 303, roles: everyone, kind: muni},
		m + "/event.ics":   {anon: 303, roles: everyone, kind: muni},
		"GET /o/:org/councils/:council/calendar.ics": {anon: 303, roles: everyone, kind: muni},
	}
}
