package server_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/plan"
)

// routeRowsPlanRound are the route walk's rows for the plans' follow-up
// rounds and progress report. A contributor reports only where
// responsible: the walk's measure names a role every member fills
// (roundFixture), so each status writer may report on it.
func routeRowsPlanRound() map[string]expectation {
	muni := org.KindMunicipality
	return map[string]expectation{
		"GET /o/:org/plans/:plan/rounds":                                    {anon: 303, roles: everyone, kind: muni},
		"GET /o/:org/plans/:plan/rounds/new":                                {anon: 303, roles: editors, kind: muni},
		"POST /o/:org/plans/:plan/rounds":                                   {anon: 401, roles: editors, kind: muni, form: formOf("title", "Tertial 2 «2018»", "due", "2018-08-31")},
		"GET /o/:org/plans/:plan/rounds/:round":                             {anon: 303, roles: everyone, kind: muni},
		"POST /o/:org/plans/:plan/rounds/:round/reports/:measure":           {anon: 401, roles: statusWriters, kind: muni, form: formOf("status", "ongoing", "progress", "40", "note", "Två platser «klara»")},
		"GET /o/:org/plans/:plan/rounds/:round/close":                       {anon: 303, roles: editors, kind: muni},
		"POST /o/:org/plans/:plan/rounds/:round/close":                      {anon: 401, roles: editors, kind: muni},
		"GET /o/:org/plans/:plan/report.pdf":                                {anon: 303, roles: everyone, kind: muni},
		"GET /o/:org/plans/:plan/report.docx":                               {anon: 303, roles: everyone, kind: muni},
		"GET /api/v1/orgs/:org/plans/:plan/rounds":                          {anon: 401, roles: everyone, kind: muni},
		"GET /api/v1/orgs/:org/plans/:plan/rounds/:round":                   {anon: 401, roles: everyone, kind: muni},
		"POST /api/v1/orgs/:org/plans/:plan/rounds/:round/reports/:measure": {anon: 401, roles: statusWriters, kind: muni, json: `{"status":"done","note":"Fra API-et"}`},
	}
}

// roundFixture opens a round on plan planID of o (made by planFixture for
// this request alone) and makes its measure the responsibility of a role
// every member of o fills; it answers the round's and the measure's ids.
// In an organisation that keeps no plans, ids that find nothing.
func roundFixture(t *testing.T, bdb *bun.DB, o *org.Organisation, planID, measureID string) (string, string) {
	t.Helper()
	if o.Kind != org.KindMunicipality {
		return "999999999", "nope"
	}
	ctx, svc, a := context.Background(), &plan.Service{DB: bdb, Clock: app.SystemClock{}}, &app.Actor{Name: "Walk"}
	pid, _ := strconv.ParseInt(planID, 10, 64)
	role := &org.Role{OrgID: o.ID, Name: fmt.Sprintf("Rapportörer %d", time.Now().UnixNano()), Kind: org.RoleKindRole}
	err := db.RunTx(ctx, bdb, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		if err := org.InsertRole(ctx, tx, role, time.Now().UTC()); err != nil {
			return err
		}
		var users []int64
		if err := tx.NewSelect().Table("memberships").Column("user_id").Where("org_id = ?", o.ID).Scan(ctx, &users); err != nil {
			return err
		}
		for _, u := range users {
			if err := org.AddRoleMember(ctx, tx, o.ID, role.ID, u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	in := plan.ItemInput{Kind: plan.ItemMeasure, Text: "Chefsutbildning", Timeline: "2018", Responsible: role.Name}
	if err := svc.UpdateItem(ctx, o, a, pid, 0, measureID, in); err != nil {
		t.Fatal(err)
	}
	r, err := svc.OpenRound(ctx, o, a, pid, "Tertial 2 2018", nil)
	if err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(r.ID, 10), measureID
}
