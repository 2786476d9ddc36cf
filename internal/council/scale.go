package council

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/scale"
)

// Scale is the councils' slice of the scale data set: every municipality
// has an integration council of nine people (one member leaves halfway
// and the substitute takes the seat; four are linked to users), which
// meets monthly (not in July) for the last five years with a few meetings
// ahead. Each meeting has Items agenda items in the register of real
// minutes (case number, topic, background of a few sentences to a few
// paragraphs, recommendation, hearing route and earlier decisions for
// some), a few of them closed; held meetings have attendance, decisions
// on most items, follow-up actions on some, and minutes: published
// (circulated, signed or approved as the country does it, frozen and
// posted) but for the last two, whose minutes are approved, and
// circulated or in draft. The next meeting's agenda is published, the
// ones after it are planned. Six councils in ten are public.
//
// The rows are written in batches as the service would leave them: the
// same search texts, revisions, positions, statuses, minutes snapshots
// (the document as it stood when approved, follow-up actions as they
// stood then) and measure timelines. It writes no audit entries and no
// attachments.
type Scale struct {
	Meetings, Items int // per council and per meeting; zero: 60 and 10
}

// Name implements scale.Slice.
func (Scale) Name() string { return "council meetings" }

// scaleChunk is how many municipalities' councils are made and written
// together, which bounds the memory a run holds.
const scaleChunk = 50

// Generate implements scale.Slice.
func (s Scale) Generate(ctx context.Context, bdb *bun.DB, w *scale.World) (int, error) {
	r := &scaleRun{w: w, meetings: s.Meetings, items: s.Items, years: map[int]*strings.Replacer{}}
	if r.meetings <= 0 {
		r.meetings = 60
	}
	if r.items <= 0 {
		r.items = 10
	}
	r.items = min(r.items, MaxItems)
	rows := 0
	for i := 0; i < len(w.Municipalities); i += scaleChunk {
		part := w.Municipalities[i:min(i+scaleChunk, len(w.Municipalities))]
		names, err := scaleUserNames(ctx, bdb, w, part)
		if err != nil {
			return rows, err
		}
		r.names = names
		var cs []*scaleCouncil
		for _, o := range part {
			sc, err := r.council(o)
			if err != nil {
				return rows, fmt.Errorf("%s: %w", o.Slug, err)
			}
			cs = append(cs, sc)
		}
		n, err := writeScale(ctx, bdb, w.Now, cs)
		rows += n
		if err != nil {
			return rows, err
		}
	}
	return rows, nil
}

// scaleUserNames answers the names of the users of the municipalities in
// part: a member linked to a user is called what the user is.
func scaleUserNames(ctx context.Context, bdb *bun.DB, w *scale.World, part []*org.Organisation) (map[int64]string, error) {
	var ids []int64
	for _, o := range part {
		for _, m := range w.Members[o.ID] {
			ids = append(ids, m.UserID)
		}
	}
	names := map[int64]string{}
	if len(ids) == 0 {
		return names, nil
	}
	var us []*account.User
	err := db.Run(ctx, bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Model(&us).Column("id", "name").Where("id IN (?)", bun.In(ids)).Scan(ctx)
	})
	for _, u := range us {
		names[u.ID] = u.Name
	}
	return names, err
}

// scaleRun makes the councils of one run; every draw from the world's
// random source happens while planning (council), in the same order for
// the same seed, and writing only wires the ids the database gave.
type scaleRun struct {
	w               *scale.World
	meetings, items int
	names           map[int64]string
	years           map[int]*strings.Replacer // a year's placeholders of topics
}

// scaleCouncil is a council as planned: its rows, and what writing needs
// to wire them.
type scaleCouncil struct {
	o         *org.Organisation
	loc       *time.Location
	c         *Council
	members   []*Member           // memberships, in the order added
	subFor    map[*Member]*Member // a substitute's member, wired when both have ids
	secretary *app.Actor          // who writes, circulates and publishes the minutes
	actors    map[int64]*app.Actor
	meetings  []*scaleMeeting // oldest first
}

// Stages a planned meeting gets to.
const (
	stagePlanned = iota
	stageAgenda
	stageCancelled
	stageHeld
	stageApproved
	stagePublished
)

// scaleMeeting is a meeting as planned.
type scaleMeeting struct {
	m         *Meeting
	stage     int
	day       time.Time // the meeting's day, as memberships are stored
	items     []*Item
	followUps [][]*scaleFollowUp // by item
	att       []scaleAttendance
	attRows   []*Attendance // written
	adjusters []*Member     // Swedish justering
	comment   string        // a member's comment on the circulated minutes
	firstCase int           // the number of its first item in the year's run of cases
	heldAt    time.Time     // when the secretary recorded the meeting
	circAt    time.Time     // when the minutes were sent round
	approveAt *scaleMeeting // the later meeting that approved the minutes (next meeting)
	minutes   *Minutes
	events    []scaleEvent
}

type scaleAttendance struct {
	member     *Member
	status     string
	substitute *Member
}

// scaleFollowUp is a follow-up action of a decision with the status
// updates it gets later.
type scaleFollowUp struct {
	m     measure.Measure
	steps []scaleStep
	row   *measure.MeasureRow // as added, once written
}

type scaleStep struct {
	at       time.Time
	status   string
	progress int
	note     string
	by       *app.Actor
}

// at answers the follow-up action's row as it stood at t.
func (f *scaleFollowUp) at(t time.Time) *measure.MeasureRow {
	r := *f.row
	for _, s := range f.steps {
		if s.at.After(t) {
			break
		}
		r.Status, r.Progress, r.UpdatedAt, r.UpdatedBy = s.status, s.progress, s.at, s.by.AuthorID()
	}
	return &r
}

func (r *scaleRun) pick(list []string) string { return list[r.w.Rand.IntN(len(list))] }

// chance answers true percent times in a hundred.
func (r *scaleRun) chance(percent int) bool { return r.w.Rand.IntN(100) < percent }

// council plans municipality o's council with its members and meetings.
func (r *scaleRun) council(o *org.Organisation) (*scaleCouncil, error) {
	rnd := r.w.Rand
	now := r.w.Now
	loc := o.Location()
	sc := &scaleCouncil{o: o, loc: loc, subFor: map[*Member]*Member{}, actors: map[int64]*app.Actor{}}

	upcoming := min(max(1, (r.meetings+10)/20), r.meetings-1)
	weekday := time.Weekday(1 + rnd.IntN(4))
	week := 1 + rnd.IntN(2)
	at := [][2]int{{16, 0}, {16, 30}, {17, 0}, {18, 0}}[rnd.IntN(4)]
	dates := scaleDates(now, loc, r.meetings, upcoming, weekday, week, at[0], at[1])
	past := r.meetings - upcoming

	// The council, entered some weeks before its first meeting.
	created := dates[0].AddDate(0, 0, -75).Truncate(time.Hour).UTC()
	term := map[string][2]int{"NO": {2023, 2027}, "SE": {2023, 2026}, "DK": {2026, 2029}}[o.Country]
	if term[0] == 0 {
		term = [2]int{2023, 2027}
	}
	signOff := SignOffFor(o.Country)
	in := CouncilInput{Kind: KindIntegrationCouncil, Name: "Integreringsrådet", TermFrom: &term[0], TermTo: &term[1], MinMeetings: 6,
		Statutes: scaleStatutes(signOff), Place: r.pick(scalePlaces), SignOff: signOff, Visibility: VisibilityPrivate}
	if r.chance(60) {
		in.Visibility = VisibilityPublic
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	sc.c = &Council{OrgID: o.ID, SignOff: signOff, CreatedAt: created, UpdatedAt: created}
	in.apply(sc.c)

	// Who is linked to a user: the secretary, the chair, the vice chair
	// and NAV's leader, as the municipality's users allow.
	users := r.w.Members[o.ID]
	used := map[int64]bool{}
	pickUser := func(roles ...string) *int64 {
		for _, role := range roles {
			for _, u := range users {
				if u.Role == role && !used[u.UserID] {
					used[u.UserID] = true
					id := u.UserID
					sc.actors[id] = &app.Actor{UserID: id, Name: r.names[id], OrgID: o.ID, OrgSlug: o.Slug, OrgKind: o.Kind, Role: u.Role}
					return &id
				}
			}
		}
		return nil
	}
	secUser := pickUser("secretary", "editor", "admin", "owner")
	chairUser, viceUser := pickUser("viewer", "contributor"), pickUser("viewer", "contributor")
	navUser := pickUser("contributor", "viewer")
	if secUser != nil {
		sc.secretary = sc.actors[*secUser]
	}

	from := day(created, loc)
	add := func(role, represents, text string, user *int64) (*Member, error) {
		in := MemberInput{Name: scaleName(r), Role: role, Represents: represents, RepresentsText: text, UserID: user}
		if user != nil && r.names[*user] != "" {
			in.Name = r.names[*user]
		}
		f := from
		in.FromDate = &f
		if err := in.Validate(); err != nil {
			return nil, err
		}
		m := &Member{OrgID: o.ID, Position: len(sc.members), CreatedAt: created, UpdatedAt: created}
		in.apply(m)
		sc.members = append(sc.members, m)
		return m, nil
	}
	nations := rnd.Perm(len(scaleNations))
	party := rnd.Perm(len(scaleParties))
	var plan []*Member
	for _, p := range []struct {
		role, represents, text string
		user                   *int64
	}{
		{RoleChair, RepresentsResidents, "Nasjonalitet: " + scaleNations[nations[0]], chairUser},
		{RoleViceChair, RepresentsResidents, "Nasjonalitet: " + scaleNations[nations[1]], viceUser},
		{RoleMember, RepresentsPolitics, "Kommunestyret (" + scaleParties[party[0]] + ")", nil},
		{RoleMember, RepresentsAdministration, "Leder NAV", navUser},
		{RoleMember, RepresentsAdministration, "Rektor ved voksenopplæringen", nil},
		{RoleMember, RepresentsResidents, "Nasjonalitet: " + scaleNations[nations[2]], nil},
		{RoleSubstitute, RepresentsPolitics, "Kommunestyret (" + scaleParties[party[1]] + ")", nil},
		{RoleSubstitute, RepresentsResidents, "Nasjonalitet: " + scaleNations[nations[3]], nil},
		{RoleSecretary, RepresentsAdministration, "Sekretær for rådet, flyktningtjenesten", secUser},
	} {
		m, err := add(p.role, p.represents, p.text, p.user)
		if err != nil {
			return nil, err
		}
		plan = append(plan, m)
	}
	politician, leaver, polSub, sub := plan[2], plan[5], plan[6], plan[7]
	sc.subFor[polSub] = politician
	// Halfway, a member leaves and the substitute enters the council
	// (EndMember and ChangeRole, recorded two days before the meeting).
	if past >= 2 {
		change := day(dates[past/2], loc)
		last := change.AddDate(0, 0, -1)
		recorded := change.AddDate(0, 0, -2).Add(10 * time.Hour)
		leaver.ToDate, leaver.UpdatedAt = &last, recorded
		l2 := last
		sub.ToDate, sub.UpdatedAt = &l2, recorded
		entered := &Member{OrgID: o.ID, Name: sub.Name, Role: RoleMember, Represents: sub.Represents, RepresentsText: sub.RepresentsText,
			UserID: sub.UserID, FromDate: &change, Position: sub.Position, CreatedAt: recorded, UpdatedAt: recorded}
		sc.members = append(sc.members, entered)
	}

	// The meetings, oldest first.
	cases := map[int]int{} // the year's run of case numbers
	var prev *scaleMeeting // the last meeting not cancelled
	for k, starts := range dates {
		sm := &scaleMeeting{day: day(starts, loc)}
		switch {
		case k == past-1:
			sm.stage = stageHeld
		case k == past-2:
			sm.stage = stageApproved
		case k < past && r.chance(3):
			sm.stage = stageCancelled
		case k < past:
			sm.stage = stagePublished
		case k == past:
			sm.stage = stageAgenda
		default:
			sm.stage = stagePlanned
		}
		if err := r.meeting(sc, sm, starts, prev, cases); err != nil {
			return nil, err
		}
		if sm.stage != stageCancelled {
			if prev != nil && signOff == SignOffNextMeeting && prev.stage >= stageApproved {
				prev.approveAt = sm
			}
			prev = sm
		}
		sc.meetings = append(sc.meetings, sm)
	}
	return sc, nil
}

// scaleDates answers the start of n meetings of a council that meets on
// the week-th weekday of the month (from 0) at hour:minute, monthly except
// in July: upcoming of them after now, the rest before it.
func scaleDates(now time.Time, loc *time.Location, n, upcoming int, weekday time.Weekday, week, hour, minute int) []time.Time {
	at := func(month time.Time) time.Time {
		first := time.Date(month.Year(), month.Month(), 1, hour, minute, 0, 0, loc)
		d := 1 + (int(weekday)-int(first.Weekday())+7)%7 + 7*week
		return time.Date(month.Year(), month.Month(), d, hour, minute, 0, 0, loc)
	}
	y, m, _ := now.In(loc).Date()
	next := time.Date(y, m, 1, 0, 0, 0, 0, loc)
	if !at(next).After(now) {
		next = next.AddDate(0, 1, 0)
	}
	var out []time.Time
	for month := next.AddDate(0, -1, 0); len(out) < n-upcoming; month = month.AddDate(0, -1, 0) {
		if month.Month() != time.July {
			out = append(out, at(month))
		}
	}
	slices.Reverse(out)
	for month := next; len(out) < n; month = month.AddDate(0, 1, 0) {
		if month.Month() != time.July {
			out = append(out, at(month))
		}
	}
	return out
}

// meeting plans meeting sm starting at starts: its agenda, and when held
// its attendance, decisions, follow-up actions and minutes' course.
func (r *scaleRun) meeting(sc *scaleCouncil, sm *scaleMeeting, starts time.Time, prev *scaleMeeting, cases map[int]int) error {
	now := r.w.Now
	o, loc := sc.o, sc.loc
	// Planned six weeks ahead, the agenda entered ten days and published
	// a week before; nothing after now.
	entered := starts.AddDate(0, 0, -10)
	if limit := now.Add(-48 * time.Hour); entered.After(limit) {
		entered = limit
	}
	created := starts.AddDate(0, 0, -45)
	if limit := entered.Add(-24 * time.Hour); created.After(limit) {
		created = limit
	}
	published := starts.AddDate(0, 0, -7)
	if limit := now.Add(-time.Hour); published.After(limit) {
		published = limit
	}
	ends := starts.Add(2 * time.Hour).UTC()
	m := &Meeting{OrgID: o.ID, StartsAt: starts.UTC(), EndsAt: &ends, Place: sc.c.Place, Status: MeetingPlanned,
		Adjusters: "[]", Rev: 1, CreatedAt: created.UTC(), UpdatedAt: created.UTC()}
	sm.m = m
	if r.chance(8) {
		m.Place = r.pick(scalePlaces)
	}

	// The agenda.
	year := starts.In(loc).Year()
	if sm.stage != stageCancelled {
		sm.firstCase = cases[year] + 1
		cases[year] += r.items
	}
	held := sm.stage >= stageHeld
	sm.heldAt = starts.Add(3 * time.Hour).UTC()
	topics := r.w.Rand.Perm(len(scaleTopics))
	for i := range r.items {
		var in ItemInput
		if i == 0 && sc.c.SignOff == SignOffNextMeeting {
			in = scaleApprovalItem(prev, loc, held)
		} else {
			t := scaleTopics[topics[i%len(topics)]]
			if r.chance(4) {
				t = scaleClosedTopics[r.w.Rand.IntN(len(scaleClosedTopics))]
			}
			in = r.item(sc, t, starts, year, held)
		}
		if err := in.Validate(); err != nil {
			return fmt.Errorf("item %q: %w", in.Title, err)
		}
		it := &Item{OrgID: o.ID, Position: i, CreatedAt: entered.UTC(), UpdatedAt: entered.UTC()}
		in.apply(it)
		if it.Decided() {
			it.UpdatedAt = sm.heldAt
		}
		sm.items = append(sm.items, it)
	}
	m.Rev += len(sm.items)
	m.UpdatedAt = entered.UTC()
	if sm.stage == stagePlanned {
		return nil
	}
	agenda := published.UTC()
	m.Status, m.AgendaPublishedAt = MeetingAgendaPublished, &agenda
	m.Rev++
	m.UpdatedAt = published.UTC()
	switch sm.stage {
	case stageAgenda:
		return nil
	case stageCancelled:
		m.Status = MeetingCancelled
		m.Rev++
		m.UpdatedAt = starts.AddDate(0, 0, -2).UTC()
		return nil
	}

	// Held: the minutes' draft, the decisions, who came (and, in Sweden,
	// who adjusts the minutes), all entered the evening of the meeting.
	m.Status = MeetingHeld
	m.Rev++ // MarkHeld
	for _, it := range sm.items {
		if it.Decided() {
			m.Rev++ // UpdateItem
		}
	}
	m.Rev++ // SetAttendance
	m.UpdatedAt = sm.heldAt
	r.attendance(sc, sm)
	if sc.c.SignOff == SignOffAdjusters {
		for _, a := range sm.att {
			if a.status == Present && a.member.UserID != nil && len(sm.adjusters) < 2 {
				sm.adjusters = append(sm.adjusters, a.member)
			}
		}
		if len(sm.adjusters) > 0 {
			m.Rev++ // SetAdjusters
		}
	}
	sm.followUps = make([][]*scaleFollowUp, len(sm.items))
	for i, it := range sm.items {
		if it.Decided() && it.DecisionType != DecisionPostponed && r.chance(22) {
			for range 1 + r.w.Rand.IntN(2) {
				sm.followUps[i] = append(sm.followUps[i], r.followUp(sc, sm))
			}
		}
	}
	sm.circAt = sm.heldAt.Add(42 * time.Hour)
	if r.chance(10) {
		sm.comment = r.pick(scaleComments)
	}
	return nil
}

// scaleApprovalItem is a Norwegian meeting's first item: the approval of
// the notice, the agenda and the last meeting's minutes.
func scaleApprovalItem(prev *scaleMeeting, loc *time.Location, held bool) ItemInput {
	in := ItemInput{Title: "Godkjenning av innkalling og saksliste",
		Recommendation: "Innkalling og saksliste godkjennes."}
	decision := "Innkalling og saksliste ble godkjent."
	if prev != nil {
		d := prev.m.StartsAt.In(loc).Format("02.01.2006")
		in.Title = "Godkjenning av innkalling, saksliste og protokoll fra møtet " + d
		in.Recommendation = "Innkalling, saksliste og protokoll fra møtet " + d + " godkjennes."
		decision += " Protokollen fra møtet " + d + " ble godkjent uten merknader."
	}
	if held {
		in.Decision, in.DecisionType = decision, DecisionApproved
	}
	return in
}

// item writes an agenda item on topic t for a meeting starting at starts,
// with a decision when the meeting is held.
func (r *scaleRun) item(sc *scaleCouncil, t scaleTopic, starts time.Time, year int, held bool) ItemInput {
	rnd := r.w.Rand
	years := r.years[year]
	if years == nil {
		years = strings.NewReplacer("{år}", fmt.Sprint(year), "{neste}", fmt.Sprint(year+1), "{fjor}", fmt.Sprint(year-1),
			"{fire}", fmt.Sprint(year+4))
		r.years[year] = years
	}
	in := ItemInput{Title: years.Replace(t.title), Topic: years.Replace(t.topic), Closed: t.closed,
		CaseNumber: fmt.Sprintf("%02d/%d", year%100, 100+rnd.IntN(4900))}
	// The background: two sentences to a few paragraphs, now and then
	// with a list, as a case officer writes it.
	var b strings.Builder
	n := 2 + rnd.IntN(4)
	if r.chance(40) {
		n += rnd.IntN(10)
	}
	for i := range n {
		switch {
		case i == 0:
		case i%4 == 0:
			b.WriteString("\n\n")
		default:
			b.WriteString(" ")
		}
		b.WriteString(r.pick(scaleSentences))
	}
	if r.chance(15) {
		b.WriteString("\n\nFlyktningtjenesten har disse oppgavene:\n")
		for _, k := range rnd.Perm(len(scaleTasks))[:3+rnd.IntN(3)] {
			b.WriteString("\n- " + scaleTasks[k])
		}
	}
	if t.closed {
		in.Background = "Saken gjelder en enkeltperson, og saksframlegget er unntatt offentlighet. " + b.String()
		in.LegalBasis = "Offentleglova § 13, jf. forvaltningsloven § 13 første ledd nr. 1."
	} else {
		in.Background = b.String()
	}
	in.Recommendation = scaleRecommendation[t.kind]
	if r.chance(45) {
		if in.LegalBasis == "" {
			in.LegalBasis = r.pick(scaleLegal)
		}
		in.Economic = r.pick(scaleEconomic)
		in.OtherConsequences = "Ingen merknader."
	}
	// The route through other bodies: always for a hearing, now and then
	// for the rest.
	if t.kind == DecisionHearing || r.chance(15) {
		body := t.body
		if body == "" {
			body = r.pick(scaleBodies)
		}
		before := scaleDay(starts.AddDate(0, 0, -14-rnd.IntN(14)))
		after := scaleDay(starts.AddDate(0, 0, 21+rnd.IntN(14)))
		role := HearingOrientation
		if t.kind == DecisionHearing {
			role = HearingHearing
		}
		in.Hearing = []Hearing{{Body: body, Date: before}, {Body: sc.c.Name, Date: scaleDay(starts), Role: role},
			{Body: "Kommunestyret", Date: after, Role: HearingDecision}}
		in.Earlier = []Earlier{{Body: body, Date: before, Item: fmt.Sprintf("sak %d/%d", 10+rnd.IntN(90), year),
			Text: r.pick(scaleEarlierTexts)}}
	}
	if !held {
		return in
	}
	// The decision: most items get the one their kind asks for.
	x := rnd.IntN(100)
	switch {
	case x < 8:
		return in // discussed, nothing decided
	case x < 13:
		in.DecisionType, in.Decision = DecisionPostponed, r.pick(scalePostponed)
	case x < 16 && t.kind == DecisionApproved:
		in.DecisionType, in.Decision = DecisionRejected, r.pick(scaleRejected)
	case t.kind == DecisionHearing:
		var d strings.Builder
		d.WriteString(sc.c.Name + " avgir denne høringsuttalelsen:\n")
		for _, k := range rnd.Perm(len(scaleHearingTexts))[:2+rnd.IntN(3)] {
			d.WriteString("\n" + scaleHearingTexts[k])
		}
		in.DecisionType, in.Decision = DecisionHearing, d.String()
	default:
		in.DecisionType, in.Decision = t.kind, r.pick(scaleDecisions[t.kind])
	}
	return in
}

// attendance plans who came to a held meeting: most expected members,
// some absent with notice and a few without; a substitute comes for an
// absent member now and then.
func (r *scaleRun) attendance(sc *scaleCouncil, sm *scaleMeeting) {
	active := CurrentOn(sc.members, sm.day)
	came := map[*Member]bool{}
	for _, mb := range active {
		if !mb.Expected() {
			continue
		}
		a := scaleAttendance{member: mb, status: Present}
		switch x := r.w.Rand.IntN(100); {
		case x >= 97:
			a.status = Absent
		case x >= 84:
			a.status = AbsentNotice
			// The member's own substitute, or the residents' substitute.
			for _, s := range active {
				if s.Role != RoleSubstitute || came[s] {
					continue
				}
				if mine := sc.subFor[s]; mine == mb || (mine == nil && mb.Represents == RepresentsResidents) {
					if r.chance(60) {
						a.substitute, came[s] = s, true
					}
					break
				}
			}
		}
		sm.att = append(sm.att, a)
	}
}

// followUp plans a follow-up action of a decision at meeting sm, with the
// status updates it got until now: most were started and finished around
// their deadline, some were cancelled or postponed, and some are still
// open (the next agendas list them).
func (r *scaleRun) followUp(sc *scaleCouncil, sm *scaleMeeting) *scaleFollowUp {
	rnd := r.w.Rand
	deadline := scaleDay(sm.heldAt.AddDate(0, 0, 21+rnd.IntN(160)))
	f := &scaleFollowUp{m: measure.Measure{ID: scaleMeasureID(r), Description: r.pick(scaleFollowUpTexts),
		Responsible: r.pick(scaleResponsible), Deadline: deadline, Status: measure.StatusNotStarted}}
	by := sc.secretary
	if r.chance(50) {
		var candidates []int64
		for _, u := range r.w.Members[sc.o.ID] {
			if u.Role == "contributor" || u.Role == "editor" {
				candidates = append(candidates, u.UserID)
			}
		}
		if len(candidates) > 0 {
			id := candidates[rnd.IntN(len(candidates))]
			f.m.ResponsibleUser = &id
			if sc.actors[id] == nil {
				sc.actors[id] = &app.Actor{UserID: id, Name: r.names[id], OrgID: sc.o.ID, OrgSlug: sc.o.Slug, OrgKind: sc.o.Kind}
			}
			by = sc.actors[id]
		}
	}
	started := sm.heldAt.AddDate(0, 0, 7+rnd.IntN(35))
	progress := 20 + 10*rnd.IntN(5)
	finished := deadline.AddDate(0, 0, -20+rnd.IntN(40)).Add(9 * time.Hour)
	if !finished.After(started) {
		finished = started.AddDate(0, 0, 3)
	}
	end, note := measure.StatusDone, r.pick(scaleDoneNotes)
	switch x := rnd.IntN(100); {
	case x >= 92:
		end = "" // still open
	case x >= 87:
		end, note = measure.StatusPostponed, "Utsatt til neste år etter avtale med rådet."
	case x >= 82:
		end, note = measure.StatusCancelled, "Avsluttet: tiltaket er tatt inn i handlingsplanen for integrering."
	}
	now := r.w.Now
	if started.Before(now) {
		f.steps = append(f.steps, scaleStep{at: started, status: measure.StatusOngoing, progress: progress, note: r.pick(scaleStartNotes), by: by})
		if end != "" && finished.Before(now) {
			p := progress
			if end == measure.StatusDone {
				p = 100
			}
			f.steps = append(f.steps, scaleStep{at: finished, status: end, progress: p, note: note, by: by})
		}
	}
	return f
}

// scaleMeasureID is a measure id as measure.NewID makes them, from the
// data set's seeded source.
func scaleMeasureID(r *scaleRun) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	b := make([]byte, 16)
	for i := range b {
		b[i] = alphabet[r.w.Rand.IntN(len(alphabet))]
	}
	return string(b)
}

func scaleName(r *scaleRun) string { return r.pick(scaleFirstNames) + " " + r.pick(scaleLastNames) }

// scaleDay answers t's day as deadlines and route days are stored
// (midnight UTC).
func scaleDay(t time.Time) *time.Time {
	y, m, d := t.Date()
	u := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return &u
}

// writeScale writes the planned councils, table by table, wiring the ids
// each insert gives to the rows that refer to them, and answers how many
// rows it wrote.
func writeScale(ctx context.Context, bdb *bun.DB, now time.Time, cs []*scaleCouncil) (int, error) {
	rows := 0
	insert := func(n int, err error) error {
		rows += n
		return err
	}
	var councils []*Council
	for _, sc := range cs {
		councils = append(councils, sc.c)
	}
	if err := insert(scale.Insert(ctx, bdb, councils)); err != nil {
		return rows, err
	}

	// Members: substitutes for a member after the members they stand for.
	var members, substitutes []*Member
	for _, sc := range cs {
		for _, m := range sc.members {
			m.CouncilID = sc.c.ID
			if sc.subFor[m] != nil {
				substitutes = append(substitutes, m)
			} else {
				members = append(members, m)
			}
		}
	}
	if err := insert(scale.Insert(ctx, bdb, members)); err != nil {
		return rows, err
	}
	for _, sc := range cs {
		for s, m := range sc.subFor {
			s.SubstituteFor = &m.ID
		}
	}
	if err := insert(scale.Insert(ctx, bdb, substitutes)); err != nil {
		return rows, err
	}

	// The attendance and the minutes' course, which the roll and the
	// adjusters (member ids) decide, and which move the meeting on.
	var meetings []*Meeting
	for _, sc := range cs {
		for k, sm := range sc.meetings {
			sm.m.CouncilID = sc.c.ID
			if len(sm.adjusters) > 0 {
				ids := make([]int64, len(sm.adjusters))
				for i, a := range sm.adjusters {
					ids[i] = a.ID
				}
				slices.Sort(ids)
				sm.m.Adjusters = encodeList(ids)
			}
			for _, a := range sm.att {
				row := &Attendance{OrgID: sc.o.ID, MemberID: a.member.ID, Status: a.status}
				if a.substitute != nil {
					row.SubstituteID = &a.substitute.ID
				}
				sm.attRows = append(sm.attRows, row)
			}
			if sm.stage >= stageHeld {
				sc.course(k, now)
			}
			meetings = append(meetings, sm.m)
		}
	}
	if err := insert(scale.Insert(ctx, bdb, meetings)); err != nil {
		return rows, err
	}

	var items []*Item
	var att []*Attendance
	for _, sc := range cs {
		for _, sm := range sc.meetings {
			for _, it := range sm.items {
				it.CouncilID, it.MeetingID = sc.c.ID, sm.m.ID
				items = append(items, it)
			}
			for _, a := range sm.attRows {
				a.MeetingID = sm.m.ID
				att = append(att, a)
			}
		}
	}
	if err := insert(scale.Insert(ctx, bdb, items)); err != nil {
		return rows, err
	}
	if err := insert(scale.Insert(ctx, bdb, att)); err != nil {
		return rows, err
	}

	// Follow-up actions as AddFollowUp saves them, then as their status
	// updates left them, with their timelines.
	var measures []*measure.MeasureRow
	var steps []*measure.Update
	for _, sc := range cs {
		for _, sm := range sc.meetings {
			for i, fs := range sm.followUps {
				if len(fs) == 0 {
					continue
				}
				list := make([]measure.Measure, len(fs))
				for k, f := range fs {
					list[k] = f.m
				}
				_, rs := measure.Rows(sc.o.ID, itemSource(sc.o, sc.c, sm.m, sm.items[i]), nil, list, sm.heldAt)
				for k, f := range fs {
					f.row = rs[k]
					f.row.UpdatedBy = sc.secretary.AuthorID()
					measures = append(measures, f.at(now))
					steps = append(steps, &measure.Update{OrgID: sc.o.ID, MeasureID: f.m.ID, CreatedAt: sm.heldAt,
						AuthorID: sc.secretary.AuthorID(), AuthorName: sc.secretary.AuthorName(), StatusTo: f.row.Status})
					status := f.row.Status
					for _, s := range f.steps {
						steps = append(steps, &measure.Update{OrgID: sc.o.ID, MeasureID: f.m.ID, CreatedAt: s.at, AuthorID: s.by.AuthorID(),
							AuthorName: s.by.AuthorName(), StatusFrom: status, StatusTo: s.status, Progress: s.progress, Note: s.note})
						status = s.status
					}
				}
			}
		}
	}
	if err := insert(scale.Insert(ctx, bdb, measures)); err != nil {
		return rows, err
	}
	if err := insert(scale.Insert(ctx, bdb, steps)); err != nil {
		return rows, err
	}

	// The minutes, approved ones with the document they froze, and their
	// steps.
	var minutes []*Minutes
	for _, sc := range cs {
		for k, sm := range sc.meetings {
			if sm.minutes != nil {
				sc.freeze(k)
				minutes = append(minutes, sm.minutes)
			}
		}
	}
	if err := insert(scale.Insert(ctx, bdb, minutes)); err != nil {
		return rows, err
	}
	var events []*Event
	for _, sc := range cs {
		for k, sm := range sc.meetings {
			if sm.minutes != nil {
				events = append(events, sc.events(k)...)
			}
		}
	}
	err := insert(scale.Insert(ctx, bdb, events))
	return rows, err
}

// scaleEvent is a step of the minutes, made into an Event once the
// minutes have an id.
type scaleEvent struct {
	kind   string
	member *Member
	a      *app.Actor
	text   string
	at     time.Time
}

// course plans the minutes of held meeting k as they stand at now: the
// draft started when it was held, sent round two days later, signed or
// approved as the council signs off, approved (then frozen) and published
// after; and moves the meeting's status, revision and update time on as
// approving and publishing do. It needs the members' ids (the roll and
// the adjusters name them).
func (sc *scaleCouncil) course(k int, now time.Time) {
	sm := sc.meetings[k]
	sec := sc.secretary
	sm.minutes = &Minutes{OrgID: sc.o.ID, Version: 1, State: MinutesDraft, CreatedAt: sm.heldAt, CreatedBy: sec.AuthorID()}
	sm.events = []scaleEvent{{kind: EventDrafted, a: sec, at: sm.heldAt}}
	last := sm.stage == stageHeld
	if last && (sc.c.SignOff == SignOffNextMeeting || !sm.circAt.Before(now)) {
		return // the secretary is still writing
	}
	sm.minutes.State = MinutesCirculated
	sm.events = append(sm.events, scaleEvent{kind: EventCirculated, a: sec, at: sm.circAt})
	roll := RollOf(sc.members, sm.attRows, sm.day)
	if sm.comment != "" {
		for _, mb := range roll.Present {
			if mb.UserID != nil {
				sm.events = append(sm.events, scaleEvent{kind: EventComment, member: mb, a: sc.actors[*mb.UserID], text: sm.comment,
					at: sm.circAt.Add(5 * time.Hour)})
				break
			}
		}
	}
	// Sign-off: the signers sign in turn, the last signature approving
	// the minutes; with nobody to sign, or approval at the next meeting,
	// the secretary approves them.
	by, ref, approver := sec.AuthorName(), "", sec
	at := sm.circAt.Add(72 * time.Hour)
	var names []string
	signers := Signers(sc.c, sm.m, roll)
	for i, s := range signers {
		t := sm.circAt.Add(time.Duration(20+5*i) * time.Hour)
		if last && (i == len(signers)-1 || !t.Before(now)) {
			break // a signature is missing still
		}
		a := sc.actors[*s.UserID]
		sm.events = append(sm.events, scaleEvent{kind: EventSigned, member: s, a: a, at: t})
		names = append(names, s.Name)
		at, approver = t, a
	}
	if last {
		return
	}
	if len(names) > 0 {
		by = strings.Join(names, ", ")
	}
	if sc.c.SignOff == SignOffNextMeeting {
		next := sm.approveAt
		by, approver = sc.c.Name, sec
		at = next.heldAt.Add(15 * time.Minute)
		y := next.m.StartsAt.In(sc.loc)
		ref = y.Format(time.DateOnly) + ", " + fmt.Sprintf("sak %d/%d", next.firstCase, y.Year())
	}
	mn := sm.minutes
	mn.State, mn.ApprovedAt, mn.ApprovedBy, mn.ApprovedRef = MinutesApproved, &at, by, ref
	sm.events = append(sm.events, scaleEvent{kind: EventApproved, a: approver, text: by, at: at})
	sm.m.Status, sm.m.Rev, sm.m.UpdatedAt = MeetingMinutesApproved, sm.m.Rev+1, at
	if sm.stage == stagePublished {
		pub := at.Add(26 * time.Hour)
		mn.State, mn.PublishedAt = MinutesPublished, &pub
		sm.events = append(sm.events, scaleEvent{kind: EventPublished, a: sec, at: pub})
		sm.m.Status, sm.m.Rev, sm.m.UpdatedAt = MeetingPublished, sm.m.Rev+1, pub
	}
}

// freeze gives approved minutes of meeting k the document they froze,
// once the meeting, its items and follow-up actions have their ids.
func (sc *scaleCouncil) freeze(k int) {
	sm := sc.meetings[k]
	mn := sm.minutes
	mn.MeetingID = sm.m.ID
	if mn.ApprovedAt == nil {
		return
	}
	d := sc.doc(k, *mn.ApprovedAt)
	d.Version, d.ApprovedAt, d.ApprovedBy, d.ApprovedRef = mn.Version, mn.ApprovedAt, mn.ApprovedBy, mn.ApprovedRef
	snap := encode(d)
	mn.Snapshot = &snap
}

// events answers the minutes' steps of meeting k as rows.
func (sc *scaleCouncil) events(k int) []*Event {
	sm := sc.meetings[k]
	out := make([]*Event, len(sm.events))
	for i, e := range sm.events {
		ev := &Event{OrgID: sc.o.ID, MinutesID: sm.minutes.ID, Kind: e.kind, UserID: e.a.AuthorID(), AuthorName: e.a.AuthorName(), Text: e.text, At: e.at}
		if e.member != nil {
			ev.MemberID, ev.AuthorName = &e.member.ID, e.member.Name
		}
		out[i] = ev
	}
	return out
}

// doc answers meeting k's minutes as they stood at t, as docOf reads them
// from its rows.
func (sc *scaleCouncil) doc(k int, t time.Time) *Doc {
	sm := sc.meetings[k]
	c, m := sc.c, sm.m
	d := docHead(c, m, RollOf(sc.members, sm.attRows, sm.day))
	for i, it := range sm.items {
		row := *it
		row.SearchText = ""
		di := DocItem{Item: row, Number: it.Number(), Hearing: it.Route(), Earlier: it.EarlierDecisions(), Links: it.Links()}
		if i < len(sm.followUps) {
			for _, f := range sm.followUps[i] {
				di.FollowUps = append(di.FollowUps, f.at(t).Measure())
			}
		}
		d.Items = append(d.Items, di)
	}
	d.Earlier = sc.earlier(k, t)
	return d
}

// earlier answers the status of earlier decisions on meeting k's minutes
// approved at t, as earlierActions reads it: the follow-up actions of the
// meetings before k still open then, or closed since the meeting before k.
func (sc *scaleCouncil) earlier(k int, t time.Time) []DocEarlier {
	type action struct {
		sm  *scaleMeeting
		it  *Item
		row *measure.MeasureRow
	}
	var since time.Time
	for j := k - 1; j >= 0; j-- {
		if sc.meetings[j].stage != stageCancelled {
			since = sc.meetings[j].m.StartsAt
			break
		}
	}
	if since.IsZero() {
		return nil
	}
	var out []action
	for _, b := range sc.meetings[:k] {
		if b.stage == stageCancelled {
			continue
		}
		for i, fs := range b.followUps {
			for _, f := range fs {
				r := f.at(t)
				if measure.Closed(r.Status) && r.UpdatedAt.Before(since) {
					continue
				}
				out = append(out, action{b, b.items[i], r})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b action) int {
		return cmp.Or(a.sm.m.StartsAt.Compare(b.sm.m.StartsAt), cmp.Compare(a.it.Position, b.it.Position),
			cmp.Compare(a.row.Position, b.row.Position))
	})
	var list []DocEarlier
	for _, e := range out {
		list = append(list, DocEarlier{MeetingStart: e.sm.m.StartsAt, ItemNumber: e.it.Number(), ItemTitle: e.it.Title,
			Description: e.row.Description, Responsible: e.row.Responsible, Due: e.row.Due, DueText: e.row.DeadlineText,
			Status: e.row.Status, Closed: e.it.Closed})
	}
	return list
}

// The texts of the scale data set, in the register of a Norwegian
// integration council's minutes (after Thisted's of 27 June 2018, seed
// 003, in bokmål).

var scalePlaces = []string{"Kommunestyresalen", "Møterom 2, rådhuset", "Frivilligsentralen", "Biblioteket, møterommet",
	"Voksenopplæringen, kantina", "Formannskapssalen"}

var scaleNations = []string{"Eritrea", "Syria", "Somalia", "Afghanistan", "Ukraina", "Polen", "Etiopia", "Irak", "Myanmar",
	"Sudan", "Kongo", "Litauen"}

var scaleParties = []string{"Ap", "H", "Sp", "SV", "KrF", "FrP", "V", "MDG", "R"}

var (
	scaleFirstNames = []string{"Amina", "Tesfay", "Nataliia", "Mustafa", "Samira", "Dawit", "Farhiya", "Kjersti", "Håkon",
		"Sigrid", "Ahmed", "Leyla", "Yohannes", "Ingvild", "Bjørnar", "Solveig", "Zainab", "Oksana", "Tor Åge", "Mona"}
	scaleLastNames = []string{"Gebremedhin", "Hassan", "Kovalenko", "Al-Khatib", "Haugen", "Nordmo", "Sæterdal", "Abdi",
		"Mehari", "Løvås", "Bråthen", "Yilmaz", "Østby", "Nguyen", "Rahimi", "Kristiansen"}
)

// scaleStatutes are the council's statutes, their fourth section as it
// signs off its minutes.
func scaleStatutes(signOff string) string {
	minutes := map[string]string{
		SignOffNextMeeting:    "Protokollen godkjennes på neste møte.",
		SignOffMembersPresent: "Protokollen underskrives av medlemmene som var til stede.",
		SignOffAdjusters:      "Protokollen justeres av to medlemmer som velges på møtet.",
	}[signOff]
	return "§ 1 Formål\nIntegreringsrådet er et rådgivende organ for kommunestyret i saker som særlig gjelder innvandrere og flyktninger.\n\n" +
		"§ 2 Sammensetning\nRådet har seks medlemmer med varamedlemmer: tre representanter for innbyggere med innvandrerbakgrunn, " +
		"én politiker oppnevnt av kommunestyret og to representanter for administrasjonen (NAV og voksenopplæringen). " +
		"Rådet velger selv leder og nestleder. Funksjonstiden følger valgperioden.\n\n" +
		"§ 3 Oppgaver\nRådet skal være høringsinstans i saker om bosetting, kvalifisering, arbeid og deltakelse, og kan selv ta opp saker.\n\n" +
		"§ 4 Møter\nRådet holder minst seks møter i året. Innkalling og saksliste sendes ut senest én uke før møtet. " + minutes + "\n\n" +
		"§ 5 Sekretariat\nFlyktningtjenesten er sekretariat for rådet."
}

// scaleTopic is a kind of agenda item: its title and topic ({år}, {neste},
// {fjor} and {fire} are the meeting's year, the next, the last and the
// fourth from the next), the decision
// it asks for, and the body that sends it, if any.
type scaleTopic struct {
	title, topic string
	kind         string
	body         string
	closed       bool
}

var scaleTopics = []scaleTopic{
	{title: "Orientering om bosetting av flyktninger i {år}", kind: DecisionNoted,
		topic: "Kommunedirektøren orienterer om status for bosettingen og om anmodningen fra IMDi for {år}."},
	{title: "Resultater fra introduksjonsprogrammet {fjor}", kind: DecisionNoted,
		topic: "Saken gjelder resultatene for deltakerne som avsluttet introduksjonsprogrammet i {fjor}, målt ett år etter."},
	{title: "Høring: Temaplan for flyktningarbeidet {neste}–{fire}", kind: DecisionHearing, body: "Hovedutvalg for helse og velferd",
		topic: "Utkast til temaplan for flyktningarbeidet er sendt på høring til rådene før behandling i kommunestyret."},
	{title: "Norskopplæring og fravær ved voksenopplæringen", kind: DecisionNoted,
		topic: "Rådet har bedt om en orientering om fraværet i norskopplæringen og om tiltakene for å redusere det."},
	{title: "Søknader om tilskudd til integreringsarbeid i frivillige organisasjoner {år}", kind: DecisionApproved,
		topic: "Saken gjelder fordeling av kommunens tilskudd til frivillige organisasjoners integreringsarbeid."},
	{title: "Integreringsprisen {år}", kind: DecisionApproved,
		topic: "Rådet skal vedta kriteriene for integreringsprisen og hvordan den kunngjøres."},
	{title: "Språkkafé og møteplasser i biblioteket", kind: DecisionNoted,
		topic: "Biblioteket og frivilligsentralen orienterer om møteplassene de driver, og om erfaringene så langt."},
	{title: "Kvalifiseringstiltak for kvinner utenfor arbeidslivet", kind: DecisionApproved,
		topic: "NAV og flyktningtjenesten foreslår et felles kvalifiseringsløp for kvinner som står langt fra arbeidslivet."},
	{title: "Høring: Boligsosial handlingsplan {år}–{neste}", kind: DecisionHearing, body: "Formannskapet",
		topic: "Forslag til boligsosial handlingsplan er lagt ut på høring, med frist for uttalelse før neste formannskapsmøte."},
	{title: "Tolketjenesten – bruk av kvalifiserte tolker i kommunen", kind: DecisionNoted,
		topic: "Saken gjelder kommunens avtale om tolketjenester og hvordan tjenestene sikrer at det brukes kvalifiserte tolker."},
	{title: "Budsjett {neste} og økonomiplan {neste}–{fire} – innspill fra Integreringsrådet", kind: DecisionHearing, body: "Formannskapet",
		topic: "Rådet inviteres til å gi innspill til kommunedirektørens forslag til budsjett og økonomiplan."},
	{title: "Helsetilbud til nyankomne – oppfølging etter helseundersøkelsen", kind: DecisionNoted,
		topic: "Helsestasjonen orienterer om helseundersøkelsen av nyankomne og om ventetid til videre oppfølging."},
	{title: "Barnehageplass for barn av nyankomne flyktninger", kind: DecisionNoted,
		topic: "Saken gjelder hvor raskt barn av nyankomne får barnehageplass, og om språkstøtten i barnehagene."},
	{title: "Årsmelding for Integreringsrådet {fjor}", kind: DecisionApproved,
		topic: "Sekretariatet har utarbeidet utkast til årsmelding for rådets arbeid i {fjor}."},
	{title: "Møteplan for Integreringsrådet {neste}", kind: DecisionApproved,
		topic: "Ifølge vedtektene skal rådet holde minst seks møter i året. Det skal avtales møtedatoer for neste år."},
	{title: "Ungdom, fritid og deltakelse i idrettslag", kind: DecisionNoted,
		topic: "Kulturkontoret orienterer om ordningen som dekker kontingent og utstyr for barn og unge i lavinntektsfamilier."},
	{title: "Samarbeidsavtale mellom NAV og flyktningtjenesten", kind: DecisionNoted,
		topic: "Den reviderte samarbeidsavtalen mellom NAV og flyktningtjenesten legges fram for rådet til orientering."},
	{title: "Språkpraksis i kommunale virksomheter", kind: DecisionApproved,
		topic: "Kommunedirektøren foreslår at alle kommunale virksomheter tar imot minst én deltaker i språkpraksis hvert år."},
	{title: "Høring: Retningslinjer for tilskudd til frivillig arbeid", kind: DecisionHearing, body: "Hovedutvalg for kultur og oppvekst",
		topic: "Retningslinjene for tilskudd til frivillig arbeid er revidert og sendt på høring til rådene."},
	{title: "Evaluering av handlingsplanen for integrering", kind: DecisionNoted,
		topic: "Saken gjelder evalueringen av hvordan tiltakene i handlingsplanen for integrering er gjennomført."},
	{title: "Temamøte om negativ sosial kontroll og æresrelatert vold", kind: DecisionNoted,
		topic: "Kompetanseteamet mot negativ sosial kontroll orienterer om sitt arbeid og om veilederen for kommunene."},
	{title: "Internasjonal dag {år} – planlegging av arrangementet", kind: DecisionApproved,
		topic: "Rådet skal ta stilling til program, ansvarsfordeling og budsjett for internasjonal dag."},
	{title: "Flyktninger fra Ukraina – status for mottak og bosetting", kind: DecisionNoted,
		topic: "Flyktningtjenesten orienterer om bosettingen av flyktninger fra Ukraina med kollektiv beskyttelse."},
	{title: "Opplæring i norsk og samfunnskunnskap etter integreringsloven", kind: DecisionNoted,
		topic: "Voksenopplæringen orienterer om opplæringen etter integreringsloven og om resultatene på prøvene."},
	{title: "Informasjon til nyankomne på flere språk", kind: DecisionApproved,
		topic: "Rådet har foreslått at kommunens viktigste informasjon skal finnes på de språkene de fleste nyankomne snakker."},
}

var scaleClosedTopics = []scaleTopic{
	{title: "Klage på vedtak om introduksjonsstønad", kind: DecisionNoted, closed: true,
		topic: "Rådet orienteres om en klage på vedtak om trekk i introduksjonsstønad."},
	{title: "Søknad om permisjon fra introduksjonsprogrammet – enkeltsak", kind: DecisionNoted, closed: true,
		topic: "Saken gjelder en søknad om permisjon fra introduksjonsprogrammet av helsemessige årsaker."},
	{title: "Integreringsprisen – nominerte kandidater", kind: DecisionApproved, closed: true,
		topic: "Rådet skal velge årets vinner blant de nominerte kandidatene."},
}

var scaleSentences = []string{
	"Kommunen har fått anmodning fra IMDi om å bosette 25 flyktninger i år, hvorav inntil fem enslige mindreårige.",
	"Per i dag er 18 personer bosatt, og ytterligere seks er ventet før årsskiftet.",
	"Det er fortsatt krevende å skaffe egnede boliger, særlig mindre leiligheter sentralt i kommunen.",
	"Kommunen samarbeider med Husbanken om startlån og tilskudd, slik at flere familier kan kjøpe egen bolig.",
	"Introduksjonsprogrammet hadde 42 deltakere ved utgangen av forrige måned, fordelt på tre spor.",
	"Av deltakerne som avsluttet programmet i fjor, var 64 % i arbeid eller utdanning ett år etter.",
	"Det nasjonale målet er at 70 % skal være i arbeid eller utdanning ett år etter avsluttet program; kommunens eget mål er 75 %.",
	"Kvinnene i programmet går sjeldnere over til arbeid enn mennene, og forskjellen har økt de siste to årene.",
	"Voksenopplæringen melder om et fravær på rundt 15 %, noe som er lavere enn landsgjennomsnittet.",
	"Fraværet er høyest blant deltakere med små barn og lang reisevei til undervisningen.",
	"NAV og flyktningtjenesten har faste samarbeidsmøter hver fjerde uke, der enkeltdeltakere og tiltak drøftes.",
	"Rutinene for overgangen fra introduksjonsprogrammet til NAVs ordinære tjenester er nå skriftliggjort.",
	"Frivilligsentralen driver språkkafé hver torsdag, med mellom 15 og 25 deltakere fra mange land.",
	"Biblioteket har utvidet åpningstiden og tilbyr leksehjelp to kvelder i uken.",
	"Helsestasjonen gjennomfører helseundersøkelse av nyankomne innen tre måneder etter bosetting.",
	"Flere nyankomne har behov for oppfølging av psykisk helse, og ventetiden i spesialisthelsetjenesten er lang.",
	"Alle barn i barnehagealder har fått tilbud om plass innen én måned etter bosetting.",
	"Skolen har innføringsklasse på ungdomstrinnet, mens elevene på barnetrinnet får forsterket opplæring i egen gruppe.",
	"Kommunen har inngått avtale med et tolkebyrå om kvalifiserte tolker, også på video.",
	"Barn skal ikke brukes som tolk, jf. tolkeloven § 8.",
	"Tiltakene finansieres i hovedsak av integreringstilskuddet, som kommunen mottar i fem år etter bosetting.",
	"Rådet ble orientert om saken på forrige møte og ba om en skriftlig redegjørelse.",
	"Saken har vært drøftet med tillitsvalgte og i arbeidsmiljøutvalget.",
	"Flyktningtjenesten har fire årsverk, i tillegg til en prosjektstilling finansiert med tilskudd fra IMDi.",
	"Erfaringene fra andre kommuner i læringsnettverket viser at tett oppfølging det første året gir bedre resultater.",
	"Kommunen deltar i læringsnettverket for bosetting, kvalifisering og inkludering sammen med åtte andre kommuner.",
	"Arbeidsgiverne i næringslivet etterspør praksisplasser med tett oppfølging og språkstøtte på arbeidsplassen.",
	"Tolv deltakere har hatt språkpraksis i kommunale virksomheter det siste halvåret, de fleste i helse og omsorg.",
	"Idrettslagene har fått tilskudd til å dekke kontingent og utstyr for barn fra familier med lav inntekt.",
	"Ungdomsrådet og Integreringsrådet har hatt et felles møte om fritidstilbud for ungdom.",
	"Det er behov for mer informasjon på flere språk om kommunens tjenester og om rettigheter og plikter.",
	"Kommunedirektøren vil komme tilbake til saken i forbindelse med budsjettet for neste år.",
	"Evalueringen viser at de fleste tiltakene i handlingsplanen er gjennomført eller i gang.",
	"Tre av tiltakene er forsinket, hovedsakelig fordi tjenestene mangler kapasitet.",
	"Rådet har tidligere pekt på at familiegjenforente ikke får det samme tilbudet som de som bosettes etter anmodning.",
	"Flyktninger fra Ukraina med kollektiv beskyttelse utgjør nå over halvparten av dem som er bosatt de siste to årene.",
	"Integreringsloven stiller krav om kartlegging av kompetanse og en integreringsplan for hver deltaker.",
	"Resultatene varierer mye mellom årskullene, og tallene bør leses med forsiktighet fordi gruppene er små.",
}

var scaleTasks = []string{
	"mottak og bosetting av flyktninger",
	"oppfølging av deltakerne i introduksjonsprogrammet",
	"veiledning om bolig, økonomi og helse",
	"samarbeid med frivillige organisasjoner og trossamfunn",
	"koordinering av tjenestene for enslige mindreårige",
	"oppfølging av familiegjenforente de første årene",
}

var scaleRecommendation = map[string]string{
	DecisionNoted:    "Kommunedirektøren innstiller på at Integreringsrådet tar orienteringen til etterretning.",
	DecisionApproved: "Kommunedirektøren innstiller på at Integreringsrådet slutter seg til forslaget slik det er beskrevet i saken.",
	DecisionHearing:  "Kommunedirektøren innstiller på at Integreringsrådet avgir høringsuttalelse i saken.",
}

var scaleDecisions = map[string][]string{
	DecisionNoted: {
		"Tatt til orientering.",
		"Integreringsrådet tok orienteringen til etterretning.",
		"Tatt til orientering. Rådet ønsker en ny orientering om status før sommeren.",
		"Tatt til orientering. Rådet ber om at tallene fordeles på kjønn og alder neste gang saken legges fram.",
	},
	DecisionApproved: {
		"Innstillingen ble enstemmig vedtatt.",
		"Integreringsrådet slutter seg til innstillingen.",
		"Vedtatt som innstilt, med den endring at rådet får en ny orientering om et halvt år.",
		"Integreringsrådet slutter seg til innstillingen og ber om at frivillige organisasjoner blir orientert om vedtaket.",
	},
}

var scaleRejected = []string{
	"Integreringsrådet slutter seg ikke til innstillingen. Rådet mener at tilbudet må gjelde alle nyankomne, også familiegjenforente.",
	"Innstillingen falt mot to stemmer. Rådet ber om at saken utredes på nytt sammen med brukerne.",
}

var scalePostponed = []string{
	"Saken utsettes til neste møte, slik at rådet får tid til å sette seg inn i saksdokumentene.",
	"Utsatt. Rådet ber om at NAV deltar når saken behandles på nytt.",
}

var scaleHearingTexts = []string{
	"Rådet støtter hovedlinjene i forslaget.",
	"Rådet ber om at brukerne blir involvert i det videre arbeidet, også gjennom innvandrerorganisasjonene.",
	"Rådet mener at språkopplæring og arbeid må ses i sammenheng, og at kvinner må få et særskilt tilbud.",
	"Rådet understreker at informasjonen må være tilgjengelig på flere språk.",
	"Rådet ber om at tiltakene følges opp med målbare mål og en årlig rapport til kommunestyret.",
	"Rådet finner det godt med lokal forankring og lokale tiltak.",
}

var scaleLegal = []string{
	"Lov om integrering gjennom opplæring, utdanning og arbeid (integreringsloven).",
	"Integreringsloven §§ 8 og 9.",
	"Kommuneloven § 5-12 om medvirkningsordninger.",
	"Ingen merknader.",
}

var scaleEconomic = []string{
	"Ingen økonomiske konsekvenser.",
	"Tiltaket dekkes innenfor vedtatt budsjett for flyktningtjenesten.",
	"Integreringstilskuddet fra staten dekker kostnadene de første fem årene.",
	"Tilskuddet på 150 000 kroner dekkes av fondet for frivillighet.",
}

var scaleBodies = []string{"Hovedutvalg for helse og velferd", "Formannskapet", "Hovedutvalg for kultur og oppvekst", "Eldrerådet"}

var scaleEarlierTexts = []string{"Tatt til orientering.", "Sendes på høring til rådene.", "Saken sendes rådene til uttalelse før endelig behandling."}

var scaleComments = []string{
	"Ingen merknader til protokollen.",
	"Under sak 3 bør det stå at rådet ønsket en ny orientering, ikke en ny sak.",
	"Navnet på vararepresentanten er stavet feil i oversikten over fremmøtte.",
}

var scaleFollowUpTexts = []string{
	"Flyktningtjenesten legger fram ny status for bosettingen på neste møte.",
	"Invitere NAV til å orientere om kvalifiseringstiltak for kvinner.",
	"Sende rådets høringsuttalelse til hovedutvalget.",
	"Kunngjøre integreringsprisen på kommunens nettsider og i lokalavisen.",
	"Undersøke hvordan andre kommuner organiserer frivillige tolker.",
	"Lage en oversikt over fritidstilbud for barn og unge på flere språk.",
	"Be voksenopplæringen om tall for fravær fordelt på spor.",
	"Avtale temamøte med helsestasjonen om helseundersøkelsen for nyankomne.",
}

var scaleResponsible = []string{"Flyktningtjenesten", "Sekretær for rådet", "NAV", "Voksenopplæringen", "Kommunedirektøren",
	"Leder av rådet", "Kulturkontoret"}

var scaleStartNotes = []string{"Arbeidet er i gang.", "Første møte er avholdt.", "Kontakt er opprettet."}

var scaleDoneNotes = []string{"Gjennomført og rapportert til rådet.", "Ferdig.", "Saken er sendt."}
