// Package survey holds the integration survey and its "integration rose"
// (Trysil's value platform, seed 000): questionnaires of a network or a
// municipality with questions grouped by axis (attitudes, language and
// education, work, housing, leisure), in the interface languages and any
// language a municipality adds (Arabic, Tigrinya, Dari, Ukrainian,
// Somali…, right-to-left where the script is); survey rounds of a
// municipality, answered in an interview or through single-use links and
// QR codes without an account; the rose per round, compared with earlier
// rounds and with the network weighted by respondents, small rounds
// protected by package disclosure as indicators are; follow-up measures
// from low axis scores; and axis figures fed to indicators.
//
// # Anonymity
//
// Answers are anonymous by design, kept by what is never stored: a
// response has a random id and its scores and free texts, nothing else —
// no time, no language, no person, no client address, no reference to the
// link it came through. A link holds the SHA-256 of its token and whether
// it was used; it is claimed in a transaction of its own and the response
// written in another, so no row or transaction id ties the two. Dates
// exist at the round's level only (its year, the days it opened and
// closed). The respondent's pages log no client address and their path
// only as its pattern, their rate limit is kept in memory per round (no
// stored key), and no audit event is written for a response.
package survey

import (
	"bytes"
	"crypto/rand"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
)

// Questionnaire statuses.
const (
	StatusDraft    = "draft"    // being written or translated: no round may use it
	StatusActive   = "active"   // rounds may use it
	StatusArchived = "archived" // kept for its rounds, offered to no new one
)

// Round statuses.
const (
	RoundOpen   = "open"
	RoundClosed = "closed"
)

// Question kinds.
const (
	KindScale = "scale" // a score on the questionnaire's scale
	KindText  = "text"  // a free-text answer
)

// Limits of what is stored.
const (
	MaxTitle     = 200
	MaxText      = 2000 // one text of the questionnaire in one language
	MaxAnswer    = 2000 // one free-text answer
	MaxAxes      = 12
	MaxQuestions = 80
	MaxLanguages = 16
	MaxLinks     = 500 // links made at once
	ScaleMin     = 1
	ScaleMax     = 5
)

// Texts are one text in each of a questionnaire's languages, keyed by
// language code.
type Texts map[string]string

// In answers t in lang, or "" when it has none.
func (t Texts) In(lang string) string { return t[lang] }

// Language is a language a questionnaire is answered in.
type Language struct {
	Code string `json:"code"`
}

// Axis is one spoke of the rose: «Arbeid».
type Axis struct {
	Key   string `json:"key"`
	Names Texts  `json:"names"`
	// Indicator is the code of a yearly percent indicator that a closed
	// round feeds: the share of respondents whose mean on the axis is at
	// least Content.GoodFrom. "": none.
	Indicator string `json:"indicator,omitempty"`
}

// Question is one question on an axis.
type Question struct {
	Key   string `json:"key"`
	Axis  string `json:"axis"`
	Kind  string `json:"kind"`
	Texts Texts  `json:"texts"`
}

// Respondent texts: what a respondent reads besides the questions. In the
// interface languages an empty text falls back to the interface's own
// (survey.respondent.<key> in the catalogues); in a language a
// municipality adds, every one must be written before the questionnaire
// is active.
const (
	TextIntro   = "intro"   // what the survey is for
	TextPrivacy = "privacy" // the privacy notice
	TextConsent = "consent" // the consent check box
	TextSubmit  = "submit"  // the submit button
	TextThanks  = "thanks"  // after submitting
	TextUsed    = "used"    // a link used before
	TextMissing = "missing" // a form sent without consent or an answer
)

// RespondentTexts lists them in the order the translation form shows them.
var RespondentTexts = []string{TextIntro, TextPrivacy, TextConsent, TextSubmit, TextThanks, TextUsed, TextMissing}

// Content is a questionnaire's substance, stored as JSON: its languages
// (the first is the one it is written in), axes, questions, the scale's
// labels per language and the respondent texts.
type Content struct {
	Languages []string            `json:"languages"`
	Axes      []Axis              `json:"axes"`
	Questions []Question          `json:"questions"`
	Scale     map[string][]string `json:"scale"` // per language, ScaleMax-ScaleMin+1 labels, lowest first
	Texts     map[string]Texts    `json:"texts"` // by respondent text key
	// GoodFrom is the axis mean from which a respondent counts as doing
	// well (the indicator feed); LowBelow the axis score under which a
	// round suggests a follow-up.
	GoodFrom float64 `json:"good_from"`
	LowBelow float64 `json:"low_below"`
}

// Base answers the language the questionnaire is written in.
func (c *Content) Base() string {
	if len(c.Languages) == 0 {
		return "nb"
	}
	return c.Languages[0]
}

// Has reports whether lang is one of c's languages.
func (c *Content) Has(lang string) bool { return slices.Contains(c.Languages, lang) }

// Axis answers the axis with key.
func (c *Content) Axis(key string) (Axis, bool) {
	for _, a := range c.Axes {
		if a.Key == key {
			return a, true
		}
	}
	return Axis{}, false
}

// Text answers respondent text key in lang: the questionnaire's own, or
// in an interface language "" (the caller then uses the catalogue).
func (c *Content) Text(key, lang string) string { return c.Texts[key][lang] }

// ScaleLabel answers the label of score v in lang ("" when none).
func (c *Content) ScaleLabel(lang string, v int) string {
	l := c.Scale[lang]
	if i := v - ScaleMin; i >= 0 && i < len(l) {
		return l[i]
	}
	return ""
}

// AxisQuestions answers the scale questions of axis key.
func (c *Content) AxisQuestions(key string) []Question {
	var out []Question
	for _, q := range c.Questions {
		if q.Axis == key && q.Kind == KindScale {
			out = append(out, q)
		}
	}
	return out
}

// Question answers the question with key.
func (c *Content) Question(key string) (Question, bool) {
	for _, q := range c.Questions {
		if q.Key == key {
			return q, true
		}
	}
	return Question{}, false
}

// Defaults fills what an older or hand-written content leaves out.
func (c *Content) Defaults() {
	if c.GoodFrom == 0 {
		c.GoodFrom = 4
	}
	if c.LowBelow == 0 {
		c.LowBelow = 3
	}
	if c.Texts == nil {
		c.Texts = map[string]Texts{}
	}
	if c.Scale == nil {
		c.Scale = map[string][]string{}
	}
}

// Value stores content as JSON text in both dialects.
func (c Content) Value() (any, error) {
	b, err := json.Marshal(c)
	return string(b), err
}

// Scan reads content stored as JSON text.
func (c *Content) Scan(v any) error {
	b, err := storedJSON(v)
	if err != nil {
		return err
	}
	if b == nil {
		*c = Content{}
		c.Defaults()
		return nil
	}
	if err := json.Unmarshal(b, c); err != nil {
		return err
	}
	c.Defaults()
	return nil
}

// Missing answers the texts of lang still to be written, as field names
// of the translation form ("axis.work", "question.q1", "scale",
// "text.privacy"): every text in a language a municipality adds, the axes
// and questions in an interface language (its respondent texts fall back
// to the interface's).
func (c *Content) Missing(lang string) []string {
	var out []string
	for _, a := range c.Axes {
		if strings.TrimSpace(a.Names[lang]) == "" {
			out = append(out, "axis."+a.Key)
		}
	}
	for _, q := range c.Questions {
		if strings.TrimSpace(q.Texts[lang]) == "" {
			out = append(out, "question."+q.Key)
		}
	}
	if Interface(lang) {
		return out
	}
	if l := c.Scale[lang]; len(l) != ScaleMax-ScaleMin+1 || slices.Contains(l, "") {
		out = append(out, "scale")
	}
	for _, k := range RespondentTexts {
		if strings.TrimSpace(c.Texts[k][lang]) == "" {
			out = append(out, "text."+k)
		}
	}
	return out
}

// Validate checks c's shape and sizes, naming the field of the first
// problem.
func (c *Content) Validate() error {
	c.Defaults()
	if len(c.Languages) == 0 {
		return app.Errorf(app.EInvalid, "survey.error.no_language").WithField("languages")
	}
	if len(c.Languages) > MaxLanguages {
		return app.Errorf(app.EInvalid, "survey.error.too_many", "max", MaxLanguages).WithField("languages")
	}
	for i, l := range c.Languages {
		if _, ok := LanguageOf(l); !ok || slices.Index(c.Languages, l) != i {
			return app.Errorf(app.EInvalid, "survey.error.language").WithField("languages")
		}
	}
	if len(c.Axes) > MaxAxes {
		return app.Errorf(app.EInvalid, "survey.error.too_many", "max", MaxAxes).WithField("axes")
	}
	if len(c.Questions) > MaxQuestions {
		return app.Errorf(app.EInvalid, "survey.error.too_many", "max", MaxQuestions).WithField("questions")
	}
	if c.GoodFrom < ScaleMin || c.GoodFrom > ScaleMax || c.LowBelow < ScaleMin || c.LowBelow > ScaleMax {
		return app.Errorf(app.EInvalid, "survey.error.threshold", "min", ScaleMin, "max", ScaleMax).WithField("good_from")
	}
	keys := map[string]bool{}
	for _, a := range c.Axes {
		if !validKey(a.Key) || keys["a:"+a.Key] {
			return app.Errorf(app.EInvalid, "survey.error.key").WithField("axes")
		}
		keys["a:"+a.Key] = true
		if err := textsOK("axes", a.Names, c.Languages); err != nil {
			return err
		}
	}
	for _, q := range c.Questions {
		if !validKey(q.Key) || keys["q:"+q.Key] {
			return app.Errorf(app.EInvalid, "survey.error.key").WithField("questions")
		}
		keys["q:"+q.Key] = true
		if q.Kind != KindScale && q.Kind != KindText {
			return app.Errorf(app.EInvalid, "survey.error.kind").WithField("questions")
		}
		if !keys["a:"+q.Axis] {
			return app.Errorf(app.EInvalid, "survey.error.axis").WithField("questions")
		}
		if err := textsOK("questions", q.Texts, c.Languages); err != nil {
			return err
		}
	}
	for k, t := range c.Texts {
		if !slices.Contains(RespondentTexts, k) {
			delete(c.Texts, k)
			continue
		}
		if err := textsOK("texts", t, c.Languages); err != nil {
			return err
		}
	}
	for l, labels := range c.Scale {
		if !slices.Contains(c.Languages, l) || len(labels) > ScaleMax-ScaleMin+1 {
			delete(c.Scale, l)
			continue
		}
		for _, s := range labels {
			if utf8.RuneCountInString(s) > MaxTitle {
				return app.Errorf(app.EInvalid, "error.too_long", "max", MaxTitle).WithField("scale")
			}
		}
	}
	return nil
}

// Ready reports why c cannot be answered yet: an axis without a scale
// question, fewer than three axes (a rose needs three spokes), or a
// language with texts missing (the first such language's).
func (c *Content) Ready() error {
	if len(c.Axes) < 3 {
		return app.Errorf(app.EInvalid, "survey.error.few_axes").WithField("axes")
	}
	for _, a := range c.Axes {
		if len(c.AxisQuestions(a.Key)) == 0 {
			return app.Errorf(app.EInvalid, "survey.error.axis_empty", "axis", a.Names.In(c.Base())).WithField("questions")
		}
	}
	for _, l := range c.Languages {
		if m := c.Missing(l); len(m) > 0 {
			name, _ := LanguageOf(l)
			return app.Errorf(app.EInvalid, "survey.error.untranslated", "language", name.Name, "count", len(m)).WithField("languages")
		}
	}
	return nil
}

func textsOK(field string, t Texts, langs []string) error {
	for l, s := range t {
		if !slices.Contains(langs, l) {
			delete(t, l)
			continue
		}
		if utf8.RuneCountInString(s) > MaxText {
			return app.Errorf(app.EInvalid, "error.too_long", "max", MaxText).WithField(field)
		}
	}
	return nil
}

// validKey reports whether k is a usable axis or question key: 1–40 of
// lower-case letters, digits, «-», «_».
func validKey(k string) bool {
	if k == "" || len(k) > 40 {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// NewKey answers a random key for a new axis or question, after prefix.
func NewKey(prefix string) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	b := make([]byte, 8)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[b[i]&31]
	}
	return prefix + string(b)
}

// Questionnaire is a network's or a municipality's questionnaire.
type Questionnaire struct {
	bun.BaseModel `bun:"table:survey_questionnaires,alias:q"`

	OrgID     int64     `bun:",pk"`
	ID        int64     `bun:",pk,autoincrement"`
	Title     string    `bun:",notnull"`
	Status    string    `bun:",notnull"`
	Content   Content   `bun:",type:text,notnull"`
	Rev       int       `bun:",notnull"`
	CreatedAt time.Time `bun:",notnull"`
	UpdatedAt time.Time `bun:",notnull"`
}

// Round is a municipality's survey round of one questionnaire in one
// year.
type Round struct {
	bun.BaseModel `bun:"table:survey_rounds,alias:r"`

	OrgID              int64      `bun:",pk"`
	ID                 int64      `bun:",pk,autoincrement"`
	QuestionnaireOrgID int64      `bun:",notnull"`
	QuestionnaireID    int64      `bun:",notnull"`
	Title              string     `bun:",notnull"`
	Year               int        `bun:",notnull"`
	Status             string     `bun:",notnull"`
	Content            Content    `bun:",type:text,notnull"`
	OpenedOn           time.Time  `bun:",type:date,notnull"`
	ClosedOn           *time.Time `bun:",type:date"`
}

// Path is the round's page under /o/{slug}/.
func (r *Round) Path() string { return "surveys/rounds/" + itoa(r.ID) }

// Open reports whether the round takes answers.
func (r *Round) Open() bool { return r.Status == RoundOpen }

// link is a single-use respondent link as stored.
type link struct {
	bun.BaseModel `bun:"table:survey_links,alias:l"`

	OrgID     int64  `bun:",pk"`
	RoundID   int64  `bun:",pk"`
	TokenHash string `bun:",pk"`
	Used      bool   `bun:",notnull"`
}

// response is an anonymous response as stored.
type response struct {
	bun.BaseModel `bun:"table:survey_responses,alias:s"`

	OrgID   int64             `bun:",pk"`
	RoundID int64             `bun:",pk"`
	ID      string            `bun:",pk"`
	Scores  answerScores      `bun:",type:text,notnull"`
	Texts   map[string]string `bun:",type:text,notnull"`
}

// answerScores is a response's answers to scale questions, question key → the
// chosen step, stored as a JSON object. A network's results read every
// member's responses, so it is read with a parser for exactly what
// Value writes (JSON's general decoder took most of that page's time);
// anything else stored is read by encoding/json.
type answerScores map[string]int

// Value stores the scores as a JSON object.
func (s answerScores) Value() (driver.Value, error) {
	b, err := json.Marshal(map[string]int(s))
	return string(b), err
}

// Scan reads scores stored as a JSON object.
func (s *answerScores) Scan(v any) error {
	b, err := storedJSON(v)
	if err != nil {
		return err
	}
	if b == nil {
		*s = answerScores{}
		return nil
	}
	if m, ok := parseScores(b); ok {
		*s = m
		return nil
	}
	m := map[string]int{}
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("survey: scores: %w", err)
	}
	*s = m
	return nil
}

// storedJSON answers the bytes of a JSON text column as the driver gives
// it (nil for NULL).
func storedJSON(v any) ([]byte, error) {
	switch x := v.(type) {
	case string:
		return []byte(x), nil
	case []byte:
		return x, nil
	case nil:
		return nil, nil
	}
	return nil, fmt.Errorf("survey: JSON from %T", v)
}

// parseScores reads {"key":1,"other":5}: keys without escapes, values
// small non-negative integers, no spaces; ok is false for anything else.
func parseScores(b []byte) (answerScores, bool) {
	if len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		return nil, false
	}
	m := make(answerScores, bytes.Count(b, []byte{','})+1)
	i := 1
	if b[i] == '}' {
		return m, true
	}
	for {
		if b[i] != '"' {
			return nil, false
		}
		j := i + 1
		for j < len(b) && b[j] != '"' && b[j] != '\\' {
			j++
		}
		if j+1 >= len(b) || b[j] != '"' || b[j+1] != ':' {
			return nil, false
		}
		key := string(b[i+1 : j])
		k, n := j+2, 0
		for k < len(b) && b[k] >= '0' && b[k] <= '9' && k-(j+2) < 6 {
			n = n*10 + int(b[k]-'0')
			k++
		}
		if k == j+2 || k >= len(b) {
			return nil, false
		}
		m[key] = n
		switch b[k] {
		case '}':
			return m, k == len(b)-1
		case ',':
			i = k + 1
		default:
			return nil, false
		}
		if i >= len(b) {
			return nil, false
		}
	}
}

// followup links a measure to the round and axis it follows up.
type followup struct {
	bun.BaseModel `bun:"table:survey_followups,alias:f"`

	OrgID     int64  `bun:",pk"`
	MeasureID string `bun:",pk"`
	RoundID   int64  `bun:",notnull"`
	Axis      string `bun:",notnull"`
}
