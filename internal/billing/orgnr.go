package billing

import (
	"errors"
	"strings"
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

// CheckOrgNumber checks an organisation number of country by its length
// and check digit: Norway's organisasjonsnummer (9 digits, modulus 11),
// Sweden's organisationsnummer (10 digits, Luhn) and Denmark's CVR (8
// digits, modulus 11).
func CheckOrgNumber(country, s string) error {
	n := NormalOrgNumber(s)
	for _, r := range n {
		if r < '0' || r > '9' {
			return errOrgNumber
		}
	}
	d := func(i int) int { return int(n[i] - '0') }
	switch country {
	case "NO":
		if len(n) != 9 {
			return errOrgNumber
		}
		sum := 0
		for i, w := range []int{3, 2, 7, 6, 5, 4, 3, 2} {
			sum += d(i) * w
		}
		check := (11 - sum%11) % 11
		if check == 10 || check != d(8) {
			return errOrgNumber
		}
	case "SE":
		if len(n) != 10 {
			return errOrgNumber
		}
		sum := 0
		for i := 0; i < 10; i++ {
			v := d(i)
			if i%2 == 0 {
				if v *= 2; v > 9 {
					v -= 9
				}
			}
			sum += v
		}
		if sum%10 != 0 {
			return errOrgNumber
		}
	case "DK":
		if len(n) != 8 {
			return errOrgNumber
		}
		sum := 0
		for i, w := range []int{2, 7, 6, 5, 4, 3, 2, 1} {
			sum += d(i) * w
		}
		if sum%11 != 0 {
			return errOrgNumber
		}
	default:
		return errOrgNumber
	}
	return nil
}

// TaxID answers the Stripe tax id of an organisation with a VAT
// registration in country: Norway's «NO999999999MVA» (no_vat), Sweden's
// «SE999999999901» and Denmark's «DK99999999» (eu_vat).
func TaxID(country, orgNumber string) (kind, value string) {
	n := NormalOrgNumber(orgNumber)
	switch country {
	case "NO":
		return "no_vat", "NO" + n + "MVA"
	case "SE":
		return "eu_vat", "SE" + n + "01"
	case "DK":
		return "eu_vat", "DK" + n
	}
	return "", ""
}
