package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
)

// maxItemBody fits an agenda item with every text at council.MaxText
// (up to four bytes a character) and its hearing route, earlier decisions
// and links, so that an over-long text meets the item's own message.
const maxItemBody int64 = 1 << 20

// councilAPIRoutes registers the councils API under
// /api/v1/orgs/{slug}/councils.
func (s *Server) councilAPIRoutes() {
	const base = "/api/v1/orgs/:org/councils"
	s.org("GET", base, authz.ContentRead, councilsOnly(s.handleAPICouncils))
	s.org("POST", base, authz.CouncilWrite, councilsOnly(s.handleAPICouncilCreate))
	s.org("GET", base+"/decisions", authz.ContentRead, councilsOnly(s.handleAPICouncilDecisions))
	s.org("GET", base+"/:council", authz.ContentRead, councilsOnly(s.handleAPICouncil))
	s.org("POST", base+"/:council", authz.CouncilWrite, councilsOnly(s.handleAPICouncilUpdate))
	s.org("GET", base+"/:council/members", authz.ContentRead, councilsOnly(s.handleAPICouncilMembers))
	s.org("POST", base+"/:council/members", authz.CouncilWrite, councilsOnly(s.handleAPICouncilMemberAdd))
	s.org("GET", base+"/:council/meetings", authz.ContentRead, councilsOnly(s.handleAPICouncilMeetings))
	s.org("POST", base+"/:council/meetings", authz.CouncilWrite, councilsOnly(s.handleAPICouncilMeetingCreate))
	s.org("GET", base+"/:council/meetings/:meeting", authz.ContentRead, councilsOnly(s.handleAPICouncilMeeting))
	s.org("POST", base+"/:council/meetings/:meeting/items", authz.CouncilWrite, councilsOnly(s.handleAPICouncilItemAdd), maxBody(maxItemBody))
	s.org("POST", base+"/:council/meetings/:meeting/items/:item/followups", authz.CouncilWrite, councilsOnly(s.handleAPICouncilFollowUpAdd))
}

// --- shapes ------------------------------------------------------------------

// apiCouncil is a council as the API shows it; on the list, with its
// standing in a year.
type apiCouncil struct {
	*council.Council
	Term     string        `json:"term,omitempty"`
	URL      string        `json:"url"`
	Standing *apiStanding  `json:"standing,omitempty"`
	Next     *apiMeetingAt `json:"next_meeting,omitempty"`
}

// apiStanding is how a council's meetings in a year stand against its
// statute.
type apiStanding struct {
	Year        int  `json:"year"`
	Meetings    int  `json:"meetings"`
	MinMeetings int  `json:"min_meetings"`
	Short       bool `json:"short"`
}

// apiMeetingAt names a meeting by its id and time.
type apiMeetingAt struct {
	ID       int64     `json:"id"`
	StartsAt time.Time `json:"starts_at"`
}

// apiMember is a membership: a person in a role over a span of days.
type apiMember struct {
	ID             int64  `json:"id"`
	Name           string `json:"name"`
	Role           string `json:"role"`
	Represents     string `json:"represents,omitempty"`
	RepresentsText string `json:"represents_text,omitempty"`
	SubstituteFor  *int64 `json:"substitute_for,omitempty"`
	UserID         *int64 `json:"user_id,omitempty"`
	FromDate       string `json:"from_date,omitempty"`
	ToDate         string `json:"to_date,omitempty"`
	// Active says whether the membership covers today (in the
	// municipality's zone).
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// apiMeeting is a meeting, its times in the municipality's zone.
type apiMeeting struct {
	ID                int64      `json:"id"`
	CouncilID         int64      `json:"council_id"`
	StartsAt          time.Time  `json:"starts_at"`
	EndsAt            *time.Time `json:"ends_at,omitempty"`
	Place             string     `json:"place,omitempty"`
	Status            string     `json:"status"`
	AgendaPublishedAt *time.Time `json:"agenda_published_at,omitempty"`
	Rev               int        `json:"rev"`
	URL               string     `json:"url"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
}

// apiMeetingFull is one meeting asked for: with its council, attendance,
// items, the status of earlier decisions and the minutes' versions.
type apiMeetingFull struct {
	apiMeeting
	Council    apiCouncilRef     `json:"council"`
	Attendance []apiAttendance   `json:"attendance"`
	Absent     string            `json:"absent_names"`
	Items      []apiItem         `json:"items"`
	Earlier    []apiEarlierState `json:"earlier_actions"`
	Minutes    []apiMinutes      `json:"minutes"`
}

// apiCouncilRef names a council.
type apiCouncilRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// apiPerson names a member.
type apiPerson struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
}

// apiAttendance is an expected member's attendance; status is missing
// while it is not recorded.
type apiAttendance struct {
	Member     apiPerson  `json:"member"`
	Status     string     `json:"status,omitempty"`
	Substitute *apiPerson `json:"substitute,omitempty"`
}

// apiHearing is a step of an item's hearing route.
type apiHearing struct {
	Body string `json:"body"`
	Date string `json:"date,omitempty"`
	Role string `json:"role,omitempty"`
}

// apiEarlier is an earlier decision of another body on an item.
type apiEarlier struct {
	Body string `json:"body"`
	Date string `json:"date,omitempty"`
	Item string `json:"item,omitempty"`
	Text string `json:"text"`
}

// apiAttachment is an attachment's metadata (its content is on the
// meeting's page).
type apiAttachment struct {
	FileID      int64  `json:"file_id"`
	Title       string `json:"title"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

// apiFollowUp is a follow-up action of a decision: a shared measure,
// whose status is set through POST /orgs/{org}/measures/{measure}/status.
type apiFollowUp struct {
	ID              string `json:"id"`
	Description     string `json:"description"`
	Responsible     string `json:"responsible,omitempty"`
	ResponsibleUser *int64 `json:"responsible_user,omitempty"`
	Due             string `json:"due,omitempty"`
	DeadlineText    string `json:"deadline_text,omitempty"`
	Status          string `json:"status"`
	Progress        int    `json:"progress"`
}

// apiItem is an agenda item with everything it says.
type apiItem struct {
	ID                int64           `json:"id"`
	MeetingID         int64           `json:"meeting_id"`
	Number            int             `json:"number"`
	Title             string          `json:"title"`
	CaseNumber        string          `json:"case_number,omitempty"`
	Topic             string          `json:"topic,omitempty"`
	Background        string          `json:"background,omitempty"`
	Recommendation    string          `json:"recommendation,omitempty"`
	Decision          string          `json:"decision,omitempty"`
	DecisionType      string          `json:"decision_type,omitempty"`
	LegalBasis        string          `json:"legal_basis,omitempty"`
	Economic          string          `json:"economic,omitempty"`
	OtherConsequences string          `json:"other_consequences,omitempty"`
	Hearing           []apiHearing    `json:"hearing"`
	Earlier           []apiEarlier    `json:"earlier"`
	Links             []council.Link  `json:"links"`
	Closed            bool            `json:"closed"`
	Attachments       []apiAttachment `json:"attachments"`
	FollowUps         []apiFollowUp   `json:"follow_ups"`
	CreatedAt         time.Time       `json:"created_at"`
	UpdatedAt         time.Time       `json:"updated_at"`
}

// apiEarlierState is a follow-up action of an earlier meeting, as the
// agenda's status of earlier decisions lists it.
type apiEarlierState struct {
	MeetingID  int64       `json:"meeting_id"`
	MeetingAt  time.Time   `json:"meeting_starts_at"`
	ItemID     int64       `json:"item_id"`
	ItemNumber int         `json:"item_number"`
	ItemTitle  string      `json:"item_title"`
	FollowUp   apiFollowUp `json:"follow_up"`
}

// apiMinutes is a version of a meeting's minutes.
type apiMinutes struct {
	Version     int        `json:"version"`
	State       string     `json:"state"`
	Reason      string     `json:"reason,omitempty"`
	ApprovedAt  *time.Time `json:"approved_at,omitempty"`
	ApprovedBy  string     `json:"approved_by,omitempty"`
	ApprovedRef string     `json:"approved_ref,omitempty"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
}

// apiDecision is a row of the decision register.
type apiDecision struct {
	Council      apiCouncilRef `json:"council"`
	MeetingID    int64         `json:"meeting_id"`
	MeetingAt    time.Time     `json:"meeting_starts_at"`
	ItemID       int64         `json:"item_id"`
	ItemNumber   int           `json:"item_number"`
	ItemTitle    string        `json:"item_title"`
	CaseNumber   string        `json:"case_number,omitempty"`
	Closed       bool          `json:"closed"`
	DecisionType string        `json:"decision_type,omitempty"`
	Decision     string        `json:"decision,omitempty"`
	FollowUps    []apiFollowUp `json:"follow_ups"`
	URL          string        `json:"url"`
}

func toAPICouncil(o *org.Organisation, c *council.Council) apiCouncil {
	return apiCouncil{Council: c, Term: c.Term(), URL: councilURL(o, c.ID)}
}

// day formats a membership or route day (midnight UTC) as a date.
func apiDay(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

func localTime(t *time.Time, loc *time.Location) *time.Time {
	if t == nil {
		return nil
	}
	l := t.In(loc)
	return &l
}

func toAPIMember(m *council.Member, today time.Time) apiMember {
	return apiMember{ID: m.ID, Name: m.Name, Role: m.Role, Represents: m.Represents, RepresentsText: m.RepresentsText,
		SubstituteFor: m.SubstituteFor, UserID: m.UserID, FromDate: apiDay(m.FromDate), ToDate: apiDay(m.ToDate),
		Active: m.ActiveOn(today), CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
}

func toAPIMeeting(o *org.Organisation, m *council.Meeting) apiMeeting {
	loc := o.Location()
	return apiMeeting{ID: m.ID, CouncilID: m.CouncilID, StartsAt: m.StartsAt.In(loc), EndsAt: localTime(m.EndsAt, loc), Place: m.Place,
		Status: m.Status, AgendaPublishedAt: localTime(m.AgendaPublishedAt, loc), Rev: m.Rev, URL: meetingURL(o, m),
		CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
}

func toAPIFollowUp(m measure.Measure) apiFollowUp {
	return apiFollowUp{ID: m.ID, Description: m.Description, Responsible: m.Responsible, ResponsibleUser: m.ResponsibleUser,
		Due: apiDay(m.Deadline), DeadlineText: m.DeadlineText, Status: m.Status, Progress: m.Progress}
}

func toAPIItem(it *council.Item) apiItem {
	out := apiItem{ID: it.ID, MeetingID: it.MeetingID, Number: it.Number(), Title: it.Title, CaseNumber: it.CaseNumber, Topic: it.Topic,
		Background: it.Background, Recommendation: it.Recommendation, Decision: it.Decision, DecisionType: it.DecisionType,
		LegalBasis: it.LegalBasis, Economic: it.Economic, OtherConsequences: it.OtherConsequences, Hearing: []apiHearing{},
		Earlier: []apiEarlier{}, Links: it.Links(), Closed: it.Closed, Attachments: []apiAttachment{}, FollowUps: []apiFollowUp{},
		CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt}
	for _, h := range it.Route() {
		out.Hearing = append(out.Hearing, apiHearing{Body: h.Body, Date: apiDay(h.Date), Role: h.Role})
	}
	for _, e := range it.EarlierDecisions() {
		out.Earlier = append(out.Earlier, apiEarlier{Body: e.Body, Date: apiDay(e.Date), Item: e.Item, Text: e.Text})
	}
	if out.Links == nil {
		out.Links = []council.Link{}
	}
	return out
}

// --- request bodies -------------------------------------------------------

// apiCouncilBody is the body of POST …/councils and POST
// …/councils/{council}; an update keeps what the body leaves out.
type apiCouncilBody struct {
	Kind        string `json:"kind"`
	Name        string `json:"name"`
	TermFrom    *int   `json:"term_from"`
	TermTo      *int   `json:"term_to"`
	MinMeetings int    `json:"min_meetings"`
	Statutes    string `json:"statutes"`
	Place       string `json:"place"`
	SignOff     string `json:"sign_off"`
	Visibility  string `json:"visibility"`
}

func (b apiCouncilBody) input() council.CouncilInput {
	return council.CouncilInput{Kind: b.Kind, Name: b.Name, TermFrom: b.TermFrom, TermTo: b.TermTo, MinMeetings: b.MinMeetings,
		Statutes: b.Statutes, Place: b.Place, SignOff: b.SignOff, Visibility: b.Visibility}
}

// apiMemberBody is the body of POST …/members; days are yyyy-mm-dd.
type apiMemberBody struct {
	Name           string `json:"name"`
	Role           string `json:"role"`
	Represents     string `json:"represents"`
	RepresentsText string `json:"represents_text"`
	SubstituteFor  *int64 `json:"substitute_for"`
	UserID         *int64 `json:"user_id"`
	FromDate       string `json:"from_date"`
	ToDate         string `json:"to_date"`
}

// apiMeetingBody is the body of POST …/meetings: times in RFC 3339.
type apiMeetingBody struct {
	StartsAt string `json:"starts_at"`
	EndsAt   string `json:"ends_at"`
	Place    string `json:"place"`
}

// apiItemBody is the body of POST …/items.
type apiItemBody struct {
	Title             string         `json:"title"`
	CaseNumber        string         `json:"case_number"`
	Topic             string         `json:"topic"`
	Background        string         `json:"background"`
	Recommendation    string         `json:"recommendation"`
	Decision          string         `json:"decision"`
	DecisionType      string         `json:"decision_type"`
	LegalBasis        string         `json:"legal_basis"`
	Economic          string         `json:"economic"`
	OtherConsequences string         `json:"other_consequences"`
	Hearing           []apiHearing   `json:"hearing"`
	Earlier           []apiEarlier   `json:"earlier"`
	Links             []council.Link `json:"links"`
	Closed            bool           `json:"closed"`
	// Rev, when given, is the meeting's revision the item is based on: a
	// stale one answers 409.
	Rev int `json:"rev"`
}

// apiFollowUpBody is the body of POST …/followups.
type apiFollowUpBody struct {
	Description     string `json:"description"`
	Responsible     string `json:"responsible"`
	ResponsibleUser *int64 `json:"responsible_user"`
	Due             string `json:"due"`
	DeadlineText    string `json:"deadline_text"`
}

// bindCouncilJSON reads the body into v; a value of the wrong type is
// refused naming its field.
func bindCouncilJSON(c *gin.Context, v any) error {
	err := bindJSON(c, v)
	var ute *json.UnmarshalTypeError
	if err != nil && errors.As(err, &ute) && ute.Field != "" {
		return app.Errorf(app.EInvalid, "council.api.error.type").WithField(ute.Field).Wrap(err)
	}
	return err
}

// apiDate reads a day written yyyy-mm-dd ("" is none) as midnight UTC.
func apiDate(field, v string) (*time.Time, error) {
	if v = strings.TrimSpace(v); v == "" {
		return nil, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return nil, app.Errorf(app.EInvalid, "council.api.error.date").WithField(field)
	}
	return &t, nil
}

// apiTime reads an instant in RFC 3339 ("" is none).
func apiTime(field, v string) (*time.Time, error) {
	if v = strings.TrimSpace(v); v == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return nil, app.Errorf(app.EInvalid, "council.api.error.time").WithField(field)
	}
	return &t, nil
}

// queryInt reads query parameter name as a whole number (0 when absent).
func queryInt(c *gin.Context, name string) (int64, error) {
	v := strings.TrimSpace(c.Query(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, app.Errorf(app.EInvalid, "council.api.error.number").WithField(name)
	}
	return n, nil
}

// queryYear reads ?year=, or this year in the municipality's zone.
func (s *Server) queryYear(c *gin.Context, o *org.Organisation, dflt bool) (int, error) {
	y, err := queryInt(c, "year")
	if err != nil {
		return 0, err
	}
	if y == 0 {
		if dflt {
			return s.Clock.Now().In(o.Location()).Year(), nil
		}
		return 0, nil
	}
	if y < 1900 || y > 2200 {
		return 0, app.Errorf(app.EInvalid, "council.api.error.year").WithField("year")
	}
	return int(y), nil
}

// answerList answers rows as {"name": [...]}, each as show writes it,
// [] when there are none.
func answerList[T, A any](c *gin.Context, name string, rows []T, show func(T) A) error {
	out := make([]A, 0, len(rows))
	for _, r := range rows {
		out = append(out, show(r))
	}
	c.JSON(http.StatusOK, gin.H{name: out})
	return nil
}

// answerCreated answers v as made (201), at the API address loc.
func answerCreated(c *gin.Context, loc string, v any) error {
	c.Header("Location", loc)
	c.JSON(http.StatusCreated, v)
	return nil
}

// toAPIPerson names a member.
func toAPIPerson(m *council.Member) *apiPerson {
	return &apiPerson{ID: m.ID, Name: m.Name, Role: m.Role}
}

// apiCouncilOf answers the council of the path.
func (s *Server) apiCouncilOf(c *gin.Context) (*council.Council, error) {
	id, err := pathID(c, "council")
	if err != nil {
		return nil, err
	}
	return s.Councils.Get(c.Request.Context(), orgOf(c), id)
}

// --- councils ---------------------------------------------------------------

// handleAPICouncils lists the councils, each with its standing in ?year=
// (this year by default) and its next meeting.
func (s *Server) handleAPICouncils(c *gin.Context) error {
	o := orgOf(c)
	year, err := s.queryYear(c, o, true)
	if err != nil {
		return err
	}
	list, err := s.Councils.List(c.Request.Context(), o, year)
	if err != nil {
		return err
	}
	return answerList(c, "councils", list, func(st council.Standing) apiCouncil {
		ac := toAPICouncil(o, st.Council)
		ac.Standing = &apiStanding{Year: st.Year, Meetings: st.Meetings, MinMeetings: st.MinMeetings, Short: st.Short()}
		if st.Next != nil {
			ac.Next = &apiMeetingAt{ID: st.Next.ID, StartsAt: st.Next.StartsAt.In(o.Location())}
		}
		return ac
	})
}

// handleAPICouncilCreate makes a council and answers it (201).
func (s *Server) handleAPICouncilCreate(c *gin.Context) error {
	o := orgOf(c)
	var body apiCouncilBody
	if err := bindCouncilJSON(c, &body); err != nil {
		return err
	}
	cn, err := s.Councils.Create(c.Request.Context(), o, body.input())
	if err != nil {
		return err
	}
	return answerCreated(c, "/api/v1/orgs/"+o.Slug+"/councils/"+strconv.FormatInt(cn.ID, 10), toAPICouncil(o, cn))
}

// handleAPICouncil answers a council.
func (s *Server) handleAPICouncil(c *gin.Context) error {
	cn, err := s.apiCouncilOf(c)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toAPICouncil(orgOf(c), cn))
	return nil
}

// handleAPICouncilUpdate changes a council: the fields the body names,
// the others as they are.
func (s *Server) handleAPICouncilUpdate(c *gin.Context) error {
	o := orgOf(c)
	cn, err := s.apiCouncilOf(c)
	if err != nil {
		return err
	}
	in := council.InputOf(cn)
	body := apiCouncilBody{Kind: in.Kind, Name: in.Name, TermFrom: in.TermFrom, TermTo: in.TermTo, MinMeetings: in.MinMeetings,
		Statutes: in.Statutes, Place: in.Place, SignOff: in.SignOff, Visibility: in.Visibility}
	if err := bindCouncilJSON(c, &body); err != nil {
		return err
	}
	cn, err = s.Councils.Update(c.Request.Context(), o, cn.ID, body.input())
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, toAPICouncil(o, cn))
	return nil
}

// --- members ------------------------------------------------------------------

// handleAPICouncilMembers lists every membership, current and past.
func (s *Server) handleAPICouncilMembers(c *gin.Context) error {
	o := orgOf(c)
	cn, err := s.apiCouncilOf(c)
	if err != nil {
		return err
	}
	ms, err := s.Councils.Members(c.Request.Context(), o, cn)
	if err != nil {
		return err
	}
	today := membershipDay(s.Clock.Now(), o)
	return answerList(c, "members", ms, func(m *council.Member) apiMember { return toAPIMember(m, today) })
}

// handleAPICouncilMemberAdd adds a membership and answers it (201).
func (s *Server) handleAPICouncilMemberAdd(c *gin.Context) error {
	o := orgOf(c)
	id, err := pathID(c, "council")
	if err != nil {
		return err
	}
	var body apiMemberBody
	if err := bindCouncilJSON(c, &body); err != nil {
		return err
	}
	in := council.MemberInput{Name: body.Name, Role: body.Role, Represents: body.Represents, RepresentsText: body.RepresentsText,
		SubstituteFor: body.SubstituteFor, UserID: body.UserID}
	if in.FromDate, err = apiDate("from_date", body.FromDate); err != nil {
		return err
	}
	if in.ToDate, err = apiDate("to_date", body.ToDate); err != nil {
		return err
	}
	m, err := s.Councils.AddMember(c.Request.Context(), o, id, in)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, toAPIMember(m, membershipDay(s.Clock.Now(), o)))
	return nil
}

// --- meetings -------------------------------------------------------------------

// handleAPICouncilMeetings lists the council's meetings, oldest first:
// every year's, or ?year='s.
func (s *Server) handleAPICouncilMeetings(c *gin.Context) error {
	o := orgOf(c)
	year, err := s.queryYear(c, o, false)
	if err != nil {
		return err
	}
	cn, err := s.apiCouncilOf(c)
	if err != nil {
		return err
	}
	ms, err := s.Councils.Meetings(c.Request.Context(), o, cn, year)
	if err != nil {
		return err
	}
	return answerList(c, "meetings", ms, func(m *council.Meeting) apiMeeting { return toAPIMeeting(o, m) })
}

// handleAPICouncilMeetingCreate plans a meeting and answers it (201).
func (s *Server) handleAPICouncilMeetingCreate(c *gin.Context) error {
	o := orgOf(c)
	id, err := pathID(c, "council")
	if err != nil {
		return err
	}
	var body apiMeetingBody
	if err := bindCouncilJSON(c, &body); err != nil {
		return err
	}
	starts, err := apiTime("starts_at", body.StartsAt)
	if err != nil {
		return err
	}
	if starts == nil {
		return app.Errorf(app.EInvalid, "council.api.error.time").WithField("starts_at")
	}
	in := council.MeetingInput{StartsAt: *starts, Place: body.Place}
	if in.EndsAt, err = apiTime("ends_at", body.EndsAt); err != nil {
		return err
	}
	m, err := s.Councils.CreateMeeting(c.Request.Context(), o, id, in)
	if err != nil {
		return err
	}
	return answerCreated(c, "/api/v1/orgs/"+o.Slug+"/councils/"+strconv.FormatInt(id, 10)+"/meetings/"+strconv.FormatInt(m.ID, 10), toAPIMeeting(o, m))
}

// handleAPICouncilMeeting answers a meeting with its attendance, its
// items as they stand (with attachments' metadata and follow-up actions),
// the status of earlier decisions and the minutes' versions.
func (s *Server) handleAPICouncilMeeting(c *gin.Context) error {
	o := orgOf(c)
	ids, err := councilParams(c, "error.not_found.text", "council", "meeting")
	if err != nil {
		return err
	}
	v, err := s.Councils.Meeting(c.Request.Context(), o, ids[0], ids[1])
	if err != nil {
		return err
	}
	out := apiMeetingFull{apiMeeting: toAPIMeeting(o, v.Meeting), Council: apiCouncilRef{ID: v.Council.ID, Name: v.Council.Name},
		Attendance: []apiAttendance{}, Items: []apiItem{}, Earlier: []apiEarlierState{}, Minutes: []apiMinutes{}}
	byID := map[int64]*council.Member{}
	for _, m := range v.Members {
		byID[m.ID] = m
	}
	for _, m := range v.Roll.Expected {
		a := apiAttendance{Member: *toAPIPerson(m)}
		if st := v.Roll.Status[m.ID]; st != nil {
			a.Status = st.Status
			if st.SubstituteID != nil && byID[*st.SubstituteID] != nil {
				a.Substitute = toAPIPerson(byID[*st.SubstituteID])
			}
		}
		out.Attendance = append(out.Attendance, a)
	}
	out.Absent = v.Roll.AbsentNames()
	if v.Doc != nil {
		for _, di := range v.Doc.Items {
			it := toAPIItem(&di.Item)
			for _, a := range di.Attachments {
				it.Attachments = append(it.Attachments, apiAttachment{FileID: a.FileID, Title: a.Title, Name: a.Name, ContentType: a.ContentType, Size: a.Size})
			}
			for _, f := range di.FollowUps {
				it.FollowUps = append(it.FollowUps, toAPIFollowUp(f))
			}
			out.Items = append(out.Items, it)
		}
	}
	for _, e := range v.Earlier {
		out.Earlier = append(out.Earlier, apiEarlierState{MeetingID: e.Meeting.ID, MeetingAt: e.Meeting.StartsAt.In(o.Location()),
			ItemID: e.Item.ID, ItemNumber: e.Item.Number(), ItemTitle: e.Item.Title, FollowUp: toAPIFollowUp(e.Measure.Measure())})
	}
	for _, mn := range v.Versions {
		out.Minutes = append(out.Minutes, apiMinutes{Version: mn.Version, State: mn.State, Reason: mn.Reason,
			ApprovedAt: localTime(mn.ApprovedAt, o.Location()), ApprovedBy: mn.ApprovedBy, ApprovedRef: mn.ApprovedRef,
			PublishedAt: localTime(mn.PublishedAt, o.Location()), CreatedAt: mn.CreatedAt})
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// --- items and follow-up actions ---------------------------------------------

// handleAPICouncilItemAdd adds an item at the end of a meeting's agenda
// and answers it (201).
func (s *Server) handleAPICouncilItemAdd(c *gin.Context) error {
	o := orgOf(c)
	ids, err := councilParams(c, "error.not_found.text", "council", "meeting")
	if err != nil {
		return err
	}
	var body apiItemBody
	if err := bindCouncilJSON(c, &body); err != nil {
		return err
	}
	in := council.ItemInput{Title: body.Title, CaseNumber: body.CaseNumber, Topic: body.Topic, Background: body.Background,
		Recommendation: body.Recommendation, Decision: body.Decision, DecisionType: body.DecisionType, LegalBasis: body.LegalBasis,
		Economic: body.Economic, OtherConsequences: body.OtherConsequences, Links: body.Links, Closed: body.Closed}
	for _, h := range body.Hearing {
		d, err := apiDate("hearing", h.Date)
		if err != nil {
			return err
		}
		in.Hearing = append(in.Hearing, council.Hearing{Body: h.Body, Date: d, Role: h.Role})
	}
	for _, e := range body.Earlier {
		d, err := apiDate("earlier", e.Date)
		if err != nil {
			return err
		}
		in.Earlier = append(in.Earlier, council.Earlier{Body: e.Body, Date: d, Item: e.Item, Text: e.Text})
	}
	it, err := s.Councils.AddItem(c.Request.Context(), o, ids[0], ids[1], body.Rev, in)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, toAPIItem(it))
	return nil
}

// handleAPICouncilFollowUpAdd adds a follow-up action to an item's
// decision and answers its measure id (201); its status is then set
// through POST /api/v1/orgs/{org}/measures/{measure}/status.
func (s *Server) handleAPICouncilFollowUpAdd(c *gin.Context) error {
	o := orgOf(c)
	ids, err := councilParams(c, "error.not_found.text", "council", "meeting", "item")
	if err != nil {
		return err
	}
	var body apiFollowUpBody
	if err := bindCouncilJSON(c, &body); err != nil {
		return err
	}
	due, err := apiDate("due", body.Due)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	if body.ResponsibleUser != nil {
		// Only a member of the municipality can be given the action on
		// "My work".
		members, err := s.Accounts.Members(ctx, o)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(members, func(m *account.Member) bool { return m.ID == *body.ResponsibleUser }) {
			return app.Errorf(app.EInvalid, "council.api.error.responsible_user").WithField("responsible_user")
		}
	}
	id, err := s.Councils.AddFollowUp(ctx, o, app.ActorFrom(ctx), ids[0], ids[1], ids[2], council.FollowUpInput{
		Description: body.Description, Responsible: body.Responsible, ResponsibleUser: body.ResponsibleUser,
		Deadline: due, DeadlineText: body.DeadlineText})
	if err != nil {
		return err
	}
	loc := "/api/v1/orgs/" + o.Slug + "/measures/" + id
	return answerCreated(c, loc, gin.H{"id": id, "measure": loc, "status": measure.StatusNotStarted})
}

// --- decision register -------------------------------------------------------

// handleAPICouncilDecisions answers the decision register across councils
// and years, newest meeting first: ?council= (id), ?year=, ?type= (a
// decision type), ?q= (words of the item), each follow-up action with its
// state.
func (s *Server) handleAPICouncilDecisions(c *gin.Context) error {
	o := orgOf(c)
	cid, err := queryInt(c, "council")
	if err != nil {
		return err
	}
	year, err := s.queryYear(c, o, false)
	if err != nil {
		return err
	}
	typ := strings.TrimSpace(c.Query("type"))
	if typ != "" && !slices.Contains(council.DecisionTypes, typ) {
		return app.Errorf(app.EInvalid, "council.api.error.decision_type").WithField("type")
	}
	q := strings.TrimSpace(c.Query("q"))
	if len(q) > council.MaxShort {
		return app.Errorf(app.EInvalid, "council.api.error.query").WithField("q")
	}
	list, err := s.Councils.Decisions(c.Request.Context(), o, council.DecisionFilter{CouncilID: cid, Year: year, Type: typ, Text: q})
	if err != nil {
		return err
	}
	out := make([]apiDecision, 0, len(list))
	for _, d := range list {
		if d.Council == nil || d.Meeting == nil {
			continue
		}
		row := apiDecision{Council: apiCouncilRef{ID: d.Council.ID, Name: d.Council.Name}, MeetingID: d.Meeting.ID,
			MeetingAt: d.Meeting.StartsAt.In(o.Location()), ItemID: d.Item.ID, ItemNumber: d.Item.Number(), ItemTitle: d.Item.Title,
			CaseNumber: d.Item.CaseNumber, Closed: d.Item.Closed, DecisionType: d.Item.DecisionType, Decision: d.Item.Decision,
			FollowUps: []apiFollowUp{}, URL: "/o/" + o.Slug + "/" + d.Item.Path()}
		for _, f := range d.FollowUps {
			row.FollowUps = append(row.FollowUps, toAPIFollowUp(f.Measure()))
		}
		out = append(out, row)
	}
	c.JSON(http.StatusOK, gin.H{"decisions": out})
	return nil
}
