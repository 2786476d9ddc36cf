// Package i18n translates the product's text and formats numbers and dates
// for the four locales Samvirke speaks: Norwegian bokmål (nb), Swedish (sv),
// Danish (da) and English (en). Catalogues are flat-key JSON files, one per
// capability and locale (web/locales/<locale>/<capability>.json), merged at
// load; every locale must have the same files and every key.
package i18n

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"
)

// Locales in the order they are offered.
var Locales = []string{"nb", "sv", "da", "en"}

// Fallback is used when a key is missing (which the catalogue test forbids)
// and when nothing else chooses a locale.
const Fallback = "en"

// Catalog holds every locale's messages.
type Catalog struct {
	msgs  map[string]map[string]string
	file  map[string]map[string]string // locale → key → the file that defines it
	files map[string][]string          // locale → its file names, sorted
}

// Load reads every <dir>/<locale>/*.json from fsys and merges each
// locale's files into one catalogue. It fails, naming the files, when a
// locale has no files, when the locales do not have the same file names,
// when a file is not a flat JSON object of strings, and when a key is
// defined twice (in one file or in two files of the same locale). A flat
// catalogue left directly in dir (<dir>/en.json, the layout before one file
// per capability) is refused too, so its keys cannot be silently ignored.
func Load(fsys fs.FS, dir string) (*Catalog, error) {
	if stray, _ := fs.Glob(fsys, path.Join(dir, "*.json")); len(stray) > 0 {
		return nil, fmt.Errorf("i18n: %s: catalogues belong in %s/<locale>/<capability>.json", stray[0], dir)
	}
	c := &Catalog{msgs: map[string]map[string]string{}, file: map[string]map[string]string{}, files: map[string][]string{}}
	for _, loc := range Locales {
		files, err := fs.Glob(fsys, path.Join(dir, loc, "*.json"))
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("i18n: %s has no catalogue files", path.Join(dir, loc))
		}
		names := make([]string, len(files))
		for i, f := range files {
			names[i] = path.Base(f)
		}
		if ref := Locales[0]; loc != ref {
			if err := sameFiles(path.Join(dir, loc), names, path.Join(dir, ref), c.files[ref]); err != nil {
				return nil, err
			}
		}
		c.msgs[loc], c.file[loc], c.files[loc] = map[string]string{}, map[string]string{}, names
		for _, f := range files {
			if err := c.readFile(fsys, loc, f); err != nil {
				return nil, err
			}
		}
	}
	return c, nil
}

// sameFiles fails naming the first file one locale has and the other lacks.
func sameFiles(dir string, names []string, refDir string, ref []string) error {
	for _, n := range ref {
		if !slices.Contains(names, n) {
			return fmt.Errorf("i18n: %s is missing (%s has it)", path.Join(dir, n), path.Join(refDir, n))
		}
	}
	for _, n := range names {
		if !slices.Contains(ref, n) {
			return fmt.Errorf("i18n: %s is missing (%s has it)", path.Join(refDir, n), path.Join(dir, n))
		}
	}
	return nil
}

// readFile adds one catalogue file's messages to locale loc.
func (c *Catalog) readFile(fsys fs.FS, loc, name string) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("i18n: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return fmt.Errorf("i18n: %s: not a JSON object", name)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("i18n: %s: %w", name, err)
		}
		key := tok.(string) // object keys are always strings
		var msg string
		if err := dec.Decode(&msg); err != nil {
			return fmt.Errorf("i18n: %s: %s: %w", name, key, err)
		}
		if prev, ok := c.file[loc][key]; ok {
			return fmt.Errorf("i18n: key %q is defined twice: in %s and in %s", key, prev, name)
		}
		c.msgs[loc][key], c.file[loc][key] = msg, name
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("i18n: %s: %w", name, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("i18n: %s: text after the JSON object", name)
	}
	return nil
}

// Len answers the number of keys of the fallback locale.
func (c *Catalog) Len() int { return len(c.msgs[Fallback]) }

// File answers the catalogue file that defines key in locale, "" when none
// does.
func (c *Catalog) File(locale, key string) string { return c.file[locale][key] }

// Files answers, per locale, the sorted names of its catalogue files
// (workbook.json, …).
func (c *Catalog) Files() map[string][]string { return maps.Clone(c.files) }

// Missing answers, per locale, the keys that another locale has and it
// lacks, sorted. Empty when the catalogues agree.
func (c *Catalog) Missing() map[string][]string {
	all := map[string]bool{}
	for _, m := range c.msgs {
		for k := range m {
			all[k] = true
		}
	}
	out := map[string][]string{}
	for _, loc := range Locales {
		for k := range all {
			if _, ok := c.msgs[loc][k]; !ok {
				out[loc] = append(out[loc], k)
			}
		}
		sort.Strings(out[loc])
		if len(out[loc]) == 0 {
			delete(out, loc)
		}
	}
	return out
}

// Has reports whether key exists in the fallback catalogue.
func (c *Catalog) Has(key string) bool {
	_, ok := c.msgs[Fallback][key]
	return ok
}

// T translates key into locale, replacing {name} placeholders from args
// (name, value pairs or a map[string]any). An unknown key answers the key
// itself, so it shows up in tests and on screen rather than as blank text.
func (c *Catalog) T(locale, key string, args ...any) string {
	msg, ok := c.msgs[locale][key]
	if !ok {
		if msg, ok = c.msgs[Fallback][key]; !ok {
			return key
		}
	}
	if len(args) == 0 || !strings.Contains(msg, "{") {
		return msg
	}
	vals := argMap(args)
	if len(vals) == 0 {
		return msg
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(msg, '{')
		if i < 0 {
			b.WriteString(msg)
			break
		}
		j := strings.IndexByte(msg[i:], '}')
		if j < 0 {
			b.WriteString(msg)
			break
		}
		b.WriteString(msg[:i])
		name := msg[i+1 : i+j]
		if v, ok := vals[name]; ok {
			switch v := v.(type) {
			case int:
				b.WriteString(FormatInt(locale, int64(v)))
			case int64:
				b.WriteString(FormatInt(locale, v))
			case float64:
				b.WriteString(FormatNumber(locale, v, -1))
			default:
				fmt.Fprint(&b, v)
			}
		} else {
			b.WriteString(msg[i : i+j+1])
		}
		msg = msg[i+j+1:]
	}
	return b.String()
}

// N translates the plural form of key for count: key+".one" for one,
// key+".other" otherwise (the rule is the same in all four languages). The
// count is available as {count}.
func (c *Catalog) N(locale, key string, count int, args ...any) string {
	form := ".other"
	if count == 1 {
		form = ".one"
	}
	return c.T(locale, key+form, append([]any{"count", count}, args...)...)
}

func argMap(args []any) map[string]any {
	if len(args) == 1 {
		if m, ok := args[0].(map[string]any); ok {
			return m
		}
	}
	m := map[string]any{}
	for i := 0; i+1 < len(args); i += 2 {
		m[fmt.Sprint(args[i])] = args[i+1]
	}
	return m
}

// Supported reports whether loc is one of Locales.
func Supported(loc string) bool { return slices.Contains(Locales, loc) }

// Negotiate picks a locale from an Accept-Language header, mapping the
// Norwegian variants (no, nn, nb) to nb; "" when nothing matches.
func Negotiate(accept string) string {
	type cand struct {
		loc string
		q   float64
	}
	var cands []cand
	for i, part := range strings.Split(accept, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		tag = strings.TrimSpace(tag)
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if _, err := fmt.Sscanf(v, "%g", &q); err != nil {
				q = 0
			}
		}
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		switch base {
		case "no", "nn", "nb":
			base = "nb"
		}
		if Supported(base) && q > 0 {
			// Earlier entries win ties.
			cands = append(cands, cand{base, q - float64(i)*1e-6})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].q > cands[j].q })
	if len(cands) == 0 {
		return ""
	}
	return cands[0].loc
}
