package billing

import (
	"errors"
	"strings"

	"github.com/samvirke/samvirke/internal/billing/ehf"
)

// NormalOrgNumber answers an organisation number as digits only: spaces,
// hyphens and dots typed between groups go (a Swedish «212000-1488»).
func NormalOrgNumber(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '.' || r == '\u00a0' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
}

var errOrgNumber = errors.New("billing: not a valid organisation number")

// CheckOrgNumber checks an organisation number of country, typed with or
// without spaces and hyphens, by its length and check digit (see
// ehf.ValidOrgNumber: Norway 9 digits, Sweden 10, Denmark's CVR 8).
func CheckOrgNumber(country, s string) error {
	if !ehf.ValidOrgNumber(country, NormalOrgNumber(s)) {
		return errOrgNumber
	}
	return nil
}

// TaxID answers the Stripe tax id of an organisation with a VAT
// registration in country: Norway's «999999999MVA» (no_vat, as Stripe
// writes it), Sweden's «SE999999999901» and Denmark's «DK99999999»
// (eu_vat).
func TaxID(country, orgNumber string) (kind, value string) {
	n := NormalOrgNumber(orgNumber)
	switch country {
	case "NO":
		return "no_vat", n + "MVA"
	case "SE":
		return "eu_vat", "SE" + n + "01"
	case "DK":
		return "eu_vat", "DK" + n
	}
	return "", ""
}

// VATNumber answers the VAT number an e-invoice states for an
// organisation of country: «NO999999999MVA», «SE999999999901»,
// «DK99999999».
func VATNumber(country, orgNumber string) string {
	_, v := TaxID(country, orgNumber)
	if country == "NO" {
		return "NO" + v
	}
	return v
}
