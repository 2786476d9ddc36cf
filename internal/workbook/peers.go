package workbook

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/search"
)

// The learning network: a member municipality reads its network peers'
// shared answers. Shared means visibility network or public, in a
// workbook of a network both belong to today; a private answer is never
// read by anyone but its municipality (a coordinator learns only that it
// exists, see Progress). Row-level security lets a unit of work read only
// the organisations it names (db.ReadAlso); the visibility rule is applied
// here, in every query that reads a peer's entries.

// sharedVisibilities are the visibilities a network peer may read.
var sharedVisibilities = []string{VisibilityNetwork, VisibilityPublic}

// PeerAnswer is a network peer's shared answer to a problem statement, as
// listed beside the own answer: who, where, and when it last changed.
type PeerAnswer struct {
	Peer        *org.Organisation
	WorkbookID  int64
	StatementID int64
	Visibility  string
	UpdatedAt   time.Time
}

// PeerAnswers answers the shared answers of o's network peers to the
// statement of o's workbook, in the peers' name order: answers in their
// workbooks of the same network, by municipalities that are members of it
// today, as o is. Nothing when o is no member of the workbook's network
// today. Errors: app.ENotFound for a workbook that is not o's.
func (s *Service) PeerAnswers(ctx context.Context, o *org.Organisation, workbookID, statementID int64) ([]PeerAnswer, error) {
	var out []PeerAnswer
	now := s.Clock.Now()
	err := org.RunRead(ctx, s.DB, o, now, func(ctx context.Context, idb bun.IDB) error {
		wb, err := FindWorkbook(ctx, idb, o.ID, workbookID)
		if err != nil {
			return err
		}
		out, err = peerAnswers(ctx, idb, o, wb, statementID, now)
		return err
	})
	return out, err
}

// peerAnswers is PeerAnswers of o's workbook wb in a unit of work in o's
// read scope (org.RunRead). It widens the unit of work's scope to the
// peers and leaves it so: call it last.
func peerAnswers(ctx context.Context, idb bun.IDB, o *org.Organisation, wb *Workbook, statementID int64, now time.Time) ([]PeerAnswer, error) {
	if o.Kind != org.KindMunicipality || !slices.Contains(readNetworks(ctx, o), wb.NetworkID) {
		return nil, nil
	}
	members, byID, err := org.NetworkPeers(ctx, idb, []int64{wb.NetworkID}, o.ID, now)
	ids := members[wb.NetworkID]
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	wide, err := db.ReadAlso(ctx, idb, ids...)
	if err != nil {
		return nil, err
	}
	// Which answers exist (their content is read on the peer's page),
	// each found by its workbook's key, as in the gathering view. On
	// every answer page: planned once a connection.
	var heads []*Entry
	in, list := db.AnyOf(idb, "org_id", ids)
	bctx, a := db.Bind(wide, idb, statementID, list, wb.NetworkID)
	err = idb.NewSelect().Model(&heads).Column("org_id", "id", "workbook_id", "statement_id", "visibility", "updated_at").
		Where("statement_id = ? AND visibility IN (?)", a[0], bun.In(sharedVisibilities)).
		Where("(org_id, workbook_id) IN (?)", idb.NewSelect().Model((*Workbook)(nil)).Column("org_id", "id").
			Where(in+" AND network_id = ?", a[1], a[2])).
		Scan(bctx)
	if err != nil {
		return nil, err
	}
	byOrg := map[int64]*Entry{}
	for _, e := range heads {
		if cur := byOrg[e.OrgID]; cur == nil || e.UpdatedAt.After(cur.UpdatedAt) {
			byOrg[e.OrgID] = e
		}
	}
	var out []PeerAnswer
	for _, id := range ids { // the members' name order
		if e := byOrg[id]; e != nil {
			out = append(out, PeerAnswer{Peer: byID[id], WorkbookID: e.WorkbookID, StatementID: e.StatementID, Visibility: e.Visibility, UpdatedAt: e.UpdatedAt})
		}
	}
	return out, nil
}

// Answer is the page of one of a municipality's answers: its workbook,
// the answer (nil before the first save), the network peers' shared
// answers to the statement (PeerAnswers), a page of the answer's comments
// (Comments; nil without an answer) and the municipality's members, who
// may be named responsible for its measures.
type Answer struct {
	Ref      Ref
	Entry    *Entry
	Peers    []PeerAnswer
	Comments *CommentPage
	Members  []*account.Member
}

// OpenAnswer answers the page of o's answer to statement in workbook id,
// comments before commentsBefore (0: the newest), in one unit of work.
// Errors: app.ENotFound for a workbook that is not o's.
func (s *Service) OpenAnswer(ctx context.Context, o *org.Organisation, id, statementID, commentsBefore int64) (*Answer, error) {
	a := &Answer{}
	now := s.Clock.Now()
	err := org.RunRead(ctx, s.DB, o, now, func(ctx context.Context, idb bun.IDB) error {
		ref, entries, err := s.openWorkbook(ctx, idb, o, id, StatementEntry(statementID))
		if err != nil {
			return err
		}
		a.Ref, a.Entry = ref, entries[statementID]
		if a.Entry != nil {
			if a.Comments, err = FindComments(ctx, idb, o.ID, a.Entry.ID, commentsBefore); err != nil {
				return err
			}
		}
		if a.Members, err = account.FindMembers(ctx, idb, o.ID); err != nil {
			return err
		}
		a.Peers, err = peerAnswers(ctx, idb, o, ref.Workbook, statementID, now)
		return err
	})
	return a, err
}

// PeerSearch finds the shared answers of a municipality's network peers
// (their text, goals and measures, as stored in the entries' search text),
// never a private one. Each hit names the peer and links to the peer's
// answer as the searcher reads it.
type PeerSearch struct{ Clock app.Clock }

// Search answers matching shared answers of the peers, newest first, at
// most q.Limit of them. It runs in the searcher's read scope, widens it to
// the peers for its own query and narrows it back afterwards.
func (p PeerSearch) Search(ctx context.Context, idb bun.IDB, q search.Query) ([]search.Hit, error) {
	if q.OrgKind != org.KindMunicipality || q.Allowed == nil || !q.Allowed("content", "read") {
		return nil, nil
	}
	words := strings.Fields(search.Fold(q.Text))
	if len(words) == 0 {
		return nil, nil
	}
	now := p.Clock.Now()
	nets, err := org.FindMemberNetworks(ctx, idb, q.OrgID, now)
	if err != nil || len(nets) == 0 {
		return nil, err
	}
	netIDs := make([]int64, len(nets))
	for i, n := range nets {
		netIDs[i] = n.ID
	}
	members, byID, err := org.NetworkPeers(ctx, idb, netIDs, q.OrgID, now)
	if err != nil || len(byID) == 0 {
		return nil, err
	}
	ids := make([]int64, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	wide, err := db.ReadAlso(ctx, idb, ids...)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		OrgID       int64  `bun:"org_id"`
		WorkbookID  int64  `bun:"workbook_id"`
		StatementID int64  `bun:"statement_id"`
		Raw         string `bun:"content"`
		Title       *string
	}
	sel := idb.NewSelect().TableExpr("workbook_entries AS e").ColumnExpr("e.org_id, e.workbook_id, e.statement_id, e.content, s.title").
		Join("JOIN workbooks AS w ON w.org_id = e.org_id AND w.id = e.workbook_id").
		Join("LEFT JOIN workbook_statements AS s ON s.org_id = w.network_id AND s.id = e.statement_id").
		Where("e.org_id IN (?) AND e.visibility IN (?)", bun.In(ids), bun.In(sharedVisibilities)).
		WhereGroup(" AND ", func(sq *bun.SelectQuery) *bun.SelectQuery {
			// A peer's answer in a network's workbook, when the peer is a
			// member of that network (one the searcher belongs to) today.
			for _, n := range netIDs {
				if len(members[n]) > 0 {
					sq = sq.WhereOr("w.network_id = ? AND e.org_id IN (?)", n, bun.In(members[n]))
				}
			}
			return sq
		}).
		OrderExpr("e.updated_at DESC, e.id DESC")
	for _, w := range words {
		sel.Where("e.search_text LIKE ? ESCAPE '!'", search.Contains(w))
	}
	if q.Limit > 0 {
		sel.Limit(int64(q.Limit))
	}
	err = sel.Scan(wide, &rows)
	if rerr := db.ResetRead(ctx, wide, idb); err == nil {
		err = rerr
	}
	if err != nil {
		return nil, err
	}
	var hits []search.Hit
	for _, r := range rows {
		e := &Entry{Raw: r.Raw}
		if err := e.decode(); err != nil {
			return nil, err
		}
		title := ""
		if r.Title != nil {
			title = *r.Title
		}
		texts := entryTexts(title, &e.Content)
		if search.Matches(q.Text, texts...) {
			peer := byID[r.OrgID]
			hits = append(hits, search.Hit{Kind: "workbook_peer", Title: title, Detail: snippet(texts, q.Text), Org: peer.Name,
				URL: fmt.Sprintf("/o/%s/peers/%s/workbooks/%d/statements/%d", q.OrgSlug, peer.Slug, r.WorkbookID, r.StatementID)})
		}
	}
	return hits, nil
}
