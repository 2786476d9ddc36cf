package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/org"
)

// indcliResponse is a synthetic SSB-shaped JSON-stat 2.0 response (no real
// one with «:» cells by municipality was found, see
// internal/statdata/testdata/README.md): a KOSTRA-style region dimension
// without a geo role, so only --region-dim finds it; the whole country,
// Trondheim (1601) RATE, Nittedal (K3232) «:», Trysil (3421) «..», Bergen
// (4601, not in the tenants) and a KOSTRA group; a second contents code
// that is not mapped.
const indcliResponse = `{"version":"2.0","class":"dataset","label":"Test","source":"Statistisk sentralbyrå","updated":"2024-06-14T06:00:00Z",
 "id":["KOKkommuneregion0000","ContentsCode","Tid"],"size":[6,2,1],
 "role":{"metric":["ContentsCode"],"time":["Tid"]},
 "dimension":{
  "KOKkommuneregion0000":{"category":{"index":{"0":0,"1601":1,"K3232":2,"3421":3,"4601":4,"EKG13":5}}},
  "ContentsCode":{"category":{"index":{"Andel":0,"Antall":1}}},
  "Tid":{"category":{"index":{"2023":0}}}},
 "value":[63.5,900,RATE,80,null,null,null,null,58,40,61,30],
 "status":{"4":":","5":":","6":"..","7":".."}}`

// indcliWrite writes the response with Trondheim's rate into a file.
func indcliWrite(t *testing.T, rate string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ssb.json")
	if err := os.WriteFile(p, []byte(strings.Replace(indcliResponse, "RATE", rate, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// indcliValues answers the stored figures of code by organisation slug,
// Norway's national figure as "NO".
func indcliValues(t *testing.T, bdb *bun.DB, code string) map[string]*indicator.Value {
	t.Helper()
	out := map[string]*indicator.Value{}
	err := db.Run(context.Background(), bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		const ind = "(SELECT id FROM indicators WHERE code = ? AND owner_org_id IS NULL)"
		var orgs []*org.Organisation
		if err := idb.NewSelect().Model(&orgs).Scan(ctx); err != nil {
			return err
		}
		slug := map[int64]string{}
		for _, o := range orgs {
			slug[o.ID] = o.Slug
		}
		var vs []*indicator.Value
		if err := idb.NewSelect().Model(&vs).Where("indicator_id = "+ind, code).Scan(ctx); err != nil {
			return err
		}
		for _, v := range vs {
			out[slug[v.OrgID]] = v
		}
		var nat []*indicator.NationalValue
		if err := idb.NewSelect().Model(&nat).Where("indicator_id = "+ind, code).Scan(ctx); err != nil {
			return err
		}
		for _, v := range nat {
			out[v.Country] = &indicator.Value{Rate: v.Rate, Num: v.Num, State: v.State, Source: v.Source}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestIndicatorsImport: an operator imports an SSB response into the
// tenants' database: the counts are printed (imported, national,
// suppressed, missing, skipped with reasons); Trondheim's share lands
// exactly as a published rate, Nittedal's «:» as suppressed and Trysil's
// «..» as missing, neither with a number; the group and Bergen are
// skipped, never taken for a municipality. A refused figure fails with
// exit 1, names the observation and writes nothing.
func TestIndicatorsImport(t *testing.T) {
	cleanEnv(t, nil)
	bdb := tierpWithMember(t, "../../tenants")
	const code = "intro.work_education_1yr"
	args := func(file string, extra ...string) []string {
		return append([]string{"indicators", "import", "--source", "ssb", "--file", file, "--map", "Andel=" + code}, extra...)
	}

	t.Run("ErrRefused", func(t *testing.T) {
		ctx := context.Background()
		svc := &indicator.Service{DB: bdb, Clock: app.SystemClock{}}
		var trondheim *org.Organisation
		if err := db.Run(ctx, bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) (err error) {
			trondheim, err = org.FindOrganisationBySlug(ctx, idb, "trondheim")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := svc.Lock(ctx, trondheim, 0, "2023"); err != nil {
			t.Fatal(err)
		}
		var out, errb bytes.Buffer
		exit := run(args(indcliWrite(t, "61.5"), "--region-dim", "KOKkommuneregion0000"), &out, &errb)
		if exit != 1 || !strings.Contains(errb.String(), "import refused, nothing written: 1 of the 12 observations") ||
			!strings.Contains(errb.String(), "observation 2 (Andel, region 1601, period 2023): period: The period 2023 is locked") {
			t.Errorf("exit %d, stderr %q; want 1 naming observation 2 (Trondheim's locked 2023)", exit, errb.String())
		}
		if out.Len() != 0 {
			t.Errorf("stdout %q; want no counts for a refused import", out.String())
		}
		if got := indcliValues(t, bdb, code); len(got) != 0 {
			t.Errorf("after a refusal the stored figures are %v; want none", got)
		}
		if err := svc.Unlock(ctx, trondheim, "2023"); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("OK", func(t *testing.T) {
		var out, errb bytes.Buffer
		file := indcliWrite(t, "61.5")
		if code := run(args(file, "--region-dim", "KOKkommuneregion0000"), &out, &errb); code != 0 {
			t.Fatalf("exit %d, stderr %q", code, errb.String())
		}
		want := file + `: 12 observations from ssb, as of 2024-06-14
imported   4 (national 1, municipalities 3 in 3 organisations)
suppressed 1 (stored without a number)
missing    1 (stored without a number)
changed    4
skipped    8
  code       6: the source's code is not in --map
  region     1: a county, group or other region, never taken for a municipality
  unknown    1: a municipality not in Samvirke
`
		if out.String() != want {
			t.Errorf("stdout:\n%s\nwant:\n%s", out.String(), want)
		}
		got := indcliValues(t, bdb, code)
		for slug, c := range map[string]struct {
			state string
			rate  float64 // -1: no number
		}{"NO": {indicator.StateOK, 63.5}, "trondheim": {indicator.StateOK, 61.5},
			"nittedal": {indicator.StateSuppressed, -1}, "trysil": {indicator.StateMissing, -1}} {
			v := got[slug]
			switch {
			case v == nil:
				t.Errorf("%s: nothing stored", slug)
			case v.State != c.state || v.Num != nil || v.Source != indicator.SourceSSB:
				t.Errorf("%s: %+v; want %s from SSB without counts", slug, v, c.state)
			case c.rate < 0 && v.Rate != nil:
				t.Errorf("%s: rate %v; want no number (never 0)", slug, *v.Rate)
			case c.rate >= 0 && (v.Rate == nil || *v.Rate != c.rate):
				t.Errorf("%s: rate %v; want exactly %v", slug, v.Rate, c.rate)
			}
		}
		if len(got) != 4 {
			t.Errorf("stored for %d places (%v); want the country and three municipalities", len(got), got)
		}
		var n int64
		idcErr := db.Run(context.Background(), bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
			o, err := org.FindOrganisationBySlug(ctx, idb, "trondheim")
			if err != nil {
				return err
			}
			n, err = idb.NewSelect().Model((*indicator.Value)(nil)).Where("org_id = ? AND state = ?", o.ID, indicator.StateOK).Count(ctx)
			return err
		})
		if idcErr != nil || n != 1 {
			t.Errorf("Trondheim holds %d figures (%v); want only its own, not the group's or Bergen's", n, idcErr)
		}
	})
}

// TestIndicatorsImportUsage: a command without what it needs says so and
// exits 2, before touching the database.
func TestIndicatorsImportUsage(t *testing.T) {
	cleanEnv(t, map[string]string{"SAMVIRKE_DATA_DIR": t.TempDir()})
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"ErrNoSubcommand", []string{"indicators"}, "Usage: samvirke indicators import"},
		{"ErrUnknownSource", []string{"indicators", "import", "--source", "eurostat", "--file", "x", "--map", "a=b"}, "needs --source"},
		{"ErrNoMap", []string{"indicators", "import", "--source", "ssb", "--file", "x"}, "--map"},
		{"ErrBadMap", []string{"indicators", "import", "--source", "ssb", "--file", "x", "--map", "Andel"}, `"Andel" is not NAME=VALUE`},
		{"ErrRegionDimKolada", []string{"indicators", "import", "--source", "kolada", "--file", "x", "--map", "a=b", "--region-dim", "R"}, "Kolada"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runCmd(t, c.args...)
			if code != 2 || !strings.Contains(stderr, c.want) || stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and %q", code, stdout, stderr, c.want)
			}
		})
	}
}
