package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/workbook"
)

// commentsView is what the comments partial shows: one page of an
// answer's comments, the form to add one, and, for the answer's own
// municipality's moderators, the buttons that hide them.
type commentsView struct {
	Locale    string
	Owner     string // the answer's municipality, which moderates its comments
	Comments  []*workbook.Comment
	OlderURL  string // the page of older comments; "" when there are none
	NewestURL string // back to the newest comments; "" when showing them
	Action    string // where the form posts; "" when the reader may not comment
	HideURL   string // where hide forms post, before "/{id}/hide"; "" for non-moderators
	Body      string // the text of a refused comment, kept
	Error     string // why it was refused
}

// MaxLen is the most characters a comment may have.
func (*commentsView) MaxLen() int { return workbook.MaxCommentLen }

// comments loads the page of an answer's comments that the request asks
// for (?comments_before=, the oldest comment of the page before), in the
// answer's organisation's scope, which the caller has authorised the
// reader for. page is the answer's page (no query).
func (s *Server) comments(c *gin.Context, owner string, ownerOrgID, entryID int64, page string) (*commentsView, error) {
	before, _ := strconv.ParseInt(c.Query("comments_before"), 10, 64)
	p, err := s.Workbooks.Comments(c.Request.Context(), ownerOrgID, entryID, before)
	if err != nil {
		return nil, err
	}
	return s.commentsOf(c, owner, p, page), nil
}

// commentsOf is the comments section of page p of an answer's comments,
// the page asked for by comments_before.
func (s *Server) commentsOf(c *gin.Context, owner string, p *workbook.CommentPage, page string) *commentsView {
	before, _ := strconv.ParseInt(c.Query("comments_before"), 10, 64)
	v := &commentsView{Locale: s.locale(c), Owner: owner, Comments: p.Comments}
	if p.Older != 0 {
		v.OlderURL = fmt.Sprintf("%s?comments_before=%d#comments", page, p.Older)
	}
	if before > 0 {
		v.NewestURL = page + "#comments"
	}
	if s.allowed(c, authz.CommentWrite) {
		v.Action = page + "/comments"
	}
	return v
}

// commentTarget is the answer a comment is posted on.
type commentTarget struct {
	OrgID, WorkbookID, StatementID, EntryID int64
	OrgSlug                                 string
	Back                                    string // the page to return to
}

// refusal is a comment the writer can mend or wait for: its text, why it
// was refused, and the status to answer with.
type refusal struct {
	Body, Error string
	Status      int
}

// postComment adds the request's comment to an answer and redirects back.
// A comment refused for its text or because its writer wrote too many is
// answered as a refusal for the caller to show its page again with the
// text kept; any other error is returned.
func (s *Server) postComment(c *gin.Context, t commentTarget) (*refusal, error) {
	a := app.ActorFrom(c.Request.Context())
	link := fmt.Sprintf("%s/o/%s/workbooks/%d/statements/%d", strings.TrimRight(s.BaseURL, "/"), t.OrgSlug, t.WorkbookID, t.StatementID)
	_, told, err := s.Workbooks.AddComment(c.Request.Context(), t.OrgID, t.EntryID, a, a.OrgID, c.PostForm("body"), link)
	if code := app.ErrorCode(err); code == app.EInvalid || code == app.ETooMany {
		ae := app.AsError(err)
		setRetryAfter(c, err)
		return &refusal{Body: c.PostForm("body"), Error: s.Catalog.T(s.locale(c), ae.Key, argsOf(err)...), Status: statusOf(code)}, nil
	} else if err != nil {
		return nil, err
	}
	if len(told) > 0 { // only ever to the answer's own municipality
		s.setFlash(c, "workbook.comment_added_told", "who", strings.Join(told, ", "))
	} else {
		s.setFlash(c, "workbook.comment_added")
	}
	c.Redirect(http.StatusSeeOther, t.Back+"#comments")
	return nil, nil
}

// handleWorkbookEntryComment comments on the organisation's own answer.
func (s *Server) handleWorkbookEntryComment(c *gin.Context) error {
	data, err := s.entryData(c)
	if err != nil {
		return err
	}
	if data.Entry == nil {
		return app.Errorf(app.ENotFound, "workbook.error.not_found")
	}
	r, err := s.postComment(c, commentTarget{OrgID: data.Org.ID, WorkbookID: data.Ref.Workbook.ID, StatementID: data.Statement.ID,
		EntryID: data.Entry.ID, OrgSlug: data.Org.Slug, Back: data.BaseURL})
	if r == nil {
		return err
	}
	return s.showEntry(c, data, r)
}

// handleWorkbookPeerComment comments on a network peer's shared answer.
func (s *Server) handleWorkbookPeerComment(c *gin.Context) error {
	data, err := s.peerEntry(c)
	if err != nil {
		return err
	}
	r, err := s.postComment(c, commentTarget{OrgID: data.Peer.ID, WorkbookID: data.Entry.WorkbookID, StatementID: data.Statement.ID,
		EntryID: data.Entry.ID, OrgSlug: data.Peer.Slug, Back: data.URL()})
	if r == nil {
		return err
	}
	return s.showPeerEntry(c, data, r)
}

type commentHidePage struct {
	Layout
	Org     *org.Organisation
	Comment *workbook.Comment
	Action  string
	Back    string
}

// handleWorkbookCommentHide hides a comment on the organisation's own answer
// after a confirmation page, or shows a hidden one again (hide=off).
func (s *Server) handleWorkbookCommentHide(c *gin.Context) error {
	data, err := s.entryData(c)
	if err != nil {
		return err
	}
	id, err := pathID(c, "comment")
	if err != nil {
		return err
	}
	if data.Entry == nil {
		return app.Errorf(app.ENotFound, "workbook.error.not_found")
	}
	ctx := c.Request.Context()
	hide := c.PostForm("hide") != "off"
	if hide && c.PostForm("confirm") != "yes" {
		cm, err := s.Workbooks.Comment(ctx, data.Org.ID, data.Entry.ID, id)
		if err != nil {
			return err
		}
		s.render(c, http.StatusOK, "workbook/comment_hide.html", &commentHidePage{Layout: data.Layout, Org: data.Org, Comment: cm,
			Action: c.Request.URL.Path, Back: data.BaseURL})
		return nil
	}
	if _, err := s.Workbooks.HideComment(ctx, data.Org, app.ActorFrom(ctx), data.Entry.ID, id, hide); err != nil {
		return err
	}
	if hide {
		s.setFlash(c, "workbook.comment_hidden")
	} else {
		s.setFlash(c, "workbook.comment_shown")
	}
	c.Redirect(http.StatusSeeOther, data.BaseURL+"#comments")
	return nil
}

// handleWorkbookPeerCopy copies a goal or measure of a peer's shared answer into
// the organisation's own answer, keeping its origin.
func (s *Server) handleWorkbookPeerCopy(c *gin.Context) error {
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
