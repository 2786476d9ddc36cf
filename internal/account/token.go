package account

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// API token scopes: read allows GET; write allows everything the user's
// role allows.
const (
	ScopeRead  = "read"
	ScopeWrite = "write"
)

// TokenPrefix starts every API token, so a leaked one is recognisable.
const TokenPrefix = "svk_"

// APIToken lets an integration act as a user in one organisation. Only
// its hash is stored.
type APIToken struct {
	bun.BaseModel `bun:"table:api_tokens"`

	OrgID      int64      `bun:",notnull" json:"org_id"`
	ID         int64      `bun:",pk,autoincrement" json:"id"`
	UserID     int64      `bun:",notnull" json:"user_id"`
	Name       string     `bun:",notnull" json:"name"`
	Scope      string     `bun:",notnull" json:"scope"`
	TokenHash  string     `bun:",notnull" json:"-"`
	CreatedAt  time.Time  `bun:",notnull" json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`

	User *User `bun:"rel:belongs-to,join:user_id=id" json:"-"`
}

// FindAPITokens lists an organisation's tokens, newest first.
func FindAPITokens(ctx context.Context, idb bun.IDB, orgID int64) ([]*APIToken, error) {
	var out []*APIToken
	err := idb.NewSelect().Model(&out).Relation("User").Where("api_token.org_id = ?", orgID).
		OrderExpr("api_token.created_at DESC").Scan(ctx)
	return out, err
}

// CreateAPIToken makes a token for a member and answers it in clear, the
// only time it is ever seen. The member is told by e-mail, whoever made it.
func (s *Service) CreateAPIToken(ctx context.Context, o *org.Organisation, userID int64, name, scope string) (string, *APIToken, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", nil, app.Errorf(app.EInvalid, "error.required").WithField("name")
	}
	if err := ValidateName(name); err != nil {
		return "", nil, err
	}
	if scope != ScopeRead && scope != ScopeWrite {
		return "", nil, app.Errorf(app.EInvalid, "account.error.scope").WithField("scope")
	}
	token := TokenPrefix + NewToken()
	t := &APIToken{OrgID: o.ID, UserID: userID, Name: name, Scope: scope, TokenHash: HashToken(token), CreatedAt: s.Clock.Now()}
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		m, err := FindMembership(ctx, tx, o.ID, userID)
		if err != nil {
			return err
		}
		if m.Org.RequireSecondFactor {
			u, err := FindUserByID(ctx, tx, userID)
			if err != nil {
				return err
			}
			if u.TOTPEnabledAt == nil {
				return app.Errorf(app.EConflict, "account.error.token_needs_second_factor")
			}
		}
		if _, err := tx.NewInsert().Model(t).Exec(ctx); err != nil {
			return err
		}
		u, err := FindUserByID(ctx, tx, userID)
		if err != nil {
			return err
		}
		if err := s.notifyChange(ctx, tx, u, m.Org, ChangeAPIToken, "token", name, "org", o.Name); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, audit.TokenCreated, name, map[string]string{"scope": scope}, s.Clock.Now())
	})
	if err != nil {
		return "", nil, err
	}
	return token, t, nil
}

// RevokeAPIToken ends a token at once.
func (s *Service) RevokeAPIToken(ctx context.Context, o *org.Organisation, id int64) error {
	return db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		t := new(APIToken)
		if err := tx.NewSelect().Model(t).Where("org_id = ? AND id = ?", o.ID, id).Scan(ctx); err != nil {
			return db.Err(err, "account.error.token_not_found")
		}
		if _, err := tx.NewUpdate().Model(t).Set("revoked_at = ?", s.Clock.Now()).
			Where("org_id = ? AND id = ? AND revoked_at IS NULL", o.ID, id).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, audit.TokenRevoked, t.Name, nil, s.Clock.Now())
	})
}

// TokenActor is who an API token acts as, with the role the user holds in
// the token's organisation now.
type TokenActor struct {
	Token      *APIToken
	User       *User
	Membership *Membership
}

// AuthenticateAPIToken answers the token's actor, or app.EUnauthenticated
// for an unknown, revoked or expired token, a disabled user, a user no
// longer a member of the token's organisation, or a user without a second
// factor in an organisation that requires one (the token works again once
// the user has one).
func (s *Service) AuthenticateAPIToken(ctx context.Context, token string) (*TokenActor, error) {
	unauth := app.Errorf(app.EUnauthenticated, "auth.error.token")
	if !strings.HasPrefix(token, TokenPrefix) {
		return nil, unauth
	}
	now := s.Clock.Now()
	var ta TokenActor
	err := db.RunTx(ctx, s.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		t := new(APIToken)
		if err := tx.NewSelect().Model(t).Relation("User").Where("api_token.token_hash = ?", HashToken(token)).Scan(ctx); err != nil {
			return unauth
		}
		if t.RevokedAt != nil || t.ExpiresAt != nil && !now.Before(*t.ExpiresAt) {
			return unauth
		}
		u := t.User
		if u == nil || u.DisabledAt != nil {
			return unauth
		}
		m, err := FindMembership(ctx, tx, t.OrgID, t.UserID)
		if err != nil {
			return unauth
		}
		if m.Org.RequireSecondFactor && u.TOTPEnabledAt == nil {
			return app.Errorf(app.EUnauthenticated, "auth.error.token_needs_second_factor")
		}
		if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
			t.LastUsedAt = &now
			if _, err := tx.NewUpdate().Model(t).Column("last_used_at").Where("org_id = ? AND id = ?", t.OrgID, t.ID).Exec(ctx); err != nil {
				return err
			}
		}
		ta = TokenActor{Token: t, User: u, Membership: m}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ta, nil
}
