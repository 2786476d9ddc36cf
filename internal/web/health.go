package web

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// handleHealthz answers 200 while the process runs.
func (s *Server) handleHealthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// handleReadyz answers 200 when the database, and the queue if Deps.Queue
// is set (worker processes), answer within two seconds each, 503
// otherwise (and 200 again as soon as they are back).
func (s *Server) handleReadyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	checks := gin.H{}
	ok := true
	if err := s.DB.Ping(ctx); err != nil {
		checks["database"], ok = "unreachable", false
		s.Logger.Warn("readyz: database", "err", err)
	} else {
		checks["database"] = "ok"
	}
	if s.Queue != nil {
		if err := s.Queue.Ping(ctx); err != nil {
			checks["redis"], ok = "unreachable", false
			s.Logger.Warn("readyz: redis", "err", err)
		} else {
			checks["redis"] = "ok"
		}
	}
	status := http.StatusOK
	if !ok {
		status = http.StatusServiceUnavailable
	}
	c.JSON(status, gin.H{"ready": ok, "checks": checks})
}
