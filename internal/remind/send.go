// Package remind makes sure the right person hears about the right thing
// at the right time, once: reminders before and after what they must
// finish by a day (every capability's due items, read through package
// due), escalations when an item stays overdue or stalls, agendas and
// minutes to council members, the monthly indicator report to a
// committee, a network's report before a gathering, and digests.
//
// Everything a person is sent goes through Send: one row in the send log
// (reminder_sends), keyed by what, which rule, which occurrence and to
// whom, written in the same transaction as the in-app notification and
// the message handed to the outbox. A second Send of the same key finds
// the row and does nothing, so a retried task, a second worker or a
// restarted scheduler never sends the same thing twice; the outbox sends
// the message after the commit with a Message-ID derived from the key.
package remind

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/due"
	"github.com/samvirke/samvirke/internal/mail"
	"github.com/samvirke/samvirke/internal/outbox"
	"github.com/samvirke/samvirke/internal/queue"
)

// Kinds of message; each is a preference a person sets.
const (
	KindReminder      = "reminder"
	KindEscalation    = "escalation"
	KindAgenda        = "agenda"
	KindMinutes       = "minutes"
	KindReport        = "report"
	KindNetworkReport = "network_report"
	KindDigest        = "digest" // the daily and weekly summaries of notifications
)

// Kinds are the kinds in the order the preferences page lists them.
var Kinds = []string{KindReminder, KindEscalation, KindAgenda, KindMinutes, KindReport, KindNetworkReport, KindDigest}

// Modes of delivery a person chooses per kind.
const (
	ModeImmediate = "immediate" // an e-mail at once
	ModeDaily     = "daily"     // in the daily digest
	ModeWeekly    = "weekly"    // in Monday's digest
	ModeOff       = "off"       // in the app only
)

// Channels of the send log.
const (
	ChannelMail   = "mail"
	ChannelApp    = "app"
	ChannelDigest = "digest"
)

// Service is the reminder engine. Set the fields, then use it from any
// goroutine.
type Service struct {
	DB     *bun.DB
	Due    *due.Registry
	Queue  queue.Enqueuer
	Outbox *outbox.Outbox
	Clock  app.Clock
	Log    *slog.Logger
	// Text is the translation catalogue (i18n.Catalog.T).
	Text func(locale, key string, args ...any) string
	// BaseURL makes the links in messages absolute («https://samvirke.no»);
	// set once the process knows it.
	BaseURL string
	// Enqueuers is how many goroutines enqueue a plan's deliveries
	// (default 8).
	Enqueuers int
}

// Recipient is whom a message goes to, in their language.
type Recipient struct {
	UserID int64 // 0 for an address that is no user's
	Name   string
	Email  string
	Locale string
	Mode   string // the person's choice for the kind (ModeImmediate for an address)
}

// Send is one thing to tell one recipient.
type Send struct {
	OrgID int64
	// Key is unique within the organisation: what, rule, occurrence and
	// recipient. A Send with a key already in the log does nothing.
	Key        string
	Kind       string
	ItemKey    string
	Rule       string
	Occurrence time.Time
	// UserID is the recipient when a user (a notification in the app;
	// their preferences apply) ...
	UserID int64
	// ... Address when not (a committee's list): mailed at once.
	Address string
	// Title and URL (an app path, «/o/slug/…») are what the log and the
	// notification show.
	Title string
	URL   string
	// Compose makes the e-mail in r's language; To, ID and
	// ListUnsubscribe are filled in by Send. It runs inside Send's
	// transaction, only when the message is due.
	Compose func(ctx context.Context, idb bun.IDB, r Recipient) (mail.Message, error)
	// Direct mails a user at once whatever they chose for the kind, with
	// no notification in the app: a digest, which is the mail of what
	// they chose to hear of later. A user who chose «off» for the kind is
	// sent nothing.
	Direct bool
	// AppOnly tells a user in the app alone (the bell and the send log),
	// whatever they chose: the demo's first morning.
	AppOnly bool
}

// MessageID answers the Message-ID's local part of the send with key in
// org: the same for every attempt.
func MessageID(orgID int64, key string) string {
	h := sha256.Sum256([]byte(strconv.FormatInt(orgID, 10) + "\x00" + key))
	return "samvirke." + hex.EncodeToString(h[:12])
}

// Send delivers x once: it writes the send log's row, the recipient's
// notification and (unless they chose a digest or the app only) the
// e-mail into the outbox, all in one transaction, and answers whether it
// did. A key already in the log, a user who is gone, disabled or no
// longer a member answer false and write nothing.
func (s *Service) Send(ctx context.Context, x Send) (bool, error) {
	if x.OrgID == 0 || x.Key == "" || (x.UserID == 0 && x.Address == "") {
		return false, fmt.Errorf("remind: send: org, key and recipient are required")
	}
	sent := false
	err := db.RunTx(ctx, s.DB, db.OrgScope(x.OrgID), func(ctx context.Context, tx bun.Tx) error {
		sent = false
		done, err := tx.NewSelect().TableExpr("reminder_sends").Where("org_id = ? AND key = ?", x.OrgID, x.Key).Exists(ctx)
		if err != nil || done {
			return err
		}
		r, ok, err := s.recipient(ctx, tx, x)
		if err != nil || !ok {
			return err
		}
		channel := ChannelMail
		switch {
		case x.Direct && r.Mode == ModeOff:
			return nil
		case x.AppOnly && x.UserID != 0:
			channel = ChannelApp
		case x.Direct:
		case r.Mode == ModeDaily, r.Mode == ModeWeekly:
			channel = ChannelDigest
		case r.Mode == ModeOff:
			channel = ChannelApp
		}
		msgID := MessageID(x.OrgID, x.Key)
		var occ *time.Time
		if !x.Occurrence.IsZero() {
			d := Day(x.Occurrence)
			occ = &d
		}
		var uid *int64
		if x.UserID != 0 {
			uid = &x.UserID
		}
		now := s.Clock.Now()
		var ids []int64
		err = tx.NewRaw(`INSERT INTO reminder_sends (org_id, key, kind, item_key, rule, occurrence, user_id, address, title, url, channel, message_id, sent_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org_id, key) DO NOTHING RETURNING id`,
			x.OrgID, x.Key, x.Kind, x.ItemKey, x.Rule, occ, uid, r.Email, clip(x.Title, 1000), x.URL, channel, msgID, now).Scan(ctx, &ids)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if len(ids) == 0 {
			return nil // another worker logged it first
		}
		if x.UserID != 0 && !x.Direct {
			if _, err := tx.NewRaw(`INSERT INTO notifications (org_id, user_id, kind, rule, title, url, created_at, mail_pending)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, x.OrgID, x.UserID, x.Kind, clip(x.Rule, 100), clip(x.Title, 1000), x.URL, now, channel == ChannelDigest).Exec(ctx); err != nil {
				return err
			}
		}
		if channel == ChannelMail {
			m, err := x.Compose(ctx, tx, r)
			if err != nil {
				return err
			}
			m.To = []string{r.Email}
			m.ID = msgID
			if x.UserID != 0 && s.BaseURL != "" {
				m.ListUnsubscribe = s.BaseURL + PreferencesPath
			}
			if err := s.Outbox.Add(ctx, tx, "remind."+x.Kind, m); err != nil {
				return err
			}
		}
		sent = true
		return nil
	})
	if errors.Is(err, ErrNothingToSend) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("remind: send %s: %w", x.Kind, err)
	}
	return sent, nil
}

// ErrNothingToSend, answered by a Compose, leaves the send unmade: the
// transaction is rolled back and Send answers false (a digest whose
// notifications another worker mailed meanwhile).
var ErrNothingToSend = errors.New("remind: nothing to send")

// PreferencesPath is the page where a person chooses what they are sent.
const PreferencesPath = "/account/notifications"

// recipient reads whom x goes to: a user who is an active member of the
// organisation, with their choice for the kind, or the bare address.
func (s *Service) recipient(ctx context.Context, idb bun.IDB, x Send) (Recipient, bool, error) {
	if x.UserID == 0 {
		var loc []string
		if err := idb.NewRaw("SELECT locale FROM organisations WHERE id = ?", x.OrgID).Scan(ctx, &loc); err != nil {
			return Recipient{}, false, err
		}
		r := Recipient{Email: x.Address, Mode: ModeImmediate, Locale: "nb"}
		if len(loc) > 0 && loc[0] != "" {
			r.Locale = loc[0]
		}
		return r, true, nil
	}
	var rows []struct {
		Name, Email, Locale, OrgLocale string
		Mode                           sql.NullString
	}
	err := idb.NewRaw(`SELECT u.name, u.email, u.locale, o.locale AS org_locale, p.mode
		FROM memberships AS m JOIN users AS u ON u.id = m.user_id JOIN organisations AS o ON o.id = m.org_id
		LEFT JOIN notification_prefs AS p ON p.user_id = u.id AND p.kind = ? WHERE m.org_id = ? AND m.user_id = ? AND u.disabled_at IS NULL`, x.Kind, x.OrgID, x.UserID).Scan(ctx, &rows)
	if err != nil || len(rows) == 0 {
		return Recipient{}, false, err
	}
	u := rows[0]
	r := Recipient{UserID: x.UserID, Name: u.Name, Email: u.Email, Locale: u.Locale, Mode: ModeImmediate}
	if r.Locale == "" {
		r.Locale = u.OrgLocale
	}
	if u.Mode.Valid {
		r.Mode = u.Mode.String
	}
	return r, true, nil
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
