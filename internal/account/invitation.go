package account

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/mail"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/ratelimit"
)

// InvitationTTL is how long an invitation can be accepted.
const InvitationTTL = 7 * 24 * time.Hour

// Invitation asks someone to join an organisation with a role. Only the
// hash of its token is stored; the token travels in the e-mail alone.
type Invitation struct {
	bun.BaseModel `bun:"table:invitations"`

	OrgID      int64      `bun:",notnull" json:"org_id"`
	ID         int64      `bun:",pk,autoincrement" json:"id"`
	Email      string     `bun:",notnull" json:"email"`
	Role       string     `bun:",notnull" json:"role"`
	TokenHash  string     `bun:",notnull" json:"-"`
	InvitedBy  *int64     `json:"invited_by,omitempty"`
	CreatedAt  time.Time  `bun:",notnull" json:"created_at"`
	ExpiresAt  time.Time  `bun:",notnull" json:"expires_at"`
	AcceptedAt *time.Time `json:"accepted_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`

	Org *org.Organisation `bun:"rel:belongs-to,join:org_id=id" json:"-"`
}

// Open reports whether the invitation can still be accepted at now.
func (i *Invitation) Open(now time.Time) bool {
	return i.AcceptedAt == nil && i.RevokedAt == nil && now.Before(i.ExpiresAt)
}

// FindInvitations lists an organisation's invitations, newest first.
func FindInvitations(ctx context.Context, idb bun.IDB, orgID int64) ([]*Invitation, error) {
	var out []*Invitation
	err := idb.NewSelect().Model(&out).Where("org_id = ?", orgID).OrderExpr("created_at DESC").Limit(200).Scan(ctx)
	return out, err
}

// Limits of invitations: per organisation, per inviting user and per
// invited address (across organisations, so that no address is flooded).
var (
	InvitePerOrg     = ratelimit.Limit{Name: "invite.org", Max: 50, Window: 24 * time.Hour}
	InvitePerUser    = ratelimit.Limit{Name: "invite.user", Max: 20, Window: time.Hour}
	InvitePerAddress = ratelimit.Limit{Name: "invite.address", Max: 5, Window: 24 * time.Hour}
)

// Invite creates an invitation and writes its e-mail, in the organisation's
// language, to the outbox, which sends it once the invitation is committed.
// Only an owner may invite an owner (app.EForbidden on field role). An
// address that is already a member, or has an open invitation here, is
// refused (app.EConflict on field email): a second link to the same open
// invitation would only be another mail, so to send a new one the old one
// is revoked first, and revoking and inviting again is bounded by the
// limits above (app.ETooMany), which count only invitations that are made.
func (s *Service) Invite(ctx context.Context, o *org.Organisation, email, role string) (*Invitation, error) {
	email = NormalizeEmail(email)
	if err := (&User{Email: email}).Validate(); err != nil {
		return nil, err
	}
	if !slices.Contains(RolesFor(o.Kind), role) {
		return nil, app.Errorf(app.EInvalid, "account.error.role").WithField("role")
	}
	now := s.Clock.Now()
	token := NewToken()
	inv := &Invitation{OrgID: o.ID, Email: email, Role: role, TokenHash: HashToken(token), CreatedAt: now, ExpiresAt: now.Add(InvitationTTL)}
	limits := []ratelimit.Keyed{{Limit: InvitePerOrg, Key: strconv.FormatInt(o.ID, 10)}, {Limit: InvitePerAddress, Key: email}}
	if a := app.ActorFrom(ctx); a != nil {
		inv.InvitedBy = &a.UserID
		limits = append(limits, ratelimit.Keyed{Limit: InvitePerUser, Key: strconv.FormatInt(a.UserID, 10)})
	}
	if taken, err := s.Limits.TakeAll(ctx, limits...); err != nil {
		s.giveBack(ctx, taken) // a refused invitation does not count
		return nil, err
	}
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		if role == RoleOwner {
			if err := requireOwner(ctx, tx, o.ID); err != nil {
				return err
			}
		}
		if u, err := FindUserByEmail(ctx, tx, email); err == nil {
			if _, err := FindMembership(ctx, tx, o.ID, u.ID); err == nil {
				return app.Errorf(app.EConflict, "account.error.already_member").WithField("email")
			}
		}
		open, err := tx.NewSelect().Model((*Invitation)(nil)).
			Where("org_id = ? AND email = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?", o.ID, email, now).Exists(ctx)
		if err != nil {
			return err
		}
		if open {
			return app.Errorf(app.EConflict, "account.error.invitation_open", "email", email).WithField("email")
		}
		if _, err := tx.NewInsert().Model(inv).Exec(ctx); err != nil {
			return err
		}
		loc, name := o.Locale, clip(o.Name, org.MaxNameLen) // names from before the bound
		link := s.BaseURL + "/invitations/" + token
		err = s.send(ctx, tx, "account.invitation", mail.Message{
			To:      []string{email},
			Subject: s.Text(loc, "mail.invitation.subject", "org", name),
			Text: s.Text(loc, "mail.invitation.body", "org", name, "role", s.Text(loc, "role."+role),
				"link", link, "days", int(InvitationTTL.Hours()/24)),
		})
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, audit.InvitationCreated, email, map[string]string{"role": role}, now)
	})
	if err != nil {
		s.giveBack(ctx, limits) // nothing was sent
		return nil, err
	}
	return inv, nil
}

// giveBack returns the events counted for an attempt that sent nothing.
func (s *Service) giveBack(ctx context.Context, limits []ratelimit.Keyed) {
	if err := s.Limits.GiveAll(ctx, limits); err != nil {
		s.Log.Warn("account: give back rate-limit events", "err", err)
	}
}

// FindInvitationByToken answers the open invitation for token, or
// app.ENotFound for an unknown, used, revoked or expired one.
func (s *Service) FindInvitationByToken(ctx context.Context, token string) (*Invitation, error) {
	inv := new(Invitation)
	err := db.Run(ctx, s.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Model(inv).Relation("Org").Where("token_hash = ?", HashToken(token)).Scan(ctx)
	})
	if err != nil {
		return nil, db.Err(err, "account.error.invitation_invalid")
	}
	if !inv.Open(s.Clock.Now()) {
		return nil, app.Errorf(app.ENotFound, "account.error.invitation_invalid")
	}
	return inv, nil
}

// AcceptInvitation uses the invitation once: an existing account (userID
// not 0, signed in with the invited address) joins; otherwise a new
// account is made with name (required, without surrounding blanks) and
// password. It answers the user.
func (s *Service) AcceptInvitation(ctx context.Context, token string, userID int64, name, password string) (*User, error) {
	var hash string
	name = strings.TrimSpace(name)
	if userID == 0 {
		// Hashed before, never inside, the transaction; a cheap look
		// first, so that made-up tokens cost no hashing.
		if _, err := s.FindInvitationByToken(ctx, token); err != nil {
			return nil, err
		}
		if name == "" {
			return nil, app.Errorf(app.EInvalid, "error.required").WithField("name")
		}
		if err := ValidatePassword(password); err != nil {
			return nil, err
		}
		var err error
		if hash, err = s.Hasher.Hash(ctx, password); err != nil {
			return nil, err
		}
	}
	now := s.Clock.Now()
	var user *User
	err := db.RunTx(ctx, s.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		inv := new(Invitation)
		if err := db.ForUpdate(tx.NewSelect().Model(inv).Where("token_hash = ?", HashToken(token))).Scan(ctx); err != nil {
			return db.Err(err, "account.error.invitation_invalid")
		}
		if !inv.Open(now) {
			return app.Errorf(app.ENotFound, "account.error.invitation_invalid")
		}
		res, err := tx.NewUpdate().Model(inv).Set("accepted_at = ?", now).
			Where("org_id = ? AND id = ? AND accepted_at IS NULL", inv.OrgID, inv.ID).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return app.Errorf(app.ENotFound, "account.error.invitation_invalid")
		}
		if userID != 0 {
			if user, err = FindUserByID(ctx, tx, userID); err != nil {
				return err
			}
			if user.Email != inv.Email {
				return app.Errorf(app.EForbidden, "account.error.invitation_other_email", "email", inv.Email)
			}
		} else {
			user = &User{Email: inv.Email, Name: name, PasswordHash: hash}
			if err := CreateUser(ctx, tx, user, now); err != nil {
				if app.ErrorCode(err) == app.EConflict {
					return app.Errorf(app.EConflict, "account.error.invitation_sign_in_first")
				}
				return err
			}
		}
		if err := SetMembership(ctx, tx, inv.OrgID, user.ID, inv.Role, now); err != nil {
			return err
		}
		return audit.RecordAs(ctx, tx, inv.OrgID, user.ID, user.Email, audit.InvitationAccepted, user.Email, map[string]string{"role": inv.Role}, now)
	})
	if err != nil {
		return nil, err
	}
	s.membershipsChanged()
	return user, nil
}

// RevokeInvitation withdraws an open invitation.
func (s *Service) RevokeInvitation(ctx context.Context, o *org.Organisation, id int64) error {
	return db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		inv := new(Invitation)
		if err := tx.NewSelect().Model(inv).Where("org_id = ? AND id = ?", o.ID, id).Scan(ctx); err != nil {
			return db.Err(err, "account.error.invitation_invalid")
		}
		if !inv.Open(s.Clock.Now()) {
			return app.Errorf(app.EConflict, "account.error.invitation_closed")
		}
		if _, err := tx.NewUpdate().Model(inv).Set("revoked_at = ?", s.Clock.Now()).Where("org_id = ? AND id = ?", o.ID, id).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, audit.InvitationRevoked, inv.Email, nil, s.Clock.Now())
	})
}
