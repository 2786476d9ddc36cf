package plan_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/document/doctest"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/plan"
	"github.com/samvirke/samvirke/internal/tabular"
)

// tierpLine is one row of Tierp's action plan (seed 004) as the test
// expects to find it: area, goal, problem, activity, responsible,
// timeline.
type tierpLine struct{ Area, Goal, Problem, Activity, Responsible, Timeline string }

const (
	kl  = "Kommunledningsgruppen"
	kla = "Kommunledningsgruppen i samråd med Arbetsmarknadsenhetens chef alt Arbetsförmedlingen."
)

// tierpPlan is every row of Tierp's action plan, written out from the
// seed's text (not from the fixtures).
var tierpPlan = []tierpLine{
	{"Arbete", "Ge varje individ förutsättningar för att så snabbt som möjligt komma ut i arbetslivet och nå egen försörjning.", "Det är svårt för nyanlända att komma in på svensk arbetsmarknad.", "Inom kommunen genomföra en chefsutbildning med fokus på att uppnå mångfald genom kompetensbaserad rekrytering, eventuellt baserad på kartläggning av dagens sammansättning av anställda.", "Personalchef", "2018"},
	{"Arbete", "", "", "Fortsatt utveckling av Arbetsmarknadsenheten där samverkan med lokala näringslivet är prioriterat, skapa och utveckla nätverk och mötesplatser.", "Chef arbetsmarknadsenheten i samarbete med näringslivsenheten.", "2018"},
	{"Arbete", "", "", "Kartlägga behov av kompetens från företagets sida och kartlägga vilka kompetenser som finns i samhället.", "Chef näringslivsenheten", "2018"},
	{"Arbete", "", "", "Uppmuntra företag att tillskapa praktikplatser/sysselsättning, genom att exempelvis erbjuda utbildning för praktikhandledare.", "Arbetsmarknadsenheten Utbildning Näringslivsenheten", "2018"},
	{"Arbete", "", "", "Kontinuerligt informera näringslivet om vilka möjligheter de har att bidra till integrationen.", "Chef näringslivsenheten i samarbete med arbetsmarknadsenheten.", "2018"},
	{"Arbete", "Ta vara på varje individs drivkraft, kompetens och kunskap.", "Vi behöver i högre utsträckning ta tillvara varje individs drivkraft, kompetens och kunskap. Annars missar kommunen värdefull kompetens och individer riskerar att hamna i utanförskap. Det är också svårt att som nyanländ sakna svenska referenser i jobbsökandet.", "Kommunen ska erbjuda fler praktikplatser och möjliggöra yrkeskompetensbedömning.", kla, "2018"},
	{"Arbete", "Erbjuda varje individ utbildning som håller hög kvalitet och som är anpassad efter arbetsmarknadens behov och individuella förutsättningar.", "Vi behöver skapa förståelse bland nyanlända för hur svensk arbetsmarknad fungerar.", "Ordna studiebesök för nyanlända i kommunens och andra arbetsgivares verksamheter.", kla, "2018"},
	{"Boende", "Verka för en god boendemiljö i hela kommunen.", "Bostadsfrågor bör ses över ur ett integrationsperspektiv för att främja en god boendemiljö för alla i kommunen.", "Ett integrationsperspektiv ska skrivas in i bostadsförsörjningsprogrammet.", "Chef kvalitet och strategisk utveckling", "2018"},
	{"Boende", "Alla invånare ska ha ett skäligt boende på lika villkor.", "", "", "", ""},
	{"Boende", "Verka för att det ska finnas blandade bostadstyper och blandade upplåtelseformer i kommunen.", "", "Skapa fler hälsofrämjande miljöer, t ex hälsans stig, utegym, kolonilotter och mötesplatser.", "Kultur- och fritidschef i samarbete med chef samhällsbyggnad", "2018"},
	{"Språk", "Medverka till förbättrad kunskap i svenska språket och värdet av språkkunskaper.", "Det räcker inte med SFI för att lära sig bra svenska. Kommunen kan underlätta för nyanlända genom att informationen\nanpassas. Det är brist på modersmåslärare och studiehandledare.", "Informera (på olika språk) om de språkcaféer och andra möjligheter att öva svenska som finns i kommunen.", "Rektorer grundskola, gymnasiet och förskolechefer.", "2018, minst två gånger per termin."},
	{"Språk", "", "", "Använda ett mer lättläst språk, till exempel i protokoll, blanketter och på kommunens hemsida.", kl, "2018"},
	{"Språk", "", "", "Använda ett mer inkluderande språkbruk i kommunala skrivelser och på hemsidan.", kl, "2018"},
	{"Språk", "", "", "Ta fram riktlinjer och tydlig struktur gällande översättning, hemsida och tillgänglighet.", "Kommunikationsstrateg", "2018"},
	{"Språk", "", "", "Hitta nya sätt att rekrytera studiehandledare och modersmåslärare.", "Rektorer grundskola och gymnasiet och förskolechefer.", "2018"},
	{"Språk", "Erbjuda undervisning i svenska språket som håller hög kvalitet och som är anpassad efter individuella förutsättningar.", "", "Ge förnyat uppdrag till ansvarig att genomföra och att detta följs upp i ordinarie kvalitetsarbete.", "", "2018"},
	{"Attityd", "Verka för en positiv attityd till integration och mångfald.", "Alla ska trivas i Tierps kommun.", "Föreläsningar för anställda om integration och mångfald, anpassat till varje verksamhet.", kl, "2018"},
	{"Attityd", "", "", "Ordna aktiviteter för allmänheten för att främja ett öppet samhällsklimat.", kl, "2018"},
	{"Attityd", "", "", "Organisera/samordna utbildning i jämställdhet, demokrati och samhällsstruktur.", kl, "2018"},
	{"Attityd", "", "", "Tillgängliggöra föreningslivet via hemsida och kommunikation.", "Kultur- och fritidschef i samarbete med kommunikationsavdelningen", "2018"},
	{"Attityd", "", "", "Lyfta upp och synliggöra kommunens befintliga integrationsarbete.", kl, "2018"},
	{"Mötesplatser", "Medverka till att det finns fysiska mötesplatser i alla tätorter i kommunen såväl som digitala mötesplatser där invånarna kan mötas på lika villkor.", "Det saknas attraktiva och tillgängliga mötesplatser.", "Ta hjälp av goda exempel för att skapa en attraktiv mötesplats i kulturhuset Möbeln genom språkhörnor och nya medier.", "Kultur- och fritidschef", "2018"},
	{"Mötesplatser", "Medverka till att det finns platser att mötas på och aktiviteter att delta i som bidrar till ett innehållsrikt vardagsliv utanför skola och arbete.", "", "Bredda det demokratiska deltagandet i medborgardialoger så att det speglar den mångfald som finns hos befolkningen.", "", ""},
	{"Samverkan", "Åstadkomma en effektiv och bra introduktion av nyanlända där alla berörda aktörer ser helheten och samverkar för individens bästa.", "Det är viktigt att säkerställa intern och extern samverkan på integrationsområdet.", "Skriva in ett integrationsperspektiv i relevanta styrdokument såsom verksamhetsplaner.", kl, "2018"},
	{"Samverkan", "", "", "Upprätta ett samverkansnätverk på integrationsområdet inom kommunen.", kl, "2018"},
	{"Samverkan", "Driva projekt i samverkan med civilsamhället för att främja integration.", "", "", "Kultur- och fritidschef", "2018"},
	{"Samverkan", "Vara en drivande aktör i arbetet med integration i kommunen.", "", "", "", ""},
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// importLines flattens a file's import as tierpLines.
func importLines(im *plan.Import) []tierpLine {
	var out []tierpLine
	for _, a := range im.Areas {
		for _, r := range a.Rows {
			out = append(out, tierpLine{a.Title, r.Goal, r.Problem, r.Activity, r.Responsible, r.Timeline})
		}
	}
	return out
}

// treeLines lists a plan's table in Tierp's layout as tierpLines.
func treeLines(tr *plan.Tree) []tierpLine {
	var out []tierpLine
	for i, a := range tr.Content.Areas {
		for _, r := range tr.Table(i) {
			out = append(out, tierpLine{a.Title, r.Goal, r.Problem, r.Activity, r.Responsible, r.Timeline})
		}
	}
	return out
}

// TestReadImportTierp: Tierp's plan written by LibreOffice as XLSX (areas
// as merged rows, a two-line cell), CSV (an «Område» column) and Word
// (one table per area under «Mål/delmål för område …») reads into every
// area, goal, problem, activity, responsible and timeline as the seed
// has them, with the follow-up result and its date.
func TestReadImportTierp(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"tierp.xlsx", "tierp.csv", "tierp.docx"} {
		t.Run(name, func(t *testing.T) {
			im, probs := plan.ReadImport(readFixture(t, name))
			if len(probs) > 0 {
				t.Fatalf("problems: %v", probs)
			}
			if diff := cmp.Diff(tierpPlan, importLines(im)); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
			first := im.Areas[0].Rows[0]
			if first.FollowUp != "Utbildningen genomförd för 24 chefer – «mångfald» i rekryteringen." ||
				first.FollowUpDate == nil || !first.FollowUpDate.Equal(time.Date(2018, 11, 30, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("follow-up of the first row: %q %v", first.FollowUp, first.FollowUpDate)
			}
			if a, g, m := im.Counts(); a != 6 || g != 14 || m != 25 {
				t.Errorf("counts: %d areas, %d goals, %d measures; want 6, 14, 25", a, g, m)
			}
			for _, a := range im.Areas {
				for _, r := range a.Rows {
					if r.TimelineUnread() {
						t.Errorf("row %d: timeline %q flagged", r.Row, r.Timeline)
					}
				}
			}
		})
	}
}

// TestReadImportBadDate: a follow-up date that is not a day is refused
// naming its row (7, the header being row 1) and column.
func TestReadImportBadDate(t *testing.T) {
	t.Parallel()
	im, probs := plan.ReadImport(readFixture(t, "tierp-bad-date.csv"))
	if im != nil || len(probs) != 1 {
		t.Fatalf("import %v, problems %v; want one problem", im, probs)
	}
	p := probs[0]
	if p.Row != 7 || p.Letter != "H" || p.Column != "Datum" || p.Err.Key != "import.error.date" {
		t.Errorf("problem: %+v; want row 7, column H (Datum), import.error.date", p)
	}
}

// TestReadImportShapes: what else a file may hold: an unreadable
// timeline is kept and flagged, a row with only a problem continues the
// row above, a row with no area is refused, a file without the header is
// refused.
func TestReadImportShapes(t *testing.T) {
	t.Parallel()
	im, probs := plan.ReadImport([]byte("Område;Mål/delmål;Problem/behov;Aktivitet;Tidplan\r\n" +
		"Språk;Språkvän i varje by;Få mötesplatser;Språkcafé;När budgeten medger\r\n" +
		";;på landsbygden;;\r\n;;;Läxhjälp;32.13.2018\r\n"))
	if len(probs) > 0 {
		t.Fatalf("problems: %v", probs)
	}
	rows := im.Areas[0].Rows
	if len(rows) != 2 || rows[0].Problem != "Få mötesplatser\npå landsbygden" || !rows[0].TimelineUnread() ||
		rows[0].Timeline != "När budgeten medger" || !rows[1].TimelineUnread() {
		t.Errorf("rows: %+v", rows)
	}
	if _, probs := plan.ReadImport([]byte("Mål/delmål;Aktivitet\r\nMål;Språkcafé\r\n")); len(probs) != 1 || probs[0].Row != 2 ||
		probs[0].Err.Key != "plan_io.error.no_area" {
		t.Errorf("no area: %v", probs)
	}
	if _, probs := plan.ReadImport([]byte("Namn;Telefon\r\nÅse;123\r\n")); len(probs) != 1 || probs[0].Err.Key != "import.error.no_header" {
		t.Errorf("no header: %v", probs)
	}
}

// TestImportIntoPlan: the import writes every line into a draft plan in
// one revision, measures serving their goal; the same areas imported
// again get the lines after their own; a stale preview and an adopted
// plan are refused with nothing written.
func TestImportIntoPlan(t *testing.T) {
	f := newFixture(t)
	p := must[*plan.Plan](t)(f.svc.Create(f.ctx, f.o, f.actor, plan.Meta{Kind: plan.KindActionPlan, Title: "Handlingsplan för integration"}))
	im, probs := plan.ReadImport(readFixture(t, "tierp.xlsx"))
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	// A preview made before someone changed the plan writes nothing.
	must[string](t)(f.svc.AddArea(f.ctx, f.o, f.actor, p.ID, 0, "Arbete"))
	if _, err := f.svc.Import(f.ctx, f.o, f.actor, p.ID, 1, im); app.ErrorCode(err) != app.EConflict {
		t.Fatalf("stale import: %v; want conflict", err)
	}
	if n := len(f.measures(t, p.ID)); n != 0 {
		t.Fatalf("the stale import wrote %d measures", n)
	}
	rev := f.tree(t, p.ID).Plan.Rev
	res, err := f.svc.Import(f.ctx, f.o, f.actor, p.ID, rev, im)
	if err != nil {
		t.Fatal(err)
	}
	if res != (plan.ImportResult{Areas: 5, Goals: 14, Measures: 25}) { // «Arbete» was there
		t.Errorf("result: %+v", res)
	}
	tr := f.tree(t, p.ID)
	if tr.Plan.Rev != rev+1 {
		t.Errorf("rev %d; want one revision, %d", tr.Plan.Rev, rev+1)
	}
	if diff := cmp.Diff(tierpPlan, treeLines(tr)); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
	if n := len(f.measures(t, p.ID)); n != 25 {
		t.Errorf("%d measure rows; want 25", n)
	}
	// Each measure serves the goal above it.
	goal := ""
	for _, it := range tr.Content.Areas[0].Items {
		switch it.Kind {
		case plan.ItemGoal:
			goal = it.ID
		case plan.ItemMeasure:
			if m := tr.Measures[it.ID]; len(m.Goals) != 1 || m.Goals[0] != goal {
				t.Errorf("measure %q serves %v; want %s", m.Description, m.Goals, goal)
			}
		}
	}
	// Importing again appends to the areas of the same name.
	if _, err := f.svc.Import(f.ctx, f.o, f.actor, p.ID, 0, im); err != nil {
		t.Fatal(err)
	}
	tr = f.tree(t, p.ID)
	if len(tr.Content.Areas) != 6 || len(tr.Table(0)) != 14 {
		t.Errorf("after a second import: %d areas, %d rows in Arbete; want 6 and 14", len(tr.Content.Areas), len(tr.Table(0)))
	}
	// An adopted plan takes no import.
	day := time.Date(2017, 5, 30, 0, 0, 0, 0, time.UTC)
	must[*plan.Plan](t)(f.svc.SetStatus(f.ctx, f.o, f.actor, p.ID, 0, plan.StatusAdopted, plan.Adoption{AdoptedBy: "Kommunstyrelsen", AdoptedOn: &day}))
	if _, err := f.svc.Import(f.ctx, f.o, f.actor, p.ID, 0, im); app.ErrorCode(err) != app.EInvalid {
		t.Errorf("import into an adopted plan: %v", err)
	}
}

func (f *fixture) measures(t *testing.T, planID int64) []*measure.MeasureRow {
	t.Helper()
	var rows []*measure.MeasureRow
	err := db.Run(f.ctx, f.svc.DB, db.OrgScope(f.o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		rows, err = measure.MeasuresOfPlan(ctx, idb, f.o.ID, planID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestExportText: æøå «» § survive every export, a private note is in
// none, and the CSV is what Nordic spreadsheets write.
func TestExportText(t *testing.T) {
	f := newFixture(t)
	p := must[*plan.Plan](t)(f.svc.Create(f.ctx, f.o, f.actor, plan.Meta{Kind: plan.KindActionPlan, Title: "Handlingsplan för integration",
		Scope: "Tierps kommuns samtliga verksamheter", RegNumber: "KS 2017.411", Owner: "Kommunchef"}))
	area := must[string](t)(f.svc.AddArea(f.ctx, f.o, f.actor, p.ID, 0, "Språk og «kultur»"))
	must[string](t)(f.svc.AddItem(f.ctx, f.o, f.actor, p.ID, 0, area, "", plan.ItemInput{Kind: plan.ItemGoal, Text: "Mål § 4: øke æøå-kunnskap"}))
	must[string](t)(f.svc.AddItem(f.ctx, f.o, f.actor, p.ID, 0, area, "", plan.ItemInput{Kind: plan.ItemMeasure,
		Text: "Språkkafé «Prat» på Ørsta bibliotek", Responsible: "Kultur- og fritidssjef", Timeline: "=2018",
		Notes: "PRIVAT-MARKØR", FollowUp: "Gjennomført", FollowUpDate: ptr(time.Date(2018, 11, 30, 0, 0, 0, 0, time.UTC))}))
	tr := f.tree(t, p.ID)
	sv := map[string]string{"plan_io.col.area": "Område", "plan_io.col.goal": "Mål/delmål", "plan_io.col.problem": "Problem/behov",
		"plan_io.col.activity": "Aktivitet", "plan_io.col.responsible": "Huvudansvar", "plan_io.col.timeline": "Tidplan",
		"plan_io.col.follow_up": "Uppföljning/resultat", "plan_io.col.date": "Datum"}
	texts := func(key string, args ...any) string {
		if s, ok := sv[key]; ok {
			return s
		}
		return key
	}
	var x, c, d, pd bytes.Buffer
	if err := tr.WriteXLSX(&x, texts, "sv"); err != nil {
		t.Fatal(err)
	}
	if err := tr.WriteCSV(&c, texts, "sv"); err != nil {
		t.Fatal(err)
	}
	doc := tr.Document("sv", texts, f.clock.Now())
	if err := doc.WriteDOCX(&d); err != nil {
		t.Fatal(err)
	}
	if err := doc.WritePDF(&pd); err != nil {
		t.Fatal(err)
	}
	book, err := tabular.Read(x.Bytes(), tabular.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var xs []string
	for _, r := range book.Tables[0].Rows {
		xs = append(xs, strings.Join(r, "|"))
	}
	texts4 := map[string]string{"xlsx": strings.Join(xs, "\n"), "csv": c.String(), "docx": doctest.DOCXText(t, d.Bytes()).Text,
		"pdf": doctest.PDFText(t, pd.Bytes()).Text}
	for format, text := range texts4 {
		for _, want := range []string{"Språk og «kultur»", "Mål § 4: øke æøå-kunnskap", "Språkkafé «Prat» på Ørsta bibliotek", "Kultur- og fritidssjef"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: no %q", format, want)
			}
		}
		if strings.Contains(text, "PRIVAT-MARKØR") {
			t.Errorf("%s holds the private note", format)
		}
	}
	if !strings.Contains(texts4["pdf"], "KS 2017.411") || !strings.Contains(texts4["docx"], "Tierps kommuns samtliga verksamheter") {
		t.Error("the document has no header metadata")
	}
	if !strings.HasPrefix(c.String(), "\ufeffOmråde;") || !strings.Contains(c.String(), "\r\n") ||
		!strings.Contains(c.String(), ";'=2018;Gjennomført;2018-11-30\r\n") {
		t.Errorf("csv:\n%q", c.String())
	}
	// The CSV reads back as it was, the guarded timeline as written.
	im, probs := plan.ReadImport(c.Bytes())
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	if got := importLines(im); len(got) != 1 || got[0] != (tierpLine{"Språk og «kultur»", "Mål § 4: øke æøå-kunnskap", "",
		"Språkkafé «Prat» på Ørsta bibliotek", "Kultur- og fritidssjef", "=2018"}) {
		t.Errorf("the CSV read back: %+v", got)
	}
}

func ptr[T any](v T) *T { return &v }
