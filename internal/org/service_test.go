package org_test

import (
	"slices"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
)

// TestSharedPeer: a municipality reads a peer only while both are members
// of the same network; anything else answers not found, as if the peer
// did not exist.
func TestSharedPeer(t *testing.T) {
	t.Parallel()
	bdb := dbtest.Open(t)
	today := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	s := &org.Service{DB: bdb, Clock: &app.FixedClock{T: today}}
	net := dbtest.MustCreateOrg(t, bdb, org.KindNetwork)
	other := dbtest.MustCreateOrg(t, bdb, org.KindNetwork)
	a := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
	b := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
	left := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
	elsewhere := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
	joined := today.AddDate(-1, 0, 0)
	dbtest.MustJoinNetwork(t, bdb, net, a, joined, time.Time{})
	dbtest.MustJoinNetwork(t, bdb, net, b, joined, time.Time{})
	dbtest.MustJoinNetwork(t, bdb, net, left, joined, today.AddDate(0, 0, -1))
	dbtest.MustJoinNetwork(t, bdb, other, elsewhere, joined, time.Time{})

	t.Run("OK", func(t *testing.T) {
		peer, scope, err := org.SharedPeer(t.Context(), bdb, a, b.Slug, today)
		if err != nil {
			t.Fatal(err)
		}
		if peer.ID != b.ID || scope.OrgID != a.ID || !slices.Contains(scope.ReadOrgIDs, net.ID) || !slices.Contains(scope.ReadOrgIDs, b.ID) {
			t.Errorf("SharedPeer: peer %d, scope %+v; want peer %d, acting for %d reading network %d and the peer", peer.ID, scope, b.ID, a.ID, net.ID)
		}
	})
	for name, slug := range map[string]string{
		"ErrOtherNetwork": elsewhere.Slug, "ErrLeft": left.Slug, "ErrSelf": a.Slug, "ErrNoSuchOrg": "finnes-ikke",
		"ErrNetwork": net.Slug,
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, err := org.SharedPeer(t.Context(), bdb, a, slug, today); !app.IsNotFound(err) {
				t.Errorf("SharedPeer(%s): %v, want not found", slug, err)
			}
		})
	}
	t.Run("ReadScope", func(t *testing.T) {
		nets, err := s.MemberNetworks(t.Context(), left)
		if err != nil || len(nets) != 0 {
			t.Errorf("MemberNetworks of a municipality that left: %v, %v; want none", nets, err)
		}
		if nets, _ := s.MemberNetworks(t.Context(), a); !slices.Equal(nets, []int64{net.ID}) {
			t.Errorf("MemberNetworks: %v, want [%d]", nets, net.ID)
		}
	})
}
