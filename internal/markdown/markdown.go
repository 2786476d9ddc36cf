// Package markdown renders what users write in Markdown (workbook answers)
// as safe HTML, in time bounded by the length of the text.
//
// The HTML is goldmark's CommonMark with tables, strikethrough and bare
// addresses turned into links, cleaned by bluemonday's policy for user
// content (links get rel="nofollow"). Raw HTML in the text is never passed
// through. Three kinds of text are shown as plain text instead (escaped,
// paragraphs and line breaks kept), because goldmark's time on them grows
// faster than their length: texts longer than MaxLen; texts with more than
// MaxLinks "](" or "][" (for each, goldmark scans the rest of the line or
// paragraph when the link is not closed); and texts with a line that
// nests blocks deeper than MaxDepth (block quotes and lists; goldmark's
// time grows with the square of the depth). Real answers stay far below
// these limits; BenchmarkRenderWorstCase measures what they allow.
package markdown

import (
	"bytes"
	"html"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// MaxLen is the longest text, in bytes, rendered as Markdown.
const MaxLen = 256 << 10

// MaxLinks is the most "](" and "][" a text may hold to be rendered as
// Markdown.
const MaxLinks = 128

// MaxDepth is the deepest a line may nest blocks (see depth) in a text
// rendered as Markdown.
const MaxDepth = 16

type renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

var shared = sync.OnceValue(func() *renderer {
	return &renderer{
		md:     goldmark.New(goldmark.WithExtensions(linkify{}, extension.Table, extension.Strikethrough)),
		policy: bluemonday.UGCPolicy().RequireNoFollowOnLinks(true).AddTargetBlankToFullyQualifiedLinks(false),
	}
})

// Render answers the sanitised HTML of text. It is safe for concurrent use.
func Render(text string) string {
	if !tame(text) {
		return Plain(text)
	}
	r := shared()
	var buf bytes.Buffer
	if err := r.md.Convert([]byte(text), &buf); err != nil {
		return Plain(text)
	}
	return r.policy.Sanitize(buf.String())
}

// Plain answers text as HTML without Markdown: escaped, a paragraph per
// block of lines separated by a blank line, line breaks kept.
func Plain(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var b strings.Builder
	for _, para := range strings.Split(text, "\n\n") {
		if strings.TrimSpace(para) == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(html.EscapeString(strings.Trim(para, "\n")), "\n", "<br>\n"))
		b.WriteString("</p>\n")
	}
	return b.String()
}

// tame reports whether goldmark renders text in time about linear in its
// length (see the package documentation).
func tame(text string) bool {
	if len(text) > MaxLen || strings.Count(text, "](")+strings.Count(text, "][") > MaxLinks {
		return false
	}
	for line := range strings.Lines(text) {
		if depth(line) > MaxDepth {
			return false
		}
	}
	return true
}

// depth answers how deeply line nests blocks at its start, generously:
// one per block quote or list marker before its text, and when there is a
// marker, one per two columns of indentation (lists nest by indenting).
func depth(line string) int {
	markers, indent := 0, 0
	marker := func(i int) bool {
		return i == len(line) || line[i] == ' ' || line[i] == '\t' || line[i] == '\n' || line[i] == '\r'
	}
	for i := 0; i < len(line); {
		switch c := line[i]; {
		case c == ' ':
			indent++
			i++
		case c == '\t':
			indent += 4
			i++
		case c == '>':
			markers++
			i++
		case (c == '-' || c == '*' || c == '+') && marker(i+1):
			markers++
			i++
		case c >= '0' && c <= '9':
			j := i
			for j < len(line) && j-i < 9 && line[j] >= '0' && line[j] <= '9' {
				j++
			}
			if j == len(line) || line[j] != '.' && line[j] != ')' || !marker(j+1) {
				i = len(line)
				continue
			}
			markers++
			i = j + 1
		default:
			i = len(line)
		}
	}
	if markers == 0 {
		return 0
	}
	return markers + indent/2
}
