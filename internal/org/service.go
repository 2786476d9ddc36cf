package org

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/due"
	"github.com/samvirke/samvirke/internal/files"
	"github.com/samvirke/samvirke/internal/overview"
	"github.com/samvirke/samvirke/internal/search"
)

// Service answers what belongs to an organisation as a whole: its read
// scope (which networks it sees into), whether two organisations share a
// network, its settings, terms and logo, its audit log, and the pages that
// read across capabilities (the dashboard and search). Each method opens
// the one unit of work it needs.
type Service struct {
	DB    *bun.DB
	Clock app.Clock
	// Due, Overview and Search are the capabilities' contributions to
	// the dashboard and to search; nil registries contribute nothing.
	Due      *due.Registry
	Overview *overview.Registry
	Search   *search.Registry
	// Files keeps the logo; without it a new logo cannot be saved.
	Files *files.Service
}

func (s *Service) now() time.Time {
	if s.Clock == nil {
		return time.Now()
	}
	return s.Clock.Now()
}

// ReadScope answers the scope pages of o read in: o itself, and for a
// municipality the networks it belongs to on day (their membership lists
// and what peers share there). Writes always use db.OrgScope(o.ID) alone.
func ReadScope(ctx context.Context, bdb *bun.DB, o *Organisation, day time.Time) (db.Scope, error) {
	scope := db.OrgScope(o.ID)
	if o.Kind != KindMunicipality {
		return scope, nil
	}
	err := db.Run(ctx, bdb, scope, func(ctx context.Context, idb bun.IDB) error {
		nets, err := FindMemberNetworks(ctx, idb, o.ID, day)
		for _, n := range nets {
			scope.ReadOrgIDs = append(scope.ReadOrgIDs, n.ID)
		}
		return err
	})
	return scope, err
}

// RunRead runs fn in o's read scope on day (see ReadScope) in one unit of
// work: it starts in o's own scope, reads the networks, and widens the
// scope to them (db.ReadAlso) before fn runs.
func RunRead(ctx context.Context, bdb *bun.DB, o *Organisation, day time.Time, fn func(ctx context.Context, idb bun.IDB) error) error {
	return db.Run(ctx, bdb, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		ctx, err := WidenRead(ctx, idb, o, day)
		if err != nil {
			return err
		}
		return fn(ctx, idb)
	})
}

// WidenRead widens a unit of work in o's own scope to o's read scope on
// day (see ReadScope): a municipality's networks' shared rows too.
func WidenRead(ctx context.Context, idb bun.IDB, o *Organisation, day time.Time) (context.Context, error) {
	if o.Kind != KindMunicipality {
		return ctx, nil
	}
	nets, err := FindMemberNetworks(ctx, idb, o.ID, day)
	if err != nil {
		return ctx, err
	}
	ids := make([]int64, len(nets))
	for i, n := range nets {
		ids[i] = n.ID
	}
	return db.ReadAlso(ctx, idb, ids...)
}

// ReadScope answers o's read scope today (see the function ReadScope).
func (s *Service) ReadScope(ctx context.Context, o *Organisation) (db.Scope, error) {
	return ReadScope(ctx, s.DB, o, s.now())
}

// MemberNetworks answers the networks a municipality belongs to today
// (none for other kinds).
func (s *Service) MemberNetworks(ctx context.Context, o *Organisation) ([]int64, error) {
	scope, err := s.ReadScope(ctx, o)
	return scope.ReadOrgIDs, err
}

// SharedPeer answers the organisation with slug when it is an
// organisation other than reader and both are members of the same network
// on day, with the scope reader reads the peer's shared content in (the
// reader's read scope plus the peer). Anything else (including a slug that
// does not exist) is app.ENotFound, so nobody learns which organisations
// exist.
func SharedPeer(ctx context.Context, bdb *bun.DB, reader *Organisation, slug string, day time.Time) (*Organisation, db.Scope, error) {
	notFound := app.Errorf(app.ENotFound, "workbook.error.not_found")
	scope, err := ReadScope(ctx, bdb, reader, day)
	if err != nil {
		return nil, scope, err
	}
	var peer *Organisation
	var peerNetworks []*Organisation
	err = db.Run(ctx, bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var err error
		if peer, err = FindOrganisationBySlug(ctx, idb, slug); err != nil {
			return notFound
		}
		peerNetworks, err = FindMemberNetworks(ctx, idb, peer.ID, day)
		return err
	})
	if err != nil {
		return nil, scope, err
	}
	shared := slices.ContainsFunc(peerNetworks, func(n *Organisation) bool { return slices.Contains(scope.ReadOrgIDs, n.ID) })
	if peer.ID == reader.ID || !shared {
		return nil, scope, notFound
	}
	return peer, db.OrgScope(reader.ID, append(scope.ReadOrgIDs, peer.ID)...), nil
}

// MyWorkLimit is how many open items "My work" shows from each capability,
// soonest first: the dashboard reads no more however much is recorded.
const MyWorkLimit = 100

// Dashboard answers the actor's open items in o (what they are
// responsible for, every capability's) and the overview panels, in one
// read of o's read scope.
func (s *Service) Dashboard(ctx context.Context, o *Organisation, a *app.Actor) ([]due.Item, []*overview.Panel, error) {
	var items []due.Item
	var panels []*overview.Panel
	err := RunRead(ctx, s.DB, o, s.now(), func(ctx context.Context, idb bun.IDB) error {
		var err error
		if s.Due != nil {
			if items, err = s.Due.Items(ctx, idb, due.Query{OrgID: o.ID, OrgSlug: o.Slug, ResponsibleID: a.UserID, OpenOnly: true, Limit: MyWorkLimit}); err != nil {
				return err
			}
		}
		if s.Overview != nil {
			panels, err = s.Overview.Panels(ctx, idb, overview.Org{ID: o.ID, Slug: o.Slug, Kind: o.Kind, Name: o.Name, TZ: o.TimeZone}, a)
		}
		return err
	})
	return items, panels, err
}

// SearchAll asks every capability's search source, in o's read scope and
// for o: q's organisation is o, whatever the caller set.
func (s *Service) SearchAll(ctx context.Context, o *Organisation, q search.Query) ([]search.Hit, error) {
	if s.Search == nil {
		return nil, nil
	}
	q.OrgID, q.OrgSlug, q.OrgKind = o.ID, o.Slug, o.Kind
	var hits []search.Hit
	err := RunRead(ctx, s.DB, o, s.now(), func(ctx context.Context, idb bun.IDB) error {
		var err error
		hits, err = s.Search.Search(ctx, idb, q)
		return err
	})
	return hits, err
}

// Terms answers the organisation's own words for the key terms.
func (s *Service) Terms(ctx context.Context, orgID int64) (TermOverrides, error) {
	var t TermOverrides
	err := db.Run(ctx, s.DB, db.OrgScope(orgID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		t, err = FindTerms(ctx, idb, orgID)
		return err
	})
	return t, err
}

// SaveTerms makes overrides o's complete set of words, audited; invalid
// labels are app.EInvalid naming the field ("<term>.<locale>").
func (s *Service) SaveTerms(ctx context.Context, o *Organisation, overrides TermOverrides) error {
	return db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		if err := ReplaceTerms(ctx, tx, o.ID, overrides); err != nil {
			return err
		}
		return audit.Record(ctx, tx, o.ID, audit.SettingsChanged, o.Slug, map[string]string{"terms": "changed"}, s.now())
	})
}

// Settings are what an organisation's administrators change about it.
// Logo, when not nil, replaces the logo.
type Settings struct {
	Name                string
	Locale              string
	TimeZone            string
	RequireSecondFactor bool
	Logo                []byte
	// SpringEnd and AutumnEnd are the term ends as typed (see
	// ParseMonthDayInput): «20.6.», «20 June», or "" for the default.
	SpringEnd, AutumnEnd string
}

// Validate checks the settings as o's new ones: the logo as LogoUse says
// (field "logo"), each term end as ParseMonthDayInput (fields
// "spring_end" and "autumn_end", "org.error.season_end" with the value as
// typed), the rest as Organisation.Validate.
func (st Settings) Validate(o *Organisation) error {
	_, err := st.organisation(o)
	return err
}

// organisation answers o with the settings applied, term ends in their
// stored form, or the first problem with them.
func (st Settings) organisation(o *Organisation) (*Organisation, error) {
	if st.Logo != nil {
		if err := LogoUse.Check(int64(len(st.Logo)), files.Sniff(st.Logo)); err != nil {
			return nil, err
		}
	}
	upd := *o
	upd.Name, upd.Locale, upd.TimeZone, upd.RequireSecondFactor = st.Name, st.Locale, st.TimeZone, st.RequireSecondFactor
	var ok bool
	if upd.SpringEnd, ok = ParseMonthDayInput(st.SpringEnd); !ok {
		return nil, app.Errorf(app.EInvalid, "org.error.season_end", "value", shortened(st.SpringEnd)).WithField("spring_end")
	}
	if upd.AutumnEnd, ok = ParseMonthDayInput(st.AutumnEnd); !ok {
		return nil, app.Errorf(app.EInvalid, "org.error.season_end", "value", shortened(st.AutumnEnd)).WithField("autumn_end")
	}
	return &upd, upd.Validate()
}

// UpdateSettings validates and saves st as o's settings, all or nothing,
// and audits what changed; a new logo goes to the file store. Errors:
// app.EInvalid and app.ETooLarge from Validate.
func (s *Service) UpdateSettings(ctx context.Context, o *Organisation, st Settings) error {
	upd, err := st.organisation(o)
	if err != nil {
		return err
	}
	logo, err := s.uploadLogo(ctx, st.Logo)
	if err != nil {
		return err
	}
	changed := map[string]string{}
	if st.Name != o.Name {
		changed["name"] = st.Name
	}
	if st.Locale != o.Locale {
		changed["locale"] = st.Locale
	}
	if st.TimeZone != o.TimeZone {
		changed["time_zone"] = st.TimeZone
	}
	if st.RequireSecondFactor != o.RequireSecondFactor {
		changed["require_second_factor"] = strconv.FormatBool(st.RequireSecondFactor)
	}
	if upd.SpringEnd != o.SpringEnd {
		changed["spring_end"] = upd.SpringEnd // '' is the default again
	}
	if upd.AutumnEnd != o.AutumnEnd {
		changed["autumn_end"] = upd.AutumnEnd
	}
	if logo != nil {
		changed["logo"] = logo.ContentType
	}
	now := s.now()
	return db.RunTx(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		q := tx.NewUpdate().Model((*Organisation)(nil)).
			Set("name = ?", st.Name).Set("locale = ?", st.Locale).Set("time_zone = ?", st.TimeZone).
			Set("require_second_factor = ?", st.RequireSecondFactor).Set("updated_at = ?", now).
			Set("spring_end = ?", upd.SpringEnd).Set("autumn_end = ?", upd.AutumnEnd).
			Where("id = ?", o.ID)
		if logo != nil {
			logo.OrgID = o.ID
			if err := files.Insert(ctx, tx, logo); err != nil {
				return err
			}
			q = q.Set("logo_file_id = ?", logo.ID).Set("logo_type = ?", logo.ContentType).Set("logo = NULL")
		}
		if _, err := q.Exec(ctx); err != nil {
			return err
		}
		if len(changed) == 0 {
			return nil
		}
		return audit.Record(ctx, tx, o.ID, audit.SettingsChanged, o.Slug, changed, now)
	})
}

// AuditLog answers a page of o's audit log and how many entries match f.
func (s *Service) AuditLog(ctx context.Context, o *Organisation, f audit.Filter) ([]*audit.Entry, int, error) {
	var out []*audit.Entry
	var total int
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		out, total, err = audit.Find(ctx, idb, o.ID, f)
		return err
	})
	return out, total, err
}

// Record writes one entry of o's audit log (an export, say) on behalf of
// the actor in ctx.
func (s *Service) Record(ctx context.Context, o *Organisation, action, target string, detail map[string]string) error {
	return db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		return audit.Record(ctx, idb, o.ID, action, target, detail, s.now())
	})
}

// FindBySlug answers the organisation with slug, or app.ENotFound.
func (s *Service) FindBySlug(ctx context.Context, slug string) (*Organisation, error) {
	var o *Organisation
	err := db.Run(ctx, s.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var err error
		o, err = FindOrganisationBySlug(ctx, idb, slug)
		return err
	})
	return o, err
}

// HasMember reports whether user userID is a member of organisation
// orgID: a person named responsible or linked to a council member must be
// one.
func HasMember(ctx context.Context, idb bun.IDB, orgID, userID int64) (bool, error) {
	n, err := idb.NewSelect().Table("memberships").Where("org_id = ? AND user_id = ?", orgID, userID).Count(ctx)
	return n > 0, err
}
