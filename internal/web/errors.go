package web

import (
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
)

// statusOf is the only mapping from error codes to HTTP statuses.
func statusOf(code string) int {
	switch code {
	case app.EInvalid:
		return http.StatusUnprocessableEntity
	case app.ENotFound:
		return http.StatusNotFound
	case app.EConflict:
		return http.StatusConflict
	case app.EForbidden:
		return http.StatusForbidden
	case app.EUnauthenticated:
		return http.StatusUnauthorized
	case app.ETooMany:
		return http.StatusTooManyRequests
	case app.ETooLarge:
		return http.StatusRequestEntityTooLarge
	case app.EUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// problem is an RFC 9457 problem details body.
type problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail,omitempty"`
	Code      string `json:"code"`
	Field     string `json:"field,omitempty"`
	Instance  string `json:"instance,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// wantsJSON reports whether the client asked for JSON (the API, a client
// with an API token, or an Accept header preferring it).
func wantsJSON(c *gin.Context) bool {
	if strings.HasPrefix(c.Request.URL.Path, "/api/") || strings.HasPrefix(c.GetHeader("Authorization"), "Bearer ") {
		return true
	}
	a := c.GetHeader("Accept")
	return strings.Contains(a, "application/json") && !strings.Contains(a, "text/html")
}

// writeError answers err as an HTML page or JSON problem details. Errors
// that are not *app.Error are internal: logged with the request id, shown
// to the user only as a generic message and that id.
func (s *Server) writeError(c *gin.Context, err error) {
	code := app.ErrorCode(err)
	status := statusOf(code)
	rid := requestIDOf(c)
	if code == app.EInternal {
		s.logRequest(c, slog.LevelError, "request failed", "request_id", rid, "method", c.Request.Method, "path", loggedPath(c), "err", err)
	}
	loc := s.locale(c)
	key := "error." + code + ".text"
	var field string
	if ae := app.AsError(err); ae != nil && code != app.EInternal {
		field = ae.Field
		if ae.Key != "" && s.Catalog.Has(ae.Key) {
			key = ae.Key
		}
	}
	detail := s.Catalog.T(loc, key, argsOf(err)...)
	setRetryAfter(c, err)
	if code == app.EUnauthenticated && !wantsJSON(c) && c.Request.Method == http.MethodGet {
		c.Redirect(http.StatusSeeOther, "/signin?next="+url.QueryEscape(safeNext(c.Request.URL.RequestURI())))
		c.Abort()
		return
	}
	if wantsJSON(c) || s.pages == nil {
		c.Header("Content-Type", "application/problem+json")
		c.AbortWithStatusJSON(status, problem{
			Type: "https://samvirke.no/problems/" + code, Title: s.Catalog.T(loc, "error."+code+".title"),
			Status: status, Detail: detail, Code: code, Field: field, Instance: loggedPath(c), RequestID: rid,
		})
		return
	}
	heading := "error." + code + ".title"
	if key == "org.error.read_only" || strings.HasPrefix(key, "billing.read_only.") {
		heading = "error.read_only.title" // not a lack of permission: the organisation's state
	}
	data := &errorPage{Heading: s.Catalog.T(loc, heading), Message: detail}
	if code == app.EInternal || code == app.EUnavailable {
		data.RequestID = rid
	}
	s.render(c, status, "core/error.html", data)
	c.Abort()
}

// setRetryAfter tells a client refused by a rate limit when to come back;
// every way a refusal is answered (error page, problem details, a form
// shown again) goes through it.
func setRetryAfter(c *gin.Context, err error) {
	if ae := app.AsError(err); ae != nil && ae.Code == app.ETooMany {
		if secs, ok := ae.Args["retry_after"].(int); ok {
			c.Header("Retry-After", strconv.Itoa(secs))
		}
	}
}

func argsOf(err error) []any {
	if ae := app.AsError(err); ae != nil && len(ae.Args) > 0 {
		return []any{ae.Args}
	}
	return nil
}

type errorPage struct {
	Layout
	Heading, Message, RequestID string
}
