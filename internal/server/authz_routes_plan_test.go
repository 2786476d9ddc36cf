package server_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/plan"
)

// routeRowsPlan are the route walk's rows for action plans: the plans,
// their trees, and the plan API. Each request that names a plan gets a
// plan of its own (planFixture), so removals and revisions do not depend
// on the order of the walk.
func routeRowsPlan() map[string]expectation {
	muni := org.KindMunicipality
	return map[string]expectation{
		"GET /o/:org/plans":                             {anon: 303, roles: everyone, kind: muni},
		"GET /o/:org/plans/new":                         {anon: 303, roles: editors, kind: muni},
		"POST /o/:org/plans":                            {anon: 401, roles: editors, kind: muni, form: formOf("kind", "action_plan", "title", "Handlingsplan för integration – «2027»", "visibility", "private")},
		"GET /o/:org/plans/:plan":                       {anon: 303, roles: everyone, kind: muni},
		"GET /o/:org/peers/:peer/plans/:plan":           {anon: 303, roles: everyone, kind: muni},
		"GET /o/:org/plans/:plan/edit":                  {anon: 303, roles: editors, kind: muni},
		"POST /o/:org/plans/:plan":                      {anon: 401, roles: editors, kind: muni, form: formOf("kind", "theme_plan", "title", "Temaplan for flyktningarbeidet", "visibility", "network")},
		"POST /o/:org/plans/:plan/status":               {anon: 401, roles: editors, kind: muni, form: formOf("status", "consultation")},
		"GET /o/:org/plans/:plan/revise":                {anon: 303, roles: editors, kind: muni},
		"POST /o/:org/plans/:plan/revise":               {anon: 401, roles: editors, kind: muni},
		"GET /o/:org/plans/:plan/delete":                {anon: 303, roles: editors, kind: muni},
		"POST /o/:org/plans/:plan/delete":               {anon: 401, roles: editors, kind: muni},
		"POST /o/:org/plans/:plan/areas":                {anon: 401, roles: editors, kind: muni, form: formOf("area_title", "Mötesplatser")},
		"POST /o/:org/plans/:plan/areas/:area":          {anon: 401, roles: editors, kind: muni, form: formOf("title", "Språk og «kultur»")},
		"POST /o/:org/plans/:plan/areas/:area/move":     {anon: 401, roles: editors, kind: muni, form: formOf("dir", "down")},
		"POST /o/:org/plans/:plan/areas/:area/remove":   {anon: 401, roles: editors, kind: muni},
		"GET /o/:org/plans/:plan/areas/:area/items/new": {anon: 303, roles: editors, kind: muni, query: "kind=measure"},
		"POST /o/:org/plans/:plan/areas/:area/items":    {anon: 401, roles: editors, kind: muni, form: formOf("kind", "measure", "text", "Språkcafé på biblioteket", "responsible", "Kultur- och fritidschef", "timeline", "2018")},
		"GET /o/:org/plans/:plan/items/:item":           {anon: 303, roles: editors, kind: muni},
		"POST /o/:org/plans/:plan/items/:item":          {anon: 401, roles: editors, kind: muni, form: formOf("text", "Studiebesök för nyanlända", "timeline", "Hösten 2018")},
		"POST /o/:org/plans/:plan/items/:item/move":     {anon: 401, roles: editors, kind: muni, form: formOf("dir", "up")},
		"GET /o/:org/plans/:plan/items/:item/remove":    {anon: 303, roles: editors, kind: muni},
		"POST /o/:org/plans/:plan/items/:item/remove":   {anon: 401, roles: editors, kind: muni},
		"GET /api/v1/orgs/:org/plans":                   {anon: 401, roles: everyone, kind: muni},
		"GET /api/v1/orgs/:org/plans/:plan":             {anon: 401, roles: everyone, kind: muni},
		"GET /api/v1/orgs/:org/plans/:plan/measures":    {anon: 401, roles: everyone, kind: muni},
	}
}

// planFixture makes a plan of o for one request of the walk and answers
// its id, an area and a line for the path: an adopted plan to revise, an
// empty area to remove, a measure of a second area to move up; in an
// organisation that keeps no plans (a network), ids that find nothing.
func planFixture(t *testing.T, bdb *bun.DB, o *org.Organisation, path string) (string, string, string) {
	t.Helper()
	if o.Kind != org.KindMunicipality {
		return "999999999", "nope", "nope"
	}
	ctx, svc, a := context.Background(), &plan.Service{DB: bdb, Clock: app.SystemClock{}}, &app.Actor{Name: "Walk"}
	p, err := svc.Create(ctx, o, a, plan.Meta{Kind: plan.KindActionPlan, Title: "Handlingsplan för integration"})
	if err != nil {
		t.Fatal(err)
	}
	first, err := svc.AddArea(ctx, o, a, p.ID, 0, "Arbete")
	if err != nil {
		t.Fatal(err)
	}
	empty, err := svc.AddArea(ctx, o, a, p.ID, 0, "Boende")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddItem(ctx, o, a, p.ID, 0, first, "", plan.ItemInput{Kind: plan.ItemGoal, Text: "Egen försörjning"}); err != nil {
		t.Fatal(err)
	}
	item, err := svc.AddItem(ctx, o, a, p.ID, 0, first, "", plan.ItemInput{Kind: plan.ItemMeasure, Text: "Chefsutbildning", Timeline: "2018"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, "/revise") {
		day := time.Date(2017, 5, 30, 0, 0, 0, 0, time.UTC)
		if _, err := svc.SetStatus(ctx, o, a, p.ID, 0, plan.StatusAdopted, plan.Adoption{AdoptedBy: "Kommunstyrelsen", AdoptedOn: &day}); err != nil {
			t.Fatal(err)
		}
	}
	publishForWalk(t, svc, o, a, p.ID, path)
	if strings.Contains(path, ":peer") { // adopted and shared with the network
		day := time.Date(2017, 5, 30, 0, 0, 0, 0, time.UTC)
		if _, err := svc.SetStatus(ctx, o, a, p.ID, 0, plan.StatusAdopted, plan.Adoption{AdoptedBy: "Kommunstyrelsen", AdoptedOn: &day}); err != nil {
			t.Fatal(err)
		}
		tr, err := svc.Get(ctx, o, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		m := plan.MetaOf(tr.Plan, tr.Content)
		m.Visibility = plan.VisibilityNetwork
		if _, err := svc.UpdateMeta(ctx, o, a, p.ID, 0, m); err != nil {
			t.Fatal(err)
		}
	}
	area := first
	if strings.HasSuffix(path, "/remove") && !strings.Contains(path, ":item") {
		area = empty
	}
	return strconv.FormatInt(p.ID, 10), area, item
}
