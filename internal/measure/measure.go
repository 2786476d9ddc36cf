package measure

import (
	"crypto/rand"
	"encoding/json"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/samvirke/samvirke/internal/app"
)

// Statuses of goals and measures.
const (
	StatusNotStarted = "not_started"
	StatusOngoing    = "ongoing"
	StatusDone       = "done"
	StatusCancelled  = "cancelled"
	StatusPostponed  = "postponed"
)

// Statuses lists the statuses in the order forms offer them.
var Statuses = []string{StatusNotStarted, StatusOngoing, StatusDone, StatusCancelled, StatusPostponed}

// legacyStatus maps the codes answers stored before goals and measures
// had their own package onto today's.
var legacyStatus = map[string]string{"planned": StatusNotStarted, "in_progress": StatusOngoing}

// NormStatus answers s as one of Statuses: a code stored before this
// package (planned, in_progress) as its successor, anything else unknown
// as "".
func NormStatus(s string) string {
	if n, ok := legacyStatus[s]; ok {
		return n
	}
	if slices.Contains(Statuses, s) {
		return s
	}
	return ""
}

// Closed reports whether a measure or goal in status s needs no more work:
// done or cancelled. Closed items never reach "My work" or reminders.
func Closed(status string) bool { return status == StatusDone || status == StatusCancelled }

// Origin says where a copied goal or measure came from: a peer's answer.
// It stays with the copy, so the network can see which practices spread.
type Origin struct {
	OrgID   int64  `json:"org_id"`
	OrgName string `json:"org_name"`
	EntryID int64  `json:"entry_id"`
}

// Goal is a measurable goal: «Minst 75 % i arbeid eller utdanning».
type Goal struct {
	// ID identifies the goal for as long as it lives, across versions of
	// its source and in its own page's address; NewID makes one.
	ID            string     `json:"id,omitempty"`
	Statement     string     `json:"statement"`
	IndicatorCode string     `json:"indicator_code,omitempty"` // optional link to an indicator
	Baseline      *float64   `json:"baseline,omitempty"`
	Target        *float64   `json:"target,omitempty"`
	Unit          string     `json:"unit,omitempty"`
	TargetDate    *time.Time `json:"target_date,omitempty"`
	Status        string     `json:"status"`
	From          *Origin    `json:"from,omitempty"`
}

// Measure is something to do (tiltak, åtgärd, indsats), with a responsible
// and a deadline.
type Measure struct {
	ID          string `json:"id,omitempty"` // see Goal.ID
	Description string `json:"description"`
	// Responsible is a person, role or unit as written: «Flyktningkoordinator».
	// A role an organisation keeps (org roles) reaches the members who
	// fill it.
	Responsible     string `json:"responsible,omitempty"`
	ResponsibleUser *int64 `json:"responsible_user,omitempty"` // the person, when known
	// Deadline is the day the measure falls due: a day as written, or the
	// last day of a period («Høst 2016»), or the last phase's day.
	Deadline *time.Time `json:"deadline,omitempty"`
	// DeadlineText is the deadline as written when it is not a day: it is
	// what is shown.
	DeadlineText string   `json:"deadline_text,omitempty"`
	Status       string   `json:"status"`
	Progress     int      `json:"progress,omitempty"` // percent done, 0–100
	Notes        string   `json:"notes,omitempty"`
	Goals        []string `json:"goals,omitempty"` // ids of the goals of the same source it serves
	From         *Origin  `json:"from,omitempty"`
}

// Interpretation reads the measure's deadline as written, with the
// default seasons (InterpretationIn).
func (m *Measure) Interpretation() Deadline { return m.InterpretationIn(Seasons{}) }

// InterpretationIn reads the measure's deadline as written, a season
// ending as seasons say. A period's due day is Deadline when the measure
// has one: the day it was given when saved, by its organisation's seasons
// then (MeasureInput.Validate, Save), which is the day its row is due.
func (m *Measure) InterpretationIn(seasons Seasons) Deadline {
	if m.DeadlineText == "" && m.Deadline != nil {
		return Deadline{Text: m.Deadline.Format(time.DateOnly), Kind: DeadlineDate, Due: *m.Deadline}
	}
	d := ParseDeadline(m.DeadlineText, seasons)
	if m.Deadline != nil && (d.Due.IsZero() || d.Kind == DeadlinePeriod) {
		d.Due = *m.Deadline
	}
	return d
}

// UnmarshalJSON reads a goal as stored today and as answers stored it
// before this package (Go field names, legacy status codes).
func (g *Goal) UnmarshalJSON(b []byte) error {
	type plain Goal
	var v struct {
		plain
		LegacyIndicator  string     `json:"IndicatorCode"`
		LegacyTargetDate *time.Time `json:"TargetDate"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*g = Goal(v.plain)
	if g.IndicatorCode == "" {
		g.IndicatorCode = v.LegacyIndicator
	}
	if g.TargetDate == nil {
		g.TargetDate = v.LegacyTargetDate
	}
	if s := NormStatus(g.Status); s != "" {
		g.Status = s
	}
	return nil
}

// UnmarshalJSON reads a measure as stored today and as answers stored it
// before this package (Go field names, legacy status codes).
func (m *Measure) UnmarshalJSON(b []byte) error {
	type plain Measure
	var v struct {
		plain
		LegacyResponsibleUser *int64 `json:"ResponsibleUser"`
		LegacyDeadlineText    string `json:"DeadlineText"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*m = Measure(v.plain)
	if m.ResponsibleUser == nil {
		m.ResponsibleUser = v.LegacyResponsibleUser
	}
	if m.DeadlineText == "" {
		m.DeadlineText = v.LegacyDeadlineText
	}
	if s := NormStatus(m.Status); s != "" {
		m.Status = s
	}
	return nil
}

// NewID makes a goal's or measure's id: 16 random characters of
// lowercase base32, never guessable from another.
func NewID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	b := make([]byte, 16)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[b[i]&31]
	}
	return string(b)
}

// LegacyID is the id of the i-th goal (kind "g") or measure (kind "m") of
// workbook entry entryID as stored before goals and measures had ids: the
// migration gave their rows these ids, and content read from an older
// version gets them too, so a restored version finds its rows again.
func LegacyID(kind string, entryID int64, i int) string {
	return "e" + strconv.FormatInt(entryID, 10) + kind + strconv.Itoa(i)
}

// ValidID reports whether s can be a goal's or measure's id (as made by
// NewID or LegacyID): an address or form never carries anything else.
func ValidID(s string) bool {
	if len(s) == 0 || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// MaxUpdateNote is the longest note on a measure's status update.
const MaxUpdateNote = 2000

// StatusUpdate is a status update of a measure, whichever source holds it:
// the new status, progress in percent (nil keeps the measure's) and a note
// for its timeline.
type StatusUpdate struct {
	Status   string
	Progress *int
	Note     string
}

// Check answers the update's status as one of Statuses, or app.EInvalid
// for an unknown status ("status"), progress outside 0–100 ("progress")
// or a note over MaxUpdateNote ("note").
func (up StatusUpdate) Check() (string, error) {
	status := NormStatus(up.Status)
	switch {
	case status == "":
		return "", app.Errorf(app.EInvalid, "measure.error.status").WithField("status")
	case up.Progress != nil && (*up.Progress < 0 || *up.Progress > 100):
		return "", app.Errorf(app.EInvalid, "measure.error.progress").WithField("progress")
	case utf8.RuneCountInString(up.Note) > MaxUpdateNote:
		return "", app.Errorf(app.EInvalid, "measure.error.note", "max", MaxUpdateNote).WithField("note")
	}
	return status, nil
}

// ProgressFrom answers the progress after the update of a measure at
// current percent: the update's, or current when it gives none; done with
// none (or 0) is 100.
func (up StatusUpdate) ProgressFrom(current int) int {
	progress := current
	if up.Progress != nil {
		progress = *up.Progress
	}
	if NormStatus(up.Status) == StatusDone && (up.Progress == nil || progress == 0) {
		progress = 100
	}
	return progress
}
