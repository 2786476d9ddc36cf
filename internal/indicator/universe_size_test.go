package indicator

import (
	"database/sql"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/disclosure"
	"github.com/samvirke/samvirke/internal/org"
)

// TestKeptSizesAsMeasured: the estimates the kept universes and views
// are bounded by (universeCacheBytes, viewsBytes) are within a third of
// what they take on the heap, for a country's year of a monthly rate
// across 750 municipalities. An estimate far too low lets the caches
// take several times their budget; far too high keeps too few.
func TestKeptSizesAsMeasured(t *testing.T) {
	// The indicator, the reader, its groups and their municipalities are
	// shared by the reader's universes (and not counted by the estimate).
	newOne := sizeTestUniverse()
	build := func() *universe {
		u := newOne()
		u.build()
		u.status = make([]disclosure.Status, len(u.table.Cells))
		return u
	}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	const n = 4
	runtime.KeepAlive(build()) // the shared parts are made before the heap is measured
	before := heap()
	us := make([]*universe, n)
	estimated := 0
	for i := range us {
		us[i] = build()
		estimated += us[i].size()
	}
	measured := heap() - before
	t.Logf("universe: estimated %d kB, measured %d kB (%d values, %d cells, %d base, %d parts)", estimated/n>>10, measured/n>>10, values(us[0]), len(us[0].cells.at), len(us[0].table.Base), len(us[0].table.Cells))
	if r := float64(estimated) / float64(measured); r < 0.67 || r > 1.33 {
		t.Errorf("a universe is estimated at %d kB and takes %d kB (%.2f ×)", estimated/n>>10, measured/n>>10, r)
	}

	u := us[0]
	before = heap()
	views := make([]*View, 0, 3*n)
	estimated = 0
	for range n {
		for _, g := range []string{"country-no", "network-10000"} {
			v, err := u.view(Period{Year: 2025, Kind: Monthly, Index: 12}, g, "")
			if err != nil {
				t.Fatal(err)
			}
			views = append(views, v)
			estimated += v.size()
		}
	}
	measured = heap() - before
	t.Logf("views (%d rows and %d): estimated %d kB, measured %d kB", len(views[0].Rows), len(views[1].Rows), estimated>>10, measured>>10)
	if r := float64(estimated) / float64(measured); r < 0.67 || r > 1.33 {
		t.Errorf("%d views are estimated at %d kB and take %d kB (%.2f ×)", len(views), estimated>>10, measured>>10, r)
	}
	runtime.KeepAlive(us)
	runtime.KeepAlive(views)
	if n := viewsBytes / views[0].size(); n < 40 {
		t.Errorf("the kept views hold a country's benchmark for %d readers; a load of 20 coordinators and politicians rebuilds theirs", n)
	}
	if universeCacheBytes/3 < us[0].size() {
		t.Errorf("a country's year of a rate (%d kB) is too large to be kept", us[0].size()>>10)
	}
}

// sizeTestUniverse answers a maker of the universe of a country's year of
// a monthly rate across 750 municipalities, every value recorded, not yet
// built; its universes share their indicator, reader, groups and
// municipalities, as one reader's do.
func sizeTestUniverse() func() *universe {
	var ind *Indicator
	for i, d := range scaleDefs {
		if d.code == "scale.settled_in_time" {
			ind = d.indicator(i)
		}
	}
	if ind == nil || !ind.IsRate() {
		panic("no rate scale.settled_in_time among the scale indicators")
	}
	ind.ID = 1
	reader := &org.Organisation{ID: 1, Kind: org.KindMunicipality, Country: "NO"}
	orgs := map[int64]*org.Organisation{}
	country := CompareGroup{Kind: GroupCountry, Key: "country-no"}
	network := CompareGroup{Kind: GroupNetwork, ID: 10_000, Key: "network-10000"}
	for id := int64(1); id <= 750; id++ {
		orgs[id] = &org.Organisation{ID: id, Kind: org.KindMunicipality, Country: "NO", Name: fmt.Sprintf("Kommune %d", id)}
		country.Members = append(country.Members, id)
		if id <= 25 {
			network.Members = append(network.Members, id)
		}
	}
	groups := []CompareGroup{network, country}
	asOf := time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)
	return func() *universe {
		u := newUniverse(ind, 2025, reader, groups, orgs, DefaultThreshold)
		var facts factMaker
		for _, p := range u.periods {
			for id := int64(1); id <= 750; id++ {
				facts.keep(u, &valueRow{indicator: 1, org: id, period: p.Key(), code: p.code(), num: sql.NullFloat64{Float64: float64(id % 40), Valid: true},
					den: sql.NullFloat64{Float64: float64(40 + id%60), Valid: true}, state: StateOK, source: "own", asOf: nullDate{asOf, true}})
			}
		}
		return u
	}
}

// values counts the facts of u that hold a value.
func values(u *universe) int {
	n := 0
	for _, f := range u.facts {
		if f.has&hasValue != 0 {
			n++
		}
	}
	return n
}
