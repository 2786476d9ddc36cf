package account_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/web"
	"github.com/samvirke/samvirke/internal/webtest"
)

// TestSecurity08ResetBurstSendsAtMostTheLimit: 30 reset requests in a
// burst for one address send at most ResetPerAddress.Max mails, and the
// rest are told to wait (429 with Retry-After), for an address with an
// account and one without alike; one client asking for many addresses is
// bounded too.
func TestSecurity08ResetBurstSendsAtMostTheLimit(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{Deps: func(d *web.Deps) { d.TrustedProxies = []string{"127.0.0.1"} }})
	o := r.Org(org.KindMunicipality)
	known := r.User(o, "editor")
	base := r.URL
	burst := func(client, email string) (statuses []int) {
		for range 30 {
			req, _ := http.NewRequest("POST", base+"/password/forgot", strings.NewReader(url.Values{"email": {email}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			req.Header.Set("X-Forwarded-For", client)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") == "" {
				t.Errorf("429 without Retry-After")
			}
			statuses = append(statuses, resp.StatusCode)
		}
		return statuses
	}
	want := func(ok int) []int {
		s := make([]int, 30)
		for i := range s {
			s[i] = http.StatusTooManyRequests
			if i < ok {
				s[i] = http.StatusOK
			}
		}
		return s
	}
	max := account.ResetPerAddress.Max
	if got := burst("192.0.2.1", known.Email); fmt.Sprint(got) != fmt.Sprint(want(max)) {
		t.Errorf("burst for an address with an account: %v; want %d answered, then 429", got, max)
	}
	if got := burst("192.0.2.2", "ingen-"+o.Slug+"@example.org"); fmt.Sprint(got) != fmt.Sprint(want(max)) {
		t.Errorf("burst for an address without an account: %v; want the same", got)
	}
	r.WaitFor(15*time.Second, func() bool { return r.MailCountTo(known.Email) >= max })
	r.WaitFor(15*time.Second, func() bool { return r.Unsent() == 0 })
	if n := r.MailCountTo(known.Email); n != max {
		t.Errorf("%d reset mails after a burst of 30; want %d", n, max)
	}
	ok := 0
	for i := range 30 {
		code, _ := r.Anonymous().Post(base+"/password/forgot", url.Values{"email": {fmt.Sprintf("many-%d-%s@example.org", i, o.Slug)}})
		if code == http.StatusOK {
			ok++
		}
	}
	if ok != account.ResetPerClient.Max {
		t.Errorf("one client asking for 30 addresses was answered %d times; want %d", ok, account.ResetPerClient.Max)
	}
}

// TestSecurity17ReinviteDoesNotResend: inviting an address that has an
// open invitation is refused with a clear message and sends nothing;
// revoking and inviting again sends at most InvitePerAddress.Max mails a
// day to that address.
func TestSecurity17ReinviteDoesNotResend(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	o := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Locale = "en" })
	admin := r.User(o, "admin")
	base := r.URL
	ac := r.Client(admin)
	outsider := "outsider-" + o.Slug + "@example.org"
	invite := func() (int, string) {
		return ac.Post(base+"/o/"+o.Slug+"/admin/invitations", url.Values{"email": {outsider}, "role": {"viewer"}})
	}
	if code, _ := invite(); code != http.StatusSeeOther {
		t.Fatalf("first invitation: %d", code)
	}
	code, body := invite()
	if code != http.StatusConflict || !strings.Contains(body, "already has an open invitation") {
		t.Errorf("inviting again while the invitation is open: %d; want 409 with a clear message", code)
	}
	max := account.InvitePerAddress.Max
	sent := 1
	for range 10 {
		var ids []int64
		db.Run(context.Background(), r.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
			return idb.NewSelect().Table("invitations").Column("id").
				Where("org_id = ? AND revoked_at IS NULL", o.ID).Scan(ctx, &ids)
		})
		for _, id := range ids {
			if code, _ := ac.Post(fmt.Sprintf("%s/o/%s/admin/invitations/%d/revoke", base, o.Slug, id), nil); code != http.StatusSeeOther {
				t.Fatalf("revoke: %d", code)
			}
		}
		code, _ := invite()
		if code == http.StatusSeeOther {
			sent++
		} else if code != http.StatusTooManyRequests {
			t.Fatalf("invitation after revoking: %d; want 303 or 429", code)
		}
	}
	if sent != max {
		t.Errorf("%d invitations made to one address; want %d", sent, max)
	}
	r.WaitFor(15*time.Second, func() bool { return r.MailCountTo(outsider) >= sent })
	r.WaitFor(15*time.Second, func() bool { return r.Unsent() == 0 })
	if n := r.MailCountTo(outsider); n > max {
		t.Errorf("%d invitation mails to one outside address; want at most %d", n, max)
	}
}

// TestSecurity17NameLengthsBounded: an organisation name over 120
// characters (settings form) and a person's name over 100 (account form,
// invitation acceptance) are refused with a message in the user's
// language; names at the bound are kept.
func TestSecurity17NameLengthsBounded(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	o := r.Org(org.KindMunicipality)
	owner := r.User(o, "owner")
	base := r.URL
	oc := r.Client(owner)
	settings := func(name string) (int, string) {
		return oc.Post(base+"/o/"+o.Slug+"/admin/settings", url.Values{"name": {name}, "locale": {"nb"}, "time_zone": {"Europe/Oslo"}})
	}
	if code, body := settings(strings.Repeat("Å", org.MaxNameLen+1)); code != http.StatusUnprocessableEntity || !strings.Contains(body, "høyst 120 tegn") {
		t.Errorf("organisation name of %d characters: %d; want 422 saying at most 120 (nb)", org.MaxNameLen+1, code)
	}
	if code, _ := settings(strings.Repeat("Å", org.MaxNameLen)); code != http.StatusSeeOther {
		t.Errorf("organisation name of %d characters: %d; want 303", org.MaxNameLen, code)
	}
	long := strings.Repeat("Ø", account.MaxNameLen+1)
	if code, body := oc.Post(base+"/account", url.Values{"name": {long}, "locale": {"nb"}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, "høyst 100 tegn") {
		t.Errorf("own name of %d characters: %d; want 422 saying at most 100 (nb)", account.MaxNameLen+1, code)
	}
	invitee := "navn-" + o.Slug + "@example.org"
	if code, _ := oc.Post(base+"/o/"+o.Slug+"/admin/invitations", url.Values{"email": {invitee}, "role": {"editor"}}); code != http.StatusSeeOther {
		t.Fatalf("invite: %d", code)
	}
	link := r.MailTo(invitee).Links()[0]
	pw := "et langt nok passord for Åse"
	if code, _ := r.Anonymous().Post(link, url.Values{"name": {long}, "password": {pw}, "password_confirm": {pw}}); code != http.StatusUnprocessableEntity {
		t.Errorf("accepting an invitation with a name of %d characters: %d; want 422", account.MaxNameLen+1, code)
	}
	if code, _ := r.Anonymous().Post(link, url.Values{"name": {long[:account.MaxNameLen*2]}, "password": {pw}, "password_confirm": {pw}}); code != http.StatusSeeOther {
		t.Errorf("accepting with a name of %d characters: %d; want 303", account.MaxNameLen, code)
	}
}

// membersOf answers each member's role in o.
func membersOf(t *testing.T, bdb *bun.DB, o *org.Organisation) map[int64]string {
	t.Helper()
	out := map[int64]string{}
	db.Run(context.Background(), bdb, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		ms, err := account.FindMembers(ctx, idb, o.ID)
		for _, m := range ms {
			out[m.ID] = m.Role
		}
		return err
	})
	return out
}

// TestSecurity03OnlyOwnersGrantOwner: an admin can neither make themself
// owner, nor demote or remove the owner, nor invite an owner; the members
// page offers them no owner role and no action on the owner's row, and
// shows a refusal at the row it concerns. An owner can do all of it.
func TestSecurity03OnlyOwnersGrantOwner(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	o := r.Org(org.KindMunicipality)
	owner := r.User(o, "owner")
	admin := r.User(o, "admin")
	editor := r.User(o, "editor")
	base := r.URL
	ac := r.Client(admin)
	members := base + "/o/" + o.Slug + "/admin/members"
	role := func(c *webtest.Client, u *account.User, role string) (int, string) {
		return c.Post(fmt.Sprintf("%s/%d/role", members, u.ID), url.Values{"role": {role}, "confirm": {"1"}})
	}

	code, body := role(ac, admin, "owner")
	if code != http.StatusForbidden || !strings.Contains(body, fmt.Sprintf(`id="role-%d-error"`, admin.ID)) {
		t.Errorf("admin makes themself owner: %d; want 403 with the refusal at their row", code)
	}
	if code, _ := role(ac, owner, "editor"); code != http.StatusForbidden {
		t.Errorf("admin demotes the owner: %d; want 403", code)
	}
	if code, _ := ac.Post(fmt.Sprintf("%s/%d/remove", members, owner.ID), nil); code != http.StatusForbidden {
		t.Errorf("admin removes the owner: %d; want 403", code)
	}
	if code, _ := role(ac, editor, "owner"); code != http.StatusForbidden {
		t.Errorf("admin makes an editor owner: %d; want 403", code)
	}
	code, body = ac.Post(base+"/o/"+o.Slug+"/admin/invitations", url.Values{"email": {"eier-" + o.Slug + "@example.org"}, "role": {"owner"}})
	if code != http.StatusForbidden || !strings.Contains(body, `id="f-role-error"`) {
		t.Errorf("admin invites an owner: %d; want 403 with the refusal at the role field", code)
	}
	want := map[int64]string{owner.ID: "owner", admin.ID: "admin", editor.ID: "editor"}
	if got := membersOf(t, r.DB, o); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("roles after the admin's attempts: %v; want %v", got, want)
	}
	var invitations int64
	db.Run(context.Background(), r.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		invitations, _ = idb.NewSelect().Table("invitations").Where("org_id = ?", o.ID).Count(ctx)
		return nil
	})
	if invitations != 0 {
		t.Errorf("%d invitations made by refused attempts", invitations)
	}
	_, page := ac.Get(members)
	if strings.Contains(page, `<option value="owner"`) {
		t.Errorf("the admin's members page offers the owner role")
	}
	if strings.Contains(page, fmt.Sprintf(`action="/o/%s/admin/members/%d/remove"`, o.Slug, owner.ID)) ||
		strings.Contains(page, fmt.Sprintf(`id="role-%d"`, owner.ID)) {
		t.Errorf("the admin's members page offers actions on the owner's row")
	}

	oc := r.Client(owner)
	if _, page := oc.Get(members); !strings.Contains(page, `<option value="owner"`) {
		t.Errorf("the owner's members page does not offer the owner role")
	}
	if code, _ := role(oc, editor, "owner"); code != http.StatusSeeOther {
		t.Errorf("owner makes an editor owner: %d; want 303", code)
	}
	if code, _ := role(oc, editor, "editor"); code != http.StatusSeeOther {
		t.Errorf("owner demotes another owner: %d; want 303", code)
	}
}

// TestSecurity03LastOwnerStays: the last owner can be neither demoted nor
// removed, not even by themself; with a second owner they can step down.
func TestSecurity03LastOwnerStays(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	o := r.Org(org.KindMunicipality)
	owner := r.User(o, "owner")
	other := r.User(o, "admin")
	base := r.URL
	oc := r.Client(owner)
	members := base + "/o/" + o.Slug + "/admin/members"
	code, body := oc.Post(fmt.Sprintf("%s/%d/role", members, owner.ID), url.Values{"role": {"admin"}, "confirm": {"1"}})
	if code != http.StatusConflict || !strings.Contains(body, fmt.Sprintf(`id="role-%d-error"`, owner.ID)) {
		t.Errorf("the last owner demotes themself: %d; want 409 at their row", code)
	}
	if code, _ := oc.Post(fmt.Sprintf("%s/%d/remove", members, owner.ID), nil); code != http.StatusConflict {
		t.Errorf("the last owner removes themself: %d; want 409", code)
	}
	if got := membersOf(t, r.DB, o)[owner.ID]; got != "owner" {
		t.Fatalf("the last owner is now %q", got)
	}
	if code, _ := oc.Post(fmt.Sprintf("%s/%d/role", members, other.ID), url.Values{"role": {"owner"}}); code != http.StatusSeeOther {
		t.Fatalf("make a second owner: %d", code)
	}
	if code, _ := oc.Post(fmt.Sprintf("%s/%d/role", members, owner.ID), url.Values{"role": {"admin"}, "confirm": {"1"}}); code != http.StatusSeeOther {
		t.Errorf("an owner steps down beside another owner: %d; want 303", code)
	}
}

// TestSecurity03OwnRoleNeedsConfirmation: an admin changing their own role
// is asked to confirm at their row, and nothing changes until they do;
// the confirmed change is audited.
func TestSecurity03OwnRoleNeedsConfirmation(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	o := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Locale = "en" })
	r.User(o, "owner")
	admin := r.User(o, "admin")
	base := r.URL
	ac := r.Client(admin)
	u := fmt.Sprintf("%s/o/%s/admin/members/%d/role", base, o.Slug, admin.ID)
	code, body := ac.Post(u, url.Values{"role": {"editor"}})
	if code != http.StatusOK || !strings.Contains(body, `name="confirm" value="1"`) || !strings.Contains(body, "change your own role") {
		t.Errorf("own role without confirmation: %d; want the confirmation step", code)
	}
	if got := membersOf(t, r.DB, o)[admin.ID]; got != "admin" {
		t.Fatalf("the role changed without confirmation: %q", got)
	}
	if code, _ := ac.Post(u, url.Values{"role": {"editor"}, "confirm": {"1"}}); code != http.StatusSeeOther {
		t.Errorf("confirmed: %d; want 303", code)
	}
	if got := membersOf(t, r.DB, o)[admin.ID]; got != "editor" {
		t.Errorf("after confirming the role is %q; want editor", got)
	}
	var entries []*audit.Entry
	db.Run(context.Background(), r.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		entries, _, err = audit.Find(ctx, idb, o.ID, audit.Filter{Action: audit.MemberRoleChanged, Limit: 10})
		return err
	})
	if len(entries) != 1 || entries[0].Target != admin.Email {
		t.Errorf("audit of role changes: %d entries; want the one confirmed change", len(entries))
	}
}

// TestSecurity22AccountChangesAreMailed: the user is told by e-mail, in
// their language, when their password is reset, a second factor is turned
// on or off, or an API token is made for them by someone else: what, when,
// and what to do if it was not them.
func TestSecurity22AccountChangesAreMailed(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{}) // an API token: see webtest.Options.Unguarded
	o := r.Org(org.KindMunicipality)
	u := r.User(o, "editor")
	admin, actx := dbtest.MustCreateUser(t, r.DB, o, "admin")
	r.Authz.Reload()
	base := r.URL
	check := func(what string) {
		t.Helper()
		m := r.MailTo(u.Email)
		for _, want := range []string{what, "kl.", "Hvis det ikke var deg", base + "/password/forgot"} {
			if !strings.Contains(m.Subject+"\n"+m.Text, want) {
				t.Errorf("mail %q lacks %q:\n%s", m.Subject, want, m.Text)
			}
		}
	}

	if code, _ := r.Anonymous().Post(base+"/password/forgot", url.Values{"email": {u.Email}}); code != http.StatusOK {
		t.Fatalf("forgot: %d", code)
	}
	link := r.MailTo(u.Email).Links()[0]
	pw := "et nytt og langt passord"
	if code, _ := r.Anonymous().Post(link, url.Values{"password": {pw}, "password_confirm": {pw}}); code != http.StatusSeeOther {
		t.Fatalf("reset: %d", code)
	}
	check("Passordet ditt ble endret")

	if _, _, err := r.Accounts.CreateAPIToken(actx, o, u.ID, "Fagsystem", "read"); err != nil {
		t.Fatal(err)
	}
	check("«Fagsystem»")
	_ = admin

	ctx := app.WithActor(context.Background(), &app.Actor{UserID: u.ID, OrgID: o.ID, Role: "editor"})
	setup, err := r.Accounts.BeginTOTP(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := totp.GenerateCode(setup.Secret, time.Now())
	if err := r.Accounts.ConfirmTOTP(ctx, u.ID, code, pw); err != nil {
		t.Fatal(err)
	}
	check("Totrinnsinnlogging ble slått på")
	if err := r.Accounts.DisableTOTP(ctx, u.ID, pw); err != nil {
		t.Fatal(err)
	}
	check("Totrinnsinnlogging ble slått av")
}
