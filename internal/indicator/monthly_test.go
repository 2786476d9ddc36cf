package indicator_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/document/doctest"
	"github.com/samvirke/samvirke/internal/files"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/web"
)

// idmText answers the product's translation function.
func idmText(t *testing.T) func(locale, key string, args ...any) string {
	t.Helper()
	cat, err := i18n.Load(web.FS(""), "locales")
	idcNoErr(t, err)
	return cat.T
}

// idmTokens answers the PDF's text as its non-empty lines (the document
// writes every table cell on a line of its own), with no-break spaces
// read as spaces.
func idmTokens(t *testing.T, pdf []byte) []string {
	t.Helper()
	var out []string
	for _, l := range strings.Split(doctest.PDFText(t, pdf).Text, "\n") {
		if l = strings.TrimSpace(strings.ReplaceAll(l, "\u00a0", " ")); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// idmRow answers the n cells that follow the line beginning with label
// (a long label wraps; its first line comes first).
func idmRow(t *testing.T, tokens []string, label string, n int) []string {
	t.Helper()
	i := slices.IndexFunc(tokens, func(s string) bool { return strings.HasPrefix(s, label) })
	if i < 0 || i+n >= len(tokens) {
		t.Fatalf("no row %q in the PDF:\n%s", label, strings.Join(tokens, "\n"))
	}
	return tokens[i+1 : i+1+n]
}

// TestMonthlyReportNittedal: Nittedal's monthly report for April 2020,
// printed from the demo figures, holds «Tall og statusrapport»'s five
// tables as seed 002 (4.1) prints them: the refugees per February, March
// and April 2020 (121, 121, 117), the settlement status with «1 (hittil)»,
// the five years of family reunification, the participants (99, 70, 45)
// and the outcome categories with the goal achievement computed in whole
// per cent (34 % 55 % 67 % by the IMDi standard, 71 % 79 % 83 % by its
// own criteria) and the national 70 % target, the years printed as years
// (2020, not «2 020»), æ ø å intact. The public copy prints the
// unaccompanied minors (6) as «under 10» and never their 6.
func TestMonthlyReportNittedal(t *testing.T) {
	t.Parallel()
	bdb := dbtest.Open(t)
	clock := &app.FixedClock{T: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)}
	iddLoad(t, bdb, clock)
	svc := &indicator.Service{DB: bdb, Clock: clock}
	nittedal := iddOrg(t, bdb, "nittedal")
	text := idmText(t)
	render := func(public bool) []string {
		opt := indicator.MonthlyOptions{Locale: "nb", Public: public, T: func(k string, a ...any) string { return text("nb", k, a...) }}
		rep, err := svc.MonthlyReport(context.Background(), nittedal, "2020-04", opt)
		idcNoErr(t, err)
		var b bytes.Buffer
		idcNoErr(t, rep.Document(opt, clock.T).WritePDF(&b))
		return idmTokens(t, b.Bytes())
	}

	own := render(false)
	all := strings.Join(own, "\n")
	for _, want := range []string{
		"Tall og statusrapport Nittedal kommune, april 2020",
		"Per feb. 2020\nPer mars 2020\nPer april 2020",
		"Hittil i 2020",
		"Den nasjonale målsettingen er 70 % (Måloppnåelse IMDi-standard",
		"Kommunens mål er 75 % (Måloppnåelse IMDi-standard",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the report lacks %q:\n%s", want, all)
		}
	}
	rows := []struct {
		label string
		cells []string
	}{
		{"Flyktninger over 18 år bosatt i kommunen", []string{"121", "121", "117"}},
		{"Barn av flyktninger bosatt i kommunen", []string{"87", "87", "87"}},
		{"Enslige mindreårige flyktninger", []string{"6", "6", "6"}},
		{"Antall husstander", []string{"85", "85", "83"}},
		{"Anmodning om bosetting", []string{"16", "22", "22"}},
		{"Antall flyktninger som har blitt bosatt", []string{"16", "22", "1 (hittil)"}},
		{"Antall bosatte personer totalt", []string{"54", "51", "72", "18", "22"}},
		{"Familiegjenforente", []string{"12", "8", "39", "1", "0"}},
		{"Deltakere i introduksjonsprogrammet", []string{"99", "70", "45"}},
		{"Arbeid stillingsprosent 0-49%", []string{"3", "0", "2"}},
		{"Arbeid stillingsprosent 50-100%", []string{"3", "9", "2"}},
		{"Arbeidssøker på lønnstilskudd", []string{"2", "1", "0"}},
		{"Arbeidssøker på andre tiltak i regi av NAV", []string{"5", "4", "1"}},
		{"Ordinær opplæring- grunnskole", []string{"6", "2", "0"}},
		{"Ordinær opplæring- høyere utdanning", []string{"0", "0", "0"}},
		{"Ordinær opplæring- videregående skole", []string{"6", "7", "0"}},
		{"På sosial stønad", []string{"6", "6", "1"}},
		{"Annet", []string{"4", "0", "0"}},
		{"Totalt antall avsluttede deltakere:", []string{"35", "29", "6"}},
		// The report prints a rule's rate in whole per cent (monthly.go:
		// Number(n/d*100, 0)), as the seed does.
		{"Måloppnåelse IMDi-standard", []string{"34 %", "55 %", "67 %"}},
		{"Måloppnåelse kommunens kriterier", []string{"71 %", "79 %", "83 %"}},
	}
	for _, r := range rows {
		if got := idmRow(t, own, r.label, len(r.cells)); !slices.Equal(got, r.cells) {
			t.Errorf("%s: %q, want %q", r.label, got, r.cells)
		}
	}

	pub := render(true)
	if got := idmRow(t, pub, "Enslige mindreårige flyktninger", 3); !slices.Equal(got, []string{"under 10", "under 10", "under 10"}) {
		t.Errorf("public copy: the unaccompanied minors read %q, want «under 10» three times", got)
	}
	if got := idmRow(t, pub, "Flyktninger over 18 år bosatt i kommunen", 3); !slices.Equal(got, []string{"121", "121", "117"}) {
		t.Errorf("public copy: the adults read %q", got)
	}
	if !strings.Contains(strings.Join(pub, "\n"), "Offentlig versjon") || strings.Contains(strings.Join(pub, "\n"), "ikke for publisering") {
		t.Error("the public copy does not say it is the public copy")
	}
}

// idmFiles answers the organisation's stored files.
func idmFiles(t *testing.T, bdb *bun.DB, orgID int64) []*files.File {
	t.Helper()
	var out []*files.File
	err := db.Run(context.Background(), bdb, db.OrgScope(orgID), func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Model(&out).Where("org_id = ?", orgID).Order("id").Scan(ctx)
	})
	idcNoErr(t, err)
	return out
}

// TestMonthlyReportTask: the monthly report task, run through the
// worker's task mux against the database and a file store on disk,
// stores Nittedal's April 2020 report as «Nittedal kommune 2020-04.pdf»,
// a PDF with its figures; run again an hour later (a retry, or the
// reminder's next round) with the figures unchanged it stores no second
// copy; a month that is not one is not retried.
func TestMonthlyReportTask(t *testing.T) {
	t.Parallel()
	bdb := dbtest.Open(t)
	clock := &app.FixedClock{T: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)}
	iddLoad(t, bdb, clock)
	store := &files.Service{DB: bdb, Blobs: files.Local{Dir: t.TempDir()}, Clock: clock, TempDir: t.TempDir()}
	tasks := &indicator.Tasks{Service: &indicator.Service{DB: bdb, Clock: clock}, Files: store, Text: idmText(t)}
	mux := asynq.NewServeMux()
	tasks.RegisterTasks(mux)
	nittedal := iddOrg(t, bdb, "nittedal")
	before := len(idmFiles(t, bdb, nittedal.ID))

	task, err := indicator.NewMonthlyReportTask(indicator.MonthlyReportPayload{OrgID: nittedal.ID, Month: "2020-04"})
	idcNoErr(t, err)
	ctx := context.Background()
	idcNoErr(t, mux.ProcessTask(ctx, task))
	fs := idmFiles(t, bdb, nittedal.ID)
	if len(fs) != before+1 {
		t.Fatalf("%d files stored, want one", len(fs)-before)
	}
	f := fs[len(fs)-1]
	if f.Name != "Nittedal kommune 2020-04.pdf" || f.ContentType != "application/pdf" {
		t.Errorf("stored %q (%s), want «Nittedal kommune 2020-04.pdf», a PDF", f.Name, f.ContentType)
	}
	_, rc, err := store.Open(ctx, nittedal.ID, f.ID)
	idcNoErr(t, err)
	content, err := io.ReadAll(rc)
	rc.Close()
	idcNoErr(t, err)
	if got := idmRow(t, idmTokens(t, content), "Flyktninger over 18 år bosatt i kommunen", 3); !slices.Equal(got, []string{"121", "121", "117"}) {
		t.Errorf("the stored report reads %q", got)
	}

	clock.T = clock.T.Add(time.Hour)
	idcNoErr(t, mux.ProcessTask(ctx, task))
	if n := len(idmFiles(t, bdb, nittedal.ID)); n != before+1 {
		t.Errorf("run twice, the task stored %d reports, want one", n-before)
	}

	bad, err := indicator.NewMonthlyReportTask(indicator.MonthlyReportPayload{OrgID: nittedal.ID, Month: "2020-13"})
	idcNoErr(t, err)
	if err := mux.ProcessTask(ctx, bad); err == nil || !errors.Is(err, asynq.SkipRetry) {
		t.Errorf("a month that is not one: %v, want a permanent failure", err)
	}
}
