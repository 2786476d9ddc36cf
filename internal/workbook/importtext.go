package workbook

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/measure"
)

// MaxImportBytes is the longest chapter text an import reads, pasted or
// uploaded.
const MaxImportBytes = 1 << 20

// ImportTemplate is what ParseChapter maps a pasted chapter onto: the
// chapter's problem statements and the template's answer sections.
type ImportTemplate struct {
	Statements []ImportStatement
	Sections   []ImportSection
	// Seasons are the importing organisation's (measure.SeasonsOf): a
	// measure due «Høst 2026» is due when its autumn term ends.
	Seasons measure.Seasons
}

// ImportStatement is a problem statement of the template, looked for by its
// title, e.g. "Problemstilling 4: Etablering av voksenopplæring …".
type ImportStatement struct {
	ID    int64
	Title string
}

// ImportSection is an answer section; Title is the question as the template
// words it ("Hvem skal ha hovedansvaret?").
type ImportSection struct {
	Key, Title string
}

// ParsedChapter is a chapter as read by ParseChapter: one ParsedStatement
// per template statement, in the template's order. TextOnly says it was
// read from text (pasted, a text file, text copied out of a PDF), where a
// table is lines of text that cannot be told apart: only a Word document's
// tables become goals, measures and tables in the answers.
type ParsedChapter struct {
	Statements []ParsedStatement
	TextOnly   bool
}

// ParsedStatement is one problem statement's answers as found in the text.
// Answers maps section keys to the answer text exactly as written (only
// trimmed); sections not found or left empty are absent and warned about.
// Responsible and Timing copy the responsibility and timing answers;
// Deadline is the first valid d.m.yyyy date in Timing (UTC midnight), nil
// when there is none. Goals and Measures are the rows of the Word
// document's tables of goals and measures that stand in the statement's
// part of the document; any other table (statement B's arenas) is a
// Markdown table in the answer it stands in.
type ParsedStatement struct {
	StatementID  int64
	Title        string // the template's title
	Found        bool
	Line, Column int // where the heading starts, 1-based (runes); 0 when not found
	Answers      map[string]string
	Responsible  string
	Timing       string
	Deadline     *time.Time
	Goals        []Goal
	Measures     []Measure
	Warnings     []Warning
}

// Warning is something the import could not map, for the user to check.
// Key is a translation key (one of the ImportWarn… constants), Args its
// arguments; Line and Column (1-based, runes) point into the input.
type Warning struct {
	Line, Column int
	Key          string
	Args         map[string]any
}

// Warning keys of ParseChapter. A missing statement points to where it was
// expected (the next statement found after it in template order, or the end
// of the text); a missing section to its statement's heading; an empty one
// to its question. Args: "statement" (title), "section" (key), "question".
const (
	ImportWarnStatementMissing = "workbook.import.statement_missing"
	ImportWarnSectionMissing   = "workbook.import.section_missing"
	ImportWarnSectionEmpty     = "workbook.import.section_empty"
)

// ParseChapter maps text, a municipality's filled-in chapter pasted or
// extracted from Word or PDF, onto the template t. Headings and questions are
// matched word by word, ignoring case, punctuation, quote style and hyphen
// splits, tolerating words that lost their first one or two letters
// ("ituasjon") and missing words; a statement's label alone ("Problemstilling
// 4:") is enough. Text between a statement's heading and its first question
// (guidance) is not an answer; an answer runs to the next question or
// heading. A UTF-8 BOM and \r\n line endings are accepted; answers use \n.
//
// Errors: app.EInvalid with key "workbook.import.too_long" for text over
// MaxImportBytes, "workbook.import.empty" for blank text, and
// "workbook.import.nothing_found" when no statement is recognised; the
// context's error, wrapped, when ctx ends before the parse does (the time
// it takes grows with the length of text and of the template's titles).
func ParseChapter(ctx context.Context, text string, t ImportTemplate) (*ParsedChapter, error) {
	return ParseChapterSource(ctx, ChapterSource{Text: text}, t)
}

// ParseChapterSource is ParseChapter for a chapter with its tables (see
// ReadChapterFile): each table of goals or measures becomes the rows of
// the statement it stands in, and its cells leave the answer; any other
// table is kept as a Markdown table in the answer it stands in. A table
// before the first statement, or in a statement's guidance, is no answer.
func ParseChapterSource(ctx context.Context, src ChapterSource, t ImportTemplate) (*ParsedChapter, error) {
	text := src.Text
	if len(text) > MaxImportBytes {
		return nil, app.Errorf(app.EInvalid, "workbook.import.error.too_long", "max", MaxImportBytes>>20)
	}
	if len(src.Tables) == 0 { // a document's text has \n only, and tables point into it
		text = strings.TrimPrefix(text, "\uFEFF")
		text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	}
	if strings.TrimSpace(text) == "" {
		return nil, app.Errorf(app.EInvalid, "workbook.import.empty")
	}
	m := newImportMatcher(ctx, text)
	for _, dt := range src.Tables {
		if dt.Start >= 0 && dt.Start <= dt.End && dt.End <= len(text) {
			m.tables = append(m.tables, readImportTable(dt, src.T, t.Seasons))
		}
	}
	spans := make([]importSpan, len(t.Statements))
	var taken []importSpan
	for i, st := range t.Statements {
		spans[i] = importSpan{score: -1}
		if sp, ok := m.find(importWords(st.Title), importLabel(st.Title), 0, len(m.toks), taken); ok {
			spans[i] = sp
			taken = append(taken, sp)
		}
	}
	if m.err != nil {
		return nil, fmt.Errorf("workbook: import: %w", m.err)
	}
	if len(taken) == 0 {
		return nil, app.Errorf(app.EInvalid, "workbook.import.nothing_found")
	}
	out := &ParsedChapter{TextOnly: !src.Word}
	for i, st := range t.Statements {
		ps := ParsedStatement{StatementID: st.ID, Title: st.Title, Answers: map[string]string{}}
		if spans[i].score < 0 {
			line, col := m.expected(spans[i+1:])
			ps.Warnings = append(ps.Warnings, Warning{Line: line, Column: col,
				Key: ImportWarnStatementMissing, Args: map[string]any{"statement": st.Title}})
		} else {
			hi := len(m.toks)
			for _, o := range taken {
				if o.from > spans[i].from && o.from < hi {
					hi = o.from
				}
			}
			m.sections(&ps, spans[i], hi, t.Sections)
			m.rows(&ps, spans[i], hi)
		}
		out.Statements = append(out.Statements, ps)
	}
	if m.err != nil {
		return nil, fmt.Errorf("workbook: import: %w", m.err)
	}
	return out, nil
}

// sections fills ps from the statement's stretch of tokens [st.to, hi).
func (m *importMatcher) sections(ps *ParsedStatement, st importSpan, hi int, secs []ImportSection) {
	ps.Found = true
	ps.Line, ps.Column = m.pos(m.toks[st.from].start)
	type hit struct {
		sec ImportSection
		sp  importSpan
	}
	var hits []hit
	var taken []importSpan
	for _, s := range secs {
		sp, ok := m.find(importWords(s.Title), nil, st.to, hi, taken)
		if !ok {
			ps.warn(ImportWarnSectionMissing, ps.Line, ps.Column, s)
			continue
		}
		hits = append(hits, hit{s, sp})
		taken = append(taken, sp)
	}
	slices.SortFunc(hits, func(a, b hit) int { return a.sp.from - b.sp.from })
	end := len(m.text)
	if hi < len(m.toks) {
		end = m.toks[hi].start
	}
	for j, h := range hits {
		stop := end
		if j+1 < len(hits) {
			stop = m.toks[hits[j+1].sp.from].start
		}
		from := m.toks[h.sp.to-1].end
		from += len(m.text[from:stop]) - len(strings.TrimLeftFunc(m.text[from:stop], func(r rune) bool {
			return unicode.IsSpace(r) || r == '?' || r == ':'
		}))
		ans, rows := m.answer(from, stop)
		if ans = strings.TrimRightFunc(ans, unicode.IsSpace); ans == "" {
			if !rows { // a section that holds only goals or measures is answered by them
				line, col := m.pos(m.toks[h.sp.from].start)
				ps.warn(ImportWarnSectionEmpty, line, col, h.sec)
			}
			continue
		}
		ps.Answers[h.sec.Key] = ans
	}
	ps.Responsible = ps.Answers[SectionResponsibility]
	ps.Timing = ps.Answers[SectionTiming]
	ps.Deadline = importFirstDate(ps.Timing)
}

func (ps *ParsedStatement) warn(key string, line, col int, s ImportSection) {
	ps.Warnings = append(ps.Warnings, Warning{Line: line, Column: col, Key: key,
		Args: map[string]any{"statement": ps.Title, "section": s.Key, "question": s.Title}})
}

// importToken is a word of the text: its lower-case NFC form and byte offsets.
type importToken struct {
	norm       string
	start, end int
}

// importSpan is a phrase found in the text: tokens [from, to) and how many
// of the phrase's words matched.
type importSpan struct{ from, to, score int }

func (s importSpan) overlaps(o importSpan) bool { return s.from < o.to && o.from < s.to }

// importMatcher is the text being imported and its words.
type importMatcher struct {
	ctx    context.Context
	err    error // the context's, once it ended: every later find finds nothing
	text   string
	toks   []importToken
	joined []string // joined[j]: toks[j] and toks[j+1] as one word ("hoved- ansvaret")
	dp     []int    // importAlign's table, reused
	tables []importTable
}

// answer answers the text [from, stop) with the tables that start in it
// in their place: a Markdown table, or nothing for goals and measures
// (rows reports whether there were any). A table that runs past stop
// takes its Markdown along, and the text after stop that is its own is
// no other answer's (see answerFrom).
func (m *importMatcher) answer(from, stop int) (string, bool) {
	from = m.answerFrom(from)
	var b strings.Builder
	rows, spliced, at := false, false, from
	for _, it := range m.tables {
		if it.Start < from || it.Start >= stop {
			continue
		}
		spliced = true
		b.WriteString(m.text[at:it.Start])
		if it.rows {
			rows = true
		} else if it.md != "" {
			b.WriteString("\n\n" + it.md + "\n\n")
		}
		at = max(at, it.End)
	}
	if at < stop {
		b.WriteString(m.text[at:stop])
	}
	s := strings.TrimSpace(b.String())
	for spliced && strings.Contains(s, "\n\n\n") {
		s = strings.ReplaceAll(s, "\n\n\n", "\n\n")
	}
	return s, rows
}

// answerFrom moves from past a table it falls inside: that table's
// cells belong to the answer the table starts in.
func (m *importMatcher) answerFrom(from int) int {
	for _, it := range m.tables {
		if it.Start < from && from < it.End {
			return it.End
		}
	}
	return from
}

// rows adds the goals and measures of the tables that stand in the
// statement's tokens [st.from, hi), with their warnings placed where each
// table starts.
func (m *importMatcher) rows(ps *ParsedStatement, st importSpan, hi int) {
	from, to := m.toks[st.from].start, len(m.text)
	if hi < len(m.toks) {
		to = m.toks[hi].start
	}
	for _, it := range m.tables {
		if it.Start < from || it.Start >= to {
			continue
		}
		ps.Goals = append(ps.Goals, it.goals...)
		ps.Measures = append(ps.Measures, it.measures...)
		line, col := m.pos(it.Start)
		for _, w := range it.warnings {
			w.Line, w.Column = line, col
			w.Args["statement"] = ps.Title
			ps.Warnings = append(ps.Warnings, w)
		}
	}
}

func newImportMatcher(ctx context.Context, text string) *importMatcher {
	m := &importMatcher{ctx: ctx, text: text, toks: importTokenize(text)}
	m.joined = make([]string, len(m.toks))
	for j := 0; j+1 < len(m.toks); j++ {
		m.joined[j] = m.toks[j].norm + m.toks[j+1].norm
	}
	return m
}

func importTokenize(s string) []importToken {
	var toks []importToken
	start := -1
	for i, r := range s + " " {
		inWord := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
		if inWord && start < 0 {
			start = i
		} else if !inWord && start >= 0 {
			low := norm.NFC.String(strings.ToLower(s[start:i]))
			toks = append(toks, importToken{norm: low, start: start, end: i})
			start = -1
		}
	}
	return toks
}

func importWords(s string) (w []string) {
	for _, t := range importTokenize(s) {
		w = append(w, t.norm)
	}
	return w
}

// importLabel is the words of a title's label ("Problemstilling 4" in
// "Problemstilling 4: Etablering …"), nil when it has none.
func importLabel(title string) []string {
	i := strings.IndexByte(title, ':')
	if i < 0 {
		return nil
	}
	if w := importWords(title[:i]); len(w) >= 2 && len(w) <= 4 {
		return w
	}
	return nil
}

// importSameWord reports whether text word t is pattern word p, allowing
// for the first one or two letters PDF extraction loses ("ål" for "mål").
func importSameWord(t, p string) bool {
	if t == p {
		return true
	}
	if t == "" || len(t) >= len(p) || !strings.HasSuffix(p, t) {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(p); !unicode.IsLetter(r) {
		return false
	}
	kept := utf8.RuneCountInString(t)
	lost := utf8.RuneCountInString(p) - kept
	return lost == 1 && kept >= 2 || lost == 2 && kept >= 3
}

// stopped reports whether the matcher's context has ended, and keeps its
// error.
func (m *importMatcher) stopped() bool {
	if m.err == nil {
		m.err = m.ctx.Err()
	}
	return m.err != nil
}

// importPattern is a phrase looked for: its words, and each word joined
// with the next (pair[a] is p[a]+p[a+1]).
type importPattern struct {
	words, pair []string
}

func newImportPattern(p []string) importPattern {
	ip := importPattern{words: p, pair: make([]string, len(p))}
	for a := 0; a+1 < len(p); a++ {
		ip.pair[a] = p[a] + p[a+1]
	}
	return ip
}

// starts reports whether token j can be the first matched token of an
// alignment of p (see importAlign): the only tokens that can add to a
// score.
func (m *importMatcher) starts(j, hi int, p importPattern) bool {
	tw := m.toks[j].norm
	for a, w := range p.words {
		if importSameWord(tw, w) || j+1 < hi && importSameWord(m.joined[j], w) || a+1 < len(p.words) && importSameWord(tw, p.pair[a]) {
			return true
		}
	}
	return false
}

// importAlign aligns pattern p with the tokens from index i on (below hi),
// t[i] matched first, and returns how many pattern words matched and the
// index after the last matched token. Words may be missing on either side,
// and a word may be split in two ("hoved- ansvaret") on either side.
func (m *importMatcher) importAlign(i, hi int, p importPattern) (score, end int) {
	k, w := len(p.words), min(hi-i, 2*len(p.words)+2)
	if k == 0 || w <= 0 {
		return 0, i
	}
	n := (k + 1) * (w + 1)
	if cap(m.dp) < n {
		m.dp = make([]int, n)
	}
	dp := m.dp[:n] // dp[a*(w+1)+b]: best score for p[:a], t[i:i+b]
	for x := range dp {
		dp[x] = -1
	}
	dp[0] = 0
	up := func(a, b, v int) {
		if a <= k && b <= w && dp[a*(w+1)+b] < v {
			dp[a*(w+1)+b] = v
		}
	}
	for a := 0; a <= k; a++ {
		for b := 0; b <= w; b++ {
			v := dp[a*(w+1)+b]
			if v < 0 {
				continue
			}
			up(a+1, b, v)
			if b > 0 { // t[i] itself may not be skipped
				up(a, b+1, v)
			}
			if a == k || b == w {
				continue
			}
			tw := m.toks[i+b].norm
			if importSameWord(tw, p.words[a]) {
				up(a+1, b+1, v+1)
			}
			if b+1 < w && importSameWord(m.joined[i+b], p.words[a]) {
				up(a+1, b+2, v+1)
			}
			if a+1 < k && importSameWord(tw, p.pair[a]) {
				up(a+2, b+1, v+2)
			}
		}
	}
	for b := 1; b <= w; b++ {
		if v := dp[k*(w+1)+b]; v > score {
			score, end = v, i+b
		}
	}
	return score, end
}

// find returns the best match of pattern p starting in tokens [lo, hi) and
// not overlapping taken: the most words matched, then the earliest. A match
// needs 60 % of p's words (at least two), or all of lbl. Only starts whose
// window holds enough tokens that can match are aligned: each matched
// token adds at most two words to a score. When the matcher's context has
// ended, find finds nothing.
func (m *importMatcher) find(words, lbl []string, lo, hi int, taken []importSpan) (importSpan, bool) {
	best := importSpan{score: -1}
	if m.err != nil {
		return best, false
	}
	p, lp := newImportPattern(words), newImportPattern(lbl)
	need := max(min(2, len(words)), (3*len(words)+4)/5) // 5*sc >= 3*len(words)
	w := 2*len(words) + 2
	// hits[j-lo]: tokens in [lo, j) that can start an alignment of p.
	hits := make([]int, hi-lo+1)
	for j := lo; j < hi; j++ {
		if (j-lo)%1024 == 0 && m.stopped() {
			return best, false
		}
		hits[j-lo+1] = hits[j-lo]
		if m.starts(j, hi, p) {
			hits[j-lo+1]++
		}
	}
	for i := lo; i < hi; i++ {
		if (i-lo)%1024 == 0 && m.stopped() {
			return importSpan{score: -1}, false
		}
		// An alignment can matter only when it could beat best, and either
		// reach need or come with the label; it scores only from a token
		// that can start it.
		var sc, end int
		if ub := 2 * (hits[min(i+w, hi)-lo] - hits[i-lo]); ub > best.score && (ub >= need || len(lbl) > 0) && m.starts(i, hi, p) {
			sc, end = m.importAlign(i, hi, p)
		}
		ok := sc >= min(2, len(words)) && 5*sc >= 3*len(words)
		if !ok && len(lbl) > 0 && m.starts(i, hi, lp) {
			ls, _ := m.importAlign(i, hi, lp)
			ok = ls == len(lbl)
		}
		c := importSpan{i, end, sc}
		if ok && sc > best.score && !slices.ContainsFunc(taken, c.overlaps) {
			best = c
		}
	}
	return best, best.score > 0
}

// pos returns the 1-based line and rune column of byte offset off.
func (m *importMatcher) pos(off int) (line, col int) {
	before := m.text[:off]
	nl := strings.LastIndexByte(before, '\n')
	return strings.Count(before, "\n") + 1, utf8.RuneCountInString(before[nl+1:]) + 1
}

// expected returns where a missing statement was expected: at the next
// statement found after it, else at the end of the text.
func (m *importMatcher) expected(later []importSpan) (line, col int) {
	for _, s := range later {
		if s.score >= 0 {
			return m.pos(m.toks[s.from].start)
		}
	}
	return m.pos(len(strings.TrimRightFunc(m.text, unicode.IsSpace)))
}

var importDate = regexp.MustCompile(`(?:^|[^0-9.])([0-9]{1,2}\.[0-9]{1,2}\.[0-9]{4})(?:[^0-9]|$)`)

// importFirstDate returns the first valid d.m.yyyy date in s, or nil.
func importFirstDate(s string) *time.Time {
	for _, g := range importDate.FindAllStringSubmatch(s, -1) {
		if d, err := time.Parse("2.1.2006", g[1]); err == nil {
			return &d
		}
	}
	return nil
}

// MaxImportFileBytes bounds an uploaded chapter: a Word document with its
// pictures may be several megabytes; its text is then held to
// MaxImportBytes.
const MaxImportFileBytes = 6 << 20
