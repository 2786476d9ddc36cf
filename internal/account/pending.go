package account

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/ratelimit"
)

// Limits of the second-factor step: a pending sign-in lives PendingTTL
// and accepts MaxCodeAttempts codes, after which the password must be
// entered again; MaxCodeFailuresPerUser wrong codes within Window block
// further codes for the user, whichever sign-in they come from.
const (
	PendingTTL             = 5 * time.Minute
	MaxCodeAttempts        = 5
	MaxCodeFailuresPerUser = 10
)

// Translation keys of the errors that end a pending sign-in: the browser
// goes back to the password.
const (
	KeyPendingExpired = "auth.error.second_factor_expired"
	KeyPendingRestart = "auth.error.second_factor_restart"
)

var secondFactorUser = ratelimit.Limit{Name: "second_factor.user", Max: MaxCodeFailuresPerUser, Window: Window}

// PendingSignIn is a sign-in whose password (or single sign-on) succeeded
// and that waits for the second factor. ID is the SHA-256 of the token in
// the browser's cookie; the token itself is never stored.
type PendingSignIn struct {
	bun.BaseModel `bun:"table:pending_signins"`

	ID     string `bun:",pk"`
	UserID int64  `bun:",notnull"`
	// RestrictOrgID, when set, is the only organisation the session will
	// open (single sign-on).
	RestrictOrgID *int64    `bun:"restrict_org_id"`
	Next          string    `bun:",notnull"`
	CreatedAt     time.Time `bun:",notnull"`
	ExpiresAt     time.Time `bun:",notnull"`
	Attempts      int       `bun:",notnull"`
}

// Restriction answers RestrictOrgID, 0 for none.
func (p *PendingSignIn) Restriction() int64 {
	if p.RestrictOrgID == nil {
		return 0
	}
	return *p.RestrictOrgID
}

// BeginSecondFactor records a sign-in of userID waiting for its second
// factor, limited to the organisation restrictTo (0: none) and going on
// to next, and answers the token for the browser.
func (s *Service) BeginSecondFactor(ctx context.Context, userID, restrictTo int64, next string) (string, error) {
	now := s.Clock.Now()
	token := NewToken()
	p := &PendingSignIn{ID: HashToken(token), UserID: userID, Next: next, CreatedAt: now, ExpiresAt: now.Add(PendingTTL)}
	if restrictTo != 0 {
		p.RestrictOrgID = &restrictTo
	}
	err := db.Run(ctx, s.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		_, err := idb.NewInsert().Model(p).Exec(ctx)
		return err
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// FindPendingSignIn answers the live pending sign-in of token, or
// app.EUnauthenticated (KeyPendingExpired) when there is none.
func (s *Service) FindPendingSignIn(ctx context.Context, token string) (*PendingSignIn, error) {
	p := new(PendingSignIn)
	err := db.Run(ctx, s.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Model(p).Where("id = ? AND expires_at > ? AND attempts < ?",
			HashToken(token), s.Clock.Now(), MaxCodeAttempts).Scan(ctx)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, app.Errorf(app.EUnauthenticated, KeyPendingExpired)
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// CompleteSecondFactor checks code for the pending sign-in of token and,
// when it is right, uses the pending sign-in up and answers it: a token
// opens at most one session. A wrong code answers app.EInvalid and is
// recorded in the audit log of the user's organisations with its number;
// the last allowed one ends the pending sign-in (app.EUnauthenticated,
// KeyPendingRestart). Too many wrong codes for the user answer
// app.ETooMany without checking. Attempts are claimed atomically, so
// clients sharing a token share its attempts.
func (s *Service) CompleteSecondFactor(ctx context.Context, token, code string) (*PendingSignIn, error) {
	p, err := s.FindPendingSignIn(ctx, token)
	if err != nil {
		return nil, err
	}
	// Counted before the check, so that simultaneous codes cannot all be
	// checked; given back unless the code turns out wrong, so that only
	// wrong codes count (a refused one included: it was not checked).
	user := strconv.FormatInt(p.UserID, 10)
	if err := s.Limits.Take(ctx, secondFactorUser, user); err != nil {
		if app.ErrorCode(err) == app.ETooMany {
			if gerr := s.Limits.Give(ctx, secondFactorUser, user); gerr != nil {
				return nil, gerr
			}
		}
		return nil, err
	}
	now := s.Clock.Now()
	var result error
	wrong := false
	err = db.RunTx(ctx, s.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		var attempts int
		err := tx.NewRaw("UPDATE pending_signins SET attempts = attempts + 1 WHERE id = ? AND expires_at > ? AND attempts < ? RETURNING attempts",
			p.ID, now, MaxCodeAttempts).Scan(ctx, &attempts)
		if errors.Is(err, sql.ErrNoRows) { // used or ended meanwhile
			result = app.Errorf(app.EUnauthenticated, KeyPendingExpired)
			return nil
		}
		if err != nil {
			return err
		}
		u, err := FindUserByID(ctx, tx, p.UserID)
		if err != nil {
			return err
		}
		if u.TOTPEnabledAt == nil {
			return app.Errorf(app.EConflict, "account.error.totp_state")
		}
		if result = s.checkCode(ctx, tx, u, code); result == nil {
			_, err := tx.NewDelete().Model(p).WherePK().Exec(ctx)
			return err
		}
		if app.ErrorCode(result) != app.EInvalid {
			return result
		}
		wrong = true
		if attempts >= MaxCodeAttempts {
			if _, err := tx.NewDelete().Model(p).WherePK().Exec(ctx); err != nil {
				return err
			}
			result = app.Errorf(app.EUnauthenticated, KeyPendingRestart)
		}
		return auditCodeFailure(ctx, tx, u, attempts, now)
	})
	if !wrong || err != nil { // a right code, none checked, or nothing kept
		if gerr := s.Limits.Give(ctx, secondFactorUser, user); gerr != nil && err == nil {
			err = gerr
		}
	}
	if err != nil {
		return nil, err
	}
	if result != nil {
		return nil, result
	}
	return p, nil
}

// auditCodeFailure records a wrong code in the audit log of every
// organisation of u, with the number of the attempt.
func auditCodeFailure(ctx context.Context, tx bun.IDB, u *User, attempt int, now time.Time) error {
	ms, err := FindUserMemberships(ctx, tx, u.ID)
	if err != nil {
		return err
	}
	detail := map[string]string{"attempt": strconv.Itoa(attempt) + "/" + strconv.Itoa(MaxCodeAttempts)}
	for _, m := range ms {
		if err := audit.RecordAs(ctx, tx, m.OrgID, u.ID, u.Email, audit.SecondFactorFailed, u.Email, detail, now); err != nil {
			return err
		}
	}
	return nil
}

// DeleteExpiredPendingSignIns removes pending sign-ins past their time and
// answers how many.
func DeleteExpiredPendingSignIns(ctx context.Context, idb bun.IDB, now time.Time) (int64, error) {
	res, err := idb.NewDelete().Model((*PendingSignIn)(nil)).Where("expires_at <= ?", now).Exec(ctx)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
