package account

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/mail"
	"github.com/samvirke/samvirke/internal/org"
)

// Changes to an account that its user is told about by e-mail, so that a
// change they did not make does not go unnoticed. (Samvirke has no way to
// change an account's e-mail address; a new one is a new account, by
// invitation.)
const (
	ChangePassword        = "password"
	ChangeSecondFactorOn  = "second_factor_on"
	ChangeSecondFactorOff = "second_factor_off"
	ChangeAPIToken        = "api_token"
)

// notifyChange writes to the outbox, within tx, an e-mail telling u what
// changed on their account (change, with args for its sentence), when, and
// what to do if it was not them; it is sent once tx commits. It is in u's
// own language, else that of the organisation: in, when the change was
// made in one organisation (its time zone too, and no other organisation
// of u is read: tx is then in that organisation's scope), or else u's
// first organisation (tx in the system scope).
func (s *Service) notifyChange(ctx context.Context, tx bun.IDB, u *User, in *org.Organisation, change string, args ...any) error {
	loc, tz := u.Locale, time.UTC
	if in == nil {
		ms, err := FindUserMemberships(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		if len(ms) > 0 {
			in = ms[0].Org
		}
	}
	if in != nil {
		if loc == "" {
			loc = in.Locale
		}
		if z, err := time.LoadLocation(in.TimeZone); err == nil {
			tz = z
		}
	}
	if !i18n.Supported(loc) {
		loc = i18n.Fallback
	}
	what := s.Text(loc, "mail.changed."+change, args...)
	return s.send(ctx, tx, "account.changed."+change, mail.Message{
		To:      []string{u.Email},
		Subject: s.Text(loc, "mail.changed.subject", "what", what),
		Text: s.Text(loc, "mail.changed.body", "what", what, "email", u.Email,
			"when", i18n.FormatDateTime(loc, s.Clock.Now(), tz)+" ("+tz.String()+")",
			"link", s.BaseURL+"/password/forgot"),
	})
}
