package remind

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
)

// Sent is one line of an organisation's send log: what was sent to whom
// and when.
type Sent struct {
	ID        int64     `bun:"id"`
	SentAt    time.Time `bun:"sent_at"`
	Kind      string    `bun:"kind"`
	Rule      string    `bun:"rule"`
	Title     string    `bun:"title"`
	URL       string    `bun:"url"`
	Channel   string    `bun:"channel"`
	UserName  string    `bun:"user_name"` // "" when sent to an address that is no user's
	Address   string    `bun:"address"`   // the e-mail address it went to
	MessageID string    `bun:"message_id"`
}

// SendLogFilter narrows the send log.
type SendLogFilter struct {
	Kind  string // one of Kinds; "" = all
	Query string // part of the recipient's name or address, or of the title
	// Limit and Offset page the log (newest first).
	Limit, Offset int
}

// MaxSendLogQuery bounds the search text of the send log.
const MaxSendLogQuery = 200

// SendLog answers a page of what was sent for orgID, newest first, and
// how many lines match in all.
func (s *Service) SendLog(ctx context.Context, orgID int64, f SendLogFilter) ([]Sent, int, error) {
	if f.Kind != "" && !slices.Contains(Kinds, f.Kind) {
		return nil, 0, fmt.Errorf("remind: send log: unknown kind %q", f.Kind)
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	q := strings.ToLower(strings.TrimSpace(f.Query))
	if len(q) > MaxSendLogQuery {
		q = q[:MaxSendLogQuery]
	}
	var out []Sent
	total := 0
	err := db.Run(ctx, s.DB, db.OrgScope(orgID), func(ctx context.Context, idb bun.IDB) error {
		sel := idb.NewSelect().TableExpr("reminder_sends AS rs").
			Join("LEFT JOIN users AS u ON u.id = rs.user_id").
			Where("rs.org_id = ?", orgID)
		if f.Kind != "" {
			sel = sel.Where("rs.kind = ?", f.Kind)
		}
		if q != "" {
			like := "%" + escapeLike(q) + "%"
			sel = sel.Where(`(LOWER(rs.address) LIKE ? ESCAPE '\' OR LOWER(rs.title) LIKE ? ESCAPE '\' OR LOWER(COALESCE(u.name, '')) LIKE ? ESCAPE '\')`, like, like, like)
		}
		n, err := sel.Count(ctx)
		if err != nil {
			return err
		}
		total = int(n)
		return sel.ColumnExpr("rs.id, rs.sent_at, rs.kind, rs.rule, rs.title, rs.url, rs.channel, rs.address, rs.message_id").
			ColumnExpr("COALESCE(u.name, '') AS user_name").
			OrderExpr("rs.sent_at DESC, rs.id DESC").Limit(int64(f.Limit)).Offset(int64(f.Offset)).Scan(ctx, &out)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("remind: send log: %w", err)
	}
	return out, total, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
