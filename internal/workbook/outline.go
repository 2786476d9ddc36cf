package workbook

import (
	"strings"

	"github.com/samvirke/samvirke/internal/app"
)

// ParseOutline reads a template written as a plain-text outline, the way a
// coordinator edits it:
//
//	# Kapittel 2
//	## Gjennomgående problemstilling A: «Innvandrerreisen»
//	Guidance, one or more lines.
//	? Hvilke avklaringer må gjøres?
//
// Lines starting with "# " are chapters, "## " problem statements, "? "
// guiding questions; other lines are the statement's guidance. Errors are
// app.EInvalid with the line number.
func ParseOutline(text string) ([]ChapterSpec, error) {
	var chapters []ChapterSpec
	lines := strings.Split(strings.ReplaceAll(strings.TrimPrefix(text, "\ufeff"), "\r\n", "\n"), "\n")
	bad := func(i int, key string) error {
		return app.Errorf(app.EInvalid, key, "line", i+1).WithField("outline")
	}
	for i, raw := range lines {
		line := strings.TrimSpace(raw)
		switch {
		case line == "":
			continue
		case strings.HasPrefix(line, "## "):
			if len(chapters) == 0 {
				return nil, bad(i, "workbook.outline.statement_before_chapter")
			}
			c := &chapters[len(chapters)-1]
			title := strings.TrimSpace(line[3:])
			if title == "" {
				return nil, bad(i, "workbook.outline.empty_title")
			}
			c.Statements = append(c.Statements, StatementSpec{Title: title})
		case strings.HasPrefix(line, "# "):
			title := strings.TrimSpace(line[2:])
			if title == "" {
				return nil, bad(i, "workbook.outline.empty_title")
			}
			chapters = append(chapters, ChapterSpec{Title: title})
		default:
			if len(chapters) == 0 || len(chapters[len(chapters)-1].Statements) == 0 {
				return nil, bad(i, "workbook.outline.text_outside_statement")
			}
			c := &chapters[len(chapters)-1]
			st := &c.Statements[len(c.Statements)-1]
			if q, ok := strings.CutPrefix(line, "? "); ok {
				st.Questions = append(st.Questions, strings.TrimSpace(q))
			} else if st.Guidance == "" {
				st.Guidance = line
			} else {
				st.Guidance += " " + line
			}
		}
	}
	if len(chapters) == 0 {
		return nil, app.Errorf(app.EInvalid, "workbook.outline.empty").WithField("outline")
	}
	return chapters, nil
}

// FormatOutline writes a template's live chapters and statements as the
// outline ParseOutline reads.
func FormatOutline(t *Template) string {
	var b strings.Builder
	for _, c := range t.Chapters {
		b.WriteString("# " + c.Title + "\n")
		for _, s := range c.Statements {
			if s.RetiredAt != nil {
				continue
			}
			b.WriteString("## " + s.Title + "\n")
			if s.Guidance != "" {
				b.WriteString(s.Guidance + "\n")
			}
			for _, q := range s.Questions {
				b.WriteString("? " + q + "\n")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// ParseSections reads answer sections, one per line as "key: question".
func ParseSections(text string) ([]SectionSpec, error) {
	var out []SectionSpec
	seen := map[string]bool{}
	for i, raw := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line := strings.TrimSpace(raw)
		if line == "" {
			continue
		}
		key, title, ok := strings.Cut(line, ":")
		key, title = strings.TrimSpace(key), strings.TrimSpace(title)
		if !ok || key == "" || title == "" || strings.ContainsAny(key, " \t") || seen[key] {
			return nil, app.Errorf(app.EInvalid, "workbook.outline.bad_section", "line", i+1).WithField("sections")
		}
		seen[key] = true
		out = append(out, SectionSpec{Key: key, Title: title})
	}
	return out, nil
}

// FormatSections writes sections as ParseSections reads them.
func FormatSections(secs []*Section) string {
	var b strings.Builder
	for _, s := range secs {
		if s.RetiredAt == nil {
			b.WriteString(s.Key + ": " + s.Title + "\n")
		}
	}
	return b.String()
}
