package survey_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/due"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/plan"
	"github.com/samvirke/samvirke/internal/survey"
)

// dueItem answers the item of measure id on user's "My work" in o, if
// any, as the measures' due source lists it.
func (f *fixture) dueItem(t *testing.T, o *org.Organisation, user int64, id string) (due.Item, bool) {
	t.Helper()
	var items []due.Item
	noErr(t, db.Run(f.ctx, f.bdb, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		items, err = measure.Due{}.DueItems(ctx, idb, due.Query{OrgID: o.ID, OrgSlug: o.Slug, ResponsibleID: user, OpenOnly: true})
		return err
	}))
	for _, it := range items {
		if it.Key == "measure:"+id {
			return it, true
		}
	}
	return due.Item{}, false
}

func (f *fixture) measureRow(t *testing.T, o *org.Organisation, id string) *measure.MeasureRow {
	t.Helper()
	var row *measure.MeasureRow
	noErr(t, db.Run(f.ctx, f.bdb, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		row, err = measure.FindMeasure(ctx, idb, o.ID, id)
		return err
	}))
	return row
}

// TestFollowup: a follow-up of a low axis is a shared measure with its
// responsible and deadline, on the responsible's "My work" as a survey
// follow-up and linked back to the round and axis; placed in a plan it is
// a line of the plan, linked back as well.
func TestFollowup(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, a := f.municipality(t)
	resp, _ := dbtest.MustCreateUser(t, f.bdb, o, "contributor")
	other, _ := f.municipality(t)
	outsider, _ := dbtest.MustCreateUser(t, f.bdb, other, "editor")
	q := f.questionnaire(t, o, nil)
	r := f.round(t, o, q, 2026)
	f.interview(t, o, r, 3, map[string]string{"job": "2", "skills": "1", "home": "4"})
	res, err := f.svc.Results(f.ctx, o, r.ID)
	noErr(t, err)
	if low := res.Low(); len(low) != 1 || low[0].Key != "work" {
		t.Fatalf("low axes %+v, want work", low)
	}

	deadline := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	in := survey.FollowupInput{Axis: "work", Description: "Språkpraksis i kommunale virksomheter", Responsible: "Leder NAV",
		ResponsibleUser: &resp.ID, Deadline: &deadline}
	for name, c := range map[string]struct {
		change func(in *survey.FollowupInput)
		field  string
	}{
		"unknown axis":         {func(in *survey.FollowupInput) { in.Axis = "weather" }, "axis"},
		"no description":       {func(in *survey.FollowupInput) { in.Description = "  " }, "description"},
		"no responsible":       {func(in *survey.FollowupInput) { in.Responsible, in.ResponsibleUser = "", nil }, "responsible"},
		"no deadline":          {func(in *survey.FollowupInput) { in.Deadline = nil }, "deadline"},
		"responsible outsider": {func(in *survey.FollowupInput) { in.ResponsibleUser = &outsider.ID }, "responsible_user"},
	} {
		bad := in
		c.change(&bad)
		_, err := f.svc.AddFollowup(f.ctx, o, a, r.ID, bad)
		if e := app.AsError(err); e == nil || e.Code != app.EInvalid || e.Field != c.field {
			t.Errorf("%s: %v, want invalid %s", name, err, c.field)
		}
	}
	if _, err := f.svc.AddFollowup(f.ctx, other, a, r.ID, in); !app.IsNotFound(err) {
		t.Errorf("another municipality following up the round: %v, want not found", err)
	}

	mid, err := f.svc.AddFollowup(f.ctx, o, a, r.ID, in)
	noErr(t, err)
	row := f.measureRow(t, o, mid)
	if row.SourceKind != measure.SourceSurvey || row.SourcePath != r.Path() || row.Description != in.Description ||
		row.Responsible != "Leder NAV" || row.ResponsibleUser == nil || *row.ResponsibleUser != resp.ID ||
		row.Due == nil || !row.Due.Equal(deadline) || row.Status != measure.StatusNotStarted {
		t.Errorf("measure %+v", row)
	}
	if want := r.Title + ": Arbeid"; row.SourceTitle != want {
		t.Errorf("source title %q, want %q", row.SourceTitle, want)
	}

	it, ok := f.dueItem(t, o, resp.ID, mid)
	if !ok {
		t.Fatal("the follow-up is not on the responsible's My work")
	}
	if it.Source != "survey.followup" || !it.Due.Equal(deadline) || it.Title != in.Description || it.URL != "/o/"+o.Slug+"/measures/"+mid {
		t.Errorf("due item %+v", it)
	}
	if _, ok := f.dueItem(t, o, a.UserID, mid); ok {
		t.Error("the follow-up is on the My work of its author, who is not responsible")
	}

	rr, ax, err := f.svc.RoundOf(f.ctx, o, mid)
	noErr(t, err)
	if rr.ID != r.ID || ax != "work" {
		t.Errorf("RoundOf: round %d axis %q, want %d work", rr.ID, ax, r.ID)
	}
	if _, _, err := f.svc.RoundOf(f.ctx, o, measure.NewID()); !app.IsNotFound(err) {
		t.Errorf("RoundOf a measure following up nothing: %v", err)
	}
	if _, _, err := f.svc.RoundOf(f.ctx, other, mid); !app.IsNotFound(err) {
		t.Errorf("RoundOf from another municipality: %v", err)
	}

	// Done, it leaves the open items of My work.
	_, err = f.svc.UpdateMeasure(f.ctx, o, a, mid, measure.StatusUpdate{Status: measure.StatusDone, Note: "Fem plasser «på plass»"})
	noErr(t, err)
	if _, ok := f.dueItem(t, o, resp.ID, mid); ok {
		t.Error("a done follow-up is still open on My work")
	}

	t.Run("InPlan", func(t *testing.T) {
		p, err := f.plans.Create(f.ctx, o, a, plan.Meta{Kind: plan.KindActionPlan, Title: "Handlingsplan for integrering 2027"})
		noErr(t, err)
		tr, err := f.plans.Get(f.ctx, o, p.ID)
		noErr(t, err)
		area, err := f.plans.AddArea(f.ctx, o, a, p.ID, tr.Plan.Rev, "Bolig")
		noErr(t, err)
		tr, err = f.plans.Get(f.ctx, o, p.ID)
		noErr(t, err)
		pin := survey.FollowupInput{Axis: "housing", Description: "Boveiledning for nye innbyggere", Responsible: "Boligkontoret",
			DeadlineText: "Høst 2027", PlanID: p.ID, PlanRev: tr.Plan.Rev, AreaID: area}
		stale := pin
		stale.PlanRev--
		if _, err := f.svc.AddFollowup(f.ctx, o, a, r.ID, stale); app.ErrorCode(err) != app.EConflict {
			t.Errorf("follow-up into a plan at a stale revision: %v, want conflict", err)
		}
		mid2, err := f.svc.AddFollowup(f.ctx, o, a, r.ID, pin)
		noErr(t, err)
		tr, err = f.plans.Get(f.ctx, o, p.ID)
		noErr(t, err)
		m, ok := tr.Measures[mid2]
		if !ok || m.Description != pin.Description || m.Responsible != "Boligkontoret" {
			t.Fatalf("the plan's measures %+v lack the follow-up %s", tr.Measures, mid2)
		}
		if rows := tr.Table(0); len(rows) != 1 || rows[0].MeasureID != mid2 || rows[0].Timeline != "Høst 2027" || rows[0].Problem != r.Title+": Bolig" {
			t.Errorf("plan table %+v", rows)
		}
		if row := tr.Rows[mid2]; row == nil || row.SourceKind != measure.SourcePlan || row.Due == nil {
			t.Errorf("plan line's row %+v", row)
		}
		rr, ax, err := f.svc.RoundOf(f.ctx, o, mid2)
		noErr(t, err)
		if rr.ID != r.ID || ax != "housing" {
			t.Errorf("RoundOf the plan line: round %d axis %q", rr.ID, ax)
		}
		res, err := f.svc.Results(f.ctx, o, r.ID)
		noErr(t, err)
		var got []string
		for _, fu := range res.Followups {
			got = append(got, fu.Axis+" "+fu.Measure.ID)
		}
		slices.Sort(got)
		want := []string{"housing " + mid2, "work " + mid}
		if !slices.Equal(got, want) {
			t.Errorf("round's follow-ups %v, want %v", got, want)
		}
		// Without the plan service, no follow-up goes into a plan.
		bare := &survey.Service{DB: f.bdb, Clock: f.clock}
		pin.PlanRev = tr.Plan.Rev
		if _, err := bare.AddFollowup(f.ctx, o, a, r.ID, pin); app.ErrorCode(err) != app.EInvalid {
			t.Errorf("into a plan without plans: %v, want invalid", err)
		}
	})
}

// ownIndicator adds an indicator of unit and periodicity to o's own
// catalogue.
func (f *fixture) ownIndicator(t *testing.T, o *org.Organisation, code, unit, periodicity string) {
	t.Helper()
	noErr(t, f.ind.Create(f.ctx, o, &indicator.Indicator{Code: code, Names: indicator.Texts{"en": code, "nb": code},
		Unit: unit, Direction: indicator.HigherIsBetter, Periodicity: periodicity, Aggregation: indicator.AggSum, Source: indicator.SourceOwn}))
}

// values answers o's values of indicator code as "period num/den".
func (f *fixture) values(t *testing.T, o *org.Organisation, code string) []string {
	t.Helper()
	_, vs, err := f.ind.Values(f.ctx, o, code, 0, 0)
	noErr(t, err)
	var out []string
	for _, v := range vs {
		s := v.Period + " "
		if v.Num != nil {
			s += itoa(int(*v.Num))
		}
		s += "/"
		if v.Den != nil {
			s += itoa(int(*v.Den))
		}
		out = append(out, s)
	}
	return out
}

// TestCloseRoundFeedsIndicators: closing a round writes, for each axis
// naming a yearly percent indicator, the respondents whose mean on the
// axis is at least GoodFrom over those who answered it, in the round's
// year; an axis naming another kind of indicator is skipped.
func TestCloseRoundFeedsIndicators(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, a := f.municipality(t)
	f.ownIndicator(t, o, "rose.work", indicator.UnitPercent, indicator.Yearly)
	f.ownIndicator(t, o, "rose.housing", indicator.UnitPercent, indicator.Monthly)
	f.ownIndicator(t, o, "rose.leisure", indicator.UnitCount, indicator.Yearly)
	q := f.questionnaire(t, o, func(c *survey.Content) {
		for i := range c.Axes {
			c.Axes[i].Indicator = map[string]string{"work": "rose.work", "housing": "rose.housing", "leisure": "rose.leisure", "language": "rose.none"}[c.Axes[i].Key]
		}
	})
	r := f.round(t, o, q, 2025)
	// Work means 5, 4, 3.5, 2 and one respondent without work: 2 of 4
	// good (GoodFrom 4).
	f.interview(t, o, r, 1, map[string]string{"job": "5", "skills": "5", "home": "5", "activities": "5"})
	f.interview(t, o, r, 1, map[string]string{"job": "4"})
	f.interview(t, o, r, 1, map[string]string{"job": "4", "skills": "3"})
	f.interview(t, o, r, 1, map[string]string{"job": "2", "speak": "5"})
	f.interview(t, o, r, 1, map[string]string{"welcome": "3"})
	if got := f.values(t, o, "rose.work"); len(got) != 0 {
		t.Errorf("values before closing: %v", got)
	}

	_, err := f.svc.CloseRound(f.ctx, o, a, r.ID)
	noErr(t, err)
	if got := f.values(t, o, "rose.work"); !slices.Equal(got, []string{"2025 2/4"}) {
		t.Errorf("rose.work after closing: %v, want [2025 2/4]", got)
	}
	_, vs, err := f.ind.Values(f.ctx, o, "rose.work", 2025, 2025)
	noErr(t, err)
	if len(vs) == 1 && (vs[0].Note != r.Title || vs[0].EnteredBy == nil || *vs[0].EnteredBy != a.UserID) {
		t.Errorf("value's note %q, entered by %v; want %q by %d", vs[0].Note, vs[0].EnteredBy, r.Title, a.UserID)
	}
	for _, code := range []string{"rose.housing", "rose.leisure"} {
		if got := f.values(t, o, code); len(got) != 0 {
			t.Errorf("%s (not a yearly percent) fed: %v", code, got)
		}
	}

	// Reopened, answered once more and closed again: the figure follows.
	_, err = f.svc.ReopenRound(f.ctx, o, a, r.ID)
	noErr(t, err)
	f.interview(t, o, r, 1, map[string]string{"job": "5", "skills": "4"})
	_, err = f.svc.CloseRound(f.ctx, o, a, r.ID)
	noErr(t, err)
	if got := f.values(t, o, "rose.work"); !slices.Equal(got, []string{"2025 3/5"}) {
		t.Errorf("rose.work after closing again: %v, want [2025 3/5]", got)
	}
}
