package org

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
)

// roleMember is a row of org_role_members.
type roleMember struct {
	bun.BaseModel `bun:"table:org_role_members,alias:rm"`

	OrgID  int64 `bun:",pk"`
	RoleID int64 `bun:",pk"`
	UserID int64 `bun:",pk"`
}

// roleNotFound is the translation key of a role that does not exist in
// the organisation asked about (also one of another organisation).
const roleNotFound = "org.error.role_not_found"

// FindRoles lists orgID's roles and units by name, each with its
// members by name.
func FindRoles(ctx context.Context, idb bun.IDB, orgID int64) ([]*Role, error) {
	var out []*Role
	if err := idb.NewSelect().Model(&out).Where("r.org_id = ?", orgID).OrderExpr("r.lookup_key, r.id").Scan(ctx); err != nil {
		return nil, err
	}
	return out, fillRoleMembers(ctx, idb, orgID, out)
}

// FindRole answers role id of orgID with its members, or app.ENotFound,
// also when id is another organisation's role.
func FindRole(ctx context.Context, idb bun.IDB, orgID, id int64) (*Role, error) {
	r := new(Role)
	if err := idb.NewSelect().Model(r).Where("r.org_id = ? AND r.id = ?", orgID, id).Scan(ctx); err != nil {
		return nil, db.Err(err, roleNotFound)
	}
	return r, fillRoleMembers(ctx, idb, orgID, []*Role{r})
}

// FindRoleByKey answers orgID's role whose key is key (see RoleKey), with
// its members, or app.ENotFound.
func FindRoleByKey(ctx context.Context, idb bun.IDB, orgID int64, key string) (*Role, error) {
	r := new(Role)
	if err := idb.NewSelect().Model(r).Where("r.org_id = ? AND r.lookup_key = ?", orgID, key).Scan(ctx); err != nil {
		return nil, db.Err(err, roleNotFound)
	}
	return r, fillRoleMembers(ctx, idb, orgID, []*Role{r})
}

// RolesFilledBy answers the roles and units of orgID that userID fills,
// by name, without their members: what "My work" matches a measure's
// responsible text against (by Key).
func RolesFilledBy(ctx context.Context, idb bun.IDB, orgID, userID int64) ([]Role, error) {
	var out []Role
	err := idb.NewSelect().Model(&out).
		Where("r.org_id = ?", orgID).
		Where("r.id IN (?)", idb.NewSelect().Model((*roleMember)(nil)).Column("rm.role_id").
			Where("rm.org_id = ? AND rm.user_id = ?", orgID, userID)).
		OrderExpr("r.lookup_key, r.id").Scan(ctx)
	return out, err
}

// fillRoleMembers sets the members of roles, all of orgID.
func fillRoleMembers(ctx context.Context, idb bun.IDB, orgID int64, roles []*Role) error {
	if len(roles) == 0 {
		return nil
	}
	ids := make([]int64, len(roles))
	byID := make(map[int64]*Role, len(roles))
	for i, r := range roles {
		ids[i], byID[r.ID] = r.ID, r
	}
	var rows []struct {
		RoleID int64 `bun:"role_id"`
		RoleMember
	}
	err := idb.NewSelect().TableExpr("org_role_members AS rm").
		ColumnExpr("rm.role_id, rm.user_id, u.name, u.email").
		Join("JOIN users AS u ON u.id = rm.user_id").
		Where("rm.org_id = ? AND rm.role_id IN (?)", orgID, bun.In(ids)).
		OrderExpr("lower(u.name), lower(u.email)").Scan(ctx, &rows)
	if err != nil {
		return fmt.Errorf("org: role members: %w", err)
	}
	for _, row := range rows {
		r := byID[row.RoleID]
		r.Members = append(r.Members, row.RoleMember)
	}
	return nil
}

// FindOrgPeople lists orgID's members, by name, as they are chosen to
// fill a role.
func FindOrgPeople(ctx context.Context, idb bun.IDB, orgID int64) ([]RoleMember, error) {
	var out []RoleMember
	err := idb.NewSelect().TableExpr("memberships AS m").
		ColumnExpr("m.user_id, u.name, u.email").
		Join("JOIN users AS u ON u.id = m.user_id").
		Where("m.org_id = ?", orgID).
		OrderExpr("lower(u.name), lower(u.email)").Scan(ctx, &out)
	return out, err
}

// findOrgPerson answers member userID of orgID, or app.EInvalid
// (org.error.role_person, field user) for anyone who is not a member of
// orgID.
func findOrgPerson(ctx context.Context, idb bun.IDB, orgID, userID int64) (RoleMember, error) {
	var out RoleMember
	err := idb.NewSelect().TableExpr("memberships AS m").
		ColumnExpr("m.user_id, u.name, u.email").
		Join("JOIN users AS u ON u.id = m.user_id").
		Where("m.org_id = ? AND m.user_id = ?", orgID, userID).Scan(ctx, &out)
	if app.IsNotFound(db.Err(err, "")) {
		return out, app.Errorf(app.EInvalid, "org.error.role_person").WithField("user")
	}
	return out, err
}

// InsertRole stores r (validated, its name cleaned and its key set) as a
// new role of r.OrgID; a role with the same key there is app.EConflict
// (org.error.role_exists, field name).
func InsertRole(ctx context.Context, idb bun.IDB, r *Role, now time.Time) error {
	r.Name = cleanRoleName(r.Name)
	if err := r.Validate(); err != nil {
		return err
	}
	r.Key, r.CreatedAt = RoleKey(r.Name), now
	_, err := idb.NewInsert().Model(r).Exec(ctx)
	return roleErr(err, r.Name)
}

// updateRole saves r's name, kind and key.
func updateRole(ctx context.Context, idb bun.IDB, r *Role) error {
	_, err := idb.NewUpdate().Model(r).Column("name", "kind", "lookup_key").
		Where("r.org_id = ? AND r.id = ?", r.OrgID, r.ID).Exec(ctx)
	return roleErr(err, r.Name)
}

// roleErr names the conflict of a role name taken.
func roleErr(err error, name string) error {
	err = db.Err(err, roleNotFound)
	if app.ErrorCode(err) == app.EConflict {
		return app.Errorf(app.EConflict, "org.error.role_exists", "name", name).WithField("name").Wrap(err)
	}
	return err
}

// deleteRole deletes role id of orgID and who fills it.
func deleteRole(ctx context.Context, idb bun.IDB, orgID, id int64) error {
	if _, err := idb.NewDelete().Model((*roleMember)(nil)).Where("rm.org_id = ? AND rm.role_id = ?", orgID, id).Exec(ctx); err != nil {
		return err
	}
	_, err := idb.NewDelete().Model((*Role)(nil)).Where("r.org_id = ? AND r.id = ?", orgID, id).Exec(ctx)
	return err
}

// AddRoleMember makes userID fill role roleID of orgID; filling it
// already is no error. Both must be of orgID (the database refuses
// otherwise).
func AddRoleMember(ctx context.Context, idb bun.IDB, orgID, roleID, userID int64) error {
	_, err := idb.NewInsert().Model(&roleMember{OrgID: orgID, RoleID: roleID, UserID: userID}).
		On("CONFLICT DO NOTHING").Exec(ctx)
	return db.Err(err, roleNotFound)
}

// removeRoleMember ends userID's filling role roleID of orgID, and
// reports whether they did.
func removeRoleMember(ctx context.Context, idb bun.IDB, orgID, roleID, userID int64) (bool, error) {
	res, err := idb.NewDelete().Model((*roleMember)(nil)).
		Where("rm.org_id = ? AND rm.role_id = ? AND rm.user_id = ?", orgID, roleID, userID).Exec(ctx)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}
