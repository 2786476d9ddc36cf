package account

import (
	"context"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/org"
)

// SignedIn is a browser session's user with the memberships the session
// opens.
type SignedIn struct {
	User        *User
	Session     *Session
	Memberships []*Membership
}

// AuthenticateSession answers the user of a session token with the
// memberships the session opens (a single sign-on session opens its own
// organisation only), and records activity at most once a minute (see
// TouchSession), so most page views write nothing. Errors:
// app.EUnauthenticated for an unknown, expired or idle session or a
// disabled user.
func (s *Service) AuthenticateSession(ctx context.Context, token string) (*SignedIn, error) {
	now := s.Clock.Now()
	var out *SignedIn
	// One statement, no transaction (db.RunBare): it runs on every request.
	err := db.RunBare(ctx, s.DB, func(ctx context.Context, idb bun.IDB) error {
		var err error
		if out, err = FindSignedIn(ctx, idb, token, now); err != nil {
			return err
		}
		return TouchSession(ctx, idb, out.Session, now)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// StartSession ends the session oldToken names, if any (so a session id
// planted before sign-in is worth nothing after it), and starts a new one
// for userID. With restrictTo set the session opens only that
// organisation (single sign-on). When the user may open exactly one
// organisation, the session works in it and only is its membership.
func (s *Service) StartSession(ctx context.Context, oldToken string, userID, restrictTo int64, ip, userAgent string) (token string, only *Membership, err error) {
	err = db.RunTx(ctx, s.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		if oldToken != "" {
			if err := DeleteSession(ctx, tx, HashToken(oldToken)); err != nil {
				return err
			}
		}
		ms, err := FindUserMemberships(ctx, tx, userID)
		if err != nil {
			return err
		}
		if restrictTo != 0 {
			ms = slices.DeleteFunc(ms, func(m *Membership) bool { return m.OrgID != restrictTo })
		}
		var orgID *int64
		if len(ms) == 1 {
			only, orgID = ms[0], &ms[0].OrgID
		}
		var sess *Session
		token, sess, err = CreateSession(ctx, tx, userID, orgID, ip, userAgent, s.Clock.Now())
		if err == nil && restrictTo != 0 {
			err = RestrictSession(ctx, tx, sess, restrictTo)
		}
		return err
	})
	if err != nil {
		return "", nil, err
	}
	return token, only, nil
}

// SignOut ends one session, by its stored id.
func (s *Service) SignOut(ctx context.Context, sessionID string) error {
	return db.Run(ctx, s.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return DeleteSession(ctx, idb, sessionID)
	})
}

// SwitchSessionOrg records orgID as the organisation the session works in.
func (s *Service) SwitchSessionOrg(ctx context.Context, sessionID string, orgID int64) error {
	// One statement on a table without row-level security: no unit of work.
	return db.RunBare(ctx, s.DB, func(ctx context.Context, idb bun.IDB) error {
		return SetSessionOrg(ctx, idb, &Session{ID: sessionID}, orgID)
	})
}

// User answers the user with id, or app.ENotFound.
func (s *Service) User(ctx context.Context, id int64) (*User, error) {
	var u *User
	err := db.Run(ctx, s.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var err error
		u, err = FindUserByID(ctx, idb, id)
		return err
	})
	return u, err
}

// Sessions lists a user's own live sessions, newest first.
func (s *Service) Sessions(ctx context.Context, userID int64) ([]*Session, error) {
	var out []*Session
	err := db.Run(ctx, s.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var err error
		out, err = FindUserSessions(ctx, idb, userID, s.Clock.Now())
		return err
	})
	return out, err
}

// Profile is what users change about themselves.
type Profile struct {
	Name   string
	Locale string // "" for the organisation's language
}

// Validate checks that there is a name (blanks are no name) and that the
// language is one the product speaks (or empty).
func (p Profile) Validate() error {
	if p.Locale != "" && !i18n.Supported(p.Locale) {
		return app.Errorf(app.EInvalid, "org.error.locale").WithField("locale")
	}
	if strings.TrimSpace(p.Name) == "" {
		return app.Errorf(app.EInvalid, "error.required").WithField("name")
	}
	return ValidateName(p.Name)
}

// UpdateProfile validates and saves the user's name, without surrounding
// blanks, and language. Errors: app.EInvalid from Profile.Validate.
func (s *Service) UpdateProfile(ctx context.Context, userID int64, p Profile) error {
	p.Name = strings.TrimSpace(p.Name)
	if err := p.Validate(); err != nil {
		return err
	}
	return db.Run(ctx, s.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		_, err := idb.NewUpdate().Model((*User)(nil)).Set("name = ?", p.Name).Set("locale = ?", p.Locale).
			Set("updated_at = ?", s.Clock.Now()).Where("id = ?", userID).Exec(ctx)
		return err
	})
}

// SetLocale keeps the language the user chose. Errors: app.EInvalid for a
// language the product does not speak.
func (s *Service) SetLocale(ctx context.Context, userID int64, locale string) error {
	if !i18n.Supported(locale) {
		return app.Errorf(app.EInvalid, "org.error.locale").WithField("locale")
	}
	return db.Run(ctx, s.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		_, err := idb.NewUpdate().Model((*User)(nil)).Set("locale = ?", locale).Where("id = ?", userID).Exec(ctx)
		return err
	})
}

// Members lists o's members by name and address.
func (s *Service) Members(ctx context.Context, o *org.Organisation) ([]*Member, error) {
	var out []*Member
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		out, err = FindMembers(ctx, idb, o.ID)
		return err
	})
	return out, err
}

// MembersAndInvitations lists o's members and its invitations in one read.
func (s *Service) MembersAndInvitations(ctx context.Context, o *org.Organisation) ([]*Member, []*Invitation, error) {
	var ms []*Member
	var invs []*Invitation
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		if ms, err = FindMembers(ctx, idb, o.ID); err != nil {
			return err
		}
		invs, err = FindInvitations(ctx, idb, o.ID)
		return err
	})
	return ms, invs, err
}

// APITokens lists o's API tokens.
func (s *Service) APITokens(ctx context.Context, o *org.Organisation) ([]*APIToken, error) {
	var out []*APIToken
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		out, err = FindAPITokens(ctx, idb, o.ID)
		return err
	})
	return out, err
}

// SSOConfig answers o's single sign-on configuration, or app.ENotFound
// when it has none.
func (s *Service) SSOConfig(ctx context.Context, o *org.Organisation) (*SSOConfig, error) {
	var cfg *SSOConfig
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		cfg, err = FindSSOConfig(ctx, idb, o.ID)
		return err
	})
	return cfg, err
}
