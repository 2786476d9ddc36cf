package indicator

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// TargetInput is a target as a form or the API gives it.
type TargetInput struct {
	Code      string
	Rule      string
	Value     float64
	ValidFrom *time.Time
	ValidTo   *time.Time
}

// AddTarget sets a target of o for an indicator it sees: a network's
// target (o a network) or a municipality's own (local).
func (s *Service) AddTarget(ctx context.Context, o *org.Organisation, in TargetInput) (*Target, error) {
	level := TargetLocal
	if o.Kind == org.KindNetwork {
		level = TargetNetwork
	}
	var t *Target
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		ind, err := resolve(ctx, tx, o, s.now(), in.Code)
		if err != nil {
			return err
		}
		switch {
		case in.Rule != "" && !hasRule(ind, in.Rule):
			return entryProblem("rule", "indicator.error.rule")
		case math.IsNaN(in.Value) || math.IsInf(in.Value, 0) || math.Abs(in.Value) > MaxValue:
			return entryProblem("value", "indicator.error.number")
		case (ind.IsRate() || in.Rule != "") && (in.Value < 0 || in.Value > 100 && ind.Unit == UnitPercent):
			return entryProblem("value", "indicator.error.percent")
		case in.ValidFrom != nil && in.ValidTo != nil && in.ValidTo.Before(*in.ValidFrom):
			return entryProblem("valid_to", "indicator.error.valid_to")
		}
		t = &Target{IndicatorID: ind.ID, OwnerOrgID: &o.ID, Level: level, Rule: in.Rule, Value: in.Value,
			ValidFrom: in.ValidFrom, ValidTo: in.ValidTo, CreatedAt: s.now()}
		if _, err := tx.NewInsert().Model(t).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, "indicator.target", fmt.Sprintf("%s %g", ind.Code, in.Value), nil, s.now())
	})
	return t, err
}

// RemoveTarget removes one of o's own targets.
func (s *Service) RemoveTarget(ctx context.Context, o *org.Organisation, id int64) error {
	return db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewDelete().Model((*Target)(nil)).Where("id = ? AND owner_org_id = ?", id, o.ID).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound
		}
		return audit.Record(ctx, tx, o.ID, "indicator.target.remove", fmt.Sprint(id), nil, s.now())
	})
}

func hasRule(ind *Indicator, key string) bool {
	_, ok := ind.Rule(key)
	return ok
}

// GroupInput is a hand-made comparison group.
type GroupInput struct {
	Name    string
	Members []string // municipalities' slugs
}

// MaxGroupMembers bounds a hand-made group.
const MaxGroupMembers = 500

// SaveGroup creates (id 0) or replaces one of o's comparison groups. Its
// members must be municipalities; a group of fewer than two is refused
// (it would be one municipality's figure under another name).
func (s *Service) SaveGroup(ctx context.Context, o *org.Organisation, id int64, in GroupInput) (*Group, error) {
	in.Name = strings.TrimSpace(in.Name)
	switch {
	case in.Name == "":
		return nil, entryProblem("name", "error.required")
	case utf8.RuneCountInString(in.Name) > MaxName:
		return nil, entryProblem("name", "error.too_long", "max", MaxName)
	case len(in.Members) < 2:
		return nil, entryProblem("members", "indicator.error.group_small")
	case len(in.Members) > MaxGroupMembers:
		return nil, entryProblem("members", "indicator.error.group_large", "max", MaxGroupMembers)
	}
	g := &Group{OrgID: o.ID, ID: id, Name: in.Name, CreatedAt: s.now()}
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		var ms []*org.Organisation
		if err := tx.NewSelect().Model(&ms).Column("id", "slug").Where("kind = ? AND slug IN (?)", org.KindMunicipality, bun.In(in.Members)).
			OrderExpr("id").Scan(ctx); err != nil {
			return err
		}
		if len(ms) != len(uniq(in.Members)) {
			return entryProblem("members", "indicator.error.group_member")
		}
		for _, m := range ms {
			g.Members = append(g.Members, m.ID)
		}
		if id == 0 {
			g.ID = 0
			if _, err := tx.NewInsert().Model(g).Exec(ctx); err != nil {
				return err
			}
		} else {
			res, err := tx.NewUpdate().Model(g).Column("name", "members").Where("org_id = ? AND id = ?", o.ID, id).Exec(ctx)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return errNotFound
			}
		}
		s.cache.invalidate()
		return audit.Record(ctx, tx, o.ID, "indicator.group", g.Name, nil, s.now())
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// DeleteGroup removes one of o's comparison groups.
func (s *Service) DeleteGroup(ctx context.Context, o *org.Organisation, id int64) error {
	return db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewDelete().Model((*Group)(nil)).Where("org_id = ? AND id = ?", o.ID, id).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNotFound
		}
		return audit.Record(ctx, tx, o.ID, "indicator.group.remove", fmt.Sprint(id), nil, s.now())
	})
}

func uniq(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// SetThreshold sets a network's small-count threshold: a count from 1 to
// it is shown as «under threshold+1» outside its municipality. Never
// below MinThreshold; only a network has one.
func (s *Service) SetThreshold(ctx context.Context, o *org.Organisation, threshold int) error {
	if o.Kind != org.KindNetwork {
		return errNotFound
	}
	if threshold < MinThreshold || threshold > MaxThreshold {
		return entryProblem("threshold", "indicator.error.threshold", "min", MinThreshold, "max", MaxThreshold)
	}
	return db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewUpdate().Table("organisations").Set("small_count_threshold = ?", threshold).Where("id = ?", o.ID).Exec(ctx); err != nil {
			return err
		}
		o.SmallCountThreshold = threshold
		s.cache.invalidate()
		return audit.Record(ctx, tx, o.ID, "indicator.threshold", fmt.Sprint(threshold), nil, s.now())
	})
}
