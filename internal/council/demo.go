package council

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"go.yaml.in/yaml/v3"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/document"
	"github.com/samvirke/samvirke/internal/files"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
)

// DemoLoader loads the demo organisations' councils (councils/<slug>.yaml
// of Definitions: Thisted's Integrationsråd with its meeting of 27 June
// 2018, Trysil's steering and working groups): members over time, meetings
// with their agendas, attendance, decisions, attachments and follow-up
// actions, and minutes circulated, signed and published. It links demo
// users to members, so the server runs it once they exist, on the demo's
// first start only. Every step goes through the service as the secretary
// would take it, with the clock set to when it happened.
type DemoLoader struct {
	// Definitions holds councils/*.yaml (tenants.Councils).
	Definitions fs.FS
	// Files keeps the attachments, one-page PDF demo copies named by the
	// definitions; nil loads the councils without them.
	Files *files.Service
}

// demoFile is a councils/<slug>.yaml file.
type demoFile struct {
	Slug     string        `yaml:"slug"`
	Councils []demoCouncil `yaml:"councils"`
}

type demoCouncil struct {
	Kind        string        `yaml:"kind"`
	Name        string        `yaml:"name"`
	TermFrom    *int          `yaml:"term_from"`
	TermTo      *int          `yaml:"term_to"`
	MinMeetings int           `yaml:"min_meetings"`
	Statutes    string        `yaml:"statutes"`
	Place       string        `yaml:"place"`
	SignOff     string        `yaml:"sign_off"`
	Visibility  string        `yaml:"visibility"`
	Recorded    string        `yaml:"recorded"` // local time the council and its members were entered
	Members     []demoMember  `yaml:"members"`
	Meetings    []demoMeeting `yaml:"meetings"`
}

// demoMember is a person's membership; Changes are the roles they take
// later (ChangeRole), each from a day.
type demoMember struct {
	Name           string       `yaml:"name"`
	Role           string       `yaml:"role"`
	Represents     string       `yaml:"represents"`
	RepresentsText string       `yaml:"represents_text"`
	SubstituteFor  string       `yaml:"substitute_for"` // a member listed before, by name
	User           string       `yaml:"user"`           // the demo user (by role) linked to the member
	From           string       `yaml:"from"`
	To             string       `yaml:"to"`
	Changes        []demoChange `yaml:"changes"`
}

type demoChange struct {
	Role string `yaml:"role"`
	From string `yaml:"from"`
}

// demoMeeting is a meeting; Status says how far it got: planned,
// agenda_published, held or published (its minutes approved and
// published).
type demoMeeting struct {
	Starts          string          `yaml:"starts"` // local time
	Ends            string          `yaml:"ends"`
	Place           string          `yaml:"place"`
	Status          string          `yaml:"status"`
	Entered         string          `yaml:"entered"`
	AgendaPublished string          `yaml:"agenda_published"`
	Absent          []string        `yaml:"absent"` // with notice; the other expected members were present
	AbsentNoNotice  []string        `yaml:"absent_without_notice"`
	Items           []demoItem      `yaml:"items"`
	Minutes         *demoMinutesRun `yaml:"minutes"`
}

type demoItem struct {
	Title             string         `yaml:"title"`
	CaseNumber        string         `yaml:"case_number"`
	Topic             string         `yaml:"topic"`
	Background        string         `yaml:"background"`
	Recommendation    string         `yaml:"recommendation"`
	Decision          string         `yaml:"decision"`
	DecisionType      string         `yaml:"decision_type"`
	LegalBasis        string         `yaml:"legal_basis"`
	Economic          string         `yaml:"economic"`
	OtherConsequences string         `yaml:"other_consequences"`
	Hearing           []demoHearing  `yaml:"hearing"`
	Earlier           []demoEarlier  `yaml:"earlier"`
	Attachments       []string       `yaml:"attachments"` // titles
	FollowUps         []demoFollowUp `yaml:"follow_ups"`
}

type demoHearing struct {
	Body string `yaml:"body"`
	Date string `yaml:"date"`
	Role string `yaml:"role"`
}

type demoEarlier struct {
	Body string `yaml:"body"`
	Date string `yaml:"date"`
	Item string `yaml:"item"`
	Text string `yaml:"text"`
}

// demoFollowUp is a follow-up action of a decision; Deadline is a day or
// relative to the demo's first start ({day+12}); Status, when set, is
// the update made at Updated.
type demoFollowUp struct {
	Description     string `yaml:"description"`
	Responsible     string `yaml:"responsible"`
	ResponsibleUser string `yaml:"responsible_user"` // demo user by role
	Deadline        string `yaml:"deadline"`
	Status          string `yaml:"status"`
	Progress        int    `yaml:"progress"`
	Note            string `yaml:"note"`
	Updated         string `yaml:"updated"`
}

// demoMinutesRun is how the minutes went: By (the secretary's demo user)
// circulated them; the Signers (demo users linked to members present)
// signed, which approves them, or By approved them when none signs; By
// published them.
type demoMinutesRun struct {
	By         string   `yaml:"by"`
	Circulated string   `yaml:"circulated"`
	Signers    []string `yaml:"signers"`
	Signed     string   `yaml:"signed"`
	Published  string   `yaml:"published"`
}

// LoadDemo loads every councils/*.yaml into its organisation.
func (l DemoLoader) LoadDemo(ctx context.Context, bdb *bun.DB, clock app.Clock) error {
	list, err := fs.Glob(l.Definitions, "councils/*.yaml")
	if err != nil {
		return fmt.Errorf("demo councils: %w", err)
	}
	for _, f := range list {
		if err := l.loadFile(ctx, bdb, clock, f); err != nil {
			return fmt.Errorf("demo councils: %s: %w", f, err)
		}
	}
	return nil
}

// demoRun is the loading of one file: its organisation, the demo users
// met so far, the service on a clock set to each step's time, and the
// demo's real now (for relative deadlines).
type demoRun struct {
	DemoLoader
	o     *org.Organisation
	bdb   *bun.DB
	svc   *Service
	at    *app.FixedClock
	now   time.Time
	users map[string]*app.Actor
}

func (l DemoLoader) loadFile(ctx context.Context, bdb *bun.DB, clock app.Clock, file string) error {
	b, err := fs.ReadFile(l.Definitions, file)
	if err != nil {
		return err
	}
	var d demoFile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&d); err != nil {
		return err
	}
	r := &demoRun{DemoLoader: l, bdb: bdb, at: &app.FixedClock{}, now: clock.Now(), users: map[string]*app.Actor{}}
	err = db.Run(ctx, bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		r.o, err = org.FindOrganisationBySlug(ctx, idb, d.Slug)
		return err
	})
	if err != nil {
		return fmt.Errorf("organisation %s: %w", d.Slug, err)
	}
	if !r.o.Demo {
		return fmt.Errorf("%s is not a demo organisation", d.Slug)
	}
	r.svc = &Service{DB: bdb, Clock: r.at, Files: l.Files}
	for _, c := range d.Councils {
		if err := r.council(ctx, c); err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
	}
	return nil
}

// actor answers the demo user of role in the organisation.
func (r *demoRun) actor(ctx context.Context, role string) (*app.Actor, error) {
	if a := r.users[role]; a != nil {
		return a, nil
	}
	var u *account.User
	email := account.DemoEmail(role, r.o.Slug)
	err := db.Run(ctx, r.bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var err error
		u, err = account.FindUserByEmail(ctx, idb, email)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("demo user %s: %w", email, err)
	}
	r.users[role] = &app.Actor{UserID: u.ID, Email: u.Email, Name: u.Name, OrgID: r.o.ID, OrgSlug: r.o.Slug, OrgKind: r.o.Kind, Role: role}
	return r.users[role], nil
}

// local reads a local time, «2018-06-27 16:00», in the organisation's
// zone.
func (r *demoRun) local(s string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, r.o.Location())
	if err != nil {
		return t, fmt.Errorf("time %q: %w", s, err)
	}
	return t, nil
}

// setClock sets the service's clock to local time s.
func (r *demoRun) setClock(s string) error {
	t, err := r.local(s)
	if err != nil {
		return err
	}
	r.at.T = t.UTC()
	return nil
}

// demoDate reads a day, «2018-06-27», as membership days and deadlines
// are stored (midnight UTC); "" is nil.
func demoDate(s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil, fmt.Errorf("day %q: %w", s, err)
	}
	return &t, nil
}

func (r *demoRun) council(ctx context.Context, dc demoCouncil) error {
	if err := r.setClock(dc.Recorded); err != nil {
		return err
	}
	c, err := r.svc.Create(ctx, r.o, CouncilInput{Kind: dc.Kind, Name: dc.Name, TermFrom: dc.TermFrom, TermTo: dc.TermTo,
		MinMeetings: dc.MinMeetings, Statutes: strings.TrimSpace(dc.Statutes), Place: dc.Place, SignOff: dc.SignOff, Visibility: dc.Visibility})
	if err != nil {
		return err
	}
	byName := map[string]*Member{}
	for _, dm := range dc.Members {
		in := MemberInput{Name: dm.Name, Role: dm.Role, Represents: dm.Represents, RepresentsText: dm.RepresentsText}
		if in.FromDate, err = demoDate(dm.From); err != nil {
			return err
		}
		if in.ToDate, err = demoDate(dm.To); err != nil {
			return err
		}
		if dm.SubstituteFor != "" {
			m := byName[dm.SubstituteFor]
			if m == nil {
				return fmt.Errorf("%s substitutes for %q, who is not listed before", dm.Name, dm.SubstituteFor)
			}
			in.SubstituteFor = &m.ID
		}
		if dm.User != "" {
			a, err := r.actor(ctx, dm.User)
			if err != nil {
				return err
			}
			in.UserID = &a.UserID
		}
		m, err := r.svc.AddMember(ctx, r.o, c.ID, in)
		if err != nil {
			return fmt.Errorf("member %s: %w", dm.Name, err)
		}
		byName[dm.Name] = m
	}
	// The changes during the term, as the secretary records them on their
	// day.
	for _, dm := range dc.Members {
		m := byName[dm.Name]
		for _, ch := range dm.Changes {
			from, err := demoDate(ch.From)
			if err != nil {
				return fmt.Errorf("%s's change: %w", dm.Name, err)
			}
			if from == nil {
				return fmt.Errorf("%s's change to %s has no day", dm.Name, ch.Role)
			}
			r.at.T = from.Add(18 * time.Hour)
			if m, err = r.svc.ChangeRole(ctx, r.o, c.ID, m.ID, ch.Role, *from); err != nil {
				return fmt.Errorf("%s becomes %s: %w", dm.Name, ch.Role, err)
			}
		}
	}
	for _, dm := range dc.Meetings {
		if err := r.meeting(ctx, c, dm); err != nil {
			return fmt.Errorf("meeting %s: %w", dm.Starts, err)
		}
	}
	return nil
}

func (r *demoRun) meeting(ctx context.Context, c *Council, dm demoMeeting) error {
	starts, err := r.local(dm.Starts)
	if err != nil {
		return err
	}
	in := MeetingInput{StartsAt: starts, Place: dm.Place}
	if dm.Ends != "" {
		ends, err := r.local(dm.Ends)
		if err != nil {
			return err
		}
		in.EndsAt = &ends
	}
	if err := r.setClock(dm.Entered); err != nil {
		return err
	}
	m, err := r.svc.CreateMeeting(ctx, r.o, c.ID, in)
	if err != nil {
		return err
	}
	// The agenda as the secretary entered it: everything but what the
	// meeting decided.
	var its []*Item
	for _, di := range dm.Items {
		in, err := di.input()
		if err != nil {
			return err
		}
		in.Decision, in.DecisionType = "", ""
		it, err := r.svc.AddItem(ctx, r.o, c.ID, m.ID, 0, in)
		if err != nil {
			return fmt.Errorf("item %q: %w", di.Title, err)
		}
		if r.Files != nil {
			for _, title := range di.Attachments {
				if err := r.attach(ctx, c, m, it, title); err != nil {
					return fmt.Errorf("item %q: %w", di.Title, err)
				}
			}
		}
		its = append(its, it)
	}
	if dm.AgendaPublished != "" {
		if err := r.setClock(dm.AgendaPublished); err != nil {
			return err
		}
		if _, err := r.svc.PublishAgenda(ctx, r.o, c.ID, m.ID); err != nil {
			return err
		}
	}
	if dm.Status == MeetingPlanned || dm.Status == MeetingAgendaPublished {
		return nil
	}
	// Held: the minutes' draft, the decisions and who came, written in the
	// evening after the meeting.
	secretary := (*app.Actor)(nil)
	if dm.Minutes != nil {
		if secretary, err = r.actor(ctx, dm.Minutes.By); err != nil {
			return err
		}
	}
	r.at.T = starts.Add(3 * time.Hour).UTC()
	if _, err := r.svc.MarkHeld(ctx, r.o, secretary, c.ID, m.ID); err != nil {
		return err
	}
	for i, di := range dm.Items {
		if di.Decision == "" && di.DecisionType == "" {
			continue
		}
		in, err := di.input()
		if err != nil {
			return err
		}
		if _, err := r.svc.UpdateItem(ctx, r.o, c.ID, m.ID, its[i].ID, 0, in); err != nil {
			return fmt.Errorf("item %q: %w", di.Title, err)
		}
	}
	if err := r.attendance(ctx, c, m, dm); err != nil {
		return err
	}
	for i, di := range dm.Items {
		for _, f := range di.FollowUps {
			if err := r.followUp(ctx, c, m, its[i], f, secretary); err != nil {
				return fmt.Errorf("item %q: %w", di.Title, err)
			}
		}
	}
	if dm.Status != MeetingPublished {
		return nil
	}
	if dm.Minutes == nil {
		return fmt.Errorf("published, but the definition has no minutes")
	}
	return r.minutes(ctx, c, m, dm.Minutes, secretary)
}

// attendance records the expected members present but those named
// absent; a meeting that names nobody absent has no attendance recorded
// (the seed does not say who came).
func (r *demoRun) attendance(ctx context.Context, c *Council, m *Meeting, dm demoMeeting) error {
	if len(dm.Absent) == 0 && len(dm.AbsentNoNotice) == 0 {
		return nil
	}
	ms, err := r.svc.Members(ctx, r.o, c)
	if err != nil {
		return err
	}
	status := map[string]string{}
	for _, n := range dm.Absent {
		status[n] = AbsentNotice
	}
	for _, n := range dm.AbsentNoNotice {
		status[n] = Absent
	}
	var in []AttendanceInput
	for _, mb := range CurrentOn(ms, day(m.StartsAt, r.o.Location())) {
		if !mb.Expected() {
			continue
		}
		st := status[mb.Name]
		if st == "" {
			st = Present
		}
		delete(status, mb.Name)
		in = append(in, AttendanceInput{MemberID: mb.ID, Status: st})
	}
	for n := range status {
		return fmt.Errorf("%s is absent but no expected member on the day", n)
	}
	_, err = r.svc.SetAttendance(ctx, r.o, c.ID, m.ID, 0, in)
	return err
}

// reDemoDay is a deadline relative to the demo's first start: {day+12}.
var reDemoDay = regexp.MustCompile(`^\{day([+-]\d+)\}$`)

func (r *demoRun) followUp(ctx context.Context, c *Council, m *Meeting, it *Item, f demoFollowUp, a *app.Actor) error {
	in := FollowUpInput{Description: f.Description, Responsible: f.Responsible}
	if k := reDemoDay.FindStringSubmatch(f.Deadline); k != nil {
		n, _ := strconv.Atoi(k[1])
		y, mo, d := r.now.In(r.o.Location()).AddDate(0, 0, n).Date()
		t := time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
		in.Deadline = &t
	} else {
		var err error
		if in.Deadline, err = demoDate(f.Deadline); err != nil {
			return err
		}
	}
	if f.ResponsibleUser != "" {
		u, err := r.actor(ctx, f.ResponsibleUser)
		if err != nil {
			return err
		}
		in.ResponsibleUser = &u.UserID
	}
	id, err := r.svc.AddFollowUp(ctx, r.o, a, c.ID, m.ID, it.ID, in)
	if err != nil {
		return err
	}
	if f.Status == "" {
		return nil
	}
	if err := r.setClock(f.Updated); err != nil {
		return err
	}
	progress := f.Progress
	_, err = r.svc.UpdateMeasure(ctx, r.o, a, id, measure.StatusUpdate{Status: f.Status, Progress: &progress, Note: f.Note})
	return err
}

// minutes circulates the minutes, has the signers sign (the last
// signature approves them) or the secretary approve them when nobody
// signs, and publishes them.
func (r *demoRun) minutes(ctx context.Context, c *Council, m *Meeting, dm *demoMinutesRun, secretary *app.Actor) error {
	if err := r.setClock(dm.Circulated); err != nil {
		return err
	}
	if err := r.svc.Circulate(ctx, r.o, secretary, c.ID, m.ID); err != nil {
		return err
	}
	if err := r.setClock(dm.Signed); err != nil {
		return err
	}
	for _, role := range dm.Signers {
		a, err := r.actor(ctx, role)
		if err != nil {
			return err
		}
		if err := r.svc.Sign(ctx, r.o, a, c.ID, m.ID); err != nil {
			return fmt.Errorf("%s signs: %w", role, err)
		}
	}
	if len(dm.Signers) == 0 {
		if err := r.svc.Approve(ctx, r.o, secretary, c.ID, m.ID, ApproveInput{}); err != nil {
			return err
		}
	}
	if err := r.setClock(dm.Published); err != nil {
		return err
	}
	return r.svc.Publish(ctx, r.o, secretary, c.ID, m.ID)
}

// attach stores a one-page PDF demo copy of the attachment titled title.
func (r *demoRun) attach(ctx context.Context, c *Council, m *Meeting, it *Item, title string) error {
	doc := &document.Document{Title: title, Author: c.Name, Created: r.at.T, Locale: r.o.Locale}
	doc.Add(&document.Heading{Level: 1, Text: title},
		&document.Paragraph{Text: c.Name + ", " + m.StartsAt.In(r.o.Location()).Format("02.01.2006") + ", " +
			strconv.Itoa(it.Number()) + ". " + it.Title, Style: document.Small},
		&document.Paragraph{Text: demoCopy(r.o.Locale), Style: document.Muted})
	var buf bytes.Buffer
	if err := doc.WritePDF(&buf); err != nil {
		return err
	}
	_, err := r.svc.Attach(ctx, r.o, nil, c.ID, m.ID, it.ID, title, files.SanitizeName(title, "bilag")+".pdf", &buf)
	return err
}

// demoCopy is the line that says an attachment is the demo's stand-in for
// the real document.
func demoCopy(locale string) string {
	switch locale {
	case "da":
		return "Demokopi: Samvirkes demo har ikke det oprindelige bilag, kun dets titel."
	case "sv":
		return "Demokopia: Samvirkes demo har inte den ursprungliga bilagan, bara dess titel."
	case "nb":
		return "Demokopi: Samvirkes demo har ikke det opprinnelige vedlegget, bare tittelen."
	}
	return "Demo copy: Samvirke's demo does not have the original attachment, only its title."
}

// input answers the item as its form would: the hearing route's and
// earlier decisions' days read.
func (di demoItem) input() (ItemInput, error) {
	in := ItemInput{Title: di.Title, CaseNumber: di.CaseNumber, Topic: di.Topic, Background: di.Background,
		Recommendation: di.Recommendation, Decision: di.Decision, DecisionType: di.DecisionType, LegalBasis: di.LegalBasis,
		Economic: di.Economic, OtherConsequences: di.OtherConsequences}
	for _, h := range di.Hearing {
		d, err := demoDate(h.Date)
		if err != nil {
			return in, err
		}
		in.Hearing = append(in.Hearing, Hearing{Body: h.Body, Date: d, Role: h.Role})
	}
	for _, e := range di.Earlier {
		d, err := demoDate(e.Date)
		if err != nil {
			return in, err
		}
		in.Earlier = append(in.Earlier, Earlier{Body: e.Body, Date: d, Item: e.Item, Text: e.Text})
	}
	return in, nil
}
