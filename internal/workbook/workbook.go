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

// Statuses of goals and measures.
const (
	StatusPlanned    = "planned"
	StatusInProgress = "in_progress"
	StatusDone       = "done"
	StatusCancelled  = "cancelled"
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

// Origin says where a copied goal or measure came from: a peer's answer.
// It stays with the copy, so the network can see which practices spread.
type Origin struct {
	OrgID   int64  `json:"org_id"`
	OrgName string `json:"org_name"`
	EntryID int64  `json:"entry_id"`
}

// Goal is a measurable goal of an entry.
type Goal struct {
	From          *Origin `json:",omitempty"`
	Statement     string
	IndicatorCode string // optional link to an indicator
	Baseline      *float64
	Target        *float64
	Unit          string
	TargetDate    *time.Time
	Status        string
}

// Measure is something to do, with a responsible and a deadline.
type Measure struct {
	From            *Origin `json:",omitempty"`
	Description     string
	Responsible     string // a person or role as written, e.g. "Flyktningkoordinator"
	ResponsibleUser *int64 // the user, when known (then it shows in "My work")
	Deadline        *time.Time
	DeadlineText    string // as written when not a date: "Høst 2016", "sommer/høst 2016"
	Status          string
	Notes           string
}

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
