package plan_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/plan"
	"github.com/samvirke/samvirke/internal/webtest"
	"github.com/samvirke/samvirke/internal/workbook"
)

// TestCopyPeerMeasureIntoPlan: a municipality's editor copies a network
// peer's shared measures (one of the peer's plan, one of its workbook
// answer) into a focus area of a plan; each copy is their own (not
// started, no person, no private note) and keeps where it came from, which
// the plan shows. A peer's private measure, a shared measure of a
// municipality in no common network, and a measure that does not exist are
// not found, and nothing is written; a viewer may not copy; a form without
// a plan and area is refused naming the field.
func TestCopyPeerMeasureIntoPlan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := webtest.New(t, webtest.Options{})
	en := func(o *org.Organisation) { o.Locale = "en" }
	own, peer, stranger := r.Org(org.KindMunicipality, en), r.Org(org.KindMunicipality), r.Org(org.KindMunicipality)
	network := r.Org(org.KindNetwork)
	r.Join(network, own, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	r.Join(network, peer, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	editor, viewer := r.User(own, "editor"), r.User(own, "viewer")
	peerEditor := r.User(peer, "editor")
	actor := &app.Actor{Name: "Test"}

	// Own plan with a focus area.
	mine, err := r.Plans.Create(ctx, own, actor, plan.Meta{Kind: plan.KindActionPlan, Title: "Handlingsplan för integration"})
	if err != nil {
		t.Fatal(err)
	}
	area, err := r.Plans.AddArea(ctx, own, actor, mine.ID, 0, "Arbete")
	if err != nil {
		t.Fatal(err)
	}
	// measureOf makes a plan of o with one measure and answers its id.
	measureOf := func(o *org.Organisation, vis, text string, user *int64) string {
		p, err := r.Plans.Create(ctx, o, actor, plan.Meta{Kind: plan.KindThemePlan, Title: "Temaplan " + vis, Visibility: vis})
		if err != nil {
			t.Fatal(err)
		}
		a, err := r.Plans.AddArea(ctx, o, actor, p.ID, 0, "En god start")
		if err != nil {
			t.Fatal(err)
		}
		id, err := r.Plans.AddItem(ctx, o, actor, p.ID, 0, a, "", plan.ItemInput{Kind: plan.ItemMeasure, Text: text,
			Responsible: "Flyktningkonsulent", ResponsibleUser: user, Timeline: "Høst 2027", Notes: "PRIVAT-NOTAT"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Plans.UpdateMeasure(ctx, o, actor, id, plan.MeasureUpdate{Status: measure.StatusOngoing}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	shared := measureOf(peer, plan.VisibilityNetwork, "Gjennomføre hjemmebesøk hos alle nyankomne", &peerEditor.ID)
	private := measureOf(peer, plan.VisibilityPrivate, "Intern gjennomgang av bosettingen", nil)
	foreign := measureOf(stranger, plan.VisibilityPublic, "Språkkafé på biblioteket", nil)

	// The peer's answer in the network's workbook, shared, with a measure.
	tmpl, err := r.Workbooks.CreateTemplate(ctx, network, workbook.TemplateSpec{Name: "Arbeidsboka",
		Chapters: []workbook.ChapterSpec{{Title: "Kapittel 2", Statements: []workbook.StatementSpec{{Title: "«Innvandrerreisen»"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	books, err := r.Workbooks.PublishTemplate(ctx, network, tmpl.ID, "2026")
	if err != nil {
		t.Fatal(err)
	}
	var entry *workbook.Entry
	for _, b := range books {
		if b.OrgID == peer.ID {
			entry, err = r.Workbooks.SaveEntry(ctx, peer, actor, workbook.Save{WorkbookID: b.ID, StatementID: tmpl.Chapters[0].Statements[0].ID,
				Visibility: "network", Content: workbook.Content{Answers: map[string]string{"analysis": "Svar"},
					Measures: []workbook.Measure{{Description: "Velkomstmappe på arabisk", Responsible: "Programrådgiver", DeadlineText: "Vår 2027"}}}})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	answered := entry.Content.Measures[0].ID

	ec := r.Client(editor)
	copyURL := func(from *org.Organisation, id string) string {
		return fmt.Sprintf("/o/%s/peers/%s/measures/%s/plan-copy", own.Slug, from.Slug, id)
	}
	target := fmt.Sprintf("%d/%s", mine.ID, area)
	tree := func() *plan.Tree {
		tr, err := r.Plans.Get(ctx, own, mine.ID)
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	before := tree().Plan.Rev

	t.Run("ErrNotFound", func(t *testing.T) {
		for name, u := range map[string]string{
			"private":  copyURL(peer, private),
			"non-peer": copyURL(stranger, foreign),
			"unknown":  copyURL(peer, "nonexistent0000a"),
		} {
			if code, _ := ec.Get(u); code != 404 {
				t.Errorf("%s: form %d; want 404", name, code)
			}
			if code, _ := ec.Post(u, url.Values{"target": {target}}); code != 404 {
				t.Errorf("%s: copy %d; want 404", name, code)
			}
		}
		if tr := tree(); tr.Plan.Rev != before || len(tr.Measures) != 0 {
			t.Errorf("refused copies wrote: rev %d → %d, %d measures", before, tr.Plan.Rev, len(tr.Measures))
		}
		if code, _ := r.Client(viewer).Post(copyURL(peer, shared), url.Values{"target": {target}}); code != 403 {
			t.Errorf("viewer copies: %d; want 403", code)
		}
		if code, body := ec.Post(copyURL(peer, shared), url.Values{"target": {""}}); code != 422 || !strings.Contains(body, `href="#f-target"`) {
			t.Errorf("no plan chosen: %d; want 422 naming the field", code)
		}
		if tr := tree(); tr.Plan.Rev != before {
			t.Errorf("refused copies wrote: rev %d → %d", before, tr.Plan.Rev)
		}
	})

	t.Run("OK", func(t *testing.T) {
		// The peer's answer offers the copy beside its measure.
		answerURL := fmt.Sprintf("/o/%s/peers/%s/workbooks/%d/statements/%d", own.Slug, peer.Slug, entry.WorkbookID, entry.StatementID)
		if code, body := ec.Get(answerURL); code != 200 || !strings.Contains(body, `href="`+copyURL(peer, answered)+`"`) {
			t.Errorf("the peer's answer: %d; want a link to copy its measure into a plan", code)
		}
		code, body := ec.Get(copyURL(peer, shared))
		if code != 200 || !strings.Contains(body, "Gjennomføre hjemmebesøk hos alle nyankomne") || !strings.Contains(body, peer.Name) ||
			!strings.Contains(body, `value="`+target+`"`) || strings.Contains(body, "PRIVAT-NOTAT") {
			t.Fatalf("copy form: %d; want the measure, its municipality and the own plan's area, no private note", code)
		}
		for _, id := range []string{shared, answered} {
			resp, _ := ec.PostResponse(copyURL(peer, id), url.Values{"target": {target}})
			if resp.StatusCode != 303 || !strings.Contains(resp.Header.Get("Location"), "#item-") {
				t.Fatalf("copy %s: %d → %s", id, resp.StatusCode, resp.Header.Get("Location"))
			}
		}
		tr := tree()
		lines := tr.Lines(0)
		if len(lines) != 2 {
			t.Fatalf("own plan's area: %d lines; want the 2 copies", len(lines))
		}
		first, second := lines[0].Measure, lines[1].Measure
		if first.Description != "Gjennomføre hjemmebesøk hos alle nyankomne" || first.Responsible != "Flyktningkonsulent" ||
			lines[0].Item.Timeline != "Høst 2027" || first.Status != measure.StatusNotStarted || first.ResponsibleUser != nil ||
			first.Notes != "" || first.From == nil || first.From.OrgID != peer.ID || first.From.OrgName != peer.Name || first.From.EntryID != 0 {
			t.Errorf("copy of the plan measure: %+v from %+v", first, first.From)
		}
		if second.Description != "Velkomstmappe på arabisk" || lines[1].Item.Timeline != "Vår 2027" || second.From == nil ||
			second.From.OrgID != peer.ID || second.From.EntryID != entry.ID {
			t.Errorf("copy of the answer's measure: %+v from %+v", second, second.From)
		}
		// The original is untouched.
		peerTree, _ := r.Plans.List(ctx, peer)
		for _, p := range peerTree {
			if tr, _ := r.Plans.Get(ctx, peer, p.ID); tr != nil {
				if m, ok := tr.Measures[shared]; ok && (m.Status != measure.StatusOngoing || m.Notes != "PRIVAT-NOTAT") {
					t.Errorf("the peer's measure changed: %+v", m)
				}
			}
		}
		// The plan shows where each copy came from.
		code, body = r.Client(viewer).Get(fmt.Sprintf("/o/%s/plans/%d", own.Slug, mine.ID))
		if code != 200 || strings.Count(body, "Copied from "+peer.Name) != 2 {
			t.Errorf("plan page: %d; want «Copied from %s» beside both copies", code, peer.Name)
		}
	})
}
