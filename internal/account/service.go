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
	// Hasher hashes and checks every password, a bounded number at once.
	Hasher Hasher
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

// The sign-in limits count attempts whose password is being or was found
// wrong: an attempt is counted before its password is checked, and given
// back when it is right or was not checked at all.
var (
	signInAccount = ratelimit.Limit{Name: "signin.account", Max: MaxFailuresPerAccount, Window: Window}
	signInAddress = ratelimit.Limit{Name: "signin.address", Max: MaxFailuresPerIP, Window: Window}
)

// SignIn checks email and password from ip. Too many recent failures for
// the account or the address answer app.ETooMany without checking the
// password; a wrong password answers app.EUnauthenticated; a server busy
// checking other passwords answers app.ETooMany with key KeyBusy. Checked
// and blocked attempts are recorded, and in the audit log of the user's
// organisations.
//
// No transaction is open while the password is checked. Each attempt is
// counted against both limits before the check, in one atomic statement
// each, so however many arrive at once, no more than the limit's failures
// are ever checked.
func (s *Service) SignIn(ctx context.Context, email, password, ip string) (*User, error) {
	email = NormalizeEmail(email)
	// The account's limit first, then the address's.
	taken, err := s.Limits.TakeAll(ctx, ratelimit.Keyed{Limit: signInAccount, Key: email}, ratelimit.Keyed{Limit: signInAddress, Key: ip})
	if err != nil {
		if gerr := s.giveSignIn(ctx, taken); gerr != nil {
			return nil, gerr
		}
		if app.ErrorCode(err) != app.ETooMany {
			return nil, fmt.Errorf("account: sign in: %w", err)
		}
		u, lookupErr := s.findSignInUser(ctx, email)
		if rerr := s.recordSignIn(ctx, email, ip, u, lookupErr, "blocked", audit.SignInBlocked); rerr != nil {
			return nil, rerr
		}
		retry := app.AsError(err).Args["retry_after"]
		return nil, app.Errorf(app.ETooMany, "auth.error.too_many", "minutes", int(Window.Minutes()), "retry_after", retry)
	}
	u, lookupErr := s.findSignInUser(ctx, email)
	user, result := s.authenticate(ctx, u, lookupErr, password)
	if code := app.ErrorCode(result); code == app.ETooMany || code == app.EInternal {
		if err := s.giveSignIn(ctx, taken); err != nil { // not checked: not a failure
			return nil, err
		}
		return nil, result
	}
	kind, action := "ok", audit.SignIn
	if result != nil {
		kind, action = "failed", audit.SignInFailed
	}
	if err := s.recordSignIn(ctx, email, ip, u, lookupErr, kind, action); err != nil {
		return nil, err
	}
	if result == nil {
		if err := s.giveSignIn(ctx, taken); err != nil {
			return nil, err
		}
		if NeedsRehash(user.PasswordHash) {
			s.rehash(ctx, user, password)
		}
	}
	return user, result
}

// rehash replaces u's password hash, made otherwise than a new one would
// be, by a new hash of password, which has just checked against it. It
// takes a turn at the Hasher only if one is free now: in a burst of
// sign-ins the replacing waits for a quieter sign-in rather than taking
// turns from the others. A hash changed meanwhile (a reset, say) is not
// overwritten. A failure is logged, not answered: the sign-in stands.
func (s *Service) rehash(ctx context.Context, u *User, password string) {
	hash, ok, err := s.Hasher.HashIfFree(ctx, password)
	if !ok {
		if err != nil {
			s.Log.Warn("account: rehash", "user_id", u.ID, "err", err)
		}
		return
	}
	err = db.Run(ctx, s.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		_, err := idb.NewUpdate().Model((*User)(nil)).Set("password_hash = ?", hash).
			Where("id = ? AND password_hash = ?", u.ID, u.PasswordHash).Exec(ctx)
		return err
	})
	if err != nil {
		s.Log.Warn("account: rehash", "user_id", u.ID, "err", err)
	}
}

// giveSignIn gives back the counts of an attempt that did not fail.
func (s *Service) giveSignIn(ctx context.Context, taken []ratelimit.Keyed) error {
	if err := s.Limits.GiveAll(ctx, taken); err != nil {
		return fmt.Errorf("account: sign in: %w", err)
	}
	return nil
}

// findSignInUser looks the user up by address, in a unit of work of its
// own that ends before any password is checked.
func (s *Service) findSignInUser(ctx context.Context, email string) (*User, error) {
	var u *User
	var lookupErr error
	err := db.Run(ctx, s.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		u, lookupErr = FindUserByEmail(ctx, idb, email)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return u, lookupErr
}

// recordSignIn records an attempt, and in the audit log of the
// organisations of the user it names, if any.
func (s *Service) recordSignIn(ctx context.Context, email, ip string, u *User, lookupErr error, kind, action string) error {
	now := s.Clock.Now()
	err := db.RunTx(ctx, s.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		ev := &authEvent{At: now, Email: email, IP: ip, Kind: kind}
		if lookupErr == nil {
			ev.UserID = &u.ID
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
		return fmt.Errorf("account: sign in: %w", err)
	}
	return nil
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
