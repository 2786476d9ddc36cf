package server_test

import "github.com/samvirke/samvirke/internal/org"

// routeRowsPlanCopy are the route walk's rows for copying a network
// peer's shared measure into a plan: the peer's measure is the walk's
// peer's answer's (the path's :measure names it); the post names no plan
// of the walk's, so an editor's is refused as a form (422), not a 403.
func routeRowsPlanCopy() map[string]expectation {
	muni := org.KindMunicipality
	return map[string]expectation{
		"GET /o/:org/peers/:peer/measures/:measure/plan-copy":  {anon: 303, roles: editors, kind: muni},
		"POST /o/:org/peers/:peer/measures/:measure/plan-copy": {anon: 401, roles: editors, kind: muni, form: formOf("target", "")},
	}
}
