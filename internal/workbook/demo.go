package workbook

import (
	"context"
	"fmt"
	"io/fs"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// DemoLoader loads the demo workbooks on the first start with the demo:
// it creates and publishes the demo networks' workbook templates and
// imports the filled-in chapters of demo municipalities, with the same
// import a municipality uses for its own Word or PDF chapter: Meldal's
// as a Word document, whose tables become goals, measures and the
// arena table.
type DemoLoader struct {
	// Definitions holds workbooks/*.yaml (the templates) and the chapters
	// they name (tenants.Workbooks).
	Definitions fs.FS
}

// DemoImportAge is how long before the demo's first start its chapters
// were imported, as their versions and timelines say.
const DemoImportAge = 42 * 24 * time.Hour

// LoadDemo loads the demo workbooks into the demo organisations, which
// exist by then. It notifies nobody and counts no import against a limit.
func (l DemoLoader) LoadDemo(ctx context.Context, bdb *bun.DB, clock app.Clock) error {
	if err := l.load(ctx, bdb, clock); err != nil {
		return fmt.Errorf("demo workbooks: %w", err)
	}
	return nil
}

func (l DemoLoader) load(ctx context.Context, bdb *bun.DB, clock app.Clock) error {
	defs, err := LoadDefinitions(l.Definitions, "workbooks")
	if err != nil {
		return err
	}
	// The chapters were imported some weeks before the demo starts, so that
	// what the demo's people did since (DemoActivity) has a past.
	svc := &Service{DB: bdb, Clock: app.ShiftedClock{Clock: clock, By: -DemoImportAge}}
	for _, d := range defs {
		var network *org.Organisation
		err := db.Run(ctx, bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
			network, err = org.FindOrganisationBySlug(ctx, idb, d.Network)
			return err
		})
		if err != nil {
			return fmt.Errorf("network %s: %w", d.Network, err)
		}
		t, err := svc.CreateTemplate(ctx, network, d.Spec())
		if err != nil {
			return err
		}
		books, err := svc.PublishTemplate(ctx, network, t.ID, d.Cycle)
		if err != nil {
			return err
		}
		for _, a := range d.Answers {
			src, err := d.AnswerSource(l.Definitions, a)
			if err != nil {
				return fmt.Errorf("%s: %w", a.File, err)
			}
			var muni *org.Organisation
			err = db.Run(ctx, bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
				muni, err = org.FindOrganisationBySlug(ctx, idb, a.Municipality)
				return err
			})
			if app.IsNotFound(err) {
				continue // as before: an answer for no published workbook is left out
			} else if err != nil {
				return fmt.Errorf("%s: municipality %s: %w", a.File, a.Municipality, err)
			}
			for _, b := range books {
				if b.OrgID != muni.ID {
					continue
				}
				actor := &app.Actor{Name: "Import"}
				if _, err := svc.ImportChapter(ctx, muni, []int64{network.ID}, actor, b.ID, src, false); err != nil {
					return fmt.Errorf("%s: %w", a.File, err)
				}
			}
		}
	}
	return nil
}
