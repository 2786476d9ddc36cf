package reports_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/mail"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/remind"
)

// TestDigests: a person who chose the daily digest for reminders and the
// weekly one for agendas gets no mail when they happen; the next working
// day one digest lists exactly the reminders waiting (with their links),
// not the agenda; a run again sends nothing; the next day's digest lists
// only what came since; Monday's weekly digest lists the agenda, and the
// weekly digest of another person their reminder. Someone who chose
// nothing gets each at once; someone who left the organisation gets no
// digest; nothing stays waiting for a digest that went.
func TestDigests(t *testing.T) {
	w := newWorld(t, time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
	h := w.h
	ctx := context.Background()
	o := h.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Ål kommune" })
	kari, ola, per, lise := h.User(o, "contributor"), h.User(o, "contributor"), h.User(o, "contributor"), h.User(o, "contributor")
	exec := func(q string, args ...any) {
		t.Helper()
		if err := db.Run(ctx, h.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
			_, err := idb.NewRaw(q, args...).Exec(ctx)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	pref := func(u *account.User, kind, mode string) {
		exec("INSERT INTO notification_prefs (user_id, kind, mode) VALUES (?, ?, ?)", u.ID, kind, mode)
	}
	pref(kari, remind.KindReminder, remind.ModeDaily)
	pref(kari, remind.KindAgenda, remind.ModeWeekly)
	pref(ola, remind.KindReminder, remind.ModeWeekly)
	pref(lise, remind.KindReminder, remind.ModeDaily)
	seq := 0
	tell := func(u *account.User, kind, title string) string {
		t.Helper()
		seq++
		path := fmt.Sprintf("/o/%s/plans/1/items/%d", o.Slug, seq)
		_, err := h.Reminders.Send(ctx, remind.Send{OrgID: o.ID, Key: fmt.Sprintf("test:%d", seq), Kind: kind, UserID: u.ID, Title: title, URL: path,
			Compose: func(context.Context, bun.IDB, remind.Recipient) (mail.Message, error) {
				return mail.Message{Subject: title, Text: title}, nil
			}})
		if err != nil {
			t.Fatal(err)
		}
		return h.URL + path
	}
	l1 := tell(kari, remind.KindReminder, "Frist om 3 dager: Språkpraksis – «æøå»")
	l2 := tell(kari, remind.KindReminder, "Frist i dag: Bolig for familier")
	l3 := tell(kari, remind.KindAgenda, "Innvandrerrådet 18.03.2026")
	l4 := tell(ola, remind.KindReminder, "Frist i morgen: Kartlegging")
	tell(per, remind.KindReminder, "Frist i dag: Helseundersøkelse")
	tell(lise, remind.KindReminder, "Frist i dag: Bolig")
	h.WaitFor(10*time.Second, func() bool { return h.Unsent() == 0 })
	if n := len(h.Mail()); n != 1 || len(w.mailTo(per.Email)) != 1 {
		t.Fatalf("%d messages at once, want only the one to the person who chose nothing", n)
	}
	exec("DELETE FROM memberships WHERE org_id = ? AND user_id = ?", o.ID, lise.ID)

	digest := func(u *account.User, n int) (subject string, lines []string, links []string) {
		t.Helper()
		ms := w.mailTo(u.Email)
		if len(ms) != n {
			t.Fatalf("%s has %d messages, want %d: %q", u.Email, len(ms), n, subjectsOf(ms))
		}
		m := ms[n-1]
		for _, l := range strings.Split(m.Text, "\n") {
			if strings.HasPrefix(l, "- ") {
				lines = append(lines, strings.TrimPrefix(l, "- "))
			}
		}
		return m.Subject, lines, m.Links()
	}

	for range 2 {
		w.runAt(t, o, time.Date(2026, 3, 11, 8, 0, 0, 0, oslo)) // Wednesday
	}
	subj, got, links := digest(kari, 1)
	if subj != "Dagens sammendrag fra Ål kommune – 11.03.2026" {
		t.Errorf("subject %q", subj)
	}
	if want := []string{"Frist om 3 dager: Språkpraksis – «æøå»", "Frist i dag: Bolig for familier"}; !slices.Equal(got, want) {
		t.Errorf("the daily digest lists %q, want %q", got, want)
	}
	if !slices.Contains(links, l1) || !slices.Contains(links, l2) || slices.Contains(links, l3) {
		t.Errorf("links %q", links)
	}
	if n := len(w.mailTo(ola.Email)); n != 0 {
		t.Errorf("the weekly reader got %d messages on a Wednesday", n)
	}
	if n := len(w.mailTo(lise.Email)); n != 0 {
		t.Errorf("the person who left got %d messages", n)
	}

	w.clock.Set(time.Date(2026, 3, 11, 12, 0, 0, 0, oslo))
	l5 := tell(kari, remind.KindReminder, "Fristen gikk ut i går: Frivilligsentral")
	tell(kari, remind.KindReminder, "Frist i dag: Lest i appen")
	// Read in the app before the digest: not mailed again.
	ns, _, err := h.Reminders.Notifications(ctx, o.ID, kari.ID, 1)
	if err != nil || len(ns) == 0 || ns[0].Title != "Frist i dag: Lest i appen" {
		t.Fatalf("newest notification: %v %v", ns, err)
	}
	if _, err := h.Reminders.MarkRead(ctx, o.ID, kari.ID, ns[0].ID); err != nil {
		t.Fatal(err)
	}
	w.runAt(t, o, time.Date(2026, 3, 12, 8, 0, 0, 0, oslo))
	if _, got, links = digest(kari, 2); !slices.Equal(got, []string{"Fristen gikk ut i går: Frivilligsentral"}) || !slices.Contains(links, l5) {
		t.Errorf("Thursday's digest lists %q", got)
	}
	for _, d := range []int{13, 14, 15} { // Friday: nothing new; the weekend: no run
		w.runAt(t, o, time.Date(2026, 3, d, 8, 0, 0, 0, oslo))
	}
	if n := len(w.mailTo(kari.Email)); n != 2 {
		t.Errorf("%d digests by Sunday", n)
	}

	for range 2 {
		w.runAt(t, o, time.Date(2026, 3, 16, 8, 0, 0, 0, oslo)) // Monday
	}
	if subj, got, links = digest(kari, 3); subj != "Ukens sammendrag fra Ål kommune – uke 12" || !slices.Equal(got, []string{"Innvandrerrådet 18.03.2026"}) || !slices.Contains(links, l3) {
		t.Errorf("Kari's weekly digest: %q %q", subj, got)
	}
	if _, got, links = digest(ola, 1); !slices.Equal(got, []string{"Frist i morgen: Kartlegging"}) || !slices.Contains(links, l4) {
		t.Errorf("Ola's weekly digest: %q", got)
	}
	var waiting []int64
	if err := db.Run(ctx, h.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().TableExpr("notifications").Column("user_id").Where("org_id = ? AND mail_pending = ?", o.ID, true).Scan(ctx, &waiting)
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(waiting, []int64{lise.ID}) {
		t.Errorf("still waiting for a digest: users %v, want only the one who left (%d)", waiting, lise.ID)
	}
	if n := len(h.Mail()); n != 5 {
		t.Errorf("%d messages in all, want 5", n)
	}
}
