// Package document is the one model of a printable report: a title,
// metadata, headings, paragraphs, bullet lists, tables with a heading row,
// and charts. WritePDF prints it as PDF (embedded Unicode fonts, tables
// that break across pages with their heading row repeated, numbered
// pages) and WriteDOCX as a Word document built from the standard
// library, so committees can paste a report into their case documents.
package document

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/samvirke/samvirke/internal/chart"
)

// Document is a report. Title, Subject, Author and Created are its
// metadata (Title is not printed: put the visible title in Blocks).
// Locale is the language of its text ("nb", "sv", "da", "en"), and Format
// how its charts print numbers and their fixed texts. Landscape turns
// the A4 pages on their side.
type Document struct {
	Title     string
	Subject   string
	Author    string
	Created   time.Time
	Locale    string
	Format    chart.Format
	Landscape bool
	Blocks    []Block
}

// Block is one element of a document's body: *Heading, *Paragraph, *List,
// *Table, *Columns, *Chart, *Contents or *PageBreak.
type Block interface{ block() }

// Heading is a heading of Level 1 (the document's title), 2 (a part,
// printed on a band) or 3. Accent prints it in the accent colour, for a
// mark that the text must also say in words. A heading is kept on the
// same page as the start of what follows it.
type Heading struct {
	Level  int
	Text   string
	Accent bool
}

// Style is how a paragraph is set.
type Style int

// Paragraph styles.
const (
	// Body is running text.
	Body Style = iota
	// Lead is a bold line such as a subtitle.
	Lead
	// Small is small grey text such as a date line.
	Small
	// Muted is grey italics, for a placeholder such as "not answered".
	Muted
)

// Paragraph is text; each line of Text is a line of its own (blank lines
// are dropped).
type Paragraph struct {
	Text  string
	Style Style
}

// List is a bullet list.
type List struct{ Items []string }

// Table is a table with one heading row, Head, repeated on every page the
// table spans. Widths are the columns' relative widths (nil: equal).
type Table struct {
	Head   []string
	Rows   [][]string
	Widths []float64
}

// Columns are texts meant to be read side by side, each under its head
// (municipalities' answers to one question). Word shows them as a table
// of one row, at most MaxColumns to a table; a PDF prints them one after
// another, each under its head as a heading of level 3 (Accent marks
// heads, as Heading.Accent): long texts in narrow columns would make its
// lines interleave for screen readers and text extraction.
type Columns struct {
	Heads  []string
	Texts  []string
	Accent []bool // per column, optional
	Muted  []bool // per column, optional: the text is a placeholder («not answered»)
}

// MaxColumns is how many columns Word puts side by side.
const MaxColumns = 4

// Chart is a chart, printed as its drawing followed by its data table in
// PDF, and as its title, description and data table in Word.
type Chart struct{ Chart *chart.Chart }

// Contents is a table of contents: Title (such as «Indholdsfortegnelse»;
// none when empty), then one entry for every Heading of Level (0: 2)
// that comes after it in the document, in order. A PDF prints each entry
// as the heading's text, dot leaders and the number of the page the
// heading is printed on, right-aligned on the entry's last line; Word
// gets a TOC field over the headings of that level, filled in with their
// texts until Word updates it (Word, not this package, numbers its
// pages). Headings that Columns print are not listed.
type Contents struct {
	Title string
	Level int
}

// level answers the heading level c lists.
func (c *Contents) level() int {
	if c.Level == 0 {
		return 2
	}
	return c.Level
}

// lists reports whether c lists b, a block after it: a heading of its
// level with some text.
func (c *Contents) lists(b Block) bool {
	h, ok := b.(*Heading)
	return ok && h.Level == c.level() && strings.TrimSpace(h.Text) != ""
}

// PageBreak starts what follows on a new page, unless it already starts
// one: it never leaves a blank page, at the start or end of a document
// or after another PageBreak.
type PageBreak struct{}

func (*Heading) block()   {}
func (*Paragraph) block() {}
func (*List) block()      {}
func (*Table) block()     {}
func (*Chart) block()     {}
func (*Columns) block()   {}
func (*Contents) block()  {}
func (*PageBreak) block() {}

// Add appends blocks to the document's body and answers the document.
func (d *Document) Add(blocks ...Block) *Document {
	d.Blocks = append(d.Blocks, blocks...)
	return d
}

// Validate reports a document that cannot be written: a heading or
// contents level outside 1–3, a table without a heading row or with a
// row or widths of another length, an invalid chart.
func (d *Document) Validate() error {
	var errs []error
	for i, b := range d.Blocks {
		switch b := b.(type) {
		case *Heading:
			if b.Level < 1 || b.Level > 3 {
				errs = append(errs, fmt.Errorf("document: block %d: heading level %d", i, b.Level))
			}
		case *Contents:
			if l := b.level(); l < 1 || l > 3 {
				errs = append(errs, fmt.Errorf("document: block %d: contents level %d", i, b.Level))
			}
		case *Table:
			if len(b.Head) == 0 {
				errs = append(errs, fmt.Errorf("document: block %d: table without a heading row", i))
			}
			if b.Widths != nil && len(b.Widths) != len(b.Head) {
				errs = append(errs, fmt.Errorf("document: block %d: %d widths for %d columns", i, len(b.Widths), len(b.Head)))
			}
			for j, r := range b.Rows {
				if len(r) != len(b.Head) {
					errs = append(errs, fmt.Errorf("document: block %d: row %d has %d cells for %d columns", i, j+1, len(r), len(b.Head)))
				}
			}
		case *Columns:
			if len(b.Texts) != len(b.Heads) {
				errs = append(errs, fmt.Errorf("document: block %d: %d texts for %d columns", i, len(b.Texts), len(b.Heads)))
			}
		case *Chart:
			if b.Chart == nil {
				errs = append(errs, fmt.Errorf("document: block %d: no chart", i))
			} else if err := b.Chart.Validate(); err != nil {
				errs = append(errs, fmt.Errorf("document: block %d: %w", i, err))
			}
		case nil:
			errs = append(errs, fmt.Errorf("document: block %d is nil", i))
		}
	}
	return errors.Join(errs...)
}

// widths answers t's relative column widths as shares summing to 1.
func (t *Table) widths() []float64 {
	w := make([]float64, len(t.Head))
	sum := 0.0
	for i := range w {
		w[i] = 1
		if i < len(t.Widths) && t.Widths[i] > 0 {
			w[i] = t.Widths[i]
		}
		sum += w[i]
	}
	for i := range w {
		w[i] /= sum
	}
	return w
}

func flag(fs []bool, i int) bool { return i < len(fs) && fs[i] }
