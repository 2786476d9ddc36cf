package workbook

import (
	"context"
	"sync"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
)

// templateCacheSize bounds the published templates a process keeps.
const templateCacheSize = 256

// templateCache keeps published templates: once published a template
// never changes (its chapters, statements and sections are only ever
// inserted with it, and its lists of chapters and statements too: a later
// version that lists the same rows has lists of its own, see cycle.go; a
// running cycle grows by moving workbooks, never by changing a version),
// so the workbook, answer and gathering pages need not
// read its tables on every request. It answers a template only to a
// unit of work whose scope may read the network's rows, as row-level
// security would, and a copy, so no caller can change another's. The zero
// value is ready.
type templateCache struct {
	mu sync.Mutex
	m  map[[2]int64]*Template // (network, template) → template
}

// findTemplate is FindTemplate through s's cache of published templates.
func (s *Service) findTemplate(ctx context.Context, idb bun.IDB, networkID, id int64) (*Template, error) {
	c := &s.templates
	key := [2]int64{networkID, id}
	if db.MayRead(ctx, networkID) {
		c.mu.Lock()
		t := c.m[key]
		c.mu.Unlock()
		if t != nil {
			return t.clone(), nil
		}
	}
	t, err := FindTemplate(ctx, idb, networkID, id)
	if err != nil || t.PublishedAt == nil {
		return t, err
	}
	c.mu.Lock()
	c.put(networkID, t)
	c.mu.Unlock()
	return t, nil
}

// put keeps a copy of the network's published template t; c.mu is held.
func (c *templateCache) put(networkID int64, t *Template) {
	if c.m == nil || len(c.m) >= templateCacheSize {
		c.m = map[[2]int64]*Template{}
	}
	c.m[[2]int64{networkID, t.ID}] = t.clone()
}

// clone copies t with its chapters, statements and sections.
func (t *Template) clone() *Template {
	out := *t
	out.Chapters = make([]*Chapter, len(t.Chapters))
	for i, c := range t.Chapters {
		cc := *c
		cc.Statements = make([]*Statement, len(c.Statements))
		for j, st := range c.Statements {
			sc := *st
			sc.Questions = append([]string(nil), st.Questions...)
			cc.Statements[j] = &sc
		}
		out.Chapters[i] = &cc
	}
	out.Sections = make([]*Section, len(t.Sections))
	for i, sec := range t.Sections {
		sc := *sec
		out.Sections[i] = &sc
	}
	return &out
}

// findTemplates is FindTemplates through s's cache of published
// templates: it reads the network's template rows and, for a unit of work
// whose scope may read the network, only the chapters, statements and
// sections of templates not kept (unpublished ones always). Their lists
// join tables whose row-level security looks into one another, and
// PostgreSQL took longer to plan those reads than to run them.
func (s *Service) findTemplates(ctx context.Context, idb bun.IDB, networkID int64) ([]*Template, error) {
	var rows []templateRow
	bctx, a := db.Bind(ctx, idb, networkID) // on the dashboard and the progress grid: planned once a connection
	if err := idb.NewSelect().Model(&rows).Where("org_id = ?", a...).OrderExpr("name, version DESC").Scan(bctx); err != nil {
		return nil, err
	}
	c := &s.templates
	out := make([]*Template, len(rows))
	var missing []templateRow
	if db.MayRead(ctx, networkID) {
		c.mu.Lock()
		for i, r := range rows {
			if t := c.m[[2]int64{networkID, r.ID}]; t != nil && r.PublishedAt != nil {
				out[i] = t.clone()
				out[i].Name, out[i].Version, out[i].PublishedAt, out[i].CreatedAt = r.Name, r.Version, r.PublishedAt, r.CreatedAt
			}
		}
		c.mu.Unlock()
	}
	for i, r := range rows {
		if out[i] == nil {
			missing = append(missing, r)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	loaded, err := loadTemplates(ctx, idb, networkID, missing)
	if err != nil {
		return nil, err
	}
	j := 0
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range out {
		if out[i] != nil {
			continue
		}
		t := loaded[j]
		j++
		out[i] = t
		if t.PublishedAt != nil {
			c.put(networkID, t)
		}
	}
	return out, nil
}
