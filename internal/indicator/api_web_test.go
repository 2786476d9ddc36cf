package indicator_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
	"github.com/samvirke/samvirke/tenants"
)

// indapiCall sends body (JSON, or none) with an API token.
func indapiCall(t *testing.T, r *webtest.Harness, token, method, path, body string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, r.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func indapiToken(t *testing.T, r *webtest.Harness, o *org.Organisation, role string) string {
	t.Helper()
	tok, _, err := r.Accounts.CreateAPIToken(context.Background(), o, r.User(o, role).ID, "Fagsystem", account.ScopeWrite)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

type indapiBench struct {
	Threshold int `json:"threshold"`
	Rows      []struct {
		Municipality struct {
			Slug string `json:"slug"`
		} `json:"municipality"`
		Own    bool            `json:"own"`
		Figure json.RawMessage `json:"figure"`
	} `json:"rows"`
	Aggregates []struct {
		Covered int `json:"covered"`
		Members int `json:"members"`
	} `json:"aggregates"`
}

// TestIndicatorAPI: in a network where Nittedal reported 4 participants,
// another member's token reads the benchmark with Nittedal's figure as
// {"small": true, "label": "under 10"} and no 4 anywhere in it, while
// Nittedal's own token reads its 4; a batch with a negative count is
// refused with the entry's index and field and writes nothing; another
// municipality's indicators are not found.
func TestIndicatorAPI(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	defs, err := indicator.ReadDefinitions(tenants.Indicators, "indicators")
	idcNoErr(t, err)
	idcNoErr(t, indicator.LoadCatalogue(context.Background(), r.DB, defs, time.Now().UTC()))
	net := r.Org(org.KindNetwork)
	var muns []*org.Organisation
	for i := 0; i < 3; i++ {
		m := r.Org(org.KindMunicipality)
		r.Join(net, m, time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC))
		muns = append(muns, m)
	}
	other := r.Org(org.KindMunicipality)
	own, peer := indapiToken(t, r, muns[0], "editor"), indapiToken(t, r, muns[1], "editor")
	for i, n := range []string{"4", "37", "52"} {
		tok := indapiToken(t, r, muns[i], "editor")
		if code, body := indapiCall(t, r, tok, "POST", "/api/v1/orgs/"+muns[i].Slug+"/indicators/values",
			`{"values":[{"code":"intro.participants","period":"2019","numerator":`+n+`}]}`); code != 200 {
			t.Fatalf("saving %s: %d %s", n, code, body)
		}
	}

	path := "/indicators/intro.participants/benchmark?period=2019&group=network-"
	code, body := indapiCall(t, r, peer, "GET", "/api/v1/orgs/"+muns[1].Slug+path+itoa(net.ID), "")
	if code != 200 {
		t.Fatalf("peer's benchmark: %d %s", code, body)
	}
	var b indapiBench
	idcNoErr(t, json.Unmarshal([]byte(body), &b))
	found := false
	for _, row := range b.Rows {
		if row.Municipality.Slug != muns[0].Slug {
			continue
		}
		found = true
		if !strings.Contains(string(row.Figure), `"small":true`) || !strings.Contains(string(row.Figure), `"label":"under 10"`) || strings.Contains(string(row.Figure), "4") {
			t.Errorf("Nittedal's figure seen by a peer: %s; want small, «under 10», no 4", row.Figure)
		}
		if strings.Contains(string(row.Figure), "numerator") {
			t.Errorf("Nittedal's figure seen by a peer has a number: %s", row.Figure)
		}
	}
	if !found || strings.Contains(body, `"numerator":4`) || strings.Contains(body, `"numerator":4,`) {
		t.Errorf("peer's benchmark: %s; want Nittedal's row without its 4", body)
	}
	if len(b.Aggregates) == 0 || b.Aggregates[0].Members != 3 {
		t.Errorf("aggregates %+v; want the network's with 3 members", b.Aggregates)
	}
	code, body = indapiCall(t, r, own, "GET", "/api/v1/orgs/"+muns[0].Slug+path+itoa(net.ID), "")
	if code != 200 || !strings.Contains(body, `"own":true,"rank":3,"figure":{"numerator":4,`) {
		t.Errorf("own benchmark: %d %s; want its own exact 4", code, body)
	}

	code, body = indapiCall(t, r, own, "POST", "/api/v1/orgs/"+muns[0].Slug+"/indicators/values",
		`{"values":[{"code":"intro.participants","period":"2020","numerator":3},{"code":"intro.participants","period":"2018","numerator":-2}]}`)
	if code != 422 || !strings.Contains(body, `{"index":1,"field":"numerator","key":"indicator.error.negative"`) {
		t.Errorf("a negative count: %d %s; want 422 naming entry 1's numerator", code, body)
	}
	code, body = indapiCall(t, r, own, "GET", "/api/v1/orgs/"+muns[0].Slug+"/indicators/intro.participants/values", "")
	if code != 200 || strings.Contains(body, `"2020"`) || !strings.Contains(body, `"period":"2019","numerator":4`) {
		t.Errorf("values after the refused batch: %d %s; want 2019's 4 and nothing of 2020", code, body)
	}

	for _, p := range []string{"/indicators/intro.participants/values", "/indicators/intro.participants/benchmark?period=2019"} {
		if code, body := indapiCall(t, r, own, "GET", "/api/v1/orgs/"+other.Slug+p, ""); code != 404 {
			t.Errorf("another municipality's %s: %d %s; want 404", p, code, body)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
