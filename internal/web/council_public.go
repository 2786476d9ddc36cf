package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/files"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/org"
)

// councilPublicRoutes registers the public pages of public councils:
// meetings, published agendas and minutes, attachments, calendars.
//
// Like the published plans' pages they read without signing in, take no
// rate limit of their own and may be kept by shared caches for
// publicMaxAge (publicCache). Anything that is not public (a private
// council, a meeting whose agenda and minutes are unpublished, a closed
// item) is not found.
func (s *Server) councilPublicRoutes() {
	const c, m = "/p/:org/councils/:council", "/p/:org/councils/:council/meetings/:meeting"
	s.public("GET", "/p/:org/councils", s.handlePublicCouncils)
	s.public("GET", c, s.handlePublicCouncil)
	s.public("GET", c+"/calendar.ics", s.handlePublicCouncilCalendar)
	s.public("GET", m, s.handlePublicCouncilMeeting)
	s.public("GET", m+"/event.ics", s.handlePublicCouncilMeetingICS)
	s.public("GET", m+"/minutes.pdf", s.handlePublicCouncilMinutesPDF)
	s.public("GET", m+"/agenda.pdf", s.handlePublicCouncilAgendaPDF)
	s.public("GET", m+"/items/:item/attachments/:file", s.handlePublicCouncilAttachment)
}

// publicCouncilOrg answers the municipality the path's :org names; any
// other organisation, or none, is not found.
func (s *Server) publicCouncilOrg(c *gin.Context) (*org.Organisation, error) {
	notFound := app.Errorf(app.ENotFound, "council.error.not_found")
	slug := c.Param("org")
	if slug == "" || len(slug) > 63 {
		return nil, notFound
	}
	o, err := s.Orgs.FindBySlug(c.Request.Context(), slug)
	if app.IsNotFound(err) || (err == nil && o.Kind != org.KindMunicipality) {
		return nil, notFound
	}
	return o, err
}

func publicCouncilsURL(slug string) string { return "/p/" + slug + "/councils" }

func publicCouncilURL(slug string, id int64) string {
	return publicCouncilsURL(slug) + "/" + strconv.FormatInt(id, 10)
}

func publicCouncilMeetingURL(slug string, m *council.Meeting) string {
	return publicCouncilURL(slug, m.CouncilID) + "/meetings/" + strconv.FormatInt(m.ID, 10)
}

// publicMeetingShown reports whether the public council page links m: its
// agenda or minutes are published (council.Service.PublicMeeting).
func publicMeetingShown(m *council.Meeting) bool {
	return m.Status == council.MeetingAgendaPublished || m.Status == council.MeetingPublished
}

type publicCouncilsPage struct {
	Layout
	Org      *org.Organisation
	Councils []council.Standing
}

func (s *Server) handlePublicCouncils(c *gin.Context) error {
	o, err := s.publicCouncilOrg(c)
	if err != nil {
		return err
	}
	all, err := s.Councils.List(c.Request.Context(), o, s.Clock.Now().In(o.Location()).Year())
	if err != nil {
		return err
	}
	data := &publicCouncilsPage{Org: o}
	for _, st := range all {
		if st.Public() {
			data.Councils = append(data.Councils, st)
		}
	}
	s.renderPublic(c, o.Locale, "council/public_index.html", data, Crumb{Label: o.Name})
	return nil
}

type publicCouncilPage struct {
	Layout
	Org      *org.Organisation
	Council  *council.Council
	Meetings []publicMeetingRow
	Zone     string
	Calendar string // the feed's address
}

type publicMeetingRow struct {
	*council.Meeting
	URL string // "" when nothing of it is public yet
}

// publicCouncilOf answers the public council of the path, its
// municipality and its meetings.
func (s *Server) publicCouncilOf(c *gin.Context) (*org.Organisation, *council.Council, []*council.Meeting, error) {
	o, err := s.publicCouncilOrg(c)
	if err != nil {
		return nil, nil, nil, err
	}
	cid, err := councilDocParam(c, "council")
	if err != nil {
		return nil, nil, nil, err
	}
	co, ms, err := s.Councils.PublicCouncil(c.Request.Context(), o, cid)
	return o, co, ms, err
}

func (s *Server) handlePublicCouncil(c *gin.Context) error {
	o, co, ms, err := s.publicCouncilOf(c)
	if err != nil {
		return err
	}
	data := &publicCouncilPage{Org: o, Council: co, Zone: o.Location().String(),
		Calendar: s.BaseURL + publicCouncilURL(o.Slug, co.ID) + "/calendar.ics"}
	for i := len(ms) - 1; i >= 0; i-- { // newest first
		row := publicMeetingRow{Meeting: ms[i]}
		if publicMeetingShown(ms[i]) {
			row.URL = publicCouncilMeetingURL(o.Slug, ms[i])
		}
		data.Meetings = append(data.Meetings, row)
	}
	s.renderPublic(c, o.Locale, "council/public_council.html", data, Crumb{Label: o.Name, URL: publicCouncilsURL(o.Slug)}, Crumb{Label: co.Name})
	return nil
}

// publicCouncilEventURL links a meeting of the public feed: its public
// page when it has one, else the council's.
func (s *Server) publicCouncilEventURL(o *org.Organisation) func(*council.Meeting) string {
	return func(m *council.Meeting) string {
		if publicMeetingShown(m) {
			return s.BaseURL + publicCouncilMeetingURL(o.Slug, m)
		}
		return s.BaseURL + publicCouncilURL(o.Slug, m.CouncilID)
	}
}

func (s *Server) handlePublicCouncilCalendar(c *gin.Context) error {
	o, co, ms, err := s.publicCouncilOf(c)
	if err != nil {
		return err
	}
	cal := s.councilCalendar(o, co, ms, s.publicLocale(c, o.Locale), s.publicCouncilEventURL(o))
	publicCache(c)
	return s.writeCalendar(c, cal, co.Name+".ics", "inline", "")
}

func (s *Server) handlePublicCouncilMeetingICS(c *gin.Context) error {
	o, err := s.publicCouncilOrg(c)
	if err != nil {
		return err
	}
	cid, mid, err := councilDocIDs(c)
	if err != nil {
		return err
	}
	co, ms, err := s.Councils.PublicCouncil(c.Request.Context(), o, cid)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.ID == mid {
			cal := s.councilCalendar(o, co, []*council.Meeting{m}, s.publicLocale(c, o.Locale), s.publicCouncilEventURL(o))
			publicCache(c)
			return s.writeCalendar(c, cal, co.Name+" "+m.StartsAt.In(o.Location()).Format("2006-01-02")+".ics", "attachment", "")
		}
	}
	return app.Errorf(app.ENotFound, "council.error.meeting_not_found")
}

type publicCouncilMeetingPage struct {
	Layout
	Org     *org.Organisation
	Meeting *council.PublicMeeting
	Zone    string
	URL     string // the meeting's public address
}

// publicCouncilMeeting reads what the public may read of the path's
// meeting.
func (s *Server) publicCouncilMeeting(c *gin.Context) (*org.Organisation, *council.PublicMeeting, error) {
	o, err := s.publicCouncilOrg(c)
	if err != nil {
		return nil, nil, err
	}
	cid, mid, err := councilDocIDs(c)
	if err != nil {
		return nil, nil, err
	}
	pm, err := s.Councils.PublicMeeting(c.Request.Context(), o, cid, mid)
	return o, pm, err
}

func (s *Server) handlePublicCouncilMeeting(c *gin.Context) error {
	o, pm, err := s.publicCouncilMeeting(c)
	if err != nil {
		return err
	}
	data := &publicCouncilMeetingPage{Org: o, Meeting: pm, Zone: o.Location().String(), URL: publicCouncilMeetingURL(o.Slug, pm.Meeting)}
	s.renderPublic(c, o.Locale, "council/public_meeting.html", data,
		Crumb{Label: o.Name, URL: publicCouncilsURL(o.Slug)}, Crumb{Label: pm.Council.Name, URL: publicCouncilURL(o.Slug, pm.Council.ID)},
		Crumb{Label: i18n.FormatDate(s.publicLocale(c, o.Locale), pm.Meeting.StartsAt.In(o.Location()))})
	return nil
}

func (s *Server) handlePublicCouncilMinutesPDF(c *gin.Context) error {
	o, pm, err := s.publicCouncilMeeting(c)
	if err != nil {
		return err
	}
	if !pm.Minutes {
		return app.Errorf(app.ENotFound, "council.error.minutes_not_found")
	}
	return s.writePublicCouncilPDF(c, o, pm, "minutes")
}

func (s *Server) handlePublicCouncilAgendaPDF(c *gin.Context) error {
	o, pm, err := s.publicCouncilMeeting(c)
	if err != nil {
		return err
	}
	return s.writePublicCouncilPDF(c, o, pm, "agenda")
}

// writePublicCouncilPDF prints the public document of a meeting as kind
// ("minutes" or "agenda"), made once for what it shows and its language
// and served from the public PDFs' cache after (see writePublicPlanPDF).
func (s *Server) writePublicCouncilPDF(c *gin.Context, o *org.Organisation, pm *council.PublicMeeting, kind string) error {
	loc := s.publicLocale(c, o.Locale)
	shows, err := json.Marshal(pm.Doc)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(append(shows, "council "+kind+" "+loc+" "+o.TimeZone+" "+o.Name...))
	key := hex.EncodeToString(sum[:])
	pdf, ok := s.publicPDFs.get(key)
	if !ok {
		doc := council.AgendaDocument(pm.Doc, o, s.councilTexts(loc), loc)
		if kind == "minutes" {
			doc = council.MinutesDocument(pm.Doc, o, s.councilTexts(loc), loc)
		}
		var buf bytes.Buffer
		if err := doc.WritePDF(&buf); err != nil {
			return err
		}
		pdf = buf.Bytes()
		s.publicPDFs.put(key, pdf)
	}
	c.Header("Content-Disposition", files.ContentDisposition("inline", councilDocName(s, loc, kind, pm.Doc, o)))
	publicCache(c)
	c.Data(http.StatusOK, "application/pdf", pdf)
	return nil
}

func (s *Server) handlePublicCouncilAttachment(c *gin.Context) error {
	o, err := s.publicCouncilOrg(c)
	if err != nil {
		return err
	}
	ids, err := councilParams(c, "council.error.not_found", "council", "meeting", "item", "file")
	if err != nil {
		return err
	}
	f, body, err := s.Councils.OpenAttachment(c.Request.Context(), o, ids[0], ids[1], ids[2], ids[3], true)
	if err != nil {
		return err
	}
	defer body.Close()
	files.Serve(c.Writer, c.Request, f, body)
	return nil
}
