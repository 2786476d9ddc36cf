package server_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/server/servertest"
)

// checkDemoBilling: the demo's Norwegian, Swedish and Danish
// municipalities have their billing details, each with its country's
// organisation number, so that an owner can subscribe at once where
// billing is configured.
func checkDemoBilling(t *testing.T, p *servertest.Process) {
	t.Helper()
	var rows []struct {
		Slug      string `bun:"slug"`
		Country   string `bun:"country"`
		OrgNumber string `bun:"org_number"`
	}
	err := db.Run(context.Background(), p.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewRaw(`SELECT o.slug, b.country, b.org_number FROM billing_accounts AS b JOIN organisations AS o ON o.id = b.org_id ORDER BY o.slug`).Scan(ctx, &rows)
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"nittedal": "NO 964950768", "thisted": "DK 29189331", "tierp": "SE 2120000282"}
	for _, r := range rows {
		if want[r.Slug] == r.Country+" "+r.OrgNumber {
			delete(want, r.Slug)
		}
	}
	if len(want) != 0 {
		t.Errorf("demo billing details %+v; missing %v", rows, want)
	}
}
