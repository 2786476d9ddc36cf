package workbook_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/due"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/remind"
	"github.com/samvirke/samvirke/internal/webtest"
	"github.com/samvirke/samvirke/internal/workbook"
	"github.com/samvirke/samvirke/internal/workbook/workbooktest"
)

// TestChapterDueAtGatheringReminds: a chapter the network expects at its
// next gathering is due on the gathering's day for each member
// municipality that has not marked it ready: its editors are reminded
// fourteen days before and find it on My work, dated by the first coming
// gathering (not a past one, not a later one); a municipality that marked
// it ready and a contributor hear nothing.
func TestChapterDueAtGatheringReminds(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	ctx := context.Background()
	network := r.Org(org.KindNetwork)
	ready := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Ferdig kommune" })
	late := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Sen kommune" })
	for _, m := range []*org.Organisation{ready, late} {
		r.Join(network, m, webtest.Since2016)
	}
	readyEditor, editor, contributor := r.User(ready, "editor"), r.User(late, "editor"), r.User(late, "contributor")
	tmpl, books := workbooktest.Publish(t, r.Workbooks, network, "2026", "Bosetting i «Sen kommune»")
	chapter := tmpl.Chapters[0]
	if err := r.Workbooks.SetChapterStatus(ctx, ready, workbooktest.BookOf(t, books, ready.ID).ID, chapter.ID, workbook.ChapterReady); err != nil {
		t.Fatal(err)
	}
	// The reminder's day: the first working day from tomorrow, so that
	// the gathering fourteen days on is still to come.
	cal := remind.NewCalendar(late.Country, nil)
	day := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 1)
	for !cal.Working(day) {
		day = day.AddDate(0, 0, 1)
	}
	gatherings := map[string]*workbook.Gathering{}
	for title, at := range map[string]time.Time{"Første samling": day.AddDate(0, 0, -30), "Andre samling – bolig": day.AddDate(0, 0, 14), "Tredje samling": day.AddDate(0, 0, 60)} {
		g := &workbook.Gathering{Title: title, StartsOn: at, ChapterIDs: []int64{chapter.ID}}
		if err := r.Workbooks.CreateGathering(ctx, network, g); err != nil {
			t.Fatal(err)
		}
		gatherings[title] = g
	}

	ds, err := r.Reminders.Deliveries(ctx, late.ID, day)
	if err != nil {
		t.Fatal(err)
	}
	wantKey := fmt.Sprintf("workbook.chapter:%d:%d:%d", workbooktest.BookOf(t, books, late.ID).ID, chapter.ID, gatherings["Andre samling – bolig"].ID)
	var got []remind.Delivery
	for _, d := range ds {
		if strings.HasPrefix(d.ItemKey, "workbook.chapter:") {
			got = append(got, d)
		}
	}
	if len(got) != 1 || got[0].ItemKey != wantKey || got[0].UserID != editor.ID || got[0].Rule != "before:14" || got[0].Title != chapter.Title {
		t.Fatalf("chapter reminders of the late municipality: %+v; want one «before:14» to its editor for %s", got, wantKey)
	}
	if got[0].UserID == contributor.ID {
		t.Error("a contributor is reminded of a chapter")
	}
	ds, err = r.Reminders.Deliveries(ctx, ready.ID, day)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if strings.HasPrefix(d.ItemKey, "workbook.chapter:") {
			t.Errorf("a chapter marked ready is reminded: %+v", d)
		}
	}

	// My work: the editor's, not the ready municipality's editor's.
	myWork := func(body string) string {
		i := strings.Index(body, `id="mywork-h"`)
		if i < 0 {
			return ""
		}
		body = body[i:]
		if j := strings.Index(body, "</section>"); j >= 0 {
			body = body[:j]
		}
		return body
	}
	_, body := r.Client(editor).Get("/o/" + late.Slug + "/dashboard")
	if w := myWork(body); !strings.Contains(w, chapter.Title) || !strings.Contains(w, "Andre samling – bolig") {
		t.Errorf("the late municipality's editor's My work does not list the chapter due at the next gathering:\n%.3000s", body)
	}
	if _, body := r.Client(readyEditor).Get("/o/" + ready.Slug + "/dashboard"); strings.Contains(myWork(body), chapter.Title) {
		t.Error("a chapter marked ready is still on My work")
	}
}

// TestChapterDueCarriedIntoANewVersion: when the network publishes a new
// version of its template into the running cycle, the members' workbooks
// move onto it and a chapter the new version carries over from the old
// one stays due at the coming gathering; the version's new chapter,
// which no gathering takes up, is not due. (Chapters were once matched
// by the version that made them, so a carried-over chapter fell off My
// work the day a new version was published.)
func TestChapterDueCarriedIntoANewVersion(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	ctx := context.Background()
	network := r.Org(org.KindNetwork)
	m := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Ørland kommune" })
	r.Join(network, m, webtest.Since2016)
	editor := r.User(m, "editor")
	v1, books := workbooktest.Publish(t, r.Workbooks, network, "2026", "Bosetting «§ 3»")
	chapter := v1.Chapters[0]
	g := &workbook.Gathering{Title: "Vårsamling på Ørland", StartsOn: time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 20), ChapterIDs: []int64{chapter.ID}}
	if err := r.Workbooks.CreateGathering(ctx, network, g); err != nil {
		t.Fatal(err)
	}
	v2, err := r.Workbooks.CreateTemplate(ctx, network, workbook.TemplateSpec{Name: "Arbeidsboka", Chapters: []workbook.ChapterSpec{
		{Title: chapter.Title, Statements: []workbook.StatementSpec{{Title: "Bosetting «§ 3»"}}},
		{Title: "Kapittel 5: Arbeid", Statements: []workbook.StatementSpec{{Title: "Kvalifisering"}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if v2.Chapters[0].ID != chapter.ID {
		t.Fatalf("version 2 lists chapter %d first; want the carried-over chapter %d", v2.Chapters[0].ID, chapter.ID)
	}
	if pub, err := r.Workbooks.Publish(ctx, network, v2.ID, workbook.Publication{Cycle: "2026"}); err != nil || pub.Moved != 1 {
		t.Fatalf("publishing version 2 into the running cycle: %v, %+v; want the workbook moved", err, pub)
	}
	var items []due.Item
	err = db.Run(ctx, r.DB, db.OrgScope(m.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		items, err = workbook.ChapterDue{Clock: app.SystemClock{}, Workbooks: r.Workbooks}.DueItems(ctx, idb, due.Query{OrgID: m.ID, OrgSlug: m.Slug, ResponsibleID: editor.ID, OpenOnly: true})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	book := workbooktest.BookOf(t, books, m.ID)
	want := fmt.Sprintf("workbook.chapter:%d:%d:%d", book.ID, chapter.ID, g.ID)
	if len(items) != 1 || items[0].Key != want || items[0].Title != chapter.Title || !strings.Contains(items[0].Context, "Vårsamling på Ørland") {
		t.Fatalf("chapters due after version 2: %+v; want one, %s, %q at «Vårsamling på Ørland»", items, want, chapter.Title)
	}
}
