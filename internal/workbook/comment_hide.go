package workbook

import (
	"context"
	"strconv"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// HideComment hides a comment on o's answer entryID (hide) or shows it
// again. Only the answer's municipality moderates its comments: the caller
// has checked that the actor may moderate in o (authz.CommentModerate),
// and a comment that is not on o's answer is ENotFound. A hidden comment
// keeps its text in the database, but no page or API serves it any more;
// everyone sees that o hid it and when. Both are recorded in o's audit log;
// hiding a hidden comment, or showing a shown one, changes nothing.
func (s *Service) HideComment(ctx context.Context, o *org.Organisation, a *app.Actor, entryID, commentID int64, hide bool) (*Comment, error) {
	var out *Comment
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		c, err := FindComment(ctx, tx, o.ID, entryID, commentID)
		if err != nil {
			return err
		}
		out = c
		if c.Hidden() == hide {
			return nil
		}
		q := tx.NewUpdate().Table("workbook_comments").Where("org_id = ? AND id = ?", o.ID, c.ID)
		action := audit.CommentShown
		if hide {
			now := s.Clock.Now()
			var by *int64
			if a.UserID != 0 {
				by = &a.UserID
			}
			q = q.Set("hidden_at = ?", now).Set("hidden_by = ?", by)
			c.HiddenAt, c.HiddenBy, c.Body = &now, by, ""
			action = audit.CommentHidden
		} else {
			q = q.Set("hidden_at = NULL").Set("hidden_by = NULL")
			c.HiddenAt, c.HiddenBy = nil, nil
		}
		if _, err := q.Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, action, c.AuthorName, map[string]string{
			"comment": strconv.FormatInt(c.ID, 10), "entry": strconv.FormatInt(entryID, 10), "author_org": c.AuthorOrgName,
		}, s.Clock.Now())
	})
	return out, err
}
