// Package fragment writes the HTML of a page's largest repeated parts (a
// grid of a network's 40 members × every problem statement, a ranking of
// 750 municipalities) in Go. html/template calls an escaper through
// reflection for every action, with a slice of its arguments: that was
// most of a progress grid's 5 ms render. The page around a fragment stays
// a template, which places the fragment's template.HTML as it is.
package fragment

import (
	"html/template"
	"strings"
)

// Writer writes a fragment. It escapes as html/template would in the same
// place, text and attribute values alike (quoted attributes only), and
// passes a URL only when it is relative or http(s)/mailto, as
// html/template's URL filter does. The zero value is ready.
type Writer struct{ b strings.Builder }

// htmlEscaper escapes text and double- or single-quoted attribute values.
var htmlEscaper = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;", "+", "&#43;", "\x00", "\uFFFD",
)

// Grow makes room for n more bytes.
func (f *Writer) Grow(n int) { f.b.Grow(n) }

// Raw writes markup the caller wrote: never data.
func (f *Writer) Raw(s string) { f.b.WriteString(s) }

// Text writes data as text or as a quoted attribute's value.
func (f *Writer) Text(s string) { htmlEscaper.WriteString(&f.b, s) }

// Escape answers s escaped as Text writes it: a label written on every
// row, escaped once.
func Escape(s string) string { return htmlEscaper.Replace(s) }

// URL writes a URL as a quoted attribute's value: a URL of another scheme
// than http, https or mailto (javascript:, data:, …) becomes "#ZgotmplZ",
// html/template's mark of an unsafe value, and bytes a URL may not hold
// are percent-encoded.
func (f *Writer) URL(s string) {
	if scheme, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(scheme, "/") {
		switch strings.ToLower(scheme) {
		case "http", "https", "mailto":
		default:
			f.b.WriteString("#ZgotmplZ")
			return
		}
	}
	f.URLPart(s)
}

// URLPart writes a part of a URL after its start (a slug in
// "/o/<slug>/search") as a quoted attribute's value: normalised as URL
// writes it, without the test of its scheme, as html/template writes a
// value in the middle of a URL.
func (f *Writer) URLPart(s string) {
	const hex = "0123456789abcdef"
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if urlKept[c] || c == '%' && i+2 < len(s) && isHexDigit(s[i+1]) && isHexDigit(s[i+2]) {
			continue
		}
		f.Text(s[start:i])
		f.b.WriteByte('%')
		f.b.WriteByte(hex[c>>4])
		f.b.WriteByte(hex[c&15])
		start = i + 1
	}
	f.Text(s[start:])
}

// urlKept holds the bytes a URL keeps as they are: RFC 3986's unreserved
// and reserved characters but the single quote and parentheses, as
// html/template's URL normaliser does.
var urlKept = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~!#$&*+,/:;=?@[]", byte(c)) >= 0
	}
	return t
}()

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// HTML answers what was written, to be placed in a template as it is.
func (f *Writer) HTML() template.HTML { return template.HTML(f.b.String()) } //nolint:gosec // escaped as written
