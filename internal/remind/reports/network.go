package reports

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/mail"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/remind"
	"github.com/samvirke/samvirke/internal/workbook"
)

// Networks sends a network's coordinators (its members in the roles
// coordinator, editor and owner) a report NetworkDays before each gathering, on a working day: the
// chapters due there and, per member municipality, which of them are
// ready, in progress or not started, with a link to the gathering's
// progress page. Each gathering's report goes to each coordinator once.
type Networks struct{ *Reports }

// Daily sends the reports due on day.
func (n Networks) Daily(ctx context.Context, o *org.Organisation, set remind.Settings, cal *remind.Calendar, day time.Time) error {
	if o.Kind != org.KindNetwork || n.Workbooks == nil || set.NetworkDays == 0 {
		return nil
	}
	day = remind.Day(day)
	if !cal.Working(day) {
		return nil
	}
	list, err := n.Workbooks.Gatherings(ctx, o)
	if err != nil {
		return err
	}
	var coordinators []int64
	for _, g := range list.Gatherings {
		on := remind.Day(g.StartsOn)
		if g.OrgID != o.ID || on.Before(day) || on.After(day.AddDate(0, 0, set.NetworkDays)) {
			continue
		}
		if coordinators == nil {
			if coordinators, err = n.coordinators(ctx, o.ID); err != nil {
				return err
			}
		}
		if err := n.send(ctx, o, g.ID, coordinators, day); err != nil {
			return err
		}
	}
	return nil
}

// coordinators answers the network's editors and owners.
func (n Networks) coordinators(ctx context.Context, networkID int64) ([]int64, error) {
	var ids []int64
	err := db.Run(ctx, n.Reminders.DB, db.OrgScope(networkID), func(ctx context.Context, idb bun.IDB) error {
		return idb.NewRaw(`SELECT m.user_id FROM memberships AS m JOIN users AS u ON u.id = m.user_id WHERE m.org_id = ? AND m.role IN ('coordinator', 'editor', 'owner') AND u.disabled_at IS NULL ORDER BY m.user_id`, networkID).Scan(ctx, &ids)
	})
	return ids, err
}

// send sends the report of gathering id to the coordinators.
func (n Networks) send(ctx context.Context, o *org.Organisation, id int64, to []int64, day time.Time) error {
	g, grids, err := n.Workbooks.GatheringProgress(ctx, o, id)
	if err != nil {
		return err
	}
	path := fmt.Sprintf("/o/%s/gatherings/%d", o.Slug, g.ID)
	for _, u := range to {
		_, err := n.Reminders.Send(ctx, remind.Send{OrgID: o.ID, Key: fmt.Sprintf("network:%d:u%d", g.ID, u), Kind: remind.KindNetworkReport,
			ItemKey: fmt.Sprintf("gathering:%d", g.ID), Occurrence: day, UserID: u, Title: g.Title, URL: path,
			Compose: func(ctx context.Context, _ bun.IDB, r remind.Recipient) (mail.Message, error) {
				return n.compose(o, g, grids, path, r)
			}})
		if err != nil {
			return err
		}
	}
	return nil
}

// compose writes the report in r's language.
func (n Networks) compose(o *org.Organisation, g *workbook.Gathering, grids []*workbook.Progress, path string, r remind.Recipient) (mail.Message, error) {
	loc := r.Locale
	t := n.t(loc)
	date := i18n.FormatDate(loc, g.StartsOn)
	l := remind.Letter{Subject: t("remind_reports.network.subject", "gathering", g.Title, "date", date),
		Greeting: t("remind.mail.greeting", "name", firstNonEmpty(r.Name, r.Email)),
		Action:   t("remind_reports.network.open"), ActionURL: n.Reminders.URL(path), Footer: n.Reminders.Footer(loc)}
	lead := t("remind_reports.network.lead", "network", o.Name, "gathering", g.Title, "date", date)
	if g.Place != "" {
		lead += " " + t("remind_reports.place", "place", g.Place)
	}
	l.Lead = append(l.Lead, lead)
	if len(grids) == 0 {
		l.Lead = append(l.Lead, t("remind_reports.network.no_chapters"))
	}
	for _, p := range grids {
		var titles []string
		for _, ch := range p.Chapters {
			titles = append(titles, ch.Title)
		}
		l.Lead = append(l.Lead, t("remind_reports.network.chapters", "template", p.Template.Name, "chapters", strings.Join(titles, ", ")))
		for _, row := range p.Rows {
			by := map[string][]string{}
			for _, ch := range p.Chapters {
				st := row.Chapters[ch.ID].Status
				if st == "" {
					st = workbook.ChapterNotStarted
				}
				by[st] = append(by[st], ch.Title)
			}
			var parts []string
			for _, st := range workbook.ChapterStatuses {
				if len(by[st]) > 0 {
					parts = append(parts, t("remind_reports.network.status."+st)+": "+strings.Join(by[st], ", "))
				}
			}
			line := remind.Line{Text: row.Member.Name, Note: strings.Join(parts, " · ")}
			if len(grids) > 1 {
				line.Text = row.Member.Name + " – " + p.Template.Name
			}
			l.Lines = append(l.Lines, line)
		}
	}
	return l.Message()
}
