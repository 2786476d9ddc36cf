package server_test

// routeRowsCouncilMeeting are the route walk's rows for the council routes of
// internal/web/council_meeting.go (see councilFixture for the path's ids).
func routeRowsCouncilMeeting() map[string]expectation {
	return map[string]expectation{}
}
