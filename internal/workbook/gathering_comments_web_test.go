package workbook_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/document/doctest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
	"github.com/samvirke/samvirke/internal/workbook"
	"github.com/samvirke/samvirke/internal/workbook/workbooktest"
)

// TestGatheringComments: a comment the coordinator writes from the
// gathering view shows there, with the author's organisation, to the
// coordinator and to a member municipality, and in the view's Word and
// XLSX exports.
func TestGatheringComments(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	network := r.Org(org.KindNetwork, func(o *org.Organisation) { o.Name = "Nettverk Trøndelag" })
	coord := r.User(network, "coordinator")
	muni := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Meldal kommune" })
	peer := r.Org(org.KindMunicipality)
	r.Join(network, muni, webtest.Since2016)
	r.Join(network, peer, webtest.Since2016)
	peerEditor := r.User(peer, "editor")
	ctx := context.Background()
	tmpl, books := workbooktest.Publish(t, r.Workbooks, network, "2026", "«Innvandrerreisen»")
	stmt := tmpl.Chapters[0].Statements[0].ID
	e, err := r.Workbooks.SaveEntry(ctx, muni, &app.Actor{Name: "Gro"}, workbook.Save{WorkbookID: workbooktest.BookOf(t, books, muni.ID).ID, StatementID: stmt,
		Visibility: workbook.VisibilityNetwork, Content: workbook.Content{Answers: map[string]string{"analysis": "Kartlagt med NAV."}}})
	if err != nil {
		t.Fatal(err)
	}
	view := fmt.Sprintf("/o/%s/templates/%d/statements/%d/gathering", network.Slug, tmpl.ID, stmt)
	cc := r.Client(coord)
	const comment = "Fin kartlegging – ta den med til samlingen!"
	if code, _ := cc.Post(r.URL+view+"/comments", url.Values{"entry_ref": {fmt.Sprintf("%d:%d", muni.ID, e.ID)}, "body": {comment}}); code != 303 {
		t.Fatalf("comment from the gathering view: %d", code)
	}
	for who, c := range map[string]*webtest.Client{"coordinator": cc, "member": r.Client(peerEditor)} {
		path := view
		if who == "member" {
			path = fmt.Sprintf("/o/%s/templates/%d/statements/%d/gathering", peer.Slug, tmpl.ID, stmt)
		}
		code, body := c.Get(r.URL + path)
		if code != 200 || !strings.Contains(body, comment) || !strings.Contains(body, "fra Nettverk Trøndelag") {
			t.Errorf("%s: the gathering view (%d) lacks the comment with its author's organisation", who, code)
		}
	}
	get := func(format string) []byte {
		t.Helper()
		req, _ := http.NewRequest("GET", r.URL+view+"/export/"+format, nil)
		resp := cc.Do(req)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s export: %d", format, resp.StatusCode)
		}
		return b
	}
	if text := doctest.DOCXText(t, get("docx")).Text; !strings.Contains(text, comment) || !strings.Contains(text, "Nettverk Trøndelag") {
		t.Error("the Word export lacks the comment with its author's organisation")
	}
	f, err := excelize.OpenReader(bytes.NewReader(get("xlsx")))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Kommentarer")
	if err != nil || len(rows) != 2 || !strings.Contains(strings.Join(rows[1], "|"), "Meldal kommune|") || !strings.Contains(strings.Join(rows[1], "|"), "Nettverk Trøndelag") || !strings.Contains(strings.Join(rows[1], "|"), comment) {
		t.Errorf("the XLSX comments sheet = %q (%v); want the comment on Meldal's answer with its author's organisation", rows, err)
	}
}
