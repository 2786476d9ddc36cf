package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/samvirke/samvirke/internal/config"
	"github.com/samvirke/samvirke/internal/scale"
	"github.com/samvirke/samvirke/internal/server"
)

// dev runs the developers' commands; today one:
// `samvirke dev gen-scale [--seed N] [--municipalities N] [--networks N] [--users N] [--password P]`
// builds the scale data set in the configured database.
func dev(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "gen-scale" {
		fmt.Fprint(stderr, "Usage: samvirke dev gen-scale [--seed N] [--municipalities N] [--networks N] [--users N] [--password P]\n")
		return 2
	}
	fs := flag.NewFlagSet("dev gen-scale", flag.ContinueOnError)
	fs.SetOutput(stderr)
	opts := scale.Default
	fs.Uint64Var(&opts.Seed, "seed", opts.Seed, "the same seed makes the same data set")
	fs.IntVar(&opts.Municipalities, "municipalities", opts.Municipalities, "municipalities in NO, SE and DK")
	fs.IntVar(&opts.Networks, "networks", opts.Networks, "learning networks the municipalities are shared among")
	fs.IntVar(&opts.UsersPer, "users", opts.UsersPer, "users per municipality")
	fs.StringVar(&opts.Password, "password", "", "every generated user's password (default scale-SEED)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if err := cfg.Validate(); err != nil {
		return fail(stderr, err)
	}
	m := server.New(cfg, server.ModeWeb, io.Discard)
	bdb, err := m.OpenDatabase(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer bdb.Close()
	rep, err := scale.Generate(ctx, bdb, opts, server.ScaleSlices(), func(step string, rows int, took time.Duration) {
		fmt.Fprintf(stdout, "%-20s %8d rows in %s\n", step, rows, took.Round(time.Millisecond))
	})
	if err != nil {
		return fail(stderr, err)
	}
	total := 0
	for _, n := range rep.Rows {
		total += n
	}
	fmt.Fprintf(stdout, "scale data set: %d rows in %s; users sign in as u01@scale-no-0101.scale.example … with the password %q\n",
		total, rep.Duration.Round(time.Second), rep.Options.Password)
	return 0
}
