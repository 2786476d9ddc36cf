package org

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/uptrace/bun"
	"go.yaml.in/yaml/v3"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
)

// RoleDefinition is one role of a demo organisation: its name and kind,
// and the demo users who fill it, by their role in the organisation.
type RoleDefinition struct {
	Name    string   `yaml:"name"`
	Kind    string   `yaml:"kind"`
	Members []string `yaml:"members"` // "contributor" is contributor@<slug>.example
}

// DemoRoles loads the demo organisations' roles and units from
// roles/<slug>.yaml of Definitions, with the demo users who fill them: it
// runs after the demo users exist. A role the organisation has already
// (by key) is left as it is, so loading twice adds nothing.
type DemoRoles struct{ Definitions fs.FS }

// LoadDemo loads the roles.
func (d DemoRoles) LoadDemo(ctx context.Context, bdb *bun.DB, clock app.Clock) error {
	files, err := fs.Glob(d.Definitions, "roles/*.yaml")
	if err != nil {
		return fmt.Errorf("demo roles: %w", err)
	}
	for _, f := range files {
		if err := d.loadFile(ctx, bdb, clock, f); err != nil {
			return fmt.Errorf("demo roles: %s: %w", f, err)
		}
	}
	return nil
}

func (d DemoRoles) loadFile(ctx context.Context, bdb *bun.DB, clock app.Clock, file string) error {
	b, err := fs.ReadFile(d.Definitions, file)
	if err != nil {
		return err
	}
	var defs []RoleDefinition
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&defs); err != nil {
		return err
	}
	slug := strings.TrimSuffix(path.Base(file), ".yaml")
	var o *Organisation
	err = db.Run(ctx, bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		o, err = FindOrganisationBySlug(ctx, idb, slug)
		return err
	})
	if err != nil {
		return err
	}
	if !o.Demo {
		return fmt.Errorf("%s is not a demo organisation", slug)
	}
	return db.RunTx(ctx, bdb, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		for _, def := range defs {
			r, err := FindRoleByKey(ctx, tx, o.ID, RoleKey(def.Name))
			if app.IsNotFound(err) {
				r = &Role{OrgID: o.ID, Name: def.Name, Kind: def.Kind}
				err = InsertRole(ctx, tx, r, clock.Now())
			}
			if err != nil {
				return fmt.Errorf("%s: %w", def.Name, err)
			}
			for _, role := range def.Members {
				email := role + "@" + slug + ".example" // account.DemoEmail
				var userID int64
				err := tx.NewSelect().TableExpr("memberships AS m").Column("m.user_id").
					Join("JOIN users AS u ON u.id = m.user_id").
					Where("m.org_id = ? AND u.email = ?", o.ID, email).Scan(ctx, &userID)
				if err != nil {
					return fmt.Errorf("%s: member %s: %w", def.Name, email, db.Err(err, "org.error.role_person"))
				}
				if err := AddRoleMember(ctx, tx, o.ID, r.ID, userID); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
