package plan

import (
	"context"
	"encoding/json"
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
)

// MaxRoundTitle is the longest title of a follow-up round.
const MaxRoundTitle = 200

// Round is a follow-up round of a plan (Stratsys' tertial report,
// «Tertial 2 2018»): while open, each responsible reports status,
// progress and a note on their measures; closing it freezes the report.
// A round follows the plan's lineage, so it survives a revision.
type Round struct {
	bun.BaseModel `bun:"table:plan_rounds,alias:r"`
	OrgID         int64      `bun:",pk" json:"-"`
	ID            int64      `bun:",pk,autoincrement" json:"id"`
	PlanID        int64      `json:"plan_id"` // the version the round was opened on
	LineageID     int64      `json:"lineage_id"`
	Title         string     `json:"title"`
	Due           *time.Time `json:"due,omitempty"`
	OpenedAt      time.Time  `json:"opened_at"`
	OpenedBy      *int64     `json:"-"`
	ClosedAt      *time.Time `json:"closed_at,omitempty"`
	Report        *string    `json:"-"` // the frozen Report, once closed
}

// Open reports whether the round takes reports.
func (r *Round) Open() bool { return r.ClosedAt == nil }

// RoundEntry is what one responsible reported on one measure in a round.
type RoundEntry struct {
	bun.BaseModel `bun:"table:plan_round_reports,alias:rr"`
	OrgID         int64     `bun:",pk" json:"-"`
	RoundID       int64     `bun:",pk" json:"-"`
	MeasureID     string    `bun:",pk" json:"measure_id"`
	Status        string    `json:"status"`
	Progress      int       `json:"progress"`
	Note          string    `json:"note"`
	AuthorID      *int64    `json:"-"`
	AuthorName    string    `json:"author"`
	ReportedAt    time.Time `json:"reported_at"`
}

// Report is a round's report: per focus area its counts (as Tree.Summary
// counts them) and each measure with what was reported. A closed round
// keeps it frozen in plan_rounds.report; an open round's is made from
// the plan as it stands.
type Report struct {
	RoundID     int64        `json:"round_id"`
	Title       string       `json:"title"`
	PlanID      int64        `json:"plan_id"`
	PlanTitle   string       `json:"plan_title"`
	PlanVersion int          `json:"plan_version"`
	ClosedAt    *time.Time   `json:"closed_at,omitempty"`
	Areas       []ReportArea `json:"areas"`
	Whole       ReportArea   `json:"whole"` // the whole plan's counts (no measures)
}

// ReportArea is one focus area of a report.
type ReportArea struct {
	ID        string          `json:"id"`
	Title     string          `json:"title"`
	ByStatus  map[string]int  `json:"by_status"`
	Total     int             `json:"total"`
	Done      int             `json:"done"`
	ShareDone float64         `json:"share_done"`
	Measures  []ReportMeasure `json:"measures,omitempty"`
}

// Summary answers the area's counts as an AreaSummary.
func (a ReportArea) Summary() AreaSummary {
	return AreaSummary{AreaID: a.ID, Title: a.Title, ByStatus: a.ByStatus, Total: a.Total, Done: a.Done, ShareDone: a.ShareDone}
}

func reportArea(s AreaSummary) ReportArea {
	return ReportArea{ID: s.AreaID, Title: s.Title, ByStatus: s.ByStatus, Total: s.Total, Done: s.Done, ShareDone: s.ShareDone}
}

// ReportMeasure is one measure of a report: its status and progress (as
// reported in the round, or as they stood when nobody reported), and the
// report's note and author.
type ReportMeasure struct {
	ID          string     `json:"id"`
	Description string     `json:"description"`
	Responsible string     `json:"responsible"`
	Status      string     `json:"status"`
	Progress    int        `json:"progress"`
	Note        string     `json:"note,omitempty"`
	Reported    bool       `json:"reported"`
	Author      string     `json:"author,omitempty"`
	ReportedAt  *time.Time `json:"reported_at,omitempty"`
}

// Summaries answers the report's counts as Tree.Summary does: each area,
// then the whole plan.
func (r *Report) Summaries() []AreaSummary {
	out := make([]AreaSummary, 0, len(r.Areas)+1)
	for _, a := range r.Areas {
		out = append(out, a.Summary())
	}
	return append(out, r.Whole.Summary())
}

// Reported counts the measures reported on and all of them.
func (r *Report) Reported() (done, all int) {
	for _, a := range r.Areas {
		for _, m := range a.Measures {
			all++
			if m.Reported {
				done++
			}
		}
	}
	return done, all
}

// buildReport makes round r's report from the plan's tree and the
// entries: a reported measure counts with its reported status.
func buildReport(r *Round, t *Tree, entries []*RoundEntry) *Report {
	byID := map[string]*RoundEntry{}
	for _, e := range entries {
		byID[e.MeasureID] = e
	}
	counted := &Tree{Content: t.Content, Measures: make(map[string]measure.Measure, len(t.Measures))}
	for id, m := range t.Measures {
		if e := byID[id]; e != nil {
			m.Status, m.Progress = e.Status, e.Progress
		}
		counted.Measures[id] = m
	}
	sums := counted.Summary()
	rep := &Report{RoundID: r.ID, Title: r.Title, PlanID: t.Plan.ID, PlanTitle: t.Plan.Title, PlanVersion: t.Plan.Version,
		ClosedAt: r.ClosedAt, Whole: reportArea(sums[len(sums)-1]), Areas: make([]ReportArea, 0, len(t.Content.Areas))}
	for i, a := range t.Content.Areas {
		ra := reportArea(sums[i])
		for _, it := range a.Items {
			m, ok := counted.Measures[it.ID]
			if it.Kind != ItemMeasure || !ok {
				continue
			}
			rm := ReportMeasure{ID: it.ID, Description: m.Description, Responsible: m.Responsible,
				Status: measure.NormStatus(m.Status), Progress: m.Progress}
			if rm.Status == "" {
				rm.Status = measure.StatusNotStarted
			}
			if e := byID[it.ID]; e != nil {
				at := e.ReportedAt
				rm.Note, rm.Reported, rm.Author, rm.ReportedAt = e.Note, true, e.AuthorName, &at
			}
			ra.Measures = append(ra.Measures, rm)
		}
		rep.Areas = append(rep.Areas, ra)
	}
	return rep
}

// RoundList is a plan's follow-up rounds, newest first, with the one open
// now (if any).
type RoundList struct {
	Plan   *Plan // the plan asked for
	Rounds []*Round
	Open   *Round
}

// RoundDetail is a round with its report, the previous closed round's
// report and the difference from it.
type RoundDetail struct {
	Round *Round
	Plan  *Plan // the version of the plan the report is on
	// Report is the frozen report of a closed round, or an open round's
	// report as the plan stands.
	Report *Report
	// Previous is the last round closed before this one (nil: none), and
	// Diff what changed since.
	Previous *Report
	Diff     *Comparison
	// Reporters are, per measure of an open round, the members responsible
	// for it: named, or filling its responsible role.
	Reporters map[string][]int64
}

// MayReport reports whether user may report on measure id in the round:
// an editor on every measure, anyone else where responsible.
func (d *RoundDetail) MayReport(userID int64, editor bool, id string) bool {
	return d.Round.Open() && (editor || slices.Contains(d.Reporters[id], userID))
}

// currentPlan answers the version in force of lineage: the one not
// superseded.
func currentPlan(ctx context.Context, idb bun.IDB, orgID, lineage int64) (int64, error) {
	var id int64
	err := idb.NewSelect().Table("plans").Column("id").
		Where("org_id = ? AND lineage_id = ? AND superseded_by IS NULL", orgID, lineage).Limit(1).Scan(ctx, &id)
	return id, db.Err(err, "plan.error.not_found")
}

func lineageOf(ctx context.Context, idb bun.IDB, orgID, planID int64) (*Plan, error) {
	p := new(Plan)
	err := idb.NewSelect().Model(p).ExcludeColumn("content", "snapshot", "search_text").
		Where("org_id = ? AND id = ?", orgID, planID).Scan(ctx)
	return p, db.Err(err, "plan.error.not_found")
}

func findRound(ctx context.Context, idb bun.IDB, orgID, id int64, lock bool) (*Round, error) {
	r := new(Round)
	q := idb.NewSelect().Model(r).Where("org_id = ? AND id = ?", orgID, id)
	if lock {
		q = db.ForUpdate(q)
	}
	return r, db.Err(q.Scan(ctx), "plan_round.error.not_found")
}

// OpenRound opens a follow-up round on plan planID (editors): title is
// required («Tertial 2 2018», at most MaxRoundTitle characters), due the
// day reports are due (optional; with it, each responsible sees their
// measures on "My work"). A plan has at most one open round at a time
// (app.EConflict), and a frozen version none.
func (s *Service) OpenRound(ctx context.Context, o *org.Organisation, a *app.Actor, planID int64, title string, due *time.Time) (*Round, error) {
	title = strings.TrimSpace(title)
	switch {
	case title == "":
		return nil, app.Errorf(app.EInvalid, "error.required").WithField("title")
	case utf8.RuneCountInString(title) > MaxRoundTitle:
		return nil, app.Errorf(app.EInvalid, "error.too_long", "max", MaxRoundTitle).WithField("title")
	}
	now := s.Clock.Now()
	r := &Round{OrgID: o.ID, Title: title, Due: due, OpenedAt: now, OpenedBy: a.AuthorID()}
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		p := new(Plan)
		q := tx.NewSelect().Model(p).Column("id", "lineage_id", "title", "superseded_by").Where("org_id = ? AND id = ?", o.ID, planID)
		if err := db.ForUpdate(q).Scan(ctx); err != nil {
			return db.Err(err, "plan.error.not_found")
		}
		if p.Frozen() {
			return app.Errorf(app.EConflict, "plan.error.frozen")
		}
		n, err := tx.NewSelect().Model((*Round)(nil)).Where("org_id = ? AND lineage_id = ? AND closed_at IS NULL", o.ID, p.LineageID).Count(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return app.Errorf(app.EConflict, "plan_round.error.one_open")
		}
		r.PlanID, r.LineageID = p.ID, p.LineageID
		if _, err := tx.NewInsert().Model(r).Returning("id").Exec(ctx); err != nil {
			if app.ErrorCode(db.Err(err, "")) == app.EConflict {
				return app.Errorf(app.EConflict, "plan_round.error.one_open")
			}
			return err
		}
		return audit.Record(ctx, tx, o.ID, audit.PlanRoundOpened, p.Title+" – "+title, nil, now)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Rounds answers the follow-up rounds of plan planID's lineage, newest
// first (without their reports).
func (s *Service) Rounds(ctx context.Context, o *org.Organisation, planID int64) (*RoundList, error) {
	out := &RoundList{}
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		if out.Plan, err = lineageOf(ctx, idb, o.ID, planID); err != nil {
			return err
		}
		return idb.NewSelect().Model(&out.Rounds).ExcludeColumn("report").
			Where("org_id = ? AND lineage_id = ?", o.ID, out.Plan.LineageID).OrderExpr("opened_at DESC, id DESC").Limit(500).Scan(ctx)
	})
	if err != nil {
		return nil, err
	}
	for _, r := range out.Rounds {
		if r.Open() {
			out.Open = r
		}
	}
	return out, nil
}

// Round answers round id of plan planID's lineage with its report (what
// each measure's responsible reported), the previous closed round's
// report and the difference; app.ENotFound when the plan has no such
// round.
func (s *Service) Round(ctx context.Context, o *org.Organisation, planID, id int64) (*RoundDetail, error) {
	d := &RoundDetail{}
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		p, err := lineageOf(ctx, idb, o.ID, planID)
		if err != nil {
			return err
		}
		if d.Round, err = findRound(ctx, idb, o.ID, id, false); err != nil {
			return err
		}
		if d.Round.LineageID != p.LineageID {
			return app.Errorf(app.ENotFound, "plan_round.error.not_found")
		}
		if d.Report, d.Reporters, err = roundReport(ctx, idb, o.ID, d.Round); err != nil {
			return err
		}
		if d.Plan, err = lineageOf(ctx, idb, o.ID, d.Report.PlanID); err != nil {
			return err
		}
		if d.Previous, err = previousReport(ctx, idb, o.ID, d.Round.LineageID, d.Round.ID); err != nil {
			return err
		}
		if d.Previous != nil {
			d.Diff = Compare(d.Previous, d.Report)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// roundReport answers r's report: frozen when closed, else made from the
// plan in force with the entries so far, with who may report on what.
func roundReport(ctx context.Context, idb bun.IDB, orgID int64, r *Round) (*Report, map[string][]int64, error) {
	if !r.Open() {
		rep := new(Report)
		if r.Report == nil {
			return rep, nil, nil
		}
		return rep, nil, json.Unmarshal([]byte(*r.Report), rep)
	}
	pid, err := currentPlan(ctx, idb, orgID, r.LineageID)
	if err != nil {
		return nil, nil, err
	}
	t, err := load(ctx, idb, orgID, pid, false)
	if err != nil {
		return nil, nil, err
	}
	var entries []*RoundEntry
	if err := idb.NewSelect().Model(&entries).Where("org_id = ? AND round_id = ?", orgID, r.ID).Scan(ctx); err != nil {
		return nil, nil, err
	}
	reporters, err := responsibles(ctx, idb, orgID, pid)
	if err != nil {
		return nil, nil, err
	}
	return buildReport(r, t, entries), reporters, nil
}

// previousReport answers the report of the last round of lineage closed
// before round id (rounds are open one at a time, so in id order).
func previousReport(ctx context.Context, idb bun.IDB, orgID, lineage, id int64) (*Report, error) {
	var prev []*Round
	err := idb.NewSelect().Model(&prev).Where("org_id = ? AND lineage_id = ? AND closed_at IS NOT NULL AND id < ?", orgID, lineage, id).
		OrderExpr("id DESC").Limit(1).Scan(ctx)
	if err != nil || len(prev) == 0 || prev[0].Report == nil {
		return nil, err
	}
	rep := new(Report)
	return rep, json.Unmarshal([]byte(*prev[0].Report), rep)
}

// responsibles answers, per measure of plan planID, the members
// responsible for it: the person named, and the members of the role its
// responsible names (org roles).
func responsibles(ctx context.Context, idb bun.IDB, orgID, planID int64) (map[string][]int64, error) {
	var rows []struct {
		MeasureID string `bun:"measure_id"`
		UserID    int64  `bun:"user_id"`
	}
	err := idb.NewRaw("SELECT m.id AS measure_id, m.responsible_user AS user_id FROM measures AS m"+
		" WHERE m.org_id = ? AND m.plan_id = ? AND m.removed_at IS NULL AND m.responsible_user IS NOT NULL"+
		" UNION ALL SELECT m.id AS measure_id, rm.user_id AS user_id FROM measures AS m"+
		" JOIN org_roles AS ro ON ro.org_id = m.org_id AND ro.lookup_key = m.responsible_key"+
		" JOIN org_role_members AS rm ON rm.org_id = ro.org_id AND rm.role_id = ro.id"+
		" WHERE m.org_id = ? AND m.plan_id = ? AND m.removed_at IS NULL AND m.responsible_key <> ''",
		orgID, planID, orgID, planID).Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	out := map[string][]int64{}
	for _, r := range rows {
		if !slices.Contains(out[r.MeasureID], r.UserID) {
			out[r.MeasureID] = append(out[r.MeasureID], r.UserID)
		}
	}
	return out, nil
}

// Report records what a responsible reports on measure measureID in open
// round roundID: the status, progress and note, kept in the round
// (a second report overwrites the first) and applied to the live measure
// through its timeline and the audit log, in one transaction.
//
// editor says the actor may report on any measure of the plan (the web
// layer answers it from the actor's permission to edit content); anyone
// else reports only where responsible, named or through the role the
// measure's responsible names (else app.EForbidden). A closed round
// answers app.EConflict; a measure not in the plan app.ENotFound.
func (s *Service) Report(ctx context.Context, o *org.Organisation, a *app.Actor, roundID int64, measureID string, up MeasureUpdate, editor bool) (*RoundEntry, error) {
	var entry *RoundEntry
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		r, err := findRound(ctx, tx, o.ID, roundID, true)
		if err != nil {
			return err
		}
		if !r.Open() {
			return app.Errorf(app.EConflict, "plan_round.error.closed")
		}
		pid, err := currentPlan(ctx, tx, o.ID, r.LineageID)
		if err != nil {
			return err
		}
		row, err := measure.FindMeasure(ctx, tx, o.ID, measureID)
		if err != nil && !app.IsNotFound(err) {
			return err
		}
		if err != nil || row.PlanID == nil || *row.PlanID != pid || row.RemovedAt != nil {
			return app.Errorf(app.ENotFound, "plan.error.item_not_found")
		}
		if !editor {
			who, err := responsibles(ctx, tx, o.ID, pid)
			if err != nil {
				return err
			}
			if a == nil || !slices.Contains(who[measureID], a.UserID) {
				return app.Errorf(app.EForbidden, "plan_round.error.not_responsible")
			}
		}
		now := s.Clock.Now()
		if row, err = updateMeasure(ctx, tx, o, a, measureID, up, now); err != nil {
			return err
		}
		entry = &RoundEntry{OrgID: o.ID, RoundID: r.ID, MeasureID: measureID, Status: row.Status, Progress: row.Progress,
			Note: strings.TrimSpace(up.Note), AuthorID: a.AuthorID(), ReportedAt: now}
		if a != nil {
			entry.AuthorName = a.Name
		}
		if _, err := tx.NewDelete().Model((*RoundEntry)(nil)).
			Where("org_id = ? AND round_id = ? AND measure_id = ?", o.ID, r.ID, measureID).Exec(ctx); err != nil {
			return err
		}
		_, err = tx.NewInsert().Model(entry).Exec(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return entry, nil
}

// CloseRound closes open round roundID (editors): its report, as the plan
// in force and the entries make it now, is frozen into the round and
// never changes afterwards. A closed round answers app.EConflict.
func (s *Service) CloseRound(ctx context.Context, o *org.Organisation, a *app.Actor, roundID int64) (*Round, error) {
	var r *Round
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		var err error
		if r, err = findRound(ctx, tx, o.ID, roundID, true); err != nil {
			return err
		}
		if !r.Open() {
			return app.Errorf(app.EConflict, "plan_round.error.closed")
		}
		rep, _, err := roundReport(ctx, tx, o.ID, r)
		if err != nil {
			return err
		}
		now := s.Clock.Now()
		r.ClosedAt, rep.ClosedAt = &now, &now
		frozen := encode(rep)
		r.Report = &frozen
		if _, err := tx.NewUpdate().Model(r).Column("closed_at", "report").Where("org_id = ? AND id = ?", o.ID, r.ID).Exec(ctx); err != nil {
			return err
		}
		done, all := rep.Reported()
		detail := map[string]string{"reported": strconv.Itoa(done), "measures": strconv.Itoa(all)}
		return audit.Record(ctx, tx, o.ID, audit.PlanRoundClosed, rep.PlanTitle+" – "+r.Title, detail, now)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}
