package web

import (
	"context"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

const ctxReadScope = "read_scope"

// readScope is the scope pages of an organisation read in: the
// organisation itself, and for a municipality the networks it currently
// belongs to (their membership lists, and later what peers share there).
// Writes always use db.OrgScope(o.ID) alone.
func (s *Server) readScope(c *gin.Context) (db.Scope, error) {
	if v, ok := c.Get(ctxReadScope); ok {
		return v.(db.Scope), nil
	}
	o := orgOf(c)
	scope := db.OrgScope(o.ID)
	if o.Kind == org.KindMunicipality {
		err := db.Run(c.Request.Context(), s.DB, scope, func(ctx context.Context, idb bun.IDB) error {
			nets, err := org.FindMemberNetworks(ctx, idb, o.ID, s.Clock.Now())
			for _, n := range nets {
				scope.ReadOrgIDs = append(scope.ReadOrgIDs, n.ID)
			}
			return err
		})
		if err != nil {
			return scope, err
		}
	}
	c.Set(ctxReadScope, scope)
	return scope, nil
}
