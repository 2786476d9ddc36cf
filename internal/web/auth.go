package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
)

type signinPage struct {
	Layout
	Email, Next, Error string
	Demo               bool
}

func (s *Server) handleSigninForm(c *gin.Context) error {
	if app.ActorFrom(c.Request.Context()) != nil {
		c.Redirect(http.StatusSeeOther, "/dashboard")
		return nil
	}
	s.render(c, http.StatusOK, "signin", &signinPage{Next: safeNext(c.Query("next")), Demo: s.Demo})
	return nil
}

// handleSignin checks the credentials and starts a new session (a new id at
// every sign-in), in the user's only or first organisation.
func (s *Server) handleSignin(c *gin.Context) error {
	email := strings.TrimSpace(c.PostForm("email"))
	pw := c.PostForm("password")
	data := &signinPage{Email: email, Next: safeNext(c.PostForm("next")), Demo: s.Demo}
	if email == "" || pw == "" {
		data.Error = s.Catalog.T(s.locale(c), "auth.error.required")
		s.render(c, http.StatusUnprocessableEntity, "signin", data)
		return nil
	}
	ctx := c.Request.Context()
	u, err := account.Authenticate(ctx, s.DB, email, pw)
	if app.ErrorCode(err) == app.EUnauthenticated {
		s.Logger.Info("sign-in failed", "ip", c.ClientIP())
		data.Error = s.Catalog.T(s.locale(c), "auth.error.bad_credentials")
		s.render(c, http.StatusUnauthorized, "signin", data)
		return nil
	}
	if err != nil {
		return err
	}
	ms, err := account.FindUserMemberships(ctx, s.DB, u.ID)
	if err != nil {
		return err
	}
	var orgID *int64
	if len(ms) > 0 {
		orgID = &ms[0].OrgID
	}
	// A session the browser already carried is ended, so a session id
	// planted before sign-in is worth nothing after it.
	if ck, err := c.Request.Cookie(sessionCookie); err == nil {
		account.DeleteSession(ctx, s.DB, account.HashToken(ck.Value))
	}
	token, _, err := account.CreateSession(ctx, s.DB, u.ID, orgID, c.ClientIP(), c.Request.UserAgent(), s.Clock.Now())
	if err != nil {
		return err
	}
	s.setSessionCookie(c, token)
	s.Logger.Info("signed in", "user_id", u.ID)
	c.Redirect(http.StatusSeeOther, data.Next)
	return nil
}

func (s *Server) handleSignout(c *gin.Context) error {
	if a := app.ActorFrom(c.Request.Context()); a != nil {
		if err := account.DeleteSession(c.Request.Context(), s.DB, a.SessionID); err != nil {
			return err
		}
	}
	s.clearSessionCookie(c)
	s.setFlash(c, "auth.signed_out")
	c.Redirect(http.StatusSeeOther, "/signin")
	return nil
}
