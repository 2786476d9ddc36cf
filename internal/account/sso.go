package account

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/sso"
)

// SSOCallbackPath is where every organisation's provider sends its users
// back; it is registered at the provider as BaseURL + SSOCallbackPath.
const SSOCallbackPath = "/sso/callback"

// KeyNotMember is the translation key of the error SSOSignIn returns for
// an identity that is not a member of the organisation.
const KeyNotMember = "sso.error.not_member"

// SSOConfig is an organisation's single sign-on through its own OpenID
// provider (table org_sso, one row per organisation).
type SSOConfig struct {
	bun.BaseModel `bun:"table:org_sso"`

	OrgID    int64  `bun:",pk"`
	Enabled  bool   `bun:",notnull"`
	Issuer   string `bun:",notnull"`
	ClientID string `bun:",notnull"`
	// ClientSecret is sealed with Service.Sealer; "" for a public client.
	// It never leaves the service in clear except for the provider.
	ClientSecret string `bun:",notnull"`
	EmailClaim   string `bun:",notnull"`
}

// Version identifies the configuration's content, so that a cache of
// providers notices an edit (a new secret seals differently every time).
func (c *SSOConfig) Version() string {
	h := sha256.New()
	for _, s := range []string{strconv.FormatBool(c.Enabled), c.Issuer, c.ClientID, c.ClientSecret, c.EmailClaim} {
		fmt.Fprintf(h, "%d:%s", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// FindSSOConfig returns the organisation's single sign-on configuration,
// or app.ENotFound (key sso.error.not_configured) when it has none. Run it
// in the organisation's scope (or the system scope).
func FindSSOConfig(ctx context.Context, idb bun.IDB, orgID int64) (*SSOConfig, error) {
	c := new(SSOConfig)
	err := idb.NewSelect().Model(c).Where("org_id = ?", orgID).Scan(ctx)
	return c, db.Err(err, "sso.error.not_configured")
}

// SSORedirectURL is the callback address to register at every provider.
func (s *Service) SSORedirectURL() string {
	return strings.TrimRight(s.BaseURL, "/") + SSOCallbackPath
}

// SSOProviderConfig returns what sso.New needs for cfg, with the client
// secret opened. A secret that does not open (the secret key changed) is
// an internal error.
func (s *Service) SSOProviderConfig(cfg *SSOConfig) (sso.Config, error) {
	secret := ""
	if cfg.ClientSecret != "" {
		var err error
		if secret, err = s.Sealer.Open(cfg.ClientSecret); err != nil {
			return sso.Config{}, fmt.Errorf("account: sso client secret of organisation %d: %w", cfg.OrgID, err)
		}
	}
	return sso.Config{Issuer: cfg.Issuer, ClientID: cfg.ClientID, ClientSecret: secret,
		EmailClaim: cfg.EmailClaim, RedirectURL: s.SSORedirectURL(), AllowNetworks: s.SSOAllowNetworks}, nil
}

// SaveSSOConfig stores the organisation's single sign-on configuration
// from cfg's Enabled, Issuer, ClientID and EmailClaim (cfg.ClientSecret is
// ignored). clientSecret is sealed before it is stored; an empty one keeps
// the stored secret. The change is audited (settings.changed, with whether
// sign-on is enabled and the issuer, never the secret).
//
// Errors: the sso.Config.Validate errors (code invalid, joined, each with
// its Field: issuer, client_id, redirect_url), the issuer checked against
// SSOAllowNetworks.
func (s *Service) SaveSSOConfig(ctx context.Context, o *org.Organisation, cfg SSOConfig, clientSecret string) error {
	cfg.OrgID = o.ID
	cfg.Issuer, cfg.ClientID = strings.TrimSpace(cfg.Issuer), strings.TrimSpace(cfg.ClientID)
	if cfg.EmailClaim = strings.TrimSpace(cfg.EmailClaim); cfg.EmailClaim == "" {
		cfg.EmailClaim = sso.DefaultEmailClaim
	}
	check := sso.Config{Issuer: cfg.Issuer, ClientID: cfg.ClientID, RedirectURL: s.SSORedirectURL(), AllowNetworks: s.SSOAllowNetworks}
	if err := check.Validate(); err != nil {
		return err
	}
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		cfg.ClientSecret = ""
		if clientSecret != "" {
			cfg.ClientSecret = s.Sealer.Seal(clientSecret)
		} else if old, err := FindSSOConfig(ctx, tx, o.ID); err == nil {
			cfg.ClientSecret = old.ClientSecret
		} else if !app.IsNotFound(err) {
			return err
		}
		_, err := tx.NewInsert().Model(&cfg).On("CONFLICT (org_id) DO UPDATE").
			Set("enabled = EXCLUDED.enabled").Set("issuer = EXCLUDED.issuer").
			Set("client_id = EXCLUDED.client_id").Set("client_secret = EXCLUDED.client_secret").
			Set("email_claim = EXCLUDED.email_claim").Exec(ctx)
		if err != nil {
			return err
		}
		state := "disabled"
		if cfg.Enabled {
			state = "enabled"
		}
		return audit.Record(ctx, tx, o.ID, audit.SettingsChanged, o.Slug,
			map[string]string{"sso": state, "issuer": cfg.Issuer}, s.Clock.Now())
	})
	if err != nil {
		return fmt.Errorf("account: save sso config: %w", err)
	}
	return nil
}

// SSOSignIn signs in the person the organisation's provider vouched for:
// email must be the address of an active user who is a member of the
// organisation. Nobody is created here; people join by invitation first.
// Success is audited as a sign-in (method sso) in the organisation, a
// refusal as a failed one.
//
// Errors: app.EForbidden with key KeyNotMember for an unknown address, a
// disabled account or a user who is not a member.
func (s *Service) SSOSignIn(ctx context.Context, orgID int64, email string) (*User, error) {
	email = NormalizeEmail(email)
	now := s.Clock.Now()
	var user *User
	err := db.RunTx(ctx, s.DB, db.OrgScope(orgID), func(ctx context.Context, tx bun.Tx) error {
		u, err := FindUserByEmail(ctx, tx, email)
		if err == nil && u.DisabledAt == nil {
			if _, err = FindMembership(ctx, tx, orgID, u.ID); err == nil {
				user = u
				return audit.RecordAs(ctx, tx, orgID, u.ID, u.Email, audit.SignIn, u.Email,
					map[string]string{"method": "sso"}, now)
			}
		}
		if err != nil && !app.IsNotFound(err) {
			return err
		}
		// Recorded without an actor, even when the browser carries
		// someone else's session: the attempt is not theirs.
		return audit.Record(app.WithActor(ctx, nil), tx, orgID, audit.SignInFailed, email,
			map[string]string{"method": "sso", "reason": "not_member"}, now)
	})
	if err != nil {
		return nil, fmt.Errorf("account: sso sign in: %w", err)
	}
	if user == nil {
		return nil, app.Errorf(app.EForbidden, KeyNotMember)
	}
	return user, nil
}
