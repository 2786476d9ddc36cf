package web

import (
	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/org"
)

// NavCouncils leads to the municipality's councils and groups.
var NavCouncils = NavEntry{Key: "councils", Label: "council.title.plural", Path: orgPath("/councils"), Order: 30,
	Kinds: []string{org.KindMunicipality}}

// councilsOnly answers h for a municipality's council routes: councils
// belong to municipalities, so in a network or county they are not found.
func councilsOnly(h func(*gin.Context) error) func(*gin.Context) error {
	return func(c *gin.Context) error {
		if orgOf(c).Kind != org.KindMunicipality {
			return app.Errorf(app.ENotFound, "council.error.not_found")
		}
		return h(c)
	}
}

// councilRoutes registers the councils, their members and meetings, and
// the decision register (this file).
func (s *Server) councilRoutes() {}
