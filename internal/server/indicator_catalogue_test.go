package server_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/internal/server/servertest"
	"github.com/samvirke/samvirke/tenants"
)

// TestStartLoadsIndicatorCatalogue: a fresh production start (no demo)
// has the shipped national indicator catalogue with its national target,
// and a restart keeps one row per indicator.
func TestStartLoadsIndicatorCatalogue(t *testing.T) {
	t.Parallel()
	e := servertest.NewEnv(t)
	cfg := e.Config()
	cfg.Demo = false
	defs, err := indicator.ReadDefinitions(tenants.Indicators, "indicators")
	if err != nil {
		t.Fatal(err)
	}
	count := func(p *servertest.Process) (codes map[string]bool, rows int, targets int64) {
		codes = map[string]bool{}
		err := db.Run(context.Background(), p.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
			var list []indicator.Indicator
			if err := idb.NewSelect().Model(&list).Where("owner_org_id IS NULL").Scan(ctx); err != nil {
				return err
			}
			for _, in := range list {
				codes[in.Code] = true
			}
			rows = len(list)
			targets, err = idb.NewSelect().Model((*indicator.Target)(nil)).Where("level = ?", indicator.TargetNational).Count(ctx)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return codes, rows, targets
	}
	first := servertest.Open(t, cfg, server.ModeServe)
	codes, rows, targets := count(first)
	for _, d := range defs {
		if !codes[d.Code] {
			t.Errorf("a fresh start lacks the national indicator %s", d.Code)
		}
	}
	if rows != len(defs) || targets == 0 {
		t.Errorf("a fresh start has %d national indicators and %d national targets; want %d and the 70 %% target", rows, targets, len(defs))
	}
	first.Stop(t)
	second := servertest.Open(t, cfg, server.ModeServe)
	if _, rows2, targets2 := count(second); rows2 != rows || targets2 != targets {
		t.Errorf("after a restart %d indicators and %d targets; want %d and %d", rows2, targets2, rows, targets)
	}
}
