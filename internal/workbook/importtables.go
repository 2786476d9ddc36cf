package workbook

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/measure"
	"github.com/samvirke/samvirke/internal/tabular"
)

// ChapterSource is a filled-in chapter to import: its text and, when it
// was read from a Word document, its tables with the stretch of the text
// each fills. Pasted text, a text file and text copied out of a PDF have
// no tables: a table's cells come through as lines of text, and nothing
// tells them from the answer around them.
type ChapterSource struct {
	Text   string
	Tables []tabular.DocumentTable
	Word   bool // read from a Word document (.docx)
	// T names the statuses of goals and measures in every language (a
	// catalogue's T), as a table's Status column may; nil accepts only
	// their codes.
	T func(locale, key string, args ...any) string
}

// ReadChapterFile reads an uploaded chapter: a Word document's (.docx)
// text (paragraphs and table cells, a line each) and its tables, or a text
// file as it is (UTF-8). Errors: app.EInvalid "workbook.import.error.file"
// for anything else, app.ETooLarge when the file or its text is too large.
func ReadChapterFile(data []byte) (ChapterSource, error) {
	if len(data) > MaxImportFileBytes {
		return ChapterSource{}, app.Errorf(app.ETooLarge, "import.error.too_large", "max", app.ByteSize(MaxImportFileBytes))
	}
	src := ChapterSource{Text: string(data)}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		lim := tabular.DefaultLimits
		lim.MaxBytes = MaxImportFileBytes
		doc, err := tabular.ReadDocument(data, lim)
		if err != nil {
			if ae := app.AsError(err); ae != nil && ae.Code == app.ETooLarge {
				return ChapterSource{}, err
			}
			return ChapterSource{}, app.Errorf(app.EInvalid, "workbook.import.error.file").Wrap(err)
		}
		src = ChapterSource{Text: doc.Text, Tables: doc.Tables, Word: true}
	} else if !utf8.ValidString(src.Text) {
		return ChapterSource{}, app.Errorf(app.EInvalid, "workbook.import.error.file")
	}
	if len(src.Text) > MaxImportBytes {
		return ChapterSource{}, app.Errorf(app.ETooLarge, "workbook.import.error.too_long", "max", MaxImportBytes>>20)
	}
	return src, nil
}

// chapterTables is a Word document's tables as TablesToken writes them.
type chapterTables struct {
	Sum    string         `json:"sum"` // the text's SHA-256, hex
	Tables []chapterTable `json:"tables"`
}

type chapterTable struct {
	Number int        `json:"n"`
	Start  int        `json:"s"`
	End    int        `json:"e"`
	Rows   [][]string `json:"rows"`
}

// TablesToken answers src's tables for a form to send back with the text
// after the preview ("" when it has none): a browser does not send a
// chosen file again. They point into the text, so ChapterWithTables uses
// them only with the same text.
func (src ChapterSource) TablesToken() string {
	if len(src.Tables) == 0 {
		return ""
	}
	sum := sha256.Sum256([]byte(src.Text))
	ct := chapterTables{Sum: hex.EncodeToString(sum[:])}
	for _, t := range src.Tables {
		ct.Tables = append(ct.Tables, chapterTable{t.Number, t.Start, t.End, t.Rows})
	}
	b, _ := json.Marshal(ct)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ChapterWithTables is the chapter a form sends back after the preview:
// its text and, when token holds the tables of exactly that text (line
// ends as a browser sends them, \r\n, are read as \n), the Word
// document's tables. Text that was changed, or a token that is not one,
// is text only.
func ChapterWithTables(text, token string) ChapterSource {
	if token == "" {
		return ChapterSource{Text: text}
	}
	lf := strings.ReplaceAll(text, "\r\n", "\n")
	var ct chapterTables
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || json.Unmarshal(b, &ct) != nil {
		return ChapterSource{Text: text}
	}
	sum := sha256.Sum256([]byte(lf))
	if ct.Sum != hex.EncodeToString(sum[:]) {
		return ChapterSource{Text: text}
	}
	src := ChapterSource{Text: lf, Word: true}
	for _, t := range ct.Tables {
		width := 0
		for _, r := range t.Rows {
			width = max(width, len(r))
		}
		for i, r := range t.Rows { // every row as wide as the widest, as tabular answers them
			t.Rows[i] = append(r, make([]string, width-len(r))...)
		}
		src.Tables = append(src.Tables, tabular.DocumentTable{Table: &tabular.Table{Number: t.Number, Rows: t.Rows}, Start: t.Start, End: t.End})
	}
	return src
}

// Warning keys of a Word document's tables. Args: "table" (its place in
// the document, from 1), "row" (as the table shows it, the header row 1),
// "column" (the header as written), "value" (the cell).
const (
	// A measure's deadline looks like a day but is none («32.13.2016»):
	// the measure is imported with the deadline kept as written.
	ImportWarnDeadline = "workbook.import.deadline_unread"
	// A table of goals or measures with a cell that cannot be read: the
	// table is kept, as a table, in the answer it stands in.
	ImportWarnTableKept = "workbook.import.table_kept"
)

// importTable is a table of the document, as the import takes it: rows
// of goals or measures of the statement it stands in, or Markdown kept in
// the answer it stands in.
type importTable struct {
	tabular.DocumentTable
	rows     bool // goals or measures: its text is left out of the answer
	goals    []Goal
	measures []Measure
	warnings []Warning
	md       string
}

// chapterMeasureColumns are measureColumns with the deadline kept as
// written, to be read by MeasureInput.Validate.
func chapterMeasureColumns(t func(locale, key string, args ...any) string) []tabular.Column {
	cols := measureColumns(t)
	for i := range cols {
		if cols[i].Key == "deadline" {
			cols[i].Parse = tabular.Text(MaxShortText)
		}
	}
	return cols
}

// goalColumns are the columns of a table of measurable goals, by the
// headers Norwegian, Swedish, Danish and English plans give them.
func goalColumns() []tabular.Column {
	text := tabular.Text(MaxShortText)
	return []tabular.Column{
		{Key: "statement", Required: true, Parse: tabular.Text(MaxLongText),
			Headers: []string{"Mål", "Målbare mål", "Delmål", "Målsetting", "Målsättning", "Målsætning", "Goal", "Goals"}},
		{Key: "indicator", Parse: text, Headers: []string{"Indikator", "Indicator"}},
		{Key: "baseline", Parse: text, Headers: []string{"Utgangsverdi", "Utgangsnivå", "Utgångsvärde", "Udgangspunkt", "Nå", "Nu", "Baseline"}},
		{Key: "target", Parse: text, Headers: []string{"Målverdi", "Målnivå", "Målvärde", "Målværdi", "Target"}},
		{Key: "unit", Parse: text, Headers: []string{"Enhet", "Enhed", "Unit"}},
		{Key: "target_date", Parse: text, Headers: []string{"Måldato", "Måldatum", "Nås innen", "Target date"}},
		{Key: "status", Parse: text, Headers: []string{"Status"}},
	}
}

// readImportTable takes a table of the document: a table whose header
// names a measure's description is its statement's measures, one naming a
// goal its goals; any other (statement B's arenas: arena, purpose,
// participants, frequency) is kept as a Markdown table. A table of goals
// or measures with a cell that cannot be read is kept as Markdown too,
// with a warning: nothing is lost.
func readImportTable(dt tabular.DocumentTable, t func(locale, key string, args ...any) string, seasons measure.Seasons) importTable {
	it := importTable{DocumentTable: dt}
	kept := func(p tabular.Problem) importTable {
		it.rows, it.goals, it.measures, it.warnings = false, nil, nil, []Warning{{Key: ImportWarnTableKept,
			Args: map[string]any{"table": dt.Number, "row": p.Row, "column": p.Column}}}
		it.md = markdownTable(dt.Rows)
		return it
	}
	if recs, probs := dt.Map(chapterMeasureColumns(t)); !noHeader(probs) {
		if len(probs) > 0 {
			return kept(probs[0])
		}
		it.rows = true
		for _, r := range recs {
			in := measureInputOf(r)
			in.Seasons = seasons
			m, errs := in.Validate(nil)
			m.DeadlineText = in.Deadline // as written; Deadline is its due day when it has one
			if errs["deadline"] != "" {
				it.warnings = append(it.warnings, Warning{Key: ImportWarnDeadline,
					Args: map[string]any{"table": dt.Number, "row": r.Row, "value": in.Deadline}})
			}
			it.measures = append(it.measures, m)
		}
		return it
	}
	cols := goalColumns()
	if recs, probs := dt.Map(cols); !noHeader(probs) {
		if len(probs) > 0 {
			return kept(probs[0])
		}
		it.rows = true
		for _, r := range recs {
			text := func(k string) string { s, _ := r.Values[k].(string); return strings.TrimSpace(s) }
			in := GoalInput{Statement: text("statement"), Indicator: text("indicator"), Baseline: text("baseline"),
				Target: text("target"), Unit: text("unit"), TargetDate: text("target_date"), Status: text("status")}
			g, errs := in.Validate()
			for _, c := range cols {
				if errs[c.Key] != "" {
					return kept(tabular.Problem{Row: r.Row, Column: headerOf(dt.Table, c)})
				}
			}
			it.goals = append(it.goals, g)
		}
		return it
	}
	it.md = markdownTable(dt.Rows)
	return it
}

// noHeader reports whether Map found no header naming the columns.
func noHeader(ps tabular.Problems) bool {
	return len(ps) == 1 && ps[0].Row == 0 && ps[0].Err != nil && ps[0].Err.Key == "import.error.no_header"
}

// headerOf answers the header cell naming column c, as written.
func headerOf(t *tabular.Table, c tabular.Column) string {
	for _, row := range t.Rows {
		for _, cell := range row {
			for _, h := range c.Headers {
				if strings.EqualFold(strings.TrimSpace(cell), h) {
					return strings.TrimSpace(cell)
				}
			}
		}
	}
	return c.Headers[0]
}

// markdownTable writes rows as a GitHub-flavoured Markdown table, the
// first row its header. A cell's line breaks become spaces and its pipes
// are escaped, so each row stays one line.
func markdownTable(rows [][]string) string {
	if len(rows) == 0 || len(rows[0]) == 0 {
		return ""
	}
	var b strings.Builder
	line := func(cells []string) {
		b.WriteString("|")
		for _, c := range cells {
			c = strings.Join(strings.Fields(c), " ")
			c = strings.ReplaceAll(strings.ReplaceAll(c, `\`, `\\`), "|", `\|`)
			b.WriteString(" " + c + " |")
		}
		b.WriteString("\n")
	}
	line(rows[0])
	line(slices.Repeat([]string{"---"}, len(rows[0])))
	for _, r := range rows[1:] {
		line(r)
	}
	return strings.TrimSuffix(b.String(), "\n")
}
