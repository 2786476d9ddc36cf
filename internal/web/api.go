package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/org"
)

// apiOrg is an organisation as the API shows it.
type apiOrg struct {
	Slug               string `json:"slug"`
	Kind               string `json:"kind"`
	Name               string `json:"name"`
	Country            string `json:"country,omitempty"`
	MunicipalityNumber string `json:"municipality_number,omitempty"`
	Locale             string `json:"locale"`
	TimeZone           string `json:"time_zone"`
}

// handleAPIMe answers who the caller is: the user, and with an API token
// its organisation and the role held there now.
func (s *Server) handleAPIMe(c *gin.Context) error {
	a := app.ActorFrom(c.Request.Context())
	out := gin.H{"user": gin.H{"id": a.UserID, "email": a.Email, "name": a.Name}}
	if v, ok := c.Get(ctxMemberships); ok {
		var orgs []gin.H
		for _, m := range v.([]*account.Membership) {
			orgs = append(orgs, gin.H{"organisation": toAPIOrg(m.Org), "role": m.Role})
		}
		out["memberships"] = orgs
	}
	if _, ok := c.Get(ctxToken); ok {
		ms := c.MustGet(ctxMemberships).([]*account.Membership)
		out["organisation"], out["role"] = toAPIOrg(ms[0].Org), ms[0].Role
	}
	c.JSON(http.StatusOK, out)
	return nil
}

func toAPIOrg(o *org.Organisation) apiOrg {
	return apiOrg{Slug: o.Slug, Kind: o.Kind, Name: o.Name, Country: o.Country,
		MunicipalityNumber: o.MunicipalityNumber, Locale: o.Locale, TimeZone: o.TimeZone}
}

// handleAPIOrg answers the organisation to its members (others get 404).
func (s *Server) handleAPIOrg(c *gin.Context) error {
	c.JSON(http.StatusOK, toAPIOrg(orgOf(c)))
	return nil
}

// handleAPIMembers lists the organisation's members and roles.
func (s *Server) handleAPIMembers(c *gin.Context) error {
	o := orgOf(c)
	members, err := s.Accounts.Members(c.Request.Context(), o)
	if err != nil {
		return err
	}
	out := make([]gin.H, 0, len(members))
	for _, m := range members {
		out = append(out, gin.H{"id": m.ID, "email": m.Email, "name": m.Name, "role": m.Role})
	}
	c.JSON(http.StatusOK, gin.H{"members": out})
	return nil
}

// handleOpenAPI serves the API's OpenAPI document, merged at start from
// the capabilities' fragments.
func (s *Server) handleOpenAPI(c *gin.Context) error {
	c.Data(http.StatusOK, "application/json", s.apiDoc.JSON())
	return nil
}
