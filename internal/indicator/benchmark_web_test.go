package indicator_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
	"github.com/samvirke/samvirke/tenants"
)

// ibwFigureCells answers the figure cell of each municipality's row of a
// benchmark page (the ranking, the first table), by the municipality's
// name, as text.
func ibwFigureCells(body string) map[string]string {
	re := regexp.MustCompile(`(?s)<th scope="row">([^<]+?)(?: <span class="pill">[^<]*</span>)?</th>\s*<td class="num"[^>]*>(.*?)</td>`)
	tags := regexp.MustCompile(`<[^>]+>`)
	out := map[string]string{}
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		if _, seen := out[html.UnescapeString(strings.TrimSpace(m[1]))]; seen {
			continue // the chart's data table, after the ranking
		}
		out[html.UnescapeString(strings.TrimSpace(m[1]))] = strings.ReplaceAll(html.UnescapeString(tags.ReplaceAllString(m[2], "")), "\u00a0", " ")
	}
	return out
}

// ibwSave saves entries for o as its editor u.
func ibwSave(t *testing.T, r *webtest.Harness, o *org.Organisation, u *account.User, es ...indicator.Entry) {
	t.Helper()
	_, err := r.Indicators.Save(context.Background(), o, u.ID, es)
	idcNoErr(t, err)
}

// TestBenchmarkAndSettlementPages: on the benchmark page of participants
// in 2019 another member of the network reads the municipality with 4 as
// «under 10», and neither its 4 nor the figure withheld to protect it is
// in the page; the municipality itself reads its 4. The network's
// weighted goal achievement (91 of 102) reads «89,2 %» in Norwegian and
// «89.2 %» in English. The CSV export is text/csv with a byte order mark
// and «under 10». The settlement page prints Thisted's quota table
// (seed 003): quota 128, received 111 (89 adults, 22 children), family
// reunifications 74, in all 185, 17 under the quota. Every comparison
// group is named (Norway as «Norge», not a translation key).
func TestBenchmarkAndSettlementPages(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	defs, err := indicator.ReadDefinitions(tenants.Indicators, "indicators")
	idcNoErr(t, err)
	idcNoErr(t, indicator.LoadCatalogue(context.Background(), r.DB, defs, time.Now()))
	net := r.Org(org.KindNetwork, func(o *org.Organisation) { o.Name = "Læringsnettverk Øst" })
	names := []string{"Skaun kommune", "Melhus kommune", "Osen kommune"}
	var muns []*org.Organisation
	var eds []*account.User
	for i, name := range names {
		o := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = name })
		r.Join(net, o, time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC))
		u := r.User(o, "editor")
		ibwSave(t, r, o, u, indicator.Entry{Code: "intro.participants", Period: "2019", Num: num([]float64{30, 25, 4}[i])})
		muns, eds = append(muns, o), append(eds, u)
	}
	// 1/2 and 90/100 in work: 91/102 for the network.
	for i, x := range [][2]float64{{1, 2}, {90, 100}} {
		ibwSave(t, r, muns[i], eds[i],
			indicator.Entry{Code: "intro.outcome", Period: "2019", Category: "work_50_100", Num: num(x[0])},
			indicator.Entry{Code: "intro.outcome", Period: "2019", Category: "other", Num: num(x[1] - x[0])})
	}
	skaun, osen := r.Client(eds[0]), r.Client(eds[2])
	skaun.Post("/language", url.Values{"locale": {"nb"}})
	osen.Post("/language", url.Values{"locale": {"nb"}})

	base := "/o/" + muns[0].Slug + "/indicators/intro.participants/benchmark?period=2019"
	code, body := skaun.Get(base)
	if code != 200 {
		t.Fatalf("benchmark page: %d", code)
	}
	cells := ibwFigureCells(body)
	if cells["Osen kommune"] != "under 10" || cells["Skaun kommune"] != "30" {
		t.Errorf("Skaun reads %q; want Osen «under 10», its own 30", cells)
	}
	// Melhus's 25 would give Osen's 4 away with the network's total: withheld.
	if !strings.Contains(cells["Melhus kommune"], "–") {
		t.Errorf("Melhus's figure for Skaun: %q, want it withheld", cells["Melhus kommune"])
	}
	// Every group is named, the country too, in the reader's language.
	if strings.Contains(body, "indicator_benchmark.") || !strings.Contains(body, ">Norge<") {
		t.Errorf("a group without its name: %q", regexp.MustCompile(`indicator_benchmark\.[a-z_.]+`).FindAllString(body, -1))
	}
	for _, leak := range []string{">4<", ">25<", "25 ", " 4 "} {
		if strings.Contains(body, leak) {
			t.Errorf("the page holds %q, a suppressed true value", leak)
		}
	}
	code, body = osen.Get("/o/" + muns[2].Slug + "/indicators/intro.participants/benchmark?period=2019")
	if cells = ibwFigureCells(body); code != 200 || cells["Osen kommune"] != "4" {
		t.Errorf("Osen reads its own figure as %q (%d), want 4", cells["Osen kommune"], code)
	}

	// The weighted aggregate in each language.
	for loc, want := range map[string]string{"nb": "89,2\u00a0%", "en": "89.2\u00a0%"} {
		skaun.Post("/language", url.Values{"locale": {loc}})
		code, body = skaun.Get("/o/" + muns[0].Slug + "/indicators/intro.outcome/benchmark?period=2019&rule=imdi")
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("%s: the network's 91/102 is not %q (%d)", loc, want, code)
		}
	}
	skaun.Post("/language", url.Values{"locale": {"nb"}})

	// The CSV export.
	req, _ := http.NewRequest("GET", r.URLOf("/o/"+muns[0].Slug+"/indicators/intro.participants/benchmark.csv?period=2019"), nil)
	resp := skaun.Do(req)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Errorf("CSV: %d %q, want 200 text/csv", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !strings.HasPrefix(string(b), "\ufeff") || !strings.Contains(string(b), "Osen kommune;under 10") || strings.Contains(string(b), ";4;") {
		t.Errorf("CSV without a byte order mark or «under 10», or with Osen's 4:\n%s", b)
	}

	// Thisted's quota table on the settlement page.
	thisted := r.Org(org.KindMunicipality, func(o *org.Organisation) {
		o.Name = "Thisted Kommune"
		o.Country, o.MunicipalityNumber, o.Locale = "DK", "787", "da"
	})
	tu := r.User(thisted, "editor")
	var es []indicator.Entry
	for _, y := range []struct {
		year                               string
		quota, adults, kids, fa, fk, total float64
	}{{"2014", 50, 72, 20, 12, 36, 140}, {"2015", 128, 89, 22, 24, 50, 185}, {"2016", 72, 43, 29, 23, 32, 128}, {"2017", 49, 13, 9, 10, 23, 55}} {
		es = append(es,
			indicator.Entry{Code: "settle.requested", Period: y.year, Num: num(y.quota), Source: indicator.SourceUDI},
			indicator.Entry{Code: "settle.settled", Period: y.year, Category: "adults", Num: num(y.adults)},
			indicator.Entry{Code: "settle.settled", Period: y.year, Category: "children", Num: num(y.kids)},
			indicator.Entry{Code: "settle.family", Period: y.year, Category: "adults", Num: num(y.fa)},
			indicator.Entry{Code: "settle.family", Period: y.year, Category: "children", Num: num(y.fk)},
			indicator.Entry{Code: "settle.total", Period: y.year, Num: num(y.total)})
	}
	ibwSave(t, r, thisted, tu, es...)
	tc := r.Client(tu)
	tc.Post("/language", url.Values{"locale": {"da"}})
	code, body = tc.Get("/o/" + thisted.Slug + "/indicators/settlement")
	if code != 200 {
		t.Fatalf("settlement page: %d", code)
	}
	row := regexp.MustCompile(`(?s)<th scope="row">2015</th>(.*?)</tr>`).FindStringSubmatch(body)
	if row == nil {
		t.Fatalf("no row of 2015 on the settlement page")
	}
	var got []string
	for _, m := range regexp.MustCompile(`(?s)<td class="num"[^>]*>(.*?)</td>`).FindAllStringSubmatch(row[1], -1) {
		got = append(got, strings.ReplaceAll(html.UnescapeString(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[1], "")), "\u00a0", " "))
	}
	// quota, decided, received, adults, children, family, adults,
	// children, in all, received less quota
	if want := []string{"128", "–", "111", "89", "22", "74", "24", "50", "185", "−17"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Thisted 2015: %q, want %q", got, want)
	}
	for _, y := range []string{"2008", "2017"} { // ten years up to the last with figures
		if !strings.Contains(body, `<th scope="row">`+y+`</th>`) {
			t.Errorf("the settlement page has no row of %s", y)
		}
	}
}
