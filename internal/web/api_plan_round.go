package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/plan"
)

// apiRound is a follow-up round as the API shows it; with its report
// (frozen once closed) and the difference from the previous closed
// round when one round is asked for.
type apiRound struct {
	*plan.Round
	Open     bool             `json:"open"`
	URL      string           `json:"url"`
	Report   *plan.Report     `json:"report,omitempty"`
	Previous *plan.Report     `json:"previous,omitempty"`
	Diff     *plan.Comparison `json:"diff,omitempty"`
}

// handleAPIPlanRounds lists the plan's rounds, newest first.
func (s *Server) handleAPIPlanRounds(c *gin.Context) error {
	o := orgOf(c)
	id, err := planID(c)
	if err != nil {
		return err
	}
	list, err := s.Plans.Rounds(c.Request.Context(), o, id)
	if err != nil {
		return err
	}
	out := make([]apiRound, 0, len(list.Rounds))
	for _, r := range list.Rounds {
		out = append(out, apiRound{Round: r, Open: r.Open(), URL: roundURL(o, id, r.ID)})
	}
	c.JSON(http.StatusOK, gin.H{"rounds": out})
	return nil
}

// handleAPIPlanRound answers one round with its report and the difference
// from the previous closed round.
func (s *Server) handleAPIPlanRound(c *gin.Context) error {
	o := orgOf(c)
	pid, rid, d, err := s.roundOf(c)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, apiRound{Round: d.Round, Open: d.Round.Open(), URL: roundURL(o, pid, rid), Report: d.Report,
		Previous: d.Previous, Diff: d.Diff})
	return nil
}

// handleAPIPlanRoundReport reports status, progress and a note on a
// measure in an open round (apiStatus: no progress keeps the measure's;
// done is 100), and answers the round.
func (s *Server) handleAPIPlanRoundReport(c *gin.Context) error {
	o := orgOf(c)
	if _, err := planID(c); err != nil {
		return err
	}
	rid, err := roundID(c)
	if err != nil {
		return err
	}
	var body apiStatus
	if err := bindJSON(c, &body); err != nil {
		return err
	}
	_, err = s.Plans.Report(c.Request.Context(), o, app.ActorFrom(c.Request.Context()), rid, c.Param("measure"),
		plan.MeasureUpdate{Status: body.Status, Progress: body.Progress, Note: body.Note}, s.allowed(c, authz.ContentWrite))
	if err != nil {
		return err
	}
	return s.handleAPIPlanRound(c)
}
