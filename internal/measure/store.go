package measure

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// Source kinds: where a goal or measure lives.
const (
	SourceWorkbookEntry = "workbook.entry" // a municipality's answer to a problem statement
	SourcePlan          = "plan"           // an action plan's tree
	SourceCouncil       = "council"        // a council decision's follow-up actions (measures only)
	SourceSurvey        = "survey"         // a survey round's follow-ups of low axis scores (measures only)
)

// Source is the object goals and measures belong to, as its capability
// describes it when it saves them.
type Source struct {
	Kind    string
	EntryID int64 // for SourceWorkbookEntry
	PlanID  int64 // for SourcePlan
	// CouncilItemID is the agenda item whose decision the measures follow
	// up, for SourceCouncil.
	CouncilItemID int64
	Path          string // where it is shown, under /o/{slug}/: "workbooks/12/statements/34"
	Title         string // what it is called there: the problem statement's title
	Visibility    string // private, network or public, as its source's
}

// GoalRow is a goal as stored.
type GoalRow struct {
	bun.BaseModel `bun:"table:goals,alias:g"`
	OrgID         int64  `bun:",pk"`
	ID            string `bun:",pk"`
	SourceKind    string
	EntryID       *int64
	PlanID        *int64
	SourcePath    string
	SourceTitle   string
	Visibility    string
	Position      int
	Statement     string
	IndicatorCode string
	Baseline      *float64
	Target        *float64
	Unit          string
	TargetDate    *time.Time
	Status        string
	OriginOrgID   *int64
	OriginOrgName string
	OriginEntryID *int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
	RemovedAt     *time.Time
}

// MeasureRow is a measure as stored.
type MeasureRow struct {
	bun.BaseModel   `bun:"table:measures,alias:m"`
	OrgID           int64  `bun:",pk"`
	ID              string `bun:",pk"`
	SourceKind      string
	EntryID         *int64
	PlanID          *int64
	CouncilItemID   *int64
	SourcePath      string
	SourceTitle     string
	Visibility      string
	Position        int
	Description     string
	Responsible     string
	ResponsibleKey  string
	ResponsibleUser *int64
	DeadlineText    string
	DeadlineKind    string
	Due             *time.Time
	Status          string
	Progress        int
	Notes           string
	GoalIDs         string `bun:"goal_ids"`
	OriginOrgID     *int64
	OriginOrgName   string
	OriginEntryID   *int64
	CreatedAt       time.Time
	UpdatedAt       time.Time
	UpdatedBy       *int64
	RemovedAt       *time.Time
}

// Update is one step of a measure's timeline.
type Update struct {
	bun.BaseModel `bun:"table:measure_updates,alias:u"`
	OrgID         int64 `bun:",notnull"`
	ID            int64 `bun:",pk,autoincrement"`
	MeasureID     string
	CreatedAt     time.Time
	AuthorID      *int64
	AuthorName    string
	StatusFrom    string
	StatusTo      string
	Progress      int
	Note          string
}

// Goal answers the row as a goal.
func (r *GoalRow) Goal() Goal {
	g := Goal{ID: r.ID, Statement: r.Statement, IndicatorCode: r.IndicatorCode, Baseline: r.Baseline, Target: r.Target,
		Unit: r.Unit, TargetDate: r.TargetDate, Status: r.Status}
	if r.OriginOrgID != nil {
		g.From = &Origin{OrgID: *r.OriginOrgID, OrgName: r.OriginOrgName}
		if r.OriginEntryID != nil {
			g.From.EntryID = *r.OriginEntryID
		}
	}
	return g
}

// Measure answers the row as a measure.
func (r *MeasureRow) Measure() Measure {
	m := Measure{ID: r.ID, Description: r.Description, Responsible: r.Responsible, ResponsibleUser: r.ResponsibleUser,
		DeadlineText: r.DeadlineText, Deadline: r.Due, Status: r.Status, Progress: r.Progress, Notes: r.Notes}
	_ = json.Unmarshal([]byte(r.GoalIDs), &m.Goals)
	if r.OriginOrgID != nil {
		m.From = &Origin{OrgID: *r.OriginOrgID, OrgName: r.OriginOrgName}
		if r.OriginEntryID != nil {
			m.From.EntryID = *r.OriginEntryID
		}
	}
	return m
}

func goalRow(orgID int64, src Source, i int, g Goal, now time.Time) *GoalRow {
	r := &GoalRow{OrgID: orgID, ID: g.ID, SourceKind: src.Kind, SourcePath: src.Path, SourceTitle: src.Title,
		Visibility: src.Visibility, Position: i, Statement: g.Statement, IndicatorCode: g.IndicatorCode, Baseline: g.Baseline,
		Target: g.Target, Unit: g.Unit, TargetDate: g.TargetDate, Status: statusOrDefault(g.Status), CreatedAt: now, UpdatedAt: now}
	r.EntryID, r.PlanID = nonZero(src.EntryID), nonZero(src.PlanID)
	if g.From != nil {
		r.OriginOrgID, r.OriginOrgName, r.OriginEntryID = &g.From.OrgID, g.From.OrgName, &g.From.EntryID
	}
	return r
}

func measureRow(orgID int64, src Source, i int, m Measure, seasons Seasons, by *int64, now time.Time) *MeasureRow {
	d := m.InterpretationIn(seasons)
	// A period as written («Høst 2026») is due at its end even when the
	// caller (an API client, an import) gave no day.
	due := m.Deadline
	if due == nil && !d.Due.IsZero() && !d.Invalid {
		due = &d.Due
	}
	text := m.DeadlineText
	if d.Kind == DeadlineDate && strings.IndexFunc(text, unicode.IsLetter) < 0 {
		text = "" // a day as written («12.12.2026») is shown in the page's locale
	}
	goals, _ := json.Marshal(orEmpty(m.Goals))
	r := &MeasureRow{OrgID: orgID, ID: m.ID, SourceKind: src.Kind, SourcePath: src.Path, SourceTitle: src.Title,
		Visibility: src.Visibility, Position: i, Description: m.Description, Responsible: m.Responsible,
		ResponsibleKey: org.RoleKey(m.Responsible), ResponsibleUser: m.ResponsibleUser, DeadlineText: text,
		DeadlineKind: string(d.Kind), Due: due, Status: statusOrDefault(m.Status), Progress: clamp(m.Progress),
		Notes: m.Notes, GoalIDs: string(goals), CreatedAt: now, UpdatedAt: now, UpdatedBy: by}
	r.EntryID, r.PlanID, r.CouncilItemID = nonZero(src.EntryID), nonZero(src.PlanID), nonZero(src.CouncilItemID)
	if m.From != nil {
		r.OriginOrgID, r.OriginOrgName, r.OriginEntryID = &m.From.OrgID, m.From.OrgName, &m.From.EntryID
	}
	return r
}

// Rows answers goals and measures of src as rows to insert, in their
// order, for data made in bulk (the scale data set); a source's saves go
// through Save.
func Rows(orgID int64, src Source, goals []Goal, measures []Measure, now time.Time) ([]*GoalRow, []*MeasureRow) {
	gs := make([]*GoalRow, len(goals))
	for i, g := range goals {
		gs[i] = goalRow(orgID, src, i, g, now)
	}
	ms := make([]*MeasureRow, len(measures))
	for i, m := range measures {
		ms[i] = measureRow(orgID, src, i, m, Seasons{}, nil, now)
	}
	return gs, ms
}

func nonZero(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func clamp(p int) int { return min(max(p, 0), 100) }

func statusOrDefault(s string) string {
	if n := NormStatus(s); n != "" {
		return n
	}
	return StatusNotStarted
}

// Change is a save of a source's goals and measures: what they were and
// what they are now (both with ids), by whom, with an optional note for
// the timeline of the measures whose status or progress changed. Seasons
// are the organisation's (SeasonsOf): a measure given only as written
// («Høst 2026», from the API or an import) is due when its season ends
// there.
type Change struct {
	OrgID                 int64
	Seasons               Seasons
	Source                Source
	OldVisibility         string
	OldGoals, Goals       []Goal
	OldMeasures, Measures []Measure
	AuthorID              *int64
	AuthorName            string
	Note                  string
	Now                   time.Time
}

// Save writes what changed inside the caller's transaction: goals and
// measures new or changed are written (one statement for each kind), those
// taken out are marked removed, and every new measure and every change of
// a measure's status or progress adds a step to its timeline. Nothing is
// written when nothing changed, so saving a source's text costs nothing
// here.
func Save(ctx context.Context, tx bun.Tx, c Change) error {
	moved := c.OldVisibility != c.Source.Visibility
	var goals []*GoalRow
	oldGoals := map[string]int{}
	for i, g := range c.OldGoals {
		oldGoals[g.ID] = i
	}
	for i, g := range c.Goals {
		j, had := oldGoals[g.ID]
		delete(oldGoals, g.ID)
		if had && !moved && j == i && same(c.OldGoals[j], g) {
			continue
		}
		goals = append(goals, goalRow(c.OrgID, c.Source, i, g, c.Now))
	}
	var measures []*MeasureRow
	var steps []*Update
	oldMeasures := map[string]int{}
	for i, m := range c.OldMeasures {
		oldMeasures[m.ID] = i
	}
	for i, m := range c.Measures {
		j, had := oldMeasures[m.ID]
		delete(oldMeasures, m.ID)
		var old Measure
		if had {
			old = c.OldMeasures[j]
			if !moved && j == i && same(old, m) {
				continue
			}
		}
		measures = append(measures, measureRow(c.OrgID, c.Source, i, m, c.Seasons, c.AuthorID, c.Now))
		if !had || old.Status != m.Status || old.Progress != m.Progress || c.Note != "" {
			step := &Update{OrgID: c.OrgID, MeasureID: m.ID, CreatedAt: c.Now, AuthorID: c.AuthorID, AuthorName: c.AuthorName,
				StatusTo: statusOrDefault(m.Status), Progress: clamp(m.Progress), Note: c.Note}
			if had {
				step.StatusFrom = statusOrDefault(old.Status)
			}
			steps = append(steps, step)
		}
	}
	if len(goals) > 0 {
		if _, err := tx.NewInsert().Model(&goals).On("CONFLICT (org_id, id) DO UPDATE").
			Set("source_path = EXCLUDED.source_path, source_title = EXCLUDED.source_title, visibility = EXCLUDED.visibility").
			Set("position = EXCLUDED.position, statement = EXCLUDED.statement, indicator_code = EXCLUDED.indicator_code").
			Set("baseline = EXCLUDED.baseline, target = EXCLUDED.target, unit = EXCLUDED.unit, target_date = EXCLUDED.target_date").
			Set("status = EXCLUDED.status, updated_at = EXCLUDED.updated_at, removed_at = NULL").
			Where("g.entry_id IS NOT DISTINCT FROM EXCLUDED.entry_id AND g.plan_id IS NOT DISTINCT FROM EXCLUDED.plan_id AND g.source_kind = EXCLUDED.source_kind").Exec(ctx); err != nil {
			return err
		}
	}
	if len(measures) > 0 {
		if _, err := tx.NewInsert().Model(&measures).On("CONFLICT (org_id, id) DO UPDATE").
			Set("source_path = EXCLUDED.source_path, source_title = EXCLUDED.source_title, visibility = EXCLUDED.visibility").
			Set("position = EXCLUDED.position, description = EXCLUDED.description, responsible = EXCLUDED.responsible").
			Set("responsible_key = EXCLUDED.responsible_key, responsible_user = EXCLUDED.responsible_user").
			Set("deadline_text = EXCLUDED.deadline_text, deadline_kind = EXCLUDED.deadline_kind, due = EXCLUDED.due").
			Set("status = EXCLUDED.status, progress = EXCLUDED.progress, notes = EXCLUDED.notes, goal_ids = EXCLUDED.goal_ids").
			Set("updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by, removed_at = NULL").
			Where("m.entry_id IS NOT DISTINCT FROM EXCLUDED.entry_id AND m.plan_id IS NOT DISTINCT FROM EXCLUDED.plan_id").
			Where("m.council_item_id IS NOT DISTINCT FROM EXCLUDED.council_item_id AND m.source_kind = EXCLUDED.source_kind").Exec(ctx); err != nil {
			return err
		}
	}
	if err := markRemoved[GoalRow](ctx, tx, c.OrgID, keys(oldGoals), c.Now); err != nil {
		return err
	}
	if err := markRemoved[MeasureRow](ctx, tx, c.OrgID, keys(oldMeasures), c.Now); err != nil {
		return err
	}
	if len(steps) > 0 {
		if _, err := tx.NewInsert().Model(&steps).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// markRemoved marks the live rows of ids removed from their source.
func markRemoved[T GoalRow | MeasureRow](ctx context.Context, tx bun.Tx, orgID int64, ids []string, now time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := tx.NewUpdate().Model((*T)(nil)).Set("removed_at = ?", now).
		Where("org_id = ? AND id IN (?) AND removed_at IS NULL", orgID, bun.In(ids)).Exec(ctx)
	return err
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// same reports whether two goals or two measures say the same: equal
// fields, origins compared by what they say.
func same[T any](a, b T) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// Filter narrows a list of measures.
type Filter struct {
	ResponsibleUser int64     // 0: anyone's
	Status          string    // "": any; "open": not done or cancelled
	DueBefore       time.Time // zero: no bound
	Limit           int       // 0: 200
}

// StatusOpen is the Filter.Status of measures not done or cancelled.
const StatusOpen = "open"

// FindMeasure answers a live measure of orgID (app.ENotFound when there is
// none, also when it was taken out of its source).
func FindMeasure(ctx context.Context, idb bun.IDB, orgID int64, id string) (*MeasureRow, error) {
	return findLive[MeasureRow](ctx, idb, orgID, id)
}

// FindMeasures answers the live measures of orgID among ids, by id, in
// one query; ids taken out of their source are absent.
func FindMeasures(ctx context.Context, idb bun.IDB, orgID int64, ids []string) (map[string]*MeasureRow, error) {
	out := make(map[string]*MeasureRow, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []*MeasureRow
	if err := idb.NewSelect().Model(&rows).Where("org_id = ? AND id IN (?) AND removed_at IS NULL", orgID, bun.In(ids)).Scan(ctx); err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
}

// FindGoal answers a live goal of orgID.
func FindGoal(ctx context.Context, idb bun.IDB, orgID int64, id string) (*GoalRow, error) {
	return findLive[GoalRow](ctx, idb, orgID, id)
}

func findLive[T GoalRow | MeasureRow](ctx context.Context, idb bun.IDB, orgID int64, id string) (*T, error) {
	if !ValidID(id) {
		return nil, app.Errorf(app.ENotFound, "measure.error.not_found")
	}
	r := new(T)
	err := idb.NewSelect().Model(r).Where("org_id = ? AND id = ? AND removed_at IS NULL", orgID, id).Scan(ctx)
	return r, db.Err(err, "measure.error.not_found")
}

// ListMeasures answers orgID's live measures that pass f, soonest due
// first (those without a due day last), then by source and position.
func ListMeasures(ctx context.Context, idb bun.IDB, orgID int64, f Filter) ([]*MeasureRow, error) {
	var rows []*MeasureRow
	q := idb.NewSelect().Model(&rows).Where("org_id = ? AND removed_at IS NULL", orgID)
	if f.ResponsibleUser != 0 {
		q.Where("responsible_user = ?", f.ResponsibleUser)
	}
	switch {
	case f.Status == StatusOpen:
		q.Where("status NOT IN (?, ?)", StatusDone, StatusCancelled)
	case f.Status != "":
		q.Where("status = ?", f.Status)
	}
	if !f.DueBefore.IsZero() {
		q.Where("due IS NOT NULL AND due < ?", f.DueBefore)
	}
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 200
	}
	err := q.OrderExpr("CASE WHEN due IS NULL THEN 1 ELSE 0 END, due, source_path, position, id").Limit(int64(limit)).Scan(ctx)
	return rows, err
}

// ListGoals answers orgID's live goals, by source and position.
func ListGoals(ctx context.Context, idb bun.IDB, orgID int64, status string, limit int) ([]*GoalRow, error) {
	var rows []*GoalRow
	q := idb.NewSelect().Model(&rows).Where("org_id = ? AND removed_at IS NULL", orgID)
	if status != "" {
		q.Where("status = ?", status)
	}
	if limit <= 0 || limit > 200 {
		limit = 200
	}
	return rows, q.OrderExpr("source_path, position, id").Limit(int64(limit)).Scan(ctx)
}

// Timeline answers a measure's updates, newest first.
func Timeline(ctx context.Context, idb bun.IDB, orgID int64, measureID string) ([]*Update, error) {
	var out []*Update
	err := idb.NewSelect().Model(&out).Where("org_id = ? AND measure_id = ?", orgID, measureID).
		OrderExpr("created_at DESC, id DESC").Limit(200).Scan(ctx)
	return out, err
}

// MeasuresOfSource answers the live measures of a workbook entry, in order.
func MeasuresOfSource(ctx context.Context, idb bun.IDB, orgID, entryID int64) ([]*MeasureRow, error) {
	return ofEntry[MeasureRow](ctx, idb, orgID, entryID)
}

// GoalsOfSource answers the live goals of a workbook entry, in order.
func GoalsOfSource(ctx context.Context, idb bun.IDB, orgID, entryID int64) ([]*GoalRow, error) {
	return ofEntry[GoalRow](ctx, idb, orgID, entryID)
}

// ofEntry and ofPlan are read on every answer and plan page: planned
// once a connection on PostgreSQL (db.Bind).
func ofEntry[T GoalRow | MeasureRow](ctx context.Context, idb bun.IDB, orgID, entryID int64) ([]*T, error) {
	var rows []*T
	ctx, a := db.Bind(ctx, idb, orgID, entryID)
	err := idb.NewSelect().Model(&rows).Where("org_id = ? AND entry_id = ? AND removed_at IS NULL", a...).
		OrderExpr("position").Scan(ctx)
	return rows, err
}

// MeasuresOfPlan answers the live measures of a plan, in the tree's order.
func MeasuresOfPlan(ctx context.Context, idb bun.IDB, orgID, planID int64) ([]*MeasureRow, error) {
	return ofPlan[MeasureRow](ctx, idb, orgID, planID)
}

// GoalsOfPlan answers the live goals of a plan, in the tree's order.
func GoalsOfPlan(ctx context.Context, idb bun.IDB, orgID, planID int64) ([]*GoalRow, error) {
	return ofPlan[GoalRow](ctx, idb, orgID, planID)
}

func ofPlan[T GoalRow | MeasureRow](ctx context.Context, idb bun.IDB, orgID, planID int64) ([]*T, error) {
	var rows []*T
	ctx, a := db.Bind(ctx, idb, orgID, planID)
	err := idb.NewSelect().Model(&rows).Where("org_id = ? AND plan_id = ? AND removed_at IS NULL", a...).
		OrderExpr("position").Scan(ctx)
	return rows, err
}

// MeasuresOfCouncilItems answers the live measures that follow up the
// decisions of agenda items ids, by item and position.
func MeasuresOfCouncilItems(ctx context.Context, idb bun.IDB, orgID int64, ids []int64) ([]*MeasureRow, error) {
	var rows []*MeasureRow
	if len(ids) == 0 {
		return rows, nil
	}
	in, list := db.AnyOf(idb, "council_item_id", ids)
	ctx, a := db.Bind(ctx, idb, orgID, list) // on every meeting page: planned once a connection
	err := idb.NewSelect().Model(&rows).Where("org_id = ? AND "+in+" AND removed_at IS NULL", a...).
		OrderExpr("council_item_id, position").Scan(ctx)
	return rows, err
}

// CouncilFollowUps answers the live measures that follow up council
// decisions of org's (any council, any meeting) that are still open or
// were closed (done or cancelled) at or after closedSince, by item and
// position; the caller keeps those of the meetings it shows. Read from
// the measures' side: an organisation has far fewer follow-up measures
// than agenda items (the scale data set's council: 159 measures, 590
// items before its last meeting; 0.3 ms against 2.4 ms when the items
// led).
func CouncilFollowUps(ctx context.Context, idb bun.IDB, orgID int64, closedSince time.Time) ([]*MeasureRow, error) {
	var rows []*MeasureRow
	ctx, a := db.Bind(ctx, idb, orgID, closedSince) // on every meeting page: planned once a connection
	err := idb.NewSelect().Model(&rows).Where("org_id = ? AND council_item_id IS NOT NULL AND removed_at IS NULL", a[0]).
		Where("(status NOT IN (?) OR updated_at >= ?)", bun.In([]string{StatusDone, StatusCancelled}), a[1]).
		OrderExpr("council_item_id, position").Limit(maxCouncilFollowUps).Scan(ctx)
	return rows, err
}

// maxCouncilFollowUps is how many follow-up measures CouncilFollowUps
// answers at most: far more than a municipality keeps open at once.
const maxCouncilFollowUps = 5000

// GoalsOf answers the live goals of the source of r (a measure's goals are
// among them), in order.
func GoalsOf(ctx context.Context, idb bun.IDB, r *MeasureRow) ([]*GoalRow, error) {
	switch {
	case r.EntryID != nil:
		return GoalsOfSource(ctx, idb, r.OrgID, *r.EntryID)
	case r.PlanID != nil:
		return GoalsOfPlan(ctx, idb, r.OrgID, *r.PlanID)
	}
	return nil, nil
}

// Status is a change of one measure's status and progress with a note,
// by someone, for a source whose measures are live rows only (a plan):
// SetStatus writes it.
type Status struct {
	Status     string
	Progress   int
	Note       string
	AuthorID   *int64
	AuthorName string
	Now        time.Time
}

// SetStatus sets a live measure's status and progress inside the caller's
// transaction and adds the step to its timeline. The caller has checked
// the status, progress and note.
func SetStatus(ctx context.Context, tx bun.Tx, r *MeasureRow, st Status) error {
	if _, err := tx.NewUpdate().Model((*MeasureRow)(nil)).
		Set("status = ?, progress = ?, updated_at = ?, updated_by = ?", st.Status, clamp(st.Progress), st.Now, st.AuthorID).
		Where("org_id = ? AND id = ?", r.OrgID, r.ID).Exec(ctx); err != nil {
		return err
	}
	step := &Update{OrgID: r.OrgID, MeasureID: r.ID, CreatedAt: st.Now, AuthorID: st.AuthorID, AuthorName: st.AuthorName,
		StatusFrom: r.Status, StatusTo: st.Status, Progress: clamp(st.Progress), Note: st.Note}
	if _, err := tx.NewInsert().Model(step).Exec(ctx); err != nil {
		return err
	}
	r.Status, r.Progress, r.UpdatedAt, r.UpdatedBy = st.Status, clamp(st.Progress), st.Now, st.AuthorID
	return nil
}

// MovedToRows is the migration that moved the answers' goals and measures
// into rows; Reinterpret follows it.
const MovedToRows = 20261203093000

// Reinterpret reads again, with ParseDeadline and org.RoleKey, the
// deadlines and responsible keys of the measures the SQL migration could
// only approximate (it knows days and periods, not ongoing or yearly, and
// lowercases rather than case-folds; their ids are LegacyID), 500 at a
// time, as system work; only rows whose kind, key or due day differ are
// written. The migration step runs it (server.Migrate) when it applies
// MovedToRows; a second run finds nothing to do. It answers how many
// measures it changed.
func Reinterpret(ctx context.Context, bdb *bun.DB) (int, error) {
	n := 0
	for after := ""; ; {
		var batch []*MeasureRow
		err := db.RunTx(ctx, bdb, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
			if err := tx.NewSelect().Model(&batch).Column("org_id", "id", "responsible", "responsible_key", "deadline_text", "deadline_kind", "due").
				Where("id > ? AND id LIKE 'e%'", after).
				OrderExpr("id").Limit(500).Scan(ctx); err != nil {
				return err
			}
			for _, r := range batch {
				kind, key, due := r.DeadlineKind, org.RoleKey(r.Responsible), r.Due
				if r.DeadlineText != "" {
					d := ParseDeadline(r.DeadlineText, Seasons{})
					kind = string(d.Kind)
					if due == nil && !d.Due.IsZero() && !d.Invalid {
						due = &d.Due
					}
				}
				if kind == r.DeadlineKind && key == r.ResponsibleKey && (due == r.Due) {
					continue
				}
				if _, err := tx.NewUpdate().Model((*MeasureRow)(nil)).Set("deadline_kind = ?, responsible_key = ?, due = ?", kind, key, due).
					Where("org_id = ? AND id = ?", r.OrgID, r.ID).Exec(ctx); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		if err != nil || len(batch) == 0 {
			return n, err
		}
		after = batch[len(batch)-1].ID
	}
}
