package workbook

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/scale"
)

// Scale is the workbooks' slice of the scale data set: each network
// publishes a workbook of 5 chapters × 8 problem statements, and every
// member municipality answers all 40 with texts as long as the seed
// workbook's (a few hundred to a few thousand characters), two goals and
// three measures, a mix of visibility, and one revision each.
type Scale struct {
	Chapters, Statements int // per workbook; zero: 5 and 8
}

// Name implements scale.Slice.
func (Scale) Name() string { return "workbook answers" }

// scaleSentences are the building blocks of generated answers, in the
// seed workbook's register.
var scaleSentences = []string{
	"Kommunen bosetter flyktninger etter anmodning fra IMDi, og vedtaket for 2016 er 25 personer.",
	"Voksenopplæringen har i dag 48 deltakere i norskopplæring, fordelt på spor 1, 2 og 3.",
	"Avtalen med nabokommunen om voksenopplæring er sagt opp fra 01.01.2017.",
	"NAV og flyktningtjenesten har felles inntaksmøter, men rutinene er ikke skriftliggjort.",
	"Boligkontoret melder om få små og rimelige utleieboliger i sentrum.",
	"Introduksjonsprogrammet skal gi grunnleggende ferdigheter i norsk og innsikt i samfunnslivet.",
	"Resultatene etter endt program ligger under det nasjonale målet på 70 % i arbeid eller utdanning.",
	"Frivilligsentralen driver språkkafé hver torsdag, med 15–20 deltakere «på en god dag».",
	"Helsestasjonen tilbyr helseundersøkelse innen tre måneder etter bosetting (§ 4 i forskriften).",
	"Skolen har innføringsklasse for elever på ungdomstrinnet, men ikke på barnetrinnet.",
	"Samarbeidet med næringslivet om språkpraksis er avhengig av enkeltpersoner.",
	"Det er behov for en felles plan for kvalifisering som alle tjenestene eier.",
}

// Generate implements scale.Slice.
func (s Scale) Generate(ctx context.Context, bdb *bun.DB, w *scale.World) (int, error) {
	chapters, statements := s.Chapters, s.Statements
	if chapters <= 0 {
		chapters = 5
	}
	if statements <= 0 {
		statements = 8
	}
	svc := &Service{DB: bdb, Clock: fixedClock(w.Now)}
	rows := 0
	for _, nw := range w.Networks {
		spec := TemplateSpec{Name: "Arbeidsbok for " + nw.Name}
		for c := range chapters {
			cs := ChapterSpec{Title: fmt.Sprintf("Kapittel %d: %s", c+1, []string{"Bosetting", "Kvalifisering", "Arbeid", "Helse", "Inkludering"}[c%5])}
			for st := range statements {
				cs.Statements = append(cs.Statements, StatementSpec{
					Title:    fmt.Sprintf("Problemstilling %d.%d: samarbeid om tjenestene for nyankomne", c+1, st+1),
					Guidance: "Beskriv dagens situasjon, målene, hvem som har ansvaret og når tiltakene skal være gjennomført.",
				})
			}
			spec.Chapters = append(spec.Chapters, cs)
		}
		t, err := svc.CreateTemplate(ctx, nw, spec)
		if err != nil {
			return rows, err
		}
		books, err := svc.PublishTemplate(ctx, nw, t.ID, "2026–2027")
		if err != nil {
			return rows, err
		}
		n, err := scaleAnswers(ctx, bdb, w, t, books)
		rows += n
		if err != nil {
			return rows, err
		}
		n, err = scaleGatherings(ctx, svc, bdb, w, nw, t, books)
		rows += n
		if err != nil {
			return rows, err
		}
	}
	return rows, nil
}

// scaleGatherings plans two gatherings of network nw, the first chapters
// due at the first and the rest at the second, and gives each member's
// chapters due at the first a status, as the coordinator's progress grid
// shows them.
func scaleGatherings(ctx context.Context, svc *Service, bdb *bun.DB, w *scale.World, nw *org.Organisation, t *Template, books []*Workbook) (int, error) {
	half := (len(t.Chapters) + 1) / 2
	rows := 0
	for i, chs := range [][]*Chapter{t.Chapters[:half], t.Chapters[half:]} {
		g := &Gathering{Title: fmt.Sprintf("Samling %d: «Hvordan står det til med kvalifiseringen?»", i+1),
			StartsOn: w.Now.AddDate(0, 0, 14+90*i).Truncate(24 * time.Hour), Place: "Rådhuset, møterom Ærfugl",
			Agenda: "Hver kommune legger fram status for kapitlene; erfaringsdeling og felles tiltak."}
		for _, ch := range chs {
			g.ChapterIDs = append(g.ChapterIDs, ch.ID)
		}
		if err := svc.CreateGathering(ctx, nw, g); err != nil {
			return rows, err
		}
		rows += 1 + len(chs)
	}
	var statuses []*chapterStatus
	for _, b := range books {
		for _, ch := range t.Chapters[:half] {
			statuses = append(statuses, &chapterStatus{OrgID: b.OrgID, WorkbookID: b.ID, ChapterID: ch.ID,
				Status: ChapterStatuses[w.Rand.IntN(len(ChapterStatuses))], UpdatedAt: w.Now})
		}
	}
	n, err := scale.Insert(ctx, bdb, statuses)
	return rows + n, err
}

// scaleAnswers answers every statement of t in each of books, then writes
// each answer's first revision.
func scaleAnswers(ctx context.Context, bdb *bun.DB, w *scale.World, t *Template, books []*Workbook) (int, error) {
	var entries []*Entry
	var contents []Content
	titles := map[int64]string{}
	for _, b := range books {
		members := w.Members[b.OrgID]
		for _, ch := range t.Chapters {
			for _, st := range ch.Statements {
				c := scaleContent(w, members, t.Sections)
				for i := range c.Goals {
					c.Goals[i].ID = scaleID(w)
				}
				for i := range c.Measures {
					c.Measures[i].ID = scaleID(w)
				}
				titles[st.ID] = st.Title
				raw, err := json.Marshal(c)
				if err != nil {
					return 0, err
				}
				html, err := renderAnswers(c.Answers, &Entry{})
				if err != nil {
					return 0, err
				}
				text := searchText(st.Title, &c)
				e := &Entry{OrgID: b.OrgID, WorkbookID: b.ID, StatementID: st.ID, Version: 1,
					Visibility: []string{VisibilityNetwork, VisibilityNetwork, VisibilityPrivate, VisibilityPublic}[w.Rand.IntN(4)],
					Raw:        string(raw), RawHTML: &html, SearchText: &text, UpdatedAt: w.Now}
				if len(members) > 2 {
					e.UpdatedBy = &members[2].UserID
				}
				entries, contents = append(entries, e), append(contents, c)
			}
		}
	}
	n, err := scale.Insert(ctx, bdb, entries)
	if err != nil {
		return n, err
	}
	revs := make([]*Revision, len(entries))
	for i, e := range entries {
		revs[i] = &Revision{OrgID: e.OrgID, EntryID: e.ID, Version: 1, AuthorID: e.UpdatedBy,
			AuthorName: "Import", CreatedAt: e.UpdatedAt, Raw: e.Raw, Visibility: e.Visibility}
	}
	k, err := scale.Insert(ctx, bdb, revs)
	if err != nil {
		return n + k, err
	}
	// The goals and measures as rows, as saving each answer would make them.
	var goals []*measure.GoalRow
	var measures []*measure.MeasureRow
	for i, e := range entries {
		src := measure.Source{Kind: measure.SourceWorkbookEntry, EntryID: e.ID, Title: titles[e.StatementID], Visibility: e.Visibility,
			Path: fmt.Sprintf("workbooks/%d/statements/%d", e.WorkbookID, e.StatementID)}
		g, m := measure.Rows(e.OrgID, src, contents[i].Goals, contents[i].Measures, w.Now)
		goals, measures = append(goals, g...), append(measures, m...)
	}
	kg, err := scale.Insert(ctx, bdb, goals)
	if err != nil {
		return n + k + kg, err
	}
	km, err := scale.Insert(ctx, bdb, measures)
	return n + k + kg + km, err
}

// scaleContent is one answer: every section with a text of 2 to 20
// sentences, two goals and three measures, one measure with a
// responsible member and a date deadline, one with a period as deadline.
func scaleContent(w *scale.World, members []scale.Member, sections []*Section) Content {
	c := Content{Answers: map[string]string{}}
	for _, sec := range sections {
		if sec.RetiredAt != nil {
			continue
		}
		var b strings.Builder
		for i := range 2 + w.Rand.IntN(19) {
			if i > 0 {
				b.WriteString(" ")
				if i%5 == 0 {
					b.WriteString("\n\n")
				}
			}
			b.WriteString(scaleSentences[w.Rand.IntN(len(scaleSentences))])
		}
		c.Answers[sec.Key] = b.String()
	}
	baseline, target := float64(w.Rand.IntN(40)), float64(40+w.Rand.IntN(60))
	c.Goals = []Goal{
		{Statement: "Flere deltakere i arbeid eller utdanning etter introduksjonsprogrammet", Baseline: &baseline, Target: &target, Unit: "%", Status: measure.StatusOngoing},
		{Statement: "Alle nyankomne barn har skoleplass innen en måned", Status: measure.StatusNotStarted},
	}
	deadline := w.Now.AddDate(0, 0, w.Rand.IntN(120)-30)
	m := Measure{Description: "Etablere felles inntaksmøte med NAV og voksenopplæringen", Responsible: "Flyktningkoordinator",
		Deadline: &deadline, Status: measure.StatusOngoing}
	for _, mb := range members {
		if mb.Role == "contributor" {
			m.ResponsibleUser = &mb.UserID
			break
		}
	}
	c.Measures = []Measure{m,
		{Description: "Språkpraksis i kommunale virksomheter", Responsible: "Rådmannens ledergruppe", DeadlineText: "Høst 2026", Status: measure.StatusNotStarted},
		{Description: "Skriftliggjøre rutinene for bosetting", Responsible: "Flyktningtjenesten", DeadlineText: "Løpende", Status: measure.StatusDone},
	}
	return c
}

// scaleID is a goal's or measure's id from the data set's seed, so the
// same seed makes the same data.
func scaleID(w *scale.World) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	b := make([]byte, 16)
	for i := range b {
		b[i] = alphabet[w.Rand.IntN(len(alphabet))]
	}
	return string(b)
}

// fixedClock is a clock that always answers t.
type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }
