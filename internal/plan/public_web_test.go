package plan_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/document/doctest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/plan"
	"github.com/samvirke/samvirke/internal/webtest"
)

// publicMarkers are texts put in every private field of the published
// plan's world: none may reach its public page, PDF or API.
var publicMarkers = []string{
	"MARKER-NOTE-ÆØÅ",           // a measure's private note
	"MARKER-UPDATE",             // a status update's note (the measure's timeline)
	"MARKER-AUTHOR",             // the author of edits and updates
	"MARKER-PERSON Ørnulf",      // the responsible member's name
	"marker-person@example.org", // and e-mail
	"MARKER-DRAFT",              // the draft of the plan's next version
	"MARKER-UNPUBLISHED",        // a plan that is a draft, or not public
}

// TestPublicPlanShowsNothingPrivate (issue 13, acceptance 5): an adopted,
// public plan's page, PDF and API show its header, tree, responsibles as
// written, status and progress, and none of the private fields; a draft,
// a plan not public and another municipality's address answer 404.
func TestPublicPlanShowsNothingPrivate(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	ctx := context.Background()
	muni := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Locale = "sv" })
	other := r.Org(org.KindMunicipality)
	editor := r.User(muni, "editor")
	person := r.User(muni, "contributor")
	err := db.Run(ctx, r.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		_, err := idb.NewUpdate().Table("users").Set("name = ?, email = ?", "MARKER-PERSON Ørnulf", "marker-person@example.org").
			Where("id = ?", person.ID).Exec(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	a := &app.Actor{UserID: editor.ID, Name: "MARKER-AUTHOR", Locale: "sv"}
	svc := r.Plans
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	from, to := 2017, 2018
	p, err := svc.Create(ctx, muni, a, plan.Meta{Kind: plan.KindActionPlan, Title: "Handlingsplan för integration",
		Scope: "Tierps kommuns samtliga verksamheter", PeriodFrom: &from, PeriodTo: &to, Owner: "Kommunchef",
		RegNumber: "KS 2017.411", MainGoal: "Alla nyanlända ska snabbt komma i arbete eller studier."})
	must(err)
	area, err := svc.AddArea(ctx, muni, a, p.ID, 0, "Arbete")
	must(err)
	target := 75.0
	goal, err := svc.AddItem(ctx, muni, a, p.ID, 0, area, "", plan.ItemInput{Kind: plan.ItemGoal, Text: "Egen försörjning",
		Target: &target, Unit: "%", Problem: "Det är svårt att komma in på arbetsmarknaden."})
	must(err)
	_, err = svc.AddItem(ctx, muni, a, p.ID, 0, area, goal, plan.ItemInput{Kind: plan.ItemStrategy, Text: "Samverkan med näringslivet"})
	must(err)
	m1, err := svc.AddItem(ctx, muni, a, p.ID, 0, area, "", plan.ItemInput{Kind: plan.ItemMeasure,
		Text: "Fler praktikplatser", Responsible: "Kommunledningsgruppen", ResponsibleUser: &person.ID,
		Timeline: "2018", Notes: "MARKER-NOTE-ÆØÅ", Serves: []string{goal}, FollowUp: "Antal praktikplatser"})
	must(err)
	_, err = svc.AddItem(ctx, muni, a, p.ID, 0, area, "", plan.ItemInput{Kind: plan.ItemMeasure,
		Text: "Studiebesök för nyanlända", Responsible: "Arbetsmarknadsenheten", Timeline: "Hösten 2018"})
	must(err)
	day := time.Date(2017, 5, 30, 0, 0, 0, 0, time.UTC)
	_, err = svc.SetStatus(ctx, muni, a, p.ID, 0, plan.StatusAdopted, plan.Adoption{AdoptedBy: "Kommunstyrelsen",
		AdoptedOn: &day, DecisionRef: "Kommunstyrelsen § 72.2017"})
	must(err)
	forty := 40
	_, err = svc.UpdateMeasure(ctx, muni, a, m1, plan.MeasureUpdate{Status: "ongoing", Progress: &forty, Note: "MARKER-UPDATE"})
	must(err)

	// Plans that are not published: a draft, and an adopted plan shared
	// with the networks only.
	draft, err := svc.Create(ctx, muni, a, plan.Meta{Kind: plan.KindThemePlan, Title: "MARKER-UNPUBLISHED draft"})
	must(err)
	network, err := svc.Create(ctx, muni, a, plan.Meta{Kind: plan.KindThemePlan, Title: "MARKER-UNPUBLISHED network",
		Visibility: plan.VisibilityNetwork})
	must(err)
	_, err = svc.SetStatus(ctx, muni, a, network.ID, 0, plan.StatusAdopted, plan.Adoption{AdoptedBy: "Kommunfullmäktige", AdoptedOn: &day})
	must(err)

	anon := r.Anonymous()
	page := func(id int64) string { return "/p/" + muni.Slug + "/plans/" + itoa(id) }
	api := func(slug string, id int64) string { return "/api/v1/public/orgs/" + slug + "/plans/" + itoa(id) }
	notFound := func(what, path string) {
		t.Helper()
		if code, _ := anon.Get(path); code != 404 {
			t.Errorf("%s (%s): %d; want 404", what, path, code)
		}
	}
	// Adopted but not yet public.
	notFound("an adopted plan not made public", page(p.ID))
	tr, err := svc.Get(ctx, muni, p.ID)
	must(err)
	meta := plan.MetaOf(tr.Plan, tr.Content)
	meta.Visibility = plan.VisibilityPublic
	_, err = svc.UpdateMeta(ctx, muni, a, p.ID, 0, meta)
	must(err)

	publicTexts := []string{"Handlingsplan för integration", "Alla nyanlända ska snabbt komma i arbete eller studier.",
		"Kommunstyrelsen § 72.2017", "KS 2017.411", "Arbete", "Egen försörjning", "Samverkan med näringslivet",
		"Fler praktikplatser", "Kommunledningsgruppen", "Studiebesök för nyanlända", "Arbetsmarknadsenheten",
		"Hösten 2018", "Antal praktikplatser"}
	check := func(what, body string, want ...string) {
		t.Helper()
		flat := strings.Join(strings.Fields(body), "")
		for _, m := range publicMarkers {
			if strings.Contains(flat, strings.Join(strings.Fields(m), "")) {
				t.Errorf("%s shows the private %q", what, m)
			}
		}
		for _, w := range append(publicTexts, want...) {
			if !strings.Contains(flat, strings.Join(strings.Fields(w), "")) {
				t.Errorf("%s lacks %q", what, w)
			}
		}
	}
	checkAll := func(stage string, id int64) {
		t.Helper()
		resp := anon.Do(mustRequest(t, r.URLOf(page(id))))
		body := readAll(t, resp)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: page: %d", stage, resp.StatusCode)
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "public, max-age=300" {
			t.Errorf("%s: page Cache-Control %q", stage, cc)
		}
		// The municipality's language (sv): status and progress in words.
		check(stage+": page", body, "Pågår", "40 %", "Kommunchef")
		for _, path := range []string{page(id) + "/pdf", page(id) + ".pdf"} {
			resp := anon.Do(mustRequest(t, r.URLOf(path)))
			b := []byte(readAll(t, resp))
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" {
				t.Fatalf("%s: %s: %d %s", stage, path, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			check(stage+": "+path, doctest.PDFText(t, b).Text, "Pågår 40 %")
		}
		code, js := anon.Get(api(muni.Slug, id))
		if code != 200 {
			t.Fatalf("%s: API: %d", stage, code)
		}
		check(stage+": API", js, `"status":"ongoing"`, `"progress":40`)
		for _, key := range []string{`"notes"`, `"responsible_user"`, `"timeline":[`, `"author`, `"org_id"`} {
			if strings.Contains(js, key) {
				t.Errorf("%s: the API has %s", stage, key)
			}
		}
		var doc struct {
			Summary []plan.PublicSummary `json:"summary"`
		}
		if err := json.Unmarshal([]byte(js), &doc); err != nil || len(doc.Summary) != 2 || doc.Summary[1].Total != 2 ||
			doc.Summary[1].ByStatus["ongoing"] != 1 {
			t.Errorf("%s: API summary %+v (%v)", stage, doc.Summary, err)
		}
	}
	checkAll("published", p.ID)

	// The lists show the published plan alone.
	for _, path := range []string{"/p/" + muni.Slug + "/plans", "/api/v1/public/orgs/" + muni.Slug + "/plans"} {
		code, body := anon.Get(path)
		if code != 200 || !strings.Contains(body, "Handlingsplan för integration") || strings.Contains(body, "MARKER") {
			t.Errorf("%s: %d, or it lacks the plan or shows an unpublished one", path, code)
		}
	}
	notFound("a draft", page(draft.ID))
	notFound("a plan shared with the networks", page(network.ID))
	notFound("a draft's API", api(muni.Slug, draft.ID))
	notFound("another municipality's address", "/p/"+other.Slug+"/plans/"+itoa(p.ID))
	notFound("another municipality's API", api(other.Slug, p.ID))
	notFound("an unknown municipality", "/p/no-such-municipality/plans/"+itoa(p.ID))

	// The next version is drafted: the public page keeps showing the
	// version in force, frozen as it was adopted, under either address.
	next, err := svc.Revise(ctx, muni, a, p.ID, 0)
	must(err)
	_, err = svc.AddItem(ctx, muni, a, next.ID, 0, area, "", plan.ItemInput{Kind: plan.ItemMeasure,
		Text: "MARKER-DRAFT new measure", Responsible: "MARKER-DRAFT unit", Notes: "MARKER-NOTE-ÆØÅ"})
	must(err)
	_, err = svc.UpdateMeasure(ctx, muni, a, m1, plan.MeasureUpdate{Status: "ongoing", Progress: &forty, Note: "MARKER-UPDATE again"})
	must(err)
	checkAll("while the next version is drafted", p.ID)
	checkAll("the draft's own address", next.ID)

	// A visitor who chose a language reads the page in it.
	en := r.Anonymous()
	if resp, _ := en.PostResponse("/language", url.Values{"locale": {"en"}, "next": {page(p.ID)}}); resp.StatusCode != 303 {
		t.Fatalf("choose a language: %d", resp.StatusCode)
	}
	if code, body := en.Get(page(p.ID)); code != 200 || !strings.Contains(body, "Ongoing") || !strings.Contains(body, `lang="en"`) {
		t.Errorf("the page in the language chosen: %d", code)
	}

	// A signed-in member sees the link to the public page on the plan.
	if code, body := r.Client(editor).Get("/o/" + muni.Slug + "/plans/" + itoa(p.ID)); code != 200 || !strings.Contains(body, `href="`+page(p.ID)+`"`) {
		t.Errorf("the plan page does not link its public page: %d", code)
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func mustRequest(t *testing.T, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
