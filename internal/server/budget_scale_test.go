package server_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun/dialect"

	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/plan"
	"github.com/samvirke/samvirke/internal/scale"
	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/internal/server/servertest"
	"github.com/samvirke/samvirke/internal/survey"
	"github.com/samvirke/samvirke/internal/workbook"
)

// scalePages are the pages of the load run's mix (cmd/samvirke-load) and
// their lists, as a municipality's editor and a network's coordinator
// reach them by following links.
var scalePages = []struct {
	name string
	re   *regexp.Regexp
}{
	{"dashboard", regexp.MustCompile(`^/o/[^/]+/dashboard$`)},
	{"workbooks", regexp.MustCompile(`^/o/[^/]+/workbooks$`)},
	{"workbook", regexp.MustCompile(`^/o/[^/]+/workbooks/\d+$`)},
	{"answer", regexp.MustCompile(`^/o/[^/]+/workbooks/\d+/statements/\d+$`)},
	{"gatherings", regexp.MustCompile(`^/o/[^/]+/gatherings$`)},
	{"progress grid", regexp.MustCompile(`^/o/[^/]+/gatherings/\d+$`)},
	{"gathering view", regexp.MustCompile(`^/o/[^/]+/templates/\d+/statements/\d+/gathering$`)},
	{"plans", regexp.MustCompile(`^/o/[^/]+/plans$`)},
	{"plan tree", regexp.MustCompile(`^/o/[^/]+/plans/\d+$`)},
	{"councils", regexp.MustCompile(`^/o/[^/]+/councils$`)},
	{"council", regexp.MustCompile(`^/o/[^/]+/councils/\d+$`)},
	{"meeting", regexp.MustCompile(`^/o/[^/]+/councils/\d+/meetings/\d+$`)},
	{"indicators", regexp.MustCompile(`^/o/[^/]+/indicators$`)},
	{"surveys", regexp.MustCompile(`^/o/[^/]+/surveys$`)},
	{"survey round", regexp.MustCompile(`^/o/[^/]+/surveys/rounds/\d+$`)},
	{"survey results", regexp.MustCompile(`^/o/[^/]+/surveys/questionnaires/\d+/results$`)},
}

// TestBudgetEveryPageAtTwoSizes: every page of the load run's mix sends the
// same statements whether the data set is small or several times larger
// (twice the municipalities, two and a half times the problem statements,
// four times a plan's measures, three times the meetings, twice their
// items, three times the months of figures and the survey respondents,
// twice the indicators):
// nothing is read row by row. The scale data set's slices make both.
func TestBudgetEveryPageAtTwoSizes(t *testing.T) {
	t.Parallel()
	type size struct{ munis, statements, measures, meetings, items, months, indicators, respondents int }
	sizes := []size{{4, 2, 20, 3, 3, 6, 20, 10}, {8, 5, 80, 9, 6, 18, 40, 30}}
	counts := map[string][]int{}
	for _, sz := range sizes {
		r := servertest.Open(t, servertest.NewEnv(t).Config(), server.ModeWeb)
		const password = "korrekt hest batteri stall"
		opts := scale.Options{Seed: 11, Municipalities: sz.munis, Networks: 1, UsersPer: 4, Password: password}
		slices := []scale.Slice{workbook.Scale{Chapters: 2, Statements: sz.statements}, plan.Scale{Measures: sz.measures},
			council.Scale{Meetings: sz.meetings, Items: sz.items}, indicator.Scale{Months: sz.months, Indicators: sz.indicators},
			survey.Scale{MaxPer: sz.respondents}}
		if _, err := scale.Generate(context.Background(), r.DB, opts, slices, nil); err != nil {
			t.Fatal(err)
		}
		r.Authz.Reload()
		counter := dbtest.CountStatements(t, r.DB)
		r.Run(t)
		base := r.URL()
		found, most := map[string]int{}, map[string]int{}
		// The first Norwegian municipality's editor (the users go owner,
		// admin, editor …) and the network's coordinator.
		for _, who := range []struct{ email, home string }{
			{"u03@scale-no-0101.scale.example", "/o/scale-no-0101/"},
			{"coordinator@scale-network-01.scale.example", "/o/scale-network-01/"},
		} {
			c := client(t)
			if resp := signIn(t, c, base, who.email, password); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("signing in %s: %d", who.email, resp.StatusCode)
			}
			queue := []string{who.home + "dashboard"}
			for _, list := range []string{"workbooks", "gatherings", "plans", "councils", "indicators", "surveys"} {
				queue = append(queue, who.home+list)
			}
			seen := map[string]bool{}
			for _, q := range queue {
				seen[q] = true
			}
			for reads := 0; len(queue) > 0 && reads < 400; reads++ {
				path := queue[0]
				queue = queue[1:]
				code, body := get(t, c, base+path)
				if code == http.StatusNotFound || code == http.StatusForbidden {
					continue // a list this kind of organisation does not have
				}
				if code != 200 {
					t.Fatalf("%s: %s answers %d", who.email, path, code)
				}
				for _, p := range scalePages {
					if found[p.name] >= 12 || !p.re.MatchString(path) {
						continue
					}
					found[p.name]++
					// Once more, counted (the first view may have filled
					// caches); a kind's count is its most costly page's.
					code, page, n := counted(t, c, counter, "GET", base+path, nil)
					if code != 200 {
						t.Fatalf("%s: %d", path, code)
					}
					most[p.name] = max(most[p.name], len(n.Statements))
					// A survey round's editor gets the round, its members
					// and its plans in one unit of work; the network's
					// rose is read in a second, in system scope.
					if begins := n.Transactions(); p.name == "survey round" && r.DB.Dialect().Name() == dialect.PG && begins > 2 {
						t.Errorf("%s opened %d transactions; want at most 2:\n%s", path, begins, n)
					}
					if _, form, _ := strings.Cut(page, `name="responsible_user"`); p.name == "survey round" && strings.HasPrefix(who.home, "/o/scale-no-") &&
						(!strings.Contains(form, `<option value="`) || !strings.Contains(form, `<optgroup label="`)) {
						t.Errorf("%s: the editor's follow-up form offers no member or no plan's focus area", path)
					}
				}
				for _, m := range hrefPath.FindAllStringSubmatch(body, -1) {
					if link := m[1]; !seen[link] && strings.HasPrefix(link, who.home) && !strings.Contains(link, "/edit") &&
						!strings.Contains(link, "/export") && !strings.Contains(link, "/indicators/") && !strings.Contains(link, "/history") && !strings.Contains(link, "/admin") {
						seen[link] = true
						queue = append(queue, link)
					}
				}
			}
		}
		for _, p := range scalePages {
			if found[p.name] > 0 {
				counts[p.name] = append(counts[p.name], most[p.name])
				t.Logf("%d municipalities: %s: %d statements (the most of %d pages)", sz.munis, p.name, most[p.name], found[p.name])
			}
		}
		// The benchmark of the country, page and API.
		c := client(t)
		signIn(t, c, base, "u03@scale-no-0101.scale.example", password)
		for name, path := range map[string]string{
			"benchmark":     "/o/scale-no-0101/indicators/scale.settled/benchmark?group=country-no",
			"benchmark API": "/api/v1/orgs/scale-no-0101/indicators/scale.settled/benchmark?group=country-no",
		} {
			get(t, c, base+path)
			code, _, n := counted(t, c, counter, "GET", base+path, nil)
			if code != 200 {
				t.Fatalf("%s: %d", path, code)
			}
			counts[name] = append(counts[name], len(n.Statements))
			t.Logf("%d municipalities: %s: %d statements", sz.munis, name, len(n.Statements))
		}
	}
	names := []string{"benchmark", "benchmark API"}
	for _, p := range scalePages {
		names = append(names, p.name)
	}
	for _, name := range names {
		n := counts[name]
		switch {
		case len(n) != 2:
			t.Errorf("%s: reached at %d of the 2 sizes", name, len(n))
		case n[0] != n[1]:
			t.Errorf("%s: %d statements on the small data set, %d on the large", name, n[0], n[1])
		}
	}
}

var hrefPath = regexp.MustCompile(`href="(/o/[^"?#]+)"`)
