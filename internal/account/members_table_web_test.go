package account_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
)

// memberEmails lists the addresses of the members table's rows in order.
var memberEmails = regexp.MustCompile(`<tr id="member-\d+">\s*<td[^>]*>[^<]*</td><td[^>]*>([^<]+)</td>`)

func emailsOf(body string) []string {
	var out []string
	for _, m := range memberEmails.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestMembersTable: the members list sorts by name in the Norwegian
// alphabet (Ø and Å after Z), the other way on a second click, by role
// with the owner first, and shows fifty at a time with links to the
// other pages; each heading says how the list is sorted.
func TestMembersTable(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	o := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Locale = "nb" })
	admin := r.User(o, "admin")
	names := []string{"Åse Aas", "Øystein Berg", "Zakarias Zahl", "Bjørn Bakke", "Anne Ås"}
	rename := func(u *account.User, name string) {
		t.Helper()
		if err := r.Accounts.UpdateProfile(context.Background(), u.ID, account.Profile{Name: name, Locale: "nb"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range names {
		rename(r.User(o, "viewer"), n)
	}
	owner := r.User(o, "owner")
	rename(owner, "Åge Eier")
	for i := 0; i < 50; i++ {
		r.User(o, "member")
	}
	c := r.Client(admin)
	page := "/o/" + o.Slug + "/admin/members"

	_, body := c.Get(page + "?sort=name")
	if !strings.Contains(body, `aria-sort="ascending"`) || !strings.Contains(body, `href="`+page+`?dir=desc&amp;sort=name"`) {
		t.Errorf("the name heading does not say it sorts ascending and offer descending")
	}
	_, body = c.Get(page + "?sort=name&dir=desc")
	rows := emailsOf(body)
	if len(rows) != 50 {
		t.Fatalf("page 1 lists %d members; want 50", len(rows))
	}
	// Descending in the Norwegian alphabet, over both pages: Å, Ø, Z, B, A.
	_, body2 := c.Get(page + "?sort=name&dir=desc&page=2")
	var mine []string
	for _, m := range regexp.MustCompile(`<tr id="member-\d+">\s*<td[^>]*>([^<]*)</td>`).FindAllStringSubmatch(body+body2, -1) {
		if m[1] == "Åge Eier" || slices.Contains(names, m[1]) {
			mine = append(mine, m[1])
		}
	}
	if got, want := strings.Join(mine, ", "), "Åse Aas, Åge Eier, Øystein Berg, Zakarias Zahl, Bjørn Bakke, Anne Ås"; got != want {
		t.Errorf("descending by name: %s; want %s", got, want)
	}
	if !strings.Contains(body, `rel="next"`) || !strings.Contains(body, "Side 1 av 2") {
		t.Errorf("page 1 of 57 members has no link to page 2")
	}
	_, body = c.Get(page + "?sort=name&dir=desc&page=2")
	if n := len(emailsOf(body)); n != 7 {
		t.Errorf("page 2 lists %d members; want 7", n)
	}
	_, body = c.Get(page + "?sort=role")
	if rows := emailsOf(body); len(rows) == 0 || rows[0] != owner.Email {
		t.Errorf("sorted by role, the first is %v; want the owner %s", rows[:1], owner.Email)
	}
	if _, body := c.Get(page + "?sort=password_hash"); len(emailsOf(body)) != 50 {
		t.Errorf("an unknown sort column does not fall back to the list")
	}
}
