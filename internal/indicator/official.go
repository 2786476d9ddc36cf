package indicator

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/statdata"
)

// OfficialSources are the offices whose published statistics
// ImportOfficial reads, with the country each publishes for.
var OfficialSources = map[string]string{SourceSSB: "NO", SourceKolada: "SE", SourceSCB: "SE", SourceDST: "DK"}

// OfficialMap says how a source's observations become our values.
type OfficialMap struct {
	// Source is one of OfficialSources (ssb, kolada, scb, dst): the
	// provenance of every value and how region codes are read.
	Source string
	// Country is the country the figures are of ("": the source's).
	Country string
	// Codes maps the source's indicator code (a Kolada KPI, a JSON-stat
	// ContentsCode) to ours; observations of other codes are skipped.
	Codes map[string]string
	// Gender is the gender taken ("" or "T": the total only; "K", "M").
	Gender string
	// Filter keeps only observations whose other dimensions have these
	// categories (dimension id → category id), e.g. an age band.
	Filter map[string]string
	// AsOf is the date the source published the figures (nil: today).
	AsOf *time.Time
	// RegionDim names a JSON-stat dataset's region dimension when neither
	// its geo role nor the usual ids (Region, OMRÅDE …) find it, e.g. a
	// KOSTRA table's «KOKkommuneregion0000»; Kolada ignores it.
	RegionDim string
}

// Reasons an observation is skipped.
const (
	SkipCode     = "code"      // the source's code is not in the map
	SkipGender   = "gender"    // not the gender the map takes
	SkipFilter   = "filter"    // another category of a filtered dimension
	SkipRegion   = "region"    // a county, group, unit or unknown region: never taken for a municipality
	SkipUnknown  = "unknown"   // a municipality we do not have
	SkipPeriod   = "period"    // a period we cannot read
	SkipDuplicte = "duplicate" // a second observation for the same figure (an unfiltered dimension)
	SkipDeleted  = "deleted"   // withdrawn by the source
)

// OfficialResult counts what an import did.
type OfficialResult struct {
	Imported   int            // figures stored (municipalities' and national), including the two below
	Suppressed int            // stored as suppressed by the source (never 0)
	Missing    int            // stored as missing (never 0)
	National   int            // of Imported, the country's own figures
	Changed    int            // figures that differ from what was stored
	Skipped    map[string]int // by reason (Skip…)
	Orgs       int            // municipalities written to
}

// SkippedTotal answers how many observations were skipped.
func (r *OfficialResult) SkippedTotal() int {
	n := 0
	for _, c := range r.Skipped {
		n += c
	}
	return n
}

// OfficialError is an import refused: the observations (by their index)
// whose figures our checks refuse; nothing was written.
type OfficialError struct {
	Rows []RowError // Index: the observation's position
}

func (e *OfficialError) Error() string {
	return fmt.Sprintf("indicator: official import refused: %d figures (first, observation %d: %v)", len(e.Rows), e.Rows[0].Index, e.Rows[0].Err)
}

// officialPeriod converts a published period to our key: «2019», «2019M03»
// → 2019-03, «2020K1» → 2020Q1, Kolada's years.
func officialPeriod(s string) (Period, bool) {
	return ParsePeriod(s)
}

// ReadOfficial reads a source's response: Kolada's JSON for kolada, a
// JSON-stat dataset otherwise (Danish region codes for dst). It fills
// m.AsOf from the response's update time when the map has none. A
// scheduled fetch hands the bytes it fetched (statdata's URL builders)
// to ReadOfficial and then ImportOfficial.
func ReadOfficial(data []byte, m *OfficialMap) ([]statdata.Observation, error) {
	var obs []statdata.Observation
	var meta statdata.Meta
	var err error
	switch m.Source {
	case SourceKolada:
		obs, meta, err = statdata.ReadKolada(data)
	case SourceDST:
		obs, meta, err = statdata.ReadJSONStat(data, statdata.JSONStatMap{Region: m.RegionDim, Scheme: statdata.SchemeDenmark})
	case SourceSSB, SourceSCB:
		obs, meta, err = statdata.ReadJSONStat(data, statdata.JSONStatMap{Region: m.RegionDim, Scheme: statdata.SchemeNordic})
	default:
		return nil, app.Errorf(app.EInvalid, "indicator.error.source").WithField("source")
	}
	if err != nil {
		return nil, err
	}
	if m.AsOf == nil && meta.Updated != "" {
		if t, err := time.Parse(time.RFC3339, meta.Updated); err == nil {
			d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
			m.AsOf = &d
		}
	}
	return obs, nil
}

// municipalityNumber answers the official number a region code names:
// SSB's «K3232» is 3232.
func municipalityNumber(code string) string {
	if len(code) == 5 && code[0] == 'K' {
		return code[1:]
	}
	return code
}

// ImportOfficial stores official statistics as values: a municipality's
// row (by country and municipality number) as that municipality's figure,
// the country's row as the national figure (SaveNational); county, group
// and other rows are skipped and counted, never taken for a municipality.
// Only the map's codes and gender (the total by default) are taken. A
// suppressed cell is stored as suppressed and an unavailable one as
// missing, never as 0; a published rate without its counts is stored as
// a rate (RateOnly). Values are public, with the source, the as-of date
// and final or preliminary from the cell's status. It is system work,
// all or nothing: one refused figure (an *OfficialError naming the
// observations), a locked period or an unknown code writes nothing.
func (s *Service) ImportOfficial(ctx context.Context, obs []statdata.Observation, m OfficialMap) (*OfficialResult, error) {
	country, ok := OfficialSources[m.Source]
	if !ok {
		return nil, app.Errorf(app.EInvalid, "indicator.error.source").WithField("source")
	}
	if m.Country != "" {
		country = strings.ToUpper(m.Country)
	}
	if len(obs) > MaxBatch*10 {
		return nil, app.Errorf(app.EInvalid, "indicator.error.batch", "max", MaxBatch*10)
	}
	gender := m.Gender
	if gender == "" {
		gender = "T"
	}
	asOf := m.AsOf
	if asOf == nil {
		n := s.now()
		d := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
		asOf = &d
	}
	res := &OfficialResult{Skipped: map[string]int{}}
	err := db.RunTx(ctx, s.DB, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		var muns []*org.Organisation
		if err := tx.NewSelect().Model(&muns).Where("kind = ? AND country = ?", org.KindMunicipality, country).Scan(ctx); err != nil {
			return err
		}
		byNumber := map[string]*org.Organisation{}
		for _, o := range muns {
			byNumber[o.MunicipalityNumber] = o
		}
		type batch struct {
			o       *org.Organisation
			entries []Entry
			index   []int // the observation of each entry
		}
		batches := map[int64]*batch{}
		var order []int64
		var national []NationalEntry
		var nationalIndex []int
		seen := map[string]bool{}
		for i, ob := range obs {
			code, ok := m.Codes[ob.Indicator]
			switch {
			case !ok:
				res.Skipped[SkipCode]++
				continue
			case ob.Gender != "" && ob.Gender != gender:
				res.Skipped[SkipGender]++
				continue
			case !matches(ob.Extra, m.Filter):
				res.Skipped[SkipFilter]++
				continue
			case ob.Status == statdata.StatusDeleted:
				res.Skipped[SkipDeleted]++
				continue
			}
			p, ok := officialPeriod(ob.Period)
			if !ok {
				res.Skipped[SkipPeriod]++
				continue
			}
			var target *org.Organisation
			switch {
			case ob.RegionKind == statdata.KindMunicipality:
				if target = byNumber[municipalityNumber(ob.Region)]; target == nil {
					res.Skipped[SkipUnknown]++
					continue
				}
			case ob.RegionKind == statdata.KindCountry || ob.Region == "":
				// the country's row, or a dataset of the whole country
			default:
				res.Skipped[SkipRegion]++
				continue
			}
			key := fmt.Sprintf("%s|%s|%s", code, p.Key(), ob.Region)
			if seen[key] {
				res.Skipped[SkipDuplicte]++
				continue
			}
			seen[key] = true
			e := Entry{Code: code, Period: p.Key(), Source: m.Source, AsOf: asOf}
			final := ob.Status != statdata.StatusPreliminary
			e.Final = &final
			switch ob.Status {
			case statdata.StatusSuppressed:
				e.State = StateSuppressed
			case statdata.StatusMissing:
				e.State = StateMissing
			default:
				v := *ob.Value
				e.Num = &v // a rate indicator's figure becomes Rate below
			}
			if target == nil {
				national = append(national, NationalEntry{Country: country, Entry: e})
				nationalIndex = append(nationalIndex, i)
				continue
			}
			b := batches[target.ID]
			if b == nil {
				b = &batch{o: target}
				batches[target.ID] = b
				order = append(order, target.ID)
			}
			b.entries = append(b.entries, e)
			b.index = append(b.index, i)
		}
		var bad []RowError
		for _, id := range order {
			b := batches[id]
			if err := ratesOf(ctx, tx, b.o, b.entries, s.now()); err != nil {
				return err
			}
			n, err := s.saveTx(ctx, tx, b.o, 0, b.entries, VisibilityPublic, saveOptions{})
			if be, ok := err.(*BatchError); ok {
				for _, r := range be.Rows {
					bad = append(bad, RowError{Index: b.index[r.Index], Err: r.Err})
				}
				continue
			}
			if err != nil {
				return err
			}
			res.Changed += n
			res.Orgs++
			count(res, b.entries)
		}
		if len(national) > 0 {
			if err := nationalRates(ctx, tx, national); err != nil {
				return err
			}
			n, err := s.saveNationalTx(ctx, tx, national)
			if be, ok := err.(*BatchError); ok {
				for _, r := range be.Rows {
					bad = append(bad, RowError{Index: nationalIndex[r.Index], Err: r.Err})
				}
			} else if err != nil {
				return err
			}
			res.National, res.Changed = n, res.Changed+n
			for _, e := range national {
				count(res, []Entry{e.Entry})
			}
		}
		if len(bad) > 0 {
			slices.SortFunc(bad, func(a, b RowError) int { return a.Index - b.Index })
			return &OfficialError{Rows: bad}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func count(res *OfficialResult, entries []Entry) {
	for _, e := range entries {
		res.Imported++
		switch e.State {
		case StateSuppressed:
			res.Suppressed++
		case StateMissing:
			res.Missing++
		}
	}
}

// matches reports whether extra has filter's categories.
func matches(extra, filter map[string]string) bool {
	for k, v := range filter {
		if extra[k] != v {
			return false
		}
	}
	return true
}

// ratesOf turns published figures of rate indicators into rates without
// counts: a source publishes the share, not its parts.
func ratesOf(ctx context.Context, idb bun.IDB, o *org.Organisation, entries []Entry, day time.Time) error {
	byCode := map[string]*Indicator{}
	for i := range entries {
		e := &entries[i]
		ind, ok := byCode[e.Code]
		if !ok {
			var err error
			ind, err = resolve(ctx, idb, o, day, e.Code)
			if err != nil && app.ErrorCode(err) != app.ENotFound {
				return err
			}
			byCode[e.Code] = ind
		}
		if ind != nil && ind.IsRate() && e.Num != nil {
			e.Rate, e.Num = e.Num, nil
		}
	}
	return nil
}

// nationalRates is ratesOf for national figures (the national catalogue).
func nationalRates(ctx context.Context, idb bun.IDB, entries []NationalEntry) error {
	byCode := map[string]*Indicator{}
	for i := range entries {
		e := &entries[i]
		ind, ok := byCode[e.Code]
		if !ok {
			ind = new(Indicator)
			if err := idb.NewSelect().Model(ind).Where("owner_org_id IS NULL AND code = ?", e.Code).Scan(ctx); err != nil {
				ind = nil
			}
			byCode[e.Code] = ind
		}
		if ind != nil && ind.IsRate() && e.Num != nil {
			e.Rate, e.Num = e.Num, nil
		}
	}
	return nil
}
