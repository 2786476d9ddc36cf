package org_test

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
)

// TestRolesPages: an administrator adds «Flyktningkoordinator», lets a
// contributor fill it, renames and deletes roles, each step on the
// "Roles and units" page linked from the administration tabs and audited;
// bad input is named on the form with what was typed kept; a viewer may
// not see the pages, an editor not change them, and another
// organisation's role is not found.
func TestRolesPages(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	o := r.Org(org.KindMunicipality)
	admin := r.User(o, "admin")
	gro := r.User(o, "contributor")
	viewer := r.User(o, "viewer")
	editor := r.User(o, "editor")
	other := r.Org(org.KindMunicipality)
	otherAdmin := r.User(other, "admin")
	ctxOther := app.WithActor(t.Context(), &app.Actor{UserID: otherAdmin.ID, Email: otherAdmin.Email})
	foreign, err := r.Orgs.CreateRole(ctxOther, other, "Rådmann", org.RoleKindRole)
	if err != nil {
		t.Fatal(err)
	}
	ac := r.Client(admin)
	base := "/o/" + o.Slug + "/admin/roles"

	// The administration tabs lead to the page.
	_, body := ac.Get("/o/" + o.Slug + "/admin/members")
	if !strings.Contains(body, `href="`+base+`"`) || !strings.Contains(body, "Roller og enheter") {
		t.Error("the administration tabs lack «Roller og enheter»")
	}

	resp, _ := ac.PostResponse(base, url.Values{"name": {" Flyktningkoordinator  "}, "kind": {"role"}})
	loc := resp.Header.Get("Location")
	m := regexp.MustCompile(`^` + regexp.QuoteMeta(base) + `/(\d+)$`).FindStringSubmatch(loc)
	if resp.StatusCode != 303 || m == nil {
		t.Fatalf("add a role: %d to %q; want 303 to the role's page", resp.StatusCode, loc)
	}
	rolePage := base + "/" + m[1]
	_, body = ac.Get(rolePage)
	if !strings.Contains(body, "<h1>Flyktningkoordinator</h1>") || !strings.Contains(body, "«Flyktningkoordinator» er lagt til") {
		t.Errorf("the new role's page lacks its name or the flash:\n%s", body)
	}
	if !strings.Contains(body, `<option value="`+strconv.FormatInt(gro.ID, 10)+`">`) {
		t.Error("the contributor cannot be chosen to fill the role")
	}

	webtest.Run(t, r, []webtest.Scenario{
		{Name: "FillRole", As: admin, Method: "POST", Path: rolePage + "/members", Form: url.Values{"user": {strconv.FormatInt(gro.ID, 10)}}, WantStatus: 303},
		{Name: "FilledOnList", As: admin, Path: base, WantStatus: 200, WantText: "Flyktningkoordinator"},
		{Name: "FilledOnRolePage", As: admin, Path: rolePage, WantStatus: 200, WantText: "/members/" + strconv.FormatInt(gro.ID, 10) + "/remove"},
		{Name: "ErrDuplicate", As: admin, Method: "POST", Path: base, Form: url.Values{"name": {"FLYKTNINGKOORDINATOR"}, "kind": {"unit"}},
			WantStatus: 409, WantText: `value="FLYKTNINGKOORDINATOR"`},
		{Name: "ErrDuplicateSays", As: admin, Method: "POST", Path: base, Form: url.Values{"name": {"flyktningkoordinator"}, "kind": {"role"}},
			WantStatus: 409, WantText: "Organisasjonen har allerede «flyktningkoordinator»"},
		{Name: "ErrLong", As: admin, Method: "POST", Path: base, Form: url.Values{"name": {strings.Repeat("ø", org.MaxRoleNameLen+1)}, "kind": {"role"}},
			WantStatus: 422, WantText: `aria-invalid="true"`},
		{Name: "ErrKind", As: admin, Method: "POST", Path: base, Form: url.Values{"name": {"Voksenopplæringen"}},
			WantStatus: 422, WantText: "Velg rolle eller enhet."},
		{Name: "ErrKindKeepsName", As: admin, Method: "POST", Path: base, Form: url.Values{"name": {"Voksenopplæringen"}},
			WantStatus: 422, WantText: `value="Voksenopplæringen"`},
		{Name: "ErrNotMember", As: admin, Method: "POST", Path: rolePage + "/members", Form: url.Values{"user": {strconv.FormatInt(otherAdmin.ID, 10)}},
			WantStatus: 422, WantText: "Velg et medlem av organisasjonen."},
		{Name: "ErrNoMemberChosen", As: admin, Method: "POST", Path: rolePage + "/members", Form: url.Values{"user": {"x"}},
			WantStatus: 422, WantText: `aria-invalid="true"`},
		{Name: "Rename", As: admin, Method: "POST", Path: rolePage, Form: url.Values{"name": {"Flyktningkonsulent"}, "kind": {"role"}}, WantStatus: 303},
		{Name: "Renamed", As: admin, Path: base, WantStatus: 200, WantText: ">Flyktningkonsulent</a>", DenyText: ">Flyktningkoordinator</a>"},
		{Name: "ErrRenameEmpty", As: admin, Method: "POST", Path: rolePage, Form: url.Values{"name": {" "}, "kind": {"role"}}, WantStatus: 422, WantText: `aria-invalid="true"`},
		{Name: "ViewerForbidden", As: viewer, Path: base, WantStatus: 403},
		{Name: "ViewerForbiddenRole", As: viewer, Path: rolePage, WantStatus: 403},
		{Name: "EditorCannotAdd", As: editor, Method: "POST", Path: base, Form: url.Values{"name": {"Ordfører"}, "kind": {"role"}}, WantStatus: 403},
		{Name: "EditorCannotFill", As: editor, Method: "POST", Path: rolePage + "/members", Form: url.Values{"user": {strconv.FormatInt(editor.ID, 10)}}, WantStatus: 403},
		{Name: "ErrOtherOrgRole", As: admin, Path: base + "/" + strconv.FormatInt(foreign.ID, 10), WantStatus: 404, DenyText: "Rådmann"},
		{Name: "ErrOtherOrgRename", As: admin, Method: "POST", Path: base + "/" + strconv.FormatInt(foreign.ID, 10), Form: url.Values{"name": {"Kapret"}, "kind": {"role"}}, WantStatus: 404},
		{Name: "ErrOtherOrgDelete", As: admin, Method: "POST", Path: base + "/" + strconv.FormatInt(foreign.ID, 10) + "/delete", WantStatus: 404},
		{Name: "ErrOtherOrgFill", As: admin, Method: "POST", Path: base + "/" + strconv.FormatInt(foreign.ID, 10) + "/members", Form: url.Values{"user": {strconv.FormatInt(gro.ID, 10)}}, WantStatus: 404},
		{Name: "ErrNoSuchRole", As: admin, Path: base + "/999999999", WantStatus: 404},
		{Name: "DeleteAsks", As: admin, Path: rolePage + "/delete", WantStatus: 200, WantText: "Slette «Flyktningkonsulent»?"},
		{Name: "DeleteAsksWhoFills", As: admin, Path: rolePage + "/delete", WantStatus: 200, WantText: "Åse Øren"},
		{Name: "Unfill", As: admin, Method: "POST", Path: rolePage + "/members/" + strconv.FormatInt(gro.ID, 10) + "/remove", WantStatus: 303},
		{Name: "Unfilled", As: admin, Path: rolePage, WantStatus: 200, DenyText: "/members/" + strconv.FormatInt(gro.ID, 10) + "/remove"},
		{Name: "Delete", As: admin, Method: "POST", Path: rolePage + "/delete", WantStatus: 303},
		{Name: "Deleted", As: admin, Path: base, WantStatus: 200, DenyText: ">Flyktningkonsulent</a>"},
		{Name: "DeletedRolePage", As: admin, Path: rolePage, WantStatus: 404},
		{Name: "Audited", As: admin, Path: "/o/" + o.Slug + "/admin/audit", WantStatus: 200, WantText: "Rolle slettet"},
	})

	// The other organisation's role is untouched.
	rl, _, err := r.Orgs.Role(ctxOther, other, foreign.ID)
	if err != nil || rl.Name != "Rådmann" || len(rl.Members) != 0 {
		t.Errorf("the other organisation's role: %+v, %v; want it unchanged", rl, err)
	}
	// Every step was audited, in the administrator's language.
	_, body = ac.Get("/o/" + o.Slug + "/admin/audit")
	for _, want := range []string{"Rolle lagt til", "Medlem satt til å fylle rolle", "Rolle endret", "Medlem fjernet fra rolle", "Tidligere navn", "Flyktningkoordinator"} {
		if !strings.Contains(body, want) {
			t.Errorf("the audit log lacks %q", want)
		}
	}
}

// TestRolesPagePhone: the roles table is a stack of labelled cards on a
// phone, and the kind is chosen in a fieldset with a legend.
func TestRolesPagePhone(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	o := r.Org(org.KindMunicipality)
	admin := r.User(o, "admin")
	ctx := app.WithActor(t.Context(), &app.Actor{UserID: admin.ID, Email: admin.Email})
	if _, err := r.Orgs.CreateRole(ctx, o, "Voksenopplæringen", org.RoleKindUnit); err != nil {
		t.Fatal(err)
	}
	_, body := r.Client(admin).Get("/o/" + o.Slug + "/admin/roles")
	for _, want := range []string{`<table class="stack">`, `data-label="Navn"`, `data-label="Type"`, `data-label="Fylles av"`, "<legend>Type</legend>", `<label for="f-kind"`, ">Enhet<"} {
		if !strings.Contains(body, want) {
			t.Errorf("the roles page lacks %s", want)
		}
	}
}
