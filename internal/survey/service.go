package survey

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	mrand "math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"golang.org/x/time/rate"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/kept"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/plan"
)

// Service is the integration survey.
type Service struct {
	DB    *bun.DB
	Clock app.Clock
	// Indicators takes the axis figures of a closed round (nil: no feed).
	Indicators *indicator.Service
	// Plans takes a follow-up placed in a plan (nil: measures of their own
	// only).
	Plans *plan.Service

	mu       sync.Mutex
	perRound map[int64]*rate.Limiter // respondents' submissions, in memory only
	guesses  *rate.Limiter           // unknown tokens, across all rounds

	// roses are the members' roses a network's results are made of, kept
	// by their rounds' data versions (rosesOf).
	roses kept.Map[roseKey, Rose]
}

func (s *Service) now() time.Time {
	if s.Clock == nil {
		return time.Now()
	}
	return s.Clock.Now()
}

var (
	errNotFound      = app.Errorf(app.ENotFound, "survey.error.not_found")
	errRoundNotFound = app.Errorf(app.ENotFound, "survey.error.round_not_found")
	// ErrLinkUsed answers a respondent link used before.
	ErrLinkUsed = app.Errorf(app.EConflict, "survey.error.link_used")
	// ErrRoundClosed answers a respondent whose round no longer takes
	// answers.
	ErrRoundClosed = app.Errorf(app.EConflict, "survey.error.round_closed")
)

// --- questionnaires -------------------------------------------------------

// QuestionnaireInput is a new questionnaire: a title, the language it is
// written in, and whether it starts from the integration rose's standard
// questions (StandardContent) or empty.
type QuestionnaireInput struct {
	Title    string
	Language string
	Standard bool
}

// CreateQuestionnaire makes a draft questionnaire of o (a network or a
// municipality).
func (s *Service) CreateQuestionnaire(ctx context.Context, o *org.Organisation, in QuestionnaireInput) (*Questionnaire, error) {
	in.Title = strings.TrimSpace(in.Title)
	if err := titleOK(in.Title); err != nil {
		return nil, err
	}
	if _, ok := LanguageOf(in.Language); !ok {
		return nil, app.Errorf(app.EInvalid, "survey.error.language").WithField("language")
	}
	c := Content{Languages: []string{in.Language}}
	if in.Standard {
		c = StandardContent(in.Language)
	}
	c.Defaults()
	now := s.now()
	q := &Questionnaire{OrgID: o.ID, Title: in.Title, Status: StatusDraft, Content: c, Rev: 1, CreatedAt: now, UpdatedAt: now}
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		if err := s.capQuestionnaires(ctx, tx, o.ID); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(q).Returning("id").Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, "survey.questionnaire.create", q.Title, nil, now)
	})
	return q, err
}

// MaxQuestionnaires bounds an organisation's questionnaires.
const MaxQuestionnaires = 200

func (s *Service) capQuestionnaires(ctx context.Context, tx bun.Tx, orgID int64) error {
	n, err := tx.NewSelect().Model((*Questionnaire)(nil)).Where("org_id = ?", orgID).Count(ctx)
	if err != nil {
		return err
	}
	if n >= MaxQuestionnaires {
		return app.Errorf(app.EInvalid, "survey.error.too_many", "max", MaxQuestionnaires).WithField("title")
	}
	return nil
}

func titleOK(t string) error {
	if t == "" {
		return app.Errorf(app.EInvalid, "error.required").WithField("title")
	}
	if utf8.RuneCountInString(t) > MaxTitle {
		return app.Errorf(app.EInvalid, "error.too_long", "max", MaxTitle).WithField("title")
	}
	return nil
}

// Questionnaire answers o's questionnaire id.
func (s *Service) Questionnaire(ctx context.Context, o *org.Organisation, id int64) (*Questionnaire, error) {
	q := new(Questionnaire)
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		return db.Err(idb.NewSelect().Model(q).Where("org_id = ? AND id = ?", o.ID, id).Scan(ctx), "survey.error.not_found")
	})
	return q, err
}

// Available is a questionnaire o may read: its own or one of a network
// it belongs to.
type Available struct {
	*Questionnaire
	Owner *org.Organisation
}

// Questionnaires answers o's own questionnaires and, for a municipality,
// the active ones of the networks it belongs to today, own first.
func (s *Service) Questionnaires(ctx context.Context, o *org.Organisation) ([]Available, error) {
	var out []Available
	err := org.RunRead(ctx, s.DB, o, s.now(), func(ctx context.Context, idb bun.IDB) error {
		var qs []*Questionnaire
		if err := idb.NewSelect().Model(&qs).Where("org_id = ?", o.ID).OrderExpr("status = 'archived', updated_at DESC, id DESC").
			Limit(MaxQuestionnaires).Scan(ctx); err != nil {
			return err
		}
		for _, q := range qs {
			out = append(out, Available{Questionnaire: q, Owner: o})
		}
		scope, _ := db.ScopeFrom(ctx)
		for _, nid := range scope.ReadOrgIDs {
			n, err := org.FindOrganisationByID(ctx, idb, nid)
			if err != nil {
				return err
			}
			var nqs []*Questionnaire
			if err := idb.NewSelect().Model(&nqs).Where("org_id = ? AND status = ?", nid, StatusActive).OrderExpr("updated_at DESC, id DESC").
				Limit(MaxQuestionnaires).Scan(ctx); err != nil {
				return err
			}
			for _, q := range nqs {
				out = append(out, Available{Questionnaire: q, Owner: n})
			}
		}
		return nil
	})
	return out, err
}

// Edit changes o's questionnaire id at revision rev with fn, checks the
// result and stores it as the next revision. An active questionnaire
// stays answerable: fn's result must be Ready. Errors: app.EConflict when
// rev is not the current revision (someone saved in between).
func (s *Service) Edit(ctx context.Context, o *org.Organisation, id int64, rev int, fn func(q *Questionnaire) error) (*Questionnaire, error) {
	q := new(Questionnaire)
	now := s.now()
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		if err := db.Err(db.ForUpdate(tx.NewSelect().Model(q).Where("org_id = ? AND id = ?", o.ID, id)).Scan(ctx), "survey.error.not_found"); err != nil {
			return err
		}
		if rev != 0 && rev != q.Rev {
			return app.Errorf(app.EConflict, "survey.error.stale")
		}
		if q.Status == StatusArchived {
			return app.Errorf(app.EConflict, "survey.error.archived")
		}
		if err := fn(q); err != nil {
			return err
		}
		q.Title = strings.TrimSpace(q.Title)
		if err := titleOK(q.Title); err != nil {
			return err
		}
		if err := q.Content.Validate(); err != nil {
			return err
		}
		if q.Status == StatusActive {
			if err := q.Content.Ready(); err != nil {
				return err
			}
		}
		q.Rev++
		q.UpdatedAt = now
		if _, err := tx.NewUpdate().Model(q).Column("title", "status", "content", "rev", "updated_at").WherePK().Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, "survey.questionnaire.edit", q.Title, nil, now)
	})
	return q, err
}

// SetStatus activates (after checking it is Ready), archives or returns
// to draft o's questionnaire id.
func (s *Service) SetStatus(ctx context.Context, o *org.Organisation, id int64, status string) (*Questionnaire, error) {
	if !slices.Contains([]string{StatusDraft, StatusActive, StatusArchived}, status) {
		return nil, app.Errorf(app.EInvalid, "survey.error.status").WithField("status")
	}
	q := new(Questionnaire)
	now := s.now()
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		if err := db.Err(db.ForUpdate(tx.NewSelect().Model(q).Where("org_id = ? AND id = ?", o.ID, id)).Scan(ctx), "survey.error.not_found"); err != nil {
			return err
		}
		if status == StatusActive {
			if err := q.Content.Ready(); err != nil {
				return err
			}
		}
		q.Status, q.UpdatedAt = status, now
		q.Rev++
		if _, err := tx.NewUpdate().Model(q).Column("status", "rev", "updated_at").WherePK().Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, "survey.questionnaire."+status, q.Title, nil, now)
	})
	return q, err
}

// --- rounds ---------------------------------------------------------------

// RoundInput opens a round: which questionnaire (its owner and id), a
// title and the year it covers.
type RoundInput struct {
	QuestionnaireOrgID int64
	QuestionnaireID    int64
	Title              string
	Year               int
}

// MaxRounds bounds a municipality's rounds.
const MaxRounds = 500

// OpenRound opens a round of a municipality o with a questionnaire it may
// use (its own or an active one of a network it belongs to), copying the
// questionnaire as it is now.
func (s *Service) OpenRound(ctx context.Context, o *org.Organisation, in RoundInput) (*Round, error) {
	if o.Kind != org.KindMunicipality {
		return nil, errNotFound
	}
	in.Title = strings.TrimSpace(in.Title)
	if err := titleOK(in.Title); err != nil {
		return nil, err
	}
	now := s.now()
	if in.Year < 2000 || in.Year > now.Year()+1 {
		return nil, app.Errorf(app.EInvalid, "survey.error.year", "max", now.Year()+1).WithField("year")
	}
	var q *Questionnaire
	avail, err := s.Questionnaires(ctx, o)
	if err != nil {
		return nil, err
	}
	for _, a := range avail {
		if a.OrgID == in.QuestionnaireOrgID && a.ID == in.QuestionnaireID {
			q = a.Questionnaire
		}
	}
	if q == nil {
		return nil, app.Errorf(app.EInvalid, "survey.error.questionnaire").WithField("questionnaire")
	}
	if q.Status != StatusActive {
		return nil, app.Errorf(app.EInvalid, "survey.error.not_active").WithField("questionnaire")
	}
	r := &Round{OrgID: o.ID, QuestionnaireOrgID: q.OrgID, QuestionnaireID: q.ID, Title: in.Title, Year: in.Year,
		Status: RoundOpen, Content: q.Content, OpenedOn: day(now, o)}
	err = db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		n, err := tx.NewSelect().Model((*Round)(nil)).Where("org_id = ?", o.ID).Count(ctx)
		if err != nil {
			return err
		}
		if n >= MaxRounds {
			return app.Errorf(app.EInvalid, "survey.error.too_many", "max", MaxRounds).WithField("title")
		}
		if _, err := tx.NewInsert().Model(r).Returning("id").Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, "survey.round.open", r.Title, map[string]string{"year": strconv.Itoa(r.Year)}, now)
	})
	return r, err
}

// day answers the calendar day of t in o's time zone, as a date.
func day(t time.Time, o *org.Organisation) time.Time {
	y, m, d := t.In(o.Location()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Round answers o's round id.
func (s *Service) Round(ctx context.Context, o *org.Organisation, id int64) (*Round, error) {
	r := new(Round)
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		return getRound(ctx, idb, o.ID, id, r)
	})
	return r, err
}

func getRound(ctx context.Context, idb bun.IDB, orgID, id int64, r *Round) error {
	return db.Err(idb.NewSelect().Model(r).Where("org_id = ? AND id = ?", orgID, id).Scan(ctx), "survey.error.round_not_found")
}

// RoundSummary is a round with its number of respondents.
type RoundSummary struct {
	*Round
	Respondents int
}

// Rounds answers o's rounds, newest first.
func (s *Service) Rounds(ctx context.Context, o *org.Organisation) ([]RoundSummary, error) {
	var out []RoundSummary
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var rs []*Round
		if err := idb.NewSelect().Model(&rs).Where("org_id = ?", o.ID).OrderExpr("year DESC, id DESC").Limit(MaxRounds).Scan(ctx); err != nil {
			return err
		}
		counts, err := respondents(ctx, idb, o.ID)
		if err != nil {
			return err
		}
		for _, r := range rs {
			out = append(out, RoundSummary{Round: r, Respondents: counts[r.ID]})
		}
		return nil
	})
	return out, err
}

// respondents answers the number of responses per round of orgID.
func respondents(ctx context.Context, idb bun.IDB, orgID int64) (map[int64]int, error) {
	var rows []struct {
		RoundID int64 `bun:"round_id"`
		N       int   `bun:"n"`
	}
	if err := idb.NewSelect().Model((*response)(nil)).Column("round_id").ColumnExpr("count(*) AS n").
		Where("org_id = ?", orgID).Group("round_id").Scan(ctx, &rows); err != nil {
		return nil, err
	}
	out := map[int64]int{}
	for _, r := range rows {
		out[r.RoundID] = r.N
	}
	return out, nil
}

// CloseRound closes o's round id: no more answers; its axis figures go to
// the indicators its questionnaire names (FeedIndicators).
func (s *Service) CloseRound(ctx context.Context, o *org.Organisation, a *app.Actor, id int64) (*Round, error) {
	return s.setRound(ctx, o, a, id, RoundClosed)
}

// ReopenRound opens o's closed round id again.
func (s *Service) ReopenRound(ctx context.Context, o *org.Organisation, a *app.Actor, id int64) (*Round, error) {
	return s.setRound(ctx, o, a, id, RoundOpen)
}

func (s *Service) setRound(ctx context.Context, o *org.Organisation, a *app.Actor, id int64, status string) (*Round, error) {
	r := new(Round)
	now := s.now()
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		if err := getRound(ctx, tx, o.ID, id, r); err != nil {
			return err
		}
		r.Status, r.ClosedOn = status, nil
		if status == RoundClosed {
			d := day(now, o)
			r.ClosedOn = &d
		}
		if _, err := tx.NewUpdate().Model(r).Column("status", "closed_on").WherePK().Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, "survey.round."+status, r.Title, nil, now)
	})
	if err != nil || status != RoundClosed {
		return r, err
	}
	if err := s.shuffle(ctx, o, r.ID); err != nil {
		return r, err
	}
	return r, s.FeedIndicators(ctx, o, a, r)
}

// --- links ----------------------------------------------------------------

// MakeLinks makes n single-use respondent links for o's open round id and
// answers their tokens: they are shown this once (only their hashes are
// kept).
func (s *Service) MakeLinks(ctx context.Context, o *org.Organisation, id int64, n int) ([]string, error) {
	if n < 1 || n > MaxLinks {
		return nil, app.Errorf(app.EInvalid, "survey.error.links", "max", MaxLinks).WithField("count")
	}
	tokens := make([]string, n)
	rows := make([]*link, n)
	for i := range tokens {
		tokens[i] = NewToken()
		rows[i] = &link{OrgID: o.ID, RoundID: id, TokenHash: HashToken(tokens[i])}
	}
	err := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		r := new(Round)
		if err := getRound(ctx, tx, o.ID, id, r); err != nil {
			return err
		}
		if !r.Open() {
			return ErrRoundClosed
		}
		have, err := tx.NewSelect().Model((*link)(nil)).Where("org_id = ? AND round_id = ?", o.ID, id).Count(ctx)
		if err != nil {
			return err
		}
		if int64(have)+int64(n) > MaxLinksPerRound {
			return app.Errorf(app.EInvalid, "survey.error.links_round", "max", MaxLinksPerRound).WithField("count")
		}
		if _, err := tx.NewInsert().Model(&rows).Exec(ctx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, "survey.links", r.Title, map[string]string{"count": strconv.Itoa(n)}, s.now())
	})
	if err != nil {
		return nil, err
	}
	return tokens, nil
}

// MaxLinksPerRound bounds the links of one round.
const MaxLinksPerRound int64 = 20000

// LinkCounts answers how many links o's round id has and how many were
// used.
func (s *Service) LinkCounts(ctx context.Context, o *org.Organisation, id int64) (made, used int, err error) {
	err = db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		made, used, err = linkCounts(ctx, idb, o.ID, id)
		return err
	})
	return made, used, err
}

func linkCounts(ctx context.Context, idb bun.IDB, orgID, id int64) (made, used int, err error) {
	var rows []struct {
		Used bool `bun:"used"`
		N    int  `bun:"n"`
	}
	if err := idb.NewSelect().Model((*link)(nil)).Column("used").ColumnExpr("count(*) AS n").
		Where("org_id = ? AND round_id = ?", orgID, id).Group("used").Scan(ctx, &rows); err != nil {
		return 0, 0, err
	}
	for _, r := range rows {
		made += r.N
		if r.Used {
			used += r.N
		}
	}
	return made, used, nil
}

// NewToken answers a new respondent token: 32 characters of base32, 160
// random bits.
func NewToken() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	b := make([]byte, 32)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[b[i]&31]
	}
	return string(b)
}

// HashToken answers what is stored of a token.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// tokenShape reports whether t could be a token, so that nothing else
// reaches the database.
func tokenShape(t string) bool {
	if len(t) != 32 {
		return false
	}
	for _, r := range t {
		if !(r >= 'a' && r <= 'z' || r >= '2' && r <= '7') {
			return false
		}
	}
	return true
}

// Respondent is what a respondent link opens: the round's questionnaire
// and its organisation. Used says the link was used before.
type Respondent struct {
	Org   *org.Organisation
	Round *Round
	Used  bool
}

// Content answers the questionnaire the respondent answers.
func (r *Respondent) Content() *Content { return &r.Round.Content }

// Link answers what token opens. Errors: app.ENotFound for a token that
// is not a link (after the guessing limit, app.ETooMany).
func (s *Service) Link(ctx context.Context, token string) (*Respondent, error) {
	if !tokenShape(token) {
		return nil, s.guessed()
	}
	var out *Respondent
	err := db.Run(ctx, s.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		l := new(link)
		if err := idb.NewSelect().Model(l).Where("token_hash = ?", HashToken(token)).Scan(ctx); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return s.guessed()
			}
			return err
		}
		r := new(Round)
		if err := getRound(ctx, idb, l.OrgID, l.RoundID, r); err != nil {
			return err
		}
		o, err := org.FindOrganisationByID(ctx, idb, l.OrgID)
		if err != nil {
			return err
		}
		out = &Respondent{Org: o, Round: r, Used: l.Used}
		return nil
	})
	return out, err
}

// guessed answers a token that is no link: not found, or too many such
// tokens lately (someone guessing).
func (s *Service) guessed() error {
	s.mu.Lock()
	if s.guesses == nil {
		s.guesses = rate.NewLimiter(rate.Every(time.Second), 120)
	}
	ok := s.guesses.Allow()
	s.mu.Unlock()
	if !ok {
		return app.Errorf(app.ETooMany, "survey.error.too_many_tries")
	}
	return app.Errorf(app.ENotFound, "survey.error.link_unknown")
}

// allowRound takes a submission from round id's budget: 600 an hour,
// bursts of 60, kept in this process's memory only (no key is stored
// anywhere that could date a response).
func (s *Service) allowRound(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.perRound == nil {
		s.perRound = map[int64]*rate.Limiter{}
	}
	l := s.perRound[id]
	if l == nil {
		if len(s.perRound) > 10000 {
			clear(s.perRound)
		}
		l = rate.NewLimiter(rate.Every(6*time.Second), 60)
		s.perRound[id] = l
	}
	return l.Allow()
}

// Answers is a filled-in questionnaire as a form sends it: a value per
// question key ("" or absent: not answered), and the respondent's consent.
type Answers struct {
	Values  map[string]string
	Consent bool
}

// check reads a against c: scores on the scale, texts within bounds, at
// least one answer, consent given. Problems name the question.
func (a Answers) check(c *Content) (map[string]int, map[string]string, error) {
	if !a.Consent {
		return nil, nil, app.Errorf(app.EInvalid, "survey.error.consent").WithField("consent")
	}
	scores, texts := map[string]int{}, map[string]string{}
	for _, q := range c.Questions {
		v := strings.TrimSpace(a.Values[q.Key])
		if v == "" {
			continue
		}
		switch q.Kind {
		case KindScale:
			n, err := strconv.Atoi(v)
			if err != nil || n < ScaleMin || n > ScaleMax {
				return nil, nil, app.Errorf(app.EInvalid, "survey.error.score", "min", ScaleMin, "max", ScaleMax).WithField("q_" + q.Key)
			}
			scores[q.Key] = n
		case KindText:
			if utf8.RuneCountInString(v) > MaxAnswer {
				return nil, nil, app.Errorf(app.EInvalid, "error.too_long", "max", MaxAnswer).WithField("q_" + q.Key)
			}
			texts[q.Key] = v
		}
	}
	if len(scores) == 0 && len(texts) == 0 {
		return nil, nil, app.Errorf(app.EInvalid, "survey.error.empty").WithField("answers")
	}
	return scores, texts, nil
}

// Submit stores a respondent's answers through the link token: the link
// is claimed (marked used) in one transaction and the response written in
// another, so nothing ties them; when the response cannot be written the
// link is released for another try. Errors: ErrLinkUsed for a link used
// before, ErrRoundClosed, app.EInvalid for answers the form must show
// again, app.ETooMany past the round's budget.
func (s *Service) Submit(ctx context.Context, token string, a Answers) error {
	rsp, err := s.Link(ctx, token)
	if err != nil {
		return err
	}
	if rsp.Used {
		return ErrLinkUsed
	}
	if !rsp.Round.Open() {
		return ErrRoundClosed
	}
	scores, texts, err := a.check(&rsp.Round.Content)
	if err != nil {
		return err
	}
	if !s.allowRound(rsp.Round.ID) {
		return app.Errorf(app.ETooMany, "survey.error.too_many_tries")
	}
	o, hash := rsp.Org, HashToken(token)
	err = db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*link)(nil)).Set("used = ?", true).
			Where("org_id = ? AND round_id = ? AND token_hash = ? AND used = ?", o.ID, rsp.Round.ID, hash, false).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrLinkUsed
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := s.store(ctx, o, rsp.Round.ID, scores, texts); err != nil {
		if rerr := db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.NewUpdate().Model((*link)(nil)).Set("used = ?", false).
				Where("org_id = ? AND round_id = ? AND token_hash = ?", o.ID, rsp.Round.ID, hash).Exec(ctx)
			return err
		}); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	// The answers are stored: a respondent must not see a failure now.
	// A shuffle that fails here is done by the next submission and by
	// closing the round, which fails while it cannot.
	_ = s.shuffle(ctx, o, rsp.Round.ID)
	return nil
}

// MaxShuffle bounds the rows shuffle rewrites one by one; a larger round's
// rows are rewritten by one statement each table (one transaction id
// still, their order within pages kept).
const MaxShuffle = 4000

// shuffle rewrites, on PostgreSQL, every used link and every response of
// round id in one transaction and in a random order, so that all of them
// carry that one transaction's id (xmin) and lie in no order of
// submission (ctid): no query can pair a claimed link with the response
// stored just after it. SQLite keeps neither: its survey tables are
// ordered by their random keys.
func (s *Service) shuffle(ctx context.Context, o *org.Organisation, id int64) error {
	if s.DB.Dialect().Name() != dialect.PG {
		return nil
	}
	return db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		var hashes, ids []string
		if err := tx.NewSelect().Model((*link)(nil)).Column("token_hash").
			Where("org_id = ? AND round_id = ? AND used", o.ID, id).Scan(ctx, &hashes); err != nil {
			return err
		}
		if err := tx.NewSelect().Model((*response)(nil)).Column("id").
			Where("org_id = ? AND round_id = ?", o.ID, id).Scan(ctx, &ids); err != nil {
			return err
		}
		if len(hashes)+len(ids) > MaxShuffle {
			if _, err := tx.NewUpdate().Model((*link)(nil)).Set("used = used").Where("org_id = ? AND round_id = ? AND used", o.ID, id).Exec(ctx); err != nil {
				return err
			}
			_, err := tx.NewUpdate().Model((*response)(nil)).Set("id = id").Where("org_id = ? AND round_id = ?", o.ID, id).Exec(ctx)
			return err
		}
		type row struct {
			link bool
			key  string
		}
		rows := make([]row, 0, len(hashes)+len(ids))
		for _, h := range hashes {
			rows = append(rows, row{true, h})
		}
		for _, k := range ids {
			rows = append(rows, row{false, k})
		}
		mrand.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		for _, r := range rows {
			var err error
			if r.link {
				_, err = tx.NewUpdate().Model((*link)(nil)).Set("used = used").Where("org_id = ? AND round_id = ? AND token_hash = ?", o.ID, id, r.key).Exec(ctx)
			} else {
				_, err = tx.NewUpdate().Model((*response)(nil)).Set("id = id").Where("org_id = ? AND round_id = ? AND id = ?", o.ID, id, r.key).Exec(ctx)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// Interview stores the answers an interviewer entered for o's open round
// id. Nothing records who entered them or when.
func (s *Service) Interview(ctx context.Context, o *org.Organisation, id int64, a Answers) error {
	r, err := s.Round(ctx, o, id)
	if err != nil {
		return err
	}
	if !r.Open() {
		return ErrRoundClosed
	}
	scores, texts, err := a.check(&r.Content)
	if err != nil {
		return err
	}
	return s.store(ctx, o, id, scores, texts)
}

// store writes one response in a transaction of its own, while the round
// is open.
func (s *Service) store(ctx context.Context, o *org.Organisation, roundID int64, scores map[string]int, texts map[string]string) error {
	return db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		r := new(Round)
		if err := getRound(ctx, tx, o.ID, roundID, r); err != nil {
			return err
		}
		if !r.Open() {
			return ErrRoundClosed
		}
		_, err := tx.NewInsert().Model(&response{OrgID: o.ID, RoundID: roundID, ID: responseID(), Scores: scores, Texts: texts}).Exec(ctx)
		return err
	})
}

// responseID answers a random response id of 26 characters (130 bits):
// never a sequence.
func responseID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	b := make([]byte, 26)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[b[i]&31]
	}
	return string(b)
}
