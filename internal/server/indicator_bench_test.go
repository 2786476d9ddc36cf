package server_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/scale"
	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/internal/server/servertest"
)

// BenchmarkIndicatorBenchmarkPage750 serves the benchmark page of one
// indicator across 750 municipalities of one country for December 2025
// (GET /o/:org/indicators/:code/benchmark?period=2025-12&group=country-no)
// from the whole program on PostgreSQL, the 40 indicators' values of the
// year in the table, to a municipality's viewer and a network's
// coordinator. The first request protects the universe (cold-ms); the
// rest find it protected (p50-ms, p95-ms). PostgreSQL only: it uses the
// server of SAMVIRKE_TEST_POSTGRES_URL (or the local test server) and
// fails when that cannot be reached. Run it with
//
//	go test -run '^$' -bench IndicatorBenchmarkPage750 -benchtime 20x ./internal/server/
func BenchmarkIndicatorBenchmarkPage750(b *testing.B) {
	ctx := context.Background()
	pg := dbtest.OpenPostgres(b)
	env := servertest.Env{DataDir: b.TempDir(), DatabaseURL: dbtest.DSNOf(b, pg)}
	if dbtest.RedisBackend() != "embedded" {
		env.RedisURL = dbtest.RedisURL(b)
	}
	cfg := env.Config()
	cfg.LogLevel = "error"
	r := servertest.Open(b, cfg, server.ModeWeb)
	w := idspWorld(b, r.DB, env.DatabaseURL)
	r.Run(b)
	viewer, _ := dbtest.MustCreateUser(b, r.DB, w.Municipalities[0], "viewer")
	coordinator, _ := dbtest.MustCreateUser(b, r.DB, w.Networks[0], account.RoleCoordinator)
	r.Authz.Reload()
	for _, code := range []string{"scale.settled", "scale.settled_in_time"} {
		for _, rd := range []struct {
			name string
			u    *account.User
			o    *org.Organisation
		}{{"municipality", viewer, w.Municipalities[0]}, {"network", coordinator, w.Networks[0]}} {
			var token string
			err := db.Run(ctx, r.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
				var err error
				token, _, err = account.CreateSession(ctx, idb, rd.u.ID, &rd.o.ID, "127.0.0.1", "benchmark", time.Now().UTC())
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			page := fmt.Sprintf("%s/o/%s/indicators/%s/benchmark?period=2025-12&group=country-no", r.URL(), rd.o.Slug, code)
			get := func(b *testing.B) time.Duration {
				req, _ := http.NewRequest("GET", page, nil)
				req.AddCookie(&http.Cookie{Name: "samvirke_session", Value: token})
				start := time.Now()
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				took := time.Since(start)
				if resp.StatusCode != 200 || strings.Count(string(body), "<tr") < 750 {
					b.Fatalf("%s: %d, %d table rows", page, resp.StatusCode, strings.Count(string(body), "<tr"))
				}
				return took
			}
			b.Run(code+"/"+rd.name, func(b *testing.B) {
				cold := get(b)
				lat := make([]time.Duration, 0, b.N)
				for b.Loop() {
					lat = append(lat, get(b))
				}
				slices.Sort(lat)
				q := func(f float64) float64 { return float64(lat[int(f*float64(len(lat)-1))].Microseconds()) / 1000 }
				b.ReportMetric(float64(cold.Microseconds())/1000, "cold-ms")
				b.ReportMetric(q(0.50), "p50-ms")
				b.ReportMetric(q(0.95), "p95-ms")
			})
		}
	}
}

// idspWorld adds 750 municipalities of Norway, 30 networks of 25 and the
// indicators' scale slice for 2025 to bdb, the database at dsn.
func idspWorld(b *testing.B, bdb *bun.DB, dsn string) *scale.World {
	b.Helper()
	ctx := context.Background()
	w := &scale.World{Rand: rand.New(rand.NewPCG(15, 750)), Now: time.Date(2026, 1, 15, 8, 0, 0, 0, time.UTC),
		NetworkMembers: map[int64][]*org.Organisation{}, Members: map[int64][]scale.Member{}}
	var all []*org.Organisation
	for i := range 750 {
		o := &org.Organisation{Slug: fmt.Sprintf("idsp-%04d", i+1), Kind: org.KindMunicipality, Name: fmt.Sprintf("Kommune %03d", i+1),
			Country: "NO", MunicipalityNumber: fmt.Sprintf("%04d", 101+i), Locale: "nb", TimeZone: "Europe/Oslo", CreatedAt: w.Now, UpdatedAt: w.Now}
		w.Municipalities, all = append(w.Municipalities, o), append(all, o)
	}
	for i := range 30 {
		o := &org.Organisation{Slug: fmt.Sprintf("idsp-network-%02d", i+1), Kind: org.KindNetwork, Name: fmt.Sprintf("Nettverk %02d", i+1),
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
	if _, err := (indicator.Scale{Months: 12}).Generate(ctx, bdb, w); err != nil {
		b.Fatal(err)
	}
	// As the table's owner (the application's role may not), as
	// autovacuum would leave it: statistics, hint bits, visibility map.
	owner, err := db.Open(ctx, dbtest.OwnerDSN(dsn))
	if err != nil {
		b.Fatal(err)
	}
	defer owner.Close()
	if _, err := owner.ExecContext(ctx, "VACUUM ANALYZE indicator_values"); err != nil {
		b.Fatal(err)
	}
	return w
}
