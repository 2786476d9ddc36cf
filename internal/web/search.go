package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/search"
)

type searchPage struct {
	Layout
	Org      *org.Organisation
	Query    string
	Hits     []search.Hit
	TooShort bool
}

// handleSearch searches everything the capabilities offer, within what the
// actor may read in the organisation.
func (s *Server) handleSearch(c *gin.Context) error {
	o := orgOf(c)
	a := app.ActorFrom(c.Request.Context())
	data := &searchPage{Org: o, Query: strings.TrimSpace(c.Query("q")), Layout: Layout{Nav: "search"}}
	if data.Query != "" && len([]rune(data.Query)) < search.MinLen {
		data.TooShort = true
	}
	var err error
	data.Hits, err = s.Orgs.SearchAll(c.Request.Context(), o, search.Query{
		OrgID: o.ID, OrgSlug: o.Slug, OrgKind: o.Kind, Actor: a, Text: data.Query,
		Allowed: func(obj, act string) bool {
			return s.Authz.Allowed(a.UserID, a.Role, a.OrgID, authz.Perm{Obj: obj, Act: act})
		},
	})
	if err != nil {
		return err
	}
	s.render(c, http.StatusOK, "org/search.html", data)
	return nil
}
