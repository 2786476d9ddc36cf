package workbook

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// MaxCycleLen bounds a cycle's name ("2016–2017").
const MaxCycleLen = 60

// Cycle is a network's cycle (e.g. "2016–2017") and the template version
// its workbooks follow.
type Cycle struct {
	bun.BaseModel `bun:"table:workbook_cycles"`
	OrgID         int64 `bun:",notnull"` // the network
	Cycle         string
	TemplateID    int64
	StartedAt     time.Time
	UpdatedAt     time.Time
}

// Publication says where a version is published.
type Publication struct {
	Cycle string
	// Start starts Cycle as a new cycle: every member gets a new, empty
	// workbook. The cycle must not exist (app.EConflict
	// "workbook.template.cycle_exists"). Without Start the cycle must be
	// running (app.EInvalid "workbook.template.no_cycle"): its workbooks
	// move onto the version, and members without one get one.
	Start bool
}

// Published is what a publication did.
type Published struct {
	Made  []*Workbook // new workbooks, for members without one in the cycle
	Moved int         // workbooks of the cycle moved onto the version
}

// Publish publishes a template version into a cycle (see Publication and
// cycle.go). Publishing into a running cycle moves its workbooks onto the
// version; their entries, revisions and chapter statuses are not written.
// It is refused, and nothing changes, when the version is older than the
// cycle's or another template's (app.EConflict
// "workbook.template.cycle_other"), or does not list a statement a
// workbook of the cycle has answered ("workbook.template.drops_answered")
// or an answer section of the cycle's version
// ("workbook.template.drops_sections"). app.ENotFound for a template that
// is not the network's.
func (s *Service) Publish(ctx context.Context, network *org.Organisation, templateID int64, p Publication) (*Published, error) {
	return s.publish(ctx, network, templateID, strings.TrimSpace(p.Cycle), &p.Start)
}

// PublishTemplate publishes a version into cycle, starting the cycle or
// growing it, whichever it is (see Publish), and answers the workbooks
// made. Demo content and tests use it; the coordinator's page says which.
func (s *Service) PublishTemplate(ctx context.Context, network *org.Organisation, templateID int64, cycle string) ([]*Workbook, error) {
	out, err := s.publish(ctx, network, templateID, strings.TrimSpace(cycle), nil)
	if err != nil {
		return nil, err
	}
	return out.Made, nil
}

// publish is Publish; start nil: either.
func (s *Service) publish(ctx context.Context, network *org.Organisation, templateID int64, cycle string, start *bool) (*Published, error) {
	if cycle == "" {
		return nil, app.Errorf(app.EInvalid, "workbook.template.cycle_required").WithField("cycle")
	}
	if len([]rune(cycle)) > MaxCycleLen {
		return nil, app.Errorf(app.EInvalid, "workbook.template.cycle_too_long", "max", MaxCycleLen).WithField("cycle")
	}
	now := s.Clock.Now()
	var members []*org.Organisation
	err := db.Run(ctx, s.DB, db.OrgScope(network.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		members, err = org.FindNetworkMemberOrgs(ctx, idb, network.ID, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &Published{}
	// The network writes into its members' books: creating workbooks and
	// moving them onto a version is the one write a network does in its
	// members' space, as system work.
	err = db.RunTx(ctx, s.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		out.Made, out.Moved = nil, 0
		t, err := FindTemplate(ctx, tx, network.ID, templateID)
		if err != nil {
			return err
		}
		running := new(Cycle)
		err = db.ForUpdate(tx.NewSelect().Model(running).Where("org_id = ? AND cycle = ?", network.ID, cycle)).Scan(ctx)
		exists := err == nil
		if err = db.Err(err, ""); err != nil && !app.IsNotFound(err) {
			return err
		}
		switch {
		case start != nil && *start && exists:
			return app.Errorf(app.EConflict, "workbook.template.cycle_exists", "cycle", cycle).WithField("cycle")
		case start != nil && !*start && !exists:
			return app.Errorf(app.EInvalid, "workbook.template.no_cycle", "cycle", cycle).WithField("cycle")
		}
		if exists && running.TemplateID != t.ID {
			if out.Moved, err = moveCycle(ctx, tx, network.ID, running, t); err != nil {
				return err
			}
		}
		if _, err := tx.NewUpdate().Model((*templateRow)(nil)).Set("published_at = coalesce(published_at, ?)", now).
			Where("org_id = ? AND id = ?", network.ID, t.ID).Exec(ctx); err != nil {
			return err
		}
		c := &Cycle{OrgID: network.ID, Cycle: cycle, TemplateID: t.ID, StartedAt: now, UpdatedAt: now}
		if _, err := tx.NewInsert().Model(c).On("CONFLICT (org_id, cycle) DO UPDATE").
			Set("template_id = EXCLUDED.template_id, updated_at = EXCLUDED.updated_at").Exec(ctx); err != nil {
			return err
		}
		for _, m := range members {
			wb := &Workbook{OrgID: m.ID, NetworkID: network.ID, TemplateID: t.ID, Cycle: cycle, CreatedAt: now}
			res, err := tx.NewInsert().Model(wb).On("CONFLICT (org_id, network_id, cycle) DO NOTHING").Exec(ctx)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				out.Made = append(out.Made, wb)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// moveCycle moves the workbooks of the running cycle onto version t of
// the cycle's template, when t is newer and hides nothing a workbook of
// the cycle answered. It writes workbooks.template_id and nothing else.
func moveCycle(ctx context.Context, tx bun.Tx, networkID int64, running *Cycle, t *Template) (int, error) {
	cur, err := FindTemplate(ctx, tx, networkID, running.TemplateID)
	if err != nil {
		return 0, err
	}
	if cur.Name != t.Name || cur.Version > t.Version {
		return 0, app.Errorf(app.EConflict, "workbook.template.cycle_other", "cycle", running.Cycle, "name", cur.Name, "version", cur.Version)
	}
	var missing []string
	for _, sec := range cur.Sections {
		if sec.RetiredAt == nil && !hasSection(t, sec.Key) {
			missing = append(missing, sec.Title)
		}
	}
	if len(missing) > 0 {
		return 0, app.Errorf(app.EConflict, "workbook.template.drops_sections", "sections", strings.Join(missing, "; "))
	}
	// Statements answered in the cycle that the version does not list.
	var titles []string
	err = tx.NewSelect().TableExpr("workbook_statements AS st").ColumnExpr("st.title").
		Where("st.org_id = ?", networkID).
		Where("st.id IN (?)", tx.NewSelect().TableExpr("workbook_entries AS e").ColumnExpr("e.statement_id").
			Join("JOIN workbooks AS w ON w.org_id = e.org_id AND w.id = e.workbook_id").
			Where("w.network_id = ? AND w.cycle = ? AND w.template_id <> ?", networkID, running.Cycle, t.ID)).
		Where("st.id NOT IN (?)", tx.NewSelect().Model((*templateStatementRow)(nil)).Column("statement_id").
			Where("org_id = ? AND template_id = ?", networkID, t.ID)).
		OrderExpr("st.id").Scan(ctx, &titles)
	if err != nil {
		return 0, err
	}
	if len(titles) > 0 {
		return 0, app.Errorf(app.EConflict, "workbook.template.drops_answered", "statements", strings.Join(titles, "; "))
	}
	res, err := tx.NewUpdate().Model((*Workbook)(nil)).Set("template_id = ?", t.ID).
		Where("network_id = ? AND cycle = ? AND template_id <> ?", networkID, running.Cycle, t.ID).Exec(ctx)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

func hasSection(t *Template, key string) bool {
	for _, sec := range t.Sections {
		if sec.Key == key && sec.RetiredAt == nil {
			return true
		}
	}
	return false
}

// FindCycles lists a network's cycles, the newest started first.
func FindCycles(ctx context.Context, idb bun.IDB, networkID int64) ([]*Cycle, error) {
	var out []*Cycle
	err := idb.NewSelect().Model(&out).Where("org_id = ?", networkID).OrderExpr("started_at DESC, cycle DESC").Scan(ctx)
	return out, err
}
