package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/plan"
	"github.com/samvirke/samvirke/internal/scale"
	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/internal/server/servertest"
	"github.com/samvirke/samvirke/internal/workbook"
)

// BenchmarkRenderPage renders the template of a page of the scale data set
// alone, with the data the page's handler gave it (captured through
// web.Server.RenderProbe): the dashboard with "My work", the plan tree of
// 200 measures and a meeting of 10 items with its minutes, as the first
// municipality's editor sees them; a gathering's progress grid of 40
// members and the dashboard, as the network's coordinator sees them; a
// workbook, one of its answers and that statement's gathering view (the
// network's members side by side), as the editor sees them. Run it with
//
//	go test -tags nomsgpack -run '^$' -bench RenderPage -benchmem ./internal/server/
//
// The load run (make bench) measures the same render inside the product's
// process and compares the product's CPU per request with it.
func BenchmarkRenderPage(b *testing.B) {
	ctx := context.Background()
	r := servertest.Open(b, servertest.NewEnv(b).Config(), server.ModeWeb)
	const password = "korrekt hest batteri stall"
	opts := scale.Options{Seed: 3, Municipalities: 40, Networks: 1, UsersPer: 4, Password: password}
	slices := []scale.Slice{plan.Scale{Measures: 200}, council.Scale{Meetings: 2, Items: 10}, workbook.Scale{}}
	if _, err := scale.Generate(ctx, r.DB, opts, slices, nil); err != nil {
		b.Fatal(err)
	}
	r.Authz.Reload()
	renders := map[string]func(io.Writer) error{}
	r.Web.RenderProbe = func(_, page string, render func(io.Writer) error) { renders[page] = render }
	r.Run(b)
	base := r.URL()
	c := client(b)
	if resp := signIn(b, c, base, "u03@scale-no-0101.scale.example", password); resp.StatusCode != http.StatusSeeOther {
		b.Fatalf("sign-in: %d", resp.StatusCode)
	}
	coordinator := client(b)
	if resp := signIn(b, coordinator, base, "coordinator@scale-network-01.scale.example", password); resp.StatusCode != http.StatusSeeOther {
		b.Fatalf("the coordinator's sign-in: %d", resp.StatusCode)
	}
	var planID, councilID, meetingID, gatheringID, workbookID, templateID, statementID int64
	err := db.RunTx(ctx, r.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		org := "(SELECT id FROM organisations WHERE slug = 'scale-no-0101')"
		if err := tx.NewRaw("SELECT workbook_id, statement_id FROM workbook_entries WHERE org_id = "+org+" AND visibility = 'network' ORDER BY id LIMIT 1").
			Scan(ctx, &workbookID, &statementID); err != nil {
			return err
		}
		if err := tx.NewRaw("SELECT template_id FROM workbooks WHERE org_id = "+org+" AND id = ?", workbookID).Scan(ctx, &templateID); err != nil {
			return err
		}
		if err := tx.NewRaw("SELECT id FROM plans WHERE org_id = "+org+" ORDER BY id LIMIT 1").Scan(ctx, &planID); err != nil {
			return err
		}
		if err := tx.NewRaw("SELECT id FROM gatherings WHERE org_id = (SELECT id FROM organisations WHERE slug = 'scale-network-01') ORDER BY id LIMIT 1").Scan(ctx, &gatheringID); err != nil {
			return err
		}
		return tx.NewRaw("SELECT council_id, id FROM council_meetings WHERE org_id = "+org+" ORDER BY id LIMIT 1").Scan(ctx, &councilID, &meetingID)
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range []struct {
		name, path, page string
		c                *http.Client
	}{
		{"dashboard", "/o/scale-no-0101/dashboard", "dashboard", c},
		{"plan tree 200 measures", fmt.Sprintf("/o/scale-no-0101/plans/%d", planID), "plan", c},
		{"meeting 10 items", fmt.Sprintf("/o/scale-no-0101/councils/%d/meetings/%d", councilID, meetingID), "meeting", c},
		{"progress grid 40 members", fmt.Sprintf("/o/scale-network-01/gatherings/%d", gatheringID), "progress", coordinator},
		{"coordinator's dashboard", "/o/scale-network-01/dashboard", "network dashboard", coordinator},
		{"workbook", fmt.Sprintf("/o/scale-no-0101/workbooks/%d", workbookID), "workbook", c},
		{"answer", fmt.Sprintf("/o/scale-no-0101/workbooks/%d/statements/%d", workbookID, statementID), "answer", c},
		{"gathering view", fmt.Sprintf("/o/scale-no-0101/templates/%d/statements/%d/gathering", templateID, statementID), "gathering view", c},
	} {
		clear(renders)
		if code, _ := get(b, p.c, base+p.path); code != http.StatusOK {
			b.Fatalf("%s: %d", p.path, code)
		}
		if len(renders) != 1 {
			b.Fatalf("%s rendered %d templates", p.path, len(renders))
		}
		var render func(io.Writer) error
		for _, fn := range renders {
			render = fn
		}
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := render(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
