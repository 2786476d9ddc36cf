package reports

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/mail"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/remind"
)

// Monthly sends a municipality's monthly indicator report for the month
// before, as a PDF, to every address of its committee list on its report
// day, or on the first working day after when that day is a weekend, a
// public holiday or in a closure.
type Monthly struct{ *Reports }

// ReportMonth answers the month whose report goes out on day, if one
// does: the previous month when day is the report day of its month moved
// to a working day, or up to CatchUp days after it; ok false otherwise.
func ReportMonth(cal *remind.Calendar, reportDay int, day time.Time) (month time.Time, ok bool) {
	day = remind.Day(day)
	if reportDay <= 0 || !cal.Working(day) {
		return time.Time{}, false
	}
	first := time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, time.UTC)
	// The report day of this month, or of last month when a closure moved
	// it past the month's end.
	for _, m := range []time.Time{first, first.AddDate(0, -1, 0)} {
		on := nextWorking(cal, m.AddDate(0, 0, reportDay-1))
		if !on.After(day) && day.Sub(on) <= CatchUp*24*time.Hour {
			return m.AddDate(0, -1, 0), true
		}
	}
	return time.Time{}, false
}

// Daily sends the report due on day.
func (m Monthly) Daily(ctx context.Context, o *org.Organisation, set remind.Settings, cal *remind.Calendar, day time.Time) error {
	to := set.Recipients()
	if o.Kind != org.KindMunicipality || set.ReportDay == 0 || len(to) == 0 {
		return nil
	}
	month, ok := ReportMonth(cal, set.ReportDay, day)
	if !ok {
		return nil
	}
	key := month.Format("2006-01")
	loc := o.Locale
	if loc == "" {
		loc = "nb"
	}
	opt := indicator.MonthlyOptions{Locale: loc, T: m.t(loc)}
	rep, err := m.Indicators.MonthlyReport(ctx, o, key, opt)
	if err != nil {
		return err
	}
	doc := rep.Document(opt, m.Reminders.Clock.Now())
	path := "/o/" + o.Slug + "/indicators/report/" + key + "/monthly"
	var file *mail.Attachment // printed once, when the first address is due
	for _, addr := range to {
		_, err := m.Reminders.Send(ctx, remind.Send{OrgID: o.ID, Key: "report:" + key + ":" + strings.ToLower(addr), Kind: remind.KindReport,
			ItemKey: "indicator.monthly:" + key, Occurrence: day, Address: addr, Title: doc.Title, URL: path,
			Compose: func(ctx context.Context, _ bun.IDB, r remind.Recipient) (mail.Message, error) {
				if file == nil {
					a, err := attach(doc)
					if err != nil {
						return mail.Message{}, err
					}
					file = &a
				}
				t := m.t(loc)
				l := remind.Letter{Subject: t("remind_reports.monthly.subject", "title", doc.Title),
					Lead:   []string{t("remind_reports.monthly.lead", "org", o.Name, "title", doc.Title)},
					Action: t("remind_reports.monthly.open"), ActionURL: m.Reminders.URL(path),
					Footer: []string{t("remind_reports.monthly.footer"), "Samvirke"}}
				msg, err := l.Message()
				msg.Attachments = []mail.Attachment{*file}
				return msg, err
			}})
		if err != nil {
			return err
		}
	}
	return nil
}
