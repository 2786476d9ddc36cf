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

// TestReadScope: a municipality reads in its own scope and that of the
// networks it belongs to today; a county, a network and a municipality
// in no network read in their own alone. FindBySlug answers not found for
// an organisation that does not exist.
func TestReadScope(t *testing.T) {
	t.Parallel()
	bdb := dbtest.Open(t)
	today := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	s := &org.Service{DB: bdb, Clock: &app.FixedClock{T: today}}
	net := dbtest.MustCreateOrg(t, bdb, org.KindNetwork)
	net2 := dbtest.MustCreateOrg(t, bdb, org.KindNetwork)
	county := dbtest.MustCreateOrg(t, bdb, org.KindCounty)
	inTwo := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
	future := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
	alone := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
	dbtest.MustJoinNetwork(t, bdb, net, inTwo, today.AddDate(-1, 0, 0), time.Time{})
	dbtest.MustJoinNetwork(t, bdb, net2, inTwo, today, time.Time{})
	dbtest.MustJoinNetwork(t, bdb, net, future, today.AddDate(0, 0, 1), time.Time{})
	for _, tc := range []struct {
		o    *org.Organisation
		read []int64
	}{
		{inTwo, []int64{net.ID, net2.ID}},
		{future, nil},
		{alone, nil},
		{county, nil},
		{net, nil},
	} {
		t.Run(tc.o.Slug, func(t *testing.T) {
			scope, err := s.ReadScope(t.Context(), tc.o)
			if err != nil {
				t.Fatal(err)
			}
			got := slices.Sorted(slices.Values(scope.ReadOrgIDs))
			if scope.OrgID != tc.o.ID || scope.System || !slices.Equal(got, tc.read) {
				t.Errorf("ReadScope: %+v; want acting for %d, reading also %v", scope, tc.o.ID, tc.read)
			}
		})
	}
	t.Run("FindBySlug", func(t *testing.T) {
		if o, err := s.FindBySlug(t.Context(), county.Slug); err != nil || o.ID != county.ID {
			t.Errorf("FindBySlug: %v, %v; want %d", o, err, county.ID)
		}
		if _, err := s.FindBySlug(t.Context(), "finnes-ikke"); !app.IsNotFound(err) {
			t.Errorf("FindBySlug of no organisation: %v; want not found", err)
		}
	})
}
