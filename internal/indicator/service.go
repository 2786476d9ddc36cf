package indicator

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/kept"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/ratelimit"
)

// Service holds the indicator rules.
type Service struct {
	DB    *bun.DB
	Clock app.Clock
	// Limits bounds imports per user (required to import).
	Limits *ratelimit.Limiter
	// PrimaryOnly switches secondary suppression off: small counts are
	// still shown as «under 10», but nothing else is withheld. Only for
	// the tests that show the audit catches the leaks this makes.
	PrimaryOnly bool
	// cache keeps protected benchmark tables (see benchmark.go).
	cache protectedCache
	// builds bounds the universes built at once (see buildGate).
	builds buildGate
	// universes keeps built and protected universes by data version (see
	// universe_cache.go).
	universes universeCache
	// overviewLines keeps the indicators page's figures by data version.
	overviewLines kept.Map[overviewKey, *overviewFigures]
	// kept keeps what a benchmark reads besides its universe by the
	// catalogue's data version (benchmark_kept.go).
	kept benchmarkKept
}

// ImportsPerHour bounds imports of values per user.
var ImportsPerHour = ratelimit.Limit{Name: "indicator.import.user.hour", Max: 30, Window: time.Hour}

func (s *Service) now() time.Time { return s.Clock.Now() }

var errNotFound = app.Errorf(app.ENotFound, "indicator.error.not_found")

// owners answers the organisations whose catalogue o sees besides the
// national one: itself, and for a municipality the networks it belongs
// to on day.
func owners(ctx context.Context, idb bun.IDB, o *org.Organisation, day time.Time) ([]int64, error) {
	ids := []int64{o.ID}
	if o.Kind != org.KindMunicipality {
		return ids, nil
	}
	nets, err := org.FindMemberNetworks(ctx, idb, o.ID, day)
	for _, n := range nets {
		ids = append(ids, n.ID)
	}
	return ids, err
}

// findCatalogue answers the indicators o sees, by topic and position.
func findCatalogue(ctx context.Context, idb bun.IDB, ownerIDs []int64) ([]*Indicator, error) {
	var out []*Indicator
	err := idb.NewSelect().Model(&out).
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("owner_org_id IS NULL").WhereOr("owner_org_id IN (?)", bun.In(ownerIDs))
		}).
		OrderExpr("position, code, id").Limit(2000).Scan(ctx)
	return out, err
}

// Catalogue answers the indicators o sees: the national catalogue, its
// networks' and its own; kept under the catalogue's data version
// (keptCatalogues), so that a page offering the catalogue reads only the
// version. The indicators are shared: callers only read them.
func (s *Service) Catalogue(ctx context.Context, o *org.Organisation) ([]*Indicator, error) {
	var out []*Indicator
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		now := s.now()
		vs, err := kept.Versions(ctx, idb, []string{kept.Catalogue})
		if err != nil {
			return err
		}
		key := catalogueKey{reader: o.ID, day: now.UTC().Format(time.DateOnly)}
		version := vs[kept.Catalogue]
		if out = s.kept.catalogues.get(version, key); out != nil {
			return nil
		}
		if ctx, err = org.WidenRead(ctx, idb, o, now); err != nil {
			return err
		}
		ids, err := owners(ctx, idb, o, now)
		if err != nil {
			return err
		}
		list, err := findCatalogue(ctx, idb, ids)
		if err != nil {
			return err
		}
		out = s.kept.catalogues.put(version, key, list)
		return nil
	})
	return out, err
}

// resolve answers the indicator with code that o sees: its own first,
// then its networks', then the national one.
func resolve(ctx context.Context, idb bun.IDB, o *org.Organisation, day time.Time, code string) (*Indicator, error) {
	ids, err := owners(ctx, idb, o, day)
	if err != nil {
		return nil, err
	}
	var cands []*Indicator
	if err := idb.NewSelect().Model(&cands).Where("code = ?", code).
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("owner_org_id IS NULL").WhereOr("owner_org_id IN (?)", bun.In(ids))
		}).Scan(ctx); err != nil {
		return nil, err
	}
	rank := func(i *Indicator) int {
		if i.OwnerOrgID == nil {
			return len(ids)
		}
		return slices.Index(ids, *i.OwnerOrgID)
	}
	slices.SortFunc(cands, func(a, b *Indicator) int { return rank(a) - rank(b) })
	if len(cands) == 0 {
		return nil, errNotFound
	}
	return cands[0], nil
}

// Indicator answers the indicator with code that o sees.
func (s *Service) Indicator(ctx context.Context, o *org.Organisation, code string) (*Indicator, error) {
	var out *Indicator
	err := org.RunRead(ctx, s.DB, o, s.now(), func(ctx context.Context, idb bun.IDB) error {
		var err error
		out, err = resolve(ctx, idb, o, s.now(), code)
		return err
	})
	return out, err
}

// Create adds an indicator to o's own catalogue (a network's set or a
// municipality's own).
func (s *Service) Create(ctx context.Context, o *org.Organisation, in *Indicator) error {
	if err := in.Validate(); err != nil {
		return err
	}
	now := s.now()
	in.ID, in.OwnerOrgID, in.CreatedAt, in.UpdatedAt = 0, &o.ID, now, now
	fillTexts(in)
	return db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		n, err := tx.NewSelect().Model((*Indicator)(nil)).Where("owner_org_id = ? AND code = ?", o.ID, in.Code).Count(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return app.Errorf(app.EConflict, "indicator.error.code_taken").WithField("code")
		}
		if _, err := tx.NewInsert().Model(in).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, "indicator.create", in.Code, nil, s.now())
	})
}

// Update changes one of o's own indicators (the national catalogue and a
// network's are not o's to change).
func (s *Service) Update(ctx context.Context, o *org.Organisation, code string, in *Indicator) error {
	if err := in.Validate(); err != nil {
		return err
	}
	fillTexts(in)
	return db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		cur := new(Indicator)
		if err := tx.NewSelect().Model(cur).Where("owner_org_id = ? AND code = ?", o.ID, code).Scan(ctx); err != nil {
			return notFoundOr(err)
		}
		if in.Code != cur.Code {
			return app.Errorf(app.EInvalid, "indicator.error.code_fixed").WithField("code")
		}
		in.ID, in.OwnerOrgID, in.CreatedAt, in.UpdatedAt = cur.ID, cur.OwnerOrgID, cur.CreatedAt, s.now()
		if _, err := tx.NewUpdate().Model(in).WherePK().Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, "indicator.update", in.Code, nil, s.now())
	})
}

// fillTexts makes empty JSON columns valid.
func fillTexts(in *Indicator) {
	for _, t := range []*Texts{&in.Names, &in.Descriptions, &in.Numerator, &in.Denominator} {
		if *t == nil {
			*t = Texts{}
		}
	}
	if in.Categories == nil {
		in.Categories = []Category{}
	}
	if in.Rules == nil {
		in.Rules = []Rule{}
	}
}

func notFoundOr(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return errNotFound
	}
	return err
}

// Entry is one figure as a form, an import or the API gives it.
type Entry struct {
	Code     string   // the indicator's code
	Period   string   // as written; parsed against the indicator's periodicity
	Category string   // a breakdown's category key
	Num      *float64 // the count, or a rate's numerator
	Den      *float64 // a rate's denominator
	Rate     *float64 // a published rate without its counts
	State    string   // "": ok (or missing when no number is given)
	Source   string   // "": own registration
	AsOf     *time.Time
	Final    *bool // nil: final
	Note     string
	Rev      int // the revision the form saw; 0: do not check
}

// entryProblem names what is wrong with an entry: the field and the key.
func entryProblem(field, key string, args ...any) *app.Error {
	return app.Errorf(app.EInvalid, key, args...).WithField(field)
}

// check validates e against ind, answering the period it means.
func (e *Entry) check(ind *Indicator) (Period, error) {
	p, ok := ParsePeriod(e.Period)
	if !ok {
		return p, entryProblem("period", "indicator.error.period", "value", e.Period)
	}
	if p.Kind != ind.Periodicity {
		return p, entryProblem("period", "indicator.error.period_kind", "value", e.Period)
	}
	if ind.IsBreakdown() {
		if _, ok := ind.Category(e.Category); !ok {
			return p, entryProblem("category", "indicator.error.category", "value", e.Category)
		}
	} else if e.Category != "" {
		return p, entryProblem("category", "indicator.error.category", "value", e.Category)
	}
	if e.Source == "" {
		e.Source = SourceOwn
	}
	if !slices.Contains(Sources, e.Source) {
		return p, entryProblem("source", "indicator.error.source")
	}
	if e.State == "" {
		e.State = StateOK
		if e.Num == nil && e.Rate == nil {
			e.State = StateMissing
		}
	}
	if !slices.Contains([]string{StateOK, StateMissing, StateSuppressed}, e.State) {
		return p, entryProblem("state", "indicator.error.state")
	}
	if utf8.RuneCountInString(e.Note) > MaxNote {
		return p, entryProblem("note", "error.too_long", "max", MaxNote)
	}
	for _, f := range []struct {
		name string
		v    *float64
	}{{"numerator", e.Num}, {"denominator", e.Den}, {"rate", e.Rate}} {
		if f.v == nil {
			continue
		}
		if math.IsNaN(*f.v) || math.IsInf(*f.v, 0) || math.Abs(*f.v) > MaxValue {
			return p, entryProblem(f.name, "indicator.error.number")
		}
		if *f.v < 0 && f.name != "rate" {
			return p, entryProblem(f.name, "indicator.error.negative")
		}
		if ind.Unit != UnitAmount && f.name != "rate" && *f.v != math.Trunc(*f.v) {
			return p, entryProblem(f.name, "indicator.error.whole")
		}
	}
	if e.State != StateOK {
		if e.Num != nil || e.Den != nil || e.Rate != nil {
			return p, entryProblem("state", "indicator.error.state_value")
		}
		return p, nil
	}
	switch {
	case e.Num == nil && e.Rate == nil:
		return p, entryProblem("numerator", "error.required")
	case e.Rate != nil && e.Num != nil:
		return p, entryProblem("rate", "indicator.error.rate_and_counts")
	case e.Rate != nil && !ind.IsRate():
		return p, entryProblem("rate", "indicator.error.rate_for_count")
	case ind.IsRate() && e.Num != nil && e.Den == nil:
		return p, entryProblem("denominator", "error.required")
	case !ind.IsRate() && e.Den != nil:
		return p, entryProblem("denominator", "indicator.error.no_denominator")
	case e.Den != nil && *e.Num > *e.Den:
		return p, entryProblem("numerator", "indicator.error.over_denominator")
	case e.Rate != nil && ind.Unit == UnitPercent && (*e.Rate < 0 || *e.Rate > 100):
		return p, entryProblem("rate", "indicator.error.percent")
	case e.Rate != nil && *e.Rate < 0:
		return p, entryProblem("rate", "indicator.error.negative")
	}
	return p, nil
}

// write stores one checked entry for o, keeping the value it replaces in
// the history; unchanged entries write nothing. It answers whether it wrote.
func (s *Service) write(ctx context.Context, tx bun.IDB, o *org.Organisation, ind *Indicator, p Period, e *Entry, vis string, actor int64) (bool, error) {
	now := s.now()
	cur := new(Value)
	err := tx.NewSelect().Model(cur).Where("org_id = ? AND indicator_id = ? AND period = ? AND category = ?", o.ID, ind.ID, p.Key(), e.Category).Scan(ctx)
	exists := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, err
	}
	final := e.Final == nil || *e.Final
	if exists && e.Rev != 0 && e.Rev != cur.Rev {
		return false, app.Errorf(app.EConflict, "indicator.error.stale", "period", p.Key())
	}
	v := &Value{OrgID: o.ID, IndicatorID: ind.ID, Period: p.Key(), Category: e.Category, PeriodStart: p.Start(),
		Num: e.Num, Den: e.Den, Rate: e.Rate, State: e.State, Source: e.Source, AsOf: e.AsOf, Final: final,
		Visibility: vis, Note: strings.TrimSpace(e.Note), EnteredAt: now, Rev: 1}
	if actor != 0 {
		v.EnteredBy = &actor
	}
	if exists {
		if sameFigure(cur, v) {
			return false, nil
		}
		old := &Correction{OrgID: o.ID, IndicatorID: ind.ID, Period: cur.Period, Category: cur.Category, Num: cur.Num, Den: cur.Den,
			Rate: cur.Rate, State: cur.State, Source: cur.Source, Final: cur.Final, Note: cur.Note, EnteredBy: cur.EnteredBy,
			EnteredAt: cur.EnteredAt, Rev: cur.Rev, ReplacedBy: v.EnteredBy, ReplacedAt: now}
		if _, err := tx.NewInsert().Model(old).Exec(ctx); err != nil {
			return false, err
		}
		v.Rev = cur.Rev + 1
		_, err = tx.NewUpdate().Model(v).Where("org_id = ? AND indicator_id = ? AND period = ? AND category = ?", o.ID, ind.ID, v.Period, v.Category).
			ExcludeColumn("org_id", "indicator_id", "period", "category").Exec(ctx)
		return true, err
	}
	_, err = tx.NewInsert().Model(v).Exec(ctx)
	return true, err
}

func sameFigure(a, b *Value) bool {
	eq := func(x, y *float64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return eq(a.Num, b.Num) && eq(a.Den, b.Den) && eq(a.Rate, b.Rate) && a.State == b.State && a.Source == b.Source &&
		a.Final == b.Final && a.Note == b.Note && a.Visibility == b.Visibility &&
		((a.AsOf == nil) == (b.AsOf == nil) && (a.AsOf == nil || a.AsOf.Equal(*b.AsOf)))
}

// RowError is a problem with one entry of a batch: its position (a
// spreadsheet row, a form line) and the field.
type RowError struct {
	Index int // 0-based position in the batch
	Err   *app.Error
}

// BatchError is every problem of a batch; nothing of it was written.
type BatchError struct{ Rows []RowError }

func (b *BatchError) Error() string {
	return fmt.Sprintf("indicator: %d entries refused (first: %v)", len(b.Rows), b.Rows[0].Err)
}

// Save writes entries for o all or nothing: every entry is checked first
// (every problem reported with its position), locked periods are refused,
// each changed figure keeps the one it replaces in the history. It
// answers how many figures changed.
func (s *Service) Save(ctx context.Context, o *org.Organisation, actor int64, entries []Entry) (int, error) {
	return s.save(ctx, o, actor, entries, saveOptions{})
}

// saveOptions vary Save: responsibleOnly refuses entries of indicators
// the actor is not responsible for reporting; dryRun checks everything
// as Save does and writes nothing (an import's preview).
type saveOptions struct{ responsibleOnly, dryRun bool }

// SaveAsResponsible is Save for someone who may report only the
// indicators they are responsible for reporting (a contributor in NAV or
// the school named in the indicator's setting): an entry of any other
// indicator is refused with its row.
func (s *Service) SaveAsResponsible(ctx context.Context, o *org.Organisation, actor int64, entries []Entry) (int, error) {
	return s.save(ctx, o, actor, entries, saveOptions{responsibleOnly: true})
}

func (s *Service) save(ctx context.Context, o *org.Organisation, actor int64, entries []Entry, opt saveOptions) (int, error) {
	if o.Kind != org.KindMunicipality {
		return 0, app.Errorf(app.EForbidden, "indicator.error.municipality_only")
	}
	if len(entries) > MaxBatch {
		return 0, app.Errorf(app.EInvalid, "indicator.error.batch", "max", MaxBatch)
	}
	changed := 0
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		var err error
		changed, err = s.saveTx(ctx, tx, o, actor, entries, "", opt)
		return err
	})
	return changed, err
}

// saveTx is Save inside the caller's transaction: every entry checked
// first, nothing written when one is wrong (a *BatchError). vis, when
// set, is the visibility of every value written (official statistics
// are public whatever the municipality's setting).
func (s *Service) saveTx(ctx context.Context, tx bun.IDB, o *org.Organisation, actor int64, entries []Entry, vis string, opt saveOptions) (int, error) {
	changed := 0
	day := s.now()
	ids, err := owners(ctx, tx, o, day)
	if err != nil {
		return 0, err
	}
	cat, err := findCatalogue(ctx, tx, ids)
	if err != nil {
		return 0, err
	}
	byCode := map[string]*Indicator{}
	for i := len(cat) - 1; i >= 0; i-- { // own first: later entries win
		byCode[cat[i].Code] = cat[i]
	}
	for _, ind := range cat {
		if ind.OwnerOrgID != nil && *ind.OwnerOrgID == o.ID {
			byCode[ind.Code] = ind
		}
	}
	locks, err := findLocks(ctx, tx, o.ID)
	if err != nil {
		return 0, err
	}
	settings, err := findSettings(ctx, tx, o.ID)
	if err != nil {
		return 0, err
	}
	var bad []RowError
	type checked struct {
		ind *Indicator
		p   Period
		e   *Entry
	}
	var ok []checked
	seen := map[string]int{}
	for i := range entries {
		e := &entries[i]
		e.Code, e.Category = strings.TrimSpace(e.Code), strings.TrimSpace(e.Category)
		ind := byCode[e.Code]
		if ind == nil {
			bad = append(bad, RowError{i, entryProblem("indicator", "indicator.error.unknown_code", "value", e.Code)})
			continue
		}
		p, err := e.check(ind)
		if err != nil {
			bad = append(bad, RowError{i, app.AsError(err)})
			continue
		}
		if opt.responsibleOnly && !responsibleFor(settings, ind.ID, actor) {
			bad = append(bad, RowError{i, app.Errorf(app.EForbidden, "indicator.error.not_responsible", "value", ind.Code).WithField("indicator")})
			continue
		}
		if lockedBy(locks, p) {
			bad = append(bad, RowError{i, app.Errorf(app.EConflict, "indicator.error.locked", "period", p.Key()).WithField("period")})
			continue
		}
		key := fmt.Sprintf("%d|%s|%s", ind.ID, p.Key(), e.Category)
		if j, dup := seen[key]; dup {
			bad = append(bad, RowError{i, entryProblem("period", "indicator.error.duplicate", "row", j+1)})
			continue
		}
		seen[key] = i
		ok = append(ok, checked{ind, p, e})
	}
	if len(bad) > 0 {
		return 0, &BatchError{Rows: bad}
	}
	if opt.dryRun {
		return 0, nil
	}
	for _, c := range ok {
		v := vis
		if v == "" {
			v = visibilityFor(settings, c.ind.ID, c.e.Source)
		}
		wrote, err := s.write(ctx, tx, o, c.ind, c.p, c.e, v, actor)
		if err != nil {
			return 0, err
		}
		if wrote {
			changed++
		}
	}
	if changed > 0 {
		s.cache.invalidate()
		return changed, audit.Record(ctx, tx, o.ID, "indicator.values", fmt.Sprint(changed), nil, s.now())
	}
	return 0, nil
}

// MaxBatch bounds the entries of one save or import.
const MaxBatch = 20000

// visibilityFor answers the visibility of a new value: public for
// official statistics; for its own registrations the municipality's
// setting for the indicator, else network.
func visibilityFor(settings []Setting, indicatorID int64, source string) string {
	if source != SourceOwn {
		return VisibilityPublic // official statistics are public whoever copies them in
	}
	for _, st := range settings {
		if st.IndicatorID == indicatorID && st.Visibility != "" {
			return st.Visibility
		}
	}
	if source == SourceOwn {
		return VisibilityNetwork
	}
	return VisibilityPublic
}

func findSettings(ctx context.Context, idb bun.IDB, orgID int64) ([]Setting, error) {
	var out []Setting
	err := idb.NewSelect().Model(&out).Where("org_id = ?", orgID).Scan(ctx)
	return out, err
}

func findLocks(ctx context.Context, idb bun.IDB, orgID int64) ([]Lock, error) {
	var out []Lock
	err := idb.NewSelect().Model(&out).Where("org_id = ?", orgID).OrderExpr("period").Scan(ctx)
	return out, err
}

// lockedBy reports whether p lies in a locked period (a locked year locks
// its months, a locked month the values of that month).
func lockedBy(locks []Lock, p Period) bool {
	for _, l := range locks {
		lp, ok := ParsePeriod(l.Period)
		if ok && (lp.Contains(p) || p.Contains(lp)) {
			return true
		}
	}
	return false
}

// Locked reports whether period (as written in a route) is locked for o:
// the routes' write gate asks it, so every write to a locked period is
// refused in one place.
func (s *Service) Locked(ctx context.Context, o *org.Organisation, period string) (bool, error) {
	p, ok := ParsePeriod(period)
	if !ok {
		return false, nil
	}
	var locks []Lock
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		locks, err = findLocks(ctx, idb, o.ID)
		return err
	})
	return lockedBy(locks, p), err
}

// Locks answers o's locked periods.
func (s *Service) Locks(ctx context.Context, o *org.Organisation) ([]Lock, error) {
	var out []Lock
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		out, err = findLocks(ctx, idb, o.ID)
		return err
	})
	return out, err
}

// Lock closes period for writes in o.
func (s *Service) Lock(ctx context.Context, o *org.Organisation, actor int64, period string) error {
	p, ok := ParsePeriod(period)
	if !ok {
		return entryProblem("period", "indicator.error.period", "value", period)
	}
	return db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		l := &Lock{OrgID: o.ID, Period: p.Key(), LockedAt: s.now()}
		if actor != 0 {
			l.LockedBy = &actor
		}
		if _, err := tx.NewInsert().Model(l).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, "indicator.lock", p.Key(), nil, s.now())
	})
}

// Unlock opens period again.
func (s *Service) Unlock(ctx context.Context, o *org.Organisation, period string) error {
	p, ok := ParsePeriod(period)
	if !ok {
		return entryProblem("period", "indicator.error.period", "value", period)
	}
	return db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewDelete().Model((*Lock)(nil)).Where("org_id = ? AND period = ?", o.ID, p.Key()).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound
		}
		return audit.Record(ctx, tx, o.ID, "indicator.unlock", p.Key(), nil, s.now())
	})
}

// History answers the corrections of one figure of o, newest first;
// the figure is nil when none is stored.
func (s *Service) History(ctx context.Context, o *org.Organisation, code, period, category string) (*Indicator, *Value, []Correction, error) {
	var ind *Indicator
	var cur *Value
	var out []Correction
	err := org.RunRead(ctx, s.DB, o, s.now(), func(ctx context.Context, idb bun.IDB) error {
		var err error
		if ind, err = resolve(ctx, idb, o, s.now(), code); err != nil {
			return err
		}
		p, ok := ParsePeriod(period)
		if !ok {
			return errNotFound
		}
		v := new(Value)
		if err := idb.NewSelect().Model(v).Where("org_id = ? AND indicator_id = ? AND period = ? AND category = ?", o.ID, ind.ID, p.Key(), category).Scan(ctx); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return nil // no figure (yet): no history
			}
			return notFoundOr(err)
		}
		cur = v
		return idb.NewSelect().Model(&out).Where("org_id = ? AND indicator_id = ? AND period = ? AND category = ?", o.ID, ind.ID, p.Key(), category).
			OrderExpr("id DESC").Limit(500).Scan(ctx)
	})
	return ind, cur, out, err
}

// Settings answers o's settings per indicator id.
func (s *Service) Settings(ctx context.Context, o *org.Organisation) (map[int64]Setting, error) {
	out := map[int64]Setting{}
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		st, err := findSettings(ctx, idb, o.ID)
		for _, x := range st {
			out[x.IndicatorID] = x
		}
		return err
	})
	return out, err
}

// SettingInput is what o chooses for one indicator.
type SettingInput struct {
	ResponsibleID *int64
	Visibility    string
	Reports       bool
}

// SetSetting stores o's choices for the indicator with code; a new
// visibility applies to the values already stored too.
func (s *Service) SetSetting(ctx context.Context, o *org.Organisation, code string, in SettingInput) error {
	if !slices.Contains(Visibilities, in.Visibility) {
		return entryProblem("visibility", "indicator.error.visibility")
	}
	return db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		ind, err := resolve(ctx, tx, o, s.now(), code)
		if err != nil {
			return err
		}
		if in.ResponsibleID != nil {
			ok, err := org.HasMember(ctx, tx, o.ID, *in.ResponsibleID)
			if err != nil {
				return err
			}
			if !ok {
				return entryProblem("responsible", "indicator.error.responsible")
			}
		}
		st := &Setting{OrgID: o.ID, IndicatorID: ind.ID, ResponsibleID: in.ResponsibleID, Visibility: in.Visibility, Reports: in.Reports}
		if _, err := tx.NewInsert().Model(st).On("CONFLICT (org_id, indicator_id) DO UPDATE").
			Set("responsible_id = EXCLUDED.responsible_id, visibility = EXCLUDED.visibility, reports = EXCLUDED.reports").Exec(ctx); err != nil {
			return err
		}
		if _, err := tx.NewUpdate().Model((*Value)(nil)).Set("visibility = ?", in.Visibility).
			Where("org_id = ? AND indicator_id = ? AND source = ?", o.ID, ind.ID, SourceOwn).Exec(ctx); err != nil {
			return err
		}
		s.cache.invalidate()
		return audit.Record(ctx, tx, o.ID, "indicator.setting", code, nil, s.now())
	})
}

// responsibleFor reports whether user is the one responsible for
// reporting the indicator in settings.
func responsibleFor(settings []Setting, indicatorID, user int64) bool {
	for _, st := range settings {
		if st.IndicatorID == indicatorID && st.ResponsibleID != nil && *st.ResponsibleID == user {
			return true
		}
	}
	return false
}
