package workbook

import (
	"context"
	"slices"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
)

// CommentPageSize is the most comments one page shows: a page's size is
// bounded however many comments an answer has.
const CommentPageSize = 50

// CommentPage is one page of an answer's comments.
type CommentPage struct {
	Comments []*Comment // oldest first
	// Older is the before argument of FindComments for the page of older
	// comments; 0 when there are none.
	Older int64
}

// selectComments reads comments with their author's organisation's name,
// and without the text of hidden ones, so that no caller can serve it.
func selectComments(idb bun.IDB, out any) *bun.SelectQuery {
	return idb.NewSelect().Model(out).
		ColumnExpr("c.org_id, c.id, c.entry_id, c.author_id, c.author_org_id, c.author_name, c.created_at, c.hidden_at, c.hidden_by").
		ColumnExpr("CASE WHEN c.hidden_at IS NULL THEN c.body ELSE '' END AS body").
		ColumnExpr("o.name AS author_org_name").
		Join("LEFT JOIN organisations AS o ON o.id = c.author_org_id")
}

// FindComments answers the CommentPageSize newest comments of an answer
// that came before the comment before (0: the newest of all), oldest
// first, and where older ones start.
func FindComments(ctx context.Context, idb bun.IDB, orgID, entryID, before int64) (*CommentPage, error) {
	var out []*Comment
	q := selectComments(idb, &out).Where("c.org_id = ? AND c.entry_id = ?", orgID, entryID)
	if before > 0 {
		q = q.Where("c.id < ?", before)
	}
	if err := q.OrderExpr("c.id DESC").Limit(CommentPageSize + 1).Scan(ctx); err != nil {
		return nil, err
	}
	p := &CommentPage{}
	if len(out) > CommentPageSize {
		out = out[:CommentPageSize]
		p.Older = out[len(out)-1].ID
	}
	slices.Reverse(out)
	p.Comments = out
	return p, nil
}

// FindComment answers one comment of an answer, as FindComments reads
// it, or ENotFound.
func FindComment(ctx context.Context, idb bun.IDB, orgID, entryID, id int64) (*Comment, error) {
	c := new(Comment)
	err := selectComments(idb, c).Where("c.org_id = ? AND c.entry_id = ? AND c.id = ?", orgID, entryID, id).Scan(ctx)
	if err != nil {
		return nil, db.Err(err, "workbook.error.not_found")
	}
	return c, nil
}

// Comments answers a page of an answer's comments (FindComments) in its
// municipality's scope. The caller has established that the reader may
// read the answer.
func (s *Service) Comments(ctx context.Context, entryOrgID, entryID, before int64) (*CommentPage, error) {
	var out *CommentPage
	err := db.Run(ctx, s.DB, db.OrgScope(entryOrgID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		out, err = FindComments(ctx, idb, entryOrgID, entryID, before)
		return err
	})
	return out, err
}

// Comment answers one comment of an answer (FindComment), as Comments
// does: ENotFound when it is not on that answer.
func (s *Service) Comment(ctx context.Context, entryOrgID, entryID, id int64) (*Comment, error) {
	var out *Comment
	err := db.Run(ctx, s.DB, db.OrgScope(entryOrgID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		out, err = FindComment(ctx, idb, entryOrgID, entryID, id)
		return err
	})
	return out, err
}
