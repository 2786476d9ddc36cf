package workbook

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"go.yaml.in/yaml/v3"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/org"
)

// DemoActivity loads what the demo network's people did after the
// chapters were imported (DemoLoader), so that a newcomer finds the
// network alive: other members' answers with their goals and measures
// (shared, and one kept private), measures added since with deadlines
// relative to the day the demo starts, status updates with notes on the
// measures' timelines, a chapter marked ready for the gathering, the
// coordinator's comment written from the gathering view and a mark of
// good practice. It names demo users, so it runs once they and their
// roles exist (the server's demo staffing), on the demo's first start
// only. The data are the definitions' demo_activity files
// (tenants/workbooks/demo/); every step goes through the service a
// person's own would, with the clock set back to when it happened, but
// for the comment, which is written as the gathering view writes it,
// counted against no limit.
type DemoActivity struct {
	// Definitions holds workbooks/*.yaml and the activity files they name
	// (tenants.Workbooks).
	Definitions fs.FS
}

// demoActivityFile is a demo_activity file.
type demoActivityFile struct {
	Answers      []demoAnswer    `yaml:"answers"`
	Updates      []demoUpdate    `yaml:"updates"`
	Chapters     []demoChapter   `yaml:"chapters"`
	Comments     []demoComment   `yaml:"comments"`
	GoodPractice []demoStatRef   `yaml:"good_practice"`
	Gatherings   []demoGathering `yaml:"gatherings"`
}

// demoGathering is a gathering the coordinator planned, on a day written
// as a measure's relative deadline is ({day+16}).
type demoGathering struct {
	Title    string   `yaml:"title"`
	On       string   `yaml:"on"`
	Place    string   `yaml:"place"`
	Agenda   string   `yaml:"agenda"`
	Chapters []string `yaml:"chapters"` // their titles
	DaysAgo  int      `yaml:"days_ago"`
}

// demoStatRef names a municipality's answer to a problem statement: the
// statement by the start of its title («Gjennomgående problemstilling A»).
type demoStatRef struct {
	Municipality string `yaml:"municipality"`
	Statement    string `yaml:"statement"`
	DaysAgo      int    `yaml:"days_ago"`
}

// demoAnswer is an answer written (or added to) in the form: its answers
// replace those of the sections it names, its goals and measures are
// added after the answer's own.
type demoAnswer struct {
	demoStatRef `yaml:",inline"`
	Author      string            `yaml:"author"` // the demo user by role: "editor" is editor@<municipality>.example
	Visibility  string            `yaml:"visibility"`
	Answers     map[string]string `yaml:"answers"`
	Goals       []demoGoal        `yaml:"goals"`
	Measures    []demoMeasure     `yaml:"measures"`
}

type demoGoal struct {
	Statement  string `yaml:"statement"`
	Indicator  string `yaml:"indicator"`
	Baseline   string `yaml:"baseline"`
	Target     string `yaml:"target"`
	Unit       string `yaml:"unit"`
	TargetDate string `yaml:"target_date"`
	Status     string `yaml:"status"`
}

// demoMeasure is a measure as its answer's table has it. Its deadline may
// be relative to the demo's start (see demoDeadline).
type demoMeasure struct {
	Description     string   `yaml:"description"`
	Responsible     string   `yaml:"responsible"`
	ResponsibleUser string   `yaml:"responsible_user"` // the demo user by role
	Deadline        string   `yaml:"deadline"`
	Status          string   `yaml:"status"`
	Progress        int      `yaml:"progress"`
	Notes           string   `yaml:"notes"`
	Goals           []string `yaml:"goals"` // statements of goals the answer had before
}

// demoUpdate is a status update on a measure, found by its description.
type demoUpdate struct {
	demoStatRef `yaml:",inline"`
	Measure     string `yaml:"measure"`
	Author      string `yaml:"author"`
	Status      string `yaml:"status"`
	Progress    int    `yaml:"progress"`
	Note        string `yaml:"note"`
}

type demoChapter struct {
	Municipality string `yaml:"municipality"`
	Chapter      string `yaml:"chapter"` // its title
	Status       string `yaml:"status"`
	DaysAgo      int    `yaml:"days_ago"`
}

// demoComment is a comment on an answer by a demo user of org (the
// network's coordinator, say), as written from the gathering view.
type demoComment struct {
	demoStatRef `yaml:",inline"`
	Org         string `yaml:"org"`
	Author      string `yaml:"author"`
	Body        string `yaml:"body"`
}

// LoadDemo loads the activity.
func (l DemoActivity) LoadDemo(ctx context.Context, bdb *bun.DB, clock app.Clock) error {
	defs, err := LoadDefinitions(l.Definitions, "workbooks")
	if err != nil {
		return fmt.Errorf("demo activity: %w", err)
	}
	for _, d := range defs {
		if d.Activity == "" {
			continue
		}
		if err := l.load(ctx, bdb, clock, d); err != nil {
			return fmt.Errorf("demo activity: %s: %w", d.Activity, err)
		}
	}
	return nil
}

// demoNetwork is what the loader looks things up in: the network, its
// template, and its members' workbooks.
type demoNetwork struct {
	db      *bun.DB
	clock   app.Clock
	network *org.Organisation
	orgs    map[string]*org.Organisation
	books   map[int64]*Workbook // by municipality
	tmpl    *Template
}

func (l DemoActivity) load(ctx context.Context, bdb *bun.DB, clock app.Clock, d *Definition) error {
	b, err := fs.ReadFile(l.Definitions, path.Join(d.dir, d.Activity))
	if err != nil {
		return err
	}
	var f demoActivityFile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return err
	}
	n := &demoNetwork{db: bdb, clock: clock, orgs: map[string]*org.Organisation{}, books: map[int64]*Workbook{}}
	if n.network, err = n.org(ctx, d.Network); err != nil {
		return err
	}
	for _, g := range f.Gatherings {
		if err := n.gathering(ctx, g); err != nil {
			return fmt.Errorf("gathering %q: %w", g.Title, err)
		}
	}
	for _, a := range f.Answers {
		if err := n.answer(ctx, a); err != nil {
			return fmt.Errorf("answer of %s to %q: %w", a.Municipality, a.Statement, err)
		}
	}
	for _, u := range f.Updates {
		if err := n.update(ctx, u); err != nil {
			return fmt.Errorf("update of %s's %q: %w", u.Municipality, u.Measure, err)
		}
	}
	for _, c := range f.Chapters {
		if err := n.chapter(ctx, c); err != nil {
			return fmt.Errorf("chapter %q of %s: %w", c.Chapter, c.Municipality, err)
		}
	}
	for _, c := range f.Comments {
		if err := n.comment(ctx, c); err != nil {
			return fmt.Errorf("comment on %s's %q: %w", c.Municipality, c.Statement, err)
		}
	}
	for _, g := range f.GoodPractice {
		if err := n.goodPractice(ctx, g); err != nil {
			return fmt.Errorf("good practice %s's %q: %w", g.Municipality, g.Statement, err)
		}
	}
	return nil
}

// at is the service as it was days ago, in working hours there (between
// 8 and 16, Norwegian time), never later than now.
func (n *demoNetwork) at(daysAgo int) *Service {
	now := n.clock.Now()
	then := now.AddDate(0, 0, -daysAgo)
	if loc, err := time.LoadLocation("Europe/Oslo"); err == nil {
		then = then.In(loc)
	}
	then = time.Date(then.Year(), then.Month(), then.Day(), 8+daysAgo*5%8, daysAgo*17%60, 0, 0, then.Location())
	return &Service{DB: n.db, Clock: app.ShiftedClock{Clock: n.clock, By: min(then.Sub(now), 0)}}
}

func (n *demoNetwork) org(ctx context.Context, slug string) (*org.Organisation, error) {
	if o := n.orgs[slug]; o != nil {
		return o, nil
	}
	var o *org.Organisation
	err := db.Run(ctx, n.db, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var err error
		o, err = org.FindOrganisationBySlug(ctx, idb, slug)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("organisation %s: %w", slug, err)
	}
	n.orgs[slug] = o
	return o, nil
}

// actor is the demo user with role in the organisation slug.
func (n *demoNetwork) actor(ctx context.Context, slug, role string) (*app.Actor, error) {
	o, err := n.org(ctx, slug)
	if err != nil {
		return nil, err
	}
	email := account.DemoEmail(role, slug)
	var u *account.User
	err = db.Run(ctx, n.db, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		u, err = account.FindUserByEmail(ctx, idb, email)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("demo user %s: %w", email, err)
	}
	return &app.Actor{UserID: u.ID, Email: u.Email, Name: u.Name, OrgID: o.ID, OrgSlug: o.Slug, OrgKind: o.Kind, Role: role}, nil
}

// book answers the municipality's workbook of the network, with the
// template it was made from.
func (n *demoNetwork) book(ctx context.Context, muni *org.Organisation) (*Workbook, error) {
	if b := n.books[muni.ID]; b != nil {
		return b, nil
	}
	err := db.Run(ctx, n.db, db.OrgScope(muni.ID, n.network.ID), func(ctx context.Context, idb bun.IDB) error {
		books, err := FindWorkbooks(ctx, idb, muni.ID)
		if err != nil {
			return err
		}
		for _, b := range books {
			if b.NetworkID == n.network.ID {
				n.books[muni.ID] = b
				if n.tmpl == nil || n.tmpl.ID != b.TemplateID {
					n.tmpl, err = FindTemplate(ctx, idb, n.network.ID, b.TemplateID)
				}
				return err
			}
		}
		return app.Errorf(app.ENotFound, "workbook.error.not_found")
	})
	if err != nil {
		return nil, fmt.Errorf("workbook of %s: %w", muni.Slug, err)
	}
	return n.books[muni.ID], nil
}

// entry finds the municipality's workbook, the statement ref names and
// the municipality's answer to it (nil when there is none).
func (n *demoNetwork) entry(ctx context.Context, ref demoStatRef) (*org.Organisation, *Workbook, int64, *Entry, error) {
	muni, err := n.org(ctx, ref.Municipality)
	if err != nil {
		return nil, nil, 0, nil, err
	}
	b, err := n.book(ctx, muni)
	if err != nil {
		return nil, nil, 0, nil, err
	}
	var stmt int64
	for _, c := range n.tmpl.Chapters {
		for _, s := range c.Statements {
			if strings.HasPrefix(s.Title, ref.Statement) && stmt == 0 {
				stmt = s.ID
			}
		}
	}
	if stmt == 0 || ref.Statement == "" {
		return nil, nil, 0, nil, fmt.Errorf("no problem statement starts with %q", ref.Statement)
	}
	var e *Entry
	err = db.Run(ctx, n.db, db.OrgScope(muni.ID), func(ctx context.Context, idb bun.IDB) error {
		e, err = FindStatementEntry(ctx, idb, muni.ID, b.ID, stmt)
		return err
	})
	return muni, b, stmt, e, err
}

func (n *demoNetwork) answer(ctx context.Context, a demoAnswer) error {
	muni, b, stmt, e, err := n.entry(ctx, a.demoStatRef)
	if err != nil {
		return err
	}
	actor, err := n.actor(ctx, a.Municipality, a.Author)
	if err != nil {
		return err
	}
	content, base := Content{Answers: map[string]string{}}, 0
	if e != nil {
		content, base = e.Content, e.Version
	}
	if content.Answers == nil {
		content.Answers = map[string]string{}
	}
	for k, v := range a.Answers {
		content.Answers[k] = strings.TrimSpace(v)
	}
	for _, g := range a.Goals {
		goal, errs := GoalInput{Statement: g.Statement, Indicator: g.Indicator, Baseline: g.Baseline, Target: g.Target,
			Unit: g.Unit, TargetDate: g.TargetDate, Status: g.Status}.Validate()
		if len(errs) > 0 {
			return fmt.Errorf("goal %q: %v", g.Statement, errs)
		}
		content.Goals = append(content.Goals, goal)
	}
	for _, dm := range a.Measures {
		in := MeasureInput{Description: dm.Description, Responsible: dm.Responsible, Deadline: demoDeadline(dm.Deadline, n.clock.Now()),
			Status: dm.Status, Progress: strconv.Itoa(dm.Progress), Notes: dm.Notes}
		if dm.ResponsibleUser != "" {
			who, err := n.actor(ctx, a.Municipality, dm.ResponsibleUser)
			if err != nil {
				return err
			}
			in.ResponsibleUser = strconv.FormatInt(who.UserID, 10)
		}
		for _, statement := range dm.Goals {
			i := slices.IndexFunc(content.Goals, func(g Goal) bool { return g.Statement == statement && g.ID != "" })
			if i < 0 {
				return fmt.Errorf("measure %q: the answer has no goal %q", dm.Description, statement)
			}
			in.Goals = strings.Trim(in.Goals+","+content.Goals[i].ID, ",")
		}
		m, errs := in.Validate(nil)
		if len(errs) > 0 {
			return fmt.Errorf("measure %q: %v", dm.Description, errs)
		}
		m.DeadlineText = strings.Join(strings.Fields(in.Deadline), " ") // as written, as a table's row keeps it
		content.Measures = append(content.Measures, m)
	}
	_, err = n.at(a.DaysAgo).SaveEntry(ctx, muni, actor, Save{WorkbookID: b.ID, StatementID: stmt, Content: content,
		Visibility: a.Visibility, BaseVersion: base})
	return err
}

func (n *demoNetwork) update(ctx context.Context, u demoUpdate) error {
	muni, _, _, e, err := n.entry(ctx, u.demoStatRef)
	if err != nil {
		return err
	}
	if e == nil {
		return app.Errorf(app.ENotFound, "measure.error.not_found")
	}
	i := slices.IndexFunc(e.Content.Measures, func(m Measure) bool { return m.Description == u.Measure })
	if i < 0 {
		return fmt.Errorf("the answer has no measure %q", u.Measure)
	}
	actor, err := n.actor(ctx, u.Municipality, u.Author)
	if err != nil {
		return err
	}
	_, err = n.at(u.DaysAgo).UpdateMeasure(ctx, muni, actor, e.Content.Measures[i].ID,
		MeasureUpdate{Status: u.Status, Progress: &u.Progress, Note: strings.TrimSpace(u.Note)})
	return err
}

func (n *demoNetwork) chapter(ctx context.Context, c demoChapter) error {
	muni, err := n.org(ctx, c.Municipality)
	if err != nil {
		return err
	}
	b, err := n.book(ctx, muni)
	if err != nil {
		return err
	}
	for _, ch := range n.tmpl.Chapters {
		if ch.Title == c.Chapter {
			return n.at(c.DaysAgo).SetChapterStatus(ctx, muni, b.ID, ch.ID, c.Status)
		}
	}
	return fmt.Errorf("no chapter %q", c.Chapter)
}

func (n *demoNetwork) comment(ctx context.Context, c demoComment) error {
	muni, _, _, e, err := n.entry(ctx, c.demoStatRef)
	if err != nil {
		return err
	}
	if e == nil || e.Visibility == VisibilityPrivate {
		return fmt.Errorf("%s has no shared answer to comment on", muni.Slug)
	}
	actor, err := n.actor(ctx, c.Org, c.Author)
	if err != nil {
		return err
	}
	cm := &Comment{OrgID: muni.ID, EntryID: e.ID, AuthorID: &actor.UserID, AuthorOrgID: &actor.OrgID, AuthorName: authorName(actor),
		Body: strings.TrimSpace(c.Body), CreatedAt: n.at(c.DaysAgo).Clock.Now()}
	return db.RunTx(ctx, n.db, db.OrgScope(muni.ID), func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewInsert().Model(cm).Exec(ctx)
		return err
	})
}

func (n *demoNetwork) gathering(ctx context.Context, dg demoGathering) error {
	on, ok := i18n.ParseDate(demoDeadline(dg.On, n.clock.Now()))
	if !ok {
		return fmt.Errorf("no day in %q", dg.On)
	}
	var t *Template
	err := db.Run(ctx, n.db, db.OrgScope(n.network.ID), func(ctx context.Context, idb bun.IDB) error {
		all, err := FindTemplates(ctx, idb, n.network.ID)
		if ts := current(all); len(ts) > 0 {
			t = ts[0]
		}
		return err
	})
	if err != nil || t == nil {
		return fmt.Errorf("no published template: %v", err)
	}
	g := &Gathering{Title: dg.Title, StartsOn: on, Place: dg.Place, Agenda: strings.TrimSpace(dg.Agenda)}
	for _, title := range dg.Chapters {
		i := slices.IndexFunc(t.Chapters, func(c *Chapter) bool { return c.Title == title })
		if i < 0 {
			return fmt.Errorf("no chapter %q", title)
		}
		g.ChapterIDs = append(g.ChapterIDs, t.Chapters[i].ID)
	}
	return n.at(dg.DaysAgo).CreateGathering(ctx, n.network, g)
}

func (n *demoNetwork) goodPractice(ctx context.Context, g demoStatRef) error {
	muni, _, _, e, err := n.entry(ctx, g)
	if err != nil {
		return err
	}
	if e == nil {
		return fmt.Errorf("%s has no answer", muni.Slug)
	}
	actor, err := n.actor(ctx, n.network.Slug, "coordinator")
	if err != nil {
		return err
	}
	return n.at(g.DaysAgo).SetGoodPractice(ctx, n.network, actor, muni.ID, e.ID, true)
}

// reDemoDate is a deadline's part relative to the day the demo starts:
// {day-6} (that day, written d.m.yyyy), {month+1} («januar 2027»),
// {season} (the current term as the seed writes it: «Høst 2026» from
// July, «Vår 2027» before), {year}.
var reDemoDate = regexp.MustCompile(`\{(day|month)([+-]\d+)\}|\{season\}|\{year\}`)

// norwegianMonths are the months as a Norwegian plan writes them.
var norwegianMonths = [...]string{"januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
	"oktober", "november", "desember"}

// demoDeadline writes a deadline relative to now as a plan would: a demo
// started any day has measures overdue, due soon and later. Text without
// {…} is kept as written.
func demoDeadline(text string, now time.Time) string {
	if loc, err := time.LoadLocation("Europe/Oslo"); err == nil {
		now = now.In(loc)
	}
	return reDemoDate.ReplaceAllStringFunc(text, func(s string) string {
		m := reDemoDate.FindStringSubmatch(s)
		switch {
		case s == "{year}":
			return strconv.Itoa(now.Year())
		case s == "{season}" && now.Month() >= time.July:
			return fmt.Sprintf("Høst %d", now.Year())
		case s == "{season}":
			return fmt.Sprintf("Vår %d", now.Year())
		}
		k, _ := strconv.Atoi(m[2])
		if m[1] == "day" {
			d := now.AddDate(0, 0, k)
			return fmt.Sprintf("%d.%d.%d", d.Day(), d.Month(), d.Year())
		}
		d := time.Date(now.Year(), now.Month()+time.Month(k), 1, 0, 0, 0, 0, time.UTC)
		return fmt.Sprintf("%s %d", norwegianMonths[d.Month()-1], d.Year())
	})
}
