package plan

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/ratelimit"
	"github.com/samvirke/samvirke/internal/tabular"
)

// ImportsPerHour bounds how many files one person has read per hour. It
// is the workbook imports' limit by name (workbook.ImportsPerHour): one
// budget for reading files, whatever they are read into.
var ImportsPerHour = ratelimit.Limit{Name: "import.user.hour", Max: 60, Window: time.Hour}

// ReadImportFile is ReadImport for a person's upload, counted against
// ImportsPerHour (app.ETooMany when over it, as the error). It runs
// before, never inside, a transaction.
func (s *Service) ReadImportFile(ctx context.Context, a *app.Actor, data []byte) (*Import, tabular.Problems, error) {
	if a != nil && a.UserID != 0 {
		if s.Limits == nil {
			return nil, nil, fmt.Errorf("plan: no limiter for imports")
		}
		if err := s.Limits.Take(ctx, ImportsPerHour, fmt.Sprint("user:", a.UserID)); err != nil {
			return nil, nil, err
		}
	}
	im, probs := ReadImport(data)
	return im, probs, nil
}

// ImportResult counts what an import added.
type ImportResult struct {
	Areas, Goals, Measures int
}

// Import writes what a file held (ReadImport, shown as a preview) into
// plan id of o in one transaction, through the plan's edit path: each
// area is appended (to the area with the same title, if the plan has
// one), each row's goal and measure become shared objects, a measure
// serving the goal above it. rev is the plan's revision the preview was
// made beside: when the plan changed since, nothing is written and the
// error is app.EConflict "plan.error.stale". Only a draft (or a plan on
// consultation) takes an import: app.EInvalid "plan_io.error.not_draft".
// A row that does not make a valid line (a preview's rows come back from
// the browser and are checked again) is app.EInvalid
// "plan_io.error.preview_changed": nothing is written.
func (s *Service) Import(ctx context.Context, o *org.Organisation, a *app.Actor, id int64, rev int, im *Import) (ImportResult, error) {
	var res ImportResult
	if im == nil || len(im.Areas) == 0 {
		return res, app.Errorf(app.EInvalid, "import.error.empty")
	}
	lines, err := importLines(im)
	if err != nil {
		return res, err
	}
	err = s.edit(ctx, o, a, id, rev, func(ctx context.Context, tx bun.Tx, e *editing) error {
		if e.Plan.Status != StatusDraft && e.Plan.Status != StatusConsultation {
			return app.Errorf(app.EInvalid, "plan_io.error.not_draft")
		}
		res = ImportResult{}
		for i, area := range im.Areas {
			ai := -1
			for j := range e.Content.Areas {
				if strings.EqualFold(strings.TrimSpace(e.Content.Areas[j].Title), area.Title) {
					ai = j
				}
			}
			if ai < 0 {
				e.Content.Areas = append(e.Content.Areas, Area{ID: newItemID(), Title: area.Title, Items: []Item{}})
				ai = len(e.Content.Areas) - 1
				res.Areas++
			}
			goal := ""
			for _, l := range lines[i] {
				if l.Kind == ItemGoal {
					goal = ""
				} else if goal != "" {
					l.Serves = []string{goal}
				}
				itemID, err := e.add(ctx, tx, ai, len(e.Content.Areas[ai].Items), l)
				if err != nil {
					return err
				}
				if l.Kind == ItemGoal {
					goal = itemID
					res.Goals++
				} else {
					res.Measures++
				}
			}
		}
		detail := map[string]string{"areas": strconv.Itoa(res.Areas), "goals": strconv.Itoa(res.Goals), "measures": strconv.Itoa(res.Measures)}
		return audit.Record(ctx, tx, o.ID, audit.PlanImported, e.Plan.Title, detail, e.now)
	})
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// importLines turns each area's rows into the lines they make: a goal
// (with its problem, and its follow-up when the row has no measure),
// then the row's measure (with the follow-up, and the problem when the
// row has no goal).
func importLines(im *Import) ([][]ItemInput, error) {
	if len(im.Areas) > MaxAreas {
		return nil, app.Errorf(app.EInvalid, "plan.error.too_many_areas", "max", MaxAreas)
	}
	out := make([][]ItemInput, len(im.Areas))
	n := 0
	for i := range im.Areas {
		a := &im.Areas[i]
		a.Title = strings.TrimSpace(a.Title)
		if err := checkAreaTitle(a.Title); err != nil {
			return nil, app.Errorf(app.EInvalid, "plan_io.error.preview_changed")
		}
		for _, r := range a.Rows {
			var ins []ItemInput
			if r.Goal != "" {
				g := ItemInput{Kind: ItemGoal, Text: r.Goal, Problem: r.Problem}
				if !r.HasMeasure() {
					g.FollowUp, g.FollowUpDate = r.FollowUp, r.FollowUpDate
				}
				ins = append(ins, g)
			}
			if r.HasMeasure() {
				m := ItemInput{Kind: ItemMeasure, Text: r.Activity, Responsible: r.Responsible, Timeline: r.Timeline,
					FollowUp: r.FollowUp, FollowUpDate: r.FollowUpDate}
				if r.Goal == "" {
					m.Problem = r.Problem
				}
				ins = append(ins, m)
			}
			if len(ins) == 0 {
				return nil, app.Errorf(app.EInvalid, "plan_io.error.preview_changed")
			}
			for k := range ins {
				if err := ins[k].Validate(); err != nil {
					return nil, app.Errorf(app.EInvalid, "plan_io.error.preview_changed")
				}
			}
			out[i] = append(out[i], ins...)
			n += len(ins)
		}
	}
	if n > MaxItems {
		return nil, app.Errorf(app.EInvalid, "plan.error.too_many", "max", MaxItems)
	}
	return out, nil
}
