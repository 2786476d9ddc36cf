package statdata

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Base URLs of the services a scheduled fetch would call.
const (
	SSBBase    = "https://data.ssb.no/api/pxwebapi/v2"
	KoladaBase = "https://api.kolada.se/v3"
)

// ErrBadQuery: a URL builder was given an id it cannot put in a URL safely.
var ErrBadQuery = errors.New("statdata: bad query")

// Selection chooses categories of one dimension of an SSB table: codes such
// as "0301", "3203", or PxWebApi expressions such as "top(5)" and "*".
type Selection struct {
	Dimension string
	Codes     []string
}

// SSBDataURL returns the PxWebApi v2 URL that answers table (five digits,
// e.g. "05300") in json-stat2 for the given selections; lang is "no" or
// "en". Dimensions left out take the table's defaults. Errors: ErrBadQuery
// for a malformed table id, language, dimension or code.
func SSBDataURL(table, lang string, sel ...Selection) (string, error) {
	if !isDigits(table, 5) {
		return "", fmt.Errorf("%w: SSB table id %q is not five digits", ErrBadQuery, table)
	}
	if lang != "no" && lang != "en" {
		return "", fmt.Errorf("%w: SSB language %q is not no or en", ErrBadQuery, lang)
	}
	q := url.Values{}
	q.Set("lang", lang)
	q.Set("outputFormat", "json-stat2")
	for _, s := range sel {
		if !safeID(s.Dimension, "") || len(s.Codes) == 0 {
			return "", fmt.Errorf("%w: SSB dimension %q with %d codes", ErrBadQuery, s.Dimension, len(s.Codes))
		}
		for _, c := range s.Codes {
			if !safeID(c, "()*+-_.") {
				return "", fmt.Errorf("%w: SSB code %q in %s", ErrBadQuery, c, s.Dimension)
			}
		}
		q.Set("valueCodes["+s.Dimension+"]", strings.Join(s.Codes, ","))
	}
	return SSBBase + "/tables/" + table + "/data?" + q.Encode(), nil
}

// KoladaDataURL returns the Kolada v3 data URL for the given KPI ids,
// municipality ids and years. Kolada wants at least two of the three; an
// empty list leaves that dimension open. Errors: ErrBadQuery when fewer than
// two are given or an id is not alphanumeric.
func KoladaDataURL(kpis, municipalities, years []string) (string, error) {
	given := 0
	var path strings.Builder
	path.WriteString(KoladaBase + "/data")
	for _, part := range []struct {
		name string
		ids  []string
	}{{"kpi", kpis}, {"municipality", municipalities}, {"year", years}} {
		if len(part.ids) == 0 {
			continue
		}
		for _, id := range part.ids {
			if !safeID(id, "") {
				return "", fmt.Errorf("%w: Kolada %s id %q", ErrBadQuery, part.name, id)
			}
		}
		given++
		path.WriteString("/" + part.name + "/" + strings.Join(part.ids, ","))
	}
	if given < 2 {
		return "", fmt.Errorf("%w: Kolada needs two of kpi, municipality and year", ErrBadQuery)
	}
	return path.String(), nil
}

// safeID accepts ASCII letters, digits, the Nordic letters SSB uses in
// dimension ids, and the extra characters given.
func safeID(s, extra string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case strings.ContainsRune("æøåÆØÅäöÄÖ", r), strings.ContainsRune(extra, r):
		default:
			return false
		}
	}
	return true
}
