package org_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/files"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/overview"
	"github.com/samvirke/samvirke/internal/search"
)

func withName(name string) dbtest.OrgOption {
	return func(o *org.Organisation) { o.Name = name + " " + o.Slug }
}

// hitTitles answers the titles of hits of kind.
func hitTitles(hits []search.Hit, kind string) []string {
	var out []string
	for _, h := range hits {
		if h.Kind == kind {
			out = append(out, h.Title)
		}
	}
	slices.Sort(out)
	return out
}

func names(os ...*org.Organisation) []string {
	var out []string
	for _, o := range os {
		out = append(out, o.Name)
	}
	slices.Sort(out)
	return out
}

// TestOrgBCannotReadA: organisation B reading through the organisation
// service sees nothing of A (terms, logo, audit log, members in search)
// whether or not the two share a network. Sharing a network lets B see
// what the sharing rule allows and no more: the network and its current
// member municipalities by name (search, dashboard), and A itself as a
// peer (SharedPeer); a municipality that left, one in another network
// and one in none see none of it.
func TestOrgBCannotReadA(t *testing.T) {
	t.Parallel()
	bdb := dbtest.Open(t)
	clock := &app.FixedClock{T: dbtest.Now}
	srch := &search.Registry{}
	srch.Add(account.MemberSearch{})
	srch.Add(org.NetworkSearch{Clock: clock})
	panels := &overview.Registry{}
	panels.Add(org.NetworkPanel{Clock: clock})
	s := &org.Service{DB: bdb, Clock: clock, Search: srch, Overview: panels,
		Files: &files.Service{DB: bdb, Blobs: files.Local{Dir: t.TempDir()}, TempDir: t.TempDir()}}
	ctx := context.Background()

	net := dbtest.MustCreateOrg(t, bdb, org.KindNetwork, withName("Felles nettverk"))
	otherNet := dbtest.MustCreateOrg(t, bdb, org.KindNetwork, withName("Felles annet nettverk"))
	a := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality, withName("Felles Alfa"))
	b := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality, withName("Felles Bravo"))
	left := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality, withName("Felles Gikk ut"))
	elsewhere := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality, withName("Felles Et annet sted"))
	alone := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality, withName("Felles Alene"))
	leavingToday := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality, withName("Felles Går ut i dag"))
	joined := dbtest.Now.AddDate(-1, 0, 0)
	for _, m := range []*org.Organisation{a, b} {
		dbtest.MustJoinNetwork(t, bdb, net, m, joined, dbtest.Now.AddDate(1, 0, 0)) // leaves next year: still a member
	}
	dbtest.MustJoinNetwork(t, bdb, net, left, joined, dbtest.Now.AddDate(0, 0, -1))
	dbtest.MustJoinNetwork(t, bdb, otherNet, elsewhere, joined, time.Time{})
	// Membership ends on a day: leaving at any hour today has left today.
	dbtest.MustJoinNetwork(t, bdb, net, leavingToday, joined, dbtest.Now.Add(time.Hour))

	memberA, ctxA := dbtest.MustCreateUser(t, bdb, a, account.RoleOwner)
	memberB, _ := dbtest.MustCreateUser(t, bdb, b, account.RoleOwner)
	if err := s.SaveTerms(ctxA, a, org.TermOverrides{"nb": {"workbook": "Alfas arbeidsbok"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateSettings(ctxA, a, org.Settings{Name: a.Name, Locale: "nb", TimeZone: "Europe/Oslo", Logo: png}); err != nil {
		t.Fatal(err)
	}
	if err := s.Record(ctxA, a, audit.Export, "alt", nil); err != nil {
		t.Fatal(err)
	}

	// Every reader but A itself, sharing a network with A or not.
	for _, reader := range []*org.Organisation{b, left, leavingToday, elsewhere, alone, net} {
		t.Run("OwnOnly/"+reader.Name, func(t *testing.T) {
			if terms, err := s.Terms(ctx, reader.ID); err != nil || len(terms) != 0 {
				t.Errorf("Terms: %v, %v; want none (A's are not the reader's)", terms, err)
			}
			if f, logo, err := s.Logo(ctx, reader); !app.IsNotFound(err) || logo != nil || f != nil {
				t.Errorf("Logo: %+v, %v, %v; want not found", f, logo, err)
			}
			if es, n, err := s.AuditLog(ctx, reader, audit.Filter{}); err != nil || n != 0 || len(es) != 0 {
				t.Errorf("AuditLog: %d entries, %v; want none", n, err)
			}
			// A caller that names A in the query still searches the reader.
			hits, err := s.SearchAll(ctx, reader, search.Query{OrgID: a.ID, OrgSlug: a.Slug, OrgKind: a.Kind, Text: "Øren",
				Allowed: func(string, string) bool { return true }})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range hits {
				if h.Detail == memberA.Email {
					t.Errorf("SearchAll found A's member %s", h.Detail)
				}
			}
		})
	}

	for _, tc := range []struct {
		reader *org.Organisation
		see    []*org.Organisation // organisations found by name
		panel  []*org.Organisation // lines of its network panel
		peer   bool                // may read A as a peer
	}{
		{b, []*org.Organisation{net, a}, []*org.Organisation{net}, true},
		{left, nil, nil, false},
		{leavingToday, nil, nil, false},
		{elsewhere, []*org.Organisation{otherNet}, []*org.Organisation{otherNet}, false},
		{alone, nil, nil, false},
		{net, []*org.Organisation{a, b}, []*org.Organisation{a, b}, false},
	} {
		t.Run("Sharing/"+tc.reader.Name, func(t *testing.T) {
			hits, err := s.SearchAll(ctx, tc.reader, search.Query{OrgID: tc.reader.ID, OrgSlug: tc.reader.Slug, OrgKind: tc.reader.Kind, Text: "felles"})
			if err != nil {
				t.Fatal(err)
			}
			if got := hitTitles(hits, "organisation"); !slices.Equal(got, names(tc.see...)) {
				t.Errorf("SearchAll: organisations %q; want %q", got, names(tc.see...))
			}
			_, ps, err := s.Dashboard(ctx, tc.reader, &app.Actor{UserID: memberB.ID})
			if err != nil {
				t.Fatal(err)
			}
			var lines []string
			for _, p := range ps {
				for _, l := range p.Lines {
					lines = append(lines, l.Label)
				}
			}
			slices.Sort(lines)
			if !slices.Equal(lines, names(tc.panel...)) {
				t.Errorf("Dashboard: network panel %q; want %q", lines, names(tc.panel...))
			}
			peer, scope, err := org.SharedPeer(ctx, bdb, tc.reader, a.Slug, clock.T)
			if tc.peer {
				if err != nil || peer.ID != a.ID || scope.OrgID != tc.reader.ID {
					t.Errorf("SharedPeer(A): %v, %v; want A, acting for the reader", peer, err)
				}
			} else if !app.IsNotFound(err) || peer != nil {
				t.Errorf("SharedPeer(A): %v, %v; want not found", peer, err)
			}
		})
	}
}
