package server_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// routeRowsCore are the route walk's rows for the core of the program:
// probes, signing in and out, the own account, the organisation's pages,
// administration and the core of the API.
func routeRowsCore() map[string]expectation {
	return map[string]expectation{
		"GET /healthz":                             {anon: 200},
		"GET /readyz":                              {anon: 200},
		"GET /static/*path":                        {anon: 404},
		"GET /favicon.ico":                         {anon: 302},
		"GET /":                                    {anon: 303, signedIn: 303},
		"GET /dashboard":                           {anon: 303, signedIn: 303},
		"GET /signin":                              {anon: 200, signedIn: 303},
		"POST /signin":                             {anon: 422},
		"GET /signin/second-factor":                {anon: 303},
		"POST /signin/second-factor":               {anon: 303},
		"GET /password/forgot":                     {anon: 200},
		"POST /password/forgot":                    {anon: 200, form: formOf("email", "nobody@example.org")},
		"GET /password/reset/:token":               {anon: 404},
		"POST /password/reset/:token":              {anon: 404, form: formOf("password", "lang nok passord", "password_confirm", "lang nok passord")},
		"GET /invitations/:token":                  {anon: 404},
		"POST /invitations/:token":                 {anon: 404},
		"POST /language":                           {anon: 303, signedIn: 303, form: formOf("locale", "sv", "next", "/")},
		"POST /signout":                            {anon: 401, signedIn: 303, endsSession: true},
		"POST /signout/everywhere":                 {anon: 401, signedIn: 303, endsSession: true},
		"GET /orgs":                                {anon: 303, signedIn: 200},
		"POST /orgs/switch":                        {anon: 401, signedIn: 303, form: formOf("org", "x")},
		"GET /account":                             {anon: 303, signedIn: 200},
		"POST /account":                            {anon: 401, signedIn: 303, form: formOf("name", "Ørjan Ås", "locale", "nb")},
		"GET /account/second-factor":               {anon: 303, signedIn: 200},
		"POST /account/second-factor":              {anon: 401, signedIn: 422, form: formOf("code", "000000")},
		"POST /account/second-factor/disable":      {anon: 401, signedIn: 422}, // no code or password given
		"GET /api/v1/openapi.json":                 {anon: 200},
		"GET /sso/start":                           {anon: 422},
		"GET /sso/:org/start":                      {anon: 404}, // no single sign-on configured there
		"GET /sso/callback":                        {anon: 403}, // no sign-in under way
		"GET /accessibility":                       {anon: 200},
		"GET /api/v1/me":                           {anon: 401, signedIn: 200},
		"GET /o/:org/dashboard":                    {anon: 303, roles: everyone},
		"GET /o/:org/logo":                         {anon: 303, roles: everyone},
		"GET /o/:org/search":                       {anon: 303, roles: everyone},
		"GET /o/:org/terms":                        {anon: 303, roles: everyone},
		"POST /o/:org/terms":                       {anon: 401, roles: admins, form: formOf("workbook.nb", "kartleggingsbok")},
		"GET /o/:org/admin/members":                {anon: 303, roles: membersRdr},
		"POST /o/:org/admin/members/:user/role":    {anon: 401, roles: admins, form: formOf("role", "viewer"), alone: true},
		"GET /o/:org/admin/members/:user/remove":   {anon: 303, roles: admins},
		"POST /o/:org/admin/members/:user/remove":  {anon: 401, roles: admins, alone: true},
		"GET /o/:org/admin/members/:user/sessions": {anon: 303, roles: admins},
		"POST /o/:org/admin/members/:user/sessions/:session/revoke": {anon: 401, roles: admins},
		"POST /o/:org/admin/invitations":                            {anon: 401, roles: admins, form: formOf("email", "ny@example.org", "role", "viewer")},
		"POST /o/:org/admin/invitations/:id/revoke":                 {anon: 401, roles: admins},
		"GET /o/:org/admin/roles":                                   {anon: 303, roles: membersRdr},
		"POST /o/:org/admin/roles":                                  {anon: 401, roles: admins, form: formOf("name", "Flyktningkoordinator", "kind", "role")},
		"GET /o/:org/admin/roles/:role":                             {anon: 303, roles: membersRdr},
		"POST /o/:org/admin/roles/:role":                            {anon: 401, roles: admins, form: formOf("name", "Rådmann", "kind", "role")},
		"GET /o/:org/admin/roles/:role/delete":                      {anon: 303, roles: admins},
		"POST /o/:org/admin/roles/:role/delete":                     {anon: 401, roles: admins},
		"POST /o/:org/admin/roles/:role/members":                    {anon: 401, roles: admins, form: formOf("user", ":victim")},
		"POST /o/:org/admin/roles/:role/members/:user/remove":       {anon: 401, roles: admins},
		"GET /o/:org/admin/settings":                                {anon: 303, roles: admins},
		"POST /o/:org/admin/settings":                               {anon: 401, roles: admins, form: formOf("name", "Ny Åsnes kommune", "locale", "nb", "time_zone", "Europe/Oslo")},
		"GET /o/:org/admin/sso":                                     {anon: 303, roles: admins},
		"POST /o/:org/admin/sso":                                    {anon: 401, roles: admins},
		"GET /o/:org/admin/audit":                                   {anon: 303, roles: admins},
		"GET /o/:org/admin/tokens":                                  {anon: 303, roles: admins},
		"POST /o/:org/admin/tokens":                                 {anon: 401, roles: admins, form: formOf("name", "Import", "scope", "read")},
		"POST /o/:org/admin/tokens/:id/revoke":                      {anon: 401, roles: admins},
		"GET /api/v1/orgs/:org":                                     {anon: 401, roles: everyone},
		"GET /api/v1/orgs/:org/members":                             {anon: 401, roles: membersRdr},
	}
}

// mustCreateRole makes a role of o, with a name of its own, for one
// request of the walk: renaming or deleting it disturbs no other.
func mustCreateRole(t *testing.T, bdb *bun.DB, o *org.Organisation) int64 {
	t.Helper()
	r := &org.Role{OrgID: o.ID, Name: fmt.Sprintf("Rolle %d", time.Now().UnixNano()), Kind: org.RoleKindRole}
	err := db.RunTx(context.Background(), bdb, db.OrgScope(o.ID), func(ctx context.Context, tx bun.Tx) error {
		return org.InsertRole(ctx, tx, r, time.Now().UTC())
	})
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}
