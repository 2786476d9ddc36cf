package tabular

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/i18n"
)

// Column is one field an import fills, found by its header.
type Column struct {
	Key      string   // the field it fills
	Headers  []string // header texts naming it, in any of the languages; case and spacing are ignored
	Required bool     // the column must be there and hold a value on every row
	// FillDown gives an empty cell the value above it, as in a plan that
	// names its area once for the rows under it.
	FillDown bool
	// Parse turns a cell into the field's value; nil keeps the text. An
	// empty cell is never parsed: it is absent from the record.
	Parse func(string) (any, *app.Error)
}

// Record is one row's values by column key, with the row number the
// spreadsheet shows.
type Record struct {
	Row    int
	Values map[string]any
	Sheet  string // as Problem's
	Table  int
}

// Problem is one thing wrong with a file: where (the row as the
// spreadsheet shows it, the column's header as written and its letter;
// zero values for the file as a whole) and what (the error, with its
// translation key).
type Problem struct {
	Row    int
	Column string
	Letter string
	Err    *app.Error
	// Sheet and Table say which table of a book of several: the sheet's
	// name, or (a Word document) the table's place from 1. Zero values
	// for a book of one table.
	Sheet string
	Table int
}

// Message is the problem as a user reads it, in the words of t (a
// catalogue's T for the page's locale): «Row 7, column C (Frist): …».
func (p Problem) Message(t func(key string, args ...any) string) string {
	msg := t(p.Err.Key, p.Err.Args)
	switch {
	case p.Row > 0 && p.Letter != "":
		msg = t("import.problem.cell", "row", p.Row, "column", p.Letter, "header", p.Column, "message", msg)
	case p.Row > 0:
		msg = t("import.problem.row", "row", p.Row, "message", msg)
	}
	switch {
	case p.Sheet != "":
		return t("import.problem.sheet", "sheet", p.Sheet, "message", msg)
	case p.Table > 0:
		return t("import.problem.table", "table", p.Table, "message", msg)
	}
	return msg
}

// Problems is every problem of one file; as an error it is EInvalid.
type Problems []Problem

func (ps Problems) Error() string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteString("; ")
		}
		if p.Row > 0 {
			fmt.Fprintf(&b, "row %d ", p.Row)
		}
		if p.Letter != "" {
			fmt.Fprintf(&b, "column %s (%s) ", p.Letter, p.Column)
		}
		b.WriteString(p.Err.Key)
	}
	return b.String()
}

// MaxProblems is how many problems one file reports; a file with more is
// usually the wrong file, and the first ones say so.
const MaxProblems = 100

// headerRows is how far down Map looks for the header: titles and notes
// often stand above a table.
const headerRows = 10

// Map finds the header row among the first rows (the one naming the most
// columns, all required ones included), then turns every row under it
// into a Record. Blank rows are skipped. It answers every problem it
// finds, up to MaxProblems; a caller writes nothing unless there are none.
func (t *Table) Map(cols []Column) ([]Record, Problems) {
	head, at := t.header(cols)
	if head < 0 {
		var names []string
		for _, c := range cols {
			if c.Required {
				names = append(names, "«"+c.Headers[0]+"»")
			}
		}
		return nil, Problems{{Err: app.Errorf(app.EInvalid, "import.error.no_header", "columns", strings.Join(names, ", "))}}
	}
	var (
		recs []Record
		ps   Problems
		last = make([]string, len(cols)) // the cells above, for FillDown
	)
	for i := head + 1; i < len(t.Rows) && len(ps) < MaxProblems; i++ {
		row := t.Rows[i]
		if blank(row) {
			continue
		}
		rec := Record{Row: i + 1, Values: map[string]any{}}
		for ci, c := range cols {
			j := at[ci]
			if j < 0 {
				continue
			}
			cell := strings.TrimSpace(row[j])
			if c.FillDown {
				if cell == "" {
					cell = last[ci]
				}
				last[ci] = cell
			}
			where := Problem{Row: i + 1, Column: strings.TrimSpace(t.Rows[head][j]), Letter: ColumnLetter(j + 1)}
			if cell == "" {
				if c.Required {
					where.Err = app.Errorf(app.EInvalid, "import.error.required")
					ps = append(ps, where)
				}
				continue
			}
			if c.Parse == nil {
				rec.Values[c.Key] = cell
				continue
			}
			v, err := c.Parse(cell)
			if err != nil {
				where.Err = err
				ps = append(ps, where)
				continue
			}
			rec.Values[c.Key] = v
		}
		recs = append(recs, rec)
	}
	if len(ps) > 0 {
		return nil, ps
	}
	return recs, nil
}

// MapAll maps every table of the book whose header names the columns,
// in book order: an action plan in Word often has one table per area, a
// workbook one sheet per year. Records and problems of a book of several
// tables say which table they come from. A book where no table has the
// header answers the first table's problem.
func (b *Book) MapAll(cols []Column) ([]Record, Problems) {
	var (
		recs  []Record
		ps    Problems
		first Problems
		found bool
	)
	for _, tb := range b.Tables {
		rs, tps := tb.Map(cols)
		if len(tps) == 1 && tps[0].Row == 0 && tps[0].Err.Key == "import.error.no_header" {
			if first == nil {
				first = tps
			}
			continue
		}
		found = true
		for i := range rs {
			rs[i].Sheet, rs[i].Table = b.where(tb)
		}
		for i := range tps {
			tps[i].Sheet, tps[i].Table = b.where(tb)
		}
		recs, ps = append(recs, rs...), append(ps, tps...)
		if len(ps) >= MaxProblems {
			ps = ps[:MaxProblems]
			break
		}
	}
	if !found {
		return nil, first
	}
	if len(ps) > 0 {
		return nil, ps
	}
	return recs, nil
}

// where names tb within b, for a book of several tables.
func (b *Book) where(tb *Table) (string, int) {
	if len(b.Tables) < 2 {
		return "", 0
	}
	if tb.Name != "" {
		return tb.Name, 0
	}
	return "", tb.Number
}

// header answers the index of the header row and, per column, the index
// of its cell (-1: absent); -1 when no row names every required column.
func (t *Table) header(cols []Column) (int, []int) {
	best, bestAt, bestN := -1, []int(nil), 0
	for i := 0; i < len(t.Rows) && i < headerRows; i++ {
		at := make([]int, len(cols))
		n, ok := 0, true
		for ci, c := range cols {
			at[ci] = -1
			for j, cell := range t.Rows[i] {
				if matches(cell, c.Headers) {
					at[ci] = j
					n++
					break
				}
			}
			if at[ci] < 0 && c.Required {
				ok = false
			}
		}
		if ok && n > bestN {
			best, bestAt, bestN = i, at, n
		}
	}
	return best, bestAt
}

func matches(cell string, headers []string) bool {
	c := normHeader(cell)
	for _, h := range headers {
		if c == normHeader(h) {
			return true
		}
	}
	return false
}

// normHeader folds a header for comparison: lower case, single spaces,
// without a trailing colon or asterisk.
func normHeader(s string) string {
	s = strings.Join(strings.Fields(strings.ToLower(s)), " ")
	return strings.TrimRight(s, ":* ")
}

// Text is a Parse for free text of at most n characters.
func Text(n int) func(string) (any, *app.Error) {
	return func(s string) (any, *app.Error) {
		if utf8.RuneCountInString(s) > n {
			return nil, app.Errorf(app.EInvalid, "import.error.text_too_long", "max", n)
		}
		return s, nil
	}
}

// Decimal is a Parse for numbers as Nordic and English spreadsheets show
// them: "12,5", "12.5", "1 234,5", "1.234,5", "1,234.5", "−3", "70 %"
// (a percent sign is allowed and dropped: the column says what it
// counts). It answers a float64.
func Decimal(s string) (any, *app.Error) {
	f, ok := ParseDecimal(s)
	if !ok {
		return nil, app.Errorf(app.EInvalid, "import.error.number", "value", s)
	}
	return f, nil
}

// ParseDecimal reads a number as Decimal describes.
func ParseDecimal(s string) (float64, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r) || r == '\u00a0' || r == '\u202f' || r == '\'':
			return -1
		case r == '\u2212' || r == '\u2013':
			return '-'
		}
		return r
	}, s)
	comma, dot := strings.Count(s, ","), strings.Count(s, ".")
	switch {
	case comma > 0 && dot > 0: // the later mark is the decimal one
		if strings.LastIndex(s, ",") > strings.LastIndex(s, ".") {
			s = strings.ReplaceAll(strings.ReplaceAll(s, ".", ""), ",", ".")
		} else {
			s = strings.ReplaceAll(s, ",", "")
		}
	case comma == 1:
		s = strings.Replace(s, ",", ".", 1)
	case comma > 1: // 1,234,567
		s = strings.ReplaceAll(s, ",", "")
	case dot > 1: // 1.234.567
		s = strings.ReplaceAll(s, ".", "")
	}
	if s == "" || strings.ContainsAny(s, "eEx") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// Integer is a Parse for whole numbers; it answers an int64.
func Integer(s string) (any, *app.Error) {
	f, ok := ParseDecimal(s)
	if !ok || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return nil, app.Errorf(app.EInvalid, "import.error.integer", "value", s)
	}
	return int64(f), nil
}

// Date is a Parse for calendar days as spreadsheets in the three
// countries show them (i18n.ParseDate: ISO, day.month.year, with slashes
// or hyphens); it answers a time.Time at midnight UTC. An impossible day
// («32.13.2016») is refused, never kept as text.
func Date(s string) (any, *app.Error) {
	if d, ok := i18n.ParseDate(s); ok {
		return d, nil
	}
	return nil, app.Errorf(app.EInvalid, "import.error.date", "value", s)
}

// OneOf is a Parse for a value from a fixed set: each accepted text (any
// case) maps to the stored value.
func OneOf(choices map[string]string) func(string) (any, *app.Error) {
	folded := make(map[string]string, len(choices))
	for k, v := range choices {
		folded[strings.ToLower(strings.TrimSpace(k))] = v
	}
	return func(s string) (any, *app.Error) {
		if v, ok := folded[strings.ToLower(s)]; ok {
			return v, nil
		}
		return nil, app.Errorf(app.EInvalid, "import.error.choice", "value", s)
	}
}
