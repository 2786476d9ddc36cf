package server_test

// routeRowsCouncilAPI are the route walk's rows for the council routes of
// internal/web/api_council.go (see councilFixture for the path's ids).
func routeRowsCouncilAPI() map[string]expectation {
	return map[string]expectation{}
}
