package search

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/cases"
)

// Fold answers s case-folded for matching: full Unicode case folding (Ⱥ
// and ⱥ, ẞ, ß and ss, the ligature ﬁ and fi are each one), except that
// dotted İ and dotless ı fold to i, so that a name typed on a Scandinavian
// keyboard finds its Turkish spelling. The folded text may be longer or
// shorter than s, in bytes and in characters: never use a position in it
// as a position in s (Index and Snippet translate).
func Fold(s string) string {
	return newFolder().fold(s, nil)
}

// Index answers the byte range [start, end) of the first place where
// word occurs in text, ignoring case as Fold does, or -1, -1. The range
// covers whole characters of text, so text[start:end] is always valid.
func Index(text, word string) (start, end int) {
	f := newFolder()
	w := f.fold(word, nil)
	if w == "" {
		return -1, -1
	}
	var from []int
	hay := f.fold(text, &from)
	i := strings.Index(hay, w)
	if i < 0 {
		return -1, -1
	}
	last := from[i+len(w)-1] // the character of text that gave the match's last byte
	_, size := utf8.DecodeRuneInString(text[last:])
	return from[i], last + size
}

// Snippet answers up to width characters of text around the first place
// where word occurs (about a third of them before it), with "…" where text
// was cut, and whether word occurs at all.
func Snippet(text, word string, width int) (string, bool) {
	start, _ := Index(text, word)
	if start < 0 {
		return "", false
	}
	r := []rune(text)
	from := max(0, utf8.RuneCountInString(text[:start])-width*3/8)
	to := min(len(r), from+width)
	s := strings.TrimSpace(string(r[from:to]))
	if from > 0 {
		s = "…" + s
	}
	if to < len(r) {
		s += "…"
	}
	return s, true
}

// folder folds text character by character; a Caser is not safe for
// concurrent use, so each call makes its own.
type folder struct {
	caser cases.Caser
	seen  map[rune]string
}

func newFolder() *folder { return &folder{caser: cases.Fold()} }

// fold answers s folded; with from, it also records for each byte of the
// result the offset in s of the character that gave it.
func (f *folder) fold(s string, from *[]int) string {
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		n := b.Len()
		switch {
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteByte(byte(r))
		case r == 'İ' || r == 'ı':
			b.WriteByte('i')
		default:
			b.WriteString(f.rune(r))
		}
		if from != nil {
			for ; n < b.Len(); n++ {
				*from = append(*from, i)
			}
		}
	}
	return b.String()
}

func (f *folder) rune(r rune) string {
	if s, ok := f.seen[r]; ok {
		return s
	}
	if f.seen == nil {
		f.seen = map[rune]string{}
	}
	s := f.caser.String(string(r))
	f.seen[r] = s
	return s
}

// likeEscaper escapes LIKE's wildcards with '!' (the sources' ESCAPE '!').
var likeEscaper = strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")

// Contains answers the LIKE pattern that finds a folded word anywhere in a
// stored search text: `search_text LIKE ? ESCAPE '!'` with it.
func Contains(word string) string { return "%" + likeEscaper.Replace(word) + "%" }
