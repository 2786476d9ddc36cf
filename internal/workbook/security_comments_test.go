package workbook_test

import (
	"context"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/ratelimit"
	"github.com/samvirke/samvirke/internal/workbook"
)

// TestSecurity11RateLimitDayAndOrgPair (finding 11): one person writes at
// most 200 comments a day however slowly, and one organisation's members
// together at most 100 an hour on another organisation's answers, while
// other organisations and the owner's own members go on commenting. A
// refusal is a 429-coded error on the form's field with the wait.
func TestSecurity11RateLimitDayAndOrgPair(t *testing.T) {
	t.Parallel()
	bdb := dbtest.Open(t)
	ctx := context.Background()
	clock := &app.FixedClock{T: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)}
	svc := &workbook.Service{DB: bdb, Clock: clock, Limits: &ratelimit.Limiter{DB: bdb, Clock: clock}}
	network := dbtest.MustCreateOrg(t, bdb, org.KindNetwork)
	var munis []*org.Organisation
	for _, name := range []string{"Meldal", "Osen", "Skaun"} {
		m := dbtest.MustCreateOrg(t, bdb, org.KindMunicipality, func(o *org.Organisation) { o.Name = name + " kommune" })
		dbtest.MustJoinNetwork(t, bdb, network, m, time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{})
		munis = append(munis, m)
	}
	meldal, osen, skaun := munis[0], munis[1], munis[2]
	tmpl, err := svc.CreateTemplate(ctx, network, workbook.TemplateSpec{Name: "Arbeidsboka",
		Chapters: []workbook.ChapterSpec{{Title: "Kapittel 2", Statements: []workbook.StatementSpec{{Title: "«Innvandrerreisen»"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	books, err := svc.PublishTemplate(ctx, network, tmpl.ID, "2026")
	if err != nil {
		t.Fatal(err)
	}
	entries := map[int64]int64{} // municipality → its answer
	for _, b := range books {
		o := map[int64]*org.Organisation{meldal.ID: meldal, osen.ID: osen, skaun.ID: skaun}[b.OrgID]
		e, err := svc.SaveEntry(ctx, o, actor("Import"), workbook.Save{WorkbookID: b.ID, StatementID: tmpl.Chapters[0].Statements[0].ID,
			Content: workbook.Content{Answers: map[string]string{"analysis": "Kartlagt"}}})
		if err != nil {
			t.Fatal(err)
		}
		entries[b.OrgID] = e.ID
	}
	author := func(o *org.Organisation) *app.Actor {
		_, uctx := dbtest.MustCreateUser(t, bdb, o, "member")
		return app.ActorFrom(uctx)
	}
	comment := func(a *app.Actor, on *org.Organisation) error {
		_, _, err := svc.AddComment(ctx, on.ID, entries[on.ID], a, a.OrgID, "Hvordan gjorde dere det?", "")
		return err
	}
	refused := func(what string, err error, key string) {
		t.Helper()
		ae := app.AsError(err)
		if ae == nil || ae.Code != app.ETooMany || ae.Key != key || ae.Field != "body" || ae.Args["retry_after"] == nil {
			t.Errorf("%s: %v; want too many (%s) on the body with a wait", what, err, key)
		}
	}

	t.Run("PerDay", func(t *testing.T) {
		a := author(meldal)
		for i := 1; i <= 200; i++ {
			if err := comment(a, meldal); err != nil {
				t.Fatalf("comment %d: %v", i, err)
			}
			if i%10 == 0 { // slow enough for the per-minute limit
				clock.T = clock.T.Add(2 * time.Minute)
			}
		}
		refused("comment 201 within the day", comment(a, meldal), "workbook.error.too_many_comments_today")
		if err := comment(author(meldal), meldal); err != nil {
			t.Errorf("a colleague: %v", err)
		}
	})

	t.Run("PerOrganisationPair", func(t *testing.T) {
		for i := 0; i < 10; i++ {
			a := author(osen)
			for j := 0; j < 10; j++ {
				if err := comment(a, meldal); err != nil {
					t.Fatalf("Osen's comment %d: %v", i*10+j+1, err)
				}
			}
		}
		fresh := author(osen)
		refused("Osen's 101st comment on Meldal within the hour", comment(fresh, meldal), "workbook.error.too_many_comments_org")
		if err := comment(fresh, skaun); err != nil {
			t.Errorf("Osen on Skaun's answer: %v", err)
		}
		if err := comment(author(skaun), meldal); err != nil {
			t.Errorf("Skaun on Meldal's answer: %v", err)
		}
		if err := comment(author(meldal), meldal); err != nil {
			t.Errorf("Meldal on its own answer: %v", err)
		}
		var fromOsen int
		for before := int64(0); ; {
			p, err := svc.Comments(ctx, meldal.ID, entries[meldal.ID], before)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range p.Comments {
				if c.AuthorOrgName == "Osen kommune" {
					fromOsen++
				}
			}
			if p.Older == 0 {
				break
			}
			before = p.Older
		}
		if fromOsen != 100 {
			t.Errorf("%d comments from Osen stored on Meldal's answer; want 100", fromOsen)
		}
	})
}
