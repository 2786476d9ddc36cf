package server_test

import (
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/internal/server/servertest"
)

var (
	siteNav  = regexp.MustCompile(`(?s)<nav class="site-nav"[^>]*>(.*?)</nav>`)
	navLink  = regexp.MustCompile(`<a href="([^"]*)"( aria-current="page")?>([^<]*)</a>`)
	heading1 = regexp.MustCompile(`<h1>([^<]*)</h1>`)
)

// mainNav answers the main navigation of a page as "label → path" lines,
// the current page's link marked with a star, and the page's heading.
func mainNav(t *testing.T, page string) (links []string, current, h1 string) {
	t.Helper()
	m := siteNav.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the page has no main navigation")
	}
	for _, l := range navLink.FindAllStringSubmatch(m[1], -1) {
		label := html.UnescapeString(l[3])
		links = append(links, label+" → "+l[1])
		if l[2] != "" {
			current = label
		}
	}
	if h := heading1.FindStringSubmatch(page); h != nil {
		h1 = html.UnescapeString(h[1])
	}
	return links, current, h1
}

// TestNavigationMemberAndAdmin: a member of a municipality sees the
// dashboard, workbooks, action plans, gatherings and councils in the main
// menu, an administrator also the administration;
// each link says what the heading of its page says, in every language.
func TestNavigationMemberAndAdmin(t *testing.T) {
	t.Parallel()
	r := servertest.Open(t, servertest.NewEnv(t).Config(), server.ModeWeb).Run(t)
	o := dbtest.MustCreateOrg(t, r.DB, org.KindMunicipality)
	viewer, _ := dbtest.MustCreateUser(t, r.DB, o, "viewer")
	admin, _ := dbtest.MustCreateUser(t, r.DB, o, "admin")
	r.Authz.Reload()
	base := r.URL() + "/o/" + o.Slug
	labels := map[string][7]string{ // dashboard, workbooks, gatherings, administration, plans, councils, indicators
		"nb": {"Oversikt", "Arbeidsbøker", "Samlinger", "Administrasjon", "Handlingsplaner", "Råd", "Indikatorer"},
		"sv": {"Översikt", "Arbetsböcker", "Nätverksträffar", "Administration", "Handlingsplaner", "Råd", "Indikatorer"},
		"da": {"Overblik", "Arbejdsbøger", "Netværksmøder", "Administration", "Handleplaner", "Råd", "Indikatorer"},
		"en": {"Dashboard", "Workbooks", "Gatherings", "Administration", "Action plans", "Councils", "Indicators"},
	}
	for _, who := range []struct {
		role, email string
		admin       bool
	}{{"viewer", viewer.Email, false}, {"admin", admin.Email, true}} {
		c := client(t)
		signIn(t, c, r.URL(), who.email, dbtest.Password).Body.Close()
		for loc, l := range labels {
			if code, _ := post(t, c, r.URL()+"/language", url.Values{"locale": {loc}, "next": {"/"}}); code != 303 {
				t.Fatalf("%s: choosing %s: status %d", who.role, loc, code)
			}
			want := []string{
				l[0] + " → /o/" + o.Slug + "/dashboard",
				l[1] + " → /o/" + o.Slug + "/workbooks",
				l[4] + " → /o/" + o.Slug + "/plans",
				l[2] + " → /o/" + o.Slug + "/gatherings",
				l[5] + " → /o/" + o.Slug + "/councils",
				l[6] + " → /o/" + o.Slug + "/indicators",
			}
			if who.admin {
				want = append(want, l[3]+" → /o/"+o.Slug+"/admin/members")
			}
			for _, p := range []struct{ path, label string }{{"/workbooks", l[1]}, {"/gatherings", l[2]}, {"/plans", l[4]}, {"/councils", l[5]}, {"/indicators", l[6]}} {
				code, page := get(t, c, base+p.path)
				if code != 200 {
					t.Fatalf("%s %s %s: status %d", who.role, loc, p.path, code)
				}
				links, current, h1 := mainNav(t, page)
				if !slices.Equal(links, want) {
					t.Errorf("%s sees in %s on %s the menu\n  %s\nwant\n  %s", who.role, loc, p.path,
						strings.Join(links, "\n  "), strings.Join(want, "\n  "))
				}
				if current != p.label || h1 != p.label {
					t.Errorf("%s %s %s: the menu marks %q as the current page, the heading says %q; want both %q", who.role, loc, p.path, current, h1, p.label)
				}
			}
		}
	}
}
