package server_test

// routeRowsCalendar are the route walk's rows for the annual cycle
// (internal/web/calendar.go): every member reads the month and year
// views; every signed-in user keeps feeds of their own (in a session of
// their own credentials); a feed's public address answers 404 for a
// token that is none.
func routeRowsCalendar() map[string]expectation {
	return map[string]expectation{
		"GET /o/:org/calendar":                    {anon: 303, roles: everyone, query: "month=2026-12&kind=meeting&kind=deadline"},
		"GET /o/:org/calendar/year":               {anon: 303, roles: everyone, query: "year=2026"},
		"POST /account/calendar-feeds":            {anon: 401, signedIn: 201, form: formOf("back", "/o/elsewhere/calendar")},
		"POST /account/calendar-feeds/:id/revoke": {anon: 401, signedIn: 303}, // not the user's: nothing to revoke
		"GET /calendar/:token":                    {anon: 404},
	}
}
