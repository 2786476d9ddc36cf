package council_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/document/doctest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
)

// thisted is a Danish municipality in Copenhagen's zone, as the seed's.
func thisted(r *webtest.Harness) *org.Organisation {
	return r.Org(org.KindMunicipality, func(o *org.Organisation) {
		o.Locale, o.TimeZone, o.Country, o.MunicipalityNumber, o.Name = "da", "Europe/Copenhagen", "DK", "787", "Thisted Kommune"
	})
}

// TestSeedMinutesPDF (acceptance 1): the 27 June 2018 meeting's approved
// and published minutes, fetched as PDF by a member of staff and by
// anyone from the public page, hold every item's title and decision and
// the absentees under every item, Danish letters intact, and a table of
// contents listing every item; before approval the PDF is marked a draft.
func TestSeedMinutesPDF(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	o := thisted(r)
	viewer := r.Client(r.User(o, "viewer"))
	seed := buildSeedMeeting(t, r.Councils, o, council.VisibilityPublic)
	internal := fmt.Sprintf("/o/%s/councils/%d/meetings/%d/minutes.pdf", o.Slug, seed.Council.ID, seed.Meeting.ID)
	public := fmt.Sprintf("/p/%s/councils/%d/meetings/%d/minutes.pdf", o.Slug, seed.Council.ID, seed.Meeting.ID)
	viewer.Post("/language", map[string][]string{"locale": {"da"}})

	// A draft is marked so, and is not public.
	code, body := viewer.Get(internal)
	if code != 200 {
		t.Fatalf("draft minutes.pdf: %d", code)
	}
	if txt := pdfNorm(doctest.PDFText(t, []byte(body)).Text); !strings.Contains(txt, pdfNorm("Kladde – ikke godkendt")) {
		t.Errorf("the draft's PDF does not say it is a draft")
	}
	if code, _ := r.Anonymous().Get(public); code != 404 {
		t.Errorf("public minutes.pdf before publishing: %d; want 404", code)
	}

	approveAndPublish(t, r.Councils, o, seed.Council, seed.Meeting)
	for name, fetch := range map[string]func() (int, string){
		"internal": func() (int, string) { return viewer.Get(internal) },
		"public":   func() (int, string) { return r.Anonymous().Get(public) },
	} {
		code, body := fetch()
		if code != 200 || !strings.HasPrefix(body, "%PDF") {
			t.Fatalf("%s minutes.pdf: %d", name, code)
		}
		pdf := doctest.PDFText(t, []byte(body))
		text := pdfNorm(pdf.Text)
		for _, want := range []string{"Referat Integrationsrådet 2018–2021 d. 27.06.2018", "Mødedato: Onsdag d. 27. juni 2018 kl. 16:00",
			"Mødested: Mødelokale A", "Indholdsfortegnelse", "Godkendt af Bo Skou Frank"} {
			if !strings.Contains(text, pdfNorm(want)) {
				t.Errorf("%s: the minutes lack %q", name, want)
			}
		}
		if strings.Contains(text, "Kladde") {
			t.Errorf("%s: approved minutes are marked a draft", name)
		}
		for _, si := range seedItems() {
			if !strings.Contains(text, pdfNorm(si.Title)) {
				t.Errorf("%s: item title %q missing", name, si.Title)
			}
			if !strings.Contains(text, pdfNorm(si.Decision)) {
				t.Errorf("%s: decision %q missing", name, si.Decision)
			}
		}
		absent := "Fraværende i Integrationsrådet – 27. juni 2018: Mushin Jetto, Ann Frederiksen"
		if n := strings.Count(text, pdfNorm(absent)); n != len(seedItems()) {
			t.Errorf("%s: %q printed %d times; want under each of the %d items", name, absent, n, len(seedItems()))
		}
		// The contents: the pages before the first item's page list every
		// item, in order.
		var contents strings.Builder
		for _, p := range pdf.PageText {
			if strings.Contains(p, "Sagstema") {
				break
			}
			contents.WriteString(p + "\n")
		}
		toc := pdfNorm(contents.String())
		if !strings.Contains(toc, "Indholdsfortegnelse") {
			t.Fatalf("%s: no table of contents before the first item:\n%s", name, toc)
		}
		at := 0
		for i, si := range seedItems() {
			entry := pdfNorm(fmt.Sprintf("Punkt %d: %s", i+1, si.Title))
			j := strings.Index(toc[at:], entry)
			if j < 0 {
				t.Errorf("%s: the contents lack %q (in order)", name, entry)
				continue
			}
			at += j + len(entry)
		}
	}
}

// pdfNorm is s as compared with text extracted from a PDF: the extractor
// (ledongthuc/pdf) reads the en dash, which the PDF prints (pdftotext
// reads it), as the control character U+0013, its code in the font's
// encoding; and lines break where the page did.
func pdfNorm(s string) string { return squash(strings.ReplaceAll(s, "\x13", "–")) }
