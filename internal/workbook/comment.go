package workbook

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/mail"
)

// Comment is a remark on an answer.
type Comment struct {
	bun.BaseModel `bun:"table:workbook_comments"`
	OrgID         int64     `bun:",notnull" json:"-"`
	ID            int64     `bun:",pk,autoincrement" json:"id"`
	EntryID       int64     `json:"entry_id"`
	AuthorID      *int64    `json:"author_id,omitempty"`
	AuthorOrgID   *int64    `json:"author_org_id,omitempty"`
	AuthorName    string    `json:"author"`
	Body          string    `json:"body"`
	CreatedAt     time.Time `json:"created_at"`
}

// MaxCommentLen bounds a comment.
const MaxCommentLen = 4000

var mentionRE = regexp.MustCompile(`@([A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,})`)

// Mentions answers the addresses mentioned as @address in body.
func Mentions(body string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range mentionRE.FindAllStringSubmatch(body, -1) {
		a := strings.ToLower(m[1])
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out
}

// Notifier tells mentioned people; the Service uses e-mail.
type Notifier struct {
	Mail mail.Sender
	Text func(locale, key string, args ...any) string
}

// AddComment adds a comment to a municipality's answer. The caller has
// established that the author may read the answer (a member, or a peer or
// coordinator of a network it shares the answer with). The comment belongs
// to the answer's municipality. People mentioned as @address who are
// members of that municipality are told by e-mail with a link (link is the
// answer's page for them); it answers whom it told.
func (s *Service) AddComment(ctx context.Context, entryOrgID, entryID int64, a *app.Actor, authorOrgID int64, body, link string) (*Comment, []string, error) {
	body = strings.TrimSpace(body)
	switch {
	case body == "":
		return nil, nil, app.Errorf(app.EInvalid, "error.required").WithField("body")
	case utf8.RuneCountInString(body) > MaxCommentLen:
		return nil, nil, app.Errorf(app.EInvalid, "workbook.error.comment_long", "max", MaxCommentLen).WithField("body")
	}
	c := &Comment{OrgID: entryOrgID, EntryID: entryID, AuthorName: authorName(a), Body: body, CreatedAt: s.Clock.Now()}
	if a.UserID != 0 {
		c.AuthorID = &a.UserID
	}
	if authorOrgID != 0 {
		c.AuthorOrgID = &authorOrgID
	}
	type recipient struct{ email, locale string }
	var told []recipient
	err := db.RunTx(ctx, s.DB, db.OrgScope(entryOrgID), func(ctx context.Context, tx bun.Tx) error {
		if _, err := FindEntry(ctx, tx, entryOrgID, entryID); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(c).Exec(ctx); err != nil {
			return err
		}
		for _, addr := range Mentions(body) {
			var r struct {
				Email, Locale string
			}
			err := tx.NewSelect().ColumnExpr("u.email, u.locale").TableExpr("users AS u").
				Join("JOIN memberships AS m ON m.user_id = u.id").
				Where("m.org_id = ? AND lower(u.email) = ?", entryOrgID, addr).Limit(1).Scan(ctx, &r)
			if err == nil {
				told = append(told, recipient{r.Email, r.Locale})
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	var emails []string
	for _, r := range told {
		loc := r.locale
		if loc == "" {
			loc = "nb"
		}
		if s.Notify.Mail != nil {
			err := s.Notify.Mail.Send(ctx, mail.Message{To: []string{r.email},
				Subject: s.Notify.Text(loc, "mail.mention.subject", "name", c.AuthorName),
				Text:    s.Notify.Text(loc, "mail.mention.body", "name", c.AuthorName, "comment", body, "link", link)})
			if err != nil {
				return c, emails, err
			}
		}
		emails = append(emails, r.email)
	}
	return c, emails, nil
}

// FindComments lists an answer's comments, oldest first.
func FindComments(ctx context.Context, idb bun.IDB, orgID, entryID int64) ([]*Comment, error) {
	var out []*Comment
	err := idb.NewSelect().Model(&out).Where("org_id = ? AND entry_id = ?", orgID, entryID).OrderExpr("created_at, id").Scan(ctx)
	return out, err
}
