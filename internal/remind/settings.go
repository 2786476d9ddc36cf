package remind

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	netmail "net/mail"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
)

// Settings are an organisation's reminder rules and report days. The zero
// row is never used: Defaults fill an organisation that saved none.
type Settings struct {
	bun.BaseModel `bun:"table:reminder_settings"`

	OrgID int64 `bun:"org_id,pk" json:"-"`
	// BeforeDays are the days before an item is due that its responsible
	// is reminded, «14,3,0» (0: on the day).
	BeforeDays string `bun:"before_days" json:"before_days"`
	// OverdueEvery repeats the reminder every so many days while overdue
	// (0: never).
	OverdueEvery int `bun:"overdue_every" json:"overdue_every"`
	// EscalateAfter tells the item's coordinator or the organisation's
	// editors once an item is so many days overdue (0: never).
	EscalateAfter int `bun:"escalate_after" json:"escalate_after"`
	// StalledAfter tells them when an open item's status has not changed
	// for so many days (0: never).
	StalledAfter int `bun:"stalled_after" json:"stalled_after"`
	// SendHour is the hour, in the organisation's time zone, reminders
	// and reports go out.
	SendHour int `bun:"send_hour" json:"send_hour"`
	// ReportDay is the day of the month the monthly indicator report goes
	// to ReportRecipients (0: not sent).
	ReportDay        int    `bun:"report_day" json:"report_day"`
	ReportRecipients string `bun:"report_recipients" json:"report_recipients"` // one address per line
	// AgendaDays is how many days before a meeting its agenda goes to
	// the council's members.
	AgendaDays int `bun:"agenda_days" json:"agenda_days"`
	// NetworkDays is how many days before a gathering a network's report
	// goes to its members' coordinators.
	NetworkDays int       `bun:"network_days" json:"network_days"`
	UpdatedAt   time.Time `bun:"updated_at" json:"updated_at"`
}

// Defaults are the rules of an organisation that set none: 14 and 3 days
// before, on the day, then weekly while overdue; escalation after 7 days
// overdue or 60 days without a change; at 08:00; agendas 7 days before.
func Defaults(orgID int64) Settings {
	return Settings{OrgID: orgID, BeforeDays: "14,3,0", OverdueEvery: 7, EscalateAfter: 7, StalledAfter: 60,
		SendHour: 8, AgendaDays: 7, NetworkDays: 14}
}

// Before answers BeforeDays as numbers, largest first, without repeats.
func (s Settings) Before() []int {
	var out []int
	for _, f := range strings.Split(s.BeforeDays, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && n >= 0 && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.SortFunc(out, func(a, b int) int { return b - a })
	return out
}

// Recipients answers the report's addresses.
func (s Settings) Recipients() []string {
	var out []string
	for _, l := range strings.FieldsFunc(s.ReportRecipients, func(r rune) bool { return r == '\n' || r == ',' || r == ';' }) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// MaxRecipients bounds the report's committee list.
const MaxRecipients = 20

// Validate checks s and normalises its lists; the error names the field
// (app.EInvalid).
func (s *Settings) Validate() error {
	days := strings.FieldsFunc(s.BeforeDays, func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
	if len(days) > 6 {
		return app.Errorf(app.EInvalid, "remind.error.before_days").WithField("before_days")
	}
	var norm []string
	for _, f := range days {
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 || n > 365 {
			return app.Errorf(app.EInvalid, "remind.error.before_days").WithField("before_days")
		}
		norm = append(norm, strconv.Itoa(n))
	}
	if len(norm) == 0 {
		return app.Errorf(app.EInvalid, "remind.error.before_days").WithField("before_days")
	}
	s.BeforeDays = strings.Join(norm, ",")
	s.BeforeDays = joinInts((&Settings{BeforeDays: s.BeforeDays}).Before())
	for _, c := range []struct {
		field     string
		v, lo, hi int
	}{
		{"overdue_every", s.OverdueEvery, 0, 90}, {"escalate_after", s.EscalateAfter, 0, 365},
		{"stalled_after", s.StalledAfter, 0, 730}, {"send_hour", s.SendHour, 0, 23},
		{"report_day", s.ReportDay, 0, 28}, {"agenda_days", s.AgendaDays, 0, 60}, {"network_days", s.NetworkDays, 0, 60},
	} {
		if c.v < c.lo || c.v > c.hi {
			return app.Errorf(app.EInvalid, "remind.error.range", "min", strconv.Itoa(c.lo), "max", strconv.Itoa(c.hi)).WithField(c.field)
		}
	}
	rs := s.Recipients()
	if len(rs) > MaxRecipients || len(s.ReportRecipients) > 4000 {
		return app.Errorf(app.EInvalid, "remind.error.recipients_many", "max", strconv.Itoa(MaxRecipients)).WithField("report_recipients")
	}
	for i, r := range rs {
		a, err := netmail.ParseAddress(r)
		if err != nil {
			return app.Errorf(app.EInvalid, "remind.error.recipient", "address", r).WithField("report_recipients")
		}
		rs[i] = a.Address
	}
	s.ReportRecipients = strings.Join(rs, "\n")
	if s.ReportDay > 0 && len(rs) == 0 {
		return app.Errorf(app.EInvalid, "remind.error.recipients_none").WithField("report_recipients")
	}
	return nil
}

func joinInts(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}

// LoadSettings answers the organisation's settings, the defaults when it
// saved none; idb must be in its scope (or the system's).
func LoadSettings(ctx context.Context, idb bun.IDB, orgID int64) (Settings, error) {
	s := Settings{}
	err := idb.NewSelect().Model(&s).Where("org_id = ?", orgID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return Defaults(orgID), nil
	}
	return s, err
}

// SaveSettings validates and stores s for its organisation.
func SaveSettings(ctx context.Context, bdb *bun.DB, s Settings, now time.Time) (Settings, error) {
	if err := s.Validate(); err != nil {
		return s, err
	}
	s.UpdatedAt = now
	err := db.RunTx(ctx, bdb, db.OrgScope(s.OrgID), func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewInsert().Model(&s).On("CONFLICT (org_id) DO UPDATE").
			Set("before_days = EXCLUDED.before_days, overdue_every = EXCLUDED.overdue_every, escalate_after = EXCLUDED.escalate_after").
			Set("stalled_after = EXCLUDED.stalled_after, send_hour = EXCLUDED.send_hour, report_day = EXCLUDED.report_day").
			Set("report_recipients = EXCLUDED.report_recipients, agenda_days = EXCLUDED.agenda_days, network_days = EXCLUDED.network_days").
			Set("updated_at = EXCLUDED.updated_at").Exec(ctx)
		return err
	})
	if err != nil {
		return s, fmt.Errorf("remind: save settings: %w", err)
	}
	return s, nil
}

// Closures answers the organisation's holiday weeks, soonest first.
func Closures(ctx context.Context, idb bun.IDB, orgID int64) ([]Closure, error) {
	var out []Closure
	err := idb.NewSelect().TableExpr("reminder_closures").Column("org_id", "id", "name", "starts", "ends").
		Where("org_id = ?", orgID).OrderExpr("starts, id").Scan(ctx, &out)
	return out, err
}

// AddClosure adds a holiday period; ends before starts, or a period of
// more than 62 days, is refused.
func AddClosure(ctx context.Context, bdb *bun.DB, c Closure) (Closure, error) {
	c.Name = strings.TrimSpace(c.Name)
	switch {
	case c.Starts.IsZero() || c.Ends.IsZero():
		return c, app.Errorf(app.EInvalid, "error.date").WithField("starts")
	case Day(c.Ends).Before(Day(c.Starts)):
		return c, app.Errorf(app.EInvalid, "remind.error.closure_order").WithField("ends")
	case Day(c.Ends).Sub(Day(c.Starts)) > 61*24*time.Hour:
		return c, app.Errorf(app.EInvalid, "remind.error.closure_long").WithField("ends")
	case len([]rune(c.Name)) > 200:
		return c, app.Errorf(app.EInvalid, "error.too_long", "max", "200").WithField("name")
	}
	c.Starts, c.Ends = Day(c.Starts), Day(c.Ends)
	err := db.RunTx(ctx, bdb, db.OrgScope(c.OrgID), func(ctx context.Context, tx bun.Tx) error {
		return tx.NewRaw("INSERT INTO reminder_closures (org_id, name, starts, ends) VALUES (?, ?, ?, ?) RETURNING id",
			c.OrgID, c.Name, c.Starts, c.Ends).Scan(ctx, &c.ID)
	})
	return c, err
}

// RemoveClosure removes one of the organisation's holiday periods.
func RemoveClosure(ctx context.Context, bdb *bun.DB, orgID, id int64) error {
	return db.RunTx(ctx, bdb, db.OrgScope(orgID), func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewDelete().TableExpr("reminder_closures").Where("org_id = ? AND id = ?", orgID, id).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return app.Errorf(app.ENotFound, "error.not_found.text")
		}
		return nil
	})
}
