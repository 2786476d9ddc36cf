package markdown

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// TestLinkifyAsGoldmark: on texts made of the pieces addresses are made of,
// the hand-written linkify renders exactly what goldmark's Linkify does.
func TestLinkifyAsGoldmark(t *testing.T) {
	t.Parallel()
	theirs := goldmark.New(goldmark.WithExtensions(extension.Linkify, extension.Table, extension.Strikethrough))
	ours := goldmark.New(goldmark.WithExtensions(linkify{}, extension.Table, extension.Strikethrough))
	pieces := []string{"www.", "http://", "https://", "ftp://", "http:", "a", "bc", "Z", "9", "12", ".", ".", "-", "_", "~", "*",
		" ", " ", "(", ")", "@", "/", "?", "#", ":", ":80", "$", "!", ",", ";", "&amp;", "&", "'", "\"", ">", "[", "]", "`",
		"\n", "æ", "«", "é", "+", "%", "="}
	rng := rand.New(rand.NewPCG(1, 2))
	texts := []string{
		"Se www.imdi.no og https://www.regjeringen.no/no/tema/innvandring-og-integrering/id918/ (kilde).",
		"Skriv til post@meldal.kommune.no.", "ftp://files.example.org:21/a.txt, http://localhost:8080/x?y=1&z=2;",
		"(https://example.com/a_(b))", "https://example.com/a?b=c&amp; www.example.com. a@b.cd_",
		"www." + strings.Repeat("a", 300) + ".no", "http://" + strings.Repeat("a.", 200) + "no/x",
		"www." + strings.Repeat("a", 255) + ".no www." + strings.Repeat("a", 256) + ".no",
	}
	pick := func(from []string) string { return from[rng.IntN(len(from))] }
	hostPieces := []string{"a", "bc", "Z", "9", ".", ".", ".no", ".com", "-", "_", "~", "+", "%", "=", "@", ":", "#", "æ", ".-"}
	pathPieces := []string{"a", "/", "?", "#", "(", ")", ")", "!", ".", ",", ":", ";", "&amp;", "&", "$", "'", "\"", "[", "]", "`", "_", "*", "~", "=", "é"}
	for range 20000 {
		var b strings.Builder
		for range 1 + rng.IntN(4) {
			if rng.IntN(3) == 0 { // anything
				for range 1 + rng.IntN(12) {
					b.WriteString(pick(pieces))
				}
				continue
			}
			b.WriteString(pick([]string{" ", "(", "_", "*", "~", "\n", "x", ""}))
			b.WriteString(pick([]string{"www.", "http://", "https://", "ftp://", "http:", "a@", "ab.c@", "-a@"}))
			for range rng.IntN(8) {
				b.WriteString(pick(hostPieces))
			}
			if rng.IntN(3) == 0 {
				b.WriteString(pick([]string{":80", ":", ":x", ":8080"}))
			}
			for range rng.IntN(6) {
				b.WriteString(pick(pathPieces))
			}
		}
		texts = append(texts, b.String())
	}
	links := 0
	for _, s := range texts {
		var want, got bytes.Buffer
		if err := theirs.Convert([]byte(s), &want); err != nil {
			t.Fatal(err)
		}
		if err := ours.Convert([]byte(s), &got); err != nil {
			t.Fatal(err)
		}
		if want.String() != got.String() {
			t.Fatalf("%q:\n goldmark: %q\n ours:     %q", s, want.String(), got.String())
		}
		links += strings.Count(got.String(), "<a href")
	}
	if links < 2000 {
		t.Errorf("only %d links in the generated texts; the comparison proves little", links)
	}
}
