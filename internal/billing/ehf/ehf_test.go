package ehf_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/billing/ehf"
	"github.com/samvirke/samvirke/internal/peppol/peppoltest"
)

func date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

var march = &ehf.Period{Start: date(2025, 3, 1), End: date(2025, 3, 31)}

// seller is Samvirke AS: Norwegian, VAT-registered, in Foretaksregisteret.
func seller() ehf.Party {
	return ehf.Party{
		Name: "Samvirke AS", Country: "NO", OrgNumber: "921 345 674", VATNumber: "NO921345674MVA",
		Street: "Storgata 1", City: "Oslo", PostalCode: "0155",
		ContactName: "Kari Nordmann", ContactEmail: "faktura@samvirke.no", ContactPhone: "+47 22 00 00 00",
	}
}

// reverseCharge is how a Norwegian seller's services to Swedish and Danish
// public buyers are taxed: no Norwegian VAT, the buyer accounts for it.
func reverseCharge(reason string) ehf.VAT {
	return ehf.VAT{Category: "AE", ExemptionCode: "VATEX-EU-AE", ExemptionReason: reason}
}

var standard = ehf.VAT{Category: "S", Percent: 2500}

// norway is an invoice to Nittedal kommune in NOK with 25 % VAT: a monthly
// subscription, extra licences with a 10 % discount and a credit line.
func norway() ehf.Document {
	return ehf.Document{
		Number:         "2025-0317",
		IssueDate:      date(2025, 3, 31),
		DueDate:        date(2025, 4, 30),
		Currency:       "NOK",
		BuyerReference: "4100 IKT / Ola Nordmann",
		OrderReference: "IN-2025-0042",
		Note:           "Spørsmål om «Samvirke»? Skriv til <faktura@samvirke.no> & oppgi avtale § 4. Æ Ø Å æ ø å",
		Seller:         seller(),
		Buyer: ehf.Party{
			Name: "Nittedal kommune", Country: "NO", OrgNumber: "964950768",
			Street: "Rådhusvegen 3", City: "Nittedal", PostalCode: "1482",
		},
		Lines: []ehf.Line{
			{ID: "1", Description: "Samvirke abonnement «Råd og utvalg», mars", Period: march,
				Quantity: 1, Unit: "MON", UnitPrice: 1_250_000, Amount: 1_250_000, VAT: standard},
			{ID: "2", Description: "Ekstra brukerlisenser (10 % rabatt)", Period: march,
				Quantity: 15, UnitPrice: 9_900, Amount: 133_650, VAT: standard},
			{ID: "3", Description: "Kreditering: opplæring fakturert to ganger i februar",
				Quantity: -1, UnitPrice: 50_000, Amount: -50_000, VAT: standard},
		},
		PaymentAccount: "1503.22.45177",
		PaymentID:      "0025031700017",
		Period:         march,
	}
}

// sweden is an invoice to Mölndals stad in SEK under reverse charge.
func sweden() ehf.Document {
	return ehf.Document{
		Number:         "2025-0318",
		IssueDate:      date(2025, 3, 31),
		DueDate:        date(2025, 4, 30),
		Currency:       "SEK",
		BuyerReference: "MS-KS-2025-117",
		Note:           "Omvänd skattskyldighet: köparen redovisar mervärdesskatten. Tack för förtroendet, Mölndal!",
		Seller:         seller(),
		Buyer: ehf.Party{
			Name: "Mölndals stad", Country: "SE", OrgNumber: "212000-1488", VATNumber: "SE212000148801",
			Street: "Göteborgsvägen 11", City: "Mölndal", PostalCode: "431 82",
			ContactName: "Åsa Lindström",
		},
		Lines: []ehf.Line{
			{ID: "1", Description: "Samvirke abonnement, kvartal 2", Period: &ehf.Period{Start: date(2025, 4, 1), End: date(2025, 6, 30)},
				Quantity: 3, Unit: "MON", UnitPrice: 1_000_000, Amount: 3_000_000, VAT: reverseCharge("Reverse charge / Omvänd skattskyldighet")},
			{ID: "2", Description: "Införandestöd (timmar)",
				Quantity: 6, Unit: "HUR", UnitPrice: 125_050, Amount: 750_300, VAT: reverseCharge("Reverse charge / Omvänd skattskyldighet")},
		},
		PaymentAccount: "NO52 1503 2245 177",
		PaymentBIC:     "DNBANOKK",
	}
}

// denmark is an invoice to Aarhus Kommune in DKK under reverse charge,
// part of it paid in advance.
func denmark() ehf.Document {
	return ehf.Document{
		Number:         "2025-0319",
		IssueDate:      date(2025, 3, 31),
		DueDate:        date(2025, 4, 14),
		Currency:       "DKK",
		BuyerReference: "Borgmesterens Afdeling, sag 25/1234",
		Seller:         seller(),
		Buyer: ehf.Party{
			Name: "Aarhus Kommune", Country: "DK", OrgNumber: "55133018", VATNumber: "DK55133018",
			Street: "Rådhuspladsen 2", City: "Aarhus C", PostalCode: "8000",
			ContactEmail: "indkoeb@aarhus.dk",
		},
		Lines: []ehf.Line{
			{ID: "1", Description: "Samvirke abonnement, byråd og udvalg (årligt)", Period: &ehf.Period{Start: date(2025, 4, 1), End: date(2026, 3, 31)},
				Quantity: 1, UnitPrice: 8_400_000, Amount: 8_400_000, VAT: reverseCharge("Reverse charge / Omvendt betalingspligt")},
		},
		PaymentAccount: "NO5215032245177",
		PaymentBIC:     "DNBANOKK",
		Prepaid:        2_000_000,
	}
}

// variants are further invoices the rules must accept: discounts and
// surcharges on debit and credit lines, several VAT categories and rates,
// euros by SEPA transfer to a Danish buyer's GLN, export category G.
func variants() []ehf.Document {
	mixed := norway()
	mixed.Number = "2025-0320"
	mixed.Lines = append(mixed.Lines,
		ehf.Line{ID: "4", Description: "Kreditert lisens med rabatt", Quantity: -2, UnitPrice: 10_000, Amount: -18_000, VAT: standard},
		ehf.Line{ID: "5", Description: "Tillegg", Quantity: 3, UnitPrice: 333, Amount: 1_000, VAT: standard},
		ehf.Line{ID: "6", Description: "Kreditert tillegg", Quantity: -3, UnitPrice: 333, Amount: -1_000, VAT: standard},
		ehf.Line{ID: "7", Description: "Håndbok (trykt)", Quantity: 1, UnitPrice: 10_001, Amount: 10_001, VAT: ehf.VAT{Category: "Z"}},
		ehf.Line{ID: "8", Description: "Kurs", Quantity: 1, UnitPrice: 10_001, Amount: 10_001, VAT: ehf.VAT{Category: "E", ExemptionReason: "Unntatt: undervisning"}},
		ehf.Line{ID: "9", Description: "Servering", Quantity: 1, UnitPrice: 10_003, Amount: 10_003, VAT: ehf.VAT{Category: "S", Percent: 1500}},
	)
	euro := denmark()
	euro.Number = "2025-0321"
	euro.Currency = "EUR"
	euro.Buyer.EndpointScheme, euro.Buyer.EndpointID = "0088", "5798009811578"
	euro.Lines[0].VAT = ehf.VAT{Category: "G", ExemptionCode: "VATEX-EU-G", ExemptionReason: "Export outside the EU"}
	return []ehf.Document{mixed, euro}
}

// parsed is what a recipient reads back from an invoice.
type parsed struct {
	Currency       string    `xml:"DocumentCurrencyCode"`
	BuyerReference string    `xml:"BuyerReference"`
	Note           string    `xml:"Note"`
	Seller         party     `xml:"AccountingSupplierParty>Party"`
	Buyer          party     `xml:"AccountingCustomerParty>Party"`
	PaymentMeans   string    `xml:"PaymentMeans>PaymentMeansCode"`
	PaymentID      string    `xml:"PaymentMeans>PaymentID"`
	Account        string    `xml:"PaymentMeans>PayeeFinancialAccount>ID"`
	VAT            amount    `xml:"TaxTotal>TaxAmount"`
	Categories     []string  `xml:"TaxTotal>TaxSubtotal>TaxCategory>ID"`
	Exemptions     []string  `xml:"TaxTotal>TaxSubtotal>TaxCategory>TaxExemptionReason"`
	Exclusive      amount    `xml:"LegalMonetaryTotal>TaxExclusiveAmount"`
	Inclusive      amount    `xml:"LegalMonetaryTotal>TaxInclusiveAmount"`
	Payable        amount    `xml:"LegalMonetaryTotal>PayableAmount"`
	Lines          []invLine `xml:"InvoiceLine"`
}

type party struct {
	Endpoint   id     `xml:"EndpointID"`
	Name       string `xml:"PartyName>Name"`
	Legal      id     `xml:"PartyLegalEntity>CompanyID"`
	TaxSchemes []struct {
		CompanyID string `xml:"CompanyID"`
		Scheme    string `xml:"TaxScheme>ID"`
	} `xml:"PartyTaxScheme"`
}

type id struct {
	Scheme string `xml:"schemeID,attr"`
	Value  string `xml:",chardata"`
}

type amount struct {
	Currency string `xml:"currencyID,attr"`
	Value    string `xml:",chardata"`
}

type invLine struct {
	Name      string `xml:"Item>Name"`
	Amount    amount `xml:"LineExtensionAmount"`
	Allowance amount `xml:"AllowanceCharge>Amount"`
}

func generate(t *testing.T, d ehf.Document) ([]byte, parsed) {
	t.Helper()
	out, err := ehf.Invoice(d)
	if err != nil {
		t.Fatalf("invoice %s: %v", d.Number, err)
	}
	if !bytes.HasPrefix(out, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
		t.Errorf("invoice %s does not start with the XML declaration: %.60s", d.Number, out)
	}
	var p parsed
	if err := xml.Unmarshal(out, &p); err != nil {
		t.Fatalf("invoice %s does not parse: %v", d.Number, err)
	}
	return out, p
}

// TestInvoicesToNordicMunicipalities writes invoices to a Norwegian, a
// Swedish and a Danish municipality, has the official Peppol rules check
// them, and reads back what the recipient sees.
func TestInvoicesToNordicMunicipalities(t *testing.T) {
	t.Parallel()
	docs := append([]ehf.Document{norway(), sweden(), denmark()}, variants()...)
	var xmls [][]byte
	var got []parsed
	for _, d := range docs {
		out, p := generate(t, d)
		xmls, got = append(xmls, out), append(got, p)
	}
	peppoltest.Validate(t, xmls...)

	want := []struct {
		buyerScheme, buyerID, currency, vat, exclusive, inclusive, payable string
		category                                                           string
	}{
		{"0192", "964950768", "NOK", "3334.13", "13336.50", "16670.63", "16670.63", "S"},
		{"0007", "2120001488", "SEK", "0.00", "37503.00", "37503.00", "37503.00", "AE"},
		{"0184", "55133018", "DKK", "0.00", "84000.00", "84000.00", "64000.00", "AE"},
	}
	for i, w := range want {
		p, d := got[i], docs[i]
		if p.Seller.Endpoint != (id{"0192", "921345674"}) || p.Seller.Legal != (id{"0192", "921345674"}) {
			t.Errorf("%s: seller endpoint %v, legal id %v; want 0192 921345674", d.Number, p.Seller.Endpoint, p.Seller.Legal)
		}
		if p.Buyer.Endpoint != (id{w.buyerScheme, w.buyerID}) || p.Buyer.Legal != (id{w.buyerScheme, w.buyerID}) {
			t.Errorf("%s: buyer endpoint %v, legal id %v; want %s %s", d.Number, p.Buyer.Endpoint, p.Buyer.Legal, w.buyerScheme, w.buyerID)
		}
		if p.BuyerReference != d.BuyerReference {
			t.Errorf("%s: buyer reference %q, want %q", d.Number, p.BuyerReference, d.BuyerReference)
		}
		if p.Currency != w.currency {
			t.Errorf("%s: currency %q, want %q", d.Number, p.Currency, w.currency)
		}
		for _, a := range []struct {
			name      string
			got       amount
			wantValue string
		}{{"VAT", p.VAT, w.vat}, {"without VAT", p.Exclusive, w.exclusive}, {"with VAT", p.Inclusive, w.inclusive}, {"payable", p.Payable, w.payable}} {
			if a.got != (amount{w.currency, a.wantValue}) {
				t.Errorf("%s: total %s is %s %s, want %s %s", d.Number, a.name, a.got.Value, a.got.Currency, a.wantValue, w.currency)
			}
		}
		if !slices.Equal(p.Categories, []string{w.category}) {
			t.Errorf("%s: VAT breakdown categories %v, want [%s]", d.Number, p.Categories, w.category)
		}
		schemes := map[string]string{}
		for _, s := range p.Seller.TaxSchemes {
			schemes[s.Scheme] = s.CompanyID
		}
		if schemes["VAT"] != "NO921345674MVA" || schemes["TAX"] != "Foretaksregisteret" {
			t.Errorf("%s: seller tax schemes %v, want VAT NO921345674MVA and TAX Foretaksregisteret", d.Number, schemes)
		}
		if p.Buyer.Name != d.Buyer.Name || p.Note != d.Note {
			t.Errorf("%s: buyer name %q and note %q did not survive; want %q and %q", d.Number, p.Buyer.Name, p.Note, d.Buyer.Name, d.Note)
		}
		for j, l := range d.Lines {
			if j >= len(p.Lines) || p.Lines[j].Name != l.Description {
				t.Errorf("%s: line %d does not carry the item name %q: %+v", d.Number, j, l.Description, p.Lines)
			}
		}
	}

	no := got[0]
	if no.PaymentMeans != "30" || no.Account != "15032245177" || no.PaymentID != "0025031700017" {
		t.Errorf("Norwegian payment means %s to %s with KID %s, want 30 to 15032245177 with KID 0025031700017", no.PaymentMeans, no.Account, no.PaymentID)
	}
	if l := no.Lines[1]; l.Amount.Value != "1336.50" || l.Allowance.Value != "148.50" {
		t.Errorf("discounted line: amount %s with allowance %s, want 1336.50 with 148.50", l.Amount.Value, l.Allowance.Value)
	}
	if l := no.Lines[2]; l.Amount.Value != "-500.00" {
		t.Errorf("credit line amount %s, want -500.00", l.Amount.Value)
	}
	if l := got[3].Lines[3]; l.Amount.Value != "-180.00" || l.Allowance.Value != "-20.00" {
		t.Errorf("discounted credit line: amount %s with allowance %s, want -180.00 with -20.00", l.Amount.Value, l.Allowance.Value)
	}
	if eur := got[4]; eur.PaymentMeans != "58" || eur.Buyer.Endpoint != (id{"0088", "5798009811578"}) {
		t.Errorf("euro invoice: payment means %s, buyer endpoint %v; want 58 (SEPA) and the GLN 0088 5798009811578", eur.PaymentMeans, eur.Buyer.Endpoint)
	}
	if se := got[1]; se.Account != "NO5215032245177" || !slices.Equal(se.Exemptions, []string{"Reverse charge / Omvänd skattskyldighet"}) {
		t.Errorf("Swedish invoice pays to %s with exemption %q, want NO5215032245177 and the reverse charge text", se.Account, se.Exemptions)
	}
	if !bytes.Contains(xmls[0], []byte("&lt;faktura@samvirke.no&gt; &amp; oppgi avtale § 4")) {
		t.Errorf("the note is not escaped as expected:\n%s", xmls[0])
	}
}

// TestBrokenInvoiceIsCaught shows the validation bites: an invoice whose
// amount due was altered after writing fails the total rule.
func TestBrokenInvoiceIsCaught(t *testing.T) {
	t.Parallel()
	out, _ := generate(t, norway())
	good := `<cbc:PayableAmount currencyID="NOK">16670.63</cbc:PayableAmount>`
	if !bytes.Contains(out, []byte(good)) {
		t.Fatalf("no %s in\n%s", good, out)
	}
	tampered := bytes.Replace(out, []byte(good), []byte(`<cbc:PayableAmount currencyID="NOK">16770.63</cbc:PayableAmount>`), 1)
	peppoltest.Fails(t, tampered, "BR-CO-16")
}

// fields are the fields a Validate error names, in order.
func fields(err error) []string {
	var out []string
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range joined.Unwrap() {
			var fe *ehf.FieldError
			if errors.As(e, &fe) {
				out = append(out, fe.Field)
			}
		}
	}
	return out
}

func TestValidateNamesTheField(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		doc   func() ehf.Document
		field string
	}{
		{"no buyer reference", func() ehf.Document { d := norway(); d.BuyerReference = " "; return d }, "BuyerReference"},
		{"no lines", func() ehf.Document { d := norway(); d.Lines = nil; return d }, "Lines"},
		{"unknown currency", func() ehf.Document { d := norway(); d.Currency = "NKR"; return d }, "Currency"},
		{"wrong check digit", func() ehf.Document { d := norway(); d.Buyer.OrgNumber = "964950769"; return d }, "Buyer.OrgNumber"},
		{"Swedish number not Luhn", func() ehf.Document { d := sweden(); d.Buyer.OrgNumber = "212000-1487"; return d }, "Buyer.OrgNumber"},
		{"VAT number not the org number", func() ehf.Document { d := norway(); d.Seller.VATNumber = "NO964950768MVA"; return d }, "Seller.VATNumber"},
		{"reverse charge without buyer VAT", func() ehf.Document { d := sweden(); d.Buyer.VATNumber = ""; return d }, "Buyer.VATNumber"},
		{"standard rate without rate", func() ehf.Document { d := norway(); d.Lines[1].VAT.Percent = 0; return d }, "Lines[1].VAT.Percent"},
		{"reverse charge without reason", func() ehf.Document { d := denmark(); d.Lines[0].VAT = ehf.VAT{Category: "AE"}; return d }, "Lines[0].VAT.ExemptionReason"},
		{"negative price", func() ehf.Document { d := norway(); d.Lines[2].UnitPrice = -50_000; return d }, "Lines[2].UnitPrice"},
		{"line outside the invoice period", func() ehf.Document {
			d := norway()
			d.Lines[0].Period = &ehf.Period{Start: date(2025, 2, 1), End: date(2025, 2, 28)}
			return d
		}, "Lines[0].Period"},
		{"account with a typo", func() ehf.Document { d := norway(); d.PaymentAccount = "1503.22.45178"; return d }, "PaymentAccount"},
		{"IBAN with a typo", func() ehf.Document { d := sweden(); d.PaymentAccount = "NO5315032245177"; return d }, "PaymentAccount"},
		{"amount due without due date", func() ehf.Document { d := norway(); d.DueDate = time.Time{}; return d }, "DueDate"},
	} {
		d := c.doc()
		err := d.Validate()
		if got := fields(err); !slices.Contains(got, c.field) {
			t.Errorf("%s: Validate names %v, want %s (%v)", c.name, got, c.field, err)
		}
		if out, err := ehf.Invoice(d); err == nil || out != nil {
			t.Errorf("%s: Invoice wrote %d bytes, error %v; want no XML and the error", c.name, len(out), err)
		}
	}
	for _, d := range []ehf.Document{norway(), sweden(), denmark()} {
		if err := d.Validate(); err != nil {
			t.Errorf("%s: %v", d.Number, err)
		}
	}
	err := ehf.Document{}.Validate()
	for _, f := range []string{"Number", "IssueDate", "Currency", "BuyerReference", "Seller.Name", "Buyer.Country", "Lines"} {
		if !strings.Contains(err.Error(), "ehf: "+f+": ") {
			t.Errorf("the empty document's error does not name %s:\n%v", f, err)
		}
	}
}

func TestAmounts(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{
		0: "0.00", 5: "0.05", 10: "0.10", 100: "1.00", 123456: "1234.56", -5: "-0.05", -100: "-1.00", -123456: "-1234.56",
		math.MaxInt64: "92233720368547758.07", math.MinInt64: "-92233720368547758.08",
	} {
		if got := ehf.FormatAmount(n); got != want {
			t.Errorf("FormatAmount(%d) = %s, want %s", n, got, want)
		}
	}
	for n, want := range map[int64]string{2500: "25", 1250: "12.5", 1111: "11.11", 600: "6", 0: "0"} {
		if got := ehf.FormatPercent(n); got != want {
			t.Errorf("FormatPercent(%d) = %s, want %s", n, got, want)
		}
	}
	for _, c := range []struct{ base, pct, want int64 }{
		{1_333_650, 2500, 333_413}, {-1_333_650, 2500, -333_413}, {1_333_649, 2500, 333_412}, {-2, 2500, -1}, {99, 1500, 15}, {100, 0, 0},
	} {
		if got := ehf.VATAmount(c.base, c.pct); got != c.want {
			t.Errorf("VATAmount(%d, %d) = %d, want %d", c.base, c.pct, got, c.want)
		}
	}
	for c, want := range map[string]string{"NO": "0192", "SE": "0007", "DK": "0184", "FI": ""} {
		if got := ehf.EndpointScheme(c); got != want {
			t.Errorf("EndpointScheme(%s) = %q, want %q", c, got, want)
		}
	}
}
