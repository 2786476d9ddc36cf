package server_test

// routeRowsCouncilDocument are the route walk's rows for the council routes of
// internal/web/council_document.go (see councilFixture for the path's ids).
func routeRowsCouncilDocument() map[string]expectation {
	return map[string]expectation{}
}
