package workbook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/due"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
	"github.com/samvirke/samvirke/internal/workbook"
	"github.com/samvirke/samvirke/internal/workbook/workbooktest"
)

// measureWorld is a municipality in a network with a published workbook,
// an editor, a contributor and a viewer, on a clock set to 1 October 2026.
type measureWorld struct {
	r                           *webtest.Harness
	muni, network               *org.Organisation
	book                        *workbook.Workbook
	stmt, stmt2                 int64
	editor, contributor, viewer int64
	clients                     map[string]*webtest.Client
}

func newMeasureWorld(t *testing.T) *measureWorld {
	t.Helper()
	clock := &app.FixedClock{T: time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)}
	r := webtest.New(t, webtest.Options{Clock: clock})
	network := r.Org(org.KindNetwork)
	muni := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Locale = "nb" })
	r.Join(network, muni, webtest.Since2016)
	tmpl, books := workbooktest.Publish(t, r.Workbooks, network, "2026", "Problemstilling 1: Bosetting", "Problemstilling 2: Kvalifisering")
	w := &measureWorld{r: r, muni: muni, network: network, book: books[0], stmt: tmpl.Chapters[0].Statements[0].ID,
		stmt2: tmpl.Chapters[0].Statements[1].ID, clients: map[string]*webtest.Client{}}
	for _, role := range []string{"editor", "contributor", "viewer"} {
		u := r.User(muni, role)
		w.clients[role] = r.Client(u)
		switch role {
		case "editor":
			w.editor = u.ID
		case "contributor":
			w.contributor = u.ID
		case "viewer":
			w.viewer = u.ID
		}
	}
	return w
}

func (w *measureWorld) save(t *testing.T, c workbook.Content, base int) *workbook.Entry {
	t.Helper()
	e, err := w.r.Workbooks.SaveEntry(context.Background(), w.muni, &app.Actor{UserID: w.editor, Name: "Gro Editor"},
		workbook.Save{WorkbookID: w.book.ID, StatementID: w.stmt, Content: c, BaseVersion: base})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (w *measureWorld) rows(t *testing.T) []*measure.MeasureRow {
	t.Helper()
	var rows []*measure.MeasureRow
	err := db.Run(context.Background(), w.r.DB, db.OrgScope(w.muni.ID), func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Model(&rows).Where("org_id = ?", w.muni.ID).OrderExpr("position, id").Scan(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func (w *measureWorld) entryURL() string {
	return fmt.Sprintf("/o/%s/workbooks/%d/statements/%d", w.muni.Slug, w.book.ID, w.stmt)
}

// TestMeasuresAsRows: an answer's goals and measures are rows of their
// own that follow its saves: a new measure is a row with the deadline as
// written and its due day; an edit changes the row in place (same id); a
// measure taken out is marked removed and its page answers 404; a form
// that names another answer's measure gets a measure of its own.
func TestMeasuresAsRows(t *testing.T) {
	t.Parallel()
	w := newMeasureWorld(t)
	e := w.save(t, workbook.Content{Answers: map[string]string{"analysis": "Vår situasjon «nå»"},
		Goals: []workbook.Goal{{Statement: "Minst 75 % i arbeid eller utdanning", Status: measure.StatusOngoing}},
		Measures: []workbook.Measure{
			{Description: "Språkpraksis i kommunale virksomheter", Responsible: "Flyktningkoordinator", DeadlineText: "Høst 2026",
				Deadline: ptr(time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)), Status: "planned"},
			{Description: "Årshjul for rapportering", Responsible: "Rådmann", DeadlineText: "Årshjul"},
		}}, 0)
	rows := w.rows(t)
	if len(rows) != 2 {
		t.Fatalf("%d measure rows, want 2", len(rows))
	}
	first := rows[0]
	if first.ID != e.Content.Measures[0].ID || first.DeadlineText != "Høst 2026" || first.DeadlineKind != "period" ||
		first.Due == nil || !first.Due.Equal(time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)) || first.Status != measure.StatusNotStarted ||
		first.ResponsibleKey != "flyktningkoordinator" || first.SourceTitle != "Problemstilling 1: Bosetting" {
		t.Errorf("first row = %+v", first)
	}
	if rows[1].DeadlineKind != "yearly" || rows[1].Due != nil {
		t.Errorf("the annual cycle's row = %+v", rows[1])
	}

	// The editor changes the first measure's text and drops the second
	// through the form, which carries the ids.
	form := url.Values{"version": {fmt.Sprint(e.Version)}, "analysis": {"Vår situasjon «nå»"},
		"goal.0.statement": {"Minst 75 % i arbeid eller utdanning"}, "goal.0.id": {e.Content.Goals[0].ID}, "goal.0.status": {"ongoing"},
		"measure.0.description": {"Språkpraksis i alle kommunale virksomheter"}, "measure.0.id": {e.Content.Measures[0].ID},
		"measure.0.deadline": {"Høst 2026"}, "measure.0.responsible": {"Flyktningkoordinator"}, "measure.0.status": {"ongoing"}, "measure.0.progress": {"0"},
		"measure.0.goals": {e.Content.Goals[0].ID}}
	if code, body := w.clients["editor"].Post(w.entryURL(), form); code != 303 {
		t.Fatalf("save: %d %s", code, body)
	}
	rows = w.rows(t)
	if len(rows) != 2 || rows[0].ID != first.ID || rows[0].Description != "Språkpraksis i alle kommunale virksomheter" ||
		rows[0].Status != measure.StatusOngoing || rows[0].RemovedAt != nil || rows[1].RemovedAt == nil {
		t.Fatalf("after the edit: %+v / %+v", rows[0], rows[1])
	}
	if code, _ := w.clients["viewer"].Get(fmt.Sprintf("/o/%s/measures/%s", w.muni.Slug, rows[1].ID)); code != 404 {
		t.Errorf("a removed measure's page: %d, want 404", code)
	}
	// The status change is the timeline's second step.
	d, err := w.r.Workbooks.Measure(context.Background(), w.muni, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Timeline) != 2 || d.Timeline[0].StatusFrom != measure.StatusNotStarted || d.Timeline[0].StatusTo != measure.StatusOngoing {
		t.Errorf("timeline = %+v", d.Timeline)
	}
	// The measure serves the goal chosen in its row: both pages say so,
	// and the editor offers the goal as chosen.
	if len(d.Goals) != 1 || d.Goals[0].ID != e.Content.Goals[0].ID {
		t.Errorf("the measure serves %+v; want the goal chosen", d.Goals)
	}
	if _, body := w.clients["viewer"].Get(fmt.Sprintf("/o/%s/goals/%s", w.muni.Slug, e.Content.Goals[0].ID)); !strings.Contains(body, "Språkpraksis i alle kommunale virksomheter") {
		t.Error("the goal's page does not list the measure serving it")
	}
	if _, body := w.clients["editor"].Get(w.entryURL()); !strings.Contains(body, `<option value="`+e.Content.Goals[0].ID+`" selected>Minst 75 % i arbeid eller utdanning</option>`) {
		t.Error("the editor does not show the goal the measure serves")
	}

	// Restoring the first version brings the measure taken out back as
	// the same row, and the audit log says who restored what.
	restored, err := w.r.Workbooks.RestoreEntry(context.Background(), w.muni, &app.Actor{UserID: w.editor, Name: "Gro Editor"}, e.ID, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	rows = w.rows(t)
	if len(rows) != 2 || rows[1].RemovedAt != nil || restored.Content.Measures[1].ID != rows[1].ID || rows[0].Description != "Språkpraksis i kommunale virksomheter" {
		t.Fatalf("after the restore: %+v / %+v", rows[0], rows[1])
	}
	var restores int
	if err := db.Run(context.Background(), w.r.DB, db.OrgScope(w.muni.ID), func(ctx context.Context, idb bun.IDB) error {
		_, n, err := audit.Find(ctx, idb, w.muni.ID, audit.Filter{Action: audit.EntryRestored})
		restores = n
		return err
	}); err != nil || restores != 1 {
		t.Errorf("restores in the audit log: %d, %v", restores, err)
	}

	// Another answer that names this measure's id gets a measure of its
	// own: the row stays with its answer.
	other, err := w.r.Workbooks.SaveEntry(context.Background(), w.muni, &app.Actor{UserID: w.editor, Name: "Gro Editor"},
		workbook.Save{WorkbookID: w.book.ID, StatementID: w.stmt2, Content: workbook.Content{Answers: map[string]string{"analysis": "x"},
			Measures: []workbook.Measure{{ID: first.ID, Description: "Kapret"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if other.Content.Measures[0].ID == first.ID {
		t.Error("another answer took over the measure's id")
	}
	if d, err := w.r.Workbooks.Measure(context.Background(), w.muni, first.ID); err != nil || d.Measure.Description != "Språkpraksis i kommunale virksomheter" {
		t.Errorf("the measure after another answer named it: %+v %v", d, err)
	}
}

// TestUpdateMeasure: the responsible contributor sets a measure done with
// a note from its page: the answer gets a new version with the status
// (history and the answer page show it), the timeline the step with the
// note, the audit log an entry, and the API the measure as it is now. Bad
// input is refused with what was typed kept.
func TestUpdateMeasure(t *testing.T) {
	t.Parallel()
	w := newMeasureWorld(t)
	e := w.save(t, workbook.Content{Answers: map[string]string{"analysis": "Svar"},
		Measures: []workbook.Measure{{Description: "Informasjonsmøte for nye bosatte", ResponsibleUser: &w.contributor,
			Deadline: ptr(time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC)), Status: measure.StatusOngoing}}}, 0)
	id := e.Content.Measures[0].ID
	page := fmt.Sprintf("/o/%s/measures/%s", w.muni.Slug, id)
	c := w.clients["contributor"]

	code, body := c.Get(page)
	if code != 200 || !strings.Contains(body, "Informasjonsmøte for nye bosatte") || !strings.Contains(body, "15.10.2026") ||
		!strings.Contains(body, `action="`+page+`/status"`) {
		t.Fatalf("the measure's page: %d", code)
	}
	if _, body := w.clients["viewer"].Get(page); strings.Contains(body, `action="`+page+`/status"`) {
		t.Error("a viewer is offered the status update")
	}
	// Bad progress: refused, note kept.
	code, body = c.Post(page+"/status", url.Values{"status": {"done"}, "progress": {"150"}, "note": {"Gjennomført «med» æøå"}})
	if code != 422 || !strings.Contains(body, "Gjennomført «med» æøå") || !strings.Contains(body, "0 til 100") {
		t.Errorf("progress 150: %d", code)
	}
	code, _ = c.Post(page+"/status", url.Values{"status": {"done"}, "progress": {""}, "note": {"Gjennomført 12. oktober – «godt oppmøte»"}})
	if code != 303 {
		t.Fatalf("update: %d", code)
	}
	_, body = c.Get(page)
	for _, want := range []string{"Gjennomført 12. oktober – «godt oppmøte»", "Pågår → Fullført", "Tiltaket er oppdatert."} {
		if !strings.Contains(body, want) {
			t.Errorf("the measure's page after the update lacks %q", want)
		}
	}
	_, body = w.clients["viewer"].Get(w.entryURL())
	if !strings.Contains(body, "Fullført") || !strings.Contains(body, "100 %") {
		t.Error("the answer page does not show the measure done")
	}
	revs, err := w.r.Workbooks.History(context.Background(), w.muni, e.ID)
	if err != nil || len(revs) != 2 {
		t.Fatalf("history: %d versions, %v", len(revs), err)
	}
	var entries []*audit.Entry
	err = db.Run(context.Background(), w.r.DB, db.OrgScope(w.muni.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		entries, _, err = audit.Find(ctx, idb, w.muni.ID, audit.Filter{Action: audit.MeasureUpdated})
		return err
	})
	if err != nil || len(entries) != 1 || entries[0].Target != "Informasjonsmøte for nye bosatte" {
		t.Errorf("audit: %v %v", entries, err)
	}
	// The API shows it, with the timeline.
	code, body = c.Get(fmt.Sprintf("/api/v1/orgs/%s/measures/%s", w.muni.Slug, id))
	var got struct {
		Status   string `json:"status"`
		Progress int    `json:"progress"`
		Due      string `json:"due"`
		Timeline []struct {
			Note string `json:"note"`
		} `json:"timeline"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil || code != 200 {
		t.Fatalf("API: %d %v", code, err)
	}
	if got.Status != "done" || got.Progress != 100 || got.Due != "2026-10-15" || len(got.Timeline) != 2 || got.Timeline[0].Note != "Gjennomført 12. oktober – «godt oppmøte»" {
		t.Errorf("API measure = %+v", got)
	}
	// Done measures leave My work.
	items, _ := w.dueFor(t, w.contributor)
	if len(items) != 0 {
		t.Errorf("My work still has %v", items)
	}
}

// dueFor answers what "My work" has for user, and whether one of them is
// reached through a role.
func (w *measureWorld) dueFor(t *testing.T, user int64) ([]due.Item, bool) {
	t.Helper()
	var items []due.Item
	err := db.Run(context.Background(), w.r.DB, db.OrgScope(w.muni.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		items, err = w.r.Due.Items(ctx, idb, due.Query{OrgID: w.muni.ID, OrgSlug: w.muni.Slug, ResponsibleID: user, OpenOnly: true})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	role := false
	for _, it := range items {
		role = role || it.Role != ""
	}
	return items, role
}

// TestRoleResponsibleOnMyWork (acceptance 2): a measure due «Høst 2026»
// whose responsible is the role «Flyktningkoordinator» is on the "My
// work" of the member who fills the role, in autumn 2026, and links to
// the measure's page; nobody else has it.
func TestRoleResponsibleOnMyWork(t *testing.T) {
	t.Parallel()
	w := newMeasureWorld(t)
	ctx := context.Background()
	role, err := w.r.Orgs.CreateRole(ctx, w.muni, "Flyktningkoordinator", org.RoleKindRole)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.r.Orgs.AddRoleMember(ctx, w.muni, role.ID, w.contributor); err != nil {
		t.Fatal(err)
	}
	in, errs := workbook.MeasureInput{Description: "Bosettingsplan for 2027", Responsible: "flyktningkoordinator ", Deadline: "Høst 2026"}.Validate(nil)
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	e := w.save(t, workbook.Content{Answers: map[string]string{"analysis": "Svar"}, Measures: []workbook.Measure{in}}, 0)
	items, viaRole := w.dueFor(t, w.contributor)
	if len(items) != 1 || !viaRole || items[0].Title != "Bosettingsplan for 2027" || items[0].DueText != "Høst 2026" ||
		!items[0].Due.Equal(time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)) || items[0].Role != "Flyktningkoordinator" ||
		items[0].URL != fmt.Sprintf("/o/%s/measures/%s", w.muni.Slug, e.Content.Measures[0].ID) {
		t.Fatalf("the coordinator's My work = %+v", items)
	}
	if items, _ := w.dueFor(t, w.editor); len(items) != 0 {
		t.Errorf("the editor, who fills no role, has %+v", items)
	}
	_, body := w.clients["contributor"].Get("/o/" + w.muni.Slug + "/dashboard")
	for _, want := range []string{"Bosettingsplan for 2027", "Høst 2026", "via rollen Flyktningkoordinator"} {
		if !strings.Contains(body, want) {
			t.Errorf("the contributor's dashboard lacks %q", want)
		}
	}
	// Named and filling the role: once.
	e.Content.Measures[0].ResponsibleUser = &w.contributor
	w.save(t, e.Content, e.Version)
	if items, _ := w.dueFor(t, w.contributor); len(items) != 1 {
		t.Errorf("named and through the role: %d items, want 1", len(items))
	}
}

func ptr[T any](v T) *T { return &v }
