// Package plan holds action plans: documents with the metadata of a
// municipal plan's header (Tierp's «Dokumenttyp, Gäller för, Fastställd av
// …»), a tree of focus areas with their goals, strategies and measures
// (Nittedal's theme plan: main goal → six focus areas with sub-goals →
// strategies → measures), versions once adopted, and follow-up rounds.
//
// The goals and measures of a plan are the shared objects of package
// measure, with the plan as their source: "My work", reminders, search and
// the measure pages find them with every other measure. The plan's content
// keeps what only a plan has: the order of its tree, its strategies, and
// its own columns beside each measure (problem/need, the timeline as
// written, follow-up/result with its date).
package plan

import (
	"crypto/rand"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/measure"
)

// Texts translates a catalogue key with its arguments into the language
// of a page, export or document: i18n.Catalog.T bound to a locale.
type Texts func(key string, args ...any) string

// Kinds of plan document.
const (
	KindActionPlan         = "action_plan"         // handlingsplan
	KindThemePlan          = "theme_plan"          // temaplan
	KindValuePlatform      = "value_platform"      // verdiplattform
	KindImplementationPlan = "implementation_plan" // implementeringsplan
)

// Kinds lists the kinds in the order forms offer them.
var Kinds = []string{KindActionPlan, KindThemePlan, KindValuePlatform, KindImplementationPlan}

// Statuses of a plan: drafted, sent on consultation, adopted by a
// political body, expired when its period is over.
const (
	StatusDraft        = "draft"
	StatusConsultation = "consultation"
	StatusAdopted      = "adopted"
	StatusExpired      = "expired"
)

// Statuses lists the statuses in their order.
var Statuses = []string{StatusDraft, StatusConsultation, StatusAdopted, StatusExpired}

// next says which statuses a plan may move to from each.
var next = map[string][]string{
	StatusDraft:        {StatusConsultation, StatusAdopted},
	StatusConsultation: {StatusDraft, StatusAdopted},
	StatusAdopted:      {StatusExpired},
	StatusExpired:      {StatusAdopted},
}

// NextStatuses answers the statuses a plan in status s may move to.
func NextStatuses(s string) []string { return next[s] }

// Visibilities of a plan: its municipality only, its networks too, or
// published (an adopted plan's public page).
const (
	VisibilityPrivate = "private"
	VisibilityNetwork = "network"
	VisibilityPublic  = "public"
)

// Visibilities lists them in the order forms offer them.
var Visibilities = []string{VisibilityPrivate, VisibilityNetwork, VisibilityPublic}

// Limits of what one plan holds.
const (
	MaxTitle    = 300
	MaxText     = 4000 // one text field: a goal, a strategy, a problem, a follow-up
	MaxShort    = 300  // scope, adopted by, owner, references, a responsible, a timeline
	MaxAreas    = 40
	MaxItems    = 2000 // goals, strategies and measures of the whole plan
	MaxMainGoal = 4000
)

// Plan is a plan document as stored: one version of it.
type Plan struct {
	bun.BaseModel `bun:"table:plans,alias:p"`
	OrgID         int64      `bun:",pk" json:"-"`
	ID            int64      `bun:",pk,autoincrement" json:"id"`
	LineageID     int64      `json:"lineage_id"`
	Kind          string     `json:"kind"`
	Title         string     `json:"title"`
	Scope         string     `json:"scope"`
	PeriodFrom    *int       `json:"period_from,omitempty"`
	PeriodTo      *int       `json:"period_to,omitempty"`
	Status        string     `json:"status"`
	AdoptedBy     string     `json:"adopted_by"`
	AdoptedOn     *time.Time `json:"adopted_on,omitempty"`
	DecisionRef   string     `json:"decision_ref"`
	Owner         string     `json:"owner"`
	ValidUntil    *time.Time `json:"valid_until,omitempty"`
	RegNumber     string     `json:"reg_number"`
	Version       int        `json:"version"`
	ReplacesID    *int64     `json:"replaces_id,omitempty"`
	SupersededBy  *int64     `json:"superseded_by,omitempty"`
	Visibility    string     `json:"visibility"`
	Content       string     `json:"-"`
	Snapshot      *string    `json:"-"`
	Rev           int        `json:"rev"`
	SearchText    string     `json:"-"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	UpdatedBy     *int64     `json:"-"`
}

// Frozen reports whether the plan is an earlier version, kept as it was
// when it was revised: nothing in it changes any more.
func (p *Plan) Frozen() bool { return p.SupersededBy != nil }

// Published reports whether the plan's public page may be shown: adopted
// (or expired after being adopted) and made public.
func (p *Plan) Published() bool {
	return p.Visibility == VisibilityPublic && (p.Status == StatusAdopted || p.Status == StatusExpired)
}

// Path is where the plan is shown, under /o/{slug}/.
func (p *Plan) Path() string { return "plans/" + strconv.FormatInt(p.ID, 10) }

// Content is a plan's tree: its main goal and focus areas.
type Content struct {
	MainGoal string `json:"main_goal,omitempty"`
	Areas    []Area `json:"areas"`
}

// Area is a focus area (innsatsområde, område): «Arbete», «En god start i
// Nittedal». Its items stand in the order the plan shows them: goals
// (sub-goals), strategies and measures. A measure belongs under the
// strategy before it, if any; the goals it serves are its own (Goals).
type Area struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Items []Item `json:"items"`
}

// Item kinds.
const (
	ItemGoal     = "goal"
	ItemStrategy = "strategy"
	ItemMeasure  = "measure"
)

// Item is one line of an area. A goal or measure names its shared object
// by ID; a strategy is only the plan's (its Text). The plan's own columns
// stand beside a measure (and a goal, as in Tierp's table, where a goal
// row can name a problem).
type Item struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
	Text string `json:"text,omitempty"` // a strategy's text
	// Problem is the problem or need the line answers (Problem/behov).
	Problem string `json:"problem,omitempty"`
	// Timeline is a measure's timeline as written («2018, minst två gånger
	// per termin.»), read as its deadline by package measure.
	Timeline string `json:"timeline,omitempty"`
	// FollowUp is the follow-up or result (Uppföljning/resultat) and
	// FollowUpDate its date.
	FollowUp     string     `json:"follow_up,omitempty"`
	FollowUpDate *time.Time `json:"follow_up_date,omitempty"`
}

// Snapshot is a plan's tree with its goals and measures as they were at a
// moment: an earlier version of the plan, or a closed round's report.
type Snapshot struct {
	TakenAt  time.Time         `json:"taken_at"`
	Content  Content           `json:"content"`
	Goals    []measure.Goal    `json:"goals"`
	Measures []measure.Measure `json:"measures"`
}

func decodeContent(s string) (Content, error) {
	var c Content
	if s == "" {
		return c, nil
	}
	err := json.Unmarshal([]byte(s), &c)
	return c, err
}

func encode(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain data: cannot fail
	}
	return string(b)
}

// newItemID makes an id for an area or a strategy: 12 random characters.
func newItemID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// find answers the area and item index of the item with id (-1, -1 when
// there is none).
func (c *Content) find(id string) (int, int) {
	for a := range c.Areas {
		if i := slices.IndexFunc(c.Areas[a].Items, func(it Item) bool { return it.ID == id }); i >= 0 {
			return a, i
		}
	}
	return -1, -1
}

func (c *Content) area(id string) int {
	return slices.IndexFunc(c.Areas, func(a Area) bool { return a.ID == id })
}

func (c *Content) count() int {
	n := 0
	for _, a := range c.Areas {
		n += len(a.Items)
	}
	return n
}

// ids answers the ids of the items of a kind, in the tree's order.
func (c *Content) ids(kind string) []string {
	var out []string
	for _, a := range c.Areas {
		for _, it := range a.Items {
			if it.Kind == kind {
				out = append(out, it.ID)
			}
		}
	}
	return out
}

// block answers the end (exclusive) of the block that starts at item i of
// items: a goal or strategy carries the items under it up to the next item
// of its own kind or above (a strategy stops at the next strategy or goal,
// a goal at the next goal); a measure is alone.
func block(items []Item, i int) int {
	j := i + 1
	switch items[i].Kind {
	case ItemGoal:
		for j < len(items) && items[j].Kind != ItemGoal {
			j++
		}
	case ItemStrategy:
		for j < len(items) && items[j].Kind == ItemMeasure {
			j++
		}
	}
	return j
}
