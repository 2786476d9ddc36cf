package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"text/template/parse"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/overview"
	"github.com/samvirke/samvirke/internal/plan"
	"github.com/samvirke/samvirke/internal/survey"
)

// Layout is what every page shares; each page's data struct embeds it.
type Layout struct {
	Locale string
	// Lang and Dir, when set, are the page's language and direction
	// when its content is in a language the interface does not speak (a
	// survey respondent's Arabic: lang="ar", dir="rtl"); Locale stays the
	// language of the interface's own texts.
	Lang, Dir string
	// Bare leaves out the header, navigation and footer links: a page for
	// someone outside the product (a survey respondent).
	Bare        bool
	Actor       *app.Actor
	OrgName     string
	Memberships []*account.Membership
	Nav         string // the active main-navigation section
	AdminTabs   []adminTab
	Breadcrumbs []Crumb
	Flash       *Flash
	MainNav     []navLink // the main navigation the actor sees (Deps.Nav)
	Path        string    // this page, for forms that come back here

	// Bell is the header's link to the actor's notifications with their
	// unread count (remind_notifications.go); nil outside an organisation.
	Bell *bellLink
	// BillingNotice tells the members of a read-only organisation why,
	// and its owners of a payment overdue or a trial ending
	// (billing_notice.go); nil otherwise.
	BillingNotice *billingNotice

	termOverrides map[string]string
	translate     func(key string) string
}

// Crumb is one step of the breadcrumb trail; the last has no URL.
type Crumb struct{ Label, URL string }

// Flash is a one-time message shown after a redirect.
type Flash struct{ Text string }

func (l *Layout) layout() *Layout { return l }

type page interface{ layout() *Layout }

// timeOf accepts a time or a pointer to one (nil: the zero time).
func timeOf(v any) time.Time {
	switch t := v.(type) {
	case time.Time:
		return t
	case *time.Time:
		if t != nil {
			return *t
		}
	}
	return time.Time{}
}

// locations caches time zones by name (→ *time.Location), as
// time.LoadLocation reads the zone database on every call.
var locations sync.Map

// formatDateTime writes t as a day and time in the time zone tz, the
// locale's way.
func formatDateTime(loc string, t time.Time, tz string) string {
	l, _ := loadLocation(tz)
	return i18n.FormatDateTime(loc, t, l)
}

// loadLocation is time.LoadLocation, cached.
func loadLocation(name string) (*time.Location, error) {
	if l, ok := locations.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err == nil {
		locations.Store(name, l)
	}
	return l, err
}

// pages holds the pages' templates, parsed into one set, with each page's
// entry points, and the static assets' content-hashed URLs.
type pages struct {
	all    *template.Template
	sets   map[string]*pageSet
	assets map[string]string // name → /static/<hash>/<name>
	static fs.FS
}

// pageSet is a page's two entry points in the one set of every page:
// the layout's title and content as the page fills them.
type pageSet struct {
	title, content *template.Template
}

func loadPages(fsys fs.FS, cat *i18n.Catalog) (*pages, error) {
	p := &pages{sets: map[string]*pageSet{}, assets: map[string]string{}}
	var err error
	if p.static, err = fs.Sub(fsys, "static"); err != nil {
		return nil, err
	}
	err = fs.WalkDir(p.static, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(p.static, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		p.assets[name] = "/static/" + hex.EncodeToString(sum[:5]) + "/" + name
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: static assets: %w", err)
	}
	if err := p.parseTemplates(fsys, templateFuncs(cat, p.assets)); err != nil {
		return nil, err
	}
	return p, nil
}

// templateFuncs answers the functions the pages' templates call, in the
// catalogue cat, with the static assets' addresses by name (assets).
// Fragments' tests execute the template text a fragment replaced with
// them.
func templateFuncs(cat *i18n.Catalog, assets map[string]string) template.FuncMap {
	funcs := template.FuncMap{
		"t": func(loc, key string, args ...any) string { return cat.T(loc, key, args...) },
		// gridHTML writes a progress grid (grid.go).
		"gridHTML": func(loc string, g overview.Grid) template.HTML { return gridHTML(cat, loc, g) },
		// dueGroupHTML writes a group of "My work" (mywork.go).
		"dueGroupHTML": func(loc string, g dueGroup) template.HTML { return dueGroupHTML(cat, loc, g) },
		// benchRowsHTML writes a benchmark's ranking (grid.go).
		"benchRowsHTML": func(loc string, rows []benchRow, rate bool) template.HTML { return benchRowsHTML(cat, loc, rows, rate) },
		// planMeasureHTML writes a measure's line of a plan's tree (grid.go).
		"planMeasureHTML": func(loc, measures string, it plan.Item, m *measure.Measure) template.HTML {
			return planMeasureHTML(cat, loc, measures, it, m)
		},
		"n": func(loc, key string, count int, args ...any) string { return cat.N(loc, key, count, args...) },
		"num": func(loc string, v any) string {
			switch v := v.(type) {
			case int:
				return i18n.FormatInt(loc, int64(v))
			case int64:
				return i18n.FormatInt(loc, v)
			case float64:
				return i18n.FormatNumber(loc, v, -1)
			case *float64: // an optional figure: nothing when absent
				if v == nil {
					return ""
				}
				return i18n.FormatNumber(loc, *v, -1)
			}
			return fmt.Sprint(v)
		},
		"pct":   i18n.FormatPercent,
		"money": i18n.FormatMoney,
		// figure prints a protected indicator figure (indicator_figure.go).
		"figure": func(loc string, ind *indicator.Indicator, f indicator.Figure, threshold int) string {
			return figureText(cat, loc, ind, f, threshold)
		},
		// groupName prints a comparison group's name (a country by its
		// name in loc).
		"groupName": func(loc string, g indicator.CompareGroup) string { return figurePrinter(cat, loc, 0).GroupName(g) },
		// langinfo answers a survey language's name in itself and direction.
		"langinfo": func(code string) survey.LanguageInfo { l, _ := survey.LanguageOf(code); return l },
		"neg":      func(n int) int { return -n },
		"list":     func(v ...string) []string { return v },
		"inc":      func(i int) int { return i + 1 },
		// splitWords splits a space-separated list of ids.
		"splitWords": strings.Fields,
		// deref answers an optional number's value (0 when absent).
		"deref": func(p *int) int {
			if p == nil {
				return 0
			}
			return *p
		},
		// title capitalises the first letter, for terms that start a label.
		"title": func(s string) string {
			for i, r := range s {
				return strings.ToUpper(string(r)) + s[i+utf8.RuneLen(r):]
			}
			return s
		},
		"date": func(loc string, t any) string {
			return i18n.FormatDate(loc, timeOf(t))
		},
		"datetime": func(loc string, t any, tz string) string { return formatDateTime(loc, timeOf(t), tz) },
		// safeURL marks a URL the server made itself (a data: URL of a
		// QR code) as safe; never use it on user input.
		"safeURL": func(s string) template.URL { return template.URL(s) },
		"asset": func(name string) (string, error) {
			if u, ok := assets[name]; ok {
				return u, nil
			}
			return "", fmt.Errorf("no static asset %q", name)
		},
	}
	// Parts of pages written in Go (<page>_fragment.go).
	maps.Copy(funcs, meetingFragmentFuncs(cat))
	maps.Copy(funcs, planFragmentFuncs(cat))
	maps.Copy(funcs, workbookFragmentFuncs(cat))
	maps.Copy(funcs, answerFragmentFuncs(cat))
	maps.Copy(funcs, gatheringFragmentFuncs(cat))
	funcs["dict"] = func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, fmt.Errorf("dict: odd number of arguments")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m, nil
	}
	return funcs
}

// parseTemplates parses the pages under templates/: the layout and every
// partials folder (templates/partials/ and templates/<capability>/partials/)
// are shared; every other file, one folder per capability
// (templates/<capability>/<page>.html), is a page known by its path under
// templates/ ("workbook/entry.html").
//
// Every template is parsed into one set, each shared one once: a set per
// page held its own copy of the partials it called, their parse trees and
// their escaped forms, and of the functions' table, some 8 MB for about
// ninety pages that one set holds in less than half. A page's own
// templates, and the layout's two around them, are named after the page
// in the set ("workbook/entry.html#content"), and its calls to them
// renamed, so pages may define the same names; a partial calls only what
// the partials define.
//
// A template name is defined once: two shared files defining the same name,
// or a page defining a shared name other than the layout's blocks (title,
// content), would silently replace one another and so stop the start,
// naming both files; so does a call to a name nothing defines.
func (p *pages) parseTemplates(fsys fs.FS, funcs template.FuncMap) error {
	tfs, err := fs.Sub(fsys, "templates")
	if err != nil {
		return err
	}
	var shared, pageFiles []string
	err = fs.WalkDir(tfs, ".", func(name string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() || path.Ext(name) != ".html":
			return nil
		case name == "layout.html" || path.Base(path.Dir(name)) == "partials":
			shared = append(shared, name)
		case !strings.Contains(name, "/"):
			return fmt.Errorf("web: template %s: a page belongs in its capability's folder, templates/<capability>/", name)
		default:
			pageFiles = append(pageFiles, name)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("web: templates: %w", err)
	}
	// definedBy: template name → the shared file that defines it; uses:
	// shared file → the names its templates call.
	definedBy := map[string]string{}
	uses := map[string][]string{}
	blocks := map[string]bool{}
	for _, name := range shared {
		defs, refs, err := templateNames(tfs, name, funcs)
		if err != nil {
			return err
		}
		uses[name] = refs
		for _, d := range defs {
			if other, ok := definedBy[d]; ok {
				return fmt.Errorf("web: template %q is defined in both %s and %s", d, other, name)
			}
			definedBy[d] = name
			if name == "layout.html" && d != "layout-title" && d != "layout-content" {
				blocks[d] = true
			}
		}
	}
	for _, d := range []string{"layout-title", "layout-content"} {
		if definedBy[d] != "layout.html" {
			return fmt.Errorf("web: templates: layout.html defines no %q (writePage places a page with it)", d)
		}
	}
	p.all = template.New("").Funcs(funcs)
	for _, name := range shared {
		for _, ref := range uses[name] {
			if f, ok := definedBy[ref]; !ok || (f == "layout.html" && name != "layout.html") {
				return fmt.Errorf("web: template %s calls %q, which no partial defines", name, ref)
			}
		}
		if name == "layout.html" {
			continue // parsed with each page, as the page's
		}
		if _, err := p.all.ParseFS(tfs, name); err != nil {
			return fmt.Errorf("web: template %s: %w", name, err)
		}
	}
	for _, name := range pageFiles {
		// The layout and the page, parsed together as before (the page's
		// title and content replace the layout's empty blocks), then
		// moved into the one set under the page's names. What the page
		// itself defines and calls are its file's trees' (ParseName).
		page, err := template.New(name).Funcs(funcs).ParseFS(tfs, "layout.html", name)
		if err != nil {
			return fmt.Errorf("web: template %s: %w", name, err)
		}
		base := path.Base(name)
		local, own, refs := map[string]bool{}, map[string]bool{}, map[string]bool{}
		for _, t := range page.Templates() {
			if t.Tree == nil {
				continue
			}
			fromPage := t.Tree.ParseName == base
			if fromPage {
				eachCall(t.Tree.Root, func(n *parse.TemplateNode) { refs[n.Name] = true })
			}
			if t.Name() == "layout.html" || t.Name() == base {
				continue
			}
			local[t.Name()] = true
			if fromPage {
				if other, ok := definedBy[t.Name()]; ok && !blocks[t.Name()] {
					return fmt.Errorf("web: template %q is defined in both %s and %s", t.Name(), other, name)
				}
				own[t.Name()] = true
			}
		}
		for _, ref := range slices.Sorted(maps.Keys(refs)) {
			if _, ok := definedBy[ref]; !ok && !own[ref] {
				return fmt.Errorf("web: template %s calls %q, which no shared file or the page defines", name, ref)
			}
		}
		for _, t := range page.Templates() {
			if !local[t.Name()] {
				continue
			}
			// The tree itself, not a copy: a copy's nodes keep the tree
			// they were copied from, and the parsed page is not used again.
			tree := t.Tree
			tree.Name = name + "#" + t.Name()
			eachCall(tree.Root, func(n *parse.TemplateNode) {
				if local[n.Name] {
					n.Name = name + "#" + n.Name
				}
			})
			if _, err := p.all.AddParseTree(tree.Name, tree); err != nil {
				return fmt.Errorf("web: template %s: %w", name, err)
			}
		}
		p.sets[name] = &pageSet{title: p.all.Lookup(name + "#layout-title"), content: p.all.Lookup(name + "#layout-content")}
	}
	return nil
}

// templateNames answers the names a template file defines ({{define}} and
// {{block}}) and the names its templates call ({{template}}), each sorted.
func templateNames(fsys fs.FS, name string, funcs template.FuncMap) (defs, refs []string, err error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, nil, err
	}
	t, err := template.New(name).Funcs(funcs).Parse(string(b))
	if err != nil {
		return nil, nil, fmt.Errorf("web: template %s: %w", name, err)
	}
	called := map[string]bool{}
	for _, d := range t.Templates() {
		if d.Name() != name {
			defs = append(defs, d.Name())
		}
		if d.Tree != nil {
			eachCall(d.Tree.Root, func(n *parse.TemplateNode) { called[n.Name] = true })
		}
	}
	for n := range called {
		refs = append(refs, n)
	}
	sort.Strings(defs)
	sort.Strings(refs)
	return defs, refs, nil
}

// eachCall calls fn with each call of a template in node, at any depth.
func eachCall(node parse.Node, fn func(*parse.TemplateNode)) {
	switch n := node.(type) {
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				eachCall(c, fn)
			}
		}
	case *parse.TemplateNode:
		fn(n)
	case *parse.IfNode:
		eachCall(n.List, fn)
		eachCall(n.ElseList, fn)
	case *parse.RangeNode:
		eachCall(n.List, fn)
		eachCall(n.ElseList, fn)
	case *parse.WithNode:
		eachCall(n.List, fn)
		eachCall(n.ElseList, fn)
	}
}

// render writes page name (its path under templates/, "workbook/entry.html") with data, filling in the shared layout from the
// request. Rendering into a buffer first means a template error becomes a
// clean error page, never half a page.
func (s *Server) render(c *gin.Context, status int, name string, data page) {
	l := data.layout()
	if l.Locale == "" { // a public page may have chosen it (the organisation's)
		l.Locale = s.locale(c)
	}
	l.Path = c.Request.URL.RequestURI()
	loc := l.Locale
	l.translate = func(key string) string { return s.Catalog.T(loc, key) }
	if a := app.ActorFrom(c.Request.Context()); a != nil {
		l.Actor = a
		l.MainNav = s.mainNav(c, a, loc, l.Nav)
		if l.Bell == nil {
			l.Bell = s.bell(c, a, l.Nav)
		}
		l.BillingNotice = s.billingNotice(c, a, loc)
		if a.OrgID != 0 && a.Role != "" {
			if t, err := s.termsOf(c.Request.Context(), a.OrgID); err == nil {
				l.termOverrides = t[loc]
			} else {
				s.Logger.Warn("terms", "org_id", a.OrgID, "err", err)
			}
		}
		if v, ok := c.Get(ctxMemberships); ok {
			l.Memberships = v.([]*account.Membership)
			for _, m := range l.Memberships {
				if m.OrgID == a.OrgID {
					l.OrgName = m.Org.Name
				}
			}
		}
	}
	if l.Flash == nil {
		l.Flash = s.takeFlash(c, l.Locale)
	}
	set, ok := s.pages.sets[name]
	if !ok {
		s.Logger.Error("no such page template", "page", name)
		c.String(http.StatusInternalServerError, "internal error")
		return
	}
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer putRenderBuffer(buf)
	if err := writePage(buf, set, s.Catalog, s.pages.assets, data); err != nil {
		s.Logger.Error("render failed", "page", name, "request_id", requestIDOf(c), "err", err)
		c.String(http.StatusInternalServerError, "internal error")
		return
	}
	if s.RenderProbe != nil {
		s.RenderProbe(requestIDOf(c), name, func(w io.Writer) error { return writePage(w, set, s.Catalog, s.pages.assets, data) })
	}
	if c.Writer.Header().Get("Cache-Control") == "" { // a public page may be cached
		c.Header("Cache-Control", "no-store")
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// renderBuffers holds the buffers pages are rendered into before they
// are sent: a page of 200 measures or 750 municipalities is some 250 kB,
// which a new buffer allocated some 500 kB for on every request, growing
// by doubling. A buffer grown past renderBufferMax is let go rather than
// kept.
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const renderBufferMax = 1 << 20

func putRenderBuffer(b *bytes.Buffer) {
	if b.Cap() > renderBufferMax {
		return
	}
	b.Reset()
	renderBuffers.Put(b)
}

const flashCookie = "samvirke_flash"

// flashMsg is a message for the next page, kept as a key and arguments so
// it is translated into that page's language (which may differ from this
// request's: a new member's first page is in the organisation's language).
// A message with a count (N set) is translated in its plural form.
type flashMsg struct {
	Key  string            `json:"k"`
	Args map[string]string `json:"a,omitempty"`
	N    *int              `json:"n,omitempty"`
}

// setFlash shows a translated message on the next page rendered.
func (s *Server) setFlash(c *gin.Context, key string, args ...any) {
	s.writeFlash(c, flashMsg{Key: key}, args)
}

// setFlashN shows the plural form of key for n on the next page rendered,
// with n as {count}.
func (s *Server) setFlashN(c *gin.Context, key string, n int, args ...any) {
	s.writeFlash(c, flashMsg{Key: key, N: &n}, args)
}

func (s *Server) writeFlash(c *gin.Context, m flashMsg, args []any) {
	m.Args = map[string]string{}
	for i := 0; i+1 < len(args); i += 2 {
		m.Args[fmt.Sprint(args[i])] = fmt.Sprint(args[i+1])
	}
	b, _ := json.Marshal(m)
	http.SetCookie(c.Writer, &http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/",
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode, MaxAge: 60})
}

// takeFlash reads and clears the flash, translated into loc. Only keys of
// the catalogue are shown, so a forged cookie can say nothing of its own.
func (s *Server) takeFlash(c *gin.Context, loc string) *Flash {
	ck, err := c.Request.Cookie(flashCookie)
	if err != nil || ck.Value == "" {
		return nil
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	b, err := base64.RawURLEncoding.DecodeString(ck.Value)
	var m flashMsg
	if err != nil || json.Unmarshal(b, &m) != nil {
		return nil
	}
	args := make([]any, 0, 2*len(m.Args))
	for k, v := range m.Args {
		args = append(args, k, v)
	}
	switch {
	case m.N != nil && s.Catalog.Has(m.Key+".one") && s.Catalog.Has(m.Key+".other"):
		return &Flash{Text: s.Catalog.N(loc, m.Key, *m.N, args...)}
	case m.N == nil && s.Catalog.Has(m.Key):
		return &Flash{Text: s.Catalog.T(loc, m.Key, args...)}
	}
	return nil
}

// serveStatic serves /static/<hash>/<name> with a year-long cache lifetime:
// the hash changes whenever the content does.
func (s *Server) serveStatic(c *gin.Context) {
	name := strings.TrimPrefix(c.Param("path"), "/")
	if _, rest, ok := strings.Cut(name, "/"); ok {
		name = rest
	}
	b, err := fs.ReadFile(s.pages.static, name)
	if err != nil {
		s.writeError(c, app.Errorf(app.ENotFound, "error.not_found.text"))
		return
	}
	c.Header("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(c.Writer, c.Request, name, time.Time{}, bytes.NewReader(b))
}

// serveFavicon answers /favicon.ico, which browsers and feed readers ask for
// on their own even though every page links the SVG icon: a temporary
// redirect to the SVG's content-hashed URL (temporary, because the hash
// changes with the drawing) rather than a 404 in every log.
func (s *Server) serveFavicon(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=86400")
	c.Redirect(http.StatusFound, s.pages.assets["favicon.svg"])
}
