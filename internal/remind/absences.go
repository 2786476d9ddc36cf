package remind

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
)

// Absence is a period a person is away in one organisation; the
// reminders due to them meanwhile go to their delegate (engine.go reads
// the table absences: org_id, user_id, delegate_id, starts, ends).
type Absence struct {
	ID           int64     `bun:"id"`
	OrgID        int64     `bun:"org_id"`
	UserID       int64     `bun:"user_id"`
	DelegateID   *int64    `bun:"delegate_id"`
	DelegateName string    `bun:"delegate_name"` // name, or address when nameless; "" when the delegate is gone
	Starts       time.Time `bun:"starts"`
	Ends         time.Time `bun:"ends"`
}

// Person is a member one may name as delegate.
type Person struct {
	UserID int64  `bun:"user_id"`
	Name   string `bun:"name"`
	Email  string `bun:"email"`
}

// MaxAbsenceDays bounds one absence.
const MaxAbsenceDays = 366

// Delegates answers the active members of orgID but userID, by name: the
// people userID may send their reminders to.
func (s *Service) Delegates(ctx context.Context, orgID, userID int64) ([]Person, error) {
	var out []Person
	err := db.Run(ctx, s.DB, db.OrgScope(orgID), func(ctx context.Context, idb bun.IDB) error {
		return idb.NewRaw(`SELECT m.user_id, u.name, u.email FROM memberships AS m JOIN users AS u ON u.id = m.user_id WHERE m.org_id = ? AND m.user_id <> ? AND u.disabled_at IS NULL ORDER BY u.name, u.email`, orgID, userID).Scan(ctx, &out)
	})
	return out, err
}

// Absences answers userID's absences in the organisations orgIDs that
// have not ended before today, soonest first.
func (s *Service) Absences(ctx context.Context, userID int64, orgIDs []int64) ([]Absence, error) {
	today := Day(s.Clock.Now())
	var out []Absence
	for _, orgID := range orgIDs {
		err := db.Run(ctx, s.DB, db.OrgScope(orgID), func(ctx context.Context, idb bun.IDB) error {
			var rows []Absence
			err := idb.NewRaw(`SELECT a.id, a.org_id, a.user_id, a.delegate_id, COALESCE(NULLIF(u.name, ''), u.email, '') AS delegate_name, a.starts, a.ends
				FROM absences AS a LEFT JOIN users AS u ON u.id = a.delegate_id WHERE a.org_id = ? AND a.user_id = ? AND a.ends >= ? ORDER BY a.starts, a.id`, orgID, userID, today).Scan(ctx, &rows)
			out = append(out, rows...)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// AddAbsence records that a.UserID is away in a.OrgID from a.Starts to
// a.Ends (inclusive) and that a.DelegateID, another active member of the
// organisation, receives their reminders meanwhile. Errors name the
// field: starts, ends or delegate.
func (s *Service) AddAbsence(ctx context.Context, a Absence) (Absence, error) {
	today := Day(s.Clock.Now())
	switch {
	case a.Starts.IsZero():
		return a, app.Errorf(app.EInvalid, "error.date").WithField("starts")
	case a.Ends.IsZero():
		return a, app.Errorf(app.EInvalid, "error.date").WithField("ends")
	case Day(a.Ends).Before(Day(a.Starts)):
		return a, app.Errorf(app.EInvalid, "remind.page.absence.error.order").WithField("ends")
	case Day(a.Ends).Before(today):
		return a, app.Errorf(app.EInvalid, "remind.page.absence.error.past").WithField("ends")
	case Day(a.Ends).Sub(Day(a.Starts)) >= MaxAbsenceDays*24*time.Hour:
		return a, app.Errorf(app.EInvalid, "remind.page.absence.error.long", "max", strconv.Itoa(MaxAbsenceDays)).WithField("ends")
	case a.DelegateID == nil || *a.DelegateID == 0:
		return a, app.Errorf(app.EInvalid, "remind.page.absence.error.delegate").WithField("delegate")
	case *a.DelegateID == a.UserID:
		return a, app.Errorf(app.EInvalid, "remind.page.absence.error.self").WithField("delegate")
	}
	a.Starts, a.Ends = Day(a.Starts), Day(a.Ends)
	err := db.RunTx(ctx, s.DB, db.OrgScope(a.OrgID), func(ctx context.Context, tx bun.Tx) error {
		var ids []int64
		if err := tx.NewRaw(`SELECT m.user_id FROM memberships AS m JOIN users AS u ON u.id = m.user_id WHERE m.org_id = ? AND m.user_id IN (?, ?) AND u.disabled_at IS NULL`, a.OrgID, a.UserID, *a.DelegateID).Scan(ctx, &ids); err != nil {
			return err
		}
		self, delegate := false, false
		for _, id := range ids {
			self = self || id == a.UserID
			delegate = delegate || id == *a.DelegateID
		}
		if !self {
			return app.Errorf(app.ENotFound, "error.not_found.text")
		}
		if !delegate {
			return app.Errorf(app.EInvalid, "remind.page.absence.error.delegate").WithField("delegate")
		}
		return tx.NewRaw(`INSERT INTO absences (org_id, user_id, delegate_id, starts, ends, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			a.OrgID, a.UserID, *a.DelegateID, a.Starts, a.Ends, s.Clock.Now()).Scan(ctx, &a.ID)
	})
	return a, err
}

// RemoveAbsence removes userID's absence id in orgID; someone else's is
// not found.
func (s *Service) RemoveAbsence(ctx context.Context, orgID, userID, id int64) error {
	return db.RunTx(ctx, s.DB, db.OrgScope(orgID), func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewRaw("DELETE FROM absences WHERE org_id = ? AND user_id = ? AND id = ?", orgID, userID, id).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return app.Errorf(app.ENotFound, "error.not_found.text")
		}
		return nil
	})
}

// Holiday is a public holiday, for the page that lists them.
type Holiday struct {
	Day  time.Time
	Name string
}

// HolidayList answers Holidays(country, year) in the order of the year.
func HolidayList(country string, year int) []Holiday {
	var out []Holiday
	for d, n := range Holidays(country, year) {
		out = append(out, Holiday{Day: d, Name: n})
	}
	slices.SortFunc(out, func(a, b Holiday) int { return a.Day.Compare(b.Day) })
	return out
}
