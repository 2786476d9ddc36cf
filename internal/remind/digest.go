package remind

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/mail"
	"github.com/samvirke/samvirke/internal/org"
)

// Digests is the Daily that mails each member what they chose to hear of
// in a digest: on every working day the notifications waiting for the
// daily digest, on the first working day of the week (Monday, unless it
// is a holiday) those waiting for the weekly one. The notifications it
// lists are marked mailed in the transaction that logs the digest and
// hands it to the outbox, so a notification is in one digest only.
type Digests struct{ Service *Service }

// pendingNote is a notification waiting for a digest.
type pendingNote struct {
	ID        int64     `bun:"id"`
	UserID    int64     `bun:"user_id"`
	Kind      string    `bun:"kind"`
	Title     string    `bun:"title"`
	URL       string    `bun:"url"`
	CreatedAt time.Time `bun:"created_at"`
	Mode      string    `bun:"mode"`
}

// digestOf reports whether a pending notification whose kind the user
// set to mode belongs in the weekly digest (weekly) or the daily one:
// everything not weekly goes daily, so a notification whose kind the user
// set back to immediately is not forgotten.
func digestOf(mode string) string {
	if mode == ModeWeekly {
		return ModeWeekly
	}
	return ModeDaily
}

// pending reads the organisation's notifications waiting for a digest,
// of one user when userID is not 0, oldest first.
func pending(ctx context.Context, idb bun.IDB, orgID, userID int64) ([]pendingNote, error) {
	var out []pendingNote
	q := idb.NewSelect().TableExpr("notifications AS n").
		ColumnExpr("n.id, n.user_id, n.kind, n.title, n.url, n.created_at, COALESCE(p.mode, ?) AS mode", ModeImmediate).
		Join("LEFT JOIN notification_prefs AS p ON p.user_id = n.user_id AND p.kind = n.kind").
		Where("n.org_id = ? AND n.mail_pending = ?", orgID, true).OrderExpr("n.created_at, n.id")
	if userID != 0 {
		q = q.Where("n.user_id = ?", userID)
	}
	err := q.Scan(ctx, &out)
	return out, err
}

// firstWorkingOfWeek reports whether day is the first working day of its
// ISO week.
func firstWorkingOfWeek(cal *Calendar, day time.Time) bool {
	if !cal.Working(day) {
		return false
	}
	for d := day.AddDate(0, 0, -1); d.Weekday() != time.Sunday; d = d.AddDate(0, 0, -1) {
		if cal.Working(d) {
			return false
		}
	}
	return true
}

// Daily sends the organisation's digests of day.
func (g Digests) Daily(ctx context.Context, o *org.Organisation, _ Settings, cal *Calendar, day time.Time) error {
	s := g.Service
	day = Day(day)
	if !cal.Working(day) {
		return nil
	}
	var notes []pendingNote
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		notes, err = pending(ctx, idb, o.ID, 0)
		return err
	})
	if err != nil {
		return err
	}
	weekly := firstWorkingOfWeek(cal, day)
	type job struct {
		user int64
		mode string
	}
	var jobs []job
	seen := map[job]bool{}
	for _, n := range notes {
		j := job{n.UserID, digestOf(n.Mode)}
		if (j.mode == ModeWeekly && !weekly) || seen[j] {
			continue
		}
		seen[j] = true
		jobs = append(jobs, j)
	}
	for _, j := range jobs {
		key := "digest:daily:" + strconv.FormatInt(j.user, 10) + ":" + day.Format(time.DateOnly)
		if j.mode == ModeWeekly {
			y, w := day.ISOWeek()
			key = fmt.Sprintf("digest:weekly:%d:%d-W%02d", j.user, y, w)
		}
		if _, err := s.Send(ctx, Send{OrgID: o.ID, Key: key, Kind: KindDigest, Occurrence: day, UserID: j.user, Direct: true,
			URL: PreferencesPath, Compose: s.composeDigest(o, j.user, j.mode, day)}); err != nil {
			return err
		}
	}
	return nil
}

// composeDigest lists the user's notifications waiting for the digest of
// mode and marks them mailed, in Send's transaction.
func (s *Service) composeDigest(o *org.Organisation, userID int64, mode string, day time.Time) func(context.Context, bun.IDB, Recipient) (mail.Message, error) {
	return func(ctx context.Context, idb bun.IDB, r Recipient) (mail.Message, error) {
		all, err := pending(ctx, idb, o.ID, userID)
		if err != nil {
			return mail.Message{}, err
		}
		var ids []int64
		loc := r.Locale
		l := Letter{Greeting: s.t(loc, "remind.mail.greeting", "name", firstNonEmpty(r.Name, r.Email)), Footer: s.Footer(loc)}
		for _, n := range all {
			if digestOf(n.Mode) != mode {
				continue
			}
			ids = append(ids, n.ID)
			note := s.t(loc, "remind_reports.kind."+n.Kind) + " · " + i18n.FormatDate(loc, n.CreatedAt.In(o.Location()))
			ln := Line{Text: n.Title, Note: note}
			if n.URL != "" {
				ln.URL = s.URL(n.URL)
			}
			l.Lines = append(l.Lines, ln)
		}
		if len(ids) == 0 {
			return mail.Message{}, ErrNothingToSend
		}
		if _, err := idb.NewUpdate().TableExpr("notifications").Set("mail_pending = ?", false).
			Where("org_id = ? AND user_id = ? AND id IN (?)", o.ID, userID, bun.In(ids)).Exec(ctx); err != nil {
			return mail.Message{}, err
		}
		date := i18n.FormatDate(loc, day)
		if mode == ModeWeekly {
			_, w := day.ISOWeek()
			l.Subject = s.t(loc, "remind_reports.digest.weekly.subject", "org", o.Name, "week", strconv.Itoa(w))
		} else {
			l.Subject = s.t(loc, "remind_reports.digest.daily.subject", "org", o.Name, "date", date)
		}
		l.Lead = []string{s.plural(loc, "remind_reports.digest.lead", len(ids), "org", o.Name)}
		return l.Message()
	}
}
