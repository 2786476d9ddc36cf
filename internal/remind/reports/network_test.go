package reports_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
	"github.com/samvirke/samvirke/internal/workbook"
	"github.com/samvirke/samvirke/internal/workbook/workbooktest"
)

// TestNetworkReportBeforeGathering: fourteen days before a gathering
// (not fifteen) the network's coordinators, each in their language, are
// told which member municipalities have which of the gathering's
// chapters ready, in progress or not started, with a link to the
// gathering's progress page; a viewer of the network is not; a second
// run sends nothing more.
func TestNetworkReportBeforeGathering(t *testing.T) {
	w := newWorld(t, time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC))
	h := w.h
	ctx := context.Background()
	network := h.Org(org.KindNetwork, func(o *org.Organisation) { o.Name = "Nettverk «Øst»" })
	coord, editor, viewer := h.User(network, "coordinator"), h.User(network, "editor"), h.User(network, "viewer")
	setLocale(t, w, editor, "sv")
	as := h.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Ås kommune" })
	orland := h.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Ørland kommune" })
	baerum := h.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Bærum kommune" })
	for _, m := range []*org.Organisation{as, orland, baerum} {
		h.Join(network, m, webtest.Since2016)
	}
	tmpl, err := h.Workbooks.CreateTemplate(ctx, network, workbook.TemplateSpec{Name: "Arbeidsboka",
		Chapters: []workbook.ChapterSpec{{Title: "Kapittel 2 «Bosetting»"}, {Title: "Kapittel 3 Språk og kvalifisering"}}})
	if err != nil {
		t.Fatal(err)
	}
	books, err := h.Workbooks.PublishTemplate(ctx, network, tmpl.ID, "2026")
	if err != nil {
		t.Fatal(err)
	}
	ch2, ch3 := tmpl.Chapters[0].ID, tmpl.Chapters[1].ID
	for _, s := range []struct {
		o       *org.Organisation
		chapter int64
		status  string
	}{{as, ch2, workbook.ChapterReady}, {as, ch3, workbook.ChapterInProgress}, {orland, ch2, workbook.ChapterInProgress}} {
		if err := h.Workbooks.SetChapterStatus(ctx, s.o, workbooktest.BookOf(t, books, s.o.ID).ID, s.chapter, s.status); err != nil {
			t.Fatal(err)
		}
	}
	g := &workbook.Gathering{Title: "Tredje samling", StartsOn: time.Date(2026, 10, 22, 0, 0, 0, 0, time.UTC), Place: "Lillestrøm",
		ChapterIDs: []int64{ch2, ch3}}
	if err := h.Workbooks.CreateGathering(ctx, network, g); err != nil {
		t.Fatal(err)
	}

	w.runAt(t, network, time.Date(2026, 10, 7, 8, 0, 0, 0, oslo)) // fifteen days before
	if n := len(h.Mail()); n != 0 {
		t.Fatalf("%d messages fifteen days before", n)
	}
	for range 2 {
		w.runAt(t, network, time.Date(2026, 10, 8, 8, 0, 0, 0, oslo))
	}
	w.runAt(t, network, time.Date(2026, 10, 9, 8, 0, 0, 0, oslo))
	if n := len(h.Mail()); n != 2 {
		t.Fatalf("%d messages, want one to each of the two coordinators", n)
	}
	if n := len(w.mailTo(viewer.Email)); n != 0 {
		t.Errorf("the network's viewer got %d", n)
	}
	link := fmt.Sprintf("%s/o/%s/gatherings/%d", h.URL, network.Slug, g.ID)
	c := w.mailTo(coord.Email)
	if len(c) != 1 || c[0].Subject != "Før samlingen «Tredje samling» 22.10.2026: status for kapitlene" {
		t.Fatalf("the coordinator got %q", subjectsOf(c))
	}
	for _, want := range []string{
		"Nettverk «Øst» har samlingen «Tredje samling» 22.10.2026. Sted: Lillestrøm.",
		"Kapitler til samlingen fra Arbeidsboka: Kapittel 2 «Bosetting», Kapittel 3 Språk og kvalifisering.",
		"- Ås kommune\n  Under arbeid: Kapittel 3 Språk og kvalifisering · Klar: Kapittel 2 «Bosetting»\n",
		"- Ørland kommune\n  Ikke påbegynt: Kapittel 3 Språk og kvalifisering · Under arbeid: Kapittel 2 «Bosetting»\n",
		"- Bærum kommune\n  Ikke påbegynt: Kapittel 2 «Bosetting», Kapittel 3 Språk og kvalifisering\n",
		link,
	} {
		if !strings.Contains(c[0].Text, want) {
			t.Errorf("the report lacks %q:\n%s", want, c[0].Text)
		}
	}
	e := w.mailTo(editor.Email)
	if len(e) != 1 || e[0].Subject != "Inför träffen «Tredje samling» 2026-10-22: läget för kapitlen" ||
		!strings.Contains(e[0].Text, "Klart: Kapittel 2 «Bosetting»") {
		t.Fatalf("the Swedish editor got %q:\n%v", subjectsOf(e), e)
	}
	code, body := h.Client(coord).Get(strings.TrimPrefix(link, h.URL))
	if code != 200 || !strings.Contains(body, "Tredje samling") {
		t.Errorf("the link answers %d", code)
	}
}
