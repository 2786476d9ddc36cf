package server_test

import "github.com/samvirke/samvirke/internal/org"

// routeRowsWorkbook are the route walk's rows for workbooks: workbooks
// and their answers, peers' answers, comments, gatherings, templates and
// the workbook API.
func routeRowsWorkbook() map[string]expectation {
	return map[string]expectation{
		"GET /o/:org/workbooks":                                                          {anon: 303, roles: everyone},
		"GET /o/:org/workbooks/:workbook":                                                {anon: 303, roles: everyone, kind: org.KindMunicipality},
		"GET /o/:org/workbooks/:workbook/import":                                         {anon: 303, roles: editors, kind: org.KindMunicipality},
		"POST /o/:org/workbooks/:workbook/import":                                        {anon: 401, roles: editors, kind: org.KindMunicipality, form: formOf("text", "Problemstilling: «Innvandrerreisen» Analyse hvordan ser vår situasjon ut nå? Kartlagt.")},
		"GET /o/:org/workbooks/:workbook/statements/:statement":                          {anon: 303, roles: everyone, kind: org.KindMunicipality},
		"POST /o/:org/workbooks/:workbook/statements/:statement":                         {anon: 401, roles: editors, kind: org.KindMunicipality, form: formOf("analysis", "Vår situasjon nå: «innvandrerreisen» kartlagt", "version", "1")},
		"GET /o/:org/workbooks/:workbook/statements/:statement/history":                  {anon: 303, roles: everyone, kind: org.KindMunicipality},
		"GET /o/:org/workbooks/:workbook/statements/:statement/measures/import":          {anon: 303, roles: editors, kind: org.KindMunicipality},
		"POST /o/:org/workbooks/:workbook/statements/:statement/measures/import":         {anon: 401, roles: editors, kind: org.KindMunicipality, form: formOf("import", "1", "version", "1", "row.0.description", "Språkkafé på biblioteket", "row.0.line", "2")},
		"GET /o/:org/workbooks/:workbook/statements/:statement/restore":                  {anon: 303, roles: editors, kind: org.KindMunicipality, query: "version=1"},
		"POST /o/:org/workbooks/:workbook/statements/:statement/restore":                 {anon: 401, roles: editors, kind: org.KindMunicipality, form: formOf("restore", "1", "version", "1")},
		"GET /o/:org/peers/:peer/workbooks/:workbook/statements/:statement":              {anon: 303, roles: everyone, kind: org.KindMunicipality},
		"POST /o/:org/workbooks/:workbook/chapters/:chapter/status":                      {anon: 401, roles: statusWriters, kind: org.KindMunicipality, form: formOf("status", "in_progress")},
		"GET /o/:org/gatherings":                                                         {anon: 303, roles: everyone},
		"POST /o/:org/gatherings":                                                        {anon: 401, roles: editors, kind: org.KindNetwork, form: formOf("title", "Tredje samling", "starts_on", "2026-12-01", "place", "Scandic Lerkendal, Trondheim")},
		"GET /o/:org/gatherings/:gathering":                                              {anon: 303, roles: everyone, kind: org.KindNetwork},
		"GET /o/:org/members/:member/workbooks/:workbook":                                {anon: 303, roles: everyone, kind: org.KindNetwork},
		"GET /o/:org/templates/new":                                                      {anon: 303, roles: editors, kind: org.KindNetwork},
		"POST /o/:org/templates":                                                         {anon: 401, roles: editors, kind: org.KindNetwork, form: formOf("name", "Arbeidsboka", "outline", "# Kapittel 3\n## Bolig", "sections", "analysis: Analyse")},
		"POST /o/:org/templates/:template/publish":                                       {anon: 401, roles: editors, kind: org.KindNetwork, form: formOf("cycle", "2026")}, // the world's running cycle: repeatable
		"POST /o/:org/workbooks/:workbook/statements/:statement/comments":                {anon: 401, roles: commenters, kind: org.KindMunicipality, form: formOf("body", "Bra kartlegging – «innvandrerreisen» er nyttig")},
		"POST /o/:org/peers/:peer/workbooks/:workbook/statements/:statement/comments":    {anon: 401, roles: commenters, kind: org.KindMunicipality, form: formOf("body", "Hvordan fikk dere med NAV?")},
		"POST /o/:org/workbooks/:workbook/statements/:statement/comments/:comment/hide":  {anon: 401, roles: moderators, kind: org.KindMunicipality, form: formOf("hide", "on", "confirm", "yes")},
		"POST /o/:org/peers/:peer/workbooks/:workbook/statements/:statement/copy":        {anon: 401, roles: editors, kind: org.KindMunicipality, form: formOf("kind", "measure", "index", "0")},
		"GET /o/:org/templates/:template/statements/:statement/gathering":                {anon: 303, roles: everyone},
		"GET /o/:org/templates/:template/statements/:statement/gathering/export/:format": {anon: 303, roles: everyone},
		"GET /api/v1/orgs/:org/templates":                                                {anon: 401, roles: everyone},
		"GET /api/v1/orgs/:org/workbooks":                                                {anon: 401, roles: everyone},
		"GET /api/v1/orgs/:org/workbooks/:workbook":                                      {anon: 401, roles: everyone, kind: org.KindMunicipality},
		"PUT /api/v1/orgs/:org/workbooks/:workbook/statements/:statement":                {anon: 401, roles: editors, kind: org.KindMunicipality},
		"POST /o/:org/templates/:template/statements/:statement/gathering/good-practice": {anon: 401, roles: editors, kind: org.KindNetwork, form: formOf("org", ":ownorg", "entry", ":ownentry", "mark", "on")},
		"POST /o/:org/templates/:template/statements/:statement/gathering/comments":      {anon: 401, roles: commenters, kind: org.KindNetwork, form: formOf("org", ":ownorg", "entry", ":ownentry", "body", "Fin kartlegging!")},
		"GET /o/:org/measures/:measure":                                                  {anon: 303, roles: everyone, kind: org.KindMunicipality},
		"POST /o/:org/measures/:measure/status":                                          {anon: 401, roles: statusWriters, kind: org.KindMunicipality, form: formOf("status", "ongoing", "progress", "40", "note", "Startet – «språkkafé» hver tirsdag")},
		"GET /o/:org/goals/:goal":                                                        {anon: 303, roles: everyone, kind: org.KindMunicipality},
		"GET /api/v1/orgs/:org/measures":                                                 {anon: 401, roles: everyone},
		"GET /api/v1/orgs/:org/measures/:measure":                                        {anon: 401, roles: everyone, kind: org.KindMunicipality},
		"POST /api/v1/orgs/:org/measures/:measure/status":                                {anon: 401, roles: statusWriters, kind: org.KindMunicipality, json: `{"status":"ongoing","progress":50,"note":"Halvveis: «språkkafé» i gang"}`},
		"GET /api/v1/orgs/:org/goals":                                                    {anon: 401, roles: everyone},
		"GET /api/v1/orgs/:org/goals/:goal":                                              {anon: 401, roles: everyone, kind: org.KindMunicipality},
	}
}
