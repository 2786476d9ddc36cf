package survey_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/disclosure"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/survey"
	"github.com/samvirke/samvirke/tenants"
)

// sdTables are the tables a second start of the demo must leave as they were.
var sdTables = []string{"survey_questionnaires", "survey_rounds", "survey_links", "survey_responses", "survey_followups", "measures", "indicators", "indicator_values"}

// TestDemoSurveys: the demo's Trysil has its «Integreringsrosa» ready in
// all seven languages, last year's round closed with its axis figures in
// Trysil's indicators, this year's open with 23 respondents (some through
// links), free texts in Norwegian and other languages, and a follow-up
// of its lowest axis on the contributor with a deadline; the network's
// coordinators see this year's roses of Meldal, Trondheim and Oppdal and
// the network's, not Osen's nor Skaun's (under the threshold); a second
// run adds nothing.
func TestDemoSurveys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	bdb := dbtest.Open(t)
	clock := &app.FixedClock{T: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)}
	defs, err := org.LoadDefinitionsFS(tenants.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := org.Apply(ctx, bdb, defs, clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := account.EnsureDemoUsers(ctx, bdb, "demo-password-1234", false, clock.Now()); err != nil {
		t.Fatal(err)
	}
	cat, err := indicator.ReadDefinitions(tenants.Indicators, "indicators")
	if err != nil {
		t.Fatal(err)
	}
	if err := indicator.LoadCatalogue(ctx, bdb, cat, clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := (indicator.DemoLoader{Definitions: tenants.Indicators}).LoadDemo(ctx, bdb, clock); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := (survey.DemoLoader{}).LoadDemo(ctx, bdb, clock); err != nil {
		t.Fatal(err)
	}
	t.Logf("survey demo loaded in %s", time.Since(start))
	rows := dbtest.RowCounts(t, bdb, sdTables...)

	svc := &survey.Service{DB: bdb, Clock: clock, Indicators: &indicator.Service{DB: bdb, Clock: clock}}
	trysil, network := sdOrg(t, bdb, "trysil"), sdOrg(t, bdb, "sor-trondelag")

	// The questionnaire, answerable in every language.
	qs, err := svc.Questionnaires(ctx, trysil)
	if err != nil || len(qs) != 1 {
		t.Fatalf("Trysil's questionnaires: %d, %v; want one", len(qs), err)
	}
	q := qs[0]
	if q.Title != "Integreringsrosa – Velkommen til Trysil" || q.Status != survey.StatusActive {
		t.Errorf("Trysil's questionnaire: %q, %s; want «Integreringsrosa – Velkommen til Trysil», active", q.Title, q.Status)
	}
	want := []string{"nb", "en", "ar", "ti", "prs", "uk", "so"}
	if !slices.Equal(q.Content.Languages, want) {
		t.Errorf("languages %q; want %q", q.Content.Languages, want)
	}
	if err := q.Content.Ready(); err != nil {
		t.Errorf("questionnaire not ready: %v", err)
	}
	for _, l := range want {
		if m := q.Content.Missing(l); len(m) > 0 {
			t.Errorf("%s lacks %q", l, m)
		}
		for _, k := range survey.RespondentTexts {
			if strings.TrimSpace(q.Content.Text(k, l)) == "" {
				t.Errorf("%s: respondent text %s missing", l, k)
			}
		}
		seen := map[string]string{}
		for _, x := range q.Content.Questions {
			if prev, dup := seen[x.Texts[l]]; dup {
				t.Errorf("%s: questions %s and %s read the same", l, prev, x.Key)
			}
			seen[x.Texts[l]] = x.Key
		}
	}
	var axes []string
	for _, a := range q.Content.Axes {
		axes = append(axes, a.Key)
	}
	if !slices.Equal(axes, []string{"attitudes", "language", "work", "housing", "leisure"}) {
		t.Errorf("axes %q; want the rose's five", axes)
	}

	// The rounds.
	rounds, err := svc.Rounds(ctx, trysil)
	if err != nil || len(rounds) != 2 {
		t.Fatalf("Trysil's rounds: %d, %v; want two", len(rounds), err)
	}
	cur, old := rounds[0], rounds[1]
	if cur.Year != 2026 || !cur.Open() || cur.Respondents != 23 {
		t.Errorf("this year's round: %d, %s, %d respondents; want 2026, open, 23", cur.Year, cur.Status, cur.Respondents)
	}
	if old.Year != 2025 || old.Open() || old.Respondents != 18 || old.ClosedOn == nil || old.ClosedOn.Year() != 2025 {
		t.Errorf("last year's round: %d, %s, %d respondents, closed %v; want 2025, closed in 2025, 18", old.Year, old.Status, old.Respondents, old.ClosedOn)
	}
	if !cur.OpenedOn.Before(clock.Now()) || cur.OpenedOn.Year() != 2026 {
		t.Errorf("this year's round opened %s; want this year, before the demo's start", cur.OpenedOn)
	}
	res, err := svc.Results(ctx, trysil, cur.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Links == 0 || res.LinksUsed == 0 || res.LinksUsed >= res.Links || res.LinksUsed >= cur.Respondents {
		t.Errorf("links: %d made, %d used; want some made, some of them used, the rest of the answers from interviews", res.Links, res.LinksUsed)
	}
	mean := func(key string) float64 {
		a, _ := res.Rose.Axis(key)
		return a.Mean
	}
	if !(mean("work") > mean("housing") && mean("work") > mean("leisure") && mean("attitudes") > mean("leisure")) {
		t.Errorf("this year's rose %+v; want work and attitudes above housing and leisure", res.Rose.Axes)
	}
	var texts []string
	for _, ft := range res.FreeTexts {
		texts = append(texts, ft.Answers...)
	}
	all := strings.Join(texts, "\n")
	if len(texts) < 5 || !strings.ContainsAny(all, "æøå") || !strings.ContainsAny(all, "абвгдежзиклмнопрстуфхцчшщьюяєії") {
		t.Errorf("free texts %q; want several, in Norwegian with æøå and one in another language", texts)
	}

	// The follow-up of the lowest axis.
	low := res.Rose.Axes[0]
	for _, a := range res.Rose.Axes {
		if a.Mean < low.Mean {
			low = a
		}
	}
	var contributor int64
	db.Run(ctx, bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		u, err := account.FindUserByEmail(ctx, idb, account.DemoEmail(account.RoleContributor, "trysil"))
		if err == nil {
			contributor = u.ID
		}
		return err
	})
	if len(res.Followups) != 1 {
		t.Fatalf("follow-ups of this year's round: %d; want one", len(res.Followups))
	}
	f := res.Followups[0]
	if f.Axis != low.Key || f.Measure.ResponsibleUser == nil || *f.Measure.ResponsibleUser != contributor ||
		f.Measure.Due == nil || !f.Measure.Due.After(clock.Now()) || f.Measure.Description == "" {
		t.Errorf("follow-up on %s (lowest %s, %.2f): responsible %v, deadline %v; want the lowest axis, Trysil's contributor (%d), a deadline ahead",
			f.Axis, low.Key, low.Mean, f.Measure.ResponsibleUser, f.Measure.Due, contributor)
	}

	// Last year's figures in Trysil's indicators.
	oldRes, err := svc.Results(ctx, trysil, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Trysil %d: %s; %d: %s; links %d/%d; follow-up on %s", old.Year, sdRose(oldRes.Rose), cur.Year, sdRose(res.Rose),
		res.LinksUsed, res.Links, f.Axis)
	for _, a := range oldRes.Rose.Axes {
		_, vals, err := svc.Indicators.Values(ctx, trysil, "rosa."+a.Key, 2025, 2025)
		if err != nil || len(vals) != 1 || vals[0].Num == nil || vals[0].Den == nil ||
			*vals[0].Num != float64(a.Good) || *vals[0].Den != float64(a.Answered) {
			t.Errorf("indicator rosa.%s 2025: %v, %v; want %d of %d", a.Key, sdValues(vals), err, a.Good, a.Answered)
		}
	}

	// The network: Osen's rose is under the threshold.
	nqs, err := svc.Questionnaires(ctx, network)
	if err != nil || len(nqs) != 1 || nqs[0].Status != survey.StatusActive {
		t.Fatalf("the network's questionnaires: %d, %v; want one, active", len(nqs), err)
	}
	nr, err := svc.NetworkResults(ctx, network, nqs[0].ID, 2026)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]survey.MemberRose{}
	for _, m := range nr.Members {
		got[m.Org.Slug] = m
	}
	for slug, n := range map[string]int{"meldal": 24, "trondheim": 61, "oppdal": 12} {
		if m, ok := got[slug]; !ok || !m.Visible() || m.Respondents != n || len(m.Rose.Axes) != 5 {
			t.Errorf("%s in the network's results: %+v; want its rose shown with %d respondents", slug, m, n)
		}
	}
	for _, slug := range []string{"osen", "skaun"} {
		if m, ok := got[slug]; !ok || m.Visible() || m.Status != disclosure.Small || m.Respondents != 0 || len(m.Rose.Axes) != 0 {
			t.Errorf("%s in the network's results: %+v; want a round under the threshold, its rose not shown", slug, m)
		}
	}
	if len(nr.Members) != 5 {
		t.Errorf("network members with a round: %d; want 5", len(nr.Members))
	}
	if !nr.TotalShown || nr.Total.Respondents != 24+61+12+6+7 {
		t.Errorf("network total: shown %v, %d respondents; want shown, 110", nr.TotalShown, nr.Total.Respondents)
	}
	t.Logf("network 2026: total shown %v; members %v", nr.TotalShown, sdStatuses(nr.Members))

	// A second run changes nothing.
	if err := (survey.DemoLoader{}).LoadDemo(ctx, bdb, clock); err != nil {
		t.Fatal(err)
	}
	if again := dbtest.RowCounts(t, bdb, sdTables...); fmt.Sprint(again) != fmt.Sprint(rows) {
		t.Errorf("rows after the first run %v, after a second %v; want nothing added", rows, again)
	}
}

func sdOrg(t *testing.T, bdb *bun.DB, slug string) *org.Organisation {
	t.Helper()
	var o *org.Organisation
	err := db.Run(context.Background(), bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var err error
		o, err = org.FindOrganisationBySlug(ctx, idb, slug)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func sdValues(vals []*indicator.Value) []string {
	var out []string
	for _, v := range vals {
		s := v.Period + ":"
		if v.Num != nil && v.Den != nil {
			s += fmt.Sprintf("%g/%g", *v.Num, *v.Den)
		}
		out = append(out, s)
	}
	return out
}

func sdStatuses(ms []survey.MemberRose) []string {
	var out []string
	for _, m := range ms {
		out = append(out, fmt.Sprintf("%s=%s(%d)", m.Org.Slug, m.Status, m.Respondents))
	}
	return out
}

func sdRose(r survey.Rose) string {
	var out []string
	for _, a := range r.Axes {
		out = append(out, fmt.Sprintf("%s %.2f (%d of %d good)", a.Key, a.Mean, a.Good, a.Answered))
	}
	return strings.Join(out, ", ")
}
