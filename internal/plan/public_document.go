package plan

import (
	"strconv"
	"strings"
	"time"

	"github.com/samvirke/samvirke/internal/chart"
	"github.com/samvirke/samvirke/internal/document"
	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/measure"
)

// Document builds the published plan as a printable document in the
// language loc (PDF or Word, see document.Document): its header, main
// goal, the progress summary per focus area, and each area's lines as a
// table. It holds exactly what the public page shows. texts translates
// the fixed texts; now is the time printed as the document's date.
func (p *PublicPlan) Document(loc string, texts func(key string, args ...any) string, now time.Time) *document.Document {
	date := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return i18n.FormatDate(loc, *t)
	}
	d := &document.Document{Title: p.Title, Subject: p.Org.Name, Author: p.Org.Name, Created: now, Locale: loc,
		Landscape: true, Format: chart.Format{Locale: loc, T: texts}}
	d.Add(&document.Paragraph{Text: p.Org.Name + " · " + texts("plan_public.kicker"), Style: document.Small},
		&document.Heading{Level: 1, Text: p.Title},
		&document.Paragraph{Text: texts("plan_public.pdf.printed", "date", i18n.FormatDate(loc, now)), Style: document.Small})

	facts := [][2]string{
		{texts("plan.field.kind"), texts("plan.kind." + p.Kind)},
		{texts("plan.field.status"), texts("plan.status." + p.Status)},
		{texts("plan.field.scope"), p.Scope},
		{texts("plan.field.period"), p.Period()},
		{texts("plan.field.adopted_by"), strings.TrimSuffix(p.AdoptedBy+" – "+p.DecisionRef, " – ")},
		{texts("plan.field.adopted_on"), date(p.AdoptedOn)},
		{texts("plan.field.owner"), p.Owner},
		{texts("plan.field.valid_until"), date(p.ValidUntil)},
		{texts("plan.field.reg_number"), p.RegNumber},
		{texts("plan.field.version"), strconv.Itoa(p.Version)},
	}
	var items []string
	for _, f := range facts {
		if strings.TrimSpace(f[1]) != "" {
			items = append(items, f[0]+": "+f[1])
		}
	}
	d.Add(&document.List{Items: items})
	if p.MainGoal != "" {
		d.Add(&document.Heading{Level: 2, Text: texts("plan.field.main_goal")}, &document.Paragraph{Text: p.MainGoal})
	}

	if len(p.Summary) > 0 {
		head := []string{texts("plan.col.area")}
		for _, st := range measure.Statuses {
			head = append(head, texts("measure.status."+st))
		}
		head = append(head, texts("plan.summary.total"), texts("plan.summary.share_done"))
		t := &document.Table{Head: head}
		for _, s := range p.Summary {
			row := []string{s.Title}
			if s.AreaID == "" {
				row[0] = texts("plan.summary.whole")
			}
			for _, st := range measure.Statuses {
				row = append(row, i18n.FormatInt(loc, int64(s.ByStatus[st])))
			}
			row = append(row, i18n.FormatInt(loc, int64(s.Total)), i18n.FormatPercent(loc, s.ShareDone, 0))
			t.Rows = append(t.Rows, row)
		}
		d.Add(&document.Heading{Level: 2, Text: texts("plan_public.progress")}, t)
	}

	for i, a := range p.Areas {
		d.Add(&document.Heading{Level: 2, Text: strconv.Itoa(i+1) + ". " + a.Title})
		if len(a.Items) == 0 {
			d.Add(&document.Paragraph{Text: texts("plan_public.area.empty"), Style: document.Muted})
			continue
		}
		t := &document.Table{Head: []string{texts("plan_public.col.line"), texts("plan.col.problem"), texts("plan.col.responsible"),
			texts("plan.col.timeline"), texts("plan.col.follow_up"), texts("plan.field.status")}, Widths: []float64{5, 3, 3, 2, 3, 2}}
		for _, it := range a.Items {
			follow := it.FollowUp
			if it.FollowUpDate != nil {
				follow = strings.TrimSpace(follow + " (" + date(it.FollowUpDate) + ")")
			}
			row := []string{"", it.Problem, "", "", follow, ""}
			switch {
			case it.Goal != nil:
				row[0] = texts("plan.item.kind.goal") + ": " + it.Goal.Statement + goalTarget(loc, texts, it.Goal)
				row[5] = texts("measure.status." + it.Goal.Status)
			case it.Measure != nil:
				m := it.Measure
				row[0] = m.Activity
				if row[0] == "" {
					row[0] = texts("plan.no_activity")
				}
				row[2], row[3] = m.Responsible, m.Timeline
				if m.Due != nil {
					row[3] = strings.TrimSpace(row[3] + " (" + texts("plan.due", "date", date(m.Due)) + ")")
				}
				row[5] = texts("measure.status."+m.Status) + " " + i18n.FormatInt(loc, int64(m.Progress)) + " %"
			default:
				row[0] = texts("plan.item.kind.strategy") + ": " + it.Text
			}
			t.Rows = append(t.Rows, row)
		}
		d.Add(t)
	}
	return d
}

// goalTarget is a goal's target and baseline in parentheses, or "".
func goalTarget(loc string, texts func(key string, args ...any) string, g *PublicGoal) string {
	if g.Target == nil {
		return ""
	}
	s := " (" + texts("plan.goal.target") + ": " + i18n.FormatNumber(loc, *g.Target, -1)
	if g.Unit != "" {
		s += " " + g.Unit
	}
	if g.Baseline != nil {
		s += ", " + texts("plan.goal.baseline") + ": " + i18n.FormatNumber(loc, *g.Baseline, -1)
	}
	return s + ")"
}

// Period is the plan's period as its header writes it: «2017–2018», one
// year, or "" when it names none.
func (p *PublicPlan) Period() string {
	switch {
	case p.PeriodFrom != nil && p.PeriodTo != nil && *p.PeriodFrom == *p.PeriodTo:
		return strconv.Itoa(*p.PeriodFrom)
	case p.PeriodFrom != nil && p.PeriodTo != nil:
		return strconv.Itoa(*p.PeriodFrom) + "–" + strconv.Itoa(*p.PeriodTo)
	case p.PeriodFrom != nil:
		return strconv.Itoa(*p.PeriodFrom) + "–"
	case p.PeriodTo != nil:
		return "–" + strconv.Itoa(*p.PeriodTo)
	}
	return ""
}
