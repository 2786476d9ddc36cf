package survey_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/scale"
	"github.com/samvirke/samvirke/internal/survey"
)

// TestScaleNetworkResults makes the surveys' slice of the scale data set
// at two sizes: every network's results list each member with a round,
// pool what protection lets them, and are read with the same number of
// statements whether a network has 4 members or 8.
func TestScaleNetworkResults(t *testing.T) {
	statements := map[int]int{}
	for _, munis := range []int{12, 24} {
		bdb := dbtest.Open(t)
		ctx := context.Background()
		opts := scale.Options{Seed: 3, Municipalities: munis, Networks: 3, UsersPer: 2, Password: "korrekt hest batteri"}
		rep, err := scale.Generate(ctx, bdb, opts, []scale.Slice{survey.Scale{MaxPer: 20}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rows["survey rounds"] < munis {
			t.Fatalf("%d municipalities: the slice wrote %d rows", munis, rep.Rows["survey rounds"])
		}
		counter := dbtest.CountStatements(t, bdb)
		svc := &survey.Service{DB: bdb}
		var networks []*org.Organisation
		err = db.Run(ctx, bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
			return idb.NewSelect().Model(&networks).Where("kind = ? AND slug LIKE ?", org.KindNetwork, scale.SlugPrefix+"%").OrderExpr("slug").Scan(ctx)
		})
		if err != nil || len(networks) != 3 {
			t.Fatalf("networks %d, %v", len(networks), err)
		}
		for i, n := range networks {
			qs, err := svc.Questionnaires(ctx, n)
			if err != nil || len(qs) != 1 {
				t.Fatalf("network %s: questionnaires %v, %v", n.Slug, qs, err)
			}
			years, err := svc.Years(ctx, n, qs[0].Questionnaire.ID)
			if err != nil {
				t.Fatal(err)
			}
			rid := "scale-" + n.Slug
			res, err := svc.NetworkResults(audit.WithMeta(ctx, audit.Meta{RequestID: rid}), n, qs[0].Questionnaire.ID, years[0])
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Members) != munis/3 {
				t.Errorf("%d municipalities, network %d: %d members with a round; want %d", munis, i, len(res.Members), munis/3)
			}
			sum := 0
			for _, m := range res.Members {
				if m.Visible() {
					sum += m.Respondents
				}
			}
			if res.TotalShown && res.Total.Respondents < sum {
				t.Errorf("network %d: the total of %d respondents is under its visible members' %d", i, res.Total.Respondents, sum)
			}
			got := len(counter.Request(rid).Statements)
			if prev, ok := statements[i]; ok && prev != got {
				t.Errorf("network %d's results: %d statements with %d members, %d with %d", i, prev, munis/6, got, munis/3)
			}
			statements[i] = got
		}
	}
}
