package markdown

import (
	"bytes"
	"strings"
	"testing"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// normal are answers as municipalities write them.
var normal = []string{
	"Dette er **viktig** for «alle» – også §§ 4 og 5, æøå ÆØÅ.\n\nNytt avsnitt med ~~gammel~~ ny tekst.",
	"| Tiltak | Ansvar | Frist |\n|---|---|---|\n| Finne lokaler | Flyktningkoordinator | Høst 2016 |\n| Skoleskyss | Rektor | 01.08.2016 |\n",
	"Se [IMDi](https://www.imdi.no \"Integrerings- og mangfoldsdirektoratet\") og www.regjeringen.no, eller skriv til post@meldal.kommune.no.",
	"1. Kartlegging\n2. Intervju med *deltakerne*\n   - språk\n   - arbeid\n\n> Sitat fra samlingen\n\n`kode` og\n\n    innrykket\n",
	"# Overskrift\n\nTekst med <script>alert('x')</script> og <img src=x onerror=alert(1)> og [lenke](javascript:alert(1)).",
	"Avtalen med Orkdal kommune er sagt opp fra 01.01.2017. Vi (Meldal) starter egen voksenopplæring: https://meldal.kommune.no/voksenopplaering_(ny).",
}

// TestRenderAsBefore: normal answers render exactly as they did when
// the pages rendered them with goldmark's own Linkify.
func TestRenderAsBefore(t *testing.T) {
	t.Parallel()
	before := goldmark.New(goldmark.WithExtensions(extension.Linkify, extension.Table, extension.Strikethrough))
	policy := bluemonday.UGCPolicy().RequireNoFollowOnLinks(true).AddTargetBlankToFullyQualifiedLinks(false)
	for _, text := range normal {
		var buf bytes.Buffer
		if err := before.Convert([]byte(text), &buf); err != nil {
			t.Fatal(err)
		}
		if want, got := policy.SanitizeBytes(buf.Bytes()), Render(text); string(want) != got {
			t.Errorf("%q:\n before: %s\n now:    %s", text, want, got)
		}
	}
	for i, want := range map[int][]string{
		0: {"<strong>viktig</strong>", "«alle» – også §§ 4 og 5, æøå ÆØÅ", "<del>gammel</del>"},
		1: {"<table>", "<th>Tiltak</th>", "<td>Høst 2016</td>"},
		2: {`<a href="https://www.imdi.no" title="Integrerings- og mangfoldsdirektoratet" rel="nofollow">IMDi</a>`,
			`<a href="http://www.regjeringen.no" rel="nofollow">www.regjeringen.no</a>`, `<a href="mailto:post@meldal.kommune.no" rel="nofollow">`},
	} {
		for _, w := range want {
			if got := Render(normal[i]); !strings.Contains(got, w) {
				t.Errorf("%q renders\n%s\nwithout %s", normal[i], got, w)
			}
		}
	}
	if got := Render(normal[4]); strings.Contains(got, "<script") || strings.Contains(got, "onerror") || strings.Contains(got, "javascript:") {
		t.Errorf("unsafe HTML passed: %s", got)
	}
}

// TestRenderPlainFallback: a text goldmark would take quadratic time on
// shows as escaped text with its line breaks; nesting as deep as people
// write stays Markdown.
func TestRenderPlainFallback(t *testing.T) {
	t.Parallel()
	head := "<b>Første</b> linje\nandre linje\n\n"
	for name, text := range map[string]string{
		"links":     head + strings.Repeat("[a](", MaxLinks+1),
		"depth":     head + strings.Repeat("> ", MaxDepth+1) + "a",
		"staircase": head + staircase(MaxDepth+1),
		"long":      head + strings.Repeat("x", MaxLen),
	} {
		if got := Render(text); !strings.HasPrefix(got, "<p>&lt;b&gt;Første&lt;/b&gt; linje<br>\nandre linje</p>\n<p>") {
			t.Errorf("%s: %.120q", name, got)
		}
	}
	nested := "- a\n  - b\n    1. c\n       > d\n       > > e\n"
	if got := Render(nested); strings.Count(got, "<ul>") != 2 || strings.Count(got, "<blockquote>") != 2 {
		t.Errorf("%q = %s", nested, got)
	}
}

// worst are texts that make goldmark or its Linkify slow, each repeated to
// MaxLen; those the limits turn to plain text are built to stay just
// within them.
var worst = map[string]string{
	"link-open":      "[a](", // each "](" scans the rest of the line
	"image-open":     "![a](",
	"link-title":     "[a](b \"\n", // each title scans the rest of the paragraph
	"ref-open":       "[a][",
	"brackets":       "[",
	"quotes":         strings.Repeat(">", MaxDepth) + " a\n",
	"lists":          strings.Repeat("1. ", MaxDepth*2/3) + "a\n",
	"staircase":      staircase(MaxDepth),
	"www-underscore": "_www.-", // goldmark's Linkify: {1,256} on every trigger
	"www-space":      " www.-",
	"http":           "_http://-",
	"email":          " a@b-",
	"emphasis":       "_a",
	"strong":         "**a*",
	"strike":         "~~a",
	"code":           "`a",
	"code-runs":      "`` ` ",
	"fences":         "```\n",
	"autolink":       "<http:",
	"raw-html":       "<a b='",
	"html-comment":   "<!--",
	"entity":         "&#",
	"table":          "a|b\n-|-\n",
	"words":          "Kartlegging av deltakernes språk, æøå «» §. ",
}

// staircase is a list nested n deep by indentation.
func staircase(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(strings.Repeat("  ", i) + "- a\n")
	}
	return b.String() + "\n"
}

// BenchmarkRenderWorstCase renders each of worst at MaxLen; the
// figures are recorded in the workbook's security report.
func BenchmarkRenderWorstCase(b *testing.B) {
	for name, p := range worst {
		text := strings.Repeat(p, MaxLen/len(p))
		if n := strings.Count(p, "](") + strings.Count(p, "]["); n > 0 {
			// the most links that are still Markdown, in one line or
			// paragraph of the longest text
			text = strings.Repeat(p, MaxLinks/n)
			text += strings.Repeat("x", MaxLen-len(text))
		}
		if !tame(text) {
			b.Fatalf("%s is not rendered as Markdown", name)
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				Render(text)
			}
		})
	}
}
