package survey_test

import (
	"context"
	"testing"
	"time"

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

// TestResultsStatementsDoNotGrow: a round's results (its rose, earlier
// rounds, follow-ups) are read with the same statements whether the
// municipality has one earlier round and one follow-up or four and six.
func TestResultsStatementsDoNotGrow(t *testing.T) {
	count := func(earlier, followups int) int {
		f := newFixture(t)
		o, a := f.municipality(t)
		q := f.questionnaire(t, o, nil)
		for y := range earlier {
			r := f.round(t, o, q, 2020+y)
			f.interview(t, o, r, 2, map[string]string{"job": "2", "home": "4"})
		}
		r := f.round(t, o, q, 2026)
		f.interview(t, o, r, 3, map[string]string{"job": "2", "skills": "1", "home": "4"})
		deadline := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
		for i := range followups {
			_, err := f.svc.AddFollowup(f.ctx, o, a, r.ID, survey.FollowupInput{Axis: "work", Description: "Språkpraksis " + itoa(i),
				Responsible: "Leder NAV", Deadline: &deadline})
			noErr(t, err)
		}
		counter := dbtest.CountStatements(t, f.bdb)
		res, err := f.svc.Results(audit.WithMeta(f.ctx, audit.Meta{RequestID: "results"}), o, r.ID)
		noErr(t, err)
		if len(res.Earlier) != earlier || len(res.Followups) != followups {
			t.Fatalf("results with %d earlier rounds and %d follow-ups: %d and %d", earlier, followups, len(res.Earlier), len(res.Followups))
		}
		return len(counter.Request("results").Statements)
	}
	if small, large := count(1, 1), count(4, 6); small != large {
		t.Errorf("a round's results: %d statements with one earlier round and one follow-up, %d with four and six", small, large)
	}
}
