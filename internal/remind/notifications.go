package remind

import (
	"context"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
)

// Notification is one message in a person's bell: what Send told them in
// the app.
type Notification struct {
	ID        int64      `bun:"id"`
	Kind      string     `bun:"kind"`
	Rule      string     `bun:"rule"` // a reminder's rule («before:14»); "" for other kinds
	Title     string     `bun:"title"`
	URL       string     `bun:"url"`
	CreatedAt time.Time  `bun:"created_at"`
	ReadAt    *time.Time `bun:"read_at"`
}

// Unread reports whether n is not read yet.
func (n Notification) Unread() bool { return n.ReadAt == nil }

// NotificationsPerPage is how many notifications a page lists.
const NotificationsPerPage = 50

// Unread counts userID's unread notifications in orgID: the bell's figure
// on every page, so one statement on the partial index
// notifications_unread, outside a scope's transaction (on PostgreSQL
// through samvirke_unread_notifications, which reads only these rows).
func (s *Service) Unread(ctx context.Context, orgID, userID int64) (int, error) {
	var n int
	err := db.RunBare(ctx, s.DB, func(ctx context.Context, idb bun.IDB) error {
		if idb.Dialect().Name() == dialect.PG {
			return idb.NewRaw("SELECT samvirke_unread_notifications(?, ?)", orgID, userID).Scan(ctx, &n)
		}
		return idb.NewRaw("SELECT count(*) FROM notifications WHERE org_id = ? AND user_id = ? AND read_at IS NULL", orgID, userID).Scan(ctx, &n)
	})
	return n, err
}

// Notifications answers page (from 1) of userID's notifications in orgID,
// newest first, and how many they have in all.
func (s *Service) Notifications(ctx context.Context, orgID, userID int64, page int) ([]Notification, int, error) {
	if page < 1 {
		page = 1
	}
	var out []Notification
	var total int
	err := db.Run(ctx, s.DB, db.OrgScope(orgID), func(ctx context.Context, idb bun.IDB) error {
		if err := idb.NewRaw("SELECT count(*) FROM notifications WHERE org_id = ? AND user_id = ?", orgID, userID).Scan(ctx, &total); err != nil {
			return err
		}
		return idb.NewRaw(`SELECT id, kind, rule, title, url, created_at, read_at FROM notifications WHERE org_id = ? AND user_id = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
			orgID, userID, NotificationsPerPage, (page-1)*NotificationsPerPage).Scan(ctx, &out)
	})
	return out, total, err
}

// MarkRead marks notification id of userID in orgID read and answers it
// (its URL, where the reader goes next). Someone else's notification, or
// one of another organisation, is not found.
func (s *Service) MarkRead(ctx context.Context, orgID, userID, id int64) (Notification, error) {
	var n []Notification
	err := db.RunTx(ctx, s.DB, db.OrgScope(orgID), func(ctx context.Context, tx bun.Tx) error {
		if err := tx.NewRaw(`SELECT id, kind, rule, title, url, created_at, read_at FROM notifications WHERE org_id = ? AND user_id = ? AND id = ?`, orgID, userID, id).Scan(ctx, &n); err != nil {
			return err
		}
		if len(n) == 0 {
			return app.Errorf(app.ENotFound, "error.not_found.text")
		}
		if n[0].ReadAt != nil {
			return nil
		}
		now := s.Clock.Now()
		n[0].ReadAt = &now
		_, err := tx.NewRaw("UPDATE notifications SET read_at = ?, mail_pending = FALSE WHERE org_id = ? AND user_id = ? AND id = ? AND read_at IS NULL",
			now, orgID, userID, id).Exec(ctx)
		return err
	})
	if err != nil {
		return Notification{}, err
	}
	return n[0], nil
}

// MarkAllRead marks every notification of userID in orgID read and
// answers how many were unread.
func (s *Service) MarkAllRead(ctx context.Context, orgID, userID int64) (int, error) {
	var n int64
	err := db.RunTx(ctx, s.DB, db.OrgScope(orgID), func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewRaw("UPDATE notifications SET read_at = ?, mail_pending = FALSE WHERE org_id = ? AND user_id = ? AND read_at IS NULL",
			s.Clock.Now(), orgID, userID).Exec(ctx)
		if err == nil {
			n, _ = res.RowsAffected()
		}
		return err
	})
	return int(n), err
}
