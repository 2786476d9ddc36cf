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
