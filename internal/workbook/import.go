package workbook

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
)

// ImportTemplateOf is the import's view of a template: its live statements
// and sections.
func ImportTemplateOf(t *Template) ImportTemplate {
	var it ImportTemplate
	for _, c := range t.Chapters {
		for _, s := range c.Statements {
			if s.RetiredAt == nil {
				it.Statements = append(it.Statements, ImportStatement{ID: s.ID, Title: s.Title})
			}
		}
	}
	for _, s := range t.Sections {
		if s.RetiredAt == nil {
			it.Sections = append(it.Sections, ImportSection{Key: s.Key, Title: s.Title})
		}
	}
	return it
}

// ImportChapter maps a filled-in chapter (pasted or uploaded text) onto the
// workbook's template and, unless preview, saves every statement found as
// a new version of its answer: the sections found replace those answers,
// the rest of the answer is kept. It answers what was found, with
// warnings, all or nothing. Each call counts against ImportsPerHour.
func (s *Service) ImportChapter(ctx context.Context, muni *org.Organisation, networkIDs []int64, a *app.Actor, workbookID int64, text string, preview bool) (*ParsedChapter, error) {
	if err := s.takeImportLimit(ctx, a); err != nil {
		return nil, err
	}
	var t *Template
	current := map[int64]*Entry{}
	err := db.Run(ctx, s.DB, db.OrgScope(muni.ID, networkIDs...), func(ctx context.Context, idb bun.IDB) error {
		b, err := FindWorkbook(ctx, idb, muni.ID, workbookID)
		if err != nil {
			return err
		}
		if t, err = FindTemplate(ctx, idb, b.NetworkID, b.TemplateID); err != nil {
			return err
		}
		entries, err := FindEntries(ctx, idb, muni.ID, workbookID)
		for _, e := range entries {
			current[e.StatementID] = e
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	parsed, err := ParseChapter(ctx, text, ImportTemplateOf(t))
	if err != nil || preview {
		return parsed, err
	}
	now, outline := s.Clock.Now(), outlineOf(t)
	err = db.RunTx(ctx, s.DB, db.OrgScope(muni.ID), func(ctx context.Context, tx bun.Tx) error {
		for _, ps := range parsed.Statements {
			if !ps.Found || len(ps.Answers) == 0 {
				continue
			}
			content, base := Content{Answers: map[string]string{}}, 0
			if e := current[ps.StatementID]; e != nil {
				content, base = e.Content, e.Version
				if content.Answers == nil {
					content.Answers = map[string]string{}
				}
			}
			for k, v := range ps.Answers {
				content.Answers[k] = v
			}
			if _, err := saveEntry(ctx, tx, muni, a, Save{WorkbookID: workbookID, StatementID: ps.StatementID, Content: content, BaseVersion: base}, outline, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return parsed, nil
}
