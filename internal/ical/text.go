package ical

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// maxLine is the longest content line RFC 5545 (3.1) allows, in octets,
// not counting the CRLF.
const maxLine = 75

// EscapeText escapes s as an RFC 5545 TEXT value (3.3.11): backslash,
// semicolon and comma get a backslash; each line break (CRLF, CR or LF)
// becomes \n. Other control characters, which TEXT may not hold, are
// dropped, except the tab.
func EscapeText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\', c == ';', c == ',':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			b.WriteString(`\n`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t', c >= 0x20 && c != 0x7f:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// stripControls drops the control characters (line breaks among them)
// from a value that is not TEXT, such as a URI, so it cannot end its line
// or start a property of its own.
func stripControls(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// Fold splits one content line (without its CRLF) as RFC 5545 (3.1) asks:
// each line at most 75 octets, each continuation starting with one space
// (which counts towards its 75), never inside a UTF-8 character, every
// line ended by CRLF.
func Fold(line string) string {
	var b bytes.Buffer
	foldTo(&b, line)
	return b.String()
}

func foldTo(b *bytes.Buffer, line string) {
	limit := maxLine
	for len(line) > limit {
		cut := limit
		// Back up to the first byte of a character.
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		b.WriteString(line[:cut])
		b.WriteString("\r\n ")
		line = line[cut:]
		limit = maxLine - 1
	}
	b.WriteString(line)
	b.WriteString("\r\n")
}
