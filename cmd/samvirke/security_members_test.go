package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// TestSecurity22TokenCreateTellsTheUser: `samvirke token create` writes the
// mail telling the member about their new token to the outbox, which a
// worker's sweep sends (the command has no queue of its own).
func TestSecurity22TokenCreateTellsTheUser(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SAMVIRKE_DATA_DIR", dir)
	t.Setenv("SAMVIRKE_DEMO", "false")
	var out, errb bytes.Buffer
	if code := run([]string{"tenants", "apply", "../../tenants/tierp.yaml"}, &out, &errb); code != 0 {
		t.Fatalf("tenants apply: %d %s", code, errb.String())
	}
	ctx := context.Background()
	bdb, err := db.Open(ctx, filepath.Join(dir, "samvirke.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
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
	if code := run([]string{"token", "create", "--org", "tierp", "--user", "integration@tierp.example"}, &out, &errb); code != 0 {
		t.Fatalf("token create: %d %s", code, errb.String())
	}
	var kinds []string
	err = db.Run(ctx, bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Table("mail_outbox").Column("kind").Where("sent_at IS NULL").Scan(ctx, &kinds)
	})
	if err != nil || len(kinds) != 1 || kinds[0] != "account.changed."+account.ChangeAPIToken {
		t.Errorf("outbox after token create: %v, %v; want the member's notice waiting to be sent", kinds, err)
	}
}
