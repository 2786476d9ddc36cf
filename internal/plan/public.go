package plan

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
)

// The public side of a plan: what a municipality publishes (Published)
// and anyone may read without signing in. It is built field by field into
// types of its own, so that nothing private reaches it by being added to
// the internal ones: no draft (a plan not adopted, or the draft of its next
// version), no private note, no person (the responsible member, the
// authors and notes of status updates, the users who edited the plan),
// only the responsible as the plan writes it (a role or unit).

// PublicOrg is the municipality that publishes a plan.
type PublicOrg struct {
	Slug   string `json:"slug"`
	Name   string `json:"name"`
	Locale string `json:"locale"`
}

// PublicPlan is a published plan: its header, and with PublicPlan (not
// PublicPlans) its main goal, tree and progress summary.
type PublicPlan struct {
	ID          int64      `json:"id"`
	Org         PublicOrg  `json:"organisation"`
	Kind        string     `json:"kind"`
	Title       string     `json:"title"`
	Scope       string     `json:"scope,omitempty"`
	PeriodFrom  *int       `json:"period_from,omitempty"`
	PeriodTo    *int       `json:"period_to,omitempty"`
	Status      string     `json:"status"`
	AdoptedBy   string     `json:"adopted_by,omitempty"`
	AdoptedOn   *time.Time `json:"adopted_on,omitempty"`
	DecisionRef string     `json:"decision_ref,omitempty"`
	Owner       string     `json:"owner,omitempty"`
	ValidUntil  *time.Time `json:"valid_until,omitempty"`
	RegNumber   string     `json:"reg_number,omitempty"`
	Version     int        `json:"version"`
	// MainGoal, Areas and Summary are left out of a list.
	MainGoal string          `json:"main_goal,omitempty"`
	Areas    []PublicArea    `json:"areas,omitempty"`
	Summary  []PublicSummary `json:"summary,omitempty"`
}

// PublicArea is a focus area with its lines in order.
type PublicArea struct {
	ID    string       `json:"id"`
	Title string       `json:"title"`
	Items []PublicItem `json:"items"`
}

// PublicItem is a line of an area: a goal, a strategy (Text) or a
// measure, with the plan's own columns.
type PublicItem struct {
	Kind         string         `json:"kind"`
	ID           string         `json:"id"`
	Text         string         `json:"text,omitempty"`
	Problem      string         `json:"problem,omitempty"`
	FollowUp     string         `json:"follow_up,omitempty"`
	FollowUpDate *time.Time     `json:"follow_up_date,omitempty"`
	Goal         *PublicGoal    `json:"goal,omitempty"`
	Measure      *PublicMeasure `json:"measure,omitempty"`
	// UnderStrategy says a measure stands under the strategy before it.
	UnderStrategy bool `json:"under_strategy,omitempty"`
}

// PublicGoal is a goal with its indicator and target.
type PublicGoal struct {
	Statement     string     `json:"statement"`
	IndicatorCode string     `json:"indicator_code,omitempty"`
	Baseline      *float64   `json:"baseline,omitempty"`
	Target        *float64   `json:"target,omitempty"`
	Unit          string     `json:"unit,omitempty"`
	TargetDate    *time.Time `json:"target_date,omitempty"`
	Status        string     `json:"status"`
}

// PublicMeasure is a measure as the public reads it: the activity, the
// responsible as the plan writes it (a role or unit), the timeline as
// written and the day it falls due, status and progress.
type PublicMeasure struct {
	Activity    string     `json:"activity"`
	Responsible string     `json:"responsible,omitempty"`
	Timeline    string     `json:"timeline,omitempty"`
	Due         *time.Time `json:"due,omitempty"`
	Status      string     `json:"status"`
	Progress    int        `json:"progress"`
	// Serves are the ids of the plan's goals (PublicItem.ID) it serves.
	Serves []string `json:"serves,omitempty"`
}

// PublicSummary counts an area's measures by status (Tree.Summary); the
// last of a plan's is the whole plan (AreaID "").
type PublicSummary struct {
	AreaID    string         `json:"area_id,omitempty"`
	Title     string         `json:"title,omitempty"`
	ByStatus  map[string]int `json:"by_status"`
	Total     int            `json:"total"`
	Done      int            `json:"done"`
	ShareDone float64        `json:"share_done"`
}

// maxSlug bounds the organisation name a public address may carry; a
// longer one is not looked up.
const maxSlug = 100

// publicOrg finds the municipality with slug (app.ENotFound for any other
// organisation or none), outside any tenant's scope: organisations are
// not tenant rows.
func (s *Service) publicOrg(ctx context.Context, slug string) (*org.Organisation, error) {
	notFound := app.Errorf(app.ENotFound, "plan.error.not_found")
	if slug == "" || len(slug) > maxSlug {
		return nil, notFound
	}
	var o *org.Organisation
	err := db.RunBare(ctx, s.DB, func(ctx context.Context, idb bun.IDB) error {
		var err error
		o, err = org.FindOrganisationBySlug(ctx, idb, slug)
		return err
	})
	if app.IsNotFound(err) || (err == nil && o.Kind != org.KindMunicipality) {
		return nil, notFound
	}
	return o, err
}

// inForce answers, of a lineage's versions newest first, the plan in
// force: the newest adopted or expired version (a later draft or
// consultation version is not in force yet).
func inForce(versions []*Plan) *Plan {
	for _, p := range versions {
		if p.Status == StatusAdopted || p.Status == StatusExpired {
			return p
		}
	}
	return nil
}

// PublicPlans answers the published plans of the municipality with slug:
// of each plan, the version in force, when it is public; newest adopted
// first. Errors: app.ENotFound for an unknown organisation or one that is
// not a municipality.
func (s *Service) PublicPlans(ctx context.Context, slug string) (PublicOrg, []PublicPlan, error) {
	o, err := s.publicOrg(ctx, slug)
	if err != nil {
		return PublicOrg{}, nil, err
	}
	var rows []*Plan
	err = db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Model(&rows).ExcludeColumn("content", "snapshot", "search_text").
			Where("org_id = ? AND status IN (?)", o.ID, bun.In([]string{StatusAdopted, StatusExpired})).
			OrderExpr("lineage_id, version DESC").Limit(2000).Scan(ctx)
	})
	if err != nil {
		return PublicOrg{}, nil, err
	}
	po := publicOrgOf(o)
	out := []PublicPlan{}
	for i, p := range rows {
		if i > 0 && rows[i-1].LineageID == p.LineageID {
			continue // an earlier version of a plan already seen
		}
		if p.Published() {
			out = append(out, publicHeader(po, p))
		}
	}
	slices.SortStableFunc(out, func(a, b PublicPlan) int {
		if c := timeOf(b.AdoptedOn).Compare(timeOf(a.AdoptedOn)); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
	return po, out, nil
}

// PublicPlan answers the published plan that id names in the municipality
// with slug. id may be any version of the plan: the answer is the version
// in force (the newest adopted or expired one; an earlier version while
// the next is drafted), with its tree as it stands, or as it was frozen.
// Errors: app.ENotFound for an unknown organisation, one that is not a
// municipality, an id it does not have, and a plan whose version in force
// is not public or that has none (a draft).
func (s *Service) PublicPlan(ctx context.Context, slug string, id int64) (*PublicPlan, error) {
	o, err := s.publicOrg(ctx, slug)
	if err != nil {
		return nil, err
	}
	var t *Tree
	err = db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var versions []*Plan
		err := idb.NewSelect().Model(&versions).Column("id", "lineage_id", "version", "status", "visibility").
			Where("org_id = ? AND lineage_id = (SELECT x.lineage_id FROM plans AS x WHERE x.org_id = ? AND x.id = ?)", o.ID, o.ID, id).
			OrderExpr("version DESC").Limit(100).Scan(ctx)
		if err != nil {
			return err
		}
		p := inForce(versions)
		if p == nil || !p.Published() {
			return app.Errorf(app.ENotFound, "plan.error.not_found")
		}
		t, err = load(ctx, idb, o.ID, p.ID, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !t.Plan.Published() { // changed between the two reads
		return nil, app.Errorf(app.ENotFound, "plan.error.not_found")
	}
	return t.public(publicOrgOf(o)), nil
}

func publicOrgOf(o *org.Organisation) PublicOrg {
	return PublicOrg{Slug: o.Slug, Name: o.Name, Locale: o.Locale}
}

func publicHeader(o PublicOrg, p *Plan) PublicPlan {
	return PublicPlan{ID: p.ID, Org: o, Kind: p.Kind, Title: p.Title, Scope: p.Scope, PeriodFrom: p.PeriodFrom,
		PeriodTo: p.PeriodTo, Status: p.Status, AdoptedBy: p.AdoptedBy, AdoptedOn: p.AdoptedOn, DecisionRef: p.DecisionRef,
		Owner: p.Owner, ValidUntil: p.ValidUntil, RegNumber: p.RegNumber, Version: p.Version}
}

// public answers the tree as the public reads it.
func (t *Tree) public(o PublicOrg) *PublicPlan {
	out := publicHeader(o, t.Plan)
	out.MainGoal, out.Areas = t.Content.MainGoal, []PublicArea{}
	for i, a := range t.Content.Areas {
		area := PublicArea{ID: a.ID, Title: a.Title, Items: []PublicItem{}}
		for _, l := range t.Lines(i) {
			it := PublicItem{Kind: l.Item.Kind, ID: l.Item.ID, Problem: l.Item.Problem, FollowUp: l.Item.FollowUp,
				FollowUpDate: l.Item.FollowUpDate}
			switch l.Item.Kind {
			case ItemStrategy:
				it.Text = l.Item.Text
			case ItemGoal:
				if g := l.Goal; g != nil {
					it.Goal = &PublicGoal{Statement: g.Statement, IndicatorCode: g.IndicatorCode, Baseline: g.Baseline,
						Target: g.Target, Unit: g.Unit, TargetDate: g.TargetDate, Status: statusOr(g.Status)}
				}
			case ItemMeasure:
				it.UnderStrategy = l.Strategy != nil
				if m := l.Measure; m != nil {
					it.Measure = &PublicMeasure{Activity: m.Description, Responsible: m.Responsible, Timeline: l.Item.Timeline,
						Due: t.due(m), Status: statusOr(m.Status), Progress: m.Progress, Serves: slices.Clone(m.Goals)}
				}
			}
			if it.Goal == nil && it.Measure == nil && it.Kind != ItemStrategy {
				continue // a line whose object is gone
			}
			area.Items = append(area.Items, it)
		}
		out.Areas = append(out.Areas, area)
	}
	for _, s := range t.Summary() {
		out.Summary = append(out.Summary, PublicSummary{AreaID: s.AreaID, Title: s.Title, ByStatus: s.ByStatus,
			Total: s.Total, Done: s.Done, ShareDone: s.ShareDone})
	}
	return &out
}

// due answers the day m falls due, when its timeline names one.
func (t *Tree) due(m *measure.Measure) *time.Time {
	d := m.Interpretation()
	if r := t.Rows[m.ID]; r != nil && r.Due != nil {
		d.Due = *r.Due
	}
	if d.Invalid || d.Due.IsZero() {
		return nil
	}
	return &d.Due
}

func statusOr(s string) string {
	if n := measure.NormStatus(s); n != "" {
		return n
	}
	return measure.StatusNotStarted
}

func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
