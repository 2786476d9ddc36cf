package browsertest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/browsertest"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/mail"
	"github.com/samvirke/samvirke/internal/remind"
)

// TestBellAt360: Nittedal's editor, sent two reminders more than the
// demo's first morning gave her, sees the count go up by two on the
// bell in the one-row header at 1152 px; on a 360 px phone the bell sits
// beside «Meny», opens the notifications page, which fits the screen and
// passes axe-core, and «mark all as read» takes the badge away.
func TestBellAt360(t *testing.T) {
	t.Parallel()
	srv := browsertest.StartServer(t)
	ctx := context.Background()
	var userID, orgID int64
	err := db.Run(ctx, srv.Main.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewRaw(`SELECT u.id, o.id FROM users u JOIN organisations o ON o.slug = 'nittedal' WHERE u.email = 'editor@nittedal.example'`).Scan(ctx, &userID, &orgID)
	})
	if err != nil {
		t.Fatal(err)
	}
	before, err := srv.Main.Reminders.Unread(ctx, orgID, userID)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprint(before + 2)
	for i, title := range []string{"Frist om 3 dager: Språkkafé på «biblioteket»", "Frist i dag: Kartlegging av kompetanse"} {
		_, err := srv.Main.Reminders.Send(ctx, remind.Send{OrgID: orgID, Key: fmt.Sprint("browser-bell-", i), Kind: remind.KindReminder, UserID: userID,
			Title: title, URL: "/o/nittedal/dashboard", Compose: func(ctx context.Context, idb bun.IDB, r remind.Recipient) (mail.Message, error) {
				return mail.Message{Subject: title, Text: title}, nil
			}})
		if err != nil {
			t.Fatal(err)
		}
	}
	b := browsertest.NewBrowser(t, browsertest.WithViewport(1152, 800), browsertest.WithTimeout(3*time.Minute))
	b.SignIn(t, srv.URL, "editor@nittedal.example", browsertest.DemoPassword)
	b.Visit(t, srv.URL+"/o/nittedal/dashboard")
	if got := b.Text(t, ".bell-wide .bell-badge"); got != want {
		t.Errorf("at 1152 px the bell's badge says %q; want %s", got, want)
	}
	if h := browsertest.Eval[int](t, b, `Math.round(document.querySelector(".site-header").getBoundingClientRect().height)`); h > 80 {
		t.Errorf("at 1152 px with the bell the header is %d px high: not one row", h)
	}
	b.Screenshot(t, "bell-1152.png")

	b.SetViewport(t, 360, 800)
	b.Visit(t, srv.URL+"/o/nittedal/dashboard")
	said := browsertest.Eval[string](t, b, `document.querySelector(".bell-narrow").textContent.trim()`)
	if !strings.HasPrefix(said, want+" ") {
		t.Errorf("the phone's bell says %q; want the count in words", said)
	}
	b.Screenshot(t, "bell-360.png")
	if code := b.ClickAndWait(t, ".bell-narrow"); code != 200 {
		t.Fatalf("the bell leads to %d", code)
	}
	if loc := b.Location(t); !strings.HasSuffix(loc, "/o/nittedal/notifications") {
		t.Fatalf("the bell leads to %s", loc)
	}
	if txt := b.Text(t, "main"); !strings.Contains(txt, "Språkkafé på «biblioteket»") {
		t.Errorf("the notifications page does not list the reminder:\n%s", txt)
	}
	checkReflow(t, b, "the notifications page")
	b.CheckA11y(t)
	b.ClickAndWait(t, `form[action$="/notifications/read"] button`)
	if n := browsertest.Eval[int](t, b, `document.querySelectorAll(".bell-badge").length`); n != 0 {
		t.Errorf("after «mark all as read» %d badges remain", n)
	}
	checkReflow(t, b, "the notifications page, all read")
	b.CheckA11y(t)
}
