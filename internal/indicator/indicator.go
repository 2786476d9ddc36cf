// Package indicator holds the indicator catalogue (national, a network's,
// a municipality's own), the values municipalities report or import from
// official statistics (as counts where the counts are known, as rates with
// their source where only a rate is published), the outcome breakdowns
// whose goal-achievement rates are computed by rules over categories,
// targets, reporting deadlines and locked periods, the settlement tracker,
// and benchmarks across municipalities with small counts protected by
// package disclosure: one protected view serves the page, the chart, the
// PDF, the CSV, the XLSX and the API.
//
// A goal of a workbook or a plan names an indicator by its code
// (measure.Goal.IndicatorCode); LatestFor answers the figure, the target
// and the peer value shown beside it.
package indicator

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
)

// Units of an indicator.
const (
	UnitCount   = "count"   // a number of persons, households…
	UnitPercent = "percent" // a rate: numerator over denominator, shown in per cent
	UnitRate    = "rate"    // a rate per 1000 (or Scale) of the denominator
	UnitAmount  = "amount"  // money or another amount; not a count, never suppressed
)

// Units lists them in the order forms offer them.
var Units = []string{UnitCount, UnitPercent, UnitRate, UnitAmount}

// Directions say which way is better.
const (
	HigherIsBetter = "higher"
	LowerIsBetter  = "lower"
	NoDirection    = "none"
)

// Directions lists them.
var Directions = []string{HigherIsBetter, LowerIsBetter, NoDirection}

// Periodicities of an indicator: how often a value is reported.
const (
	Monthly   = "month"
	Tertial   = "tertial"
	Yearly    = "year"
	Quarterly = "quarter"
)

// Periodicities lists them.
var Periodicities = []string{Monthly, Quarterly, Tertial, Yearly}

// Aggregations across periods: how a year follows from its months.
const (
	// AggSum: a flow (settled in the month): the year is the sum of its
	// months, so month and year totals are both published and protected
	// together.
	AggSum = "sum"
	// AggLast: a stock (participants at the end of the month): the year
	// is its last reported month.
	AggLast = "last"
)

// Sources of a value (provenance).
const (
	SourceOwn          = "own"    // the municipality's own registration
	SourceIMDi         = "imdi"   // Integrerings- og mangfoldsdirektoratet
	SourceSSB          = "ssb"    // Statistisk sentralbyrå
	SourceKolada       = "kolada" // Kolada (RKA)
	SourceDST          = "dst"    // Danmarks Statistik
	SourceSCB          = "scb"    // Statistiska centralbyrån
	SourceIntBarometer = "integrationsbarometer"
	SourceUDI          = "udi"        // Udlændingestyrelsen (quotas)
	SourceJobindsats   = "jobindsats" // the Danish employment agency's figures
	SourceHKdir        = "hkdir"      // Norway's directorate for higher education and skills (tests in Norwegian)
	SourceOther        = "other"
)

// Sources lists them in the order forms offer them.
var Sources = []string{SourceOwn, SourceIMDi, SourceSSB, SourceKolada, SourceDST, SourceSCB, SourceIntBarometer, SourceUDI, SourceJobindsats, SourceHKdir, SourceOther}

// Visibility of a municipality's values.
const (
	VisibilityPrivate = "private" // its own members only
	VisibilityNetwork = "network" // and the networks it belongs to (the default for own registrations)
	VisibilityPublic  = "public"  // everyone (official statistics are public)
)

// Visibilities lists them.
var Visibilities = []string{VisibilityPrivate, VisibilityNetwork, VisibilityPublic}

// Value states.
const (
	StateOK         = "ok"
	StateMissing    = "missing"    // the source publishes no figure
	StateSuppressed = "suppressed" // the source suppressed it (never zero)
)

// Threshold bounds of small-count protection: a count from 1 up to the
// threshold is shown as «under threshold+1» outside its municipality.
const (
	DefaultThreshold = 9
	MinThreshold     = 5
	MaxThreshold     = 99
)

// Limits of what is stored.
const (
	MaxCode        = 40
	MaxName        = 200
	MaxDescription = 4000
	MaxNote        = 2000
	MaxCategories  = 40
	MaxRules       = 10
	MaxValue       = 1e12
)

// Texts are a text in the four languages, keyed by locale (nb, sv, da,
// en); Text falls back to English, then to any.
type Texts map[string]string

// Text answers t in locale.
func (t Texts) Text(locale string) string {
	if s := t[locale]; s != "" {
		return s
	}
	if s := t["en"]; s != "" {
		return s
	}
	for _, l := range []string{"nb", "da", "sv"} {
		if s := t[l]; s != "" {
			return s
		}
	}
	return ""
}

// Category is one row of a breakdown (Nittedal's table 5: «Arbeid
// stillingsprosent 0-49%»…).
type Category struct {
	Key   string `json:"key"`
	Names Texts  `json:"names"`
}

// Rule is a standard over categories: its rate is the sum of the counts
// of its categories over the sum of all categories (IMDi's standard counts
// work and upper secondary or higher education; Nittedal's own criteria
// count any activity). Rates are computed, never typed.
type Rule struct {
	Key        string   `json:"key"`
	Names      Texts    `json:"names"`
	Categories []string `json:"categories"`
}

// Indicator is one entry of the catalogue.
type Indicator struct {
	bun.BaseModel `bun:"table:indicators"`

	ID int64 `bun:",pk,autoincrement" json:"id"`
	// OwnerOrgID is the network or municipality that defined it; nil:
	// the national catalogue shipped with the product.
	OwnerOrgID   *int64 `json:"owner_org_id,omitempty"`
	Code         string `bun:",notnull" json:"code"`
	Names        Texts  `bun:",type:text,notnull" json:"names"`
	Descriptions Texts  `bun:",type:text,notnull" json:"descriptions"`
	Unit         string `bun:",notnull" json:"unit"`
	Direction    string `bun:",notnull" json:"direction"`
	Periodicity  string `bun:",notnull" json:"periodicity"`
	Aggregation  string `bun:",notnull" json:"aggregation"`
	Source       string `bun:",notnull" json:"source"`
	// Numerator and Denominator define a rate's parts in words.
	Numerator   Texts      `bun:",type:text,notnull" json:"numerator,omitempty"`
	Denominator Texts      `bun:",type:text,notnull" json:"denominator,omitempty"`
	Categories  []Category `bun:",type:text,notnull" json:"categories,omitempty"`
	Rules       []Rule     `bun:",type:text,notnull" json:"rules,omitempty"`
	// ReportDay is the day of the month after a period by which the
	// period is due (monthly by the 10th); 0: no deadline.
	ReportDay int `bun:",notnull" json:"report_day,omitempty"`
	// Topic groups indicators on the pages (settlement, introduction…).
	Topic     string    `bun:",notnull" json:"topic"`
	Position  int       `bun:",notnull" json:"position"`
	CreatedAt time.Time `bun:",notnull" json:"created_at"`
	UpdatedAt time.Time `bun:",notnull" json:"updated_at"`
}

// Name answers its name in locale.
func (i *Indicator) Name(locale string) string { return i.Names.Text(locale) }

// IsRate reports whether values are a numerator over a denominator.
func (i *Indicator) IsRate() bool { return i.Unit == UnitPercent || i.Unit == UnitRate }

// IsBreakdown reports whether values are counts per category.
func (i *Indicator) IsBreakdown() bool { return len(i.Categories) > 0 }

// Protected reports whether its counts are small-count protected: counts,
// rates (their parts) and breakdowns; amounts are not counts of persons.
func (i *Indicator) Protected() bool { return i.Unit != UnitAmount }

// Category answers the category with key.
func (i *Indicator) Category(key string) (Category, bool) {
	for _, c := range i.Categories {
		if c.Key == key {
			return c, true
		}
	}
	return Category{}, false
}

// Rule answers the rule with key.
func (i *Indicator) Rule(key string) (Rule, bool) {
	for _, r := range i.Rules {
		if r.Key == key {
			return r, true
		}
	}
	return Rule{}, false
}

var codeOK = func(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_'
}

// ValidCode reports whether code is a usable indicator code: 1–40 of
// letters, digits, «.», «-», «_».
func ValidCode(code string) bool {
	if code == "" || len(code) > MaxCode {
		return false
	}
	for _, r := range code {
		if !codeOK(r) {
			return false
		}
	}
	return true
}

// Validate checks i, naming the field of the first problem.
func (i *Indicator) Validate() error {
	i.Code = strings.TrimSpace(i.Code)
	switch {
	case !ValidCode(i.Code):
		return app.Errorf(app.EInvalid, "indicator.error.code").WithField("code")
	case strings.TrimSpace(i.Names.Text("en")) == "":
		return app.Errorf(app.EInvalid, "error.required").WithField("name")
	case !slices.Contains(Units, i.Unit):
		return app.Errorf(app.EInvalid, "indicator.error.unit").WithField("unit")
	case !slices.Contains(Directions, i.Direction):
		return app.Errorf(app.EInvalid, "indicator.error.direction").WithField("direction")
	case !slices.Contains(Periodicities, i.Periodicity):
		return app.Errorf(app.EInvalid, "indicator.error.periodicity").WithField("periodicity")
	case i.Aggregation != AggSum && i.Aggregation != AggLast:
		return app.Errorf(app.EInvalid, "indicator.error.aggregation").WithField("aggregation")
	case !slices.Contains(Sources, i.Source):
		return app.Errorf(app.EInvalid, "indicator.error.source").WithField("source")
	case i.ReportDay < 0 || i.ReportDay > 28:
		return app.Errorf(app.EInvalid, "indicator.error.report_day").WithField("report_day")
	case len(i.Categories) > MaxCategories:
		return app.Errorf(app.EInvalid, "indicator.error.categories").WithField("categories")
	case len(i.Rules) > MaxRules:
		return app.Errorf(app.EInvalid, "indicator.error.rules").WithField("rules")
	case len(i.Categories) > 0 && i.Unit != UnitCount:
		return app.Errorf(app.EInvalid, "indicator.error.breakdown_unit").WithField("unit")
	}
	for _, t := range []Texts{i.Names, i.Numerator, i.Denominator} {
		for _, s := range t {
			if utf8.RuneCountInString(s) > MaxName {
				return app.Errorf(app.EInvalid, "error.too_long", "max", MaxName).WithField("name")
			}
		}
	}
	for _, s := range i.Descriptions {
		if utf8.RuneCountInString(s) > MaxDescription {
			return app.Errorf(app.EInvalid, "error.too_long", "max", MaxDescription).WithField("description")
		}
	}
	seen := map[string]bool{}
	for _, c := range i.Categories {
		if !ValidCode(c.Key) || seen[c.Key] || c.Names.Text("en") == "" {
			return app.Errorf(app.EInvalid, "indicator.error.categories").WithField("categories")
		}
		seen[c.Key] = true
	}
	for _, r := range i.Rules {
		if !ValidCode(r.Key) || r.Names.Text("en") == "" || len(r.Categories) == 0 {
			return app.Errorf(app.EInvalid, "indicator.error.rules").WithField("rules")
		}
		for _, k := range r.Categories {
			if !seen[k] {
				return app.Errorf(app.EInvalid, "indicator.error.rules").WithField("rules")
			}
		}
	}
	return nil
}

// Value is one municipality's figure for one indicator, period and
// category ("" unless a breakdown). Counts: Num. Rates: Num over Den where
// the counts are known, or Rate alone where a source publishes only a rate
// (RateOnly: shown, never weighted into an aggregate as if counts).
type Value struct {
	bun.BaseModel `bun:"table:indicator_values"`

	OrgID       int64      `bun:",pk" json:"-"`
	IndicatorID int64      `bun:",pk" json:"-"`
	Period      string     `bun:",pk" json:"period"`
	Category    string     `bun:",pk" json:"category,omitempty"`
	PeriodStart time.Time  `bun:",notnull" json:"-"`
	Num         *float64   `json:"numerator,omitempty"`
	Den         *float64   `json:"denominator,omitempty"`
	Rate        *float64   `json:"rate,omitempty"` // a published rate without counts (per cent or per Scale)
	State       string     `bun:",notnull" json:"state"`
	Source      string     `bun:",notnull" json:"source"`
	AsOf        *time.Time `bun:",type:date" json:"as_of,omitempty"`
	Final       bool       `bun:",notnull" json:"final"`
	Visibility  string     `bun:",notnull" json:"visibility"`
	Note        string     `bun:",notnull" json:"note,omitempty"`
	EnteredBy   *int64     `json:"-"`
	EnteredAt   time.Time  `bun:",notnull" json:"entered_at"`
	Rev         int        `bun:",notnull" json:"rev"`
}

// RateOnly reports whether v is a published rate without its counts.
func (v *Value) RateOnly() bool { return v.Rate != nil && v.Num == nil }

// Correction is an earlier state of a value, kept when it is corrected.
type Correction struct {
	bun.BaseModel `bun:"table:indicator_value_history"`

	OrgID       int64     `bun:",notnull" json:"-"`
	ID          int64     `bun:",pk,autoincrement" json:"-"`
	IndicatorID int64     `bun:",notnull" json:"-"`
	Period      string    `bun:",notnull" json:"period"`
	Category    string    `bun:",notnull" json:"category,omitempty"`
	Num         *float64  `json:"numerator,omitempty"`
	Den         *float64  `json:"denominator,omitempty"`
	Rate        *float64  `json:"rate,omitempty"`
	State       string    `bun:",notnull" json:"state"`
	Source      string    `bun:",notnull" json:"source"`
	Final       bool      `bun:",notnull" json:"final"`
	Note        string    `bun:",notnull" json:"note,omitempty"`
	EnteredBy   *int64    `json:"-"`
	EnteredAt   time.Time `bun:",notnull" json:"entered_at"`
	Rev         int       `bun:",notnull" json:"rev"`
	ReplacedBy  *int64    `json:"-"`
	ReplacedAt  time.Time `bun:",notnull" json:"replaced_at"`
}

// Setting is a municipality's choices for one indicator: who reports it
// (the deadline lands on their "My work") and with whom its own values
// are shared.
type Setting struct {
	bun.BaseModel `bun:"table:indicator_settings"`

	OrgID         int64  `bun:",pk"`
	IndicatorID   int64  `bun:",pk"`
	ResponsibleID *int64 // the user who reports it
	Visibility    string `bun:",notnull"`
	Reports       bool   `bun:",notnull"` // the municipality reports it (it is on its report form)
}

// Lock closes a municipality's period for writes: a reported month once
// the committee has had it.
type Lock struct {
	bun.BaseModel `bun:"table:indicator_locks"`

	OrgID    int64     `bun:",pk"`
	Period   string    `bun:",pk"`
	LockedBy *int64    ``
	LockedAt time.Time `bun:",notnull"`
}

// Target levels.
const (
	TargetNational = "national"
	TargetNetwork  = "network"
	TargetLocal    = "local"
)

// Target is a value to reach, valid between two days: national (70 %),
// a network's, or a municipality's own (75 %). For a breakdown it names
// the rule it applies to.
type Target struct {
	bun.BaseModel `bun:"table:indicator_targets"`

	ID          int64      `bun:",pk,autoincrement" json:"id"`
	IndicatorID int64      `bun:",notnull" json:"-"`
	OwnerOrgID  *int64     `json:"owner_org_id,omitempty"` // nil: national
	Level       string     `bun:",notnull" json:"level"`
	Rule        string     `bun:",notnull" json:"rule,omitempty"`
	Value       float64    `bun:",notnull" json:"value"`
	ValidFrom   *time.Time `bun:",type:date" json:"valid_from,omitempty"`
	ValidTo     *time.Time `bun:",type:date" json:"valid_to,omitempty"`
	CreatedAt   time.Time  `bun:",notnull" json:"created_at"`
}

// ValidOn reports whether t applies on day.
func (t *Target) ValidOn(day time.Time) bool {
	return (t.ValidFrom == nil || !day.Before(*t.ValidFrom)) && (t.ValidTo == nil || !day.After(*t.ValidTo))
}

// Group is a comparison group made by hand (or saved from "similar
// municipalities"): its members are organisation ids.
type Group struct {
	bun.BaseModel `bun:"table:indicator_groups"`

	OrgID     int64     `bun:",pk" json:"-"`
	ID        int64     `bun:",pk,autoincrement" json:"id"`
	Name      string    `bun:",notnull" json:"name"`
	Members   []int64   `bun:",type:text,notnull" json:"members"`
	CreatedAt time.Time `bun:",notnull" json:"created_at"`
}

// Period is a reporting period: a year, a tertial, a quarter or a month.
type Period struct {
	Year  int
	Kind  string // Yearly, Tertial, Quarterly, Monthly
	Index int    // 1-based month, tertial or quarter; 0 for a year
}

// Key answers its canonical text: «2019», «2019T1», «2019Q2», «2019-03».
func (p Period) Key() string {
	switch p.Kind {
	case Monthly:
		return fmt.Sprintf("%04d-%02d", p.Year, p.Index)
	case Tertial:
		return fmt.Sprintf("%04dT%d", p.Year, p.Index)
	case Quarterly:
		return fmt.Sprintf("%04dQ%d", p.Year, p.Index)
	}
	return fmt.Sprintf("%04d", p.Year)
}

// String is Key.
func (p Period) String() string { return p.Key() }

// months answers how many months a period of kind spans.
func months(kind string) int {
	switch kind {
	case Monthly:
		return 1
	case Quarterly:
		return 3
	case Tertial:
		return 4
	}
	return 12
}

// Start answers its first day.
func (p Period) Start() time.Time {
	m := 1
	if p.Kind != Yearly {
		m = (p.Index-1)*months(p.Kind) + 1
	}
	return time.Date(p.Year, time.Month(m), 1, 0, 0, 0, 0, time.UTC)
}

// End answers the day after its last day.
func (p Period) End() time.Time { return p.Start().AddDate(0, months(p.Kind), 0) }

// Next answers the period after p.
func (p Period) Next() Period {
	if p.Kind == Yearly {
		return Period{Year: p.Year + 1, Kind: Yearly}
	}
	n := 12 / months(p.Kind)
	if p.Index == n {
		return Period{Year: p.Year + 1, Kind: p.Kind, Index: 1}
	}
	return Period{Year: p.Year, Kind: p.Kind, Index: p.Index + 1}
}

// Contains reports whether q lies within p.
func (p Period) Contains(q Period) bool {
	return !q.Start().Before(p.Start()) && !q.End().After(p.End())
}

// PeriodOf answers the period of kind containing day.
func PeriodOf(kind string, day time.Time) Period {
	if kind == Yearly {
		return Period{Year: day.Year(), Kind: Yearly}
	}
	return Period{Year: day.Year(), Kind: kind, Index: (int(day.Month())-1)/months(kind) + 1}
}

// ParsePeriod reads a period as written: «2019», «2019-03», «2019M03»,
// «2019-T1», «2019T1», «2019K1»/«2019Q1» (quarters), «03.2019»,
// «mars 2019» is not understood.
func ParsePeriod(s string) (Period, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) == 4 {
		if y, err := strconv.Atoi(s); err == nil && y >= 1900 && y <= 2200 {
			return Period{Year: y, Kind: Yearly}, true
		}
		return Period{}, false
	}
	if len(s) == 7 && s[2] == '.' { // 03.2019
		s = s[3:] + "-" + s[:2]
	}
	if len(s) < 6 {
		return Period{}, false
	}
	y, err := strconv.Atoi(s[:4])
	if err != nil || y < 1900 || y > 2200 {
		return Period{}, false
	}
	rest := strings.TrimPrefix(s[4:], "-")
	if rest == "" {
		return Period{}, false
	}
	kind, max := Monthly, 12
	switch rest[0] {
	case 'M':
		rest = rest[1:]
	case 'T':
		kind, max, rest = Tertial, 3, rest[1:]
	case 'K', 'Q':
		kind, max, rest = Quarterly, 4, rest[1:]
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 1 || n > max {
		return Period{}, false
	}
	return Period{Year: y, Kind: kind, Index: n}, true
}

// jsonColumn marshals v for a text column.
func jsonColumn(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// NationalValue is a country's official figure for an indicator (the
// national average a municipality compares itself with).
type NationalValue struct {
	bun.BaseModel `bun:"table:indicator_national_values"`

	IndicatorID int64      `bun:",pk" json:"-"`
	Country     string     `bun:",pk" json:"country"`
	Period      string     `bun:",pk" json:"period"`
	Category    string     `bun:",pk" json:"category,omitempty"`
	PeriodStart time.Time  `bun:",notnull" json:"-"`
	Num         *float64   `json:"numerator,omitempty"`
	Den         *float64   `json:"denominator,omitempty"`
	Rate        *float64   `json:"rate,omitempty"`
	State       string     `bun:",notnull" json:"state"`
	Source      string     `bun:",notnull" json:"source"`
	AsOf        *time.Time `bun:",type:date" json:"as_of,omitempty"`
	Final       bool       `bun:",notnull" json:"final"`
	EnteredAt   time.Time  `bun:",notnull" json:"entered_at"`
}
