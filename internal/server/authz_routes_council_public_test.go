package server_test

// routeRowsCouncilPublic are the route walk's rows for the council routes of
// internal/web/council_public.go (see councilFixture for the path's ids).
func routeRowsCouncilPublic() map[string]expectation {
	return map[string]expectation{}
}
