package plan_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/plan"
	"github.com/samvirke/samvirke/internal/webtest"
)

// TestSharedPlansInNetwork: a municipality sees, beside its own plans, the
// adopted plans its network peers share, reads one without the peer's
// private notes or named members, and is led to copy its measures; a
// draft, a private plan and a municipality outside the network are not
// found.
func TestSharedPlansInNetwork(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := webtest.New(t, webtest.Options{})
	own, peer, stranger := r.Org(org.KindMunicipality), r.Org(org.KindMunicipality), r.Org(org.KindMunicipality)
	network := r.Org(org.KindNetwork)
	since := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	r.Join(network, own, since)
	r.Join(network, peer, since)
	editor, viewer := r.User(own, "editor"), r.User(own, "viewer")
	peerMember := r.User(peer, "contributor")
	actor := &app.Actor{Name: "Test"}
	adopted := time.Date(2020, 6, 15, 0, 0, 0, 0, time.UTC)
	mk := func(o *org.Organisation, title, vis string, adopt bool) (*plan.Plan, string) {
		t.Helper()
		p, err := r.Plans.Create(ctx, o, actor, plan.Meta{Kind: plan.KindThemePlan, Title: title, Visibility: "private"})
		if err != nil {
			t.Fatal(err)
		}
		a, err := r.Plans.AddArea(ctx, o, actor, p.ID, 0, "En god start")
		if err != nil {
			t.Fatal(err)
		}
		in := plan.ItemInput{Kind: plan.ItemMeasure, Text: "Hjemmebesøk for alle nybosatte", Responsible: "Flyktningkonsulent",
			Timeline: "Høst 2027", Notes: "PRIVAT-NOTAT"}
		if o == peer {
			in.ResponsibleUser = &peerMember.ID
		}
		m, err := r.Plans.AddItem(ctx, o, actor, p.ID, 0, a, "", in)
		if err != nil {
			t.Fatal(err)
		}
		if adopt {
			if _, err := r.Plans.SetStatus(ctx, o, actor, p.ID, 0, plan.StatusAdopted, plan.Adoption{AdoptedBy: "Kommunestyret", AdoptedOn: &adopted}); err != nil {
				t.Fatal(err)
			}
		}
		tr, _ := r.Plans.Get(ctx, o, p.ID)
		meta := plan.MetaOf(tr.Plan, tr.Content)
		meta.Visibility = vis
		if _, err := r.Plans.UpdateMeta(ctx, o, actor, p.ID, 0, meta); err != nil {
			t.Fatal(err)
		}
		return p, m
	}
	sharedPlan, measureID := mk(peer, "Temaplan for flyktningarbeidet", "network", true)
	draft, _ := mk(peer, "Utkast til temaplan", "network", false)
	private, _ := mk(peer, "Intern handlingsplan", "private", true)
	mk(stranger, "Fremmed plan", "network", true)

	vc := r.Client(viewer)
	_, body := vc.Get("/o/" + own.Slug + "/plans")
	if !strings.Contains(body, "Temaplan for flyktningarbeidet") || strings.Contains(body, "Utkast til temaplan") ||
		strings.Contains(body, "Intern handlingsplan") || strings.Contains(body, "Fremmed plan") {
		t.Errorf("the plans page lists the peers' plans wrongly:\n%s", body)
	}
	page := fmt.Sprintf("/o/%s/peers/%s/plans/%d", own.Slug, peer.Slug, sharedPlan.ID)
	code, body := vc.Get(page)
	if code != 200 || !strings.Contains(body, "Hjemmebesøk for alle nybosatte") || !strings.Contains(body, "Flyktningkonsulent") {
		t.Fatalf("the shared plan: %d", code)
	}
	if strings.Contains(body, "PRIVAT-NOTAT") || strings.Contains(body, peerMember.Email) || strings.Contains(body, "/plan-copy") {
		t.Error("the shared plan shows a private note, a named member, or (to a viewer) the copy link")
	}
	if _, body := r.Client(editor).Get(page); !strings.Contains(body, fmt.Sprintf("/o/%s/peers/%s/measures/%s/plan-copy", own.Slug, peer.Slug, measureID)) {
		t.Error("the editor is not offered to copy the measure")
	}
	for name, p := range map[string]string{
		"draft":           fmt.Sprintf("/o/%s/peers/%s/plans/%d", own.Slug, peer.Slug, draft.ID),
		"private":         fmt.Sprintf("/o/%s/peers/%s/plans/%d", own.Slug, peer.Slug, private.ID),
		"wrong peer":      fmt.Sprintf("/o/%s/peers/%s/plans/%d", own.Slug, stranger.Slug, sharedPlan.ID),
		"outside network": fmt.Sprintf("/o/%s/peers/%s/plans/%d", stranger.Slug, peer.Slug, sharedPlan.ID),
	} {
		c := vc
		if name == "outside network" {
			c = r.Client(r.User(stranger, "viewer"))
		}
		if code, _ := c.Get(p); code != 404 {
			t.Errorf("%s: %d; want 404", name, code)
		}
	}
}
