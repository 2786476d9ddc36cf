package plan

import (
	"cmp"
	"slices"
	"time"

	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
)

// Line is one line of an area as the views show it: the item with its
// shared object, and where it stands (the strategy above a measure, the
// goal it serves).
type Line struct {
	Item     Item
	Goal     *measure.Goal    // a goal line's goal
	Measure  *measure.Measure // a measure line's measure
	Strategy *Item            // the strategy a measure stands under
	// Depth is how far the line stands in: 0 for a goal, 1 for a
	// strategy or measure under a goal, 2 for a measure under a strategy
	// under a goal.
	Depth int
	First bool // the first line of its area
	Last  bool // the last line of its area
}

// Lines answers the lines of area i in order.
func (t *Tree) Lines(i int) []Line {
	a := t.Content.Areas[i]
	out := make([]Line, 0, len(a.Items))
	var strategy *Item
	goal := 0 // 1 once a goal stands above
	for j := range a.Items {
		it := a.Items[j]
		l := Line{Item: it, First: j == 0, Last: j == len(a.Items)-1}
		switch it.Kind {
		case ItemGoal:
			strategy, goal = nil, 1
			if g, ok := t.Goals[it.ID]; ok {
				l.Goal = &g
			}
		case ItemStrategy:
			strategy = &a.Items[j]
			l.Depth = goal
		case ItemMeasure:
			if m, ok := t.Measures[it.ID]; ok {
				l.Measure = &m
			}
			l.Strategy = strategy
			l.Depth = goal
			if strategy != nil {
				l.Depth++
			}
		}
		out = append(out, l)
	}
	return out
}

// TableRow is a row of the plan's table in Tierp's layout: goal/sub-goal,
// problem/need, activity, main responsible, timeline, follow-up/result
// and its date. A goal's first measure shares its row; a goal without
// measures has a row of its own, as has a measure before any goal.
type TableRow struct {
	Goal         string
	GoalID       string
	Problem      string
	Activity     string
	MeasureID    string
	Responsible  string
	Timeline     string
	FollowUp     string
	FollowUpDate *time.Time
	Status       string
	Progress     int
}

// Table answers area i's rows in Tierp's layout.
func (t *Tree) Table(i int) []TableRow {
	var out []TableRow
	open := -1 // the row of a goal that has no measure yet
	for _, l := range t.Lines(i) {
		switch l.Item.Kind {
		case ItemGoal:
			r := TableRow{GoalID: l.Item.ID, Problem: l.Item.Problem, FollowUp: l.Item.FollowUp, FollowUpDate: l.Item.FollowUpDate}
			if l.Goal != nil {
				r.Goal = l.Goal.Statement
			}
			out = append(out, r)
			open = len(out) - 1
		case ItemMeasure:
			var r *TableRow
			if open >= 0 {
				r = &out[open]
				open = -1
			} else {
				out = append(out, TableRow{})
				r = &out[len(out)-1]
			}
			if r.Problem == "" {
				r.Problem = l.Item.Problem
			}
			r.MeasureID, r.Timeline = l.Item.ID, l.Item.Timeline
			if l.Item.FollowUp != "" || l.Item.FollowUpDate != nil {
				r.FollowUp, r.FollowUpDate = l.Item.FollowUp, l.Item.FollowUpDate
			}
			if m := l.Measure; m != nil {
				r.Activity, r.Responsible, r.Status, r.Progress = m.Description, m.Responsible, m.Status, m.Progress
			}
		}
	}
	return out
}

// PlanMeasure is a measure of the plan with its area, for the views that
// list measures across areas.
type PlanMeasure struct {
	Area     string
	Item     Item
	Measure  measure.Measure
	Deadline measure.Deadline
}

// AllMeasures answers the plan's measures in the tree's order.
func (t *Tree) AllMeasures() []PlanMeasure {
	var out []PlanMeasure
	for _, a := range t.Content.Areas {
		for _, it := range a.Items {
			if it.Kind != ItemMeasure {
				continue
			}
			m, ok := t.Measures[it.ID]
			if !ok {
				continue
			}
			pm := PlanMeasure{Area: a.Title, Item: it, Measure: m, Deadline: m.Interpretation()}
			if r := t.Rows[it.ID]; r != nil && r.Due != nil {
				pm.Deadline.Due = *r.Due
			}
			out = append(out, pm)
		}
	}
	return out
}

// Responsible is one responsible's measures: a person, role or unit as
// the plan writes it («Kommunledningsgruppen»).
type Responsible struct {
	Name     string
	Measures []PlanMeasure
}

// ByResponsible answers the plan's measures grouped by responsible as
// written (case and spacing ignored), by name; measures with none come
// last under "".
func (t *Tree) ByResponsible() []Responsible {
	idx := map[string]int{}
	var out []Responsible
	for _, pm := range t.AllMeasures() {
		key := org.RoleKey(pm.Measure.Responsible)
		i, ok := idx[key]
		if !ok {
			i = len(out)
			idx[key] = i
			out = append(out, Responsible{Name: pm.Measure.Responsible})
		}
		out[i].Measures = append(out[i].Measures, pm)
	}
	slices.SortStableFunc(out, func(a, b Responsible) int {
		if (a.Name == "") != (b.Name == "") {
			if a.Name == "" {
				return 1
			}
			return -1
		}
		return cmp.Compare(org.RoleKey(a.Name), org.RoleKey(b.Name))
	})
	return out
}

// DueSoonDays is how far ahead "due soon" looks.
const DueSoonDays = 30

// Deadlines answers the open measures past their due day (overdue, most
// overdue first) and those due within DueSoonDays of now (soonest first).
func (t *Tree) Deadlines(now time.Time) (overdue, soon []PlanMeasure) {
	limit := now.AddDate(0, 0, DueSoonDays)
	for _, pm := range t.AllMeasures() {
		due := pm.Deadline.Due
		if measure.Closed(pm.Measure.Status) || due.IsZero() || pm.Deadline.Invalid {
			continue
		}
		switch {
		case due.Before(now):
			overdue = append(overdue, pm)
		case !due.After(limit):
			soon = append(soon, pm)
		}
	}
	byDue := func(a, b PlanMeasure) int { return a.Deadline.Due.Compare(b.Deadline.Due) }
	slices.SortStableFunc(overdue, byDue)
	slices.SortStableFunc(soon, byDue)
	return overdue, soon
}

// AreaSummary counts one focus area's measures by status.
type AreaSummary struct {
	AreaID   string
	Title    string
	ByStatus map[string]int
	Total    int
	Done     int
	// ShareDone is the done measures' share of those not cancelled, from
	// 0 to 1 (0 when there are none).
	ShareDone float64
}

// Summary answers each area's counts, in the tree's order, and the whole
// plan's as the last element (AreaID "").
func (t *Tree) Summary() []AreaSummary {
	out := make([]AreaSummary, 0, len(t.Content.Areas)+1)
	all := AreaSummary{ByStatus: map[string]int{}}
	for _, a := range t.Content.Areas {
		s := AreaSummary{AreaID: a.ID, Title: a.Title, ByStatus: map[string]int{}}
		for _, it := range a.Items {
			if it.Kind != ItemMeasure {
				continue
			}
			m, ok := t.Measures[it.ID]
			if !ok {
				continue
			}
			st := measure.NormStatus(m.Status)
			if st == "" {
				st = measure.StatusNotStarted
			}
			s.ByStatus[st]++
			all.ByStatus[st]++
		}
		out = append(out, s.finish())
	}
	return append(out, all.finish())
}

func (s AreaSummary) finish() AreaSummary {
	s.Total, s.Done = 0, s.ByStatus[measure.StatusDone]
	for _, n := range s.ByStatus {
		s.Total += n
	}
	if counted := s.Total - s.ByStatus[measure.StatusCancelled]; counted > 0 {
		s.ShareDone = float64(s.Done) / float64(counted)
	}
	return s
}
