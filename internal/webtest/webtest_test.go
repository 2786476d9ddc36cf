package webtest_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
)

// TestHarness: pages answer by role through the real engine, a form post
// from a signed-in client passes the CSRF check, and an invitation's
// e-mail arrives through the outbox with a link to this harness.
func TestHarness(t *testing.T) {
	t.Parallel()
	h := webtest.New(t, webtest.Options{})
	o := h.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = "Åsnes kommune" })
	other := h.Org(org.KindMunicipality)
	admin := h.User(o, "admin")
	viewer := h.User(o, "viewer")
	stranger := h.User(other, "admin")
	invitee := "ny-" + o.Slug + "@example.org"
	webtest.Run(t, h, []webtest.Scenario{
		{As: nil, Path: "/o/" + o.Slug + "/dashboard", WantStatus: 303},
		{As: viewer, Path: "/o/" + o.Slug + "/dashboard", WantStatus: 200, WantText: "Åsnes kommune"},
		{As: stranger, Path: "/o/" + o.Slug + "/dashboard", WantStatus: 404, DenyText: "Åsnes kommune"},
		{As: viewer, Method: "POST", Path: "/o/" + o.Slug + "/admin/invitations", Form: url.Values{"email": {invitee}, "role": {"viewer"}}, WantStatus: 403},
		{As: admin, Method: "POST", Path: "/o/" + o.Slug + "/admin/invitations", Form: url.Values{"email": {invitee}, "role": {"viewer"}}, WantStatus: 303},
	})
	m := h.MailTo(invitee)
	if links := m.Links(); len(links) == 0 || !strings.HasPrefix(links[0], h.URL+"/invitations/") {
		t.Errorf("invitation mail links %v; want one to %s/invitations/…", links, h.URL)
	}
	if n := len(h.Mail()); n != 1 {
		t.Errorf("%d messages sent; want the one invitation", n)
	}
}
