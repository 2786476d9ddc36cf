package org

import (
	"context"
	"strconv"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
)

// The role methods trust the route's permission: reading takes
// authz.MembersRead, every change authz.MembersManage (administrators and
// owners). Each runs in o's own scope, so another organisation's role or
// member is app.ENotFound (or, for a person, not a member: app.EInvalid)
// exactly like one that does not exist.

// Roles answers o's roles and units, by name, with their members.
func (s *Service) Roles(ctx context.Context, o *Organisation) ([]*Role, error) {
	var roles []*Role
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		roles, err = FindRoles(ctx, idb, o.ID)
		return err
	})
	return roles, err
}

// Role answers o's role id with its members and o's members, in one read;
// app.ENotFound (org.error.role_not_found) for a role that is not o's.
func (s *Service) Role(ctx context.Context, o *Organisation, id int64) (*Role, []RoleMember, error) {
	var r *Role
	var people []RoleMember
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		if r, err = FindRole(ctx, idb, o.ID, id); err != nil {
			return err
		}
		people, err = FindOrgPeople(ctx, idb, o.ID)
		return err
	})
	return r, people, err
}

// CreateRole adds a role or unit to o, audited. Errors: app.EInvalid from
// Role.Validate; app.EConflict (org.error.role_exists, field name) when o
// has a role with the same key (see RoleKey) already.
func (s *Service) CreateRole(ctx context.Context, o *Organisation, name, kind string) (*Role, error) {
	r := &Role{OrgID: o.ID, Name: name, Kind: kind}
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		if err := InsertRole(ctx, tx, r, s.now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, audit.RoleCreated, r.Name, map[string]string{"kind": r.Kind}, s.now())
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// UpdateRole renames o's role id and sets its kind, audited with the old
// name; nothing changes, and nothing is audited, when both stay as they
// are. Errors: app.ENotFound for a role that is not o's, and those of
// CreateRole.
func (s *Service) UpdateRole(ctx context.Context, o *Organisation, id int64, name, kind string) error {
	upd := &Role{OrgID: o.ID, ID: id, Name: cleanRoleName(name), Kind: kind}
	if err := upd.Validate(); err != nil {
		return err
	}
	upd.Key = RoleKey(upd.Name)
	return db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		old, err := FindRole(ctx, tx, o.ID, id)
		if err != nil {
			return err
		}
		if old.Name == upd.Name && old.Kind == upd.Kind {
			return nil
		}
		if err := updateRole(ctx, tx, upd); err != nil {
			return err
		}
		detail := map[string]string{"old_name": old.Name}
		if old.Kind != upd.Kind {
			detail["kind"] = upd.Kind
		}
		return audit.Record(ctx, tx, o.ID, audit.RoleRenamed, upd.Name, detail, s.now())
	})
}

// DeleteRole deletes o's role id; its members stay members of o and no
// longer fill it. Audited with its kind and how many filled it. Errors:
// app.ENotFound for a role that is not o's.
func (s *Service) DeleteRole(ctx context.Context, o *Organisation, id int64) error {
	return db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		r, err := FindRole(ctx, tx, o.ID, id)
		if err != nil {
			return err
		}
		if err := deleteRole(ctx, tx, o.ID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, audit.RoleDeleted, r.Name,
			map[string]string{"kind": r.Kind, "members": strconv.Itoa(len(r.Members))}, s.now())
	})
}

// AddRoleMember makes member userID of o fill o's role roleID, audited;
// one who fills it already is left as is. Errors: app.ENotFound for a
// role that is not o's; app.EInvalid (org.error.role_person, field user)
// for someone who is not a member of o.
func (s *Service) AddRoleMember(ctx context.Context, o *Organisation, roleID, userID int64) error {
	return db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		r, err := FindRole(ctx, tx, o.ID, roleID)
		if err != nil {
			return err
		}
		p, err := findOrgPerson(ctx, tx, o.ID, userID)
		if err != nil {
			return err
		}
		if r.HasMember(userID) {
			return nil
		}
		if err := AddRoleMember(ctx, tx, o.ID, roleID, userID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, audit.RoleMemberAdded, r.Name, map[string]string{"member": p.Email}, s.now())
	})
}

// RemoveRoleMember ends userID's filling o's role roleID, audited; one who
// does not fill it is no error and changes nothing. Errors: app.ENotFound
// for a role that is not o's.
func (s *Service) RemoveRoleMember(ctx context.Context, o *Organisation, roleID, userID int64) error {
	return db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		r, err := FindRole(ctx, tx, o.ID, roleID)
		if err != nil {
			return err
		}
		var email string
		for _, m := range r.Members {
			if m.UserID == userID {
				email = m.Email
			}
		}
		removed, err := removeRoleMember(ctx, tx, o.ID, roleID, userID)
		if err != nil || !removed {
			return err
		}
		return audit.Record(ctx, tx, o.ID, audit.RoleMemberRemoved, r.Name, map[string]string{"member": email}, s.now())
	})
}
