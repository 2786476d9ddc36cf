package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// confirmPage asks before a destructive or far-reaching action (removing
// a member, restoring an old version, deleting): the page a button leads
// to, in plain HTML, so that it asks with and without JavaScript. Its
// form posts Fields to Action; Back is where Cancel goes.
type confirmPage struct {
	Layout
	Title    string
	Question string
	Details  []confirmDetail
	Note     string // what happens, and what does not
	Action   string
	Fields   map[string]string
	Submit   string
	Danger   bool
	Back     string
}

type confirmDetail struct{ Label, Value string }

func (s *Server) renderConfirm(c *gin.Context, p *confirmPage) {
	s.render(c, http.StatusOK, "confirm", p)
}
