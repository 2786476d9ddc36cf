package apidoc_test

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/samvirke/samvirke/internal/apidoc"
	"github.com/samvirke/samvirke/web"
)

const coreFragment = `{
  "openapi": "3.1.0",
  "info": {"title": "Test API", "version": "1"},
  "servers": [{"url": "/api/v1"}],
  "components": {
    "schemas": {"Organisation": {"type": "object"}},
    "responses": {"Problem": {"description": "A problem"}}
  },
  "paths": {
    "/me": {"get": {"responses": {"401": {"$ref": "#/components/responses/Problem"}}}}
  }
}`

const workbookFragment = `{
  "components": {"schemas": {"Entry": {"type": "object", "properties": {"content": {"type": "object"}}}}},
  "paths": {
    "/workbooks": {"get": {"responses": {"404": {"$ref": "#/components/responses/Problem"}}}},
    "/workbooks/{id}": {"put": {"requestBody": {"content": {"application/json": {"schema":
      {"$ref": "#/components/schemas/Entry/properties/content"}}}}}}
  }
}`

// fragments builds api/<name> for each name → text.
func fragments(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, text := range files {
		fsys["api/"+name] = &fstest.MapFile{Data: []byte(text)}
	}
	return fsys
}

func TestLoadMergesFragments(t *testing.T) {
	t.Parallel()
	doc, err := apidoc.Load(fragments(map[string]string{"core.json": coreFragment, "workbook.json": workbookFragment}), "api")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	var got struct {
		OpenAPI    string                                `json:"openapi"`
		Info       map[string]string                     `json:"info"`
		Components map[string]map[string]json.RawMessage `json:"components"`
		Paths      map[string]json.RawMessage            `json:"paths"`
	}
	if err := json.Unmarshal(doc.JSON(), &got); err != nil {
		t.Fatalf("the merged document: %v", err)
	}
	if got.OpenAPI != "3.1.0" || got.Info["title"] != "Test API" {
		t.Errorf("openapi %q, info %v: want the core fragment's", got.OpenAPI, got.Info)
	}
	if want := []string{"/me", "/workbooks", "/workbooks/{id}"}; !slices.Equal(slices.Sorted(maps.Keys(got.Paths)), want) {
		t.Errorf("paths %v, want %v", slices.Sorted(maps.Keys(got.Paths)), want)
	}
	if want := []string{"Entry", "Organisation"}; !slices.Equal(slices.Sorted(maps.Keys(got.Components["schemas"])), want) {
		t.Errorf("schemas %v, want %v", slices.Sorted(maps.Keys(got.Components["schemas"])), want)
	}
	if !strings.HasPrefix(string(doc.JSON()), "{\n  \"openapi\": \"3.1.0\",\n  \"info\":") {
		t.Errorf("the document does not start with its version and info:\n%.80s", doc.JSON())
	}
}

func TestLoadRejectsConflictingFragments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		extra string   // a third fragment, other.json, besides core and workbook
		want  []string // every one must be in the error
	}{
		{"duplicate path", `{"paths": {"/workbooks": {"get": {}}}}`,
			[]string{"path /workbooks is defined twice", "api/other.json", "api/workbook.json"}},
		{"duplicate component", `{"components": {"schemas": {"Organisation": {"type": "string"}}}}`,
			[]string{"component schemas/Organisation is defined twice", "api/core.json", "api/other.json"}},
		{"second info", `{"info": {"title": "Other", "version": "2"}}`,
			[]string{"info is defined twice", "api/core.json", "api/other.json"}},
		{"dangling reference", `{"paths": {"/plans": {"get": {"responses": {"200": {"$ref": "#/components/responses/Plan"}}}}}}`,
			[]string{"api/other.json", `"#/components/responses/Plan" at /paths/~1plans`, "points at nothing"}},
		{"not JSON", `{"paths": `, []string{"api/other.json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := apidoc.Load(fragments(map[string]string{
				"core.json": coreFragment, "workbook.json": workbookFragment, "other.json": tt.extra,
			}), "api")
			if err == nil {
				t.Fatalf("Load() succeeded, want an error naming %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Load() error = %v, want one containing %q", err, w)
				}
			}
		})
	}
}

func TestLoadRejectsIncompleteDocuments(t *testing.T) {
	t.Parallel()
	if _, err := apidoc.Load(fragments(map[string]string{"workbook.json": `{"paths": {}}`}), "api"); err == nil ||
		!strings.Contains(err.Error(), "openapi") {
		t.Errorf("Load() without an openapi field: error = %v, want one naming openapi", err)
	}
	if _, err := apidoc.Load(fstest.MapFS{}, "api"); err == nil || !strings.Contains(err.Error(), "no fragments in api") {
		t.Errorf("Load() of no fragments: error = %v, want one saying so", err)
	}
}

// TestProductFragmentsMerge: the product's own fragments merge, each into
// the place its capability owns.
func TestProductFragmentsMerge(t *testing.T) {
	t.Parallel()
	doc, err := apidoc.Load(web.FS(""), "api")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	var got struct {
		Paths map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(doc.JSON(), &got); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/me", "/orgs/{org}", "/orgs/{org}/workbooks/{workbook}/statements/{statement}"} {
		if _, ok := got.Paths[p]; !ok {
			t.Errorf("the merged document lacks %s", p)
		}
	}
}
