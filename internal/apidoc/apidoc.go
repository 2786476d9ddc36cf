// Package apidoc builds the API's one OpenAPI document from the fragments
// the capabilities keep side by side (web/api/<capability>.json). Each
// fragment is a partial OpenAPI document; their paths and components are
// merged, and every other top-level field (openapi, info, servers,
// security, …) comes from the one fragment that defines it.
package apidoc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Document is the merged OpenAPI document.
type Document struct {
	json []byte
}

// JSON answers the document, indented.
func (d *Document) JSON() []byte { return d.json }

// topOrder is the order of the top-level fields in the merged document;
// fields not listed follow, sorted.
var topOrder = []string{"openapi", "info", "jsonSchemaDialect", "servers", "security", "tags", "externalDocs", "components", "paths"}

// Load merges every <dir>/*.json of fsys. It fails, naming the files, when
// a fragment is not a JSON object, when two fragments define the same path,
// the same component (same section and name) or the same other top-level
// field, when no fragment says which OpenAPI version it is, and when a
// "$ref" inside the document points at nothing.
func Load(fsys fs.FS, dir string) (*Document, error) {
	files, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("apidoc: %w", err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("apidoc: no fragments in %s", dir)
	}
	m := newMerge()
	for _, f := range files {
		if err := m.add(fsys, f); err != nil {
			return nil, err
		}
	}
	return m.document()
}

// merge collects fragments, remembering which file defined what.
type merge struct {
	top        map[string]json.RawMessage
	paths      map[string]json.RawMessage
	components map[string]map[string]json.RawMessage
	from       map[string]string // "paths /me", "schemas Entry", "info" → file
}

func newMerge() *merge {
	return &merge{top: map[string]json.RawMessage{}, paths: map[string]json.RawMessage{},
		components: map[string]map[string]json.RawMessage{}, from: map[string]string{}}
}

// claim records that file defines what, failing when another file already
// did.
func (m *merge) claim(what, file string) error {
	if prev, ok := m.from[what]; ok {
		return fmt.Errorf("apidoc: %s is defined twice: in %s and in %s", what, prev, file)
	}
	m.from[what] = file
	return nil
}

func (m *merge) add(fsys fs.FS, file string) error {
	b, err := fs.ReadFile(fsys, file)
	if err != nil {
		return fmt.Errorf("apidoc: %w", err)
	}
	var frag map[string]json.RawMessage
	if err := json.Unmarshal(b, &frag); err != nil {
		return fmt.Errorf("apidoc: %s: %w", file, err)
	}
	for key, val := range frag {
		switch key {
		case "paths":
			var paths map[string]json.RawMessage
			if err := json.Unmarshal(val, &paths); err != nil {
				return fmt.Errorf("apidoc: %s: paths: %w", file, err)
			}
			for p, item := range paths {
				if err := m.claim("path "+p, file); err != nil {
					return err
				}
				m.paths[p] = item
			}
		case "components":
			var sections map[string]map[string]json.RawMessage
			if err := json.Unmarshal(val, &sections); err != nil {
				return fmt.Errorf("apidoc: %s: components: %w", file, err)
			}
			for sec, named := range sections {
				if m.components[sec] == nil {
					m.components[sec] = map[string]json.RawMessage{}
				}
				for name, v := range named {
					if err := m.claim("component "+sec+"/"+name, file); err != nil {
						return err
					}
					m.components[sec][name] = v
				}
			}
		default:
			if err := m.claim(key, file); err != nil {
				return err
			}
			m.top[key] = val
		}
	}
	return nil
}

// document writes the merged document and checks it.
func (m *merge) document() (*Document, error) {
	if _, ok := m.top["openapi"]; !ok {
		return nil, fmt.Errorf("apidoc: no fragment has the openapi field")
	}
	comps, err := json.Marshal(m.components)
	if err != nil {
		return nil, err
	}
	paths, err := json.Marshal(m.paths)
	if err != nil {
		return nil, err
	}
	fields := maps.Clone(m.top)
	fields["components"], fields["paths"] = comps, paths
	keys := slices.Sorted(maps.Keys(fields))
	slices.SortStableFunc(keys, func(a, b string) int { return rank(a) - rank(b) })
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(strconv.Quote(k) + ":")
		buf.Write(fields[k])
	}
	buf.WriteByte('}')
	var out bytes.Buffer
	if err := json.Indent(&out, buf.Bytes(), "", "  "); err != nil {
		return nil, fmt.Errorf("apidoc: %w", err)
	}
	var tree any
	if err := json.Unmarshal(out.Bytes(), &tree); err != nil {
		return nil, fmt.Errorf("apidoc: %w", err)
	}
	if err := m.checkRefs(tree, tree, nil); err != nil {
		return nil, err
	}
	return &Document{json: out.Bytes()}, nil
}

// rank places the known top-level fields first, in topOrder.
func rank(key string) int {
	if i := slices.Index(topOrder, key); i >= 0 {
		return i
	}
	return len(topOrder)
}

// checkRefs fails on the first local "$ref" under node (at pointer at)
// that does not resolve in root, naming the fragment it comes from.
func (m *merge) checkRefs(root, node any, at []string) error {
	switch n := node.(type) {
	case map[string]any:
		if ref, ok := n["$ref"].(string); ok && strings.HasPrefix(ref, "#") {
			if _, ok := resolve(root, ref); !ok {
				return fmt.Errorf("apidoc: %s: $ref %q at /%s points at nothing", m.fileOf(at), ref, pointer(at))
			}
		}
		for _, k := range slices.Sorted(maps.Keys(n)) {
			if err := m.checkRefs(root, n[k], append(slices.Clip(at), k)); err != nil {
				return err
			}
		}
	case []any:
		for i, v := range n {
			if err := m.checkRefs(root, v, append(slices.Clip(at), strconv.Itoa(i))); err != nil {
				return err
			}
		}
	}
	return nil
}

// fileOf answers the fragment that defined what is at pointer at.
func (m *merge) fileOf(at []string) string {
	switch {
	case len(at) >= 2 && at[0] == "paths":
		return m.from["path "+at[1]]
	case len(at) >= 3 && at[0] == "components":
		return m.from["component "+at[1]+"/"+at[2]]
	case len(at) >= 1:
		return m.from[at[0]]
	}
	return ""
}

// pointer writes tokens as a JSON pointer's path ("paths/~1me/get").
func pointer(tokens []string) string {
	esc := strings.NewReplacer("~", "~0", "/", "~1")
	out := make([]string, len(tokens))
	for i, t := range tokens {
		out[i] = esc.Replace(t)
	}
	return strings.Join(out, "/")
}

// resolve follows a local JSON pointer ("#/components/schemas/Entry").
func resolve(root any, ref string) (any, bool) {
	p, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return nil, false
	}
	node := root
	if p == "" {
		return node, true
	}
	for _, tok := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch n := node.(type) {
		case map[string]any:
			if node, ok = n[tok]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n) {
				return nil, false
			}
			node = n[i]
		default:
			return nil, false
		}
	}
	return node, true
}
