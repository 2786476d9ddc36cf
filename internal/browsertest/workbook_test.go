package browsertest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/browsertest"
	"github.com/samvirke/samvirke/internal/db"
)

// TestWorkbookPages walks the demo workbook as a Meldal editor (workbook,
// answer editor with goals and measures, history, import) and as the
// network's coordinator (gathering view, gatherings, template editor),
// with axe-core on every page.
func TestWorkbookPages(t *testing.T) {
	srv := browsertest.StartServer(t)
	var book, tmpl, stmt int64
	err := db.Run(context.Background(), srv.Main.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		if err := idb.NewRaw("SELECT w.id, w.template_id FROM workbooks w JOIN organisations o ON o.id = w.org_id WHERE o.slug = 'meldal'").Scan(ctx, &book, &tmpl); err != nil {
			return err
		}
		return idb.NewRaw("SELECT s.id FROM workbook_statements s JOIN workbook_chapters c ON c.id = s.chapter_id AND c.org_id = s.org_id WHERE c.template_id = ? ORDER BY s.position LIMIT 1", tmpl).Scan(ctx, &stmt)
	})
	if err != nil {
		t.Fatal(err)
	}
	b := browsertest.NewBrowser(t)
	b.SignIn(t, srv.URL, "editor@meldal.example", browsertest.DemoPassword)
	entry := fmt.Sprintf("%s/o/meldal/workbooks/%d/statements/%d", srv.URL, book, stmt)
	for _, p := range []string{fmt.Sprintf("%s/o/meldal/workbooks/%d", srv.URL, book), entry, entry + "/history", fmt.Sprintf("%s/o/meldal/workbooks/%d/import", srv.URL, book)} {
		if status := b.Visit(t, p); status != 200 {
			t.Fatalf("%s: %d", p, status)
		}
		b.CheckA11y(t)
	}
	b.Visit(t, entry)
	if !strings.Contains(browsertest.Eval[string](t, b, `document.querySelector("#f-analysis").value`), "Intervju er gjennomført vår 2016") {
		t.Error("the editor does not hold Meldal's imported analysis")
	}

	c := browsertest.NewBrowser(t)
	c.SignIn(t, srv.URL, "coordinator@sor-trondelag.example", browsertest.DemoPassword)
	for _, p := range []string{
		fmt.Sprintf("%s/o/sor-trondelag/templates/%d/statements/%d/gathering", srv.URL, tmpl, stmt),
		srv.URL + "/o/sor-trondelag/gatherings", srv.URL + "/o/sor-trondelag/workbooks",
		fmt.Sprintf("%s/o/sor-trondelag/templates/new?from=%d", srv.URL, tmpl),
	} {
		if status := c.Visit(t, p); status != 200 {
			t.Fatalf("%s: %d", p, status)
		}
		c.CheckA11y(t)
	}
}
