package indicator

import (
	"encoding/binary"
	"hash/fnv"
	"slices"
	"unsafe"

	"github.com/samvirke/samvirke/internal/disclosure"
	"github.com/samvirke/samvirke/internal/kept"
	"github.com/samvirke/samvirke/internal/org"
)

// A benchmark is read far more often than its figures change: a
// municipality reports once a month, and every coordinator, politician and
// public page compares. The universe of an indicator's year (every
// municipality's values, built into a disclosure table and protected) is
// therefore kept, keyed by everything it is made of:
//
//   - the reader (its own figures are known to it, its networks' shared
//     figures are visible to it), and the groups it compares with, each
//     with its members (themselves kept under the catalogue's data
//     version, benchmark_kept.go): a municipality leaving a network
//     changes the key on the next request;
//   - the indicator and its definition (updated_at);
//   - the data versions of the indicator's values and of the
//     organisations (names, places, small-count thresholds), which
//     triggers bump in the same transaction as every write (migration
//     data_versions), so a reader that sees a version sees the rows it
//     stands for, on every process of the instance.
//
// Versions are read before the rows: a universe kept under a version holds
// rows at least as new as it. Sessions and memberships are not cached:
// they are checked on the request before the service is reached.

// universeCacheBytes bounds the memory the kept universes take (an
// estimate, universe.size: a country's year of a monthly rate is about
// 1.5 MB, so six are kept; the views made of them are kept apart,
// benchmark_kept.go).
const universeCacheBytes = 9 << 20

type universeCacheKey struct {
	reader     int64
	indicator  int64
	definition int64 // the indicator's updated_at, in nanoseconds
	year       int
	groups     uint64 // hash of the groups' keys and members
	values     int64  // data version of the indicator's values
	orgs       int64  // data version of the organisations
}

// universeCache keeps universes (see above) within universeCacheBytes.
type universeCache struct {
	lru kept.LRU[universeCacheKey, *universe]
}

// get answers the universe kept under k, made the reader's: the groups as
// read on this request (same keys and members, possibly renamed) and the
// reader's organisation as read on this request.
func (c *universeCache) get(k universeCacheKey, reader *org.Organisation, groups []CompareGroup) *universe {
	had, ok := c.lru.Get(k)
	if !ok {
		return nil
	}
	u := *had
	u.reader, u.groups = reader, groups
	return &u
}

func (c *universeCache) put(k universeCacheKey, u *universe) {
	c.lru.Put(k, u, u.size(), universeCacheBytes)
}

// size estimates the bytes u holds (TestKeptSizesAsMeasured compares it
// with the heap): a place of the facts is its fact, whether it holds a
// value or not (the strings and dates are shared), a municipality its row
// (its id and its place in the map of rows); a cell its parts' slice and
// status, and a place in the index, which has one for every position,
// published or not (as has the slice of cells); a base count the count,
// whether it is known and its four places (int32) in the parts.
// Organisations are shared with the reader's other universes and not
// counted.
func (u *universe) size() int {
	const fact = int(unsafe.Sizeof(fact{}))
	const row = 8 + 2*(8+8)
	const place = int(unsafe.Sizeof(disclosure.Cell{})) + 4
	const base = 8 + 1 + 4*4
	return fact*len(u.facts) + row*len(u.ids) + place*len(u.cells.at) + len(u.table.Cells) + base*len(u.table.Base)
}

// groupsHash answers a hash of what the groups contribute to a universe:
// each group's kind, key and members.
func groupsHash(groups []CompareGroup) uint64 {
	h := fnv.New64a()
	var b [8]byte
	for _, g := range groups {
		h.Write([]byte(g.Kind))
		h.Write([]byte{0})
		h.Write([]byte(g.Key))
		h.Write([]byte{0})
		members := slices.Clone(g.Members)
		slices.Sort(members)
		binary.LittleEndian.PutUint64(b[:], uint64(len(members)))
		h.Write(b[:])
		for _, m := range members {
			binary.LittleEndian.PutUint64(b[:], uint64(m))
			h.Write(b[:])
		}
	}
	return h.Sum64()
}

// overviewFigures are the figures of one line of the indicators page: the
// reader's own and its first group's aggregate, with the threshold.
type overviewFigures struct {
	own       Figure
	aggregate *Aggregate
	threshold int
}

// overviewKey is a line's universe under its data versions, and the period
// the line shows.
type overviewKey struct {
	universeCacheKey
	period string
}

// size estimates the bytes a kept view holds besides what its universe's
// organisations and the kept groups share with it: the view, its rows and
// aggregates, and the numbers and dates their figures point to (an
// allocation of 8 bytes each, a time 24).
func (v *View) size() int {
	figure := func(f Figure) int {
		n := 0
		for _, x := range []*float64{f.Num, f.Den, f.Rate} {
			if x != nil {
				n += 8
			}
		}
		if f.AsOf != nil {
			n += 24
		}
		return n
	}
	n := int(unsafe.Sizeof(*v)) + cap(v.Rows)*int(unsafe.Sizeof(Row{})) + cap(v.Aggregates)*int(unsafe.Sizeof(Aggregate{}))
	for _, r := range v.Rows {
		n += figure(r.Figure)
	}
	for _, a := range v.Aggregates {
		n += figure(a.Figure)
	}
	return n
}
