package browsertest_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/browsertest"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/workbook"
)

// apiMeasure is what the test reads of GET /api/v1/orgs/{org}/measures/{id}.
type apiMeasure struct {
	ID       string `json:"id"`
	Status   string `json:"status"`
	Progress int    `json:"progress"`
	Timeline []struct {
		Author     string `json:"author"`
		StatusFrom string `json:"status_from"`
		StatusTo   string `json:"status_to"`
		Progress   int    `json:"progress"`
		Note       string `json:"note"`
	} `json:"timeline"`
}

// fetchMeasure reads a measure from the API with the browser's session.
func fetchMeasure(t *testing.T, b *browsertest.Browser, slug, id string) apiMeasure {
	t.Helper()
	u := fmt.Sprintf("/api/v1/orgs/%s/measures/%s", slug, id)
	return browsertest.Eval[apiMeasure](t, b, `fetch(`+js(u)+`, {headers: {Accept: "application/json"}}).then(r => {
		if (!r.ok) throw new Error("GET `+u+`: " + r.status);
		return r.json();
	})`)
}

// measureSetup gives Meldal's demo answer to the first problem statement
// two new measures for the demo contributor, saved by the editor through
// the workbook service: one due in ten days (a date), one due «Høst» of
// this year (31 December), ongoing at 30 %. It answers their ids and the answer's path.
func measureSetup(t *testing.T, srv *browsertest.Server, dated, seasonal string) (idDated, idSeasonal, answer string) {
	t.Helper()
	ctx := context.Background()
	meldal, err := srv.Main.Orgs.FindBySlug(ctx, "meldal")
	if err != nil {
		t.Fatal(err)
	}
	var book, stmt, editor, contributor int64
	err = db.Run(ctx, srv.Main.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		if err := idb.NewRaw("SELECT w.id, s.id FROM workbooks w JOIN organisations o ON o.id = w.org_id"+
			" JOIN workbook_chapters c ON c.template_id = w.template_id JOIN workbook_statements s ON s.chapter_id = c.id AND s.org_id = c.org_id"+
			" WHERE o.slug = 'meldal' ORDER BY c.position, s.position LIMIT 1").Scan(ctx, &book, &stmt); err != nil {
			return err
		}
		return idb.NewRaw("SELECT (SELECT id FROM users WHERE email = 'editor@meldal.example'), (SELECT id FROM users WHERE email = 'contributor@meldal.example')").
			Scan(ctx, &editor, &contributor)
	})
	if err != nil {
		t.Fatal(err)
	}
	_, entries, err := srv.Main.Workbooks.OpenWorkbook(ctx, meldal, book, workbook.StatementEntry(stmt))
	if err != nil {
		t.Fatal(err)
	}
	content, base := workbook.Content{Answers: map[string]string{}}, 0
	if e := entries[stmt]; e != nil {
		content, base = e.Content, e.Version
	}
	// "Today" is the server's: the system clock, in Meldal's time zone.
	tz, err := time.LoadLocation(meldal.TimeZone)
	if err != nil {
		tz = time.UTC
	}
	now := time.Now().In(tz)
	due := time.Date(now.Year(), now.Month(), now.Day()+10, 0, 0, 0, 0, time.UTC)
	season := fmt.Sprintf("Høst %d", now.Year())
	seasonDue := measure.ParseDeadline(season, measure.Seasons{}).Due
	if seasonDue.IsZero() {
		t.Fatalf("%q is not read as a period", season)
	}
	n := len(content.Measures)
	content.Measures = append(content.Measures,
		workbook.Measure{Description: dated, ResponsibleUser: &contributor, Deadline: &due, Status: measure.StatusOngoing, Progress: 40},
		workbook.Measure{Description: seasonal, Responsible: "Rektorer grunnskole", ResponsibleUser: &contributor,
			DeadlineText: season, Deadline: &seasonDue, Status: measure.StatusOngoing, Progress: 30})
	e, err := srv.Main.Workbooks.SaveEntry(ctx, meldal, &app.Actor{UserID: editor, Name: "Demo editor", OrgID: meldal.ID, Role: "editor"},
		workbook.Save{WorkbookID: book, StatementID: stmt, Content: content, BaseVersion: base})
	if err != nil {
		t.Fatalf("the editor saves the answer with two measures: %v", err)
	}
	return e.Content.Measures[n].ID, e.Content.Measures[n+1].ID, fmt.Sprintf("/o/meldal/workbooks/%d/statements/%d", book, stmt)
}

// TestMeasureStatusUpdate: a contributor responsible for a measure finds
// it on "My work", opens it, sets it to done with a note, and sees the
// change on the measure's timeline, on the answer page and in the API;
// a second measure is set to done from "My work"'s quick form. The
// measure page and the dashboard pass axe-core at full width and at
// 360 px, without scrolling sideways; the measure page reads in English
// too.
func TestMeasureStatusUpdate(t *testing.T) {
	t.Parallel()
	srv := browsertest.StartServer(t)
	const (
		dated    = "Språkkafé på biblioteket"
		seasonal = "Leksehjelp for nyankomne elever"
		note     = "Ferdig «før jul» – ære være frivillige på Øya skole"
		waiting  = "Venter på «lokaler» – søknad sendt"
		quick    = "Avsluttet på møtet «desember» – æøå"
	)
	idA, idB, answer := measureSetup(t, srv, dated, seasonal)

	b := browsertest.NewBrowser(t, flowBrowser...)
	b.SignIn(t, srv.URL, "contributor@meldal.example", browsertest.DemoPassword)
	dashboard := srv.URL + "/o/meldal/dashboard"
	if p := path(t, srv, b); p != "/o/meldal/dashboard" {
		b.Visit(t, dashboard)
	}
	mywork := `section[aria-labelledby="mywork-h"]`
	linkA := fmt.Sprintf(`%s a[href="/o/meldal/measures/%s"]`, mywork, idA)
	if got := b.Text(t, mywork); !strings.Contains(got, dated) || !strings.Contains(got, seasonal) {
		t.Fatalf("My work lacks the contributor's measures %q and %q:\n%s", dated, seasonal, got)
	}
	if got := b.Text(t, mywork); !strings.Contains(got, "Høst") || !strings.Contains(got, "31.12.") {
		t.Errorf("My work does not show «Høst» with its day (31.12.):\n%s", got)
	}
	b.Screenshot(t, "TestMeasureStatusUpdate-mywork.png")
	b.CheckA11y(t)

	// The measure's page, from My work.
	if code := b.ClickAndWait(t, linkA); code != http.StatusOK {
		t.Fatalf("the measure's link answered %d", code)
	}
	if p := path(t, srv, b); p != "/o/meldal/measures/"+idA {
		t.Fatalf("after clicking the measure at %s", p)
	}
	if h := b.Text(t, "h1"); !strings.Contains(h, dated) {
		t.Errorf("the measure page's heading is %q", h)
	}
	b.CheckA11y(t)
	choose(t, b, "#f-status", measure.StatusDone)
	b.Fill(t, "#f-progress", "100")
	b.Fill(t, "#f-note", note)
	if code := b.ClickAndWait(t, `form[action$="/status"] button[type="submit"]`); code != http.StatusOK {
		t.Fatalf("saving the update answered %d: %s", code, b.Text(t, "main"))
	}
	if p := path(t, srv, b); p != "/o/meldal/measures/"+idA {
		t.Fatalf("after saving at %s; want the measure's page", p)
	}
	if got, want := b.Text(t, "main .flash"), tr(t, srv, b, "measure.update.saved"); got != want {
		t.Errorf("flash = %q; want %q", got, want)
	}
	step := b.Text(t, "ol.timeline li")
	changed := tr(t, srv, b, "measure.timeline.changed", "from", tr(t, srv, b, "measure.status.ongoing"), "to", tr(t, srv, b, "measure.status.done"))
	if !strings.Contains(step, note) || !strings.Contains(step, changed) || !strings.Contains(step, "100 %") {
		t.Errorf("the timeline's newest step lacks %q, %q or 100 %%:\n%s", changed, note, step)
	}
	if got := b.Text(t, "dl.facts"); !strings.Contains(got, tr(t, srv, b, "measure.status.done")) {
		t.Errorf("the measure's facts do not say done:\n%s", got)
	}

	// The answer page, linked from the measure's page.
	if code := b.ClickAndWait(t, `main a[href="`+answer+`"]`); code != http.StatusOK {
		t.Fatalf("the answer's link answered %d", code)
	}
	b.Screenshot(t, "TestMeasureStatusUpdate-answer.png")
	row := browsertest.Eval[string](t, b, `(() => {
		const a = document.querySelector('#ro-measures-h ~ .table-wrap a[href="/o/meldal/measures/`+idA+`"]');
		return a ? a.closest("tr").innerText : "(no row)";
	})()`)
	if !strings.Contains(row, tr(t, srv, b, "measure.status.done")) || !strings.Contains(row, "100 %") || !strings.Contains(row, "Demo contributor") {
		t.Errorf("the answer page's row of the measure does not say done, 100 %% and who is responsible:\n%s", row)
	}

	// The API, with the contributor's session.
	got := fetchMeasure(t, b, "meldal", idA)
	if got.Status != measure.StatusDone || got.Progress != 100 || len(got.Timeline) == 0 ||
		got.Timeline[0].Note != note || got.Timeline[0].StatusTo != measure.StatusDone || got.Timeline[0].StatusFrom != measure.StatusOngoing {
		t.Errorf("the API answers %+v; want done, 100, newest step ongoing → done with the note", got)
	}

	// On a phone: My work with the second measure still open, and its
	// quick form used there.
	b.SetViewport(t, 360, 740)
	narrow := func(name, u string) {
		t.Helper()
		b.Visit(t, u)
		shot := b.Screenshot(t, "TestMeasureStatusUpdate-"+name+"-360.png")
		t.Logf("%s at 360 px: %s", name, shot)
		b.CheckA11y(t)
		if sw := browsertest.Eval[int](t, b, `document.documentElement.scrollWidth`); sw > 360 {
			t.Errorf("%s at 360 px scrolls sideways: scrollWidth %d (%s)", name, sw, shot)
		}
	}
	narrow("mywork", dashboard)
	if got := b.Text(t, mywork); strings.Contains(got, dated) || !strings.Contains(got, seasonal) {
		t.Errorf("My work should list the open measure and not the one done:\n%s", got)
	}
	form := fmt.Sprintf(`%s form[action="/o/meldal/measures/%s/status"]`, mywork, idB)
	quickUpdate := func(status, note string) {
		t.Helper()
		choose(t, b, form+` select[name="status"]`, status)
		b.Fill(t, form+` input[name="note"]`, note)
		if code := b.ClickAndWait(t, form+` button[type="submit"]`); code != http.StatusOK {
			t.Fatalf("the quick update answered %d: %s", code, b.Text(t, "main"))
		}
	}
	// The quick form has no progress: the measure keeps its 30 %.
	quickUpdate(measure.StatusPostponed, waiting)
	if got := fetchMeasure(t, b, "meldal", idB); got.Status != measure.StatusPostponed || got.Progress != 30 || len(got.Timeline) == 0 || got.Timeline[0].Note != waiting {
		t.Errorf("after postponing from My work the API answers %+v; want postponed, still 30 %%, the note", got)
	}
	quickUpdate(measure.StatusDone, quick)
	if p := path(t, srv, b); p != "/o/meldal/dashboard" {
		t.Errorf("after the quick update at %s; want the dashboard", p)
	}
	if got, want := b.Text(t, "main .flash"), tr(t, srv, b, "measure.update.saved"); got != want {
		t.Errorf("flash after the quick update = %q; want %q", got, want)
	}
	if got := b.Text(t, mywork); strings.Contains(got, seasonal) {
		t.Errorf("My work still lists the measure set to done:\n%s", got)
	}
	gotB := fetchMeasure(t, b, "meldal", idB)
	if gotB.Status != measure.StatusDone || gotB.Progress != 100 || len(gotB.Timeline) == 0 ||
		gotB.Timeline[0].Note != quick || gotB.Timeline[0].StatusFrom != measure.StatusPostponed {
		t.Errorf("the API answers %+v for the quick update; want postponed → done, 100, the note", gotB)
	}
	narrow("measure", srv.URL+"/o/meldal/measures/"+idB)
	if step := b.Text(t, "ol.timeline li"); !strings.Contains(step, quick) {
		t.Errorf("the second measure's timeline lacks the quick note:\n%s", step)
	}

	// In English.
	b.SetViewport(t, 1280, 900)
	b.Visit(t, srv.URL+"/o/meldal/measures/"+idA)
	chooseLanguage(t, b, "en")
	if lang := browsertest.Eval[string](t, b, `document.documentElement.lang`); lang != "en" {
		t.Fatalf("after choosing English the page's language is %q", lang)
	}
	if got := b.Text(t, "main"); !strings.Contains(got, "Done") || !strings.Contains(got, note) {
		t.Errorf("the measure page in English lacks «Done» or the note:\n%s", got)
	}
	b.Screenshot(t, "TestMeasureStatusUpdate-measure-en.png")
	b.CheckA11y(t)
}
