package server_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/server/servertest"
)

// checkDemoPlans: the demo's Nittedal and Tierp have their adopted plans
// (tenants/plans), which their viewers find from the plans page, with the
// tree and the committee summary; Nittedal's contributor has plan measures
// on "My work".
func checkDemoPlans(t *testing.T, p *servertest.Process, password string) {
	t.Helper()
	for _, tc := range []struct {
		slug, title string
		tree        []string
		summary     string
	}{
		{"nittedal", "Temaplan for flyktningarbeidet 2020–2023", []string{"En god start i Nittedal", "Sikre et bærekraftig bosettingsarbeid, ved å:"}, "Organisering og lokal samhandling"},
		{"tierp", "Handlingsplan för integration", []string{"Kommunstyrelsen § 72.2017", "Ta fram riktlinjer och tydlig struktur"}, "Mötesplatser"},
	} {
		c := client(t)
		signIn(t, c, p.URL(), "viewer@"+tc.slug+".example", password)
		code, page := get(t, c, p.URL()+"/o/"+tc.slug+"/plans")
		link := regexp.MustCompile(`href="(/o/` + tc.slug + `/plans/\d+)"`).FindStringSubmatch(page)
		if code != 200 || !strings.Contains(page, tc.title) || link == nil {
			t.Errorf("%s's plans: %d; want a link to %q", tc.slug, code, tc.title)
			continue
		}
		code, page = get(t, c, p.URL()+link[1])
		for _, want := range tc.tree {
			if code != 200 || !strings.Contains(page, want) {
				t.Errorf("%s's plan: %d; lacks %q", tc.slug, code, want)
			}
		}
		if code, page = get(t, c, p.URL()+link[1]+"?view=summary"); code != 200 || !strings.Contains(page, tc.summary) {
			t.Errorf("%s's plan summary: %d; lacks %q", tc.slug, code, tc.summary)
		}
	}
	c := client(t)
	signIn(t, c, p.URL(), "contributor@nittedal.example", password)
	if code, page := get(t, c, p.URL()+"/o/nittedal/dashboard"); code != 200 || !strings.Contains(page, "Gjennomføre hjemmebesøk og gi boveiledning") {
		t.Errorf("Nittedal's contributor's dashboard: %d; want the plan measure they are named for", code)
	}
}
