package indicator

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"sort"
	"time"

	"github.com/uptrace/bun"
	"go.yaml.in/yaml/v3"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// DemoLoader loads the demo organisations' indicator figures
// (indicators/demo/<slug>.yaml of Definitions): Nittedal's monthly report
// and Thisted's quota table as the seeds print them, generated figures
// for the other demo municipalities, the countries' figures they compare
// with, who reports each indicator and with whom it is shared, and local
// targets. It names demo users as responsible, so the server runs it once
// they exist, after the national catalogue is loaded. Everything goes
// through the Service; a second run changes nothing.
type DemoLoader struct {
	// Definitions holds indicators/demo/*.yaml (tenants.Indicators).
	Definitions fs.FS
}

// demoFile is an indicators/demo/<slug>.yaml file.
type demoFile struct {
	Slug string `yaml:"slug"`
	// Responsible is the demo user (by role) who reports every indicator
	// the municipality has figures for.
	Responsible string `yaml:"responsible"`
	// Visibility of its own registrations (network when empty); official
	// statistics are public unless a series says otherwise.
	Visibility string          `yaml:"visibility"`
	Targets    []demoTarget    `yaml:"targets"`
	Values     []demoSeries    `yaml:"values"`
	National   []demoNational  `yaml:"national"`
	Generate   *demoGeneration `yaml:"generate"`
}

type demoTarget struct {
	Code      string  `yaml:"code"`
	Rule      string  `yaml:"rule"`
	Value     float64 `yaml:"value"`
	ValidFrom string  `yaml:"valid_from"`
	ValidTo   string  `yaml:"valid_to"`
}

// demoSeries is one indicator's figures; Source, Note, Final and AsOf
// apply to each row that does not set its own.
type demoSeries struct {
	Code       string    `yaml:"code"`
	Source     string    `yaml:"source"`
	Visibility string    `yaml:"visibility"`
	Note       string    `yaml:"note"`
	Rows       []demoRow `yaml:"rows"`
}

// demoRow is one period: a count (num), a rate's parts (num, den), a
// published rate alone (rate), or a breakdown's counts by category.
type demoRow struct {
	Period string             `yaml:"period"`
	Num    *float64           `yaml:"num"`
	Den    *float64           `yaml:"den"`
	Rate   *float64           `yaml:"rate"`
	Counts map[string]float64 `yaml:"counts"`
	Final  *bool              `yaml:"final"`
	AsOf   string             `yaml:"as_of"`
	Note   string             `yaml:"note"`
}

// demoNational is a country's official figure.
type demoNational struct {
	Country string `yaml:"country"`
	Code    string `yaml:"code"`
	Source  string `yaml:"source"`
	demoRow `yaml:",inline"`
}

// LoadDemo loads every indicators/demo/*.yaml.
func (l DemoLoader) LoadDemo(ctx context.Context, bdb *bun.DB, clock app.Clock) error {
	list, err := fs.Glob(l.Definitions, "indicators/demo/*.yaml")
	if err != nil {
		return fmt.Errorf("demo indicators: %w", err)
	}
	svc := &Service{DB: bdb, Clock: clock}
	for _, f := range list {
		if err := l.loadFile(ctx, svc, f); err != nil {
			return fmt.Errorf("demo indicators: %s: %w", f, err)
		}
	}
	return nil
}

func (l DemoLoader) loadFile(ctx context.Context, svc *Service, file string) error {
	b, err := fs.ReadFile(l.Definitions, file)
	if err != nil {
		return err
	}
	var d demoFile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&d); err != nil {
		return err
	}
	if len(d.National) > 0 {
		var entries []NationalEntry
		for _, n := range d.National {
			e, err := n.demoRow.entries(n.Code, n.Source, "")
			if err != nil {
				return err
			}
			for _, x := range e {
				entries = append(entries, NationalEntry{Country: n.Country, Entry: x})
			}
		}
		if _, err := svc.SaveNational(ctx, entries); err != nil {
			return fmt.Errorf("national figures: %w", err)
		}
	}
	if d.Slug == "" {
		return nil
	}
	var o *org.Organisation
	if err := db.Run(ctx, svc.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		o, err = org.FindOrganisationBySlug(ctx, idb, d.Slug)
		return err
	}); err != nil {
		return fmt.Errorf("organisation %s: %w", d.Slug, err)
	}
	if !o.Demo {
		return fmt.Errorf("%s is not a demo organisation", d.Slug)
	}
	series := d.Values
	if d.Generate != nil {
		series = append(series, d.Generate.series(d.Slug)...)
	}
	if err := d.settings(ctx, svc, o, series); err != nil {
		return err
	}
	var entries []Entry
	for _, s := range series {
		for _, r := range s.Rows {
			e, err := r.entries(s.Code, s.Source, s.Note)
			if err != nil {
				return err
			}
			entries = append(entries, e...)
		}
	}
	if _, err := svc.Save(ctx, o, 0, entries); err != nil {
		return fmt.Errorf("figures: %w", err)
	}
	for _, t := range d.Targets {
		if err := addDemoTarget(ctx, svc, o, t); err != nil {
			return fmt.Errorf("target %s: %w", t.Code, err)
		}
	}
	return nil
}

// settings makes the responsible demo user report every indicator of
// series, each shared as its series says.
func (d *demoFile) settings(ctx context.Context, svc *Service, o *org.Organisation, series []demoSeries) error {
	var responsible *int64
	if d.Responsible != "" {
		email := account.DemoEmail(d.Responsible, o.Slug)
		err := db.Run(ctx, svc.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
			u, err := account.FindUserByEmail(ctx, idb, email)
			if err == nil {
				responsible = &u.ID
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("demo user %s: %w", email, err)
		}
	}
	vis := map[string]string{}
	for _, s := range series {
		v := s.Visibility
		switch {
		case v != "":
		case s.Source != "" && s.Source != SourceOwn:
			v = VisibilityPublic
		case d.Visibility != "":
			v = d.Visibility
		default:
			v = VisibilityNetwork
		}
		vis[s.Code] = v
	}
	codes := make([]string, 0, len(vis))
	for c := range vis {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		if err := svc.SetSetting(ctx, o, c, SettingInput{ResponsibleID: responsible, Visibility: vis[c], Reports: true}); err != nil {
			return fmt.Errorf("setting %s: %w", c, err)
		}
	}
	return nil
}

// addDemoTarget adds a local target unless o has it already.
func addDemoTarget(ctx context.Context, svc *Service, o *org.Organisation, t demoTarget) error {
	in := TargetInput{Code: t.Code, Rule: t.Rule, Value: t.Value}
	var err error
	if in.ValidFrom, err = optionalDay(t.ValidFrom); err != nil {
		return err
	}
	if in.ValidTo, err = optionalDay(t.ValidTo); err != nil {
		return err
	}
	var n int64
	err = db.Run(ctx, svc.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		ind, err := resolve(ctx, idb, o, svc.now(), t.Code)
		if err != nil {
			return err
		}
		n, err = idb.NewSelect().Model((*Target)(nil)).
			Where("indicator_id = ? AND owner_org_id = ? AND rule = ? AND value = ?", ind.ID, o.ID, t.Rule, t.Value).Count(ctx)
		return err
	})
	if err != nil || n > 0 {
		return err
	}
	_, err = svc.AddTarget(ctx, o, in)
	return err
}

// entries answers r as the entries of indicator code: one, or one per
// category of a breakdown (in key order).
func (r demoRow) entries(code, source, note string) ([]Entry, error) {
	e := Entry{Code: code, Period: r.Period, Num: r.Num, Den: r.Den, Rate: r.Rate, Source: source, Final: r.Final, Note: r.Note}
	if e.Note == "" {
		e.Note = note
	}
	if r.AsOf != "" {
		t, err := time.Parse(time.DateOnly, r.AsOf)
		if err != nil {
			return nil, fmt.Errorf("%s %s: as_of: %w", code, r.Period, err)
		}
		e.AsOf = &t
	}
	if len(r.Counts) == 0 {
		return []Entry{e}, nil
	}
	keys := make([]string, 0, len(r.Counts))
	for k := range r.Counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]Entry, 0, len(keys))
	for _, k := range keys {
		c := e
		n := r.Counts[k]
		c.Category, c.Num = k, &n
		out = append(out, c)
	}
	return out, nil
}
