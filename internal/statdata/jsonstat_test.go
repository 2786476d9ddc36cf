package statdata_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/statdata"
)

func sdFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func sdValue(tb testing.TB, o statdata.Observation, want float64) {
	tb.Helper()
	if o.Value == nil || *o.Value != want {
		tb.Errorf("observation %+v: value %v, want %v", o, sdDeref(o.Value), want)
	}
}

func sdDeref(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

// SSB table 05300 as published: «.» and «..» cells come out nil and
// Missing, never 0; the other cells keep their published values.
func TestReadJSONStatSSB(t *testing.T) {
	obs, meta, err := statdata.ReadJSONStat(sdFixture(t, "ssb-05300-jsonstat2.json"), statdata.JSONStatMap{})
	if err != nil {
		t.Fatal(err)
	}
	if len(obs) != 432 {
		t.Fatalf("got %d observations, want 6×8×1×9 = 432", len(obs))
	}
	if meta.Format != "json-stat2" || meta.TableID != "05300" || meta.Period != "Tid" || meta.Indicator != "ContentsCode" || meta.Region != "" {
		t.Errorf("meta = %+v", meta)
	}
	// value[0] = 16: Avstand1 01, Kulturtilbud 01, Avstand, 1991.
	first := obs[0]
	sdValue(t, first, 16)
	if first.Period != "1991" || first.Indicator != "Avstand" || first.Extra["Avstand1"] != "01" || first.Extra["Kulturtilbud"] != "01" || first.Status != statdata.StatusOK || first.Region != "" {
		t.Errorf("obs[0] = %+v", first)
	}
	// value[9] = 7: the second Kulturtilbud (02), first year.
	sdValue(t, obs[9], 7)
	if obs[9].Extra["Kulturtilbud"] != "02" || obs[9].Period != "1991" {
		t.Errorf("obs[9] = %+v", obs[9])
	}
	// status "360": ".." (360 = 5×72: Avstand1 06, Kulturtilbud 01, 1991), status "71": ".".
	for _, c := range []struct {
		i      int
		symbol string
	}{{360, ".."}, {71, "."}, {431, "."}} {
		o := obs[c.i]
		if o.Value != nil || o.Status != statdata.StatusMissing || o.Symbol != c.symbol {
			t.Errorf("obs[%d] = %+v (value %v), want nil Missing %q", c.i, o, sdDeref(o.Value), c.symbol)
		}
	}
	if o := obs[360]; o.Extra["Avstand1"] != "06" || o.Period != "1991" {
		t.Errorf("obs[360] coordinates %+v", o)
	}
	missing := 0
	for _, o := range obs {
		if o.Value == nil {
			missing++
		}
		if o.Status.HasValue() != (o.Value != nil) {
			t.Errorf("status %s with value %v", o.Status, sdDeref(o.Value))
		}
	}
	if missing != 28 {
		t.Errorf("%d nil values, want the 28 cells with a status symbol", missing)
	}
}

// A Swedish PxWeb response in JSON-stat 1.x (a bundle): region "25" is a
// county, Kon is read as gender, the other dimensions land in Extra.
func TestReadJSONStatPxWebSweden(t *testing.T) {
	obs, meta, err := statdata.ReadJSONStat(sdFixture(t, "pxweb-se-statswe.json"), statdata.JSONStatMap{})
	if err != nil {
		t.Fatal(err)
	}
	if len(obs) != 1120 || meta.Format != "json-stat1" || meta.Gender != "Kon" || meta.Region != "Region" {
		t.Fatalf("%d observations, meta %+v", len(obs), meta)
	}
	// Row-major over [1,1,20,2,1,28]: Alder 85-89 (18), Kon 2, Tid 1996 → cell 1063 = 181.
	o := obs[1063]
	sdValue(t, o, 181)
	if o.Region != "25" || o.RegionKind != statdata.KindCounty || o.Gender != "K" || o.Period != "1996" || o.Extra["Alder"] != "85-89" || o.Indicator != "HS0301A1" {
		t.Errorf("obs[1063] = %+v", o)
	}
	sdValue(t, obs[1008], 60)
	if obs[1008].Gender != "M" || obs[1008].Period != "1969" {
		t.Errorf("obs[1008] = %+v", obs[1008])
	}
	if _, ok := o.Extra["Kon"]; ok {
		t.Errorf("gender dimension also in Extra: %v", o.Extra)
	}
}

// Synthetic SSB-shaped document (no real response with «:» was found): a
// sparse value object, status keyed by cell, index as array, and the whole
// range of Norwegian region codes.
const sdNorway = `{"version":"2.0","class":"dataset","source":"Statistisk sentralbyrå",
 "id":["Region","ContentsCode","Tid"],"size":[8,1,1],
 "role":{"geo":["Region"],"time":["Tid"],"metric":["ContentsCode"]},
 "dimension":{
  "Region":{"category":{"index":["0","03","0301","3203","EAK","EKG13","K3232","030101"]}},
  "ContentsCode":{"category":{"index":{"Personer":0}}},
  "Tid":{"category":{"label":{"2023":"2023"}}}},
 "value":{"0":5550203,"1":717710,"2":0,"3":null,"4":12,"5":3.5,"7":41},
 "status":{"2":"-","3":":","6":"..","7":":"}}`

func TestReadJSONStatStatusAndRegions(t *testing.T) {
	obs, _, err := statdata.ReadJSONStat([]byte(sdNorway), statdata.JSONStatMap{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		region, kind string
		status       statdata.Status
		value        any
	}{
		{"0", statdata.KindCountry, statdata.StatusOK, 5550203.0},
		{"03", statdata.KindCounty, statdata.StatusOK, 717710.0},
		{"0301", statdata.KindMunicipality, statdata.StatusOK, 0.0}, // «-» with a value: a true zero
		{"3203", statdata.KindMunicipality, statdata.StatusSuppressed, nil},
		{"EAK", statdata.KindCountry, statdata.StatusOK, 12.0},
		{"EKG13", statdata.KindGroup, statdata.StatusOK, 3.5},
		{"K3232", statdata.KindMunicipality, statdata.StatusMissing, nil}, // «..», absent from the sparse values
		{"030101", statdata.KindOther, statdata.StatusSuppressed, nil},    // «:» drops even a published value
	}
	if len(obs) != len(want) {
		t.Fatalf("got %d observations", len(obs))
	}
	for i, w := range want {
		o := obs[i]
		if o.Region != w.region || o.RegionKind != w.kind || o.Status != w.status || sdDeref(o.Value) != w.value || o.Period != "2023" || o.Indicator != "Personer" {
			t.Errorf("obs[%d] = %+v value %v, want %+v", i, o, sdDeref(o.Value), w)
		}
	}
}

// Synthetic Statistics Denmark-shaped document: OMRÅDE codes, a status
// string that applies to every cell.
func TestReadJSONStatDenmark(t *testing.T) {
	doc := `{"class":"dataset","id":["OMRÅDE","TID"],"size":[5,1],
	 "dimension":{"OMRÅDE":{"category":{"index":["000","084","101","851","01"]}},"TID":{"category":{"index":["2024K1"]}}},
	 "value":[5961249,null,660842,null,1],"status":".."}`
	obs, meta, err := statdata.ReadJSONStat([]byte(doc), statdata.JSONStatMap{})
	if err != nil {
		t.Fatal(err)
	}
	kinds := []string{statdata.KindCountry, statdata.KindCounty, statdata.KindMunicipality, statdata.KindMunicipality, statdata.KindGroup}
	for i, k := range kinds {
		if obs[i].RegionKind != k || obs[i].Status != statdata.StatusMissing || obs[i].Value != nil || obs[i].Period != "2024K1" {
			t.Errorf("obs[%d] = %+v, want kind %s, Missing, nil", i, obs[i], k)
		}
	}
	if meta.Region != "OMRÅDE" || meta.Period != "TID" {
		t.Errorf("meta %+v", meta)
	}
}

func TestReadJSONStatErrors(t *testing.T) {
	big := make([]byte, statdata.MaxInputBytes+1)
	cases := []struct {
		name, doc string
		data      []byte
		m         statdata.JSONStatMap
		want      error
		mention   string
	}{
		{name: "ErrMalformedJSON", doc: `{"class":"dataset",`, want: statdata.ErrMalformed},
		{name: "ErrNotDataset", doc: `{"class":"dimension"}`, want: statdata.ErrMalformed, mention: `"dimension"`},
		{name: "ErrValueLength", doc: `{"class":"dataset","id":["A","B"],"size":[2,2],"dimension":{"A":{"category":{"index":["x","y"]}},"B":{"category":{"index":["u","v"]}}},"value":[1,2,3]}`,
			want: statdata.ErrShape, mention: "size product 4 != value length 3"},
		{name: "ErrCategoryCount", doc: `{"class":"dataset","id":["A"],"size":[3],"dimension":{"A":{"category":{"index":["x","y"]}}},"value":[1,2,3]}`,
			want: statdata.ErrShape, mention: `"A" has 2 categories, size says 3`},
		{name: "ErrIndexPosition", doc: `{"class":"dataset","id":["A"],"size":[2],"dimension":{"A":{"category":{"index":{"x":0,"y":5}}}},"value":[1,2]}`,
			want: statdata.ErrShape, mention: `"y"`},
		{name: "ErrStatusKey", doc: `{"class":"dataset","id":["A"],"size":[1],"dimension":{"A":{"category":{"index":["x"]}}},"value":[1],"status":{"7":":"}}`,
			want: statdata.ErrShape, mention: `status key "7"`},
		{name: "ErrUnknownDimension", doc: sdNorway, m: statdata.JSONStatMap{Region: "Kommune"},
			want: statdata.ErrUnknownDimension, mention: `map.Region names "Kommune"; the dataset has Region, ContentsCode, Tid`},
		{name: "ErrSameDimensionTwice", doc: sdNorway, m: statdata.JSONStatMap{Period: "Region"},
			want: statdata.ErrUnknownDimension, mention: `both name "Region"`},
		{name: "ErrTooManyCells", doc: `{"class":"dataset","id":["A","B"],"size":[3000,2000],"dimension":{},"value":[]}`,
			want: statdata.ErrTooLarge, mention: "5000000"},
		{name: "ErrTooLargeInput", data: big, want: statdata.ErrTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := c.data
			if data == nil {
				data = []byte(c.doc)
			}
			obs, _, err := statdata.ReadJSONStat(data, c.m)
			if !errors.Is(err, c.want) || obs != nil {
				t.Fatalf("err = %v, want %v (and no observations, got %d)", err, c.want, len(obs))
			}
			if !strings.Contains(err.Error(), c.mention) {
				t.Errorf("error %q does not mention %q", err, c.mention)
			}
		})
	}
}

// A collection that embeds exactly one dataset is read as that dataset.
func TestReadJSONStatCollection(t *testing.T) {
	doc := `{"version":"2.0","class":"collection","link":{"item":[{"class":"dataset","id":["Tid"],"size":[2],"dimension":{"Tid":{"category":{"index":["2022","2023"]}}},"value":[1.5,null]}]}}`
	obs, _, err := statdata.ReadJSONStat([]byte(doc), statdata.JSONStatMap{})
	if err != nil || len(obs) != 2 {
		t.Fatalf("%d observations, err %v", len(obs), err)
	}
	sdValue(t, obs[0], 1.5)
	if obs[1].Value != nil || obs[1].Status != statdata.StatusMissing || obs[1].Period != "2023" {
		t.Errorf("obs[1] = %+v", obs[1])
	}
}
