package search_test

import (
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/search"
)

// TestSecurity14SearchNonASCIILowercase: text whose folded form has
// another length than the original (Ⱥ is 2 bytes, ⱥ 3; ẞ is 3 bytes, ß 2
// and "ss" two letters; İ is 2 bytes, i 1) is found, and the snippet is
// cut around the match in the original text, never across a character.
func TestSecurity14SearchNonASCIILowercase(t *testing.T) {
	pad := func(s string, n int) string { return strings.Repeat(s, n) }
	cases := []struct {
		name, text, word string
		want             string // the text of the match in the original
	}{
		{"Ⱥ", pad("Ⱥ", 200) + " Språkkafé på biblioteket " + pad("Ⱥ", 200), "SPRÅKKAFÉ", "Språkkafé"},
		{"ⱥFindsȺ", "Målet: ȺȺȺ innen 2027", "ⱥⱥⱥ", "ȺȺȺ"},
		{"ẞFindsß", pad("ẞ", 120) + " Großstadt", "GROSSSTADT", "Großstadt"},
		{"ßFindsẞ", "STRAẞE " + pad("x", 300), "straße", "STRAẞE"},
		{"İ", pad("İ", 150) + " İstanbul og İzmir", "istanbul", "İstanbul"},
		{"DotlessI", pad("ı", 150) + " Aydın Işık", "AYDIN", "Aydın"},
		{"DotlessIQuery", "Kurs i ILIK kommune", "ılık", "ILIK"},
		{"ÆØÅ", pad("Ø", 150) + " ærlig ØSTGÅRD åpen", "østgård", "ØSTGÅRD"},
		{"Ligature", "Søknad om ﬁnansiering", "FINANSIERING", "ﬁnansiering"},
		{"MatchInsideExpansion", "Großstadt", "s", "ß"},
		{"InvalidUTF8", "ab\xffȺ\xfeSPRÅK", "språk", "SPRÅK"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start, end := search.Index(c.text, c.word)
			if start < 0 || c.text[start:end] != c.want {
				t.Fatalf("Index(…, %q) = %d, %d; want the range of %q", c.word, start, end, c.want)
			}
			got, ok := search.Snippet(c.text, c.word, 160)
			if !ok || !strings.Contains(got, c.want) {
				t.Errorf("Snippet(…, %q) = %q, %v; want it to show %q", c.word, got, ok, c.want)
			}
			if n := len([]rune(strings.Trim(got, "…"))); n > 160 {
				t.Errorf("snippet of %d characters; want at most 160", n)
			}
			if !search.Matches(c.word, "annet", c.text) {
				t.Errorf("Matches(%q) = false", c.word)
			}
		})
	}
	if _, ok := search.Snippet("ȺȺȺ", "språk", 160); ok {
		t.Error("Snippet finds a word that is not there")
	}
	if start, end := search.Index("ȺȺȺ", ""); start != -1 || end != -1 {
		t.Error("Index of nothing should be -1, -1")
	}
}
