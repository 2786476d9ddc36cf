package workbook_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/workbook"
)

// TestSecurity10OwnTemplateRowLevelSecurity: on PostgreSQL, a municipality
// acting for itself reads the template its own workbook was made from
// after it left the network, but not the network's later templates, nor a
// template of a network it never belonged to even when a workbook row
// points at it: row-level security stays the second wall.
func TestSecurity10OwnTemplateRowLevelSecurity(t *testing.T) {
	t.Parallel()
	bdb := dbtest.OpenPostgres(t)
	ctx := context.Background()
	svc := &workbook.Service{DB: bdb, Clock: &app.FixedClock{T: time.Date(2017, 3, 1, 9, 0, 0, 0, time.UTC)}}
	network := dbtest.MustCreateOrg(t, bdb, org.KindNetwork)
	other := dbtest.MustCreateOrg(t, bdb, org.KindNetwork)
	muni := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
	dbtest.MustJoinNetwork(t, bdb, network, muni, time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2017, 6, 1, 0, 0, 0, 0, time.UTC))
	spec := workbook.TemplateSpec{Name: "Arbeidsboka", Chapters: []workbook.ChapterSpec{{Title: "Kapittel 2",
		Statements: []workbook.StatementSpec{{Title: "«Innvandrerreisen»"}}}}}
	own, err := svc.CreateTemplate(ctx, network, spec)
	if err != nil {
		t.Fatal(err)
	}
	books, err := svc.PublishTemplate(ctx, network, own.ID, "2016–2017")
	if err != nil || len(books) != 1 {
		t.Fatalf("publish: %v %v", books, err)
	}
	later, _ := svc.CreateTemplate(ctx, network, spec) // version 2, after the municipality left
	foreign, _ := svc.CreateTemplate(ctx, other, spec)
	// A workbook row pointing at another network's template, as a bug
	// might write it.
	if err := db.RunTx(ctx, bdb, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewInsert().Model(&workbook.Workbook{OrgID: muni.ID, NetworkID: other.ID, TemplateID: foreign.ID, Cycle: "x", CreatedAt: dbtest.Now}).Exec(ctx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	count := func(ctx context.Context, idb bun.IDB, table string) map[int64]int {
		var ids []int64
		// Deliberately without an organisation filter: what the policies let through.
		col := "template_id"
		switch table {
		case "workbook_templates":
			col = "id"
		case "workbook_statements":
			col = "(SELECT template_id FROM workbook_chapters c WHERE c.org_id = workbook_statements.org_id AND c.id = chapter_id)"
		}
		if err := idb.NewRaw("SELECT "+col+" FROM "+table).Scan(ctx, &ids); err != nil {
			t.Fatal(err)
		}
		out := map[int64]int{}
		for _, id := range ids {
			out[id]++
		}
		return out
	}
	db.Run(ctx, bdb, db.OrgScope(muni.ID), func(ctx context.Context, idb bun.IDB) error {
		for _, table := range []string{"workbook_templates", "workbook_chapters", "workbook_statements", "workbook_sections"} {
			got := count(ctx, idb, table)
			if got[own.ID] == 0 {
				t.Errorf("%s: the template of the own workbook is hidden", table)
			}
			if got[later.ID] != 0 || got[foreign.ID] != 0 {
				t.Errorf("%s: the municipality reads templates it has no business with: %v", table, got)
			}
		}
		return nil
	})
}
