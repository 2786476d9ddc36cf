package server_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/ratelimit"
	"github.com/samvirke/samvirke/tenants"
)

var indicatorLoaded sync.Map // *bun.DB → true: the national catalogue is loaded

// indicatorCatalogue loads the shipped national catalogue into bdb once,
// so that :code names an indicator.
func indicatorCatalogue(t *testing.T, bdb *bun.DB) {
	t.Helper()
	if _, done := indicatorLoaded.LoadOrStore(bdb, true); done {
		return
	}
	defs, err := indicator.ReadDefinitions(tenants.Indicators, "indicators")
	if err == nil {
		err = indicator.LoadCatalogue(context.Background(), bdb, defs, time.Now())
	}
	if err != nil {
		t.Fatal(err)
	}
}

// routeRowsIndicator are the route walk's rows for the indicators
// (internal/web/indicator*.go).
func routeRowsIndicator() map[string]expectation {
	return map[string]expectation{}
}

// indicatorParams answers the indicator path parameters for a request of
// the walk in o: :code, an indicator of the national catalogue (the
// introduction programme's outcomes, a breakdown with rules); :period, a
// year; :group, a comparison group of o's own made for this request;
// :target, a target of o's own made for this request.
func indicatorParams(t *testing.T, bdb *bun.DB, o *org.Organisation, path string) map[string]string {
	t.Helper()
	m := map[string]string{":code": "intro.outcome", ":period": "2020"}
	indicatorCatalogue(t, bdb)
	svc := &indicator.Service{DB: bdb, Clock: app.SystemClock{}, Limits: &ratelimit.Limiter{DB: bdb, Clock: app.SystemClock{}}}
	ctx := context.Background()
	if strings.Contains(path, ":group") {
		m[":group"] = "999999999"
		var slugs []string
		err := bdb.NewSelect().Model((*org.Organisation)(nil)).Column("slug").Where("kind = ?", org.KindMunicipality).
			OrderExpr("id").Limit(2).Scan(ctx, &slugs)
		if err != nil {
			t.Fatal(err)
		}
		if g, err := svc.SaveGroup(ctx, o, 0, indicator.GroupInput{Name: "Walk «gruppe» " + time.Now().Format("150405.000"), Members: slugs}); err == nil {
			m[":group"] = strconv.FormatInt(g.ID, 10)
		} else {
			t.Fatal(err)
		}
	}
	if strings.Contains(path, ":target") {
		m[":target"] = "999999999"
		if tg, err := svc.AddTarget(ctx, o, indicator.TargetInput{Code: "intro.outcome", Rule: "imdi", Value: 75}); err == nil {
			m[":target"] = strconv.FormatInt(tg.ID, 10)
		} else {
			t.Fatal(err)
		}
	}
	return m
}
