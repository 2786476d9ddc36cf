package indicator

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/tabular"
)

// ImportLimits bound a file of values: a municipality's figures for some
// years, not a statistics bureau's table.
var ImportLimits = tabular.Limits{
	MaxBytes: 1 << 20, MaxRows: MaxBatch + 50, MaxColumns: 40, MaxCell: MaxNote * 4,
	MaxEntries: 300, MaxUnpacked: 32 << 20,
}

// ImportRow is one figure a file holds, with the row the spreadsheet
// shows it on.
type ImportRow struct {
	Row   int
	Sheet string
	Table int
	Entry Entry
}

// ImportResult is what an import read (the preview) and, when confirmed,
// how many figures it changed.
type ImportResult struct {
	Rows    []ImportRow
	Written bool
	Changed int
}

// Column keys of an import, in the order a template file gives them.
const (
	colCode     = "code"
	colPeriod   = "period"
	colCategory = "category"
	colNum      = "num"
	colDen      = "den"
	colRate     = "rate"
	colSource   = "source"
	colAsOf     = "as_of"
	colFinal    = "final"
	colNote     = "note"
)

var yesNo = map[string]string{
	"ja": "true", "yes": "true", "true": "true", "1": "true", "x": "true", "endelig": "true", "slutlig": "true", "final": "true",
	"nei": "false", "nej": "false", "no": "false", "false": "false", "0": "false", "foreløpig": "false", "preliminär": "false",
	"foreløbig": "false", "preliminary": "false",
}

func sourceChoices() map[string]string {
	m := map[string]string{"egen": SourceOwn, "eget": SourceOwn, "egen registrering": SourceOwn, "own registration": SourceOwn,
		"annen": SourceOther, "annan": SourceOther, "anden": SourceOther}
	for _, s := range Sources {
		m[s] = s
	}
	return m
}

// importColumns are the columns of a file of values, by their headers in
// the four languages.
var importColumns = []tabular.Column{
	{Key: colCode, Required: true, Parse: tabular.Text(MaxCode * 2),
		Headers: []string{"Indikator", "Indikatorkode", "Kode", "Kod", "Indicator", "Indicator code", "Code"}},
	{Key: colPeriod, Required: true, Parse: tabular.Text(20), Headers: []string{"Periode", "Period", "Tidsperiode"}},
	{Key: colCategory, Parse: tabular.Text(MaxCode * 2), Headers: []string{"Kategori", "Category"}},
	{Key: colNum, Parse: tabular.Decimal,
		Headers: []string{"Teller", "Antall", "Täljare", "Antal", "Tæller", "Numerator", "Count", "Numerator/count", "Teller/antall", "Täljare/antal", "Tæller/antal"}},
	{Key: colDen, Parse: tabular.Decimal, Headers: []string{"Nevner", "Nämnare", "Nævner", "Denominator"}},
	{Key: colRate, Parse: tabular.Decimal, Headers: []string{"Andel", "Andel (%)", "Rate", "Share", "Rate (%)"}},
	{Key: colSource, Parse: tabular.OneOf(sourceChoices()), Headers: []string{"Kilde", "Källa", "Source"}},
	{Key: colAsOf, Parse: tabular.Date, Headers: []string{"Per dato", "Pr. dato", "Per datum", "Dato", "Datum", "As of", "Date"}},
	{Key: colFinal, Parse: tabular.OneOf(yesNo), Headers: []string{"Endelig", "Slutlig", "Final"}},
	{Key: colNote, Parse: tabular.Text(MaxNote), Headers: []string{"Merknad", "Kommentar", "Anmärkning", "Bemærkning", "Note", "Comment"}},
}

// fieldColumn maps an Entry's field (as its errors name it) to the
// import column that holds it.
var fieldColumn = map[string]string{
	"indicator": colCode, "period": colPeriod, "category": colCategory, "numerator": colNum, "denominator": colDen,
	"rate": colRate, "source": colSource, "note": colNote, "state": colNum,
}

// Import reads a file of o's values (XLSX or CSV: indicator code, period,
// category, numerator or count, denominator, rate, source, as of, final,
// note; headers in any of the four languages) and checks every figure as
// Save does. Every problem is answered as tabular.Problems naming its row
// and column, and nothing is written. Without confirm it writes nothing
// (the preview); with confirm it saves all or nothing. Each call counts
// against ImportsPerHour for actor (app.ETooMany).
func (s *Service) Import(ctx context.Context, o *org.Organisation, actor int64, data []byte, confirm bool) (*ImportResult, error) {
	if o.Kind != org.KindMunicipality {
		return nil, app.Errorf(app.EForbidden, "indicator.error.municipality_only")
	}
	if actor != 0 {
		if s.Limits == nil {
			return nil, fmt.Errorf("indicator: no limiter for imports")
		}
		if err := s.Limits.Take(ctx, ImportsPerHour, fmt.Sprint("user:", actor)); err != nil {
			return nil, err
		}
	}
	book, err := tabular.Read(data, ImportLimits)
	if err != nil {
		return nil, err
	}
	recs, probs := book.MapAll(importColumns)
	if len(probs) > 0 {
		return nil, probs
	}
	if len(recs) == 0 {
		return nil, app.Errorf(app.EInvalid, "import.error.empty")
	}
	res := &ImportResult{}
	entries := make([]Entry, len(recs))
	for i, r := range recs {
		e := Entry{}
		e.Code, _ = r.Values[colCode].(string)
		e.Period, _ = r.Values[colPeriod].(string)
		e.Category, _ = r.Values[colCategory].(string)
		e.Num = floatOf(r.Values[colNum])
		e.Den = floatOf(r.Values[colDen])
		e.Rate = floatOf(r.Values[colRate])
		e.Source, _ = r.Values[colSource].(string)
		if d, ok := r.Values[colAsOf].(time.Time); ok {
			e.AsOf = &d
		}
		if f, ok := r.Values[colFinal].(string); ok {
			final := f == "true"
			e.Final = &final
		}
		e.Note, _ = r.Values[colNote].(string)
		entries[i] = e
		res.Rows = append(res.Rows, ImportRow{Row: r.Row, Sheet: r.Sheet, Table: r.Table, Entry: e})
	}
	n, err := s.save(ctx, o, actor, entries, saveOptions{dryRun: !confirm})
	var be *BatchError
	if errors.As(err, &be) {
		return nil, importProblems(book, recs, be)
	}
	if err != nil {
		return nil, err
	}
	// Save normalises entries (the source, the state): the preview shows them so.
	for i := range res.Rows {
		res.Rows[i].Entry = entries[i]
	}
	res.Written, res.Changed = confirm, n
	return res, nil
}

func floatOf(v any) *float64 {
	if f, ok := v.(float64); ok {
		return &f
	}
	return nil
}

// importProblems maps Save's refusals back to the file: an entry's index
// to its row, its field to the column holding it.
func importProblems(book *tabular.Book, recs []Record, be *BatchError) tabular.Problems {
	cols := headerPositions(book)
	var out tabular.Problems
	for _, re := range be.Rows {
		if re.Index < 0 || re.Index >= len(recs) {
			continue
		}
		r := recs[re.Index]
		p := tabular.Problem{Row: r.Row, Sheet: r.Sheet, Table: r.Table, Err: re.Err}
		if h, ok := cols[tableKey{r.Sheet, r.Table}][fieldColumn[re.Err.Field]]; ok {
			p.Column, p.Letter = h.header, h.letter
		}
		out = append(out, p)
		if len(out) >= tabular.MaxProblems {
			break
		}
	}
	return out
}

// Record is tabular's: a row's values with where it stands.
type Record = tabular.Record

type tableKey struct {
	sheet string
	table int
}

type headerCell struct{ header, letter string }

// headerPositions finds, per table of book, the header row (among the
// first ten, the one naming the most columns) and each column's header
// and letter, as tabular.Map found them.
func headerPositions(book *tabular.Book) map[tableKey]map[string]headerCell {
	out := map[tableKey]map[string]headerCell{}
	for _, tb := range book.Tables {
		key := tableKey{}
		if len(book.Tables) > 1 {
			if tb.Name != "" {
				key.sheet = tb.Name
			} else {
				key.table = tb.Number
			}
		}
		best := map[string]headerCell{}
		for i := 0; i < len(tb.Rows) && i < 10; i++ {
			found := map[string]headerCell{}
			for _, c := range importColumns {
				for j, cell := range tb.Rows[i] {
					if headerMatches(cell, c.Headers) {
						found[c.Key] = headerCell{strings.TrimSpace(cell), tabular.ColumnLetter(j + 1)}
						break
					}
				}
			}
			if len(found) > len(best) {
				best = found
			}
		}
		out[key] = best
	}
	return out
}

func headerMatches(cell string, headers []string) bool {
	norm := func(s string) string {
		return strings.TrimRight(strings.Join(strings.Fields(strings.ToLower(s)), " "), ":* ")
	}
	c := norm(cell)
	for _, h := range headers {
		if c == norm(h) {
			return true
		}
	}
	return false
}
