package web

import (
	"fmt"
	"html/template"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/org"
)

// layoutAsTemplate is the layout as templates wrote it before writePage
// (templates/layout.html, partials/shell.html and remind/partials/bell.html
// of the time): what html/template makes of the same layout is the
// reference for the Go one.
const layoutAsTemplate = `{{define "layout"}}{{$l := .Locale}}<!doctype html>
<html lang="{{or .Lang $l}}"{{with .Dir}} dir="{{.}}"{{end}}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{block "title" .}}{{end}} – Samvirke</title>
<link rel="stylesheet" href="{{asset "app.css"}}">
<link rel="icon" href="{{asset "favicon.svg"}}" type="image/svg+xml">
</head>
<body{{if .Bare}} class="bare"{{end}}>
{{if not .Bare}}<a class="skip-link" href="#main">{{t $l "layout.skip_to_content"}}</a>
<header class="site-header">
  <div class="bar">
    <a class="brand" href="/">{{template "logo-mark"}}<span>Samvirke</span></a>
    {{if .Actor}}
    <div class="shell-wide">
      {{if .MainNav}}<nav class="site-nav" aria-label="{{t $l "layout.nav.label"}}">
        <ul>
          {{range .MainNav}}<li><a href="{{.URL}}"{{if .Current}} aria-current="page"{{end}}>{{.Label}}</a></li>
          {{end}}
        </ul>
      </nav>{{end}}
      <div class="header-tools">
        {{if and .Actor.OrgSlug .Actor.Role}}{{template "shell-search" (dict "Page" . "ID" "q-header")}}{{end}}
        {{if gt (len .Memberships) 1}}<details class="menu" id="org-menu">
          <summary><span class="visually-hidden">{{t $l "layout.switch_org"}}: </span><span class="menu-label">{{or .OrgName (t $l "layout.switch_org")}}</span></summary>
          <div class="menu-panel">{{template "shell-orgs" .}}</div>
        </details>{{else if .OrgName}}<span class="org-name" title="{{.OrgName}}">{{.OrgName}}</span>{{end}}
        {{template "remind-bell" (dict "Page" . "Class" "bell-wide")}}
        <details class="menu" id="user-menu">
          <summary><span class="visually-hidden">{{t $l "layout.signed_in_as"}} </span><span class="menu-label">{{or .Actor.Name .Actor.Email}}</span></summary>
          <div class="menu-panel">{{template "shell-user" .}}</div>
        </details>
      </div>
    </div>
    {{template "remind-bell" (dict "Page" . "Class" "bell-narrow")}}
    <details class="menu site-menu" id="site-menu">
      <summary>{{t $l "layout.menu"}}</summary>
      <div class="menu-panel">
        {{if .MainNav}}<nav aria-label="{{t $l "layout.nav.label"}}">
          <ul class="menu-links">
            {{range .MainNav}}<li><a class="menu-item" href="{{.URL}}"{{if .Current}} aria-current="page"{{end}}>{{.Label}}</a></li>
            {{end}}
          </ul>
        </nav>{{end}}
        {{if and .Actor.OrgSlug .Actor.Role}}{{template "shell-search" (dict "Page" . "ID" "q-menu")}}{{end}}
        {{if gt (len .Memberships) 1}}<p class="menu-heading">{{t $l "layout.switch_org"}}</p>
        {{template "shell-orgs" .}}{{else if .OrgName}}<p class="menu-heading">{{.OrgName}}</p>{{end}}
        <p class="menu-heading"><span class="visually-hidden">{{t $l "layout.signed_in_as"}} </span>{{or .Actor.Name .Actor.Email}}</p>
        {{template "shell-user" .}}
      </div>
    </details>
    {{else}}
    <details class="menu" id="language-menu">
      <summary><span class="visually-hidden">{{t $l "layout.language"}}: </span><span lang="{{$l}}">{{template "language-name" $l}}</span></summary>
      <div class="menu-panel">{{template "shell-languages" .}}</div>
    </details>
    {{end}}
  </div>
</header>{{end}}
<main id="main" tabindex="-1">
{{if .Breadcrumbs}}<nav class="breadcrumbs" aria-label="{{t $l "layout.breadcrumbs"}}"><ol>{{range .Breadcrumbs}}<li>{{if .URL}}<a href="{{.URL}}">{{.Label}}</a>{{else}}<span aria-current="page">{{.Label}}</span>{{end}}</li>{{end}}</ol></nav>{{end}}
{{with .Flash}}<div class="flash" role="status">{{.Text}}</div>{{end}}
{{with .BillingNotice}}<div class="notice notice-{{.Kind}}" role="region" aria-label="{{t $l "billing.notice.label"}}"><p>{{.Text}}{{if .URL}} <a href="{{.URL}}">{{t $l "billing.notice.link"}}</a>{{end}}</p></div>{{end}}
{{if .AdminTabs}}<nav class="tabs" aria-label="{{t $l "nav.admin"}}"><ul>{{range .AdminTabs}}<li><a href="{{.URL}}"{{if .Current}} aria-current="page"{{end}}>{{t $l (print "admin." .Key ".title")}}</a></li>{{end}}</ul></nav>{{end}}
{{block "content" .}}{{end}}
</main>
{{if not .Bare}}<footer class="site-footer">
  <p>Samvirke · {{t $l "layout.footer"}}</p>
  <ul class="footer-links">
    <li><a href="/accessibility">{{t $l "a11y.title"}}</a></li>
    {{if and .Actor .Actor.OrgSlug .Actor.Role}}<li><a href="/o/{{.Actor.OrgSlug}}/terms">{{t $l "terms.title"}}</a></li>{{end}}
    <li><a href="/api/v1/openapi.json">{{t $l "layout.api"}}</a></li>
  </ul>
</footer>{{end}}
</body>
</html>{{end}}
{{/* The app shell's pieces (layout.html), each used twice: in the desktop
     row and, stacked, in the phone's "Menu". Disclosure menus are
     <details class="menu"> with a .menu-panel: they open and close without
     JavaScript and with the keyboard (Enter or Space on the summary). */}}

{{/* shell-search is the organisation's search form. Arguments (dict):
     Page (the Layout), ID (the input's id, unique on the page). */}}
{{define "shell-search"}}<form method="get" action="/o/{{.Page.Actor.OrgSlug}}/search" role="search" class="shell-search">
  <label for="{{.ID}}" class="visually-hidden">{{t .Page.Locale "search.label"}}</label>
  <input id="{{.ID}}" name="q" type="search" placeholder="{{t .Page.Locale "search.placeholder"}}">
  <button type="submit" class="secondary">{{t .Page.Locale "search.submit"}}</button>
</form>{{end}}

{{/* shell-orgs lists the user's organisations as the buttons of one
     switch form, the open one marked. Argument: the Layout. */}}
{{define "shell-orgs"}}<form method="post" action="/orgs/switch" class="menu-list">
  {{range .Memberships}}<button type="submit" name="org" value="{{.Org.Slug}}" class="menu-item"{{if eq .OrgID $.Actor.OrgID}} aria-current="true"{{end}}>{{.Org.Name}}</button>
  {{end}}
</form>{{end}}

{{/* shell-languages is the language choice: four buttons of one form,
     each language named in itself, the page's marked. Argument: the
     Layout. */}}
{{define "shell-languages"}}<form method="post" action="/language" class="menu-list languages">
  <input type="hidden" name="next" value="{{.Path}}">
  {{range list "nb" "sv" "da" "en"}}<button type="submit" name="locale" value="{{.}}" lang="{{.}}" class="menu-item"{{if eq . $.Locale}} aria-current="true"{{end}}>{{template "language-name" .}}</button>
  {{end}}
</form>{{end}}

{{define "language-name"}}{{if eq . "nb"}}Norsk bokmål{{else if eq . "sv"}}Svenska{{else if eq . "da"}}Dansk{{else}}English{{end}}{{end}}

{{/* shell-user is the user menu's content: account, language, sign out.
     Argument: the Layout. */}}
{{define "shell-user"}}<a class="menu-item" href="/account">{{t .Locale "nav.account"}}</a>
  <a class="menu-item" href="/account/notifications">{{t .Locale "remind.page.prefs.title"}}</a>
  <p class="menu-heading">{{t .Locale "layout.language"}}</p>
  {{template "shell-languages" .}}
  <form method="post" action="/signout" class="menu-list"><button type="submit" class="menu-item">{{t .Locale "auth.signout"}}</button></form>{{end}}

{{/* logo-mark is Samvirke's mark: three joined circles, for people
     working together. Decorative: the brand's text names it. */}}
{{define "logo-mark"}}<svg class="logo-mark" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false"><circle cx="11" cy="12" r="7" fill="none" stroke="currentColor" stroke-width="3"/><circle cx="21" cy="12" r="7" fill="none" stroke="currentColor" stroke-width="3"/><circle cx="16" cy="21" r="7" fill="none" stroke="currentColor" stroke-width="3"/></svg>{{end}}
{{/* remind-bell is the header's link to the person's notifications in
     the organisation open (Layout.Bell): a bell with the unread count as a
     badge, said in words to screen readers; no badge when none is unread.
     Arguments (dict): Page (the Layout), Class (extra classes). */}}
{{define "remind-bell"}}{{with .Page.Bell}}<a class="bell {{$.Class}}" href="{{.URL}}"{{if .Current}} aria-current="page"{{end}}><svg class="bell-icon" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false"><path fill="currentColor" d="M12 2a6 6 0 0 0-6 6v3.6l-1.7 3.6A1 1 0 0 0 5.2 17h13.6a1 1 0 0 0 .9-1.8L18 11.6V8a6 6 0 0 0-6-6zm0 20a3 3 0 0 0 3-3H9a3 3 0 0 0 3 3z"/></svg><span class="visually-hidden">{{if .Unread}}{{n $.Page.Locale "remind.page.bell.unread" .Unread}}{{else}}{{t $.Page.Locale "remind.page.bell.none"}}{{end}}</span>{{if .Unread}}<span class="bell-badge" aria-hidden="true">{{if gt .Unread 99}}99+{{else}}{{.Unread}}{{end}}</span>{{end}}</a>{{end}}{{end}}
`

// layoutTestPage is a page of the layout test: a title and content of
// its own around whatever the layout shows.
type layoutTestPage struct {
	Layout
	Title     string
	TitleHTML template.HTML
}

// TestLayoutAsTheTemplateWroteIt renders pages in every language, signed
// in and not, bare, with one organisation and several, navigation,
// breadcrumbs, flash, billing notice, admin tabs and the bell at every
// count, with hostile and Nordic text and unsafe links, and finds each
// byte for byte as the template wrote it, the page's title (text, and
// HTML, which the title element's text escapes) included.
func TestLayoutAsTheTemplateWroteIt(t *testing.T) {
	cat := loadCatalog(t)
	assets := map[string]string{"app.css": "/static/0a1b2c3d4e/app.css", "favicon.svg": "/static/5f6a7b8c9d/favicon.svg"}
	funcs := templateFuncs(cat, assets)
	const page = `{{define "title"}}{{.Title}}{{with .TitleHTML}} · {{.}}{{end}}{{end}}{{define "content"}}<h1>{{.Title}}</h1>{{end}}`
	old := template.Must(template.Must(template.New("").Funcs(funcs).Parse(layoutAsTemplate)).Parse(page))
	nowSet := template.Must(template.Must(template.New("").Funcs(funcs).Parse(sharedTemplate(t, "layout.html"))).Parse(page))
	now := &pageSet{title: nowSet.Lookup("layout-title"), content: nowSet.Lookup("layout-content")}

	hostile := `Ås & Ørsta «kommune» <b>"x"</b> 'y' + § æøå`
	orgs := []*account.Membership{
		{OrgID: 2, Org: &org.Organisation{ID: 2, Slug: "trysil", Name: "Trysil kommune"}},
		{OrgID: 3, Org: &org.Organisation{ID: 3, Slug: "aasnes", Name: hostile}},
		{OrgID: 4, Org: &org.Organisation{ID: 4, Slug: "nettverk-innlandet", Name: "Læringsnettverk Innlandet"}},
	}
	nav := []navLink{{Label: "Oversikt", URL: "/o/trysil/dashboard"}, {Label: hostile, URL: "/o/trysil/plans?q=«ø» \"x\"", Current: true},
		{Label: "Farlig", URL: "javascript:alert(1)"}}
	editor := func() *app.Actor {
		return &app.Actor{UserID: 7, Email: "kari@trysil.kommune.no", Name: "Kari «Nordmann» & co", OrgID: 2, OrgSlug: "trysil", Role: "editor"}
	}
	layouts := map[string]func() Layout{
		"signed out": func() Layout { return Layout{Path: `/signin?next=/o/x&y="<å>"`} },
		"bare, another language": func() Layout {
			return Layout{Bare: true, Lang: "ar", Dir: "rtl", Path: "/s/abc"}
		},
		"signed in, everything": func() Layout {
			return Layout{Actor: editor(), OrgName: "Trysil kommune", Memberships: orgs, MainNav: nav, Path: "/o/trysil/plans/1?x=1&y=2",
				Breadcrumbs:   []Crumb{{Label: "Planer", URL: "/o/trysil/plans"}, {Label: "Farlig", URL: "javascript:x"}, {Label: hostile}},
				Flash:         &Flash{Text: hostile},
				BillingNotice: &billingNotice{Kind: "grace", Text: hostile, URL: "/o/trysil/admin/billing"},
				AdminTabs:     []adminTab{{Key: "members", URL: "/o/trysil/admin/members", Current: true}, {Key: "billing", URL: "/o/trysil/admin/billing"}},
				Bell:          &bellLink{URL: "/o/trysil/notifications", Unread: 5}}
		},
		"one organisation, many unread": func() Layout {
			return Layout{Actor: editor(), OrgName: hostile, Memberships: orgs[:1], MainNav: nav[:1],
				Bell: &bellLink{URL: "/o/trysil/notifications", Unread: 150, Current: true}, BillingNotice: &billingNotice{Kind: "read_only", Text: "Lesemodus"}}
		},
		"one unread": func() Layout {
			return Layout{Actor: editor(), Memberships: orgs, Bell: &bellLink{URL: "/o/trysil/notifications", Unread: 1}}
		},
		"nothing unread, no role": func() Layout {
			a := editor()
			a.Role, a.Name = "", ""
			return Layout{Actor: a, Memberships: orgs[:1], Bell: &bellLink{URL: "/o/trysil/notifications"}}
		},
		"before an organisation is chosen": func() Layout {
			a := editor()
			a.OrgID, a.OrgSlug, a.Role = 0, "", ""
			return Layout{Actor: a, Memberships: orgs}
		},
	}
	compared := 0
	for name, layout := range layouts {
		for _, loc := range []string{"nb", "sv", "da", "en"} {
			for _, title := range []layoutTestPage{{Title: hostile}, {Title: "Plan", TitleHTML: template.HTML(`<em>«Tiltak»</em> & mer`)}} {
				p := title
				p.Layout = layout()
				p.Locale = loc
				var want, got strings.Builder
				if err := old.ExecuteTemplate(&want, "layout", &p); err != nil {
					t.Fatal(err)
				}
				if err := writePage(&got, now, cat, assets, &p); err != nil {
					t.Fatal(err)
				}
				if got.String() != want.String() {
					t.Errorf("%s in %s, title %q: the layout differs from the template's at byte %d:\n%s", name, loc, p.Title, firstDifference(got.String(), want.String()),
						sideBySide(got.String(), want.String()))
				}
				compared++
			}
		}
	}
	if compared != len(layouts)*4*2 {
		t.Errorf("compared %d pages", compared)
	}
}

// firstDifference answers the first byte at which a and b differ.
func firstDifference(a, b string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// sideBySide answers what a and b hold around their first difference.
func sideBySide(a, b string) string {
	i := firstDifference(a, b)
	from := max(0, i-80)
	return fmt.Sprintf("written:  %q\ntemplate: %q", a[from:min(len(a), i+80)], b[from:min(len(b), i+80)])
}
