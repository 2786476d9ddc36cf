package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
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
	s.render(c, http.StatusOK, "signin", &signinPage{Next: safeNext(c.Query("next")), Demo: s.Demo})
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
		s.render(c, http.StatusUnprocessableEntity, "signin", data)
		return nil
	}
	u, err := s.Accounts.SignIn(c.Request.Context(), email, c.PostForm("password"), c.ClientIP())
	if err != nil {
		if !data.fail(s, c, err) {
			return err
		}
		s.render(c, statusOf(app.ErrorCode(err)), "signin", data)
		return nil
	}
	if u.TOTPEnabledAt != nil {
		s.askSecondFactor(c, u.ID, 0, data.Next)
		return nil
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
	var token string
	err := db.RunTx(ctx, s.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		if ck, err := c.Request.Cookie(sessionCookie); err == nil {
			if err := account.DeleteSession(ctx, tx, account.HashToken(ck.Value)); err != nil {
				return err
			}
		}
		ms, err := account.FindUserMemberships(ctx, tx, userID)
		if err != nil {
			return err
		}
		if restrictTo != 0 {
			ms = slices.DeleteFunc(ms, func(m *account.Membership) bool { return m.OrgID != restrictTo })
		}
		var orgID *int64
		if len(ms) == 1 {
			orgID = &ms[0].OrgID
			if next == "/dashboard" || next == "" {
				next = "/o/" + ms[0].Org.Slug + "/dashboard"
			}
		}
		var sess *account.Session
		token, sess, err = account.CreateSession(ctx, tx, userID, orgID, c.ClientIP(), c.Request.UserAgent(), s.Clock.Now())
		if err == nil && restrictTo != 0 {
			err = account.RestrictSession(ctx, tx, sess, restrictTo)
		}
		return err
	})
	if err != nil {
		return err
	}
	s.setSessionCookie(c, token)
	if next == "/dashboard" || next == "" {
		next = "/orgs"
	}
	c.Redirect(http.StatusSeeOther, next)
	return nil
}

type secondFactorPage struct{ formPage }

// askSecondFactor continues a sign-in at the second-factor step. Its
// cookie carries, signed, the user, the organisation a single sign-on
// session is limited to (0: none) and where to go next.
func (s *Server) askSecondFactor(c *gin.Context, userID, restrictTo int64, next string) {
	v := s.sign(strconv.FormatInt(userID, 10)+"|"+strconv.FormatInt(restrictTo, 10)+"|"+next, 5*time.Minute)
	http.SetCookie(c.Writer, &http.Cookie{Name: pendingName, Value: v,
		Path: "/signin", HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode, MaxAge: 300})
	c.Redirect(http.StatusSeeOther, "/signin/second-factor")
}

func (s *Server) pendingUser(c *gin.Context) (userID, restrictTo int64, next string, ok bool) {
	ck, err := c.Request.Cookie(pendingName)
	if err != nil {
		return 0, 0, "", false
	}
	v, ok := s.verify(ck.Value)
	if !ok {
		return 0, 0, "", false
	}
	parts := strings.SplitN(v, "|", 3)
	if len(parts) != 3 {
		return 0, 0, "", false
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	restrict, err2 := strconv.ParseInt(parts[1], 10, 64)
	return id, restrict, parts[2], err1 == nil && err2 == nil
}

func (s *Server) handleSecondFactorForm(c *gin.Context) error {
	if _, _, _, ok := s.pendingUser(c); !ok {
		c.Redirect(http.StatusSeeOther, "/signin")
		return nil
	}
	s.render(c, http.StatusOK, "signin_second_factor", &secondFactorPage{})
	return nil
}

func (s *Server) handleSecondFactor(c *gin.Context) error {
	id, restrict, next, ok := s.pendingUser(c)
	if !ok {
		c.Redirect(http.StatusSeeOther, "/signin")
		return nil
	}
	code := strings.ReplaceAll(strings.TrimSpace(c.PostForm("code")), " ", "")
	if err := s.Accounts.VerifyTOTP(c.Request.Context(), id, code); err != nil {
		data := &secondFactorPage{}
		if !data.fail(s, c, err) {
			return err
		}
		s.render(c, http.StatusUnprocessableEntity, "signin_second_factor", data)
		return nil
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: pendingName, Value: "", Path: "/signin", MaxAge: -1, HttpOnly: true, Secure: s.secure})
	return s.startSessionIn(c, id, restrict, next)
}

func (s *Server) handleSignout(c *gin.Context) error {
	a := app.ActorFrom(c.Request.Context())
	if a.SessionID != "" {
		err := db.Run(c.Request.Context(), s.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
			return account.DeleteSession(ctx, idb, a.SessionID)
		})
		if err != nil {
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
	s.render(c, http.StatusOK, "password_forgot", &forgotPage{})
	return nil
}

// handleForgot has a reset link sent if the address has an account, and
// says the same either way; the mail goes out after the request.
func (s *Server) handleForgot(c *gin.Context) error {
	email := strings.TrimSpace(c.PostForm("email"))
	data := &forgotPage{formPage: formPage{Values: map[string]string{"email": email}}}
	if err := (&account.User{Email: account.NormalizeEmail(email)}).Validate(); err != nil {
		data.fail(s, c, err)
		s.render(c, http.StatusUnprocessableEntity, "password_forgot", data)
		return nil
	}
	if err := s.Accounts.RequestPasswordReset(c.Request.Context(), email, s.locale(c), c.ClientIP()); err != nil {
		if !data.fail(s, c, err) {
			return err
		}
		s.render(c, statusOf(app.ErrorCode(err)), "password_forgot", data)
		return nil
	}
	data.Sent = true
	s.render(c, http.StatusOK, "password_forgot", data)
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
	s.render(c, http.StatusOK, "password_reset", &resetPage{Token: token})
	return nil
}

func (s *Server) handleReset(c *gin.Context) error {
	token := c.Param("token")
	data := &resetPage{Token: token}
	pw := c.PostForm("password")
	if pw != c.PostForm("password_confirm") {
		data.fail(s, c, app.Errorf(app.EInvalid, "account.error.password_mismatch").WithField("password_confirm"))
		s.render(c, http.StatusUnprocessableEntity, "password_reset", data)
		return nil
	}
	if _, err := s.Accounts.ResetPassword(c.Request.Context(), token, pw); err != nil {
		if app.ErrorCode(err) == app.EInvalid && data.fail(s, c, err) {
			s.render(c, http.StatusUnprocessableEntity, "password_reset", data)
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
	s.render(c, http.StatusOK, "invitation", &invitationPage{Token: c.Param("token"), Invitation: inv, SignedIn: app.ActorFrom(c.Request.Context()) != nil})
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
			s.render(c, http.StatusUnprocessableEntity, "invitation", data)
			return nil
		}
	}
	u, err := s.Accounts.AcceptInvitation(ctx, token, userID, name, c.PostForm("password"))
	if err != nil {
		if code := app.ErrorCode(err); (code == app.EInvalid || code == app.EConflict || code == app.EForbidden) && data.fail(s, c, err) {
			s.render(c, statusOf(code), "invitation", data)
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
		err := db.Run(c.Request.Context(), s.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
			_, err := idb.NewUpdate().Model((*account.User)(nil)).Set("locale = ?", loc).Where("id = ?", a.UserID).Exec(ctx)
			return err
		})
		if err != nil {
			return err
		}
	}
	c.Redirect(http.StatusSeeOther, safeNext(c.PostForm("next")))
	return nil
}
