package workbook_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/xuri/excelize/v2"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/internal/webtest"
	"github.com/samvirke/samvirke/internal/workbook"
	"github.com/samvirke/samvirke/internal/workbook/workbooktest"
)

// wbAPI sends a request with an API token and answers status and body.
func wbAPI(t *testing.T, method, u, token, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// wbEntry reads a municipality's entry for a statement as stored, or nil.
func wbEntry(t *testing.T, bdb *bun.DB, orgID, workbookID, statementID int64) *workbook.Entry {
	t.Helper()
	var out *workbook.Entry
	err := db.Run(context.Background(), bdb, db.OrgScope(orgID), func(ctx context.Context, idb bun.IDB) error {
		list, err := workbook.FindEntries(ctx, idb, orgID, workbookID)
		for _, e := range list {
			if e.StatementID == statementID {
				out = e
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSecurity10LeftNetworkKeepsOwnWorkbooks: a municipality that has left
// its network still opens its own workbooks, entries, history, import and
// API, and still saves; only the sharing with the network's members stops.
func TestSecurity10LeftNetworkKeepsOwnWorkbooks(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{}) // an API token: see webtest.Options.Unguarded
	network := r.Org(org.KindNetwork)
	muni := r.Org(org.KindMunicipality)
	peer := r.Org(org.KindMunicipality)
	joined := webtest.Since2016
	r.Join(network, muni, joined)
	r.Join(network, peer, joined)
	editor := r.User(muni, "editor")
	peerMember := r.User(peer, "member")
	ctx := context.Background()
	tmpl, books := workbooktest.Publish(t, r.Workbooks, network, "2016–2017", "«Innvandrerreisen»")
	book := workbooktest.BookOf(t, books, muni.ID).ID
	stmt := tmpl.Chapters[0].Statements[0].ID
	if _, err := r.Workbooks.SaveEntry(ctx, muni, &app.Actor{Name: "Gro"}, workbook.Save{WorkbookID: book, StatementID: stmt,
		Content: workbook.Content{Answers: map[string]string{"analysis": "Vårt eget svar om «innvandrerreisen»"}}}); err != nil {
		t.Fatal(err)
	}
	token, _, err := r.Accounts.CreateAPIToken(ctx, muni, editor.ID, "Fagsystem", "write")
	if err != nil {
		t.Fatal(err)
	}
	// The municipality left the network yesterday.
	left := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -1)
	if err := db.RunTx(ctx, r.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		return org.ReplaceNetworkMembers(ctx, tx, network.ID, []org.NetworkMember{
			{MemberOrgID: muni.ID, JoinedOn: joined, LeftOn: &left}, {MemberOrgID: peer.ID, JoinedOn: joined}})
	}); err != nil {
		t.Fatal(err)
	}
	c := r.Client(editor)
	base := fmt.Sprintf("%s/o/%s/workbooks", r.URL, muni.Slug)
	entry := fmt.Sprintf("%s/%d/statements/%d", base, book, stmt)
	for _, p := range []struct{ url, want string }{
		{base, "2016–2017"},
		{fmt.Sprintf("%s/%d", base, book), "«Innvandrerreisen»"},
		{entry, "Vårt eget svar om «innvandrerreisen»"},
		{entry + "/history", "Gro"},
		{fmt.Sprintf("%s/%d/import", base, book), "Arbeidsboka"},
	} {
		if code, body := c.Get(p.url); code != 200 || !strings.Contains(body, p.want) {
			t.Errorf("GET %s after leaving: %d; want 200 with %q", p.url, code, p.want)
		}
	}
	if code, _ := c.Post(entry, url.Values{"version": {"1"}, "analysis": {"Skrevet etter utmeldingen"}}); code != 303 {
		t.Errorf("saving the own answer after leaving: %d; want 303", code)
	}
	api := fmt.Sprintf("%s/api/v1/orgs/%s/workbooks", r.URL, muni.Slug)
	if code, body := wbAPI(t, "GET", fmt.Sprintf("%s/%d", api, book), token, ""); code != 200 || !strings.Contains(body, "Skrevet etter utmeldingen") {
		t.Errorf("API workbook after leaving: %d %.300s", code, body)
	}
	if code, body := wbAPI(t, "PUT", fmt.Sprintf("%s/%d/statements/%d", api, book, stmt), token,
		`{"version":2,"content":{"answers":{"analysis":"Fra fagsystemet"}}}`); code != 200 {
		t.Errorf("API save after leaving: %d %.300s", code, body)
	}
	// Sharing stops: the former peer no longer reads the answer.
	peerPage := fmt.Sprintf("%s/o/%s/peers/%s/workbooks/%d/statements/%d", r.URL, peer.Slug, muni.Slug, book, stmt)
	if code, body := r.Client(peerMember).Get(peerPage); code != 404 || strings.Contains(body, "Fra fagsystemet") {
		t.Errorf("a former peer reading the answer: %d; want 404", code)
	}
}

// wbWorld is a network with two member municipalities (muni and peer),
// each with a published workbook, and people in each.
type wbWorld struct {
	r                   *webtest.Harness
	network, muni, peer *org.Organisation
	tmpl                *workbook.Template
	book, peerBook      int64 // the municipalities' workbooks
	stmt                int64 // the template's first statement
	editor, viewer      *account.User
	peerMember, coord   *account.User
}

// newWBWorld builds the world on a harness with opts (Unguarded for the
// tests that make an API token: see webtest.Options.Unguarded).
func newWBWorld(t testing.TB, opts webtest.Options) *wbWorld {
	t.Helper()
	w := &wbWorld{r: webtest.New(t, opts)}
	w.network = w.r.Org(org.KindNetwork)
	w.muni = w.r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Meldal kommune" })
	w.peer = w.r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Oppdal kommune" })
	joined := webtest.Since2016
	w.r.Join(w.network, w.muni, joined)
	w.r.Join(w.network, w.peer, joined)
	w.editor = w.r.User(w.muni, "editor")
	w.viewer = w.r.User(w.muni, "viewer")
	w.peerMember = w.r.User(w.peer, "editor")
	w.coord = w.r.User(w.network, "coordinator")
	var books []*workbook.Workbook
	spec := workbook.TemplateSpec{Name: "Arbeidsboka", Chapters: []workbook.ChapterSpec{{Title: "Kapittel 2", Statements: []workbook.StatementSpec{
		{Title: "«Innvandrerreisen»"}, {Title: "Problemstilling 4: Voksenopplæring"}}}}}
	var err error
	if w.tmpl, err = w.r.Workbooks.CreateTemplate(context.Background(), w.network, spec); err != nil {
		t.Fatal(err)
	}
	if books, err = w.r.Workbooks.PublishTemplate(context.Background(), w.network, w.tmpl.ID, "2016–2017"); err != nil {
		t.Fatal(err)
	}
	for _, b := range books {
		if b.OrgID == w.muni.ID {
			w.book = b.ID
		} else {
			w.peerBook = b.ID
		}
	}
	w.stmt = w.tmpl.Chapters[0].Statements[0].ID
	return w
}

// entryURL is the municipality's page of its answer to the first statement.
func (w *wbWorld) entryURL() string {
	return fmt.Sprintf("%s/o/%s/workbooks/%d/statements/%d", w.r.URL, w.muni.Slug, w.book, w.stmt)
}

// apiURL is the API address of the municipality's answer to the first statement.
func (w *wbWorld) apiURL() string {
	return fmt.Sprintf("%s/api/v1/orgs/%s/workbooks/%d/statements/%d", w.r.URL, w.muni.Slug, w.book, w.stmt)
}

func (w *wbWorld) token(t *testing.T) string {
	t.Helper()
	token, _, err := w.r.Accounts.CreateAPIToken(context.Background(), w.muni, w.editor.ID, "Fagsystem", "write")
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// setStoredHTML overwrites the HTML stored with an entry (nil: NULL).
func setStoredHTML(t *testing.T, bdb *bun.DB, e *workbook.Entry, html *string) {
	t.Helper()
	if err := db.RunTx(context.Background(), bdb, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewUpdate().Model((*workbook.Entry)(nil)).Set("html = ?", html).Where("org_id = ? AND id = ?", e.OrgID, e.ID).Exec(ctx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// TestSecurity05RenderedOnceOnSave: an answer is rendered to HTML when it
// is saved, as before (tables, links with rel=nofollow, strikethrough,
// «æøå» §), and every page that shows it serves the stored HTML instead of
// rendering again; answers saved before the change get their HTML in the
// migration step.
func TestSecurity05RenderedOnceOnSave(t *testing.T) {
	t.Parallel()
	w := newWBWorld(t, webtest.Options{})
	ctx := context.Background()
	answer := "Dette er **viktig** for «alle» – se www.imdi.no og [IMDi](https://www.imdi.no), ~~gammelt~~, §§ æøå.\n\n| Tiltak | Frist |\n|---|---|\n| Språkkafé | Høst 2016 |\n"
	e, err := w.r.Workbooks.SaveEntry(ctx, w.muni, &app.Actor{Name: "Gro"}, workbook.Save{WorkbookID: w.book, StatementID: w.stmt,
		Content: workbook.Content{Answers: map[string]string{"analysis": answer}}, Visibility: workbook.VisibilityNetwork})
	if err != nil {
		t.Fatal(err)
	}
	stored := wbEntry(t, w.r.DB, w.muni.ID, w.book, w.stmt)
	for _, want := range []string{"<strong>viktig</strong>", "«alle»", `<a href="http://www.imdi.no" rel="nofollow">www.imdi.no</a>`,
		`<a href="https://www.imdi.no" rel="nofollow">IMDi</a>`, "<del>gammelt</del>", "§§ æøå", "<th>Tiltak</th>", "<td>Høst 2016</td>"} {
		if !strings.Contains(stored.HTML["analysis"], want) {
			t.Errorf("the HTML stored on save lacks %s:\n%s", want, stored.HTML["analysis"])
		}
	}
	// What the pages serve is what was stored, not a new rendering.
	marker := `{"analysis":"<p>STORED-HTML-7f3a</p>"}`
	setStoredHTML(t, w.r.DB, e, &marker)
	pages := map[string]struct {
		url  string
		user *account.User
	}{
		"entry":     {w.entryURL(), w.viewer},
		"peer":      {fmt.Sprintf("%s/o/%s/peers/%s/workbooks/%d/statements/%d", w.r.URL, w.peer.Slug, w.muni.Slug, w.book, w.stmt), w.peerMember},
		"gathering": {fmt.Sprintf("%s/o/%s/templates/%d/statements/%d/gathering", w.r.URL, w.network.Slug, w.tmpl.ID, w.stmt), w.coord},
	}
	for name, p := range pages {
		code, body := w.r.Client(p.user).Get(p.url)
		if code != 200 || !strings.Contains(body, "<p>STORED-HTML-7f3a</p>") || strings.Contains(body, "<strong>viktig</strong>") {
			t.Errorf("%s page: %d; want the stored HTML, not the answer rendered again", name, code)
		}
	}
	// An answer saved before answers were rendered on save (html NULL)
	// gets its HTML in the migration step.
	setStoredHTML(t, w.r.DB, e, nil)
	if err := server.Migrate(ctx, dbtest.DSNOf(t, w.r.DB), slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	if got := wbEntry(t, w.r.DB, w.muni.ID, w.book, w.stmt); got.HTML == nil || got.HTML["analysis"] != stored.HTML["analysis"] {
		t.Errorf("after the migration step the entry's HTML is %q; want it rendered as on save", got.HTML)
	}
}

// TestSecurity06AnswerSizeLimit: an answer over 256 KB in one section is
// refused through the page (422, a message naming the section and the
// limit, everything typed still in the form) and through the API (422
// problem details), and nothing is written; so are too many goals and an
// over-long goal. An answer of exactly the limit is saved.
func TestSecurity06AnswerSizeLimit(t *testing.T) {
	t.Parallel()
	w := newWBWorld(t, webtest.Options{})
	token := w.token(t)
	c := w.r.Client(w.editor)
	long := "Begynnelsen på svaret. " + strings.Repeat("a", workbook.MaxSectionBytes)
	form := url.Values{"version": {"0"}, "analysis": {long}, "goals": {"Bedre informasjonsrutiner"},
		"goal.0.statement": {"Egen voksenopplæring i Meldal"}, "goal.0.status": {"planned"}}
	code, body := c.Post(w.entryURL(), form)
	if code != 422 || !strings.Contains(body, "Svaret på «Analyse – hvordan ser vår situasjon ut nå?»") || !strings.Contains(body, "høyst 256 KB") ||
		!strings.Contains(body, "Begynnelsen på svaret. aaaa") || !strings.Contains(body, "Egen voksenopplæring i Meldal") ||
		!strings.Contains(body, `id="f-analysis" name="analysis" rows="6" aria-invalid="true"`) {
		t.Errorf("an over-long answer through the page: %d; want 422 naming the section and the limit, with the text kept", code)
	}
	if e := wbEntry(t, w.r.DB, w.muni.ID, w.book, w.stmt); e != nil {
		t.Fatalf("the refused answer was written: version %d", e.Version)
	}
	for name, body := range map[string]string{
		"section": `{"version":0,"content":{"answers":{"analysis":"` + long + `"}}}`,
		"goals":   `{"version":0,"content":{"answers":{},"goals":[` + strings.TrimSuffix(strings.Repeat(`{"Statement":"Mål"},`, workbook.MaxGoals+1), ",") + `]}}`,
		"goal":    `{"version":0,"content":{"answers":{},"goals":[{"Statement":"` + strings.Repeat("m", workbook.MaxLongText+1) + `"}]}}`,
	} {
		if code, resp := wbAPI(t, "PUT", w.apiURL(), token, body); code != 422 || !strings.Contains(resp, `"code":"invalid"`) {
			t.Errorf("%s over the limit through the API: %d %.200s; want 422 problem details", name, code, resp)
		}
	}
	if e := wbEntry(t, w.r.DB, w.muni.ID, w.book, w.stmt); e != nil {
		t.Fatalf("a refused API save was written: version %d", e.Version)
	}
	form.Set("analysis", strings.Repeat("å", workbook.MaxSectionBytes/2))
	if code, _ := c.Post(w.entryURL(), form); code != 303 {
		t.Errorf("an answer of exactly the limit: %d; want 303", code)
	}
}

// TestSecurity19ChapterStatusUnknownChapter: a chapter status for a chapter
// that is not one of the workbook's answers 404 and stores nothing.
func TestSecurity19ChapterStatusUnknownChapter(t *testing.T) {
	t.Parallel()
	w := newWBWorld(t, webtest.Options{})
	other, _ := w.r.Workbooks.CreateTemplate(context.Background(), w.network, workbook.TemplateSpec{Name: "Annen mal",
		Chapters: []workbook.ChapterSpec{{Title: "Kapittel 9"}}})
	c := w.r.Client(w.editor)
	for _, ch := range []int64{other.Chapters[0].ID, 999999} {
		u := fmt.Sprintf("%s/o/%s/workbooks/%d/chapters/%d/status", w.r.URL, w.muni.Slug, w.book, ch)
		if code, _ := c.Post(u, url.Values{"status": {"ready"}}); code != 404 {
			t.Errorf("status of chapter %d, not in the workbook: %d; want 404", ch, code)
		}
	}
	var statuses map[int64]string
	db.Run(context.Background(), w.r.DB, db.OrgScope(w.muni.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		statuses, err = workbook.FindChapterStatuses(ctx, idb, w.muni.ID, w.book)
		return err
	})
	if len(statuses) != 0 {
		t.Errorf("statuses stored for foreign chapters: %v", statuses)
	}
	u := fmt.Sprintf("%s/o/%s/workbooks/%d/chapters/%d/status", w.r.URL, w.muni.Slug, w.book, w.tmpl.Chapters[0].ID)
	if code, _ := c.Post(u, url.Values{"status": {"ready"}}); code != 303 {
		t.Errorf("status of the workbook's own chapter: %d; want 303", code)
	}
}

// TestSecurity19CopyOriginFromServer: "copied from" is the server's
// record: an origin typed into the form's hidden fields (or the API) is
// dropped, and a real one keeps the name the server recorded.
func TestSecurity19CopyOriginFromServer(t *testing.T) {
	t.Parallel()
	w := newWBWorld(t, webtest.Options{})
	ctx := context.Background()
	peerEntry, err := w.r.Workbooks.SaveEntry(ctx, w.peer, &app.Actor{Name: "Oppdal"}, workbook.Save{WorkbookID: w.peerBook, StatementID: w.stmt,
		Content: workbook.Content{Measures: []workbook.Measure{{Description: "Språkpraksis i kommunale virksomheter"}}}})
	if err != nil {
		t.Fatal(err)
	}
	token := w.token(t)
	c := w.r.Client(w.editor)
	forged := fmt.Sprintf("%d:%d", w.peer.ID, peerEntry.ID)
	if code, _ := c.Post(w.entryURL(), url.Values{"version": {"0"}, "goal.0.statement": {"Vårt eget mål"}, "goal.0.status": {"planned"},
		"goal.0.from": {forged}, "goal.0.from_name": {"Falsk kommune"}}); code != 303 {
		t.Fatalf("save: %d", code)
	}
	if e := wbEntry(t, w.r.DB, w.muni.ID, w.book, w.stmt); e == nil || len(e.Content.Goals) != 1 || e.Content.Goals[0].From != nil {
		t.Fatalf("a goal typed in the form claims to be copied: %+v", e)
	}
	if code, body := wbAPI(t, "PUT", w.apiURL(), token, fmt.Sprintf(`{"version":1,"content":{"answers":{},"goals":[{"Statement":"Vårt eget mål","From":{"org_id":%d,"org_name":"Falsk kommune","entry_id":%d}}]}}`,
		w.peer.ID, peerEntry.ID)); code != 200 || strings.Contains(body, "Falsk kommune") {
		t.Errorf("an origin claimed through the API: %d %.300s; want it dropped", code, body)
	}
	// A real copy keeps the origin, under the name the server recorded.
	peerPage := fmt.Sprintf("%s/o/%s/peers/%s/workbooks/%d/statements/%d", w.r.URL, w.muni.Slug, w.peer.Slug, w.peerBook, w.stmt)
	if code, _ := c.Post(peerPage+"/copy", url.Values{"kind": {"measure"}, "index": {"0"}}); code != 303 {
		t.Fatalf("copy: %d", code)
	}
	if code, _ := c.Post(w.entryURL(), url.Values{"version": {"3"}, "measure.0.description": {"Språkpraksis – tilpasset"}, "measure.0.status": {"planned"},
		"measure.0.from": {forged}, "measure.0.from_name": {"Falsk kommune"}}); code != 303 {
		t.Fatalf("save after copying: %d", code)
	}
	e := wbEntry(t, w.r.DB, w.muni.ID, w.book, w.stmt)
	if e == nil || len(e.Content.Measures) != 1 || e.Content.Measures[0].From == nil || e.Content.Measures[0].From.OrgName != "Oppdal kommune" {
		t.Errorf("the copied measure's origin = %+v; want Oppdal kommune as recorded", e)
	}
}

// TestSecurity19APIResponsibleOtherOrg: the API refuses a measure whose
// responsible person is not a member of the municipality.
func TestSecurity19APIResponsibleOtherOrg(t *testing.T) {
	t.Parallel()
	w := newWBWorld(t, webtest.Options{})
	token := w.token(t)
	measure := `{"version":0,"content":{"answers":{},"measures":[{"Description":"Finne lokaler","ResponsibleUser":%d,"Deadline":"2030-01-01T00:00:00Z"}]}}`
	code, body := wbAPI(t, "PUT", w.apiURL(), token, fmt.Sprintf(measure, w.peerMember.ID))
	if code != 422 || !strings.Contains(body, `"field":"measure.0.responsible_user"`) {
		t.Errorf("a responsible from another organisation: %d %.300s; want 422 on the field", code, body)
	}
	if e := wbEntry(t, w.r.DB, w.muni.ID, w.book, w.stmt); e != nil {
		t.Fatalf("the refused measure was written: %+v", e.Content.Measures)
	}
	if code, body := wbAPI(t, "PUT", w.apiURL(), token, fmt.Sprintf(measure, w.viewer.ID)); code != 200 {
		t.Errorf("a responsible of the municipality: %d %.300s; want 200", code, body)
	}
}

// TestSecurity19APIUnknownAnswerKey: the API refuses an answer to a
// section the template does not have.
func TestSecurity19APIUnknownAnswerKey(t *testing.T) {
	t.Parallel()
	w := newWBWorld(t, webtest.Options{})
	token := w.token(t)
	code, body := wbAPI(t, "PUT", w.apiURL(), token, `{"version":0,"content":{"answers":{"analysis":"Ok","hemmelig":"Ukjent nøkkel"}}}`)
	if code != 422 || !strings.Contains(body, `"field":"hemmelig"`) {
		t.Errorf("an unknown answer key: %d %.300s; want 422 on the key", code, body)
	}
	if e := wbEntry(t, w.r.DB, w.muni.ID, w.book, w.stmt); e != nil {
		t.Fatalf("the refused answer was written: %+v", e.Content.Answers)
	}
}

// TestSecurity19APIStatus: the API refuses a goal or measure status that
// is not one of the four; a status left out is planned.
func TestSecurity19APIStatus(t *testing.T) {
	t.Parallel()
	w := newWBWorld(t, webtest.Options{})
	token := w.token(t)
	for _, body := range []string{
		`{"version":0,"content":{"answers":{},"goals":[{"Statement":"Mål","Status":"<b>hacked</b>"}]}}`,
		`{"version":0,"content":{"answers":{},"measures":[{"Description":"Tiltak","Status":"whatever"}]}}`,
	} {
		if code, resp := wbAPI(t, "PUT", w.apiURL(), token, body); code != 422 || !strings.Contains(resp, `.status"`) {
			t.Errorf("status %s: %d %.300s; want 422 on the status", body, code, resp)
		}
	}
	if code, resp := wbAPI(t, "PUT", w.apiURL(), token, `{"version":0,"content":{"answers":{},"goals":[{"Statement":"Mål"}]}}`); code != 200 {
		t.Fatalf("a goal without status: %d %.300s", code, resp)
	}
	if e := wbEntry(t, w.r.DB, w.muni.ID, w.book, w.stmt); e == nil || e.Content.Goals[0].Status != measure.StatusNotStarted {
		t.Errorf("a goal saved without status = %+v; want planned", e)
	}
}

// TestSecurity19XLSXLongAnswer: an answer longer than a spreadsheet cell
// holds (32 767 characters) is exported whole, going on in rows marked as
// its continuation, not cut.
func TestSecurity19XLSXLongAnswer(t *testing.T) {
	t.Parallel()
	w := newWBWorld(t, webtest.Options{})
	var sb strings.Builder
	for i := 0; sb.Len() < 80000; i++ {
		fmt.Fprintf(&sb, "Linje %d: kartlegging av «språk» og arbeid – æøå.\n", i)
	}
	answer := strings.TrimSpace(sb.String())
	if _, err := w.r.Workbooks.SaveEntry(context.Background(), w.muni, &app.Actor{Name: "Gro"}, workbook.Save{WorkbookID: w.book, StatementID: w.stmt,
		Content: workbook.Content{Answers: map[string]string{"analysis": answer}}}); err != nil {
		t.Fatal(err)
	}
	c := w.r.Client(w.coord)
	resp, err := c.HTTP.Get(fmt.Sprintf("%s/o/%s/templates/%d/statements/%d/gathering/export/xlsx", w.r.URL, w.network.Slug, w.tmpl.ID, w.stmt))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("xlsx: %v %v", resp, err)
	}
	f, err := excelize.OpenReader(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	col := -1 // Meldal's column
	var got strings.Builder
	var labels []string
	for _, row := range rows {
		for i, cell := range row {
			if strings.HasPrefix(cell, "Meldal kommune") {
				col = i
			}
		}
		if col > 0 && len(row) > col && len(row) > 0 && strings.HasPrefix(row[0], "Analyse") {
			got.WriteString(row[col])
			labels = append(labels, row[0])
		}
	}
	if got.String() != answer {
		t.Errorf("the spreadsheet holds %d of the answer's %d characters; want all of it", len([]rune(got.String())), len([]rune(answer)))
	}
	if len(labels) < 3 || !strings.Contains(labels[1], "(fortsatt, del 2 av") {
		t.Errorf("row headings %q; want the answer's continuation marked", labels)
	}
}

// TestSecurity09ImportPastedTextLimit: pasted text over the import limit
// (the same as an uploaded file's) is refused with a clear message before
// it is parsed, and nothing is saved.
func TestSecurity09ImportPastedTextLimit(t *testing.T) {
	t.Parallel()
	w := newWBWorld(t, webtest.Options{})
	c := w.r.Client(w.editor)
	page := fmt.Sprintf("%s/o/%s/workbooks/%d/import", w.r.URL, w.muni.Slug, w.book)
	text := "«Innvandrerreisen»\nAnalyse – hvordan ser vår situasjon ut nå?\n" + strings.Repeat("Kartlegging ", workbook.MaxImportBytes/12+1)
	text = text[:workbook.MaxImportBytes+1] // one byte over: within the route's body limit, which leaves room for the form
	code, body := c.Post(page, url.Values{"text": {text}, "import": {"1"}})
	if code != 422 || !strings.Contains(body, "Teksten er for lang til å importeres. Den kan være på høyst 1 MB") {
		t.Errorf("pasted text over the limit: %d; want 422 with the limit", code)
	}
	if e := wbEntry(t, w.r.DB, w.muni.ID, w.book, w.stmt); e != nil {
		t.Fatalf("the refused import was saved: %+v", e.Content.Answers)
	}
}

// TestSecurity05HistoryBounded: the history of a long answer edited many
// times shows a page of versions at a time, each change with a few lines
// around it, so the page stays small however long the answer and its
// history.
func TestSecurity05HistoryBounded(t *testing.T) {
	t.Parallel()
	w := newWBWorld(t, webtest.Options{})
	ctx := context.Background()
	// A quarter of the largest answer: twenty unbounded versions of it
	// would still be five times the page's bound, and the test renders
	// each version's Markdown (slow under the race detector).
	size := workbook.MaxSectionBytes / 4
	lines := make([]string, 0, 6000)
	for i := 0; len(strings.Join(lines, "\n")) < size-100; i++ {
		lines = append(lines, fmt.Sprintf("Linje %d: kartlegging av språk og arbeid.", i))
	}
	var e *workbook.Entry
	versions := workbook.HistoryPageSize + 5
	for v := range versions {
		lines[len(lines)/2] = fmt.Sprintf("Endring nummer %d", v)
		base := 0
		if e != nil {
			base = e.Version
		}
		var err error
		if e, err = w.r.Workbooks.SaveEntry(ctx, w.muni, &app.Actor{Name: "Gro"}, workbook.Save{WorkbookID: w.book, StatementID: w.stmt,
			Content: workbook.Content{Answers: map[string]string{"analysis": strings.Join(lines, "\n")}}, BaseVersion: base}); err != nil {
			t.Fatal(err)
		}
	}
	c := w.r.Client(w.viewer)
	code, body := c.Get(w.entryURL() + "/history")
	if code != 200 || strings.Count(body, `id="rev-`) != workbook.HistoryPageSize || !strings.Contains(body, "Eldre versjoner") {
		t.Fatalf("history: %d with %d versions; want %d and a link to older ones", code, strings.Count(body, `id="rev-`), workbook.HistoryPageSize)
	}
	if len(body) > 256<<10 || !strings.Contains(body, "uendrede linjer") {
		t.Errorf("the history page of %d small edits to a %d KB answer is %d KB; want the unchanged lines left out", versions, size>>10, len(body)>>10)
	}
	code, body = c.Get(fmt.Sprintf("%s/history?before=%d", w.entryURL(), versions-workbook.HistoryPageSize+1))
	if code != 200 || strings.Count(body, `id="rev-`) != versions-workbook.HistoryPageSize || strings.Contains(body, "Eldre versjoner") {
		t.Errorf("older history: %d with %d versions; want the %d oldest", code, strings.Count(body, `id="rev-`), versions-workbook.HistoryPageSize)
	}
	// The first version adds every line: the page shows the beginning.
	if !strings.Contains(body, "linjer til i denne endringen") || len(body) > 256<<10 {
		t.Errorf("the history of the first version of a %d KB answer is %d KB; want its first lines and a note", size>>10, len(body)>>10)
	}
}

// BenchmarkSecurity05LargestAnswerViews serves the pages that show an
// answer whose four sections are each as long as allowed, in the Markdown
// goldmark is slowest on, for two municipalities: the entry (read-only),
// a peer's answer, the gathering view and its exports, and the history.
func BenchmarkSecurity05LargestAnswerViews(b *testing.B) {
	w := newWBWorld(b, webtest.Options{})
	ctx := context.Background()
	table := strings.Repeat("a|b\n-|-\n", workbook.MaxSectionBytes/8)
	answers := map[string]string{}
	for _, k := range workbook.DefaultSections {
		answers[k] = table
	}
	for _, m := range []struct {
		o    *org.Organisation
		book int64
	}{{w.muni, w.book}, {w.peer, w.peerBook}} {
		if _, err := w.r.Workbooks.SaveEntry(ctx, m.o, &app.Actor{Name: "Gro"}, workbook.Save{WorkbookID: m.book, StatementID: w.stmt,
			Content: workbook.Content{Answers: answers}}); err != nil {
			b.Fatal(err)
		}
	}
	for name, p := range map[string]struct {
		url  string
		user *account.User
	}{
		"entry":     {w.entryURL(), w.viewer},
		"peer":      {fmt.Sprintf("%s/o/%s/peers/%s/workbooks/%d/statements/%d", w.r.URL, w.peer.Slug, w.muni.Slug, w.book, w.stmt), w.peerMember},
		"gathering": {fmt.Sprintf("%s/o/%s/templates/%d/statements/%d/gathering", w.r.URL, w.network.Slug, w.tmpl.ID, w.stmt), w.coord},
		"history":   {w.entryURL() + "/history", w.viewer},
		"xlsx":      {fmt.Sprintf("%s/o/%s/templates/%d/statements/%d/gathering/export/xlsx", w.r.URL, w.network.Slug, w.tmpl.ID, w.stmt), w.coord},
		"pdf":       {fmt.Sprintf("%s/o/%s/templates/%d/statements/%d/gathering/export/pdf", w.r.URL, w.network.Slug, w.tmpl.ID, w.stmt), w.coord},
	} {
		c := w.r.Client(p.user).HTTP
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				resp, err := c.Get(p.url)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Fatalf("%s: %d", name, resp.StatusCode)
				}
			}
		})
	}
}
