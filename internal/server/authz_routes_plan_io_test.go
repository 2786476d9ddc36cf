package server_test

import "github.com/samvirke/samvirke/internal/org"

// routeRowsPlanIO are the route walk's rows for a plan's import from a
// file and its exports; planFixture gives each request a plan of its own.
func routeRowsPlanIO() map[string]expectation {
	muni := org.KindMunicipality
	return map[string]expectation{
		"GET /o/:org/plans/:plan/import":         {anon: 303, roles: editors, kind: muni},
		"POST /o/:org/plans/:plan/import":        {anon: 401, roles: editors, kind: muni, form: formOf("confirm", "1", "rev", "0", "data", `{"areas":[{"title":"Språk","rows":[{"row":2,"goal":"Medverka till förbättrad kunskap i svenska språket","activity":"Språkcafé «fika» på biblioteket","timeline":"2018"}]}]}`)},
		"GET /o/:org/plans/:plan/export/:format": {anon: 303, roles: everyone, kind: muni},
	}
}
