// Package i18n translates the product's text and formats numbers and dates
// for the four locales Samvirke speaks: Norwegian bokmål (nb), Swedish (sv),
// Danish (da) and English (en). Catalogues are flat-key JSON files
// (web/locales/{nb,sv,da,en}.json); every locale must have every key.
package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
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
	msgs map[string]map[string]string
}

// Load reads <dir>/<locale>.json for every locale from fsys.
func Load(fsys fs.FS, dir string) (*Catalog, error) {
	c := &Catalog{msgs: map[string]map[string]string{}}
	for _, loc := range Locales {
		b, err := fs.ReadFile(fsys, path.Join(dir, loc+".json"))
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("i18n: %s.json: %w", loc, err)
		}
		c.msgs[loc] = m
	}
	return c, nil
}

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
