package server_test

import "github.com/samvirke/samvirke/internal/org"

// routeRowsIndicatorBenchmark are the route walk's rows for the benchmark
// pages and exports, the settlement tracker and the monthly report
// (internal/web/indicator_benchmark*.go).
func routeRowsIndicatorBenchmark() map[string]expectation {
	muni := org.KindMunicipality
	const b = "GET /o/:org/indicators/:code/benchmark"
	return map[string]expectation{
		b:           {anon: 303, roles: everyone},
		b + ".csv":  {anon: 303, roles: everyone},
		b + ".xlsx": {anon: 303, roles: everyone},
		b + ".pdf":  {anon: 303, roles: everyone},
		"POST /o/:org/indicators/:code/benchmark/similar": {anon: 401, roles: editors, kind: muni,
			form: formOf("name", "Walk similar", "member", "none")},
		"GET /o/:org/indicators/settlement":                 {anon: 303, roles: everyone, kind: muni},
		"GET /o/:org/indicators/report/:period/monthly":     {anon: 303, roles: everyone, kind: muni, query: "?x=1"},
		"GET /o/:org/indicators/report/:period/monthly.pdf": {anon: 303, roles: everyone, kind: muni},
	}
}
