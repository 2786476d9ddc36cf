package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/plan"
)

// routeRowsPlanPublic are the route walk's rows for published plans:
// public pages and API, read by anyone. The walk's plan (planFixture) is
// adopted and published for these paths (publishForWalk), so each answers
// 200 and is checked to send no write to the database.
func routeRowsPlanPublic() map[string]expectation {
	return map[string]expectation{
		"GET /p/:org/plans":                        {anon: 200},
		"GET /p/:org/plans/:plan":                  {anon: 200},
		"GET /p/:org/plans/:plan/pdf":              {anon: 200},
		"GET /api/v1/public/orgs/:org/plans":       {anon: 200},
		"GET /api/v1/public/orgs/:org/plans/:plan": {anon: 200},
	}
}

// publicPath reports whether path is one of a published plan's.
func publicPath(path string) bool {
	return strings.HasPrefix(path, "/p/") || strings.HasPrefix(path, "/api/v1/public/")
}

// publishForWalk adopts and publishes plan id of o when path is a public
// plan path.
func publishForWalk(t *testing.T, svc *plan.Service, o *org.Organisation, a *app.Actor, id int64, path string) {
	t.Helper()
	if !publicPath(path) {
		return
	}
	ctx, day := context.Background(), time.Date(2017, 5, 30, 0, 0, 0, 0, time.UTC)
	if _, err := svc.SetStatus(ctx, o, a, id, 0, plan.StatusAdopted, plan.Adoption{AdoptedBy: "Kommunstyrelsen", AdoptedOn: &day}); err != nil {
		t.Fatal(err)
	}
	tr, err := svc.Get(ctx, o, id)
	if err != nil {
		t.Fatal(err)
	}
	m := plan.MetaOf(tr.Plan, tr.Content)
	m.Visibility = plan.VisibilityPublic
	if _, err := svc.UpdateMeta(ctx, o, a, id, 0, m); err != nil {
		t.Fatal(err)
	}
}
