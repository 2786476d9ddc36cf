package indicator

import (
	"math"
	"time"

	"github.com/samvirke/samvirke/internal/scale"
)

// scaleGen makes the values of a few municipalities at a time.
type scaleGen struct {
	w       *scale.World
	inds    []*Indicator
	defs    []scaleDef
	periods []Period
	rows    []Value
	slab    []float64 // the values' numbers, allocated in blocks
	keys    []string  // periods' keys
	asOf    []*time.Time
}

// num answers a pointer to x from the current block.
func (g *scaleGen) num(x float64) *float64 {
	if len(g.slab) == cap(g.slab) {
		g.slab = make([]float64, 0, 8192)
	}
	g.slab = append(g.slab, x)
	return &g.slab[len(g.slab)-1]
}

// scaleIntensity multiplies the definitions' means: the data set is
// denser than real arrivals (a median municipality of 10 000 would report
// mostly zeros), so that about a quarter of the counts are from 1 to 9,
// as the benchmarks' protection should meet them.
const scaleIntensity = 12

// stockTurnover is the share of a stock that leaves (and, on average,
// arrives) each month.
const stockTurnover = 0.15

// municipality adds every value of one municipality.
func (g *scaleGen) municipality(orgID int64, country string) {
	r := g.w.Rand
	if g.keys == nil {
		for _, p := range g.periods {
			g.keys = append(g.keys, p.Key())
			asOf := p.End().AddDate(0, 1, 14)
			g.asOf = append(g.asOf, &asOf)
		}
	}
	pop := math.Min(math.Max(math.Exp(math.Log(10000)+1.2*r.NormFloat64()), 250), 950000)
	factor := math.Exp(0.4 * r.NormFloat64())
	vis := VisibilityNetwork
	if r.IntN(3) == 0 {
		vis = VisibilityPublic
	}
	var by *int64
	if ms := g.w.Members[orgID]; len(ms) > 2 {
		by = &ms[2].UserID
	}
	for k, in := range g.inds {
		d := g.defs[k]
		f := factor * math.Exp(0.25*r.NormFloat64())
		p := d.p * math.Exp(0.3*r.NormFloat64())
		if in.Unit == UnitPercent {
			p = math.Min(math.Max(d.p+0.08*r.NormFloat64(), 0.02), 0.98)
		}
		// Official statistics publish small municipalities' rates alone.
		rateOnly := d.official && in.IsRate() && pop < 4000
		stock := -1.0
		for t, per := range g.periods {
			v := Value{OrgID: orgID, IndicatorID: in.ID, Period: g.keys[t], PeriodStart: per.Start(), State: StateOK,
				Source: SourceOwn, Final: t < len(g.periods)-1, Visibility: vis, EnteredBy: by, Rev: 1}
			if d.official { // official statistics are public
				v.Source, v.AsOf, v.Final, v.Visibility = scaleSources[country], g.asOf[t], t < len(g.periods)-2, VisibilityPublic
				if d.source != "" {
					v.Source = d.source
				}
			}
			v.EnteredAt = per.End().AddDate(0, 0, 5).Add(10 * time.Hour)
			if v.EnteredAt.After(g.w.Now) {
				v.EnteredAt = g.w.Now
			}
			trend := scaleTrend[per.Year]
			if trend == 0 {
				trend = 1
			}
			lambda := pop / 1000 * d.mean * f * trend * scaleIntensity
			if d.agg == AggLast && in.Unit != UnitAmount {
				stock = scaleStock(r, stock, lambda)
			}
			switch {
			case in.Unit == UnitAmount:
				v.Num = g.num(math.Max(0, math.Round(pop*d.mean*f*trend*(1+0.05*r.NormFloat64()))))
			case in.IsBreakdown():
				total := scalePoisson(r, lambda)
				share := 1.0
				for i, c := range d.cats {
					x := total
					if i < len(d.cats)-1 {
						x = scaleBinomial(r, total, c.share/share)
					}
					total, share = total-x, share-c.share
					cv := v
					cv.Category, cv.Num = c.key, g.num(x)
					g.rows = append(g.rows, cv)
				}
				continue
			case in.IsRate():
				den := stock
				if d.agg != AggLast {
					den = scalePoisson(r, lambda)
				}
				n := scaleBinomial(r, den, p)
				switch {
				case rateOnly && den == 0:
					v.State = StateMissing
				case rateOnly:
					per := 100.0
					if in.Unit == UnitRate {
						per = 1000
					}
					v.Rate = g.num(math.Round(n/den*per*10) / 10)
				default:
					v.Num, v.Den = g.num(n), g.num(den)
				}
			case d.agg == AggLast:
				v.Num = g.num(stock)
			default:
				v.Num = g.num(scalePoisson(r, lambda))
			}
			g.rows = append(g.rows, v)
		}
	}
}

// scaleStock answers a stock's next month: each of its members leaves
// with probability stockTurnover and newcomers arrive at the rate that
// keeps it at lambda on average; the first month draws it afresh.
func scaleStock(r scaleRand, stock, lambda float64) float64 {
	if stock < 0 {
		return scalePoisson(r, lambda)
	}
	return stock - scaleBinomial(r, stock, stockTurnover) + scalePoisson(r, lambda*stockTurnover)
}

type scaleRand interface {
	Float64() float64
	NormFloat64() float64
}

// scalePoisson draws from a Poisson distribution (Knuth's method for
// small means, the normal approximation above).
func scalePoisson(r scaleRand, lambda float64) float64 {
	if lambda <= 0 {
		return 0
	}
	if lambda > 30 {
		return math.Max(0, math.Round(lambda+math.Sqrt(lambda)*r.NormFloat64()))
	}
	l, k, p := math.Exp(-lambda), 0.0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// scaleBinomial draws how many of n succeed with probability p (one by
// one for small n, the normal approximation above).
func scaleBinomial(r scaleRand, n, p float64) float64 {
	if n <= 0 || p <= 0 {
		return 0
	}
	if p >= 1 {
		return n
	}
	if n <= 40 {
		k := 0.0
		for range int(n) {
			if r.Float64() < p {
				k++
			}
		}
		return k
	}
	return math.Min(n, math.Max(0, math.Round(n*p+math.Sqrt(n*p*(1-p))*r.NormFloat64())))
}
