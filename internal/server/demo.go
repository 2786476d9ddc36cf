package server

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/billing"
	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/files"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/plan"
	"github.com/samvirke/samvirke/internal/survey"
	"github.com/samvirke/samvirke/internal/workbook"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/remind"
	"github.com/samvirke/samvirke/tenants"
)

// DemoLoader loads one capability's demo data on the first start with the
// demo (an empty database), after the demo organisations and before their
// demo users exist. It writes with db itself (no request, no actor) and
// wraps its errors with what it was loading.
type DemoLoader interface {
	LoadDemo(ctx context.Context, db *bun.DB, clock app.Clock) error
}

// demoLoaders are the capabilities' demo data, loaded in this order: one
// line per capability.
func demoLoaders() []DemoLoader {
	return []DemoLoader{
		workbook.DemoLoader{Definitions: tenants.Workbooks},
		billing.DemoLoader{},
	}
}

// demoStaffing are the demo data that name demo users (roles and who
// fills them), loaded in this order once those users exist: one line per
// capability. store keeps the files they attach.
func demoStaffing(store *files.Service) []DemoLoader {
	return []DemoLoader{
		org.DemoRoles{Definitions: tenants.Roles},
		workbook.DemoActivity{Definitions: tenants.Workbooks},
		plan.DemoLoader{Definitions: tenants.Plans},
		council.DemoLoader{Definitions: tenants.Councils, Files: store},
		indicator.DemoLoader{Definitions: tenants.Indicators},
		survey.DemoLoader{},
	}
}

// loadDemo loads the demo organisations on first start (an empty
// database), makes their demo users, and prints where to sign in.
func (m *Main) loadDemo(ctx context.Context) error {
	n, err := org.CountOrganisations(ctx, m.DB)
	if err != nil {
		return err
	}
	password := m.Config.DemoPassword
	generated := false
	if n == 0 {
		defs, err := m.tenantDefinitions()
		if err != nil {
			return err
		}
		if _, err := org.Apply(ctx, m.DB, defs, m.Clock.Now()); err != nil {
			return fmt.Errorf("SAMVIRKE_TENANTS_DIR: %w", err)
		}
		for _, l := range demoLoaders() {
			if err := l.LoadDemo(ctx, m.DB, m.Clock); err != nil {
				return err
			}
		}
		if password == "" {
			password, generated = newDemoPassword(), true
		}
	}
	// Existing demo users keep their password unless one is given.
	pw := password
	if pw == "" {
		pw = newDemoPassword() // only for demo users that are missing
	}
	logins, err := account.EnsureDemoUsers(ctx, m.DB, pw, m.Config.DemoPassword != "", m.Clock.Now())
	if err != nil {
		return err
	}
	if n == 0 {
		store, err := m.openFiles(ctx)
		if err != nil {
			return err
		}
		for _, l := range demoStaffing(store) {
			if err := l.LoadDemo(ctx, m.DB, m.Clock); err != nil {
				return err
			}
		}
		m.demoFresh = true
	}
	m.banner = func() { m.printBanner(logins, password, generated) }
	return nil
}

// loadDemoReminders gives a demo loaded on this start its reminder
// settings and the first morning's reminders, once the services run (the
// reminder engine reads what every capability's demo made).
func (m *Main) loadDemoReminders(ctx context.Context) error {
	if !m.demoFresh {
		return nil
	}
	return remind.DemoLoader{Service: m.Reminders}.LoadDemo(ctx, m.DB, m.Clock)
}

func (m *Main) tenantDefinitions() ([]org.Definition, error) {
	if m.Config.TenantsDir != "" && m.Config.TenantsDir != "./tenants" {
		return org.LoadDefinitions(m.Config.TenantsDir)
	}
	return org.LoadDefinitionsFS(tenants.FS, ".")
}

func (m *Main) printBanner(logins []account.DemoLogin, password string, generated bool) {
	if m.Out == nil {
		return
	}
	byOrg := map[string][]string{}
	for _, l := range logins {
		byOrg[l.OrgSlug] = append(byOrg[l.OrgSlug], l.Role)
	}
	slugs := make([]string, 0, len(byOrg))
	for s := range byOrg {
		slugs = append(slugs, s)
	}
	sort.Strings(slugs)
	var b strings.Builder
	fmt.Fprintf(&b, "\nSamvirke demo: open %s after start-up and sign in as <role>@<organisation>.example:\n", m.URL())
	for _, s := range slugs {
		fmt.Fprintf(&b, "  %-28s %s\n", s, strings.Join(byOrg[s], ", "))
	}
	fmt.Fprintf(&b, "  for example editor@nittedal.example, coordinator@sor-trondelag.example\n")
	switch {
	case generated:
		fmt.Fprintf(&b, "Demo password (shown once; set SAMVIRKE_DEMO_PASSWORD to choose your own): %s\n\n", password)
	case password != "":
		fmt.Fprintf(&b, "Demo password: the value of SAMVIRKE_DEMO_PASSWORD\n\n")
	default:
		fmt.Fprintf(&b, "Demo password: as printed at the first start (set SAMVIRKE_DEMO_PASSWORD to reset it)\n\n")
	}
	fmt.Fprint(m.Out, b.String())
}

// newDemoPassword makes a readable random password: four groups of four
// letters and digits without look-alikes.
func newDemoPassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
	var b strings.Builder
	for i := 0; i < 16; i++ {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		b.WriteByte(alphabet[n.Int64()])
	}
	return b.String()
}
