package workbook

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/kept"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/ratelimit"
)

// Service holds the workbook rules.
type Service struct {
	DB     *bun.DB
	Clock  app.Clock
	Notify Notifier // tells people mentioned in comments
	// Limits bounds how many comments people write (required to comment).
	Limits *ratelimit.Limiter

	templates    templateCache                       // published templates, see findTemplate
	progressRows kept.LRU[progressKey, keptProgress] // progress grids' rows, see progress
	shown        kept.LRU[shownKey, *shownAnswer]    // answers as the gathering view shows them, see shownAnswer
}

// TemplateSpec describes a template to create.
type TemplateSpec struct {
	Name     string
	Chapters []ChapterSpec
	Sections []SectionSpec // empty: the four default sections, titled by DefaultSectionTitles
}

// ChapterSpec is a chapter with its problem statements.
type ChapterSpec struct {
	Title      string
	Statements []StatementSpec
}

// StatementSpec is a problem statement.
type StatementSpec struct {
	Title, Guidance string
	Questions       []string
}

// SectionSpec is an answer section.
type SectionSpec struct{ Key, Title string }

// DefaultSectionTitles are the seed workbook's four questions.
var DefaultSectionTitles = map[string]string{
	SectionAnalysis:       "Analyse – hvordan ser vår situasjon ut nå?",
	SectionGoals:          "Hvilke målbare mål vil vi definere?",
	SectionResponsibility: "Hvem skal ha hovedansvaret?",
	SectionTiming:         "Når skal tiltak være gjennomført og mål være nådd?",
}

// CreateTemplate stores a new version of the network's template named
// spec.Name (version 1, or one above the newest with that name), not yet
// published. Chapters and statements unchanged since an earlier version of
// the name keep their rows and ids (see cycle.go), so that the version can
// grow a running cycle.
func (s *Service) CreateTemplate(ctx context.Context, network *org.Organisation, spec TemplateSpec) (*Template, error) {
	if network.Kind != org.KindNetwork {
		return nil, app.Errorf(app.EInvalid, "workbook.error.not_network")
	}
	if strings.TrimSpace(spec.Name) == "" {
		return nil, app.Errorf(app.EInvalid, "error.required").WithField("name")
	}
	if len(spec.Sections) == 0 {
		for _, k := range DefaultSections {
			spec.Sections = append(spec.Sections, SectionSpec{Key: k, Title: DefaultSectionTitles[k]})
		}
	}
	var id int64
	err := db.RunTx(ctx, s.DB, db.OrgScope(network.ID), func(ctx context.Context, tx bun.Tx) error {
		var newest int
		if err := tx.NewSelect().Model((*templateRow)(nil)).ColumnExpr("coalesce(max(version), 0)").
			Where("org_id = ? AND name = ?", network.ID, spec.Name).Scan(ctx, &newest); err != nil {
			return err
		}
		t := &templateRow{OrgID: network.ID, Name: spec.Name, Version: newest + 1, CreatedAt: s.Clock.Now()}
		if _, err := tx.NewInsert().Model(t).Exec(ctx); err != nil {
			return db.Err(err, "workbook.error.not_found")
		}
		id = t.ID
		for i, sec := range spec.Sections {
			if _, err := tx.NewInsert().Model(&sectionRow{OrgID: network.ID, TemplateID: t.ID, Position: i + 1, Key: sec.Key, Title: sec.Title}).Exec(ctx); err != nil {
				return db.Err(err, "workbook.error.not_found")
			}
		}
		return insertOutline(ctx, tx, network.ID, t.ID, spec.Name, spec.Chapters)
	})
	if err != nil {
		return nil, err
	}
	var t *Template
	err = db.Run(ctx, s.DB, db.OrgScope(network.ID), func(ctx context.Context, idb bun.IDB) error {
		t, err = FindTemplate(ctx, idb, network.ID, id)
		return err
	})
	return t, err
}

// Save is a change to an entry: the content as the editor left it and
// the version they started from.
type Save struct {
	WorkbookID, StatementID int64
	Content                 Content
	Visibility              string // "" keeps the current one (network for a new entry)
	BaseVersion             int    // the version the editor loaded; 0 for a new entry
	// FromForm drops the answers whose key is not one of the template's
	// sections instead of refusing them: a form posts its other fields
	// too, and the handler need not load the template to pick the answers.
	FromForm bool

	vouched []Origin // origins the service itself looked up (a copy from a peer)
	note    string   // for the timeline of the measures whose status or progress changed
	// ownIDs are ids of goals and measures the answer had in an earlier
	// version (a restore): they come back as the same rows.
	ownIDs []string
	// after runs in the save's transaction once it is written (an audit
	// entry of the action that saved).
	after func(ctx context.Context, tx bun.Tx, e *Entry) error
}

// SaveEntry stores a new version of a municipality's answer, with its
// answers rendered as HTML for the pages that show them. The content must
// pass Content.Validate against the workbook's template, a measure's
// responsible person must be a member of muni (app.EInvalid
// "workbook.error.responsible"), and the statement must be one of the
// template's (app.ENotFound). Where a goal or measure was copied from is
// the service's record: an origin the entry did not have is dropped, and
// the names of those it had are kept as recorded. When someone else saved
// since BaseVersion, nothing is written and the error is app.EConflict
// with key "workbook.error.conflict": the caller shows the newer version
// beside what the user typed, so nothing is lost.
func (s *Service) SaveEntry(ctx context.Context, muni *org.Organisation, a *app.Actor, sv Save) (*Entry, error) {
	var e *Entry
	err := db.RunTx(ctx, s.DB, db.OrgScope(muni.ID), func(ctx context.Context, tx bun.Tx) error {
		t, err := findListedStatementOutline(ctx, tx, muni.ID, sv.WorkbookID, sv.StatementID)
		if err != nil {
			return err
		}
		if e, err = saveEntry(ctx, tx, muni, a, sv, t, s.Clock.Now()); err != nil || sv.after == nil {
			return err
		}
		return sv.after(ctx, tx, e)
	})
	if err != nil {
		return nil, err
	}
	return e, e.decode()
}

// saveEntry is SaveEntry inside the caller's transaction, on a workbook
// of muni the caller has checked, made from template t.
func saveEntry(ctx context.Context, tx bun.Tx, muni *org.Organisation, a *app.Actor, sv Save, t *templateOutline, now time.Time) (*Entry, error) {
	if sv.Visibility != "" && !slices.Contains([]string{VisibilityPrivate, VisibilityNetwork, VisibilityPublic}, sv.Visibility) {
		return nil, app.Errorf(app.EInvalid, "workbook.error.visibility").WithField("visibility")
	}
	title, ok := t.statements[sv.StatementID]
	if !ok {
		return nil, app.Errorf(app.ENotFound, "workbook.error.not_found")
	}
	c := sv.Content
	c.Goals, c.Measures = slices.Clone(c.Goals), slices.Clone(c.Measures)
	if sv.FromForm {
		c.Answers = t.answers(c.Answers)
	}
	c.normalise()
	if err := c.Validate(t.sections); err != nil {
		return nil, err
	}
	if err := checkResponsibles(ctx, tx, muni.ID, c.Measures); err != nil {
		return nil, err
	}
	e := new(Entry)
	err := db.ForUpdate(tx.NewSelect().Model(e).Where("org_id = ? AND workbook_id = ? AND statement_id = ?", muni.ID, sv.WorkbookID, sv.StatementID)).Scan(ctx)
	if app.IsNotFound(db.Err(err, "")) {
		e = &Entry{OrgID: muni.ID, WorkbookID: sv.WorkbookID, StatementID: sv.StatementID, Visibility: VisibilityNetwork}
	} else if err != nil {
		return nil, err
	}
	if e.Version != sv.BaseVersion {
		return nil, app.Errorf(app.EConflict, "workbook.error.conflict", "version", e.Version)
	}
	if err := e.decode(); err != nil {
		return nil, err
	}
	keepOrigins(&c, &e.Content, sv.vouched)
	keepIDs(&c, &e.Content, sv.ownIDs)
	oldVisibility := e.Visibility
	if e.ID == 0 {
		oldVisibility = "" // every goal and measure is new
	}
	raw, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	html, err := renderAnswers(c.Answers, e)
	if err != nil {
		return nil, err
	}
	if sv.Visibility != "" {
		e.Visibility = sv.Visibility
	}
	e.Version++
	var by *int64 // no author for imports and system work
	if a.UserID != 0 {
		by = &a.UserID
	}
	text := searchText(title, &c)
	e.Raw, e.RawHTML, e.SearchText, e.UpdatedAt, e.UpdatedBy = string(raw), &html, &text, now, by
	if e.ID == 0 {
		if _, err := tx.NewInsert().Model(e).Exec(ctx); err != nil {
			return nil, db.Err(err, "workbook.error.not_found")
		}
	} else {
		res, err := tx.NewUpdate().Model(e).Column("visibility", "version", "content", "html", "search_text", "updated_at", "updated_by").
			Where("org_id = ? AND id = ? AND version = ?", muni.ID, e.ID, e.Version-1).Exec(ctx)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil, app.Errorf(app.EConflict, "workbook.error.conflict", "version", e.Version)
		}
	}
	rev := &Revision{OrgID: muni.ID, EntryID: e.ID, Version: e.Version, AuthorID: by, AuthorName: authorName(a),
		CreatedAt: now, Raw: e.Raw, Visibility: e.Visibility}
	if _, err = tx.NewInsert().Model(rev).Exec(ctx); err != nil {
		return nil, err
	}
	// The goals and measures as rows of their own: only what changed is
	// written.
	src := measure.Source{Kind: measure.SourceWorkbookEntry, EntryID: e.ID, Title: title, Visibility: e.Visibility,
		Path: fmt.Sprintf("workbooks/%d/statements/%d", e.WorkbookID, e.StatementID)}
	return e, measure.Save(ctx, tx, measure.Change{OrgID: muni.ID, Seasons: measure.SeasonsOf(muni), Source: src, OldVisibility: oldVisibility,
		OldGoals: e.Content.Goals, Goals: c.Goals, OldMeasures: e.Content.Measures, Measures: c.Measures,
		AuthorID: by, AuthorName: authorName(a), Note: sv.note, Now: now})
}

// RestoreEntry makes an earlier version the current one again, as a new
// version (history is never rewritten).
func (s *Service) RestoreEntry(ctx context.Context, muni *org.Organisation, a *app.Actor, entryID int64, version, baseVersion int) (*Entry, error) {
	var e *Entry
	var rev Revision
	err := db.Run(ctx, s.DB, db.OrgScope(muni.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		if e, err = FindEntry(ctx, idb, muni.ID, entryID); err != nil {
			return err
		}
		if err := idb.NewSelect().Model(&rev).Where("org_id = ? AND entry_id = ? AND version = ?", muni.ID, entryID, version).Scan(ctx); err != nil {
			return db.Err(err, "workbook.error.not_found")
		}
		return rev.decode()
	})
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, g := range rev.Content.Goals {
		ids = append(ids, "g"+g.ID)
	}
	for _, m := range rev.Content.Measures {
		ids = append(ids, "m"+m.ID)
	}
	now := s.Clock.Now()
	return s.SaveEntry(ctx, muni, a, Save{WorkbookID: e.WorkbookID, StatementID: e.StatementID, Content: rev.Content,
		vouched: rev.origins(), ownIDs: ids, Visibility: rev.Visibility, BaseVersion: baseVersion,
		after: func(ctx context.Context, tx bun.Tx, saved *Entry) error {
			return audit.Record(ctx, tx, muni.ID, audit.EntryRestored, "entry "+strconv.FormatInt(saved.ID, 10),
				map[string]string{"version": strconv.Itoa(version), "new_version": strconv.Itoa(saved.Version)}, now)
		}})
}

func authorName(a *app.Actor) string {
	if a.Name != "" {
		return a.Name
	}
	return a.Email
}

// HistoryPageSize is how many versions HistoryPage answers at a time.
const HistoryPageSize = 20

// HistoryPage lists up to HistoryPageSize of an entry's versions older
// than version before (0: from the newest), newest first, with author and
// time, and the version just older than the last of them, to compare it
// with (nil when there is none).
func (s *Service) HistoryPage(ctx context.Context, muni *org.Organisation, entryID int64, before int) ([]*Revision, *Revision, error) {
	var out []*Revision
	err := db.Run(ctx, s.DB, db.OrgScope(muni.ID), func(ctx context.Context, idb bun.IDB) error {
		q := idb.NewSelect().Model(&out).Where("org_id = ? AND entry_id = ?", muni.ID, entryID)
		if before > 0 {
			q = q.Where("version < ?", before)
		}
		return q.OrderExpr("version DESC").Limit(HistoryPageSize + 1).Scan(ctx)
	})
	if err != nil {
		return nil, nil, err
	}
	for _, r := range out {
		if err := r.decode(); err != nil {
			return nil, nil, err
		}
	}
	var older *Revision
	if len(out) > HistoryPageSize {
		out, older = out[:HistoryPageSize], out[HistoryPageSize]
	}
	return out, older, nil
}

// History lists an entry's versions, newest first, with author and time.
func (s *Service) History(ctx context.Context, muni *org.Organisation, entryID int64) ([]*Revision, error) {
	var out []*Revision
	err := db.Run(ctx, s.DB, db.OrgScope(muni.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		out, err = FindRevisions(ctx, idb, muni.ID, entryID)
		return err
	})
	return out, err
}

// Revision answers one version of muni's entry, with author and time.
// Errors: app.ENotFound when there is no such version.
func (s *Service) Revision(ctx context.Context, muni *org.Organisation, entryID int64, version int) (*Revision, error) {
	r := new(Revision)
	err := db.Run(ctx, s.DB, db.OrgScope(muni.ID), func(ctx context.Context, idb bun.IDB) error {
		err := idb.NewSelect().Model(r).Where("org_id = ? AND entry_id = ? AND version = ?", muni.ID, entryID, version).Scan(ctx)
		return db.Err(err, "workbook.error.not_found")
	})
	if err != nil {
		return nil, err
	}
	return r, r.decode()
}
