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

// TestRoundTrend: a closed round freezes the counts per area; the
// summary's trend is the change in share done since it, per area and for
// the whole plan, and a new area has no earlier share.
func TestRoundTrend(t *testing.T) {
	f := newFixture(t)
	p := must[*plan.Plan](t)(f.svc.Create(f.ctx, f.o, f.actor, plan.Meta{Kind: plan.KindActionPlan, Title: "Plan"}))
	a1 := must[string](t)(f.svc.AddArea(f.ctx, f.o, f.actor, p.ID, 0, "Språk"))
	a2 := must[string](t)(f.svc.AddArea(f.ctx, f.o, f.actor, p.ID, 0, "Attityd"))
	var ids []string
	for i, a := range []string{a1, a1, a1, a1, a2} {
		ids = append(ids, must[string](t)(f.svc.AddItem(f.ctx, f.o, f.actor, p.ID, 0, a, "", plan.ItemInput{Kind: plan.ItemMeasure, Text: "Tiltak " + string(rune('A'+i))})))
	}
	r := must[*plan.Round](t)(f.svc.OpenRound(f.ctx, f.o, f.actor, p.ID, "Tertial 1 2018", nil))
	if _, err := f.svc.OpenRound(f.ctx, f.o, f.actor, p.ID, "Tertial 1b 2018", nil); app.ErrorCode(err) != app.EConflict {
		t.Errorf("a second open round: %v", err)
	}
	if _, err := f.svc.OpenRound(f.ctx, f.o, f.actor, p.ID, " ", nil); app.ErrorCode(err) != app.EInvalid {
		t.Errorf("an empty title: %v", err)
	}
	// Språk: one done of four (25 %); Attityd: none of one.
	must[*plan.RoundEntry](t)(f.svc.Report(f.ctx, f.o, f.actor, r.ID, ids[0], plan.MeasureUpdate{Status: "done"}, true))
	must[*plan.Round](t)(f.svc.CloseRound(f.ctx, f.o, f.actor, r.ID))
	if _, err := f.svc.Report(f.ctx, f.o, f.actor, r.ID, ids[1], plan.MeasureUpdate{Status: "done"}, true); app.ErrorCode(err) != app.EConflict {
		t.Errorf("a report in a closed round: %v", err)
	}
	// Since: two more done and one cancelled in Språk (3 of 3 counted:
	// 100 %), Attityd's done (100 %); a new empty area.
	for _, up := range []struct{ id, st string }{{ids[1], "done"}, {ids[2], "done"}, {ids[3], "cancelled"}, {ids[4], "done"}} {
		must[*measure.MeasureRow](t)(f.svc.UpdateMeasure(f.ctx, f.o, f.actor, up.id, plan.MeasureUpdate{Status: up.st}))
	}
	must[string](t)(f.svc.AddArea(f.ctx, f.o, f.actor, p.ID, 0, "Boende"))
	pr := must[*plan.Progress](t)(f.svc.Progress(f.ctx, f.o, p.ID))
	if pr.Last == nil || pr.Last.Title != "Tertial 1 2018" || len(pr.Trend) != 4 {
		t.Fatalf("progress: last %+v, trend %+v", pr.Last, pr.Trend)
	}
	want := []struct {
		known  bool
		signed string
	}{{true, "+75"}, {true, "+100"}, {false, "–"}, {true, "+80"}}
	for i, w := range want {
		if got := pr.Trend[i]; got.Known != w.known || got.Signed("nb") != w.signed {
			t.Errorf("trend %d (%s): known %v, %q; want %v, %q", i, got.Title, got.Known, got.Signed("nb"), w.known, w.signed)
		}
	}
	// The frozen report kept the counts at closing.
	d := must[*plan.RoundDetail](t)(f.svc.Round(f.ctx, f.o, p.ID, r.ID))
	if s := d.Report.Areas[0]; s.Done != 1 || s.Total != 4 || s.ShareDone != 0.25 || d.Report.Whole.ShareDone != 0.2 {
		t.Errorf("frozen Språk %+v, whole %+v", s, d.Report.Whole)
	}
	if pr.Trend[0].Signed("sv") != "+75" || (plan.AreaTrend{Known: true, ShareNow: 0.125}).Signed("sv") != "+12,5" {
		t.Errorf("decimal comma: %q", (plan.AreaTrend{Known: true, ShareNow: 0.125}).Signed("sv"))
	}
}

// TestRoundDueItems: an open round with a due day gives each responsible
// their unreported measures (named, or through the role they fill);
// reporting takes the item away, and a round without a due day gives
// none.
func TestRoundDueItems(t *testing.T) {
	f := newFixture(t)
	bdb := f.svc.DB
	named, _ := dbtest.MustCreateUser(t, bdb, f.o, "contributor")
	filler, _ := dbtest.MustCreateUser(t, bdb, f.o, "contributor")
	err := db.RunTx(f.ctx, bdb, db.OrgScope(f.o.ID), func(ctx context.Context, tx bun.Tx) error {
		r := &org.Role{OrgID: f.o.ID, Name: "Flyktningkoordinator", Kind: org.RoleKindRole}
		if err := org.InsertRole(ctx, tx, r, f.clock.Now()); err != nil {
			return err
		}
		return org.AddRoleMember(ctx, tx, f.o.ID, r.ID, filler.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	p := must[*plan.Plan](t)(f.svc.Create(f.ctx, f.o, f.actor, plan.Meta{Kind: plan.KindActionPlan, Title: "Plan"}))
	a := must[string](t)(f.svc.AddArea(f.ctx, f.o, f.actor, p.ID, 0, "Arbeid"))
	m1 := must[string](t)(f.svc.AddItem(f.ctx, f.o, f.actor, p.ID, 0, a, "", plan.ItemInput{Kind: plan.ItemMeasure, Text: "Språkpraksis", ResponsibleUser: &named.ID}))
	m2 := must[string](t)(f.svc.AddItem(f.ctx, f.o, f.actor, p.ID, 0, a, "", plan.ItemInput{Kind: plan.ItemMeasure, Text: "Bosetting", Responsible: "flyktningkoordinator"}))
	items := func(user int64) []due.Item {
		t.Helper()
		var out []due.Item
		err := db.Run(context.Background(), bdb, db.OrgScope(f.o.ID), func(ctx context.Context, idb bun.IDB) error {
			var err error
			out, err = plan.RoundDue{}.DueItems(ctx, idb, due.Query{OrgID: f.o.ID, OrgSlug: f.o.Slug, ResponsibleID: user})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	r0 := must[*plan.Round](t)(f.svc.OpenRound(f.ctx, f.o, f.actor, p.ID, "Uten frist", nil))
	if got := items(named.ID); len(got) != 0 {
		t.Errorf("a round without a due day: %+v", got)
	}
	must[*plan.Round](t)(f.svc.CloseRound(f.ctx, f.o, f.actor, r0.ID))
	day := time.Date(2018, 8, 31, 0, 0, 0, 0, time.UTC)
	r := must[*plan.Round](t)(f.svc.OpenRound(f.ctx, f.o, f.actor, p.ID, "Tertial 2 2018", &day))
	got := items(named.ID)
	if len(got) != 1 || got[0].Title != "Språkpraksis" || got[0].Source != "plan.round" || !got[0].Due.Equal(day) ||
		got[0].URL != "/o/"+f.o.Slug+"/plans/"+itoa(p.ID)+"/rounds/"+itoa(r.ID)+"#m-"+m1 {
		t.Errorf("the named responsible's items: %+v", got)
	}
	if got := items(filler.ID); len(got) != 1 || got[0].Title != "Bosetting" || got[0].Role != "Flyktningkoordinator" {
		t.Errorf("the role's member's items: %+v", got)
	}
	// Only the responsible reports (or an editor).
	if _, err := f.svc.Report(f.ctx, f.o, &app.Actor{UserID: named.ID, Name: "N"}, r.ID, m2, plan.MeasureUpdate{Status: "ongoing"}, false); app.ErrorCode(err) != app.EForbidden {
		t.Errorf("reporting on another's measure: %v", err)
	}
	must[*plan.RoundEntry](t)(f.svc.Report(f.ctx, f.o, &app.Actor{UserID: filler.ID, Name: "F"}, r.ID, m2, plan.MeasureUpdate{Status: "ongoing"}, false))
	if got := items(filler.ID); len(got) != 0 {
		t.Errorf("after reporting: %+v", got)
	}
	if got := items(0); len(got) != 1 || got[0].ResponsibleID != named.ID {
		t.Errorf("everyone's: %+v", got)
	}
}
