package workbook

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/mail"
	"github.com/samvirke/samvirke/internal/ratelimit"
)

// Comment is a remark on an answer. It belongs to the answer's
// municipality, which may hide it (HideComment): a hidden comment is read
// without its text.
type Comment struct {
	bun.BaseModel `bun:"table:workbook_comments,alias:c"`
	OrgID         int64      `bun:",notnull" json:"-"`
	ID            int64      `bun:",pk,autoincrement" json:"id"`
	EntryID       int64      `json:"entry_id"`
	AuthorID      *int64     `json:"author_id,omitempty"`
	AuthorOrgID   *int64     `json:"author_org_id,omitempty"`
	AuthorName    string     `json:"author"`
	Body          string     `json:"body,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	HiddenAt      *time.Time `json:"hidden_at,omitempty"`
	HiddenBy      *int64     `json:"-"`
	// AuthorOrgName is the name of the author's organisation today, read
	// from AuthorOrgID: never from anything the author typed. "" when the
	// author acted for no organisation or it no longer exists.
	AuthorOrgName string `bun:",scanonly" json:"author_org,omitempty"`
}

// Hidden reports whether the answer's municipality has hidden c.
func (c *Comment) Hidden() bool { return c.HiddenAt != nil }

// MaxCommentLen bounds a comment, in characters.
const MaxCommentLen = 4000

// Comment limits, counted before a comment is written: per author, and per
// pair of organisations when the author writes on another organisation's
// answer (so that one organisation's many accounts cannot flood another's).
var (
	CommentsPerMinute   = ratelimit.Limit{Name: "comment.user.minute", Max: 10, Window: time.Minute}
	CommentsPerDay      = ratelimit.Limit{Name: "comment.user.day", Max: 200, Window: 24 * time.Hour}
	CommentsOrgPairHour = ratelimit.Limit{Name: "comment.org_pair.hour", Max: 100, Window: time.Hour}
)

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

// Notifier tells mentioned people by e-mail, through the outbox: the mail
// is written in the comment's transaction and sent after it commits.
type Notifier struct {
	Outbox Outbox
	Text   func(locale, key string, args ...any) string
}

// Outbox keeps a message to send once the transaction idb commits;
// internal/outbox is one.
type Outbox interface {
	Add(ctx context.Context, idb bun.IDB, kind string, m mail.Message) error
}

// AddComment adds a comment to a municipality's answer. The caller has
// established that the author may read the answer (a member, or a peer or
// coordinator of a network it shares the answer with). The comment belongs
// to the answer's municipality. People mentioned as @address who are
// members of that municipality are told by e-mail with a link (link is the
// answer's page for them).
//
// It answers whom it told only to an author of the answer's own
// municipality: to anyone else it answers nobody, so that a comment cannot
// probe which addresses are members of another organisation.
//
// Errors: EInvalid (field "body") for an empty or too long comment;
// ETooMany (field "body", with retry_after) when the author, or the
// author's organisation on this municipality's answers, wrote too many
// comments lately; ENotFound for an unknown answer.
func (s *Service) AddComment(ctx context.Context, entryOrgID, entryID int64, a *app.Actor, authorOrgID int64, body, link string) (*Comment, []string, error) {
	// A browser sends line breaks as CRLF but counts them as one character.
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	switch {
	case body == "":
		return nil, nil, app.Errorf(app.EInvalid, "error.required").WithField("body")
	case utf8.RuneCountInString(body) > MaxCommentLen:
		return nil, nil, app.Errorf(app.EInvalid, "workbook.error.comment_long", "max", MaxCommentLen).WithField("body")
	}
	if err := s.takeCommentLimits(ctx, a, authorOrgID, entryOrgID); err != nil {
		return nil, nil, err
	}
	c := &Comment{OrgID: entryOrgID, EntryID: entryID, AuthorName: authorName(a), Body: body, CreatedAt: s.Clock.Now()}
	if a.UserID != 0 {
		c.AuthorID = &a.UserID
	}
	if authorOrgID != 0 {
		c.AuthorOrgID = &authorOrgID
	}
	var emails []string
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
			if err != nil {
				continue // not a member: nobody to tell, and nothing said about it
			}
			loc := r.Locale
			if loc == "" {
				loc = "nb"
			}
			if s.Notify.Outbox != nil {
				err := s.Notify.Outbox.Add(ctx, tx, "workbook.mention", mail.Message{To: []string{r.Email},
					Subject: s.Notify.Text(loc, "mail.mention.subject", "name", c.AuthorName),
					Text:    s.Notify.Text(loc, "mail.mention.body", "name", c.AuthorName, "comment", body, "link", link)})
				if err != nil {
					return err
				}
			}
			emails = append(emails, r.Email)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if authorOrgID != entryOrgID {
		emails = nil
	}
	return c, emails, nil
}

// takeCommentLimits counts one comment against the author's limits and,
// on another organisation's answer, against the pair of organisations.
// It runs before, never inside, the comment's transaction.
func (s *Service) takeCommentLimits(ctx context.Context, a *app.Actor, authorOrgID, entryOrgID int64) error {
	if s.Limits == nil {
		return fmt.Errorf("workbook: no limiter for comments")
	}
	var takes []ratelimit.Keyed
	if a.UserID != 0 {
		user := fmt.Sprint("user:", a.UserID)
		takes = append(takes, ratelimit.Keyed{Limit: CommentsPerMinute, Key: user}, ratelimit.Keyed{Limit: CommentsPerDay, Key: user})
	}
	if authorOrgID != 0 && authorOrgID != entryOrgID {
		takes = append(takes, ratelimit.Keyed{Limit: CommentsOrgPairHour, Key: fmt.Sprintf("org:%d>%d", authorOrgID, entryOrgID)})
	}
	taken, err := s.Limits.TakeAll(ctx, takes...)
	if err != nil && len(taken) > 0 {
		// The last event counted is the refused one: say which limit.
		return commentLimitError(err, commentLimitKeys[taken[len(taken)-1].Name])
	}
	return err
}

// commentLimitKeys are the translation keys of the comment limits'
// refusals, by limit name.
var commentLimitKeys = map[string]string{
	CommentsPerMinute.Name:   "workbook.error.too_many_comments",
	CommentsPerDay.Name:      "workbook.error.too_many_comments_today",
	CommentsOrgPairHour.Name: "workbook.error.too_many_comments_org",
}

// commentLimitError says a limiter's refusal in the comment form's words
// (key), keeping its wait (Args: retry_after for the Retry-After header,
// minutes, and hours rounded up).
func commentLimitError(err error, key string) error {
	ae := app.AsError(err)
	if ae == nil || ae.Code != app.ETooMany {
		return err
	}
	e := *ae
	e.Key, e.Field, e.Args = key, "body", map[string]any{}
	for k, v := range ae.Args {
		e.Args[k] = v
	}
	if m, ok := ae.Args["minutes"].(int); ok {
		e.Args["hours"] = (m + 59) / 60
	}
	return &e
}
