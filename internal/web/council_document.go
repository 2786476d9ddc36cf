package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/document"
	"github.com/samvirke/samvirke/internal/files"
	"github.com/samvirke/samvirke/internal/ical"
	"github.com/samvirke/samvirke/internal/org"
)

// councilDocumentRoutes registers the agenda and minutes as PDF and the
// iCalendar feed and events for signed-in users.
func (s *Server) councilDocumentRoutes() {
	const m = "/o/:org/councils/:council/meetings/:meeting"
	s.org("GET", m+"/minutes.pdf", authz.ContentRead, councilsOnly(s.handleCouncilMinutesPDF))
	s.org("GET", m+"/agenda.pdf", authz.ContentRead, councilsOnly(s.handleCouncilAgendaPDF))
	s.org("GET", m+"/event.ics", authz.ContentRead, councilsOnly(s.handleCouncilMeetingICS))
	s.org("GET", "/o/:org/councils/:council/calendar.ics", authz.ContentRead, councilsOnly(s.handleCouncilCalendarICS))
}

// councilDocParam reads the path parameter name as a positive id;
// anything else is not found.
func councilDocParam(c *gin.Context, name string) (int64, error) {
	return councilParam(c, name, "council.error.not_found")
}

// councilDocIDs reads :council and :meeting.
func councilDocIDs(c *gin.Context) (cid, mid int64, err error) {
	if cid, err = councilDocParam(c, "council"); err != nil {
		return 0, 0, err
	}
	mid, err = councilDocParam(c, "meeting")
	return cid, mid, err
}

// councilTexts binds the catalogue to loc, for documents and calendars.
func (s *Server) councilTexts(loc string) council.Texts {
	return func(key string, args ...any) string { return s.Catalog.T(loc, key, args...) }
}

// handleCouncilMinutesPDF prints a meeting's minutes: ?version=N that
// version, otherwise the latest approved version as it was frozen, or,
// before any is approved, the record as it stands, marked as a draft.
func (s *Server) handleCouncilMinutesPDF(c *gin.Context) error {
	o := orgOf(c)
	cid, mid, err := councilDocIDs(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	var d *council.Doc
	if raw := c.Query("version"); raw != "" {
		n, perr := strconv.Atoi(raw)
		if perr != nil || n <= 0 {
			return app.Errorf(app.ENotFound, "council.error.minutes_not_found")
		}
		if _, err := s.Councils.GetMeeting(ctx, o, cid, mid); err != nil {
			return err
		}
		mn, frozen, err := s.Councils.MinutesVersion(ctx, o, mid, n)
		if err != nil {
			return err
		}
		if d = frozen; d == nil { // a version not approved: the live record, if it is the latest
			v, err := s.Councils.Meeting(ctx, o, cid, mid)
			if err != nil {
				return err
			}
			if v.Minutes == nil || v.Minutes.ID != mn.ID {
				return app.Errorf(app.ENotFound, "council.error.minutes_not_found")
			}
			d = v.Doc
			d.Version = mn.Version
		}
	} else {
		v, err := s.Councils.Meeting(ctx, o, cid, mid)
		if err != nil {
			return err
		}
		if v.Minutes == nil {
			return app.Errorf(app.ENotFound, "council.error.minutes_not_found")
		}
		d = v.Doc
		for _, mn := range v.Versions { // newest first
			if mn.Locked() {
				frozen, err := mn.Doc()
				if err != nil {
					return err
				}
				if frozen != nil {
					d = frozen
					break
				}
			}
		}
	}
	loc := s.locale(c)
	return writeCouncilPDF(c, council.MinutesDocument(d, o, s.councilTexts(loc), loc), councilDocName(s, loc, "minutes", d, o), "private, no-store")
}

// handleCouncilAgendaPDF prints a meeting's agenda as it stands.
func (s *Server) handleCouncilAgendaPDF(c *gin.Context) error {
	o := orgOf(c)
	cid, mid, err := councilDocIDs(c)
	if err != nil {
		return err
	}
	v, err := s.Councils.Meeting(c.Request.Context(), o, cid, mid)
	if err != nil {
		return err
	}
	loc := s.locale(c)
	return writeCouncilPDF(c, council.AgendaDocument(v.Doc, o, s.councilTexts(loc), loc), councilDocName(s, loc, "agenda", v.Doc, o), "private, no-store")
}

// councilDocName is a PDF's file name: «Referat Integrationsrådet
// 2018–2021 d. 27.06.2018.pdf».
func councilDocName(s *Server, loc, kind string, d *council.Doc, o *org.Organisation) string {
	title := s.Catalog.T(loc, "council_document."+kind+".title", "council", d.CouncilName, "term", d.Term,
		"date", d.StartsAt.In(o.Location()).Format("02.01.2006"))
	return strings.Join(strings.Fields(title), " ") + ".pdf"
}

func writeCouncilPDF(c *gin.Context, doc *document.Document, name, cache string) error {
	var buf bytes.Buffer
	if err := doc.WritePDF(&buf); err != nil {
		return err
	}
	c.Header("Content-Disposition", files.ContentDisposition("inline", name))
	c.Header("Cache-Control", cache)
	c.Data(http.StatusOK, "application/pdf", buf.Bytes())
	return nil
}

// handleCouncilMeetingICS answers one meeting as an .ics download.
func (s *Server) handleCouncilMeetingICS(c *gin.Context) error {
	o := orgOf(c)
	cid, mid, err := councilDocIDs(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	co, err := s.Councils.Get(ctx, o, cid)
	if err != nil {
		return err
	}
	m, err := s.Councils.GetMeeting(ctx, o, cid, mid)
	if err != nil {
		return err
	}
	cal := s.councilCalendar(o, co, []*council.Meeting{m}, s.locale(c), func(m *council.Meeting) string {
		return s.BaseURL + "/o/" + o.Slug + "/" + m.Path()
	})
	return s.writeCalendar(c, cal, co.Name+" "+m.StartsAt.In(o.Location()).Format("2006-01-02")+".ics", "attachment", "private, no-store")
}

// handleCouncilCalendarICS answers the council's meetings as a feed,
// cancelled ones marked so.
func (s *Server) handleCouncilCalendarICS(c *gin.Context) error {
	o := orgOf(c)
	cid, err := councilDocParam(c, "council")
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	co, err := s.Councils.Get(ctx, o, cid)
	if err != nil {
		return err
	}
	ms, err := s.Councils.Meetings(ctx, o, co, 0)
	if err != nil {
		return err
	}
	cal := s.councilCalendar(o, co, ms, s.locale(c), func(m *council.Meeting) string {
		return s.BaseURL + "/o/" + o.Slug + "/" + m.Path()
	})
	return s.writeCalendar(c, cal, co.Name+".ics", "inline", "private, no-store")
}

// councilCalendar writes a council's meetings as calendar events in the
// municipality's zone: «Integrationsrådet – møde» at the meeting's place,
// linking to url(m).
func (s *Server) councilCalendar(o *org.Organisation, co *council.Council, ms []*council.Meeting, loc string,
	url func(*council.Meeting) string) *ical.Calendar {
	t := s.councilTexts(loc)
	cal := &ical.Calendar{Name: t("council_document.calendar.name", "council", co.Name), Location: o.Location(), Stamp: s.Clock.Now()}
	if cal.Location == nil || cal.Location.String() == "" || cal.Location.String() == "Local" {
		cal.Location = nil
	}
	for _, m := range ms {
		cal.Events = append(cal.Events, m.CalendarEvent(o.Slug, co, co.Name+" – "+t("council_document.calendar.meeting"), url(m)))
	}
	return cal
}

func (s *Server) writeCalendar(c *gin.Context, cal *ical.Calendar, name, disposition, cache string) error {
	var buf bytes.Buffer
	if _, err := cal.WriteTo(&buf); err != nil {
		return err
	}
	c.Header("Content-Disposition", files.ContentDisposition(disposition, name))
	if cache != "" {
		c.Header("Cache-Control", cache)
	}
	c.Data(http.StatusOK, ical.ContentType, buf.Bytes())
	return nil
}
