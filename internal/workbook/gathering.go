package workbook

import (
	"context"
	"hash/maphash"
	"html/template"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// GatheringView answers one problem statement of a network's template with
// every municipality that is a member on day, side by side: each one's
// answer when it shares it with the network (visibility network or
// public), and an empty column when it has not answered or keeps it
// private. The caller has established that the reader may see the
// network's shared content (its coordinator, or a member municipality).
func (s *Service) GatheringView(ctx context.Context, network *org.Organisation, templateID, statementID int64, day time.Time) (*GatheringView, error) {
	var v *GatheringView
	// One unit of work: the network's members first, then it reads them.
	err := db.Run(ctx, s.DB, db.OrgScope(network.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		v, err = s.gatheringView(ctx, idb, network, templateID, statementID, day)
		return err
	})
	return v, err
}

// MemberGatheringView answers the gathering view of a problem statement to
// a member municipality of the template's network, today, with the
// network: the same side-by-side view the coordinator sees (shared answers
// only), read in the municipality's read scope. A template of a network
// the municipality is no member of today is app.ENotFound, like every
// other organisation's.
func (s *Service) MemberGatheringView(ctx context.Context, reader *org.Organisation, templateID, statementID int64) (*org.Organisation, *GatheringView, error) {
	var network *org.Organisation
	var v *GatheringView
	now := s.Clock.Now()
	err := org.RunRead(ctx, s.DB, reader, now, func(ctx context.Context, idb bun.IDB) error {
		nets := readNetworks(ctx, reader)
		if reader.Kind != org.KindMunicipality || len(nets) == 0 {
			return app.Errorf(app.ENotFound, "workbook.error.not_found")
		}
		var nid int64
		err := idb.NewSelect().Model((*templateRow)(nil)).Column("org_id").
			Where("org_id IN (?) AND id = ?", bun.In(nets), templateID).Scan(ctx, &nid)
		if err != nil {
			return db.Err(err, "workbook.error.not_found")
		}
		if network, err = org.FindOrganisationByID(ctx, idb, nid); err != nil {
			return err
		}
		v, err = s.gatheringView(ctx, idb, network, templateID, statementID, now)
		return err
	})
	return network, v, err
}

// gatheringView reads the view inside a unit of work that may read the
// network; it widens it to the network's members on day.
func (s *Service) gatheringView(ctx context.Context, idb bun.IDB, network *org.Organisation, templateID, statementID int64, day time.Time) (*GatheringView, error) {
	v := &GatheringView{Network: network.Name}
	err := func() error {
		members, err := org.FindNetworkMemberOrgs(ctx, idb, network.ID, day)
		if err != nil {
			return err
		}
		ids := []int64{}
		for _, m := range members {
			ids = append(ids, m.ID)
		}
		if ctx, err = db.ReadAlso(ctx, idb, ids...); err != nil {
			return err
		}
		t, err := s.findTemplate(ctx, idb, network.ID, templateID)
		if err != nil {
			return err
		}
		ch, st := t.Statement(statementID)
		if st == nil {
			return app.Errorf(app.ENotFound, "workbook.error.not_found")
		}
		v.Chapter, v.Statement = ch.Title, st
		for _, sec := range t.Sections {
			if sec.RetiredAt == nil {
				v.Sections = append(v.Sections, sec)
			}
		}
		var entries []*Entry
		if len(ids) > 0 {
			// Each member's entry found by its workbook's key: naming
			// the members on the entries too would have PostgreSQL probe
			// every member for every workbook (0.6 ms against 1.9 ms on
			// the scale data set). On every gathering view: planned once
			// a connection.
			in, list := db.AnyOf(idb, "org_id", ids)
			bctx, a := db.Bind(ctx, idb, statementID, list, network.ID, templateID)
			err = idb.NewSelect().Model(&entries).
				Where("statement_id = ? AND visibility IN ('network', 'public')", a[0]).
				Where("(org_id, workbook_id) IN (?)", idb.NewSelect().Model((*Workbook)(nil)).Column("org_id", "id").
					Where(in+" AND network_id = ? AND template_id = ?", a[1], a[2], a[3])).
				Scan(bctx)
			if err != nil {
				return err
			}
		}
		marks, err := goodPracticeOf(ctx, idb, network.ID)
		if err != nil {
			return err
		}
		byOrg := map[int64]*Entry{}
		shown := map[int64]*shownAnswer{}
		for _, e := range entries {
			a, err := s.shownAnswer(e)
			if err != nil {
				return err
			}
			byOrg[e.OrgID], shown[e.ID] = e, a
		}
		comments, err := gatheringComments(ctx, idb, entries)
		if err != nil {
			return err
		}
		for _, m := range members {
			col := GatheringColumn{Municipality: m.Name, Answers: map[string]string{}, OrgID: m.ID, OrgSlug: m.Slug}
			if e := byOrg[m.ID]; e != nil {
				a := shown[e.ID]
				col.Answers, col.Goals, col.Measures, col.AnswersHTML = a.content.Answers, a.content.Goals, a.content.Measures, a.html
				col.EntryID, col.WorkbookID, col.GoodPractice = e.ID, e.WorkbookID, marks[[2]int64{m.ID, e.ID}]
				col.Comments = comments[e.ID]
			}
			v.Columns = append(v.Columns, col)
		}
		return nil
	}()
	return v, err
}

// shownAnswer is what the gathering view shows of a shared answer: its
// content decoded and its answers as HTML. Shared by every view that
// shows the same bytes, and never changed.
type shownAnswer struct {
	content Content
	html    map[string]template.HTML // section key → the answer as HTML; none for an empty answer
}

// shownKey finds a shown answer: the answer's organisation and id, and a
// hash of the bytes it was decoded from. The answer's row is read afresh
// on every view, in the reader's scope; only decoding it again is spared
// when its bytes are the same (a network's 25 answers, with their
// rendered HTML, were most of the view's CPU).
type shownKey struct {
	org, id int64
	sum     uint64
}

// shownBytes bounds the memory the shown answers take (an estimate: twice
// the bytes they were decoded from).
const shownBytes = 4 << 20

// shownSeed seeds the hash of shownKey.
var shownSeed = maphash.MakeSeed()

// shownAnswer answers e as the gathering view shows it, decoded before
// from the same bytes or now.
func (s *Service) shownAnswer(e *Entry) (*shownAnswer, error) {
	var h maphash.Hash
	h.SetSeed(shownSeed)
	h.WriteString(e.Raw)
	if e.RawHTML != nil {
		h.WriteByte(1)
		h.WriteString(*e.RawHTML)
	}
	k := shownKey{e.OrgID, e.ID, h.Sum64()}
	if a, ok := s.shown.Get(k); ok {
		return a, nil
	}
	if err := e.decode(); err != nil {
		return nil, err
	}
	a := &shownAnswer{content: e.Content, html: make(map[string]template.HTML, len(e.Content.Answers))}
	for k, text := range e.Content.Answers {
		if text != "" {
			a.html[k] = e.AnswerHTML(k)
		}
	}
	size := 2*len(e.Raw) + 512
	if e.RawHTML != nil {
		size += 2 * len(*e.RawHTML)
	}
	s.shown.Put(k, a, size, shownBytes)
	return a, nil
}

// ReadEntry answers a municipality's entry to a reader organisation:
// always to the municipality itself; to another organisation only when the
// entry is shared (network or public) and shared is true — the caller has
// established that the reader shares a current network with it, or
// coordinates one it belongs to. Anything else is app.ENotFound, like
// every cross-tenant read.
func (s *Service) ReadEntry(ctx context.Context, readerOrgID, ownerOrgID, entryID int64, shared bool) (*Entry, error) {
	scope := db.OrgScope(readerOrgID)
	if readerOrgID != ownerOrgID {
		if !shared {
			return nil, app.Errorf(app.ENotFound, "workbook.error.not_found")
		}
		scope.ReadOrgIDs = []int64{ownerOrgID}
	}
	var e *Entry
	err := db.Run(ctx, s.DB, scope, func(ctx context.Context, idb bun.IDB) error {
		var err error
		e, err = FindEntry(ctx, idb, ownerOrgID, entryID)
		return err
	})
	if err != nil {
		return nil, err
	}
	if readerOrgID != ownerOrgID && e.Visibility == VisibilityPrivate {
		return nil, app.Errorf(app.ENotFound, "workbook.error.not_found")
	}
	return e, nil
}

// GatheringCommentLimit bounds the comments the gathering view reads, the
// newest, over all its answers: the page stays bounded however much is
// written.
const GatheringCommentLimit = 200

// gatheringComments answers the comments on the shared entries, by entry,
// oldest first, without hidden ones, each with its author's organisation.
func gatheringComments(ctx context.Context, idb bun.IDB, entries []*Entry) (map[int64][]*Comment, error) {
	out := map[int64][]*Comment{}
	if len(entries) == 0 {
		return out, nil
	}
	orgs, ids := make([]int64, 0, len(entries)), make([]int64, 0, len(entries))
	for _, e := range entries {
		orgs, ids = append(orgs, e.OrgID), append(ids, e.ID)
	}
	var cs []*Comment
	if err := selectComments(idb, &cs).Where("c.org_id IN (?) AND c.entry_id IN (?) AND c.hidden_at IS NULL", bun.In(orgs), bun.In(ids)).
		OrderExpr("c.id DESC").Limit(GatheringCommentLimit).Scan(ctx); err != nil {
		return nil, err
	}
	for i := len(cs) - 1; i >= 0; i-- {
		out[cs[i].EntryID] = append(out[cs[i].EntryID], cs[i])
	}
	return out, nil
}
