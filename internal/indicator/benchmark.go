package indicator

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/disclosure"
	"github.com/samvirke/samvirke/internal/kept"
	"github.com/samvirke/samvirke/internal/org"
)

// Kinds of comparison group.
const (
	GroupNetwork = "network"
	GroupCounty  = "county"
	GroupCountry = "country"
	GroupSaved   = "group" // made by hand (or saved from similar municipalities)
)

// CompareGroup is one group a reader compares with: its members are the
// municipalities whose figures its aggregate sums.
type CompareGroup struct {
	Kind    string
	ID      int64 // the network's, county's or saved group's id; 0 for the country
	Key     string
	Name    string
	Members []int64
}

// Figure is one published number after protection: what every output
// (page, chart, PDF, CSV, XLSX, API) prints for it.
type Figure struct {
	// Num and Den are the counts (Num alone for a count); nil when not
	// published. Rate is Num/Den in the indicator's unit, or a published
	// rate without its counts (RateOnly).
	Num, Den, Rate *float64
	// Small: the count (a rate's numerator) is from 1 to the threshold,
	// shown as «under T+1». Hidden: it is not shown, so that a small
	// count elsewhere cannot be computed back. Neither: shown exactly.
	// DenSmall and DenHidden say the same of a rate's denominator. A
	// rate is shown only when both its parts are.
	Small, Hidden       bool
	DenSmall, DenHidden bool
	RateOnly            bool
	Missing             bool   // no figure for the period
	State               string // the source's state of a single value (suppressed by the source, missing)
	Source              string
	AsOf                *time.Time
	Final               bool
}

// Shown reports whether the figure's main number is printed.
func (f Figure) Shown() bool {
	if f.RateOnly {
		return f.Rate != nil
	}
	return !f.Small && !f.Hidden && !f.Missing && f.Num != nil
}

// Main answers the number a ranking orders by: the rate of a rate (a
// breakdown's rule gives a rate), the count of a count; ok is false when
// that number is not shown.
func (f Figure) Main(ind *Indicator, rule string) (float64, bool) {
	if rated(ind, rule) || f.RateOnly {
		if f.Rate == nil {
			return 0, false
		}
		return *f.Rate, true
	}
	if f.Num == nil || f.Small || f.Hidden {
		return 0, false
	}
	return *f.Num, true
}

// Row is one municipality in a benchmark.
type Row struct {
	Org    *org.Organisation
	Own    bool // the reader's own municipality: exact figures
	Figure Figure
	Rank   int // 1-based among the figures shown; 0 when not ranked
}

// Aggregate is a group's figure: weighted (the sum of numerators over the
// sum of denominators), never the mean of rates, with how many members it
// covers.
type Aggregate struct {
	Group   CompareGroup
	Figure  Figure
	Covered int // members whose counts it sums
	Members int // members of the group
	// RateOnly counts members whose figure is a published rate without
	// counts: shown on their rows, never weighted into the aggregate.
	RateOnly int
}

// Distribution summarises the figures shown.
type Distribution struct {
	N                        int
	Min, Q1, Median, Q3, Max float64
	Defined                  bool
}

// View is a benchmark of one indicator for one period, protected once for
// every output.
type View struct {
	Indicator *Indicator
	Period    Period
	Rule      string // a breakdown's rule the rates are of; "" for its total
	Threshold int
	Group     CompareGroup // the group compared
	Rows      []Row        // ranking order: shown figures best first, then the others by name
	// NoFigure counts the group's municipalities with no figure the
	// reader may see for the period (not listed as rows).
	NoFigure   int
	Aggregates []Aggregate // the compared group first, then the reader's other groups
	Dist       Distribution
	Targets    []*Target
	Reader     *org.Organisation
	// National is the country's official figure for the period, when one
	// is recorded (the national average Thisted compares itself with).
	National *NationalValue
}

// universe is everything one reader may be shown for one indicator and
// year: every municipality it can compare with, every period, every
// group, as a disclosure table, protected once.
type universe struct {
	ind       *Indicator
	year      int
	reader    *org.Organisation
	threshold int
	orgs      map[int64]*org.Organisation
	groups    []CompareGroup
	periods   []Period
	// facts holds the values read by place (see factAt): a country's
	// year of a monthly figure is 9 000 places, a quarter of the memory a
	// map by key took, and each found without hashing.
	facts  []fact
	ids    []int64       // the municipalities (orgs) in order: the facts' and the cells' rows
	rowOf  map[int64]int // a municipality's row
	codes  []int32       // the periods' codes (Period.code), in order
	slots  int           // the places of a municipality's period: no category, then each category
	strs   []string      // the states and sources the facts name (fact.state, fact.source)
	table  disclosure.Table
	status []disclosure.Status
	// cells finds what is published in the table: a municipality's or a
	// group's part for a period («num», «den», a category, a rule).
	cells cellIndex
}

// cellIndex finds a published cell by position: at[(row*len(periods)+t)*
// len(parts)+p] is the cell's index in the table plus one (0: nothing is
// published there). Rows are the municipalities (rowOf) and after them
// the groups in their order; periods are the universe's, the year last.
// A twentieth of the memory a map by name took, and no string hashed.
type cellIndex struct {
	rowOf   map[int64]int
	groups  []string // the groups' keys
	periods []string // the periods' keys, the year last
	parts   []string // «num», «den», «cat:<key>», «rule:<key>»
	at      []int32
}

// find answers the cell of k.
func (c *cellIndex) find(k cellKey) (int, bool) {
	row := -1
	if k.group != "" {
		if g := slices.Index(c.groups, k.group); g >= 0 {
			row = len(c.rowOf) + g
		}
	} else if r, ok := c.rowOf[k.org]; ok {
		row = r
	}
	t, p := slices.Index(c.periods, k.period), slices.Index(c.parts, k.part)
	if row < 0 || t < 0 || p < 0 {
		return 0, false
	}
	i := c.at[(row*len(c.periods)+t)*len(c.parts)+p]
	return int(i) - 1, i != 0
}

// code answers a number that tells p from every other period: the year
// times 100 plus the month (1–12), 20 plus the tertial, 40 plus the
// quarter, or 0 for the year itself.
func (p Period) code() int32 {
	c := int32(p.Year) * 100
	switch p.Kind {
	case Monthly:
		return c + int32(p.Index)
	case Tertial:
		return c + 20 + int32(p.Index)
	case Quarterly:
		return c + 40 + int32(p.Index)
	}
	return c
}

// periodCode answers the code of the period whose key (Period.Key) is
// key without parsing it into a Period; -1 when key is none.
func periodCode(key string) int32 {
	num := func(s string) int32 {
		n := int32(0)
		for i := range len(s) {
			if s[i] < '0' || s[i] > '9' {
				return -1
			}
			n = n*10 + int32(s[i]-'0')
		}
		return n
	}
	if len(key) < 4 {
		return -1
	}
	y := num(key[:4])
	if y < 0 {
		return -1
	}
	switch {
	case len(key) == 4:
		return y * 100
	case len(key) == 7 && key[4] == '-':
		if m := num(key[5:]); m >= 1 && m <= 12 {
			return y*100 + m
		}
	case len(key) == 6 && key[4] == 'T':
		if t := num(key[5:]); t >= 1 && t <= 3 {
			return y*100 + 20 + t
		}
	case len(key) == 6 && key[4] == 'Q':
		if q := num(key[5:]); q >= 1 && q <= 4 {
			return y*100 + 40 + q
		}
	}
	return -1
}

// categoryCode answers the slot of a breakdown's category among a
// municipality's period's facts: 1 plus its place among the indicator's
// categories, 0 for none, -1 for a category the indicator does not have
// (such a value is never read).
func (u *universe) categoryCode(key string) int32 {
	if key == "" {
		return 0
	}
	for i, c := range u.ind.Categories {
		if c.Key == key {
			return int32(i + 1)
		}
	}
	return -1
}

// fact is what a universe keeps of a value: its counts or published rate
// and its provenance. A scanned row with its boxed numbers, date and
// strings takes three times the memory, and a kept universe holds a
// country's year of them.
type fact struct {
	num, den, rate float64
	asOf           *time.Time // shared by the facts of the same date
	state, source  uint32     // in the universe's strs
	has            uint8      // hasValue | hasNum | hasDen | hasRate
	final          bool
}

const (
	hasValue uint8 = 1 << iota
	hasNum
	hasDen
	hasRate
)

// newUniverse answers the universe of ind's year for reader, comparing
// the municipalities orgs in groups, its values not yet read (keep) nor
// laid out (build).
func newUniverse(ind *Indicator, year int, reader *org.Organisation, groups []CompareGroup, orgs map[int64]*org.Organisation, threshold int) *universe {
	u := &universe{ind: ind, year: year, reader: reader, groups: groups, orgs: orgs, threshold: threshold}
	p := Period{Year: year, Kind: ind.Periodicity, Index: 1}
	if ind.Periodicity == Yearly {
		p.Index = 0
	}
	for ; p.Year == year; p = p.Next() {
		u.periods, u.codes = append(u.periods, p), append(u.codes, p.code())
	}
	u.ids = make([]int64, 0, len(orgs))
	for id := range orgs {
		u.ids = append(u.ids, id)
	}
	slices.Sort(u.ids)
	u.rowOf = make(map[int64]int, len(u.ids))
	for row, id := range u.ids {
		u.rowOf[id] = row
	}
	u.slots = 1 + len(ind.Categories)
	u.facts = make([]fact, len(u.ids)*len(u.periods)*u.slots)
	return u
}

// place answers where the facts hold a municipality's value for a period
// (its code) and category (categoryCode), if it may have one.
func (u *universe) place(org int64, period, category int32) (int, bool) {
	row, ok := u.rowOf[org]
	t := slices.Index(u.codes, period)
	if !ok || t < 0 || category < 0 || int(category) >= u.slots {
		return 0, false
	}
	return (row*len(u.codes)+t)*u.slots + int(category), true
}

// factAt answers a municipality's value for a period (its code) and
// category (categoryCode), when it has one.
func (u *universe) factAt(org int64, period, category int32) (fact, bool) {
	i, ok := u.place(org, period, category)
	if !ok || u.facts[i].has&hasValue == 0 {
		return fact{}, false
	}
	return u.facts[i], true
}

// rateOnly reports whether f is a published rate without its counts.
func (f fact) rateOnly() bool { return f.has&hasRate != 0 && f.has&hasNum == 0 }

// factMaker makes a universe's facts, sharing the strings and dates that
// many values repeat (states, sources, as-of dates).
type factMaker struct {
	strs  map[string]uint32
	dates map[time.Time]*time.Time
}

// str answers the place of s in u's strings.
func (m *factMaker) str(u *universe, s string) uint32 {
	if m.strs == nil {
		m.strs = map[string]uint32{}
	}
	if i, ok := m.strs[s]; ok {
		return i
	}
	i := uint32(len(u.strs))
	u.strs = append(u.strs, s)
	m.strs[s] = i
	return i
}

// keep puts r into u's facts; a value of a municipality, period or
// category the universe does not compare is left out.
func (m *factMaker) keep(u *universe, r *valueRow) {
	i, ok := u.place(r.org, r.code, u.categoryCode(r.category))
	if !ok {
		return
	}
	f := fact{state: m.str(u, r.state), source: m.str(u, r.source), final: r.final, has: hasValue}
	if r.num.Valid {
		f.num, f.has = r.num.Float64, f.has|hasNum
	}
	if r.den.Valid {
		f.den, f.has = r.den.Float64, f.has|hasDen
	}
	if r.rate.Valid {
		f.rate, f.has = r.rate.Float64, f.has|hasRate
	}
	if r.asOf.valid {
		if m.dates == nil {
			m.dates = map[time.Time]*time.Time{}
		}
		d, ok := m.dates[r.asOf.t]
		if !ok {
			d = new(time.Time)
			*d = r.asOf.t
			m.dates[r.asOf.t] = d
		}
		f.asOf = d
	}
	u.facts[i] = f
}

// valueRow is a value as a universe reads it: the columns its figures
// print, scanned into typed fields (no model, no boxing; a row of a
// country's year is scanned some nine thousand times a universe).
type valueRow struct {
	indicator, org   int64
	period, category string
	code             int32 // the period's (periodCode)
	num, den, rate   sql.NullFloat64
	state, source    string
	asOf             nullDate
	final            bool
}

// valueRowColumns are the columns of valueRow, in scanning order.
var valueRowColumns = []string{"indicator_id", "org_id", "period", "category", "num", "den", "rate", "state", "source", "as_of", "final"}

// scan reads the current row of rows into r.
func (r *valueRow) scan(rows *sql.Rows) error {
	err := rows.Scan(&r.indicator, &r.org, &r.period, &r.category, &r.num, &r.den, &r.rate, &r.state, &r.source, &r.asOf, &r.final)
	r.code = periodCode(r.period)
	return err
}

// nullDate scans a DATE column as PostgreSQL's driver answers it (a time)
// and as SQLite's may (a time, or its text).
type nullDate struct {
	t     time.Time
	valid bool
}

func (d *nullDate) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = nullDate{}
	case time.Time:
		*d = nullDate{v, true}
	case string:
		return d.parse(v)
	case []byte:
		return d.parse(string(v))
	default:
		return fmt.Errorf("indicator: a date scanned from %T", src)
	}
	return nil
}

func (d *nullDate) parse(s string) error {
	t, err := time.Parse(time.DateOnly, s[:min(len(s), len(time.DateOnly))])
	if err != nil {
		return fmt.Errorf("indicator: a date scanned from %q: %w", s, err)
	}
	*d = nullDate{t, true}
	return nil
}

type cellKey struct {
	org    int64 // a municipality, or 0 with group set
	group  string
	period string
	part   string // "num", "den", "cat:<key>", "rule:<key>"
}

// parts answers the base parts of a value: for a rate num and den, for a
// count num, for a breakdown a count per category.
func (u *universe) baseParts() []string {
	if u.ind.IsBreakdown() {
		out := make([]string, len(u.ind.Categories))
		for i, c := range u.ind.Categories {
			out[i] = "cat:" + c.Key
		}
		return out
	}
	if u.ind.IsRate() {
		return []string{"num", "den"}
	}
	return []string{"num"}
}

// build lays out the base counts and cells of u from its values. It
// works on positions (municipality, period, part) rather than keyed maps:
// a country's universe is 750 municipalities × 12 months, and the page
// waits for it.
func (u *universe) build() {
	orgIDs := u.ids
	parts := u.baseParts()
	np, nk := len(u.periods), len(parts)
	keys, codes := make([]string, np), u.codes
	all := make([]int, np)
	for t, p := range u.periods {
		keys[t], all[t] = p.Key(), t
	}
	var buf []float64
	// at[(o*np+t)*nk+k] is the base count of part k of municipality o in
	// period t, or -1 when it has no counts for the period.
	at := make([]int, len(orgIDs)*np*nk)
	counts := make([]int64, 0, len(at))
	known := make([]bool, 0, len(at))
	for o, id := range orgIDs {
		for t := range np {
			i := (o*np + t) * nk
			vals, ok := u.countsOf(buf[:0], id, codes[t])
			buf = vals
			for k := range nk {
				if !ok {
					at[i+k] = -1
					continue
				}
				at[i+k] = len(counts)
				counts = append(counts, int64(math.Round(vals[k])))
				known = append(known, id == u.reader.ID)
			}
		}
	}
	u.table = disclosure.Table{Base: counts, Known: known}
	ruleParts := make([]string, len(u.ind.Rules))
	for i, r := range u.ind.Rules {
		ruleParts[i] = "rule:" + r.Key
	}
	// The parts published: the base parts, and a breakdown's total and
	// rules after them.
	names := slices.Clone(parts)
	if u.ind.IsBreakdown() {
		names = append(append(names, "den"), ruleParts...)
	}
	year := Period{Year: u.year, Kind: Yearly}.Key()
	u.cells = cellIndex{rowOf: u.rowOf, periods: append(slices.Clone(keys), year), parts: names}
	for _, g := range u.groups {
		u.cells.groups = append(u.cells.groups, g.Key)
	}
	nper, nparts := np+1, len(names)
	u.cells.at = make([]int32, (len(orgIDs)+len(u.groups))*nper*nparts)
	u.table.Cells = make([]disclosure.Cell, 0, len(u.cells.at)) // at most one a place
	// Cells' parts are cut from arrays of a size: a municipality's base
	// parts, its year's and its groups' take about four parts a base
	// count. A full array is left as it is (its cells keep it) and the
	// next begins; appending to it would copy it and keep both.
	arena := make([]int32, 0, 4*len(counts))
	addCell := func(row, t, p int, idx []int32) {
		at := &u.cells.at[(row*nper+t)*nparts+p]
		if len(idx) == 0 || *at != 0 {
			return
		}
		if len(arena)+len(idx) > cap(arena) {
			arena = make([]int32, 0, max(len(idx), len(counts)/8, 1024))
		}
		start := len(arena)
		arena = append(arena, idx...)
		u.table.Cells = append(u.table.Cells, disclosure.Cell{Parts: arena[start:len(arena):len(arena)]})
		*at = int32(len(u.table.Cells))
	}
	catPart := map[string]int{}
	for k, part := range parts {
		catPart[part] = k
	}
	per := make([][]int32, nk)
	var scratch []int32
	// derived answers the published parts of one (municipalities, periods):
	// the base parts themselves, and for a breakdown its total and rules.
	derived := func(members []int, periods []int, emit func(p int, idx []int32)) {
		for k := range per {
			per[k] = per[k][:0]
		}
		for _, o := range members {
			for _, t := range periods {
				i := (o*np + t) * nk
				if at[i] < 0 {
					continue
				}
				for k := range nk {
					per[k] = append(per[k], int32(at[i+k]))
				}
			}
		}
		for k := range parts {
			emit(k, per[k])
		}
		if u.ind.IsBreakdown() {
			scratch = scratch[:0]
			for k := range parts {
				scratch = append(scratch, per[k]...)
			}
			emit(nk, scratch)
			for i, r := range u.ind.Rules {
				scratch = scratch[:0]
				for _, c := range r.Categories {
					if k, ok := catPart["cat:"+c]; ok {
						scratch = append(scratch, per[k]...)
					}
				}
				emit(nk+1+i, scratch)
			}
		}
	}
	yearly := u.ind.Periodicity != Yearly && u.ind.Aggregation == AggSum
	one := []int{0}
	for o := range orgIDs {
		one[0] = o
		for t := range np {
			derived(one, all[t:t+1], func(p int, idx []int32) { addCell(o, t, p, idx) })
		}
		if yearly {
			derived(one, all, func(p int, idx []int32) { addCell(o, np, p, idx) })
		}
	}
	for gi, g := range u.groups {
		row := len(orgIDs) + gi
		members := make([]int, 0, len(g.Members))
		for _, m := range g.Members {
			if o, ok := u.rowOf[m]; ok {
				members = append(members, o)
			}
		}
		for t := range np {
			derived(members, all[t:t+1], func(p int, idx []int32) { addCell(row, t, p, idx) })
		}
		if yearly {
			derived(members, all, func(p int, idx []int32) { addCell(row, np, p, idx) })
		}
	}
}

// countsOf answers a municipality's counts for a period (its code) in
// baseParts' order, when it has them (not a published rate alone, not
// missing), appended to dst.
func (u *universe) countsOf(dst []float64, orgID int64, period int32) ([]float64, bool) {
	if u.ind.IsBreakdown() {
		any := false
		for i := range u.ind.Categories {
			n := 0.0
			v, ok := u.factAt(orgID, period, int32(i+1))
			if ok && u.strs[v.state] == StateOK && v.has&hasNum != 0 {
				n, any = v.num, true
			}
			dst = append(dst, n)
		}
		return dst, any
	}
	v, ok := u.factAt(orgID, period, 0)
	if !ok || u.strs[v.state] != StateOK || v.has&hasNum == 0 {
		return nil, false
	}
	if u.ind.IsRate() {
		if v.has&hasDen == 0 {
			return nil, false
		}
		return append(dst, v.num, v.den), true
	}
	return append(dst, v.num), true
}

// figure answers the published figure of a municipality (org != 0) or a
// group for period; rule names a breakdown's rule ("" for its total).
func (u *universe) figure(k cellKey, rule string) Figure {
	numPart, denPart := "num", "den"
	if u.ind.IsBreakdown() {
		numPart = "den" // a breakdown's total count
		if rule != "" {
			numPart = "rule:" + rule
		}
	}
	var f Figure
	f.Final = true
	get := func(part string) (*float64, bool, bool, bool) {
		k.part = part
		i, ok := u.cells.find(k)
		if !ok {
			return nil, false, false, false
		}
		var sum int64
		for _, b := range u.table.Cells[i].Parts {
			sum += u.table.Base[b]
		}
		v := float64(sum)
		switch u.status[i] {
		case disclosure.Small:
			return nil, true, false, true
		case disclosure.Hidden:
			return nil, false, true, true
		}
		return &v, false, false, true
	}
	num, small, hidden, ok := get(numPart)
	if !ok {
		f.Missing = true
	}
	f.Num, f.Small, f.Hidden = num, small, hidden
	if u.ind.IsRate() || (u.ind.IsBreakdown() && rule != "") {
		den, dsmall, dhidden, dok := get(denPart)
		f.Den = den
		if !dok {
			f.Missing = true
		}
		if den != nil && num != nil && *den > 0 {
			r := *num / *den * 100
			if u.ind.Unit == UnitRate {
				r = *num / *den * 1000
			}
			f.Rate = &r
		}
		f.DenSmall, f.DenHidden = dsmall, dhidden
	}
	return f
}

// protectedCache keeps the statuses of recent universes by a hash of their
// contents: a universe whose counts and structure are unchanged is not
// protected again, and a changed one can never reuse stale statuses.
//
// Protecting a country's year takes a core for a tenth of a second or
// more and allocates tens of megabytes as it goes. When many readers ask
// at once for universes nobody has kept yet (the first minutes after a
// start, or after an import changed an indicator's values), a table being
// protected is protected once, its other askers waiting for that result,
// and at most as many tables at a time as Go has cores less one (at least
// one, as for password hashes): more at once would finish no sooner on
// those cores, only hold more memory and take the core the other requests
// are served on.
type protectedCache struct {
	mu      sync.Mutex
	m       map[uint64][]disclosure.Status
	flights map[uint64]*protectFlight

	// fn protects a table: disclosure.Protect when nil (tests count calls).
	fn    func(disclosure.Table, int) ([]disclosure.Status, error)
	once  sync.Once
	turns chan struct{}
}

// protectFlight is a table being protected, which later askers wait for.
type protectFlight struct {
	done chan struct{}
	st   []disclosure.Status
	err  error
}

func (c *protectedCache) invalidate() {
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}

func tableHash(t disclosure.Table, threshold int) uint64 {
	h := fnv.New64a()
	var b [8]byte
	put := func(x int64) { binary.LittleEndian.PutUint64(b[:], uint64(x)); h.Write(b[:]) }
	put(int64(threshold))
	put(int64(len(t.Base)))
	for i, v := range t.Base {
		put(v)
		if t.Known != nil && t.Known[i] {
			put(1)
		} else {
			put(0)
		}
	}
	for _, c := range t.Cells {
		put(int64(len(c.Parts)))
		for _, p := range c.Parts {
			put(int64(p))
		}
	}
	return h.Sum64()
}

func (c *protectedCache) protect(t disclosure.Table, threshold int) ([]disclosure.Status, error) {
	c.once.Do(func() {
		c.turns = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)-1))
		if c.fn == nil {
			c.fn = disclosure.Protect
		}
	})
	key := tableHash(t, threshold)
	c.mu.Lock()
	if st, ok := c.m[key]; ok {
		c.mu.Unlock()
		return st, nil
	}
	if f, ok := c.flights[key]; ok {
		c.mu.Unlock()
		<-f.done
		return f.st, f.err
	}
	f := &protectFlight{done: make(chan struct{})}
	if c.flights == nil {
		c.flights = map[uint64]*protectFlight{}
	}
	c.flights[key] = f
	c.mu.Unlock()

	func() {
		c.turns <- struct{}{}
		defer func() { <-c.turns }()
		defer func() { // the waiters must not wait for ever
			if r := recover(); r != nil {
				f.st, f.err = nil, fmt.Errorf("indicator: protecting a table: %v", r)
			}
		}()
		f.st, f.err = c.fn(t, threshold)
	}()

	c.mu.Lock()
	delete(c.flights, key)
	if f.err == nil {
		if c.m == nil || len(c.m) > 512 {
			c.m = map[uint64][]disclosure.Status{}
		}
		c.m[key] = f.st
	}
	c.mu.Unlock()
	close(f.done)
	return f.st, f.err
}

// BenchmarkQuery says what to compare.
type BenchmarkQuery struct {
	Code   string
	Period string // as written; "" for the latest with values
	Group  string // a CompareGroup's Key; "" for the reader's first group
	Rule   string // a breakdown's rule; "" for its total
}

// Groups answers the groups reader compares with: its networks, its
// county, its country and its saved groups, each with its members on day.
func Groups(ctx context.Context, idb bun.IDB, reader *org.Organisation, day time.Time) ([]CompareGroup, error) {
	var out []CompareGroup
	var nets []*org.Organisation
	var err error
	switch reader.Kind {
	case org.KindMunicipality:
		if nets, err = org.FindMemberNetworks(ctx, idb, reader.ID, day); err != nil {
			return nil, err
		}
	case org.KindNetwork:
		nets = []*org.Organisation{reader}
	}
	country := reader.Country
	for _, n := range nets {
		ms, err := org.FindNetworkMemberOrgs(ctx, idb, n.ID, day)
		if err != nil {
			return nil, err
		}
		g := CompareGroup{Kind: GroupNetwork, ID: n.ID, Key: fmt.Sprintf("network-%d", n.ID), Name: n.Name}
		for _, m := range ms {
			g.Members = append(g.Members, m.ID)
			if country == "" {
				country = m.Country
			}
		}
		out = append(out, g)
	}
	countyID := int64(0)
	switch {
	case reader.Kind == org.KindCounty:
		countyID = reader.ID
	case reader.Kind == org.KindMunicipality && reader.ParentID != nil:
		countyID = *reader.ParentID
	}
	if countyID != 0 {
		county, err := org.FindOrganisationByID(ctx, idb, countyID)
		if err == nil && county.Kind == org.KindCounty {
			var ms []*org.Organisation
			if err := idb.NewSelect().Model(&ms).Column("id").Where("kind = ? AND parent_id = ?", org.KindMunicipality, countyID).Scan(ctx); err != nil {
				return nil, err
			}
			g := CompareGroup{Kind: GroupCounty, ID: countyID, Key: fmt.Sprintf("county-%d", countyID), Name: county.Name}
			for _, m := range ms {
				g.Members = append(g.Members, m.ID)
			}
			out = append(out, g)
		}
	}
	if country != "" {
		var ids []int64
		if err := idb.NewSelect().Model((*org.Organisation)(nil)).Column("id").Where("kind = ? AND country = ?", org.KindMunicipality, country).
			OrderExpr("id").Scan(ctx, &ids); err != nil {
			return nil, err
		}
		out = append(out, CompareGroup{Kind: GroupCountry, Key: "country-" + strings.ToLower(country), Name: countryNames[country], Members: ids})
	}
	{
		var saved []*Group
		if err := idb.NewSelect().Model(&saved).Where("org_id = ?", reader.ID).OrderExpr("name, id").Limit(100).Scan(ctx); err != nil {
			return nil, err
		}
		for _, s := range saved {
			out = append(out, CompareGroup{Kind: GroupSaved, ID: s.ID, Key: fmt.Sprintf("group-%d", s.ID), Name: s.Name, Members: s.Members})
		}
	}
	return out, nil
}

// peersOf answers the municipalities whose network-visible values reader
// may read: those sharing a network with it (a network's members, a
// county's municipalities).
func peersOf(groups []CompareGroup, reader *org.Organisation) []int64 {
	var out []int64
	for _, g := range groups {
		if g.Kind == GroupNetwork || (g.Kind == GroupCounty && reader.Kind == org.KindCounty) {
			out = append(out, g.Members...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// loadUniverse reads and protects the universe of ind and year for reader.
func (s *Service) loadUniverse(ctx context.Context, idb bun.IDB, reader *org.Organisation, ind *Indicator, year int, groups []CompareGroup) (*universe, error) {
	us, err := s.loadUniverses(ctx, idb, reader, []universeKey{{ind, year}}, groups)
	if err != nil {
		return nil, err
	}
	return us[0], nil
}

// universeKey names a universe: an indicator's year.
type universeKey struct {
	ind  *Indicator
	year int
}

// loadUniverses answers the universes of keys for reader in the order of
// keys: those kept under the current data versions from the cache (see
// universe_cache.go), the others read and protected in the same statements
// however many there are (the organisations, the values of every key in
// one query, the threshold).
func (s *Service) loadUniverses(ctx context.Context, idb bun.IDB, reader *org.Organisation, keys []universeKey, groups []CompareGroup) ([]*universe, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	cacheKeys, err := s.cacheKeysOf(ctx, idb, reader, keys, groups)
	if err != nil {
		return nil, err
	}
	return s.loadUniversesAt(ctx, idb, reader, keys, cacheKeys, groups)
}

// loadUniversesAt is loadUniverses with the keys the universes are kept
// under already read (cacheKeysOf; nil: keep nothing).
func (s *Service) loadUniversesAt(ctx context.Context, idb bun.IDB, reader *org.Organisation, keys []universeKey, cacheKeys []universeCacheKey, groups []CompareGroup) ([]*universe, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	out := make([]*universe, len(keys))
	var missing []universeKey
	var at []int
	// fromCache answers from the cache what it keeps, and lists what it
	// does not.
	fromCache := func() {
		missing, at = missing[:0], at[:0]
		for i, k := range keys {
			if out[i] == nil && i < len(cacheKeys) {
				out[i] = s.universes.get(cacheKeys[i], reader, groups)
			}
			if out[i] == nil {
				missing, at = append(missing, k), append(at, i)
			}
		}
	}
	if fromCache(); len(missing) == 0 {
		return out, nil
	}
	// A turn to build (see buildGate); a request for the same universes
	// (the same municipality's readers) may have built them meanwhile.
	leave, err := s.builds.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer leave()
	if fromCache(); len(missing) == 0 {
		return out, nil
	}
	orgsVersion := int64(-1) // not kept
	if len(cacheKeys) > 0 {
		orgsVersion = cacheKeys[0].orgs
	}
	built, err := s.buildUniverses(ctx, idb, reader, missing, groups, orgsVersion)
	if err != nil {
		return nil, err
	}
	for j, u := range built {
		out[at[j]] = u
		if cacheKeys != nil {
			s.universes.put(cacheKeys[at[j]], u)
		}
	}
	return out, nil
}

// cacheKeysOf answers the keys the universes of keys are kept under for
// reader now, their data versions read in one statement; none when the
// service keeps nothing (PrimaryOnly).
func (s *Service) cacheKeysOf(ctx context.Context, idb bun.IDB, reader *org.Organisation, keys []universeKey, groups []CompareGroup) ([]universeCacheKey, error) {
	if s.PrimaryOnly || len(keys) == 0 {
		return nil, nil
	}
	scopes := []string{kept.Organisations}
	for _, k := range keys {
		scopes = append(scopes, kept.Indicator(k.ind.ID))
	}
	versions, err := kept.Versions(ctx, idb, scopes)
	if err != nil {
		return nil, err
	}
	gh := groupsHash(groups)
	out := make([]universeCacheKey, len(keys))
	for i, k := range keys {
		out[i] = universeCacheKey{reader: reader.ID, indicator: k.ind.ID, definition: k.ind.UpdatedAt.UnixNano(), year: k.year,
			groups: gh, values: versions[kept.Indicator(k.ind.ID)], orgs: versions[kept.Organisations]}
	}
	return out, nil
}

// buildUniverses reads and protects the universes of keys for reader;
// the organisations are those kept under orgsVersion, the organisations'
// data version read before (-1: read them all).
func (s *Service) buildUniverses(ctx context.Context, idb bun.IDB, reader *org.Organisation, keys []universeKey, groups []CompareGroup, orgsVersion int64) ([]*universe, error) {
	ids := map[int64]bool{}
	if reader.Kind == org.KindMunicipality {
		ids[reader.ID] = true
	}
	for _, g := range groups {
		for _, m := range g.Members {
			ids[m] = true
		}
	}
	all := make([]int64, 0, len(ids))
	for id := range ids {
		all = append(all, id)
	}
	slices.Sort(all)
	peers := peersOf(groups, reader)
	if len(peers) > 0 {
		var err error
		if ctx, err = db.ReadAlso(ctx, idb, peers...); err != nil {
			return nil, err
		}
	}
	thr, err := s.thresholdFor(ctx, idb, groups, orgsVersion)
	if err != nil {
		return nil, err
	}
	orgs := map[int64]*org.Organisation{}
	if len(all) > 0 {
		if orgs, err = s.kept.orgs.of(ctx, idb, orgsVersion, all); err != nil {
			return nil, err
		}
	}
	out := make([]*universe, len(keys))
	makers := make([]factMaker, len(keys))
	type at struct {
		ind  int64
		year int
	}
	index := make(map[at]int, len(keys))
	for i, k := range keys {
		out[i] = newUniverse(k.ind, k.year, reader, groups, orgs, thr)
		index[at{k.ind.ID, k.year}] = i
	}
	if len(all) > 0 {
		// Only what the figures print; the index on (indicator_id,
		// period_start, org_id) reads each key's year alone, however many
		// years the table holds.
		q := idb.NewSelect().Model((*Value)(nil)).Column(valueRowColumns...).
			WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
				for _, k := range keys {
					from, to := time.Date(k.year, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(k.year+1, 1, 1, 0, 0, 0, 0, time.UTC)
					q = q.WhereOr("indicator_id = ? AND period_start >= ? AND period_start < ?", k.ind.ID, from, to)
				}
				return q
			}).
			Where("org_id IN (?)", bun.In(all))
		q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			q = q.Where("visibility = ?", VisibilityPublic)
			if reader.Kind == org.KindMunicipality {
				q = q.WhereOr("org_id = ?", reader.ID)
			}
			if len(peers) > 0 {
				q = q.WhereOr("visibility = ? AND org_id IN (?)", VisibilityNetwork, bun.In(peers))
			}
			return q
		})
		rows, err := q.Rows(ctx)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var r valueRow
		for rows.Next() {
			if err := r.scan(rows); err != nil {
				return nil, err
			}
			i, ok := index[at{r.indicator, int(r.code / 100)}]
			// A finer indicator's year is its own sum, not one of its
			// periods.
			if !ok || (len(r.period) == 4 && keys[i].ind.Periodicity != Yearly) {
				continue
			}
			makers[i].keep(out[i], &r)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	for i, k := range keys {
		u := out[i]
		u.build()
		if k.ind.Protected() {
			protect := s.cache.protect
			if s.PrimaryOnly {
				protect = func(t disclosure.Table, thr int) ([]disclosure.Status, error) { return disclosure.Primary(t, thr) }
			}
			st, err := protect(u.table, thr)
			if err != nil {
				return nil, err
			}
			u.status = st
		} else {
			u.status = make([]disclosure.Status, len(u.table.Cells)) // amounts: all shown
		}
	}
	return out, nil
}

// buildGate bounds how many universes are read, laid out and protected at
// once: four times as many as Go has cores, since a good part of a build
// is waiting for the database to send a year's values (twenty readers of
// uncached benchmarks alone were served 58 a second with twice the cores,
// 62–66 with four times, 65–67 without a bound). A universe under
// construction holds a country's year of values, its table and the
// protection's working memory (several megabytes for a monthly rate),
// and when many readers open benchmarks nobody has kept yet (the first
// minutes after a start, or after an import) building them all at once
// finishes none sooner on those cores, only holds every one of them in
// memory while they share the cores. Those waiting hold their request
// (and on PostgreSQL its transaction's connection), nothing of a
// universe; once given a turn they look again for what another request
// has built meanwhile (loadUniversesAt).
type buildGate struct {
	once  sync.Once
	turns chan struct{}
}

// buildTurns answers how many universes may be built at once.
func buildTurns() int { return 4 * max(1, runtime.GOMAXPROCS(0)) }

// enter waits for a turn, or for ctx to end; leave gives the turn back.
func (g *buildGate) enter(ctx context.Context) (leave func(), err error) {
	g.once.Do(func() { g.turns = make(chan struct{}, buildTurns()) })
	select {
	case g.turns <- struct{}{}:
		return func() { <-g.turns }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// thresholdFor answers the strictest small-count threshold of the
// networks among groups (DefaultThreshold when none sets one), the
// networks kept under orgsVersion (keptOrgs.of; -1 reads them).
func (s *Service) thresholdFor(ctx context.Context, idb bun.IDB, groups []CompareGroup, orgsVersion int64) (int, error) {
	thr := DefaultThreshold
	var ids []int64
	for _, g := range groups {
		if g.Kind == GroupNetwork {
			ids = append(ids, g.ID)
		}
	}
	if len(ids) == 0 {
		return thr, nil
	}
	nets, err := s.kept.orgs.of(ctx, idb, orgsVersion, ids)
	if err != nil {
		return 0, err
	}
	for _, n := range nets {
		thr = max(thr, n.SmallCountThreshold)
	}
	return max(thr, MinThreshold), nil
}

// read runs fn in reader's read scope with its comparison groups.
func (s *Service) read(ctx context.Context, reader *org.Organisation, fn func(ctx context.Context, idb bun.IDB, groups []CompareGroup) error) error {
	return org.RunRead(ctx, s.DB, reader, s.now(), func(ctx context.Context, idb bun.IDB) error {
		groups, err := Groups(ctx, idb, reader, s.now())
		if err != nil {
			return err
		}
		return fn(ctx, idb, groups)
	})
}

// periodFor parses period, or answers the latest period of ind with a
// value the reader can see.
func (s *Service) periodFor(ctx context.Context, idb bun.IDB, reader *org.Organisation, ind *Indicator, period string) (Period, error) {
	if period != "" {
		p, ok := ParsePeriod(period)
		// A finer indicator's year is its sum (or last period): a
		// benchmark of the year is published beside its months.
		if !ok || (p.Kind != ind.Periodicity && p.Kind != Yearly) {
			return p, entryProblem("period", "indicator.error.period", "value", period)
		}
		return p, nil
	}
	var latest []string
	q := idb.NewSelect().Model((*Value)(nil)).Column("period").Where("indicator_id = ?", ind.ID)
	if reader.Kind == org.KindMunicipality {
		q = q.Where("org_id = ?", reader.ID)
	} else {
		q = q.Where("visibility <> ?", VisibilityPrivate).Where("org_id IN (SELECT id FROM organisations WHERE kind = ?)", org.KindMunicipality)
	}
	if err := q.OrderExpr("period_start DESC").Limit(1).Scan(ctx, &latest); err != nil {
		return Period{}, err
	}
	if len(latest) == 0 {
		return PeriodOf(ind.Periodicity, s.now()), nil
	}
	p, _ := ParsePeriod(latest[0])
	return p, nil
}

// view answers the comparison for period p across the group with key.
func (u *universe) view(p Period, groupKey, rule string) (*View, error) {
	if rule != "" {
		if _, ok := u.ind.Rule(rule); !ok {
			return nil, entryProblem("rule", "indicator.error.rule")
		}
	} else if len(u.ind.Rules) > 0 {
		rule = u.ind.Rules[0].Key
	}
	v := &View{Indicator: u.ind, Period: p, Rule: rule, Threshold: u.threshold, Reader: u.reader}
	var g *CompareGroup
	for i := range u.groups {
		if groupKey == "" || u.groups[i].Key == groupKey {
			g = &u.groups[i]
			break
		}
	}
	if g == nil {
		if groupKey != "" {
			return nil, errNotFound
		}
		g = &CompareGroup{Kind: "", Key: "", Name: ""}
		if u.reader.Kind == org.KindMunicipality {
			g.Members = []int64{u.reader.ID}
		}
	}
	v.Group = *g
	members := slices.Clone(g.Members)
	if u.reader.Kind == org.KindMunicipality && !slices.Contains(members, u.reader.ID) {
		members = append(members, u.reader.ID)
	}
	for _, id := range members {
		o := u.orgs[id]
		if o == nil {
			continue
		}
		f := u.rowFigure(id, p, rule)
		if f.Missing && !f.RateOnly && f.State == "" && id != u.reader.ID {
			v.NoFigure++ // nothing recorded that the reader may see: not a row
			continue
		}
		v.Rows = append(v.Rows, Row{Org: o, Own: id == u.reader.ID, Figure: f})
	}
	v.rank()
	for _, grp := range u.groups {
		if grp.Key != g.Key {
			continue
		}
		v.Aggregates = append(v.Aggregates, u.aggregate(grp, p, rule))
	}
	for _, grp := range u.groups {
		if grp.Key != g.Key {
			v.Aggregates = append(v.Aggregates, u.aggregate(grp, p, rule))
		}
	}
	return v, nil
}

// rowFigure answers a municipality's figure for p, with provenance: its
// counts as protected, or a published rate without counts as published.
func (u *universe) rowFigure(id int64, p Period, rule string) Figure {
	period, code := p.Key(), p.code()
	var val fact
	found := false
	if u.ind.IsBreakdown() {
		for i := range u.ind.Categories {
			if val, found = u.factAt(id, code, int32(i+1)); found {
				break
			}
		}
	} else {
		val, found = u.factAt(id, code, 0)
	}
	if p.Kind == Yearly && u.ind.Periodicity != Yearly {
		// a year of a finer indicator: its sum or last period
		if u.ind.Aggregation == AggLast {
			last := u.periods[len(u.periods)-1]
			for i := len(u.periods) - 1; i >= 0; i-- {
				if _, ok := u.countsOf(nil, id, u.periods[i].code()); ok {
					last = u.periods[i]
					break
				}
			}
			return u.rowFigure(id, last, rule)
		}
	}
	f := u.figure(cellKey{org: id, period: period}, rule)
	if found {
		f.Source, f.AsOf, f.Final = u.strs[val.source], val.asOf, val.final
		if f.Missing && val.rateOnly() {
			r := val.rate
			f = Figure{Rate: &r, RateOnly: true, Source: u.strs[val.source], AsOf: val.asOf, Final: val.final}
		} else if f.Missing && u.strs[val.state] != StateOK {
			f.State = u.strs[val.state]
		}
	}
	return f
}

// aggregate answers a group's weighted figure for p.
func (u *universe) aggregate(g CompareGroup, p Period, rule string) Aggregate {
	a := Aggregate{Group: g, Members: len(g.Members), Figure: u.figure(cellKey{group: g.Key, period: p.Key()}, rule)}
	a.Figure.Source = "aggregate"
	code := p.code()
	var buf []float64
	for _, m := range g.Members {
		var ok bool
		if buf, ok = u.countsOf(buf[:0], m, code); ok {
			a.Covered++
		} else if x, ok := u.factAt(m, code, 0); ok && x.rateOnly() {
			a.RateOnly++
		}
	}
	if p.Kind == Yearly && u.ind.Periodicity != Yearly {
		a.Covered = 0
		for _, m := range g.Members {
			for _, q := range u.periods {
				var ok bool
				if buf, ok = u.countsOf(buf[:0], m, q.code()); ok {
					a.Covered++
					break
				}
			}
		}
	}
	return a
}

// rank orders rows: figures shown best first (by the indicator's
// direction), then the rest by name; suppressed figures get no rank, so
// their place in the order tells nothing.
func (v *View) rank() {
	better := func(a, b float64) bool { return a > b }
	if v.Indicator.Direction == LowerIsBetter {
		better = func(a, b float64) bool { return a < b }
	}
	sort.SliceStable(v.Rows, func(i, j int) bool {
		a, aok := v.Rows[i].Figure.Main(v.Indicator, v.Rule)
		b, bok := v.Rows[j].Figure.Main(v.Indicator, v.Rule)
		switch {
		case aok && bok && a != b:
			return better(a, b)
		case aok != bok:
			return aok
		}
		return v.Rows[i].Org.Name < v.Rows[j].Org.Name
	})
	var shown []float64
	rank := 0
	var prev float64
	for i := range v.Rows {
		x, ok := v.Rows[i].Figure.Main(v.Indicator, v.Rule)
		if !ok {
			continue
		}
		if rank == 0 || x != prev {
			rank = i + 1
		}
		prev = x
		v.Rows[i].Rank = rank
		shown = append(shown, x)
	}
	v.Dist = distribution(shown)
}

// distribution answers the quartiles of xs (linear interpolation).
func distribution(xs []float64) Distribution {
	d := Distribution{N: len(xs)}
	if len(xs) == 0 {
		return d
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	q := func(f float64) float64 {
		pos := f * float64(len(s)-1)
		lo := int(math.Floor(pos))
		hi := int(math.Ceil(pos))
		return s[lo] + (s[hi]-s[lo])*(pos-float64(lo))
	}
	d.Min, d.Q1, d.Median, d.Q3, d.Max, d.Defined = s[0], q(0.25), q(0.5), q(0.75), s[len(s)-1], true
	return d
}

// findTargets answers the targets of ind valid on day (any day when day
// is zero) that apply to reader: national, its networks' and its own.
func findTargets(ctx context.Context, idb bun.IDB, indicatorID int64, reader *org.Organisation, groups []CompareGroup, day time.Time) ([]*Target, error) {
	all, err := findTargetsOf(ctx, idb, []int64{indicatorID}, reader, groups)
	return validOn(all[indicatorID], day), err
}

// findTargetsOf answers the targets of indicators reader sees, by
// indicator, in one query.
func findTargetsOf(ctx context.Context, idb bun.IDB, indicators []int64, reader *org.Organisation, groups []CompareGroup) (map[int64][]*Target, error) {
	owners := []int64{reader.ID}
	for _, g := range groups {
		if g.Kind == GroupNetwork {
			owners = append(owners, g.ID)
		}
	}
	out := map[int64][]*Target{}
	if len(indicators) == 0 {
		return out, nil
	}
	var ts []*Target
	err := idb.NewSelect().Model(&ts).Where("indicator_id IN (?)", bun.In(indicators)).
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("owner_org_id IS NULL").WhereOr("owner_org_id IN (?)", bun.In(owners))
		}).OrderExpr("level, id").Scan(ctx)
	for _, t := range ts {
		out[t.IndicatorID] = append(out[t.IndicatorID], t)
	}
	return out, err
}

// validOn answers the targets of ts valid on day (all of them when day is
// zero).
func validOn(ts []*Target, day time.Time) []*Target {
	var out []*Target
	for _, t := range ts {
		if day.IsZero() || t.ValidOn(day) {
			out = append(out, t)
		}
	}
	return out
}

// countryOf answers the country a reader compares with: its own, or its
// members'.
func countryOf(reader *org.Organisation, groups []CompareGroup) string {
	if reader.Country != "" {
		return reader.Country
	}
	for _, g := range groups {
		if g.Kind == GroupCountry {
			return strings.ToUpper(strings.TrimPrefix(g.Key, "country-"))
		}
	}
	return ""
}

// findNational answers the country's official figure for period, or nil.
func findNational(ctx context.Context, idb bun.IDB, indicatorID int64, country, period string) (*NationalValue, error) {
	if country == "" {
		return nil, nil
	}
	var out []*NationalValue
	err := idb.NewSelect().Model(&out).Where("indicator_id = ? AND country = ? AND period = ? AND category = ''", indicatorID, country, period).
		Limit(1).Scan(ctx)
	if err != nil || len(out) == 0 {
		return nil, err
	}
	return out[0], nil
}

// countryNames are the countries by their own names, as the Nordic pages
// print them.
var countryNames = map[string]string{"NO": "Norge", "SE": "Sverige", "DK": "Danmark"}
