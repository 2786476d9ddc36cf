package authz_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/scale"
)

// BenchmarkAllowed is the authorization decision every request of a page
// takes, with the memberships of the whole scale data set loaded (750
// municipalities × 20 users, 30 networks): a member asking for a
// permission of its own role in its municipality, allowed and refused
// in turn.
//
//	go test -tags nomsgpack -run '^$' -bench Allowed ./internal/authz/
func BenchmarkAllowed(b *testing.B) {
	for _, n := range []int{12, 750} {
		b.Run(fmt.Sprintf("municipalities=%d", n), func(b *testing.B) {
			bdb := dbtest.Open(b)
			ctx := context.Background()
			opts := scale.Options{Seed: 1, Municipalities: n, Networks: max(1, n/25), Password: "korrekt hest batteri"}
			if _, err := scale.Generate(ctx, bdb, opts, nil, nil); err != nil {
				b.Fatal(err)
			}
			w := loadWorld(b, bdb, n*20)
			e, err := authz.New(ctx, bdb, quiet)
			if err != nil {
				b.Fatal(err)
			}
			perms := []authz.Perm{authz.ContentRead, authz.ContentWrite, authz.MembersManage, authz.StatusWrite}
			i := 0
			for b.Loop() {
				m := w[i%len(w)]
				_ = e.Allowed(m.user, m.role, m.org, perms[i%len(perms)])
				i++
			}
		})
	}
}

type held struct {
	user, org int64
	role      string
}

// loadWorld answers every membership of the data set, in a shuffled but
// fixed order.
func loadWorld(b *testing.B, bdb *bun.DB, want int) []held {
	b.Helper()
	var out []held
	err := db.Run(context.Background(), bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		rows, err := idb.QueryContext(ctx, "SELECT user_id, org_id, role FROM memberships ORDER BY (user_id * 7919) % 10007, org_id")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var h held
			if err := rows.Scan(&h.user, &h.org, &h.role); err != nil {
				return err
			}
			out = append(out, h)
		}
		return rows.Err()
	})
	if err != nil || len(out) < want {
		b.Fatalf("memberships: %d, %v", len(out), err)
	}
	return out
}
