package org

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"go.yaml.in/yaml/v3"

	"github.com/samvirke/samvirke/internal/db"
)

// Definition is one organisation as declared in a YAML file of tenants/.
type Definition struct {
	Slug               string             `yaml:"slug"`
	Kind               string             `yaml:"kind"`
	Name               string             `yaml:"name"`
	Country            string             `yaml:"country"`
	MunicipalityNumber string             `yaml:"municipality_number"`
	Locale             string             `yaml:"locale"`
	TimeZone           string             `yaml:"time_zone"`
	Parent             string             `yaml:"parent"` // slug of the county, or of a network's host
	Description        string             `yaml:"description"`
	Demo               bool               `yaml:"demo"`
	Members            []MemberDefinition `yaml:"members"` // networks only

	file string
}

// MemberDefinition is a municipality's membership of a network.
type MemberDefinition struct {
	Org    string `yaml:"org"`
	Joined string `yaml:"joined"` // YYYY-MM-DD
	Left   string `yaml:"left"`   // YYYY-MM-DD, exclusive; empty while a member
}

// LoadDefinitions reads path: one YAML file, or every *.yaml/*.yml file of a
// directory. Errors name the file and the field.
func LoadDefinitions(path string) ([]Definition, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("tenants: %w", err)
	}
	if !info.IsDir() {
		return LoadDefinitionsFS(os.DirFS(filepath.Dir(path)), filepath.Base(path))
	}
	return LoadDefinitionsFS(os.DirFS(path), ".")
}

// LoadDefinitionsFS is LoadDefinitions over a file system: root is a file or
// a directory of fsys.
func LoadDefinitionsFS(fsys fs.FS, root string) ([]Definition, error) {
	var files []string
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != root {
			return fs.SkipDir // organisations are the directory's own files; sub-directories hold other content
		}
		if ext := path.Ext(p); !d.IsDir() && (ext == ".yaml" || ext == ".yml") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("tenants: %w", err)
	}
	sort.Strings(files)
	var defs []Definition
	var errs []error
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f, err))
			continue
		}
		var d Definition
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&d); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f, err))
			continue
		}
		d.file = f
		defs = append(defs, d)
	}
	if len(files) == 0 {
		errs = append(errs, fmt.Errorf("tenants: no .yaml files in %s", root))
	}
	return defs, errors.Join(errs...)
}

func (d Definition) organisation() *Organisation {
	o := &Organisation{
		Slug: d.Slug, Kind: d.Kind, Name: d.Name, Country: d.Country,
		MunicipalityNumber: d.MunicipalityNumber, Locale: d.Locale, TimeZone: d.TimeZone,
		Description: strings.TrimSpace(d.Description), Demo: d.Demo,
	}
	if o.Locale == "" {
		o.Locale = map[string]string{"SE": "sv", "DK": "da"}[d.Country]
		if o.Locale == "" {
			o.Locale = "nb"
		}
	}
	if o.TimeZone == "" {
		o.TimeZone = map[string]string{"SE": "Europe/Stockholm", "DK": "Europe/Copenhagen"}[d.Country]
		if o.TimeZone == "" {
			o.TimeZone = "Europe/Oslo"
		}
	}
	return o
}

// ApplyResult tells what Apply did.
type ApplyResult struct {
	Organisations []*Organisation
}

// Apply creates or updates every defined organisation (matched by slug),
// sets parents and replaces network memberships, all in one transaction:
// either every definition is applied or none is. Applying the same
// definitions again changes nothing.
func Apply(ctx context.Context, bdb *bun.DB, defs []Definition, now time.Time) (ApplyResult, error) {
	var res ApplyResult
	if err := ValidateDefinitions(defs); err != nil {
		return res, err
	}
	err := db.RunTx(ctx, bdb, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		bySlug := map[string]*Organisation{}
		// Parents first: counties and hosts before the organisations that
		// point at them.
		ordered := append([]Definition(nil), defs...)
		sort.SliceStable(ordered, func(i, j int) bool { return rank(ordered[i].Kind) < rank(ordered[j].Kind) })
		for _, d := range ordered {
			o := d.organisation()
			if d.Parent != "" {
				p, ok := bySlug[d.Parent]
				if !ok {
					existing, err := FindOrganisationBySlug(ctx, tx, d.Parent)
					if err != nil {
						return fmt.Errorf("%s: parent: no organisation %q", d.file, d.Parent)
					}
					p = existing
				}
				o.ParentID = &p.ID
			}
			if err := UpsertOrganisation(ctx, tx, o, now); err != nil {
				return fmt.Errorf("%s: %w", d.file, err)
			}
			bySlug[o.Slug] = o
			res.Organisations = append(res.Organisations, o)
		}
		for _, d := range ordered {
			if d.Kind != KindNetwork {
				continue
			}
			var members []NetworkMember
			for i, m := range d.Members {
				mo, ok := bySlug[m.Org]
				if !ok {
					existing, err := FindOrganisationBySlug(ctx, tx, m.Org)
					if err != nil {
						return fmt.Errorf("%s: members[%d].org: no organisation %q", d.file, i, m.Org)
					}
					mo = existing
				}
				nm := NetworkMember{MemberOrgID: mo.ID}
				nm.JoinedOn, _ = time.Parse(time.DateOnly, m.Joined)
				if m.Left != "" {
					left, _ := time.Parse(time.DateOnly, m.Left)
					nm.LeftOn = &left
				}
				members = append(members, nm)
			}
			if err := ReplaceNetworkMembers(ctx, tx, bySlug[d.Slug].ID, members); err != nil {
				return fmt.Errorf("%s: members: %w", d.file, err)
			}
		}
		return nil
	})
	return res, err
}

func rank(kind string) int {
	switch kind {
	case KindCounty:
		return 0
	case KindMunicipality:
		return 1
	}
	return 2
}

// ValidateDefinitions reports every problem in every file at once.
func ValidateDefinitions(defs []Definition) error {
	var errs []error
	seen := map[string]string{}
	for _, d := range defs {
		if prev, ok := seen[d.Slug]; ok {
			errs = append(errs, fmt.Errorf("%s: slug %q is already defined in %s", d.file, d.Slug, prev))
		}
		seen[d.Slug] = d.file
		if err := d.organisation().Validate(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", d.file, err))
		}
		if d.Kind == KindNetwork && d.Parent == "" {
			errs = append(errs, fmt.Errorf("%s: parent: a network needs its hosting organisation", d.file))
		}
		if d.Kind != KindNetwork && len(d.Members) > 0 {
			errs = append(errs, fmt.Errorf("%s: members: only networks have members", d.file))
		}
		for i, m := range d.Members {
			j, err := time.Parse(time.DateOnly, m.Joined)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: members[%d].joined: %q is not a date YYYY-MM-DD", d.file, i, m.Joined))
			}
			if m.Left != "" {
				l, err := time.Parse(time.DateOnly, m.Left)
				if err != nil {
					errs = append(errs, fmt.Errorf("%s: members[%d].left: %q is not a date YYYY-MM-DD", d.file, i, m.Left))
				} else if !l.After(j) {
					errs = append(errs, fmt.Errorf("%s: members[%d].left: must be after joined", d.file, i))
				}
			}
		}
	}
	return errors.Join(errs...)
}
