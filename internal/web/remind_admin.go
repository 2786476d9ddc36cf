package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/remind"
)

// reminderSettingsPage is /o/:org/admin/reminders: the organisation's
// reminder rules, its holiday weeks and the year's public holidays, on
// which nothing is sent.
type reminderSettingsPage struct {
	formPage
	Org      *org.Organisation
	Closures []remind.Closure
	Holidays []remind.Holiday
	Year     string
	// HolidayLang is the language the holidays are named in (their
	// country's).
	HolidayLang string
	// Numbers are the settings' number fields in the form's order.
	Numbers       []string
	MaxRecipients int
}

// reminderNumbers are the settings' number fields.
var reminderNumbers = []string{"overdue_every", "escalate_after", "stalled_after", "send_hour", "report_day", "agenda_days", "network_days"}

func (s *Server) handleReminderSettings(c *gin.Context) error {
	return s.renderReminderSettings(c, http.StatusOK, &reminderSettingsPage{})
}

func (s *Server) renderReminderSettings(c *gin.Context, status int, data *reminderSettingsPage) error {
	o, ctx := orgOf(c), c.Request.Context()
	var st *remind.Settings // read with the holiday weeks unless the form brings what was typed
	if data.Values == nil {
		st = &remind.Settings{}
	}
	var err error
	if data.Closures, err = s.Reminders.OrgClosures(ctx, o.ID, st); err != nil {
		return err
	}
	if st != nil {
		data.Values = settingsValues(*st)
	}
	year := s.Clock.Now().In(o.Location()).Year()
	data.Org, data.Year, data.Holidays = o, strconv.Itoa(year), remind.HolidayList(o.Country, year)
	data.Numbers, data.MaxRecipients = reminderNumbers, remind.MaxRecipients
	data.HolidayLang = map[string]string{"NO": "nb", "SE": "sv", "DK": "da"}[o.Country]
	data.Layout = s.adminLayout(c, "reminders")
	s.render(c, status, "remind/admin.html", data)
	return nil
}

// settingsValues are st as the form shows them.
func settingsValues(st remind.Settings) map[string]string {
	return map[string]string{
		"before_days": strings.ReplaceAll(st.BeforeDays, ",", ", "), "overdue_every": strconv.Itoa(st.OverdueEvery),
		"escalate_after": strconv.Itoa(st.EscalateAfter), "stalled_after": strconv.Itoa(st.StalledAfter),
		"send_hour": strconv.Itoa(st.SendHour), "report_day": strconv.Itoa(st.ReportDay),
		"report_recipients": st.ReportRecipients, "agenda_days": strconv.Itoa(st.AgendaDays), "network_days": strconv.Itoa(st.NetworkDays),
	}
}

// handleReminderSettingsSave stores the organisation's reminder rules; a
// refused form comes back with what was typed and the reason at its field.
func (s *Server) handleReminderSettingsSave(c *gin.Context) error {
	o := orgOf(c)
	data := &reminderSettingsPage{formPage: formPage{Values: map[string]string{}}}
	for _, k := range append([]string{"before_days", "report_recipients"}, reminderNumbers...) {
		data.Values[k] = c.PostForm(k)
	}
	again := func(err error) error {
		return s.formAgain(c, &data.formPage, err, func(status int) error { return s.renderReminderSettings(c, status, data) })
	}
	st := remind.Settings{OrgID: o.ID, BeforeDays: data.Values["before_days"], ReportRecipients: data.Values["report_recipients"]}
	for _, f := range []struct {
		name string
		v    *int
	}{{"overdue_every", &st.OverdueEvery}, {"escalate_after", &st.EscalateAfter}, {"stalled_after", &st.StalledAfter},
		{"send_hour", &st.SendHour}, {"report_day", &st.ReportDay}, {"agenda_days", &st.AgendaDays}, {"network_days", &st.NetworkDays}} {
		n, err := strconv.Atoi(strings.TrimSpace(data.Values[f.name]))
		if err != nil {
			return again(app.Errorf(app.EInvalid, "remind.page.settings.error.number").WithField(f.name))
		}
		*f.v = n
	}
	if _, err := s.Reminders.SaveOrgSettings(c.Request.Context(), st); err != nil {
		return again(err)
	}
	return s.doneTo(c, "/o/"+o.Slug+"/admin/reminders", "remind.page.settings.saved")
}

// handleClosureAdd adds a holiday period; its errors show at the closure
// form's fields (closure_name, closure_starts, closure_ends).
func (s *Server) handleClosureAdd(c *gin.Context) error {
	o := orgOf(c)
	vals := map[string]string{}
	for _, k := range []string{"closure_name", "closure_starts", "closure_ends"} {
		vals[k] = c.PostForm(k)
	}
	cl := remind.Closure{OrgID: o.ID, Name: strings.TrimSpace(vals["closure_name"]), Starts: parseDay(vals["closure_starts"]), Ends: parseDay(vals["closure_ends"])}
	var err error
	if cl.Name == "" {
		err = app.Errorf(app.EInvalid, "remind.page.closure.error.name").WithField("name")
	} else {
		_, err = s.Reminders.AddOrgClosure(c.Request.Context(), cl)
	}
	if err != nil {
		if ae := app.AsError(err); ae != nil && ae.Field != "" {
			err = ae.WithField("closure_" + ae.Field)
		}
		st, lerr := s.Reminders.OrgSettings(c.Request.Context(), o.ID)
		if lerr != nil {
			return lerr
		}
		data := &reminderSettingsPage{formPage: formPage{Values: settingsValues(st)}}
		for k, v := range vals {
			data.Values[k] = v
		}
		return s.formAgain(c, &data.formPage, err, func(status int) error { return s.renderReminderSettings(c, status, data) })
	}
	return s.doneTo(c, "/o/"+o.Slug+"/admin/reminders#closures-h", "remind.page.closure.added", "name", cl.Name)
}

// handleClosureRemove removes one of the organisation's holiday periods.
func (s *Server) handleClosureRemove(c *gin.Context) error {
	o := orgOf(c)
	id, err := councilParam(c, "closure", "error.not_found.text")
	if err != nil {
		return err
	}
	if err := s.Reminders.RemoveOrgClosure(c.Request.Context(), o.ID, id); err != nil {
		return err
	}
	return s.doneTo(c, "/o/"+o.Slug+"/admin/reminders#closures-h", "remind.page.closure.removed")
}
