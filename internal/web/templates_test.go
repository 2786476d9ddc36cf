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
// is refused instead, naming the page and the name. A page's set holds only
// the shared files it calls.
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
	set := p.sets["plan/index.html"]
	for name, want := range map[string]bool{"layout-content": true, "foot": true, "field": true, "label": true, "planrow": false} {
		if got := set.Lookup(name) != nil; got != want {
			t.Errorf("plan/index.html's set holds %q: %v, want %v", name, got, want)
		}
	}
	var b strings.Builder
	if err := set.ExecuteTemplate(&b, "layout-content", []int{1}); err != nil || b.String() != "<input><label><footer>" {
		t.Errorf("rendered %q, %v", b.String(), err)
	}
	fsys["templates/council/index.html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}{{with .}}{{template "minutes" .}}{{end}}{{end}}`)}
	_, err = loadPages(fsys, nil)
	if err == nil || !strings.Contains(err.Error(), `"minutes"`) || !strings.Contains(err.Error(), "council/index.html") {
		t.Errorf("a call to nothing: %v; want the start refused naming the page and the name", err)
	}
}
