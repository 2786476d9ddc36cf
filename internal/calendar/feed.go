package calendar

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/due"
	"github.com/samvirke/samvirke/internal/ical"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/ratelimit"
)

// Feed is a person's secret calendar address; only its token's hash is
// kept, so the address is shown once, when it is made.
type Feed struct {
	bun.BaseModel `bun:"table:calendar_feeds"`
	ID            int64      `bun:",pk,autoincrement"`
	UserID        int64      `bun:",notnull"`
	TokenHash     string     `bun:",notnull"`
	CreatedAt     time.Time  `bun:",notnull"`
	RevokedAt     *time.Time `bun:"revoked_at"`
	LastUsedAt    *time.Time `bun:"last_used_at"`
}

// The feed's reach, from today.
const (
	FeedBack  = 60 * 24 * time.Hour  // what was due up to 60 days ago
	FeedAhead = 365 * 24 * time.Hour // and what is due within a year
)

// MaxFeeds is how many live feeds one person may have.
const MaxFeeds = 10

// FeedLimit bounds how often one client address may fetch feeds: a
// calendar program asks every 15 minutes to a few hours, so this leaves
// room for a whole office behind one address while a guesser of tokens
// is stopped.
var FeedLimit = ratelimit.Limit{Name: "calendar_feed.client", Max: 300, Window: time.Hour}

// tokenLen is the length of a token: 32 random bytes in unpadded base64url.
const tokenLen = 43

// hashToken answers what is stored of a token.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateFeed makes a new feed for user userID and answers its token (the
// one time it is known) and the feed. More than MaxFeeds live feeds is
// app.EConflict.
func (s *Service) CreateFeed(ctx context.Context, userID int64) (string, *Feed, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	f := &Feed{UserID: userID, TokenHash: hashToken(token), CreatedAt: s.now()}
	err := db.RunTx(ctx, s.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		n, err := tx.NewSelect().Model((*Feed)(nil)).Where("user_id = ? AND revoked_at IS NULL", userID).Count(ctx)
		if err != nil {
			return err
		}
		if n >= MaxFeeds {
			return app.Errorf(app.EConflict, "calendar.error.too_many_feeds", "max", MaxFeeds)
		}
		_, err = tx.NewInsert().Model(f).Returning("id").Exec(ctx)
		return err
	})
	if err != nil {
		return "", nil, err
	}
	return token, f, nil
}

// Feeds answers user userID's live feeds, newest first.
func (s *Service) Feeds(ctx context.Context, userID int64) ([]*Feed, error) {
	var out []*Feed
	err := db.Run(ctx, s.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Model(&out).Where("user_id = ? AND revoked_at IS NULL", userID).OrderExpr("created_at DESC, id DESC").
			Limit(MaxFeeds * 2).Scan(ctx)
	})
	return out, err
}

// RevokeFeed ends user userID's feed id: its address answers 404 from
// now on. It reports whether there was such a live feed of theirs.
func (s *Service) RevokeFeed(ctx context.Context, userID, id int64) (bool, error) {
	var n int64
	err := db.RunTx(ctx, s.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*Feed)(nil)).Set("revoked_at = ?", s.now()).
			Where("id = ? AND user_id = ? AND revoked_at IS NULL", id, userID).Exec(ctx)
		if err == nil {
			n, err = res.RowsAffected()
		}
		return err
	})
	return n > 0, err
}

// FeedCalendar answers the calendar the feed with token serves, fetched
// by client (an address, for FeedLimit): its owner's open due items in
// every organisation they belong to (as on "My work") from FeedBack ago
// to FeedAhead, as all-day events, and the meetings of the councils they
// are members of, at their times. An organisation that requires a second
// factor is left out while its member has none (as API tokens are
// refused). An unknown or revoked token, or a disabled user, is
// app.ENotFound.
func (s *Service) FeedCalendar(ctx context.Context, token, client string) (*ical.Calendar, error) {
	if s.Limits != nil {
		if err := s.Limits.Take(ctx, FeedLimit, client); err != nil {
			return nil, err
		}
	}
	notFound := app.Errorf(app.ENotFound, "error.not_found.text")
	if len(token) != tokenLen || strings.Trim(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
		return nil, notFound
	}
	now := s.now()
	var (
		f  = new(Feed)
		u  *account.User
		ms []*account.Membership
	)
	err := db.Run(ctx, s.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		if err := idb.NewSelect().Model(f).Where("token_hash = ? AND revoked_at IS NULL", hashToken(token)).Scan(ctx); err != nil {
			return db.Err(err, "error.not_found.text")
		}
		var err error
		if u, err = account.FindUserByID(ctx, idb, f.UserID); err != nil {
			return err
		}
		if u.DisabledAt != nil {
			return notFound
		}
		all, err := account.FindUserMemberships(ctx, idb, u.ID)
		for _, m := range all {
			// As with API tokens: an organisation that requires a
			// second factor gives nothing to a feed of someone without.
			if m.Org.RequireSecondFactor && u.TOTPEnabledAt == nil {
				continue
			}
			ms = append(ms, m)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if f.LastUsedAt == nil || now.Sub(*f.LastUsedAt) > time.Hour {
		err := db.RunTx(ctx, s.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.NewUpdate().Model((*Feed)(nil)).Set("last_used_at = ?", now).Where("id = ?", f.ID).Exec(ctx)
			return err
		})
		if err != nil {
			return nil, err
		}
	}

	locale := u.Locale
	zones := map[string]bool{}
	for _, m := range ms {
		zones[m.Org.Location().String()] = true
		if locale == "" {
			locale = m.Org.Locale
		}
	}
	t := func(key string, args ...any) string {
		if s.Text == nil {
			return key
		}
		return s.Text(locale, key, args...)
	}
	cal := &ical.Calendar{Name: t("calendar.feed.calname", "name", u.Name), Stamp: now}
	if len(zones) == 1 && len(ms) > 0 {
		if loc := ms[0].Org.Location(); loc != time.UTC && loc.String() != "UTC" && loc.String() != "Local" && loc.String() != "" {
			cal.Location = loc
		}
	}
	base := strings.TrimRight(s.BaseURL, "/")
	from, to := now.Add(-FeedBack), now.Add(FeedAhead)
	for _, m := range ms {
		o := m.Org
		err := org.RunRead(ctx, s.DB, o, now, func(ctx context.Context, idb bun.IDB) error {
			if s.Due != nil {
				items, err := s.Due.Items(ctx, idb, due.Query{OrgID: o.ID, OrgSlug: o.Slug, ResponsibleID: u.ID, OpenOnly: true, Until: to})
				if err != nil {
					return err
				}
				seen := map[string]bool{}
				for _, it := range items {
					if Day(it.Due, time.UTC).Before(Day(from, time.UTC)) || it.Key == "" || seen[it.Key] {
						continue
					}
					seen[it.Key] = true
					desc := it.Context
					if it.DueText != "" {
						desc = strings.TrimSpace(desc + "\n" + it.DueText)
					}
					cal.Events = append(cal.Events, ical.Event{UID: it.Key + "@" + o.Slug + ".samvirke", Start: Day(it.Due, time.UTC), AllDay: true,
						Summary: it.Title, Description: strings.TrimSpace(desc + "\n" + o.Name), URL: base + it.URL, Status: ical.StatusConfirmed})
				}
			}
			if o.Kind != org.KindMunicipality {
				return nil
			}
			meetings, err := council.MeetingsBetween(ctx, idb, o.ID, from, to, u.ID)
			if err != nil {
				return err
			}
			for _, mt := range meetings {
				ev := mt.CalendarEvent(o.Slug, mt.Council, mt.Council.Name+" – "+t("calendar.feed.meeting"), base+"/o/"+o.Slug+"/"+mt.Path())
				ev.Description = o.Name
				cal.Events = append(cal.Events, ev)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return cal, nil
}
