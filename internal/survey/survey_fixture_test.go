package survey_test

import (
	"context"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/plan"
	"github.com/samvirke/samvirke/internal/survey"
)

// fixture is a survey service on its own database, with the indicator
// and plan services it feeds, on a fixed clock.
type fixture struct {
	ctx   context.Context
	bdb   *bun.DB
	clock *app.FixedClock
	svc   *survey.Service
	ind   *indicator.Service
	plans *plan.Service
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	bdb := dbtest.Open(t)
	clock := &app.FixedClock{T: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
	ind := &indicator.Service{DB: bdb, Clock: clock}
	plans := &plan.Service{DB: bdb, Clock: clock}
	return &fixture{ctx: context.Background(), bdb: bdb, clock: clock, ind: ind, plans: plans,
		svc: &survey.Service{DB: bdb, Clock: clock, Indicators: ind, Plans: plans}}
}

// municipality makes a municipality and an editor of it, as an actor.
func (f *fixture) municipality(t *testing.T) (*org.Organisation, *app.Actor) {
	t.Helper()
	o := dbtest.MustCreateOrg(t, f.bdb, org.KindMunicipality)
	_, ctx := dbtest.MustCreateUser(t, f.bdb, o, "editor")
	return o, app.ActorFrom(ctx)
}

// network makes a network with members since 2016 and threshold as its
// small-count threshold (set as its coordinators set it).
func (f *fixture) network(t *testing.T, threshold int, members ...*org.Organisation) *org.Organisation {
	t.Helper()
	n := dbtest.MustCreateOrg(t, f.bdb, org.KindNetwork)
	for _, m := range members {
		dbtest.MustJoinNetwork(t, f.bdb, n, m, time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{})
	}
	noErr(t, f.ind.SetThreshold(f.ctx, n, threshold))
	return n
}

// questionnaire makes o's questionnaire from the standard content in
// Norwegian, changed by edit when not nil, and activates it.
func (f *fixture) questionnaire(t *testing.T, o *org.Organisation, edit func(c *survey.Content)) *survey.Questionnaire {
	t.Helper()
	q, err := f.svc.CreateQuestionnaire(f.ctx, o, survey.QuestionnaireInput{Title: "Integreringsrosa «Trysil»", Language: "nb", Standard: true})
	noErr(t, err)
	if edit != nil {
		q, err = f.svc.Edit(f.ctx, o, q.ID, q.Rev, func(q *survey.Questionnaire) error { edit(&q.Content); return nil })
		noErr(t, err)
	}
	q, err = f.svc.SetStatus(f.ctx, o, q.ID, survey.StatusActive)
	noErr(t, err)
	return q
}

// round opens municipality o's round of q in year.
func (f *fixture) round(t *testing.T, o *org.Organisation, q *survey.Questionnaire, year int) *survey.Round {
	t.Helper()
	r, err := f.svc.OpenRound(f.ctx, o, survey.RoundInput{QuestionnaireOrgID: q.OrgID, QuestionnaireID: q.ID, Title: "Runde " + itoa(year), Year: year})
	noErr(t, err)
	return r
}

// interview stores answers (question key → value) for o's round r, n
// times.
func (f *fixture) interview(t *testing.T, o *org.Organisation, r *survey.Round, n int, values map[string]string) {
	t.Helper()
	for range n {
		noErr(t, f.svc.Interview(f.ctx, o, r.ID, survey.Answers{Values: values, Consent: true}))
	}
}

// links makes n respondent links for o's round r.
func (f *fixture) links(t *testing.T, o *org.Organisation, r *survey.Round, n int) []string {
	t.Helper()
	tokens, err := f.svc.MakeLinks(f.ctx, o, r.ID, n)
	noErr(t, err)
	if len(tokens) != n {
		t.Fatalf("MakeLinks(%d) answered %d tokens", n, len(tokens))
	}
	return tokens
}

// axis answers the score of key in rose, failing the test without it.
func axis(t *testing.T, rose survey.Rose, key string) survey.AxisScore {
	t.Helper()
	a, ok := rose.Axis(key)
	if !ok {
		t.Fatalf("rose has no axis %q: %+v", key, rose)
	}
	return a
}

// wantAxis checks one spoke of a rose.
func wantAxis(t *testing.T, what string, rose survey.Rose, key string, mean float64, answered, good int) {
	t.Helper()
	a := axis(t, rose, key)
	if math.Abs(a.Mean-mean) > 1e-9 || a.Answered != answered || a.Good != good {
		t.Errorf("%s: axis %s = mean %v, answered %d, good %d; want %v, %d, %d", what, key, a.Mean, a.Answered, a.Good, mean, answered, good)
	}
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantCode checks that err is an app.Error with code and key.
func wantCode(t *testing.T, what string, err error, code, key string) {
	t.Helper()
	e := app.AsError(err)
	if e == nil || e.Code != code || (key != "" && e.Key != key) {
		t.Errorf("%s: %v, want %s %s", what, err, code, key)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
