// Package org holds the tenants: municipalities, counties (coordinating
// bodies) and learning networks with member municipalities that join and
// leave on dates. It also reads the declarative organisation definitions of
// tenants/ and applies them idempotently.
package org

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/i18n"
)

// Kinds of organisation.
const (
	KindMunicipality = "municipality"
	KindCounty       = "county"
	KindNetwork      = "network"
)

// Locales the product speaks.
var Locales = i18n.Locales

// Organisation is a tenant.
type Organisation struct {
	bun.BaseModel `bun:"table:organisations"`

	ID                 int64  `bun:",pk,autoincrement" json:"id"`
	Slug               string `bun:",notnull" json:"slug"`
	Kind               string `bun:",notnull" json:"kind"`
	Name               string `bun:",notnull" json:"name"`
	Country            string `bun:",notnull" json:"country,omitempty"`             // NO, SE, DK; "" for networks
	MunicipalityNumber string `bun:",notnull" json:"municipality_number,omitempty"` // official number, municipalities only
	Locale             string `bun:",notnull" json:"locale"`
	TimeZone           string `bun:",notnull" json:"time_zone"`
	// ParentID is a municipality's county, or the organisation that hosts
	// a network.
	ParentID    *int64 `json:"parent_id,omitempty"`
	Description string `bun:",notnull" json:"description,omitempty"`
	Demo        bool   `bun:",notnull" json:"-"`
	// RequireSecondFactor makes every member sign in with a second factor.
	RequireSecondFactor bool `bun:",notnull" json:"require_second_factor"`
	// SpringEnd and AutumnEnd are the days its spring and autumn terms
	// end, 'MM-DD' (see seasons.go), or '' for 30 June and 31 December: a
	// deadline «Vår 2027» or «Høst 2026» falls due on that day.
	SpringEnd string `bun:",notnull" json:"spring_end,omitempty"`
	AutumnEnd string `bun:",notnull" json:"autumn_end,omitempty"`
	// SmallCountThreshold is a network's: a count from 1 to it is shown
	// as «under threshold+1» outside its municipality (package indicator).
	SmallCountThreshold int       `bun:",notnull,default:9" json:"small_count_threshold,omitempty"`
	LogoType            string    `bun:",notnull" json:"-"`
	Logo                []byte    `bun:",scanonly" json:"-"` // loaded only when served
	CreatedAt           time.Time `bun:",notnull" json:"created_at"`
	UpdatedAt           time.Time `bun:",notnull" json:"updated_at"`
}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// MaxNameLen bounds an organisation's name, in characters: it appears in
// page titles, e-mail subjects and invitations.
const MaxNameLen = 120

// Location answers the organisation's time zone (UTC when unset): the
// zone its meetings, deadlines and dates are read and shown in.
func (o *Organisation) Location() *time.Location {
	if loc, err := time.LoadLocation(o.TimeZone); err == nil && o.TimeZone != "" {
		return loc
	}
	return time.UTC
}

// Validate checks o's fields; the error names the first bad field.
func (o *Organisation) Validate() error {
	switch {
	case !slugRE.MatchString(o.Slug) || len(o.Slug) > 63:
		return app.Errorf(app.EInvalid, "org.error.slug").WithField("slug")
	case o.Kind != KindMunicipality && o.Kind != KindCounty && o.Kind != KindNetwork:
		return app.Errorf(app.EInvalid, "org.error.kind").WithField("kind")
	case strings.TrimSpace(o.Name) == "":
		return app.Errorf(app.EInvalid, "error.required").WithField("name")
	case utf8.RuneCountInString(o.Name) > MaxNameLen:
		return app.Errorf(app.EInvalid, "org.error.name_long", "max", MaxNameLen).WithField("name")
	case o.Kind == KindMunicipality && !slices.Contains([]string{"NO", "SE", "DK"}, o.Country):
		return app.Errorf(app.EInvalid, "org.error.country").WithField("country")
	case o.Kind == KindMunicipality && !validMunicipalityNumber(o.Country, o.MunicipalityNumber):
		return app.Errorf(app.EInvalid, "org.error.municipality_number").WithField("municipality_number")
	case !i18n.Supported(o.Locale):
		return app.Errorf(app.EInvalid, "org.error.locale").WithField("locale")
	}
	for _, f := range [...]struct{ name, v string }{{"spring_end", o.SpringEnd}, {"autumn_end", o.AutumnEnd}} {
		if _, _, ok := ParseMonthDay(f.v); f.v != "" && !ok {
			return app.Errorf(app.EInvalid, "org.error.season_end", "value", f.v).WithField(f.name)
		}
	}
	if _, err := time.LoadLocation(o.TimeZone); err != nil || o.TimeZone == "" {
		return app.Errorf(app.EInvalid, "org.error.time_zone").WithField("time_zone")
	}
	return nil
}

// validMunicipalityNumber checks the shape of official numbers: four digits
// in Norway (kommunenummer) and Sweden (kommunkod), three in Denmark
// (kommunekode).
func validMunicipalityNumber(country, n string) bool {
	want := 4
	if country == "DK" {
		want = 3
	}
	if len(n) != want {
		return false
	}
	for _, r := range n {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// NetworkMember is a municipality's membership of a network: from JoinedOn
// until LeftOn (exclusive), or open-ended while LeftOn is nil.
type NetworkMember struct {
	bun.BaseModel `bun:"table:network_members"`

	OrgID       int64      `bun:",pk" json:"network_id"`
	MemberOrgID int64      `bun:",pk" json:"member_id"`
	JoinedOn    time.Time  `bun:",pk,type:date" json:"joined_on"`
	LeftOn      *time.Time `bun:",type:date" json:"left_on,omitempty"`
}
