package account

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/mail"
	"github.com/samvirke/samvirke/internal/outbox"
	"github.com/samvirke/samvirke/internal/ratelimit"
)

// Reloader is told when memberships change; the authz enforcer is one.
type Reloader interface{ Reload() error }

// Service holds the identity rules: sign-in and its throttling,
// invitations, password resets, memberships, second factors and API
// tokens. Every change is audited in the organisations it concerns.
type Service struct {
	DB    *bun.DB
	Authz Reloader
	// Outbox sends e-mail after the transaction that wrote it commits.
	Outbox  *outbox.Outbox
	Sealer  *app.Sealer
	Clock   app.Clock
	Log     *slog.Logger
	BaseURL string
	Text    Texts
	// Limits bounds sign-in attempts, second-factor codes and e-mail.
	Limits *ratelimit.Limiter
	// SSOAllowNetworks are the internal address ranges an organisation's
	// sign-in service may use (SAMVIRKE_SSO_ALLOW_PRIVATE_NETWORKS).
	SSOAllowNetworks []netip.Prefix
}

// Texts translates e-mail text: locale, key, arguments.
type Texts func(locale, key string, args ...any) string

// Throttling of failed sign-ins, within Window: MaxFailuresPerAccount for
// one address (other accounts are unaffected) and MaxFailuresPerIP from
// one client address.
const (
	Window                = 15 * time.Minute
	MaxFailuresPerAccount = 10
	MaxFailuresPerIP      = 50
)

// Password rules: long rather than complicated (NIST SP 800-63B).
const (
	MinPasswordLen = 10
	MaxPasswordLen = 256
)

// ValidatePassword checks a new password.
func ValidatePassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLen:
		return app.Errorf(app.EInvalid, "account.error.password_short", "min", MinPasswordLen).WithField("password")
	case n > MaxPasswordLen:
		return app.Errorf(app.EInvalid, "account.error.password_long", "max", MaxPasswordLen).WithField("password")
	}
	return nil
}

// authEvent is one sign-in attempt.
type authEvent struct {
	bun.BaseModel `bun:"table:auth_events"`

	ID     int64 `bun:",pk,autoincrement"`
	At     time.Time
	Kind   string
	Email  string
	UserID *int64
	IP     string `bun:"ip"`
}

// SignIn checks email and password from ip. Too many recent failures for
// the account or the address answer app.ETooMany without checking the
// password; a wrong password answers app.EUnauthenticated. Both are
// recorded, and in the audit log of the user's organisations.
func (s *Service) SignIn(ctx context.Context, email, password, ip string) (*User, error) {
	email = NormalizeEmail(email)
	now := s.Clock.Now()
	var user *User
	var result error
	err := db.RunTx(ctx, s.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		since := now.Add(-Window)
		perAccount, err := tx.NewSelect().Model((*authEvent)(nil)).
			Where("email = ? AND kind = 'failed' AND at > ?", email, since).Count(ctx)
		if err != nil {
			return err
		}
		perIP, err := tx.NewSelect().Model((*authEvent)(nil)).
			Where("ip = ? AND kind = 'failed' AND at > ?", ip, since).Count(ctx)
		if err != nil {
			return err
		}
		ev := &authEvent{At: now, Email: email, IP: ip}
		u, lookupErr := FindUserByEmail(ctx, tx, email)
		if lookupErr == nil {
			ev.UserID = &u.ID
		}
		action := audit.SignIn
		switch {
		case perAccount >= MaxFailuresPerAccount || perIP >= MaxFailuresPerIP:
			ev.Kind, action = "blocked", audit.SignInBlocked
			result = app.Errorf(app.ETooMany, "auth.error.too_many", "minutes", int(Window.Minutes()))
		default:
			user, result = authenticate(u, lookupErr, password)
			ev.Kind = "ok"
			if result != nil {
				ev.Kind, action = "failed", audit.SignInFailed
			}
		}
		if result != nil && app.ErrorCode(result) == app.EInternal {
			return result
		}
		if _, err := tx.NewInsert().Model(ev).Exec(ctx); err != nil {
			return err
		}
		if lookupErr != nil {
			return nil // an unknown address has no organisation to tell
		}
		return auditUser(ctx, tx, u, action, now)
	})
	if err != nil {
		return nil, fmt.Errorf("account: sign in: %w", err)
	}
	return user, result
}

// SignOutEverywhere ends all of a user's sessions and audits it.
func (s *Service) SignOutEverywhere(ctx context.Context, userID int64) error {
	return db.RunTx(ctx, s.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		if err := DeleteUserSessions(ctx, tx, userID); err != nil {
			return err
		}
		ms, err := FindUserMemberships(ctx, tx, userID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if err := audit.Record(ctx, tx, m.OrgID, audit.SignOutEverywhere, "", nil, s.Clock.Now()); err != nil {
				return err
			}
		}
		return nil
	})
}

// membershipsChanged reloads the enforcer of this process; other
// processes follow the notification sent in the same transaction.
func (s *Service) membershipsChanged() {
	if s.Authz == nil {
		return
	}
	if err := s.Authz.Reload(); err != nil {
		s.Log.Error("authz reload after membership change", "err", err)
	}
}

// send writes m to the outbox within tx, to be sent once tx commits. kind
// names the message in logs ("account.invitation").
func (s *Service) send(ctx context.Context, tx bun.IDB, kind string, m mail.Message) error {
	if s.Outbox == nil {
		return fmt.Errorf("account: %s: no outbox to send e-mail through", kind)
	}
	return s.Outbox.Add(ctx, tx, kind, m)
}
