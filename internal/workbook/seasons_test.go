package workbook

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/ratelimit"
	"github.com/samvirke/samvirke/tenants"
)

// TestSeasonsOfTheOrganisation: a municipality whose autumn term ends on
// 20 December has «Høst …» due that day wherever a deadline is read for
// it — the editor's input, a measure given only as written (the API's
// way), a spreadsheet of measures and a Word chapter's table — and one
// with the default on 31 December.
func TestSeasonsOfTheOrganisation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, autumnEnd string
		due2016, due    string // «Høst 2016» (the chapter), «Høst 2026»
	}{
		{"Default", "", "2016-12-31", "2026-12-31"},
		{"AutumnEnds20December", "12-20", "2016-12-20", "2026-12-20"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			bdb := dbtest.Open(t)
			clock := &app.FixedClock{T: time.Date(2016, 9, 1, 9, 0, 0, 0, time.UTC)}
			svc := &Service{DB: bdb, Clock: clock, Limits: &ratelimit.Limiter{DB: bdb, Clock: clock}}
			network := dbtest.MustCreateOrg(t, bdb, org.KindNetwork)
			muni := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality, func(o *org.Organisation) { o.AutumnEnd = tc.autumnEnd })
			dbtest.MustJoinNetwork(t, bdb, network, muni, time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{})

			in := MeasureInput{Description: "Språkkafé", Deadline: "Høst 2026", Seasons: measure.SeasonsOf(muni)}
			if m, errs := in.Validate(nil); len(errs) > 0 || m.Deadline == nil || m.Deadline.Format(time.DateOnly) != tc.due || m.DeadlineText != "Høst 2026" {
				t.Errorf("MeasureInput.Validate: %+v %v; want «Høst 2026» due %s", m, errs, tc.due)
			}

			defs, err := LoadDefinitions(tenants.Workbooks, "workbooks")
			if err != nil {
				t.Fatal(err)
			}
			tmpl, err := svc.CreateTemplate(ctx, network, defs[0].Spec())
			if err != nil {
				t.Fatal(err)
			}
			books, err := svc.PublishTemplate(ctx, network, tmpl.ID, "2016–2017")
			if err != nil || len(books) != 1 {
				t.Fatalf("publish: %v, %d workbooks", err, len(books))
			}
			book, stmts := books[0].ID, tmpl.Chapters[0].Statements
			a := &app.Actor{Name: "Flyktningkoordinator"}
			if _, err := svc.ImportChapter(ctx, muni, []int64{network.ID}, a, book, readMeldalWord(t), false); err != nil {
				t.Fatal(err)
			}
			version := func(stmt int64) int {
				_, es, err := svc.OpenWorkbook(ctx, muni, book, AllEntries)
				if err != nil || es[stmt] == nil {
					t.Fatalf("entry of statement %d: %v", stmt, err)
				}
				return es[stmt].Version
			}
			if _, err := svc.ImportMeasures(ctx, muni, a, book, stmts[0].ID, version(stmts[0].ID),
				[]MeasureRow{{Row: 2, MeasureInput: MeasureInput{Description: "Fra handlingsplanen", Deadline: "Høst 2026"}}}); err != nil {
				t.Fatal(err)
			}
			_, es, err := svc.OpenWorkbook(ctx, muni, book, AllEntries)
			if err != nil {
				t.Fatal(err)
			}
			c := es[stmts[1].ID].Content
			c.Measures = append(c.Measures, Measure{Description: "Fra API-et", DeadlineText: "Høst 2026"}) // as written, no day
			if _, err := svc.SaveEntry(ctx, muni, a, Save{WorkbookID: book, StatementID: stmts[1].ID, Content: c, BaseVersion: es[stmts[1].ID].Version}); err != nil {
				t.Fatal(err)
			}

			var rows []*measure.MeasureRow
			if err := db.Run(ctx, bdb, db.OrgScope(muni.ID), func(ctx context.Context, idb bun.IDB) error {
				rows, err = measure.ListMeasures(ctx, idb, muni.ID, measure.Filter{})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			due := map[string]string{}
			for _, r := range rows {
				if r.Due != nil {
					due[r.Description] = r.Due.Format(time.DateOnly)
				}
			}
			for desc, want := range map[string]string{
				"Møte med Meldal videregående skole for evt leie av lokaler": tc.due2016, // the chapter's table, «Høst 2016»
				"Fra handlingsplanen": tc.due, "Fra API-et": tc.due,
				"Utlysning av lederstilling og lærerstillinger": "2016-10-31", // «okt. 2016»: no season
			} {
				if due[desc] != want {
					t.Errorf("%q is due %q; want %s", desc, due[desc], want)
				}
			}
		})
	}
}
