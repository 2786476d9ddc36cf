package workbook

import (
	"cmp"
	"context"
	"slices"
	"strconv"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
)

// MeasureDetail is a measure with what its page shows: how its deadline
// reads, the goals it serves, its timeline and where it belongs.
type MeasureDetail struct {
	Row      *measure.MeasureRow
	Measure  measure.Measure
	Person   string // the responsible member's name (or address), when one is named
	Deadline measure.Deadline
	Goals    []measure.Goal // the goals of its answer it serves
	Timeline []*measure.Update
}

// GoalDetail is a goal with the measures of its answer that serve it.
type GoalDetail struct {
	Row      *measure.GoalRow
	Goal     measure.Goal
	Measures []measure.Measure
}

// Measure answers a live measure of o with its page's details
// (app.ENotFound for another organisation's or an unknown id). Everyone
// who may read o's answers may read its measures.
func (s *Service) Measure(ctx context.Context, o *org.Organisation, id string) (*MeasureDetail, error) {
	var d MeasureDetail
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		row, err := measure.FindMeasure(ctx, idb, o.ID, id)
		if err != nil {
			return err
		}
		d.Row, d.Measure = row, row.Measure()
		d.Deadline = d.Measure.Interpretation()
		if row.ResponsibleUser != nil {
			var name, email string
			err := idb.NewSelect().TableExpr("memberships AS ms").ColumnExpr("u.name, u.email").
				Join("JOIN users AS u ON u.id = ms.user_id").
				Where("ms.org_id = ? AND ms.user_id = ?", o.ID, *row.ResponsibleUser).Scan(ctx, &name, &email)
			if err != nil && !app.IsNotFound(db.Err(err, "")) {
				return err
			}
			d.Person = cmp.Or(name, email)
		}
		if len(d.Measure.Goals) > 0 {
			goals, err := measure.GoalsOf(ctx, idb, row)
			if err != nil {
				return err
			}
			for _, g := range goals {
				if slices.Contains(d.Measure.Goals, g.ID) {
					d.Goals = append(d.Goals, g.Goal())
				}
			}
		}
		d.Timeline, err = measure.Timeline(ctx, idb, o.ID, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// Goal answers a live goal of o with the measures that serve it.
func (s *Service) Goal(ctx context.Context, o *org.Organisation, id string) (*GoalDetail, error) {
	var d GoalDetail
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		row, err := measure.FindGoal(ctx, idb, o.ID, id)
		if err != nil {
			return err
		}
		d.Row, d.Goal = row, row.Goal()
		var ms []*measure.MeasureRow
		switch {
		case row.EntryID != nil:
			ms, err = measure.MeasuresOfSource(ctx, idb, o.ID, *row.EntryID)
		case row.PlanID != nil:
			ms, err = measure.MeasuresOfPlan(ctx, idb, o.ID, *row.PlanID)
		}
		for _, m := range ms {
			if mm := m.Measure(); slices.Contains(mm.Goals, id) {
				d.Measures = append(d.Measures, mm)
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// Measures answers o's live measures that pass f.
func (s *Service) Measures(ctx context.Context, o *org.Organisation, f measure.Filter) ([]*measure.MeasureRow, error) {
	var out []*measure.MeasureRow
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		out, err = measure.ListMeasures(ctx, idb, o.ID, f)
		return err
	})
	return out, err
}

// Goals answers o's live goals, of one status when status is not "".
func (s *Service) Goals(ctx context.Context, o *org.Organisation, status string) ([]*measure.GoalRow, error) {
	var out []*measure.GoalRow
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		out, err = measure.ListGoals(ctx, idb, o.ID, status, 200)
		return err
	})
	return out, err
}

// MeasureUpdate is a status update (measure.StatusUpdate). A nil Progress
// keeps the measure's current progress (the quick form on "My work" and
// API calls that send only a status and a note), except that done with no
// progress (nil or 0) is 100.
type MeasureUpdate = measure.StatusUpdate

// UpdateMeasure sets a measure's status and progress with a note, as the
// responsible person or a contributor does from the measure's page, "My
// work" or the API. The measure's answer gets a new version (its history
// shows the change, and an editor who had the answer open is told that it
// changed rather than overwriting it), the measure's timeline a step with
// the note, and the audit log an entry. app.EInvalid for an unknown status
// ("status"), progress outside 0–100 ("progress") or a note over
// measure.MaxUpdateNote ("note").
func (s *Service) UpdateMeasure(ctx context.Context, o *org.Organisation, a *app.Actor, id string, up MeasureUpdate) (*measure.MeasureRow, error) {
	status, err := up.Check()
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	var row *measure.MeasureRow
	err = db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		var err error
		if row, err = measure.FindMeasure(ctx, tx, o.ID, id); err != nil {
			return err
		}
		if row.EntryID == nil {
			return app.Errorf(app.ENotFound, "measure.error.not_found")
		}
		e := new(Entry)
		if err := db.ForUpdate(tx.NewSelect().Model(e).Where("org_id = ? AND id = ?", o.ID, *row.EntryID)).Scan(ctx); err != nil {
			return db.Err(err, "measure.error.not_found")
		}
		if err := e.decode(); err != nil {
			return err
		}
		c := e.Content
		c.Measures = slices.Clone(c.Measures)
		i := slices.IndexFunc(c.Measures, func(m Measure) bool { return m.ID == id })
		if i < 0 {
			return app.Errorf(app.ENotFound, "measure.error.not_found")
		}
		before := c.Measures[i]
		progress := up.ProgressFrom(before.Progress)
		c.Measures[i].Status, c.Measures[i].Progress = status, progress
		t, err := findListedStatementOutline(ctx, tx, o.ID, e.WorkbookID, e.StatementID)
		if err != nil {
			return err
		}
		if _, err := saveEntry(ctx, tx, o, a, Save{WorkbookID: e.WorkbookID, StatementID: e.StatementID, Content: c,
			BaseVersion: e.Version, note: up.Note}, t, now); err != nil {
			return err
		}
		detail := map[string]string{"from": before.Status, "to": status, "progress": strconv.Itoa(progress)}
		if err := audit.Record(ctx, tx, o.ID, audit.MeasureUpdated, row.Description, detail, now); err != nil {
			return err
		}
		row.Status, row.Progress = status, progress
		return nil
	})
	if err != nil {
		return nil, err
	}
	return row, nil
}
