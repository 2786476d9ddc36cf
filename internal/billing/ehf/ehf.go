// Package ehf writes invoices as Peppol BIS Billing 3.0 UBL 2.1 Invoice XML:
// EHF Billing 3.0 for Norwegian public buyers, and the format Swedish and
// Danish public buyers receive over Peppol. It is pure: the billing service
// fills a Document from a Stripe invoice and the seller's configuration,
// Validate names each missing or malformed field, and Invoice writes the XML.
//
// Amounts are int64 minor units (øre, öre) of the document currency; no
// floats are used. VAT is computed per VAT category and rate from the sum of
// the line amounts, rounded to the minor unit with halves away from zero.
//
// VAT for a Norwegian seller's services to Swedish and Danish public buyers:
// Norway charges no VAT on services delivered abroad (merverdiavgiftsloven
// § 6-22), and the buyer accounts for the VAT in its own country (reverse
// charge). Write such lines as VAT{Category: "AE", ExemptionCode:
// "VATEX-EU-AE", ExemptionReason: "Reverse charge"} and give the buyer's VAT
// number, so that the buyer's accounts payable books the reverse charge.
package ehf

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	customizationID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
	profileID       = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
	invoiceTypeCode = "380" // commercial invoice

	nsInvoice = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
	nsCAC     = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
	nsCBC     = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
)

// Party is the seller or the buyer. Text fields are trimmed; a field of
// only spaces counts as empty.
type Party struct {
	// Name is the registered name (BT-27, BT-44), also written as the
	// party's trading name.
	Name string
	// Country is the ISO 3166-1 alpha-2 code: NO, SE or DK for a buyer (or
	// any, with an explicit endpoint); a seller may be any country.
	Country string
	// OrgNumber is the organisation number, required in NO, SE and DK:
	// Norway 9 digits (organisasjonsnummer, MOD11 check digit), Sweden 10
	// digits (organisationsnummer, Luhn check digit, may be typed
	// NNNNNN-NNNN), Denmark 8 digits (CVR). Spaces and hyphens are ignored.
	// It is the legal registration identifier (BT-30, BT-47) and, unless
	// EndpointID is set, the Peppol address.
	OrgNumber string
	// VATNumber is the VAT identifier with its country prefix (BT-31,
	// BT-48): NO999999999MVA, SE556677889901, DK12345678; "" when not
	// VAT-registered. In NO and SE it must be made of OrgNumber.
	VATNumber string
	// Street, City and PostalCode are the postal address, required for
	// both parties (Norwegian bookkeeping rules: name and address of seller
	// and buyer).
	Street, City, PostalCode string
	// ContactName, ContactEmail and ContactPhone are an optional contact
	// point (BG-6, BG-9).
	ContactName, ContactEmail, ContactPhone string
	// EndpointScheme and EndpointID, both or neither, override the Peppol
	// electronic address (BT-34, BT-49), which is otherwise
	// EndpointScheme(Country) with OrgNumber: for a buyer that receives on
	// another identifier, e.g. "0088" with the GLN (EAN location number)
	// many Danish public buyers use, or for a country without a default.
	EndpointScheme, EndpointID string
}

// Line is one invoice line (BG-25).
type Line struct {
	// ID identifies the line, unique within the document (BT-126).
	ID string
	// Description is the item name (BT-153).
	Description string
	// Period is the optional invoicing period of the line (BG-26), within
	// Document.Period when both are given.
	Period *Period
	// Quantity is the invoiced quantity (BT-129); negative on a credit line.
	Quantity int64
	// Unit is the UN/ECE Recommendation 20 unit code of Quantity (BT-130),
	// e.g. "MON" for months; "" means "EA" (each).
	Unit string
	// UnitPrice is the net price of one unit in minor units excluding VAT
	// (BT-146); never negative.
	UnitPrice int64
	// Amount is the line total in minor units excluding VAT (BT-131), the
	// amount the VAT is computed on. When it differs from
	// Quantity×UnitPrice, the difference is written as a line allowance
	// ("Discount") or charge ("Price adjustment").
	Amount int64
	// VAT is the VAT treatment of the line.
	VAT VAT
}

// VAT is the VAT treatment of a line. Lines with equal Category and Percent
// make one entry of the VAT breakdown. The rules (EN 16931):
//
//	S   standard rate: Percent above 0 (2500 in NO, SE and DK), no exemption
//	Z   zero rated: Percent 0, no exemption
//	E   exempt, AE reverse charge, K intra-community supply, G export
//	    outside the EU: Percent 0, an ExemptionReason and/or ExemptionCode,
//	    the same on every line of the category
//	O   not subject to VAT: Percent 0 (not written), an exemption, no VAT
//	    number for seller or buyer, and no other category on the invoice
//
// Every category but O needs the seller's VAT number; AE and K the buyer's
// too; K also Document.Period.
type VAT struct {
	// Category is the UNCL5305 code: S, Z, E, AE, K, G or O.
	Category string
	// Percent is the rate in hundredths: 2500 = 25.00 %.
	Percent int64
	// ExemptionReason is the exemption reason text (BT-120), e.g. "Reverse
	// charge".
	ExemptionReason string
	// ExemptionCode is the exemption reason code from the CEF VATEX list
	// (BT-121), e.g. "VATEX-EU-AE"; optional beside ExemptionReason.
	ExemptionCode string
}

// Period is a period of dates, both ends included. Only the dates count,
// taken in each time's own location (convert Stripe's Unix times to
// Europe/Oslo first).
type Period struct {
	Start time.Time // first day
	End   time.Time // last day, not before Start
}

// Document is an invoice to write.
type Document struct {
	// Number is the invoice number (BT-1).
	Number string
	// IssueDate is the invoice date (BT-2); DueDate is the payment due date
	// (BT-9), required when an amount is due. Only the dates count.
	IssueDate, DueDate time.Time
	// Currency is the ISO 4217 code of every amount: NOK, SEK, DKK or EUR
	// (currencies with two decimals, so that minor units are hundredths).
	Currency string
	// BuyerReference is the buyer's reference (BT-10), required: public
	// buyers route and approve invoices by it (Norway: "Deres ref.").
	BuyerReference string
	// OrderReference is the buyer's purchase order number (BT-13), optional.
	OrderReference string
	// Note is a free-text note to the buyer (BT-22), optional.
	Note string
	// Seller and Buyer are the parties (BG-4, BG-7).
	Seller, Buyer Party
	// Lines are the invoice lines, at least one.
	Lines []Line
	// PaymentAccount is the seller's account the buyer pays to (BT-84): an
	// IBAN, or a Norwegian 11-digit account number (MOD11 check digit).
	// Spaces and dots are ignored. Required when an amount is due.
	PaymentAccount string
	// PaymentBIC is the BIC of the account's bank (BT-86), optional.
	PaymentBIC string
	// PaymentID is the KID, OCR or other payment reference (BT-83),
	// optional.
	PaymentID string
	// Period is the optional invoicing period (BG-14).
	Period *Period
	// Prepaid is the amount already paid in minor units (BT-113), e.g. by
	// card or from a credit balance; the amount due is the total with VAT
	// less Prepaid. Usually 0.
	Prepaid int64
}

// EndpointScheme is the Peppol electronic address scheme (EAS) of an
// organisation number of the country: "0192" Norway (Enhetsregisteret),
// "0007" Sweden (organisationsnummer), "0184" Denmark (CVR), "" otherwise.
func EndpointScheme(country string) string {
	switch country {
	case "NO":
		return "0192"
	case "SE":
		return "0007"
	case "DK":
		return "0184"
	}
	return ""
}

// FieldError is a problem with one field of a Document. Validate returns
// them joined (errors.Join), one per problem.
type FieldError struct {
	Field   string // the field's path, e.g. "Buyer.OrgNumber" or "Lines[2].VAT.Percent"
	Problem string // what is wrong, in words, with the rule where one applies
}

// Error is "ehf: Field: Problem".
func (e *FieldError) Error() string { return "ehf: " + e.Field + ": " + e.Problem }

var (
	currencies   = []string{"NOK", "SEK", "DKK", "EUR"}
	categories   = []string{"S", "Z", "E", "AE", "K", "G", "O"}
	countryRE    = regexp.MustCompile(`^[A-Z]{2}$`)
	unitRE       = regexp.MustCompile(`^[A-Z0-9]{1,3}$`)
	bicRE        = regexp.MustCompile(`^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$`)
	digitsRE     = regexp.MustCompile(`^[0-9]+$`)
	vatexForCode = map[string]string{ // exemption codes that fix the category (PEPPOL-EN16931-P0104..P0111)
		"VATEX-EU-AE": "AE", "VATEX-EU-G": "G", "VATEX-EU-O": "O", "VATEX-EU-IC": "K",
		"VATEX-EU-D": "E", "VATEX-EU-F": "E", "VATEX-EU-I": "E", "VATEX-EU-J": "E",
	}
)

// Validate checks that the document can be written as a valid Peppol BIS
// Billing 3.0 invoice, and returns every problem found as a *FieldError,
// joined, or nil.
func (d Document) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{Field: field, Problem: fmt.Sprintf(format, args...)})
	}

	if blank(d.Number) {
		bad("Number", "required: the invoice number (BT-1)")
	}
	if d.IssueDate.IsZero() {
		bad("IssueDate", "required (BT-2)")
	} else if !d.DueDate.IsZero() && day(d.DueDate) < day(d.IssueDate) {
		bad("DueDate", "%s is before the issue date %s", day(d.DueDate), day(d.IssueDate))
	}
	if !slices.Contains(currencies, d.Currency) {
		bad("Currency", "%q is not one of %s", d.Currency, strings.Join(currencies, ", "))
	}
	if blank(d.BuyerReference) {
		bad("BuyerReference", "required: public buyers route and approve invoices by it (BT-10)")
	}
	checkParty(bad, "Seller", d.Seller)
	checkParty(bad, "Buyer", d.Buyer)
	checkPeriod(bad, "Period", d.Period)

	if len(d.Lines) == 0 {
		bad("Lines", "at least one invoice line is required (BG-25)")
	}
	ids := map[string]bool{}
	type exemption struct{ reason, code string }
	exemptions := map[string]exemption{} // category → first line's exemption
	var cats []string                    // categories in use, in order of appearance
	amountsOK := true
	var volume int64 // Σ|Amount|, bounds every sum
	for i, l := range d.Lines {
		f := fmt.Sprintf("Lines[%d].", i)
		if id := clean(l.ID); id == "" {
			bad(f+"ID", "required (BT-126)")
		} else if ids[id] {
			bad(f+"ID", "%q is the ID of an earlier line too", id)
		} else {
			ids[id] = true
		}
		if blank(l.Description) {
			bad(f+"Description", "required: the item name (BT-153)")
		}
		if l.Unit != "" && !unitRE.MatchString(l.Unit) {
			bad(f+"Unit", "%q is not a UN/ECE Recommendation 20 unit code such as EA or MON", l.Unit)
		}
		if l.UnitPrice < 0 {
			bad(f+"UnitPrice", "must not be negative (BR-27); credit with a negative Quantity")
		}
		if !inRange(l.Quantity) || !inRange(l.UnitPrice) || !inRange(l.Amount) ||
			(l.Quantity != 0 && abs(l.UnitPrice) > maxAmount/abs(l.Quantity)) {
			bad(f+"Amount", "out of range: quantity, price and amount are limited to %s", formatAmount(maxAmount))
			amountsOK = false
		} else if volume += abs(l.Amount); volume > maxAmount {
			bad(f+"Amount", "the lines add up to more than %s", formatAmount(maxAmount))
			amountsOK = false
		}
		if checkPeriod(bad, f+"Period", l.Period) && d.Period != nil && l.Period != nil &&
			(day(l.Period.Start) < day(d.Period.Start) || day(l.Period.End) > day(d.Period.End)) {
			bad(f+"Period", "must lie within the invoice period (PEPPOL-EN16931-R110, R111)")
		}

		v := l.VAT
		reason, code := clean(v.ExemptionReason), clean(v.ExemptionCode)
		if v.Percent < 0 || v.Percent > 10000 {
			amountsOK = false // reported below; keeps the VAT product in range
		}
		switch v.Category {
		case "S":
			if v.Percent <= 0 || v.Percent > 10000 {
				bad(f+"VAT.Percent", "standard rate needs a rate above 0 and at most 100 %% (BR-S-05)")
			}
			if reason != "" || code != "" {
				bad(f+"VAT.ExemptionReason", "a standard-rated line has no exemption reason (BR-S-10)")
			}
		case "Z":
			if v.Percent != 0 {
				bad(f+"VAT.Percent", "must be 0 for zero-rated (BR-Z-05)")
			}
			if reason != "" || code != "" {
				bad(f+"VAT.ExemptionReason", "a zero-rated line has no exemption reason (BR-Z-10)")
			}
		case "E", "AE", "K", "G", "O":
			if v.Percent != 0 {
				bad(f+"VAT.Percent", "must be 0 for category %s", v.Category)
			}
			if reason == "" && code == "" {
				bad(f+"VAT.ExemptionReason", "category %s needs an exemption reason or code (BR-%s-10)", v.Category, ruleCategory(v.Category))
			}
		default:
			bad(f+"VAT.Category", "%q is not one of %s", v.Category, strings.Join(categories, ", "))
			continue
		}
		if code != "" {
			if want, ok := vatexForCode[strings.ToUpper(code)]; ok && want != v.Category {
				bad(f+"VAT.ExemptionCode", "%s belongs to category %s, not %s", code, want, v.Category)
			} else if !strings.HasPrefix(strings.ToUpper(code), "VATEX-") {
				bad(f+"VAT.ExemptionCode", "%q is not a code of the VATEX list", code)
			}
		}
		if first, seen := exemptions[v.Category]; !seen {
			exemptions[v.Category] = exemption{reason, code}
			cats = append(cats, v.Category)
		} else if first != (exemption{reason, code}) {
			bad(f+"VAT", "every line of category %s needs the same exemption reason and code: the VAT breakdown has one entry per category", v.Category)
		}
	}

	sellerVAT, buyerVAT := vatID(d.Seller) != "", vatID(d.Buyer) != ""
	if slices.Contains(cats, "O") {
		if len(cats) > 1 {
			bad("Lines", "category O (not subject to VAT) cannot be mixed with other VAT categories on one invoice (BR-O-11)")
		}
		if sellerVAT {
			bad("Seller.VATNumber", "must be empty on an invoice not subject to VAT, category O (BR-O-02)")
		}
		if buyerVAT {
			bad("Buyer.VATNumber", "must be empty on an invoice not subject to VAT, category O (BR-O-02)")
		}
	} else if len(cats) > 0 && !sellerVAT {
		bad("Seller.VATNumber", "required with VAT category %s (BR-%s-02); a seller without VAT registration invoices category O", cats[0], ruleCategory(cats[0]))
	}
	if (slices.Contains(cats, "AE") || slices.Contains(cats, "K")) && !buyerVAT {
		bad("Buyer.VATNumber", "required with reverse charge (AE) and intra-community supply (K): the buyer accounts for the VAT")
	}
	if slices.Contains(cats, "K") && d.Period == nil {
		bad("Period", "required with intra-community supply, category K (BR-IC-11)")
	}

	if !inRange(d.Prepaid) {
		bad("Prepaid", "out of range")
		amountsOK = false
	}
	account := d.account()
	if account != "" && !validIBAN(account) && !(len(account) == 11 && mod11(account)) {
		bad("PaymentAccount", "%q is neither an IBAN nor a Norwegian 11-digit account number with a valid check digit", d.PaymentAccount)
	}
	if bic := clean(d.PaymentBIC); bic != "" && !bicRE.MatchString(bic) {
		bad("PaymentBIC", "%q is not a BIC (8 or 11 letters and digits)", bic)
	}
	if account == "" && !blank(d.PaymentID) {
		bad("PaymentAccount", "required with a PaymentID: the reference is for a payment to the account")
	}
	if account != "" && d.Seller.Country == "DK" && d.Buyer.Country == "DK" && d.paymentMeansCode() == "30" {
		bad("PaymentAccount", "between Danish parties credit transfer code 30 is not allowed (DK-R-005); only an IBAN in EUR (SEPA, code 58) is supported")
	}
	if amountsOK && len(d.Lines) > 0 {
		if t := d.totals(); t.payable > 0 {
			if d.DueDate.IsZero() {
				bad("DueDate", "required when an amount is due (BR-CO-25)")
			}
			if account == "" {
				bad("PaymentAccount", "required when an amount is due: the account the buyer pays to")
			}
		}
	}
	return errors.Join(errs...)
}

// checkParty checks a party; name is "Seller" or "Buyer".
func checkParty(bad func(field, format string, args ...any), name string, p Party) {
	if blank(p.Name) {
		bad(name+".Name", "required (BT-27, BT-44)")
	}
	for _, f := range []struct{ field, value string }{{"Street", p.Street}, {"City", p.City}, {"PostalCode", p.PostalCode}} {
		if blank(f.value) {
			bad(name+"."+f.field, "required: invoices state both parties' addresses")
		}
	}
	if !countryRE.MatchString(p.Country) {
		bad(name+".Country", "%q is not an ISO 3166-1 alpha-2 code such as NO, SE or DK", p.Country)
		return
	}
	org := orgDigits(p)
	orgOK := false
	switch p.Country {
	case "NO":
		if orgOK = ValidOrgNumber("NO", org); !orgOK {
			bad(name+".OrgNumber", "%q is not a Norwegian organisation number: 9 digits with a MOD11 check digit", p.OrgNumber)
		}
	case "SE":
		if orgOK = ValidOrgNumber("SE", org); !orgOK {
			bad(name+".OrgNumber", "%q is not a Swedish organisationsnummer: 10 digits (NNNNNN-NNNN) with a Luhn check digit", p.OrgNumber)
		}
	case "DK":
		if orgOK = ValidOrgNumber("DK", org); !orgOK {
			bad(name+".OrgNumber", "%q is not a Danish CVR number: 8 digits with a modulus 11 check", p.OrgNumber)
		}
	default:
		if org == "" && vatID(p) == "" {
			bad(name+".OrgNumber", "an organisation number or a VAT number is required (BR-CO-26)")
		}
	}
	switch {
	case blank(p.EndpointScheme) != blank(p.EndpointID):
		bad(name+".EndpointID", "EndpointScheme and EndpointID are given together or not at all")
	case blank(p.EndpointScheme) && EndpointScheme(p.Country) == "":
		bad(name+".EndpointID", "no default Peppol address for country %s: set EndpointScheme and EndpointID", p.Country)
	}
	vat := vatID(p)
	if vat == "" {
		return
	}
	prefix := p.Country
	if prefix == "GR" {
		prefix = "EL"
	}
	switch {
	case !strings.HasPrefix(vat, prefix):
		bad(name+".VATNumber", "%q must start with the country code %s (BR-CO-09)", p.VATNumber, prefix)
	case p.Country == "NO" && orgOK && vat != "NO"+org+"MVA":
		bad(name+".VATNumber", "%q is not NO%sMVA, the organisation number with NO and MVA (NO-R-001)", p.VATNumber, org)
	case p.Country == "SE" && orgOK && vat != "SE"+org+"01":
		bad(name+".VATNumber", "%q is not SE%s01, the organisationsnummer with SE and 01", p.VATNumber, org)
	case p.Country == "DK" && !(len(vat) == 10 && digitsRE.MatchString(vat[2:])):
		bad(name+".VATNumber", "%q is not DK and 8 digits", p.VATNumber)
	}
}

// checkPeriod checks an optional period and says whether it is usable.
func checkPeriod(bad func(field, format string, args ...any), field string, p *Period) bool {
	switch {
	case p == nil:
		return false
	case p.Start.IsZero() || p.End.IsZero():
		bad(field, "needs both Start and End")
	case day(p.End) < day(p.Start):
		bad(field, "ends %s, before it starts %s (BR-29)", day(p.End), day(p.Start))
	default:
		return true
	}
	return false
}

// ruleCategory is how EN 16931 rule ids name a VAT category.
func ruleCategory(c string) string {
	if c == "K" {
		return "IC"
	}
	return c
}

// subtotal is one entry of the VAT breakdown (BG-23).
type subtotal struct {
	vat          VAT // of its first line
	taxable, tax int64
}

// totals are the document's sums, in minor units.
type totals struct {
	lines, vat, inclusive, payable int64
	breakdown                      []subtotal
}

// totals sums the lines per VAT category and rate. Amounts must be in range.
func (d Document) totals() totals {
	var t totals
	for _, l := range d.Lines {
		t.lines += l.Amount
		i := slices.IndexFunc(t.breakdown, func(s subtotal) bool {
			return s.vat.Category == l.VAT.Category && s.vat.Percent == l.VAT.Percent
		})
		if i < 0 {
			i = len(t.breakdown)
			t.breakdown = append(t.breakdown, subtotal{vat: l.VAT})
		}
		t.breakdown[i].taxable += l.Amount
	}
	for i := range t.breakdown {
		s := &t.breakdown[i]
		s.tax = vatAmount(s.taxable, s.vat.Percent)
		t.vat += s.tax
	}
	t.inclusive = t.lines + t.vat
	t.payable = t.inclusive - d.Prepaid
	return t
}

// Invoice writes the document as a Peppol BIS Billing 3.0 UBL 2.1 Invoice:
// UTF-8 with an XML declaration. It validates first and returns
// Validate's error.
func Invoice(d Document) ([]byte, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	t := d.totals()
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	w := &writer{enc: xml.NewEncoder(&buf), currency: d.Currency}
	w.enc.Indent("", "  ")

	w.start("Invoice", "xmlns", nsInvoice, "xmlns:cac", nsCAC, "xmlns:cbc", nsCBC)
	w.leaf("cbc:CustomizationID", customizationID)
	w.leaf("cbc:ProfileID", profileID)
	w.leaf("cbc:ID", d.Number)
	w.leaf("cbc:IssueDate", day(d.IssueDate))
	w.leaf("cbc:DueDate", day(d.DueDate))
	w.leaf("cbc:InvoiceTypeCode", invoiceTypeCode)
	w.leaf("cbc:Note", d.Note)
	w.leaf("cbc:DocumentCurrencyCode", d.Currency)
	w.leaf("cbc:BuyerReference", d.BuyerReference)
	w.period(d.Period)
	if !blank(d.OrderReference) {
		w.elem("cac:OrderReference", func() { w.leaf("cbc:ID", d.OrderReference) })
	}
	w.elem("cac:AccountingSupplierParty", func() { w.party(d.Seller, true) })
	w.elem("cac:AccountingCustomerParty", func() { w.party(d.Buyer, false) })
	if slices.ContainsFunc(t.breakdown, func(s subtotal) bool { return s.vat.Category == "K" }) {
		// Intra-community supply states where the goods or services went (BR-IC-12).
		w.elem("cac:Delivery", func() {
			w.elem("cac:DeliveryLocation", func() {
				w.elem("cac:Address", func() {
					w.elem("cac:Country", func() { w.leaf("cbc:IdentificationCode", d.Buyer.Country) })
				})
			})
		})
	}
	if account := d.account(); account != "" {
		w.elem("cac:PaymentMeans", func() {
			w.leaf("cbc:PaymentMeansCode", d.paymentMeansCode())
			w.leaf("cbc:PaymentID", d.PaymentID)
			w.elem("cac:PayeeFinancialAccount", func() {
				w.leaf("cbc:ID", account)
				if !blank(d.PaymentBIC) {
					w.elem("cac:FinancialInstitutionBranch", func() { w.leaf("cbc:ID", d.PaymentBIC) })
				}
			})
		})
	}
	w.elem("cac:TaxTotal", func() {
		w.amount("cbc:TaxAmount", t.vat)
		for _, s := range t.breakdown {
			w.elem("cac:TaxSubtotal", func() {
				w.amount("cbc:TaxableAmount", s.taxable)
				w.amount("cbc:TaxAmount", s.tax)
				w.elem("cac:TaxCategory", func() { w.taxCategory(s.vat, true) })
			})
		}
	})
	w.elem("cac:LegalMonetaryTotal", func() {
		w.amount("cbc:LineExtensionAmount", t.lines)
		w.amount("cbc:TaxExclusiveAmount", t.lines)
		w.amount("cbc:TaxInclusiveAmount", t.inclusive)
		if d.Prepaid != 0 {
			w.amount("cbc:PrepaidAmount", d.Prepaid)
		}
		w.amount("cbc:PayableAmount", t.payable)
	})
	for _, l := range d.Lines {
		w.line(l)
	}
	w.end("Invoice")
	if w.err == nil {
		w.err = w.enc.Close()
	}
	if w.err != nil {
		return nil, fmt.Errorf("ehf: writing XML: %w", w.err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// paymentMeansCode is the UNCL4461 code: 58 (SEPA credit transfer) for
// euros to an IBAN, else 30 (credit transfer).
func (d Document) paymentMeansCode() string {
	if d.Currency == "EUR" && validIBAN(d.account()) {
		return "58"
	}
	return "30"
}

// account is PaymentAccount without spaces and dots, in capitals.
func (d Document) account() string {
	return strings.ToUpper(strings.NewReplacer(" ", "", ".", "").Replace(d.PaymentAccount))
}

// orgDigits is the organisation number without spaces and hyphens.
func orgDigits(p Party) string {
	return strings.NewReplacer(" ", "", "-", "").Replace(p.OrgNumber)
}

// vatID is the VAT number without spaces, dots and hyphens, in capitals.
func vatID(p Party) string {
	return strings.ToUpper(strings.NewReplacer(" ", "", ".", "", "-", "").Replace(p.VATNumber))
}

// endpoint is the party's Peppol address: scheme and identifier.
func endpoint(p Party) (scheme, id string) {
	if !blank(p.EndpointScheme) {
		return clean(p.EndpointScheme), clean(p.EndpointID)
	}
	return EndpointScheme(p.Country), orgDigits(p)
}

// writer writes UBL elements with the standard library's escaping. The
// first error sticks and stops all writing.
type writer struct {
	enc      *xml.Encoder
	currency string
	err      error
}

// start opens an element; attrs are name, value pairs, those with an empty
// value left out.
func (w *writer) start(name string, attrs ...string) {
	if w.err != nil {
		return
	}
	el := xml.StartElement{Name: xml.Name{Local: name}}
	for i := 0; i+1 < len(attrs); i += 2 {
		if attrs[i+1] != "" {
			el.Attr = append(el.Attr, xml.Attr{Name: xml.Name{Local: attrs[i]}, Value: attrs[i+1]})
		}
	}
	w.err = w.enc.EncodeToken(el)
}

func (w *writer) end(name string) {
	if w.err == nil {
		w.err = w.enc.EncodeToken(xml.EndElement{Name: xml.Name{Local: name}})
	}
}

// elem writes an element whose content body writes; body must write
// something, as Peppol forbids empty elements.
func (w *writer) elem(name string, body func()) {
	w.start(name)
	body()
	w.end(name)
}

// leaf writes an element holding text, trimmed; nothing if the text is empty.
func (w *writer) leaf(name, text string, attrs ...string) {
	if text = clean(text); text == "" {
		return
	}
	w.start(name, attrs...)
	if w.err == nil {
		w.err = w.enc.EncodeToken(xml.CharData(text))
	}
	w.end(name)
}

// amount writes an amount in the document currency.
func (w *writer) amount(name string, minor int64) {
	w.leaf(name, formatAmount(minor), "currencyID", w.currency)
}

func (w *writer) period(p *Period) {
	if p != nil {
		w.elem("cac:InvoicePeriod", func() {
			w.leaf("cbc:StartDate", day(p.Start))
			w.leaf("cbc:EndDate", day(p.End))
		})
	}
}

// party writes a cac:Party: address, VAT number, legal entity, contact.
func (w *writer) party(p Party, seller bool) {
	w.elem("cac:Party", func() {
		scheme, id := endpoint(p)
		w.leaf("cbc:EndpointID", id, "schemeID", scheme)
		w.elem("cac:PartyName", func() { w.leaf("cbc:Name", p.Name) })
		w.elem("cac:PostalAddress", func() {
			w.leaf("cbc:StreetName", p.Street)
			w.leaf("cbc:CityName", p.City)
			w.leaf("cbc:PostalZone", p.PostalCode)
			w.elem("cac:Country", func() { w.leaf("cbc:IdentificationCode", p.Country) })
		})
		if vat := vatID(p); vat != "" {
			w.taxScheme(vat, "VAT")
			if seller && p.Country == "NO" {
				// Foretaksregisteret: foretaksregisterloven § 10-2 (NO-R-002).
				w.taxScheme("Foretaksregisteret", "TAX")
			}
		}
		w.elem("cac:PartyLegalEntity", func() {
			w.leaf("cbc:RegistrationName", p.Name)
			w.leaf("cbc:CompanyID", orgDigits(p), "schemeID", EndpointScheme(p.Country))
		})
		if !blank(p.ContactName) || !blank(p.ContactPhone) || !blank(p.ContactEmail) {
			w.elem("cac:Contact", func() {
				w.leaf("cbc:Name", p.ContactName)
				w.leaf("cbc:Telephone", p.ContactPhone)
				w.leaf("cbc:ElectronicMail", p.ContactEmail)
			})
		}
	})
}

func (w *writer) taxScheme(companyID, scheme string) {
	w.elem("cac:PartyTaxScheme", func() {
		w.leaf("cbc:CompanyID", companyID)
		w.elem("cac:TaxScheme", func() { w.leaf("cbc:ID", scheme) })
	})
}

// taxCategory writes the content of a cac:TaxCategory or
// cac:ClassifiedTaxCategory; the exemption only in the VAT breakdown.
func (w *writer) taxCategory(v VAT, exemption bool) {
	w.leaf("cbc:ID", v.Category)
	if v.Category != "O" { // category O has no rate (BR-O-05)
		w.leaf("cbc:Percent", formatPercent(v.Percent))
	}
	if exemption {
		w.leaf("cbc:TaxExemptionReasonCode", strings.ToUpper(clean(v.ExemptionCode)))
		w.leaf("cbc:TaxExemptionReason", v.ExemptionReason)
	}
	w.elem("cac:TaxScheme", func() { w.leaf("cbc:ID", "VAT") })
}

func (w *writer) line(l Line) {
	w.elem("cac:InvoiceLine", func() {
		unit := l.Unit
		if unit == "" {
			unit = "EA"
		}
		w.leaf("cbc:ID", l.ID)
		w.leaf("cbc:InvoicedQuantity", strconv.FormatInt(l.Quantity, 10), "unitCode", unit)
		w.amount("cbc:LineExtensionAmount", l.Amount)
		w.period(l.Period)
		// Amount = Quantity×UnitPrice − allowance (+ charge). A change
		// towards zero is a discount, on a credit line a negative one.
		if diff := l.Quantity*l.UnitPrice - l.Amount; diff != 0 {
			charge := (diff < 0) != (l.Quantity < 0)
			w.elem("cac:AllowanceCharge", func() {
				w.leaf("cbc:ChargeIndicator", strconv.FormatBool(charge))
				if charge {
					w.leaf("cbc:AllowanceChargeReason", "Price adjustment")
					w.amount("cbc:Amount", -diff)
				} else {
					w.leaf("cbc:AllowanceChargeReasonCode", "95") // UNCL5189: discount
					w.leaf("cbc:AllowanceChargeReason", "Discount")
					w.amount("cbc:Amount", diff)
				}
			})
		}
		w.elem("cac:Item", func() {
			w.leaf("cbc:Name", l.Description)
			w.elem("cac:ClassifiedTaxCategory", func() { w.taxCategory(l.VAT, false) })
		})
		w.elem("cac:Price", func() { w.amount("cbc:PriceAmount", l.UnitPrice) })
	})
}

// day is the date as YYYY-MM-DD in the time's location; "" for the zero time.
func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func clean(s string) string { return strings.TrimSpace(s) }
func blank(s string) bool   { return clean(s) == "" }

// inRange says whether an amount is within ±maxAmount.
func inRange(n int64) bool { return n >= -maxAmount && n <= maxAmount }

// ValidOrgNumber reports whether digits (digits only) is an organisation
// number of country with a correct check digit: Norway's
// organisasjonsnummer (9 digits, MOD11), Sweden's organisationsnummer (10
// digits, Luhn) and Denmark's CVR (8 digits, weights 2 7 6 5 4 3 2 1 summing
// to a multiple of 11).
func ValidOrgNumber(country, digits string) bool {
	switch country {
	case "NO":
		return len(digits) == 9 && mod11(digits)
	case "SE":
		return len(digits) == 10 && luhn(digits)
	case "DK":
		if len(digits) != 8 || !digitsRE.MatchString(digits) {
			return false
		}
		sum := 0
		for i, w := range []int{2, 7, 6, 5, 4, 3, 2, 1} {
			sum += int(digits[i]-'0') * w
		}
		return sum%11 == 0
	}
	return false
}

// mod11 checks the last digit of a Norwegian organisation or account number:
// weights 2, 3, 4, 5, 6, 7, 2, 3, … from the right of the other digits
// (3 2 7 6 5 4 3 2 for an organisation number), check digit
// 11 − sum mod 11, 11 meaning 0 and 10 impossible.
func mod11(s string) bool {
	if !digitsRE.MatchString(s) || strings.Trim(s, "0") == "" {
		return false
	}
	sum := 0
	for i := len(s) - 2; i >= 0; i-- {
		sum += int(s[i]-'0') * ((len(s)-2-i)%6 + 2)
	}
	return (11-sum%11)%11 == int(s[len(s)-1]-'0')
}

// luhn checks the last digit of a Swedish organisationsnummer (Luhn, mod 10).
func luhn(s string) bool {
	if !digitsRE.MatchString(s) {
		return false
	}
	sum := 0
	for i := len(s) - 1; i >= 0; i-- {
		n := int(s[i] - '0')
		if (len(s)-1-i)%2 == 1 {
			if n *= 2; n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return sum%10 == 0
}

// validIBAN checks an IBAN's form and its mod-97 check digits.
func validIBAN(s string) bool {
	if len(s) < 15 || len(s) > 34 || !countryRE.MatchString(s[:2]) || !digitsRE.MatchString(s[2:4]) {
		return false
	}
	rem := 0
	for _, c := range s[4:] + s[:4] {
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A') + 10) % 97
		default:
			return false
		}
	}
	return rem == 1
}
