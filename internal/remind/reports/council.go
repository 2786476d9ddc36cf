package reports

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/document"
	"github.com/samvirke/samvirke/internal/mail"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/remind"
)

// Agendas sends each council's published agenda, as a PDF, to its current
// members AgendaDays before the meeting (on a working day, or on the
// meeting's day; an agenda published later goes out with the next run),
// and a meeting's minutes once they are published. Each goes to each
// member once; members who have left, and members with no user (no
// address), are sent nothing.
type Agendas struct{ *Reports }

// Daily sends the agendas and minutes due on day.
func (a Agendas) Daily(ctx context.Context, o *org.Organisation, set remind.Settings, cal *remind.Calendar, day time.Time) error {
	if o.Kind != org.KindMunicipality || a.Councils == nil {
		return nil
	}
	day = remind.Day(day)
	working := cal.Working(day)
	cs, err := a.Councils.List(ctx, o, day.Year())
	if err != nil {
		return err
	}
	for _, st := range cs {
		ms, err := a.Councils.Meetings(ctx, o, st.Council, 0)
		if err != nil {
			return err
		}
		for _, m := range ms {
			on := remind.Day(m.StartsAt.In(o.Location()))
			switch {
			case m.AgendaPublic() && m.Status != council.MeetingPublished && !on.Before(day) &&
				!on.After(day.AddDate(0, 0, set.AgendaDays)) && (working || on.Equal(day)):
				if err := a.send(ctx, o, m, day, false); err != nil {
					return err
				}
			case m.Status == council.MeetingPublished && working && !on.After(day) &&
				!remind.Day(m.UpdatedAt.In(o.Location())).Before(day.AddDate(0, 0, -CatchUp)): // published lately
				if err := a.send(ctx, o, m, day, true); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// send sends meeting m's agenda, or its published minutes, to the
// council's members current on day.
func (a Agendas) send(ctx context.Context, o *org.Organisation, m *council.Meeting, day time.Time, minutes bool) error {
	v, err := a.Councils.Meeting(ctx, o, m.CouncilID, m.ID)
	if err != nil {
		return err
	}
	doc := v.Doc
	kind, what := remind.KindAgenda, "agenda"
	if minutes {
		kind, what = remind.KindMinutes, "minutes"
		var pub *council.Minutes
		for _, mn := range v.Versions { // newest first
			if mn.State == council.MinutesPublished && mn.PublishedAt != nil {
				pub = mn
				break
			}
		}
		if pub == nil || remind.Day(pub.PublishedAt.In(o.Location())).Before(day.AddDate(0, 0, -CatchUp)) {
			return nil // published long ago: before these reports were sent
		}
		frozen, err := pub.Doc()
		if err != nil {
			return err
		}
		if frozen != nil {
			doc = frozen
		}
	}
	path := "/o/" + o.Slug + "/" + m.Path()
	docs := map[string]*mail.Attachment{} // per language, printed when first needed
	told := map[int64]bool{}
	for _, mb := range v.Members {
		if mb.UserID == nil || !mb.ActiveOn(day) || told[*mb.UserID] {
			continue
		}
		told[*mb.UserID] = true
		title := v.Council.Name + " " + m.StartsAt.In(o.Location()).Format("02.01.2006")
		_, err := a.Reminders.Send(ctx, remind.Send{OrgID: o.ID, Key: fmt.Sprintf("%s:%d:u%d", what, m.ID, *mb.UserID), Kind: kind,
			ItemKey: "council.meeting:" + fmt.Sprint(m.ID), Occurrence: day, UserID: *mb.UserID, Title: title, URL: path,
			Compose: func(ctx context.Context, _ bun.IDB, r remind.Recipient) (mail.Message, error) {
				t := a.t(r.Locale)
				file := docs[r.Locale]
				if file == nil {
					var d *document.Document
					if minutes {
						d = council.MinutesDocument(doc, o, council.Texts(t), r.Locale)
					} else {
						d = council.AgendaDocument(doc, o, council.Texts(t), r.Locale)
					}
					f, err := attach(d)
					if err != nil {
						return mail.Message{}, err
					}
					docs[r.Locale], file = &f, &f
				}
				start := m.StartsAt.In(o.Location())
				args := []any{"council", v.Council.Name, "date", longDate(t, start), "time", start.Format("15:04")}
				l := remind.Letter{Subject: t("remind_reports."+what+".subject", args...),
					Greeting: t("remind.mail.greeting", "name", firstNonEmpty(r.Name, r.Email)),
					Lead:     []string{t("remind_reports."+what+".lead", args...)},
					Action:   t("remind_reports." + what + ".open"), ActionURL: a.Reminders.URL(path),
					Footer: a.Reminders.Footer(r.Locale)}
				place := firstNonEmpty(m.Place, v.Council.Place)
				if !minutes && place != "" {
					l.Lead[0] += " " + t("remind_reports.place", "place", place)
				}
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

// longDate is a date as the council's documents write it: «27. juni 2018».
func longDate(t func(string, ...any) string, d time.Time) string {
	return t("council_document.date", "day", strconv.Itoa(d.Day()), "month", t("council_document.month."+strconv.Itoa(int(d.Month()))),
		"year", strconv.Itoa(d.Year()))
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
