package workbook_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/workbook"
	"github.com/samvirke/samvirke/tenants"
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

// importBenchTemplate is the Sør-Trøndelag network's chapter 2 with the
// default sections.
func importBenchTemplate() workbook.ImportTemplate {
	t := workbook.ImportTemplate{Statements: []workbook.ImportStatement{
		{ID: 1, Title: "Gjennomgående problemstilling A: «Innvandrerreisen», et flytskjema for en innbygger med innvandrerbakgrunn"},
		{ID: 2, Title: "Gjennomgående problemstilling B: Innvandrere som strategisk ressurs. Samhandlingen og arbeidsformene internt i kommunen, med statsetatene, med frivillig sektor og med næringslivet (mht. bosetting, kvalifisering og inkludering)"},
		{ID: 4, Title: "Problemstilling 4: Etablering av voksenopplæring i egen kommune. Reorganisering av innvandrertjenesten"},
	}}
	for _, k := range workbook.DefaultSections {
		t.Sections = append(t.Sections, workbook.ImportSection{Key: k, Title: workbook.DefaultSectionTitles[k]})
	}
	return t
}

// importInputs are texts of workbook.MaxImportBytes: Meldal's chapter 2
// pasted again and again, the words of the template's titles in a
// jumble (every word starts a match attempt), and other words.
func importInputs(tb testing.TB) map[string]string {
	tb.Helper()
	b, err := fs.ReadFile(tenants.Workbooks, "workbooks/meldal-kapittel-2.txt")
	if err != nil {
		tb.Fatal(err)
	}
	var soup []string
	for _, st := range importBenchTemplate().Statements {
		soup = append(soup, strings.Fields(st.Title)...)
	}
	for _, s := range importBenchTemplate().Sections {
		soup = append(soup, strings.Fields(s.Title)...)
	}
	fill := func(next func(i int) string) string {
		var sb strings.Builder
		for i := 0; ; i++ {
			w := next(i)
			if sb.Len()+len(w) > workbook.MaxImportBytes {
				return sb.String()
			}
			sb.WriteString(w)
		}
	}
	return map[string]string{
		"meldal-repeated": fill(func(int) string { return string(b) + "\n" }),
		"title-words":     fill(func(i int) string { return soup[(i*7)%len(soup)] + " " }),
		"other-words":     fill(func(i int) string { return []string{"kartlegging ", "språk ", "arbeid ", "bolig ", "helse\n"}[i%5] }),
	}
}

// BenchmarkSecurity09ParseChapter parses texts of the largest size an
// import accepts.
func BenchmarkSecurity09ParseChapter(b *testing.B) {
	for name, text := range importInputs(b) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := workbook.ParseChapter(context.Background(), text, importBenchTemplate()); err != nil && name == "meldal-repeated" {
					b.Fatal(err)
				}
			}
		})
	}
}

// countingCtx is a context that ends after Err has been asked limit times.
type countingCtx struct {
	context.Context
	asked, limit int
}

func (c *countingCtx) Err() error {
	if c.asked++; c.asked > c.limit {
		return context.Canceled
	}
	return nil
}

// TestSecurity09ParseStopsWhenCancelled: the import parser asks its
// context as it goes and stops soon after the request ends, with the
// context's error.
func TestSecurity09ParseStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	text := importInputs(t)["title-words"]
	ctx := &countingCtx{Context: context.Background(), limit: 3}
	_, err := workbook.ParseChapter(ctx, text, importBenchTemplate())
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("ParseChapter after the request ended = %v; want context.Canceled", err)
	}
	if ctx.asked > ctx.limit+2 {
		t.Errorf("the parser asked its context %d times after it ended; want it to stop at once", ctx.asked-ctx.limit)
	}
	if _, err := workbook.ParseChapter(context.Background(), text+strings.Repeat("x", workbook.MaxImportBytes-len(text)+1), importBenchTemplate()); app.ErrorCode(err) != app.EInvalid {
		t.Errorf("a text over MaxImportBytes = %v; want app.EInvalid", err)
	}
}

// TestSecurity05DiffBounded: comparing two versions of an answer of the
// largest size that differ on every line takes memory bounded by a
// constant, not by the product of their lengths, and still reads as all
// lines removed and added. (Not parallel: it measures the process's
// allocations.)
func TestSecurity05DiffBounded(t *testing.T) {
	var a, b strings.Builder
	for i := 0; a.Len() < workbook.MaxSectionBytes-64; i++ {
		fmt.Fprintf(&a, "Gammel linje %d om kartlegging\n", i)
		fmt.Fprintf(&b, "Ny linje %d om språkopplæring\n", i)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	lines := workbook.Diff(a.String(), b.String())
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 64<<20 {
		t.Errorf("Diff of two %d KB answers allocated %d MB; want it bounded", a.Len()>>10, got>>20)
	}
	removed, added := 0, 0
	for _, l := range lines {
		switch l.Op {
		case "-":
			removed++
		case "+":
			added++
		}
	}
	if n := strings.Count(a.String(), "\n"); removed != n || added != n {
		t.Errorf("Diff: %d removed, %d added; want all %d lines of each", removed, added, n)
	}
}
