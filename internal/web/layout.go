package web

import (
	"cmp"
	"io"
	"strconv"

	"github.com/samvirke/samvirke/internal/fragment"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/survey"
)

// The layout around every page (the document's head, the app shell's
// header with its navigation and menus, the breadcrumbs, the flash, the
// footer) is written in Go: as a template it cost every page some sixty
// calls through reflection, and every page's template set held a copy of
// its parse trees and its partials'. A page's template defines "title" and
// "content"; templates/layout.html places them ("layout-title" writes the
// <title> element, so the page's title is escaped as the element's text,
// as before). TestLayoutAsTheTemplateWroteIt compares the bytes with the
// template this replaced.

// writePage writes the page data (rendered by its templates set) in the
// layout, in the catalogue cat, with the static assets' addresses by name
// (assets).
func writePage(w io.Writer, set *pageSet, cat *i18n.Catalog, assets map[string]string, data page) error {
	l := data.layout()
	if _, err := io.WriteString(w, layoutHead(l)); err != nil {
		return err
	}
	if err := set.title.Execute(w, data); err != nil {
		return err
	}
	if _, err := io.WriteString(w, layoutTop(cat, l, assets)); err != nil {
		return err
	}
	if err := set.content.Execute(w, data); err != nil {
		return err
	}
	_, err := io.WriteString(w, layoutFoot(cat, l))
	return err
}

// layoutHead writes the document up to its <title>.
func layoutHead(l *Layout) string {
	var f fragment.Writer
	f.Raw("<!doctype html>\n<html lang=\"")
	f.Text(cmp.Or(l.Lang, l.Locale))
	f.Raw(`"`)
	if l.Dir != "" {
		f.Raw(` dir="`)
		f.Text(l.Dir)
		f.Raw(`"`)
	}
	f.Raw(">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	return string(f.HTML())
}

// layoutTop writes the document from after its <title> to the page's
// content: the rest of the head, the header and what the main part shows
// before the content.
func layoutTop(cat *i18n.Catalog, l *Layout, assets map[string]string) string {
	loc := l.Locale
	t := func(f *fragment.Writer, key string) { f.Text(cat.T(loc, key)) }
	var f fragment.Writer
	f.Grow(6 << 10)
	f.Raw("\n<link rel=\"stylesheet\" href=\"")
	f.URL(assets["app.css"])
	f.Raw("\">\n<link rel=\"icon\" href=\"")
	f.URL(assets["favicon.svg"])
	f.Raw("\" type=\"image/svg+xml\">\n</head>\n<body")
	if l.Bare {
		f.Raw(` class="bare"`)
	}
	f.Raw(">\n")
	if !l.Bare {
		f.Raw(`<a class="skip-link" href="#main">`)
		t(&f, "layout.skip_to_content")
		f.Raw("</a>\n<header class=\"site-header\">\n  <div class=\"bar\">\n    <a class=\"brand\" href=\"/\">" + logoMark + "<span>Samvirke</span></a>\n    ")
		if a := l.Actor; a != nil {
			search := a.OrgSlug != "" && a.Role != ""
			f.Raw("\n    <div class=\"shell-wide\">\n      ")
			navList(&f, cat, l, ` class="site-nav"`, "<ul>", "", "        ")
			f.Raw("\n      <div class=\"header-tools\">\n        ")
			if search {
				shellSearch(&f, cat, l, "q-header")
			}
			f.Raw("\n        ")
			if len(l.Memberships) > 1 {
				f.Raw("<details class=\"menu\" id=\"org-menu\">\n          <summary><span class=\"visually-hidden\">")
				t(&f, "layout.switch_org")
				f.Raw(`: </span><span class="menu-label">`)
				f.Text(cmp.Or(l.OrgName, cat.T(loc, "layout.switch_org")))
				f.Raw("</span></summary>\n          <div class=\"menu-panel\">")
				shellOrgs(&f, l)
				f.Raw("</div>\n        </details>")
			} else if l.OrgName != "" {
				f.Raw(`<span class="org-name" title="`)
				f.Text(l.OrgName)
				f.Raw(`">`)
				f.Text(l.OrgName)
				f.Raw("</span>")
			}
			f.Raw("\n        ")
			remindBell(&f, cat, l, "bell-wide")
			f.Raw("\n        <details class=\"menu\" id=\"user-menu\">\n          <summary><span class=\"visually-hidden\">")
			t(&f, "layout.signed_in_as")
			f.Raw(` </span><span class="menu-label">`)
			f.Text(cmp.Or(a.Name, a.Email))
			f.Raw("</span></summary>\n          <div class=\"menu-panel\">")
			shellUser(&f, cat, l)
			f.Raw("</div>\n        </details>\n      </div>\n    </div>\n    ")
			remindBell(&f, cat, l, "bell-narrow")
			f.Raw("\n    <details class=\"menu site-menu\" id=\"site-menu\">\n      <summary>")
			t(&f, "layout.menu")
			f.Raw("</summary>\n      <div class=\"menu-panel\">\n        ")
			navList(&f, cat, l, "", `<ul class="menu-links">`, ` class="menu-item"`, "          ")
			f.Raw("\n        ")
			if search {
				shellSearch(&f, cat, l, "q-menu")
			}
			f.Raw("\n        ")
			if len(l.Memberships) > 1 {
				f.Raw(`<p class="menu-heading">`)
				t(&f, "layout.switch_org")
				f.Raw("</p>\n        ")
				shellOrgs(&f, l)
			} else if l.OrgName != "" {
				f.Raw(`<p class="menu-heading">`)
				f.Text(l.OrgName)
				f.Raw("</p>")
			}
			f.Raw("\n        <p class=\"menu-heading\"><span class=\"visually-hidden\">")
			t(&f, "layout.signed_in_as")
			f.Raw(" </span>")
			f.Text(cmp.Or(a.Name, a.Email))
			f.Raw("</p>\n        ")
			shellUser(&f, cat, l)
			f.Raw("\n      </div>\n    </details>\n    ")
		} else {
			f.Raw("\n    <details class=\"menu\" id=\"language-menu\">\n      <summary><span class=\"visually-hidden\">")
			t(&f, "layout.language")
			f.Raw(`: </span><span lang="`)
			f.Text(loc)
			f.Raw(`">` + languageName(loc) + "</span></summary>\n      <div class=\"menu-panel\">")
			shellLanguages(&f, l)
			f.Raw("</div>\n    </details>\n    ")
		}
		f.Raw("\n  </div>\n</header>")
	}
	f.Raw("\n<main id=\"main\" tabindex=\"-1\">\n")
	if len(l.Breadcrumbs) > 0 {
		f.Raw(`<nav class="breadcrumbs" aria-label="`)
		t(&f, "layout.breadcrumbs")
		f.Raw(`"><ol>`)
		for _, c := range l.Breadcrumbs {
			f.Raw("<li>")
			if c.URL != "" {
				f.Raw(`<a href="`)
				f.URL(c.URL)
				f.Raw(`">`)
				f.Text(c.Label)
				f.Raw("</a>")
			} else {
				f.Raw(`<span aria-current="page">`)
				f.Text(c.Label)
				f.Raw("</span>")
			}
			f.Raw("</li>")
		}
		f.Raw("</ol></nav>")
	}
	f.Raw("\n")
	if l.Flash != nil {
		f.Raw(`<div class="flash" role="status">`)
		f.Text(l.Flash.Text)
		f.Raw("</div>")
	}
	f.Raw("\n")
	if n := l.BillingNotice; n != nil {
		f.Raw(`<div class="notice notice-`)
		f.Text(n.Kind)
		f.Raw(`" role="region" aria-label="`)
		t(&f, "billing.notice.label")
		f.Raw(`"><p>`)
		f.Text(n.Text)
		if n.URL != "" {
			f.Raw(` <a href="`)
			f.URL(n.URL)
			f.Raw(`">`)
			t(&f, "billing.notice.link")
			f.Raw("</a>")
		}
		f.Raw("</p></div>")
	}
	f.Raw("\n")
	if len(l.AdminTabs) > 0 {
		f.Raw(`<nav class="tabs" aria-label="`)
		t(&f, "nav.admin")
		f.Raw(`"><ul>`)
		for _, tab := range l.AdminTabs {
			f.Raw(`<li><a`)
			hrefCurrent(&f, tab.URL, tab.Current)
			t(&f, "admin."+tab.Key+".title")
			f.Raw("</a></li>")
		}
		f.Raw("</ul></nav>")
	}
	f.Raw("\n")
	return string(f.HTML())
}

// layoutFoot writes the document after the page's content.
func layoutFoot(cat *i18n.Catalog, l *Layout) string {
	var f fragment.Writer
	f.Raw("\n</main>\n")
	if !l.Bare {
		loc := l.Locale
		f.Raw("<footer class=\"site-footer\">\n  <p>Samvirke · ")
		f.Text(cat.T(loc, "layout.footer"))
		f.Raw("</p>\n  <ul class=\"footer-links\">\n    <li><a href=\"/accessibility\">")
		f.Text(cat.T(loc, "a11y.title"))
		f.Raw("</a></li>\n    ")
		if a := l.Actor; a != nil && a.OrgSlug != "" && a.Role != "" {
			f.Raw(`<li><a href="/o/`)
			f.URLPart(a.OrgSlug)
			f.Raw(`/terms">`)
			f.Text(cat.T(loc, "terms.title"))
			f.Raw("</a></li>")
		}
		f.Raw("\n    <li><a href=\"/api/v1/openapi.json\">")
		f.Text(cat.T(loc, "layout.api"))
		f.Raw("</a></li>\n  </ul>\n</footer>")
	}
	f.Raw("\n</body>\n</html>")
	return string(f.HTML())
}

// navList writes the main navigation, if any: a <nav> with the extra
// attributes navAttrs around the list ul (its start tag), each link's <a>
// with the extra attributes linkAttrs, the list indented by indent.
func navList(f *fragment.Writer, cat *i18n.Catalog, l *Layout, navAttrs, ul, linkAttrs, indent string) {
	if len(l.MainNav) == 0 {
		return
	}
	f.Raw("<nav" + navAttrs + ` aria-label="`)
	f.Text(cat.T(l.Locale, "layout.nav.label"))
	f.Raw("\">\n" + indent + ul + "\n" + indent + "  ")
	for _, n := range l.MainNav {
		f.Raw("<li><a" + linkAttrs)
		hrefCurrent(f, n.URL, n.Current)
		f.Text(n.Label)
		f.Raw("</a></li>\n" + indent + "  ")
	}
	f.Raw("\n" + indent + "</ul>\n" + indent[2:] + "</nav>")
}

// shellSearch writes the organisation's search form, its input's id id
// (unique on the page).
func shellSearch(f *fragment.Writer, cat *i18n.Catalog, l *Layout, id string) {
	f.Raw(`<form method="get" action="/o/`)
	f.URLPart(l.Actor.OrgSlug)
	f.Raw("/search\" role=\"search\" class=\"shell-search\">\n  <label for=\"" + id + `" class="visually-hidden">`)
	f.Text(cat.T(l.Locale, "search.label"))
	f.Raw("</label>\n  <input id=\"" + id + `" name="q" type="search" placeholder="`)
	f.Text(cat.T(l.Locale, "search.placeholder"))
	f.Raw("\">\n  <button type=\"submit\" class=\"secondary\">")
	f.Text(cat.T(l.Locale, "search.submit"))
	f.Raw("</button>\n</form>")
}

// shellOrgs writes the user's organisations as the buttons of one switch
// form, the open one marked.
func shellOrgs(f *fragment.Writer, l *Layout) {
	f.Raw("<form method=\"post\" action=\"/orgs/switch\" class=\"menu-list\">\n  ")
	for _, m := range l.Memberships {
		f.Raw(`<button type="submit" name="org" value="`)
		f.Text(m.Org.Slug)
		f.Raw(`" class="menu-item"`)
		if m.OrgID == l.Actor.OrgID {
			f.Raw(` aria-current="true"`)
		}
		f.Raw(">")
		f.Text(m.Org.Name)
		f.Raw("</button>\n  ")
	}
	f.Raw("\n</form>")
}

// shellLanguages writes the language choice: four buttons of one form,
// each language named in itself, the page's marked.
func shellLanguages(f *fragment.Writer, l *Layout) {
	f.Raw("<form method=\"post\" action=\"/language\" class=\"menu-list languages\">\n  <input type=\"hidden\" name=\"next\" value=\"")
	f.Text(l.Path)
	f.Raw("\">\n  ")
	for _, loc := range i18n.Locales {
		f.Raw(`<button type="submit" name="locale" value="` + loc + `" lang="` + loc + `" class="menu-item"`)
		if loc == l.Locale {
			f.Raw(` aria-current="true"`)
		}
		f.Raw(">" + languageName(loc) + "</button>\n  ")
	}
	f.Raw("\n</form>")
}

// languageName answers an interface language's name in itself.
func languageName(loc string) string {
	if l, ok := survey.LanguageOf(loc); ok {
		return l.Name
	}
	return "English"
}

// shellUser writes the user menu's content: account, language, sign out.
func shellUser(f *fragment.Writer, cat *i18n.Catalog, l *Layout) {
	f.Raw(`<a class="menu-item" href="/account">`)
	f.Text(cat.T(l.Locale, "nav.account"))
	f.Raw("</a>\n  <a class=\"menu-item\" href=\"/account/notifications\">")
	f.Text(cat.T(l.Locale, "remind.page.prefs.title"))
	f.Raw("</a>\n  <p class=\"menu-heading\">")
	f.Text(cat.T(l.Locale, "layout.language"))
	f.Raw("</p>\n  ")
	shellLanguages(f, l)
	f.Raw("\n  <form method=\"post\" action=\"/signout\" class=\"menu-list\"><button type=\"submit\" class=\"menu-item\">")
	f.Text(cat.T(l.Locale, "auth.signout"))
	f.Raw("</button></form>")
}

// remindBell writes the header's link to the person's notifications in
// the organisation open (Layout.Bell), with the extra class class: a bell
// with the unread count as a badge, said in words to screen readers; no
// badge when none is unread.
func remindBell(f *fragment.Writer, cat *i18n.Catalog, l *Layout, class string) {
	b := l.Bell
	if b == nil {
		return
	}
	f.Raw(`<a class="bell ` + class + `"`)
	hrefCurrent(f, b.URL, b.Current)
	f.Raw(bellIcon + `<span class="visually-hidden">`)
	if b.Unread != 0 {
		f.Text(cat.N(l.Locale, "remind.page.bell.unread", b.Unread))
	} else {
		f.Text(cat.T(l.Locale, "remind.page.bell.none"))
	}
	f.Raw("</span>")
	if b.Unread != 0 {
		f.Raw(`<span class="bell-badge" aria-hidden="true">`)
		if b.Unread > 99 {
			f.Raw("99+")
		} else {
			f.Raw(strconv.Itoa(b.Unread))
		}
		f.Raw("</span>")
	}
	f.Raw("</a>")
}

// hrefCurrent writes a link's address and, when it is the page's own,
// marks it current, and closes its start tag.
func hrefCurrent(f *fragment.Writer, url string, current bool) {
	f.Raw(` href="`)
	f.URL(url)
	f.Raw(`"`)
	if current {
		f.Raw(` aria-current="page"`)
	}
	f.Raw(">")
}

// logoMark is Samvirke's mark: three joined circles, for people working
// together. Decorative: the brand's text names it.
const logoMark = `<svg class="logo-mark" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false"><circle cx="11" cy="12" r="7" fill="none" stroke="currentColor" stroke-width="3"/><circle cx="21" cy="12" r="7" fill="none" stroke="currentColor" stroke-width="3"/><circle cx="16" cy="21" r="7" fill="none" stroke="currentColor" stroke-width="3"/></svg>`

// bellIcon is the notifications bell's icon.
const bellIcon = `<svg class="bell-icon" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false"><path fill="currentColor" d="M12 2a6 6 0 0 0-6 6v3.6l-1.7 3.6A1 1 0 0 0 5.2 17h13.6a1 1 0 0 0 .9-1.8L18 11.6V8a6 6 0 0 0-6-6zm0 20a3 3 0 0 0 3-3H9a3 3 0 0 0 3 3z"/></svg>`
