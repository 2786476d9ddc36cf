package survey_test

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/disclosure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/survey"
)

// TestRoseFromKnownAnswers: the standard questionnaire answered in
// interviews and through links gives, per axis, the mean over the
// respondents who answered it of each one's mean on it; questions left
// unanswered, unknown keys and refused forms count nowhere.
func TestRoseFromKnownAnswers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	o, _ := f.municipality(t)
	q := f.questionnaire(t, o, nil)
	earlier := f.round(t, o, q, 2025)
	f.interview(t, o, earlier, 2, map[string]string{"job": "5", "skills": "5"})
	r := f.round(t, o, q, 2026)

	// Four respondents; per axis, each one's mean:
	//            attitudes  language  work  housing  leisure
	//   A        (5+3)/2=4  2         1.5   –        4
	//   B        4          –         –     1        –
	//   C        1          4.5       3     3.5      –
	//   D        –          –         –     –        –       (free text only)
	f.interview(t, o, r, 1, map[string]string{"welcome": "5", "respect": "3", "speak": "2", "school": "", "job": "1", "skills": "2",
		"activities": "4", "friends": "4", "wish": "Flere møteplasser", "unknown": "5"})
	f.interview(t, o, r, 1, map[string]string{"welcome": "4", "respect": "4", "home": "1"})
	tokens := f.links(t, o, r, 3)
	noErr(t, f.svc.Submit(f.ctx, tokens[0], survey.Answers{Consent: true, Values: map[string]string{"welcome": "1", "speak": "4", "school": "5",
		"job": "3", "skills": "3", "home": "2", "neighbourhood": "5"}}))
	noErr(t, f.svc.Submit(f.ctx, tokens[1], survey.Answers{Consent: true, Values: map[string]string{"wish": "  Bedre busstilbud  "}}))

	// Refused forms store nothing.
	for name, a := range map[string]survey.Answers{
		"score above the scale": {Consent: true, Values: map[string]string{"welcome": "6", "job": "4"}},
		"score not a number":    {Consent: true, Values: map[string]string{"welcome": "fem"}},
		"nothing answered":      {Consent: true, Values: map[string]string{"job": " ", "wish": ""}},
		"no consent":            {Values: map[string]string{"job": "5"}},
	} {
		if err := f.svc.Interview(f.ctx, o, r.ID, a); app.ErrorCode(err) != app.EInvalid {
			t.Errorf("interview with %s: %v, want invalid", name, err)
		}
	}
	if err := f.svc.Submit(f.ctx, tokens[2], survey.Answers{Consent: true, Values: map[string]string{"job": "0"}}); app.ErrorCode(err) != app.EInvalid {
		t.Errorf("link with a score under the scale: %v, want invalid", err)
	}

	res, err := f.svc.Results(f.ctx, o, r.ID)
	noErr(t, err)
	if res.Rose.Respondents != 4 {
		t.Errorf("respondents %d, want 4", res.Rose.Respondents)
	}
	var keys []string
	for _, a := range res.Rose.Axes {
		keys = append(keys, a.Key)
	}
	if want := []string{"attitudes", "language", "work", "housing", "leisure"}; !slices.Equal(keys, want) {
		t.Errorf("axes %v, want %v", keys, want)
	}
	wantAxis(t, "round", res.Rose, "attitudes", 3, 3, 2) // (4+4+1)/3; 4 and 4 are good
	wantAxis(t, "round", res.Rose, "language", 3.25, 2, 1)
	wantAxis(t, "round", res.Rose, "work", 2.25, 2, 0)
	wantAxis(t, "round", res.Rose, "housing", 2.25, 2, 0)
	wantAxis(t, "round", res.Rose, "leisure", 4, 1, 1)
	var low []string
	for _, a := range res.Low() {
		low = append(low, a.Key)
	}
	if want := []string{"work", "housing"}; !slices.Equal(low, want) {
		t.Errorf("low axes %v, want %v (under 3)", low, want)
	}
	if len(res.FreeTexts) != 1 || res.FreeTexts[0].Question.Key != "wish" ||
		!slices.Equal(res.FreeTexts[0].Answers, []string{"Bedre busstilbud", "Flere møteplasser"}) {
		t.Errorf("free texts %+v", res.FreeTexts)
	}
	if res.Links != 3 || res.LinksUsed != 2 {
		t.Errorf("links %d made, %d used; want 3, 2", res.Links, res.LinksUsed)
	}
	if res.Network != nil || res.Municipalities != 0 {
		t.Errorf("a municipality's own questionnaire has a network rose: %+v", res.Network)
	}
	if len(res.Earlier) != 1 || res.Earlier[0].Round.ID != earlier.ID {
		t.Fatalf("earlier rounds %+v, want round %d", res.Earlier, earlier.ID)
	}
	wantAxis(t, "earlier round", res.Earlier[0].Rose, "work", 5, 2, 2)
	wantAxis(t, "earlier round", res.Earlier[0].Rose, "attitudes", 0, 0, 0)

	rounds, err := f.svc.Rounds(f.ctx, o)
	noErr(t, err)
	if len(rounds) != 2 || rounds[0].ID != r.ID || rounds[0].Respondents != 4 || rounds[1].Respondents != 2 {
		t.Errorf("rounds %+v", rounds)
	}

	// Another municipality cannot read the round.
	other, _ := f.municipality(t)
	if _, err := f.svc.Results(f.ctx, other, r.ID); !app.IsNotFound(err) {
		t.Errorf("another municipality's results: %v, want not found", err)
	}
}

// TestNetworkWeightedByRespondents: the network's rose pools every
// member's respondents: 10 scoring 5 and 30 scoring 1 on work is 2.0,
// not the 3.0 of averaging the two municipalities.
func TestNetworkWeightedByRespondents(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, _ := f.municipality(t)
	b, _ := f.municipality(t)
	n := f.network(t, 9, a, b)
	q := f.questionnaire(t, n, nil)
	ra, rb := f.round(t, a, q, 2026), f.round(t, b, q, 2026)
	f.interview(t, a, ra, 10, map[string]string{"job": "5", "skills": "5"})
	f.interview(t, b, rb, 30, map[string]string{"job": "1", "skills": "1"})
	// Another year's round is not in 2026's network rose.
	f.interview(t, b, f.round(t, b, q, 2025), 20, map[string]string{"job": "5"})

	res, err := f.svc.Results(f.ctx, a, ra.ID)
	noErr(t, err)
	wantAxis(t, "own", res.Rose, "work", 5, 10, 10)
	if res.Network == nil {
		t.Fatal("no network rose though both members are above the threshold")
	}
	if res.Network.Respondents != 40 || res.Municipalities != 2 || res.NetworkName != n.Name {
		t.Errorf("network: %d respondents of %d municipalities (%q), want 40 of 2 (%q)", res.Network.Respondents, res.Municipalities, res.NetworkName, n.Name)
	}
	wantAxis(t, "network", *res.Network, "work", 2, 40, 10)
	wantAxis(t, "network", *res.Network, "attitudes", 0, 0, 0)

	nr, err := f.svc.NetworkResults(f.ctx, n, q.ID, 2026)
	noErr(t, err)
	if !nr.TotalShown || nr.Threshold != 9 {
		t.Fatalf("coordinators' total shown %v, threshold %d", nr.TotalShown, nr.Threshold)
	}
	wantAxis(t, "coordinators' total", nr.Total, "work", 2, 40, 10)
	want := map[int64][2]float64{a.ID: {10, 5}, b.ID: {30, 1}}
	if len(nr.Members) != 2 {
		t.Fatalf("%d members with a round, want 2", len(nr.Members))
	}
	for _, m := range nr.Members {
		w := want[m.Org.ID]
		if !m.Visible() || m.Own || m.Respondents != int(w[0]) {
			t.Errorf("member %s: visible %v own %v respondents %d, want visible, %v", m.Org.Name, m.Visible(), m.Own, m.Respondents, w[0])
		}
		wantAxis(t, "member "+m.Org.Name, m.Rose, "work", w[1], int(w[0]), int(w[0])*int(w[1]/5))
	}
	if _, err := f.svc.NetworkResults(f.ctx, a, q.ID, 2026); !app.IsNotFound(err) {
		t.Errorf("a municipality asking for the network's results: %v, want not found", err)
	}
	years, err := f.svc.Years(f.ctx, n, q.ID)
	noErr(t, err)
	if !slices.Equal(years, []int{2026, 2025}) {
		t.Errorf("years %v", years)
	}
}

// protectedWorld is a network's questionnaire answered by its members in
// 2026: respondents and their work score per member.
type protectedWorld struct {
	net     *org.Organisation
	q       *survey.Questionnaire
	members []*org.Organisation
	rounds  []*survey.Round
	counts  map[int64]int
}

func newProtectedWorld(t *testing.T, f *fixture, threshold int, counts, work []int) *protectedWorld {
	t.Helper()
	w := &protectedWorld{counts: map[int64]int{}}
	for range counts {
		m, _ := f.municipality(t)
		w.members = append(w.members, m)
	}
	w.net = f.network(t, threshold, w.members...)
	w.q = f.questionnaire(t, w.net, nil)
	for i, m := range w.members {
		r := f.round(t, m, w.q, 2026)
		f.interview(t, m, r, counts[i], map[string]string{"job": itoa(work[i]), "skills": itoa(work[i])})
		w.rounds, w.counts[m.ID] = append(w.rounds, r), counts[i]
	}
	return w
}

// audit checks that what nr publishes pins no member's respondents for
// a reader knowing its own (reader 0: none): the members' statuses and
// the total's, audited by package disclosure on the true counts; and
// that a member not visible has no rose and no count.
func (w *protectedWorld) audit(t *testing.T, nr *survey.NetworkRoses, reader int64) {
	t.Helper()
	tab := disclosure.Table{Known: make([]bool, len(nr.Members))}
	var st []disclosure.Status
	var total disclosure.Cell
	hidden := 0
	for i, m := range nr.Members {
		tab.Base = append(tab.Base, int64(w.counts[m.Org.ID]))
		tab.Known[i] = m.Org.ID == reader
		tab.Cells = append(tab.Cells, disclosure.Cell{Parts: []int32{int32(i)}})
		total.Parts = append(total.Parts, int32(i))
		st = append(st, m.Status)
		if m.Own != (m.Org.ID == reader) {
			t.Errorf("member %d: own %v for reader %d", m.Org.ID, m.Own, reader)
		}
		if m.Visible() {
			if m.Respondents != w.counts[m.Org.ID] || m.Rose.Respondents != w.counts[m.Org.ID] {
				t.Errorf("visible member %d: %d respondents, want %d", m.Org.ID, m.Respondents, w.counts[m.Org.ID])
			}
			continue
		}
		hidden++
		if m.Respondents != 0 || m.Rose.Respondents != 0 || len(m.Rose.Axes) != 0 {
			t.Errorf("member %d not visible to reader %d, yet its rose is there: %d respondents, %+v", m.Org.ID, reader, m.Respondents, m.Rose)
		}
	}
	tab.Cells = append(tab.Cells, total)
	if nr.TotalShown {
		st = append(st, disclosure.Shown)
		// With the total shown, one member not shown is the total less
		// the others: its respondents and every axis sum.
		if hidden == 1 {
			t.Errorf("reader %d: the total is shown with exactly one member not shown", reader)
		}
	} else {
		st = append(st, disclosure.Hidden)
		if nr.Total.Respondents != 0 || len(nr.Total.Axes) != 0 {
			t.Errorf("reader %d: total not shown, yet it is there: %+v", reader, nr.Total)
		}
	}
	leaks, err := disclosure.Leaks(tab, st, nr.Threshold)
	noErr(t, err)
	if len(leaks) > 0 {
		t.Errorf("reader %d: cells %v can be computed back (statuses %v, counts %v)", reader, leaks, st, tab.Base)
	}
}

func member(t *testing.T, nr *survey.NetworkRoses, o *org.Organisation) survey.MemberRose {
	t.Helper()
	for _, m := range nr.Members {
		if m.Org.ID == o.ID {
			return m
		}
	}
	t.Fatalf("member %d not in the network's results", o.ID)
	return survey.MemberRose{}
}

// TestSmallMemberProtected: a member with fewer respondents than the
// network's threshold has no rose outside its municipality, and neither
// the total nor the other members give it away.
func TestSmallMemberProtected(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	t.Run("ThreeMembers", func(t *testing.T) {
		// 40, 30 and 5 respondents: the total less the two large members
		// would be the small one.
		w := newProtectedWorld(t, f, 9, []int{40, 30, 5}, []int{4, 2, 1})
		a, c := w.members[0], w.members[2]
		nr, err := f.svc.NetworkResults(f.ctx, w.net, w.q.ID, 2026)
		noErr(t, err)
		if mc := member(t, nr, c); mc.Visible() || mc.Status != disclosure.Small {
			t.Errorf("coordinators see the small member: visible %v, status %v", mc.Visible(), mc.Status)
		}
		if ma := member(t, nr, a); !ma.Visible() {
			t.Errorf("coordinators do not see the member of 40")
		}
		w.audit(t, nr, 0)
		t.Logf("coordinators: statuses %v %v %v, total shown %v", member(t, nr, a).Status, member(t, nr, w.members[1]).Status,
			member(t, nr, c).Status, nr.TotalShown)

		// Another member's view: the small one is as hidden, its own is
		// whole.
		nr, err = f.svc.NetworkRosesFor(f.ctx, w.net.ID, w.q.ID, 2026, a.ID)
		noErr(t, err)
		if mc := member(t, nr, c); mc.Visible() {
			t.Errorf("member of 40 sees the small member's rose")
		}
		if ma := member(t, nr, a); !ma.Own || !ma.Visible() {
			t.Errorf("member of 40 does not see its own rose")
		}
		w.audit(t, nr, a.ID)
		res, err := f.svc.Results(f.ctx, a, w.rounds[0].ID)
		noErr(t, err)
		if res.Network != nil && res.Network.Respondents-w.counts[a.ID] == w.counts[c.ID] {
			t.Errorf("member of 40: network less own is the small member's %d", w.counts[c.ID])
		}

		// The small member sees its own rose, and the network's: nothing
		// in it is small for the reader who knows its own.
		res, err = f.svc.Results(f.ctx, c, w.rounds[2].ID)
		noErr(t, err)
		wantAxis(t, "small member's own", res.Rose, "work", 1, 5, 0)
		if res.Network == nil {
			t.Fatal("the small member sees no network rose")
		}
		// (40·4 + 30·2 + 5·1) / 75
		wantAxis(t, "small member's network", *res.Network, "work", 225.0/75, 75, 40)
	})

	t.Run("TwoMembers", func(t *testing.T) {
		// Threshold 12, the network's own: 10 respondents are small here
		// (not under the default 9), and with two members the total
		// less the large one would be the small one.
		w := newProtectedWorld(t, f, 12, []int{40, 10}, []int{5, 1})
		d, e := w.members[0], w.members[1]
		nr, err := f.svc.NetworkResults(f.ctx, w.net, w.q.ID, 2026)
		noErr(t, err)
		if nr.Threshold != 12 {
			t.Errorf("threshold %d, want the network's 12", nr.Threshold)
		}
		if me := member(t, nr, e); me.Visible() || me.Status != disclosure.Small {
			t.Errorf("coordinators see the member of 10: visible %v, status %v", me.Visible(), me.Status)
		}
		// Protect may hide the total or the member of 40 (then the total
		// of 50 is shown alone); never both shown.
		if nr.TotalShown && member(t, nr, d).Visible() {
			t.Errorf("coordinators see the total of 50 next to the member of 40")
		}
		w.audit(t, nr, 0)
		t.Logf("coordinators: statuses %v %v, total shown %v", member(t, nr, d).Status, member(t, nr, e).Status, nr.TotalShown)

		res, err := f.svc.Results(f.ctx, d, w.rounds[0].ID)
		noErr(t, err)
		if res.Network != nil {
			t.Errorf("member of 40 sees a network rose of %d: the other member is that less its own", res.Network.Respondents)
		}
		if res.Municipalities != 2 {
			t.Errorf("municipalities %d, want 2", res.Municipalities)
		}
		nr, err = f.svc.NetworkRosesFor(f.ctx, w.net.ID, w.q.ID, 2026, d.ID)
		noErr(t, err)
		w.audit(t, nr, d.ID)

		// The member of 10 may see the whole: the other is 40.
		res, err = f.svc.Results(f.ctx, e, w.rounds[1].ID)
		noErr(t, err)
		if res.Network == nil {
			t.Fatal("the member of 10 sees no network rose")
		}
		wantAxis(t, "member of 10's network", *res.Network, "work", (40*5+10*1)/50.0, 50, 40)
		if math.Abs(axis(t, res.Rose, "work").Mean-1) > 1e-9 {
			t.Errorf("own rose %+v", res.Rose)
		}
	})
}

// TestNetworkRosesKeptUntilARespondentAnswers: a network's results read
// again send no statement for the members' responses; a response given
// since, through the service or written by hand, is in the next read.
func TestNetworkRosesKeptUntilARespondentAnswers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, _ := f.municipality(t)
	b, _ := f.municipality(t)
	n := f.network(t, 5, a, b)
	q := f.questionnaire(t, n, nil)
	ra, rb := f.round(t, a, q, 2026), f.round(t, b, q, 2026)
	f.interview(t, a, ra, 10, map[string]string{"job": "5", "skills": "5"})
	f.interview(t, b, rb, 30, map[string]string{"job": "1", "skills": "1"})
	counter := dbtest.CountStatements(t, f.bdb)
	read := func(id string) (*survey.NetworkRoses, []string) {
		t.Helper()
		nr, err := f.svc.NetworkResults(audit.WithMeta(f.ctx, audit.Meta{RequestID: id}), n, q.ID, 2026)
		noErr(t, err)
		var responses []string
		for _, st := range counter.Request(id).Statements {
			if strings.Contains(st, "survey_responses") {
				responses = append(responses, st)
			}
		}
		return nr, responses
	}
	nr, responses := read("first")
	if len(responses) != 1 {
		t.Fatalf("the first read sent %d statements for the responses, want 1: %q", len(responses), responses)
	}
	wantAxis(t, "total", nr.Total, "work", 2, 40, 10)
	nr, responses = read("again")
	if len(responses) != 0 {
		t.Errorf("the results read again sent statements for the responses: %q", responses)
	}
	wantAxis(t, "total kept", nr.Total, "work", 2, 40, 10)

	// Through the service: a's round changes, b's stays kept.
	f.interview(t, a, ra, 10, map[string]string{"job": "1", "skills": "1"})
	nr, responses = read("answered")
	if len(responses) != 1 || !strings.Contains(responses[0], "round_id IN ("+strconv.FormatInt(ra.ID, 10)+")") {
		t.Errorf("after an answer to round %d, the responses read: %q; want round %d's only", ra.ID, responses, ra.ID)
	}
	wantAxis(t, "total after an answer", nr.Total, "work", 1.8, 50, 10)
	if m := member(t, nr, a); m.Respondents != 20 {
		t.Errorf("member a: %d respondents after ten more, want 20", m.Respondents)
	}

	// By hand, as a script would: the trigger bumps the version all the same.
	err := db.Run(f.ctx, f.bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		_, err := idb.NewDelete().Table("survey_responses").Where("org_id = ? AND round_id = ?", b.ID, rb.ID).Exec(ctx)
		return err
	})
	noErr(t, err)
	nr, _ = read("deleted")
	if m := member(t, nr, b); m.Respondents != 0 || m.Rose.Respondents != 0 {
		t.Errorf("member b after its responses were deleted: %d respondents, rose of %d", m.Respondents, m.Rose.Respondents)
	}
	if m := member(t, nr, a); m.Respondents != 20 {
		t.Errorf("member a after b's responses were deleted: %d respondents, want 20", m.Respondents)
	}
}
