package council_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/scale"
)

// scaleNow is the scale data set's now (scale.Generate's World.Now).
var scaleNow = time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)

// scaleOptions make one municipality in each country, so that each
// sign-off (next meeting, members present, adjusters) has a council.
var scaleOptions = scale.Options{Seed: 11, Municipalities: 3, Networks: 1, UsersPer: 18, Password: "korrekt hest batteri"}

// generateCouncils makes the core and the councils' slice at a small size.
func generateCouncils(t *testing.T) (*bun.DB, []*org.Organisation) {
	t.Helper()
	bdb := dbtest.Open(t)
	ctx := context.Background()
	rep, err := scale.Generate(ctx, bdb, scaleOptions, []scale.Slice{council.Scale{Meetings: 4, Items: 3}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows["council meetings"] == 0 {
		t.Fatalf("the slice wrote no rows: %v", rep.Rows)
	}
	var munis []*org.Organisation
	err = db.Run(ctx, bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Model(&munis).Where("kind = ? AND slug LIKE ?", org.KindMunicipality, scale.SlugPrefix+"%").OrderExpr("slug").Scan(ctx)
	})
	if err != nil || len(munis) != 3 {
		t.Fatalf("municipalities %d, %v", len(munis), err)
	}
	return bdb, munis
}

// TestScaleCouncilMeetings makes the councils' slice of the scale data set
// and reads it through the service as the pages do: each municipality's
// council on the list with its next meeting, its members, its four
// meetings (published minutes, approved minutes, a held meeting whose
// minutes are under way, a published agenda), the frozen minutes the same
// as the record they froze, the decisions in the register and search, and
// the follow-up actions as measures of their decisions. The same seed
// makes the same councils.
func TestScaleCouncilMeetings(t *testing.T) {
	bdb, munis := generateCouncils(t)
	ctx := context.Background()
	svc := &council.Service{DB: bdb, Clock: &app.FixedClock{T: scaleNow}}
	signOffs := map[string]bool{}
	followUps := 0
	for _, o := range munis {
		list, err := svc.List(ctx, o, 2026)
		if err != nil || len(list) != 1 {
			t.Fatalf("%s: councils %v, %v", o.Slug, list, err)
		}
		st := list[0]
		c := st.Council
		signOffs[c.SignOff] = true
		if c.SignOff != council.SignOffFor(o.Country) || c.Kind != council.KindIntegrationCouncil || c.MinMeetings != 6 {
			t.Errorf("%s: council %+v", o.Slug, c)
		}
		if !strings.Contains(c.Statutes, "være høringsinstans") || !strings.Contains(c.Statutes, "§ 4 Møter") {
			t.Errorf("%s: statutes %q", o.Slug, c.Statutes)
		}
		if st.Next == nil || !st.Next.StartsAt.After(scaleNow) || st.Next.Status != council.MeetingAgendaPublished {
			t.Errorf("%s: next meeting %+v", o.Slug, st.Next)
		}

		members, err := svc.Members(ctx, o, c)
		if err != nil {
			t.Fatal(err)
		}
		// Nine people; one left and the substitute took the seat, which
		// ended one membership and started another.
		if len(members) != 10 || len(council.CurrentOn(members, scaleNow)) != 8 {
			t.Errorf("%s: %d memberships, %d current; want 10 and 8", o.Slug, len(members), len(council.CurrentOn(members, scaleNow)))
		}

		ms, err := svc.Meetings(ctx, o, c, 0)
		if err != nil {
			t.Fatal(err)
		}
		var statuses []string
		for _, m := range ms {
			statuses = append(statuses, m.Status)
		}
		want := []string{council.MeetingPublished, council.MeetingMinutesApproved, council.MeetingHeld, council.MeetingAgendaPublished}
		if !slices.Equal(statuses, want) {
			t.Fatalf("%s: meetings %v, want %v", o.Slug, statuses, want)
		}
		for i, m := range ms[1:] {
			if got := m.StartsAt.Sub(ms[i].StartsAt); got < 27*24*time.Hour || got > 62*24*time.Hour {
				t.Errorf("%s: %s after the meeting before, want about a month", o.Slug, got)
			}
		}

		// The published meeting: its minutes frozen as its record stands.
		pub := ms[0]
		v, err := svc.Meeting(ctx, o, c.ID, pub.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Minutes == nil || v.Minutes.State != council.MinutesPublished || v.Minutes.ApprovedBy == "" || !v.Locked() {
			t.Fatalf("%s: published meeting's minutes %+v", o.Slug, v.Minutes)
		}
		if len(v.Doc.Items) != 3 || len(v.Roll.Expected) == 0 || len(v.Roll.Present)-len(v.Roll.SubstituteFor)+len(v.Roll.Absent) != len(v.Roll.Expected) {
			t.Errorf("%s: %d items, roll %d expected, %d present, %d absent", o.Slug, len(v.Doc.Items), len(v.Roll.Expected), len(v.Roll.Present), len(v.Roll.Absent))
		}
		decided := 0
		for _, it := range v.Doc.Items {
			if it.Decided() {
				decided++
			}
			if it.Background == "" && it.Number != 1 {
				t.Errorf("%s: item %d %q has no background", o.Slug, it.Number, it.Title)
			}
			followUps += len(it.FollowUps)
		}
		if decided == 0 {
			t.Errorf("%s: no decision on the held meeting's items", o.Slug)
		}
		_, frozen, err := svc.MinutesVersion(ctx, o, pub.ID, 1)
		if err != nil || frozen == nil {
			t.Fatalf("%s: minutes version 1: %v, %v", o.Slug, frozen, err)
		}
		if got, want := docSummary(frozen), docSummary(v.Doc); got != want {
			t.Errorf("%s: frozen minutes\n%s\nthe record\n%s", o.Slug, got, want)
		}
		if frozen.ApprovedAt == nil || !frozen.ApprovedAt.After(pub.StartsAt) || frozen.ApprovedBy != v.Minutes.ApprovedBy {
			t.Errorf("%s: frozen approval %v by %q", o.Slug, frozen.ApprovedAt, frozen.ApprovedBy)
		}
		var kinds []string
		for _, e := range v.Events[v.Minutes.ID] {
			kinds = append(kinds, e.Kind)
		}
		if len(kinds) < 4 || kinds[0] != council.EventDrafted || kinds[1] != council.EventCirculated ||
			kinds[len(kinds)-2] != council.EventApproved || kinds[len(kinds)-1] != council.EventPublished {
			t.Errorf("%s: minutes' steps %v", o.Slug, kinds)
		}
		switch c.SignOff {
		case council.SignOffNextMeeting:
			// Approved at the meeting after, as its first item.
			if v.Minutes.ApprovedBy != c.Name || !strings.HasPrefix(v.Minutes.ApprovedRef, ms[1].StartsAt.In(o.Location()).Format(time.DateOnly)+", sak ") {
				t.Errorf("%s: approved by %q, %q", o.Slug, v.Minutes.ApprovedBy, v.Minutes.ApprovedRef)
			}
			next, err := svc.Meeting(ctx, o, c.ID, ms[1].ID)
			if err != nil {
				t.Fatal(err)
			}
			if first := next.Doc.Items[0]; !strings.Contains(first.Title, "protokoll fra møtet "+pub.StartsAt.In(o.Location()).Format("02.01.2006")) {
				t.Errorf("%s: the next meeting's first item %q", o.Slug, first.Title)
			}
		default:
			signers := council.Signers(v.Council, v.Meeting, v.Roll)
			if n := strings.Count(strings.Join(kinds, " "), council.EventSigned); n != len(signers) {
				t.Errorf("%s: %d signatures of %d signers", o.Slug, n, len(signers))
			}
		}

		// The approved meeting is locked, not yet published.
		v, err = svc.Meeting(ctx, o, c.ID, ms[1].ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Minutes == nil || v.Minutes.State != council.MinutesApproved || !v.Locked() {
			t.Errorf("%s: approved meeting's minutes %+v", o.Slug, v.Minutes)
		}

		// The last meeting is held; its minutes are a draft or sent
		// round, and not locked.
		held, err := svc.Meeting(ctx, o, c.ID, ms[2].ID)
		if err != nil {
			t.Fatal(err)
		}
		if held.Minutes == nil || held.Locked() || (held.Minutes.State != council.MinutesDraft && held.Minutes.State != council.MinutesCirculated) {
			t.Errorf("%s: held meeting's minutes %+v", o.Slug, held.Minutes)
		}

		// The next meeting: its agenda published, nothing decided yet,
		// and (approval at the next meeting) the held meeting pending.
		up, err := svc.Meeting(ctx, o, c.ID, ms[3].ID)
		if err != nil {
			t.Fatal(err)
		}
		if up.Minutes != nil || !up.Meeting.AgendaPublic() || len(up.Doc.Items) != 3 {
			t.Errorf("%s: upcoming meeting %+v with minutes %v and %d items", o.Slug, up.Meeting, up.Minutes, len(up.Doc.Items))
		}
		for _, it := range up.Doc.Items {
			if it.Decided() {
				t.Errorf("%s: upcoming item %q decided %q", o.Slug, it.Title, it.Decision)
			}
		}
		if c.SignOff == council.SignOffNextMeeting && (len(up.Pending) != 1 || up.Pending[0].ID != ms[2].ID) {
			t.Errorf("%s: pending approval %v, want the held meeting", o.Slug, up.Pending)
		}
		if c.Public() {
			pm, err := svc.PublicMeeting(ctx, o, c.ID, ms[3].ID)
			if err != nil || pm.Minutes {
				t.Errorf("%s: public agenda %v, %v", o.Slug, pm, err)
			}
			pm, err = svc.PublicMeeting(ctx, o, c.ID, pub.ID)
			if err != nil || !pm.Minutes {
				t.Errorf("%s: public minutes %v, %v", o.Slug, pm, err)
			}
		}

		// The text as written: Norwegian letters survive, and the
		// register and search find the decisions by their words.
		var text strings.Builder
		for _, it := range append(v.Doc.Items, up.Doc.Items...) {
			text.WriteString(it.Title + it.Topic + it.Background + it.Recommendation + it.Decision)
		}
		for _, r := range "øå" {
			if !strings.ContainsRune(text.String(), r) {
				t.Errorf("%s: no %c in the items' texts", o.Slug, r)
			}
		}
		ds, err := svc.Decisions(ctx, o, council.DecisionFilter{CouncilID: c.ID})
		if err != nil || len(ds) == 0 {
			t.Fatalf("%s: decisions %d, %v", o.Slug, len(ds), err)
		}
		word := strings.Fields(ds[0].Item.Title)[0]
		found, err := svc.Decisions(ctx, o, council.DecisionFilter{Text: strings.ToUpper(word)})
		if err != nil || !slices.ContainsFunc(found, func(d council.Decision) bool { return d.Item.ID == ds[0].Item.ID }) {
			t.Errorf("%s: searching %q finds %d decisions, not %q: %v", o.Slug, word, len(found), ds[0].Item.Title, err)
		}
		for _, d := range ds {
			for _, f := range d.FollowUps {
				vis := "private"
				if c.Public() && !d.Item.Closed {
					vis = "public"
				}
				if f.SourceKind != measure.SourceCouncil || f.SourcePath != d.Item.Path() || f.Visibility != vis || f.Due == nil {
					t.Errorf("%s: follow-up %+v of %q", o.Slug, f, d.Item.Title)
				}
			}
		}
	}
	if len(signOffs) != 3 {
		t.Errorf("sign-offs %v, want all three", signOffs)
	}
	if followUps == 0 {
		t.Error("no follow-up action on the published meetings' decisions")
	}

	// The same seed makes the same councils.
	again, munis2 := generateCouncils(t)
	if a, b := fingerprint(t, bdb, munis), fingerprint(t, again, munis2); !slices.Equal(a, b) {
		t.Errorf("the same seed made other councils:\n%v\n%v", a, b)
	}
}

// docSummary is what minutes show of a meeting that does not change after
// approval: the council, when and where, who came, and each item with its
// decision and follow-up actions (by id; their status moves on).
func docSummary(d *council.Doc) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s %s\n", d.CouncilName, d.Term, d.StartsAt.UTC().Format(time.RFC3339), d.Place)
	for _, p := range d.Present {
		fmt.Fprintf(&b, "present %s (%s)\n", p.Name, p.Role)
	}
	for _, p := range d.Absent {
		fmt.Fprintf(&b, "absent %s (%s) notice %v substitute %q\n", p.Name, p.Role, p.Notice, p.SubstituteName)
	}
	for _, p := range d.Secretary {
		fmt.Fprintf(&b, "secretary %s\n", p.Name)
	}
	for _, it := range d.Items {
		fmt.Fprintf(&b, "%d %d %s [%s] %s %q %q %q closed %v updated %s route %d earlier %d\n", it.Number, it.ID, it.Title, it.CaseNumber,
			it.DecisionType, it.Decision, it.Background, it.Recommendation, it.Closed, it.UpdatedAt.UTC().Format(time.RFC3339), len(it.Hearing), len(it.Earlier))
		for _, f := range it.FollowUps {
			fmt.Fprintf(&b, "  follow-up %s %s\n", f.ID, f.Description)
		}
	}
	return b.String()
}

// fingerprint is what the councils of munis say, through the service.
func fingerprint(t *testing.T, bdb *bun.DB, munis []*org.Organisation) []string {
	t.Helper()
	ctx := context.Background()
	svc := &council.Service{DB: bdb, Clock: &app.FixedClock{T: scaleNow}}
	var out []string
	for _, o := range munis {
		list, err := svc.List(ctx, o, 2026)
		if err != nil || len(list) != 1 {
			t.Fatalf("%s: councils %v, %v", o.Slug, list, err)
		}
		members, err := svc.Members(ctx, o, list[0].Council)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range members {
			out = append(out, o.Slug+" member "+m.Name+" "+m.Role+" "+m.RepresentsText)
		}
		ms, err := svc.Meetings(ctx, o, list[0].Council, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			v, err := svc.Meeting(ctx, o, m.CouncilID, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%s %s %s rev %d absent %q", o.Slug, m.StartsAt.UTC().Format(time.RFC3339), m.Status, m.Rev, v.Roll.AbsentNames()))
			for _, it := range v.Doc.Items {
				out = append(out, fmt.Sprintf("  %d %s %s %q %d", it.Number, it.Title, it.DecisionType, it.Decision, len(it.Background)))
			}
		}
	}
	return out
}
