package plan_test

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/plan"
	"github.com/samvirke/samvirke/internal/scale"
)

// TestScalePlans makes the plans' slice of the scale data set at two
// sizes: every municipality has one action plan whose tree shows the six
// focus areas with their goals and all its measures, a third of them
// with a responsible member, and a plan's tree is read with the same
// statements whether it holds 30 measures or 120.
func TestScalePlans(t *testing.T) {
	statements := map[int]int{}
	for _, per := range []int{30, 120} {
		bdb := dbtest.Open(t)
		ctx := context.Background()
		opts := scale.Options{Seed: 5, Municipalities: 3, Networks: 1, UsersPer: 4, Password: "korrekt hest batteri"}
		w := captureWorld{}
		rep, err := scale.Generate(ctx, bdb, opts, []scale.Slice{plan.Scale{Measures: per}, &w}, nil)
		if err != nil {
			t.Fatal(err)
		}
		goals := per / 8 // a goal every eighth row of an area
		if got, min := rep.Rows["action plans"], 3*(1+per); got < min {
			t.Fatalf("%d measures a plan: the slice wrote %d rows, want at least %d", per, got, min)
		}
		svc := &plan.Service{DB: bdb}
		counter := dbtest.CountStatements(t, bdb)
		for _, o := range w.World.Municipalities {
			plans, err := svc.List(ctx, o)
			if err != nil || len(plans) != 1 {
				t.Fatalf("%s: plans %v, %v", o.Slug, plans, err)
			}
			rid := "tree-" + o.Slug
			tree, err := svc.Get(audit.WithMeta(ctx, audit.Meta{RequestID: rid}), o, plans[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(tree.Content.Areas) != 6 || tree.Content.Areas[1].Title != "Bolig" {
				t.Errorf("%s: areas %v", o.Slug, tree.Content.Areas)
			}
			if len(tree.Measures) != per || len(tree.Goals) < goals {
				t.Errorf("%s: %d measures and %d goals, want %d and at least %d", o.Slug, len(tree.Measures), len(tree.Goals), per, goals)
			}
			withUser, unit := 0, 0
			for _, r := range tree.Rows {
				if r.ResponsibleUser != nil {
					withUser++
				}
				if r.Responsible != "" {
					unit++
				}
			}
			if withUser != (per+2)/3 || unit != per {
				t.Errorf("%s: %d of %d measures with a responsible member (want %d), %d with a unit", o.Slug, withUser, per, (per+2)/3, unit)
			}
			if !strings.Contains(tree.Plan.Title, "–") || !strings.Contains(tree.Content.MainGoal, "Nyankomne") {
				t.Errorf("%s: title %q, main goal %q", o.Slug, tree.Plan.Title, tree.Content.MainGoal)
			}
			got := len(counter.Request(rid).Statements)
			if prev, ok := statements[0]; ok && prev != got {
				t.Errorf("a plan's tree: %d statements with %d measures, %d with %d", prev, 30, got, per)
			}
			statements[0] = got
		}
	}
}

// captureWorld is a slice that writes nothing and keeps the world for
// the test.
type captureWorld struct{ World *scale.World }

func (*captureWorld) Name() string { return "capture" }

func (c *captureWorld) Generate(_ context.Context, _ *bun.DB, w *scale.World) (int, error) {
	c.World = w
	return 0, nil
}
