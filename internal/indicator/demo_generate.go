package indicator

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
)

// demoGeneration makes plausible figures for a demo municipality that
// has no published report: settlement, the refugees living there, the
// introduction programme's participants and outcomes, for Years. Size is
// about how many refugees the state asked it to settle in 2018; the
// generator is seeded by the slug, so every start makes the same figures.
type demoGeneration struct {
	Size  float64 `yaml:"size"`
	Years []int   `yaml:"years"`
}

// demoWave is the national trend of settlement relative to 2018: the
// peak after 2015, the fall since.
var demoWave = map[int]float64{
	2011: 0.6, 2012: 0.7, 2013: 0.8, 2014: 1.0, 2015: 1.6, 2016: 1.9, 2017: 1.4, 2018: 1.0, 2019: 0.85, 2020: 0.55,
}

// demoOutcomeWeights are the usual shares of the outcome categories.
var demoOutcomeWeights = []struct {
	key string
	w   float64
}{
	{"work_0_49", 0.08}, {"work_50_100", 0.25}, {"jobseeker_other", 0.02}, {"jobseeker_kvp", 0.03},
	{"wage_subsidy", 0.05}, {"jobseeker_nav", 0.12}, {"primary_school", 0.07}, {"higher_education", 0.03},
	{"upper_secondary", 0.12}, {"social_assistance", 0.12}, {"other", 0.08},
}

// demoFlow is one simulated year of arrivals.
type demoFlow struct {
	requested, decided                   float64
	adults, children, famAdults, famKids float64
}

func (g *demoGeneration) series(slug string) []demoSeries {
	h := fnv.New64a()
	h.Write([]byte(slug))
	rng := rand.New(rand.NewPCG(h.Sum64(), 2018))
	between := func(lo, hi float64) float64 { return lo + rng.Float64()*(hi-lo) }
	round := func(x float64) float64 { return math.Max(0, math.Round(x)) }

	first, last := g.Years[0], g.Years[len(g.Years)-1]
	flows := map[int]demoFlow{}
	for y := first - 5; y <= last; y++ {
		wave, ok := demoWave[y]
		if !ok {
			wave = 0.6
		}
		var f demoFlow
		f.requested = round(g.Size * wave * between(0.9, 1.1))
		f.decided = f.requested
		if rng.Float64() < 0.3 {
			f.decided = round(f.requested * between(0.7, 0.95))
		}
		settled := round(f.decided * between(0.8, 1.05))
		f.adults = round(settled * between(0.5, 0.65))
		f.children = settled - f.adults
		fam := round(settled * between(0.15, 0.4))
		f.famAdults = round(fam * between(0.3, 0.5))
		f.famKids = fam - f.famAdults
		flows[y] = f
	}
	// stock answers the refugees settled in the five years up to y
	// (adults or children).
	stock := func(y int, adults bool) float64 {
		s := 0.0
		for x := y - 4; x <= y; x++ {
			if adults {
				s += flows[x].adults + flows[x].famAdults
			} else {
				s += flows[x].children + flows[x].famKids
			}
		}
		return s
	}
	count := func(x float64) demoRow { return demoRow{Num: &x} }
	var out []demoSeries
	add := func(code string, r demoRow) {
		for i := range out {
			if out[i].Code == code {
				out[i].Rows = append(out[i].Rows, r)
				return
			}
		}
		out = append(out, demoSeries{Code: code, Rows: []demoRow{r}})
	}
	for _, y := range g.Years {
		f := flows[y]
		period := fmt.Sprint(y)
		at := func(r demoRow) demoRow { r.Period = period; return r }
		add("settle.requested", at(count(f.requested)))
		add("settle.decided", at(count(f.decided)))
		add("settle.settled", at(demoRow{Counts: map[string]float64{"adults": f.adults, "children": f.children}}))
		add("settle.family", at(demoRow{Counts: map[string]float64{"adults": f.famAdults, "children": f.famKids}}))
		add("settle.total", at(count(f.adults+f.children+f.famAdults+f.famKids)))

		// Participants: most adults of this year's and last year's
		// arrivals, some of the year before.
		prev, prev2 := flows[y-1], flows[y-2]
		part := round((f.adults+f.famAdults)*0.7 + (prev.adults+prev.famAdults)*0.9 + (prev2.adults+prev2.famAdults)*0.4)
		add("intro.participants", at(count(part)))
		finished := round(part * between(0.3, 0.45))
		add("intro.outcome", at(demoRow{Counts: g.outcomes(rng, finished)}))

		// The refugees living there at the end of each month: the
		// five-year stock moving from last year's towards this year's.
		a0, a1 := stock(y-1, true), stock(y, true)
		c0, c1 := stock(y-1, false), stock(y, false)
		minors := 1 + round(g.Size*between(0.08, 0.2))
		for m := 1; m <= 12; m++ {
			p := Period{Year: y, Kind: Monthly, Index: m}.Key()
			share := float64(m) / 12
			adults := round(a0 + (a1-a0)*share + between(-1, 1))
			month := func(x float64) demoRow { r := count(x); r.Period = p; return r }
			add("pop.refugees_adults", month(adults))
			add("pop.refugee_children", month(round(c0+(c1-c0)*share+between(-1, 1))))
			add("pop.unaccompanied_minors", month(minors))
			add("pop.households", month(round(adults*between(0.68, 0.74))))
			if rng.Float64() < 0.15 && minors > 1 {
				minors-- // one turned 18 or moved
			}
		}
	}
	return out
}

// outcomes shares n finished participants among the outcome categories
// by the usual weights, varied, with the largest remainders rounded up.
func (g *demoGeneration) outcomes(rng *rand.Rand, n float64) map[string]float64 {
	ws := make([]float64, len(demoOutcomeWeights))
	sum := 0.0
	for i, c := range demoOutcomeWeights {
		ws[i] = c.w * (0.6 + rng.Float64()*0.8)
		sum += ws[i]
	}
	out := map[string]float64{}
	type rem struct {
		key string
		r   float64
	}
	var rems []rem
	given := 0.0
	for i, c := range demoOutcomeWeights {
		exact := n * ws[i] / sum
		out[c.key] = math.Floor(exact)
		given += out[c.key]
		rems = append(rems, rem{c.key, exact - math.Floor(exact)})
	}
	for given < n {
		best := 0
		for i := range rems {
			if rems[i].r > rems[best].r {
				best = i
			}
		}
		out[rems[best].key]++
		rems[best].r = -1
		given++
	}
	return out
}
