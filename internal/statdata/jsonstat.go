package statdata

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// JSONStatMap says which dimensions of a JSON-stat dataset carry the region,
// the period, the measure and the gender. An empty field is chosen from the
// dataset's "role" object (geo, time, metric) and then from the ids the
// Nordic offices use (see the default* lists below). A named dimension the
// dataset lacks is an ErrUnknownDimension.
type JSONStatMap struct {
	Region    string
	Period    string
	Indicator string
	Gender    string
	Scheme    RegionScheme
}

// Dimension ids the Nordic offices use, tried in order when neither the map
// nor the dataset's role names one.
var (
	defaultRegion    = []string{"Region", "KOKkommuneregion0000", "OMRÅDE", "KOMK", "Kommun"} // SSB (KOSTRA tables name theirs KOKkommuneregion0000), SCB; DST
	defaultPeriod    = []string{"Tid", "TID", "time"}                                         // SSB, SCB, DST
	defaultIndicator = []string{"ContentsCode", "BNØGLE", "INDHOLD"}                          // SSB, SCB, DST
	defaultGender    = []string{"Kjonn", "Kon", "KØN", "KOEN", "Kjønn", "sex"}                // SSB, SCB, DST, Eurostat
)

type jsDimension struct {
	Label    string `json:"label"`
	Category struct {
		Index json.RawMessage            `json:"index"`
		Label map[string]json.RawMessage `json:"label"`
	} `json:"category"`
}

type jsDataset struct {
	Class     string                     `json:"class"`
	Version   string                     `json:"version"`
	Label     string                     `json:"label"`
	Source    string                     `json:"source"`
	Updated   string                     `json:"updated"`
	ID        []string                   `json:"id"`
	Size      []int                      `json:"size"`
	Role      map[string][]string        `json:"role"`
	Dimension map[string]json.RawMessage `json:"dimension"`
	Value     json.RawMessage            `json:"value"`
	Status    json.RawMessage            `json:"status"`
	Extension struct {
		PX struct {
			TableID string `json:"tableid"`
		} `json:"px"`
	} `json:"extension"`
	Link struct {
		Item []json.RawMessage `json:"item"`
	} `json:"link"`
}

// ReadJSONStat reads a JSON-stat 2.0 dataset (or a 2.0 collection, or a 1.x
// bundle, holding exactly one dataset) into one observation per cell, in
// the dataset's row-major order. Errors: ErrTooLarge (input > MaxInputBytes,
// cube > MaxCells), ErrMalformed (not JSON, not a dataset), ErrShape (sizes,
// indexes and values disagree), ErrUnknownDimension (m names a dimension the
// dataset lacks).
func ReadJSONStat(data []byte, m JSONStatMap) ([]Observation, Meta, error) {
	if err := checkSize(data); err != nil {
		return nil, Meta{}, err
	}
	ds, format, err := decodeDataset(data)
	if err != nil {
		return nil, Meta{}, err
	}
	meta := Meta{Format: format, Label: ds.Label, Source: ds.Source, Updated: ds.Updated, TableID: ds.Extension.PX.TableID}
	if len(ds.ID) == 0 || len(ds.ID) != len(ds.Size) {
		return nil, meta, shapeErr("id has %d dimensions, size %d", len(ds.ID), len(ds.Size))
	}
	n, err := cellCount(ds.Size)
	if err != nil {
		return nil, meta, err
	}
	cats := make([][]string, len(ds.ID))
	for d, id := range ds.ID {
		raw, ok := ds.Dimension[id]
		if !ok {
			return nil, meta, shapeErr("dimension %q listed in id has no entry in dimension", id)
		}
		if cats[d], err = categories(id, raw); err != nil {
			return nil, meta, err
		}
		if len(cats[d]) != ds.Size[d] {
			return nil, meta, shapeErr("dimension %q has %d categories, size says %d", id, len(cats[d]), ds.Size[d])
		}
	}
	values, err := decodeValues(ds.Value, n)
	if err != nil {
		return nil, meta, err
	}
	symbols, err := decodeStatus(ds.Status, n)
	if err != nil {
		return nil, meta, err
	}
	pick, err := resolveMap(ds, m)
	if err != nil {
		return nil, meta, err
	}
	meta.Region, meta.Period, meta.Indicator, meta.Gender = pick.names(ds.ID)
	kind := nordicKind
	if pick.scheme == SchemeDenmark {
		kind = denmarkKind
	}
	return expand(ds.ID, cats, values, symbols, pick, kind), meta, nil
}

func decodeDataset(data []byte) (*jsDataset, string, error) {
	var ds jsDataset
	if err := json.Unmarshal(data, &ds); err != nil {
		return nil, "", fmt.Errorf("%w: JSON-stat: %v", ErrMalformed, err)
	}
	switch ds.Class {
	case "dataset":
		return &ds, "json-stat2", nil
	case "collection":
		var found []json.RawMessage
		for _, it := range ds.Link.Item {
			var probe struct {
				Class string `json:"class"`
			}
			if json.Unmarshal(it, &probe) == nil && probe.Class == "dataset" {
				found = append(found, it)
			}
		}
		if len(found) != 1 {
			return nil, "", fmt.Errorf("%w: JSON-stat collection embeds %d datasets, want exactly 1", ErrMalformed, len(found))
		}
		return decodeDataset(found[0])
	case "":
		return decodeBundle(data)
	}
	return nil, "", fmt.Errorf("%w: JSON-stat class %q is not a dataset", ErrMalformed, ds.Class)
}

// decodeBundle reads a JSON-stat 1.x bundle: {"name": {dataset}}, where id,
// size and role live inside "dimension".
func decodeBundle(data []byte) (*jsDataset, string, error) {
	var bundle map[string]json.RawMessage
	if err := json.Unmarshal(data, &bundle); err != nil || len(bundle) != 1 {
		return nil, "", fmt.Errorf("%w: not a JSON-stat dataset (no class, and not a bundle of one dataset)", ErrMalformed)
	}
	for _, raw := range bundle {
		var ds jsDataset
		if err := json.Unmarshal(raw, &ds); err != nil || ds.Dimension == nil {
			return nil, "", fmt.Errorf("%w: JSON-stat bundle entry is not a dataset", ErrMalformed)
		}
		if len(ds.ID) == 0 {
			if err := unmarshalIf(ds.Dimension["id"], &ds.ID); err != nil {
				return nil, "", err
			}
			if err := unmarshalIf(ds.Dimension["size"], &ds.Size); err != nil {
				return nil, "", err
			}
			if err := unmarshalIf(ds.Dimension["role"], &ds.Role); err != nil {
				return nil, "", err
			}
		}
		return &ds, "json-stat1", nil
	}
	panic("unreachable")
}

func unmarshalIf(raw json.RawMessage, v any) error {
	if raw == nil {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%w: JSON-stat 1.x dimension: %v", ErrMalformed, err)
	}
	return nil
}

func cellCount(size []int) (int, error) {
	n := 1
	for _, s := range size {
		if s < 0 {
			return 0, shapeErr("negative size %d", s)
		}
		if s > 0 && n > MaxCells/s {
			return 0, fmt.Errorf("%w: cube of size %v exceeds %d cells", ErrTooLarge, size, MaxCells)
		}
		n *= s
	}
	return n, nil
}

// categories returns a dimension's category ids in index order.
func categories(dim string, raw json.RawMessage) ([]string, error) {
	var d jsDimension
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("%w: dimension %q: %v", ErrMalformed, dim, err)
	}
	idx := bytes.TrimSpace(d.Category.Index)
	switch {
	case len(idx) == 0 || bytes.Equal(idx, []byte("null")):
		// A constant dimension may omit index; its label names the one category.
		if len(d.Category.Label) != 1 {
			return nil, shapeErr("dimension %q has no category index and %d labels", dim, len(d.Category.Label))
		}
		for id := range d.Category.Label {
			return []string{id}, nil
		}
	case idx[0] == '[':
		var ids []string
		if err := json.Unmarshal(idx, &ids); err != nil {
			return nil, fmt.Errorf("%w: dimension %q index: %v", ErrMalformed, dim, err)
		}
		return ids, nil
	}
	var pos map[string]int
	if err := json.Unmarshal(idx, &pos); err != nil {
		return nil, fmt.Errorf("%w: dimension %q index: %v", ErrMalformed, dim, err)
	}
	ids := make([]string, len(pos))
	for id, p := range pos {
		if p < 0 || p >= len(ids) || ids[p] != "" {
			return nil, shapeErr("dimension %q: category %q has position %d (out of range or repeated)", dim, id, p)
		}
		ids[p] = id
	}
	return ids, nil
}

// decodeValues accepts the dense array (length n) or the sparse object keyed
// by cell index. Absent and null cells are nil.
func decodeValues(raw json.RawMessage, n int) ([]*float64, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, fmt.Errorf("%w: JSON-stat dataset has no value", ErrMalformed)
	}
	if raw[0] == '[' {
		var vs []*float64
		if err := json.Unmarshal(raw, &vs); err != nil {
			return nil, fmt.Errorf("%w: value: %v", ErrMalformed, err)
		}
		if len(vs) != n {
			return nil, shapeErr("size product %d != value length %d", n, len(vs))
		}
		return vs, nil
	}
	var sparse map[string]*float64
	if err := json.Unmarshal(raw, &sparse); err != nil {
		return nil, fmt.Errorf("%w: value: %v", ErrMalformed, err)
	}
	vs := make([]*float64, n)
	for k, v := range sparse {
		i, err := cellIndex(k, n, "value")
		if err != nil {
			return nil, err
		}
		vs[i] = v
	}
	return vs, nil
}

// decodeStatus accepts a string (all cells), an array (length n, or 1 for
// all cells) or an object keyed by cell index. It returns nil when absent.
func decodeStatus(raw json.RawMessage, n int) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	out := make([]string, n)
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("%w: status: %v", ErrMalformed, err)
		}
		for i := range out {
			out[i] = s
		}
	case '[':
		var ss []*string
		if err := json.Unmarshal(raw, &ss); err != nil {
			return nil, fmt.Errorf("%w: status: %v", ErrMalformed, err)
		}
		switch len(ss) {
		case n:
			for i, s := range ss {
				if s != nil {
					out[i] = *s
				}
			}
		case 1:
			for i := range out {
				if ss[0] != nil {
					out[i] = *ss[0]
				}
			}
		default:
			return nil, shapeErr("size product %d != status length %d", n, len(ss))
		}
	default:
		var m map[string]string
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("%w: status: %v", ErrMalformed, err)
		}
		for k, s := range m {
			i, err := cellIndex(k, n, "status")
			if err != nil {
				return nil, err
			}
			out[i] = s
		}
	}
	return out, nil
}

func cellIndex(k string, n int, what string) (int, error) {
	i := 0
	if k == "" || len(k) > 10 {
		return 0, shapeErr("%s key %q is not a cell index", what, k)
	}
	for j := 0; j < len(k); j++ {
		if k[j] < '0' || k[j] > '9' {
			return 0, shapeErr("%s key %q is not a cell index", what, k)
		}
		i = i*10 + int(k[j]-'0')
	}
	if i >= n {
		return 0, shapeErr("%s key %q is outside the %d cells", what, k, n)
	}
	return i, nil
}

// pick holds the dimension positions (-1 when absent) the map resolved to.
type pick struct {
	region, period, indicator, gender int
	scheme                            RegionScheme
}

func (p pick) names(ids []string) (r, t, i, g string) {
	name := func(d int) string {
		if d < 0 {
			return ""
		}
		return ids[d]
	}
	return name(p.region), name(p.period), name(p.indicator), name(p.gender)
}

func resolveMap(ds *jsDataset, m JSONStatMap) (pick, error) {
	pos := make(map[string]int, len(ds.ID))
	for i, id := range ds.ID {
		pos[id] = i
	}
	find := func(field, explicit, role string, fallback []string) (int, error) {
		if explicit != "" {
			if p, ok := pos[explicit]; ok {
				return p, nil
			}
			return -1, fmt.Errorf("%w: map.%s names %q; the dataset has %s", ErrUnknownDimension, field, explicit, strings.Join(ds.ID, ", "))
		}
		if role != "" && len(ds.Role[role]) > 0 {
			if p, ok := pos[ds.Role[role][0]]; ok {
				return p, nil
			}
		}
		for _, id := range fallback {
			if p, ok := pos[id]; ok {
				return p, nil
			}
		}
		return -1, nil
	}
	var p pick
	var err error
	if p.region, err = find("Region", m.Region, "geo", defaultRegion); err != nil {
		return p, err
	}
	if p.period, err = find("Period", m.Period, "time", defaultPeriod); err != nil {
		return p, err
	}
	if p.indicator, err = find("Indicator", m.Indicator, "metric", defaultIndicator); err != nil {
		return p, err
	}
	if p.gender, err = find("Gender", m.Gender, "", defaultGender); err != nil {
		return p, err
	}
	used := map[int]string{}
	for field, d := range map[string]int{"Region": p.region, "Period": p.period, "Indicator": p.indicator, "Gender": p.gender} {
		if d < 0 {
			continue
		}
		if other, dup := used[d]; dup {
			f := []string{field, other}
			sort.Strings(f)
			return p, fmt.Errorf("%w: map.%s and map.%s both name %q", ErrUnknownDimension, f[0], f[1], ds.ID[d])
		}
		used[d] = field
	}
	p.scheme = m.Scheme
	if p.scheme == SchemeAuto {
		p.scheme = SchemeNordic
		src := strings.ToLower(ds.Source)
		if (p.region >= 0 && ds.ID[p.region] == "OMRÅDE") || strings.Contains(src, "danmark") || strings.Contains(src, "denmark") {
			p.scheme = SchemeDenmark
		}
	}
	return p, nil
}
