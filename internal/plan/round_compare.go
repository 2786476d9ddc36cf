package plan

import (
	"context"
	"math"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/org"
)

// AreaTrend is how a focus area's share of done measures moved since a
// report: «trend since the last report».
type AreaTrend struct {
	AreaID      string  `json:"area_id"` // "" for the whole plan
	Title       string  `json:"title"`
	Known       bool    `json:"known"` // the earlier report has the area
	ShareBefore float64 `json:"share_before"`
	ShareNow    float64 `json:"share_now"`
	DoneBefore  int     `json:"done_before"`
	DoneNow     int     `json:"done_now"`
}

// Points is the change in share done, in percentage points.
func (t AreaTrend) Points() float64 { return math.Round((t.ShareNow-t.ShareBefore)*1000) / 10 }

// Signed is the change in percentage points as loc writes it, with its
// sign: «+12,5», «−20», «±0»; "–" when the area is new.
func (t AreaTrend) Signed(loc string) string {
	if !t.Known {
		return "–"
	}
	p := t.Points()
	switch {
	case p > 0:
		return "+" + i18n.FormatNumber(loc, p, -1)
	case p < 0:
		return "−" + i18n.FormatNumber(loc, -p, -1)
	}
	return "±0"
}

// Trend answers, for each of now (Tree.Summary's areas then the whole
// plan), how it moved since the report before; areas are matched by id.
func Trend(before *Report, now []AreaSummary) []AreaTrend {
	if before == nil {
		return nil
	}
	prev := map[string]ReportArea{"": before.Whole}
	for _, a := range before.Areas {
		prev[a.ID] = a
	}
	out := make([]AreaTrend, 0, len(now))
	for _, s := range now {
		t := AreaTrend{AreaID: s.AreaID, Title: s.Title, ShareNow: s.ShareDone, DoneNow: s.Done}
		if p, ok := prev[s.AreaID]; ok {
			t.Known, t.ShareBefore, t.DoneBefore = true, p.ShareDone, p.Done
		}
		out = append(out, t)
	}
	return out
}

// MeasureChange is one measure's change between two reports.
type MeasureChange struct {
	ID           string `json:"id"`
	Description  string `json:"description"`
	Area         string `json:"area"`
	Known        bool   `json:"known"` // the earlier report has the measure
	From         string `json:"from,omitempty"`
	To           string `json:"to"`
	ProgressFrom int    `json:"progress_from"`
	ProgressTo   int    `json:"progress_to"`
}

// Changed reports whether status or progress moved.
func (c MeasureChange) Changed() bool {
	return !c.Known || c.From != c.To || c.ProgressFrom != c.ProgressTo
}

// Comparison is what changed from one report to the next.
type Comparison struct {
	Previous string          `json:"previous"` // the earlier round's title
	Areas    []AreaTrend     `json:"areas"`    // each area of cur, then the whole plan
	Measures []MeasureChange `json:"measures"` // each measure of cur, in order
}

// Compare answers per measure the change in status and progress, and per
// area the change in share done, from report prev to report cur.
func Compare(prev, cur *Report) *Comparison {
	c := &Comparison{Previous: prev.Title, Areas: Trend(prev, cur.Summaries())}
	before := map[string]ReportMeasure{}
	for _, a := range prev.Areas {
		for _, m := range a.Measures {
			before[m.ID] = m
		}
	}
	for _, a := range cur.Areas {
		for _, m := range a.Measures {
			mc := MeasureChange{ID: m.ID, Description: m.Description, Area: a.Title, To: m.Status, ProgressTo: m.Progress}
			if b, ok := before[m.ID]; ok {
				mc.Known, mc.From, mc.ProgressFrom = true, b.Status, b.Progress
			}
			c.Measures = append(c.Measures, mc)
		}
	}
	return c
}

// Progress is the committee summary of a plan: the tree, its counts per
// focus area, and the trend since the last closed round. The summary page
// and the printable progress report are both made from it.
type Progress struct {
	Tree    *Tree
	Summary []AreaSummary // Tree.Summary: areas, then the whole plan
	Last    *Report       // the last closed round's report (nil: none)
	Trend   []AreaTrend   // per element of Summary (nil without Last)
}

// progressOf answers t's progress against last.
func progressOf(t *Tree, last *Report) *Progress {
	p := &Progress{Tree: t, Summary: t.Summary(), Last: last}
	p.Trend = Trend(last, p.Summary)
	return p
}

// lastReport answers the report of lineage's last closed round, or nil.
func lastReport(ctx context.Context, idb bun.IDB, orgID, lineage int64) (*Report, error) {
	return previousReport(ctx, idb, orgID, lineage, math.MaxInt64)
}

// Progress answers plan id's committee summary (see Progress), in one
// unit of work.
func (s *Service) Progress(ctx context.Context, o *org.Organisation, id int64) (*Progress, error) {
	var p *Progress
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		t, err := load(ctx, idb, o.ID, id, false)
		if err != nil {
			return err
		}
		last, err := lastReport(ctx, idb, o.ID, t.Plan.LineageID)
		p = progressOf(t, last)
		return err
	})
	return p, err
}

// ProgressOf answers the committee summary of tree t, which the caller
// has read: only the last closed round is read here.
func (s *Service) ProgressOf(ctx context.Context, o *org.Organisation, t *Tree) (*Progress, error) {
	var last *Report
	err := db.Run(ctx, s.DB, db.OrgScope(o.ID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		last, err = lastReport(ctx, idb, o.ID, t.Plan.LineageID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return progressOf(t, last), nil
}
