package remind_test

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/mail"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/remind"
	"github.com/samvirke/samvirke/internal/webtest"
)

// notify sends u a reminder in o through the service, as the engine does,
// and answers whether it was sent.
func notify(t *testing.T, h *webtest.Harness, o *org.Organisation, u *account.User, key, title, link string) bool {
	t.Helper()
	ok, err := h.Reminders.Send(context.Background(), remind.Send{OrgID: o.ID, Key: key, Kind: remind.KindReminder, UserID: u.ID,
		Title: title, URL: link, Compose: func(ctx context.Context, idb bun.IDB, r remind.Recipient) (mail.Message, error) {
			return mail.Message{Subject: title, Text: "Hei " + r.Name + ",\n\n" + title}, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// badge answers the bell's badge on a page: its figure, "" when none.
func badge(body string) string {
	_, rest, ok := strings.Cut(body, `class="bell-badge" aria-hidden="true">`)
	if !ok {
		return ""
	}
	n, _, _ := strings.Cut(rest, "<")
	return n
}

func norway(o *org.Organisation) { o.Country, o.Locale, o.TimeZone = "NO", "nb", "Europe/Oslo" }

// TestBellAndNotifications: three reminders sent light the bell with «3»
// (said as «3 uleste varsler»); the notifications page lists them newest
// first, unread marked in words; opening one marks it read and goes to
// what it is about, the bell says 2; another member sees none of them and
// gets 404 for one of them; «Merk alle som lest» takes the badge away.
func TestBellAndNotifications(t *testing.T) {
	t.Parallel()
	h := webtest.New(t, webtest.Options{})
	o := h.Org(org.KindMunicipality, norway)
	kari, ola := h.User(o, "contributor"), h.User(o, "contributor")
	kc, oc := h.Client(kari), h.Client(ola)
	kc.Post("/language", url.Values{"locale": {"nb"}})
	base := "/o/" + o.Slug

	code, body := kc.Get(base + "/dashboard")
	if code != 200 || badge(body) != "" || !strings.Contains(body, "Ingen uleste varsler") || !strings.Contains(body, `href="`+base+`/notifications"`) {
		t.Fatalf("dashboard before any reminder: %d, badge %q", code, badge(body))
	}
	titles := []string{"Frist om 14 dager: Språkpraksis i kommunen", "Frist om 3 dager: Kartlegging – «kompetanse»", "Frist i dag: Bolig for familier"}
	for i, title := range titles {
		if !notify(t, h, o, kari, fmt.Sprint("bell-", i), title, base+"/dashboard?item="+strconv.Itoa(i)) {
			t.Fatalf("send %d: not sent", i)
		}
		time.Sleep(5 * time.Millisecond) // distinct times: newest first
	}
	if notify(t, h, o, kari, "bell-0", titles[0], base+"/dashboard") {
		t.Fatal("the same key was sent twice")
	}
	_, body = kc.Get(base + "/dashboard")
	if badge(body) != "3" || !strings.Contains(body, "3 uleste varsler") {
		t.Fatalf("after three sends the bell shows %q", badge(body))
	}
	_, body = kc.Get(base + "/notifications")
	first, second, third := strings.Index(body, "Bolig for familier"), strings.Index(body, "Kartlegging – «kompetanse»"), strings.Index(body, "Språkpraksis i kommunen")
	if first < 0 || second < first || third < second {
		t.Fatalf("notifications not listed newest first: %d %d %d", first, second, third)
	}
	if n := strings.Count(body, `class="pill pill-unread">Ulest<`); n != 3 {
		t.Errorf("%d notifications marked «Ulest» in words; want 3", n)
	}
	list, _, err := h.Reminders.Notifications(context.Background(), o.ID, kari.ID, 1)
	if err != nil || len(list) != 3 {
		t.Fatalf("notifications: %d %v", len(list), err)
	}
	newest := list[0]
	resp, _ := kc.PostResponse(fmt.Sprintf("%s/notifications/%d/read", base, newest.ID), url.Values{"open": {"1"}})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != base+"/dashboard?item=2" {
		t.Fatalf("opening a notification: %d to %q; want 303 to what it is about", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = kc.Get(base + "/dashboard")
	if badge(body) != "2" || !strings.Contains(body, "2 uleste varsler") {
		t.Fatalf("after opening one the bell shows %q; want 2", badge(body))
	}

	// Another member: none of Kari's, and her notification is not found.
	if code, _ := oc.Post(fmt.Sprintf("%s/notifications/%d/read", base, list[1].ID), url.Values{}); code != 404 {
		t.Errorf("another member marking Kari's notification read: %d; want 404", code)
	}
	if _, body := oc.Get(base + "/notifications"); strings.Contains(body, "Språkpraksis") || badge(body) != "" {
		t.Error("another member sees Kari's notifications")
	}
	if n, _ := h.Reminders.Unread(context.Background(), o.ID, kari.ID); n != 2 {
		t.Errorf("Kari's unread after Ola's try: %d; want 2", n)
	}

	// Fifty to a page, newest first.
	for i := range remind.NotificationsPerPage + 2 {
		notify(t, h, o, ola, fmt.Sprint("page-", i), fmt.Sprintf("Melding nr. %03d", i), "")
	}
	_, body = oc.Get(base + "/notifications")
	if n := strings.Count(body, `class="notification is-unread"`); n != remind.NotificationsPerPage || !strings.Contains(body, "Side 1 av 2") || !strings.Contains(body, "Melding nr. 051") || badge(body) != "52" {
		t.Errorf("first page: %d notifications, badge %q", n, badge(body))
	}
	_, body = oc.Get(base + "/notifications?page=2")
	if n := strings.Count(body, `class="notification is-unread"`); n != 2 || !strings.Contains(body, "Melding nr. 000") || strings.Contains(body, "Melding nr. 051") {
		t.Errorf("second page: %d notifications", n)
	}

	if resp, _ := kc.PostResponse(base+"/notifications/read", url.Values{}); resp.StatusCode != 303 {
		t.Fatalf("mark all read: %d", resp.StatusCode)
	}
	_, body = kc.Get(base + "/notifications")
	if badge(body) != "" || !strings.Contains(body, "Ingen uleste varsler") || !strings.Contains(body, "2 varsler merket som lest.") || strings.Contains(body, "pill-unread") {
		t.Errorf("after «mark all as read» the bell shows %q", badge(body))
	}

	// Kari in a second municipality: each organisation's bell counts its
	// own notifications.
	other := h.Org(org.KindMunicipality, norway)
	h.Member(other, kari, "contributor")
	notify(t, h, other, kari, "other-0", "Frist i morgen: Tolketjeneste", "")
	if _, body := kc.Get("/o/" + other.Slug + "/dashboard"); badge(body) != "1" {
		t.Errorf("in the second municipality the bell shows %q; want 1", badge(body))
	}
	if _, body := kc.Get(base + "/dashboard"); badge(body) != "" {
		t.Errorf("back in the first the bell shows %q; want none", badge(body))
	}
}

// TestPreferencesDecideTheMail: a person who turns reminders off gets the
// notification but no e-mail from Send; one who chooses the daily digest
// gets a notification kept for the digest and no e-mail at once; the
// default sends the e-mail. An unknown choice is refused. A single
// sign-on session may set them too.
func TestPreferencesDecideTheMail(t *testing.T) {
	t.Parallel()
	h := webtest.New(t, webtest.Options{})
	o := h.Org(org.KindMunicipality, norway)
	kari := h.User(o, "contributor")
	kc := h.Client(kari)
	ctx := context.Background()
	channel := func(key string) (string, bool) {
		t.Helper()
		var rows []struct {
			Channel string
			Pending bool
		}
		err := db.Run(ctx, h.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
			return idb.NewRaw(`SELECT s.channel, n.mail_pending AS pending FROM reminder_sends AS s JOIN notifications AS n ON n.org_id = s.org_id AND n.user_id = s.user_id AND n.title = s.title WHERE s.org_id = ? AND s.key = ?`, o.ID, key).Scan(ctx, &rows)
		})
		if err != nil || len(rows) != 1 {
			t.Fatalf("send %s: %v %v", key, rows, err)
		}
		return rows[0].Channel, rows[0].Pending
	}

	// The default: at once by e-mail.
	notify(t, h, o, kari, "pref-0", "Frist i dag: Norskkurs for foreldre", "/o/"+o.Slug+"/dashboard")
	if m := h.MailTo(kari.Email); m.Subject != "Frist i dag: Norskkurs for foreldre" {
		t.Fatalf("immediate: got %q", m.Subject)
	}

	_, body := kc.Get("/account/notifications")
	if !strings.Contains(body, `<option value="immediate" selected>`) || !strings.Contains(body, "Dagens") && !strings.Contains(body, "Daglig sammendrag") {
		t.Fatal("preferences page: no choices shown")
	}
	if code, body := kc.Post("/account/notifications", url.Values{"kind_reminder": {"sometimes"}}); code != 422 || !strings.Contains(body, `href="#f-kind_reminder"`) {
		t.Fatalf("an unknown choice: %d", code)
	}
	if resp, _ := kc.PostResponse("/account/notifications", url.Values{"kind_reminder": {"off"}, "kind_escalation": {"weekly"}}); resp.StatusCode != 303 {
		t.Fatalf("save preferences: %d", resp.StatusCode)
	}
	prefs, err := h.Reminders.Prefs(ctx, kari.ID)
	if err != nil || prefs[remind.KindReminder] != remind.ModeOff || prefs[remind.KindEscalation] != remind.ModeWeekly || prefs[remind.KindAgenda] != remind.ModeImmediate {
		t.Fatalf("stored preferences: %v %v", prefs, err)
	}
	if _, body := kc.Get("/account/notifications"); !strings.Contains(body, `<option value="off" selected>`) {
		t.Error("the page does not show the stored choice")
	}
	// The e-mails' List-Unsubscribe leads here: a person signed in through
	// their organisation's single sign-on may use it too.
	if code, body := h.SSOClient(kari, o).Get(remind.PreferencesPath); code != 200 || !strings.Contains(body, `<option value="off" selected>`) {
		t.Errorf("single sign-on session: %d", code)
	}
	before := h.MailCountTo(kari.Email)
	if !notify(t, h, o, kari, "pref-1", "Frist om 3 dager: Jobbmesse", "/o/"+o.Slug+"/dashboard") {
		t.Fatal("off: the notification was not sent")
	}
	if ch, pending := channel("pref-1"); ch != remind.ChannelApp || pending {
		t.Errorf("off: channel %q, pending %v; want the app only", ch, pending)
	}
	if n, _ := h.Reminders.Unread(ctx, o.ID, kari.ID); n != 2 {
		t.Errorf("off: %d unread; the bell still gets it", n)
	}

	kc.Post("/account/notifications", url.Values{"kind_reminder": {"daily"}})
	notify(t, h, o, kari, "pref-2", "Frist om 14 dager: Språkkafé", "/o/"+o.Slug+"/dashboard")
	if ch, pending := channel("pref-2"); ch != remind.ChannelDigest || !pending {
		t.Errorf("daily: channel %q, pending %v; want kept for the digest", ch, pending)
	}
	time.Sleep(300 * time.Millisecond) // an e-mail at once would have arrived by now
	if after := h.MailCountTo(kari.Email); after != before || h.Unsent() != 0 {
		t.Errorf("off and daily sent %d e-mails (%d unsent); want none", after-before, h.Unsent())
	}
}

// TestReminderSettingsPage: an admin's refused settings come back with
// what was typed and the reason at the field; saved settings are what the
// engine reads; holiday weeks are added (a reversed period refused, the
// name kept), listed and removed; the page lists Norway's holidays. A
// contributor may not open it.
func TestReminderSettingsPage(t *testing.T) {
	t.Parallel()
	h := webtest.New(t, webtest.Options{})
	o := h.Org(org.KindMunicipality, norway)
	admin, contributor := h.User(o, "admin"), h.User(o, "contributor")
	ac := h.Client(admin)
	ac.Post("/language", url.Values{"locale": {"nb"}})
	page := "/o/" + o.Slug + "/admin/reminders"
	ctx := context.Background()

	if code, _ := h.Client(contributor).Get(page); code != 403 {
		t.Errorf("contributor: %d; want 403", code)
	}
	code, body := ac.Get(page)
	if code != 200 || !strings.Contains(body, `value="14, 3, 0"`) || !strings.Contains(body, "Grunnlovsdag") || !strings.Contains(body, `href="`+page+`"`) {
		t.Fatalf("settings page: %d, defaults, holidays or the admin tab missing", code)
	}
	form := url.Values{"before_days": {"21, 7, 1"}, "overdue_every": {"5"}, "escalate_after": {"10"}, "stalled_after": {"90"},
		"send_hour": {"7"}, "report_day": {"3"}, "report_recipients": {"rådet@example.org\nikke en adresse"}, "agenda_days": {"10"}, "network_days": {"20"}}
	code, body = ac.Post(page, form)
	if code != 422 || !strings.Contains(body, `href="#f-report_recipients"`) || !strings.Contains(body, "ikke en adresse") ||
		!strings.Contains(body, `value="21, 7, 1"`) || !strings.Contains(body, `value="90"`) {
		t.Fatalf("a bad address: %d; want 422 keeping what was typed", code)
	}
	form.Set("send_hour", "tidlig")
	if code, body := ac.Post(page, form); code != 422 || !strings.Contains(body, `href="#f-send_hour"`) || !strings.Contains(body, `value="tidlig"`) {
		t.Fatalf("a word for the hour: %d", code)
	}
	form.Set("send_hour", "7")
	many := make([]string, remind.MaxRecipients+1)
	for i := range many {
		many[i] = fmt.Sprintf("medlem%d@example.org", i)
	}
	form.Set("report_recipients", strings.Join(many, "\n"))
	if code, _ := ac.Post(page, form); code != 422 {
		t.Fatalf("%d recipients: %d; want 422", len(many), code)
	}
	form.Set("report_recipients", "rådet@example.org\nøkonomi@example.org")
	if resp, _ := ac.PostResponse(page, form); resp.StatusCode != 303 {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	st, err := h.Reminders.OrgSettings(ctx, o.ID)
	if err != nil || st.BeforeDays != "21,7,1" || st.SendHour != 7 || st.StalledAfter != 90 || len(st.Recipients()) != 2 {
		t.Fatalf("stored: %+v %v", st, err)
	}

	// Holiday weeks.
	closures := page + "/closures"
	code, body = ac.Post(closures, url.Values{"closure_name": {"Fellesferie – «sommer»"}, "closure_starts": {"2026-07-31"}, "closure_ends": {"2026-07-06"}})
	if code != 422 || !strings.Contains(body, "Siste dag kommer før første dag") || !strings.Contains(body, "Fellesferie – «sommer»") || !strings.Contains(body, `value="21, 7, 1"`) {
		t.Fatalf("a reversed period: %d", code)
	}
	if resp, _ := ac.PostResponse(closures, url.Values{"closure_name": {"Fellesferie – «sommer»"}, "closure_starts": {"2026-07-06"}, "closure_ends": {"2026-07-31"}}); resp.StatusCode != 303 {
		t.Fatalf("add closure: %d", resp.StatusCode)
	}
	_, body = ac.Get(page)
	if !strings.Contains(body, "Fellesferie – «sommer»") || !strings.Contains(body, "06.07.2026") || !strings.Contains(body, "31.07.2026") {
		t.Fatal("the holiday weeks are not listed")
	}
	cls, err := h.Reminders.OrgClosures(ctx, o.ID, nil)
	if err != nil || len(cls) != 1 {
		t.Fatalf("closures: %v %v", cls, err)
	}
	if !remind.NewCalendar(o.Country, cls).Working(time.Date(2026, 8, 3, 0, 0, 0, 0, time.UTC)) || remind.NewCalendar(o.Country, cls).Working(time.Date(2026, 7, 8, 0, 0, 0, 0, time.UTC)) {
		t.Error("the engine's calendar does not follow the holiday weeks")
	}
	remove := fmt.Sprintf("%s/%d/remove", closures, cls[0].ID)
	if resp, _ := ac.PostResponse(remove, url.Values{}); resp.StatusCode != 303 {
		t.Fatalf("remove closure: %d", resp.StatusCode)
	}
	if code, _ := ac.Post(remove, url.Values{}); code != 404 {
		t.Errorf("removing it again: %d; want 404", code)
	}
	if _, body := ac.Get(page); strings.Contains(body, "Fellesferie – «sommer»") {
		t.Error("the removed holiday weeks are still listed")
	}
}

// TestAbsences: a person away names a delegate among their colleagues;
// a reversed or past period, themself or someone outside the
// organisation is refused with what was typed kept; the absence is what
// the engine reads, listed, and removed only by its owner.
func TestAbsences(t *testing.T) {
	t.Parallel()
	h := webtest.New(t, webtest.Options{})
	o, other := h.Org(org.KindMunicipality, norway), h.Org(org.KindMunicipality, norway)
	kari, per, stranger := h.User(o, "contributor"), h.User(o, "editor"), h.User(other, "editor")
	kc := h.Client(kari)
	kc.Post("/language", url.Values{"locale": {"nb"}})
	ctx := context.Background()
	today := time.Now().In(o.Location())
	day := func(n int) string { return today.AddDate(0, 0, n).Format("2006-01-02") }
	to := func(u *account.User) string { return fmt.Sprintf("%d:%d", o.ID, u.ID) }
	post := func(starts, ends, delegate string) (int, string) {
		return kc.Post("/account/notifications/absences", url.Values{"starts": {starts}, "ends": {ends}, "delegate": {delegate}})
	}

	if _, body := kc.Get("/account/notifications"); !strings.Contains(body, `value="`+to(per)+`"`) || strings.Contains(body, `value="`+to(kari)+`"`) {
		t.Fatal("the delegate choice does not offer the colleague, or offers Kari herself")
	}
	for _, c := range []struct {
		name, starts, ends, delegate, want string
	}{
		{"reversed", day(10), day(3), to(per), "Siste dag kommer før første dag."},
		{"past", day(-20), day(-10), to(per), "Fraværet er allerede over"},
		{"herself", day(3), day(10), to(kari), "Velg en annen enn deg selv."},
		{"outsider", day(3), day(10), fmt.Sprintf("%d:%d", o.ID, stranger.ID), "Velg en kollega blant medlemmene"},
		{"other organisation", day(3), day(10), fmt.Sprintf("%d:%d", other.ID, stranger.ID), "Velg en kollega blant medlemmene"},
		{"no date", "", day(10), to(per), "Skriv en dato"},
	} {
		code, body := post(c.starts, c.ends, c.delegate)
		if code != 422 || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d; want 422 saying %q", c.name, code, c.want)
			continue
		}
		if c.starts != "" && !strings.Contains(body, `value="`+c.starts+`"`) {
			t.Errorf("%s: the first day typed is not kept", c.name)
		}
	}
	if code, _ := post(day(3), day(10), to(per)); code != 303 {
		t.Fatalf("a good absence: %d", code)
	}
	abs, err := h.Reminders.Absences(ctx, kari.ID, []int64{o.ID})
	if err != nil || len(abs) != 1 || abs[0].DelegateID == nil || *abs[0].DelegateID != per.ID {
		t.Fatalf("absences: %+v %v", abs, err)
	}
	var engine []struct {
		UserID     int64
		DelegateID int64
	}
	err = db.Run(ctx, h.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		return idb.NewRaw(`SELECT user_id, delegate_id FROM absences WHERE org_id = ? AND starts <= ? AND ends >= ?`, o.ID,
			remind.Day(today.AddDate(0, 0, 5)), remind.Day(today.AddDate(0, 0, 5))).Scan(ctx, &engine)
	})
	if err != nil || len(engine) != 1 || engine[0].DelegateID != per.ID {
		t.Fatalf("the engine's query finds %+v (%v)", engine, err)
	}
	if _, body := kc.Get("/account/notifications"); !strings.Contains(body, today.AddDate(0, 0, 3).Format("02.01.2006")) || !strings.Contains(body, per.Name) {
		t.Error("the absence is not listed with its days and delegate")
	}
	remove := fmt.Sprintf("/account/notifications/absences/%d/remove", abs[0].ID)
	if code, _ := h.Client(per).Post(remove, url.Values{}); code != 404 {
		t.Errorf("the delegate removing Kari's absence: %d; want 404", code)
	}
	if resp, _ := kc.PostResponse(remove, url.Values{}); resp.StatusCode != 303 {
		t.Fatalf("remove: %d", resp.StatusCode)
	}
	if abs, _ := h.Reminders.Absences(ctx, kari.ID, []int64{o.ID}); len(abs) != 0 {
		t.Errorf("after removal: %d absences", len(abs))
	}
}

// TestNotificationSaysWhy: a reminder's notification says in words which
// rule sent it («21 dager over fristen», «Uendret for lenge»), beside its
// kind, as the send log does.
func TestNotificationSaysWhy(t *testing.T) {
	t.Parallel()
	h := webtest.New(t, webtest.Options{})
	o := h.Org(org.KindMunicipality, norway)
	kari := h.User(o, "editor")
	kc := h.Client(kari)
	kc.Post("/language", url.Values{"locale": {"nb"}})
	for i, x := range []struct{ kind, rule, title string }{
		{remind.KindReminder, "overdue:21", "Bolig for familier"},
		{remind.KindEscalation, remind.RuleStalled, "Språkpraksis – «æøå»"},
	} {
		if _, err := h.Reminders.Send(context.Background(), remind.Send{OrgID: o.ID, Key: fmt.Sprint("why-", i), Kind: x.kind, Rule: x.rule,
			UserID: kari.ID, Title: x.title, URL: "/o/" + o.Slug + "/dashboard", Compose: func(ctx context.Context, idb bun.IDB, r remind.Recipient) (mail.Message, error) {
				return mail.Message{Subject: x.title, Text: x.title}, nil
			}}); err != nil {
			t.Fatal(err)
		}
	}
	_, body := kc.Get("/o/" + o.Slug + "/notifications")
	for _, want := range []string{"Påminnelse: 21 dager over fristen", "Til oppfølging: Uendret for lenge"} {
		if !strings.Contains(body, want) {
			t.Errorf("the notifications page does not say %q", want)
		}
	}
}
