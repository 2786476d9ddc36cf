package peppoltest_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/peppol/peppoltest"
)

// recorder is a testing.TB that keeps what the helper says instead of
// failing the test that uses it.
type recorder struct {
	testing.TB
	errors []string
	fatal  bool
}

func (r *recorder) Helper()                   {}
func (r *recorder) Logf(string, ...any)       {}
func (r *recorder) Errorf(f string, a ...any) { r.errors = append(r.errors, fmt.Sprintf(f, a...)) }
func (r *recorder) Fatalf(f string, a ...any) {
	r.fatal = true
	r.errors = append(r.errors, fmt.Sprintf(f, a...))
}

func TestValidateFailsNamingTheRule(t *testing.T) {
	base, err := os.ReadFile("../testdata/peppol-bis-3.0.19/examples/base-example.xml")
	if err != nil {
		t.Fatal(err)
	}
	noBuyerRef := []byte(strings.Replace(string(base), "<cbc:BuyerReference>0150abc</cbc:BuyerReference>", "", 1))
	notXML := base[:len(base)/2]

	r := &recorder{TB: t}
	reports := peppoltest.Validate(r, base, noBuyerRef, notXML)
	if r.fatal || len(reports) != 3 {
		t.Fatalf("Validate could not run: %v", r.errors)
	}
	all := strings.Join(r.errors, "\n")
	if strings.Contains(all, "invoice 0:") {
		t.Errorf("the valid invoice was failed: %s", all)
	}
	if !strings.Contains(all, "invoice 1: PEPPOL-EN16931-UBL PEPPOL-EN16931-R003 [fatal]") {
		t.Errorf("the invoice without buyer reference was not failed naming PEPPOL-EN16931-R003: %s", all)
	}
	if !strings.Contains(all, "invoice 2: UBL-2.1-XSD XSD [fatal]") {
		t.Errorf("the cut-off invoice was not failed by the schema check: %s", all)
	}

	r = &recorder{TB: t}
	peppoltest.Fails(r, noBuyerRef, "PEPPOL-EN16931-R003")
	if len(r.errors) > 0 {
		t.Errorf("Fails complained about a rule that does fail: %v", r.errors)
	}
	r = &recorder{TB: t}
	peppoltest.Fails(r, base, "PEPPOL-EN16931-R003")
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], "does not fail rule PEPPOL-EN16931-R003") {
		t.Errorf("Fails passed a valid invoice: %v", r.errors)
	}
}
