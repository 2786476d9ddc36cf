package workbook

import (
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/markdown"
	"github.com/samvirke/samvirke/internal/measure"
)

// Limits of an entry's content. They keep every page that shows answers
// fast: the answer of one section is rendered as Markdown once, when it
// is saved (markdown.MaxLen is the longest text rendered so), and the
// pages, exports and "My work" read bounded rows.
const (
	MaxSectionBytes = markdown.MaxLen // one section's answer, and the notes, in bytes (256 KB)
	MaxGoals        = 50              // measurable goals of one entry
	MaxMeasures     = 100             // measures of one entry
	MaxShortText    = 200             // characters of an indicator code, unit, responsible or deadline as written
	MaxLongText     = 4000            // characters of a goal's statement, a measure's description or notes
)

// statusValid lists the statuses of goals and measures.
var statusValid = measure.Statuses

// Validate checks content against the sections of its template: every
// answer belongs to one of them and is at most MaxSectionBytes, as are the
// notes; there are at most MaxGoals goals and MaxMeasures measures, each
// with a known status and its texts within MaxShortText and MaxLongText.
// The error is app.EInvalid with a translation key whose arguments name
// the section ("section", its question) and the limit ("max"); its field
// is the section key, "notes", or the row's field as the editor names it
// ("goal.2.statement", counting the goals and measures of content from 0).
func (c *Content) Validate(sections []*Section) error {
	titles := make(map[string]string, len(sections))
	for _, s := range sections {
		titles[s.Key] = s.Title
	}
	keys := make([]string, 0, len(c.Answers))
	for k := range c.Answers {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the same error for the same content
	for _, k := range keys {
		title, ok := titles[k]
		if !ok {
			return app.Errorf(app.EInvalid, "workbook.error.unknown_section", "section", k).WithField(k)
		}
		if len(c.Answers[k]) > MaxSectionBytes {
			return app.Errorf(app.EInvalid, "workbook.error.answer_too_long", "section", title, "max", MaxSectionBytes>>10,
				"size", (len(c.Answers[k])+1023)>>10).WithField(k)
		}
	}
	if len(c.Notes) > MaxSectionBytes {
		return app.Errorf(app.EInvalid, "workbook.error.notes_too_long", "max", MaxSectionBytes>>10).WithField("notes")
	}
	if len(c.Goals) > MaxGoals {
		return app.Errorf(app.EInvalid, "workbook.error.too_many_goals", "max", MaxGoals).WithField("goals")
	}
	if len(c.Measures) > MaxMeasures {
		return app.Errorf(app.EInvalid, "workbook.error.too_many_measures", "max", MaxMeasures).WithField("measures")
	}
	for i, g := range c.Goals {
		p := "goal." + strconv.Itoa(i) + "."
		if err := checkRow(p, g.Status, []string{"statement", g.Statement}, []string{"indicator", g.IndicatorCode, "unit", g.Unit}); err != nil {
			return err
		}
	}
	for i, m := range c.Measures {
		p := "measure." + strconv.Itoa(i) + "."
		if err := checkRow(p, m.Status, []string{"description", m.Description, "notes", m.Notes},
			[]string{"responsible", m.Responsible, "deadline", m.DeadlineText}); err != nil {
			return err
		}
	}
	return nil
}

// checkRow checks a goal's or measure's status and texts, given as
// field, text pairs.
func checkRow(prefix, status string, long, short []string) error {
	if !slices.Contains(statusValid, status) {
		return app.Errorf(app.EInvalid, "workbook.error.status").WithField(prefix + "status")
	}
	for _, f := range []struct {
		texts []string
		max   int
	}{{long, MaxLongText}, {short, MaxShortText}} {
		for i := 0; i+1 < len(f.texts); i += 2 {
			if utf8.RuneCountInString(f.texts[i+1]) > f.max {
				return app.Errorf(app.EInvalid, "workbook.error.text_too_long", "max", f.max).WithField(prefix + f.texts[i])
			}
		}
	}
	return nil
}

// normalise gives goals and measures without a status the status not
// started (the API may leave it out), and those with a status code stored
// before today's codes (planned, in_progress) its successor.
func (c *Content) normalise() {
	for i := range c.Goals {
		c.Goals[i].Status = normStatus(c.Goals[i].Status)
	}
	for i := range c.Measures {
		c.Measures[i].Status = normStatus(c.Measures[i].Status)
	}
}

// normStatus is s as one of measure.Statuses; "" is not started, and an
// unknown code stays as it is for Validate to refuse.
func normStatus(s string) string {
	if s == "" {
		return measure.StatusNotStarted
	}
	if n := measure.NormStatus(s); n != "" {
		return n
	}
	return s
}
