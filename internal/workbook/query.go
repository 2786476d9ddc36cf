package workbook

import (
	"context"
	"slices"
	"strconv"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// The read methods of this file answer the pages: each opens one unit of
// work in the organisation's read scope (org.RunRead, which works the scope
// out inside it), and applies the sharing rules itself.

// readNetworks answers the networks whose templates and gatherings o works
// with, inside org.RunRead: a network's own, or the networks a
// municipality belongs to.
func readNetworks(ctx context.Context, o *org.Organisation) []int64 {
	if o.Kind == org.KindNetwork {
		return []int64{o.ID}
	}
	s, _ := db.ScopeFrom(ctx)
	return s.ReadOrgIDs
}

// Ref is a municipality's workbook with its template and network.
type Ref struct {
	Workbook *Workbook
	Template *Template
	Network  *org.Organisation
}

// Listing is the workbooks page: a municipality's workbooks, or a
// network's templates and cycles.
type Listing struct {
	Books     []Ref
	Templates []*Template
	Cycles    []*Cycle
}

// WorkbookList answers a municipality's workbooks with their templates and
// networks, or for a network its own templates and its cycles (and no
// workbooks).
func (s *Service) WorkbookList(ctx context.Context, o *org.Organisation) (*Listing, error) {
	var refs []Ref
	out := &Listing{}
	err := org.RunRead(ctx, s.DB, o, s.Clock.Now(), func(ctx context.Context, idb bun.IDB) error {
		if o.Kind == org.KindNetwork {
			var err error
			if out.Templates, err = s.findTemplates(ctx, idb, o.ID); err != nil {
				return err
			}
			out.Cycles, err = FindCycles(ctx, idb, o.ID)
			return err
		}
		books, err := FindWorkbooks(ctx, idb, o.ID)
		if err != nil {
			return err
		}
		// Workbooks share templates and networks: load each once.
		type templateKey struct{ network, id int64 }
		tmpls := map[templateKey]*Template{}
		networks := map[int64]*org.Organisation{}
		for _, b := range books {
			tk := templateKey{b.NetworkID, b.TemplateID}
			t, ok := tmpls[tk]
			if !ok {
				if t, err = s.findTemplate(ctx, idb, b.NetworkID, b.TemplateID); err != nil {
					return err
				}
				tmpls[tk] = t
			}
			n, ok := networks[b.NetworkID]
			if !ok {
				if n, err = org.FindOrganisationByID(ctx, idb, b.NetworkID); err != nil {
					return err
				}
				networks[b.NetworkID] = n
			}
			refs = append(refs, Ref{Workbook: b, Template: t, Network: n})
		}
		return nil
	})
	out.Books = refs
	return out, err
}

// Workbooks lists a municipality's workbooks, without templates.
func (s *Service) Workbooks(ctx context.Context, o *org.Organisation) ([]*Workbook, error) {
	var out []*Workbook
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		out, err = FindWorkbooks(ctx, idb, o.ID)
		return err
	})
	return out, err
}

// EntryLoad says which entries OpenWorkbook reads with the workbook: none,
// one statement's (StatementEntry), or every statement's, without their
// content (EntryHeads: which are answered) or with it (AllEntries).
type EntryLoad int64

// Entry loads of OpenWorkbook.
const (
	NoEntries  EntryLoad = 0
	EntryHeads EntryLoad = -1
	AllEntries EntryLoad = -2
)

// StatementEntry loads the entry of one statement.
func StatementEntry(statementID int64) EntryLoad { return EntryLoad(statementID) }

// OpenWorkbook answers a municipality's workbook with its template and
// network, and the entries load says, by statement. Errors: app.ENotFound
// for a workbook that is not o's.
func (s *Service) OpenWorkbook(ctx context.Context, o *org.Organisation, id int64, load EntryLoad) (Ref, map[int64]*Entry, error) {
	var ref Ref
	var entries map[int64]*Entry
	err := org.RunRead(ctx, s.DB, o, s.Clock.Now(), func(ctx context.Context, idb bun.IDB) error {
		var err error
		ref, entries, err = s.openWorkbook(ctx, idb, o, id, load)
		return err
	})
	return ref, entries, err
}

func (s *Service) openWorkbook(ctx context.Context, idb bun.IDB, o *org.Organisation, id int64, load EntryLoad) (Ref, map[int64]*Entry, error) {
	var ref Ref
	entries := map[int64]*Entry{}
	b, err := FindWorkbook(ctx, idb, o.ID, id)
	if err != nil {
		return ref, nil, err
	}
	if ref.Template, err = s.findTemplate(ctx, idb, b.NetworkID, b.TemplateID); err != nil {
		return ref, nil, err
	}
	if ref.Network, err = org.FindOrganisationByID(ctx, idb, b.NetworkID); err != nil {
		return ref, nil, err
	}
	ref.Workbook = b
	var list []*Entry
	switch {
	case load == NoEntries:
	case load == EntryHeads:
		list, err = FindEntryHeads(ctx, idb, o.ID, b.ID)
	case load == AllEntries:
		list, err = FindEntries(ctx, idb, o.ID, b.ID)
	default:
		var e *Entry
		if e, err = FindStatementEntry(ctx, idb, o.ID, b.ID, int64(load)); e != nil {
			list = append(list, e)
		}
	}
	for _, e := range list {
		entries[e.StatementID] = e
	}
	return ref, entries, err
}

// WorkbookView is a workbook's page: which statements are answered, each
// chapter's status, and the gathering each chapter is due at.
type WorkbookView struct {
	Ref      Ref
	Answered map[int64]*Entry     // statement → entry, without content
	Status   map[int64]string     // chapter → status
	Due      map[int64]*Gathering // chapter → the gathering it is due at
}

// ViewWorkbook answers a municipality's workbook page in one read.
// Errors: app.ENotFound for a workbook that is not o's.
func (s *Service) ViewWorkbook(ctx context.Context, o *org.Organisation, id int64) (*WorkbookView, error) {
	now := s.Clock.Now()
	v := &WorkbookView{}
	err := org.RunRead(ctx, s.DB, o, now, func(ctx context.Context, idb bun.IDB) error {
		var err error
		if v.Ref, v.Answered, err = s.openWorkbook(ctx, idb, o, id, EntryHeads); err != nil {
			return err
		}
		if v.Status, err = FindChapterStatuses(ctx, idb, o.ID, v.Ref.Workbook.ID); err != nil {
			return err
		}
		gs, err := FindGatherings(ctx, idb, v.Ref.Network.ID)
		v.Due = DueAt(gs, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// Templates lists the templates o works with: a network's own, or those
// of the networks a municipality belongs to today.
func (s *Service) Templates(ctx context.Context, o *org.Organisation) ([]*Template, error) {
	out := []*Template{}
	err := org.RunRead(ctx, s.DB, o, s.Clock.Now(), func(ctx context.Context, idb bun.IDB) error {
		nets := readNetworks(ctx, o)
		for _, n := range nets {
			ts, err := s.findTemplates(ctx, idb, n)
			if err != nil {
				return err
			}
			out = append(out, ts...)
		}
		return nil
	})
	return out, err
}

// Template answers one of a network's own templates, or app.ENotFound.
func (s *Service) Template(ctx context.Context, network *org.Organisation, id int64) (*Template, error) {
	var t *Template
	err := db.Run(ctx, s.DB, db.OrgScope(network.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		t, err = s.findTemplate(ctx, idb, network.ID, id)
		return err
	})
	return t, err
}

// GatheringList is the gatherings page: the gatherings of the networks o
// reads in, the municipalities taking part in each, the chapter titles,
// and for a network its chapters (to mark as due at a gathering).
type GatheringList struct {
	Gatherings []*Gathering
	Chapters   []*Chapter         // a network's chapters
	Titles     map[int64]string   // chapter id → "template (version): chapter"
	Members    map[int64][]string // gathering → member municipalities on its day
}

// Gatherings answers o's gatherings page in one read.
func (s *Service) Gatherings(ctx context.Context, o *org.Organisation) (*GatheringList, error) {
	out := &GatheringList{Titles: map[int64]string{}, Members: map[int64][]string{}}
	err := org.RunRead(ctx, s.DB, o, s.Clock.Now(), func(ctx context.Context, idb bun.IDB) error {
		nets := readNetworks(ctx, o)
		var err error
		if out.Gatherings, err = FindGatherings(ctx, idb, nets...); err != nil {
			return err
		}
		for _, g := range out.Gatherings {
			members, err := org.FindNetworkMemberOrgs(ctx, idb, g.OrgID, g.StartsOn)
			if err != nil {
				return err
			}
			for _, m := range members {
				out.Members[g.ID] = append(out.Members[g.ID], m.Name)
			}
		}
		for _, n := range nets {
			tmpls, err := s.findTemplates(ctx, idb, n)
			if err != nil {
				return err
			}
			for _, t := range tmpls {
				for _, ch := range t.Chapters {
					// Versions list unchanged chapters again (cycle.go):
					// each chapter once, named by its newest version.
					if _, seen := out.Titles[ch.ID]; seen {
						continue
					}
					out.Titles[ch.ID] = t.Name + " (" + strconv.Itoa(t.Version) + "): " + ch.Title
					if o.Kind == org.KindNetwork {
						out.Chapters = append(out.Chapters, ch)
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PeerEntry is a network peer's shared answer to a problem statement.
type PeerEntry struct {
	Peer      *org.Organisation
	Template  *Template
	Statement *Statement
	Entry     *Entry
}

// ReadPeerEntry answers the peer's (by slug) answer in its workbook to
// the statement, read by reader: only when the peer shares it (network or
// public) and the two are members of the same network today. Anything
// else is app.ENotFound, as is every request across tenants.
func (s *Service) ReadPeerEntry(ctx context.Context, reader *org.Organisation, peerSlug string, workbookID, statementID int64) (*PeerEntry, error) {
	notFound := app.Errorf(app.ENotFound, "workbook.error.not_found")
	peer, scope, err := org.SharedPeer(ctx, s.DB, reader, peerSlug, s.Clock.Now())
	if err != nil {
		return nil, err
	}
	out := &PeerEntry{Peer: peer}
	var id int64 // the peer's entry for the statement
	err = db.Run(ctx, s.DB, scope, func(ctx context.Context, idb bun.IDB) error {
		wb, err := FindWorkbook(ctx, idb, peer.ID, workbookID)
		if err != nil {
			return notFound.Wrap(err)
		}
		// Shared in a network the reader belongs to today, not in another
		// network of the peer's.
		if !slices.Contains(scope.ReadOrgIDs, wb.NetworkID) {
			return notFound
		}
		if out.Template, err = s.findTemplate(ctx, idb, wb.NetworkID, wb.TemplateID); err != nil {
			return notFound.Wrap(err)
		}
		if _, out.Statement = out.Template.Statement(statementID); out.Statement == nil {
			return notFound
		}
		err = idb.NewSelect().Model((*Entry)(nil)).Column("id").
			Where("org_id = ? AND workbook_id = ? AND statement_id = ?", peer.ID, wb.ID, statementID).Scan(ctx, &id)
		return db.Err(err, "workbook.error.not_found")
	})
	if err != nil {
		return nil, err
	}
	if out.Entry, err = s.ReadEntry(ctx, reader.ID, peer.ID, id, true); err != nil {
		return nil, err
	}
	return out, nil
}
