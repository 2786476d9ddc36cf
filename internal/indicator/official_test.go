package indicator_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/org"
)

// offNational adds a yearly national indicator of unit to the catalogue.
func offNational(t *testing.T, f *idcFixture, code, unit string) {
	t.Helper()
	ind := &indicator.Indicator{Code: code, Names: indicator.Texts{"en": code}, Descriptions: indicator.Texts{}, Unit: unit,
		Direction: indicator.HigherIsBetter, Periodicity: indicator.Yearly, Aggregation: indicator.AggSum, Source: indicator.SourceSSB,
		Numerator: indicator.Texts{}, Denominator: indicator.Texts{}, Categories: []indicator.Category{}, Rules: []indicator.Rule{},
		Topic: "test", CreatedAt: f.clock.T, UpdatedAt: f.clock.T}
	idcNoErr(t, db.RunTx(f.ctx, f.bdb, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewInsert().Model(ind).Exec(ctx)
		return err
	}))
}

func offNationals(t *testing.T, f *idcFixture, code string) map[string]*indicator.NationalValue {
	t.Helper()
	var vs []*indicator.NationalValue
	idcNoErr(t, db.Run(f.ctx, f.bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Model(&vs).Where("indicator_id = (SELECT id FROM indicators WHERE code = ? AND owner_org_id IS NULL)", code).Scan(ctx)
	}))
	out := map[string]*indicator.NationalValue{}
	for _, v := range vs {
		out[v.Country+" "+v.Period] = v
	}
	return out
}

// TestImportOfficialSSB05300National: the real SSB table 05300 has no
// region dimension (figures for the whole of Norway): the share living
// under 1 km from a cinema becomes Norway's national figure, a published
// rate without counts, with SSB as source and the table's update day;
// the «..» cell (50 km or more, 1991) is stored as missing, never 0, and
// counted; the other categories are skipped by the filter.
func TestImportOfficialSSB05300National(t *testing.T) {
	t.Parallel()
	f := idcNewFixture(t, 0)
	offNational(t, f, "test.cinema", indicator.UnitPercent)
	data, err := os.ReadFile(filepath.Join("..", "statdata", "testdata", "ssb-05300-jsonstat2.json"))
	idcNoErr(t, err)
	m := indicator.OfficialMap{Source: indicator.SourceSSB, Codes: map[string]string{"Avstand": "test.cinema"},
		Filter: map[string]string{"Avstand1": "01", "Kulturtilbud": "01"}}
	obs, err := indicator.ReadOfficial(data, &m)
	idcNoErr(t, err)
	res, err := f.svc.ImportOfficial(f.ctx, obs, m)
	idcNoErr(t, err)
	if res.Imported != 9 || res.National != 9 || res.Missing != 0 || res.Skipped[indicator.SkipFilter] != 432-9 || res.Orgs != 0 {
		t.Errorf("result %+v; want 9 national figures, 423 skipped by the filter", res)
	}
	got := offNationals(t, f, "test.cinema")
	v := got["NO 1991"]
	if v == nil || v.Rate == nil || *v.Rate != 16 || v.Num != nil || v.Source != indicator.SourceSSB || !v.Final ||
		v.AsOf == nil || v.AsOf.Format(time.DateOnly) != "2022-05-24" || v.State != indicator.StateOK {
		t.Fatalf("NO 1991: %+v; want the published rate 16 without counts, from SSB, final, as of 2022-05-24", v)
	}

	m.Filter = map[string]string{"Avstand1": "06", "Kulturtilbud": "01"}
	res, err = f.svc.ImportOfficial(f.ctx, obs, m)
	idcNoErr(t, err)
	if res.Missing != 1 || res.Imported != 9 {
		t.Errorf("result %+v; want 9 figures of which the «..» cell missing", res)
	}
	v = offNationals(t, f, "test.cinema")["NO 1991"]
	if v.State != indicator.StateMissing || v.Rate != nil || v.Num != nil {
		t.Errorf("the «..» cell: %+v; want missing with no number", v)
	}
}

// offMunicipalData is a synthetic SSB-shaped JSON-stat 2.0 response
// (no real one with «:» cells by municipality was found, see
// internal/statdata/testdata/README.md): persons settled in 2019 for the
// country, a county, three municipalities (one with SSB's «K» prefix, Bærum
// 3201 which the test does not have) and a KOSTRA group; Oslo's cell is «..», Asker's «:»,
// and there is a women's row besides the total.
const offMunicipalData = `{"version":"2.0","class":"dataset","label":"Bosatte","source":"Statistisk sentralbyrå","updated":"2020-03-02T07:00:00Z",
 "id":["Region","Kjonn","ContentsCode","Tid"],"size":[6,2,1,1],
 "role":{"geo":["Region"],"metric":["ContentsCode"],"time":["Tid"]},
 "dimension":{
  "Region":{"category":{"index":{"0":0,"03":1,"0301":2,"K3203":3,"3201":4,"EKG13":5}}},
  "Kjonn":{"category":{"index":{"0":0,"2":1}}},
  "ContentsCode":{"category":{"index":{"Bosatte":0}}},
  "Tid":{"category":{"index":{"2019":0}}}},
 "value":[4500,2100,700,330,null,null,null,null,12,5,40,20],
 "status":{"4":"..","5":"..","6":":","7":":"}}`

// TestImportOfficialMunicipalities: municipality rows go to the
// municipalities by country and number (SSB's «K3203» to 3203), the
// country's row to the national figures, the county and the group are
// skipped and counted, never taken for a municipality; «..» is stored
// as missing and «:» as suppressed, never 0, both public; only the
// total gender is taken. A locked period refuses the whole import.
func TestImportOfficialMunicipalities(t *testing.T) {
	t.Parallel()
	f := idcNewFixture(t, 0)
	offNational(t, f, "test.settled", indicator.UnitCount)
	mk := func(number string) *org.Organisation {
		return dbtest.MustCreateOrg(t, f.bdb, org.KindMunicipality, func(o *org.Organisation) { o.Country, o.MunicipalityNumber = "NO", number })
	}
	oslo, asker, bergen := mk("0301"), mk("3203"), mk("4601")
	m := indicator.OfficialMap{Source: indicator.SourceSSB, Codes: map[string]string{"Bosatte": "test.settled"}}
	obs, err := indicator.ReadOfficial([]byte(offMunicipalData), &m)
	idcNoErr(t, err)

	idcNoErr(t, f.svc.Lock(f.ctx, asker, 0, "2019"))
	_, err = f.svc.ImportOfficial(f.ctx, obs, m)
	var oe *indicator.OfficialError
	if !errors.As(err, &oe) || len(oe.Rows) != 1 || oe.Rows[0].Index != 6 || oe.Rows[0].Err.Key != "indicator.error.locked" {
		t.Fatalf("import into Asker's locked 2019: %v; want refused naming observation 6", err)
	}
	if n := offNationals(t, f, "test.settled"); len(n) != 0 {
		t.Fatalf("after a refused import the national figures are %v; want nothing written", n)
	}
	idcNoErr(t, f.svc.Unlock(f.ctx, asker, "2019"))

	res, err := f.svc.ImportOfficial(f.ctx, obs, m)
	idcNoErr(t, err)
	if res.Imported != 3 || res.National != 1 || res.Missing != 1 || res.Suppressed != 1 || res.Orgs != 2 ||
		res.Skipped[indicator.SkipRegion] != 2 || res.Skipped[indicator.SkipUnknown] != 1 || res.Skipped[indicator.SkipGender] != 6 || res.SkippedTotal() != 9 {
		t.Errorf("result %+v; want 3 imported (1 national, 1 missing, 1 suppressed), county and group skipped, Bærum unknown, 6 women's rows skipped", res)
	}
	if v := offNationals(t, f, "test.settled")["NO 2019"]; v == nil || v.Num == nil || *v.Num != 4500 {
		t.Errorf("national 2019: %+v; want 4500", v)
	}
	for _, c := range []struct {
		o     *org.Organisation
		state string
		num   float64
	}{{oslo, indicator.StateMissing, -1}, {asker, indicator.StateSuppressed, -1}, {bergen, "", 0}} {
		_, v, _, err := f.svc.History(f.ctx, c.o, "test.settled", "2019", "")
		if c.state == "" {
			if err == nil && v != nil {
				t.Errorf("%s (not in the response, the group's 40 must not land there): %+v", c.o.MunicipalityNumber, v)
			}
			continue
		}
		idcNoErr(t, err)
		if v.State != c.state || v.Num != nil || v.Visibility != indicator.VisibilityPublic || v.Source != indicator.SourceSSB {
			t.Errorf("%s: %+v; want %s with no number, public, from SSB", c.o.MunicipalityNumber, v, c.state)
		}
	}
}
