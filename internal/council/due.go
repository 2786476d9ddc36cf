package council

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/due"
	"github.com/samvirke/samvirke/internal/org"
)

// SignDays is how long after minutes are sent round their signers have to
// approve them.
const SignDays = 7

// SignDue reports, for "My work" and reminders, the circulated minutes
// each signer linked to a user has yet to approve (sign, adjust): due
// SignDays after they were sent round. Signing takes the item away. The
// follow-up actions of decisions are measures, reported by measure.Due.
type SignDue struct{}

// DueItems answers the unsigned minutes of q.OrgID for q.ResponsibleID
// (everyone's when 0), soonest first, at most q.Limit.
func (SignDue) DueItems(ctx context.Context, idb bun.IDB, q due.Query) ([]due.Item, error) {
	var mins []*Minutes
	if err := idb.NewSelect().Model(&mins).Where("org_id = ? AND state IN (?, ?)", q.OrgID, MinutesCirculated, MinutesAmended).
		OrderExpr("id").Limit(200).Scan(ctx); err != nil || len(mins) == 0 {
		return nil, err
	}
	o := &org.Organisation{ID: q.OrgID}
	if err := idb.NewSelect().Model(o).Column("id", "time_zone").Where("id = ?", q.OrgID).Scan(ctx); err != nil {
		return nil, err
	}
	var out []due.Item
	for _, mn := range mins {
		// Only the latest version of a meeting's minutes is signed.
		if latest, err := latestMinutes(ctx, idb, q.OrgID, mn.MeetingID); err != nil || latest == nil || latest.ID != mn.ID {
			if err != nil {
				return nil, err
			}
			continue
		}
		m, c := new(Meeting), new(Council)
		if err := idb.NewSelect().Model(m).Where("org_id = ? AND id = ?", q.OrgID, mn.MeetingID).Scan(ctx); err != nil {
			return nil, err
		}
		if err := getCouncil(ctx, idb, q.OrgID, m.CouncilID, c); err != nil {
			return nil, err
		}
		roll, err := rollOf(ctx, idb, o, c, m)
		if err != nil {
			return nil, err
		}
		signed, err := signedBy(ctx, idb, mn)
		if err != nil {
			return nil, err
		}
		sent, err := circulatedAt(ctx, idb, mn)
		if err != nil {
			return nil, err
		}
		dueDay := sent.AddDate(0, 0, SignDays)
		if !q.Until.IsZero() && dueDay.After(q.Until) {
			continue
		}
		for _, s := range Signers(c, m, roll) {
			if s.UserID == nil || slices.Contains(signed, s.ID) || (q.ResponsibleID != 0 && *s.UserID != q.ResponsibleID) {
				continue
			}
			out = append(out, due.Item{OrgID: q.OrgID, ResponsibleID: *s.UserID, Due: dueDay,
				Title: c.Name + " " + m.StartsAt.In(o.Location()).Format("02.01.2006"),
				URL:   fmt.Sprintf("/o/%s/%s#minutes", q.OrgSlug, m.Path()), State: due.StateOpen, Source: "council.minutes",
				Kind: due.KindOnce, Status: mn.State, Context: c.Name, EscalateTo: due.EscalateEditors,
				Key: fmt.Sprintf("council.minutes:%d", mn.ID), Changed: sent})
		}
	}
	slices.SortFunc(out, func(a, b due.Item) int { return a.Due.Compare(b.Due) })
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

// circulatedAt answers when the minutes were last sent round.
func circulatedAt(ctx context.Context, idb bun.IDB, mn *Minutes) (time.Time, error) {
	var at []time.Time
	err := idb.NewSelect().Model((*Event)(nil)).Column("at").Where("org_id = ? AND minutes_id = ? AND kind = ?", mn.OrgID, mn.ID, EventCirculated).
		OrderExpr("at DESC").Limit(1).Scan(ctx, &at)
	if err != nil || len(at) == 0 {
		return mn.CreatedAt, err
	}
	return at[0], nil
}
