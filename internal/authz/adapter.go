package authz

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
)

// casbinRule is a policy row.
type casbinRule struct {
	bun.BaseModel `bun:"table:casbin_rule"`

	ID    int64 `bun:",pk,autoincrement"`
	Ptype string
	V0    string `bun:"v0"`
	V1    string `bun:"v1"`
	V2    string `bun:"v2"`
	V3    string `bun:"v3"`
	V4    string `bun:"v4"`
	V5    string `bun:"v5"`
}

// adapter loads the p rows (role templates) from casbin_rule. The role
// links, the memberships, are not rules of casbin's model: the enforcer
// reads them into its role manager itself (readMembers).
type adapter struct{ db *bun.DB }

var _ persist.Adapter = adapter{}

// Subject and domain names as casbin sees them.
func userSub(id int64) string { return "user:" + strconv.FormatInt(id, 10) }
func orgDom(id int64) string  { return "org:" + strconv.FormatInt(id, 10) }

func (a adapter) LoadPolicy(m model.Model) error {
	ctx := context.Background()
	return db.Run(ctx, a.db, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var rules []casbinRule
		if err := idb.NewSelect().Model(&rules).Where("ptype = 'p'").OrderExpr("id").Scan(ctx); err != nil {
			return fmt.Errorf("authz: load policy: %w", err)
		}
		for _, r := range rules {
			if err := persist.LoadPolicyArray([]string{"p", r.V0, r.V1, r.V2, r.V3}, m); err != nil {
				return err
			}
		}
		return nil
	})
}

// readMembers answers every membership's role by user and organisation,
// each role's name held once however many hold it; about as many as
// expect (the last load's), so that the map is not grown as it is read.
func readMembers(ctx context.Context, bdb *bun.DB, expect int) (map[member]string, error) {
	out := make(map[member]string, expect)
	err := db.Run(ctx, bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		rows, err := idb.QueryContext(ctx, "SELECT org_id, user_id, role FROM memberships")
		if err != nil {
			return err
		}
		defer rows.Close()
		names := map[string]string{}
		var m member
		var role []byte
		for rows.Next() {
			if err := rows.Scan(&m.org, &m.user, &role); err != nil {
				return err
			}
			name, ok := names[string(role)]
			if !ok {
				name = string(role)
				names[name] = name
			}
			out[m] = name
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("authz: load memberships: %w", err)
	}
	return out, nil
}

var errReadOnly = errors.New("authz: policy changes go through SyncPolicy and role changes through memberships")

func (adapter) SavePolicy(model.Model) error                              { return errReadOnly }
func (adapter) AddPolicy(string, string, []string) error                  { return errReadOnly }
func (adapter) RemovePolicy(string, string, []string) error               { return errReadOnly }
func (adapter) RemoveFilteredPolicy(string, string, int, ...string) error { return errReadOnly }

// SyncPolicy makes the policy rows in the database equal rules, in one
// transaction; running it again (or from several processes) changes
// nothing.
func SyncPolicy(ctx context.Context, bdb *bun.DB, rules []Rule) error {
	return db.RunTx(ctx, bdb, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		var existing []casbinRule
		if err := tx.NewSelect().Model(&existing).Where("ptype = 'p'").Scan(ctx); err != nil {
			return err
		}
		want := map[Rule]bool{}
		for _, r := range rules {
			want[r] = true
		}
		for _, e := range existing {
			r := Rule{e.V0, e.V1, e.V2, e.V3}
			if want[r] {
				delete(want, r)
				continue
			}
			if _, err := tx.NewDelete().Model(&e).WherePK().Exec(ctx); err != nil {
				return err
			}
		}
		for r := range want {
			row := &casbinRule{Ptype: "p", V0: r.Role, V1: r.Obj, V2: r.Act, V3: r.Reach}
			if _, err := tx.NewInsert().Model(row).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
				return err
			}
		}
		return nil
	})
}
