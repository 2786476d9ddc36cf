package plan_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/plan"
	"github.com/samvirke/samvirke/internal/webtest"
	"github.com/samvirke/samvirke/tenants"
)

// loadDemo loads the demo organisations, their users and roles, and the
// demo plans into the harness's fresh database, as the demo's first start
// does, and answers the plans of tierp and nittedal.
func loadDemo(t *testing.T, r *webtest.Harness) map[string]*plan.Tree {
	t.Helper()
	ctx := context.Background()
	defs, err := org.LoadDefinitionsFS(tenants.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if _, err := org.Apply(ctx, r.DB, defs, now); err != nil {
		t.Fatal(err)
	}
	if _, err := account.EnsureDemoUsers(ctx, r.DB, "demo-password-1234", false, now); err != nil {
		t.Fatal(err)
	}
	if err := (org.DemoRoles{Definitions: tenants.Roles}).LoadDemo(ctx, r.DB, app.SystemClock{}); err != nil {
		t.Fatal(err)
	}
	if err := (plan.DemoLoader{Definitions: tenants.Plans}).LoadDemo(ctx, r.DB, app.SystemClock{}); err != nil {
		t.Fatal(err)
	}
	if err := r.Authz.Reload(); err != nil { // the demo users' memberships
		t.Fatal(err)
	}
	out := map[string]*plan.Tree{}
	for _, slug := range []string{"tierp", "nittedal"} {
		o := demoOrg(t, r, slug)
		list, err := r.Plans.List(ctx, o)
		if err != nil || len(list) != 1 {
			t.Fatalf("%s's plans: %d, %v; want one", slug, len(list), err)
		}
		if out[slug], err = r.Plans.Get(ctx, o, list[0].ID); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func demoOrg(t *testing.T, r *webtest.Harness, slug string) *org.Organisation {
	t.Helper()
	var o *org.Organisation
	err := db.Run(context.Background(), r.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var err error
		o, err = org.FindOrganisationBySlug(ctx, idb, slug)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func demoUser(t *testing.T, r *webtest.Harness, role, slug string) *account.User {
	t.Helper()
	var u *account.User
	err := db.Run(context.Background(), r.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var err error
		u, err = account.FindUserByEmail(ctx, idb, account.DemoEmail(role, slug))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// count answers the lines of each kind of area i.
func count(tr *plan.Tree, i int) map[string]int {
	out := map[string]int{}
	for _, it := range tr.Content.Areas[i].Items {
		out[it.Kind]++
	}
	return out
}

// TestDemoPlans: the demo's first start gives Nittedal its theme plan
// (main goal, six focus areas with their sub-goals, strategies and
// measures as the seed's summary lists them, the 75 % goal), adopted and
// followed up, with the committee summary counting the measures by status
// per focus area as the demo's reports set them; Tierp its action plan
// with the header and every area's goals and measures of the seed. A
// viewer sees the tree and the summary; the demo's contributor and editor
// find plan measures on "My work".
func TestDemoPlans(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	plans := loadDemo(t, r)

	// Nittedal.
	n := plans["nittedal"]
	if p := n.Plan; p.Title != "Temaplan for flyktningarbeidet 2020–2023" || p.Kind != plan.KindThemePlan || p.Status != plan.StatusAdopted ||
		p.AdoptedBy != "Kommunestyret" || p.AdoptedOn == nil || *p.PeriodFrom != 2020 || *p.PeriodTo != 2023 {
		t.Errorf("Nittedal's plan: %+v", p)
	}
	if !strings.HasPrefix(n.Content.MainGoal, "Nyankomne flyktninger i Nittedal skal raskt komme inn i et kvalifiseringsløp") {
		t.Errorf("Nittedal's main goal: %q", n.Content.MainGoal)
	}
	// One closed follow-up round, with the reports made while it was open.
	rounds, err := r.Plans.Rounds(context.Background(), demoOrg(t, r, "nittedal"), n.Plan.ID)
	if err != nil || len(rounds.Rounds) != 1 || rounds.Open != nil || rounds.Rounds[0].Open() || rounds.Rounds[0].Title != "1. tertial 2026" {
		t.Fatalf("Nittedal's rounds: %+v, %v; want one closed, «1. tertial 2026»", rounds, err)
	}
	d, err := r.Plans.Round(context.Background(), demoOrg(t, r, "nittedal"), n.Plan.ID, rounds.Rounds[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if done, all := d.Report.Reported(); done == 0 || all != 78 {
		t.Errorf("the demo round's report: %d of %d measures reported; want some of 78", done, all)
	}
	nittedal := []struct {
		title                       string
		goals, strategies, measures int
		byStatus                    map[string]int
	}{
		{"En god start i Nittedal", 1, 4, 15, map[string]int{"done": 3, "ongoing": 3, "not_started": 9}},
		{"Individuelt tilpassede kvalifiseringsløp som fører til varig arbeid/ utdanning", 2, 5, 18,
			map[string]int{"done": 2, "ongoing": 4, "postponed": 1, "not_started": 11}},
		{"Helse i integreringsarbeidet", 1, 3, 11, map[string]int{"done": 2, "ongoing": 2, "not_started": 7}},
		{"Arbeid med barn, unge og familier", 1, 4, 14, map[string]int{"done": 1, "ongoing": 3, "not_started": 10}},
		{"Sosial integrering og lokal tilhørighet", 1, 2, 9, map[string]int{"done": 1, "ongoing": 2, "cancelled": 1, "not_started": 5}},
		{"Organisering og lokal samhandling", 1, 2, 11, map[string]int{"ongoing": 2, "not_started": 9}},
	}
	if len(n.Content.Areas) != len(nittedal) {
		t.Fatalf("Nittedal's focus areas: %d; want 6", len(n.Content.Areas))
	}
	sum := n.Summary()
	for i, want := range nittedal {
		c := count(n, i)
		if a := n.Content.Areas[i]; a.Title != want.title || c["goal"] != want.goals || c["strategy"] != want.strategies || c["measure"] != want.measures {
			t.Errorf("Nittedal's area %d: %q with %v; want %q with %d goals, %d strategies, %d measures", i+1, a.Title, c,
				want.title, want.goals, want.strategies, want.measures)
		}
		if s := sum[i]; fmt.Sprint(s.ByStatus) != fmt.Sprint(want.byStatus) || s.Total != want.measures {
			t.Errorf("summary of area %d: %v (total %d); want %v", i+1, s.ByStatus, s.Total, want.byStatus)
		}
	}
	if whole := sum[len(sum)-1]; whole.Total != 78 || whole.Done != 9 || whole.ByStatus["ongoing"] != 16 {
		t.Errorf("summary of the whole plan: %+v; want 78 measures, 9 done, 16 ongoing", whole)
	}
	// The 75 % goal has its target, and strategy 2's measures serve it.
	var goal75 string
	for _, g := range n.Goals {
		if strings.HasPrefix(g.Statement, "Bidra til at minst 75%") && g.Target != nil && *g.Target == 75 && g.Unit == "%" {
			goal75 = g.ID
		}
	}
	serving := 0
	for _, m := range n.Measures {
		for _, g := range m.Goals {
			if g == goal75 && goal75 != "" {
				serving++
			}
		}
	}
	if goal75 == "" || serving != 5 {
		t.Errorf("the 75 %% goal: %q served by %d measures; want a goal with target 75 %% served by 5", goal75, serving)
	}
	if overdue, soon := n.Deadlines(time.Now()); len(overdue) == 0 || len(soon) == 0 {
		t.Errorf("Nittedal's deadlines: %d overdue, %d due soon; want some of each", len(overdue), len(soon))
	}

	// Tierp.
	tp := plans["tierp"]
	if p := tp.Plan; p.Title != "Handlingsplan för integration" || p.Kind != plan.KindActionPlan || p.Status != plan.StatusAdopted ||
		p.Scope != "Tierps kommuns samtliga verksamheter" || p.DecisionRef != "Kommunstyrelsen § 72.2017" || p.Owner != "Kommunchef" ||
		p.RegNumber != "KS 2017.411" || p.Version != 1 || p.AdoptedOn == nil || p.AdoptedOn.Format(time.DateOnly) != "2017-05-30" ||
		p.ValidUntil == nil || p.ValidUntil.Format(time.DateOnly) != "2018-12-31" {
		t.Errorf("Tierp's header: %+v", p)
	}
	if !strings.HasSuffix(tp.Content.MainGoal, "är att nyanlända långsiktigt blir inkluderade i samhället.") {
		t.Errorf("Tierp's main goal: %q", tp.Content.MainGoal)
	}
	tierp := []struct {
		title           string
		goals, measures int
	}{{"Arbete", 3, 7}, {"Boende", 3, 2}, {"Språk", 2, 6}, {"Attityd", 1, 5}, {"Mötesplatser", 2, 2}, {"Samverkan", 3, 3}}
	if len(tp.Content.Areas) != len(tierp) {
		t.Fatalf("Tierp's areas: %d; want 6", len(tp.Content.Areas))
	}
	for i, want := range tierp {
		if c := count(tp, i); tp.Content.Areas[i].Title != want.title || c["goal"] != want.goals || c["measure"] != want.measures {
			t.Errorf("Tierp's area %d: %q with %v; want %q with %d goals and %d measures", i+1, tp.Content.Areas[i].Title, c,
				want.title, want.goals, want.measures)
		}
	}
	rows := tp.Table(2) // Språk, as the seed's table has it
	if len(rows) != 6 || rows[0].Timeline != "2018, minst två gånger per termin." || rows[0].Responsible != "Rektorer grundskola, gymnasiet och förskolechefer." ||
		!strings.HasSuffix(rows[0].Problem, "genom att informationen anpassas. Det är brist på modersmåslärare och studiehandledare.") ||
		rows[5].Activity != "Ge förnyat uppdrag till ansvarig att genomföra och att detta följs upp i ordinarie kvalitetsarbete." || rows[5].Responsible != "" {
		t.Errorf("Tierp's Språk table: %+v", rows)
	}
	last := tp.Table(5)
	if len(last) != 4 || last[2].Goal != "Driva projekt i samverkan med civilsamhället för att främja integration." || last[2].Activity != "" ||
		last[2].Responsible != "Kultur- och fritidschef" || last[2].Timeline != "2018" || last[3].MeasureID != "" {
		t.Errorf("Tierp's Samverkan table: %+v", last)
	}
	if s := tp.Summary(); s[len(s)-1].Total != 25 || s[len(s)-1].Done != 4 {
		t.Errorf("Tierp's summary: %+v; want 25 measures, 4 done", s[len(s)-1])
	}

	// The pages, as a viewer of Nittedal reads them.
	viewer := r.Client(demoUser(t, r, "viewer", "nittedal"))
	base := fmt.Sprintf("/o/nittedal/plans/%d", n.Plan.ID)
	code, body := viewer.Get(base)
	for _, want := range []string{"Temaplan for flyktningarbeidet 2020–2023", "Nyankomne flyktninger i Nittedal skal raskt komme",
		"Organisering og lokal samhandling", "Sikre et bærekraftig bosettingsarbeid, ved å:", "Etablere et forum for frivillige"} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("Nittedal's plan page: %d; lacks %q", code, want)
		}
	}
	code, body = viewer.Get(base + "?view=summary")
	if code != 200 || !strings.Contains(body, "Helse i integreringsarbeidet") || !strings.Contains(body, ">78<") {
		t.Errorf("Nittedal's summary page: %d; want the areas and the 78 measures", code)
	}

	// "My work": the contributor of Nittedal (a measure by name and the
	// role «Flyktningkonsulent»), the editor of Tierp (the role «Chef
	// näringslivsenheten»).
	if code, body := r.Client(demoUser(t, r, "contributor", "nittedal")).Get("/o/nittedal/dashboard"); code != 200 ||
		!strings.Contains(body, "Gjennomføre hjemmebesøk og gi boveiledning") || !strings.Contains(body, "Lage individuell plan og integreringskontrakt") {
		t.Errorf("Nittedal's contributor's dashboard: %d; want plan measures by name and by role", code)
	}
	if code, body := r.Client(demoUser(t, r, "editor", "tierp")).Get("/o/tierp/dashboard"); code != 200 ||
		!strings.Contains(body, "Kartlägga behov av kompetens") {
		t.Errorf("Tierp's editor's dashboard: %d; want the measure of «Chef näringslivsenheten»", code)
	}
	// A measure's timeline has its reports with their authors' notes.
	var reported string
	for id, m := range n.Measures {
		if strings.HasPrefix(m.Description, "Intensivere den tette") {
			reported = id
		}
	}
	if code, body := viewer.Get("/o/nittedal/measures/" + reported); code != 200 || !strings.Contains(body, "Oppfølgingsplan laget for hver familie") ||
		!strings.Contains(body, "Ukentlige samtaler med alle nybosatte") {
		t.Errorf("a reported measure's page: %d; want its timeline's notes", code)
	}
}
