package server_test

// routeRowsBilling are the route walk's rows for the owners' billing page
// and Stripe's webhook (internal/web/billing.go). The walked program runs
// without billing configured: the page says so, its actions answer 409
// with that message, and the webhook 503.
func routeRowsBilling() map[string]expectation {
	owners := []string{"owner"}
	return map[string]expectation{
		"GET /o/:org/admin/billing":                           {anon: 303, roles: owners},
		"POST /o/:org/admin/billing/profile":                  {anon: 401, roles: owners, form: formOf("org_number", "964950768", "invoice_email", "faktura@nittedal.example", "street", "Rådhusvegen 5", "postal_code", "1482", "city", "Nittedal", "population", "25 000")},
		"POST /o/:org/admin/billing/checkout":                 {anon: 401, roles: owners, form: formOf("plan", "municipality", "nonce", "0123456789abcdef0123456789abcdef")},
		"POST /o/:org/admin/billing/invoice":                  {anon: 401, roles: owners, form: formOf("plan", "municipality", "nonce", "0123456789abcdef0123456789abcdef")},
		"POST /o/:org/admin/billing/portal":                   {anon: 401, roles: owners},
		"GET /o/:org/admin/billing/invoices/:invoice/ehf.xml": {anon: 303, roles: owners},
		"POST /webhooks/stripe":                               {anon: 503, signedIn: 503, json: `{"id":"evt_1","type":"customer.subscription.updated"}`},
	}
}
