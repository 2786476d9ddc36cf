// Package council holds a municipality's councils and groups (the
// integration council of Thisted's minutes, Trysil's steering and working
// groups): their terms and statutes, members over time, meetings with
// attendance, agenda items with their decisions, minutes that are
// circulated, approved by each country's sign-off and published as frozen
// versions, a register of decisions across meetings, and the follow-up
// actions of decisions, which are the shared measures of package measure
// (source kind measure.SourceCouncil): on "My work", in reminders, search
// and the measures API with every other measure, and listed back on the
// decision and in the next agenda's status of earlier decisions.
package council

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/uptrace/bun"
)

// Kinds of council.
const (
	KindIntegrationCouncil = "integration_council" // integrationsråd
	KindImmigrantCouncil   = "immigrant_council"   // innvandrerråd, invandrarråd
	KindSteeringGroup      = "steering_group"      // styringsgruppe
	KindWorkingGroup       = "working_group"       // arbeidsgruppe
	KindOther              = "other"
)

// Kinds lists the kinds in the order forms offer them.
var Kinds = []string{KindIntegrationCouncil, KindImmigrantCouncil, KindSteeringGroup, KindWorkingGroup, KindOther}

// Sign-off of minutes, as each country does it.
const (
	// SignOffAdjusters is Swedish justering: named adjusters approve the
	// minutes, which are then posted (anslag) with the day they were.
	SignOffAdjusters = "adjusters"
	// SignOffMembersPresent is Danish signing: the members present sign.
	SignOffMembersPresent = "members_present"
	// SignOffNextMeeting is Norwegian approval: the next meeting approves
	// the minutes as an agenda item.
	SignOffNextMeeting = "next_meeting"
)

// SignOffs lists them in the order forms offer them.
var SignOffs = []string{SignOffMembersPresent, SignOffAdjusters, SignOffNextMeeting}

// SignOffFor answers a country's usual sign-off: SE adjusters, DK the
// members present, NO (and anything else) the next meeting.
func SignOffFor(country string) string {
	switch country {
	case "SE":
		return SignOffAdjusters
	case "DK":
		return SignOffMembersPresent
	}
	return SignOffNextMeeting
}

// Visibilities of a council: its municipality only, or public (its
// calendar, published agendas and approved minutes on public pages).
const (
	VisibilityPrivate = "private"
	VisibilityPublic  = "public"
)

// Member roles.
const (
	RoleChair      = "chair"
	RoleViceChair  = "vice_chair"
	RoleMember     = "member"
	RoleSubstitute = "substitute"
	RoleSecretary  = "secretary"
)

// Roles lists the member roles in the order forms offer them.
var Roles = []string{RoleChair, RoleViceChair, RoleMember, RoleSubstitute, RoleSecretary}

// What a member represents.
const (
	RepresentsPolitics       = "politics"
	RepresentsAdministration = "administration"
	RepresentsResidents      = "residents"
	RepresentsOther          = "other"
)

// Represents lists them in the order forms offer them ("" is unsaid).
var Represents = []string{RepresentsPolitics, RepresentsAdministration, RepresentsResidents, RepresentsOther}

// Meeting statuses, in their order; a meeting may be cancelled before it
// is held.
const (
	MeetingPlanned         = "planned"
	MeetingAgendaPublished = "agenda_published"
	MeetingHeld            = "held"
	MeetingMinutesApproved = "minutes_approved"
	MeetingPublished       = "published"
	MeetingCancelled       = "cancelled"
)

// MeetingStatuses lists them in their order.
var MeetingStatuses = []string{MeetingPlanned, MeetingAgendaPublished, MeetingHeld, MeetingMinutesApproved, MeetingPublished, MeetingCancelled}

// Attendance statuses.
const (
	Present      = "present"
	AbsentNotice = "absent_notice" // absent with notice (meldt forfall, anmält förhinder)
	Absent       = "absent"        // absent without notice
)

// AttendanceStatuses lists them in the order forms offer them.
var AttendanceStatuses = []string{Present, AbsentNotice, Absent}

// Decision types.
const (
	DecisionNoted     = "noted"     // taget til efterretning
	DecisionApproved  = "approved"  // godkendt
	DecisionRejected  = "rejected"  // ikke godkendt
	DecisionPostponed = "postponed" // udsat
	DecisionHearing   = "hearing"   // sendt i høring
)

// DecisionTypes lists them in the order forms offer them.
var DecisionTypes = []string{DecisionNoted, DecisionApproved, DecisionRejected, DecisionPostponed, DecisionHearing}

// Hearing roles of a body on an item's route.
const (
	HearingOrientation = "orientation"
	HearingHearing     = "hearing"
	HearingDecision    = "decision"
)

// HearingRoles lists them ("" is a step without a stated role).
var HearingRoles = []string{HearingOrientation, HearingHearing, HearingDecision}

// Minutes states, in their order.
const (
	MinutesDraft      = "draft"
	MinutesCirculated = "circulated"
	MinutesAmended    = "amended"
	MinutesApproved   = "approved"
	MinutesPublished  = "published"
)

// Minutes event kinds.
const (
	EventDrafted    = "drafted"
	EventCirculated = "circulated"
	EventComment    = "comment"
	EventSigned     = "signed" // a member's approval, signature or justering
	EventAmended    = "amended"
	EventApproved   = "approved"
	EventPublished  = "published"
	EventCorrected  = "corrected"
)

// Limits.
const (
	MaxName        = 200
	MaxShort       = 300   // a title, place, case number, body
	MaxText        = 20000 // one text of an item: background, decision …
	MaxStatutes    = 8000
	MaxMembers     = 200 // membership rows of one council
	MaxItems       = 60  // items of one meeting
	MaxRoute       = 30  // steps of a hearing route, earlier decisions, links
	MaxAttachments = 20  // of one item
	MaxComment     = 4000
	// MaxAttachmentBytes is the largest attachment: a scanned guideline.
	MaxAttachmentBytes = 20 << 20
)

// Council is a council or group of a municipality.
type Council struct {
	bun.BaseModel `bun:"table:councils,alias:c"`
	OrgID         int64     `bun:",pk" json:"-"`
	ID            int64     `bun:",pk,autoincrement" json:"id"`
	Kind          string    `json:"kind"`
	Name          string    `json:"name"`
	TermFrom      *int      `json:"term_from,omitempty"`
	TermTo        *int      `json:"term_to,omitempty"`
	MinMeetings   int       `json:"min_meetings"`
	Statutes      string    `json:"statutes,omitempty"`
	Place         string    `json:"place,omitempty"`
	SignOff       string    `json:"sign_off"`
	Visibility    string    `json:"visibility"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Public reports whether the council's calendar, published agendas and
// minutes may be shown to anyone.
func (c *Council) Public() bool { return c.Visibility == VisibilityPublic }

// Path is where the council is shown, under /o/{slug}/.
func (c *Council) Path() string { return "councils/" + strconv.FormatInt(c.ID, 10) }

// Term answers the term as written: «2018–2021», «2018–», "".
func (c *Council) Term() string {
	switch {
	case c.TermFrom == nil && c.TermTo == nil:
		return ""
	case c.TermTo == nil:
		return strconv.Itoa(*c.TermFrom) + "–"
	case c.TermFrom == nil:
		return "–" + strconv.Itoa(*c.TermTo)
	}
	return strconv.Itoa(*c.TermFrom) + "–" + strconv.Itoa(*c.TermTo)
}

// Member is one membership: a person in one role over a span of days.
type Member struct {
	bun.BaseModel  `bun:"table:council_members,alias:cm"`
	OrgID          int64      `bun:",pk" json:"-"`
	ID             int64      `bun:",pk,autoincrement" json:"id"`
	CouncilID      int64      `json:"council_id"`
	Name           string     `json:"name"`
	Role           string     `json:"role"`
	Represents     string     `json:"represents,omitempty"`
	RepresentsText string     `json:"represents_text,omitempty"`
	SubstituteFor  *int64     `json:"substitute_for,omitempty"`
	UserID         *int64     `json:"user_id,omitempty"`
	FromDate       *time.Time `json:"from_date,omitempty"`
	ToDate         *time.Time `json:"to_date,omitempty"`
	Position       int        `json:"position"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// ActiveOn reports whether the membership covers day (a date at midnight
// UTC, as membership days are stored): from and to are inclusive.
func (m *Member) ActiveOn(day time.Time) bool {
	return (m.FromDate == nil || !day.Before(*m.FromDate)) && (m.ToDate == nil || !day.After(*m.ToDate))
}

// Expected reports whether the member is expected at meetings: everyone
// but substitutes (who come for someone) and the secretary (who keeps
// the minutes).
func (m *Member) Expected() bool { return m.Role != RoleSubstitute && m.Role != RoleSecretary }

// Meeting is a meeting of a council.
type Meeting struct {
	bun.BaseModel     `bun:"table:council_meetings,alias:mt"`
	OrgID             int64      `bun:",pk" json:"-"`
	ID                int64      `bun:",pk,autoincrement" json:"id"`
	CouncilID         int64      `json:"council_id"`
	StartsAt          time.Time  `json:"starts_at"`
	EndsAt            *time.Time `json:"ends_at,omitempty"`
	Place             string     `json:"place,omitempty"`
	Status            string     `json:"status"`
	AgendaPublishedAt *time.Time `json:"agenda_published_at,omitempty"`
	Adjusters         string     `json:"-"` // JSON list of member ids
	Rev               int        `json:"rev"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
}

// AdjusterIDs answers the members who adjust the minutes (justering).
func (m *Meeting) AdjusterIDs() []int64 {
	var ids []int64
	_ = json.Unmarshal([]byte(m.Adjusters), &ids)
	return ids
}

// Path is where the meeting is shown, under /o/{slug}/.
func (m *Meeting) Path() string {
	return "councils/" + strconv.FormatInt(m.CouncilID, 10) + "/meetings/" + strconv.FormatInt(m.ID, 10)
}

// AgendaPublic reports whether the meeting's agenda is published: from
// its publication until the meeting is cancelled (a held meeting's agenda
// stays readable until its minutes are published).
func (m *Meeting) AgendaPublic() bool {
	return m.Status != MeetingCancelled && m.AgendaPublishedAt != nil
}

// Attendance is one member's attendance at a meeting.
type Attendance struct {
	bun.BaseModel `bun:"table:council_attendance,alias:ca"`
	OrgID         int64  `bun:",pk" json:"-"`
	MeetingID     int64  `bun:",pk" json:"meeting_id"`
	MemberID      int64  `bun:",pk" json:"member_id"`
	Status        string `json:"status"`
	SubstituteID  *int64 `json:"substitute_id,omitempty"`
}

// Hearing is one step of an item's route through bodies: «Social- og
// Sundhedsudvalget den 12. juni 2018», «Integrationsrådet - høring - den
// 27. juni 2018».
type Hearing struct {
	Body string     `json:"body"`
	Date *time.Time `json:"date,omitempty"`
	Role string     `json:"role,omitempty"`
}

// Earlier is an earlier decision of another body on the item: «Social- og
// Sundhedsudvalget, 12. juni 2018, pkt. 118: Taget til efterretning.»
type Earlier struct {
	Body string     `json:"body"`
	Date *time.Time `json:"date,omitempty"`
	Item string     `json:"item,omitempty"`
	Text string     `json:"text"`
}

// Link kinds: what an item may refer to.
const (
	LinkPlan      = "plan"
	LinkMeasure   = "measure"
	LinkGoal      = "goal"
	LinkWorkbook  = "workbook"
	LinkIndicator = "indicator"
)

// LinkKinds lists them in the order forms offer them.
var LinkKinds = []string{LinkPlan, LinkMeasure, LinkGoal, LinkWorkbook, LinkIndicator}

// Link is a reference from an item to something of the municipality: a
// plan, a goal or measure, a workbook answer (its path), an indicator (its
// code). Title is what it is called, as read when linked.
type Link struct {
	Kind  string `json:"kind"`
	Ref   string `json:"ref"`
	Title string `json:"title"`
}

// Item is an agenda item (punkt, ärende, sak).
type Item struct {
	bun.BaseModel     `bun:"table:council_items,alias:ci"`
	OrgID             int64     `bun:",pk" json:"-"`
	ID                int64     `bun:",pk,autoincrement" json:"id"`
	CouncilID         int64     `json:"council_id"`
	MeetingID         int64     `json:"meeting_id"`
	Position          int       `json:"-"`
	Title             string    `json:"title"`
	CaseNumber        string    `json:"case_number,omitempty"`
	Topic             string    `json:"topic,omitempty"`
	Background        string    `json:"background,omitempty"`
	Recommendation    string    `json:"recommendation,omitempty"`
	Decision          string    `json:"decision,omitempty"`
	DecisionType      string    `json:"decision_type,omitempty"`
	LegalBasis        string    `json:"legal_basis,omitempty"`
	Economic          string    `json:"economic,omitempty"`
	OtherConsequences string    `json:"other_consequences,omitempty"`
	HearingJSON       string    `bun:"hearing" json:"-"`
	EarlierJSON       string    `bun:"earlier" json:"-"`
	LinksJSON         string    `bun:"links" json:"-"`
	Closed            bool      `json:"closed"`
	SearchText        string    `json:"-"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

// Number is the item's number on its agenda: its position, from 1.
func (it *Item) Number() int { return it.Position + 1 }

// Path is where the item is shown, under /o/{slug}/.
func (it *Item) Path() string {
	return "councils/" + strconv.FormatInt(it.CouncilID, 10) + "/meetings/" + strconv.FormatInt(it.MeetingID, 10) +
		"/items/" + strconv.FormatInt(it.ID, 10)
}

// Route answers the item's hearing route.
func (it *Item) Route() []Hearing { return decodeList[Hearing](it.HearingJSON) }

// EarlierDecisions answers the earlier decisions of other bodies.
func (it *Item) EarlierDecisions() []Earlier { return decodeList[Earlier](it.EarlierJSON) }

// Links answers what the item refers to.
func (it *Item) Links() []Link { return decodeList[Link](it.LinksJSON) }

// Decided reports whether the item has a decision.
func (it *Item) Decided() bool { return it.Decision != "" || it.DecisionType != "" }

// Attachment is a file attached to an item, in the file store.
type Attachment struct {
	bun.BaseModel `bun:"table:council_item_files,alias:cf"`
	OrgID         int64  `bun:",pk" json:"-"`
	ItemID        int64  `bun:",pk" json:"item_id"`
	FileID        int64  `bun:",pk" json:"file_id"`
	Title         string `json:"title"`
	Position      int    `json:"-"`
	// Of the file, read with it.
	Name        string `bun:",scanonly" json:"name"`
	ContentType string `bun:",scanonly" json:"content_type"`
	Size        int64  `bun:",scanonly" json:"size"`
}

// Minutes is one version of a meeting's minutes.
type Minutes struct {
	bun.BaseModel `bun:"table:council_minutes,alias:mn"`
	OrgID         int64      `bun:",pk" json:"-"`
	ID            int64      `bun:",pk,autoincrement" json:"id"`
	MeetingID     int64      `json:"meeting_id"`
	Version       int        `json:"version"`
	State         string     `json:"state"`
	Reason        string     `json:"reason,omitempty"`
	Snapshot      *string    `json:"-"`
	ApprovedAt    *time.Time `json:"approved_at,omitempty"`
	ApprovedBy    string     `json:"approved_by,omitempty"`
	ApprovedRef   string     `json:"approved_ref,omitempty"`
	PublishedAt   *time.Time `json:"published_at,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	CreatedBy     *int64     `json:"-"`
}

// Locked reports whether the minutes are approved: nothing of the meeting
// they record changes until a correction opens the next version.
func (m *Minutes) Locked() bool { return m.State == MinutesApproved || m.State == MinutesPublished }

// Event is a step of the minutes.
type Event struct {
	bun.BaseModel `bun:"table:council_minutes_events,alias:me"`
	OrgID         int64     `bun:",pk" json:"-"`
	ID            int64     `bun:",pk,autoincrement" json:"id"`
	MinutesID     int64     `json:"minutes_id"`
	Kind          string    `json:"kind"`
	MemberID      *int64    `json:"member_id,omitempty"`
	UserID        *int64    `json:"-"`
	AuthorName    string    `json:"author_name"`
	Text          string    `json:"text,omitempty"`
	At            time.Time `json:"at"`
}

func decodeList[T any](s string) []T {
	var out []T
	if s != "" {
		_ = json.Unmarshal([]byte(s), &out)
	}
	return out
}

func encode(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain data: cannot fail
	}
	return string(b)
}

func encodeList[T any](v []T) string {
	if v == nil {
		v = []T{}
	}
	return encode(v)
}

// day answers t's calendar day in loc as midnight UTC, the form membership
// days are stored in.
func day(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func validKind(list []string, v string) bool { return slices.Contains(list, v) }
