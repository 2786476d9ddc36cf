// Package account holds people and their access: users, their membership
// and role in each organisation, passwords and server-side sessions.
package account

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/org"
)

// Roles (see the role table in the README). A user holds one role per
// organisation.
const (
	RoleOwner       = "owner"
	RoleAdmin       = "admin"
	RoleEditor      = "editor"
	RoleContributor = "contributor"
	RoleSecretary   = "secretary"
	RoleMember      = "member"
	RoleViewer      = "viewer"
	RoleCoordinator = "coordinator"
)

// RolesFor lists the roles that exist in an organisation of kind, from most
// to least powerful.
func RolesFor(kind string) []string {
	if kind == org.KindMunicipality {
		return []string{RoleOwner, RoleAdmin, RoleEditor, RoleContributor, RoleSecretary, RoleMember, RoleViewer}
	}
	return []string{RoleOwner, RoleAdmin, RoleCoordinator}
}

// User is a person who can sign in.
type User struct {
	bun.BaseModel `bun:"table:users"`

	ID           int64      `bun:",pk,autoincrement" json:"id"`
	Email        string     `bun:",notnull" json:"email"`
	Name         string     `bun:",notnull" json:"name"`
	PasswordHash string     `bun:",notnull" json:"-"`
	Locale       string     `bun:",notnull" json:"locale,omitempty"` // "" = organisation default
	Demo         bool       `bun:",notnull" json:"-"`
	DisabledAt   *time.Time `json:"-"`
	// Second factor: the sealed TOTP secret, when it was turned on, and
	// the last time step used (a code works once).
	TOTPSecret    string     `bun:"totp_secret,notnull" json:"-"`
	TOTPEnabledAt *time.Time `bun:"totp_enabled_at" json:"second_factor_since,omitempty"`
	TOTPLastStep  int64      `bun:"totp_last_step,notnull" json:"-"`
	CreatedAt     time.Time  `bun:",notnull" json:"created_at"`
	UpdatedAt     time.Time  `bun:",notnull" json:"updated_at"`
}

// NormalizeEmail trims and lower-cases an address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// MaxNameLen bounds a person's name (and an API token's), in characters:
// names appear on pages and in e-mail.
const MaxNameLen = 100

// Validate checks u's fields: a valid address and a name of at most
// MaxNameLen characters.
func (u *User) Validate() error {
	if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email {
		return app.Errorf(app.EInvalid, "account.error.email").WithField("email")
	}
	return ValidateName(u.Name)
}

// ValidateName answers app.EInvalid (account.error.name_long, field name)
// for a name longer than MaxNameLen characters.
func ValidateName(name string) error {
	if utf8.RuneCountInString(name) > MaxNameLen {
		return app.Errorf(app.EInvalid, "account.error.name_long", "max", MaxNameLen).WithField("name")
	}
	return nil
}

// clip shortens s to at most n characters.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// Membership is a user's role in one organisation.
type Membership struct {
	bun.BaseModel `bun:"table:memberships"`

	OrgID     int64     `bun:",pk" json:"org_id"`
	UserID    int64     `bun:",pk" json:"user_id"`
	Role      string    `bun:",notnull" json:"role"`
	CreatedAt time.Time `bun:",notnull" json:"created_at"`

	Org *org.Organisation `bun:"rel:belongs-to,join:org_id=id" json:"organisation,omitempty"`

	// Unread is the user's unread notifications in the organisation, as
	// the session read counts them for the header's bell (FindSignedIn);
	// nil when the membership was read otherwise.
	Unread *int `bun:"unread,scanonly" json:"-"`
}
