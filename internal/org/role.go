package org

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"github.com/samvirke/samvirke/internal/app"
)

// Kinds of role: a role one or a few people fill («Flyktningkoordinator»,
// «Rådmann») or a unit of the organisation («Voksenopplæringen»,
// «Näringslivsenheten»).
const (
	RoleKindRole = "role"
	RoleKindUnit = "unit"
)

// RoleKinds lists the kinds of role, in the order forms offer them.
var RoleKinds = []string{RoleKindRole, RoleKindUnit}

// MaxRoleNameLen bounds a role's name, in characters: long enough for
// «Adm. ledelse (rådmann, kommunalsjefer og seksjonsledere)».
const MaxRoleNameLen = 120

// Role is a role or unit of an organisation, as its plans name it, with
// the members who fill it. A measure whose responsible text has the
// role's Key reaches those members.
type Role struct {
	bun.BaseModel `bun:"table:org_roles,alias:r"`

	OrgID int64 `bun:",notnull" json:"-"`
	ID    int64 `bun:",pk,autoincrement" json:"id"`
	// Name is as written («Flyktningkoordinator»); Key is RoleKey(Name).
	Name      string       `bun:",notnull" json:"name"`
	Kind      string       `bun:",notnull" json:"kind"`
	Key       string       `bun:"lookup_key,notnull" json:"key"`
	CreatedAt time.Time    `bun:",notnull" json:"created_at"`
	Members   []RoleMember `bun:"-" json:"members"`
}

// RoleMember is a member of the organisation who fills a role.
type RoleMember struct {
	UserID int64  `bun:"user_id" json:"user_id"`
	Name   string `bun:"name" json:"name"`
	Email  string `bun:"email" json:"email"`
}

// Label is how the member is named on pages: the name, else the address.
func (m RoleMember) Label() string {
	if m.Name != "" {
		return m.Name
	}
	return m.Email
}

// HasMember reports whether user fills r.
func (r *Role) HasMember(userID int64) bool {
	for _, m := range r.Members {
		if m.UserID == userID {
			return true
		}
	}
	return false
}

// Validate checks r's name and kind, with errors on field "name" or
// "kind": required (error.required), at most MaxRoleNameLen characters
// (org.error.role_name_long), a known kind (org.error.role_kind).
func (r *Role) Validate() error {
	switch {
	case RoleKey(r.Name) == "":
		return app.Errorf(app.EInvalid, "error.required").WithField("name")
	case utf8.RuneCountInString(r.Name) > MaxRoleNameLen:
		return app.Errorf(app.EInvalid, "org.error.role_name_long", "max", MaxRoleNameLen).WithField("name")
	case r.Kind != RoleKindRole && r.Kind != RoleKindUnit:
		return app.Errorf(app.EInvalid, "org.error.role_kind").WithField("kind")
	}
	return nil
}

// RoleKey answers the key text is matched to a role by: Unicode-normalised
// (NFC), case-folded, its runs of white space (also non-breaking) made one
// space and trimmed. «Flyktningkoordinator », «FLYKTNINGKOORDINATOR» and
// «flyktningkoordinator» have one key; «Flyktningekoordinator» has another:
// spellings are not guessed. Empty or blank text has the key "".
func RoleKey(text string) string {
	return cases.Fold().String(norm.NFC.String(strings.Join(strings.Fields(text), " ")))
}

// cleanRoleName is a name as it is kept: trimmed, its white space runs
// made one space, its letters as written.
func cleanRoleName(name string) string {
	return norm.NFC.String(strings.Join(strings.Fields(name), " "))
}
