package statdata_test

import (
	"errors"
	"testing"

	"github.com/samvirke/samvirke/internal/statdata"
)

func TestReadKoladaV3(t *testing.T) {
	obs, meta, err := statdata.ReadKolada(sdFixture(t, "kolada-v3-synthetic.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(obs) != 8 {
		t.Fatalf("got %d observations, want 3+1+1+1+2 = 8", len(obs))
	}
	if meta.Total != 5 || meta.Next != "https://api.kolada.se/v3/data/kpi/N00945/year/2019?page=2&per_page=5" {
		t.Errorf("meta = %+v", meta)
	}
	o := obs[0]
	sdValue(t, o, 12.3)
	if o.Indicator != "N00945" || o.Region != "0180" || o.RegionKind != statdata.KindMunicipality || o.Period != "2019" || o.Gender != "K" || o.Status != statdata.StatusOK {
		t.Errorf("obs[0] = %+v", o)
	}
	kinds := map[string]string{"0180": statdata.KindMunicipality, "0000": statdata.KindCountry, "0001": statdata.KindCounty, "G124026": statdata.KindGroup, "2584": statdata.KindMunicipality}
	for _, o := range obs {
		if o.RegionKind != kinds[o.Region] {
			t.Errorf("%s: kind %s, want %s", o.Region, o.RegionKind, kinds[o.Region])
		}
	}
	if g := obs[5]; g.Count == nil || *g.Count != 12 {
		t.Errorf("group count = %v", sdDeref(g.Count))
	}
	if m := obs[6]; m.Value != nil || m.Status != statdata.StatusMissing {
		t.Errorf("null value: %+v value %v, want nil Missing", m, sdDeref(m.Value))
	}
	if d := obs[7]; d.Value != nil || d.Status != statdata.StatusDeleted || d.Gender != "K" {
		t.Errorf("deleted value: %+v", d)
	}
}

func TestReadKoladaV2(t *testing.T) {
	obs, meta, err := statdata.ReadKolada(sdFixture(t, "kolada-v2-synthetic.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(obs) != 2 || meta.Next != "" || meta.Total != 2 {
		t.Fatalf("%d observations, meta %+v", len(obs), meta)
	}
	sdValue(t, obs[0], 47)
	if obs[0].Period != "2009" || obs[0].Region != "1860" {
		t.Errorf("obs[0] = %+v", obs[0])
	}
	if obs[1].Status != statdata.StatusDeleted || obs[1].Value != nil {
		t.Errorf("is_deleted 1: %+v", obs[1])
	}
}

func TestReadKoladaStatusText(t *testing.T) {
	doc := `{"values":[{"kpi":"U00405","ou":"V15E018000101","period":2023,"values":[
	 {"gender":"T","status":"Sekretessmarkerad","value":3,"count":1},
	 {"gender":"F","status":"Preliminär","value":2.5},
	 {"gender":"M","status":"X","value":1}]}]}`
	obs, _, err := statdata.ReadKolada([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := []statdata.Status{statdata.StatusSuppressed, statdata.StatusPreliminary, statdata.StatusFlagged}
	for i, w := range want {
		if obs[i].Status != w || obs[i].RegionKind != statdata.KindUnit || obs[i].Status.HasValue() != (obs[i].Value != nil) {
			t.Errorf("obs[%d] = %+v, want %s", i, obs[i], w)
		}
	}
	if obs[1].Gender != "K" || obs[0].Symbol != "Sekretessmarkerad" {
		t.Errorf("gender/symbol: %+v %+v", obs[1], obs[0])
	}
}

func TestReadKoladaErrors(t *testing.T) {
	for name, doc := range map[string]string{
		"ErrNotJSON":     `{"values":[`,
		"ErrNoValues":    `{"count":0}`,
		"ErrNoRegion":    `{"values":[{"kpi":"N00945","period":2019,"values":[]}]}`,
		"ErrNoPeriod":    `{"values":[{"kpi":"N00945","municipality":"0180","values":[]}]}`,
		"ErrFloatPeriod": `{"values":[{"kpi":"N00945","municipality":"0180","period":2019.5,"values":[]}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, err := statdata.ReadKolada([]byte(doc)); !errors.Is(err, statdata.ErrMalformed) {
				t.Errorf("err = %v, want ErrMalformed", err)
			}
		})
	}
	t.Run("ErrTooLarge", func(t *testing.T) {
		if _, _, err := statdata.ReadKolada(make([]byte, statdata.MaxInputBytes+1)); !errors.Is(err, statdata.ErrTooLarge) {
			t.Errorf("err = %v", err)
		}
	})
}
