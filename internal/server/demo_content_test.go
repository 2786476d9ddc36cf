package server_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/due"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/server/servertest"
)

// demoTables are what the demo's workbooks hold: a restart must add
// nothing to them.
var demoTables = []string{"workbook_entries", "workbook_revisions", "workbook_comments", "workbook_chapter_status", "workbook_good_practice", "gatherings", "goals", "measures", "measure_updates", "org_roles", "org_role_members", "plans"}

// checkDemoContent: the demo's Meldal has its chapter's goals and
// measures as rows with the deadlines as written, statement B's arenas as
// a Markdown table, measures that reach its contributor's and editor's
// "My work" (by role, unit and name; overdue, due soon) relative to the
// day it started, a timeline with notes; other members of its network
// have shared answers (and one private); a chapter is ready for the
// gathering and the coordinator's comment shows in the gathering view.
func checkDemoContent(t *testing.T, p *servertest.Process, password string) {
	t.Helper()
	ctx := context.Background()
	var meldal, contributor, editor int64
	var texts []string
	var arenas string
	var shared, private []string
	var ready []string
	var notes int
	err := db.Run(ctx, p.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		if err := idb.NewRaw("SELECT id FROM organisations WHERE slug = 'meldal'").Scan(ctx, &meldal); err != nil {
			return err
		}
		for email, id := range map[string]*int64{"contributor@meldal.example": &contributor, "editor@meldal.example": &editor} {
			if err := idb.NewRaw("SELECT id FROM users WHERE email = ?", email).Scan(ctx, id); err != nil {
				return err
			}
		}
		if err := idb.NewRaw("SELECT deadline_text FROM measures WHERE org_id = ? AND removed_at IS NULL", meldal).Scan(ctx, &texts); err != nil {
			return err
		}
		if err := idb.NewRaw("SELECT e.content FROM workbook_entries e JOIN workbook_statements s ON s.id = e.statement_id "+
			"WHERE e.org_id = ? AND s.title LIKE ?", meldal, "Gjennomgående problemstilling B%").Scan(ctx, &arenas); err != nil {
			return err
		}
		q := "SELECT DISTINCT o.slug FROM workbook_entries e JOIN organisations o ON o.id = e.org_id " +
			"JOIN network_members nm ON nm.member_org_id = o.id JOIN organisations n ON n.id = nm.org_id " +
			"WHERE n.slug = 'sor-trondelag' AND o.slug <> 'meldal' AND e.visibility "
		if err := idb.NewRaw(q+"<> 'private' ORDER BY o.slug").Scan(ctx, &shared); err != nil {
			return err
		}
		if err := idb.NewRaw(q+"= 'private' ORDER BY o.slug").Scan(ctx, &private); err != nil {
			return err
		}
		if err := idb.NewRaw("SELECT o.slug FROM workbook_chapter_status c JOIN organisations o ON o.id = c.org_id WHERE c.status = 'ready'").
			Scan(ctx, &ready); err != nil {
			return err
		}
		return idb.NewRaw("SELECT count(*) FROM measure_updates WHERE org_id = ? AND note <> ''", meldal).Scan(ctx, &notes)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(texts) < 15 {
		t.Errorf("Meldal's measures as rows: %d; want its chapter's and the demo's, at least 15", len(texts))
	}
	for _, want := range []string{"Høst 2016", "Gjennomført innen 1.11.2016", "Okt. 2016", "Løpende", "Årshjul", "Fase 1: 1.7.2017 Fase 2: 1.1.2020"} {
		if !slices.Contains(texts, want) {
			t.Errorf("Meldal's measures lack the deadline %q as written; have %q", want, texts)
		}
	}
	if !strings.Contains(arenas, `| Arena | Formål | Deltakere | Hyppighet |`) || !strings.Contains(arenas, `| Kommunestyret | God kunnskap`) {
		t.Errorf("statement B's arenas are no Markdown table in Meldal's answer:\n%s", arenas)
	}
	if len(shared) < 2 || len(private) == 0 {
		t.Errorf("other members' answers: shared by %q, private of %q; want two or more sharing, one keeping one private", shared, private)
	}
	if len(ready) == 0 {
		t.Errorf("no chapter is ready for the gathering")
	}
	if notes < 2 {
		t.Errorf("Meldal's timelines have %d notes; want status updates with notes", notes)
	}

	// "My work": the due items of the contributor (the refugee
	// coordinator) and of the editor, as the dashboard reads them.
	myWork := func(user int64) []due.Item {
		var items []due.Item
		err := db.Run(ctx, p.DB, db.OrgScope(meldal), func(ctx context.Context, idb bun.IDB) error {
			var err error
			items, err = measure.Due{}.DueItems(ctx, idb, due.Query{OrgID: meldal, OrgSlug: "meldal", ResponsibleID: user, OpenOnly: true})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return items
	}
	today := time.Now()
	mine := myWork(contributor)
	g := due.Group(mine, today)
	byRole := slices.ContainsFunc(mine, func(it due.Item) bool { return it.Role == "Flyktningkoordinator" })
	named := slices.ContainsFunc(mine, func(it due.Item) bool { return it.Role == "" })
	if !byRole || !named || len(g.Overdue) == 0 || len(g.Soon) == 0 {
		t.Errorf("the contributor's My work: %+v; want measures by the role «Flyktningkoordinator» and by name, overdue and due soon", g)
	}
	if g := due.Group(myWork(editor), today); len(g.Overdue) == 0 || len(g.Soon) == 0 {
		t.Errorf("the editor's My work: %+v; want items overdue and due soon", g)
	}

	// The pages: My work on the dashboard, a measure's timeline, the
	// gathering view with the coordinator's comment, the progress grid.
	c := client(t)
	signIn(t, c, p.URL(), "contributor@meldal.example", password)
	code, page := get(t, c, p.URL()+"/o/meldal/dashboard")
	if code != 200 || !strings.Contains(page, "Oppdatere flytskjemaet for innvandrerreisen") || !strings.Contains(page, "Velkomstmappe på arabisk") {
		t.Errorf("the contributor's dashboard: %d; want the measures of My work", code)
	}
	var url string
	for _, it := range mine {
		if strings.HasPrefix(it.Title, "Nye intervju") {
			url = it.URL
		}
	}
	code, page = get(t, c, p.URL()+url)
	if code != 200 || !strings.Contains(page, "Tre av fem intervju er gjennomført") || !strings.Contains(page, "To av fem intervju er gjennomført") {
		t.Errorf("measure page %s: %d; want its timeline with both notes", url, code)
	}
	cc := client(t)
	signIn(t, cc, p.URL(), "coordinator@sor-trondelag.example", password)
	code, page = get(t, cc, p.URL()+"/o/sor-trondelag/dashboard")
	for _, want := range []string{"Åfjord kommune", "Meldal kommune", "Klart til samlingen", "Besvart, ikke delt", "Tredje samling"} {
		if code != 200 || !strings.Contains(page, want) {
			t.Errorf("the coordinator's dashboard (progress grid, next gathering): %d; lacks %q", code, want)
		}
	}
	var tmplID, stmtID int64
	db.Run(ctx, p.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewRaw("SELECT c.template_id, s.id FROM workbook_statements s JOIN workbook_chapters c ON c.id = s.chapter_id "+
			"WHERE s.title LIKE ? LIMIT 1", "Gjennomgående problemstilling A%").Scan(ctx, &tmplID, &stmtID)
	})
	code, page = get(t, cc, fmt.Sprintf("%s/o/sor-trondelag/templates/%d/statements/%d/gathering", p.URL(), tmplID, stmtID))
	for _, want := range []string{"Takk for et grundig svar", "Åfjord kommune", "Osen kommune", "Oppdal kommune"} {
		if code != 200 || !strings.Contains(page, want) {
			t.Errorf("gathering view of statement A: %d; lacks %q", code, want)
		}
	}
	// Meldal's answer: its measures as rows, and a link to a peer's
	// shared answer, which shows that peer's measures.
	var book int64
	db.Run(ctx, p.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewRaw("SELECT id FROM workbooks WHERE org_id = ?", meldal).Scan(ctx, &book)
	})
	code, page = get(t, c, fmt.Sprintf("%s/o/meldal/workbooks/%d/statements/%d", p.URL(), book, stmtID))
	peer := regexp.MustCompile(`href="(/o/meldal/peers/afjord/workbooks/\d+/statements/\d+)"`).FindStringSubmatch(page)
	if code != 200 || !strings.Contains(page, "Illustrasjon av «innvandrerreisen»") || peer == nil {
		t.Fatalf("Meldal's answer to statement A: %d; want its measures and a link to Åfjord's answer", code)
	}
	if code, page = get(t, c, p.URL()+peer[1]); code != 200 || !strings.Contains(page, "Praksisplasser med mulighet for ansettelse i havbruksnæringen") {
		t.Errorf("Åfjord's answer %s: %d; want its measures", peer[1], code)
	}
	checkDemoPlans(t, p, password)
	checkDemoReminders(t, p, password)
	checkDemoBilling(t, p)
}
