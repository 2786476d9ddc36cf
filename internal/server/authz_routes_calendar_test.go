package server_test

// routeRowsCalendar are the route walk's rows for the annual cycle
// (internal/web/calendar.go): every member reads the month and year
// views and keeps feeds of their own; a feed's public address answers
// 404 for a token that is none.
func routeRowsCalendar() map[string]expectation {
	return map[string]expectation{
		"GET /o/:org/calendar":                   {anon: 303, roles: everyone, query: "month=2026-12&kind=meeting&kind=deadline"},
		"GET /o/:org/calendar/year":              {anon: 303, roles: everyone, query: "year=2026"},
		"POST /o/:org/calendar/feeds":            {anon: 401, roles: everyone},
		"POST /o/:org/calendar/feeds/:id/revoke": {anon: 401, roles: everyone},
		"GET /calendar/:token":                   {anon: 404},
	}
}
