package server_test

import (
	"github.com/samvirke/samvirke/internal/org"
)

// routeRowsIndicatorAPI are the route walk's rows for the indicators API
// (internal/web/api_indicator.go). Reading takes content read; the
// catalogue, targets, groups and figures take content write. Figures are
// a municipality's: a network gets 404 there.
func routeRowsIndicatorAPI() map[string]expectation {
	muni := org.KindMunicipality
	const base = "/api/v1/orgs/:org/indicators"
	return map[string]expectation{
		"GET " + base:                      {anon: 401, roles: everyone},
		"POST " + base:                     {anon: 401, roles: editors, json: `{"code":"walk.own","names":{"en":"Walk «egen»"},"unit":"count","direction":"none","periodicity":"year","aggregation":"sum","source":"own"}`},
		"POST " + base + "/values":         {anon: 401, roles: editors, kind: muni, json: `{"values":[{"code":"intro.participants","period":"2019","numerator":12}]}`},
		"GET " + base + "/targets":         {anon: 401, roles: everyone, query: "code=intro.outcome"},
		"POST " + base + "/targets":        {anon: 401, roles: editors, json: `{"code":"intro.outcome","rule":"imdi","value":70}`},
		"GET " + base + "/groups":          {anon: 401, roles: everyone},
		"POST " + base + "/groups":         {anon: 401, roles: editors, json: `{"name":"Walk «gruppe»","members":[]}`},
		"GET " + base + "/:code":           {anon: 401, roles: everyone},
		"POST " + base + "/:code":          {anon: 401, roles: editors, json: `{"position":3}`},
		"GET " + base + "/:code/values":    {anon: 401, roles: everyone, kind: muni, query: "from=2018&to=2020"},
		"GET " + base + "/:code/series":    {anon: 401, roles: everyone, kind: muni, query: "from=2018&to=2020"},
		"GET " + base + "/:code/benchmark": {anon: 401, roles: everyone, query: "period=2020"},
	}
}
