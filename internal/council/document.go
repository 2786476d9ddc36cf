package council

import (
	"strconv"
	"strings"
	"time"

	"github.com/samvirke/samvirke/internal/document"
	"github.com/samvirke/samvirke/internal/org"
)

// Texts translates a catalogue key with its arguments into the language
// of a document: i18n.Catalog.T bound to a locale (the same shape as
// plan.Texts, so one function literal serves both).
type Texts func(key string, args ...any) string

// MinutesDocument prints d as minutes in the seed's shape (Thisted's
// «REFERAT Integrationsrådet 2018 - 2021 d. 27-06-2018»): the title, the
// meeting's date, time and place, who was present, absent and kept the
// minutes, a table of contents, then each item on a page of its own with
// its journal number, its texts in the order Danish minutes print them,
// the decision, the absentees repeated under it and its attachments; and
// last who approved the minutes and when. Minutes not yet approved (a
// live draft) say so under the title. t translates the fixed texts of
// council_document.json into locale; times are read in o's zone.
func MinutesDocument(d *Doc, o *org.Organisation, t Texts, locale string) *document.Document {
	return meetingDocument(d, o, t, locale, true)
}

// AgendaDocument prints d as the meeting's agenda: as MinutesDocument,
// without attendance, decisions, absentees and approval.
func AgendaDocument(d *Doc, o *org.Organisation, t Texts, locale string) *document.Document {
	return meetingDocument(d, o, t, locale, false)
}

func meetingDocument(d *Doc, o *org.Organisation, t Texts, locale string, minutes bool) *document.Document {
	loc := o.Location()
	start := d.StartsAt.In(loc)
	kind := "agenda"
	if minutes {
		kind = "minutes"
	}
	title := strings.Join(strings.Fields(t("council_document."+kind+".title", "council", d.CouncilName, "term", d.Term,
		"date", shortDate(start))), " ")
	doc := &document.Document{Title: title, Subject: d.CouncilName, Author: o.Name, Locale: locale}
	if d.ApprovedAt != nil {
		doc.Created = *d.ApprovedAt
	}
	doc.Add(&document.Paragraph{Text: o.Name, Style: document.Small}, &document.Heading{Level: 1, Text: title})
	if minutes && d.ApprovedAt == nil {
		doc.Add(&document.Paragraph{Text: t("council_document.draft"), Style: document.Lead})
	}
	when := longDate(t, start) + " " + t("council_document.at_time", "time", start.Format("15:04"))
	if d.EndsAt != nil {
		when += "–" + d.EndsAt.In(loc).Format("15:04")
	}
	doc.Add(&document.Paragraph{Text: t("council_document.meeting_date") + ": " + when})
	if d.Place != "" {
		doc.Add(&document.Paragraph{Text: t("council_document.meeting_place") + ": " + d.Place})
	}
	if minutes {
		people := func(heading string, ps []DocPerson) {
			if len(ps) == 0 {
				return
			}
			lines := make([]string, len(ps))
			for i, p := range ps {
				lines[i] = personLine(t, p)
			}
			doc.Add(&document.Heading{Level: 3, Text: t(heading)}, &document.List{Items: lines})
		}
		people("council_document.present", d.Present)
		people("council_document.absent", d.Absent)
		people("council_document.secretary", d.Secretary)
	}
	doc.Add(&document.Contents{Title: t("council_document.contents")})
	if len(d.Items) == 0 {
		doc.Add(&document.Paragraph{Text: t("council_document.no_items"), Style: document.Muted})
	}
	if len(d.Earlier) > 0 {
		tab := &document.Table{Head: []string{t("council_document.earlier.meeting"), t("council_document.earlier.item"),
			t("council_document.earlier.action"), t("council_document.earlier.responsible"), t("council_document.earlier.due"),
			t("council_document.earlier.status")}, Widths: []float64{1.1, 2.2, 2.6, 1.6, 1.1, 1.1}}
		for _, e := range d.Earlier {
			due := e.DueText
			if due == "" && e.Due != nil {
				due = shortDate(*e.Due)
			}
			tab.Rows = append(tab.Rows, []string{shortDate(e.MeetingStart.In(loc)), strconv.Itoa(e.ItemNumber) + ". " + e.ItemTitle,
				e.Description, e.Responsible, due, t("measure.status." + e.Status)})
		}
		doc.Add(&document.PageBreak{}, &document.Heading{Level: 2, Text: t("council_document.earlier.title")},
			&document.Paragraph{Text: t("council_document.earlier.hint"), Style: document.Small}, tab)
	}
	absentLine := t("council_document.absent_from", "council", d.CouncilName, "date", mediumDate(t, start))
	for _, it := range d.Items {
		doc.Add(&document.PageBreak{},
			&document.Heading{Level: 2, Text: t("council_document.item", "n", strconv.Itoa(it.Number), "title", it.Title)})
		if it.CaseNumber != "" {
			doc.Add(&document.Paragraph{Text: it.CaseNumber, Style: document.Small})
		}
		section := func(key, text string) {
			if strings.TrimSpace(text) != "" {
				doc.Add(&document.Heading{Level: 3, Text: t(key)}, &document.Paragraph{Text: text})
			}
		}
		section("council_document.topic", it.Topic)
		section("council_document.background", it.Background)
		section("council_document.legal_basis", it.LegalBasis)
		section("council_document.economic", it.Economic)
		section("council_document.other_consequences", it.OtherConsequences)
		if len(it.Hearing) > 0 {
			steps := make([]string, len(it.Hearing))
			for i, h := range it.Hearing {
				parts := []string{h.Body}
				if h.Role != "" {
					parts = append(parts, t("council_document.hearing_role."+h.Role))
				}
				if h.Date != nil {
					parts = append(parts, t("council_document.on_date", "date", mediumDate(t, *h.Date)))
				}
				steps[i] = strings.Join(parts, " - ")
			}
			doc.Add(&document.Heading{Level: 3, Text: t("council_document.hearing")}, &document.Paragraph{Text: strings.Join(steps, "\n")})
		}
		section("council_document.recommendation", it.Recommendation)
		if len(it.Earlier) > 0 {
			doc.Add(&document.Heading{Level: 3, Text: t("council_document.earlier")})
			for _, e := range it.Earlier {
				parts := []string{e.Body}
				if e.Date != nil {
					parts = append(parts, mediumDate(t, *e.Date))
				}
				if e.Item != "" {
					parts = append(parts, e.Item)
				}
				doc.Add(&document.Paragraph{Text: strings.Join(parts, ", ") + ":", Style: document.Lead}, &document.Paragraph{Text: e.Text})
			}
		}
		if minutes {
			decision := it.Decision
			if decision == "" && it.DecisionType != "" {
				decision = t("council_document.decision_type." + it.DecisionType)
			}
			section("council_document.decision", decision)
			if len(d.Absent) > 0 {
				doc.Add(&document.Paragraph{Text: absentLine, Style: document.Lead}, &document.Paragraph{Text: d.AbsentNames()})
			}
		}
		if len(it.Attachments) > 0 {
			names := make([]string, len(it.Attachments))
			for i, a := range it.Attachments {
				names[i] = a.Title
				if names[i] == "" {
					names[i] = a.Name
				}
			}
			doc.Add(&document.Heading{Level: 3, Text: t("council_document.attachments")}, &document.List{Items: names})
		}
	}
	if minutes && d.ApprovedAt != nil {
		line := t("council_document.approved", "by", d.ApprovedBy, "date", mediumDate(t, d.ApprovedAt.In(loc)),
			"version", strconv.Itoa(d.Version))
		if d.ApprovedRef != "" {
			line += " (" + d.ApprovedRef + ")"
		}
		doc.Add(&document.Paragraph{Text: line, Style: document.Small})
	}
	return doc
}

// personLine names a member as the minutes list them: «Preben Holler -
// Politiker (formand)», «Mushin Jetto - Nationalitet: Syrien (meldt
// afbud; stedfortræder: Mezgebu Nugersie)».
func personLine(t Texts, p DocPerson) string {
	s := p.Name
	if p.RepresentsText != "" {
		s += " - " + p.RepresentsText
	}
	var notes []string
	if p.Role == RoleChair || p.Role == RoleViceChair || p.Role == RoleSubstitute {
		notes = append(notes, t("council_document.role."+p.Role))
	}
	if p.Notice {
		notes = append(notes, t("council_document.notice"))
	}
	if p.SubstituteName != "" {
		notes = append(notes, t("council_document.substituted_by", "name", p.SubstituteName))
	}
	if len(notes) > 0 {
		s += " (" + strings.Join(notes, "; ") + ")"
	}
	return s
}

// shortDate is the title's date: 27.06.2018.
func shortDate(t time.Time) string { return t.Format("02.01.2006") }

// mediumDate is a date in words: «27. juni 2018».
func mediumDate(t Texts, d time.Time) string {
	return t("council_document.date", "day", strconv.Itoa(d.Day()), "month", t("council_document.month."+strconv.Itoa(int(d.Month()))),
		"year", strconv.Itoa(d.Year()))
}

// longDate is a date with its weekday: «Onsdag d. 27. juni 2018».
func longDate(t Texts, d time.Time) string {
	return t("council_document.date_long", "weekday", t("council_document.weekday."+strconv.Itoa(int(d.Weekday()))),
		"day", strconv.Itoa(d.Day()), "month", t("council_document.month."+strconv.Itoa(int(d.Month()))), "year", strconv.Itoa(d.Year()))
}
