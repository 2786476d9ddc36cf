package survey

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"sort"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/disclosure"
	"github.com/samvirke/samvirke/internal/kept"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/plan"
)

// AxisScore is one spoke of a rose: the mean over the respondents who
// answered the axis of each one's mean on it, how many answered it, and
// how many of them scored at least the questionnaire's GoodFrom.
type AxisScore struct {
	Key      string  `json:"key"`
	Mean     float64 `json:"mean"`
	Answered int     `json:"answered"`
	Good     int     `json:"good"`
}

// Rose is the integration rose of a set of responses: a score per axis
// in the questionnaire's order, and the number of respondents.
type Rose struct {
	Respondents int         `json:"respondents"`
	Axes        []AxisScore `json:"axes"`
}

// Axis answers the score of axis key.
func (r *Rose) Axis(key string) (AxisScore, bool) {
	for _, a := range r.Axes {
		if a.Key == key {
			return a, true
		}
	}
	return AxisScore{}, false
}

// roseOf computes the rose of rs on c's axes. A respondent's score on an
// axis is the mean of their answers to its scale questions; the axis's
// score is the mean of those over the respondents who answered it, so
// each respondent weighs the same whatever the number of questions they
// answered.
func roseOf(c *Content, rs []*response) Rose {
	out := Rose{Respondents: len(rs)}
	for _, a := range c.Axes {
		qs := c.AxisQuestions(a.Key)
		sc := AxisScore{Key: a.Key}
		var sum float64
		for _, r := range rs {
			var s, n float64
			for _, q := range qs {
				if v, ok := r.Scores[q.Key]; ok {
					s, n = s+float64(v), n+1
				}
			}
			if n == 0 {
				continue
			}
			m := s / n
			sum += m
			sc.Answered++
			if m >= c.GoodFrom {
				sc.Good++
			}
		}
		if sc.Answered > 0 {
			sc.Mean = sum / float64(sc.Answered)
		}
		out.Axes = append(out.Axes, sc)
	}
	return out
}

// pool weights roses on the same axes by their respondents: each axis's
// mean is the mean over every respondent who answered it, as if their
// responses were one round.
func pool(c *Content, roses []Rose) Rose {
	out := Rose{}
	for _, a := range c.Axes {
		out.Axes = append(out.Axes, AxisScore{Key: a.Key})
	}
	sums := make([]float64, len(out.Axes))
	for _, r := range roses {
		out.Respondents += r.Respondents
		for i := range out.Axes {
			if s, ok := r.Axis(out.Axes[i].Key); ok {
				sums[i] += s.Mean * float64(s.Answered)
				out.Axes[i].Answered += s.Answered
				out.Axes[i].Good += s.Good
			}
		}
	}
	for i := range out.Axes {
		if out.Axes[i].Answered > 0 {
			out.Axes[i].Mean = sums[i] / float64(out.Axes[i].Answered)
		}
	}
	return out
}

// FreeText is the free-text answers to one question.
type FreeText struct {
	Question Question
	Answers  []string
}

// Earlier is an earlier round of the same questionnaire and its rose.
type Earlier struct {
	Round *Round
	Rose  Rose
}

// Results is a round as its municipality sees it: its rose, earlier
// rounds of the same questionnaire, the network's rose when the
// questionnaire is a network's (nil when it is the municipality's own, or
// when protection hides it), the free texts, and the follow-ups.
type Results struct {
	Round   *Round
	Rose    Rose
	Earlier []Earlier
	// Network is the rose of every member municipality's latest round of
	// the network's questionnaire in the round's year, weighted by
	// respondents; NetworkName names the network; Municipalities counts
	// the municipalities in it.
	Network        *Rose
	NetworkName    string
	Municipalities int
	FreeTexts      []FreeText
	Followups      []Followup
	// Links made and used.
	Links, LinksUsed int
}

// Low answers the axes whose score is under the questionnaire's LowBelow.
func (r *Results) Low() []AxisScore {
	var out []AxisScore
	for _, a := range r.Rose.Axes {
		if a.Answered > 0 && a.Mean < r.Round.Content.LowBelow {
			out = append(out, a)
		}
	}
	return out
}

// Results answers o's round id with everything its page shows.
func (s *Service) Results(ctx context.Context, o *org.Organisation, id int64) (*Results, error) {
	return s.results(ctx, o, id, nil)
}

// ResultsForEditor answers Results with what the round's editors choose
// from when they follow an axis up: o's members (the responsible) and its
// current plans with their focus areas (where the measure goes), read in
// the same unit of work.
func (s *Service) ResultsForEditor(ctx context.Context, o *org.Organisation, id int64) (*Results, []*account.Member, []plan.CopyTarget, error) {
	var members []*account.Member
	var targets []plan.CopyTarget
	res, err := s.results(ctx, o, id, func(ctx context.Context, idb bun.IDB) error {
		var err error
		if members, err = account.FindMembers(ctx, idb, o.ID); err != nil {
			return err
		}
		targets, err = plan.FindTargets(ctx, idb, o.ID)
		return err
	})
	return res, members, targets, err
}

// results answers Results; also, when set, reads more in the round's unit
// of work.
func (s *Service) results(ctx context.Context, o *org.Organisation, id int64, also func(ctx context.Context, idb bun.IDB) error) (*Results, error) {
	out := &Results{}
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		r := new(Round)
		if err := getRound(ctx, idb, o.ID, id, r); err != nil {
			return err
		}
		out.Round = r
		rs, err := responsesOf(ctx, idb, []int64{o.ID}, []int64{r.ID}, true)
		if err != nil {
			return err
		}
		out.Rose = roseOf(&r.Content, rs[r.ID])
		for _, q := range r.Content.Questions {
			if q.Kind != KindText {
				continue
			}
			ft := FreeText{Question: q}
			for _, x := range rs[r.ID] {
				if t := x.Texts[q.Key]; t != "" {
					ft.Answers = append(ft.Answers, t)
				}
			}
			sort.Strings(ft.Answers) // never in the order they came
			out.FreeTexts = append(out.FreeTexts, ft)
		}
		var earlier []*Round
		if err := idb.NewSelect().Model(&earlier).
			Where("org_id = ? AND questionnaire_org_id = ? AND questionnaire_id = ? AND id <> ?", o.ID, r.QuestionnaireOrgID, r.QuestionnaireID, r.ID).
			Where("year < ? OR (year = ? AND id < ?)", r.Year, r.Year, r.ID).OrderExpr("year DESC, id DESC").Limit(5).Scan(ctx); err != nil {
			return err
		}
		ids := make([]int64, len(earlier))
		for i, e := range earlier {
			ids[i] = e.ID
		}
		// An earlier round is read on this round's axes: the same
		// questionnaire, perhaps edited between the two.
		roses, err := s.rosesOf(ctx, idb, []int64{o.ID}, ids, &r.Content)
		if err != nil {
			return err
		}
		for _, e := range earlier {
			out.Earlier = append(out.Earlier, Earlier{Round: e, Rose: roses[e.ID]})
		}
		if out.Followups, err = followupsOf(ctx, idb, o.ID, r.ID); err != nil {
			return err
		}
		if out.Links, out.LinksUsed, err = linkCounts(ctx, idb, o.ID, r.ID); err != nil || also == nil {
			return err
		}
		return also(ctx, idb)
	})
	if err != nil {
		return nil, err
	}
	if out.Round.QuestionnaireOrgID != o.ID {
		nr, err := s.networkRoses(ctx, out.Round.QuestionnaireOrgID, out.Round.QuestionnaireID, out.Round.Year, &out.Round.Content, o.ID)
		if err != nil {
			return nil, err
		}
		out.NetworkName, out.Municipalities = nr.Network.Name, len(nr.Members)
		if nr.TotalShown {
			out.Network = &nr.Total
		}
	}
	return out, nil
}

// responsesOf answers the responses of rounds ids of the organisations
// orgIDs, by round (round ids are unique across organisations): their
// scores, and their free texts when texts is set (a rose needs only the
// scores; free texts are the longest part of a response).
func responsesOf(ctx context.Context, idb bun.IDB, orgIDs []int64, ids []int64, texts bool) (map[int64][]*response, error) {
	out := map[int64][]*response{}
	if len(ids) == 0 {
		return out, nil
	}
	var rs []*response
	q := idb.NewSelect().Model(&rs).Column("round_id", "scores")
	if texts {
		q = q.Column("texts")
	}
	if err := q.Where("org_id IN (?) AND round_id IN (?)", bun.In(orgIDs), bun.In(ids)).Scan(ctx); err != nil {
		return nil, err
	}
	for _, r := range rs {
		out[r.RoundID] = append(out[r.RoundID], r)
	}
	return out, nil
}

// MemberRose is one member municipality's rose in a network's results:
// Status says how its respondents are published (disclosure.Shown: the
// rose is shown; Small: «under threshold+1», no rose; Hidden: not shown,
// no rose). Rose is empty unless Shown or the reader's own.
type MemberRose struct {
	Org         *org.Organisation
	Round       *Round
	Respondents int // 0 unless Shown or the reader's own
	Status      disclosure.Status
	Own         bool
	Rose        Rose
}

// Visible reports whether the member's rose may be shown to the reader.
func (m MemberRose) Visible() bool { return m.Own || m.Status == disclosure.Shown }

// NetworkRoses is a network questionnaire's results in one year.
type NetworkRoses struct {
	Network   *org.Organisation
	Year      int
	Threshold int
	Members   []MemberRose // those with a round, by name
	// Total is every member's latest round pooled (weighted by
	// respondents); TotalShown says protection lets the reader see it.
	Total      Rose
	TotalShown bool
	Content    *Content
}

// networkRoses answers the roses of the members of network netID with a
// round of its questionnaire qID in year, protected for reader (a member
// municipality's id, or 0 for the network's coordinators): a member's
// respondents are a count protected as indicator counts are
// (disclosure.Protect with the network's threshold), so a rose with
// fewer respondents than the threshold is never shown outside its
// municipality, nor can it be computed back from the network's.
// content, when set, is the axes the roses are read on (the reader's
// round's); else the questionnaire's own.
func (s *Service) networkRoses(ctx context.Context, netID, qID int64, year int, content *Content, reader int64) (*NetworkRoses, error) {
	out := &NetworkRoses{Year: year}
	// Across tenants: the service reads the members' rounds itself and
	// answers only what protection lets the reader see.
	err := db.Run(ctx, s.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		n, err := org.FindOrganisationByID(ctx, idb, netID)
		if err != nil {
			return err
		}
		if n.Kind != org.KindNetwork {
			return errNotFound
		}
		out.Network = n
		out.Threshold = n.SmallCountThreshold
		if out.Threshold < disclosure.MinThreshold {
			out.Threshold = disclosure.DefaultThreshold
		}
		if content == nil {
			q := new(Questionnaire)
			if err := db.Err(idb.NewSelect().Model(q).Where("org_id = ? AND id = ?", netID, qID).Scan(ctx), "survey.error.not_found"); err != nil {
				return err
			}
			content = &q.Content
		}
		out.Content = content
		members, err := org.FindNetworkMemberOrgs(ctx, idb, netID, s.now())
		if err != nil {
			return err
		}
		// Two queries whatever the network's size: the members' rounds
		// of the year, then their responses.
		if len(members) == 0 {
			return nil
		}
		ids := make([]int64, len(members))
		for i, m := range members {
			ids[i] = m.ID
		}
		var rounds []*Round // which, not what: the roses are read on content
		if err := idb.NewSelect().Model(&rounds).Column("org_id", "id").
			Where("questionnaire_org_id = ? AND questionnaire_id = ? AND year = ? AND org_id IN (?)", netID, qID, year, bun.In(ids)).
			Scan(ctx); err != nil {
			return err
		}
		latest := map[int64]*Round{} // a member's latest round of the year
		for _, r := range rounds {
			if l := latest[r.OrgID]; l == nil || r.ID > l.ID {
				latest[r.OrgID] = r
			}
		}
		roundIDs := make([]int64, 0, len(latest))
		for _, r := range latest {
			roundIDs = append(roundIDs, r.ID)
		}
		roses, err := s.rosesOf(ctx, idb, ids, roundIDs, content)
		if err != nil {
			return err
		}
		for _, m := range members {
			if r := latest[m.ID]; r != nil {
				out.Members = append(out.Members, MemberRose{Org: m, Round: r, Own: m.ID == reader, Rose: roses[r.ID]})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	t := disclosure.Table{Base: make([]int64, len(out.Members)), Known: make([]bool, len(out.Members))}
	total := disclosure.Cell{}
	roses := make([]Rose, len(out.Members))
	for i, m := range out.Members {
		t.Base[i], t.Known[i] = int64(m.Rose.Respondents), m.Own
		t.Cells = append(t.Cells, disclosure.Cell{Parts: []int32{int32(i)}})
		total.Parts = append(total.Parts, int32(i))
		roses[i] = m.Rose
	}
	t.Cells = append(t.Cells, total)
	st, err := disclosure.Protect(t, out.Threshold)
	if err != nil {
		return nil, fmt.Errorf("survey: protect network %d: %w", netID, err)
	}
	for i := range out.Members {
		out.Members[i].Status = st[i]
		if out.Members[i].Visible() {
			out.Members[i].Respondents = out.Members[i].Rose.Respondents
		} else {
			out.Members[i].Rose = Rose{}
		}
	}
	out.Total = pool(content, roses)
	out.TotalShown = st[len(st)-1] == disclosure.Shown && out.Total.Respondents > 0
	if !out.TotalShown {
		out.Total = Rose{}
	}
	return out, nil
}

// roseKey is a round's rose on a questionnaire's scoring, under the
// round's data version (its responses).
type roseKey struct {
	round, version int64
	scoring        uint64
}

// rosesOf answers the roses of the rounds ids (of the organisations
// orgIDs) on content's axes, by round id. A round's rose is kept under its
// data version (migration survey_round_version: every write of its
// responses bumps it) and the scoring it was computed on: the responses
// are read only for rounds answered since. Versions are read before the
// responses, so a rose kept under a version is at least as new as it.
func (s *Service) rosesOf(ctx context.Context, idb bun.IDB, orgIDs, ids []int64, content *Content) (map[int64]Rose, error) {
	out := make(map[int64]Rose, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	scopes := make([]string, len(ids))
	for i, id := range ids {
		scopes[i] = kept.SurveyRound(id)
	}
	vs, err := kept.Versions(ctx, idb, scopes)
	if err != nil {
		return nil, err
	}
	scoring := content.scoring()
	var missing []int64
	var missingKeys []roseKey
	for i, id := range ids {
		k := roseKey{id, vs[scopes[i]], scoring}
		if r, ok := s.roses.Get(k); ok {
			out[id] = r
		} else {
			missing, missingKeys = append(missing, id), append(missingKeys, k)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	rs, err := responsesOf(ctx, idb, orgIDs, missing, false)
	if err != nil {
		return nil, err
	}
	for i, id := range missing {
		r := roseOf(content, rs[id])
		s.roses.Put(missingKeys[i], r)
		out[id] = r
	}
	return out, nil
}

// scoring answers a hash of what a rose computed on c depends on: each
// axis's key and scale questions, and where a respondent does well.
func (c *Content) scoring() uint64 {
	h := fnv.New64a()
	var b [8]byte
	for _, a := range c.Axes {
		h.Write([]byte(a.Key))
		h.Write([]byte{0})
		for _, q := range c.AxisQuestions(a.Key) {
			h.Write([]byte(q.Key))
			h.Write([]byte{1})
		}
		h.Write([]byte{2})
	}
	binary.LittleEndian.PutUint64(b[:], math.Float64bits(c.GoodFrom))
	h.Write(b[:])
	return h.Sum64()
}

// NetworkResults answers a network's results for its questionnaire id in
// year, as its coordinators see them: no member's rose below the
// threshold. o must be the network.
func (s *Service) NetworkResults(ctx context.Context, o *org.Organisation, id int64, year int) (*NetworkRoses, error) {
	if o.Kind != org.KindNetwork {
		return nil, errNotFound
	}
	if _, err := s.Questionnaire(ctx, o, id); err != nil {
		return nil, err
	}
	return s.networkRoses(ctx, o.ID, id, year, nil, 0)
}

// Years answers the years in which members of network o ran rounds of its
// questionnaire id, newest first.
func (s *Service) Years(ctx context.Context, o *org.Organisation, id int64) ([]int, error) {
	var years []int
	err := db.Run(ctx, s.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Model((*Round)(nil)).ColumnExpr("DISTINCT year").
			Where("questionnaire_org_id = ? AND questionnaire_id = ?", o.ID, id).OrderExpr("year DESC").Limit(50).Scan(ctx, &years)
	})
	if len(years) == 0 && err == nil {
		years = []int{s.now().Year()}
	}
	return years, err
}
