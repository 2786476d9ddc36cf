package survey

import (
	"context"
	"fmt"
	"strconv"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/scale"
)

// Scale is the surveys' slice of the scale data set: every network has
// the standard questionnaire (active), and every member municipality a
// round of it in the data set's year with 0 to MaxPer respondents (some
// under the network's small-count threshold, so that protection has
// work to do) and as many used links, a fifth of them with a free text.
type Scale struct {
	MaxPer int // zero: 60
}

// Name implements scale.Slice.
func (Scale) Name() string { return "survey rounds" }

// Generate implements scale.Slice.
func (s Scale) Generate(ctx context.Context, bdb *bun.DB, w *scale.World) (int, error) {
	maxPer := s.MaxPer
	if maxPer <= 0 {
		maxPer = 60
	}
	year := w.Now.Year()
	content := StandardContent("nb")
	rows := 0
	var responses []response
	var links []link
	flush := func() error {
		n, err := scale.Insert(ctx, bdb, responses)
		rows += n
		if err != nil {
			return err
		}
		n, err = scale.Insert(ctx, bdb, links)
		rows += n
		responses, links = responses[:0], links[:0]
		return err
	}
	for _, net := range w.Networks {
		q := &Questionnaire{OrgID: net.ID, Title: "Integreringsrosa – " + net.Name, Status: StatusActive, Content: content,
			Rev: 1, CreatedAt: w.Now, UpdatedAt: w.Now}
		var rounds []*Round
		err := db.RunTx(ctx, bdb, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
			if _, err := tx.NewInsert().Model(q).Returning("id").Exec(ctx); err != nil {
				return err
			}
			for _, m := range w.NetworkMembers[net.ID] {
				rounds = append(rounds, &Round{OrgID: m.ID, QuestionnaireOrgID: net.ID, QuestionnaireID: q.ID,
					Title: "Integreringsrosa " + strconv.Itoa(year), Year: year, Status: RoundOpen, Content: content,
					OpenedOn: w.Now.AddDate(0, -2, 0)})
			}
			if len(rounds) == 0 {
				return nil
			}
			_, err := tx.NewInsert().Model(&rounds).Returning("id").Exec(ctx)
			return err
		})
		if err != nil {
			return rows, err
		}
		rows += 1 + len(rounds)
		for _, r := range rounds {
			n := w.Rand.IntN(maxPer + 1)
			for i := range n {
				sc := map[string]int{}
				for _, x := range content.Questions {
					if x.Kind == KindScale && w.Rand.IntN(10) > 0 {
						sc[x.Key] = 1 + w.Rand.IntN(5)
					}
				}
				texts := map[string]string{}
				if i%5 == 0 {
					texts["wish"] = fmt.Sprintf("Flere møteplasser på kveldstid – «språkkafé» %d", i)
				}
				responses = append(responses, response{OrgID: r.OrgID, RoundID: r.ID,
					ID: scaleID(w), Scores: sc, Texts: texts})
				links = append(links, link{OrgID: r.OrgID, RoundID: r.ID, TokenHash: HashToken(fmt.Sprintf("scale-%d-%d", r.ID, i)), Used: true})
			}
		}
		if len(responses) >= 5000 {
			if err := flush(); err != nil {
				return rows, err
			}
		}
	}
	return rows, flush()
}

// scaleID is a response id as responseID makes them, from the data set's
// seeded source.
func scaleID(w *scale.World) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	b := make([]byte, 26)
	for i := range b {
		b[i] = alphabet[w.Rand.IntN(len(alphabet))]
	}
	return string(b)
}
