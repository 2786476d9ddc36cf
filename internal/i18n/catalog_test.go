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

// readCatalogues decodes and merges <dir>/<locale>/*.json of every locale.
func readCatalogues(t *testing.T, fsys fs.FS, dir string) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for _, loc := range i18n.Locales {
		files, err := fs.Glob(fsys, path.Join(dir, loc, "*.json"))
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no catalogue files (%v)", loc, err)
		}
		out[loc] = map[string]string{}
		for _, f := range files {
			b, err := fs.ReadFile(fsys, f)
			if err != nil {
				t.Fatal(err)
			}
			m := map[string]string{}
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			maps.Copy(out[loc], m)
		}
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

// catalogueKeys is the number of keys every locale had when the four flat
// catalogues were split into one file per capability (issue 10); the split
// must neither lose nor add a key. Raise it when keys are added.
const catalogueKeys = 578

func TestCataloguesHaveEveryKey(t *testing.T) {
	t.Parallel()
	cat, err := i18n.Load(web.FS(""), "locales")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	files := cat.Files()
	for _, loc := range i18n.Locales {
		if !slices.Equal(files[loc], files[i18n.Fallback]) {
			t.Errorf("locales/%s has files %v, locales/%s has %v", loc, files[loc], i18n.Fallback, files[i18n.Fallback])
		}
		for _, key := range cat.Missing()[loc] {
			where := ""
			for _, other := range i18n.Locales {
				if f := cat.File(other, key); f != "" {
					where = f
					break
				}
			}
			t.Errorf("locales/%s lacks %s (defined in %s)", loc, key, where)
		}
	}
	if got := cat.Len(); got < catalogueKeys {
		t.Errorf("the catalogue has %d keys, it had %d when split per capability", got, catalogueKeys)
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
		fsys["locales/"+loc+"/common.json"] = &fstest.MapFile{Data: b}
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

// catalogueFS builds a catalogue from files: file name → its JSON, the
// same in every locale.
func catalogueFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for _, loc := range i18n.Locales {
		for name, text := range files {
			fsys["locales/"+loc+"/"+name] = &fstest.MapFile{Data: []byte(text)}
		}
	}
	return fsys
}

func TestLoadMergesCapabilityFiles(t *testing.T) {
	t.Parallel()
	cat, err := i18n.Load(catalogueFS(map[string]string{
		"common.json":   `{"form.save": "Save"}`,
		"workbook.json": `{"workbook.title": "Workbook", "workbook.new": "New workbook"}`,
	}), "locales")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got, want := cat.T("sv", "workbook.new"), "New workbook"; got != want {
		t.Errorf("T(workbook.new) = %q, want %q", got, want)
	}
	if got, want := cat.T("sv", "form.save"), "Save"; got != want {
		t.Errorf("T(form.save) = %q, want %q", got, want)
	}
	if got, want := cat.File("da", "workbook.title"), "locales/da/workbook.json"; got != want {
		t.Errorf("File(da, workbook.title) = %q, want %q", got, want)
	}
	if got, want := cat.Len(), 3; got != want {
		t.Errorf("Len() = %d, want %d", got, want)
	}
	want := []string{"common.json", "workbook.json"}
	for _, loc := range i18n.Locales {
		if got := cat.Files()[loc]; !slices.Equal(got, want) {
			t.Errorf("Files()[%s] = %v, want %v", loc, got, want)
		}
	}
}

func TestLoadRejectsBrokenCatalogues(t *testing.T) {
	t.Parallel()
	good := map[string]string{"common.json": `{"a": "A"}`, "workbook.json": `{"workbook.b": "B"}`}
	tests := []struct {
		name string
		fsys fstest.MapFS
		want []string // every one must be in the error
	}{
		{"missing file", func() fstest.MapFS {
			f := catalogueFS(good)
			delete(f, "locales/da/workbook.json")
			return f
		}(), []string{"locales/da/workbook.json is missing", "locales/nb/workbook.json"}},
		{"file only in one locale", func() fstest.MapFS {
			f := catalogueFS(good)
			f["locales/sv/org.json"] = &fstest.MapFile{Data: []byte(`{"org.c": "C"}`)}
			return f
		}(), []string{"locales/nb/org.json is missing", "locales/sv/org.json"}},
		{"locale without files", func() fstest.MapFS {
			f := catalogueFS(good)
			delete(f, "locales/en/common.json")
			delete(f, "locales/en/workbook.json")
			return f
		}(), []string{"locales/en has no catalogue files"}},
		{"invalid JSON", func() fstest.MapFS {
			f := catalogueFS(good)
			f["locales/sv/common.json"] = &fstest.MapFile{Data: []byte(`{"a": "A",}`)}
			return f
		}(), []string{"locales/sv/common.json"}},
		{"value not a string", func() fstest.MapFS {
			f := catalogueFS(good)
			f["locales/nb/common.json"] = &fstest.MapFile{Data: []byte(`{"a": {"b": "B"}}`)}
			return f
		}(), []string{"locales/nb/common.json"}},
		{"key in two files", func() fstest.MapFS {
			f := catalogueFS(good)
			f["locales/sv/workbook.json"] = &fstest.MapFile{Data: []byte(`{"workbook.b": "B", "a": "A again"}`)}
			return f
		}(), []string{`"a" is defined twice`, "locales/sv/common.json", "locales/sv/workbook.json"}},
		{"key twice in one file", catalogueFS(map[string]string{"common.json": `{"a": "A", "a": "B"}`}),
			[]string{`"a" is defined twice`, "locales/nb/common.json and in locales/nb/common.json"}},
		{"flat catalogue left over", func() fstest.MapFS {
			f := catalogueFS(good)
			f["locales/en.json"] = &fstest.MapFile{Data: []byte(`{"c": "C"}`)}
			return f
		}(), []string{"locales/en.json", "locales/<locale>/<capability>.json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := i18n.Load(tt.fsys, "locales")
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
