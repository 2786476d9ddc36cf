package workbook

import (
	"context"
	"encoding/json"
	"html/template"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/markdown"
	"github.com/samvirke/samvirke/internal/measure"
)

// Rows as stored. Domain types in workbook.go stay free of storage tags.

type templateRow struct {
	bun.BaseModel `bun:"table:workbook_templates"`
	OrgID         int64 `bun:",notnull"`
	ID            int64 `bun:",pk,autoincrement"`
	Name          string
	Version       int
	PublishedAt   *time.Time
	CreatedAt     time.Time
}

type chapterRow struct {
	bun.BaseModel `bun:"table:workbook_chapters"`
	OrgID         int64 `bun:",notnull"`
	ID            int64 `bun:",pk,autoincrement"`
	TemplateID    int64
	Position      int
	Title         string
}

type statementRow struct {
	bun.BaseModel `bun:"table:workbook_statements"`
	OrgID         int64 `bun:",notnull"`
	ID            int64 `bun:",pk,autoincrement"`
	ChapterID     int64
	Position      int
	Title         string
	Guidance      string
	Questions     string
	RetiredAt     *time.Time
}

type sectionRow struct {
	bun.BaseModel `bun:"table:workbook_sections"`
	OrgID         int64 `bun:",notnull"`
	ID            int64 `bun:",pk,autoincrement"`
	TemplateID    int64
	Position      int
	Key           string
	Title         string
	RetiredAt     *time.Time
}

// Workbook is a member municipality's workbook for one network cycle.
type Workbook struct {
	bun.BaseModel `bun:"table:workbooks"`
	OrgID         int64     `bun:",notnull" json:"org_id"`
	ID            int64     `bun:",pk,autoincrement" json:"id"`
	NetworkID     int64     `json:"network_id"`
	TemplateID    int64     `json:"template_id"`
	Cycle         string    `json:"cycle"`
	CreatedAt     time.Time `json:"created_at"`
}

// Content is what a municipality writes for one problem statement.
type Content struct {
	Answers  map[string]string `json:"answers"` // section key → text (Markdown)
	Goals    []Goal            `json:"goals,omitempty"`
	Measures []Measure         `json:"measures,omitempty"`
	Notes    string            `json:"notes,omitempty"`
}

// Entry is the saved answer to one problem statement.
type Entry struct {
	bun.BaseModel `bun:"table:workbook_entries"`
	OrgID         int64     `bun:",notnull" json:"org_id"`
	ID            int64     `bun:",pk,autoincrement" json:"id"`
	WorkbookID    int64     `json:"workbook_id"`
	StatementID   int64     `json:"statement_id"`
	Visibility    string    `json:"visibility"`
	Version       int       `json:"version"`
	Raw           string    `bun:"content" json:"-"`
	RawHTML       *string   `bun:"html" json:"-"`        // NULL: saved before answers were rendered on save
	SearchText    *string   `bun:"search_text" json:"-"` // see searchText; NULL: saved before it was stored
	UpdatedBy     *int64    `json:"updated_by,omitempty"`
	UpdatedAt     time.Time `json:"updated_at"`

	Content Content           `bun:"-" json:"content"`
	HTML    map[string]string `bun:"-" json:"-"` // section key → sanitised HTML, as rendered on save; nil when RawHTML is NULL
}

func (e *Entry) decode() error {
	e.Content, e.HTML = Content{}, nil
	if e.RawHTML != nil && *e.RawHTML != "" {
		if err := json.Unmarshal([]byte(*e.RawHTML), &e.HTML); err != nil {
			return err
		}
	}
	if e.Raw == "" {
		return nil
	}
	if err := json.Unmarshal([]byte(e.Raw), &e.Content); err != nil {
		return err
	}
	e.Content.fillIDs(e.ID)
	return nil
}

// fillIDs gives the goals and measures of an answer saved before they had
// ids the ids their rows got when they moved into their own tables
// (measure.LegacyID).
func (c *Content) fillIDs(entryID int64) {
	if entryID == 0 {
		return
	}
	for i := range c.Goals {
		if c.Goals[i].ID == "" {
			c.Goals[i].ID = measure.LegacyID("g", entryID, i)
		}
	}
	for i := range c.Measures {
		if c.Measures[i].ID == "" {
			c.Measures[i].ID = measure.LegacyID("m", entryID, i)
		}
	}
}

// keepIDs gives every goal and measure of c an id: the one it has when
// the answer had it (in had, or in own: "g"/"m" and the id, from an
// earlier version of the answer), a new one otherwise. An id is the
// service's record like an origin: a form or an API client cannot take
// over another answer's goal or measure by naming its id.
func keepIDs(c, had *Content, own []string) {
	known := map[string]bool{}
	for _, k := range own {
		known[k] = true
	}
	for _, g := range had.Goals {
		known["g"+g.ID] = true
	}
	for _, m := range had.Measures {
		known["m"+m.ID] = true
	}
	for i := range c.Goals {
		if k := "g" + c.Goals[i].ID; c.Goals[i].ID == "" || !known[k] {
			c.Goals[i].ID = measure.NewID()
		} else {
			delete(known, k) // a second row naming it gets its own
		}
	}
	for i := range c.Measures {
		if k := "m" + c.Measures[i].ID; c.Measures[i].ID == "" || !known[k] {
			c.Measures[i].ID = measure.NewID()
		} else {
			delete(known, k)
		}
	}
	// The goals a measure serves are goals of the same answer.
	goals := map[string]bool{}
	for _, g := range c.Goals {
		goals[g.ID] = true
	}
	for i := range c.Measures {
		c.Measures[i].Goals = slices.DeleteFunc(slices.Clone(c.Measures[i].Goals), func(id string) bool { return !goals[id] })
	}
}

// AnswerHTML answers the answer in section key as sanitised HTML: the
// HTML rendered when the entry was saved. Only an entry saved before
// answers were rendered on save, and not yet rendered by the migration
// step (see RenderMissingHTML), is rendered here.
func (e *Entry) AnswerHTML(key string) template.HTML {
	if e.HTML == nil {
		return template.HTML(markdown.Render(e.Content.Answers[key]))
	}
	return template.HTML(e.HTML[key])
}

// Revision is one saved version of an entry.
type Revision struct {
	bun.BaseModel `bun:"table:workbook_revisions"`
	OrgID         int64     `bun:",notnull" json:"-"`
	ID            int64     `bun:",pk,autoincrement" json:"-"`
	EntryID       int64     `json:"entry_id"`
	Version       int       `json:"version"`
	AuthorID      *int64    `json:"author_id,omitempty"`
	AuthorName    string    `json:"author"`
	CreatedAt     time.Time `json:"created_at"`
	Raw           string    `bun:"content" json:"-"`
	Visibility    string    `json:"visibility"`

	Content Content `bun:"-" json:"content"`
}

func (r *Revision) decode() error {
	r.Content = Content{}
	if err := json.Unmarshal([]byte(r.Raw), &r.Content); err != nil {
		return err
	}
	r.Content.fillIDs(r.EntryID)
	return nil
}

// FindTemplate loads a network's template with its chapters, statements and
// sections, in order.
func FindTemplate(ctx context.Context, idb bun.IDB, networkID, id int64) (*Template, error) {
	var rows []templateRow
	if err := idb.NewSelect().Model(&rows).Where("org_id = ? AND id = ?", networkID, id).Scan(ctx); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, app.Errorf(app.ENotFound, "workbook.error.not_found")
	}
	ts, err := loadTemplates(ctx, idb, networkID, rows)
	if err != nil {
		return nil, err
	}
	return ts[0], nil
}

// loadTemplates completes a network's template rows with their chapters,
// statements and sections, in order: three queries for all of them. A
// version's chapters and statements are those it lists (see cycle.go).
func loadTemplates(ctx context.Context, idb bun.IDB, networkID int64, rows []templateRow) ([]*Template, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	// A version lists its chapters and statements (cycle.go): the rows
	// come through the lists, with the list's chapter and position.
	var chapters []struct {
		TemplateID int64 `bun:"template_id"`
		Position   int   `bun:"position"`
		OrgID      int64 `bun:"org_id"`
		ID         int64 `bun:"id"`
		Title      string
	}
	if err := idb.NewSelect().TableExpr("workbook_template_chapters AS l").ColumnExpr("l.template_id, l.position, c.org_id, c.id, c.title").
		Join("JOIN workbook_chapters AS c ON c.org_id = l.org_id AND c.id = l.chapter_id").
		Where("l.org_id = ? AND l.template_id IN (?)", networkID, bun.In(ids)).OrderExpr("l.position, c.id").Scan(ctx, &chapters); err != nil {
		return nil, err
	}
	var statements []struct {
		TemplateID int64 `bun:"template_id"`
		ChapterID  int64 `bun:"chapter_id"`
		Position   int   `bun:"position"`
		OrgID      int64 `bun:"org_id"`
		ID         int64 `bun:"id"`
		Title      string
		Guidance   string
		Questions  string
		RetiredAt  *time.Time `bun:"retired_at"`
	}
	if err := idb.NewSelect().TableExpr("workbook_template_statements AS l").
		ColumnExpr("l.template_id, l.chapter_id, l.position, s.org_id, s.id, s.title, s.guidance, s.questions, s.retired_at").
		Join("JOIN workbook_statements AS s ON s.org_id = l.org_id AND s.id = l.statement_id").
		Where("l.org_id = ? AND l.template_id IN (?)", networkID, bun.In(ids)).OrderExpr("l.position, s.id").Scan(ctx, &statements); err != nil {
		return nil, err
	}
	var sections []sectionRow
	if err := idb.NewSelect().Model(&sections).Where("org_id = ? AND template_id IN (?)", networkID, bun.In(ids)).OrderExpr("position").Scan(ctx); err != nil {
		return nil, err
	}
	byChapter := map[[2]int64][]*Statement{} // (template, chapter) → statements
	for _, s := range statements {
		k := [2]int64{s.TemplateID, s.ChapterID}
		byChapter[k] = append(byChapter[k], toStatement(statementRow{OrgID: s.OrgID, ID: s.ID, ChapterID: s.ChapterID, Position: s.Position,
			Title: s.Title, Guidance: s.Guidance, Questions: s.Questions, RetiredAt: s.RetiredAt}))
	}
	out := make([]*Template, len(rows))
	byID := map[int64]*Template{}
	for i, row := range rows {
		out[i] = &Template{OrgID: row.OrgID, ID: row.ID, Name: row.Name, Version: row.Version, PublishedAt: row.PublishedAt, CreatedAt: row.CreatedAt}
		byID[row.ID] = out[i]
	}
	for _, c := range chapters {
		t := byID[c.TemplateID]
		t.Chapters = append(t.Chapters, &Chapter{OrgID: c.OrgID, ID: c.ID, TemplateID: c.TemplateID, Position: c.Position, Title: c.Title, Statements: byChapter[[2]int64{c.TemplateID, c.ID}]})
	}
	for _, s := range sections {
		t := byID[s.TemplateID]
		t.Sections = append(t.Sections, &Section{OrgID: s.OrgID, ID: s.ID, TemplateID: s.TemplateID, Position: s.Position, Key: s.Key, Title: s.Title, RetiredAt: s.RetiredAt})
	}
	return out, nil
}

func toStatement(s statementRow) *Statement {
	var qs []string
	for _, q := range strings.Split(s.Questions, "\n") {
		if q = strings.TrimSpace(q); q != "" {
			qs = append(qs, q)
		}
	}
	return &Statement{OrgID: s.OrgID, ID: s.ID, ChapterID: s.ChapterID, Position: s.Position, Title: s.Title, Guidance: s.Guidance, Questions: qs, RetiredAt: s.RetiredAt}
}

// Statement finds a statement of the template.
func (t *Template) Statement(id int64) (*Chapter, *Statement) {
	for _, c := range t.Chapters {
		for _, s := range c.Statements {
			if s.ID == id {
				return c, s
			}
		}
	}
	return nil, nil
}

// FindWorkbooks lists a municipality's workbooks.
func FindWorkbooks(ctx context.Context, idb bun.IDB, orgID int64) ([]*Workbook, error) {
	var out []*Workbook
	err := idb.NewSelect().Model(&out).Where("org_id = ?", orgID).OrderExpr("created_at DESC").Scan(ctx)
	return out, err
}

// FindEntry loads one entry of a municipality, or app.ENotFound.
func FindEntry(ctx context.Context, idb bun.IDB, orgID, id int64) (*Entry, error) {
	e := new(Entry)
	ctx, a := db.Bind(ctx, idb, orgID, id) // on every answer page: planned once a connection
	if err := idb.NewSelect().Model(e).Where("org_id = ? AND id = ?", a...).Scan(ctx); err != nil {
		return nil, db.Err(err, "workbook.error.not_found")
	}
	return e, e.decode()
}

// FindRevisions lists an entry's versions, newest first.
func FindRevisions(ctx context.Context, idb bun.IDB, orgID, entryID int64) ([]*Revision, error) {
	var out []*Revision
	if err := idb.NewSelect().Model(&out).Where("org_id = ? AND entry_id = ?", orgID, entryID).OrderExpr("version DESC").Scan(ctx); err != nil {
		return nil, err
	}
	for _, r := range out {
		if err := r.decode(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FindTemplates lists a network's templates, newest version first.
func FindTemplates(ctx context.Context, idb bun.IDB, networkID int64) ([]*Template, error) {
	var rows []templateRow
	if err := idb.NewSelect().Model(&rows).Where("org_id = ?", networkID).OrderExpr("name, version DESC").Scan(ctx); err != nil {
		return nil, err
	}
	return loadTemplates(ctx, idb, networkID, rows)
}

// FindWorkbook loads one of a municipality's workbooks, or app.ENotFound.
func FindWorkbook(ctx context.Context, idb bun.IDB, orgID, id int64) (*Workbook, error) {
	b := new(Workbook)
	ctx, a := db.Bind(ctx, idb, orgID, id) // on every workbook and answer page: planned once a connection
	err := idb.NewSelect().Model(b).Where("org_id = ? AND id = ?", a...).Scan(ctx)
	return b, db.Err(err, "workbook.error.not_found")
}

// FindEntries lists a workbook's entries.
func FindEntries(ctx context.Context, idb bun.IDB, orgID, workbookID int64) ([]*Entry, error) {
	var out []*Entry
	ctx, a := db.Bind(ctx, idb, orgID, workbookID) // on every workbook page: planned once a connection
	if err := idb.NewSelect().Model(&out).Where("org_id = ? AND workbook_id = ?", a...).Scan(ctx); err != nil {
		return nil, err
	}
	for _, e := range out {
		if err := e.decode(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FindEntryHeads lists a workbook's entries without their content: which
// statements are answered, when and how visibly.
func FindEntryHeads(ctx context.Context, idb bun.IDB, orgID, workbookID int64) ([]*Entry, error) {
	var out []*Entry
	err := idb.NewSelect().Model(&out).ExcludeColumn("content", "html").
		Where("org_id = ? AND workbook_id = ?", orgID, workbookID).Scan(ctx)
	return out, err
}

// FindStatementEntry loads a workbook's entry for one statement, or nil
// when the statement is not answered.
func FindStatementEntry(ctx context.Context, idb bun.IDB, orgID, workbookID, statementID int64) (*Entry, error) {
	e := new(Entry)
	err := idb.NewSelect().Model(e).Where("org_id = ? AND workbook_id = ? AND statement_id = ?", orgID, workbookID, statementID).Scan(ctx)
	if err != nil {
		if err = db.Err(err, "workbook.error.not_found"); app.IsNotFound(err) {
			return nil, nil
		}
		return nil, err
	}
	return e, e.decode()
}
