package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/i18n"
)

// formPage is the state every form page shares: what was typed stays, and
// each error sits at its field.
type formPage struct {
	Layout
	Values map[string]string
	Errors map[string]string // field → message; "" for the form as a whole
}

func (f *formPage) fail(s *Server, c *gin.Context, err error) bool {
	ae := app.AsError(err)
	if ae == nil || ae.Code == app.EInternal {
		return false
	}
	if f.Errors == nil {
		f.Errors = map[string]string{}
	}
	f.Errors[ae.Field] = s.Catalog.T(s.locale(c), ae.Key, argsOf(err)...)
	setRetryAfter(c, err)
	return true
}

type signinPage struct {
	formPage
	Next string
	Demo bool
}

func (s *Server) handleSigninForm(c *gin.Context) error {
	if app.ActorFrom(c.Request.Context()) != nil {
		c.Redirect(http.StatusSeeOther, "/orgs")
		return nil
	}
	s.render(c, http.StatusOK, "account/signin.html", &signinPage{Next: safeNext(c.Query("next")), Demo: s.Demo})
	return nil
}

// handleSignin checks the password (throttled per account and address);
// with a second factor it continues at /signin/second-factor, otherwise it
// starts a new session.
func (s *Server) handleSignin(c *gin.Context) error {
	email := strings.TrimSpace(c.PostForm("email"))
	data := &signinPage{formPage: formPage{Values: map[string]string{"email": email}}, Next: safeNext(c.PostForm("next")), Demo: s.Demo}
	if email == "" || c.PostForm("password") == "" {
		data.fail(s, c, app.Errorf(app.EInvalid, "auth.error.required"))
		s.render(c, http.StatusUnprocessableEntity, "account/signin.html", data)
		return nil
	}
	u, err := s.Accounts.SignIn(c.Request.Context(), email, c.PostForm("password"), c.ClientIP())
	if err != nil {
		if !data.fail(s, c, err) {
			return err
		}
		s.render(c, statusOf(app.ErrorCode(err)), "account/signin.html", data)
		return nil
	}
	if u.TOTPEnabledAt != nil {
		return s.askSecondFactor(c, u.ID, 0, data.Next)
	}
	return s.startSession(c, u.ID, data.Next)
}

// startSession replaces any session the browser carried with a new one, so
// a session id planted before sign-in is worth nothing after it.
func (s *Server) startSession(c *gin.Context, userID int64, next string) error {
	return s.startSessionIn(c, userID, 0, next)
}

// startSessionIn starts a session that, with restrictTo set, opens only that
// organisation (single sign-on).
func (s *Server) startSessionIn(c *gin.Context, userID, restrictTo int64, next string) error {
	ctx := c.Request.Context()
	next = safeNext(next) // every sign-in ends here, whichever form or cookie carried next
	var old string
	if ck, err := c.Request.Cookie(sessionCookie); err == nil {
		old = ck.Value
	}
	token, only, err := s.Accounts.StartSession(ctx, old, userID, restrictTo, c.ClientIP(), c.Request.UserAgent())
	if err != nil {
		return err
	}
	if only != nil && (next == "/dashboard" || next == "") {
		next = "/o/" + only.Org.Slug + "/dashboard"
	}
	s.setSessionCookie(c, token)
	if next == "/dashboard" || next == "" {
		next = "/orgs"
	}
	c.Redirect(http.StatusSeeOther, next)
	return nil
}

type secondFactorPage struct{ formPage }

// askSecondFactor continues a sign-in at the second-factor step: the
// pending sign-in (the user, the organisation a single sign-on session is
// limited to, 0 for none, and where to go next) is kept on the server,
// and the browser holds only its random token.
func (s *Server) askSecondFactor(c *gin.Context, userID, restrictTo int64, next string) error {
	token, err := s.Accounts.BeginSecondFactor(c.Request.Context(), userID, restrictTo, next)
	if err != nil {
		return err
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: pendingName, Value: token, Path: "/signin", HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode, MaxAge: int(account.PendingTTL.Seconds())})
	c.Redirect(http.StatusSeeOther, "/signin/second-factor")
	return nil
}

func (s *Server) pendingToken(c *gin.Context) string {
	if ck, err := c.Request.Cookie(pendingName); err == nil {
		return ck.Value
	}
	return ""
}

// backToPassword ends the second-factor step in this browser and sends it
// to the password form, with the reason when there is one.
func (s *Server) backToPassword(c *gin.Context, err error) {
	http.SetCookie(c.Writer, &http.Cookie{Name: pendingName, Value: "", Path: "/signin", MaxAge: -1, HttpOnly: true, Secure: s.secure})
	if ae := app.AsError(err); ae != nil {
		s.setFlash(c, ae.Key)
	}
	c.Redirect(http.StatusSeeOther, "/signin")
}

func (s *Server) handleSecondFactorForm(c *gin.Context) error {
	if _, err := s.Accounts.FindPendingSignIn(c.Request.Context(), s.pendingToken(c)); err != nil {
		if app.ErrorCode(err) != app.EUnauthenticated {
			return err
		}
		s.backToPassword(c, nil)
		return nil
	}
	s.render(c, http.StatusOK, "account/signin_second_factor.html", &secondFactorPage{})
	return nil
}

// handleSecondFactor checks the code of the pending sign-in; the right one
// starts the session, a wrong one asks again, until the pending sign-in
// runs out of attempts or time and the browser goes back to the password.
func (s *Server) handleSecondFactor(c *gin.Context) error {
	code := strings.ReplaceAll(strings.TrimSpace(c.PostForm("code")), " ", "")
	p, err := s.Accounts.CompleteSecondFactor(c.Request.Context(), s.pendingToken(c), code)
	switch app.ErrorCode(err) {
	case "":
		http.SetCookie(c.Writer, &http.Cookie{Name: pendingName, Value: "", Path: "/signin", MaxAge: -1, HttpOnly: true, Secure: s.secure})
		return s.startSessionIn(c, p.UserID, p.Restriction(), p.Next)
	case app.EUnauthenticated:
		s.backToPassword(c, err)
		return nil
	}
	data := &secondFactorPage{}
	if !data.fail(s, c, err) {
		return err
	}
	s.render(c, statusOf(app.ErrorCode(err)), "account/signin_second_factor.html", data)
	return nil
}

func (s *Server) handleSignout(c *gin.Context) error {
	a := app.ActorFrom(c.Request.Context())
	if a.SessionID != "" {
		if err := s.Accounts.SignOut(c.Request.Context(), a.SessionID); err != nil {
			return err
		}
	}
	s.clearSessionCookie(c)
	s.setFlash(c, "auth.signed_out")
	c.Redirect(http.StatusSeeOther, "/signin")
	return nil
}

func (s *Server) handleSignoutEverywhere(c *gin.Context) error {
	if err := s.Accounts.SignOutEverywhere(c.Request.Context(), app.ActorFrom(c.Request.Context()).UserID); err != nil {
		return err
	}
	s.clearSessionCookie(c)
	s.setFlash(c, "auth.signed_out_everywhere")
	c.Redirect(http.StatusSeeOther, "/signin")
	return nil
}

type forgotPage struct {
	formPage
	Sent bool
}

func (s *Server) handleForgotForm(c *gin.Context) error {
	s.render(c, http.StatusOK, "account/password_forgot.html", &forgotPage{})
	return nil
}

// handleForgot has a reset link sent if the address has an account, and
// says the same either way; the mail goes out after the request.
func (s *Server) handleForgot(c *gin.Context) error {
	email := strings.TrimSpace(c.PostForm("email"))
	data := &forgotPage{formPage: formPage{Values: map[string]string{"email": email}}}
	if err := (&account.User{Email: account.NormalizeEmail(email)}).Validate(); err != nil {
		data.fail(s, c, err)
		s.render(c, http.StatusUnprocessableEntity, "account/password_forgot.html", data)
		return nil
	}
	if err := s.Accounts.RequestPasswordReset(c.Request.Context(), email, s.locale(c), c.ClientIP()); err != nil {
		if !data.fail(s, c, err) {
			return err
		}
		s.render(c, statusOf(app.ErrorCode(err)), "account/password_forgot.html", data)
		return nil
	}
	data.Sent = true
	s.render(c, http.StatusOK, "account/password_forgot.html", data)
	return nil
}

type resetPage struct {
	formPage
	Token string
}

func (s *Server) handleResetForm(c *gin.Context) error {
	token := c.Param("token")
	if err := s.Accounts.CheckResetToken(c.Request.Context(), token); err != nil {
		return err
	}
	s.render(c, http.StatusOK, "account/password_reset.html", &resetPage{Token: token})
	return nil
}

func (s *Server) handleReset(c *gin.Context) error {
	token := c.Param("token")
	data := &resetPage{Token: token}
	pw := c.PostForm("password")
	if pw != c.PostForm("password_confirm") {
		data.fail(s, c, app.Errorf(app.EInvalid, "account.error.password_mismatch").WithField("password_confirm"))
		s.render(c, http.StatusUnprocessableEntity, "account/password_reset.html", data)
		return nil
	}
	if _, err := s.Accounts.ResetPassword(c.Request.Context(), token, pw); err != nil {
		if code := app.ErrorCode(err); (code == app.EInvalid || code == app.ETooMany) && data.fail(s, c, err) {
			s.render(c, statusOf(code), "account/password_reset.html", data)
			return nil
		}
		return err
	}
	s.clearSessionCookie(c)
	s.setFlash(c, "account.password_changed")
	c.Redirect(http.StatusSeeOther, "/signin")
	return nil
}

type invitationPage struct {
	formPage
	Token      string
	Invitation *account.Invitation
	SignedIn   bool
}

func (s *Server) handleInvitationForm(c *gin.Context) error {
	inv, err := s.Accounts.FindInvitationByToken(c.Request.Context(), c.Param("token"))
	if err != nil {
		return err
	}
	s.render(c, http.StatusOK, "account/invitation.html", &invitationPage{Token: c.Param("token"), Invitation: inv, SignedIn: app.ActorFrom(c.Request.Context()) != nil})
	return nil
}

// handleInvitationAccept joins the organisation: as the signed-in user
// (who must have the invited address), or as a new account.
func (s *Server) handleInvitationAccept(c *gin.Context) error {
	ctx := c.Request.Context()
	token := c.Param("token")
	inv, err := s.Accounts.FindInvitationByToken(ctx, token)
	if err != nil {
		return err
	}
	var userID int64
	if a := app.ActorFrom(ctx); a != nil {
		userID = a.UserID
	}
	name := strings.TrimSpace(c.PostForm("name"))
	data := &invitationPage{Token: token, Invitation: inv, SignedIn: userID != 0, formPage: formPage{Values: map[string]string{"name": name}}}
	if userID == 0 {
		if name == "" {
			data.fail(s, c, app.Errorf(app.EInvalid, "error.required").WithField("name"))
		}
		if c.PostForm("password") != c.PostForm("password_confirm") {
			data.fail(s, c, app.Errorf(app.EInvalid, "account.error.password_mismatch").WithField("password_confirm"))
		}
		if len(data.Errors) > 0 {
			s.render(c, http.StatusUnprocessableEntity, "account/invitation.html", data)
			return nil
		}
	}
	u, err := s.Accounts.AcceptInvitation(ctx, token, userID, name, c.PostForm("password"))
	if err != nil {
		if code := app.ErrorCode(err); (code == app.EInvalid || code == app.EConflict || code == app.EForbidden || code == app.ETooMany) && data.fail(s, c, err) {
			s.render(c, statusOf(code), "account/invitation.html", data)
			return nil
		}
		return err
	}
	s.setFlash(c, "account.invitation_accepted", "org", inv.Org.Name)
	if userID != 0 {
		c.Redirect(http.StatusSeeOther, "/o/"+inv.Org.Slug+"/dashboard")
		return nil
	}
	return s.startSession(c, u.ID, "/o/"+inv.Org.Slug+"/dashboard")
}

// handleLanguage keeps the chosen language: on the account when signed in,
// and in a cookie for this browser.
func (s *Server) handleLanguage(c *gin.Context) error {
	loc := c.PostForm("locale")
	if !i18n.Supported(loc) {
		return app.Errorf(app.EInvalid, "org.error.locale").WithField("locale")
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: langCookie, Value: loc, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	if a := app.ActorFrom(c.Request.Context()); a != nil {
		if err := s.Accounts.SetLocale(c.Request.Context(), a.UserID, loc); err != nil {
			return err
		}
	}
	c.Redirect(http.StatusSeeOther, safeNext(c.PostForm("next")))
	return nil
}
