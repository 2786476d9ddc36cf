package plan

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
)

// ItemInput is a line of an area as a form or an import gives it.
type ItemInput struct {
	Kind string
	// Text is a goal's statement, a strategy's text or a measure's
	// activity (its description).
	Text string
	// The plan's columns.
	Problem      string
	Timeline     string
	FollowUp     string
	FollowUpDate *time.Time
	// A measure's responsible (a person, role or unit as written), the
	// member named when known, the goals of the plan it serves, and its
	// private note (never shown outside the municipality).
	Responsible     string
	ResponsibleUser *int64
	Serves          []string
	Notes           string
	// A goal's indicator and target: «minst 75 % i arbeid eller
	// utdanning».
	IndicatorCode string
	Baseline      *float64
	Target        *float64
	Unit          string
	TargetDate    *time.Time
}

// Validate checks in, naming the field of the first problem. A measure
// may lack an activity when it names a responsible or a timeline (a plan
// row that says only who and when, as Tierp's does).
func (in *ItemInput) Validate() error {
	in.Text, in.Problem, in.Timeline = strings.TrimSpace(in.Text), strings.TrimSpace(in.Problem), strings.TrimSpace(in.Timeline)
	in.FollowUp, in.Responsible, in.Notes = strings.TrimSpace(in.FollowUp), strings.TrimSpace(in.Responsible), strings.TrimSpace(in.Notes)
	switch in.Kind {
	case ItemGoal, ItemStrategy:
		if in.Text == "" {
			return app.Errorf(app.EInvalid, "error.required").WithField("text")
		}
	case ItemMeasure:
		if in.Text == "" && in.Responsible == "" && in.Timeline == "" {
			return app.Errorf(app.EInvalid, "error.required").WithField("text")
		}
	default:
		return app.Errorf(app.EInvalid, "plan.error.item_kind").WithField("kind")
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"text", in.Text, MaxText}, {"problem", in.Problem, MaxText}, {"follow_up", in.FollowUp, MaxText},
		{"notes", in.Notes, MaxText}, {"timeline", in.Timeline, MaxShort}, {"responsible", in.Responsible, MaxShort},
		{"unit", in.Unit, 40}, {"indicator_code", in.IndicatorCode, 60}} {
		if utf8.RuneCountInString(f.v) > f.max {
			return app.Errorf(app.EInvalid, "error.too_long", "max", f.max).WithField(f.name)
		}
	}
	return nil
}

// AddArea adds a focus area at the end of the plan's tree and answers its
// id.
func (s *Service) AddArea(ctx context.Context, o *org.Organisation, a *app.Actor, id int64, rev int, title string) (string, error) {
	title = strings.TrimSpace(title)
	if err := checkAreaTitle(title); err != nil {
		return "", err
	}
	areaID := newItemID()
	err := s.edit(ctx, o, a, id, rev, func(_ context.Context, _ bun.Tx, e *editing) error {
		e.Content.Areas = append(e.Content.Areas, Area{ID: areaID, Title: title, Items: []Item{}})
		return nil
	})
	return areaID, err
}

func checkAreaTitle(title string) error {
	switch {
	case title == "":
		return app.Errorf(app.EInvalid, "error.required").WithField("title")
	case utf8.RuneCountInString(title) > MaxTitle:
		return app.Errorf(app.EInvalid, "error.too_long", "max", MaxTitle).WithField("title")
	}
	return nil
}

// RenameArea changes a focus area's title.
func (s *Service) RenameArea(ctx context.Context, o *org.Organisation, a *app.Actor, id int64, rev int, areaID, title string) error {
	title = strings.TrimSpace(title)
	if err := checkAreaTitle(title); err != nil {
		return err
	}
	return s.edit(ctx, o, a, id, rev, func(_ context.Context, _ bun.Tx, e *editing) error {
		i := e.Content.area(areaID)
		if i < 0 {
			return app.Errorf(app.ENotFound, "plan.error.item_not_found")
		}
		e.Content.Areas[i].Title = title
		return nil
	})
}

// RemoveArea removes an empty focus area (its lines are moved or removed
// first, so nothing is lost by one click).
func (s *Service) RemoveArea(ctx context.Context, o *org.Organisation, a *app.Actor, id int64, rev int, areaID string) error {
	return s.edit(ctx, o, a, id, rev, func(_ context.Context, _ bun.Tx, e *editing) error {
		i := e.Content.area(areaID)
		if i < 0 {
			return app.Errorf(app.ENotFound, "plan.error.item_not_found")
		}
		if len(e.Content.Areas[i].Items) > 0 {
			return app.Errorf(app.EInvalid, "plan.error.area_not_empty")
		}
		e.Content.Areas = slices.Delete(e.Content.Areas, i, i+1)
		return nil
	})
}

// MoveArea moves a focus area one place up (dir < 0) or down.
func (s *Service) MoveArea(ctx context.Context, o *org.Organisation, a *app.Actor, id int64, rev int, areaID string, dir int) error {
	return s.edit(ctx, o, a, id, rev, func(_ context.Context, _ bun.Tx, e *editing) error {
		i := e.Content.area(areaID)
		if i < 0 {
			return app.Errorf(app.ENotFound, "plan.error.item_not_found")
		}
		j := i + sign(dir)
		if j < 0 || j >= len(e.Content.Areas) {
			return app.Errorf(app.EInvalid, "plan.error.cannot_move")
		}
		e.Content.Areas[i], e.Content.Areas[j] = e.Content.Areas[j], e.Content.Areas[i]
		return nil
	})
}

func sign(d int) int {
	if d < 0 {
		return -1
	}
	return 1
}

// AddItem adds a line to a focus area, after the line with id after (at
// the end when after is ""), and answers its id: a goal's or measure's id
// is its shared object's.
func (s *Service) AddItem(ctx context.Context, o *org.Organisation, a *app.Actor, id int64, rev int, areaID, after string, in ItemInput) (string, error) {
	if err := in.Validate(); err != nil {
		return "", err
	}
	var itemID string
	err := s.edit(ctx, o, a, id, rev, func(ctx context.Context, tx bun.Tx, e *editing) error {
		ai := e.Content.area(areaID)
		if ai < 0 {
			return app.Errorf(app.ENotFound, "plan.error.item_not_found")
		}
		at := len(e.Content.Areas[ai].Items)
		if after != "" {
			aa, ii := e.Content.find(after)
			if aa != ai {
				return app.Errorf(app.ENotFound, "plan.error.item_not_found")
			}
			at = ii + 1
		}
		var err error
		itemID, err = e.add(ctx, tx, ai, at, in)
		return err
	})
	return itemID, err
}

// add inserts a new line made of in at place at of area ai.
func (e *editing) add(ctx context.Context, tx bun.Tx, ai, at int, in ItemInput) (string, error) {
	it := Item{Kind: in.Kind}
	switch in.Kind {
	case ItemStrategy:
		it.ID, it.Text = newItemID(), in.Text
	case ItemGoal:
		it.ID = measure.NewID()
		e.Goals[it.ID] = measure.Goal{ID: it.ID, Status: measure.StatusNotStarted}
	case ItemMeasure:
		it.ID = measure.NewID()
		e.Measures[it.ID] = measure.Measure{ID: it.ID, Status: measure.StatusNotStarted}
	}
	items := e.Content.Areas[ai].Items
	e.Content.Areas[ai].Items = slices.Insert(items, at, it)
	return it.ID, e.set(ctx, tx, it.ID, in)
}

// set writes in into the line id and its shared object.
func (e *editing) set(ctx context.Context, tx bun.Tx, id string, in ItemInput) error {
	ai, ii := e.Content.find(id)
	it := &e.Content.Areas[ai].Items[ii]
	it.Problem, it.FollowUp, it.FollowUpDate = in.Problem, in.FollowUp, in.FollowUpDate
	switch it.Kind {
	case ItemStrategy:
		it.Text = in.Text
	case ItemGoal:
		g := e.Goals[id]
		g.Statement, g.IndicatorCode, g.Baseline, g.Target, g.Unit, g.TargetDate = in.Text, strings.TrimSpace(in.IndicatorCode),
			in.Baseline, in.Target, strings.TrimSpace(in.Unit), in.TargetDate
		e.Goals[id] = g
	case ItemMeasure:
		if in.ResponsibleUser != nil {
			member, err := org.HasMember(ctx, tx, e.org.ID, *in.ResponsibleUser)
			if err != nil {
				return err
			}
			if !member {
				return app.Errorf(app.EInvalid, "plan.error.responsible_user").WithField("responsible_user")
			}
		}
		for _, g := range in.Serves {
			if _, ok := e.Goals[g]; !ok {
				return app.Errorf(app.EInvalid, "plan.error.serves").WithField("serves")
			}
		}
		m := e.Measures[id]
		if it.Timeline != in.Timeline || m.DeadlineText == "" && m.Deadline == nil {
			m.DeadlineText, m.Deadline = in.Timeline, nil
		}
		it.Timeline = in.Timeline
		m.Description, m.Responsible, m.ResponsibleUser, m.Notes = in.Text, in.Responsible, in.ResponsibleUser, in.Notes
		m.Goals = slices.Clone(in.Serves)
		e.Measures[id] = m
	}
	return nil
}

// UpdateItem changes a line of the plan and its shared object.
func (s *Service) UpdateItem(ctx context.Context, o *org.Organisation, a *app.Actor, id int64, rev int, itemID string, in ItemInput) error {
	return s.edit(ctx, o, a, id, rev, func(ctx context.Context, tx bun.Tx, e *editing) error {
		ai, ii := e.Content.find(itemID)
		if ai < 0 {
			return app.Errorf(app.ENotFound, "plan.error.item_not_found")
		}
		in.Kind = e.Content.Areas[ai].Items[ii].Kind
		if err := in.Validate(); err != nil {
			return err
		}
		return e.set(ctx, tx, itemID, in)
	})
}

// RemoveItem takes a line out of the plan. A goal or measure taken out is
// kept with its history (measure.Save marks it removed); measures that
// served a removed goal no longer name it.
func (s *Service) RemoveItem(ctx context.Context, o *org.Organisation, a *app.Actor, id int64, rev int, itemID string) error {
	return s.edit(ctx, o, a, id, rev, func(_ context.Context, _ bun.Tx, e *editing) error {
		ai, ii := e.Content.find(itemID)
		if ai < 0 {
			return app.Errorf(app.ENotFound, "plan.error.item_not_found")
		}
		it := e.Content.Areas[ai].Items[ii]
		e.Content.Areas[ai].Items = slices.Delete(e.Content.Areas[ai].Items, ii, ii+1)
		switch it.Kind {
		case ItemGoal:
			delete(e.Goals, it.ID)
			for mid, m := range e.Measures {
				if slices.Contains(m.Goals, it.ID) {
					m.Goals = slices.DeleteFunc(slices.Clone(m.Goals), func(g string) bool { return g == it.ID })
					e.Measures[mid] = m
				}
			}
		case ItemMeasure:
			delete(e.Measures, it.ID)
		}
		return nil
	})
}

// Move moves a line one place up (dir < 0) or down within its area. A
// measure moves past the line next to it (so it can move under another
// strategy); a goal or strategy moves with the lines under it, past the
// previous or next one of its kind.
func (s *Service) Move(ctx context.Context, o *org.Organisation, a *app.Actor, id int64, rev int, itemID string, dir int) error {
	return s.edit(ctx, o, a, id, rev, func(_ context.Context, _ bun.Tx, e *editing) error {
		ai, ii := e.Content.find(itemID)
		if ai < 0 {
			return app.Errorf(app.ENotFound, "plan.error.item_not_found")
		}
		items, ok := moved(e.Content.Areas[ai].Items, ii, dir)
		if !ok {
			return app.Errorf(app.EInvalid, "plan.error.cannot_move")
		}
		e.Content.Areas[ai].Items = items
		return nil
	})
}

// moved answers items with the line at i (and the lines under it) moved
// one place in direction dir, and whether it could move.
func moved(items []Item, i, dir int) ([]Item, bool) {
	kind := items[i].Kind
	if kind == ItemMeasure {
		j := i + sign(dir)
		if j < 0 || j >= len(items) {
			return items, false
		}
		out := slices.Clone(items)
		out[i], out[j] = out[j], out[i]
		return out, true
	}
	end := block(items, i)
	if dir < 0 {
		// The previous line of the same kind starts the block to pass.
		k := i - 1
		for k >= 0 && items[k].Kind != kind {
			if kind == ItemStrategy && items[k].Kind == ItemGoal {
				return items, false
			}
			k--
		}
		if k < 0 {
			return items, false
		}
		return swapBlocks(items, k, i, end), true
	}
	if end >= len(items) || items[end].Kind != kind {
		return items, false
	}
	return swapBlocks(items, i, end, block(items, end)), true
}

// swapBlocks answers items with [a, b) and [b, c) swapped.
func swapBlocks(items []Item, a, b, c int) []Item {
	out := slices.Clone(items[:a])
	out = append(out, items[b:c]...)
	out = append(out, items[a:b]...)
	return append(out, items[c:]...)
}

// MoveToArea moves a line (a goal or strategy with the lines under it) to
// the end of another focus area.
func (s *Service) MoveToArea(ctx context.Context, o *org.Organisation, a *app.Actor, id int64, rev int, itemID, areaID string) error {
	return s.edit(ctx, o, a, id, rev, func(_ context.Context, _ bun.Tx, e *editing) error {
		ai, ii := e.Content.find(itemID)
		to := e.Content.area(areaID)
		if ai < 0 || to < 0 {
			return app.Errorf(app.ENotFound, "plan.error.item_not_found")
		}
		if ai == to {
			return nil
		}
		from := e.Content.Areas[ai].Items
		end := block(from, ii)
		lines := slices.Clone(from[ii:end])
		e.Content.Areas[ai].Items = slices.Delete(slices.Clone(from), ii, end)
		e.Content.Areas[to].Items = append(e.Content.Areas[to].Items, lines...)
		return nil
	})
}
