package account

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/mail"
	"github.com/samvirke/samvirke/internal/ratelimit"
)

// ResetTTL is how long a password reset link works.
const ResetTTL = time.Hour

type passwordReset struct {
	bun.BaseModel `bun:"table:password_resets"`

	TokenHash string `bun:",pk"`
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// Limits of password-reset requests: per address (known or not, so the
// limit says nothing about which addresses have accounts) and per client
// address.
var (
	ResetPerAddress = ratelimit.Limit{Name: "reset.address", Max: 3, Window: time.Hour}
	ResetPerClient  = ratelimit.Limit{Name: "reset.client", Max: 20, Window: time.Hour}
)

// RequestPasswordReset writes a reset link for email, when it belongs to
// an active user, to the outbox, which sends it after commit; nothing is
// sent while the request waits. It answers nil either way, after the same
// work: both limits are taken and the same transaction runs (it clears
// expired links and looks the address up; only then does a known address
// add its link and message), so neither the answer nor its time says
// which addresses have accounts. Over a limit it answers app.ETooMany
// (ratelimit.ErrorKey), for known and unknown addresses alike.
func (s *Service) RequestPasswordReset(ctx context.Context, email, locale, ip string) error {
	email = NormalizeEmail(email)
	if err := s.Limits.Take(ctx, ResetPerClient, ip); err != nil {
		return err
	}
	if err := s.Limits.Take(ctx, ResetPerAddress, email); err != nil {
		return err
	}
	now := s.Clock.Now()
	return db.RunTx(ctx, s.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewDelete().Model((*passwordReset)(nil)).Where("expires_at < ?", now.Add(-24*time.Hour)).Exec(ctx); err != nil {
			return err
		}
		u, err := FindUserByEmail(ctx, tx, email)
		if app.IsNotFound(err) || err == nil && u.DisabledAt != nil {
			return nil
		}
		if err != nil {
			return err
		}
		token := NewToken()
		r := &passwordReset{TokenHash: HashToken(token), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(ResetTTL)}
		if _, err := tx.NewInsert().Model(r).Exec(ctx); err != nil {
			return err
		}
		if u.Locale != "" {
			locale = u.Locale
		}
		return s.send(ctx, tx, "account.reset", mail.Message{
			To:      []string{u.Email},
			Subject: s.Text(locale, "mail.reset.subject"),
			Text:    s.Text(locale, "mail.reset.body", "link", s.BaseURL+"/password/reset/"+token, "minutes", int(ResetTTL.Minutes())),
		})
	})
}

// CheckResetToken reports app.ENotFound unless token is an unused,
// unexpired reset token.
func (s *Service) CheckResetToken(ctx context.Context, token string) error {
	return db.Run(ctx, s.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		r := new(passwordReset)
		err := idb.NewSelect().Model(r).Where("token_hash = ?", HashToken(token)).Scan(ctx)
		if err != nil || r.UsedAt != nil || !s.Clock.Now().Before(r.ExpiresAt) {
			return app.Errorf(app.ENotFound, "account.error.reset_invalid")
		}
		return nil
	})
}

// ResetPassword uses a reset token once to set a new password. Whoever
// knew the old password may have left a way back in, so it also ends
// every session of the user, revokes their API tokens in every
// organisation (audited there) and makes every other open reset link of
// theirs unusable. The password is hashed before, never inside, the
// transaction.
func (s *Service) ResetPassword(ctx context.Context, token, password string) (*User, error) {
	if err := ValidatePassword(password); err != nil {
		return nil, err
	}
	// A cheap look first, so that made-up tokens cost no hashing.
	if err := s.CheckResetToken(ctx, token); err != nil {
		return nil, err
	}
	hash, err := s.Hasher.Hash(ctx, password)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	var u *User
	err = db.RunTx(ctx, s.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*passwordReset)(nil)).Set("used_at = ?", now).
			Where("token_hash = ? AND used_at IS NULL AND expires_at > ?", HashToken(token), now).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return app.Errorf(app.ENotFound, "account.error.reset_invalid")
		}
		r := new(passwordReset)
		if err := tx.NewSelect().Model(r).Where("token_hash = ?", HashToken(token)).Scan(ctx); err != nil {
			return err
		}
		if u, err = FindUserByID(ctx, tx, r.UserID); err != nil {
			return err
		}
		if err := SetPassword(ctx, tx, u.ID, hash, now); err != nil {
			return err
		}
		if err := DeleteUserSessions(ctx, tx, u.ID); err != nil {
			return err
		}
		if _, err := tx.NewUpdate().Model((*passwordReset)(nil)).Set("used_at = ?", now).
			Where("user_id = ? AND used_at IS NULL", u.ID).Exec(ctx); err != nil {
			return err
		}
		if err := revokeUserTokens(ctx, tx, u, audit.PasswordReset, now); err != nil {
			return err
		}
		if err := s.notifyChange(ctx, tx, u, nil, ChangePassword); err != nil {
			return err
		}
		return auditUser(ctx, tx, u, audit.PasswordReset, now)
	})
	return u, err
}

// revokeUserTokens revokes every live API token of u in every
// organisation, and records each in that organisation's audit log with
// the reason.
func revokeUserTokens(ctx context.Context, tx bun.IDB, u *User, reason string, now time.Time) error {
	var live []*APIToken
	if err := tx.NewSelect().Model(&live).Where("user_id = ? AND revoked_at IS NULL", u.ID).Scan(ctx); err != nil {
		return err
	}
	for _, t := range live {
		if _, err := tx.NewUpdate().Model(t).Set("revoked_at = ?", now).
			Where("org_id = ? AND id = ?", t.OrgID, t.ID).Exec(ctx); err != nil {
			return err
		}
		if err := audit.RecordAs(ctx, tx, t.OrgID, u.ID, u.Email, audit.TokenRevoked, t.Name, map[string]string{"reason": reason}, now); err != nil {
			return err
		}
	}
	return nil
}
