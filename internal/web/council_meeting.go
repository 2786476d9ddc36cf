package web

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/files"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
)

// councilMeetingRoutes registers a meeting's page: its agenda items,
// attendance, attachments, follow-up actions and the minutes' steps.
func (s *Server) councilMeetingRoutes() {
	const m = "/o/:org/councils/:council/meetings/:meeting"
	w, r := authz.CouncilWrite, authz.ContentRead
	s.org("GET", m, r, councilsOnly(s.handleMeeting))
	s.org("POST", m, w, councilsOnly(s.handleMeetingUpdate), maxBody(16<<10))
	s.org("POST", m+"/status", w, councilsOnly(s.handleMeetingStatus), maxBody(4<<10))
	s.org("GET", m+"/delete", w, councilsOnly(s.handleMeetingDeleteConfirm))
	s.org("POST", m+"/delete", w, councilsOnly(s.handleMeetingDelete), maxBody(4<<10))
	s.org("POST", m+"/attendance", w, councilsOnly(s.handleMeetingAttendance), maxBody(64<<10))
	s.org("POST", m+"/adjusters", w, councilsOnly(s.handleMeetingAdjusters), maxBody(16<<10))
	s.org("GET", m+"/items/new", w, councilsOnly(s.handleMeetingItemNew))
	s.org("POST", m+"/items", w, councilsOnly(s.handleMeetingItemAdd), maxBody(MaxEntryBody))
	s.org("GET", m+"/items/:item", r, councilsOnly(s.handleMeetingItem))
	s.org("GET", m+"/items/:item/edit", w, councilsOnly(s.handleMeetingItemEdit))
	s.org("POST", m+"/items/:item", w, councilsOnly(s.handleMeetingItemUpdate), maxBody(MaxEntryBody))
	s.org("POST", m+"/items/:item/move", w, councilsOnly(s.handleMeetingItemMove), maxBody(4<<10))
	s.org("POST", m+"/items/:item/remove", w, councilsOnly(s.handleMeetingItemRemove), maxBody(4<<10))
	s.org("POST", m+"/items/:item/attachments", w, councilsOnly(s.handleMeetingAttach), maxBody(MaxAttachmentBody))
	s.org("GET", m+"/items/:item/attachments/:file", r, councilsOnly(s.handleMeetingAttachment))
	s.org("POST", m+"/items/:item/attachments/:file/remove", w, councilsOnly(s.handleMeetingDetach), maxBody(4<<10))
	s.org("POST", m+"/items/:item/followups", w, councilsOnly(s.handleMeetingFollowUpAdd), maxBody(16<<10))
	s.org("POST", m+"/items/:item/followups/:measure/remove", w, councilsOnly(s.handleMeetingFollowUpRemove), maxBody(4<<10))
	s.org("POST", m+"/minutes/circulate", w, councilsOnly(s.minutesAction("circulate")), maxBody(4<<10))
	s.org("POST", m+"/minutes/approve", w, councilsOnly(s.minutesAction("approve")), maxBody(4<<10))
	s.org("POST", m+"/minutes/publish", w, councilsOnly(s.minutesAction("publish")), maxBody(4<<10))
	s.org("POST", m+"/minutes/correct", w, councilsOnly(s.minutesAction("correct")), maxBody(16<<10))
	s.org("POST", m+"/minutes/comment", r, councilsOnly(s.minutesAction("comment")), maxBody(16<<10))
	s.org("POST", m+"/minutes/sign", r, councilsOnly(s.minutesAction("sign")), maxBody(4<<10))
	s.org("GET", m+"/minutes/:version", r, councilsOnly(s.handleMinutesVersion))
}

// meetingIDs reads the :council and :meeting parameters; anything but a
// number is not found.
func meetingIDs(c *gin.Context) (councilID, meetingID int64, err error) {
	if councilID, err = councilParam(c, "council", "council.error.not_found"); err != nil {
		return 0, 0, err
	}
	if meetingID, err = councilParam(c, "meeting", "council.error.meeting_not_found"); err != nil {
		return 0, 0, err
	}
	return councilID, meetingID, nil
}

// attachmentIDs reads the :council, :meeting, :item and :file
// parameters; anything but a number is not found.
func attachmentIDs(c *gin.Context) (councilID, meetingID, itemID, fileID int64, err error) {
	if councilID, meetingID, itemID, err = itemIDs(c); err != nil {
		return 0, 0, 0, 0, err
	}
	if fileID, err = councilParam(c, "file", "council.error.attachment_not_found"); err != nil {
		return 0, 0, 0, 0, err
	}
	return councilID, meetingID, itemID, fileID, nil
}

// itemIDs reads the :council, :meeting and :item parameters; anything but
// a number is not found.
func itemIDs(c *gin.Context) (councilID, meetingID, itemID int64, err error) {
	if councilID, meetingID, err = meetingIDs(c); err != nil {
		return 0, 0, 0, err
	}
	if itemID, err = councilParam(c, "item", "council.error.item_not_found"); err != nil {
		return 0, 0, 0, err
	}
	return councilID, meetingID, itemID, nil
}

// meetingURL is where a meeting's page is.
func meetingURL(o *org.Organisation, m *council.Meeting) string {
	return "/o/" + o.Slug + "/" + m.Path()
}

// meetingBase is a meeting's page from the request's path.
func meetingBase(c *gin.Context) string {
	return "/o/" + orgOf(c).Slug + "/councils/" + c.Param("council") + "/meetings/" + c.Param("meeting")
}

// meetingActions are the status steps a meeting of status may take.
func meetingActions(status string) []string {
	switch status {
	case council.MeetingPlanned:
		return []string{"publish_agenda", "held", "cancel"}
	case council.MeetingAgendaPublished:
		return []string{"held", "cancel"}
	}
	return nil
}

// attendanceRow is one expected member's line of the attendance form.
type attendanceRow struct {
	Member *council.Member
	Status string // as recorded or typed; "" not recorded
	Sub    string // the substitute's id as recorded or typed
}

type meetingPage struct {
	formPage
	Org       *org.Organisation
	V         *council.MeetingView
	Base      string
	TZ        string
	CanEdit   bool
	Locked    bool
	Actions   []string
	Deletable bool
	Rows      []attendanceRow
	// The minutes as the user may act on them.
	Linked    *council.Member // the user's membership on the day
	CanSign   bool
	HasSigned bool
	CanMember bool // comment (and maybe sign): circulated or amended
	Adjusters map[int64]bool
	// Candidates are who may adjust the minutes: members on the day.
	Candidates []*council.Member
	Statuses   []string
	// Overdue holds the earlier follow-up actions (by measure id) whose
	// deadline passed before the meeting's day and that are still open.
	Overdue map[string]bool
	// PublicURL is the meeting's public page, when the council is public
	// and its agenda or minutes are published; "" otherwise.
	PublicURL string
}

func (s *Server) handleMeeting(c *gin.Context) error {
	return s.renderMeeting(c, http.StatusOK, &meetingPage{})
}

func (s *Server) meetingView(c *gin.Context) (*council.MeetingView, error) {
	cid, mid, err := meetingIDs(c)
	if err != nil {
		return nil, err
	}
	return s.Councils.Meeting(c.Request.Context(), orgOf(c), cid, mid)
}

func (s *Server) renderMeeting(c *gin.Context, status int, data *meetingPage) error {
	o, l := orgOf(c), s.locale(c)
	v, err := s.meetingView(c)
	if err != nil {
		return err
	}
	data.Org, data.V, data.TZ, data.Statuses = o, v, o.TimeZone, council.AttendanceStatuses
	data.Base = meetingURL(o, v.Meeting)
	data.CanEdit, data.Locked = s.allowed(c, authz.CouncilWrite), v.Locked()
	data.Actions = meetingActions(v.Meeting.Status)
	st := v.Meeting.Status
	data.Deletable = st == council.MeetingPlanned || st == council.MeetingCancelled || st == council.MeetingAgendaPublished
	if data.Values == nil {
		data.Values = map[string]string{}
	}
	day := membershipDay(v.Meeting.StartsAt, o)
	loc := o.Location()
	if _, ok := data.Values["date"]; !ok { // not the time and place form coming back
		data.Values["date"] = i18n.FormatDateInput(l, v.Meeting.StartsAt.In(loc))
		data.Values["time"] = v.Meeting.StartsAt.In(loc).Format("15:04")
		if v.Meeting.EndsAt != nil {
			data.Values["end_time"] = v.Meeting.EndsAt.In(loc).Format("15:04")
		}
		data.Values["place"] = v.Meeting.Place
	}
	for _, mb := range v.Roll.Expected {
		row := attendanceRow{Member: mb}
		if data.Values["attendance"] == "1" {
			row.Status, row.Sub = data.Values["status_"+itoa64(mb.ID)], data.Values["sub_"+itoa64(mb.ID)]
		} else if a := v.Roll.Status[mb.ID]; a != nil {
			row.Status = a.Status
			if a.SubstituteID != nil {
				row.Sub = itoa64(*a.SubstituteID)
			}
		}
		data.Rows = append(data.Rows, row)
	}
	data.Adjusters = map[int64]bool{}
	for _, id := range v.Meeting.AdjusterIDs() {
		data.Adjusters[id] = true
	}
	data.Candidates = append(append([]*council.Member(nil), v.Roll.Expected...), v.Roll.Substitutes...)
	data.Overdue = map[string]bool{}
	for _, e := range v.Earlier {
		if e.Measure.Due != nil && e.Measure.Due.Before(day) && !measure.Closed(e.Measure.Status) {
			data.Overdue[e.Measure.ID] = true
		}
	}
	if v.Council.Public() {
		published := v.Meeting.AgendaPublic()
		for _, mn := range v.Versions {
			published = published || mn.State == council.MinutesPublished
		}
		if published {
			data.PublicURL = publicCouncilMeetingURL(o.Slug, v.Meeting)
		}
	}
	if a := app.ActorFrom(c.Request.Context()); a != nil {
		data.Linked = council.LinkedMember(v.Members, a.UserID, day)
	}
	if mn := v.Minutes; mn != nil && data.Linked != nil {
		data.CanMember = mn.State == council.MinutesCirculated || mn.State == council.MinutesAmended
		data.HasSigned = slices.Contains(v.Signed, data.Linked.ID)
		data.CanSign = data.CanMember && !data.HasSigned && slices.ContainsFunc(v.Signers, func(m *council.Member) bool { return m.ID == data.Linked.ID })
	}
	data.Layout = s.meetingCrumbs(c, v.Council, v.Meeting)
	s.render(c, status, "council/meeting.html", data)
	return nil
}

// meetingCrumbs are a meeting's page's breadcrumbs: the councils, the
// council, the meeting (a link when more crumbs follow) and more.
func (s *Server) meetingCrumbs(c *gin.Context, cl *council.Council, m *council.Meeting, more ...Crumb) Layout {
	o := orgOf(c)
	at := Crumb{Label: i18n.FormatDateTime(s.locale(c), m.StartsAt, o.Location())}
	if len(more) > 0 {
		at.URL = meetingURL(o, m)
	}
	return s.councilCrumbs(c, append([]Crumb{{Label: cl.Name, URL: "/o/" + o.Slug + "/" + cl.Path()}, at}, more...)...)
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// meetingFail shows the meeting's page again with err and what was typed,
// or answers err when it is not the form's to show.
func (s *Server) meetingFail(c *gin.Context, vals map[string]string, err error) error {
	if app.IsNotFound(err) {
		return err
	}
	data := &meetingPage{formPage: formPage{Values: vals}}
	return s.formAgain(c, &data.formPage, err, func(st int) error { return s.renderMeeting(c, st, data) })
}

func (s *Server) handleMeetingUpdate(c *gin.Context) error {
	o := orgOf(c)
	cid, mid, err := meetingIDs(c)
	if err != nil {
		return err
	}
	vals := map[string]string{}
	for _, k := range []string{"date", "time", "end_time", "place", "rev"} {
		vals[k] = strings.TrimSpace(c.PostForm(k))
	}
	// A day the page's way and clock times, each refused at its own field.
	in, err := meetingForm(vals, o.Location())
	if err == nil {
		_, err = s.Councils.UpdateMeeting(c.Request.Context(), o, cid, mid, atoi(vals["rev"]), in)
	}
	// The service names the instants; the form has a day and clock times.
	err = renameField(err, meetingFormFields)
	if err != nil {
		return s.meetingFail(c, vals, err)
	}
	return s.doneTo(c, meetingBase(c), "council_meeting.saved")
}

func (s *Server) handleMeetingStatus(c *gin.Context) error {
	o, ctx := orgOf(c), c.Request.Context()
	cid, mid, err := meetingIDs(c)
	if err != nil {
		return err
	}
	action := c.PostForm("action")
	switch action {
	case "publish_agenda":
		_, err = s.Councils.PublishAgenda(ctx, o, cid, mid)
	case "held":
		_, err = s.Councils.MarkHeld(ctx, o, app.ActorFrom(ctx), cid, mid)
	case "cancel":
		_, err = s.Councils.CancelMeeting(ctx, o, cid, mid)
	default:
		err = app.Errorf(app.EInvalid, "council.error.status")
	}
	if err != nil {
		return s.meetingFail(c, nil, err)
	}
	return s.doneTo(c, meetingBase(c), "council_meeting.action_done."+action)
}

func (s *Server) handleMeetingDeleteConfirm(c *gin.Context) error {
	o, l := orgOf(c), s.locale(c)
	cid, mid, err := meetingIDs(c)
	if err != nil {
		return err
	}
	m, err := s.Councils.GetMeeting(c.Request.Context(), o, cid, mid)
	if err != nil {
		return err
	}
	when := i18n.FormatDateTime(l, m.StartsAt, o.Location())
	s.renderConfirm(c, &confirmPage{
		Layout:   Layout{Nav: "councils", Breadcrumbs: []Crumb{{Label: when, URL: meetingURL(o, m)}, {Label: s.Catalog.T(l, "council_meeting.delete")}}},
		Title:    s.Catalog.T(l, "council_meeting.delete"),
		Question: s.Catalog.T(l, "council_meeting.delete.question", "when", when),
		Note:     s.Catalog.T(l, "council_meeting.delete.note"), Action: meetingURL(o, m) + "/delete",
		Submit: s.Catalog.T(l, "council_meeting.delete"), Danger: true, Back: meetingURL(o, m),
	})
	return nil
}

func (s *Server) handleMeetingDelete(c *gin.Context) error {
	o := orgOf(c)
	cid, mid, err := meetingIDs(c)
	if err != nil {
		return err
	}
	if err := s.Councils.DeleteMeeting(c.Request.Context(), o, cid, mid); err != nil {
		return s.meetingFail(c, nil, err)
	}
	return s.doneTo(c, "/o/"+o.Slug+"/councils/"+c.Param("council"), "council_meeting.deleted")
}

// handleMeetingAttendance records the attendance form: for each expected
// member (field member, repeated) status_<id> and sub_<id>.
func (s *Server) handleMeetingAttendance(c *gin.Context) error {
	o := orgOf(c)
	cid, mid, err := meetingIDs(c)
	if err != nil {
		return err
	}
	vals := map[string]string{"rev": c.PostForm("rev"), "attendance": "1"}
	var in []council.AttendanceInput
	for _, v := range c.PostFormArray("member") {
		id, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil {
			continue
		}
		st, sub := c.PostForm("status_"+v), strings.TrimSpace(c.PostForm("sub_"+v))
		vals["status_"+v], vals["sub_"+v] = st, sub
		a := council.AttendanceInput{MemberID: id, Status: st}
		if sub != "" && st != council.Present {
			sid, perr := strconv.ParseInt(sub, 10, 64)
			if perr == nil {
				a.SubstituteID = &sid
			}
		}
		in = append(in, a)
	}
	if _, err := s.Councils.SetAttendance(c.Request.Context(), o, cid, mid, atoi(vals["rev"]), in); err != nil {
		return s.meetingFail(c, vals, err)
	}
	return s.doneTo(c, meetingBase(c)+"#attendance", "council_meeting.attendance.saved")
}

func (s *Server) handleMeetingAdjusters(c *gin.Context) error {
	o := orgOf(c)
	cid, mid, err := meetingIDs(c)
	if err != nil {
		return err
	}
	var ids []int64
	for _, v := range c.PostFormArray("adjuster") {
		if id, perr := strconv.ParseInt(v, 10, 64); perr == nil {
			ids = append(ids, id)
		}
	}
	if _, err := s.Councils.SetAdjusters(c.Request.Context(), o, cid, mid, ids); err != nil {
		return s.meetingFail(c, nil, err)
	}
	return s.doneTo(c, meetingBase(c)+"#minutes", "council_meeting.adjusters.saved")
}

// minutesAction answers the handler of a step of the minutes.
func (s *Server) minutesAction(action string) func(*gin.Context) error {
	return func(c *gin.Context) error {
		o, ctx := orgOf(c), c.Request.Context()
		a := app.ActorFrom(ctx)
		cid, mid, err := meetingIDs(c)
		if err != nil {
			return err
		}
		vals := map[string]string{}
		switch action {
		case "circulate":
			err = s.Councils.Circulate(ctx, o, a, cid, mid)
		case "approve":
			vals["at_meeting"], vals["ref"] = c.PostForm("at_meeting"), strings.TrimSpace(c.PostForm("ref"))
			at, _ := strconv.ParseInt(vals["at_meeting"], 10, 64)
			err = s.Councils.Approve(ctx, o, a, cid, mid, council.ApproveInput{AtMeetingID: at, Ref: vals["ref"]})
		case "publish":
			err = s.Councils.Publish(ctx, o, a, cid, mid)
		case "correct":
			vals["reason"] = c.PostForm("reason")
			err = s.Councils.Correct(ctx, o, a, cid, mid, vals["reason"])
		case "comment":
			vals["comment"] = c.PostForm("comment")
			err = s.Councils.Comment(ctx, o, a, cid, mid, vals["comment"])
		case "sign":
			err = s.Councils.Sign(ctx, o, a, cid, mid)
		}
		if err != nil {
			return s.meetingFail(c, vals, err)
		}
		return s.doneTo(c, meetingBase(c)+"#minutes", "council_meeting.minutes.done."+action)
	}
}

type minutesVersionPage struct {
	Layout
	Org     *org.Organisation
	Council *council.Council
	Meeting *council.Meeting
	Minutes *council.Minutes
	Doc     *council.Doc
	Events  []*council.Event
	Base    string
	TZ      string
}

func (s *Server) handleMinutesVersion(c *gin.Context) error {
	o, l, ctx := orgOf(c), s.locale(c), c.Request.Context()
	cid, mid, err := meetingIDs(c)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(c.Param("version"))
	if err != nil || n <= 0 {
		return app.Errorf(app.ENotFound, "council.error.minutes_not_found")
	}
	cl, err := s.Councils.Get(ctx, o, cid)
	if err != nil {
		return err
	}
	m, err := s.Councils.GetMeeting(ctx, o, cid, mid)
	if err != nil {
		return err
	}
	mn, doc, err := s.Councils.MinutesVersion(ctx, o, mid, n)
	if err != nil {
		return err
	}
	_, evs, err := s.Councils.Versions(ctx, o, mid)
	if err != nil {
		return err
	}
	data := &minutesVersionPage{Org: o, Council: cl, Meeting: m, Minutes: mn, Doc: doc, Events: evs[mn.ID],
		Base: meetingURL(o, m), TZ: o.TimeZone}
	data.Layout = s.meetingCrumbs(c, cl, m, Crumb{Label: s.Catalog.T(l, "council_meeting.minutes.version", "version", n)})
	s.render(c, http.StatusOK, "council/minutes_version.html", data)
	return nil
}

// Items.

type itemPage struct {
	formPage
	Org     *org.Organisation
	V       *council.MeetingView
	Item    council.DocItem
	Base    string // the meeting's page
	TZ      string
	CanEdit bool
	Locked  bool
	// Members are who may be named responsible for a follow-up action.
	Members []*account.Member
	Links   []itemLink
}

// itemLink is an item's link with where it leads ("" when nowhere).
type itemLink struct {
	council.Link
	URL string
}

// findDocItem answers the item id of the meeting's document.
func findDocItem(v *council.MeetingView, id int64) (council.DocItem, bool) {
	for _, it := range v.Doc.Items {
		if it.ID == id {
			return it, true
		}
	}
	return council.DocItem{}, false
}

func (s *Server) handleMeetingItem(c *gin.Context) error {
	return s.renderMeetingItem(c, http.StatusOK, &itemPage{})
}

func (s *Server) renderMeetingItem(c *gin.Context, status int, data *itemPage) error {
	o := orgOf(c)
	id, err := councilParam(c, "item", "council.error.item_not_found")
	if err != nil {
		return err
	}
	v, err := s.meetingView(c)
	if err != nil {
		return err
	}
	it, ok := findDocItem(v, id)
	if !ok {
		return app.Errorf(app.ENotFound, "council.error.item_not_found")
	}
	data.Org, data.V, data.Item, data.TZ = o, v, it, o.TimeZone
	data.Base = meetingURL(o, v.Meeting)
	data.CanEdit, data.Locked = s.allowed(c, authz.CouncilWrite), v.Locked()
	if data.Values == nil {
		data.Values = map[string]string{}
	}
	for _, k := range it.Links {
		data.Links = append(data.Links, itemLink{Link: k, URL: linkURL(o.Slug, k)})
	}
	if data.CanEdit {
		if data.Members, err = s.Accounts.Members(c.Request.Context(), o); err != nil {
			return err
		}
	}
	data.Layout = s.meetingCrumbs(c, v.Council, v.Meeting, Crumb{Label: strconv.Itoa(it.Number) + ". " + it.Title})
	s.render(c, status, "council/item.html", data)
	return nil
}

// itemFail shows the item's page again with err and what was typed.
func (s *Server) itemFail(c *gin.Context, vals map[string]string, err error) error {
	if app.IsNotFound(err) {
		return err
	}
	data := &itemPage{formPage: formPage{Values: vals}}
	return s.formAgain(c, &data.formPage, err, func(st int) error { return s.renderMeetingItem(c, st, data) })
}

type itemFormPage struct {
	formPage
	Org     *org.Organisation
	Meeting *council.Meeting
	Council *council.Council
	Item    *council.Item // nil for a new item
	Base    string
	Action  string
	Locked  bool // approved minutes lock the meeting: no form, the way to a correction
	// Row numbers of the repeated rows: those typed or stored and two
	// empty ones.
	HearingRows, EarlierRows, LinkRows []int
	DecisionTypes, HearingRoles        []string
	LinkKinds                          []string
}

// itemFormFail shows the item form (of it, nil for a new item) again with
// err and what was typed.
func (s *Server) itemFormFail(c *gin.Context, vals map[string]string, it *council.Item, err error) error {
	if app.IsNotFound(err) {
		return err
	}
	data := &itemFormPage{formPage: formPage{Values: vals}, Item: it}
	return s.formAgain(c, &data.formPage, err, func(st int) error { return s.renderItemForm(c, st, data) })
}

func (s *Server) handleMeetingItemNew(c *gin.Context) error {
	return s.renderItemForm(c, http.StatusOK, &itemFormPage{formPage: formPage{Values: map[string]string{}}})
}

func (s *Server) handleMeetingItemEdit(c *gin.Context) error {
	o, l := orgOf(c), s.locale(c)
	_, mid, err := meetingIDs(c)
	if err != nil {
		return err
	}
	id, err := councilParam(c, "item", "council.error.item_not_found")
	if err != nil {
		return err
	}
	it, err := s.Councils.GetItem(c.Request.Context(), o, mid, id)
	if err != nil {
		return err
	}
	return s.renderItemForm(c, http.StatusOK, &itemFormPage{formPage: formPage{Values: itemValues(l, it)}, Item: it})
}

// itemValues answers an item as its form shows it.
func itemValues(l string, it *council.Item) map[string]string {
	v := map[string]string{"title": it.Title, "case_number": it.CaseNumber, "topic": it.Topic, "background": it.Background,
		"recommendation": it.Recommendation, "decision": it.Decision, "decision_type": it.DecisionType, "legal_basis": it.LegalBasis,
		"economic": it.Economic, "other_consequences": it.OtherConsequences}
	if it.Closed {
		v["closed"] = "on"
	}
	day := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return i18n.FormatDateInput(l, *t)
	}
	route := it.Route()
	for i, h := range route {
		n := strconv.Itoa(i)
		v["hearing_body_"+n], v["hearing_date_"+n], v["hearing_role_"+n] = h.Body, day(h.Date), h.Role
	}
	v["hearing_n"] = strconv.Itoa(len(route))
	earlier := it.EarlierDecisions()
	for i, e := range earlier {
		n := strconv.Itoa(i)
		v["earlier_body_"+n], v["earlier_date_"+n], v["earlier_item_"+n], v["earlier_text_"+n] = e.Body, day(e.Date), e.Item, e.Text
	}
	v["earlier_n"] = strconv.Itoa(len(earlier))
	links := it.Links()
	for i, k := range links {
		n := strconv.Itoa(i)
		v["link_kind_"+n], v["link_ref_"+n], v["link_title_"+n] = k.Kind, k.Ref, k.Title
	}
	v["link_n"] = strconv.Itoa(len(links))
	return v
}

// rowsOf answers the row numbers of n rows and two empty ones, within
// the limit of rows.
func rowsOf(n string) []int {
	k := min(max(atoi(n), 0)+2, council.MaxRoute+2)
	out := make([]int, k)
	for i := range out {
		out[i] = i
	}
	return out
}

func (s *Server) renderItemForm(c *gin.Context, status int, data *itemFormPage) error {
	o, l, ctx := orgOf(c), s.locale(c), c.Request.Context()
	cid, mid, err := meetingIDs(c)
	if err != nil {
		return err
	}
	if data.Council, err = s.Councils.Get(ctx, o, cid); err != nil {
		return err
	}
	if data.Meeting, err = s.Councils.GetMeeting(ctx, o, cid, mid); err != nil {
		return err
	}
	if data.Locked, err = s.Councils.Locked(ctx, o, mid); err != nil {
		return err
	}
	data.Org, data.Base = o, meetingURL(o, data.Meeting)
	data.DecisionTypes, data.HearingRoles, data.LinkKinds = council.DecisionTypes, council.HearingRoles, council.LinkKinds
	data.HearingRows, data.EarlierRows, data.LinkRows = rowsOf(data.Values["hearing_n"]), rowsOf(data.Values["earlier_n"]), rowsOf(data.Values["link_n"])
	if data.Values["rev"] == "" {
		data.Values["rev"] = strconv.Itoa(data.Meeting.Rev)
	}
	label := s.Catalog.T(l, "council_meeting.item.new")
	data.Action = data.Base + "/items"
	if data.Item != nil {
		label = s.Catalog.T(l, "council_meeting.item.edit")
		data.Action = data.Base + "/items/" + itoa64(data.Item.ID)
	}
	data.Layout = s.meetingCrumbs(c, data.Council, data.Meeting, Crumb{Label: label})
	s.render(c, status, "council/item_form.html", data)
	return nil
}

// itemForm reads the item form: the values as typed and the input (with
// the first field that could not be read).
func itemForm(c *gin.Context) (map[string]string, council.ItemInput, error) {
	vals := map[string]string{}
	for _, k := range []string{"title", "case_number", "topic", "background", "recommendation", "decision", "decision_type",
		"legal_basis", "economic", "other_consequences", "closed", "rev"} {
		vals[k] = c.PostForm(k)
	}
	in := council.ItemInput{Title: vals["title"], CaseNumber: vals["case_number"], Topic: vals["topic"], Background: vals["background"],
		Recommendation: vals["recommendation"], Decision: vals["decision"], DecisionType: vals["decision_type"], LegalBasis: vals["legal_basis"],
		Economic: vals["economic"], OtherConsequences: vals["other_consequences"], Closed: vals["closed"] != ""}
	var err error
	rows := func(prefix string, fields ...string) int {
		n := 0
		for i := 0; i < council.MaxRoute+2; i++ {
			k := strconv.Itoa(i)
			found, filled := false, false
			for _, f := range fields {
				v, ok := c.GetPostForm(prefix + f + "_" + k)
				found = found || ok
				v = strings.TrimSpace(v)
				filled = filled || (v != "" && f != "role" && f != "kind")
				vals[prefix+f+"_"+k] = v
			}
			if !found {
				break
			}
			if filled {
				n = i + 1
			}
		}
		vals[prefix+"n"] = strconv.Itoa(n)
		return n
	}
	for i := range rows("hearing_", "body", "date", "role") {
		k := strconv.Itoa(i)
		h := council.Hearing{Body: vals["hearing_body_"+k], Role: vals["hearing_role_"+k]}
		h.Date, err = itemDay(vals, "hearing_date_"+k, err)
		in.Hearing = append(in.Hearing, h)
	}
	for i := range rows("earlier_", "body", "date", "item", "text") {
		k := strconv.Itoa(i)
		e := council.Earlier{Body: vals["earlier_body_"+k], Item: vals["earlier_item_"+k], Text: vals["earlier_text_"+k]}
		e.Date, err = itemDay(vals, "earlier_date_"+k, err)
		in.Earlier = append(in.Earlier, e)
	}
	for i := range rows("link_", "kind", "ref", "title") {
		k := strconv.Itoa(i)
		if vals["link_ref_"+k] == "" && vals["link_title_"+k] == "" {
			continue
		}
		in.Links = append(in.Links, council.Link{Kind: vals["link_kind_"+k], Ref: vals["link_ref_"+k], Title: vals["link_title_"+k]})
	}
	return vals, in, err
}

func (s *Server) handleMeetingItemAdd(c *gin.Context) error {
	o := orgOf(c)
	cid, mid, err := meetingIDs(c)
	if err != nil {
		return err
	}
	vals, in, err := itemForm(c)
	var it *council.Item
	if err == nil {
		it, err = s.Councils.AddItem(c.Request.Context(), o, cid, mid, atoi(vals["rev"]), in)
	}
	if err != nil {
		return s.itemFormFail(c, vals, nil, err)
	}
	return s.doneTo(c, "/o/"+o.Slug+"/"+it.Path(), "council_meeting.item.saved")
}

func (s *Server) handleMeetingItemUpdate(c *gin.Context) error {
	o := orgOf(c)
	cid, mid, id, err := itemIDs(c)
	if err != nil {
		return err
	}
	vals, in, err := itemForm(c)
	if err == nil {
		_, err = s.Councils.UpdateItem(c.Request.Context(), o, cid, mid, id, atoi(vals["rev"]), in)
	}
	if err != nil {
		it, ierr := s.Councils.GetItem(c.Request.Context(), o, mid, id)
		if ierr != nil {
			return ierr
		}
		return s.itemFormFail(c, vals, it, err)
	}
	return s.doneTo(c, meetingBase(c)+"/items/"+itoa64(id), "council_meeting.item.saved")
}

func (s *Server) handleMeetingItemMove(c *gin.Context) error {
	o := orgOf(c)
	cid, mid, id, err := itemIDs(c)
	if err != nil {
		return err
	}
	by := 1
	if c.PostForm("dir") == "up" {
		by = -1
	}
	if err := s.Councils.MoveItem(c.Request.Context(), o, cid, mid, id, atoi(c.PostForm("rev")), by); err != nil {
		return s.meetingFail(c, nil, err)
	}
	c.Redirect(http.StatusSeeOther, meetingBase(c)+"#item-"+itoa64(id))
	return nil
}

func (s *Server) handleMeetingItemRemove(c *gin.Context) error {
	o := orgOf(c)
	cid, mid, id, err := itemIDs(c)
	if err != nil {
		return err
	}
	if err := s.Councils.RemoveItem(c.Request.Context(), o, cid, mid, id, atoi(c.PostForm("rev"))); err != nil {
		return s.meetingFail(c, nil, err)
	}
	return s.doneTo(c, meetingBase(c)+"#agenda", "council_meeting.item.removed")
}

// handleMeetingAttach stores an uploaded attachment; a refused file (its
// type sniffed from the content, its size) is shown on the item's page
// with the title kept.
func (s *Server) handleMeetingAttach(c *gin.Context) error {
	o, ctx := orgOf(c), c.Request.Context()
	cid, mid, id, err := itemIDs(c)
	if err != nil {
		return err
	}
	vals := map[string]string{"title": strings.TrimSpace(c.PostForm("title"))}
	fh, ferr := c.FormFile("file")
	if ferr != nil {
		err = app.Errorf(app.EInvalid, "files.error.empty").WithField("file")
	} else {
		f, oerr := fh.Open()
		if oerr != nil {
			return oerr
		}
		defer f.Close()
		_, err = s.Councils.Attach(ctx, o, app.ActorFrom(ctx), cid, mid, id, vals["title"], fh.Filename, f)
	}
	if err != nil {
		return s.itemFail(c, vals, err)
	}
	return s.doneTo(c, meetingBase(c)+"/items/"+itoa64(id)+"#attachments", "council_meeting.attachment.saved")
}

func (s *Server) handleMeetingAttachment(c *gin.Context) error {
	o := orgOf(c)
	cid, mid, id, fid, err := attachmentIDs(c)
	if err != nil {
		return err
	}
	f, body, err := s.Councils.OpenAttachment(c.Request.Context(), o, cid, mid, id, fid, false)
	if err != nil {
		return err
	}
	defer body.Close()
	files.Serve(c.Writer, c.Request, f, body)
	return nil
}

func (s *Server) handleMeetingDetach(c *gin.Context) error {
	o := orgOf(c)
	cid, mid, id, fid, err := attachmentIDs(c)
	if err != nil {
		return err
	}
	if err := s.Councils.Detach(c.Request.Context(), o, cid, mid, id, fid); err != nil {
		return s.itemFail(c, nil, err)
	}
	return s.doneTo(c, meetingBase(c)+"/items/"+itoa64(id)+"#attachments", "council_meeting.attachment.removed")
}

func (s *Server) handleMeetingFollowUpAdd(c *gin.Context) error {
	o, ctx := orgOf(c), c.Request.Context()
	cid, mid, id, err := itemIDs(c)
	if err != nil {
		return err
	}
	vals := map[string]string{}
	for _, k := range []string{"description", "responsible", "responsible_user", "deadline"} {
		vals[k] = strings.TrimSpace(c.PostForm(k))
	}
	in := council.FollowUpInput{Description: vals["description"], Responsible: vals["responsible"]}
	if d, ok := i18n.ParseDate(vals["deadline"]); ok {
		in.Deadline = &d
	} else if dateLike.MatchString(vals["deadline"]) {
		// Meant as a day (31.02.2026), not as words («efteråret 2026»).
		return s.itemFail(c, vals, app.Errorf(app.EInvalid, "council_meeting.error.date").WithField("deadline"))
	} else {
		in.DeadlineText = vals["deadline"]
	}
	if v := vals["responsible_user"]; v != "" {
		uid, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil {
			return s.itemFail(c, vals, app.Errorf(app.EInvalid, "council_meeting.error.responsible_user").WithField("responsible_user"))
		}
		in.ResponsibleUser = &uid
	}
	if _, err := s.Councils.AddFollowUp(ctx, o, app.ActorFrom(ctx), cid, mid, id, in); err != nil {
		return s.itemFail(c, vals, err)
	}
	return s.doneTo(c, meetingBase(c)+"/items/"+itoa64(id)+"#followups", "council_meeting.followup.saved")
}

func (s *Server) handleMeetingFollowUpRemove(c *gin.Context) error {
	o, ctx := orgOf(c), c.Request.Context()
	cid, mid, id, err := itemIDs(c)
	if err != nil {
		return err
	}
	if err := s.Councils.RemoveFollowUp(ctx, o, app.ActorFrom(ctx), cid, mid, id, c.Param("measure")); err != nil {
		return s.itemFail(c, nil, err)
	}
	return s.doneTo(c, meetingBase(c)+"/items/"+itoa64(id)+"#followups", "council_meeting.followup.removed")
}

// linkURL answers where an item's link leads, under the organisation.
func linkURL(slug string, l council.Link) string {
	base := "/o/" + slug + "/"
	switch l.Kind {
	case council.LinkPlan:
		return base + "plans/" + url.PathEscape(l.Ref)
	case council.LinkMeasure:
		return base + "measures/" + url.PathEscape(l.Ref)
	case council.LinkGoal:
		return base + "goals/" + url.PathEscape(l.Ref)
	case council.LinkWorkbook:
		if strings.Contains(l.Ref, "..") || strings.Contains(l.Ref, "//") || strings.Contains(l.Ref, ":") {
			return ""
		}
		return base + strings.TrimPrefix(l.Ref, "/")
	}
	return ""
}

// dateLike matches what is typed as a day, right or wrong: digits in
// three groups with full stops, slashes or hyphens between them.
var dateLike = regexp.MustCompile(`^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$`)

// itemDay reads an optional day of an item form's row; err is the form's
// first error so far, kept when there is one.
func itemDay(vals map[string]string, field string, err error) (*time.Time, error) {
	return formDayAs(vals, field, "council_meeting.error.date", err)
}
