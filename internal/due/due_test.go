package due_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/due"
)

func items(titles map[string]string) due.Source {
	return due.SourceFunc(func(ctx context.Context, idb bun.IDB, q due.Query) ([]due.Item, error) {
		var out []due.Item
		for title, d := range titles {
			t, _ := time.Parse(time.DateOnly, d)
			state := due.StateOpen
			if title == "ferdig" {
				state = due.StateDone
			}
			out = append(out, due.Item{OrgID: q.OrgID, Title: title, Due: t, State: state})
		}
		return out, nil
	})
}

func TestRegistryMergesInDueOrder(t *testing.T) {
	var r due.Registry
	r.Add(items(map[string]string{"Bosettingsvedtak": "2026-12-01", "ferdig": "2026-11-01"}))
	r.Add(items(map[string]string{"Årshjul revideres": "2026-11-20", "Språkkafé": "2027-03-01"}))
	got, err := r.Items(context.Background(), nil, due.Query{OrgID: 1, OpenOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, it := range got {
		titles = append(titles, it.Title)
	}
	if diff := cmp.Diff([]string{"Årshjul revideres", "Bosettingsvedtak", "Språkkafé"}, titles); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

func TestGroup(t *testing.T) {
	today := time.Date(2026, 11, 24, 23, 30, 0, 0, time.FixedZone("CET", 3600))
	mk := func(d string) due.Item {
		t, _ := time.Parse(time.DateOnly, d)
		return due.Item{Title: d, Due: t, State: due.StateOpen}
	}
	g := due.Group([]due.Item{mk("2026-11-23"), mk("2026-11-24"), mk("2026-12-08"), mk("2026-12-09")}, today)
	if len(g.Overdue) != 1 || g.Overdue[0].Days != -1 {
		t.Errorf("overdue = %+v; want yesterday's item, 1 day over", g.Overdue)
	}
	if len(g.Soon) != 2 || g.Soon[0].Days != 0 || g.Soon[1].Days != 14 {
		t.Errorf("soon = %+v; want today's and the one in 14 days", g.Soon)
	}
	if len(g.Later) != 1 || g.Later[0].Days != 15 {
		t.Errorf("later = %+v; want the one in 15 days", g.Later)
	}
}
