package plan

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/scale"
)

// Scale is the action plans' slice of the scale data set: every
// municipality has an action plan in Tierp's layout (six focus areas,
// each a few goals with the problem they answer and the measures under
// them, 200 measures in all) written through the plan's own import, so
// its goals and measures are the shared objects a user's import makes.
// Most plans are adopted; a mix are shared with the networks or public.
// A share of the measures have a responsible member, so the plans fill
// "My work" and the progress grid as in a municipality.
type Scale struct {
	Measures int // per plan; zero: 200
}

// Name implements scale.Slice.
func (Scale) Name() string { return "action plans" }

// scaleAreas are Tierp's focus areas, in Norwegian.
var scaleAreas = []string{"Arbeid", "Bolig", "Språk og utdanning", "Holdninger", "Møteplasser", "Samverkan"}

var (
	scaleGoals = []string{
		"Flere nyankomne i arbeid eller utdanning etter introduksjonsprogrammet (nasjonalt mål 70 %, lokalt mål 75 %).",
		"Alle bosatte har en egnet bolig innen tre måneder etter bosetting.",
		"Deltakerne når minst nivå A2 muntlig i norsk ved endt program.",
		"Innbyggerne møter nyankomne med åpenhet, og fordommer motvirkes «i hverdagen».",
		"Det finnes møteplasser der nyankomne og andre innbyggere treffes jevnlig.",
		"Tjenestene samarbeider etter felles rutiner og et felles årshjul.",
	}
	scaleProblems = []string{
		"Mange står langt fra arbeidsmarkedet og mangler arbeidserfaring fra Norge.",
		"Det er få små og rimelige utleieboliger i sentrum, og ventetiden er lang.",
		"Fraværet i norskopplæringen er høyt, særlig blant kvinner med små barn.",
		"Undersøkelsen viser at mange nyankomne opplever seg lite velkomne (§ 4).",
		"Frivillige tilbud er avhengige av enkeltpersoner og når ikke alle.",
		"Ansvaret mellom NAV, skole, helse og flyktningtjenesten er uklart.",
	}
	scaleActivities = []string{
		"Språkpraksis i kommunale virksomheter med fast veileder",
		"Jobbsøkerkurs i samarbeid med NAV og lokalt næringsliv",
		"Boligsosial handlingsplan revideres med egen del om bosetting",
		"Bostøtte og startlån presenteres for alle deltakere i programmet",
		"Norskopplæring på kveldstid og med barnepass",
		"Kartlegging av kompetanse ved bosetting og plan for godkjenning av utdanning",
		"Informasjonsmøter om rettigheter og plikter, med tolk",
		"Temakveld for ansatte om kultursensitiv kommunikasjon",
		"Språkkafé hver torsdag på biblioteket i samarbeid med frivilligsentralen",
		"Fritidskortet gjøres kjent for barnefamilier; egen kontaktperson i idrettsrådet",
		"Felles inntaksmøte for NAV og flyktningtjenesten hver andre uke",
		"Årshjul for samarbeid mellom tjenestene vedtas og følges opp i styringsgruppen",
	}
	scaleResponsibles = []string{"NAV", "Flyktningtjenesten", "Voksenopplæringen", "Boligkontoret", "Helsestasjonen", "Kultur og fritid", "Kommunedirektøren"}
	scaleTimelines    = []string{"2027", "Q1 2027", "Q2 2027", "våren 2027", "høsten 2027", "1. halvår 2027", "2. tertial 2027", "innen 31.12.2027", "løpende", "årlig", "2028", "15.06.2027"}
)

// scaleResponsibleEvery: one measure in so many gets a responsible
// member, the members in turn (the rest name a unit only, as a plan in
// Word does).
const scaleResponsibleEvery = 3

// Generate implements scale.Slice.
func (s Scale) Generate(ctx context.Context, bdb *bun.DB, w *scale.World) (int, error) {
	per := s.Measures
	if per <= 0 {
		per = 200
	}
	svc := &Service{DB: bdb, Clock: scaleClock(w.Now)}
	rows := 0
	adopted := time.Date(w.Now.Year()-1, time.June, 14, 0, 0, 0, 0, time.UTC)
	from, to := w.Now.Year(), w.Now.Year()+3
	for i, o := range w.Municipalities {
		members := w.Members[o.ID]
		if len(members) == 0 {
			return rows, fmt.Errorf("%s has no members", o.Slug)
		}
		a := &app.Actor{UserID: members[0].UserID, OrgID: o.ID, OrgSlug: o.Slug, OrgKind: o.Kind, Role: members[0].Role}
		vis := VisibilityPrivate
		switch r := w.Rand.IntN(20); {
		case r < 3:
			vis = VisibilityPublic
		case r < 8:
			vis = VisibilityNetwork
		}
		p, err := svc.Create(ctx, o, a, Meta{
			Kind: "action_plan", Title: fmt.Sprintf("Handlingsplan for integrering %d–%d", from, to),
			Scope: "Alle kommunens tjenester", PeriodFrom: &from, PeriodTo: &to, Owner: "Kommunedirektøren",
			RegNumber: fmt.Sprintf("%d/%d", from, 100+i), Visibility: vis,
			MainGoal: "Nyankomne flyktninger skal raskt bli kvalifisert for arbeid eller utdanning og delta i lokalsamfunnet.",
		})
		if err != nil {
			return rows, fmt.Errorf("%s: %w", o.Slug, err)
		}
		res, err := svc.Import(ctx, o, a, p.ID, p.Rev, scaleImport(w, per))
		if err != nil {
			return rows, fmt.Errorf("%s: %w", o.Slug, err)
		}
		rows += 1 + res.Goals + res.Measures
		// A share of the measures get a responsible member, in turn.
		err = db.RunTx(ctx, bdb, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
			for j, m := range members {
				_, err := tx.NewRaw(`UPDATE measures SET responsible_user = ? WHERE org_id = ? AND plan_id = ? AND position % ? = ?`,
					m.UserID, o.ID, p.ID, scaleResponsibleEvery*len(members), scaleResponsibleEvery*j).Exec(ctx)
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return rows, err
		}
		if w.Rand.IntN(5) != 0 { // four in five are adopted
			p, err = svc.Header(ctx, o, p.ID)
			if err != nil {
				return rows, err
			}
			_, err = svc.SetStatus(ctx, o, a, p.ID, p.Rev, StatusAdopted, Adoption{
				AdoptedBy: "Kommunestyret", AdoptedOn: &adopted, DecisionRef: fmt.Sprintf("KS-sak %d/%d", 10+i%80, adopted.Year()%100)})
			if err != nil {
				return rows, fmt.Errorf("%s: adopt: %w", o.Slug, err)
			}
		}
	}
	return rows, nil
}

// scaleImport is one plan's table: per goals of per measures, spread over
// the focus areas, with texts picked from the seeds' register.
func scaleImport(w *scale.World, per int) *Import {
	im := &Import{}
	for _, title := range scaleAreas {
		im.Areas = append(im.Areas, ImportArea{Title: title})
	}
	row := 1
	for n := range per {
		ai := n % len(scaleAreas)
		area := &im.Areas[ai]
		r := ImportRow{Row: row,
			Activity:    scaleActivities[w.Rand.IntN(len(scaleActivities))] + fmt.Sprintf(" (tiltak %d)", n+1),
			Responsible: scaleResponsibles[w.Rand.IntN(len(scaleResponsibles))],
			Timeline:    scaleTimelines[w.Rand.IntN(len(scaleTimelines))],
		}
		if len(area.Rows)%8 == 0 { // a goal every eighth row of an area
			r.Goal = scaleGoals[ai]
			r.Problem = scaleProblems[ai]
		}
		if w.Rand.IntN(4) == 0 {
			r.FollowUp = "Følges opp i styringsgruppen hvert tertial; status rapporteres til hovedutvalget."
		}
		area.Rows = append(area.Rows, r)
		row++
	}
	return im
}

// scaleClock is a clock that always answers the data set's now.
type scaleClock time.Time

func (c scaleClock) Now() time.Time { return time.Time(c) }
