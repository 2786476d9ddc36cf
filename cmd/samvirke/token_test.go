package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// TestTokenCreate: an operator makes an API token for a member; it is
// printed once and works; a non-member or unknown organisation is refused
// with a line naming the flag.
func TestTokenCreate(t *testing.T) {
	bdb := tierpWithMember(t, "../../tenants")
	ctx := context.Background()
	var out, errb bytes.Buffer
	var err error

	out.Reset()
	errb.Reset()
	if code := run([]string{"token", "create", "--org", "tierp", "--user", "integration@tierp.example", "--scope", "write"}, &out, &errb); code != 0 {
		t.Fatalf("token create: %d %s", code, errb.String())
	}
	tok := strings.TrimSpace(out.String())
	if !strings.HasPrefix(tok, account.TokenPrefix) || strings.Count(out.String(), "\n") != 1 {
		t.Fatalf("stdout = %q; want the token alone on one line", out.String())
	}
	svc := &account.Service{DB: bdb, Clock: app.SystemClock{}}
	ta, err := svc.AuthenticateAPIToken(ctx, tok)
	if err != nil || ta.Membership.Org.Slug != "tierp" || ta.Membership.Role != "editor" || ta.Token.Scope != "write" {
		t.Fatalf("the printed token does not authenticate as the member: %+v %v", ta, err)
	}

	for _, c := range []struct{ name, org, user, want string }{
		{"ErrUnknownOrg", "nowhere", "integration@tierp.example", "--org"},
		{"ErrUnknownUser", "tierp", "nobody@tierp.example", "--user"},
		{"ErrNotMember", "thisted", "integration@tierp.example", "not a member"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var o, e bytes.Buffer
			if code := run([]string{"token", "create", "--org", c.org, "--user", c.user}, &o, &e); code == 0 || !strings.Contains(e.String(), c.want) || o.Len() != 0 {
				t.Errorf("exit %d, stdout %q, stderr %q; want a failure naming %q and no token", code, o.String(), e.String(), c.want)
			}
		})
	}
}

// tierpWithMember applies the definitions at tenants to a fresh data
// directory and adds integration@tierp.example as an editor of Tierp; it
// answers the open database.
func tierpWithMember(t *testing.T, tenants string) *bun.DB {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("SAMVIRKE_DATA_DIR", dir)
	t.Setenv("SAMVIRKE_DEMO", "false")
	var out, errb bytes.Buffer
	if code := run([]string{"tenants", "apply", tenants}, &out, &errb); code != 0 {
		t.Fatalf("tenants apply: %d %s", code, errb.String())
	}
	ctx := context.Background()
	bdb, err := db.Open(ctx, filepath.Join(dir, "samvirke.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bdb.Close() })
	err = db.RunTx(ctx, bdb, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
		o, err := org.FindOrganisationBySlug(ctx, tx, "tierp")
		if err != nil {
			return err
		}
		u := &account.User{Email: "integration@tierp.example", Name: "Integrationskonto"}
		if err := account.CreateUser(ctx, tx, u, time.Now()); err != nil {
			return err
		}
		return account.SetMembership(ctx, tx, o.ID, u.ID, "editor", time.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
	return bdb
}
