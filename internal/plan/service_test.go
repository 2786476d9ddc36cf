package plan_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/due"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/plan"
)

type fixture struct {
	svc   *plan.Service
	o     *org.Organisation
	actor *app.Actor
	clock *app.FixedClock
	ctx   context.Context
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	bdb := dbtest.Open(t)
	o := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
	u, _ := dbtest.MustCreateUser(t, bdb, o, "editor")
	clock := &app.FixedClock{T: time.Date(2018, 5, 2, 9, 0, 0, 0, time.UTC)}
	return &fixture{svc: &plan.Service{DB: bdb, Clock: clock}, o: o, clock: clock, ctx: context.Background(),
		actor: &app.Actor{UserID: u.ID, Email: u.Email, Name: "Åse Ødegård", OrgID: o.ID, Role: "editor"}}
}

func (f *fixture) tree(t *testing.T, id int64) *plan.Tree {
	t.Helper()
	tr, err := f.svc.Get(f.ctx, f.o, id)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// TestPlanTree builds a plan of Tierp's shape (an area with a goal and
// its measures), reorders and moves lines, and checks what the table view
// and the shared measures show.
func TestPlanTree(t *testing.T) {
	f := newFixture(t)
	p := must[*plan.Plan](t)(f.svc.Create(f.ctx, f.o, f.actor, plan.Meta{Kind: plan.KindActionPlan,
		Title: "Handlingsplan för integration", Scope: "Tierps kommuns samtliga verksamheter", RegNumber: "KS 2017.411"}))
	rev := func() int { return f.tree(t, p.ID).Plan.Rev }
	work := must[string](t)(f.svc.AddArea(f.ctx, f.o, f.actor, p.ID, rev(), "Arbete"))
	housing := must[string](t)(f.svc.AddArea(f.ctx, f.o, f.actor, p.ID, rev(), "Boende"))
	goal := must[string](t)(f.svc.AddItem(f.ctx, f.o, f.actor, p.ID, rev(), work, "", plan.ItemInput{Kind: plan.ItemGoal,
		Text: "Ge varje individ förutsättningar att nå egen försörjning.", Problem: "Det är svårt att komma in på arbetsmarknaden."}))
	m1 := must[string](t)(f.svc.AddItem(f.ctx, f.o, f.actor, p.ID, rev(), work, "", plan.ItemInput{Kind: plan.ItemMeasure,
		Text: "Chefsutbildning om kompetensbaserad rekrytering", Responsible: "Personalchef", Timeline: "2018", Serves: []string{goal}}))
	m2 := must[string](t)(f.svc.AddItem(f.ctx, f.o, f.actor, p.ID, rev(), work, "", plan.ItemInput{Kind: plan.ItemMeasure,
		Text: "Kartlägga behov av kompetens", Responsible: "Chef näringslivsenheten", Timeline: "2018"}))

	// A stale form is refused and changes nothing.
	if err := f.svc.RenameArea(f.ctx, f.o, f.actor, p.ID, 1, work, "Jobb"); app.ErrorCode(err) != app.EConflict {
		t.Fatalf("stale rename: %v, want conflict", err)
	}
	if err := f.svc.Move(f.ctx, f.o, f.actor, p.ID, rev(), m2, -1); err != nil {
		t.Fatal(err)
	}
	tr := f.tree(t, p.ID)
	rows := tr.Table(0)
	if len(rows) != 2 || rows[0].Goal == "" || rows[0].MeasureID != m2 || rows[1].MeasureID != m1 || rows[1].Goal != "" {
		t.Fatalf("table after moving %s up: %+v", m2, rows)
	}
	if rows[0].Problem != "Det är svårt att komma in på arbetsmarknaden." || rows[1].Timeline != "2018" || rows[1].Responsible != "Personalchef" {
		t.Errorf("table columns: %+v", rows)
	}
	// The goal cannot move above itself; the measure moves to another area.
	if err := f.svc.Move(f.ctx, f.o, f.actor, p.ID, rev(), goal, -1); app.ErrorCode(err) != app.EInvalid {
		t.Errorf("goal up from the top: %v", err)
	}
	if err := f.svc.MoveToArea(f.ctx, f.o, f.actor, p.ID, rev(), m1, housing); err != nil {
		t.Fatal(err)
	}
	tr = f.tree(t, p.ID)
	if got := tr.Table(1); len(got) != 1 || got[0].MeasureID != m1 {
		t.Errorf("housing after the move: %+v", got)
	}
	// The measures are the shared objects: their rows name the plan, and
	// a period as written is due at its end.
	row := tr.Rows[m1]
	if row == nil || row.SourceKind != measure.SourcePlan || row.PlanID == nil || *row.PlanID != p.ID || row.Due == nil ||
		!row.Due.Equal(time.Date(2018, 12, 31, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("shared row: %+v", row)
	}
	if err := f.svc.RemoveArea(f.ctx, f.o, f.actor, p.ID, rev(), housing); app.ErrorCode(err) != app.EInvalid {
		t.Errorf("removing an area with a measure: %v", err)
	}
}

// TestReviseMovesLiveMeasures: revising an adopted plan freezes the old
// version as it was and moves the live measures to the new one, which My
// work lists once.
func TestReviseMovesLiveMeasures(t *testing.T) {
	f := newFixture(t)
	p := must[*plan.Plan](t)(f.svc.Create(f.ctx, f.o, f.actor, plan.Meta{Kind: plan.KindThemePlan, Title: "Temaplan for flyktningarbeidet 2020–2023"}))
	rev := func(id int64) int { return f.tree(t, id).Plan.Rev }
	area := must[string](t)(f.svc.AddArea(f.ctx, f.o, f.actor, p.ID, rev(p.ID), "En god start i Nittedal"))
	ms := must[string](t)(f.svc.AddItem(f.ctx, f.o, f.actor, p.ID, rev(p.ID), area, "", plan.ItemInput{Kind: plan.ItemMeasure,
		Text: "Gjennomføre hjemmebesøk og gi boveiledning", Responsible: "Avdeling for bosetting", ResponsibleUser: &f.actor.UserID,
		Timeline: "Høst 2018"}))
	if _, err := f.svc.Revise(f.ctx, f.o, f.actor, p.ID, rev(p.ID)); app.ErrorCode(err) != app.EInvalid {
		t.Fatalf("revising a draft: %v", err)
	}
	adopted := time.Date(2020, 6, 17, 0, 0, 0, 0, time.UTC)
	if _, err := f.svc.SetStatus(f.ctx, f.o, f.actor, p.ID, rev(p.ID), plan.StatusAdopted, plan.Adoption{}); app.ErrorCode(err) != app.EInvalid {
		t.Fatalf("adopting without who and when: %v", err)
	}
	must[*plan.Plan](t)(f.svc.SetStatus(f.ctx, f.o, f.actor, p.ID, rev(p.ID), plan.StatusAdopted,
		plan.Adoption{AdoptedBy: "Kommunestyret", AdoptedOn: &adopted, DecisionRef: "KS-sak 45/20"}))
	must[*measure.MeasureRow](t)(f.svc.UpdateMeasure(f.ctx, f.o, f.actor, ms, plan.MeasureUpdate{Status: measure.StatusOngoing, Note: "Startet «i høst»"}))

	v2 := must[*plan.Plan](t)(f.svc.Revise(f.ctx, f.o, f.actor, p.ID, rev(p.ID)))
	if v2.Version != 2 || v2.Status != plan.StatusDraft || v2.LineageID != p.ID {
		t.Fatalf("new version: %+v", v2)
	}
	// Later changes reach the live measure, not the frozen version.
	must[*measure.MeasureRow](t)(f.svc.UpdateMeasure(f.ctx, f.o, f.actor, ms, plan.MeasureUpdate{Status: measure.StatusDone}))
	old := f.tree(t, p.ID)
	if !old.Frozen || old.Measures[ms].Status != measure.StatusOngoing {
		t.Errorf("frozen version: frozen %v, measure %+v", old.Frozen, old.Measures[ms])
	}
	if err := f.svc.RenameArea(f.ctx, f.o, f.actor, p.ID, 0, area, "x"); app.ErrorCode(err) != app.EConflict {
		t.Errorf("editing a frozen version: %v", err)
	}
	cur := f.tree(t, v2.ID)
	if cur.Frozen || cur.Measures[ms].Status != measure.StatusDone || cur.Measures[ms].Progress != 100 {
		t.Errorf("new version's measure: %+v", cur.Measures[ms])
	}
	if r := cur.Rows[ms]; r == nil || r.SourcePath != v2.Path() {
		t.Errorf("the live row's source: %+v", r)
	}
	// One item on "My work" per measure, whichever version.
	var items []due.Item
	err := db.Run(f.ctx, f.svc.DB, db.OrgScope(f.o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		items, err = measure.Due{}.DueItems(ctx, idb, due.Query{OrgID: f.o.ID, OrgSlug: f.o.Slug, ResponsibleID: f.actor.UserID})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, it := range items {
		if it.Title == "Gjennomføre hjemmebesøk og gi boveiledning" {
			n++
			if it.Source != "plan.measure" {
				t.Errorf("due item source %q", it.Source)
			}
		}
	}
	if n != 1 {
		t.Errorf("the measure is %d items on My work", n)
	}
	list := must[[]*plan.Plan](t)(f.svc.List(f.ctx, f.o))
	if len(list) != 1 || list[0].ID != v2.ID {
		t.Errorf("list shows %d plans", len(list))
	}
}

// TestSummaryCounts: the committee summary counts each area's measures by
// status; the share done leaves cancelled measures out.
func TestSummaryCounts(t *testing.T) {
	f := newFixture(t)
	p := must[*plan.Plan](t)(f.svc.Create(f.ctx, f.o, f.actor, plan.Meta{Kind: plan.KindActionPlan, Title: "Plan"}))
	rev := func() int { return f.tree(t, p.ID).Plan.Rev }
	a1 := must[string](t)(f.svc.AddArea(f.ctx, f.o, f.actor, p.ID, rev(), "Språk"))
	a2 := must[string](t)(f.svc.AddArea(f.ctx, f.o, f.actor, p.ID, rev(), "Attityd"))
	statuses := map[string][]string{a1: {"done", "done", "ongoing", "cancelled"}, a2: {"not_started"}}
	for _, a := range []string{a1, a2} {
		for i, st := range statuses[a] {
			id := must[string](t)(f.svc.AddItem(f.ctx, f.o, f.actor, p.ID, rev(), a, "", plan.ItemInput{Kind: plan.ItemMeasure, Text: "Tiltak " + string(rune('A'+i))}))
			if st != "not_started" {
				must[*measure.MeasureRow](t)(f.svc.UpdateMeasure(f.ctx, f.o, f.actor, id, plan.MeasureUpdate{Status: st}))
			}
		}
	}
	sum := f.tree(t, p.ID).Summary()
	if len(sum) != 3 {
		t.Fatalf("summary has %d lines", len(sum))
	}
	s := sum[0]
	if s.Total != 4 || s.Done != 2 || s.ByStatus["ongoing"] != 1 || s.ByStatus["cancelled"] != 1 || int(s.ShareDone*100+0.5) != 67 {
		t.Errorf("Språk: %+v", s)
	}
	if all := sum[2]; all.Total != 5 || all.Done != 2 || all.ByStatus["not_started"] != 1 || all.ShareDone != 0.5 {
		t.Errorf("whole plan: %+v", all)
	}
}
