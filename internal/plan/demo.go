package plan

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"go.yaml.in/yaml/v3"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// DemoLoader loads the demo organisations' plans (plans/<slug>.yaml of
// Definitions: Tierp's action plan, Nittedal's theme plan) with the
// follow-up their people did since: status updates with notes by demo
// users, measures whose responsible is a demo user. It names demo users,
// so the server runs it once they and their roles exist, on the demo's
// first start only. Every step goes through the service a person's own
// would, with the clock set back to when it happened.
type DemoLoader struct {
	// Definitions holds plans/*.yaml (tenants.Plans).
	Definitions fs.FS
}

// DemoAge is how long before the demo's first start its plans were
// entered: their reports fall in between.
const DemoAge = 60 * 24 * time.Hour

// demoPlan is a plans/<slug>.yaml file: the plan's header, tree and
// follow-up.
type demoPlan struct {
	Slug        string      `yaml:"slug"`
	Kind        string      `yaml:"kind"`
	Title       string      `yaml:"title"`
	Scope       string      `yaml:"scope"`
	PeriodFrom  *int        `yaml:"period_from"`
	PeriodTo    *int        `yaml:"period_to"`
	Status      string      `yaml:"status"`
	AdoptedBy   string      `yaml:"adopted_by"`
	AdoptedOn   string      `yaml:"adopted_on"`
	DecisionRef string      `yaml:"decision_ref"`
	Owner       string      `yaml:"owner"`
	ValidUntil  string      `yaml:"valid_until"`
	RegNumber   string      `yaml:"reg_number"`
	Visibility  string      `yaml:"visibility"`
	MainGoal    string      `yaml:"main_goal"`
	Areas       []demoArea  `yaml:"areas"`
	Rounds      []demoRound `yaml:"rounds"`
}

// demoRound is a follow-up round the plan's editor opened and closed,
// days before the demo's first start: the reports made while it was open
// are the round's, and the committee summary's trend runs from it.
type demoRound struct {
	Title      string `yaml:"title"`
	Author     string `yaml:"author"` // the demo user (by role) who opens and closes it
	OpenedAgo  int    `yaml:"opened_days_ago"`
	ClosedAgo  int    `yaml:"closed_days_ago"`
	DueInDays  int    `yaml:"due_in_days"` // after opening
	openRound  int64
	closedDone bool
}

type demoArea struct {
	Title string     `yaml:"title"`
	Items []demoItem `yaml:"items"`
}

// demoItem is a line: exactly one of Goal, Strategy (with the measures
// under it) and Measure is set; a measure may be "" when it names only who
// and when.
type demoItem struct {
	Goal            *string      `yaml:"goal"`
	Strategy        *string      `yaml:"strategy"`
	Measure         *string      `yaml:"measure"`
	Measures        []demoItem   `yaml:"measures"`
	Key             string       `yaml:"key"`    // a goal's name for serves
	Serves          []string     `yaml:"serves"` // keys of goals a measure serves
	Problem         string       `yaml:"problem"`
	Responsible     string       `yaml:"responsible"`
	ResponsibleUser string       `yaml:"responsible_user"` // the demo user by role
	Timeline        string       `yaml:"timeline"`         // as written, or relative: {day+9}
	Target          *float64     `yaml:"target"`
	Indicator       string       `yaml:"indicator"` // a goal's indicator code
	Unit            string       `yaml:"unit"`
	Reports         []demoReport `yaml:"reports"`
}

// demoReport is a status update on a measure by a demo user (by role),
// days before the demo's first start.
type demoReport struct {
	Author   string `yaml:"author"`
	DaysAgo  int    `yaml:"days_ago"`
	Status   string `yaml:"status"`
	Progress int    `yaml:"progress"`
	Note     string `yaml:"note"`
}

// LoadDemo loads every plans/*.yaml into its organisation.
func (l DemoLoader) LoadDemo(ctx context.Context, bdb *bun.DB, clock app.Clock) error {
	files, err := fs.Glob(l.Definitions, "plans/*.yaml")
	if err != nil {
		return fmt.Errorf("demo plans: %w", err)
	}
	for _, f := range files {
		if err := l.loadFile(ctx, bdb, clock, f); err != nil {
			return fmt.Errorf("demo plans: %s: %w", f, err)
		}
	}
	return nil
}

func (l DemoLoader) loadFile(ctx context.Context, bdb *bun.DB, clock app.Clock, file string) error {
	b, err := fs.ReadFile(l.Definitions, file)
	if err != nil {
		return err
	}
	var d demoPlan
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&d); err != nil {
		return err
	}
	var o *org.Organisation
	err = db.Run(ctx, bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		o, err = org.FindOrganisationBySlug(ctx, idb, d.Slug)
		return err
	})
	if err != nil {
		return fmt.Errorf("organisation %s: %w", d.Slug, err)
	}
	if !o.Demo {
		return fmt.Errorf("%s is not a demo organisation", d.Slug)
	}
	users := map[string]*app.Actor{}
	actor := func(role string) (*app.Actor, error) {
		if a := users[role]; a != nil {
			return a, nil
		}
		var u *account.User
		err := db.Run(ctx, bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
			var err error
			u, err = account.FindUserByEmail(ctx, idb, account.DemoEmail(role, o.Slug))
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("demo user %s: %w", account.DemoEmail(role, o.Slug), err)
		}
		users[role] = &app.Actor{UserID: u.ID, Email: u.Email, Name: u.Name, OrgID: o.ID, OrgSlug: o.Slug, OrgKind: o.Kind, Role: role}
		return users[role], nil
	}
	now := clock.Now()
	svc := &Service{DB: bdb, Clock: app.ShiftedClock{Clock: clock, By: -DemoAge}}
	m, err := d.meta()
	if err != nil {
		return err
	}
	p, err := svc.Create(ctx, o, nil, m)
	if err != nil {
		return err
	}
	var reports []pendingReport
	err = svc.edit(ctx, o, nil, p.ID, 0, func(ctx context.Context, tx bun.Tx, e *editing) error {
		keys := map[string]string{}
		for _, a := range d.Areas {
			e.Content.Areas = append(e.Content.Areas, Area{ID: newItemID(), Title: strings.TrimSpace(a.Title), Items: []Item{}})
			ai := len(e.Content.Areas) - 1
			for _, it := range a.flat() {
				in, err := it.input(keys, now, actor)
				if err != nil {
					return err
				}
				if err := in.Validate(); err != nil {
					return fmt.Errorf("%s: %q: %w", a.Title, in.Text, err)
				}
				id, err := e.add(ctx, tx, ai, len(e.Content.Areas[ai].Items), in)
				if err != nil {
					return fmt.Errorf("%s: %q: %w", a.Title, in.Text, err)
				}
				if it.Key != "" {
					keys[it.Key] = id
				}
				for _, r := range it.Reports {
					reports = append(reports, pendingReport{measure: id, demoReport: r})
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if d.Status == StatusAdopted {
		ad := Adoption{AdoptedBy: d.AdoptedBy, AdoptedOn: m.AdoptedOn, DecisionRef: d.DecisionRef}
		if _, err := svc.SetStatus(ctx, o, nil, p.ID, 0, StatusAdopted, ad); err != nil {
			return err
		}
	}
	// The oldest first, so each measure's timeline reads in order.
	slices.SortStableFunc(reports, func(a, b pendingReport) int { return b.DaysAgo - a.DaysAgo })
	// rounds opens and closes the rounds due by daysAgo, and answers the
	// one open then (0: none).
	rounds := func(daysAgo int) (int64, error) {
		var open int64
		for i := range d.Rounds {
			r := &d.Rounds[i]
			a, err := actor(r.Author)
			if err != nil {
				return 0, err
			}
			if r.openRound == 0 && !r.closedDone && r.OpenedAgo >= daysAgo {
				at := &Service{DB: bdb, Clock: app.ShiftedClock{Clock: clock, By: -time.Duration(r.OpenedAgo) * 24 * time.Hour}}
				due := at.Clock.Now().AddDate(0, 0, r.DueInDays)
				rd, err := at.OpenRound(ctx, o, a, p.ID, r.Title, &due)
				if err != nil {
					return 0, fmt.Errorf("round %s: %w", r.Title, err)
				}
				r.openRound = rd.ID
			}
			if r.openRound != 0 && !r.closedDone && r.ClosedAgo > daysAgo {
				at := &Service{DB: bdb, Clock: app.ShiftedClock{Clock: clock, By: -time.Duration(r.ClosedAgo) * 24 * time.Hour}}
				if _, err := at.CloseRound(ctx, o, a, r.openRound); err != nil {
					return 0, fmt.Errorf("round %s: %w", r.Title, err)
				}
				r.closedDone = true
			}
			if r.openRound != 0 && !r.closedDone {
				open = r.openRound
			}
		}
		return open, nil
	}
	for _, r := range reports {
		round, err := rounds(r.DaysAgo)
		if err != nil {
			return err
		}
		a, err := actor(r.Author)
		if err != nil {
			return err
		}
		at := &Service{DB: bdb, Clock: app.ShiftedClock{Clock: clock, By: -time.Duration(r.DaysAgo) * 24 * time.Hour}}
		progress := r.Progress
		up := MeasureUpdate{Status: r.Status, Progress: &progress, Note: strings.TrimSpace(r.Note)}
		if round != 0 {
			_, err = at.Report(ctx, o, a, round, r.measure, up, true)
		} else {
			_, err = at.UpdateMeasure(ctx, o, a, r.measure, up)
		}
		if err != nil {
			return fmt.Errorf("report on %s: %w", r.measure, err)
		}
	}
	if _, err := rounds(-1); err != nil { // rounds closed after the last report
		return err
	}
	return nil
}

type pendingReport struct {
	measure string
	demoReport
}

func (d *demoPlan) meta() (Meta, error) {
	m := Meta{Kind: d.Kind, Title: d.Title, Scope: d.Scope, PeriodFrom: d.PeriodFrom, PeriodTo: d.PeriodTo,
		AdoptedBy: d.AdoptedBy, DecisionRef: d.DecisionRef, Owner: d.Owner, RegNumber: d.RegNumber,
		Visibility: d.Visibility, MainGoal: strings.TrimSpace(d.MainGoal)}
	for _, f := range []struct {
		text string
		to   **time.Time
	}{{d.AdoptedOn, &m.AdoptedOn}, {d.ValidUntil, &m.ValidUntil}} {
		if f.text == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, f.text)
		if err != nil {
			return m, err
		}
		*f.to = &t
	}
	return m, nil
}

// flat answers the area's lines in order: a strategy, then the measures
// under it.
func (a demoArea) flat() []demoItem {
	var out []demoItem
	for _, it := range a.Items {
		out = append(out, it)
		out = append(out, it.Measures...)
	}
	return out
}

func (it demoItem) input(keys map[string]string, now time.Time, actor func(string) (*app.Actor, error)) (ItemInput, error) {
	in := ItemInput{Problem: it.Problem, Timeline: demoDay(it.Timeline, now), Responsible: it.Responsible,
		Target: it.Target, Unit: it.Unit, IndicatorCode: it.Indicator}
	switch {
	case it.Goal != nil:
		in.Kind, in.Text = ItemGoal, *it.Goal
	case it.Strategy != nil:
		in.Kind, in.Text = ItemStrategy, *it.Strategy
	case it.Measure != nil:
		in.Kind, in.Text = ItemMeasure, *it.Measure
	default:
		return in, fmt.Errorf("a line that is no goal, strategy or measure (problem %q)", it.Problem)
	}
	for _, k := range it.Serves {
		id, ok := keys[k]
		if !ok {
			return in, fmt.Errorf("%q serves %q, which no goal before it is", in.Text, k)
		}
		in.Serves = append(in.Serves, id)
	}
	if it.ResponsibleUser != "" {
		a, err := actor(it.ResponsibleUser)
		if err != nil {
			return in, err
		}
		in.ResponsibleUser = &a.UserID
	}
	return in, nil
}

// reDemoDay is a timeline's day relative to the demo's first start:
// {day-12}, {day+9}.
var reDemoDay = regexp.MustCompile(`\{day([+-]\d+)\}`)

// demoDay writes the relative days of text as a Norwegian plan writes a
// day (d.m.yyyy, as in Oslo on now), so the demo has measures overdue and
// due soon whenever it starts. Text without {…} is kept as written.
func demoDay(text string, now time.Time) string {
	if loc, err := time.LoadLocation("Europe/Oslo"); err == nil {
		now = now.In(loc)
	}
	return reDemoDay.ReplaceAllStringFunc(text, func(s string) string {
		k, _ := strconv.Atoi(reDemoDay.FindStringSubmatch(s)[1])
		d := now.AddDate(0, 0, k)
		return fmt.Sprintf("%d.%d.%d", d.Day(), d.Month(), d.Year())
	})
}
