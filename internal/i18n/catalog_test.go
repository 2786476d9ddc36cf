package i18n_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/web"
)

// readCatalogues decodes <dir>/<locale>.json of every locale.
func readCatalogues(t *testing.T, fsys fs.FS, dir string) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for _, loc := range i18n.Locales {
		b, err := fs.ReadFile(fsys, path.Join(dir, loc+".json"))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s.json: %v", loc, err)
		}
		out[loc] = m
	}
	return out
}

var placeholderRE = regexp.MustCompile(`\{([A-Za-z0-9_]+)\}`)

// placeholders answers the sorted, distinct {names} in msg.
func placeholders(msg string) []string {
	var names []string
	for _, m := range placeholderRE.FindAllStringSubmatch(msg, -1) {
		names = append(names, m[1])
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// contentProblems lists empty messages and messages whose placeholders
// differ from the fallback locale's message for the same key.
func contentProblems(msgs map[string]map[string]string) []string {
	var problems []string
	for _, loc := range i18n.Locales {
		for _, key := range slices.Sorted(maps.Keys(msgs[loc])) {
			msg := msgs[loc][key]
			if strings.TrimSpace(msg) == "" {
				problems = append(problems, fmt.Sprintf("%s: %s is empty", loc, key))
				continue
			}
			ref, ok := msgs[i18n.Fallback][key]
			if !ok || loc == i18n.Fallback {
				continue
			}
			if got, want := placeholders(msg), placeholders(ref); !slices.Equal(got, want) {
				problems = append(problems, fmt.Sprintf("%s: %s has placeholders %v, %s has %v", loc, key, got, i18n.Fallback, want))
			}
		}
	}
	return problems
}

func TestCataloguesHaveEveryKey(t *testing.T) {
	t.Parallel()
	cat, err := i18n.Load(web.FS(""), "locales")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	for _, loc := range i18n.Locales {
		if keys := cat.Missing()[loc]; len(keys) > 0 {
			t.Errorf("%s.json lacks %d keys: %s", loc, len(keys), strings.Join(keys, ", "))
		}
	}
}

func TestCataloguesHaveUsableMessages(t *testing.T) {
	t.Parallel()
	msgs := readCatalogues(t, web.FS(""), "locales")
	if len(msgs[i18n.Fallback]) == 0 {
		t.Fatalf("%s.json has no messages", i18n.Fallback)
	}
	for _, p := range contentProblems(msgs) {
		t.Error(p)
	}
}

// testFS builds four catalogues from one base map, with changes per locale:
// a nil value deletes the key.
func testFS(base map[string]string, changes map[string]map[string]*string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for _, loc := range i18n.Locales {
		m := maps.Clone(base)
		for k, v := range changes[loc] {
			if v == nil {
				delete(m, k)
			} else {
				m[k] = *v
			}
		}
		b, _ := json.Marshal(m)
		fsys["locales/"+loc+".json"] = &fstest.MapFile{Data: b}
	}
	return fsys
}

func ptr(s string) *string { return &s }

func TestMissingReportsTheLocaleAndKey(t *testing.T) {
	t.Parallel()
	base := map[string]string{"a.title": "A", "b.title": "B", "c.title": "C"}
	tests := []struct {
		name    string
		changes map[string]map[string]*string
		want    map[string][]string
	}{
		{"complete", nil, map[string][]string{}},
		{"sv lacks a key", map[string]map[string]*string{"sv": {"b.title": nil}}, map[string][]string{"sv": {"b.title"}}},
		{"en lacks two keys", map[string]map[string]*string{"en": {"a.title": nil, "c.title": nil}}, map[string][]string{"en": {"a.title", "c.title"}}},
		{"key only in da", map[string]map[string]*string{"da": {"d.title": ptr("D")}}, map[string][]string{
			"nb": {"d.title"}, "sv": {"d.title"}, "en": {"d.title"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cat, err := i18n.Load(testFS(base, tt.changes), "locales")
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			got := cat.Missing()
			if !maps.EqualFunc(got, tt.want, slices.Equal) {
				t.Errorf("Missing() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestContentProblemsFindsBadMessages(t *testing.T) {
	t.Parallel()
	base := map[string]string{"greet": "Hello {name}", "title": "Title"}
	tests := []struct {
		name    string
		changes map[string]map[string]*string
		want    []string
	}{
		{"consistent", nil, nil},
		{"empty value", map[string]map[string]*string{"da": {"title": ptr(" ")}}, []string{"da: title is empty"}},
		{"renamed placeholder", map[string]map[string]*string{"nb": {"greet": ptr("Hei {navn}")}},
			[]string{"nb: greet has placeholders [navn], en has [name]"}},
		{"dropped placeholder", map[string]map[string]*string{"sv": {"greet": ptr("Hej")}},
			[]string{"sv: greet has placeholders [], en has [name]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := contentProblems(readCatalogues(t, testFS(base, tt.changes), "locales"))
			if !slices.Equal(got, tt.want) {
				t.Errorf("contentProblems() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLoadRejectsBrokenCatalogues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		fsys fstest.MapFS
		want string
	}{
		{"missing file", func() fstest.MapFS {
			f := testFS(map[string]string{"a": "A"}, nil)
			delete(f, "locales/da.json")
			return f
		}(), "da.json"},
		{"invalid JSON", func() fstest.MapFS {
			f := testFS(map[string]string{"a": "A"}, nil)
			f["locales/sv.json"] = &fstest.MapFile{Data: []byte(`{"a": "A",}`)}
			return f
		}(), "sv.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := i18n.Load(tt.fsys, "locales")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load() error = %v, want one naming %s", err, tt.want)
			}
		})
	}
}
