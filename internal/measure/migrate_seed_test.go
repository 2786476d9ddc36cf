package measure_test

import (
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
)

// legacy is a municipality's workbook as the code before package measure
// left it: four answers, their goals and measures inside their content.
type legacy struct {
	network, muni, peer, user int64
	workbook                  int64
	statements                [4]int64
	titles                    [4]string
	entryA, entryB            int64 // with goals and measures; with measures only
	entryC, entryD            int64 // malformed arrays; null and empty arrays
	savedAt                   time.Time
}

// Texts of the legacy answers, with the letters and signs plans are
// written with.
const (
	goal0    = "Minst 75 % i arbeid eller utdanning – «Ny i Ås» etter § 4"
	goal1    = "Flere får norskopplæring på arbeidsplassen: ÆØÅ æøå «språkpraksis»"
	measure0 = "Kartlegge kompetansen til nyankomne – «Kompetanse først» § 3"
	notes0   = "Sees i sammenheng med «Introduksjonsloven» § 4 – æøå ÆØÅ"
	measure1 = "Språkkafé på biblioteket hver onsdag"
	measure2 = "Mentorordning i frivilligheten «Venneflyktning»"
	measure3 = "Tverrfaglig team etter § 27 – «Sammen om»"
	notes3   = "Avlyst: ressursene gikk til «Ny sjanse» – øæå"
	measureB = "Språkpraksis i kommunale virksomheter – «Jobbsjansen» §§ 2–3"
)

// seedLegacy stores, with plain SQL as the code of the time stored them,
// a network, a municipality with an editor, a peer, a published template
// with four statements, the municipality's workbook and four answers
// whose goals and measures are in their content with Go's field names and
// the statuses of the time (planned, in_progress, done, cancelled).
func seedLegacy(t *testing.T, sqldb *sql.DB) *legacy {
	t.Helper()
	f := &legacy{savedAt: time.Date(2016, 11, 2, 14, 5, 6, 0, time.UTC)}
	ts := "2016-11-02 14:05:06+00:00" // as bun writes a time on both dialects
	org := func(slug, kind, name, country, number string) int64 {
		return exec(t, sqldb, `INSERT INTO organisations (slug, kind, name, country, municipality_number, locale, time_zone,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'nb', 'Europe/Oslo', $6, $6) RETURNING id`,
			slug, kind, name, country, number, ts)
	}
	f.network = org("imdi-ost", "network", "Kommunenettverk Øst «Integrering»", "", "")
	f.muni = org("as", "municipality", "Ås kommune", "NO", "3218")
	f.peer = org("baerum", "municipality", "Bærum kommune", "NO", "3024")
	f.user = exec(t, sqldb, `INSERT INTO users (email, name, locale, created_at, updated_at)
		VALUES ('ase.oren@as.kommune.no', 'Åse Øren', 'nb', $1, $1) RETURNING id`, ts)
	exec(t, sqldb, `INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, 'editor', $3)`, f.muni, f.user, ts)
	exec(t, sqldb, `INSERT INTO network_members (org_id, member_org_id, joined_on) VALUES ($1, $2, '2016-01-01')`, f.network, f.muni)

	tpl := exec(t, sqldb, `INSERT INTO workbook_templates (org_id, name, version, published_at, created_at)
		VALUES ($1, 'Arbeidsbok «Integrering» 2016', 1, $2, $2) RETURNING id`, f.network, ts)
	ch := exec(t, sqldb, `INSERT INTO workbook_chapters (org_id, template_id, position, title)
		VALUES ($1, $2, 0, 'Kapittel 1: Bosetting og kvalifisering') RETURNING id`, f.network, tpl)
	exec(t, sqldb, `INSERT INTO workbook_template_chapters (org_id, template_id, chapter_id, position) VALUES ($1, $2, $3, 0)`,
		f.network, tpl, ch)
	exec(t, sqldb, `INSERT INTO workbook_sections (org_id, template_id, position, key, title)
		VALUES ($1, $2, 0, 'today', 'Hvordan løser dere dette i dag?')`, f.network, tpl)
	for i := range f.statements {
		f.titles[i] = fmt.Sprintf("Gjennomgående problemstilling %c: «Innvandrerreisen» § %d", 'A'+i, i+1)
		f.statements[i] = exec(t, sqldb, `INSERT INTO workbook_statements (org_id, chapter_id, position, title)
			VALUES ($1, $2, $3, $4) RETURNING id`, f.network, ch, i, f.titles[i])
		exec(t, sqldb, `INSERT INTO workbook_template_statements (org_id, template_id, chapter_id, statement_id, position)
			VALUES ($1, $2, $3, $4, $5)`, f.network, tpl, ch, f.statements[i], i)
	}
	exec(t, sqldb, `INSERT INTO workbook_cycles (org_id, cycle, template_id, started_at, updated_at) VALUES ($1, '2016', $2, $3, $3)`,
		f.network, tpl, ts)
	f.workbook = exec(t, sqldb, `INSERT INTO workbooks (org_id, network_id, template_id, cycle, created_at)
		VALUES ($1, $2, $3, '2016', $4) RETURNING id`, f.muni, f.network, tpl, ts)

	from := fmt.Sprintf(`{"org_id":%d,"org_name":"Bærum kommune","entry_id":9001}`, f.peer)
	contentA := `{"answers":{"today":"Vi har «Ny i Ås» – se § 4."},"goals":[` +
		`{"From":` + from + `,"Statement":"` + goal0 + `","IndicatorCode":"IMDi-7","Baseline":52.5,"Target":75,"Unit":"%",` +
		`"TargetDate":"2017-06-30T00:00:00+02:00","Status":"planned"},` +
		`{"Statement":"` + goal1 + `","IndicatorCode":"","Baseline":null,"Target":null,"Unit":"","TargetDate":null,"Status":"in_progress"}` +
		`],"measures":[` +
		fmt.Sprintf(`{"Description":"%s","Responsible":"Flyktningkoordinator ","ResponsibleUser":%d,"Deadline":"2016-12-31T00:00:00Z",`+
			`"DeadlineText":"Høst 2016","Status":"in_progress","Notes":"%s"},`, measure0, f.user, notes0) +
		fmt.Sprintf(`{"Description":"%s","Responsible":"","ResponsibleUser":%d,"Deadline":"2017-03-01T00:00:00Z",`+
			`"DeadlineText":"","Status":"planned","Notes":""},`, measure1, f.user) +
		`{"Description":"` + measure2 + `","Responsible":"NAV Ås","ResponsibleUser":null,"Deadline":null,` +
		`"DeadlineText":"Løpende","Status":"done","Notes":""},` +
		`{"From":` + from + `,"Description":"` + measure3 + `","Responsible":"Økonomisjef","ResponsibleUser":null,"Deadline":null,` +
		`"DeadlineText":"","Status":"cancelled","Notes":"` + notes3 + `"}` +
		`]}`
	contentB := fmt.Sprintf(`{"answers":{"today":"Ingen mål ennå."},"measures":[{"Description":"%s","Responsible":"",`+
		`"ResponsibleUser":%d,"Deadline":"2026-12-03T00:00:00Z","DeadlineText":"","Status":"planned","Notes":""}]}`, measureB, f.user)
	contentC := `{"answers":{"today":"Feilformet"},"goals":{"Statement":"ikke en liste"},"measures":"Løpende"}`
	contentD := `{"answers":{"today":"Tomt"},"goals":null,"measures":[]}`
	entry := func(i int, visibility, content string) int64 {
		id := exec(t, sqldb, `INSERT INTO workbook_entries (org_id, workbook_id, statement_id, visibility, version, content,
			updated_by, updated_at) VALUES ($1, $2, $3, $4, 1, $5, $6, $7) RETURNING id`,
			f.muni, f.workbook, f.statements[i], visibility, content, f.user, ts)
		exec(t, sqldb, `INSERT INTO workbook_revisions (org_id, entry_id, version, author_id, author_name, created_at, content,
			visibility) VALUES ($1, $2, 1, $3, 'Åse Øren', $4, $5, $6)`, f.muni, id, f.user, ts, content, visibility)
		return id
	}
	f.entryA = entry(0, "network", contentA)
	f.entryB = entry(1, "private", contentB)
	f.entryC = entry(2, "public", contentC)
	f.entryD = entry(3, "network", contentD)
	return f
}

func ptr[T any](v T) *T { return &v }

// wantGoals answers the goals' rows the migration makes of the legacy
// answers.
func (f *legacy) wantGoals() []*measure.GoalRow {
	src := f.source(0, f.entryA, "network")
	g0, g1 := src, src
	g0.ID, g0.Position, g0.Statement, g0.IndicatorCode = measure.LegacyID("g", f.entryA, 0), 0, goal0, "IMDi-7"
	g0.Baseline, g0.Target, g0.Unit = ptr(52.5), ptr(75.0), "%"
	g0.TargetDate, g0.Status = ptr(time.Date(2017, 6, 29, 22, 0, 0, 0, time.UTC)), measure.StatusNotStarted
	g0.OriginOrgID, g0.OriginOrgName, g0.OriginEntryID = &f.peer, "Bærum kommune", ptr(int64(9001))
	g1.ID, g1.Position, g1.Statement, g1.Status = measure.LegacyID("g", f.entryA, 1), 1, goal1, measure.StatusOngoing
	return []*measure.GoalRow{&g0, &g1}
}

// wantMeasures answers the measures' rows the migration makes of the
// legacy answers.
func (f *legacy) wantMeasures() []*measure.MeasureRow {
	m := func(entry int64, i int, visibility string, pos int, description, responsible string, user *int64,
		text, kind string, due *time.Time, status, notes string) *measure.MeasureRow {
		g := f.source(i, entry, visibility)
		return &measure.MeasureRow{OrgID: g.OrgID, ID: measure.LegacyID("m", entry, pos), SourceKind: g.SourceKind,
			EntryID: g.EntryID, SourcePath: g.SourcePath, SourceTitle: g.SourceTitle, Visibility: visibility, Position: pos,
			Description: description, Responsible: responsible, ResponsibleKey: org.RoleKey(responsible), ResponsibleUser: user,
			DeadlineText: text, DeadlineKind: kind, Due: due, Status: status, Notes: notes, GoalIDs: "[]"}
	}
	m3 := m(f.entryA, 0, "network", 3, measure3, "Økonomisjef", nil, "", "", nil, measure.StatusCancelled, notes3)
	m3.OriginOrgID, m3.OriginOrgName, m3.OriginEntryID = &f.peer, "Bærum kommune", ptr(int64(9001))
	return []*measure.MeasureRow{
		m(f.entryA, 0, "network", 0, measure0, "Flyktningkoordinator ", &f.user, "Høst 2016", "period", ptr(day(2016, 12, 31)),
			measure.StatusOngoing, notes0),
		m(f.entryA, 0, "network", 1, measure1, "", &f.user, "", "date", ptr(day(2017, 3, 1)), measure.StatusNotStarted, ""),
		m(f.entryA, 0, "network", 2, measure2, "NAV Ås", nil, "Løpende", "unknown", nil, measure.StatusDone, ""),
		m3,
		m(f.entryB, 1, "private", 0, measureB, "", &f.user, "", "date", ptr(day(2026, 12, 3)), measure.StatusNotStarted, ""),
	}
}

// source answers a goal row with what the i-th statement's answer entry
// gives every goal and measure of it.
func (f *legacy) source(i int, entry int64, visibility string) measure.GoalRow {
	return measure.GoalRow{OrgID: f.muni, SourceKind: measure.SourceWorkbookEntry, EntryID: ptr(entry),
		SourcePath: fmt.Sprintf("workbooks/%d/statements/%d", f.workbook, f.statements[i]), SourceTitle: f.titles[i],
		Visibility: visibility}
}
