package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/config"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/server"
	shipped "github.com/samvirke/samvirke/tenants"
)

const indicatorsUsage = `Usage: samvirke indicators import --source ssb|kolada|dst|scb --file FILE --map THEIRS=OURS[,…]
                                  [--country NO|SE|DK] [--region-dim NAME] [--filter DIM=CAT[,…]]
`

// skipReasons explains each reason ImportOfficial skips an observation.
var skipReasons = map[string]string{
	indicator.SkipCode:     "the source's code is not in --map",
	indicator.SkipGender:   "not the total of both genders",
	indicator.SkipFilter:   "another category of a --filter dimension",
	indicator.SkipRegion:   "a county, group or other region, never taken for a municipality",
	indicator.SkipUnknown:  "a municipality not in Samvirke",
	indicator.SkipPeriod:   "a period that cannot be read",
	indicator.SkipDuplicte: "a second cell for the same figure (add a --filter for the other dimension)",
	indicator.SkipDeleted:  "withdrawn by the source",
}

// indicators runs the indicator commands; today one:
// `samvirke indicators import --source S --file F --map theirs=ours[,…]`
// stores a published response (SSB or SCB JSON-stat, Statistics Denmark
// JSON-stat, Kolada JSON) as official figures of the municipalities it
// names and of the country, all or nothing. It prints what was imported,
// suppressed, missing and skipped; a refused import lists each refused
// figure and exits 1.
func indicators(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "import" {
		fmt.Fprint(stderr, indicatorsUsage)
		return 2
	}
	fs := flag.NewFlagSet("indicators import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, indicatorsUsage) }
	m := indicator.OfficialMap{Codes: map[string]string{}, Filter: map[string]string{}}
	file := fs.String("file", "", "the response as the source published it")
	fs.StringVar(&m.Source, "source", "", "ssb, kolada, dst or scb")
	fs.StringVar(&m.Country, "country", "", "the country of the figures (default: the source's)")
	fs.StringVar(&m.RegionDim, "region-dim", "", "the JSON-stat region dimension, e.g. KOKkommuneregion0000")
	fs.Func("map", "the source's code = our indicator code, comma-separated (repeatable)", pairsInto(m.Codes))
	fs.Func("filter", "keep only cells whose dimension has this category, comma-separated (repeatable)", pairsInto(m.Filter))
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if _, ok := indicator.OfficialSources[m.Source]; !ok || *file == "" || len(m.Codes) == 0 || fs.NArg() > 0 {
		fmt.Fprintf(stderr, "samvirke: indicators import needs --source (ssb, kolada, dst or scb), --file and --map\n%s", indicatorsUsage)
		return 2
	}
	if m.RegionDim != "" && m.Source == indicator.SourceKolada {
		fmt.Fprint(stderr, "samvirke: --region-dim names a JSON-stat dimension; Kolada's responses have none\n")
		return 2
	}
	data, err := os.ReadFile(*file)
	if err != nil {
		return fail(stderr, err)
	}
	obs, err := indicator.ReadOfficial(data, &m)
	if err != nil {
		return fail(stderr, fmt.Errorf("%s: %w", *file, err))
	}
	if err := cfg.Validate(); err != nil {
		return fail(stderr, err)
	}
	srv := server.New(cfg, server.ModeWeb, io.Discard)
	bdb, err := srv.OpenDatabase(ctx)
	if err != nil {
		return fail(stderr, err)
	}
	defer bdb.Close()
	// The codes mapped to are the shipped catalogue's: make it current, as
	// the server does on start, so a fresh database knows them.
	defs, err := indicator.ReadDefinitions(shipped.Indicators, "indicators")
	if err == nil {
		err = indicator.LoadCatalogue(ctx, bdb, defs, srv.Clock.Now())
	}
	if err != nil {
		return fail(stderr, err)
	}
	svc := &indicator.Service{DB: bdb, Clock: app.SystemClock{}}
	res, err := svc.ImportOfficial(ctx, obs, m)
	var oe *indicator.OfficialError
	if errors.As(err, &oe) {
		fmt.Fprintf(stderr, "samvirke: import refused, nothing written: %d of the %d observations of %s\n", len(oe.Rows), len(obs), *file)
		for _, r := range oe.Rows {
			ob := obs[r.Index]
			fmt.Fprintf(stderr, "samvirke: observation %d (%s, region %s, period %s): %s\n",
				r.Index, ob.Indicator, ob.Region, ob.Period, explain(r.Err))
		}
		return 1
	}
	if err != nil {
		return fail(stderr, err)
	}
	printOfficial(stdout, *file, len(obs), &m, res)
	return 0
}

// pairsInto answers a flag.Func that adds «a=b,c=d» to into.
func pairsInto(into map[string]string) func(string) error {
	return func(s string) error {
		for _, pair := range strings.Split(s, ",") {
			k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
			if !ok || k == "" || v == "" {
				return fmt.Errorf("%q is not NAME=VALUE", pair)
			}
			into[k] = v
		}
		return nil
	}
}

func printOfficial(w io.Writer, file string, n int, m *indicator.OfficialMap, res *indicator.OfficialResult) {
	asOf := "today"
	if m.AsOf != nil {
		asOf = m.AsOf.Format("2006-01-02")
	}
	fmt.Fprintf(w, "%s: %d observations from %s, as of %s\n", file, n, m.Source, asOf)
	fmt.Fprintf(w, "imported   %d (national %d, municipalities %d in %d organisations)\n",
		res.Imported, res.National, res.Imported-res.National, res.Orgs)
	fmt.Fprintf(w, "suppressed %d (stored without a number)\n", res.Suppressed)
	fmt.Fprintf(w, "missing    %d (stored without a number)\n", res.Missing)
	fmt.Fprintf(w, "changed    %d\n", res.Changed)
	fmt.Fprintf(w, "skipped    %d\n", res.SkippedTotal())
	reasons := make([]string, 0, len(res.Skipped))
	for r, c := range res.Skipped {
		if c > 0 {
			reasons = append(reasons, r)
		}
	}
	slices.Sort(reasons)
	for _, r := range reasons {
		fmt.Fprintf(w, "  %-10s %d: %s\n", r, res.Skipped[r], skipReasons[r])
	}
}
