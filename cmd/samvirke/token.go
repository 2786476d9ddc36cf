package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/config"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/server"
)

// token creates an API token for a member of an organisation and prints it
// once: `samvirke token create --org SLUG --user EMAIL [--name N] [--scope read|write]`.
func token(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprint(stderr, "Usage: samvirke token create --org SLUG --user EMAIL [--name NAME] [--scope read|write]\n")
		return 2
	}
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	slug := fs.String("org", "", "organisation slug")
	email := fs.String("user", "", "e-mail address of a member")
	name := fs.String("name", "created with samvirke token create", "what the token is for")
	scope := fs.String("scope", account.ScopeRead, "read or write")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if *slug == "" || *email == "" {
		fmt.Fprint(stderr, "samvirke: token create needs --org and --user\n")
		return 2
	}
	if err := cfg.Validate(); err != nil {
		return fail(stderr, err)
	}
	m := server.New(cfg, server.ModeWeb, io.Discard)
	svc, err := m.OpenAccounts(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	bdb := m.DB
	defer bdb.Close()
	var (
		o *org.Organisation
		u *account.User
	)
	err = db.Run(ctx, bdb, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var err error
		if o, err = org.FindOrganisationBySlug(ctx, idb, *slug); err != nil {
			return fmt.Errorf("--org %s: no such organisation", *slug)
		}
		if u, err = account.FindUserByEmail(ctx, idb, *email); err != nil {
			return fmt.Errorf("--user %s: no such user", *email)
		}
		return nil
	})
	if err != nil {
		return fail(stderr, err)
	}
	tok, _, err := svc.CreateAPIToken(ctx, o, u.ID, *name, *scope)
	if app.IsNotFound(err) {
		return fail(stderr, fmt.Errorf("--user %s is not a member of %s", *email, *slug))
	}
	if err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stderr, "API token for %s in %s (%s); shown once, keep it safe:\n", u.Email, o.Slug, *scope)
	fmt.Fprintln(stdout, tok)
	return 0
}
