package plan

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/ratelimit"
)

// Service holds the plan rules.
type Service struct {
	DB    *bun.DB
	Clock app.Clock
	// Limits bounds how many files people import (required to import).
	Limits *ratelimit.Limiter
}

// Meta is a plan's document metadata, as its header shows it.
type Meta struct {
	Kind        string
	Title       string
	Scope       string // «Gäller för»
	PeriodFrom  *int
	PeriodTo    *int
	AdoptedBy   string // «Kommunstyrelsen»
	AdoptedOn   *time.Time
	DecisionRef string // «Kommunstyrelsen § 72.2017»
	Owner       string // «Kommunchef»
	ValidUntil  *time.Time
	RegNumber   string // «KS 2017.411»
	ReplacesID  *int64 // the plan this one replaces
	Visibility  string
	MainGoal    string
}

// Validate checks m, naming the field of the first problem.
func (m *Meta) Validate() error {
	m.Title = strings.TrimSpace(m.Title)
	switch {
	case !slices.Contains(Kinds, m.Kind):
		return app.Errorf(app.EInvalid, "plan.error.kind").WithField("kind")
	case m.Title == "":
		return app.Errorf(app.EInvalid, "error.required").WithField("title")
	case utf8.RuneCountInString(m.Title) > MaxTitle:
		return app.Errorf(app.EInvalid, "error.too_long", "max", MaxTitle).WithField("title")
	case m.Visibility != "" && !slices.Contains(Visibilities, m.Visibility):
		return app.Errorf(app.EInvalid, "plan.error.visibility").WithField("visibility")
	case m.PeriodFrom != nil && (*m.PeriodFrom < 1900 || *m.PeriodFrom > 2200):
		return app.Errorf(app.EInvalid, "plan.error.year").WithField("period_from")
	case m.PeriodTo != nil && (*m.PeriodTo < 1900 || *m.PeriodTo > 2200):
		return app.Errorf(app.EInvalid, "plan.error.year").WithField("period_to")
	case m.PeriodFrom != nil && m.PeriodTo != nil && *m.PeriodTo < *m.PeriodFrom:
		return app.Errorf(app.EInvalid, "plan.error.period").WithField("period_to")
	case utf8.RuneCountInString(m.MainGoal) > MaxMainGoal:
		return app.Errorf(app.EInvalid, "error.too_long", "max", MaxMainGoal).WithField("main_goal")
	}
	for field, v := range map[string]string{"scope": m.Scope, "adopted_by": m.AdoptedBy, "decision_ref": m.DecisionRef,
		"owner": m.Owner, "reg_number": m.RegNumber} {
		if utf8.RuneCountInString(v) > MaxShort {
			return app.Errorf(app.EInvalid, "error.too_long", "max", MaxShort).WithField(field)
		}
	}
	if m.Visibility == "" {
		m.Visibility = VisibilityPrivate
	}
	return nil
}

func (m *Meta) apply(p *Plan) {
	p.Kind, p.Title, p.Scope, p.PeriodFrom, p.PeriodTo = m.Kind, m.Title, strings.TrimSpace(m.Scope), m.PeriodFrom, m.PeriodTo
	p.AdoptedBy, p.AdoptedOn, p.DecisionRef = strings.TrimSpace(m.AdoptedBy), m.AdoptedOn, strings.TrimSpace(m.DecisionRef)
	p.Owner, p.ValidUntil, p.RegNumber = strings.TrimSpace(m.Owner), m.ValidUntil, strings.TrimSpace(m.RegNumber)
	p.ReplacesID, p.Visibility = m.ReplacesID, m.Visibility
}

// MetaOf answers p's metadata, for a form that edits it.
func MetaOf(p *Plan, c Content) Meta {
	return Meta{Kind: p.Kind, Title: p.Title, Scope: p.Scope, PeriodFrom: p.PeriodFrom, PeriodTo: p.PeriodTo,
		AdoptedBy: p.AdoptedBy, AdoptedOn: p.AdoptedOn, DecisionRef: p.DecisionRef, Owner: p.Owner,
		ValidUntil: p.ValidUntil, RegNumber: p.RegNumber, ReplacesID: p.ReplacesID, Visibility: p.Visibility,
		MainGoal: c.MainGoal}
}

// List answers o's plans, the current version of each (earlier versions
// are reached from their plan), newest first.
func (s *Service) List(ctx context.Context, o *org.Organisation) ([]*Plan, error) {
	var out []*Plan
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Model(&out).ExcludeColumn("content", "snapshot", "search_text").
			Where("org_id = ? AND superseded_by IS NULL", o.ID).OrderExpr("updated_at DESC, id DESC").Limit(500).Scan(ctx)
	})
	return out, err
}

// versions answers every version of a plan lineage, oldest first.
func versions(ctx context.Context, idb bun.IDB, orgID, lineageID int64) ([]*Plan, error) {
	var out []*Plan
	ctx, a := db.Bind(ctx, idb, orgID, lineageID) // on every plan page: planned once a connection
	err := idb.NewSelect().Model(&out).ExcludeColumn("content", "snapshot", "search_text").
		Where("org_id = ? AND lineage_id = ?", a...).OrderExpr("version").Limit(100).Scan(ctx)
	return out, err
}

// Page is what a plan's page reads: the plan with its tree, every version
// of its lineage, oldest first, and the plan it replaces (nil when it
// names none, or that plan is gone).
type Page struct {
	Tree     *Tree
	Versions []*Plan
	Replaces *Plan
}

// Page answers o's plan id for its page, in one unit of work (app.ENotFound
// as Get).
func (s *Service) Page(ctx context.Context, o *org.Organisation, id int64) (*Page, error) {
	pg := &Page{}
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		if pg.Tree, err = load(ctx, idb, o.ID, id, false); err != nil {
			return err
		}
		if pg.Versions, err = versions(ctx, idb, o.ID, pg.Tree.Plan.LineageID); err != nil {
			return err
		}
		if r := pg.Tree.Plan.ReplacesID; r != nil {
			if pg.Replaces, err = header(ctx, idb, o.ID, *r); app.IsNotFound(err) {
				pg.Replaces, err = nil, nil
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return pg, nil
}

// Create stores a new plan, a draft with no areas yet.
func (s *Service) Create(ctx context.Context, o *org.Organisation, a *app.Actor, m Meta) (*Plan, error) {
	if o.Kind != org.KindMunicipality {
		return nil, app.Errorf(app.EInvalid, "plan.error.not_municipality")
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	p := &Plan{OrgID: o.ID, Status: StatusDraft, Version: 1, Rev: 1, CreatedAt: now, UpdatedAt: now, UpdatedBy: a.AuthorID()}
	m.apply(p)
	c := Content{MainGoal: strings.TrimSpace(m.MainGoal), Areas: []Area{}}
	p.Content = encode(c)
	p.SearchText = searchText(p, &Tree{Content: c})
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		if err := s.checkReplaces(ctx, tx, o, m.ReplacesID, 0); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(p).Returning("id").Exec(ctx); err != nil {
			return err
		}
		p.LineageID = p.ID
		_, err := tx.NewUpdate().Model(p).Column("lineage_id").Where("org_id = ? AND id = ?", o.ID, p.ID).Exec(ctx)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, audit.PlanCreated, p.Title, nil, now)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Service) checkReplaces(ctx context.Context, idb bun.IDB, o *org.Organisation, replaces *int64, lineage int64) error {
	if replaces == nil {
		return nil
	}
	var other Plan
	err := idb.NewSelect().Model(&other).Column("id", "lineage_id").Where("org_id = ? AND id = ?", o.ID, *replaces).Scan(ctx)
	if err != nil {
		if app.IsNotFound(db.Err(err, "plan.error.not_found")) {
			return app.Errorf(app.EInvalid, "plan.error.replaces").WithField("replaces_id")
		}
		return err
	}
	if lineage != 0 && other.LineageID == lineage {
		return app.Errorf(app.EInvalid, "plan.error.replaces").WithField("replaces_id")
	}
	return nil
}

// Tree is a plan with its tree and the goals and measures it holds: live
// for the current version, as they were for an earlier one (Frozen).
type Tree struct {
	Plan     *Plan
	Content  Content
	Goals    map[string]measure.Goal
	Measures map[string]measure.Measure
	// Rows are the live measures' rows (due days, responsible keys), for
	// the views that need more than the measure; empty when frozen.
	Rows   map[string]*measure.MeasureRow
	Frozen bool
}

// Get answers o's plan id with its tree (app.ENotFound for an unknown id or
// another organisation's).
func (s *Service) Get(ctx context.Context, o *org.Organisation, id int64) (*Tree, error) {
	var t *Tree
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		t, err = load(ctx, idb, o.ID, id, false)
		return err
	})
	return t, err
}

func load(ctx context.Context, idb bun.IDB, orgID, id int64, lock bool) (*Tree, error) {
	p := new(Plan)
	bctx, a := db.Bind(ctx, idb, orgID, id) // on every plan page: planned once a connection
	q := idb.NewSelect().Model(p).Where("org_id = ? AND id = ?", a...)
	if lock {
		q = db.ForUpdate(q)
	}
	if err := q.Scan(bctx); err != nil {
		return nil, db.Err(err, "plan.error.not_found")
	}
	t := &Tree{Plan: p, Goals: map[string]measure.Goal{}, Measures: map[string]measure.Measure{}, Rows: map[string]*measure.MeasureRow{}}
	if p.Snapshot != nil {
		var snap Snapshot
		if err := json.Unmarshal([]byte(*p.Snapshot), &snap); err != nil {
			return nil, err
		}
		t.Content, t.Frozen = snap.Content, true
		for _, g := range snap.Goals {
			t.Goals[g.ID] = g
		}
		for _, m := range snap.Measures {
			t.Measures[m.ID] = m
		}
		return t, nil
	}
	var err error
	if t.Content, err = decodeContent(p.Content); err != nil {
		return nil, err
	}
	goals, err := measure.GoalsOfPlan(ctx, idb, orgID, id)
	if err != nil {
		return nil, err
	}
	for _, g := range goals {
		t.Goals[g.ID] = g.Goal()
	}
	rows, err := measure.MeasuresOfPlan(ctx, idb, orgID, id)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		t.Measures[r.ID], t.Rows[r.ID] = r.Measure(), r
	}
	return t, nil
}

// snapshot answers the tree as a Snapshot taken at now.
func (t *Tree) snapshot(now time.Time) Snapshot {
	s := Snapshot{TakenAt: now, Content: t.Content, Goals: []measure.Goal{}, Measures: []measure.Measure{}}
	for _, id := range t.Content.ids(ItemGoal) {
		if g, ok := t.Goals[id]; ok {
			s.Goals = append(s.Goals, g)
		}
	}
	for _, id := range t.Content.ids(ItemMeasure) {
		if m, ok := t.Measures[id]; ok {
			s.Measures = append(s.Measures, m)
		}
	}
	return s
}

// UpdateMeta changes a plan's metadata (not its status: SetStatus).
func (s *Service) UpdateMeta(ctx context.Context, o *org.Organisation, a *app.Actor, id int64, rev int, m Meta) (*Plan, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	var p *Plan
	err := s.edit(ctx, o, a, id, rev, func(ctx context.Context, tx bun.Tx, e *editing) error {
		if err := s.checkReplaces(ctx, tx, o, m.ReplacesID, e.Plan.LineageID); err != nil {
			return err
		}
		if m.Visibility == VisibilityPublic && e.Plan.Status != StatusAdopted && e.Plan.Status != StatusExpired {
			return app.Errorf(app.EInvalid, "plan.error.publish_draft").WithField("visibility")
		}
		m.apply(e.Plan)
		e.Content.MainGoal = strings.TrimSpace(m.MainGoal)
		p = e.Plan
		return nil
	})
	return p, err
}

// Adoption is what adopting a plan records: by whom, when, with which
// decision.
type Adoption struct {
	AdoptedBy   string
	AdoptedOn   *time.Time
	DecisionRef string
}

// SetStatus moves a plan to status (NextStatuses). Adopting records by
// whom and when (both required) and the decision's reference; a plan that
// stops being adopted stops being public.
func (s *Service) SetStatus(ctx context.Context, o *org.Organisation, a *app.Actor, id int64, rev int, status string, ad Adoption) (*Plan, error) {
	var p *Plan
	err := s.edit(ctx, o, a, id, rev, func(ctx context.Context, tx bun.Tx, e *editing) error {
		p = e.Plan
		if !slices.Contains(NextStatuses(p.Status), status) {
			return app.Errorf(app.EInvalid, "plan.error.transition").WithField("status")
		}
		if status == StatusAdopted && p.Status != StatusExpired {
			ad.AdoptedBy, ad.DecisionRef = strings.TrimSpace(ad.AdoptedBy), strings.TrimSpace(ad.DecisionRef)
			switch {
			case ad.AdoptedBy == "":
				return app.Errorf(app.EInvalid, "error.required").WithField("adopted_by")
			case ad.AdoptedOn == nil:
				return app.Errorf(app.EInvalid, "error.required").WithField("adopted_on")
			case utf8.RuneCountInString(ad.AdoptedBy) > MaxShort:
				return app.Errorf(app.EInvalid, "error.too_long", "max", MaxShort).WithField("adopted_by")
			case utf8.RuneCountInString(ad.DecisionRef) > MaxShort:
				return app.Errorf(app.EInvalid, "error.too_long", "max", MaxShort).WithField("decision_ref")
			}
			p.AdoptedBy, p.AdoptedOn, p.DecisionRef = ad.AdoptedBy, ad.AdoptedOn, ad.DecisionRef
		}
		if status == StatusDraft || status == StatusConsultation {
			if p.Visibility == VisibilityPublic {
				p.Visibility = VisibilityNetwork
			}
		}
		detail := map[string]string{"from": p.Status, "to": status}
		p.Status = status
		return audit.Record(ctx, tx, o.ID, audit.PlanStatusChanged, p.Title, detail, e.now)
	})
	return p, err
}

// Revise starts the next version of an adopted (or expired) plan: a draft
// with the same metadata and tree, version one higher. The plan as it was
// is kept as a frozen snapshot under its own address, and its live goals
// and measures move to the new version (they are the same objects: "My
// work" and their pages do not change). Follow-up rounds follow the
// lineage.
func (s *Service) Revise(ctx context.Context, o *org.Organisation, a *app.Actor, id int64, rev int) (*Plan, error) {
	var np *Plan
	err := s.edit(ctx, o, a, id, rev, func(ctx context.Context, tx bun.Tx, e *editing) error {
		old := e.Plan
		if old.Status != StatusAdopted && old.Status != StatusExpired {
			return app.Errorf(app.EInvalid, "plan.error.revise_draft")
		}
		np = &Plan{}
		*np = *old
		np.ID, np.Version, np.Status, np.Rev, np.Snapshot, np.SupersededBy = 0, old.Version+1, StatusDraft, 1, nil, nil
		np.AdoptedBy, np.AdoptedOn, np.DecisionRef = "", nil, ""
		if np.Visibility == VisibilityPublic {
			np.Visibility = VisibilityNetwork
		}
		np.Content = encode(e.Content)
		np.CreatedAt, np.UpdatedAt = e.now, e.now
		if _, err := tx.NewInsert().Model(np).Returning("id").Exec(ctx); err != nil {
			return err
		}
		snap := encode(e.tree().snapshot(e.now))
		old.Snapshot, old.SupersededBy = &snap, &np.ID
		path := np.Path()
		for _, table := range []string{"goals", "measures"} {
			if _, err := tx.NewUpdate().Table(table).Set("plan_id = ?, source_path = ?, updated_at = ?", np.ID, path, e.now).
				Where("org_id = ? AND plan_id = ?", o.ID, old.ID).Exec(ctx); err != nil {
				return err
			}
		}
		e.skipTree = true
		return audit.Record(ctx, tx, o.ID, audit.PlanRevised, np.Title, map[string]string{"version": strconv.Itoa(np.Version)}, e.now)
	})
	return np, err
}

// Delete removes a draft that was never adopted (version 1 in draft or
// consultation) with its goals and measures. An adopted plan is never
// deleted: it expires, and its history stays.
func (s *Service) Delete(ctx context.Context, o *org.Organisation, a *app.Actor, id int64) error {
	return db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		t, err := load(ctx, tx, o.ID, id, true)
		if err != nil {
			return err
		}
		p := t.Plan
		if p.Version != 1 || (p.Status != StatusDraft && p.Status != StatusConsultation) {
			return app.Errorf(app.EInvalid, "plan.error.delete_adopted")
		}
		if _, err := tx.NewDelete().Model((*Plan)(nil)).Where("org_id = ? AND id = ?", o.ID, id).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, audit.Deletion, p.Title, map[string]string{"kind": "plan"}, s.Clock.Now())
	})
}

// editing is a plan being changed inside one transaction: its row, its
// tree, its goals and measures as they were (old) and as they become.
type editing struct {
	Plan        *Plan
	Content     Content
	Goals       map[string]measure.Goal
	Measures    map[string]measure.Measure
	oldGoals    map[string]measure.Goal
	oldMeasures map[string]measure.Measure
	oldContent  Content
	oldTitle    string
	oldVis      string
	actor       *app.Actor
	org         *org.Organisation
	now         time.Time
	skipTree    bool // the change moved the tree elsewhere (Revise): leave it
}

func (e *editing) tree() *Tree {
	return &Tree{Plan: e.Plan, Content: e.Content, Goals: e.Goals, Measures: e.Measures}
}

// errStale is a change sent on an older revision of the plan.
var errStale = app.Errorf(app.EConflict, "plan.error.stale")

// edit runs fn on plan id of o inside one transaction and saves what fn
// changed: the plan's row and tree, and its goals and measures through
// measure.Save (only those that changed). rev is the revision the form was
// made from (0: do not check); a frozen plan refuses every change.
func (s *Service) edit(ctx context.Context, o *org.Organisation, a *app.Actor, id int64, rev int,
	fn func(ctx context.Context, tx bun.Tx, e *editing) error) error {
	return db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		t, err := load(ctx, tx, o.ID, id, true)
		if err != nil {
			return err
		}
		if t.Frozen {
			return app.Errorf(app.EConflict, "plan.error.frozen")
		}
		if rev != 0 && rev != t.Plan.Rev {
			return errStale
		}
		e := &editing{Plan: t.Plan, Content: t.Content, Goals: t.Goals, Measures: t.Measures, actor: a, org: o, now: s.Clock.Now()}
		e.oldGoals, e.oldMeasures = maps.Clone(t.Goals), maps.Clone(t.Measures)
		e.oldContent = cloneContent(t.Content)
		e.oldTitle, e.oldVis = t.Plan.Title, t.Plan.Visibility
		if err := fn(ctx, tx, e); err != nil {
			return err
		}
		return e.save(ctx, tx)
	})
}

func cloneContent(c Content) Content {
	out := Content{MainGoal: c.MainGoal, Areas: make([]Area, len(c.Areas))}
	for i, a := range c.Areas {
		out.Areas[i] = Area{ID: a.ID, Title: a.Title, Items: slices.Clone(a.Items)}
	}
	return out
}

func (e *editing) save(ctx context.Context, tx bun.Tx) error {
	p := e.Plan
	p.Rev++
	p.UpdatedAt, p.UpdatedBy = e.now, e.actor.AuthorID()
	if !e.skipTree {
		if e.Content.count() > MaxItems {
			return app.Errorf(app.EInvalid, "plan.error.too_many", "max", MaxItems)
		}
		if len(e.Content.Areas) > MaxAreas {
			return app.Errorf(app.EInvalid, "plan.error.too_many_areas", "max", MaxAreas)
		}
		p.Content = encode(e.Content)
		p.SearchText = searchText(p, e.tree())
		c := measure.Change{OrgID: e.org.ID, Seasons: measure.SeasonsOf(e.org), OldVisibility: e.oldVis, Now: e.now,
			Source: measure.Source{Kind: measure.SourcePlan, PlanID: p.ID, Path: p.Path(), Title: p.Title, Visibility: p.Visibility}}
		if e.actor != nil {
			c.AuthorID, c.AuthorName = e.actor.AuthorID(), e.actor.Name
		}
		for _, id := range e.oldContent.ids(ItemGoal) {
			if g, ok := e.oldGoals[id]; ok {
				c.OldGoals = append(c.OldGoals, g)
			}
		}
		for _, id := range e.Content.ids(ItemGoal) {
			c.Goals = append(c.Goals, e.Goals[id])
		}
		for _, id := range e.oldContent.ids(ItemMeasure) {
			if m, ok := e.oldMeasures[id]; ok {
				c.OldMeasures = append(c.OldMeasures, m)
			}
		}
		for _, id := range e.Content.ids(ItemMeasure) {
			c.Measures = append(c.Measures, e.Measures[id])
		}
		if e.oldTitle != p.Title {
			c.OldVisibility = "" // rewrite every row: their source's title changed
		}
		if err := measure.Save(ctx, tx, c); err != nil {
			return err
		}
	}
	_, err := tx.NewUpdate().Model(p).ExcludeColumn("org_id", "id", "created_at").Where("org_id = ? AND id = ?", p.OrgID, p.ID).Exec(ctx)
	return err
}

// MeasureUpdate is a status update of a plan measure (measure.StatusUpdate).
type MeasureUpdate = measure.StatusUpdate

// ErrNotPlanMeasure is UpdateMeasure's answer for a measure that another
// source holds (a workbook answer): its own service updates it.
var ErrNotPlanMeasure = errors.New("plan: not a plan measure")

// UpdateMeasure sets a plan measure's status and progress with a note, as
// its responsible or an editor does from the measure's page, "My work", a
// follow-up round or the API; the measure's timeline gets the step and the
// audit log an entry. A measure of a frozen version cannot be reached (its
// live row moved on).
func (s *Service) UpdateMeasure(ctx context.Context, o *org.Organisation, a *app.Actor, id string, up MeasureUpdate) (*measure.MeasureRow, error) {
	var row *measure.MeasureRow
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		var err error
		row, err = updateMeasure(ctx, tx, o, a, id, up, s.Clock.Now())
		return err
	})
	return row, err
}

func updateMeasure(ctx context.Context, tx bun.Tx, o *org.Organisation, a *app.Actor, id string, up MeasureUpdate, now time.Time) (*measure.MeasureRow, error) {
	row, err := measure.FindMeasure(ctx, tx, o.ID, id)
	if err != nil {
		return nil, err
	}
	if row.SourceKind != measure.SourcePlan {
		return nil, ErrNotPlanMeasure
	}
	status, err := up.Check()
	if err != nil {
		return nil, err
	}
	progress := up.ProgressFrom(row.Progress)
	before := row.Status
	st := measure.Status{Status: status, Progress: progress, Note: strings.TrimSpace(up.Note), AuthorID: a.AuthorID(), Now: now}
	if a != nil {
		st.AuthorName = a.Name
	}
	if err := measure.SetStatus(ctx, tx, row, st); err != nil {
		return nil, err
	}
	detail := map[string]string{"from": before, "to": status, "progress": strconv.Itoa(progress)}
	return row, audit.Record(ctx, tx, o.ID, audit.MeasureUpdated, row.Description, detail, now)
}

// LineOf answers the plan, focus area and line that hold a goal or
// measure of plan planID, for the shared object's own page (its plan
// columns); only the plan's row is read. app.ENotFound when the plan does
// not hold it.
func (s *Service) LineOf(ctx context.Context, o *org.Organisation, planID int64, itemID string) (*Plan, *Area, *Item, error) {
	p := new(Plan)
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		return db.Err(idb.NewSelect().Model(p).ExcludeColumn("snapshot", "search_text").
			Where("org_id = ? AND id = ?", o.ID, planID).Scan(ctx), "plan.error.not_found")
	})
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := decodeContent(p.Content)
	if err != nil {
		return nil, nil, nil, err
	}
	ai, ii := c.find(itemID)
	if ai < 0 {
		return nil, nil, nil, app.Errorf(app.ENotFound, "plan.error.item_not_found")
	}
	return p, &c.Areas[ai], &c.Areas[ai].Items[ii], nil
}

// Standing is how far a plan's measures have come, for the list of plans.
type Standing struct {
	Total, Done, Cancelled, Overdue int
}

// ShareDone is the done measures' share of those not cancelled, 0 to 1.
func (p Standing) ShareDone() float64 {
	if n := p.Total - p.Cancelled; n > 0 {
		return float64(p.Done) / float64(n)
	}
	return 0
}

// Standings answers the standing of o's plans ids by plan, counted by the
// database in one query: measures by status, and the open ones past their
// due day at now.
func (s *Service) Standings(ctx context.Context, o *org.Organisation, ids []int64, now time.Time) (map[int64]Standing, error) {
	out := map[int64]Standing{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		PlanID  int64  `bun:"plan_id"`
		Status  string `bun:"status"`
		N       int    `bun:"n"`
		Overdue int    `bun:"overdue"`
	}
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().TableExpr("measures").
			ColumnExpr("plan_id, status, count(*) AS n").
			ColumnExpr("sum(CASE WHEN due IS NOT NULL AND due < ? AND status NOT IN ('done', 'cancelled') THEN 1 ELSE 0 END) AS overdue", now).
			Where("org_id = ? AND plan_id IN (?) AND removed_at IS NULL", o.ID, bun.In(ids)).
			GroupExpr("plan_id, status").Scan(ctx, &rows)
	})
	for _, r := range rows {
		p := out[r.PlanID]
		p.Total += r.N
		p.Overdue += r.Overdue
		switch r.Status {
		case measure.StatusDone:
			p.Done += r.N
		case measure.StatusCancelled:
			p.Cancelled += r.N
		}
		out[r.PlanID] = p
	}
	return out, err
}

// Header answers o's plan id without its tree (app.ENotFound for an
// unknown id or another organisation's): for a page that names a plan and
// shows nothing under it.
func (s *Service) Header(ctx context.Context, o *org.Organisation, id int64) (*Plan, error) {
	var p *Plan
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) (err error) {
		p, err = header(ctx, idb, o.ID, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// header reads a plan without its content.
func header(ctx context.Context, idb bun.IDB, orgID, id int64) (*Plan, error) {
	p := new(Plan)
	bctx, a := db.Bind(ctx, idb, orgID, id)
	err := idb.NewSelect().Model(p).ExcludeColumn("content", "snapshot", "search_text").
		Where("org_id = ? AND id = ?", a...).Scan(bctx)
	if err != nil {
		return nil, db.Err(err, "plan.error.not_found")
	}
	return p, nil
}
