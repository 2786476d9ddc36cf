// Package workbooktest holds fixtures for the workbook's tests in other
// packages: a published template and the workbooks it made.
package workbooktest

import (
	"context"
	"testing"

	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/workbook"
)

// Publish creates the network's template "Arbeidsboka" with one chapter
// of the given problem statements and publishes it for cycle; it answers
// the template and the workbooks made for the current members.
func Publish(tb testing.TB, s *workbook.Service, network *org.Organisation, cycle string, statements ...string) (*workbook.Template, []*workbook.Workbook) {
	tb.Helper()
	ctx := context.Background()
	spec := workbook.TemplateSpec{Name: "Arbeidsboka", Chapters: []workbook.ChapterSpec{{Title: "Kapittel 2"}}}
	for _, st := range statements {
		spec.Chapters[0].Statements = append(spec.Chapters[0].Statements, workbook.StatementSpec{Title: st})
	}
	tmpl, err := s.CreateTemplate(ctx, network, spec)
	if err != nil {
		tb.Fatal(err)
	}
	books, err := s.PublishTemplate(ctx, network, tmpl.ID, cycle)
	if err != nil {
		tb.Fatal(err)
	}
	return tmpl, books
}

// BookOf answers the workbook of organisation orgID among books.
func BookOf(tb testing.TB, books []*workbook.Workbook, orgID int64) *workbook.Workbook {
	tb.Helper()
	for _, b := range books {
		if b.OrgID == orgID {
			return b
		}
	}
	tb.Fatalf("no workbook of organisation %d among %d", orgID, len(books))
	return nil
}
