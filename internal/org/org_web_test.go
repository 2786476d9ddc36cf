package org_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/due"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
)

// fixedSource stands in for a capability until the real ones exist: it
// answers its items for their responsible user, scoped like a capability's
// store would be.
func fixedSource(items ...due.Item) due.Source {
	return due.SourceFunc(func(ctx context.Context, idb bun.IDB, q due.Query) ([]due.Item, error) {
		var out []due.Item
		for _, it := range items {
			if it.OrgID == q.OrgID && (q.ResponsibleID == 0 || it.ResponsibleID == q.ResponsibleID) {
				out = append(out, it)
			}
		}
		return out, nil
	})
}

// TestMyWork: items from two sources appear on the dashboard in due order,
// grouped, with "overdue" said in words; other people's items do not.
func TestMyWork(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	o := r.Org(org.KindMunicipality)
	u := r.User(o, "contributor")
	someoneElse := r.User(o, "contributor")
	// Days are counted in the organisation's time zone, as the dashboard
	// counts them (between 23:00 and midnight UTC it is already tomorrow
	// in Oslo).
	zone, err := time.LoadLocation(o.TimeZone)
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().In(zone)
	day := func(d int) time.Time { return today.AddDate(0, 0, d) }
	r.Due.Add(fixedSource(
		due.Item{OrgID: o.ID, ResponsibleID: u.ID, Due: day(30), Title: "Språkpraksis hos frivilligsentralen", Source: "workbook.measure", State: due.StateOpen},
		due.Item{OrgID: o.ID, ResponsibleID: u.ID, Due: day(-3), Title: "Årshjulet for bosetting revideres", Source: "workbook.goal", State: due.StateOpen},
		due.Item{OrgID: o.ID, ResponsibleID: someoneElse.ID, Due: day(1), Title: "Ikke min oppgave", Source: "workbook.goal", State: due.StateOpen},
	))
	r.Due.Add(fixedSource(
		due.Item{OrgID: o.ID, ResponsibleID: u.ID, Due: day(5), Title: "Følge opp vedtak i integreringsrådet", Source: "council.decision", State: due.StateOpen},
		due.Item{OrgID: o.ID, ResponsibleID: u.ID, Due: day(2), Title: "Allerede gjort", Source: "council.decision", State: due.StateDone},
	))
	code, body := r.Client(u).Get(r.URL + "/o/" + o.Slug + "/dashboard")
	if code != 200 {
		t.Fatalf("dashboard: %d", code)
	}
	order := []string{"Årshjulet for bosetting revideres", "Følge opp vedtak i integreringsrådet", "Språkpraksis hos frivilligsentralen"}
	last := -1
	for _, title := range order {
		i := strings.Index(body, title)
		if i < 0 {
			t.Fatalf("My work lacks %q", title)
		}
		if i < last {
			t.Errorf("%q is out of due order", title)
		}
		last = i
	}
	for _, absent := range []string{"Ikke min oppgave", "Allerede gjort"} {
		if strings.Contains(body, absent) {
			t.Errorf("My work shows %q, which is someone else's or done", absent)
		}
	}
	// Overdue is said in words, next to the item, not only by colour.
	row := regexp.MustCompile(`(?s)<tr class="overdue">.*?Årshjulet for bosetting revideres.*?</tr>`).FindString(body)
	if !strings.Contains(row, "Forfalt med 3 dager") {
		t.Errorf("the overdue row does not say so in text:\n%s", row)
	}
	for _, heading := range []string{"Forfalt", "Frist innen 14 dager", "Senere"} {
		if !strings.Contains(body, heading) {
			t.Errorf("My work lacks the group %q", heading)
		}
	}
}

// TestTerminology: an organisation names key terms in its own words per
// language; a too-long word is refused with what was typed kept.
func TestTerminology(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	o := r.Org(org.KindMunicipality)
	admin := r.User(o, "admin")
	viewer := r.User(o, "viewer")
	ac := r.Client(admin)
	page := r.URL + "/o/" + o.Slug + "/terms"
	if code, _ := ac.Post(page, url.Values{"introduction_programme.nb": {"Kvalifiseringsløpet «Ny start»"}, "workbook.sv": {"Arbetsboken"}}); code != 303 {
		t.Fatalf("save terms: %d", code)
	}
	_, body := r.Client(viewer).Get(page)
	for _, want := range []string{"Kvalifiseringsløpet «Ny start»", "Arbetsboken", "etableringsprogrammet"} {
		if !strings.Contains(body, want) {
			t.Errorf("terms page lacks %q", want)
		}
	}
	long := strings.Repeat("ø", 81)
	code, body := ac.Post(page, url.Values{"workbook.da": {long}, "gathering.nb": {"Nettverkssamling"}})
	if code != 422 || !strings.Contains(body, long) || !strings.Contains(body, "Nettverkssamling") || !strings.Contains(body, `aria-invalid="true"`) {
		t.Errorf("too long a word: %d; want 422 with both typed values kept and the field marked", code)
	}
}

// TestSearchAndNetworks: a municipality's dashboard names its networks,
// and search finds members (for those who may read them) and the
// network's municipalities, matching Norwegian letters in any case, on
// PostgreSQL through row-level security as on SQLite.
func TestSearchAndNetworks(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	network := r.Org(org.KindNetwork, func(o *org.Organisation) { o.Name = "Læringsnettverk Innlandet" })
	own := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Åsnes kommune" })
	peer := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Østre Toten kommune" })
	left := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Østfold-gammel kommune" })
	r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Østersund kommun" }) // in no network
	joined := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	r.Join(network, own, joined)
	r.Join(network, peer, joined)
	dbtest.MustJoinNetwork(t, r.DB, network, left, joined, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	admin := r.User(own, "admin")
	viewer := r.User(own, "viewer")
	coordinator := r.User(network, "coordinator")
	// The network itself finds its current members.
	_, found := r.Client(coordinator).Get(r.URL + "/o/" + network.Slug + "/search?q=" + url.QueryEscape("østre"))
	if !strings.Contains(found, "Østre Toten kommune") || strings.Contains(found, "Østfold-gammel") {
		t.Error("the network's search should find its member Østre Toten and not the member that left")
	}
	base := r.URL + "/o/" + own.Slug
	_, dash := r.Client(viewer).Get(base + "/dashboard")
	if !strings.Contains(dash, "Læringsnettverk Innlandet") {
		t.Error("the dashboard does not name the municipality's network")
	}
	_, body := r.Client(admin).Get(base + "/search?q=" + url.QueryEscape("ØSTRE"))
	if !strings.Contains(body, "Østre Toten kommune") {
		t.Error("search for ØSTRE misses the network peer Østre Toten")
	}
	for _, absent := range []string{"Østfold-gammel", "Østersund"} {
		if strings.Contains(body, absent) {
			t.Errorf("search shows %s, which is not in the municipality's networks now", absent)
		}
	}
	_, body = r.Client(admin).Get(base + "/search?q=" + url.QueryEscape("åse ØREN"))
	if !strings.Contains(body, admin.Email) {
		t.Error("an administrator's search misses a member by name")
	}
	_, body = r.Client(viewer).Get(base + "/search?q=" + url.QueryEscape("åse ØREN"))
	if strings.Contains(body, admin.Email) {
		t.Error("a viewer, who may not read the member list, finds members")
	}
}
