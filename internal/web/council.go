package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
)

// NavCouncils leads to the municipality's councils and groups.
var NavCouncils = NavEntry{Key: "councils", Label: "council.title.plural", Path: orgPath("/councils"), Order: 30,
	Kinds: []string{org.KindMunicipality}}

// councilsOnly answers h for a municipality's council routes: councils
// belong to municipalities, so in a network or county they are not found.
func councilsOnly(h func(*gin.Context) error) func(*gin.Context) error {
	return municipalOnly("council.error.not_found", h)
}

// councilRoutes registers the councils, their members and meetings, and
// the decision register (this file).
func (s *Server) councilRoutes() {
	s.org("GET", "/o/:org/councils", authz.ContentRead, councilsOnly(s.handleCouncils))
	s.org("GET", "/o/:org/councils/new", authz.CouncilWrite, councilsOnly(s.handleCouncilNew))
	s.org("POST", "/o/:org/councils", authz.CouncilWrite, councilsOnly(s.handleCouncilCreate), maxBody(64<<10))
	s.org("GET", "/o/:org/councils/decisions", authz.ContentRead, councilsOnly(s.handleCouncilDecisions))
	s.org("GET", "/o/:org/councils/:council", authz.ContentRead, councilsOnly(s.handleCouncil))
	s.org("GET", "/o/:org/councils/:council/edit", authz.CouncilWrite, councilsOnly(s.handleCouncilEdit))
	s.org("POST", "/o/:org/councils/:council", authz.CouncilWrite, councilsOnly(s.handleCouncilUpdate), maxBody(64<<10))
	s.org("GET", "/o/:org/councils/:council/delete", authz.CouncilWrite, councilsOnly(s.handleCouncilDeleteConfirm))
	s.org("POST", "/o/:org/councils/:council/delete", authz.CouncilWrite, councilsOnly(s.handleCouncilDelete))
	s.org("POST", "/o/:org/councils/:council/meetings", authz.CouncilWrite, councilsOnly(s.handleCouncilMeetingPlan))
	s.org("POST", "/o/:org/councils/:council/members", authz.CouncilWrite, councilsOnly(s.handleCouncilMemberAdd))
	s.org("GET", "/o/:org/councils/:council/members/:member", authz.CouncilWrite, councilsOnly(s.handleCouncilMember))
	s.org("POST", "/o/:org/councils/:council/members/:member", authz.CouncilWrite, councilsOnly(s.handleCouncilMemberUpdate))
	s.org("POST", "/o/:org/councils/:council/members/:member/role", authz.CouncilWrite, councilsOnly(s.handleCouncilMemberRole))
	s.org("POST", "/o/:org/councils/:council/members/:member/end", authz.CouncilWrite, councilsOnly(s.handleCouncilMemberEnd))
	s.org("POST", "/o/:org/councils/:council/members/:member/remove", authz.CouncilWrite, councilsOnly(s.handleCouncilMemberRemove))
}

// councilParam reads a numeric path parameter; anything but a number is
// not found (key names what).
func councilParam(c *gin.Context, name, key string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, app.Errorf(app.ENotFound, key)
	}
	return id, nil
}

// councilParams reads the numeric path parameters names, in their order;
// anything but a number is not found (key names what).
func councilParams(c *gin.Context, key string, names ...string) ([]int64, error) {
	ids := make([]int64, len(names))
	for i, name := range names {
		var err error
		if ids[i], err = councilParam(c, name, key); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

func councilURL(o *org.Organisation, id int64) string {
	return "/o/" + o.Slug + "/councils/" + strconv.FormatInt(id, 10)
}

// membershipDay answers the day of t in o's zone as membership days are
// kept (midnight UTC): today's, a meeting's.
func membershipDay(t time.Time, o *org.Organisation) time.Time {
	y, m, d := t.In(o.Location()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// councilCrumbs starts a council page's breadcrumbs.
func (s *Server) councilCrumbs(c *gin.Context, more ...Crumb) Layout {
	o := orgOf(c)
	crumbs := append([]Crumb{{Label: s.Catalog.T(s.locale(c), "council.title.plural"), URL: "/o/" + o.Slug + "/councils"}}, more...)
	return Layout{Nav: "councils", Breadcrumbs: crumbs}
}

// doneTo tells the user what was done (the flash key with its args) and
// sends them to url (303), as every council form does once it succeeds.
func (s *Server) doneTo(c *gin.Context, url, key string, args ...any) error {
	s.setFlash(c, key, args...)
	c.Redirect(http.StatusSeeOther, url)
	return nil
}

// formAgain shows a council form's page again, render at err's status,
// with err at its field and what was typed kept in f; err that no field
// can show (internal) is answered as it is.
func (s *Server) formAgain(c *gin.Context, f *formPage, err error, render func(status int) error) error {
	if !f.fail(s, c, err) {
		return err
	}
	return render(statusOf(app.ErrorCode(err)))
}

// --- the list -------------------------------------------------------------

type councilsPage struct {
	Layout
	Org      *org.Organisation
	Year     string
	Councils []councilListRow
	CanEdit  bool
}

type councilListRow struct {
	council.Standing
	Members     int    // current members expected at meetings
	Substitutes int    // current substitutes
	Next        string // the next meeting, in the municipality's zone
	NextURL     string
}

func (s *Server) handleCouncils(c *gin.Context) error {
	o, ctx, l := orgOf(c), c.Request.Context(), s.locale(c)
	now := s.Clock.Now()
	year := now.In(o.Location()).Year()
	list, err := s.Councils.List(ctx, o, year)
	if err != nil {
		return err
	}
	today := membershipDay(now, o)
	data := &councilsPage{Org: o, Year: strconv.Itoa(year), CanEdit: s.allowed(c, authz.CouncilWrite)}
	for _, st := range list {
		ms, err := s.Councils.Members(ctx, o, st.Council)
		if err != nil {
			return err
		}
		row := councilListRow{Standing: st}
		for _, m := range council.CurrentOn(ms, today) {
			switch {
			case m.Expected():
				row.Members++
			case m.Role == council.RoleSubstitute:
				row.Substitutes++
			}
		}
		if st.Next != nil {
			row.Next = i18n.FormatDateTime(l, st.Next.StartsAt, o.Location())
			row.NextURL = "/o/" + o.Slug + "/" + st.Next.Path()
		}
		data.Councils = append(data.Councils, row)
	}
	data.Layout = Layout{Nav: "councils"}
	s.render(c, http.StatusOK, "council/index.html", data)
	return nil
}

// --- the council form -----------------------------------------------------

type councilFormPage struct {
	formPage
	Org      *org.Organisation
	Council  *council.Council // nil for a new council
	Kinds    []string
	SignOffs []string
}

func (s *Server) handleCouncilNew(c *gin.Context) error {
	o := orgOf(c)
	return s.renderCouncilForm(c, http.StatusOK, &councilFormPage{formPage: formPage{Values: map[string]string{
		"kind": council.KindIntegrationCouncil, "sign_off": council.SignOffFor(o.Country),
		"visibility": council.VisibilityPrivate, "min_meetings": "0"}}})
}

func (s *Server) renderCouncilForm(c *gin.Context, status int, data *councilFormPage) error {
	o, l := orgOf(c), s.locale(c)
	data.Org, data.Kinds, data.SignOffs = o, council.Kinds, council.SignOffs
	if data.Council != nil {
		data.Layout = s.councilCrumbs(c, Crumb{Label: data.Council.Name, URL: councilURL(o, data.Council.ID)},
			Crumb{Label: s.Catalog.T(l, "council.edit")})
	} else {
		data.Layout = s.councilCrumbs(c, Crumb{Label: s.Catalog.T(l, "council.new")})
	}
	s.render(c, status, "council/form.html", data)
	return nil
}

// councilForm reads the council form: its values as typed, and the input
// (with the first field that could not be read).
func councilForm(c *gin.Context) (map[string]string, council.CouncilInput, error) {
	vals := map[string]string{}
	for _, k := range []string{"kind", "name", "term_from", "term_to", "min_meetings", "place", "sign_off", "visibility"} {
		vals[k] = strings.TrimSpace(c.PostForm(k))
	}
	vals["statutes"] = c.PostForm("statutes")
	in := council.CouncilInput{Kind: vals["kind"], Name: vals["name"], Statutes: vals["statutes"], Place: vals["place"],
		SignOff: vals["sign_off"], Visibility: vals["visibility"]}
	var err error
	year := func(field string) *int {
		v := vals[field]
		if v == "" {
			return nil
		}
		n, perr := strconv.Atoi(v)
		if perr != nil && err == nil {
			err = app.Errorf(app.EInvalid, "council.error.year").WithField(field)
		}
		return &n
	}
	in.TermFrom, in.TermTo = year("term_from"), year("term_to")
	if v := vals["min_meetings"]; v != "" {
		n, perr := strconv.Atoi(v)
		if perr != nil && err == nil {
			err = app.Errorf(app.EInvalid, "council.error.min_meetings").WithField("min_meetings")
		}
		in.MinMeetings = n
	}
	return vals, in, err
}

func (s *Server) handleCouncilCreate(c *gin.Context) error {
	o := orgOf(c)
	vals, in, err := councilForm(c)
	var cl *council.Council
	if err == nil {
		cl, err = s.Councils.Create(c.Request.Context(), o, in)
	}
	if err != nil {
		data := &councilFormPage{formPage: formPage{Values: vals}}
		return s.formAgain(c, &data.formPage, err, func(st int) error { return s.renderCouncilForm(c, st, data) })
	}
	return s.doneTo(c, councilURL(o, cl.ID), "council.created")
}

func (s *Server) councilOf(c *gin.Context) (*council.Council, error) {
	id, err := councilParam(c, "council", "council.error.not_found")
	if err != nil {
		return nil, err
	}
	return s.Councils.Get(c.Request.Context(), orgOf(c), id)
}

func (s *Server) handleCouncilEdit(c *gin.Context) error {
	cl, err := s.councilOf(c)
	if err != nil {
		return err
	}
	vals := map[string]string{"kind": cl.Kind, "name": cl.Name, "min_meetings": strconv.Itoa(cl.MinMeetings),
		"statutes": cl.Statutes, "place": cl.Place, "sign_off": cl.SignOff, "visibility": cl.Visibility}
	if cl.TermFrom != nil {
		vals["term_from"] = strconv.Itoa(*cl.TermFrom)
	}
	if cl.TermTo != nil {
		vals["term_to"] = strconv.Itoa(*cl.TermTo)
	}
	return s.renderCouncilForm(c, http.StatusOK, &councilFormPage{formPage: formPage{Values: vals}, Council: cl})
}

func (s *Server) handleCouncilUpdate(c *gin.Context) error {
	o := orgOf(c)
	cl, err := s.councilOf(c)
	if err != nil {
		return err
	}
	vals, in, err := councilForm(c)
	if err == nil {
		_, err = s.Councils.Update(c.Request.Context(), o, cl.ID, in)
	}
	if err != nil {
		data := &councilFormPage{formPage: formPage{Values: vals}, Council: cl}
		return s.formAgain(c, &data.formPage, err, func(st int) error { return s.renderCouncilForm(c, st, data) })
	}
	return s.doneTo(c, councilURL(o, cl.ID), "council.saved")
}

func (s *Server) handleCouncilDeleteConfirm(c *gin.Context) error {
	cl, err := s.councilOf(c)
	if err != nil {
		return err
	}
	s.renderCouncilDelete(c, http.StatusOK, cl, "")
	return nil
}

// renderCouncilDelete asks before deleting cl; refusal is the service's
// reason when it refused.
func (s *Server) renderCouncilDelete(c *gin.Context, status int, cl *council.Council, refusal string) {
	o, l := orgOf(c), s.locale(c)
	p := &confirmPage{
		Layout: s.councilCrumbs(c, Crumb{Label: cl.Name, URL: councilURL(o, cl.ID)}, Crumb{Label: s.Catalog.T(l, "council.delete")}),
		Title:  s.Catalog.T(l, "council.delete"), Question: s.Catalog.T(l, "council.delete.question", "name", cl.Name),
		Note: s.Catalog.T(l, "council.delete.note"), Action: councilURL(o, cl.ID) + "/delete",
		Submit: s.Catalog.T(l, "council.delete"), Danger: true, Back: councilURL(o, cl.ID),
	}
	if refusal != "" {
		p.Note = refusal
	}
	s.render(c, status, "core/confirm.html", p)
}

func (s *Server) handleCouncilDelete(c *gin.Context) error {
	o := orgOf(c)
	cl, err := s.councilOf(c)
	if err != nil {
		return err
	}
	if err := s.Councils.Delete(c.Request.Context(), o, cl.ID); err != nil {
		if ae := app.AsError(err); ae != nil && ae.Code == app.EConflict {
			s.renderCouncilDelete(c, http.StatusConflict, cl, s.Catalog.T(s.locale(c), ae.Key, argsOf(err)...))
			return nil
		}
		return err
	}
	return s.doneTo(c, "/o/"+o.Slug+"/councils", "council.deleted", "name", cl.Name)
}

// --- the council page -----------------------------------------------------

type councilPage struct {
	formPage
	Org       *org.Organisation
	Council   *council.Council
	CanEdit   bool
	Groups    []councilMemberGroup // members now, by role
	Upcoming  []councilMemberRow   // memberships that start later
	Former    []councilMemberRow
	Year      int
	YearText  string
	Years     []int
	Meetings  []councilMeetingRow
	Planned   int // the year's meetings not cancelled
	Shortfall int
	// For the forms.
	Roles      []string
	Represents []string
	Current    []*council.Member // substitutes may stand in for them
	Users      []*account.Member
	Zone       string // the municipality's zone, for the meeting form's hint
}

type councilMemberGroup struct {
	Role    string
	Members []councilMemberRow
}

type councilMemberRow struct {
	*council.Member
	SubstituteOf string // the name of the member this one stands in for
	UserName     string // the linked user's name, when the page knows it
}

type councilMeetingRow struct {
	*council.Meeting
	When string // start, in the municipality's zone, the page's way
	Ends string // end time, when set
	URL  string
}

func (s *Server) handleCouncil(c *gin.Context) error {
	return s.renderCouncil(c, http.StatusOK, &councilPage{})
}

func (s *Server) renderCouncil(c *gin.Context, status int, data *councilPage) error {
	o, ctx, l := orgOf(c), c.Request.Context(), s.locale(c)
	cl, err := s.councilOf(c)
	if err != nil {
		return err
	}
	now := s.Clock.Now()
	loc := o.Location()
	data.Org, data.Council, data.CanEdit = o, cl, s.allowed(c, authz.CouncilWrite)
	data.Roles, data.Represents, data.Zone = council.Roles, council.Represents, loc.String()
	ms, err := s.Councils.Members(ctx, o, cl)
	if err != nil {
		return err
	}
	if data.CanEdit {
		if data.Users, err = s.Accounts.Members(ctx, o); err != nil {
			return err
		}
	}
	data.Groups, data.Upcoming, data.Former, data.Current = councilMemberRows(ms, data.Users, membershipDay(now, o))

	all, err := s.Councils.Meetings(ctx, o, cl, 0)
	if err != nil {
		return err
	}
	data.Year = councilDefaultYear(all, now, loc)
	if y, err := strconv.Atoi(c.Query("year")); err == nil && y >= 1900 && y <= 2200 {
		data.Year = y
	}
	years := map[int]bool{now.In(loc).Year(): true, data.Year: true}
	for _, m := range all {
		y := m.StartsAt.In(loc).Year()
		years[y] = true
		if y != data.Year {
			continue
		}
		row := councilMeetingRow{Meeting: m, When: i18n.FormatDateTime(l, m.StartsAt, loc), URL: "/o/" + o.Slug + "/" + m.Path()}
		if m.EndsAt != nil {
			row.Ends = m.EndsAt.In(loc).Format("15:04")
		}
		if m.Status != council.MeetingCancelled {
			data.Planned++
		}
		data.Meetings = append(data.Meetings, row)
	}
	for y := range years {
		data.Years = append(data.Years, y)
	}
	slices.SortFunc(data.Years, func(a, b int) int { return cmp.Compare(b, a) })
	data.YearText = strconv.Itoa(data.Year)
	data.Shortfall = council.Shortfall(cl, all, data.Year, loc)
	if data.Values == nil {
		data.Values = map[string]string{"role": council.RoleMember}
	}
	data.Layout = s.councilCrumbs(c, Crumb{Label: cl.Name})
	s.render(c, status, "council/council.html", data)
	return nil
}

// councilMemberRows sorts a council's memberships into those of today by
// role (in the roles' order), those that start later and former ones
// (the latest first), and answers the current ones for the substitute
// select.
func councilMemberRows(ms []*council.Member, users []*account.Member, today time.Time) (groups []councilMemberGroup,
	upcoming, former []councilMemberRow, current []*council.Member) {
	names := map[int64]string{}
	for _, m := range ms {
		names[m.ID] = m.Name
	}
	userNames := map[int64]string{}
	for _, u := range users {
		userNames[u.ID] = u.Name
	}
	row := func(m *council.Member) councilMemberRow {
		r := councilMemberRow{Member: m}
		if m.SubstituteFor != nil {
			r.SubstituteOf = names[*m.SubstituteFor]
		}
		if m.UserID != nil {
			r.UserName = userNames[*m.UserID]
		}
		return r
	}
	byRole := map[string][]councilMemberRow{}
	for _, m := range ms {
		switch {
		case m.ActiveOn(today):
			byRole[m.Role] = append(byRole[m.Role], row(m))
			current = append(current, m)
		case m.FromDate != nil && m.FromDate.After(today):
			upcoming = append(upcoming, row(m))
		default:
			former = append(former, row(m))
		}
	}
	for _, r := range council.Roles {
		if len(byRole[r]) > 0 {
			groups = append(groups, councilMemberGroup{Role: r, Members: byRole[r]})
		}
	}
	slices.SortStableFunc(former, func(a, b councilMemberRow) int {
		return timeOf(b.ToDate).Compare(timeOf(a.ToDate))
	})
	return groups, upcoming, former, current
}

// handleCouncilMeetingPlan plans a meeting from the council page's form:
// a day and times read in the municipality's zone.
func (s *Server) handleCouncilMeetingPlan(c *gin.Context) error {
	o := orgOf(c)
	cl, err := s.councilOf(c)
	if err != nil {
		return err
	}
	vals := map[string]string{}
	for _, k := range []string{"date", "time", "end_time", "place"} {
		vals[k] = strings.TrimSpace(c.PostForm(k))
	}
	in, err := meetingForm(vals, o.Location())
	var m *council.Meeting
	if err == nil {
		m, err = s.Councils.CreateMeeting(c.Request.Context(), o, cl.ID, in)
		err = renameField(err, meetingFormFields)
	}
	if err != nil {
		data := &councilPage{formPage: formPage{Values: vals}}
		data.Values["role"] = council.RoleMember
		return s.formAgain(c, &data.formPage, err, func(st int) error { return s.renderCouncil(c, st, data) })
	}
	return s.doneTo(c, "/o/"+o.Slug+"/"+m.Path(), "council.meeting.planned")
}

// meetingForm reads a meeting's day, start and end time (local times in
// loc) and place.
func meetingForm(vals map[string]string, loc *time.Location) (council.MeetingInput, error) {
	in := council.MeetingInput{Place: vals["place"]}
	if vals["date"] == "" {
		return in, app.Errorf(app.EInvalid, "error.required").WithField("date")
	}
	d, ok := i18n.ParseDate(vals["date"])
	if !ok {
		return in, app.Errorf(app.EInvalid, "council.error.date").WithField("date")
	}
	clock := func(field string) (int, int, error) {
		h, mi, ok := parseClock(vals[field])
		if !ok {
			return 0, 0, app.Errorf(app.EInvalid, "council.error.time").WithField(field)
		}
		return h, mi, nil
	}
	if vals["time"] == "" {
		return in, app.Errorf(app.EInvalid, "error.required").WithField("time")
	}
	h, mi, err := clock("time")
	if err != nil {
		return in, err
	}
	in.StartsAt = time.Date(d.Year(), d.Month(), d.Day(), h, mi, 0, 0, loc)
	if vals["end_time"] != "" {
		h, mi, err := clock("end_time")
		if err != nil {
			return in, err
		}
		end := time.Date(d.Year(), d.Month(), d.Day(), h, mi, 0, 0, loc)
		in.EndsAt = &end
	}
	return in, nil
}

// parseClock reads a time of day typed on a 24-hour clock: 16:30, 9:05,
// or with a full stop as Danes and Norwegians also write it (16.30); ok is
// false for anything else, such as 25:00 or 4 pm.
func parseClock(v string) (h, m int, ok bool) {
	v = strings.TrimSpace(v)
	i := strings.IndexAny(v, ":.")
	if i < 1 || i > 2 || len(v)-i-1 != 2 {
		return 0, 0, false
	}
	h, err1 := strconv.Atoi(v[:i])
	m, err2 := strconv.Atoi(v[i+1:])
	if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 || strings.ContainsAny(v, "+-") {
		return 0, 0, false
	}
	return h, m, true
}

// councilDay reads an optional day typed into field of vals (a date
// field's ISO day, or as Norwegians and Danes write it); err is the
// form's first error so far, kept when there is one.
func councilDay(vals map[string]string, field string, err error) (*time.Time, error) {
	return formDayAs(vals, field, "council.error.date", err)
}

// requiredDay reads a day that must be typed into field of vals.
func requiredDay(vals map[string]string, field string) (*time.Time, error) {
	if vals[field] == "" {
		return nil, app.Errorf(app.EInvalid, "error.required").WithField(field)
	}
	return councilDay(vals, field, nil)
}

// meetingFormFields are the meeting form's names of the service's fields:
// the service names instants, the form has a day and clock times.
var meetingFormFields = map[string]string{"starts_at": "date", "ends_at": "end_time"}

// renameField gives err's field the form's name for it, where a form
// names a field otherwise than the service does.
func renameField(err error, names map[string]string) error {
	if ae := app.AsError(err); ae != nil {
		if n, ok := names[ae.Field]; ok {
			ae.Field = n
		}
	}
	return err
}

// councilDefaultYear is the year whose meetings the council page shows
// when none is asked for: that of the next meeting not cancelled, else the
// latest year with meetings (a council whose record is history), else now's.
func councilDefaultYear(ms []*council.Meeting, now time.Time, loc *time.Location) int {
	var next, last *council.Meeting
	for _, m := range ms {
		if !m.StartsAt.Before(now) && m.Status != council.MeetingCancelled && (next == nil || m.StartsAt.Before(next.StartsAt)) {
			next = m
		}
		if last == nil || m.StartsAt.After(last.StartsAt) {
			last = m
		}
	}
	switch {
	case next != nil:
		return next.StartsAt.In(loc).Year()
	case last != nil:
		return last.StartsAt.In(loc).Year()
	}
	return now.In(loc).Year()
}

// --- members ----------------------------------------------------------------

// memberForm reads the member form: its values as typed, and the input
// (with the first field that could not be read).
func memberForm(c *gin.Context) (map[string]string, council.MemberInput, error) {
	vals := map[string]string{}
	for _, k := range []string{"name", "role", "represents", "represents_text", "substitute_for", "user_id", "from_date", "to_date"} {
		vals[k] = strings.TrimSpace(c.PostForm(k))
	}
	in := council.MemberInput{Name: vals["name"], Role: vals["role"], Represents: vals["represents"], RepresentsText: vals["represents_text"]}
	var err error
	id := func(field, key string) *int64 {
		v := vals[field]
		if v == "" {
			return nil
		}
		n, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil && err == nil {
			err = app.Errorf(app.EInvalid, key).WithField(field)
		}
		return &n
	}
	in.SubstituteFor = id("substitute_for", "council.error.substitute_for")
	in.UserID = id("user_id", "council.error.user")
	in.FromDate, err = councilDay(vals, "from_date", err)
	in.ToDate, err = councilDay(vals, "to_date", err)
	return vals, in, err
}

func (s *Server) handleCouncilMemberAdd(c *gin.Context) error {
	o := orgOf(c)
	cl, err := s.councilOf(c)
	if err != nil {
		return err
	}
	vals, in, err := memberForm(c)
	var m *council.Member
	if err == nil {
		m, err = s.Councils.AddMember(c.Request.Context(), o, cl.ID, in)
	}
	if err != nil {
		data := &councilPage{formPage: formPage{Values: vals}}
		return s.formAgain(c, &data.formPage, err, func(st int) error { return s.renderCouncil(c, st, data) })
	}
	return s.doneTo(c, councilURL(o, cl.ID)+"#members", "council.member.added", "name", m.Name)
}

type councilMemberPage struct {
	formPage
	Org        *org.Organisation
	Council    *council.Council
	Member     *council.Member
	Roles      []string
	Represents []string
	Current    []*council.Member // whom a substitute may stand in for
	Users      []*account.Member
}

func (s *Server) councilMemberOf(c *gin.Context) (*council.Council, *council.Member, error) {
	cl, err := s.councilOf(c)
	if err != nil {
		return nil, nil, err
	}
	id, err := councilParam(c, "member", "council.error.member_not_found")
	if err != nil {
		return nil, nil, err
	}
	m, err := s.Councils.Member(c.Request.Context(), orgOf(c), cl.ID, id)
	return cl, m, err
}

func (s *Server) handleCouncilMember(c *gin.Context) error {
	cl, m, err := s.councilMemberOf(c)
	if err != nil {
		return err
	}
	return s.renderCouncilMember(c, http.StatusOK, &councilMemberPage{formPage: formPage{Values: memberVals(s.locale(c), m)}}, cl, m)
}

func (s *Server) renderCouncilMember(c *gin.Context, status int, data *councilMemberPage, cl *council.Council, m *council.Member) error {
	o, ctx := orgOf(c), c.Request.Context()
	data.Org, data.Council, data.Member, data.Roles, data.Represents = o, cl, m, council.Roles, council.Represents
	ms, err := s.Councils.Members(ctx, o, cl)
	if err != nil {
		return err
	}
	for _, x := range council.CurrentOn(ms, membershipDay(s.Clock.Now(), o)) {
		if x.ID != m.ID {
			data.Current = append(data.Current, x)
		}
	}
	if data.Users, err = s.Accounts.Members(ctx, o); err != nil {
		return err
	}
	if data.Values == nil {
		data.Values = map[string]string{}
	}
	data.Layout = s.councilCrumbs(c, Crumb{Label: cl.Name, URL: councilURL(o, cl.ID)}, Crumb{Label: m.Name})
	s.render(c, status, "council/member.html", data)
	return nil
}

// memberFail shows the member page again with err at its field, the
// form's values as typed.
func (s *Server) memberFail(c *gin.Context, cl *council.Council, m *council.Member, vals map[string]string, err error) error {
	data := &councilMemberPage{formPage: formPage{Values: vals}}
	return s.formAgain(c, &data.formPage, err, func(st int) error { return s.renderCouncilMember(c, st, data, cl, m) })
}

func (s *Server) handleCouncilMemberUpdate(c *gin.Context) error {
	o := orgOf(c)
	cl, m, err := s.councilMemberOf(c)
	if err != nil {
		return err
	}
	vals, in, err := memberForm(c)
	if err == nil {
		_, err = s.Councils.UpdateMember(c.Request.Context(), o, cl.ID, m.ID, in)
	}
	if err != nil {
		return s.memberFail(c, cl, m, vals, err)
	}
	return s.doneTo(c, councilURL(o, cl.ID)+"#members", "council.member.saved", "name", in.Name)
}

func (s *Server) handleCouncilMemberRole(c *gin.Context) error {
	o := orgOf(c)
	cl, m, err := s.councilMemberOf(c)
	if err != nil {
		return err
	}
	vals := map[string]string{"new_role": strings.TrimSpace(c.PostForm("new_role")), "role_from": strings.TrimSpace(c.PostForm("role_from"))}
	from, err := requiredDay(vals, "role_from")
	if err == nil {
		_, err = s.Councils.ChangeRole(c.Request.Context(), o, cl.ID, m.ID, vals["new_role"], *from)
		err = renameField(err, map[string]string{"role": "new_role", "from": "role_from"})
	}
	if err != nil {
		return s.memberFail(c, cl, m, mergeVals(memberVals(s.locale(c), m), vals), err)
	}
	return s.doneTo(c, councilURL(o, cl.ID)+"#members", "council.member.role_changed", "name", m.Name)
}

func (s *Server) handleCouncilMemberEnd(c *gin.Context) error {
	o := orgOf(c)
	cl, m, err := s.councilMemberOf(c)
	if err != nil {
		return err
	}
	vals := map[string]string{"last_day": strings.TrimSpace(c.PostForm("last_day"))}
	last, err := requiredDay(vals, "last_day")
	if err == nil {
		err = s.Councils.EndMember(c.Request.Context(), o, cl.ID, m.ID, *last)
		err = renameField(err, map[string]string{"to_date": "last_day"})
	}
	if err != nil {
		return s.memberFail(c, cl, m, mergeVals(memberVals(s.locale(c), m), vals), err)
	}
	return s.doneTo(c, councilURL(o, cl.ID)+"#members", "council.member.ended", "name", m.Name)
}

func (s *Server) handleCouncilMemberRemove(c *gin.Context) error {
	o := orgOf(c)
	cl, m, err := s.councilMemberOf(c)
	if err != nil {
		return err
	}
	if err := s.Councils.RemoveMember(c.Request.Context(), o, cl.ID, m.ID); err != nil {
		if ae := app.AsError(err); ae != nil && ae.Code == app.EConflict {
			return s.memberFail(c, cl, m, memberVals(s.locale(c), m), err)
		}
		return err
	}
	return s.doneTo(c, councilURL(o, cl.ID)+"#members", "council.member.removed", "name", m.Name)
}

// memberVals answers m as the edit form's values, its days written the
// way the page's locale l writes them.
func memberVals(l string, m *council.Member) map[string]string {
	vals := map[string]string{"name": m.Name, "role": m.Role, "represents": m.Represents, "represents_text": m.RepresentsText}
	if m.SubstituteFor != nil {
		vals["substitute_for"] = strconv.FormatInt(*m.SubstituteFor, 10)
	}
	if m.UserID != nil {
		vals["user_id"] = strconv.FormatInt(*m.UserID, 10)
	}
	if m.FromDate != nil {
		vals["from_date"] = i18n.FormatDateInput(l, *m.FromDate)
	}
	if m.ToDate != nil {
		vals["to_date"] = i18n.FormatDateInput(l, *m.ToDate)
	}
	return vals
}

func mergeVals(a, b map[string]string) map[string]string {
	for k, v := range b {
		a[k] = v
	}
	return a
}

// --- the decision register ------------------------------------------------

type councilDecisionsPage struct {
	Layout
	Org      *org.Organisation
	Councils []council.Standing
	Types    []string
	Filter   map[string]string // as asked
	Rows     []councilDecisionRow
	Limited  bool // the register shows its first rows only
}

type councilDecisionRow struct {
	council.Decision
	Date       string
	Text       string // the decision, shortened
	Open       int
	Done       int
	ItemURL    string
	MeetingURL string
}

// registerLimit bounds the register's rows.
const registerLimit = 300

func (s *Server) handleCouncilDecisions(c *gin.Context) error {
	o, ctx, l := orgOf(c), c.Request.Context(), s.locale(c)
	loc := o.Location()
	data := &councilDecisionsPage{Org: o, Types: council.DecisionTypes, Filter: map[string]string{}}
	for _, k := range []string{"council", "year", "type", "q"} {
		data.Filter[k] = strings.TrimSpace(c.Query(k))
	}
	f := council.DecisionFilter{Text: data.Filter["q"], Limit: registerLimit + 1}
	if id, err := strconv.ParseInt(data.Filter["council"], 10, 64); err == nil {
		f.CouncilID = id
	}
	if y, err := strconv.Atoi(data.Filter["year"]); err == nil && y >= 1900 && y <= 2200 {
		f.Year = y
	}
	if slices.Contains(council.DecisionTypes, data.Filter["type"]) {
		f.Type = data.Filter["type"]
	}
	var err error
	if data.Councils, err = s.Councils.List(ctx, o, s.Clock.Now().In(loc).Year()); err != nil {
		return err
	}
	ds, err := s.Councils.Decisions(ctx, o, f)
	if err != nil {
		return err
	}
	if len(ds) > registerLimit {
		ds, data.Limited = ds[:registerLimit], true
	}
	for _, d := range ds {
		row := councilDecisionRow{Decision: d, Text: shorten(d.Item.Decision, 240), Open: d.OpenFollowUps(),
			ItemURL: "/o/" + o.Slug + "/" + d.Item.Path()}
		for _, fu := range d.FollowUps {
			if fu.Status == measure.StatusDone {
				row.Done++
			}
		}
		if d.Meeting != nil {
			row.Date = i18n.FormatDate(l, d.Meeting.StartsAt.In(loc))
			row.MeetingURL = "/o/" + o.Slug + "/" + d.Meeting.Path()
		}
		data.Rows = append(data.Rows, row)
	}
	data.Layout = s.councilCrumbs(c, Crumb{Label: s.Catalog.T(l, "council.register.title")})
	s.render(c, http.StatusOK, "council/register.html", data)
	return nil
}

// shorten cuts s to at most n characters at a word, with an ellipsis.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	if i := strings.LastIndexByte(string(r), ' '); i > n/2 {
		return string(r)[:i] + " …"
	}
	return string(r) + "…"
}
