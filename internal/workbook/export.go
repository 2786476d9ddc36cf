package workbook

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ExportTexts translates the fixed texts of an export into the reader's
// language, replacing {name} placeholders from name, value pairs in args
// (the shape of i18n.Catalog.T bound to a locale). An unknown key may
// answer the key itself; status names then fall back to the stored value.
//
// The exports use these keys:
//
//	workbook.export.title          document title, also the first sheet's name
//	workbook.export.municipality   column heading
//	workbook.export.good_practice  the mark next to a municipality marked as good practice
//	workbook.export.goals          heading, and the goals sheet's name
//	workbook.export.measures       heading, and the measures sheet's name
//	workbook.export.responsible    column heading
//	workbook.export.deadline       column heading
//	workbook.export.status         column heading
//	workbook.export.generated      "Generated {date}", with arg "date"
//	workbook.export.section        column heading of the sections
//	workbook.export.continued      row heading where a long answer goes on: "{section} (continued, {part} of {parts})"
//	workbook.export.cut            note after a text cut to fit a spreadsheet cell
//	workbook.export.goal           column heading: the goal as written
//	workbook.export.indicator      column heading
//	workbook.export.baseline       column heading
//	workbook.export.target         column heading
//	workbook.export.unit           column heading
//	workbook.export.target_date    column heading
//	workbook.export.description    column heading of a measure
//	workbook.export.notes          column heading
//	workbook.export.no_answer      shown for a municipality without a shared answer
//	workbook.export.comments       heading, and the comments sheet's name
//	workbook.export.comment_author column heading: who wrote a comment
//	workbook.export.comment_org    column heading: the author's organisation
//	workbook.export.comment_date   column heading
//	workbook.export.comment        column heading: the comment's text
//	measure.status.planned, .in_progress, .done, .cancelled   status names
type ExportTexts func(key string, args ...any) string

// FormatDate formats a calendar date in the reader's locale (for example
// i18n.FormatDate bound to a locale).
type FormatDate func(time.Time) string

// errNoStatement is returned by the exports of a view without a statement.
var errNoStatement = errors.New("workbook: export: gathering view has no statement")

// exportEnv carries the caller's translations and formats with defaults for
// nil ones, so an export never panics on a missing function.
type exportEnv struct {
	texts  ExportTexts
	date   FormatDate
	number func(float64) string // nil: the shortest decimal with a point
	now    time.Time
}

func newExportEnv(texts ExportTexts, date FormatDate, now time.Time) exportEnv {
	if texts == nil {
		texts = func(key string, _ ...any) string { return key }
	}
	if date == nil {
		date = func(t time.Time) string { return t.Format("2006-01-02") }
	}
	return exportEnv{texts: texts, date: date, now: now}
}

// t translates key.
func (e exportEnv) t(key string, args ...any) string { return e.texts(key, args...) }

// status translates a goal's or measure's status, falling back to the
// stored value when the catalogue does not know it.
func (e exportEnv) status(s string) string {
	if s == "" {
		return ""
	}
	key := "measure.status." + s
	if got := e.texts(key); got != "" && got != key {
		return got
	}
	return s
}

// municipality labels a column: its name, and the good-practice mark in
// words when the coordinator marked it, so it never depends on colour.
func (e exportEnv) municipality(c *GatheringColumn) string {
	if c.GoodPractice {
		return c.Municipality + " (" + e.t("workbook.export.good_practice") + ")"
	}
	return c.Municipality
}

// generated is the "generated on" line.
func (e exportEnv) generated() string {
	return e.t("workbook.export.generated", "date", e.date(e.now))
}

// subtitle joins the network, chapter and gathering that are set.
func subtitle(v *GatheringView) string {
	var parts []string
	for _, s := range []string{v.Network, v.Chapter, v.Gathering} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " · ")
}

// calendarDay is t's calendar date at midnight UTC, so that a date stored
// at midnight in a local time zone does not become the previous day when
// converted to a spreadsheet serial.
func calendarDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// goalHeads are the headings of the goals table's cells.
func (e exportEnv) goalHeads() []string {
	return []string{e.t("workbook.export.goal"), e.t("workbook.export.indicator"), e.t("workbook.export.baseline"),
		e.t("workbook.export.target"), e.t("workbook.export.unit"), e.t("workbook.export.target_date"),
		e.t("workbook.export.status")}
}

// goalCells are a goal's cells: text, numbers as float64, the target
// date as a time.Time, and nil when a value is not set.
// goalRows are a municipality's goals as export rows.
func (e exportEnv) goalRows(c *GatheringColumn) (rows [][]any) {
	for i := range c.Goals {
		rows = append(rows, e.goalCells(&c.Goals[i]))
	}
	return rows
}

// measureRows are a municipality's measures as export rows.
func (e exportEnv) measureRows(c *GatheringColumn) (rows [][]any) {
	for i := range c.Measures {
		rows = append(rows, e.measureCells(&c.Measures[i]))
	}
	return rows
}

func (e exportEnv) goalCells(g *Goal) []any {
	c := []any{g.Statement, g.IndicatorCode, nil, nil, g.Unit, nil, e.status(g.Status)}
	if g.Baseline != nil {
		c[2] = *g.Baseline
	}
	if g.Target != nil {
		c[3] = *g.Target
	}
	if g.TargetDate != nil {
		c[5] = calendarDay(*g.TargetDate)
	}
	return c
}

// commentHeads are the headings of the comments table's cells.
func (e exportEnv) commentHeads() []string {
	return []string{e.t("workbook.export.comment_author"), e.t("workbook.export.comment_org"),
		e.t("workbook.export.comment_date"), e.t("workbook.export.comment")}
}

// commentRows are the comments on a municipality's answer as export
// rows: author, the author's organisation, the day, the text.
func (e exportEnv) commentRows(c *GatheringColumn) (rows [][]any) {
	for _, cm := range c.Comments {
		rows = append(rows, []any{cm.AuthorName, cm.AuthorOrgName, calendarDay(cm.CreatedAt), cm.Body})
	}
	return rows
}

// measureHeads are the headings of the measures table's cells.
func (e exportEnv) measureHeads() []string {
	return []string{e.t("workbook.export.description"), e.t("workbook.export.responsible"),
		e.t("workbook.export.deadline"), e.t("workbook.export.status"), e.t("workbook.export.notes")}
}

// measureCells are a measure's cells, the deadline a time.Time when it was
// written as a day and the text as written otherwise («Høst 2016»).
func (e exportEnv) measureCells(m *Measure) []any {
	var deadline any = m.DeadlineText
	if m.Deadline != nil && m.DeadlineText == "" {
		deadline = calendarDay(*m.Deadline)
	}
	return []any{m.Description, m.Responsible, deadline, e.status(m.Status), m.Notes}
}

// text prints a table cell: a date in the reader's format, a number in
// theirs (by default the shortest decimal that reads back the same),
// nothing for nil.
func (e exportEnv) text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case time.Time:
		return e.date(v)
	case float64:
		if e.number != nil {
			return e.number(v)
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// sheetName makes name a valid, unique worksheet name: without []:*?/\,
// not starting or ending with an apostrophe, at most 31 characters, and
// different (ignoring case) from the names in taken; fallback when empty.
func sheetName(name, fallback string, taken []string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) || r < ' ' {
			return ' '
		}
		return r
	}, name)
	name = strings.Trim(strings.Join(strings.Fields(name), " "), "'")
	if name == "" {
		name = fallback
	}
	name = truncateRunes(name, 31)
	base := name
	for i := 2; ; i++ {
		clash := false
		for _, t := range taken {
			if strings.EqualFold(t, name) {
				clash = true
			}
		}
		if !clash {
			return name
		}
		suffix := " (" + strconv.Itoa(i) + ")"
		name = truncateRunes(base, 31-len(suffix)) + suffix
	}
}

// truncateRunes shortens s to at most n runes.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return strings.TrimSpace(string([]rune(s)[:n]))
}
