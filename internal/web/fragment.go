package web

import (
	"html/template"
	"strings"
)

// fragment writes the HTML of a page's largest repeated part (a grid of a
// network's 40 members × every problem statement) in Go. html/template
// calls an escaper through reflection for every action, with a slice of
// its arguments: that was most of a progress grid's 5 ms render. The page
// around it stays a template; a fragment escapes as the template would in
// the same place, text and attribute values alike (quoted attributes
// only), and passes a URL only when it is relative or http(s)/mailto, as
// html/template's URL filter does.
type fragment struct{ b strings.Builder }

// htmlEscaper escapes text and double- or single-quoted attribute values.
var htmlEscaper = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;", "+", "&#43;", "\x00", "\uFFFD",
)

// raw writes markup the caller wrote: never data.
func (f *fragment) raw(s string) { f.b.WriteString(s) }

// text writes data as text or as a quoted attribute's value.
func (f *fragment) text(s string) { htmlEscaper.WriteString(&f.b, s) }

// url writes a URL as a quoted attribute's value: a URL of another scheme
// than http, https or mailto (javascript:, data:, …) becomes "#ZgotmplZ",
// html/template's mark of an unsafe value, and bytes a URL may not hold
// are percent-encoded.
func (f *fragment) url(s string) {
	if scheme, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(scheme, "/") {
		switch strings.ToLower(scheme) {
		case "http", "https", "mailto":
		default:
			f.b.WriteString("#ZgotmplZ")
			return
		}
	}
	const hex = "0123456789abcdef"
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if urlKeeps(c) || c == '%' && i+2 < len(s) && isHexDigit(s[i+1]) && isHexDigit(s[i+2]) {
			continue
		}
		f.text(s[start:i])
		f.b.WriteByte('%')
		f.b.WriteByte(hex[c>>4])
		f.b.WriteByte(hex[c&15])
		start = i + 1
	}
	f.text(s[start:])
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

func urlKeeps(c byte) bool { return urlKept[c] }

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// html answers what was written, to be placed in a template as it is.
func (f *fragment) html() template.HTML { return template.HTML(f.b.String()) }
