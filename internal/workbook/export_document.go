package workbook

import (
	"strings"
	"time"

	"github.com/samvirke/samvirke/internal/chart"
	"github.com/samvirke/samvirke/internal/document"
	"github.com/samvirke/samvirke/internal/i18n"
)

// Document builds the gathering view as a printable document in the
// language loc, for PDF and Word (document.Document's WritePDF and
// WriteDOCX): a title with the network, chapter, gathering and statement;
// the statement's guidance and guiding questions; per section, each
// municipality's answer under its name (marked in words when it is good
// practice); then each municipality's goals, measures and the comments
// on its answer (with their authors' organisations) as tables.
// texts translates the fixed texts (see ExportTexts); dates and numbers
// follow loc (42,5 in nb); now is the generation time printed on the
// first page.
//
// It returns an error when the view has no statement.
func (v *GatheringView) Document(loc string, texts ExportTexts, now time.Time) (*document.Document, error) {
	if v == nil || v.Statement == nil {
		return nil, errNoStatement
	}
	e := newExportEnv(texts, func(t time.Time) string { return i18n.FormatDate(loc, t) }, now)
	e.number = func(f float64) string { return i18n.FormatNumber(loc, f, -1) }
	d := &document.Document{Title: v.Statement.Title, Subject: subtitle(v), Created: now, Locale: loc, Landscape: true,
		Format: chart.Format{Locale: loc, T: texts}}
	d.Add(&document.Paragraph{Text: e.t("workbook.export.title"), Style: document.Small},
		&document.Paragraph{Text: subtitle(v), Style: document.Lead},
		&document.Heading{Level: 1, Text: v.Statement.Title},
		&document.Paragraph{Text: e.generated(), Style: document.Small},
		&document.Paragraph{Text: v.Statement.Guidance})
	if len(v.Statement.Questions) > 0 {
		d.Add(&document.List{Items: v.Statement.Questions})
	}
	// The municipalities' answers side by side (in Word; a PDF prints
	// them one after another, see document.Columns).
	for _, sec := range v.Sections {
		d.Add(&document.Heading{Level: 2, Text: sec.Title})
		cols := &document.Columns{}
		for i := range v.Columns {
			c := &v.Columns[i]
			answer := c.Answers[sec.Key]
			empty := strings.TrimSpace(answer) == ""
			if empty {
				answer = e.t("workbook.export.no_answer")
			}
			cols.Heads, cols.Texts = append(cols.Heads, e.municipality(c)), append(cols.Texts, answer)
			cols.Accent, cols.Muted = append(cols.Accent, c.GoodPractice), append(cols.Muted, empty)
		}
		d.Add(cols)
	}
	v.documentTables(d, e, e.t("workbook.export.goals"), []float64{4, 2, 1, 1, 1, 1, 2}, e.goalHeads(), e.goalRows)
	v.documentTables(d, e, e.t("workbook.export.measures"), []float64{5, 2, 2, 1, 2}, e.measureHeads(), e.measureRows)
	v.documentTables(d, e, e.t("workbook.export.comments"), []float64{2, 2, 1, 5}, e.commentHeads(), e.commentRows)
	return d, nil
}

// municipalityHeading is a municipality's sub-heading, with the
// good-practice mark in words (and in colour as well).
func municipalityHeading(e exportEnv, c *GatheringColumn) *document.Heading {
	return &document.Heading{Level: 3, Text: e.municipality(c), Accent: c.GoodPractice}
}

// documentTables adds, under the heading title, a table for each
// municipality with rows, headed by heads over the relative column
// widths; nothing when no municipality has a row.
func (v *GatheringView) documentTables(d *document.Document, e exportEnv, title string, widths []float64, heads []string, rows func(*GatheringColumn) [][]any) {
	titled := false
	for i := range v.Columns {
		c := &v.Columns[i]
		cells := rows(c)
		if len(cells) == 0 {
			continue
		}
		if !titled {
			d.Add(&document.Heading{Level: 2, Text: title})
			titled = true
		}
		t := &document.Table{Head: heads, Widths: widths}
		for _, r := range cells {
			texts := make([]string, len(r))
			for j, x := range r {
				texts[j] = e.text(x)
			}
			t.Rows = append(t.Rows, texts)
		}
		d.Add(municipalityHeading(e, c), t)
	}
}
