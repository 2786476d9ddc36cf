package workbook_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/workbook"
)

// TestTemplateCacheAnswersAsTheDatabase: a workbook opened again, its
// published template kept in memory, reads the same as from the database
// (and a caller changing what it got changes nothing for the next); once
// the municipality has left the network, it answers what a process that
// never kept the template answers (its own workbook's template stays
// readable).
func TestTemplateCacheAnswersAsTheDatabase(t *testing.T) {
	t.Parallel()
	w := wbSetUp(t)
	ctx := context.Background()
	rissa := w.members[5] // left on 2017-06-01
	book := w.books[rissa.ID].ID
	open := func(svc *workbook.Service) (*workbook.Template, error) {
		ref, _, err := svc.OpenWorkbook(ctx, rissa, book, workbook.NoEntries)
		return ref.Template, err
	}
	cold, err := open(w.svc)
	if err != nil {
		t.Fatal(err)
	}
	cold.Chapters[0].Title, cold.Sections = "changed by a caller", nil
	warm, err := open(w.svc)
	if err != nil {
		t.Fatal(err)
	}
	warm.Chapters[0].Title, warm.Sections = "changed by a caller", nil
	if warm, err = open(w.svc); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(w.tmpl.Chapters, warm.Chapters); diff != "" || len(warm.Sections) != len(w.tmpl.Sections) {
		t.Errorf("the kept template differs from the published one (-published +kept):\n%s", diff)
	}

	clock := w.svc.Clock.(*app.FixedClock)
	clock.T = time.Date(2017, 7, 1, 9, 0, 0, 0, time.UTC)
	_, wantErr := open(&workbook.Service{DB: w.svc.DB, Clock: clock})
	_, gotErr := open(w.svc)
	if app.ErrorCode(gotErr) != app.ErrorCode(wantErr) {
		t.Errorf("after leaving the network, the workbook opens with error %v; a process without the kept template answers %v", gotErr, wantErr)
	}
}
