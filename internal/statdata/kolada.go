package statdata

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

type koladaResponse struct {
	Values   *[]koladaRow `json:"values"`
	Count    int          `json:"count"`
	NextPage string       `json:"next_page"` // v2
	NextURL  string       `json:"next_url"`  // v3
}

type koladaRow struct {
	KPI          string          `json:"kpi"`
	Municipality *string         `json:"municipality"`
	OU           *string         `json:"ou"`
	Period       json.RawMessage `json:"period"` // a number in v3, a string in v2 docs
	Values       []koladaValue   `json:"values"`
}

type koladaValue struct {
	Gender     string          `json:"gender"`
	Count      *float64        `json:"count"`
	Status     *string         `json:"status"`
	Value      *float64        `json:"value"`
	IsDeleted  json.RawMessage `json:"isdeleted"`  // v3: true/false
	IsDeleted2 json.RawMessage `json:"is_deleted"` // v2 with from_date: 0/1
}

// ReadKolada reads a Kolada data response (/v2/data/… or /v3/data/…, also
// the oudata routes) into one observation per gender value. Municipality
// ids are classified by koladaKind ("0000" Riket is the country, "0001"–
// "0025" regions, "G…" groups); organisational units get KindUnit. A null
// value is Missing, a deleted one Deleted, both with a nil Value. Meta.Next
// is the next page's URL, Meta.Total Kolada's count. Errors: ErrTooLarge,
// ErrMalformed (not JSON, no values array, a row without kpi, region or
// period).
func ReadKolada(data []byte) ([]Observation, Meta, error) {
	if err := checkSize(data); err != nil {
		return nil, Meta{}, err
	}
	var r koladaResponse
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, Meta{}, fmt.Errorf("%w: Kolada: %v", ErrMalformed, err)
	}
	if r.Values == nil {
		return nil, Meta{}, fmt.Errorf("%w: Kolada response has no values array", ErrMalformed)
	}
	meta := Meta{Format: "kolada", Source: "Kolada (RKA)", Total: r.Count, Next: r.NextURL,
		Region: "municipality", Period: "period", Indicator: "kpi", Gender: "gender"}
	if meta.Next == "" {
		meta.Next = r.NextPage
	}
	var out []Observation
	for i, row := range *r.Values {
		region, kind := "", ""
		switch {
		case row.Municipality != nil:
			region, kind = *row.Municipality, koladaKind(*row.Municipality)
		case row.OU != nil:
			region, kind = *row.OU, KindUnit
			meta.Region = "ou"
		}
		period, err := koladaPeriod(row.Period)
		if err != nil || row.KPI == "" || region == "" {
			return nil, meta, fmt.Errorf("%w: Kolada values[%d]: want kpi, municipality (or ou) and period, got kpi %q, region %q, period %s",
				ErrMalformed, i, row.KPI, region, string(row.Period))
		}
		for _, v := range row.Values {
			o := Observation{Indicator: row.KPI, Region: region, RegionKind: kind, Period: period,
				Gender: normGender(v.Gender), Count: v.Count}
			if v.Status != nil {
				o.Symbol = *v.Status
			}
			o.Status, o.Value = koladaStatus(o.Symbol, v.Value, truthy(v.IsDeleted) || truthy(v.IsDeleted2))
			out = append(out, o)
		}
	}
	return out, meta, nil
}

func koladaPeriod(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return "", fmt.Errorf("no period")
	}
	if raw[0] == '"' {
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return "", err
	}
	if _, err := strconv.ParseInt(n.String(), 10, 64); err != nil {
		return "", err
	}
	return n.String(), nil
}

// truthy reads Kolada's deleted flag: true or 1.
func truthy(raw json.RawMessage) bool {
	s := string(bytes.TrimSpace(raw))
	return s == "true" || s == "1"
}
