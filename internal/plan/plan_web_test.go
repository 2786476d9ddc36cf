package plan_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/plan"
	"github.com/samvirke/samvirke/internal/webtest"
)

var itemAnchor = regexp.MustCompile(`#item-([a-z0-9]+)$`)

// TestPlanPagesAsEditor: an editor makes a plan through the forms (a
// focus area, a goal, two measures), reorders by the move buttons, every
// view shows it, a refused form keeps what was typed, and a contributor
// updates a plan measure from its page; the API shows the tree.
func TestPlanPagesAsEditor(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	muni := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Locale = "sv" })
	editor := r.User(muni, "editor")
	contributor := r.User(muni, "contributor")
	viewer := r.User(muni, "viewer")
	ec := r.Client(editor)
	base := "/o/" + muni.Slug + "/plans"

	// A refused plan form keeps what was typed.
	code, body := ec.Post(base, url.Values{"kind": {"action_plan"}, "title": {""}, "scope": {"Tierps kommuns samtliga verksamheter"},
		"period_from": {"2017"}, "period_to": {"2018"}, "visibility": {"private"}})
	if code != 422 || !strings.Contains(body, "Tierps kommuns samtliga verksamheter") || !strings.Contains(body, `href="#f-title"`) {
		t.Fatalf("empty title: %d", code)
	}
	resp, _ := ec.PostResponse(base, url.Values{"kind": {"action_plan"}, "title": {"Handlingsplan för integration"},
		"scope": {"Tierps kommuns samtliga verksamheter"}, "period_from": {"2017"}, "period_to": {"2018"},
		"owner": {"Kommunchef"}, "reg_number": {"KS 2017.411"}, "visibility": {"private"}})
	if resp.StatusCode != 303 {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	planURL := resp.Header.Get("Location")
	list, err := r.Plans.List(context.Background(), muni)
	if err != nil || len(list) != 1 {
		t.Fatalf("plans: %d %v", len(list), err)
	}
	p := list[0]
	rev := func() string {
		tr, err := r.Plans.Get(context.Background(), muni, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(tr.Plan.Rev)
	}
	if code, _ := ec.Post(planURL+"/areas", url.Values{"rev": {rev()}, "area_title": {"Arbete"}}); code != 303 {
		t.Fatalf("add area: %d", code)
	}
	tr, _ := r.Plans.Get(context.Background(), muni, p.ID)
	area := tr.Content.Areas[0].ID
	add := func(form url.Values) string {
		t.Helper()
		form.Set("rev", rev())
		resp, body := ec.PostResponse(planURL+"/areas/"+area+"/items", form)
		if resp.StatusCode != 303 {
			t.Fatalf("add %v: %d %s", form, resp.StatusCode, body)
		}
		m := itemAnchor.FindStringSubmatch(resp.Header.Get("Location"))
		if m == nil {
			t.Fatalf("add: went to %s", resp.Header.Get("Location"))
		}
		return m[1]
	}
	goal := add(url.Values{"kind": {"goal"}, "text": {"Ta vara på varje individs drivkraft, kompetens och kunskap."},
		"problem": {"Vi behöver i högre utsträckning ta tillvara varje individs kompetens."}, "target": {"75"}, "unit": {"%"}})
	m1 := add(url.Values{"kind": {"measure"}, "text": {"Kommunen ska erbjuda fler praktikplatser."},
		"responsible": {"Kommunledningsgruppen"}, "timeline": {"2018"}, "serves": {goal}, "notes": {"Intern anteckning"}})
	m2 := add(url.Values{"kind": {"measure"}, "text": {"Ordna studiebesök för nyanlända."}, "responsible": {"Arbetsmarknadsenheten"},
		"responsible_user": {fmt.Sprint(contributor.ID)}, "timeline": {"Hösten 2018"}})
	// A bad follow-up date is refused with the form as typed.
	code, body = ec.Post(planURL+"/items/"+m2, url.Values{"rev": {rev()}, "text": {"Ordna studiebesök för nyanlända – ändrad"},
		"follow_up_date": {"32.13.2018"}})
	if code != 422 || !strings.Contains(body, "Ordna studiebesök för nyanlända – ändrad") || !strings.Contains(body, `href="#f-follow_up_date"`) {
		t.Fatalf("bad date: %d", code)
	}
	// Move the second measure above the first by its button.
	if code, _ := ec.Post(planURL+"/items/"+m2+"/move", url.Values{"rev": {rev()}, "dir": {"up"}}); code != 303 {
		t.Fatalf("move: %d", code)
	}
	// A form made before that move is refused: nothing is applied.
	if code, _ := ec.Post(planURL+"/items/"+m1+"/move", url.Values{"rev": {"1"}, "dir": {"up"}}); code != 409 {
		t.Fatalf("stale move: %d", code)
	}
	tr, _ = r.Plans.Get(context.Background(), muni, p.ID)
	rows := tr.Table(0)
	if len(rows) != 2 || rows[0].MeasureID != m2 || rows[1].MeasureID != m1 {
		t.Fatalf("table after the move: %+v", rows)
	}

	// The editor reads the plan without its editing controls, and gets
	// them by asking for them.
	if _, body := ec.Get(planURL); strings.Contains(body, "/items/"+m1+"/move") || !strings.Contains(body, "?edit=1") {
		t.Error("the plan page shows its editing controls before they are asked for")
	}
	if _, body := ec.Get(planURL + "?edit=1"); !strings.Contains(body, "/items/"+m1+"/move") {
		t.Error("?edit=1 shows no move buttons")
	}

	// Every view, in Swedish and in English.
	for _, lang := range []string{"sv", "en"} {
		c := r.Client(viewer)
		c.Post("/language", url.Values{"locale": {lang}})
		want := map[string][]string{
			"tree":        {"Ta vara på varje individs drivkraft", "Ordna studiebesök för nyanlända."},
			"table":       {"Kommunledningsgruppen", "Hösten 2018", "Vi behöver i högre utsträckning"},
			"responsible": {"Arbetsmarknadsenheten", "Kommunledningsgruppen"},
			"deadlines":   {},
			"summary":     {"Arbete"},
		}
		for view, texts := range want {
			code, body := c.Get(planURL + "?view=" + view)
			if code != 200 {
				t.Fatalf("%s %s: %d", lang, view, code)
			}
			for _, s := range texts {
				if !strings.Contains(body, s) {
					t.Errorf("%s %s: no %q", lang, view, s)
				}
			}
			if strings.Contains(body, "/items/"+m1+"/move") {
				t.Errorf("%s %s: the viewer is offered the move buttons", lang, view)
			}
		}
	}
	if code, _ := r.Client(viewer).Post(planURL+"/items/"+m1+"/move", url.Values{"rev": {rev()}, "dir": {"up"}}); code != 403 {
		t.Errorf("viewer moves: %d", code)
	}

	// The contributor named responsible has the measure on "My work",
	// overdue since «Hösten 2018» ended, with its quick status form.
	cc := r.Client(contributor)
	if _, body := cc.Get("/o/" + muni.Slug + "/dashboard"); !strings.Contains(body, "Ordna studiebesök för nyanlända.") ||
		!strings.Contains(body, `action="/o/`+muni.Slug+`/measures/`+m2+`/status"`) {
		t.Error("My work: no plan measure with its quick form")
	}
	if code, _ := cc.Post("/o/"+muni.Slug+"/measures/"+m2+"/status", url.Values{"status": {"done"}, "back": {"/o/" + muni.Slug + "/dashboard"}}); code != 303 {
		t.Fatalf("quick update: %d", code)
	}
	if _, body := cc.Get("/o/" + muni.Slug + "/dashboard"); strings.Contains(body, "Ordna studiebesök för nyanlända.") {
		t.Error("a done plan measure stays on My work")
	}

	// The contributor updates a plan measure from its page.
	if code, body := cc.Get("/o/" + muni.Slug + "/measures/" + m1); code != 200 || !strings.Contains(body, "Handlingsplan för integration") ||
		!strings.Contains(body, "Arbete") {
		t.Fatalf("measure page: %d, or without its plan and area", code)
	}
	if code, _ := cc.Post("/o/"+muni.Slug+"/measures/"+m1+"/status", url.Values{"status": {"ongoing"}, "progress": {"30"},
		"note": {"Två platser «klara» på äldreboendet"}}); code != 303 {
		t.Fatalf("status: %d", code)
	}
	tr, _ = r.Plans.Get(context.Background(), muni, p.ID)
	if m := tr.Measures[m1]; m.Status != "ongoing" || m.Progress != 30 {
		t.Errorf("measure after the update: %+v", m)
	}

	// The list of plans says how far each has come: one of the two
	// measures done (the quick update above), the other open past «2018».
	if _, body := cc.Get(base); !strings.Contains(body, "1 av 2 klara (50") || !strings.Contains(body, "1 försenade") {
		t.Error("the list of plans does not show 1 of 2 measures done and 1 overdue")
	}

	// The global search finds the plan by a measure's words, in any case
	// and with or without the diacritics.
	if code, body := cc.Get("/o/" + muni.Slug + "/search?q=PRAKTIKPLATSER+kommunledningsgruppen"); code != 200 || !strings.Contains(body, "Handlingsplan för integration") {
		t.Errorf("search: %d", code)
	}
	if _, body := cc.Get("/o/" + muni.Slug + "/search?q=Intern+anteckning"); strings.Contains(body, "Handlingsplan för integration") {
		t.Error("search finds the plan by a private note")
	}

	// The API.
	code, body = cc.Get("/api/v1/orgs/" + muni.Slug + "/plans/" + fmt.Sprint(p.ID))
	if code != 200 {
		t.Fatalf("api: %d %s", code, body)
	}
	var got struct {
		Title string `json:"title"`
		Areas []struct {
			Title string `json:"title"`
			Items []struct {
				Kind    string `json:"kind"`
				Problem string `json:"problem"`
				Measure *struct {
					Status string `json:"status"`
				} `json:"measure"`
			} `json:"items"`
		} `json:"areas"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if got.Title != "Handlingsplan för integration" || len(got.Areas) != 1 || len(got.Areas[0].Items) != 3 ||
		got.Areas[0].Items[0].Kind != plan.ItemGoal || got.Areas[0].Items[2].Measure == nil || got.Areas[0].Items[2].Measure.Status != "ongoing" {
		t.Errorf("api tree: %s", body)
	}
	// A new plan names the one it replaces; its page links to it.
	resp, _ = ec.PostResponse(base, url.Values{"kind": {"action_plan"}, "title": {"Handlingsplan för integration 2019–2020"},
		"replaces_id": {fmt.Sprint(p.ID)}, "visibility": {"private"}})
	if resp.StatusCode != 303 {
		t.Fatalf("create the successor: %d", resp.StatusCode)
	}
	if _, body := ec.Get(resp.Header.Get("Location")); !strings.Contains(body, `href="/o/`+muni.Slug+`/plans/`+fmt.Sprint(p.ID)+`">Handlingsplan för integration</a>`) {
		t.Error("the successor's page does not link to the plan it replaces")
	}

	// Another municipality's editor finds nothing.
	other := r.Org(org.KindMunicipality)
	if code, _ := r.Client(r.User(other, "editor")).Get("/o/" + muni.Slug + "/plans/" + fmt.Sprint(p.ID)); code != 404 {
		t.Errorf("cross-tenant: %d", code)
	}
}
