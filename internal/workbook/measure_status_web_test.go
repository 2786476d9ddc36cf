package workbook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
	"github.com/samvirke/samvirke/internal/workbook/workbooktest"
)

// TestMeasureStatusKeepsProgress: a status update that says nothing about
// progress — My work's quick form, an API call with a status and a note —
// keeps the measure's progress; done without progress is 100 %; progress
// outside 0–100 is refused with the field named.
func TestMeasureStatusKeepsProgress(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	network := r.Org(org.KindNetwork)
	muni := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Locale = "nb" })
	r.Join(network, muni, webtest.Since2016)
	editor := r.User(muni, "editor")
	contributor := r.User(muni, "contributor")
	tmpl, books := workbooktest.Publish(t, r.Workbooks, network, "2026", "Problemstilling 1: Bosetting")
	page := fmt.Sprintf("/o/%s/workbooks/%d/statements/%d", muni.Slug, books[0].ID, tmpl.Chapters[0].Statements[0].ID)
	if code, _ := r.Client(editor).Post(page, url.Values{"version": {"0"},
		"measure.0.description": {"Språkkafé på biblioteket"}, "measure.0.responsible_user": {fmt.Sprint(contributor.ID)},
		"measure.0.deadline": {"Høst 2026"}, "measure.0.status": {"ongoing"}, "measure.0.progress": {"40"}}); code != 303 {
		t.Fatalf("save: %d", code)
	}
	ctx := context.Background()
	rows, err := r.Workbooks.Measures(ctx, muni, measure.Filter{})
	if err != nil || len(rows) != 1 || rows[0].Progress != 40 {
		t.Fatalf("the measure as saved: %v, %d measures", err, len(rows))
	}
	id := rows[0].ID
	progress := func(want string, wantProgress int) {
		t.Helper()
		rows, err := r.Workbooks.Measures(ctx, muni, measure.Filter{})
		if err != nil || len(rows) != 1 {
			t.Fatalf("measures: %d, %v", len(rows), err)
		}
		if rows[0].Status != want || rows[0].Progress != wantProgress {
			t.Fatalf("the measure is %s at %d %%; want %s at %d %%", rows[0].Status, rows[0].Progress, want, wantProgress)
		}
	}

	// My work's quick form: status and note, no progress.
	cc := r.Client(contributor)
	if code, _ := cc.Post("/o/"+muni.Slug+"/measures/"+id+"/status", url.Values{"status": {"postponed"}, "note": {"Venter på lokaler"},
		"back": {"/dashboard"}}); code != 303 {
		t.Fatalf("quick update: %d", code)
	}
	progress(measure.StatusPostponed, 40)

	// The API with the contributor's token.
	token, _, err := r.Accounts.CreateAPIToken(ctx, muni, contributor.ID, "Fagsystem", "write")
	if err != nil {
		t.Fatal(err)
	}
	post := func(body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/orgs/%s/measures/%s/status", r.URL, muni.Slug, id), strings.NewReader(body))
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
	if code, body := post(`{"status":"ongoing","note":"Lokaler på plass – «æøå»"}`); code != 200 {
		t.Fatalf("API update without progress: %d %s", code, body)
	}
	progress(measure.StatusOngoing, 40)
	if code, body := post(`{"status":"ongoing","progress":150}`); code != 400 && code != 422 || !strings.Contains(body, "progress") {
		t.Errorf("progress 150: %d %s; want refused naming progress", code, body)
	}
	progress(measure.StatusOngoing, 40)
	code, body := post(`{"status":"done","note":"Ferdig"}`)
	if code != 200 {
		t.Fatalf("API done without progress: %d %s", code, body)
	}
	var got struct {
		Status   string `json:"status"`
		Progress int    `json:"progress"`
		Timeline []struct {
			StatusFrom string `json:"status_from"`
			Progress   int    `json:"progress"`
			Note       string `json:"note"`
		} `json:"timeline"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if got.Status != "done" || got.Progress != 100 || len(got.Timeline) < 4 || got.Timeline[0].Note != "Ferdig" ||
		got.Timeline[1].Progress != 40 || got.Timeline[1].Note != "Lokaler på plass – «æøå»" {
		t.Errorf("the API answers %+v; want done at 100 %% with the timeline of each update", got)
	}
}
