package web

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/workbook"
)

type peerEntryPage struct {
	Layout
	Comments  *commentsView
	CanCopy   bool
	Org       *org.Organisation
	Peer      *org.Organisation
	Template  *workbook.Template
	Statement *workbook.Statement
	Entry     *workbook.Entry
}

// handleWorkbookPeerEntry shows a network peer's answer to a problem statement,
// read-only: only when the peer shares it (network or public) and the two
// municipalities are members of the same network today. Anything else is
// 404, as is every request across tenants.
func (s *Server) handleWorkbookPeerEntry(c *gin.Context) error {
	data, err := s.peerEntry(c)
	if err != nil {
		return err
	}
	return s.showPeerEntry(c, data, nil)
}

// showPeerEntry renders a peer's answer with a page of its comments;
// refused, when set, is a refused comment to show again in the form. The
// peer moderates its own comments, so nobody hides them here.
func (s *Server) showPeerEntry(c *gin.Context, data *peerEntryPage, refused *refusal) error {
	var err error
	if data.Comments, err = s.comments(c, data.Peer.Name, data.Peer.ID, data.Entry.ID, data.URL()); err != nil {
		return err
	}
	data.CanCopy = s.allowed(c, authz.ContentWrite)
	status := http.StatusOK
	if refused != nil {
		data.Comments.Body, data.Comments.Error, status = refused.Body, refused.Error, refused.Status
	}
	s.render(c, status, "workbook/peer.html", data)
	return nil
}

// URL is the address of the peer's answer as the reader sees it.
func (p *peerEntryPage) URL() string {
	return fmt.Sprintf("/o/%s/peers/%s/workbooks/%d/statements/%d", p.Org.Slug, p.Peer.Slug, p.Entry.WorkbookID, p.Statement.ID)
}

// peerEntry loads a network peer's shared answer for the request, or
// app.ENotFound.
func (s *Server) peerEntry(c *gin.Context) (*peerEntryPage, error) {
	o := orgOf(c)
	wbID, err := pathID(c, "workbook")
	if err != nil {
		return nil, err
	}
	sid, err := pathID(c, "statement")
	if err != nil {
		return nil, err
	}
	pe, err := s.Workbooks.ReadPeerEntry(c.Request.Context(), o, c.Param("peer"), wbID, sid)
	if err != nil {
		return nil, err
	}
	data := &peerEntryPage{Org: o, Peer: pe.Peer, Template: pe.Template, Statement: pe.Statement, Entry: pe.Entry}
	data.Layout = Layout{Nav: "workbooks", Breadcrumbs: []Crumb{
		{Label: s.Catalog.T(s.locale(c), "workbook.title.plural"), URL: "/o/" + o.Slug + "/workbooks"},
		{Label: data.Peer.Name}, {Label: data.Statement.Title}}}
	return data, nil
}

// loadPeers fills in the network peers' shared answers to the entry's
// statement, each a link to the peer's answer, and the side-by-side view
// of the statement when the municipality is a member of the network today.
func (s *Server) loadPeers(c *gin.Context, data *entryPage) error {
	var err error
	data.Peers, err = s.Workbooks.PeerAnswers(c.Request.Context(), data.Org, data.Ref.Workbook.ID, data.Statement.ID)
	data.peersRead = err == nil
	s.gatheringLink(data)
	return err
}

// gatheringLink links a municipality's answer to the statement side by
// side with its network peers'.
func (s *Server) gatheringLink(data *entryPage) {
	if data.Org.Kind == org.KindMunicipality {
		data.GatheringURL = fmt.Sprintf("/o/%s/templates/%d/statements/%d/gathering", data.Org.Slug, data.Ref.Template.ID, data.Statement.ID)
	}
}

// PeerURL is the address of a peer's shared answer as the page's
// organisation reads it.
func (p *entryPage) PeerURL(a workbook.PeerAnswer) string {
	return fmt.Sprintf("/o/%s/peers/%s/workbooks/%d/statements/%d", p.Org.Slug, a.Peer.Slug, a.WorkbookID, a.StatementID)
}
