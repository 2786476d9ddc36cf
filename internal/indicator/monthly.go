package indicator

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/chart"
	"github.com/samvirke/samvirke/internal/disclosure"
	"github.com/samvirke/samvirke/internal/document"
	"github.com/samvirke/samvirke/internal/org"
)

// The monthly report's indicators besides the settlement tracker's
// (tenants/indicators/population.yaml, introduction.yaml).
const (
	CodeRefugeesAdults      = "pop.refugees_adults"
	CodeRefugeeChildren     = "pop.refugee_children"
	CodeUnaccompaniedMinors = "pop.unaccompanied_minors"
	CodeHouseholds          = "pop.households"
	CodeIntroParticipants   = "intro.participants"
	CodeIntroOutcome        = "intro.outcome"
)

// MonthlyOptions say how a monthly report is printed: in which language,
// and whether as the municipality's public copy, where its own counts
// from 1 to the threshold read «under T+1» (as Nittedal's plan prints
// «Under 10») and what would give them away is withheld.
type MonthlyOptions struct {
	Locale string
	T      Translate
	Public bool
}

// MonthlyTable is one table of the monthly report, printed.
type MonthlyTable struct {
	Title string
	Head  []string // the first is the rows' heading (often empty)
	Rows  [][]string
	Notes []string
}

// MonthlyReport is a municipality's monthly indicator report for a month, in
// the shape of Nittedal's «Tall og statusrapport» (seed 002, 4.1).
type MonthlyReport struct {
	Org    *org.Organisation
	Month  Period
	Public bool
	Tables []MonthlyTable
	// Changed is when the figures and targets it prints last changed
	// (zero with none): the printed document's date, so that the same
	// figures print the same document.
	Changed time.Time
}

// monthlyBuilder lays out the report's counts as a disclosure table so
// that the public copy is protected the way a benchmark is.
type monthlyBuilder struct {
	base   []int64
	cells  []disclosure.Cell
	status []disclosure.Status
}

func (b *monthlyBuilder) add(xs ...float64) []int {
	var idx []int
	for _, x := range xs {
		idx = append(idx, len(b.base))
		b.base = append(b.base, int64(x))
	}
	return idx
}

func (b *monthlyBuilder) cell(parts []int) int {
	c := disclosure.Cell{Parts: make([]int32, len(parts))}
	for i, p := range parts {
		c.Parts[i] = int32(p)
	}
	b.cells = append(b.cells, c)
	return len(b.cells) - 1
}

// MonthlyReport answers o's monthly indicator report for month («2020-04»;
// a year «2020» means its last month, or the current month of this year)
// printed as o itself sees its figures (exactly), or with opt.Public as
// its public copy. Indicators the catalogue lacks leave their rows out.
// Errors: app.EInvalid for a month that is not one, not found for an
// organisation that is not a municipality.
func (s *Service) MonthlyReport(ctx context.Context, o *org.Organisation, month string, opt MonthlyOptions) (*MonthlyReport, error) {
	if o.Kind != org.KindMunicipality {
		return nil, errNotFound
	}
	m, ok := ParsePeriod(month)
	if ok && m.Kind == Yearly {
		// a year: its last month, or this month in the current year
		m = Period{Year: m.Year, Kind: Monthly, Index: 12}
		if now := PeriodOf(Monthly, s.now()); now.Year == m.Year {
			m = now
		}
	}
	if !ok || m.Kind != Monthly {
		return nil, app.Errorf(app.EInvalid, "indicator.error.period", "value", month).WithField("period")
	}
	rep := &MonthlyReport{Org: o, Month: m, Public: opt.Public}
	err := s.read(ctx, o, func(ctx context.Context, idb bun.IDB, groups []CompareGroup) error {
		inds := map[string]*Indicator{}
		var ids []int64
		for _, code := range []string{CodeRefugeesAdults, CodeRefugeeChildren, CodeUnaccompaniedMinors, CodeHouseholds,
			CodeSettleRequested, CodeSettleSettled, CodeSettleTotal, CodeSettleFamily, CodeIntroParticipants, CodeIntroOutcome} {
			ind, err := resolve(ctx, idb, o, s.now(), code)
			if app.ErrorCode(err) == app.ENotFound {
				continue
			}
			if err != nil {
				return err
			}
			inds[code] = ind
			ids = append(ids, ind.ID)
		}
		var vals []*Value
		if len(ids) > 0 {
			if err := idb.NewSelect().Model(&vals).Where("org_id = ? AND indicator_id IN (?)", o.ID, bun.In(ids)).
				Where("period_start >= ? AND period_start < ?", time.Date(m.Year-5, 1, 1, 0, 0, 0, 0, time.UTC), m.End()).Scan(ctx); err != nil {
				return err
			}
		}
		thr, err := s.thresholdFor(ctx, idb, groups, -1)
		if err != nil {
			return err
		}
		var targets []*Target
		if ind := inds[CodeIntroOutcome]; ind != nil {
			if targets, err = findTargets(ctx, idb, ind.ID, o, groups, m.End().AddDate(0, 0, -1)); err != nil {
				return err
			}
		}
		return rep.build(inds, vals, targets, thr, opt)
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// build lays out and prints the five tables.
func (rep *MonthlyReport) build(inds map[string]*Indicator, vals []*Value, targets []*Target, thr int, opt MonthlyOptions) error {
	p := Printer{Locale: opt.Locale, T: opt.T, Threshold: thr}
	for _, v := range vals {
		if v.EnteredAt.After(rep.Changed) {
			rep.Changed = v.EnteredAt
		}
	}
	for _, tg := range targets {
		if tg.CreatedAt.After(rep.Changed) {
			rep.Changed = tg.CreatedAt
		}
	}
	byKey := map[[3]string]*Value{}
	for _, v := range vals {
		for code, ind := range inds {
			if ind.ID == v.IndicatorID {
				byKey[[3]string{code, v.Period, v.Category}] = v
			}
		}
	}
	var b monthlyBuilder
	// value answers the base indexes of an indicator's figure for period
	// (every category of a breakdown), and whether it is so far.
	value := func(code string, period Period) ([]int, bool, bool) {
		ind := inds[code]
		if ind == nil {
			return nil, false, false
		}
		cats := []string{""}
		if ind.IsBreakdown() {
			cats = nil
			for _, c := range ind.Categories {
				cats = append(cats, c.Key)
			}
		}
		var idx []int
		found, prelim := false, false
		for _, c := range cats {
			v := byKey[[3]string{code, period.Key(), c}]
			if v == nil || v.State != StateOK || v.Num == nil {
				continue
			}
			found = true
			prelim = prelim || !v.Final
			idx = append(idx, b.add(*v.Num)...)
		}
		return idx, found, prelim || period.End().After(rep.Month.End())
	}
	type line struct {
		label string
		cells []int // cell indexes, -1 for none
		so    []bool
		rate  [][2]int // for a rule row: numerator and denominator cells
	}
	type table struct {
		title string
		head  []string
		lines []line
		notes []string
	}
	var tables []table
	y := rep.Month.Year
	// 1. Refugees in the municipality, by month.
	months := []Period{prevMonth(prevMonth(rep.Month)), prevMonth(rep.Month), rep.Month}
	t1 := table{title: p.T("indicator_benchmark.monthly.t1", "org", rep.Org.Name), head: []string{""}}
	for _, mp := range months {
		t1.head = append(t1.head, p.T("indicator_benchmark.monthly.per", "month", p.T("indicator_benchmark.month."+strconv.Itoa(mp.Index)), "year", strconv.Itoa(mp.Year)))
	}
	for _, code := range []string{CodeRefugeesAdults, CodeRefugeeChildren, CodeUnaccompaniedMinors, CodeHouseholds} {
		if inds[code] == nil {
			continue
		}
		l := line{label: inds[code].Name(p.Locale)}
		for _, mp := range months {
			idx, ok, _ := value(code, mp)
			c := -1
			if ok {
				c = b.cell(idx)
			}
			l.cells, l.so = append(l.cells, c), append(l.so, false)
		}
		t1.lines = append(t1.lines, l)
	}
	tables = append(tables, t1)
	// yearly answers a row of yearly figures of code over years.
	yearly := func(label, code string, years []int) line {
		l := line{label: label}
		for _, yr := range years {
			idx, ok, prelim := value(code, Period{Year: yr, Kind: Yearly})
			c := -1
			if ok {
				c = b.cell(idx)
			}
			l.cells, l.so = append(l.cells, c), append(l.so, ok && (prelim || yr == y))
		}
		return l
	}
	yearHead := func(years []int, soFar bool) []string {
		h := []string{""}
		for _, yr := range years {
			if soFar && yr == y {
				h = append(h, p.T("indicator_benchmark.monthly.so_far_year", "year", strconv.Itoa(yr)))
			} else {
				h = append(h, strconv.Itoa(yr))
			}
		}
		return h
	}
	last3 := []int{y - 2, y - 1, y}
	// 2. Settlement.
	if inds[CodeSettleRequested] != nil || inds[CodeSettleSettled] != nil {
		t := table{title: p.T("indicator_benchmark.monthly.t2"), head: yearHead(last3, false)}
		for _, code := range []string{CodeSettleRequested, CodeSettleSettled} {
			if inds[code] != nil {
				l := yearly(inds[code].Name(p.Locale), code, last3)
				if code == CodeSettleRequested {
					l.so = make([]bool, len(l.so))
				}
				t.lines = append(t.lines, l)
			}
		}
		tables = append(tables, t)
	}
	// 3. Everyone settled and family reunifications, the five years before.
	if inds[CodeSettleTotal] != nil || inds[CodeSettleFamily] != nil {
		years := []int{y - 5, y - 4, y - 3, y - 2, y - 1}
		t := table{title: p.T("indicator_benchmark.monthly.t3"), head: yearHead(years, false)}
		for _, code := range []string{CodeSettleTotal, CodeSettleFamily} {
			if inds[code] != nil {
				t.lines = append(t.lines, yearly(inds[code].Name(p.Locale), code, years))
			}
		}
		tables = append(tables, t)
	}
	// 4. Participants in the introduction programme.
	if ind := inds[CodeIntroParticipants]; ind != nil {
		l := yearly(ind.Name(p.Locale), CodeIntroParticipants, last3)
		l.so = make([]bool, len(l.so))
		tables = append(tables, table{title: p.T("indicator_benchmark.monthly.t4"), head: yearHead(last3, true), lines: []line{l}})
	}
	// 5. Outcomes by category, the total, and each rule's goal achievement.
	if ind := inds[CodeIntroOutcome]; ind != nil {
		t := table{title: p.T("indicator_benchmark.monthly.t5"), head: yearHead(last3, true)}
		cat := map[[2]int]int{} // [year index, category index] → base index
		totals := make([]int, len(last3))
		for yi, yr := range last3 {
			var all []int
			for ci, c := range ind.Categories {
				v := byKey[[3]string{CodeIntroOutcome, strconv.Itoa(yr), c.Key}]
				if v != nil && v.State == StateOK && v.Num != nil {
					i := b.add(*v.Num)[0]
					cat[[2]int{yi, ci}] = i
					all = append(all, i)
				}
			}
			totals[yi] = -1
			if len(all) > 0 {
				totals[yi] = b.cell(all)
			}
		}
		for ci, c := range ind.Categories {
			l := line{label: c.Names.Text(p.Locale)}
			for yi := range last3 {
				cell := -1
				if i, ok := cat[[2]int{yi, ci}]; ok {
					cell = b.cell([]int{i})
				}
				l.cells, l.so = append(l.cells, cell), append(l.so, false)
			}
			t.lines = append(t.lines, l)
		}
		t.lines = append(t.lines, line{label: p.T("indicator_benchmark.monthly.finished_total"), cells: totals, so: make([]bool, len(last3))})
		for _, r := range ind.Rules {
			l := line{label: r.Names.Text(p.Locale)}
			for yi := range last3 {
				var in []int
				for ci, c := range ind.Categories {
					if i, ok := cat[[2]int{yi, ci}]; ok && slices.Contains(r.Categories, c.Key) {
						in = append(in, i)
					}
				}
				num := -1
				if totals[yi] >= 0 {
					num = b.cell(append([]int{}, in...))
					if len(in) == 0 {
						num = -2 // zero: no category of the rule reported
					}
				}
				l.rate = append(l.rate, [2]int{num, totals[yi]})
			}
			t.lines = append(t.lines, l)
		}
		for _, tg := range targets {
			if tg.Level == TargetNational {
				t.notes = append(t.notes, p.T("indicator_benchmark.monthly.national_target", "value", p.Target(ind, tg), "rule", ruleName(ind, tg.Rule, p.Locale)))
			}
		}
		for _, tg := range targets {
			if tg.Level == TargetLocal {
				t.notes = append(t.notes, p.T("indicator_benchmark.monthly.local_target", "value", p.Target(ind, tg), "rule", ruleName(ind, tg.Rule, p.Locale)))
			}
		}
		tables = append(tables, t)
	}
	b.status = make([]disclosure.Status, len(b.cells))
	if rep.Public && len(b.base) > 0 {
		st, err := disclosure.Protect(disclosure.Table{Base: b.base, Cells: b.cells}, thr)
		if err != nil {
			return err
		}
		b.status = st
	}
	print := func(c int, so bool) string {
		switch {
		case c == -2:
			return "0"
		case c < 0:
			return "–"
		case b.status[c] == disclosure.Small:
			return p.Under()
		case b.status[c] == disclosure.Hidden:
			return p.Withheld()
		}
		var sum int64
		for _, i := range b.cells[c].Parts {
			sum += b.base[i]
		}
		s := p.Number(float64(sum), 0)
		if so {
			s += " " + p.T("indicator_benchmark.monthly.so_far")
		}
		return s
	}
	sum := func(c int) (float64, bool) {
		if c == -2 {
			return 0, true
		}
		if c < 0 || b.status[c] != disclosure.Shown {
			return 0, false
		}
		var s int64
		for _, i := range b.cells[c].Parts {
			s += b.base[i]
		}
		return float64(s), true
	}
	for _, t := range tables {
		mt := MonthlyTable{Title: t.title, Head: t.head, Notes: t.notes}
		for _, l := range t.lines {
			row := []string{l.label}
			if l.rate != nil {
				for _, r := range l.rate {
					n, nok := sum(r[0])
					d, dok := sum(r[1])
					if nok && dok && d > 0 {
						row = append(row, p.Number(n/d*100, 0)+"\u00a0%")
					} else {
						row = append(row, "–")
					}
				}
			} else {
				for i, c := range l.cells {
					row = append(row, print(c, l.so[i]))
				}
			}
			mt.Rows = append(mt.Rows, row)
		}
		rep.Tables = append(rep.Tables, mt)
	}
	return nil
}

func ruleName(ind *Indicator, key, locale string) string {
	if r, ok := ind.Rule(key); ok {
		return r.Names.Text(locale)
	}
	return ind.Name(locale)
}

func prevMonth(p Period) Period {
	if p.Index == 1 {
		return Period{Year: p.Year - 1, Kind: Monthly, Index: 12}
	}
	return Period{Year: p.Year, Kind: Monthly, Index: p.Index - 1}
}

// Document prints the report: its title, the month, and each table with
// its notes.
func (rep *MonthlyReport) Document(opt MonthlyOptions, now time.Time) *document.Document {
	title := opt.T("indicator_benchmark.monthly.title", "org", rep.Org.Name, "month",
		opt.T("indicator_benchmark.month_long."+strconv.Itoa(rep.Month.Index)), "year", strconv.Itoa(rep.Month.Year))
	d := &document.Document{Title: title, Created: now, Locale: opt.Locale, Author: rep.Org.Name,
		Format: chart.Format{Locale: opt.Locale, T: opt.T}}
	d.Add(&document.Heading{Level: 1, Text: title})
	if rep.Public {
		d.Add(&document.Paragraph{Text: opt.T("indicator_benchmark.monthly.public_note"), Style: document.Small})
	} else {
		d.Add(&document.Paragraph{Text: opt.T("indicator_benchmark.monthly.internal_note"), Style: document.Small})
	}
	for i, t := range rep.Tables {
		d.Add(&document.Heading{Level: 2, Text: strconv.Itoa(i+1) + ". " + t.Title})
		if len(t.Rows) == 0 {
			d.Add(&document.Paragraph{Text: opt.T("indicator_benchmark.no_rows"), Style: document.Muted})
			continue
		}
		widths := []float64{3}
		for range t.Head[1:] {
			widths = append(widths, 1)
		}
		d.Add(&document.Table{Head: t.Head, Rows: t.Rows, Widths: widths})
		for _, n := range t.Notes {
			d.Add(&document.Paragraph{Text: n})
		}
	}
	return d
}
