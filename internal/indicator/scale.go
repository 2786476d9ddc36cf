package indicator

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/scale"
	"github.com/samvirke/samvirke/tenants"
)

// Scale is the indicators' slice of the scale data set: the national
// catalogue, and 40 monthly national indicators (the catalogue's monthly
// ones, then generated scale.* ones: counts of flows summed over a year,
// counts of stocks whose year is its last month, rates as numerator over
// denominator, amounts, one breakdown with a rule) with a value for every
// municipality and month of the ten years before the month of w.Now. Each
// municipality has a synthetic population (a few hundred to several
// hundred thousand), so small municipalities report small counts: about
// a fifth of the counts are from 1 to 9. Official statistics are public;
// a third of the municipalities publish their own registrations too, the
// others share them with their networks. The same seed makes the same
// values.
type Scale struct {
	// Months of values, ending with the month before w.Now; zero: 120.
	Months int
	// Indicators with values: the catalogue's monthly ones, then
	// generated scale.* ones; zero: 40.
	Indicators int
}

// Name implements scale.Slice.
func (Scale) Name() string { return "indicator values" }

// scaleChunk is how many municipalities' values are made and written at a
// time (about 100 000 rows), so the data set never sits in memory whole.
const scaleChunk = 20

// scaleSources are the official statistics of each country.
var scaleSources = map[string]string{"NO": SourceSSB, "SE": SourceSCB, "DK": SourceDST}

// scaleTrend is the yearly level of refugee arrivals relative to a
// usual year (high after 2015, low in the pandemic, high again with the
// arrivals from Ukraine).
var scaleTrend = map[int]float64{2014: 1.2, 2015: 1.5, 2016: 1.6, 2017: 1.3, 2018: 0.8, 2019: 0.6, 2020: 0.45,
	2021: 0.5, 2022: 1.4, 2023: 1.6, 2024: 1.1, 2025: 0.9, 2026: 0.8}

// Generate implements scale.Slice.
func (s Scale) Generate(ctx context.Context, bdb *bun.DB, w *scale.World) (int, error) {
	months, count := s.Months, s.Indicators
	if months <= 0 {
		months = 120
	}
	if count <= 0 {
		count = 40
	}
	inds, defs, rows, err := scaleIndicators(ctx, bdb, w.Now, count)
	if err != nil {
		return rows, err
	}
	last := PeriodOf(Monthly, w.Now).Start().AddDate(0, -1, 0)
	periods := make([]Period, months)
	for i := range periods {
		periods[i] = PeriodOf(Monthly, last.AddDate(0, i-months+1, 0))
	}
	// Values are made in order (the seed decides them) and written by
	// writers of their own: on PostgreSQL two, so that making, formatting
	// and the server's work overlap; SQLite takes one writer at a time.
	writers := 1
	if bdb.Dialect().Name() == dialect.PG {
		writers = 2
	}
	chunks := make(chan []Value, writers)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		written int
		failed  error
	)
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range chunks {
				n, err := scale.Insert(ctx, bdb, c)
				mu.Lock()
				written += n
				if err != nil && failed == nil {
					failed = err
				}
				mu.Unlock()
			}
		}()
	}
	for start := 0; start < len(w.Municipalities); start += scaleChunk {
		mu.Lock()
		stop := failed != nil
		mu.Unlock()
		if stop {
			break
		}
		g := scaleGen{w: w, inds: inds, defs: defs, periods: periods}
		for _, m := range w.Municipalities[start:min(start+scaleChunk, len(w.Municipalities))] {
			g.municipality(m.ID, m.Country)
		}
		chunks <- g.rows
	}
	close(chunks)
	wg.Wait()
	return rows + written, failed
}

// scaleIndicators loads the national catalogue and adds scale.*
// indicators until there are count monthly national ones, answering
// them with the definitions their values are made from and how many
// indicators it added.
func scaleIndicators(ctx context.Context, bdb *bun.DB, now time.Time, count int) ([]*Indicator, []scaleDef, int, error) {
	shipped, err := ReadDefinitions(tenants.Indicators, "indicators")
	if err != nil {
		return nil, nil, 0, err
	}
	if err := LoadCatalogue(ctx, bdb, shipped, now); err != nil {
		return nil, nil, 0, err
	}
	var inds []*Indicator
	err = db.Run(ctx, bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Model(&inds).Where("owner_org_id IS NULL AND periodicity = ?", Monthly).
			OrderExpr("position, code").Limit(int64(count)).Scan(ctx)
	})
	if err != nil {
		return nil, nil, 0, err
	}
	defs := make([]scaleDef, len(inds))
	for i, in := range inds {
		defs[i] = scaleDefOf(in)
	}
	var added []*Indicator
	for i := 0; len(inds)+len(added) < count; i++ {
		d := scaleDefs[i%len(scaleDefs)]
		if i >= len(scaleDefs) {
			d.code = fmt.Sprintf("%s.%d", d.code, i/len(scaleDefs)+1)
		}
		in := d.indicator(1000 + 10*i)
		in.CreatedAt, in.UpdatedAt = now, now
		if err := in.Validate(); err != nil {
			return nil, nil, 0, fmt.Errorf("%s: %w", d.code, err)
		}
		added, defs = append(added, in), append(defs, d)
	}
	n, err := scale.Insert(ctx, bdb, added)
	return append(inds, added...), defs, n, err
}

// indicator answers d as a catalogue row.
func (d scaleDef) indicator(position int) *Indicator {
	in := &Indicator{Code: d.code, Topic: d.topic, Names: scaleTexts(d.names), Unit: d.unit, Direction: d.dir,
		Periodicity: Monthly, Aggregation: d.agg, Source: SourceOwn, Numerator: scaleTexts(d.num), Denominator: scaleTexts(d.den),
		Rules: d.rules, ReportDay: 10, Position: position,
		Descriptions: Texts{"nb": "Generert for ytelsesmålinger.", "sv": "Genererad för prestandamätningar.",
			"da": "Genereret til ydelsesmålinger.", "en": "Generated for performance measurements."}}
	if d.official {
		in.Source, in.ReportDay = SourceSSB, 0
	}
	for _, c := range d.cats {
		in.Categories = append(in.Categories, Category{Key: c.key, Names: scaleTexts(c.names)})
	}
	fillTexts(in)
	return in
}

// scaleDefOf answers how to make values of a catalogue indicator: small
// flows, or a stock, of its unit.
func scaleDefOf(in *Indicator) scaleDef {
	d := scaleDef{code: in.Code, unit: in.Unit, agg: in.Aggregation, mean: 0.2, p: 0.6, official: in.Source != SourceOwn}
	if d.official {
		d.source = in.Source
	}
	if in.Aggregation == AggLast {
		d.mean = 2
	}
	if in.Unit == UnitRate {
		d.p = 0.01
	}
	if in.Unit == UnitAmount {
		d.mean = 10
	}
	for _, c := range in.Categories {
		d.cats = append(d.cats, scaleCat{key: c.Key, share: 1 / float64(len(in.Categories))})
	}
	return d
}
