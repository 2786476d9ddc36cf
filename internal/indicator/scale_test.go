package indicator_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/scale"
)

// idsSmall is the scale data set's shape at a size a test can make (the
// race detector slows SQLite thirtyfold): 6 municipalities, 6 months.
var idsSmall = scale.Options{Seed: 7, Municipalities: 6, Networks: 2, UsersPer: 3, Password: "korrekt hest batteri"}

const idsMonths = 6

type idsData struct {
	rows   int
	inds   []*indicator.Indicator
	values []string // one line per value, in a stable order
}

func idsGenerate(t *testing.T) idsData {
	t.Helper()
	bdb := dbtest.Open(t)
	rep, err := scale.Generate(context.Background(), bdb, idsSmall, []scale.Slice{indicator.Scale{Months: idsMonths}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := idsData{rows: rep.Rows["indicator values"]}
	err = db.Run(context.Background(), bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		if err := idb.NewSelect().Model(&d.inds).Where("owner_org_id IS NULL AND periodicity = ?", indicator.Monthly).OrderExpr("position, code").Scan(ctx); err != nil {
			return err
		}
		return idb.NewSelect().TableExpr("indicator_values AS v").
			Join("JOIN organisations AS o ON o.id = v.org_id").Join("JOIN indicators AS i ON i.id = v.indicator_id").
			ColumnExpr("o.slug || ' ' || i.code || ' ' || v.period || ' ' || v.category || ' ' || coalesce(cast(v.num AS TEXT), '-') || ' ' || coalesce(cast(v.den AS TEXT), '-') || ' ' || coalesce(cast(v.rate AS TEXT), '-') || ' ' || v.state || ' ' || v.source || ' ' || v.visibility || ' ' || cast(v.final AS TEXT)").
			OrderExpr("o.slug, i.code, v.period, v.category").Scan(ctx, &d.values)
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestScaleIndicatorValues: the indicators' slice of the scale data set
// makes 40 monthly national indicators of every kind, a value for every
// municipality, indicator, month (and category of a breakdown), its own
// registrations shared or public per municipality, official statistics
// public, counts within their denominators; the same seed makes the same
// values.
func TestScaleIndicatorValues(t *testing.T) {
	d := idsGenerate(t)
	if len(d.inds) != 40 {
		t.Fatalf("%d monthly national indicators, want 40", len(d.inds))
	}
	kinds := map[string]int{}
	perMonth := 0 // values per municipality and month
	for _, in := range d.inds {
		switch {
		case in.IsBreakdown():
			kinds["breakdown"]++
			perMonth += len(in.Categories)
			continue
		case in.IsRate():
			kinds["rate"]++
		case in.Unit == indicator.UnitAmount:
			kinds["amount"]++
		default:
			kinds["count "+in.Aggregation]++
		}
		perMonth++
	}
	for _, k := range []string{"breakdown", "rate", "amount", "count sum", "count last"} {
		if kinds[k] == 0 {
			t.Errorf("indicators by kind %v: no %s", kinds, k)
		}
	}
	want := idsSmall.Municipalities * idsMonths * perMonth
	if len(d.values) != want {
		t.Errorf("%d values, want %d: %d municipalities × %d months × %d per month", len(d.values), want, idsSmall.Municipalities, idsMonths, perMonth)
	}
	added := 0 // the catalogue's monthly indicators are used, scale.* ones fill up to 40
	for _, in := range d.inds {
		if strings.HasPrefix(in.Code, "scale.") {
			added++
		}
	}
	if added == 0 || added == 40 {
		t.Errorf("%d generated indicators: want the catalogue's monthly ones used and the rest generated", added)
	}
	if d.rows != want+added {
		t.Errorf("the slice reports %d rows, want %d values and %d indicators", d.rows, want, added)
	}
	periods, vis := map[string]bool{}, map[string]map[string]bool{}
	rateOnly := 0
	for _, v := range d.values {
		f := strings.Fields(v) // slug code period [category] num den rate state source visibility final
		if len(f) == 10 {
			f = append(f[:3], append([]string{""}, f[3:]...)...)
		}
		periods[f[2]] = true
		if vis[f[0]] == nil {
			vis[f[0]] = map[string]bool{}
		}
		if f[8] == indicator.SourceOwn {
			vis[f[0]][f[9]] = true
		} else if f[9] != indicator.VisibilityPublic {
			t.Errorf("%s: official statistics not public", v)
		}
		var num, den float64
		if _, err := fmt.Sscan(f[4]+" "+f[5], &num, &den); err == nil && num > den {
			t.Errorf("%s: numerator above denominator", v)
		}
		if f[4] == "-" && f[6] != "-" {
			rateOnly++
		}
	}
	if len(periods) != idsMonths || !periods["2026-05"] || !periods["2026-10"] {
		t.Errorf("periods %v: want the 6 months from 2026-05 to 2026-10, before the month of the data set's day", periods)
	}
	public := 0
	for slug, vs := range vis {
		if len(vs) != 1 {
			t.Errorf("%s shares its own values as %v: want one visibility", slug, vs)
		}
		if vs[indicator.VisibilityPublic] {
			public++
		}
	}
	if public == 0 || public == len(vis) {
		t.Errorf("%d of %d municipalities publish their values: want some, not all", public, len(vis))
	}
	if rateOnly == 0 {
		t.Error("no published rate without counts: small municipalities' official rates are published alone")
	}

	again := idsGenerate(t)
	if strings.Join(d.values, "\n") != strings.Join(again.values, "\n") {
		t.Error("the same seed made different values")
	}
}
