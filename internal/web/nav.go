package web

import (
	"cmp"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/authz"
)

// NavEntry is one link of the main navigation, declared by the capability
// whose pages it leads to (next to its handlers) and added in
// internal/server with one line.
type NavEntry struct {
	// Key is the section: a page whose Layout.Nav equals it marks the
	// link as the current page.
	Key string
	// Label is the translation key of the link's text: the heading of the
	// page it leads to, so that menu and heading say the same.
	Label string
	// Path answers the link for the organisation with this slug.
	Path func(orgSlug string) string
	// AnyOf, when set, shows the link only to a member of the organisation
	// holding at least one of these permissions; empty: everyone with the
	// organisation open sees it.
	AnyOf []authz.Perm
	// Order places the link: lower first, equal in the order added.
	Order int
	// Kinds, when set, shows the link only in organisations of these
	// kinds (plans: municipalities).
	Kinds []string
}

// Nav is the main navigation's registry, filled by internal/server.
type Nav struct {
	app.Registry[NavEntry]
}

// navLink is one rendered link of the main navigation.
type navLink struct {
	Label, URL string
	Current    bool
}

// mainNav answers the links the request's actor sees in organisation a.OrgSlug,
// the page's section (current) marked.
func (s *Server) mainNav(c *gin.Context, a *app.Actor, loc, current string) []navLink {
	if s.Nav == nil || a == nil || a.OrgSlug == "" {
		return nil
	}
	entries := s.Nav.All()
	slices.SortStableFunc(entries, func(x, y NavEntry) int { return cmp.Compare(x.Order, y.Order) })
	var out []navLink
	for _, e := range entries {
		if len(e.Kinds) > 0 && !slices.Contains(e.Kinds, a.OrgKind) {
			continue
		}
		if len(e.AnyOf) > 0 && (a.Role == "" || !slices.ContainsFunc(e.AnyOf, func(p authz.Perm) bool { return s.allowed(c, p) })) {
			continue
		}
		out = append(out, navLink{Label: s.Catalog.T(loc, e.Label), URL: e.Path(a.OrgSlug), Current: e.Key == current})
	}
	return out
}

// orgPath answers a Path for NavEntry: /o/<slug> followed by rest.
func orgPath(rest string) func(string) string {
	return func(slug string) string { return "/o/" + slug + rest }
}

// The navigation entries of the organisation pages.
var (
	// NavDashboard leads to the organisation's dashboard.
	NavDashboard = NavEntry{Key: "dashboard", Label: "nav.dashboard", Path: orgPath("/dashboard"), Order: 10}
	// NavAdmin leads to the administration, for those who may see its members or settings.
	NavAdmin = NavEntry{Key: "admin", Label: "nav.admin", Path: orgPath("/admin/members"), AnyOf: []authz.Perm{authz.MembersRead, authz.OrgManage}, Order: 900}
)
