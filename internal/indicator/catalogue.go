package indicator

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"time"

	"github.com/uptrace/bun"
	"go.yaml.in/yaml/v3"

	"github.com/samvirke/samvirke/internal/db"
)

// Definition is one indicator of the shipped catalogue as its YAML file
// writes it (tenants/indicators/*.yaml), with its national targets.
type Definition struct {
	Code         string     `yaml:"code"`
	Topic        string     `yaml:"topic"`
	Names        Texts      `yaml:"names"`
	Descriptions Texts      `yaml:"descriptions"`
	Unit         string     `yaml:"unit"`
	Direction    string     `yaml:"direction"`
	Periodicity  string     `yaml:"periodicity"`
	Aggregation  string     `yaml:"aggregation"`
	Source       string     `yaml:"source"`
	Numerator    Texts      `yaml:"numerator"`
	Denominator  Texts      `yaml:"denominator"`
	Categories   []Category `yaml:"categories"`
	Rules        []Rule     `yaml:"rules"`
	ReportDay    int        `yaml:"report_day"`
	Targets      []struct {
		Rule      string  `yaml:"rule"`
		Value     float64 `yaml:"value"`
		ValidFrom string  `yaml:"valid_from"`
		ValidTo   string  `yaml:"valid_to"`
	} `yaml:"targets"` // national targets
}

// Indicator answers d as a catalogue row at position.
func (d *Definition) Indicator(position int) *Indicator {
	in := &Indicator{Code: d.Code, Topic: d.Topic, Names: d.Names, Descriptions: d.Descriptions, Unit: d.Unit,
		Direction: d.Direction, Periodicity: d.Periodicity, Aggregation: d.Aggregation, Source: d.Source,
		Numerator: d.Numerator, Denominator: d.Denominator, Categories: d.Categories, Rules: d.Rules,
		ReportDay: d.ReportDay, Position: position}
	if in.Aggregation == "" {
		in.Aggregation = AggSum
	}
	if in.Direction == "" {
		in.Direction = NoDirection
	}
	fillTexts(in)
	return in
}

// ReadDefinitions reads every *.yaml file of dir in fsys, in name order.
func ReadDefinitions(fsys fs.FS, dir string) ([]Definition, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	var out []Definition
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		var file struct {
			Indicators []Definition `yaml:"indicators"`
		}
		if err := yaml.Unmarshal(b, &file); err != nil {
			return nil, fmt.Errorf("indicator: %s: %w", n, err)
		}
		out = append(out, file.Indicators...)
	}
	return out, nil
}

// LoadCatalogue makes the national catalogue match defs: new indicators
// are added, existing ones (by code) updated, their national targets
// replaced. It runs on every start, so a release that ships a better
// definition corrects it everywhere; indicators no longer shipped stay.
//
// Processes that start together (a web and a worker process) may both
// insert the same new indicator: the one that loses the race to the
// unique index tries once more and then finds it.
func LoadCatalogue(ctx context.Context, bdb *bun.DB, defs []Definition, now time.Time) error {
	err := loadCatalogue(ctx, bdb, defs, now)
	if err != nil && ctx.Err() == nil {
		err = loadCatalogue(ctx, bdb, defs, now)
	}
	return err
}

func loadCatalogue(ctx context.Context, bdb *bun.DB, defs []Definition, now time.Time) error {
	return db.RunTx(ctx, bdb, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		for i := range defs {
			d := &defs[i]
			in := d.Indicator((i + 1) * 10)
			if err := in.Validate(); err != nil {
				return fmt.Errorf("indicator: catalogue %s: %w", d.Code, err)
			}
			cur := new(Indicator)
			err := tx.NewSelect().Model(cur).Where("owner_org_id IS NULL AND code = ?", in.Code).Scan(ctx)
			in.UpdatedAt = now
			if err == nil {
				in.ID, in.CreatedAt = cur.ID, cur.CreatedAt
				if _, err := tx.NewUpdate().Model(in).WherePK().Exec(ctx); err != nil {
					return err
				}
			} else {
				in.CreatedAt = now
				if _, err := tx.NewInsert().Model(in).Exec(ctx); err != nil {
					return err
				}
			}
			var want []*Target
			for _, t := range d.Targets {
				tg := &Target{IndicatorID: in.ID, Level: TargetNational, Rule: t.Rule, Value: t.Value, CreatedAt: now}
				if tg.ValidFrom, err = optionalDay(t.ValidFrom); err != nil {
					return fmt.Errorf("indicator: catalogue %s: %w", d.Code, err)
				}
				if tg.ValidTo, err = optionalDay(t.ValidTo); err != nil {
					return fmt.Errorf("indicator: catalogue %s: %w", d.Code, err)
				}
				want = append(want, tg)
			}
			var have []*Target
			if err := tx.NewSelect().Model(&have).Where("indicator_id = ? AND owner_org_id IS NULL", in.ID).OrderExpr("id").Scan(ctx); err != nil {
				return err
			}
			if sameTargets(have, want) {
				continue // unchanged: the targets keep their ids
			}
			if _, err := tx.NewDelete().Model((*Target)(nil)).Where("indicator_id = ? AND owner_org_id IS NULL", in.ID).Exec(ctx); err != nil {
				return err
			}
			for _, tg := range want {
				if _, err := tx.NewInsert().Model(tg).Exec(ctx); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func optionalDay(s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// sameTargets reports whether two lists of targets say the same.
func sameTargets(a, b []*Target) bool {
	if len(a) != len(b) {
		return false
	}
	day := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format(time.DateOnly)
	}
	for i := range a {
		if a[i].Rule != b[i].Rule || a[i].Value != b[i].Value || a[i].Level != b[i].Level ||
			day(a[i].ValidFrom) != day(b[i].ValidFrom) || day(a[i].ValidTo) != day(b[i].ValidTo) {
			return false
		}
	}
	return true
}
