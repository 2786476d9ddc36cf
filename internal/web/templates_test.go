package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/samvirke/samvirke/internal/i18n"
	webassets "github.com/samvirke/samvirke/web"
)

// TestTemplatesLoadByCapabilityFolder loads the real templates: every page
// lives in its capability's folder and is known by its path there.
func TestTemplatesLoadByCapabilityFolder(t *testing.T) {
	assets := webassets.FS("")
	cat, err := i18n.Load(assets, "locales")
	if err != nil {
		t.Fatal(err)
	}
	p, err := loadPages(assets, cat)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"workbook/entry.html", "workbook/gatherings.html", "account/signin.html", "admin/members.html", "org/dashboard.html", "core/error.html"} {
		if p.sets[want] == nil {
			t.Errorf("no page %s; have %v", want, slices.Sorted(maps.Keys(p.sets)))
		}
	}
	for name := range p.sets {
		if !strings.Contains(name, "/") || strings.HasPrefix(name, "partials/") {
			t.Errorf("page %s is not in a capability's folder", name)
		}
	}
	// Every page a handler renders by name exists.
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	rendered := 0
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) < 3 {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); !ok || sel.Sel.Name != "render" {
				return true
			}
			if lit, ok := call.Args[2].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				rendered++
				if name, _ := strconv.Unquote(lit.Value); p.sets[name] == nil {
					t.Errorf("%s renders page %s, which does not exist", fset.Position(lit.Pos()), name)
				}
			}
			return true
		})
	}
	if rendered < len(p.sets) {
		t.Errorf("found %d pages rendered by name for %d pages", rendered, len(p.sets))
	}
}

// TestTemplatesRefuseADuplicateName: a template name defined twice would
// silently replace the other one, so the start is refused, naming both files.
func TestTemplatesRefuseADuplicateName(t *testing.T) {
	layout := `{{define "layout-title"}}<title>{{block "title" .}}{{end}}</title>{{end}}{{define "layout-content"}}{{block "content" .}}{{end}}{{end}}`
	base := func() fstest.MapFS {
		return fstest.MapFS{
			"static/app.css":                 {Data: []byte("body{}")},
			"templates/layout.html":          {Data: []byte(layout)},
			"templates/partials/form.html":   {Data: []byte(`{{define "field"}}<input>{{end}}`)},
			"templates/plan/index.html":      {Data: []byte(`{{define "title"}}Plans{{end}}{{define "content"}}{{template "field" .}}{{end}}`)},
			"templates/plan/partials/p.html": {Data: []byte(`{{define "planrow"}}<tr>{{end}}`)},
		}
	}
	if p, err := loadPages(base(), nil); err != nil {
		t.Fatalf("a page redefining only the layout's blocks: %v", err)
	} else if p.sets["plan/index.html"] == nil {
		t.Fatalf("no page plan/index.html; have %v", slices.Sorted(maps.Keys(p.sets)))
	}
	for name, tt := range map[string]struct {
		file, text string
		want       []string
	}{
		"two partials":                       {"templates/council/partials/c.html", `{{define "field"}}<select>{{end}}`, []string{`"field"`, "partials/form.html", "council/partials/c.html"}},
		"a page and a partial":               {"templates/council/index.html", `{{define "content"}}x{{end}}{{define "planrow"}}<tr>{{end}}`, []string{`"planrow"`, "plan/partials/p.html", "council/index.html"}},
		"a page and the layout":              {"templates/council/index.html", `{{define "layout-title"}}x{{end}}`, []string{`"layout-title"`, "layout.html", "council/index.html"}},
		"a page outside a capability folder": {"templates/index.html", `{{define "content"}}x{{end}}`, []string{"index.html", "capability"}},
	} {
		t.Run(name, func(t *testing.T) {
			fsys := base()
			fsys[tt.file] = &fstest.MapFile{Data: []byte(tt.text)}
			_, err := loadPages(fs.FS(fsys), nil)
			if err == nil {
				t.Fatal("loaded; want the start refused")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %s", err, w)
				}
			}
		})
	}
}

// TestTemplatesRefuseACallToNothing: a page calling a template no shared
// file or the page itself defines would fail on its first request; the start
// is refused instead, naming the page and the name. So is a partial
// calling what only a page defines.
func TestTemplatesRefuseACallToNothing(t *testing.T) {
	fsys := fstest.MapFS{
		"static/app.css":                 {Data: []byte("body{}")},
		"templates/layout.html":          {Data: []byte(`{{define "layout-title"}}{{block "title" .}}{{end}}{{end}}{{define "layout-content"}}{{block "content" .}}{{end}}{{template "foot" .}}{{end}}`)},
		"templates/partials/foot.html":   {Data: []byte(`{{define "foot"}}<footer>{{end}}`)},
		"templates/partials/form.html":   {Data: []byte(`{{define "field"}}<input>{{template "label" .}}{{end}}{{define "label"}}<label>{{end}}`)},
		"templates/plan/partials/p.html": {Data: []byte(`{{define "planrow"}}<tr>{{end}}`)},
		"templates/plan/index.html":      {Data: []byte(`{{define "content"}}{{if .}}{{range .}}{{template "field" .}}{{end}}{{end}}{{end}}`)},
	}
	p, err := loadPages(fsys, nil)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := p.sets["plan/index.html"].content.Execute(&b, []int{1}); err != nil || b.String() != "<input><label><footer>" {
		t.Errorf("rendered %q, %v", b.String(), err)
	}
	fsys["templates/council/index.html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}{{with .}}{{template "minutes" .}}{{end}}{{end}}`)}
	_, err = loadPages(fsys, nil)
	if err == nil || !strings.Contains(err.Error(), `"minutes"`) || !strings.Contains(err.Error(), "council/index.html") {
		t.Errorf("a call to nothing: %v; want the start refused naming the page and the name", err)
	}
	delete(fsys, "templates/council/index.html")
	fsys["templates/partials/row.html"] = &fstest.MapFile{Data: []byte(`{{define "row"}}{{template "cells" .}}{{end}}`)}
	fsys["templates/plan/show.html"] = &fstest.MapFile{Data: []byte(`{{define "cells"}}<td>{{end}}{{define "content"}}{{template "row" .}}{{end}}`)}
	_, err = loadPages(fsys, nil)
	if err == nil || !strings.Contains(err.Error(), `"cells"`) || !strings.Contains(err.Error(), "partials/row.html") {
		t.Errorf("a partial calling a page's template: %v; want the start refused naming the partial and the name", err)
	}
}

// TestTemplatesOneSetPagesApart: every page is parsed into one set, each
// partial once, and pages that define the same names (their title and
// content, a row of their own) each render their own, around the layout's,
// with a partial escaping its data in each page's context.
func TestTemplatesOneSetPagesApart(t *testing.T) {
	fsys := fstest.MapFS{
		"static/app.css":               {Data: []byte("body{}")},
		"templates/layout.html":        {Data: []byte(`{{define "layout-title"}}<title>{{block "title" .}}{{end}}</title>{{end}}{{define "layout-content"}}<main>{{block "content" .}}{{end}}</main>{{end}}`)},
		"templates/partials/link.html": {Data: []byte(`{{define "link"}}<a href="{{.}}">{{.}}</a>{{end}}`)},
		"templates/plan/index.html":    {Data: []byte(`{{define "title"}}Planer{{end}}{{define "row"}}<p>{{template "link" .}}</p>{{end}}{{define "content"}}{{range .}}{{template "row" .}}{{end}}{{end}}`)},
		"templates/council/index.html": {Data: []byte(`{{define "title"}}Råd{{end}}{{define "row"}}<li>{{template "link" .}}</li>{{end}}{{define "content"}}<ul>{{range .}}{{template "row" .}}{{end}}</ul>{{end}}`)},
	}
	p, err := loadPages(fsys, nil)
	if err != nil {
		t.Fatal(err)
	}
	data := []string{`/a?x=«ø» "y"`, "javascript:alert(1)"}
	for name, want := range map[string]string{
		"plan/index.html":    `<title>Planer</title><main><p><a href="/a?x=%c2%ab%c3%b8%c2%bb%20%22y%22">/a?x=«ø» &#34;y&#34;</a></p><p><a href="#ZgotmplZ">javascript:alert(1)</a></p></main>`,
		"council/index.html": `<title>Råd</title><main><ul><li><a href="/a?x=%c2%ab%c3%b8%c2%bb%20%22y%22">/a?x=«ø» &#34;y&#34;</a></li><li><a href="#ZgotmplZ">javascript:alert(1)</a></li></ul></main>`,
	} {
		set := p.sets[name]
		var b strings.Builder
		if err := set.title.Execute(&b, data); err != nil {
			t.Fatal(err)
		}
		if err := set.content.Execute(&b, data); err != nil {
			t.Fatal(err)
		}
		if b.String() != want {
			t.Errorf("%s:\n got %s\nwant %s", name, b.String(), want)
		}
	}
	links := 0
	for _, tpl := range p.all.Templates() {
		if tpl.Name() == "link" {
			links++
		}
	}
	if links != 1 {
		t.Errorf("the set holds the partial %d times", links)
	}
}
