package peppol_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/peppol"
	"github.com/samvirke/samvirke/internal/peppol/peppoltest"
)

const examples = "testdata/peppol-bis-3.0.19/examples"

func example(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(examples, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// replace changes the example once, failing if the text is not there, so a
// mutation that misses cannot pass unseen.
func replace(t *testing.T, doc []byte, old, new string) []byte {
	t.Helper()
	if strings.Count(string(doc), old) != 1 {
		t.Fatalf("mutation: %q occurs %d times, want once", old, strings.Count(string(doc), old))
	}
	return []byte(strings.Replace(string(doc), old, new, 1))
}

// The official examples of release 3.0.19 pass the schema and both rule
// sets without a fatal failure.
func TestOfficialExamplesAreValid(t *testing.T) {
	names := []string{"base-example.xml", "Vat-category-S.xml", "Norwegian-example-1.xml"}
	var docs [][]byte
	for _, n := range names {
		docs = append(docs, example(t, n))
	}
	reports := peppoltest.Validate(t, docs...)
	if len(reports) != len(names) {
		t.Fatalf("got %d reports for %d invoices", len(reports), len(names))
	}
	for i, r := range reports {
		if !r.Valid() {
			t.Errorf("%s: not valid:\n%s", names[i], r)
		}
	}
}

// Broken copies of the examples fail naming the rule they break; the valid
// base example in the same batch stays valid (reports are not mixed up).
func TestBrokenInvoicesNameTheRule(t *testing.T) {
	base := example(t, "base-example.xml")
	no := example(t, "Norwegian-example-1.xml")
	cases := []struct {
		name, rule, source string
		fatal              bool
		doc                []byte
		also               []string // further fatal rules the change breaks
	}{
		{"no buyer reference", "PEPPOL-EN16931-R003", peppol.SourcePeppol, true,
			replace(t, base, "<cbc:BuyerReference>0150abc</cbc:BuyerReference>", ""), nil},
		{"line total not the sum of the lines", "BR-CO-10", peppol.SourceCEN, true,
			replace(t, base, `<cbc:LineExtensionAmount currencyID="EUR">1300</cbc:LineExtensionAmount>`,
				`<cbc:LineExtensionAmount currencyID="EUR">1400</cbc:LineExtensionAmount>`),
			[]string{"BR-CO-13"}},
		{"Norwegian VAT number without MVA", "NO-R-001", peppol.SourcePeppol, true,
			replace(t, no, "<cbc:CompanyID>NO123456785MVA</cbc:CompanyID>", "<cbc:CompanyID>NO123456785</cbc:CompanyID>"), nil},
		{"Norwegian VAT number failing mod 11", "NO-R-001", peppol.SourcePeppol, true,
			replace(t, no, "<cbc:CompanyID>NO123456785MVA</cbc:CompanyID>", "<cbc:CompanyID>NO123456784MVA</cbc:CompanyID>"), nil},
		{"Norwegian seller without Foretaksregisteret", "NO-R-002", peppol.SourcePeppol, false,
			replace(t, no, "<cbc:CompanyID>Foretaksregisteret</cbc:CompanyID>", "<cbc:CompanyID>Registered</cbc:CompanyID>"), nil},
		{"element UBL does not have", "XSD", peppol.SourceXSD, true,
			replace(t, base, "<cbc:BuyerReference>0150abc</cbc:BuyerReference>",
				"<cbc:BuyerReference>0150abc</cbc:BuyerReference><cbc:Colour>red</cbc:Colour>"), nil},
	}
	docs := [][]byte{base}
	for _, c := range cases {
		docs = append(docs, c.doc)
	}
	reports, err := peppol.CheckAll(context.Background(), docs...)
	if err != nil {
		t.Fatal(err)
	}
	if !reports[0].Valid() {
		t.Errorf("base example in the batch: not valid:\n%s", reports[0])
	}
	for i, c := range cases {
		r := reports[i+1]
		fs := r.Failed(c.rule)
		if len(fs) == 0 {
			t.Errorf("%s: rule %s not named; failures:\n%s", c.name, c.rule, r)
			continue
		}
		f := fs[0]
		if f.Source != c.source || f.Fatal() != c.fatal || f.Text == "" {
			t.Errorf("%s: got %s, want source %s, fatal %v and a text", c.name, f, c.source, c.fatal)
		}
		if r.Valid() == c.fatal {
			t.Errorf("%s: Valid() = %v with fatal=%v:\n%s", c.name, r.Valid(), c.fatal, r)
		}
		// Nothing else broke: the mutation is the only fatal cause.
		for _, g := range r.Fatal() {
			if g.ID != c.rule && !slices.Contains(c.also, g.ID) {
				t.Errorf("%s: unexpected fatal %s", c.name, g)
			}
		}
	}
	if fs := reports[6].Failed("XSD"); len(fs) > 0 && !strings.Contains(fs[0].Text, "Colour") {
		t.Errorf("schema failure does not name the element: %s", fs[0])
	}
}

// The buyer's electronic address in the three countries: Norway 0192
// (organisation number, mod 11), Sweden 0007 (organisationsnummer, Luhn),
// Denmark 0184 (CVR, eight digits). Well-formed ones pass, others fail
// naming the country's rule.
func TestBuyerEndpointSchemes(t *testing.T) {
	no := example(t, "Norwegian-example-1.xml")
	const buyer = `<cbc:EndpointID schemeID="0192">987654325</cbc:EndpointID>`
	cases := []struct {
		scheme, id, rule string // rule "" for valid
	}{
		{"0192", "964338531", ""},
		{"0007", "2120000142", ""},
		{"0184", "12345678", ""},
		{"0184", "DK12345678", ""},
		{"0192", "987654321", "PEPPOL-COMMON-R041"},
		{"0007", "5560360794", "PEPPOL-COMMON-R049"},
		{"0007", "556036-0793", "PEPPOL-COMMON-R049"},
		{"0184", "1234567", "PEPPOL-COMMON-R042"},
	}
	var docs [][]byte
	for _, c := range cases {
		docs = append(docs, replace(t, no, buyer, `<cbc:EndpointID schemeID="`+c.scheme+`">`+c.id+`</cbc:EndpointID>`))
	}
	reports, err := peppol.CheckAll(context.Background(), docs...)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		r := reports[i]
		if c.rule == "" {
			if !r.Valid() {
				t.Errorf("%s %s: not valid:\n%s", c.scheme, c.id, r)
			}
			continue
		}
		if len(r.Failed(c.rule)) == 0 || r.Valid() {
			t.Errorf("%s %s: does not fail %s:\n%s", c.scheme, c.id, c.rule, r)
		}
	}
}

// Without the tools the check is an error naming what is missing, never a
// pass.
func TestMissingToolsAreAnError(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("SAXON_JAR", filepath.Join(t.TempDir(), "none.jar"))
	_, err := peppol.Check(context.Background(), example(t, "base-example.xml"))
	if err == nil {
		t.Fatal("check passed without xmllint, java and Saxon")
	}
	for _, want := range []string{"libxml2-utils", "default-jre-headless", "libsaxonhe-java"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

func TestParseSVRL(t *testing.T) {
	svrl := `<?xml version="1.0"?>
<svrl:schematron-output xmlns:svrl="http://purl.oclc.org/dsdl/svrl">
 <svrl:active-pattern/>
 <svrl:fired-rule context="x"/>
 <svrl:failed-assert id="BR-01" flag="fatal" location="/Invoice" test="a">
  <svrl:text>[BR-01]-An Invoice shall
    have a Specification identifier.</svrl:text>
 </svrl:failed-assert>
 <svrl:failed-assert id="UBL-CR-001" flag="warning" location="/Invoice" test="b"><svrl:text>w</svrl:text></svrl:failed-assert>
 <svrl:successful-report id="R-X" location="/" test="c"><svrl:text>r</svrl:text></svrl:successful-report>
</svrl:schematron-output>`
	fs, err := peppol.ParseSVRL(peppol.SourceCEN, []byte(svrl))
	if err != nil {
		t.Fatal(err)
	}
	r := peppol.Report{Failures: fs}
	if len(fs) != 3 || len(r.Fatal()) != 2 || len(r.Warnings()) != 1 {
		t.Fatalf("got %v", fs)
	}
	if fs[0].ID != "BR-01" || fs[0].Text != "[BR-01]-An Invoice shall have a Specification identifier." || fs[0].Location != "/Invoice" {
		t.Errorf("got %+v", fs[0])
	}
	if _, err := peppol.ParseSVRL(peppol.SourceCEN, []byte("<not-svrl/>")); err == nil {
		t.Error("a document that is not SVRL parsed")
	}
}
