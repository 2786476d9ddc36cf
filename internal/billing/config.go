package billing

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Config is the billing configuration, read from the YAML file named by
// SAMVIRKE_BILLING_PLANS (deploy/billing-plans.example.yaml shows every
// field): the plans and their prices, the trial and the grace period, the
// seller on the invoices and the Peppol access point they are sent to.
// Nothing about prices is in the code.
type Config struct {
	// TrialDays is how long a new organisation may work before it must
	// subscribe (default 30).
	TrialDays int `yaml:"trial_days"`
	// GraceDays is how long a past-due organisation keeps full access
	// before it becomes read-only (default 14).
	GraceDays int `yaml:"grace_days"`
	// DaysUntilDue is the payment term of an invoice sent to a public
	// buyer (default 30).
	DaysUntilDue int `yaml:"days_until_due"`
	// Countries are the currency and VAT per buyer country (NO, SE, DK).
	Countries map[string]Country `yaml:"countries"`
	Plans     []Plan             `yaml:"plans"`
	Seller    Seller             `yaml:"seller"`
	// AccessPoint is where the worker sends each invoice's EHF / Peppol
	// BIS 3.0 document; empty URL: the documents are only offered for
	// download.
	AccessPoint AccessPoint `yaml:"access_point"`
}

// Country is how a buyer in one country is invoiced.
type Country struct {
	Currency string `yaml:"currency"` // NOK, SEK, DKK
	// TaxRate is the Stripe tax rate id put on the subscription ("" for
	// none): Norwegian MVA for Norwegian buyers of a Norwegian seller.
	TaxRate string `yaml:"tax_rate"`
	// VATCategory and VATPercent are how the e-invoice states the VAT
	// (UNCL5305: S standard, AE reverse charge, Z zero, E exempt, G
	// export); VATPercent in hundredths (2500 = 25 %).
	VATCategory string `yaml:"vat_category"`
	VATPercent  int64  `yaml:"vat_percent"`
	// VATExemption is the reason stated for a category other than S, and
	// VATExemptionCode its code from the VATEX list (VATEX-EU-AE for a
	// reverse charge).
	VATExemption     string `yaml:"vat_exemption"`
	VATExemptionCode string `yaml:"vat_exemption_code"`
}

// Plan is something an organisation subscribes to: a municipality plan
// priced by population band, or a network plan that a network's
// coordinating organisation pays and that covers its member
// municipalities while they are members.
type Plan struct {
	Key string `yaml:"key"`
	// Names and About are the plan's name and a line about it, by locale
	// (nb, sv, da, en).
	Names map[string]string `yaml:"names"`
	About map[string]string `yaml:"about"`
	// For is the kind of organisation that buys it: municipality, network
	// or county.
	For string `yaml:"for"`
	// CoversMembers makes the plan grant its network's member
	// municipalities the entitlement while they are members.
	CoversMembers bool `yaml:"covers_members"`
	// Bands price the plan by population: the first band whose UpTo is at
	// least the population (0: no upper bound). A plan with one band of
	// UpTo 0 has one price.
	Bands []Band `yaml:"bands"`
}

// Band is one population band's price per currency.
type Band struct {
	UpTo   int              `yaml:"up_to"`
	Prices map[string]Price `yaml:"prices"` // by currency
}

// Price is a yearly price: its Stripe price id and the amount shown on the
// billing page, in minor units (øre, öre) excluding VAT.
type Price struct {
	Stripe string `yaml:"stripe"`
	Amount int64  `yaml:"amount"`
}

// Seller is the legal entity that invoices (the operator of Samvirke).
type Seller struct {
	Name       string `yaml:"name"`
	Country    string `yaml:"country"`
	OrgNumber  string `yaml:"org_number"`
	VATNumber  string `yaml:"vat_number"`
	Street     string `yaml:"street"`
	PostalCode string `yaml:"postal_code"`
	City       string `yaml:"city"`
	Email      string `yaml:"email"`
	Phone      string `yaml:"phone"`
	// Account is where public buyers pay: an IBAN, or a Norwegian account
	// number of 11 digits; BIC optional.
	Account string `yaml:"account"`
	BIC     string `yaml:"bic"`
}

// AccessPoint is the Peppol access point's submission endpoint: the worker
// POSTs each invoice's UBL document to URL with the token as a bearer
// token (SAMVIRKE_BILLING_ACCESS_POINT_TOKEN).
type AccessPoint struct {
	URL   string `yaml:"url"`
	Token string `yaml:"-"`
}

// ReadConfig reads and checks the billing configuration at path.
func ReadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("SAMVIRKE_BILLING_PLANS: %v", err)
	}
	c, err := ParseConfig(b)
	if err != nil {
		return nil, fmt.Errorf("SAMVIRKE_BILLING_PLANS: %s: %w", path, err)
	}
	return c, nil
}

// ParseConfig reads a billing configuration from YAML, fills the defaults
// and checks it; the error names the first bad field.
func ParseConfig(b []byte) (*Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, err
	}
	if c.TrialDays == 0 {
		c.TrialDays = 30
	}
	if c.GraceDays == 0 {
		c.GraceDays = 14
	}
	if c.DaysUntilDue == 0 {
		c.DaysUntilDue = 30
	}
	return &c, c.Validate()
}

// Validate checks c; the error names the first bad field.
func (c *Config) Validate() error {
	switch {
	case c.TrialDays < 0 || c.TrialDays > 365:
		return errors.New("trial_days: use 0 to 365")
	case c.GraceDays < 0 || c.GraceDays > 90:
		return errors.New("grace_days: use 0 to 90")
	case c.DaysUntilDue < 1 || c.DaysUntilDue > 90:
		return errors.New("days_until_due: use 1 to 90")
	case len(c.Plans) == 0:
		return errors.New("plans: name at least one plan")
	case c.Seller.Name == "" || !slices.Contains([]string{"NO", "SE", "DK"}, c.Seller.Country):
		return errors.New("seller: name and country (NO, SE or DK) are required")
	}
	if err := CheckOrgNumber(c.Seller.Country, c.Seller.OrgNumber); err != nil {
		return fmt.Errorf("seller.org_number: %q is not a valid organisation number of %s", c.Seller.OrgNumber, c.Seller.Country)
	}
	if c.Seller.Account == "" {
		return errors.New("seller.account: the account public buyers pay to is required")
	}
	for code, ct := range c.Countries {
		if !slices.Contains([]string{"NO", "SE", "DK"}, code) {
			return fmt.Errorf("countries.%s: use NO, SE or DK", code)
		}
		if !slices.Contains([]string{"NOK", "SEK", "DKK"}, ct.Currency) {
			return fmt.Errorf("countries.%s.currency: use NOK, SEK or DKK", code)
		}
		if !slices.Contains([]string{"S", "AE", "Z", "E", "G", "O", "K"}, ct.VATCategory) {
			return fmt.Errorf("countries.%s.vat_category: use a UNCL5305 code (S, AE, Z, E, G, O, K)", code)
		}
		if ct.VATCategory != "S" && ct.VATExemption == "" {
			return fmt.Errorf("countries.%s.vat_exemption: state why no VAT is charged", code)
		}
	}
	seen := map[string]bool{}
	for i, p := range c.Plans {
		at := fmt.Sprintf("plans[%d]", i)
		switch {
		case p.Key == "" || seen[p.Key]:
			return fmt.Errorf("%s.key: every plan needs its own key", at)
		case !slices.Contains([]string{"municipality", "network", "county"}, p.For):
			return fmt.Errorf("%s.for: use municipality, network or county", at)
		case len(p.Bands) == 0:
			return fmt.Errorf("%s.bands: name at least one band", at)
		case p.CoversMembers && p.For != "network":
			return fmt.Errorf("%s.covers_members: only a network plan covers members", at)
		}
		for _, loc := range []string{"nb", "sv", "da", "en"} {
			if p.Names[loc] == "" || p.About[loc] == "" {
				return fmt.Errorf("%s.names and .about: give the plan's name and description in %s", at, loc)
			}
		}
		seen[p.Key] = true
		for j, b := range p.Bands {
			bat := fmt.Sprintf("%s.bands[%d]", at, j)
			last := j == len(p.Bands)-1
			if (b.UpTo == 0) != last || (j > 0 && b.UpTo != 0 && b.UpTo <= p.Bands[j-1].UpTo) {
				return fmt.Errorf("%s.up_to: bands rise, and only the last is open (0)", bat)
			}
			for code, ct := range c.Countries {
				pr, ok := b.Prices[ct.Currency]
				if !ok || pr.Stripe == "" || pr.Amount <= 0 {
					return fmt.Errorf("%s.prices.%s: a Stripe price id and an amount are required for buyers in %s", bat, ct.Currency, code)
				}
			}
		}
	}
	if u := c.AccessPoint.URL; u != "" && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return errors.New("access_point.url: use an http(s) URL")
	}
	return nil
}

// Plan answers the plan with key.
func (c *Config) Plan(key string) (Plan, bool) {
	for _, p := range c.Plans {
		if p.Key == key {
			return p, true
		}
	}
	return Plan{}, false
}

// PlansFor lists the plans an organisation of kind may buy.
func (c *Config) PlansFor(kind string) []Plan {
	var out []Plan
	for _, p := range c.Plans {
		if p.For == kind {
			out = append(out, p)
		}
	}
	return out
}

// Band answers the band a population falls in.
func (p Plan) Band(population int) Band {
	for _, b := range p.Bands {
		if b.UpTo == 0 || population <= b.UpTo {
			return b
		}
	}
	return p.Bands[len(p.Bands)-1]
}

// PlanByPrice answers the plan whose band has the Stripe price id.
func (c *Config) PlanByPrice(id string) (Plan, bool) {
	for _, p := range c.Plans {
		for _, b := range p.Bands {
			for _, pr := range b.Prices {
				if pr.Stripe == id {
					return p, true
				}
			}
		}
	}
	return Plan{}, false
}
