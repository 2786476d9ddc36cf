package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/db"
)

// TestSecurity22TokenCreateTellsTheUser: `samvirke token create` writes the
// mail telling the member about their new token to the outbox, which a
// worker's sweep sends (the command has no queue of its own).
func TestSecurity22TokenCreateTellsTheUser(t *testing.T) {
	bdb := tierpWithMember(t, "../../tenants/tierp.yaml")
	ctx := context.Background()
	var out, errb bytes.Buffer
	if code := run([]string{"token", "create", "--org", "tierp", "--user", "integration@tierp.example"}, &out, &errb); code != 0 {
		t.Fatalf("token create: %d %s", code, errb.String())
	}
	var kinds []string
	err := db.Run(ctx, bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Table("mail_outbox").Column("kind").Where("sent_at IS NULL").Scan(ctx, &kinds)
	})
	if err != nil || len(kinds) != 1 || kinds[0] != "account.changed."+account.ChangeAPIToken {
		t.Errorf("outbox after token create: %v, %v; want the member's notice waiting to be sent", kinds, err)
	}
}
