package council_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/org"
)

// seedItem is one of the nine items of Thisted's integration council on
// 27 June 2018 (seed 003), with its decision as the minutes print it.
type seedItem struct {
	Title, Decision string
	In              council.ItemInput
}

var cph = func() *time.Location {
	l, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		panic(err)
	}
	return l
}()

func cphDate(y int, m time.Month, d int) *time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return &t
}

// seedItems are the meeting's items, compact but with every title and
// decision of the seed.
func seedItems() []seedItem {
	const journal = "15.40.00-P35-1-17"
	ssu := "Social- og Sundhedsudvalget"
	route := func(extra ...council.Hearing) []council.Hearing {
		return append([]council.Hearing{{Body: ssu, Date: cphDate(2018, 6, 12)}}, extra...)
	}
	ir := func(role string) council.Hearing {
		return council.Hearing{Body: "Integrationsrådet", Role: role, Date: cphDate(2018, 6, 27)}
	}
	items := []seedItem{
		{Title: "Velkomst og præsentation af medlemmerne", Decision: "Velkomst og individuel præsentation.",
			In: council.ItemInput{CaseNumber: journal, Topic: "Velkomst og præsentation af medlemmerne\nDet nye Integrationsråd."}},
		{Title: "Ændring i Integrationsrådet",
			Decision: "Ændringerne i Integrationsrådet blev taget til efterretning.\nIntegrationsrådet konstituerede sig med:\n" +
				"- Nataliia Gudymenko som formand\n- Zenawi Ghebremicheal som næstformand",
			In: council.ItemInput{CaseNumber: journal, Topic: "Ændring i Integrationsrådet. Mayada Alo udtræder af rådet. I stedet indtræder suppleant Kumari Biswa i rådet"}},
		{Title: "Fastsættelse af møder i 2018",
			Decision: "Integrationsrådets møder resten af 2018 bliver:\nOnsdag 29/8, Kl. 16:30\nTorsdag 4/10, Kl. 16:30\nOnsdag 28/11, Kl. 16:30",
			In: council.ItemInput{CaseNumber: journal, Topic: "Ifølge vedtægterne for Integrationsrådet skal der holdes minimum 6 møder årligt.",
				Recommendation: "Der skal aftales mødekadance og datoer for Integrationsrådet det kommende år."}},
		{Title: "Emner eller temaer der skal drøftes og arbejdes med i Integrationsrådet",
			Decision: "Integrationspris ønskes videreført. Desuden ønsker Integrationsrådet at drøfte følgende emner:\n" +
				"- Tosprogede børn og deres vilkår i forbindelse med start i dagtilbud eller skole, der ytres ønske om tilbud om \"forældrekursus\" " +
				"i dansk kultur og traditioner om børneopdragelse og med introduktion til regler, rammer og hverdagen i dagtilbud/skole.\n" +
				"- Regeringens strategi \"Ét Danmark uden parallelsamfund - Ingen ghettoer i 2030\".\n" +
				"- Tolk - Findes der gratis tolke i Thisted eller kan der laves frivillige tolke, der kan støtte muligheden for (fremmøde) " +
				"tolkning ved læge (eller andre myndigheder). Integrationsrådet ønsker afklaret, hvordan frivillige tolke fungerer andre steder.\n" +
				"- Hvordan kan vi endnu bedre støtte Integrationsborgere til fritidstilbud - ud fra oplevelsen af, at det styrker integration og sprogudvikling.\n" +
				"- Muligheden for at lave et arrangement, f.eks. i stil med International dag på Sprogcenteret, workshop med Integrationsrådet " +
				"i frivillighusets lokaler, eller noget helt andet, der kan øge fokus på området.\n" +
				"- Afklare mulighederne for økonomisk støttede ture i sommerland eller andre kulturelle tilbud.",
			In: council.ItemInput{CaseNumber: journal, Topic: "Hvilke emner eller temaer skal der drøftes og arbejdes med i Integrationsrådet?"}},
		{Title: "MindSpring forløb", Decision: "Informationen taget til efterretning.",
			In: council.ItemInput{CaseNumber: journal, Topic: "Information om forespørgsel og tilbud om MindSpring-forløb til borgere med flygtningebaggrund fra Dansk Flygtningehjælp."}},
		{Title: "Mulighed for oplæg om bedre integration, mindre radikalisering",
			Decision: "Informationen taget til efterretning. Integrationsrådet ønsker ikke at benytte tilbuddet.",
			In:       council.ItemInput{CaseNumber: journal, Topic: "Tilbud om oplæg om bedre integration, mindre radikalisering."}},
		{Title: "Evaluering af implementeringen af Asyl- og integrationspolitikken", Decision: "Taget til efterretning.",
			In: council.ItemInput{CaseNumber: "15.40.00-A21-1-18", Topic: "Evaluering af implementeringen af Asyl- og integrationspolitikken",
				Background: "Kommunalbestyrelsen godkendte Asyl- og integrationspolitikken den 20. december 2016.",
				LegalBasis: "Intet at bemærke.", Economic: "Intet at bemærke.", OtherConsequences: "Intet at bemærke.",
				Hearing:        route(ir(council.HearingOrientation)),
				Recommendation: "Børne- og Familieforvaltningen indstiller, at orienteringen tages til efterretning.",
				Earlier:        []council.Earlier{{Body: ssu, Date: cphDate(2018, 6, 12), Item: "pkt. 118", Text: "Taget til efterretning."}}}},
		{Title: "Asyl og Integrationsafdelingens fremtidige integrationsindsatser", Decision: "Taget til efterretning.",
			In: council.ItemInput{CaseNumber: "15.40.00-A00-8-15", Topic: "Status og fremtidige integrationsindsatser i Asyl- og Integrationsafdelingen",
				LegalBasis: "Integrationslov mv.", Economic: "De nye indsatser holdes inden for Asyl og Integrationsafdelingens eksisterende budget.",
				Hearing: route(ir(council.HearingOrientation), council.Hearing{Body: "Område-MED Dagtilbud, PPR, Integration og Familie",
					Role: council.HearingOrientation, Date: cphDate(2018, 8, 9)}),
				Recommendation: "Børne og Familieforvaltningen indstiller, at orienteringen tages til efterretning.",
				Earlier:        []council.Earlier{{Body: ssu, Date: cphDate(2018, 6, 12), Item: "pkt. 119", Text: "Taget til efterretning."}}}},
		{Title: "Revidering af Retningslinjer for § 18-midler til frivilligt socialt arbejde",
			Decision: "Integrationsrådet tilslutter sig oplægget og bemærker, at man finder det godt med lokal forankring og lokale tiltag.",
			In: council.ItemInput{CaseNumber: "27.15.12-Ø40-6-16", Topic: "Retningslinjer for § 18-midler til frivilligt socialt arbejde er revideret.",
				LegalBasis: "Serviceloven § 18.", Economic: "Intet at bemærke.", OtherConsequences: "Intet at bemærke.",
				Hearing: route(council.Hearing{Body: "Ældre-/Seniorrådet", Role: council.HearingHearing, Date: cphDate(2018, 6, 19)},
					ir(council.HearingHearing)),
				Recommendation: "Forvaltningen indstiller, at sagen sendes i høring hos de respektive råd.",
				Earlier: []council.Earlier{{Body: ssu, Date: cphDate(2018, 6, 12), Item: "pkt. 123", Text: "Sendes i høring."},
					{Body: "Ældre-/Seniorrådet", Date: cphDate(2018, 6, 19), Item: "pkt. 11", Text: "Punkt 1 er vigtigst."}}}},
	}
	for i := range items {
		items[i].In.Title, items[i].In.Decision = items[i].Title, items[i].Decision
		items[i].In.DecisionType = council.DecisionNoted
	}
	return items
}

// seedMeeting is the built fixture.
type seedMeeting struct {
	Council *council.Council
	Meeting *council.Meeting
	Items   []*council.Item
	Later   []*council.Meeting // 4 October and 28 November 2018
}

// buildSeedMeeting records Thisted's integration council (2018–2021, public
// as visibility says) with its members, the meeting of 27 June 2018 at
// 16:00 with its nine items, Mushin Jetto and Ann Frederiksen absent, and
// the later meetings of 4 October and 28 November at 16:30. The meeting
// is held; its minutes are a draft.
func buildSeedMeeting(t *testing.T, svc *council.Service, o *org.Organisation, visibility string) seedMeeting {
	t.Helper()
	ctx, a := context.Background(), &app.Actor{Name: "Bo Skou Frank"}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	from, to := 2018, 2021
	c, err := svc.Create(ctx, o, council.CouncilInput{Kind: council.KindIntegrationCouncil, Name: "Integrationsrådet", TermFrom: &from, TermTo: &to,
		MinMeetings: 6, Place: "Mødelokale A", SignOff: council.SignOffMembersPresent, Visibility: visibility})
	must(err)
	start := cphDate(2018, 6, 1)
	add := func(name, role, represents, text string, sub *int64) *council.Member {
		t.Helper()
		m, err := svc.AddMember(ctx, o, c.ID, council.MemberInput{Name: name, Role: role, Represents: represents, RepresentsText: text,
			SubstituteFor: sub, FromDate: start})
		must(err)
		return m
	}
	preben := add("Preben Holler", council.RoleMember, council.RepresentsPolitics, "Politiker", nil)
	add("Torben Overgaard", council.RoleSubstitute, council.RepresentsPolitics, "Politiker", &preben.ID)
	var absent []*council.Member
	ms := []*council.Member{preben}
	for _, p := range [][2]string{{"Fithawi Habtom", "Eritrea"}, {"Puhl Kumari Biswa", "Bhutan"}, {"Zenawi Ghebremichael", "Eritrea"},
		{"Mushin Jetto", "Syrien"}, {"Nataliia Gudymenko", "Ukraine"}} {
		role := council.RoleMember
		if p[0] == "Nataliia Gudymenko" {
			role = council.RoleChair
		}
		m := add(p[0], role, council.RepresentsResidents, "Nationalitet: "+p[1], nil)
		ms = append(ms, m)
		if p[0] == "Mushin Jetto" {
			absent = append(absent, m)
		}
	}
	ms = append(ms, add("Martin Kondrup Knudsen", council.RoleMember, council.RepresentsAdministration, "Chef for Dagtilbud, PPR, Asyl og Integration", nil))
	ann := add("Ann Frederiksen", council.RoleMember, council.RepresentsAdministration, "Jobcenterchef", nil)
	ms, absent = append(ms, ann), append(absent, ann)
	ms = append(ms, add("Birgit Margrethe Sigaard Jensen", council.RoleMember, council.RepresentsAdministration, "Leder Sprogcenter Thisted", nil))
	add("Mezgebu Nugersie", council.RoleSubstitute, council.RepresentsResidents, "Nationalitet: Eritrea", nil)
	add("Bo Skou Frank", council.RoleSecretary, council.RepresentsAdministration, "Sekretær for udvalget", nil)

	m, err := svc.CreateMeeting(ctx, o, c.ID, council.MeetingInput{StartsAt: time.Date(2018, 6, 27, 16, 0, 0, 0, cph).UTC(), Place: "Mødelokale A"})
	must(err)
	out := seedMeeting{Council: c}
	for _, si := range seedItems() {
		it, err := svc.AddItem(ctx, o, c.ID, m.ID, 0, si.In)
		must(err)
		out.Items = append(out.Items, it)
	}
	var att []council.AttendanceInput
	for _, mb := range ms {
		st := council.Present
		for _, ab := range absent {
			if ab.ID == mb.ID {
				st = council.AbsentNotice
			}
		}
		att = append(att, council.AttendanceInput{MemberID: mb.ID, Status: st})
	}
	_, err = svc.SetAttendance(ctx, o, c.ID, m.ID, 0, att)
	must(err)
	out.Meeting, err = svc.MarkHeld(ctx, o, a, c.ID, m.ID)
	must(err)
	for _, d := range []int{4, 28} {
		month := time.October
		if d == 28 {
			month = time.November
		}
		l, err := svc.CreateMeeting(ctx, o, c.ID, council.MeetingInput{StartsAt: time.Date(2018, month, d, 16, 30, 0, 0, cph).UTC(), Place: "Mødelokale A"})
		must(err)
		out.Later = append(out.Later, l)
	}
	return out
}

// approveAndPublish approves a held meeting's minutes (nobody present is
// a user, so the secretary records the approval) and publishes them.
func approveAndPublish(t *testing.T, svc *council.Service, o *org.Organisation, c *council.Council, m *council.Meeting) {
	t.Helper()
	ctx, a := context.Background(), &app.Actor{Name: "Bo Skou Frank"}
	if err := svc.Approve(ctx, o, a, c.ID, m.ID, council.ApproveInput{}); err != nil {
		t.Fatalf("approve: %v", err)
	}
	if err := svc.Publish(ctx, o, a, c.ID, m.ID); err != nil {
		t.Fatalf("publish: %v", err)
	}
}

// squash folds runs of white space into one space, as text extracted
// from a PDF breaks lines where the page did.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }
