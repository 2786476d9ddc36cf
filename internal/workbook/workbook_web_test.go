package workbook_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/xuri/excelize/v2"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
	"github.com/samvirke/samvirke/internal/workbook"
	"github.com/samvirke/samvirke/internal/workbook/workbooktest"
	"github.com/samvirke/samvirke/tenants"
)

// TestWorkbookEditor: an editor answers a problem statement with goals and
// measures through the page; bad input keeps every typed value; a measure
// with a responsible person and a deadline lands on that person's "My
// work"; two people saving the same answer from the same version leaves
// the second with a conflict page that keeps their text.
func TestWorkbookEditor(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	network := r.Org(org.KindNetwork)
	muni := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Meldal kommune" })
	r.Join(network, muni, webtest.Since2016)
	editor := r.User(muni, "editor")
	colleague := r.User(muni, "editor")
	coordinator := r.User(muni, "contributor")
	tmpl, books := workbooktest.Publish(t, r.Workbooks, network, "2016–2017", "Problemstilling 4: Voksenopplæring i egen kommune")
	page := fmt.Sprintf("%s/o/%s/workbooks/%d/statements/%d", r.URL, muni.Slug, books[0].ID, tmpl.Chapters[0].Statements[0].ID)
	ec := r.Client(editor)
	due := time.Now().UTC().AddDate(0, 0, 10)
	deadline := due.Format(time.DateOnly)
	form := url.Values{
		"version": {"0"}, "analysis": {"Avtalen med Orkdal kommune er sagt opp fra 01.01.2017."},
		"goal.0.statement": {"Egen voksenopplæring i Meldal"}, "goal.0.baseline": {"0"}, "goal.0.target": {"12,5x"}, "goal.0.unit": {"elever"},
		"goal.0.status":         {"planned"},
		"measure.0.description": {"Finne egnede lokaler for undervisning"}, "measure.0.responsible": {"Flyktningkoordinator"},
		"measure.0.responsible_user": {fmt.Sprint(coordinator.ID)}, "measure.0.deadline": {deadline}, "measure.0.status": {"in_progress"},
		"measure.1.description": {"Utrede skoleskyss"}, "measure.1.deadline": {"Høst 2016"}, "measure.1.status": {"planned"},
	}
	code, body := ec.Post(page, form)
	if code != 422 || !strings.Contains(body, "12,5x") || !strings.Contains(body, "Finne egnede lokaler for undervisning") ||
		!strings.Contains(body, "Avtalen med Orkdal kommune") || !strings.Contains(body, `aria-invalid="true"`) {
		t.Fatalf("a bad number: %d; want 422 with everything typed kept and the field marked", code)
	}
	form.Set("goal.0.target", "12,5")
	if code, _ := ec.Post(page, form); code != 303 {
		t.Fatalf("save: %d", code)
	}
	_, body = ec.Get(page)
	// Days are shown the page's language's way (Norwegian: 03.12.2026).
	for _, want := range []string{"12,5", "Høst 2016", "Flyktningkoordinator", i18n.FormatDateInput("nb", due)} {
		if !strings.Contains(body, want) {
			t.Errorf("the saved answer lacks %q", want)
		}
	}
	_, dash := r.Client(coordinator).Get(r.URL + "/o/" + muni.Slug + "/dashboard")
	if !strings.Contains(dash, "Finne egnede lokaler for undervisning") || !strings.Contains(dash, "Tiltak i arbeidsbok") {
		t.Error("the responsible person's My work lacks the measure")
	}

	// Two people start from version 1.
	cc := r.Client(colleague)
	mine := url.Values{"version": {"1"}, "analysis": {"Min versjon: lærerstillinger lyst ut."}}
	theirs := url.Values{"version": {"1"}, "analysis": {"Kollegaens versjon: skoleskyss utredet."}}
	if code, _ := cc.Post(page, theirs); code != 303 {
		t.Fatalf("colleague's save: %d", code)
	}
	code, body = ec.Post(page, mine)
	if code != 409 || !strings.Contains(body, "Min versjon: lærerstillinger lyst ut.") || !strings.Contains(body, "Kollegaens versjon: skoleskyss utredet.") {
		t.Errorf("the second save from the same version: %d; want 409 showing both texts", code)
	}
}

// TestGatheringExport: the network's coordinator downloads the gathering
// view as XLSX and PDF; the spreadsheet holds the members' shared answers
// with Norwegian letters intact, and the export is in the audit log.
func TestGatheringExport(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	network := r.Org(org.KindNetwork)
	coord := r.User(network, "coordinator")
	var members []*org.Organisation
	for _, name := range []string{"Åfjord kommune", "Skaun kommune"} {
		m := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = name })
		r.Join(network, m, webtest.Since2016)
		members = append(members, m)
	}
	ctx := context.Background()
	tmpl, books := workbooktest.Publish(t, r.Workbooks, network, "2016–2017", "«Innvandrerreisen»")
	stmt := tmpl.Chapters[0].Statements[0].ID
	entries := map[int64]int64{}
	answers := map[int64]string{members[0].ID: "Flytskjema for «innvandrerreisen» – §§ og æøå ÆØÅ", members[1].ID: "Skaun deler ikke ennå"}
	for _, b := range books {
		vis := workbook.VisibilityNetwork
		if b.OrgID == members[1].ID {
			vis = workbook.VisibilityPrivate
		}
		o := members[0]
		if b.OrgID == members[1].ID {
			o = members[1]
		}
		e, err := r.Workbooks.SaveEntry(ctx, o, &app.Actor{Name: "Koordinator"}, workbook.Save{WorkbookID: b.ID, StatementID: stmt,
			Content: workbook.Content{Answers: map[string]string{"analysis": answers[b.OrgID]}}, Visibility: vis})
		if err != nil {
			t.Fatal(err)
		}
		entries[o.ID] = e.ID
	}
	c := r.Client(coord)
	base := fmt.Sprintf("%s/o/%s/templates/%d/statements/%d/gathering", r.URL, network.Slug, tmpl.ID, stmt)
	// The coordinator marks Åfjord's answer as good practice; Skaun's
	// private answer is not in the view and cannot be marked.
	if code, _ := c.Post(base+"/good-practice", url.Values{"org": {fmt.Sprint(members[0].ID)}, "entry": {fmt.Sprint(entries[members[0].ID])}, "mark": {"on"}}); code != 303 {
		t.Fatalf("mark good practice: %d", code)
	}
	if code, _ := c.Post(base+"/good-practice", url.Values{"org": {fmt.Sprint(members[1].ID)}, "entry": {fmt.Sprint(entries[members[1].ID])}, "mark": {"on"}}); code != 404 {
		t.Errorf("marking a private answer: %d; want 404", code)
	}
	if _, view := c.Get(base); !strings.Contains(view, "Åfjord kommune – god praksis") {
		t.Error("the gathering view does not say Åfjord's answer is good practice")
	}
	// The coordinator comments on Åfjord's answer from the gathering view.
	if code, _ := c.Post(base+"/comments", url.Values{"entry_ref": {fmt.Sprintf("%d:%d", members[0].ID, entries[members[0].ID])}, "body": {"Kan dere dele flytskjemaet på samlingen?"}}); code != 303 {
		t.Fatalf("coordinator comment: %d", code)
	}
	var comments []*workbook.Comment
	if p, err := r.Workbooks.Comments(ctx, members[0].ID, entries[members[0].ID], 0); err == nil {
		comments = p.Comments
	}
	if len(comments) != 1 || comments[0].Body != "Kan dere dele flytskjemaet på samlingen?" || comments[0].AuthorOrgID == nil || *comments[0].AuthorOrgID != network.ID {
		t.Errorf("comments on Åfjord's answer = %+v; want the coordinator's", comments)
	}
	resp, err := c.HTTP.Get(base + "/export/xlsx")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("xlsx: %v %v", resp, err)
	}
	f, err := excelize.OpenReader(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	var cells []string
	for _, sheet := range f.GetSheetList() {
		rows, _ := f.GetRows(sheet)
		for _, row := range rows {
			cells = append(cells, row...)
		}
	}
	all := strings.Join(cells, "\n")
	if !strings.Contains(all, answers[members[0].ID]) || strings.Contains(all, answers[members[1].ID]) || !strings.Contains(all, "God praksis") {
		t.Errorf("spreadsheet: want Åfjord's shared answer exactly and not Skaun's private one; got\n%s", all)
	}
	resp, err = c.HTTP.Get(base + "/export/pdf")
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("pdf: %v %v", resp, err)
	}
	resp.Body.Close()
	var n int
	db.Run(ctx, r.DB, db.OrgScope(network.ID), func(ctx context.Context, idb bun.IDB) error {
		entries, _, err := audit.Find(ctx, idb, network.ID, audit.Filter{Action: audit.Export})
		n = len(entries)
		return err
	})
	if n != 2 {
		t.Errorf("audit log has %d exports; want 2", n)
	}
}

// TestWorkbookAPI: an integration saves an answer with a write token;
// saving from a stale version answers 409 problem details and writes
// nothing; a read-only token may read but not write.
func TestWorkbookAPI(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{}) // account.CreateAPIToken: see Options.Unguarded
	network := r.Org(org.KindNetwork)
	muni := r.Org(org.KindMunicipality)
	r.Join(network, muni, webtest.Since2016)
	editor := r.User(muni, "editor")
	ctx := context.Background()
	tmpl, books := workbooktest.Publish(t, r.Workbooks, network, "2026", "«Innvandrerreisen»")
	write, _, err := r.Accounts.CreateAPIToken(ctx, muni, editor.ID, "Fagsystem", "write")
	if err != nil {
		t.Fatal(err)
	}
	read, _, _ := r.Accounts.CreateAPIToken(ctx, muni, editor.ID, "Rapport", "read")
	url := fmt.Sprintf("%s/api/v1/orgs/%s/workbooks/%d/statements/%d", r.URL, muni.Slug, books[0].ID, tmpl.Chapters[0].Statements[0].ID)
	put := func(token, body string) (int, string) {
		req, _ := http.NewRequest("PUT", url, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := put(write, `{"version":0,"content":{"answers":{"analysis":"Første – «æøå»"}}}`); code != 200 || !strings.Contains(body, `"version":1`) {
		t.Fatalf("first save: %d %s", code, body)
	}
	code, body := put(write, `{"version":0,"content":{"answers":{"analysis":"Utdatert"}}}`)
	if code != 409 || !strings.Contains(body, `"code":"conflict"`) {
		t.Errorf("stale save: %d %s; want 409 problem details with code conflict", code, body)
	}
	if code, _ := put(read, `{"version":1,"content":{"answers":{"analysis":"Lesetoken"}}}`); code != 403 {
		t.Errorf("read-only token writing: %d; want 403", code)
	}
	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/v1/orgs/%s/workbooks/%d", r.URL, muni.Slug, books[0].ID), nil)
	req.Header.Set("Authorization", "Bearer "+read)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "Første – «æøå»") || strings.Contains(string(b), "Utdatert") {
		t.Errorf("read with a read token: %d %s", resp.StatusCode, b)
	}
}

// TestImportPage: a municipality pastes its filled-in chapter, sees where
// the answers go (nothing saved yet), then imports; an empty text keeps the
// form with a clear error.
func TestImportPage(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	network := r.Org(org.KindNetwork)
	muni := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Meldal kommune" })
	r.Join(network, muni, webtest.Since2016)
	editor := r.User(muni, "editor")
	ctx := context.Background()
	defs, err := workbook.LoadDefinitions(tenants.Workbooks, "workbooks")
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := r.Workbooks.CreateTemplate(ctx, network, defs[0].Spec())
	if err != nil {
		t.Fatal(err)
	}
	books, _ := r.Workbooks.PublishTemplate(ctx, network, tmpl.ID, "2016–2017")
	text, _ := defs[0].AnswerText(tenants.Workbooks, defs[0].Answers[0])
	c := r.Client(editor)
	page := fmt.Sprintf("%s/o/%s/workbooks/%d/import", r.URL, muni.Slug, books[0].ID)
	if code, body := c.Post(page, url.Values{"text": {"   "}}); code != 422 || !strings.Contains(body, "Lim inn eller last opp teksten") {
		t.Errorf("empty text: %d; want 422 with the error", code)
	}
	// The same chapter as a Word document (made by LibreOffice, testdata/).
	if code, body := uploadFile(t, c, page, "testdata/meldal-kapittel-2.docx", "preview", "1"); code != 200 ||
		!strings.Contains(body, "Intervju er gjennomført vår 2016") || !strings.Contains(body, "Funnet på linje") {
		t.Errorf("preview of the .docx: %d; want the mapped answers", code)
	}
	if code, body := uploadFile(t, c, page, "../tabular/testdata/plan.xlsx", "preview", "1"); code != 422 || !strings.Contains(body, "Word-dokument (.docx) eller ren tekst") {
		t.Errorf("a spreadsheet as the chapter: %d; want 422 saying which files are read", code)
	}
	code, body := c.Post(page, url.Values{"text": {text}, "preview": {"1"}})
	if code != 200 || !strings.Contains(body, "Intervju er gjennomført vår 2016") || !strings.Contains(body, "Funnet på linje") {
		t.Fatalf("preview: %d; want the mapped answers with their position", code)
	}
	stmt := tmpl.Chapters[0].Statements[0].ID
	entryPage := fmt.Sprintf("%s/o/%s/workbooks/%d/statements/%d", r.URL, muni.Slug, books[0].ID, stmt)
	if _, body := c.Get(entryPage); strings.Contains(body, "Intervju er gjennomført vår 2016") {
		t.Fatal("the preview saved the answers")
	}
	if code, _ := c.Post(page, url.Values{"text": {text}, "import": {"1"}}); code != 303 {
		t.Fatalf("import: %d", code)
	}
	if _, body := c.Get(entryPage); !strings.Contains(body, "Intervju er gjennomført vår 2016") || !strings.Contains(body, "Flyktningkoordinator") {
		t.Error("after importing, the answer to «Innvandrerreisen» lacks Meldal's text")
	}
}

// TestPeerAnswers: a municipality's editor reads a network peer's shared
// answer, not its private one, not one of a municipality outside its
// networks, and can edit neither.
func TestPeerAnswers(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	network := r.Org(org.KindNetwork)
	joined := webtest.Since2016
	own := r.Org(org.KindMunicipality)
	peer := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Oppdal kommune" })
	r.Join(network, own, joined)
	r.Join(network, peer, joined)
	outsideNet := r.Org(org.KindNetwork)
	outsider := r.Org(org.KindMunicipality)
	r.Join(outsideNet, outsider, joined)
	editor := r.User(own, "editor")
	ctx := context.Background()
	spec := workbook.TemplateSpec{Name: "Arbeidsboka", Chapters: []workbook.ChapterSpec{{Title: "Kapittel 2",
		Statements: []workbook.StatementSpec{{Title: "Delt problemstilling"}, {Title: "Privat problemstilling"}}}}}
	tmpl, _ := r.Workbooks.CreateTemplate(ctx, network, spec)
	books, _ := r.Workbooks.PublishTemplate(ctx, network, tmpl.ID, "2026")
	otmpl, _ := r.Workbooks.CreateTemplate(ctx, outsideNet, spec)
	obooks, _ := r.Workbooks.PublishTemplate(ctx, outsideNet, otmpl.ID, "2026")
	shared, private := tmpl.Chapters[0].Statements[0].ID, tmpl.Chapters[0].Statements[1].ID
	peerBook := workbooktest.BookOf(t, books, peer.ID).ID
	save := func(o *org.Organisation, book, stmt int64, text, vis string) {
		if _, err := r.Workbooks.SaveEntry(ctx, o, &app.Actor{Name: "Oppdal"}, workbook.Save{WorkbookID: book, StatementID: stmt,
			Content: workbook.Content{Answers: map[string]string{"analysis": text}}, Visibility: vis}); err != nil {
			t.Fatal(err)
		}
	}
	save(peer, peerBook, shared, "Oppdal deler: språkpraksis i kommunale virksomheter", workbook.VisibilityNetwork)
	save(peer, peerBook, private, "Oppdals interne utkast", workbook.VisibilityPrivate)
	save(outsider, obooks[0].ID, otmpl.Chapters[0].Statements[0].ID, "Utenfor nettverket", workbook.VisibilityNetwork)
	c := r.Client(editor)
	peerURL := func(slug string, book, stmt int64) string {
		return fmt.Sprintf("%s/o/%s/peers/%s/workbooks/%d/statements/%d", r.URL, own.Slug, slug, book, stmt)
	}
	if code, body := c.Get(peerURL(peer.Slug, peerBook, shared)); code != 200 || !strings.Contains(body, "språkpraksis i kommunale virksomheter") {
		t.Errorf("a peer's shared answer: %d; want it shown", code)
	}
	if code, body := c.Get(peerURL(peer.Slug, peerBook, private)); code != 404 || strings.Contains(body, "interne utkast") {
		t.Errorf("a peer's private answer: %d; want 404", code)
	}
	if code, _ := c.Get(peerURL(outsider.Slug, obooks[0].ID, otmpl.Chapters[0].Statements[0].ID)); code != 404 {
		t.Errorf("an answer of a municipality outside the network: %d; want 404", code)
	}
	// Editing the peer's answer: through the own organisation's editor with
	// the peer's workbook (not ours: 404), or in the peer's pages (not a
	// member: 404).
	for _, u := range []string{
		fmt.Sprintf("%s/o/%s/workbooks/%d/statements/%d", r.URL, own.Slug, peerBook, shared),
		fmt.Sprintf("%s/o/%s/workbooks/%d/statements/%d", r.URL, peer.Slug, peerBook, shared),
	} {
		if code, _ := c.Post(u, url.Values{"version": {"1"}, "analysis": {"Overskrevet"}}); code != 404 {
			t.Errorf("editing a peer's answer at %s: %d; want 404", u, code)
		}
	}
	if code, body := c.Get(peerURL(peer.Slug, peerBook, shared)); code != 200 || strings.Contains(body, "Overskrevet") {
		t.Error("the peer's answer changed")
	}
}

// TestGatherings: the coordinator plans a gathering with a chapter due;
// the member municipality sees the due date on its workbook and the next
// gathering on its dashboard, and a contributor marks the chapter ready.
func TestGatherings(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	network := r.Org(org.KindNetwork)
	coord := r.User(network, "coordinator")
	muni := r.Org(org.KindMunicipality)
	r.Join(network, muni, webtest.Since2016)
	contributor := r.User(muni, "contributor")
	tmpl, books := workbooktest.Publish(t, r.Workbooks, network, "2026", "«Innvandrerreisen»")
	day := time.Now().UTC().AddDate(0, 1, 0)
	cc := r.Client(coord)
	if code, body := cc.Post(r.URL+"/o/"+network.Slug+"/gatherings", url.Values{"title": {"Tredje samling"}, "starts_on": {"ikke en dato"}}); code != 422 || !strings.Contains(body, "Tredje samling") {
		t.Errorf("a gathering without a date: %d; want 422 with the title kept", code)
	}
	if code, _ := cc.Post(r.URL+"/o/"+network.Slug+"/gatherings", url.Values{"title": {"Tredje samling"}, "starts_on": {day.Format(time.DateOnly)},
		"place": {"Scandic Lerkendal, Trondheim"}, "chapter": {fmt.Sprint(tmpl.Chapters[0].ID)}}); code != 303 {
		t.Fatalf("create gathering: %d", code)
	}
	if _, list := cc.Get(r.URL + "/o/" + network.Slug + "/gatherings"); !strings.Contains(list, muni.Name) {
		t.Error("the gathering does not list the participating municipality")
	}
	mc := r.Client(contributor)
	_, body := mc.Get(fmt.Sprintf("%s/o/%s/workbooks/%d", r.URL, muni.Slug, books[0].ID))
	if !strings.Contains(body, "Frist: Tredje samling, "+day.Format("02.01.2006")) {
		t.Error("the workbook does not show the chapter's due date at the gathering")
	}
	if _, dash := mc.Get(r.URL + "/o/" + muni.Slug + "/dashboard"); !strings.Contains(dash, "Neste samling") || !strings.Contains(dash, "Tredje samling") {
		t.Error("the municipality's dashboard lacks the next gathering")
	}
	status := fmt.Sprintf("%s/o/%s/workbooks/%d/chapters/%d/status", r.URL, muni.Slug, books[0].ID, tmpl.Chapters[0].ID)
	if code, _ := mc.Post(status, url.Values{"status": {"ready"}}); code != 303 {
		t.Fatalf("chapter status: %d", code)
	}
	if _, body := mc.Get(fmt.Sprintf("%s/o/%s/workbooks/%d", r.URL, muni.Slug, books[0].ID)); !strings.Contains(body, `value="ready" selected`) {
		t.Error("the chapter's status did not stay ready")
	}
}

// TestTemplateEditor: a coordinator writes a template as an outline (an
// error names the line and keeps the text), publishes it to the members,
// and a later version with a statement removed leaves the workbook already
// made untouched.
func TestTemplateEditor(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	network := r.Org(org.KindNetwork)
	coord := r.User(network, "coordinator")
	muni := r.Org(org.KindMunicipality)
	r.Join(network, muni, webtest.Since2016)
	viewer := r.User(muni, "viewer")
	c := r.Client(coord)
	base := r.URL + "/o/" + network.Slug
	sections := "analysis: Analyse – hvordan ser vår situasjon ut nå?\ngoals: Hvilke målbare mål vil vi definere?"
	bad := "## Løs problemstilling først\n# Kapittel 1"
	if code, body := c.Post(base+"/templates", url.Values{"name": {"Arbeidsboka"}, "outline": {bad}, "sections": {sections}}); code != 422 ||
		!strings.Contains(body, "Linje 1") || !strings.Contains(body, "Løs problemstilling først") {
		t.Errorf("outline error: %d; want 422 naming line 1 with the text kept", code)
	}
	outline := "# Kapittel 1\n## Bosetting av flyktninger\n? Hvor mange skal vi bosette?\n## Språkopplæring\n# Kapittel 2\n## «Innvandrerreisen»\n"
	if code, _ := c.Post(base+"/templates", url.Values{"name": {"Arbeidsboka"}, "outline": {outline}, "sections": {sections}}); code != 303 {
		t.Fatalf("save template: %d", code)
	}
	var tmpl *workbook.Template
	db.Run(context.Background(), r.DB, db.OrgScope(network.ID), func(ctx context.Context, idb bun.IDB) error {
		ts, err := workbook.FindTemplates(ctx, idb, network.ID)
		if len(ts) == 1 {
			tmpl = ts[0]
		}
		return err
	})
	if tmpl == nil || len(tmpl.Chapters) != 2 || len(tmpl.Sections) != 2 || tmpl.Chapters[0].Statements[0].Questions[0] != "Hvor mange skal vi bosette?" {
		t.Fatalf("saved template = %+v", tmpl)
	}
	if code, _ := c.Post(fmt.Sprintf("%s/templates/%d/publish", base, tmpl.ID), url.Values{"cycle": {"2026–2027"}, "start": {"1"}}); code != 303 {
		t.Fatalf("publish: %d", code)
	}
	if _, body := c.Get(base + "/workbooks"); !strings.Contains(body, "Publisert for 2026–2027: 1 kommune fikk arbeidsbok.") {
		t.Error("no message after publishing")
	}
	// Version 2 retires "Språkopplæring".
	v2 := strings.Replace(outline, "## Språkopplæring\n", "", 1)
	if code, _ := c.Post(base+"/templates", url.Values{"name": {"Arbeidsboka"}, "outline": {v2}, "sections": {sections}}); code != 303 {
		t.Fatalf("save version 2: %d", code)
	}
	vc := r.Client(viewer)
	_, list := vc.Get(r.URL + "/o/" + muni.Slug + "/workbooks")
	if !strings.Contains(list, "2026–2027") {
		t.Fatal("the member has no workbook after publishing")
	}
	var wb int64
	db.Run(context.Background(), r.DB, db.OrgScope(muni.ID), func(ctx context.Context, idb bun.IDB) error {
		bs, err := workbook.FindWorkbooks(ctx, idb, muni.ID)
		if len(bs) == 1 {
			wb = bs[0].ID
		}
		return err
	})
	if _, body := vc.Get(fmt.Sprintf("%s/o/%s/workbooks/%d", r.URL, muni.Slug, wb)); !strings.Contains(body, "Språkopplæring") {
		t.Error("a new template version changed the workbook already made")
	}
}

// TestComments: a member comments on the municipality's answer and the
// colleague mentioned by address gets an e-mail with a link; a network
// peer's comment shows on the owner's page; a viewer may not comment.
func TestComments(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{}) // mention mail leaves through the outbox
	network := r.Org(org.KindNetwork)
	joined := webtest.Since2016
	own := r.Org(org.KindMunicipality)
	peer := r.Org(org.KindMunicipality)
	r.Join(network, own, joined)
	r.Join(network, peer, joined)
	editor := r.User(own, "editor")
	colleague := r.User(own, "contributor")
	viewer := r.User(own, "viewer")
	peerMember := r.User(peer, "member")
	ctx := context.Background()
	tmpl, books := workbooktest.Publish(t, r.Workbooks, network, "2026", "«Innvandrerreisen»")
	ownBook := workbooktest.BookOf(t, books, own.ID).ID
	stmt := tmpl.Chapters[0].Statements[0].ID
	if _, err := r.Workbooks.SaveEntry(ctx, own, &app.Actor{Name: "Gro"}, workbook.Save{WorkbookID: ownBook, StatementID: stmt,
		Content: workbook.Content{Answers: map[string]string{"analysis": "Intervju er gjennomført"}}}); err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("%s/o/%s/workbooks/%d/statements/%d", r.URL, own.Slug, ownBook, stmt)
	ec := r.Client(editor)
	if code, _ := ec.Post(page+"/comments", url.Values{"body": {"@" + colleague.Email + " kan du se på målene før samlingen? «Takk»"}}); code != 303 {
		t.Fatalf("comment: %d", code)
	}
	m := r.MailTo(colleague.Email)
	if !strings.Contains(m.Text, "kan du se på målene før samlingen? «Takk»") || len(m.Links()) == 0 || !strings.HasSuffix(m.Links()[0], fmt.Sprintf("/o/%s/workbooks/%d/statements/%d", own.Slug, ownBook, stmt)) {
		t.Errorf("mention mail: %q with links %v", m.Text, m.Links())
	}
	pc := r.Client(peerMember)
	peerPage := fmt.Sprintf("%s/o/%s/peers/%s/workbooks/%d/statements/%d", r.URL, peer.Slug, own.Slug, ownBook, stmt)
	if code, _ := pc.Post(peerPage+"/comments", url.Values{"body": {"Hvordan fikk dere med NAV i kartleggingen?"}}); code != 303 {
		t.Fatalf("peer comment: %d", code)
	}
	if _, body := ec.Get(page); !strings.Contains(body, "Hvordan fikk dere med NAV i kartleggingen?") || !strings.Contains(body, "kan du se på målene") {
		t.Error("the owner's page lacks the comments")
	}
	if code, _ := r.Client(viewer).Post(page+"/comments", url.Values{"body": {"Leser"}}); code != 403 {
		t.Errorf("a viewer commenting: %d; want 403", code)
	}
}

// TestCopyFromPeer: a measure of a peer's shared answer is copied into the
// own answer with its origin, which survives later edits; the peer's
// responsible person is not carried over.
func TestCopyFromPeer(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	network := r.Org(org.KindNetwork)
	joined := webtest.Since2016
	own := r.Org(org.KindMunicipality)
	peer := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Oppdal kommune" })
	r.Join(network, own, joined)
	r.Join(network, peer, joined)
	editor := r.User(own, "editor")
	peerUser := r.User(peer, "editor")
	ctx := context.Background()
	tmpl, books := workbooktest.Publish(t, r.Workbooks, network, "2026", "«Innvandrerreisen»")
	stmt := tmpl.Chapters[0].Statements[0].ID
	byOrg := map[int64]int64{}
	for _, b := range books {
		byOrg[b.OrgID] = b.ID
	}
	if _, err := r.Workbooks.SaveEntry(ctx, peer, &app.Actor{Name: "Oppdal"}, workbook.Save{WorkbookID: byOrg[peer.ID], StatementID: stmt,
		Content: workbook.Content{Measures: []workbook.Measure{{Description: "Språkpraksis i kommunale virksomheter", Responsible: "Flyktningtjenesten",
			ResponsibleUser: &peerUser.ID, Status: measure.StatusDone}}}}); err != nil {
		t.Fatal(err)
	}
	c := r.Client(editor)
	peerPage := fmt.Sprintf("%s/o/%s/peers/%s/workbooks/%d/statements/%d", r.URL, own.Slug, peer.Slug, byOrg[peer.ID], stmt)
	if code, _ := c.Post(peerPage+"/copy", url.Values{"kind": {"measure"}, "index": {"0"}}); code != 303 {
		t.Fatalf("copy: %d", code)
	}
	ownPage := fmt.Sprintf("%s/o/%s/workbooks/%d/statements/%d", r.URL, own.Slug, byOrg[own.ID], stmt)
	_, body := c.Get(ownPage)
	if !strings.Contains(body, "Språkpraksis i kommunale virksomheter") || !strings.Contains(body, "Kopiert fra Oppdal kommune") {
		t.Fatal("the copy is not in our answer with its origin")
	}
	// Saving through the editor keeps the origin.
	form := url.Values{"version": {"1"}, "measure.0.description": {"Språkpraksis i kommunale virksomheter – tilpasset"},
		"measure.0.from_name": {"Oppdal kommune"}, "measure.0.status": {"planned"}}
	if m := regexp.MustCompile(`name="measure\.0\.from" value="([0-9]+:[0-9]+)"`).FindStringSubmatch(body); m != nil {
		form.Set("measure.0.from", m[1])
	} else {
		t.Fatal("the editor does not carry the origin")
	}
	if code, _ := c.Post(ownPage, form); code != 303 {
		t.Fatalf("save: %d", code)
	}
	var e *workbook.Entry
	db.Run(ctx, r.DB, db.OrgScope(own.ID), func(ctx context.Context, idb bun.IDB) error {
		list, err := workbook.FindEntries(ctx, idb, own.ID, byOrg[own.ID])
		if len(list) == 1 {
			e = list[0]
		}
		return err
	})
	if e == nil || len(e.Content.Measures) != 1 || e.Content.Measures[0].From == nil || e.Content.Measures[0].From.OrgID != peer.ID ||
		e.Content.Measures[0].ResponsibleUser != nil || e.Content.Measures[0].Status != measure.StatusNotStarted {
		t.Errorf("saved measure = %+v; want the origin kept, no foreign responsible, status planned", e)
	}
}

// TestAnswersRenderSafely: answers are Markdown shown as formatted text;
// HTML and scripts written into an answer are never executed; the
// gathering view filters by section; the templates API lists the network's
// template.
func TestAnswersRenderSafely(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	network := r.Org(org.KindNetwork)
	coord := r.User(network, "coordinator")
	muni := r.Org(org.KindMunicipality)
	r.Join(network, muni, webtest.Since2016)
	viewer := r.User(muni, "viewer")
	ctx := context.Background()
	tmpl, books := workbooktest.Publish(t, r.Workbooks, network, "2026", "«Innvandrerreisen»")
	stmt := tmpl.Chapters[0].Statements[0].ID
	if _, err := r.Workbooks.SaveEntry(ctx, muni, &app.Actor{Name: "Gro"}, workbook.Save{WorkbookID: books[0].ID, StatementID: stmt,
		Content: workbook.Content{Answers: map[string]string{
			"analysis": "Dette er **viktig** for «alle».\n\n<script>alert('x')</script><img src=x onerror=alert(1)>",
			"goals":    "Bedre informasjonsrutiner dokumenteres"}}}); err != nil {
		t.Fatal(err)
	}
	_, body := r.Client(viewer).Get(fmt.Sprintf("%s/o/%s/workbooks/%d/statements/%d", r.URL, muni.Slug, books[0].ID, stmt))
	if !strings.Contains(body, "<strong>viktig</strong>") || strings.Contains(body, "<script>alert") || strings.Contains(body, "onerror") {
		t.Error("the answer is not rendered as safe Markdown")
	}
	cc := r.Client(coord)
	view := fmt.Sprintf("%s/o/%s/templates/%d/statements/%d/gathering", r.URL, network.Slug, tmpl.ID, stmt)
	if _, body := cc.Get(view + "?section=goals"); !strings.Contains(body, "Bedre informasjonsrutiner dokumenteres") || strings.Contains(body, "<strong>viktig</strong>") {
		t.Error("filtering the gathering view by the goals section does not show goals alone")
	}
	if code, body := cc.Get(r.URL + "/api/v1/orgs/" + network.Slug + "/templates"); code != 200 || !strings.Contains(body, "«Innvandrerreisen»") {
		t.Errorf("templates API: %d", code)
	}
}
