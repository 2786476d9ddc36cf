package server_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/internal/server/servertest"
)

// TestDemoRoles: the demo municipalities come with the roles and units
// their plans name as responsibles, filled by demo users: Meldal's
// «Flyktningkoordinator» by its demo contributor, whom RolesFilledBy
// answers it for; a restart adds no role twice.
func TestDemoRoles(t *testing.T) {
	t.Parallel()
	e := servertest.NewEnv(t)
	cfg := e.Config()
	cfg.Demo = true
	cfg.DemoPassword = "demo-passord-æøå"
	first := servertest.Open(t, cfg, server.ModeServe).Run(t)
	c := client(t)
	signIn(t, c, first.URL(), "admin@meldal.example", cfg.DemoPassword)
	code, page := get(t, c, first.URL()+"/o/meldal/admin/roles")
	row := regexp.MustCompile(`(?s)<tr id="role-\d+">\s*<td[^>]*><a[^>]*>Flyktningkoordinator</a>.*?</tr>`).FindString(page)
	if code != 200 || !strings.Contains(row, "Demo contributor, Meldal kommune") {
		t.Errorf("Meldal's roles page: %d; want «Flyktningkoordinator» filled by the demo contributor, got row:\n%s", code, row)
	}
	for _, want := range []string{">Rådmann</a>", ">Voksenopplæringen</a>", ">Seksjonsleder kultur</a>"} {
		if !strings.Contains(page, want) {
			t.Errorf("Meldal's roles page lacks %s", want)
		}
	}
	count := func(p *servertest.Process) (n int) {
		t.Helper()
		err := db.Run(context.Background(), p.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
			c, err := idb.NewSelect().Model((*org.Role)(nil)).Count(ctx)
			n = int(c)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	var filled []string
	err := db.Run(context.Background(), first.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var meldal, user int64
		if err := idb.NewRaw("SELECT o.id, u.id FROM organisations o, users u WHERE o.slug = 'meldal' AND u.email = 'contributor@meldal.example'").
			Scan(ctx, &meldal, &user); err != nil {
			return err
		}
		roles, err := org.RolesFilledBy(ctx, idb, meldal, user)
		for _, r := range roles {
			filled = append(filled, r.Key)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(filled, org.RoleKey("Flyktningkoordinator ")) {
		t.Errorf("Meldal's demo contributor fills %q; want the refugee coordinator among them", filled)
	}
	n1 := count(first)
	first.Stop(t)
	cfg.DemoPassword = ""
	second := servertest.Open(t, cfg, server.ModeServe).Run(t)
	if n2 := count(second); n1 == 0 || n2 != n1 {
		t.Errorf("roles: %d after the first start, %d after a restart; want the demo's, once", n1, n2)
	}
}
