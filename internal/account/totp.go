package account

import (
	"bytes"
	"context"
	"encoding/base64"
	"image/png"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/ratelimit"
)

// TOTPSetup is what a user needs to add Samvirke to an authenticator app.
type TOTPSetup struct {
	Secret string // base32, to type in by hand
	URL    string // otpauth:// URL
	QRPNG  string // data: URL of the QR code
}

// BeginTOTP answers how to enrol a second factor: the secret waiting for
// confirmation if there is one (so a mistyped code or a reload does not
// invalidate the QR code already scanned), otherwise a new one, kept
// sealed and not yet required.
func (s *Service) BeginTOTP(ctx context.Context, u *User) (*TOTPSetup, error) {
	if u.TOTPSecret != "" && u.TOTPEnabledAt == nil {
		secret, err := s.Sealer.Open(u.TOTPSecret)
		if err == nil {
			key, err := otp.NewKeyFromURL(totpURL(u.Email, secret))
			if err != nil {
				return nil, err
			}
			return setupOf(key)
		}
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "Samvirke", AccountName: u.Email, SecretSize: 20})
	if err != nil {
		return nil, err
	}
	err = db.Run(ctx, s.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		_, err := idb.NewUpdate().Model((*User)(nil)).Set("totp_secret = ?", s.Sealer.Seal(key.Secret())).
			Where("id = ? AND totp_enabled_at IS NULL", u.ID).Exec(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return setupOf(key)
}

func totpURL(email, secret string) string {
	v := url.Values{}
	v.Set("secret", secret)
	v.Set("issuer", "Samvirke")
	v.Set("algorithm", "SHA1")
	v.Set("digits", "6")
	v.Set("period", "30")
	return "otpauth://totp/" + url.PathEscape("Samvirke:"+email) + "?" + v.Encode()
}

func setupOf(key *otp.Key) (*TOTPSetup, error) {
	img, err := key.Image(240, 240)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return &TOTPSetup{Secret: key.Secret(), URL: key.URL(),
		QRPNG: "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())}, nil
}

// ConfirmTOTP turns the second factor on once the user proves their app
// produces valid codes and, with their password, that they are who the
// session says: a session left open on a shared computer must not be
// enough to tie the account to someone else's phone.
func (s *Service) ConfirmTOTP(ctx context.Context, userID int64, code, password string) error {
	if err := s.reauthenticate(ctx, userID, password, false); err != nil {
		return err
	}
	return db.RunTx(ctx, s.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		u, err := FindUserByID(ctx, tx, userID)
		if err != nil {
			return err
		}
		if u.TOTPSecret == "" || u.TOTPEnabledAt != nil {
			return app.Errorf(app.EConflict, "account.error.totp_state")
		}
		if err := s.checkCode(ctx, tx, u, code); err != nil {
			return err
		}
		now := s.Clock.Now()
		if _, err := tx.NewUpdate().Model(u).Set("totp_enabled_at = ?", now).Where("id = ?", u.ID).Exec(ctx); err != nil {
			return err
		}
		if err := s.notifyChange(ctx, tx, u, nil, ChangeSecondFactorOn); err != nil {
			return err
		}
		return auditUser(ctx, tx, u, audit.SecondFactorOn, s.Clock.Now())
	})
}

// DisableTOTP turns the second factor off (not allowed where an
// organisation of the user requires it). proof is a current code of the
// authenticator app or the user's password.
func (s *Service) DisableTOTP(ctx context.Context, userID int64, proof string) error {
	code := strings.ReplaceAll(strings.TrimSpace(proof), " ", "")
	byCode := isTOTPCode(code)
	if !byCode {
		if err := s.reauthenticate(ctx, userID, proof, true); err != nil {
			return err
		}
	} else if err := s.Limits.Take(ctx, reauthLimit, strconv.FormatInt(userID, 10)); err != nil {
		return err
	}
	return db.RunTx(ctx, s.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		u, err := FindUserByID(ctx, tx, userID)
		if err != nil {
			return err
		}
		if u.TOTPEnabledAt == nil {
			return app.Errorf(app.EConflict, "account.error.totp_state")
		}
		if req, err := RequiresSecondFactor(ctx, tx, userID); err != nil {
			return err
		} else if req {
			return app.Errorf(app.EConflict, "account.error.totp_required")
		}
		if byCode {
			if err := s.checkCode(ctx, tx, u, code); err != nil {
				return app.Errorf(app.EInvalid, "account.error.proof").WithField("proof")
			}
		}
		if _, err := tx.NewUpdate().Model(u).Set("totp_secret = ''").Set("totp_enabled_at = NULL").Where("id = ?", u.ID).Exec(ctx); err != nil {
			return err
		}
		if err := s.notifyChange(ctx, tx, u, nil, ChangeSecondFactorOff); err != nil {
			return err
		}
		return auditUser(ctx, tx, u, audit.SecondFactorOff, s.Clock.Now())
	})
}

// isTOTPCode reports whether proof has the shape of an authenticator code
// (six digits; passwords are at least MinPasswordLen long).
func isTOTPCode(proof string) bool {
	if len(proof) != 6 {
		return false
	}
	for _, r := range proof {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// reauthLimit bounds the password or code checks of account changes per
// user, so they cannot be used to guess either.
var reauthLimit = ratelimit.Limit{Name: "account.reauth", Max: 10, Window: 15 * time.Minute}

// reauthenticate checks the password of a signed-in user before a change
// to the account's security, outside any transaction, within reauthLimit.
// A wrong password is app.EInvalid on field (proof when asProof, else
// password).
func (s *Service) reauthenticate(ctx context.Context, userID int64, password string, asProof bool) error {
	field, key := "password", "account.error.password_wrong"
	if asProof {
		field, key = "proof", "account.error.proof"
	}
	if password == "" {
		return app.Errorf(app.EInvalid, "error.required").WithField(field)
	}
	if err := s.Limits.Take(ctx, reauthLimit, strconv.FormatInt(userID, 10)); err != nil {
		return err
	}
	var u *User
	err := db.Run(ctx, s.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var err error
		u, err = FindUserByID(ctx, idb, userID)
		return err
	})
	if err != nil {
		return err
	}
	if u.PasswordHash == "" {
		return app.Errorf(app.EInvalid, key).WithField(field)
	}
	if ok, err := s.Hasher.Check(ctx, u.PasswordHash, password); err != nil {
		return err
	} else if !ok {
		return app.Errorf(app.EInvalid, key).WithField(field)
	}
	return nil
}

// checkCode validates code against the user's secret, allowing one step of
// clock drift, and refuses a step already used.
func (s *Service) checkCode(ctx context.Context, tx bun.IDB, u *User, code string) error {
	bad := app.Errorf(app.EInvalid, "auth.error.totp").WithField("code")
	secret, err := s.Sealer.Open(u.TOTPSecret)
	if err != nil {
		return err
	}
	now := s.Clock.Now()
	for _, skew := range []int64{0, -1, 1} {
		step := now.Unix()/30 + skew
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*30, 0), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			return err
		}
		if want != code {
			continue
		}
		if step <= u.TOTPLastStep {
			return bad // replayed
		}
		_, err = tx.NewUpdate().Model(u).Set("totp_last_step = ?", step).Where("id = ?", u.ID).Exec(ctx)
		return err
	}
	return bad
}

// RequiresSecondFactor reports whether any organisation of the user
// requires a second factor.
func RequiresSecondFactor(ctx context.Context, idb bun.IDB, userID int64) (bool, error) {
	return idb.NewSelect().Table("organisations").
		Where("require_second_factor AND id IN (?)", idb.NewSelect().Table("memberships").Column("org_id").Where("user_id = ?", userID)).
		Exists(ctx)
}

// auditUser records action by u on u in the audit log of every
// organisation u belongs to.
func auditUser(ctx context.Context, tx bun.IDB, u *User, action string, now time.Time) error {
	ms, err := FindUserMemberships(ctx, tx, u.ID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := audit.RecordAs(ctx, tx, m.OrgID, u.ID, u.Email, action, u.Email, nil, now); err != nil {
			return err
		}
	}
	return nil
}
