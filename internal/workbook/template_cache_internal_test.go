package workbook

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
)

// TestTemplateCacheKeepsToTheScope: a kept template is answered only to a
// unit of work that may read its network, so an organisation outside the
// network gets what the database gives it (on PostgreSQL, row-level
// security hides the template), whether or not the network read it first.
func TestTemplateCacheKeepsToTheScope(t *testing.T) {
	t.Parallel()
	bdb := dbtest.Open(t)
	clock := &app.FixedClock{T: dbtest.Now}
	network := dbtest.MustCreateOrg(t, bdb, org.KindNetwork)
	outsider := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality)
	warm := &Service{DB: bdb, Clock: clock}
	ctx := context.Background()
	tmpl, err := warm.CreateTemplate(ctx, network, TemplateSpec{Name: "Arbeidsboka", Chapters: []ChapterSpec{
		{Title: "Kapittel 1", Statements: []StatementSpec{{Title: "Problemstilling 1"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := warm.PublishTemplate(ctx, network, tmpl.ID, "2016–2017"); err != nil {
		t.Fatal(err)
	}
	find := func(svc *Service, scope db.Scope) (*Template, error) {
		var got *Template
		err := db.Run(ctx, bdb, scope, func(ctx context.Context, idb bun.IDB) error {
			var err error
			got, err = svc.findTemplate(ctx, idb, network.ID, tmpl.ID)
			return err
		})
		return got, err
	}
	for range 2 { // the second from memory
		if got, err := find(warm, db.OrgScope(network.ID)); err != nil || got.ID != tmpl.ID {
			t.Fatalf("the network reads its template: %v", err)
		}
	}
	_, wantErr := find(&Service{DB: bdb, Clock: clock}, db.OrgScope(outsider.ID))
	if _, err := find(warm, db.OrgScope(outsider.ID)); app.ErrorCode(err) != app.ErrorCode(wantErr) {
		t.Errorf("an outsider asking for the kept template: %v; the database answers %v", err, wantErr)
	}
}
