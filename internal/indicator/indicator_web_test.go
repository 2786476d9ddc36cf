package indicator_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
	"github.com/samvirke/samvirke/tenants"
)

// TestIndicatorPages: an editor of a municipality reads the pages in
// Norwegian and English, fills the year's report (a bad value is kept and
// named at its field, nothing saved), saves it, sees the figure with its
// provenance; a locked period refuses the post with 409 at the gate; a
// viewer reads without forms; a network coordinator sees the status; a
// file with a negative count is refused naming row and column; another
// municipality's pages are not found.
func TestIndicatorPages(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	defs, err := indicator.ReadDefinitions(tenants.Indicators, "indicators")
	idcNoErr(t, err)
	idcNoErr(t, indicator.LoadCatalogue(context.Background(), r.DB, defs, time.Now()))
	net := r.Org(org.KindNetwork, func(o *org.Organisation) { o.Name = "Læringsnettverk Øst" })
	muni := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Nittedal kommune"; o.Locale = "nb"; o.Country = "NO" })
	other := r.Org(org.KindMunicipality)
	r.Join(net, muni, time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC))
	ec := r.Client(r.User(muni, "editor"))
	vc := r.Client(r.User(muni, "viewer"))
	cc := r.Client(r.User(net, "coordinator"))
	base := "/o/" + muni.Slug + "/indicators"

	for _, loc := range []string{"nb", "en"} {
		ec.Post("/language", url.Values{"locale": {loc}})
		code, body := ec.Get(base)
		want := map[string]string{"nb": "Deltakere i introduksjonsprogrammet", "en": "Participants in the introduction programme"}[loc]
		if code != 200 || !strings.Contains(body, want) || !strings.Contains(body, base+"/import") {
			t.Fatalf("%s index: %d", loc, code)
		}
	}
	ec.Post("/language", url.Values{"locale": {"nb"}})
	code, body := ec.Get(base + "/report/2019")
	if code != 200 || !strings.Contains(body, `name="l0_c0_num"`) || !strings.Contains(body, "Status ved avsluttet introduksjonsprogram") {
		t.Fatalf("report form: %d", code)
	}
	// A bad count: kept, named at its field, nothing saved.
	form := url.Values{"l0_c0_num": {"35"}, "l1_c1_num": {"-2"}, "l1_c8_num": {"4"}, "l1_note": {"Foreløpig – «to i prøvetid»"}, "l0_src": {"own"}, "l1_src": {"own"}}
	code, body = ec.Post(base+"/report/2019", form)
	if code != 422 || !strings.Contains(body, `href="#f-l1_c1_num"`) || !strings.Contains(body, `value="-2"`) || !strings.Contains(body, "«to i prøvetid»") ||
		!strings.Contains(body, "kan ikke være negativt") {
		t.Fatalf("bad report: %d", code)
	}
	form.Set("l1_c1_num", "6")
	if code, _ = ec.Post(base+"/report/2019", form); code != 303 && code != 200 {
		t.Fatalf("report save: %d", code)
	}
	code, body = ec.Get(base + "/intro.participants")
	if code != 200 || !strings.Contains(body, "35") || !strings.Contains(body, "egen registrering") || !strings.Contains(body, base+"/intro.participants/history/2019") {
		t.Fatalf("indicator page after save: %d", code)
	}
	if code, body = ec.Get(base + "/intro.participants/history/2019"); code != 200 || !strings.Contains(body, "versjon 1") {
		t.Fatalf("history: %d", code)
	}
	// Lock: the gate refuses the post with 409.
	if code, _ = ec.Post(base+"/locks", url.Values{"period": {"2019"}}); code != 303 && code != 200 {
		t.Fatalf("lock: %d", code)
	}
	if code, body = ec.Post(base+"/report/2019", form); code != 409 || !strings.Contains(body, "2019 er låst") {
		t.Fatalf("post to a locked period: %d", code)
	}
	// The viewer reads, without forms.
	code, body = vc.Get(base + "/report/2019")
	if code != 200 || strings.Contains(body, "Lagre rapporten") || !strings.Contains(body, "disabled") {
		t.Fatalf("viewer report: %d", code)
	}
	if code, body = vc.Get(base + "/intro.participants"); code != 200 || strings.Contains(body, `action="`+base+`/intro.participants/settings"`) {
		t.Fatalf("viewer indicator page: %d", code)
	}
	// The coordinator sees the network's status.
	if code, body = cc.Get("/o/" + net.Slug + "/indicators/status?period=2019"); code != 200 || !strings.Contains(body, "Nittedal kommune") {
		t.Fatalf("network status: %d", code)
	}
	// Import: refused whole, naming row and column.
	csv := "Indikator;Periode;Teller;Merknad\nintro.participants;2018;12;æøå\nintro.participants;2017;-3;negativ\n"
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "tall.csv")
	fw.Write([]byte(csv))
	mw.Close()
	req, _ := http.NewRequest("POST", r.URLOf(base+"/import"), &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp := ec.Do(req)
	b := new(bytes.Buffer)
	b.ReadFrom(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 422 || !strings.Contains(b.String(), "Rad 3, kolonne C (Teller)") {
		t.Fatalf("import refusal: %d %s", resp.StatusCode, b.String())
	}
	if _, body = ec.Get(base + "/intro.participants"); strings.Contains(body, ">2018<") {
		t.Fatal("a refused import wrote 2018")
	}
	// Another municipality's pages are not found.
	if code, _ = ec.Get("/o/" + other.Slug + "/indicators"); code != 404 {
		t.Fatalf("other municipality: %d", code)
	}
}
