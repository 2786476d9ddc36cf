package web_test

import (
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/web"
	webassets "github.com/samvirke/samvirke/web"
)

// ginParam is a gin path parameter (":org"); OpenAPI writes it "{org}".
var ginParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

// openAPIMethods are the operations an OpenAPI path item may hold.
var openAPIMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// servedOperations fetches /api/v1/openapi.json from srv and answers its
// operations as "METHOD /api/v1/path", the path prefixed with the
// document's server URL.
func servedOperations(t *testing.T, srv *web.Server) []string {
	t.Helper()
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("GET /api/v1/openapi.json: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Servers []struct {
			URL string `json:"url"`
		} `json:"servers"`
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("the served document: %v", err)
	}
	if doc.OpenAPI == "" || len(doc.Servers) != 1 || doc.Servers[0].URL != "/api/v1" {
		t.Fatalf("the served document has openapi %q and servers %+v, want a version and /api/v1", doc.OpenAPI, doc.Servers)
	}
	var ops []string
	for p, item := range doc.Paths {
		for _, m := range openAPIMethods {
			if _, ok := item[m]; ok {
				ops = append(ops, strings.ToUpper(m)+" "+doc.Servers[0].URL+p)
			}
		}
	}
	slices.Sort(ops)
	return ops
}

// TestOpenAPIDocumentsEveryAPIRoute: the document served at
// /api/v1/openapi.json, merged from web/api/<capability>.json, documents
// every /api/v1 route with its method, and documents nothing that is not
// routed.
func TestOpenAPIDocumentsEveryAPIRoute(t *testing.T) {
	t.Parallel()
	assets := webassets.FS("")
	cat, err := i18n.Load(assets, "locales")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Deps{Assets: assets, Catalog: cat, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	documented := servedOperations(t, srv)
	var routed []string
	for _, rt := range srv.Routes() {
		if !strings.HasPrefix(rt.Path, "/api/v1/") || rt.Path == "/api/v1/openapi.json" {
			continue
		}
		routed = append(routed, rt.Method+" "+ginParam.ReplaceAllString(rt.Path, "{$1}"))
	}
	slices.Sort(routed)
	if len(routed) == 0 {
		t.Fatal("no /api/v1 routes found")
	}
	for _, op := range routed {
		if !slices.Contains(documented, op) {
			t.Errorf("%s is routed but not documented in web/api/*.json", op)
		}
	}
	for _, op := range documented {
		if !slices.Contains(routed, op) {
			t.Errorf("%s is documented in web/api/*.json but has no route", op)
		}
	}
}

// TestNewRefusesConflictingAPIFragments: a second fragment documenting a
// path another already documents stops the server at start.
func TestNewRefusesConflictingAPIFragments(t *testing.T) {
	t.Parallel()
	assets := fstest.MapFS{}
	err := fs.WalkDir(webassets.FS(""), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(webassets.FS(""), name)
		assets[name] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	assets["api/plan.json"] = &fstest.MapFile{Data: []byte(`{"paths": {"/me": {"get": {}}}}`)}
	cat, err := i18n.Load(assets, "locales")
	if err != nil {
		t.Fatal(err)
	}
	_, err = web.New(web.Deps{Assets: assets, Catalog: cat, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err == nil || !strings.Contains(err.Error(), "path /me is defined twice: in api/core.json and in api/plan.json") {
		t.Errorf("New() error = %v, want one naming /me, api/core.json and api/plan.json", err)
	}
}
