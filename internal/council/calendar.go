package council

import (
	"context"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/ical"
)

// CalendarEvent answers meeting m of council co, an organisation's whose
// slug is orgSlug, as a calendar event titled summary and linking to url:
// at its place (else the council's), confirmed or cancelled, revised by
// its revision, with the same UID in every calendar it appears in (the
// council's own, a person's feed), so that a calendar holding both shows
// one meeting.
func (m *Meeting) CalendarEvent(orgSlug string, co *Council, summary, url string) ical.Event {
	place := m.Place
	if place == "" {
		place = co.Place
	}
	ev := ical.Event{UID: "meeting-" + strconv.FormatInt(m.ID, 10) + "@" + orgSlug + ".samvirke", Start: m.StartsAt,
		Summary: summary, Location: place, URL: url, Status: ical.StatusConfirmed, Sequence: m.Rev, Updated: m.UpdatedAt}
	if m.EndsAt != nil {
		ev.End = *m.EndsAt
	}
	if m.Status == MeetingCancelled {
		ev.Status = ical.StatusCancelled
	}
	return ev
}

// Dated is a meeting with its council, for calendars.
type Dated struct {
	*Meeting
	Council *Council
}

// MeetingsBetween answers the meetings of organisation orgID's councils
// that start in [from, to), cancelled ones included (a calendar strikes
// them out), soonest first, at most 2000. With userID not 0 only the
// councils where that user has a membership that has not ended before
// from. Call it inside orgID's scope (db.Run).
func MeetingsBetween(ctx context.Context, idb bun.IDB, orgID int64, from, to time.Time, userID int64) ([]Dated, error) {
	var cs []*Council
	if err := idb.NewSelect().Model(&cs).Where("org_id = ?", orgID).Limit(1000).Scan(ctx); err != nil || len(cs) == 0 {
		return nil, err
	}
	byID := map[int64]*Council{}
	for _, c := range cs {
		byID[c.ID] = c
	}
	if userID != 0 {
		var ids []int64
		if err := idb.NewSelect().Model((*Member)(nil)).Column("council_id").
			Where("org_id = ? AND user_id = ? AND (to_date IS NULL OR to_date >= ?)", orgID, userID, from).Scan(ctx, &ids); err != nil {
			return nil, err
		}
		mine := map[int64]*Council{}
		for _, id := range ids {
			if c := byID[id]; c != nil {
				mine[id] = c
			}
		}
		byID = mine
		if len(byID) == 0 {
			return nil, nil
		}
	}
	var ms []*Meeting
	if err := idb.NewSelect().Model(&ms).Where("org_id = ? AND starts_at >= ? AND starts_at < ?", orgID, from, to).
		OrderExpr("starts_at, id").Limit(2000).Scan(ctx); err != nil {
		return nil, err
	}
	out := make([]Dated, 0, len(ms))
	for _, m := range ms {
		if c := byID[m.CouncilID]; c != nil {
			out = append(out, Dated{Meeting: m, Council: c})
		}
	}
	return out, nil
}
