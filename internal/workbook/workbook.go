// Package workbook is the shared workbook of a learning network (the
// "Arbeidsboka"): a network's template of chapters, problem statements and
// answer sections; each member municipality's workbook per network cycle;
// entries with analysis, measurable goals and measures, their revisions
// and comments; gatherings where the municipalities compare their answers
// side by side.
package workbook

import (
	"html/template"
	"time"

	"github.com/samvirke/samvirke/internal/measure"
)

// Keys of the four default answer sections, those of the seed workbook.
const (
	SectionAnalysis       = "analysis"       // Analyse – hvordan ser vår situasjon ut nå?
	SectionGoals          = "goals"          // Hvilke målbare mål vil vi definere?
	SectionResponsibility = "responsibility" // Hvem skal ha hovedansvaret?
	SectionTiming         = "timing"         // Når skal tiltak være gjennomført og mål være nådd?
)

// DefaultSections are the answer sections a new template starts with.
var DefaultSections = []string{SectionAnalysis, SectionGoals, SectionResponsibility, SectionTiming}

// Visibility of an entry (see the product design): own municipality only,
// the networks it belongs to, or published.
const (
	VisibilityPrivate = "private"
	VisibilityNetwork = "network"
	VisibilityPublic  = "public"
)

// Template is a network's workbook template, one version of it.
type Template struct {
	OrgID       int64 // the network
	ID          int64
	Name        string
	Version     int
	PublishedAt *time.Time
	CreatedAt   time.Time
	Chapters    []*Chapter
	Sections    []*Section
}

// Chapter groups problem statements; it is due at a gathering.
type Chapter struct {
	OrgID      int64
	ID         int64
	TemplateID int64
	Position   int
	Title      string // "Kapittel 2"
	Statements []*Statement
}

// Statement is a problem statement: «Innvandrerreisen» with its guidance
// and guiding questions.
type Statement struct {
	OrgID     int64
	ID        int64
	ChapterID int64
	Position  int
	Title     string   // "Gjennomgående problemstilling A: «Innvandrerreisen» …"
	Guidance  string   // the explanatory text
	Questions []string // guiding questions
	RetiredAt *time.Time
}

// Section is an answer section every statement is answered in.
type Section struct {
	OrgID      int64
	ID         int64
	TemplateID int64
	Position   int
	Key        string // one of DefaultSections, or a coordinator's own
	Title      string // the question as the network words it
	RetiredAt  *time.Time
}

// Goals and measures are the red thread's shared objects (package
// measure); an answer holds them as of each of its versions.
type (
	Origin  = measure.Origin
	Goal    = measure.Goal
	Measure = measure.Measure
)

// GatheringView is one problem statement with every member
// municipality's visible answers side by side, as shown and exported for a
// gathering.
type GatheringView struct {
	Network   string
	Gathering string // e.g. "Tredje samling, november 2017"; may be empty
	Chapter   string
	Statement *Statement
	Sections  []*Section
	Columns   []GatheringColumn
}

// GatheringColumn is one municipality's answer.
type GatheringColumn struct {
	Municipality string
	Answers      map[string]string        // section key → text
	AnswersHTML  map[string]template.HTML // section key → the answer as HTML, rendered when it was saved
	Goals        []Goal
	Measures     []Measure
	GoodPractice bool // marked by the coordinator
	// Comments on the shared answer, oldest first, without hidden ones:
	// the coordinator's from this view and everyone else's, each with its
	// author's organisation.
	Comments []*Comment

	OrgID, EntryID int64 // the answer shown (EntryID 0: none shared)
	OrgSlug        string
	WorkbookID     int64
}
