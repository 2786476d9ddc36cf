package web

import (
	"bytes"
	"html/template"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// markdown renders user-written Markdown (workbook answers) safely: raw
// HTML is not passed through by goldmark, and bluemonday's policy for user
// content cleans what the Markdown produced.
type markdown struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

func newMarkdown() *markdown {
	return &markdown{
		md:     goldmark.New(goldmark.WithExtensions(extension.Linkify, extension.Table, extension.Strikethrough)),
		policy: bluemonday.UGCPolicy().RequireNoFollowOnLinks(true).AddTargetBlankToFullyQualifiedLinks(false),
	}
}

// render answers the HTML of text; on a rendering error, the text escaped.
func (m *markdown) render(text string) template.HTML {
	var buf bytes.Buffer
	if err := m.md.Convert([]byte(text), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(text))
	}
	return template.HTML(m.policy.SanitizeBytes(buf.Bytes()))
}
