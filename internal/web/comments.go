package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/workbook"
)

// commentsOf loads an answer's comments (in its owner's scope, which the
// caller has authorised the reader for).
func (s *Server) commentsOf(ctx context.Context, ownerOrgID, entryID int64) ([]*workbook.Comment, error) {
	var out []*workbook.Comment
	err := db.Run(ctx, s.DB, db.OrgScope(ownerOrgID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		out, err = workbook.FindComments(ctx, idb, ownerOrgID, entryID)
		return err
	})
	return out, err
}

func (s *Server) postComment(c *gin.Context, ownerOrgID, ownerWorkbook, statementID, entryID int64, ownerSlug, back string) error {
	a := app.ActorFrom(c.Request.Context())
	link := fmt.Sprintf("%s/o/%s/workbooks/%d/statements/%d", strings.TrimRight(s.BaseURL, "/"), ownerSlug, ownerWorkbook, statementID)
	_, told, err := s.Workbooks.AddComment(c.Request.Context(), ownerOrgID, entryID, a, a.OrgID, c.PostForm("body"), link)
	if err != nil {
		return err // an invalid comment shows as a clear, localised error page; the text is in the browser's history
	}
	if len(told) > 0 {
		s.setFlash(c, "workbook.comment_added_told", "who", strings.Join(told, ", "))
	} else {
		s.setFlash(c, "workbook.comment_added")
	}
	c.Redirect(http.StatusSeeOther, back+"#comments")
	return nil
}

// handleEntryComment comments on the organisation's own answer.
func (s *Server) handleEntryComment(c *gin.Context) error {
	data, err := s.entryData(c)
	if err != nil {
		return err
	}
	if data.Entry == nil {
		return app.Errorf(app.ENotFound, "workbook.error.not_found")
	}
	return s.postComment(c, data.Org.ID, data.Ref.Workbook.ID, data.Statement.ID, data.Entry.ID, data.Org.Slug, data.BaseURL)
}

// handlePeerComment comments on a network peer's shared answer.
func (s *Server) handlePeerComment(c *gin.Context) error {
	data, err := s.peerEntry(c)
	if err != nil {
		return err
	}
	back := fmt.Sprintf("/o/%s/peers/%s/workbooks/%d/statements/%d", data.Org.Slug, data.Peer.Slug, data.Entry.WorkbookID, data.Statement.ID)
	return s.postComment(c, data.Peer.ID, data.Entry.WorkbookID, data.Statement.ID, data.Entry.ID, data.Peer.Slug, back)
}

// handlePeerCopy copies a goal or measure of a peer's shared answer into
// the organisation's own answer, keeping its origin.
func (s *Server) handlePeerCopy(c *gin.Context) error {
	data, err := s.peerEntry(c)
	if err != nil {
		return err
	}
	index, err := strconv.Atoi(c.PostForm("index"))
	if err != nil {
		return app.Errorf(app.ENotFound, "workbook.error.not_found")
	}
	mine, err := s.Workbooks.CopyFromPeer(c.Request.Context(), data.Org, app.ActorFrom(c.Request.Context()), data.Peer, data.Entry, c.PostForm("kind"), index)
	if err != nil {
		return err
	}
	s.setFlash(c, "workbook.copied", "org", data.Peer.Name)
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/o/%s/workbooks/%d/statements/%d", data.Org.Slug, mine.ID, data.Statement.ID))
	return nil
}
