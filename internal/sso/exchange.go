package sso

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/samvirke/samvirke/internal/app"
)

// Identity is the user the provider vouched for.
type Identity struct {
	// Subject is the provider's stable user id ("sub"); unique per issuer.
	Subject string
	// Email is the configured claim, trimmed and lower-cased.
	Email string
	// EmailVerified is true only when the provider asserted
	// email_verified=true. False means the provider did not say (an
	// explicit false is rejected by Exchange).
	EmailVerified bool
	// Name is the "name" claim, possibly empty.
	Name string
}

// Translation keys of the errors Exchange returns, all with code
// unauthenticated.
const (
	KeyState    = "sso.error.state"
	KeyExchange = "sso.error.exchange"
	KeyToken    = "sso.error.token"
	KeyEmail    = "sso.error.email"
)

// fail returns the user-facing error for key, recording cause for the logs.
func fail(key string, cause error) *app.Error {
	return app.Errorf(app.EUnauthenticated, key).Wrap(cause)
}

// Exchange completes the sign-in begun with AuthCodeURL(f). gotState and
// code are the callback's "state" and "code" query parameters.
//
// It compares gotState with f.State in constant time, redeems code with
// f.Verifier, verifies the ID token (signature against the provider's JWKS,
// issuer, audience = client id, expiry, nonce = f.Nonce, at_hash when
// present) and reads the identity from its claims. When the ID token lacks
// the e-mail claim, as spec-compliant providers do when they also issue an
// access token, the claims are completed from the userinfo endpoint after
// checking that it names the same subject.
//
// Errors are *app.Error with code unauthenticated and Key KeyState (state
// mismatch or incomplete Flow), KeyExchange (token or userinfo endpoint
// refused or unreachable), KeyToken (no, invalid or foreign ID token) or
// KeyEmail (e-mail claim missing or not an address, or email_verified
// false). Their text never contains tokens or the client secret.
func (p *Provider) Exchange(ctx context.Context, f Flow, gotState, code string) (Identity, error) {
	if f.State == "" || f.Nonce == "" || f.Verifier == "" ||
		subtle.ConstantTimeCompare([]byte(f.State), []byte(gotState)) != 1 {
		return Identity{}, fail(KeyState, errors.New("sso: state does not match the flow"))
	}
	if code == "" {
		return Identity{}, fail(KeyExchange, errors.New("sso: callback carries no code"))
	}
	ctx = oidc.ClientContext(ctx, p.client)

	tok, err := p.oauth.Exchange(ctx, code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		return Identity{}, fail(KeyExchange, safeExchangeError(err))
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return Identity{}, fail(KeyToken, errors.New("sso: token response has no id_token"))
	}
	idt, err := p.verifier.Verify(ctx, raw)
	if err != nil {
		return Identity{}, fail(KeyToken, fmt.Errorf("sso: verify id token: %w", err))
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(f.Nonce)) != 1 {
		return Identity{}, fail(KeyToken, errors.New("sso: id token nonce does not match the flow"))
	}
	if idt.AccessTokenHash != "" {
		if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
			return Identity{}, fail(KeyToken, fmt.Errorf("sso: at_hash: %w", err))
		}
	}
	claims := map[string]any{}
	if err := idt.Claims(&claims); err != nil {
		return Identity{}, fail(KeyToken, fmt.Errorf("sso: id token claims: %w", err))
	}
	if _, ok := claims[p.cfg.EmailClaim]; !ok && p.oidc.UserInfoEndpoint() != "" && tok.AccessToken != "" {
		if err := p.addUserInfo(ctx, tok, idt.Subject, claims); err != nil {
			return Identity{}, err
		}
	}
	return p.identity(idt.Subject, claims)
}

// addUserInfo fills claims missing from the ID token with those of the
// userinfo endpoint, which must name subject (OIDC Core 5.3.2).
func (p *Provider) addUserInfo(ctx context.Context, tok *oauth2.Token, subject string, claims map[string]any) error {
	ui, err := p.oidc.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		return fail(KeyExchange, fmt.Errorf("sso: userinfo: %w", err))
	}
	if ui.Subject != subject {
		return fail(KeyToken, errors.New("sso: userinfo subject differs from id token"))
	}
	extra := map[string]any{}
	if err := ui.Claims(&extra); err != nil {
		return fail(KeyEmail, fmt.Errorf("sso: userinfo claims: %w", err))
	}
	for k, v := range extra {
		if _, ok := claims[k]; !ok {
			claims[k] = v
		}
	}
	return nil
}

// identity builds the Identity from verified claims.
func (p *Provider) identity(subject string, claims map[string]any) (Identity, error) {
	s, _ := claims[p.cfg.EmailClaim].(string)
	email := strings.ToLower(strings.TrimSpace(s))
	if email == "" {
		return Identity{}, fail(KeyEmail, fmt.Errorf("sso: claim %q missing or empty", p.cfg.EmailClaim))
	}
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		return Identity{}, fail(KeyEmail, fmt.Errorf("sso: claim %q is not an e-mail address", p.cfg.EmailClaim))
	}
	verified, present := boolClaim(claims["email_verified"])
	if present && !verified {
		return Identity{}, fail(KeyEmail, errors.New("sso: provider says the e-mail address is not verified"))
	}
	name, _ := claims["name"].(string)
	return Identity{
		Subject:       subject,
		Email:         email,
		EmailVerified: verified,
		Name:          strings.TrimSpace(name),
	}, nil
}

// boolClaim reads a boolean claim that some providers (AWS Cognito) send
// as the string "true" or "false".
func boolClaim(v any) (value, present bool) {
	switch b := v.(type) {
	case bool:
		return b, true
	case string:
		switch strings.ToLower(b) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

// safeExchangeError keeps the token endpoint's status and OAuth error code
// and drops its raw response body, which could echo request data.
func safeExchangeError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		status := ""
		if re.Response != nil {
			status = re.Response.Status
		}
		return fmt.Errorf("sso: token endpoint: %s: %s %s", status, re.ErrorCode, re.ErrorDescription)
	}
	return fmt.Errorf("sso: token endpoint: %w", err)
}
