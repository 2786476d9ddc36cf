package scale_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/scale"
	"github.com/samvirke/samvirke/internal/workbook"
)

// small is a data set of the full one's shape at a size a test can make.
var small = scale.Options{Seed: 7, Municipalities: 12, Networks: 3, UsersPer: 4, Password: "korrekt hest batteri"}

type summary struct {
	orgs, users, members, entries []string
}

func generate(t *testing.T) (*bun.DB, *scale.Report) {
	t.Helper()
	bdb := dbtest.Open(t)
	rep, err := scale.Generate(context.Background(), bdb, small, []scale.Slice{workbook.Scale{Chapters: 2, Statements: 3}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return bdb, rep
}

func read(t *testing.T, bdb *bun.DB) summary {
	t.Helper()
	var s summary
	err := db.Run(context.Background(), bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		if err := idb.NewSelect().Model((*org.Organisation)(nil)).ColumnExpr("slug || ' ' || name || ' ' || country").OrderExpr("slug").Scan(ctx, &s.orgs); err != nil {
			return err
		}
		if err := idb.NewSelect().Model((*account.User)(nil)).ColumnExpr("email || ' ' || name").OrderExpr("email").Scan(ctx, &s.users); err != nil {
			return err
		}
		if err := idb.NewSelect().TableExpr("memberships").ColumnExpr("role").OrderExpr("org_id, user_id").Scan(ctx, &s.members); err != nil {
			return err
		}
		return idb.NewSelect().TableExpr("workbook_entries").ColumnExpr("visibility || ' ' || content").OrderExpr("id").Scan(ctx, &s.entries)
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestGenerate: the data set has the shape asked for (municipalities in
// three countries, networks sharing them, users with the role mix, every
// statement answered in every municipality) and the same seed makes the
// same data; a second run into the same database is refused.
func TestGenerate(t *testing.T) {
	bdb, rep := generate(t)
	s := read(t, bdb)
	if len(s.orgs) != 15 {
		t.Fatalf("%d organisations, want 12 municipalities and 3 networks", len(s.orgs))
	}
	countries := map[string]int{}
	for _, o := range s.orgs {
		f := strings.Fields(o)
		countries[f[len(f)-1]]++
	}
	if countries["NO"] == 0 || countries["SE"] == 0 || countries["DK"] == 0 {
		t.Errorf("municipalities by country %v: want all three", countries)
	}
	if len(s.users) != 48+3 || len(s.members) != 48+3 {
		t.Errorf("%d users, %d memberships, want 4 in each of 12 municipalities and a coordinator of each of 3 networks", len(s.users), len(s.members))
	}
	if !slices.ContainsFunc(s.users, func(u string) bool { return strings.HasPrefix(u, "coordinator@scale-network-01.scale.example ") }) {
		t.Errorf("the first network has no coordinator: %v", s.users)
	}
	if got := strings.Join(s.members[:4], ","); got != "owner,admin,editor,editor" {
		t.Errorf("first municipality's roles %s", got)
	}
	if len(s.entries) != 12*6 {
		t.Errorf("%d answers, want 12 municipalities × 6 statements", len(s.entries))
	}
	vis := map[string]int{}
	for _, e := range s.entries {
		vis[strings.Fields(e)[0]]++
	}
	if len(vis) < 2 {
		t.Errorf("visibility %v: want a mix", vis)
	}
	if rep.Rows["workbook answers"] != 2*72+5*72+3*4+12 {
		t.Errorf("workbook slice reports %d rows, want 72 answers, 72 revisions and their 2 goals and 3 measures each as rows, "+
			"2 gatherings of each network with their chapter each and the 12 workbooks' statuses of the first", rep.Rows["workbook answers"])
	}
	// The coordinator's progress grid of each network's first gathering
	// shows its four members.
	svc := &workbook.Service{DB: bdb, Clock: app.SystemClock{}}
	var networks []*org.Organisation
	db.Run(context.Background(), bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Model(&networks).Where("kind = ?", org.KindNetwork).OrderExpr("slug").Scan(ctx)
	})
	for _, nw := range networks {
		gs, err := svc.Gatherings(context.Background(), nw)
		if err != nil || len(gs.Gatherings) != 2 {
			t.Fatalf("%s: gatherings %v, %v", nw.Slug, gs, err)
		}
		_, ps, err := svc.GatheringProgress(context.Background(), nw, gs.Gatherings[0].ID)
		if err != nil || len(ps) != 1 || len(ps[0].Grids(nw.Slug)) != 1 || len(ps[0].Grids(nw.Slug)[0].Rows) != 4 {
			t.Errorf("%s: progress of the first gathering %v, %v", nw.Slug, ps, err)
		}
	}
	var due int
	db.Run(context.Background(), bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().TableExpr("measures").ColumnExpr("count(*)").Where("due IS NOT NULL AND responsible_key <> ''").Scan(ctx, &due)
	})
	if due != 2*72 { // a day and «Høst 2026»; «Løpende» has none
		t.Errorf("%d generated measures with a due day and a responsible, want 2 per answer", due)
	}
	// A generated user signs in with the one password.
	var u account.User
	db.Run(context.Background(), bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Model(&u).Where("email = ?", "u01@scale-no-0101.scale.example").Scan(ctx)
	})
	if ok, _ := (&account.Hasher{}).Check(context.Background(), u.PasswordHash, small.Password); !ok {
		t.Error("a generated user's password does not verify")
	}

	if _, err := scale.Generate(context.Background(), bdb, small, nil, nil); err == nil || !strings.Contains(err.Error(), "already holds") {
		t.Errorf("second run: %v", err)
	}

	again, _ := generate(t)
	s2 := read(t, again)
	if strings.Join(s.orgs, "\n") != strings.Join(s2.orgs, "\n") || strings.Join(s.users, "\n") != strings.Join(s2.users, "\n") ||
		strings.Join(s.entries, "\n") != strings.Join(s2.entries, "\n") {
		t.Error("the same seed made different data")
	}
}
