package org_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/org"
)

// TestSecurity17OrganisationNameBounded: an organisation's name over
// MaxNameLen characters is refused, by Validate (settings form) and by the
// tenants YAML definitions; one at the bound is fine.
func TestSecurity17OrganisationNameBounded(t *testing.T) {
	t.Parallel()
	o := org.Organisation{Slug: "aafjord", Kind: org.KindMunicipality, Country: "NO", MunicipalityNumber: "5058",
		Locale: "nb", TimeZone: "Europe/Oslo", Name: strings.Repeat("Å", org.MaxNameLen)}
	if err := o.Validate(); err != nil {
		t.Errorf("name of %d characters: %v; want valid", org.MaxNameLen, err)
	}
	o.Name += "x"
	if e := app.AsError(o.Validate()); e == nil || e.Code != app.EInvalid || e.Field != "name" || e.Key != "org.error.name_long" {
		t.Errorf("name of %d characters: %v; want invalid name (org.error.name_long)", org.MaxNameLen+1, e)
	}
	yaml := "slug: lang\nkind: county\nname: " + strings.Repeat("Lang ", 30) + "\nlocale: nb\ntime_zone: Europe/Oslo\n"
	defs, err := org.LoadDefinitionsFS(fstest.MapFS{"lang.yaml": {Data: []byte(yaml)}}, ".")
	if err != nil {
		t.Fatal(err)
	}
	// What `samvirke tenants apply` and the demo check before applying.
	if err := org.ValidateDefinitions(defs); err == nil || !strings.Contains(err.Error(), "lang.yaml") {
		t.Errorf("tenants definition with a 150-character name: %v; want refused, naming the file", err)
	}
}
