package indicator_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/scale"
)

// idsBenchWorld builds 750 municipalities in one country (Norway), 30
// networks of 25, and the indicators' scale slice for the given months
// ending with December 2025, on PostgreSQL as the application's role (row-level
// security applies), and answers the database and the world.
func idsBenchWorld(b *testing.B, months int) (*bun.DB, *scale.World) {
	b.Helper()
	ctx := context.Background()
	bdb := dbtest.OpenPostgres(b)
	w := &scale.World{Rand: rand.New(rand.NewPCG(15, 750)), Now: time.Date(2026, 1, 15, 8, 0, 0, 0, time.UTC),
		NetworkMembers: map[int64][]*org.Organisation{}, Members: map[int64][]scale.Member{}}
	var all []*org.Organisation
	for i := range 750 {
		o := &org.Organisation{Slug: fmt.Sprintf("idsb-%04d", i+1), Kind: org.KindMunicipality, Name: fmt.Sprintf("Kommune %03d", i+1),
			Country: "NO", MunicipalityNumber: fmt.Sprintf("%04d", 101+i), Locale: "nb", TimeZone: "Europe/Oslo", CreatedAt: w.Now, UpdatedAt: w.Now}
		w.Municipalities, all = append(w.Municipalities, o), append(all, o)
	}
	for i := range 30 {
		o := &org.Organisation{Slug: fmt.Sprintf("idsb-network-%02d", i+1), Kind: org.KindNetwork, Name: fmt.Sprintf("Nettverk %02d", i+1),
			Locale: "nb", TimeZone: "Europe/Oslo", CreatedAt: w.Now, UpdatedAt: w.Now}
		w.Networks, all = append(w.Networks, o), append(all, o)
	}
	if _, err := scale.Insert(ctx, bdb, all); err != nil {
		b.Fatal(err)
	}
	var members []*org.NetworkMember
	for i, m := range w.Municipalities {
		nw := w.Networks[i%len(w.Networks)]
		w.NetworkMembers[nw.ID] = append(w.NetworkMembers[nw.ID], m)
		members = append(members, &org.NetworkMember{OrgID: nw.ID, MemberOrgID: m.ID, JoinedOn: time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)})
	}
	if _, err := scale.Insert(ctx, bdb, members); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	n, err := indicator.Scale{Months: months}.Generate(ctx, bdb, w)
	if err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	b.Logf("indicator slice: %d rows in %s (%.0f rows/s)", n, took.Round(time.Millisecond), float64(n)/took.Seconds())
	// As the table's owner (the application's role may not), as
	// autovacuum would leave it: statistics, hint bits, visibility map.
	owner, err := db.Open(ctx, dbtest.OwnerDSN(dbtest.DSNOf(b, bdb)))
	if err != nil {
		b.Fatal(err)
	}
	defer owner.Close()
	if _, err := owner.ExecContext(ctx, "VACUUM ANALYZE indicator_values"); err != nil {
		b.Fatal(err)
	}
	return bdb, w
}

// BenchmarkIndicatorBenchmark750 measures the benchmark of one indicator
// across 750 municipalities of one country for one month (December, the
// twelfth month of its year: the protected universe is the whole year),
// the 39 other indicators' values in the table, as a municipality's reader
// and as a network's, cold (a new service: the protection is computed) and
// warm (the service has protected the same table before). PostgreSQL
// only: it uses the server of SAMVIRKE_TEST_POSTGRES_URL (or the local
// test server) and fails when that cannot be reached. Run it with
//
//	go test -run '^$' -bench IndicatorBenchmark750 -benchtime 20x ./internal/indicator/
func BenchmarkIndicatorBenchmark750(b *testing.B) {
	bdb, w := idsBenchWorld(b, 12)
	clock := &app.FixedClock{T: w.Now}
	ctx := context.Background()
	readers := []struct {
		name   string
		reader *org.Organisation
	}{{"municipality", w.Municipalities[0]}, {"network", w.Networks[0]}}
	for _, code := range []string{"scale.settled", "scale.settled_in_time"} {
		for _, r := range readers {
			q := indicator.BenchmarkQuery{Code: code, Period: "2025-12", Group: "country-no"}
			check := func(b *testing.B, v *indicator.View, err error) {
				if err != nil {
					b.Fatal(err)
				}
				if len(v.Rows) != 750 {
					b.Fatalf("%d rows, want the 750 municipalities of the country", len(v.Rows))
				}
			}
			b.Run(code+"/"+r.name+"/cold", func(b *testing.B) {
				for b.Loop() {
					svc := &indicator.Service{DB: bdb, Clock: clock}
					v, err := svc.Benchmark(ctx, r.reader, q)
					check(b, v, err)
				}
			})
			// Uncached: the indicator's values changed (their data
			// version bumped, as a write or an import does) before each
			// request, the same numbers read again: what the load run's
			// "benchmark API uncached" sends.
			b.Run(code+"/"+r.name+"/uncached", func(b *testing.B) {
				owner, err := db.Open(ctx, dbtest.OwnerDSN(dbtest.DSNOf(b, bdb)))
				if err != nil {
					b.Fatal(err)
				}
				defer owner.Close()
				svc := &indicator.Service{DB: bdb, Clock: clock}
				v, err := svc.Benchmark(ctx, r.reader, q)
				check(b, v, err)
				for b.Loop() {
					b.StopTimer()
					if _, err := owner.ExecContext(ctx, "UPDATE data_versions SET version = version + 1 WHERE scope LIKE 'indicator:%'"); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					v, err := svc.Benchmark(ctx, r.reader, q)
					check(b, v, err)
				}
			})
			b.Run(code+"/"+r.name+"/warm", func(b *testing.B) {
				svc := &indicator.Service{DB: bdb, Clock: clock}
				v, err := svc.Benchmark(ctx, r.reader, q)
				check(b, v, err)
				for b.Loop() {
					v, err := svc.Benchmark(ctx, r.reader, q)
					check(b, v, err)
				}
			})
		}
	}
}
