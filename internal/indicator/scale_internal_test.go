package indicator

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/scale"
)

// TestScaleSmallCounts: across 150 municipalities' synthetic
// populations, between 10 and 30 % of the generated counts (counts, the
// parts of rates, a breakdown's categories) are small, from 1 to 9, and
// they are the small municipalities'.
func TestScaleSmallCounts(t *testing.T) {
	w := &scale.World{Rand: rand.New(rand.NewPCG(3, 4)), Now: time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)}
	for i := range 150 {
		w.Municipalities = append(w.Municipalities, &org.Organisation{ID: int64(i + 1), Country: []string{"NO", "SE", "DK"}[i%3]})
	}
	g := scaleGen{w: w}
	for i, d := range scaleDefs {
		in := d.indicator(i)
		in.ID = int64(i + 1)
		g.inds, g.defs = append(g.inds, in), append(g.defs, d)
	}
	for i := range 12 {
		g.periods = append(g.periods, Period{Year: 2024, Kind: Monthly, Index: i + 1})
	}
	counts, small := 0, 0
	smallBy := map[int64]int{}
	for _, m := range w.Municipalities {
		g.municipality(m.ID, m.Country)
	}
	for _, v := range g.rows {
		if g.inds[v.IndicatorID-1].Unit == UnitAmount {
			continue
		}
		for _, x := range []*float64{v.Num, v.Den} {
			if x == nil {
				continue
			}
			counts++
			if *x >= 1 && *x <= 9 {
				small++
				smallBy[v.OrgID]++
			}
		}
	}
	share := float64(small) / float64(counts)
	t.Logf("%d of %d counts from 1 to 9 (%.1f %%)", small, counts, 100*share)
	if share < 0.10 || share > 0.30 {
		t.Errorf("%.1f %% of the counts are small, want 10–30 %%", 100*share)
	}
	// Small municipalities have mostly small counts, large ones few.
	most, few := 0, 0
	for _, m := range w.Municipalities {
		switch n := smallBy[m.ID]; {
		case n < 12*len(scaleDefs)/10:
			few++
		case n > 12*len(scaleDefs)/2:
			most++
		}
	}
	t.Logf("%d municipalities with small counts in more than half their cells, %d in under a tenth", most, few)
	if most < 5 || few < 5 {
		t.Errorf("%d municipalities with mostly small counts, %d with few: want both kinds", most, few)
	}
}
