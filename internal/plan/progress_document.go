package plan

import (
	"strconv"
	"time"

	"github.com/samvirke/samvirke/internal/chart"
	"github.com/samvirke/samvirke/internal/document"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/measure"
)

// Chart answers the summary as a chart: grouped bars of the measures by
// status per focus area (the whole plan left out), texts in texts'
// language.
func (p *Progress) Chart(texts Texts) *chart.Chart {
	c := &chart.Chart{ID: "plan-summary", Kind: chart.Bar, Title: texts("plan_round.chart.title"),
		Description: texts("plan_round.chart.description"), LabelHeading: texts("plan.col.area")}
	areas := p.Summary[:len(p.Summary)-1]
	for _, a := range areas {
		c.Labels = append(c.Labels, a.Title)
	}
	for _, st := range measure.Statuses {
		s := chart.Series{Name: texts("measure.status." + st), Values: make([]float64, len(areas))}
		for i, a := range areas {
			s.Values[i] = float64(a.ByStatus[st])
		}
		c.Series = append(c.Series, s)
	}
	return c
}

// HasChart reports whether there is an area to draw.
func (p *Progress) HasChart() bool { return len(p.Summary) > 1 }

// SummaryTable answers the summary as the page's table shows it, in loc:
// the heading row, then per area (and the whole plan last) its name, the
// count per status, the total, the share done and, after a closed round,
// the change since it in percentage points.
func (p *Progress) SummaryTable(loc string, texts Texts) (head []string, rows [][]string) {
	head = []string{texts("plan.col.area")}
	for _, st := range measure.Statuses {
		head = append(head, texts("measure.status."+st))
	}
	head = append(head, texts("plan.summary.total"), texts("plan.summary.share_done"))
	if p.Last != nil {
		head = append(head, texts("plan_round.trend.heading", "round", p.Last.Title))
	}
	for i, s := range p.Summary {
		row := []string{s.Title}
		if s.AreaID == "" {
			row[0] = texts("plan.summary.whole")
		}
		for _, st := range measure.Statuses {
			row = append(row, i18n.FormatInt(loc, int64(s.ByStatus[st])))
		}
		row = append(row, i18n.FormatInt(loc, int64(s.Total)), i18n.FormatPercent(loc, s.ShareDone, 0))
		if p.Last != nil {
			row = append(row, p.Trend[i].Signed(loc))
		}
		rows = append(rows, row)
	}
	return head, rows
}

// Document builds the plan's progress report in loc, from the same
// figures the summary page shows: the summary table with its trend, the
// chart with its data, and each area's measures with status and
// progress. now is the date printed.
func (p *Progress) Document(loc string, texts Texts, now time.Time) *document.Document {
	pl := p.Tree.Plan
	d := &document.Document{Title: pl.Title + " – " + texts("plan_round.report.title"), Created: now, Locale: loc,
		Landscape: true, Format: chart.Format{Locale: loc, T: texts}}
	d.Add(&document.Heading{Level: 1, Text: pl.Title},
		&document.Paragraph{Text: texts("plan_round.report.title"), Style: document.Lead},
		&document.Paragraph{Text: texts("plan_round.report.printed", "date", i18n.FormatDate(loc, now),
			"version", strconv.Itoa(pl.Version)), Style: document.Small})
	if p.Last != nil {
		d.Add(&document.Paragraph{Text: texts("plan_round.trend.since", "round", p.Last.Title)})
	}
	head, rows := p.SummaryTable(loc, texts)
	d.Add(&document.Heading{Level: 2, Text: texts("plan.view.summary")}, &document.Table{Head: head, Rows: rows})
	if p.HasChart() {
		d.Add(&document.Chart{Chart: p.Chart(texts)})
	}
	for i, a := range p.Tree.Content.Areas {
		d.Add(&document.Heading{Level: 2, Text: strconv.Itoa(i+1) + ". " + a.Title})
		t := &document.Table{Head: []string{texts("plan.col.activity"), texts("plan.col.responsible"), texts("plan.field.status"),
			texts("plan_round.col.progress")}, Widths: []float64{6, 3, 2, 1}}
		for _, it := range a.Items {
			m, ok := p.Tree.Measures[it.ID]
			if it.Kind != ItemMeasure || !ok {
				continue
			}
			act := m.Description
			if act == "" {
				act = texts("plan.no_activity")
			}
			st := measure.NormStatus(m.Status)
			if st == "" {
				st = measure.StatusNotStarted
			}
			t.Rows = append(t.Rows, []string{act, m.Responsible, texts("measure.status." + st), i18n.FormatInt(loc, int64(m.Progress)) + " %"})
		}
		if len(t.Rows) == 0 {
			d.Add(&document.Paragraph{Text: texts("plan.area.empty"), Style: document.Muted})
			continue
		}
		d.Add(t)
	}
	return d
}
