package server_test

// routeRowsOps are the route walk's rows for the platform operators'
// queue pages (internal/web/ops.go), which no role of any organisation
// reaches (the walk configures no operator: they answer 404 to every
// signed-in user), and the organisation's send log
// (internal/web/remind_log.go).
func routeRowsOps() map[string]expectation {
	return map[string]expectation{
		"GET /ops/queues": {anon: 303, signedIn: 404, query: "queue=default&state=archived"},
		"POST /ops/queues/:queue/tasks/:task/retry":  {anon: 401, signedIn: 404, form: formOf("state", "archived")},
		"POST /ops/queues/:queue/tasks/:task/delete": {anon: 401, signedIn: 404, form: formOf("state", "archived")},
		"GET /o/:org/admin/sent":                     {anon: 303, roles: admins, query: "kind=reminder&q=ø"},
	}
}
