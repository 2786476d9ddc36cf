package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
)

// Session lifetimes: a session ends after IdleTimeout without a request, and
// at the latest AbsoluteTimeout after sign-in.
const (
	IdleTimeout     = 2 * time.Hour
	AbsoluteTimeout = 12 * time.Hour
)

// Session is a signed-in browser. ID is the SHA-256 of the token in the
// cookie; the token itself is never stored.
type Session struct {
	bun.BaseModel `bun:"table:sessions"`

	ID     string `bun:",pk"`
	UserID int64  `bun:",notnull"`
	OrgID  *int64 `bun:"current_org_id"` // the organisation the user last worked in
	// RestrictOrgID, when set, is the only organisation the session opens
	// (sessions made by an organisation's single sign-on).
	RestrictOrgID *int64    `bun:"restrict_org_id"`
	CreatedAt     time.Time `bun:",notnull"`
	LastSeenAt    time.Time `bun:",notnull"`
	ExpiresAt     time.Time `bun:",notnull"`
	IP            string    `bun:"ip,notnull"`
	UserAgent     string    `bun:",notnull"`

	User *User `bun:"rel:belongs-to,join:user_id=id" json:"-"` // loaded by FindSession only
}

// HashToken returns the stored form of a session, reset or API token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewToken returns 32 random bytes, URL-safe.
func NewToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// CreateSession starts a session for user and returns its token, which only
// the cookie holds.
func CreateSession(ctx context.Context, idb bun.IDB, userID int64, orgID *int64, ip, ua string, now time.Time) (string, *Session, error) {
	token := NewToken()
	s := &Session{
		ID: HashToken(token), UserID: userID, OrgID: orgID,
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(AbsoluteTimeout),
		IP: ip, UserAgent: truncate(ua, 300),
	}
	_, err := idb.NewInsert().Model(s).Exec(ctx)
	return token, s, err
}

// FindSession returns the live session for token with its User, in one
// query, or app.EUnauthenticated when it does not exist, has expired, has
// been idle too long, or its user is gone.
func FindSession(ctx context.Context, idb bun.IDB, token string, now time.Time) (*Session, error) {
	s := new(Session)
	err := idb.NewSelect().Model(s).Relation("User").Where("?TableAlias.id = ?", HashToken(token)).Scan(ctx)
	if err != nil {
		if app.IsNotFound(db.Err(err, "")) {
			return nil, app.Errorf(app.EUnauthenticated, "auth.error.session_expired")
		}
		return nil, err
	}
	if !now.Before(s.ExpiresAt) || now.Sub(s.LastSeenAt) >= IdleTimeout || s.User == nil || s.User.ID == 0 {
		return nil, app.Errorf(app.EUnauthenticated, "auth.error.session_expired")
	}
	return s, nil
}

// TouchSession records activity, at most once a minute to spare writes.
func TouchSession(ctx context.Context, idb bun.IDB, s *Session, now time.Time) error {
	if now.Sub(s.LastSeenAt) < time.Minute {
		return nil
	}
	s.LastSeenAt = now
	_, err := idb.NewUpdate().Model(s).Column("last_seen_at").WherePK().Exec(ctx)
	return err
}

// SetSessionOrg switches the organisation a session works in.
func SetSessionOrg(ctx context.Context, idb bun.IDB, s *Session, orgID int64) error {
	s.OrgID = &orgID
	_, err := idb.NewUpdate().Model(s).Column("current_org_id").WherePK().Exec(ctx)
	return err
}

// RestrictSession limits a session to one organisation.
func RestrictSession(ctx context.Context, idb bun.IDB, s *Session, orgID int64) error {
	s.RestrictOrgID = &orgID
	_, err := idb.NewUpdate().Model(s).Column("restrict_org_id").WherePK().Exec(ctx)
	return err
}

// DeleteSession ends one session.
func DeleteSession(ctx context.Context, idb bun.IDB, id string) error {
	_, err := idb.NewDelete().Model((*Session)(nil)).Where("id = ?", id).Exec(ctx)
	return err
}

// DeleteUserSessions ends every session of a user ("sign out everywhere").
func DeleteUserSessions(ctx context.Context, idb bun.IDB, userID int64) error {
	_, err := idb.NewDelete().Model((*Session)(nil)).Where("user_id = ?", userID).Exec(ctx)
	return err
}

// DeleteExpiredSessions removes sessions past their absolute or idle
// timeout and answers how many.
func DeleteExpiredSessions(ctx context.Context, idb bun.IDB, now time.Time) (int64, error) {
	res, err := idb.NewDelete().Model((*Session)(nil)).
		Where("expires_at <= ?", now).WhereOr("last_seen_at <= ?", now.Add(-IdleTimeout)).Exec(ctx)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
