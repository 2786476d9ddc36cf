package org

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/queue"
)

// FindOrganisationBySlug returns the organisation with slug, or an
// app.ENotFound error.
func FindOrganisationBySlug(ctx context.Context, idb bun.IDB, slug string) (*Organisation, error) {
	o := new(Organisation)
	err := idb.NewSelect().Model(o).Where("slug = ?", slug).Scan(ctx)
	return o, db.Err(err, "org.error.not_found")
}

// FindOrganisationByID returns the organisation with id, or app.ENotFound.
func FindOrganisationByID(ctx context.Context, idb bun.IDB, id int64) (*Organisation, error) {
	o := new(Organisation)
	err := idb.NewSelect().Model(o).Where("id = ?", id).Scan(ctx)
	return o, db.Err(err, "org.error.not_found")
}

// Filter narrows FindOrganisations.
type Filter struct {
	Kind   string
	Demo   *bool
	Limit  int
	Offset int
}

// FindOrganisations lists organisations by name, and the total matching.
func FindOrganisations(ctx context.Context, idb bun.IDB, f Filter) ([]*Organisation, int, error) {
	var out []*Organisation
	q := idb.NewSelect().Model(&out).OrderExpr("name ASC, id ASC")
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.Demo != nil {
		q = q.Where("demo = ?", *f.Demo)
	}
	if f.Limit > 0 {
		q = q.Limit(int64(f.Limit)).Offset(int64(f.Offset))
	}
	n, err := q.ScanAndCount(ctx)
	return out, int(n), err
}

// CountOrganisations answers how many organisations exist.
func CountOrganisations(ctx context.Context, idb bun.IDB) (int, error) {
	n, err := idb.NewSelect().Model((*Organisation)(nil)).Count(ctx)
	return int(n), err
}

// UpsertOrganisation creates o, or updates the organisation with o's slug in
// place; o.ID is set either way.
func UpsertOrganisation(ctx context.Context, idb bun.IDB, o *Organisation, now time.Time) error {
	if err := o.Validate(); err != nil {
		return err
	}
	o.CreatedAt, o.UpdatedAt = now, now
	_, err := idb.NewInsert().Model(o).
		On("CONFLICT (slug) DO UPDATE").
		Set("kind = EXCLUDED.kind, name = EXCLUDED.name, country = EXCLUDED.country").
		Set("municipality_number = EXCLUDED.municipality_number, locale = EXCLUDED.locale").
		Set("time_zone = EXCLUDED.time_zone, parent_id = EXCLUDED.parent_id").
		Set("description = EXCLUDED.description, demo = EXCLUDED.demo, updated_at = EXCLUDED.updated_at").
		Returning("id, created_at").
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("org: upsert %s: %w", o.Slug, db.Err(err, "org.error.not_found"))
	}
	return nil
}

// ReplaceNetworkMembers makes members the exact membership history of the
// network. Only the (UTC) day of JoinedOn and LeftOn is kept, on every
// backend: a membership that ends today at noon has ended today.
func ReplaceNetworkMembers(ctx context.Context, idb bun.IDB, networkID int64, members []NetworkMember) error {
	for i, m := range members {
		members[i].JoinedOn = m.JoinedOn.UTC().Truncate(24 * time.Hour)
		if m.LeftOn != nil {
			left := m.LeftOn.UTC().Truncate(24 * time.Hour)
			members[i].LeftOn = &left
		}
	}
	if _, err := idb.NewDelete().Model((*NetworkMember)(nil)).Where("org_id = ?", networkID).Exec(ctx); err != nil {
		return err
	}
	if len(members) == 0 {
		return nil
	}
	for i := range members {
		members[i].OrgID = networkID
	}
	_, err := idb.NewInsert().Model(&members).Exec(ctx)
	return db.Err(err, "org.error.not_found")
}

// FindNetworkMembers lists a network's memberships, current and past.
func FindNetworkMembers(ctx context.Context, idb bun.IDB, networkID int64) ([]NetworkMember, error) {
	var out []NetworkMember
	err := idb.NewSelect().Model(&out).Where("org_id = ?", networkID).OrderExpr("joined_on, member_org_id").Scan(ctx)
	return out, err
}

// FindNetworkMemberOrgs lists the organisations that are members of the
// network on day.
// Within a unit of work of db.Run the network's own answer is read once
// (db.Remember); it is shared, not to be changed.
func FindNetworkMemberOrgs(ctx context.Context, idb bun.IDB, networkID int64, day time.Time) ([]*Organisation, error) {
	return db.Remember(ctx, "network members", networkID, day, func() ([]*Organisation, error) {
		return findNetworkMemberOrgs(ctx, idb, networkID, day)
	})
}

func findNetworkMemberOrgs(ctx context.Context, idb bun.IDB, networkID int64, day time.Time) ([]*Organisation, error) {
	// On most pages: planned once a connection on PostgreSQL (db.Bind).
	ctx, a := db.Bind(ctx, idb, networkID, day.UTC().Truncate(24*time.Hour))
	// The members found first, then each by its key: as a semi-join
	// PostgreSQL read all 780 organisations of the scale data set under
	// row-level security to hash them (0.54 ms against 0.22).
	in := "id IN (?)"
	if idb.Dialect().Name() == dialect.PG {
		in = "id = ANY(ARRAY(?))"
	}
	var out []*Organisation
	err := idb.NewSelect().Model(&out).
		Where(in, idb.NewSelect().Model((*NetworkMember)(nil)).Column("member_org_id").
			Where("org_id = ?", a[0]).
			Where("joined_on <= ?", a[1]).
			WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
				return q.Where("left_on IS NULL").WhereOr("left_on > ?", a[1])
			})).
		OrderExpr("name").Scan(ctx)
	return out, err
}

// Store answers the scheduler's question of which organisations periodic
// jobs run for.
type Store struct{ DB bun.IDB }

// ScheduleTargets lists every organisation with its time zone.
func (s Store) ScheduleTargets(ctx context.Context) ([]queue.Target, error) {
	var out []queue.Target
	err := s.DB.NewSelect().Model((*Organisation)(nil)).
		ColumnExpr("id AS org_id, time_zone").OrderExpr("id").Scan(ctx, &out)
	return out, err
}

// FindMemberNetworks lists the networks a municipality belongs to on day.
// Within a unit of work of db.Run the municipality's own answer is read
// once (db.Remember); it is shared, not to be changed.
func FindMemberNetworks(ctx context.Context, idb bun.IDB, memberID int64, day time.Time) ([]*Organisation, error) {
	return db.Remember(ctx, "member networks", memberID, day, func() ([]*Organisation, error) {
		return findMemberNetworks(ctx, idb, memberID, day)
	})
}

func findMemberNetworks(ctx context.Context, idb bun.IDB, memberID int64, day time.Time) ([]*Organisation, error) {
	// On most pages: planned once a connection on PostgreSQL (db.Bind).
	ctx, a := db.Bind(ctx, idb, memberID, day.UTC().Truncate(24*time.Hour))
	var out []*Organisation
	// The kind is the answer's own (a second read of the organisations
	// inside the members' query cost PostgreSQL as long again to plan
	// under row-level security, on every page that widens its scope).
	err := idb.NewSelect().Model(&out).Where("kind = ?", KindNetwork).
		Where("id IN (?)", idb.NewSelect().Model((*NetworkMember)(nil)).Column("org_id").
			Where("member_org_id = ?", a[0]).
			Where("joined_on <= ?", a[1]).
			WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
				return q.Where("left_on IS NULL").WhereOr("left_on > ?", a[1])
			})).
		OrderExpr("name").Scan(ctx)
	return out, err
}

// NetworkPeers answers, for each of nets, its member municipalities on day
// other than self, in name order, and every one of them by id.
func NetworkPeers(ctx context.Context, idb bun.IDB, nets []int64, self int64, day time.Time) (map[int64][]int64, map[int64]*Organisation, error) {
	members, byID := map[int64][]int64{}, map[int64]*Organisation{}
	for _, n := range nets {
		ms, err := FindNetworkMemberOrgs(ctx, idb, n, day)
		if err != nil {
			return nil, nil, err
		}
		for _, m := range ms {
			if m.ID != self {
				members[n] = append(members[n], m.ID)
				byID[m.ID] = m
			}
		}
	}
	return members, byID, nil
}
