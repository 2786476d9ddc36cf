package server_test

import "github.com/samvirke/samvirke/internal/org"

// routeRowsIndicatorPages are the route walk's rows for the indicator
// pages (internal/web/indicator*.go).
func routeRowsIndicatorPages() map[string]expectation {
	muni := org.KindMunicipality
	return map[string]expectation{
		"GET /o/:org/indicators":                               {anon: 303, roles: everyone},
		"GET /o/:org/indicators/status":                        {anon: 303, roles: everyone, query: "period=2020"},
		"POST /o/:org/indicators/threshold":                    {anon: 401, roles: editors, kind: org.KindNetwork, form: formOf("threshold", "9")},
		"GET /o/:org/indicators/import":                        {anon: 303, roles: editors, kind: muni},
		"POST /o/:org/indicators/import":                       {anon: 401, roles: editors, kind: muni},
		"GET /o/:org/indicators/groups":                        {anon: 303, roles: everyone},
		"POST /o/:org/indicators/groups":                       {anon: 401, roles: editors, form: formOf("name", "Kommuner på «Østlandet»")},
		"GET /o/:org/indicators/groups/:group":                 {anon: 303, roles: editors},
		"POST /o/:org/indicators/groups/:group":                {anon: 401, roles: editors, form: formOf("name", "Æøå-gruppa")},
		"POST /o/:org/indicators/groups/:group/delete":         {anon: 401, roles: editors},
		"POST /o/:org/indicators/locks":                        {anon: 401, roles: editors, kind: muni, form: formOf("period", "2019")},
		"POST /o/:org/indicators/locks/:period/delete":         {anon: 401, roles: editors, kind: muni},
		"GET /o/:org/indicators/report/:period":                {anon: 303, roles: everyone, kind: muni},
		"POST /o/:org/indicators/report/:period":               {anon: 401, roles: editors, kind: muni, form: formOf("l0_note", "Ærlig")},
		"GET /o/:org/indicators/:code":                         {anon: 303, roles: everyone},
		"POST /o/:org/indicators/:code/settings":               {anon: 401, roles: editors, kind: muni, form: formOf("visibility", "network")},
		"POST /o/:org/indicators/:code/targets":                {anon: 401, roles: editors, form: formOf("value", "75", "rule", "imdi")},
		"POST /o/:org/indicators/:code/targets/:target/delete": {anon: 401, roles: editors},
		"GET /o/:org/indicators/:code/history/:period":         {anon: 303, roles: everyone, kind: muni},
	}
}
