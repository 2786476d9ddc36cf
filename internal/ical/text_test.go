package ical

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEscapeText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Integrationsrådet – møde", "Integrationsrådet – møde"},
		{`a\b`, `a\\b`},
		{"Rådhus; sal 2, 1. sal", `Rådhus\; sal 2\, 1. sal`},
		{"one\ntwo\r\nthree\rfour", `one\ntwo\nthree\nfour`},
		{"tab\tbell\a", "tab\tbell"},
		{`\n`, `\\n`},
	} {
		if got := EscapeText(tc.in); got != tc.want {
			t.Errorf("EscapeText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestFold(t *testing.T) {
	for _, tc := range []struct {
		name string
		line string
	}{
		{"Short", "SUMMARY:Møde"},
		{"Exactly75", "DESCRIPTION:" + strings.Repeat("x", 75-len("DESCRIPTION:"))},
		{"ASCII", "DESCRIPTION:" + strings.Repeat("abcdefghij", 30)},
		// With two ASCII bytes first, the 75th octet falls inside a
		// two-byte character.
		{"TwoByteOnBoundary", "XY" + strings.Repeat("æøå", 60)},
		{"ThreeByte", "SUMMARY:" + strings.Repeat("–", 80)},
		{"FourByte", "SUMMARY:" + strings.Repeat("🙂", 50)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Fold(tc.line)
			if !strings.HasSuffix(got, "\r\n") {
				t.Fatalf("Fold(%q) does not end with CRLF: %q", tc.line, got)
			}
			lines := strings.Split(strings.TrimSuffix(got, "\r\n"), "\r\n")
			for i, l := range lines {
				if len(l) > 75 {
					t.Errorf("line %d has %d octets (max 75): %q", i, len(l), l)
				}
				if !utf8.ValidString(l) {
					t.Errorf("line %d splits a UTF-8 character: %q", i, l)
				}
				if i > 0 && !strings.HasPrefix(l, " ") {
					t.Errorf("continuation line %d does not start with a space: %q", i, l)
				}
				if strings.ContainsAny(l, "\r\n") {
					t.Errorf("line %d holds a bare CR or LF: %q", i, l)
				}
			}
			// Only fold where needed: a line that fits stays whole, and
			// every line but the last is filled to within a character.
			if len(tc.line) <= 75 && len(lines) != 1 {
				t.Errorf("a %d-octet line was folded into %d", len(tc.line), len(lines))
			}
			for i, l := range lines[:len(lines)-1] {
				if len(l) < 75-3 {
					t.Errorf("line %d has only %d octets before its fold", i, len(l))
				}
			}
			if unfolded := strings.ReplaceAll(strings.TrimSuffix(got, "\r\n"), "\r\n ", ""); unfolded != tc.line {
				t.Errorf("unfolding does not give the line back:\n got %q\nwant %q", unfolded, tc.line)
			}
		})
	}
}
