package server_test

import (
	"context"
	"fmt"
	"io"
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
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/internal/server/servertest"
	"github.com/samvirke/samvirke/internal/workbook"
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
	r := servertest.Open(t, servertest.NewEnv(t).Config(), server.ModeWeb)
	network := dbtest.MustCreateOrg(t, r.DB, org.KindNetwork)
	muni := dbtest.MustCreateOrg(t, r.DB, org.KindMunicipality)
	peer := dbtest.MustCreateOrg(t, r.DB, org.KindMunicipality)
	joined := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)
	dbtest.MustJoinNetwork(t, r.DB, network, muni, joined, time.Time{})
	dbtest.MustJoinNetwork(t, r.DB, network, peer, joined, time.Time{})
	editor, _ := dbtest.MustCreateUser(t, r.DB, muni, "editor")
	peerMember, _ := dbtest.MustCreateUser(t, r.DB, peer, "member")
	r.Authz.Reload()
	ctx := context.Background()
	tmpl, books := publishTemplate(t, r, network, "2016–2017", "«Innvandrerreisen»")
	var book int64
	for _, b := range books {
		if b.OrgID == muni.ID {
			book = b.ID
		}
	}
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
	r.Run(t)
	c := sessionClient(t, r.DB, r.URL(), editor)
	base := fmt.Sprintf("%s/o/%s/workbooks", r.URL(), muni.Slug)
	entry := fmt.Sprintf("%s/%d/statements/%d", base, book, stmt)
	for _, p := range []struct{ url, want string }{
		{base, "2016–2017"},
		{fmt.Sprintf("%s/%d", base, book), "«Innvandrerreisen»"},
		{entry, "Vårt eget svar om «innvandrerreisen»"},
		{entry + "/history", "Gro"},
		{fmt.Sprintf("%s/%d/import", base, book), "Arbeidsboka"},
	} {
		if code, body := get(t, c, p.url); code != 200 || !strings.Contains(body, p.want) {
			t.Errorf("GET %s after leaving: %d; want 200 with %q", p.url, code, p.want)
		}
	}
	if code, _ := post(t, c, entry, url.Values{"version": {"1"}, "analysis": {"Skrevet etter utmeldingen"}}); code != 303 {
		t.Errorf("saving the own answer after leaving: %d; want 303", code)
	}
	api := fmt.Sprintf("%s/api/v1/orgs/%s/workbooks", r.URL(), muni.Slug)
	if code, body := wbAPI(t, "GET", fmt.Sprintf("%s/%d", api, book), token, ""); code != 200 || !strings.Contains(body, "Skrevet etter utmeldingen") {
		t.Errorf("API workbook after leaving: %d %.300s", code, body)
	}
	if code, body := wbAPI(t, "PUT", fmt.Sprintf("%s/%d/statements/%d", api, book, stmt), token,
		`{"version":2,"content":{"answers":{"analysis":"Fra fagsystemet"}}}`); code != 200 {
		t.Errorf("API save after leaving: %d %.300s", code, body)
	}
	// Sharing stops: the former peer no longer reads the answer.
	peerPage := fmt.Sprintf("%s/o/%s/peers/%s/workbooks/%d/statements/%d", r.URL(), peer.Slug, muni.Slug, book, stmt)
	if code, body := get(t, sessionClient(t, r.DB, r.URL(), peerMember), peerPage); code != 404 || strings.Contains(body, "Fra fagsystemet") {
		t.Errorf("a former peer reading the answer: %d; want 404", code)
	}
}

// wbWorld is a network with two member municipalities (muni and peer),
// each with a published workbook, and people in each.
type wbWorld struct {
	r                   *servertest.Process
	env                 servertest.Env
	network, muni, peer *org.Organisation
	tmpl                *workbook.Template
	book, peerBook      int64 // the municipalities' workbooks
	stmt                int64 // the template's first statement
	editor, viewer      *account.User
	peerMember, coord   *account.User
}

func newWBWorld(t *testing.T) *wbWorld {
	t.Helper()
	w := &wbWorld{env: servertest.NewEnv(t)}
	w.r = servertest.Open(t, w.env.Config(), server.ModeWeb)
	bdb := w.r.DB
	w.network = dbtest.MustCreateOrg(t, bdb, org.KindNetwork)
	w.muni = dbtest.MustCreateOrg(t, bdb, org.KindMunicipality, func(o *org.Organisation) { o.Name = "Meldal kommune" })
	w.peer = dbtest.MustCreateOrg(t, bdb, org.KindMunicipality, func(o *org.Organisation) { o.Name = "Oppdal kommune" })
	joined := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)
	dbtest.MustJoinNetwork(t, bdb, w.network, w.muni, joined, time.Time{})
	dbtest.MustJoinNetwork(t, bdb, w.network, w.peer, joined, time.Time{})
	w.editor, _ = dbtest.MustCreateUser(t, bdb, w.muni, "editor")
	w.viewer, _ = dbtest.MustCreateUser(t, bdb, w.muni, "viewer")
	w.peerMember, _ = dbtest.MustCreateUser(t, bdb, w.peer, "editor")
	w.coord, _ = dbtest.MustCreateUser(t, bdb, w.network, "coordinator")
	w.r.Authz.Reload()
	var books []*workbook.Workbook
	w.tmpl, books = publishTemplate(t, w.r, w.network, "2016–2017", "«Innvandrerreisen»", "Problemstilling 4: Voksenopplæring")
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
	return fmt.Sprintf("%s/o/%s/workbooks/%d/statements/%d", w.r.URL(), w.muni.Slug, w.book, w.stmt)
}

// apiURL is the API address of the municipality's answer to the first statement.
func (w *wbWorld) apiURL() string {
	return fmt.Sprintf("%s/api/v1/orgs/%s/workbooks/%d/statements/%d", w.r.URL(), w.muni.Slug, w.book, w.stmt)
}

func (w *wbWorld) token(t *testing.T) string {
	t.Helper()
	token, _, err := w.r.Accounts.CreateAPIToken(context.Background(), w.muni, w.editor.ID, "Fagsystem", "write")
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// TestSecurity19XLSXLongAnswer: an answer longer than a spreadsheet cell
// holds (32 767 characters) is exported whole, going on in rows marked as
// its continuation, not cut.
func TestSecurity19XLSXLongAnswer(t *testing.T) {
	t.Parallel()
	w := newWBWorld(t)
	var sb strings.Builder
	for i := 0; sb.Len() < 80000; i++ {
		fmt.Fprintf(&sb, "Linje %d: kartlegging av «språk» og arbeid – æøå.\n", i)
	}
	answer := strings.TrimSpace(sb.String())
	if _, err := w.r.Workbooks.SaveEntry(context.Background(), w.muni, &app.Actor{Name: "Gro"}, workbook.Save{WorkbookID: w.book, StatementID: w.stmt,
		Content: workbook.Content{Answers: map[string]string{"analysis": answer}}}); err != nil {
		t.Fatal(err)
	}
	w.r.Run(t)
	c := sessionClient(t, w.r.DB, w.r.URL(), w.coord)
	resp, err := c.Get(fmt.Sprintf("%s/o/%s/templates/%d/statements/%d/gathering/export/xlsx", w.r.URL(), w.network.Slug, w.tmpl.ID, w.stmt))
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
	w := newWBWorld(t)
	w.r.Run(t)
	c := sessionClient(t, w.r.DB, w.r.URL(), w.editor)
	page := fmt.Sprintf("%s/o/%s/workbooks/%d/import", w.r.URL(), w.muni.Slug, w.book)
	text := "«Innvandrerreisen»\nAnalyse – hvordan ser vår situasjon ut nå?\n" + strings.Repeat("Kartlegging ", workbook.MaxImportBytes/11)
	code, body := post(t, c, page, url.Values{"text": {text}, "import": {"1"}})
	if code != 422 || !strings.Contains(body, "Teksten er for lang til å importeres. Den kan være på høyst 1 MB") {
		t.Errorf("pasted text over the limit: %d; want 422 with the limit", code)
	}
	if e := wbEntry(t, w.r.DB, w.muni.ID, w.book, w.stmt); e != nil {
		t.Fatalf("the refused import was saved: %+v", e.Content.Answers)
	}
}
