// Package scale builds the data set at Scandinavian scale that load runs
// and benchmarks measure against: every municipality of Norway, Sweden and
// Denmark (750 on today's maps), a few dozen learning networks, twenty
// users per municipality, and whatever each capability adds through its
// Slice. It is deterministic: the same seed gives the same data, so two
// runs of `make bench` measure the same thing.
//
// It writes in large batched inserts inside one transaction per batch,
// as the system, and refuses a database that already holds a scale data
// set: load it into a fresh database.
package scale

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/authz"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// Options size the data set. Zero values take the defaults of Default.
type Options struct {
	Seed           uint64
	Municipalities int
	Networks       int
	UsersPer       int    // users per municipality
	Password       string // every generated user's password, hashed once
}

// Default is the data set of the performance issue: 750 municipalities,
// 30 networks of 25, 20 users each.
var Default = Options{Seed: 1, Municipalities: 750, Networks: 30, UsersPer: 20}

// SlugPrefix starts every generated organisation's slug; its presence
// marks a database as holding a scale data set.
const SlugPrefix = "scale-"

// batch is how many rows one INSERT carries.
const batch = 500

// Member is a generated user with a role in a municipality.
type Member struct {
	UserID int64
	Role   string
}

// World is what the core of the data set holds, for the capability slices
// to build on.
type World struct {
	Rand           *rand.Rand
	Now            time.Time
	Municipalities []*org.Organisation
	Networks       []*org.Organisation
	NetworkMembers map[int64][]*org.Organisation // network id → its municipalities
	Members        map[int64][]Member            // municipality id → its users
}

// Slice is one capability's part of the data set, made after the core.
type Slice interface {
	Name() string
	// Generate adds the capability's data for w and answers how many rows
	// it wrote.
	Generate(ctx context.Context, bdb *bun.DB, w *World) (int, error)
}

// Report is what Generate wrote.
type Report struct {
	Options  Options // as used, defaults filled in
	Rows     map[string]int
	Duration time.Duration
}

// roles is the mix of a municipality's users, in order; the rest are
// viewers.
var roles = []string{"owner", "admin", "editor", "editor", "editor", "editor",
	"contributor", "contributor", "contributor", "contributor", "contributor",
	"contributor", "contributor", "contributor", "contributor", "secretary"}

// Generate builds the data set into bdb: the core, then each slice in
// order. log, when not nil, hears each step.
func Generate(ctx context.Context, bdb *bun.DB, opts Options, slices []Slice, log func(step string, rows int, took time.Duration)) (*Report, error) {
	opts = withDefaults(opts)
	start := time.Now()
	var n int64
	err := db.Run(ctx, bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var err error
		n, err = idb.NewSelect().Model((*org.Organisation)(nil)).Where("slug LIKE ?", SlugPrefix+"%").Count(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, fmt.Errorf("the database already holds a scale data set (%d organisations): load it into a fresh database", n)
	}
	w := &World{
		Rand: rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x5eed)),
		Now:  time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC),
	}
	rep := &Report{Options: opts, Rows: map[string]int{}}
	step := func(name string, fn func() (int, error)) error {
		t := time.Now()
		rows, err := fn()
		if err != nil {
			return fmt.Errorf("scale: %s: %w", name, err)
		}
		rep.Rows[name] = rows
		if log != nil {
			log(name, rows, time.Since(t))
		}
		return nil
	}
	if err := step("organisations", func() (int, error) { return orgs(ctx, bdb, w, opts) }); err != nil {
		return nil, err
	}
	if err := step("users", func() (int, error) { return users(ctx, bdb, w, opts) }); err != nil {
		return nil, err
	}
	for _, s := range slices {
		if err := step(s.Name(), func() (int, error) { return s.Generate(ctx, bdb, w) }); err != nil {
			return nil, err
		}
	}
	rep.Duration = time.Since(start)
	return rep, nil
}

func withDefaults(o Options) Options {
	if o.Seed == 0 {
		o.Seed = Default.Seed
	}
	if o.Municipalities <= 0 {
		o.Municipalities = Default.Municipalities
	}
	if o.Networks <= 0 {
		o.Networks = Default.Networks
	}
	if o.UsersPer <= 0 {
		o.UsersPer = Default.UsersPer
	}
	if o.Password == "" {
		o.Password = "scale-" + fmt.Sprint(o.Seed)
	}
	return o
}

// Insert writes rows in batches, each batch in its own system
// transaction, and answers how many it wrote. Slices use it for their
// tables; rows must be a slice of models.
func Insert[T any](ctx context.Context, bdb *bun.DB, rows []T) (int, error) {
	for i := 0; i < len(rows); i += batch {
		part := rows[i:min(i+batch, len(rows))]
		err := db.RunTx(ctx, bdb, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.NewInsert().Model(&part).Exec(ctx)
			return err
		})
		if err != nil {
			return i, err
		}
	}
	return len(rows), nil
}

// countries share the municipalities as the three countries do (357
// Norwegian, 290 Swedish and 98 Danish in 2024).
var countries = []struct {
	code, locale, zone, suffix string
	share                      float64
	digits                     int
	prefixes, endings          []string
}{
	{"NO", "nb", "Europe/Oslo", " kommune", 357.0 / 745, 4,
		[]string{"Bjørn", "Fjell", "Sol", "Nord", "Sør", "Øst", "Vest", "Lang", "Stor", "Lille", "Berg", "Eid", "Hov", "Lyng", "Sand", "Skog", "Strand", "Å", "Mel", "Rød"},
		[]string{"dal", "vik", "nes", "øy", "berg", "stad", "fjord", "heim", "sund", "land", "mark", "rud", "å"}},
	{"SE", "sv", "Europe/Stockholm", " kommun", 290.0 / 745, 4,
		[]string{"Sjö", "Ängel", "Lin", "Norr", "Söder", "Ös", "Väs", "Eke", "Falk", "Gran", "Hag", "Kung", "Lun", "Mal", "Ny", "Strö", "Tier", "Ulri", "Ör", "Åt"},
		[]string{"by", "köping", "holm", "hamn", "stad", "vik", "sjö", "torp", "berga", "ryd", "sund", "ås", "ö"}},
	{"DK", "da", "Europe/Copenhagen", " Kommune", 98.0 / 745, 3,
		[]string{"Ærø", "Ål", "Bør", "Fre", "Hals", "Hør", "Kol", "Lem", "Nør", "Ring", "Skæ", "Sø", "Thi", "Vej", "Hol", "Fav", "Æble", "Grå"},
		[]string{"by", "borg", "rup", "strup", "sted", "havn", "bæk", "lev", "skov", "holm", "løse", "ing", "sø"}},
}

// orgs makes the municipalities, the networks and their memberships.
func orgs(ctx context.Context, bdb *bun.DB, w *World, opts Options) (int, error) {
	var all []*org.Organisation
	left := opts.Municipalities
	for ci, c := range countries {
		n := int(float64(opts.Municipalities)*c.share + 0.5)
		if ci == len(countries)-1 {
			n = left
		}
		left -= n
		for i := range n {
			name := c.prefixes[w.Rand.IntN(len(c.prefixes))] + c.endings[w.Rand.IntN(len(c.endings))]
			num := fmt.Sprintf("%0*d", c.digits, 101+i)
			o := &org.Organisation{
				Slug: SlugPrefix + strings.ToLower(c.code) + "-" + num, Kind: org.KindMunicipality,
				Name: name + c.suffix, Country: c.code, MunicipalityNumber: num,
				Locale: c.locale, TimeZone: c.zone, CreatedAt: w.Now, UpdatedAt: w.Now,
			}
			if err := o.Validate(); err != nil {
				return 0, fmt.Errorf("%s: %w", o.Slug, err)
			}
			w.Municipalities = append(w.Municipalities, o)
			all = append(all, o)
		}
	}
	w.NetworkMembers = map[int64][]*org.Organisation{}
	for i := range opts.Networks {
		c := countries[i%len(countries)]
		o := &org.Organisation{
			Slug: fmt.Sprintf("%snetwork-%02d", SlugPrefix, i+1), Kind: org.KindNetwork,
			Name:   fmt.Sprintf("Læringsnettverk %02d – bosetting og kvalifisering", i+1),
			Locale: c.locale, TimeZone: c.zone, CreatedAt: w.Now, UpdatedAt: w.Now,
		}
		w.Networks = append(w.Networks, o)
		all = append(all, o)
	}
	n, err := Insert(ctx, bdb, all)
	if err != nil {
		return n, err
	}
	// Networks of municipalities in turn, so each has about the same size.
	var members []*org.NetworkMember
	joined := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, m := range w.Municipalities {
		nw := w.Networks[i%len(w.Networks)]
		w.NetworkMembers[nw.ID] = append(w.NetworkMembers[nw.ID], m)
		members = append(members, &org.NetworkMember{OrgID: nw.ID, MemberOrgID: m.ID, JoinedOn: joined})
	}
	k, err := Insert(ctx, bdb, members)
	return n + k, err
}

var (
	firstNames = []string{"Åse", "Øystein", "Kari", "Bjørn", "Sølvi", "Håkan", "Åsa", "Göran", "Märta", "Søren", "Mette", "Jørgen", "Amal", "Yonas", "Fatima", "Ahmad", "Olena", "Hodan", "Ingrid", "Lars"}
	lastNames  = []string{"Ødegård", "Strøm", "Berg", "Lindqvist", "Åberg", "Nørgaard", "Kjær", "Holm", "Haile", "Hassan", "Karimi", "Kovalenko", "Mohamed", "Sæther", "Bækkelund", "Sjöberg"}
)

// users makes opts.UsersPer users in each municipality with the role mix,
// all with one password hashed once (hashing 15 000 passwords would take
// the best part of an hour).
func users(ctx context.Context, bdb *bun.DB, w *World, opts Options) (int, error) {
	hash, err := account.HashPassword(opts.Password)
	if err != nil {
		return 0, err
	}
	var us []*account.User
	for _, m := range w.Municipalities {
		for i := range opts.UsersPer {
			u := &account.User{
				Email:        fmt.Sprintf("u%02d@%s.scale.example", i+1, m.Slug),
				Name:         firstNames[w.Rand.IntN(len(firstNames))] + " " + lastNames[w.Rand.IntN(len(lastNames))],
				PasswordHash: hash, CreatedAt: w.Now, UpdatedAt: w.Now,
			}
			us = append(us, u)
		}
	}
	// Each network has its coordinator, who reads the gathering view.
	for _, nw := range w.Networks {
		us = append(us, &account.User{
			Email: "coordinator@" + nw.Slug + ".scale.example", Name: firstNames[w.Rand.IntN(len(firstNames))] + " " + lastNames[w.Rand.IntN(len(lastNames))],
			PasswordHash: hash, CreatedAt: w.Now, UpdatedAt: w.Now,
		})
	}
	n, err := Insert(ctx, bdb, us)
	if err != nil {
		return n, err
	}
	var ms []*account.Membership
	w.Members = map[int64][]Member{}
	for i, m := range w.Municipalities {
		for j := range opts.UsersPer {
			u := us[i*opts.UsersPer+j]
			role := "viewer"
			if j < len(roles) {
				role = roles[j]
			}
			ms = append(ms, &account.Membership{OrgID: m.ID, UserID: u.ID, Role: role, CreatedAt: w.Now})
			w.Members[m.ID] = append(w.Members[m.ID], Member{UserID: u.ID, Role: role})
		}
	}
	for i, nw := range w.Networks {
		u := us[len(w.Municipalities)*opts.UsersPer+i]
		ms = append(ms, &account.Membership{OrgID: nw.ID, UserID: u.ID, Role: account.RoleCoordinator, CreatedAt: w.Now})
		w.Members[nw.ID] = append(w.Members[nw.ID], Member{UserID: u.ID, Role: account.RoleCoordinator})
	}
	k, err := Insert(ctx, bdb, ms)
	if err != nil {
		return n + k, err
	}
	// Whoever enforces roles reads them again.
	err = db.Run(ctx, bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error { return authz.Notify(ctx, idb) })
	return n + k, err
}
