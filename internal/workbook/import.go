package workbook

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/audit"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/measure"
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

// ImportChapter maps a filled-in chapter (pasted text, or a file read by
// ReadChapterFile) onto the workbook's template and, unless preview, saves
// every statement found as a new version of its answer: the sections
// found replace those answers, the rest of the answer is kept; the goals
// and measures of its tables are added after the answer's own, but for
// those it has already (the same statement or description), so that
// importing a file twice adds nothing. A new answer has the workbook's
// default visibility (network), an existing one keeps its own. Each
// chapter with an answer imported and not yet started is then in
// progress; one marked otherwise stays so. It answers what was found,
// with warnings, all or nothing. Each call counts against ImportsPerHour.
func (s *Service) ImportChapter(ctx context.Context, muni *org.Organisation, networkIDs []int64, a *app.Actor, workbookID int64, src ChapterSource, preview bool) (*ParsedChapter, error) {
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
	it := ImportTemplateOf(t)
	it.Seasons = measure.SeasonsOf(muni)
	parsed, err := ParseChapterSource(ctx, src, it)
	if err != nil || preview {
		return parsed, err
	}
	now, outline := s.Clock.Now(), outlineOf(t)
	chapterOf := map[int64]int64{}
	for _, c := range t.Chapters {
		for _, st := range c.Statements {
			chapterOf[st.ID] = c.ID
		}
	}
	err = db.RunTx(ctx, s.DB, db.OrgScope(muni.ID), func(ctx context.Context, tx bun.Tx) error {
		var chapters []int64
		for _, ps := range parsed.Statements {
			if !ps.Found || len(ps.Answers)+len(ps.Goals)+len(ps.Measures) == 0 {
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
			content.Goals = slices.Clone(content.Goals)
			for _, g := range ps.Goals {
				if !slices.ContainsFunc(content.Goals, func(h Goal) bool { return h.Statement == g.Statement }) {
					content.Goals = append(content.Goals, g)
				}
			}
			content.Measures = slices.Clone(content.Measures)
			for _, m := range ps.Measures {
				if !slices.ContainsFunc(content.Measures, func(n Measure) bool { return n.Description == m.Description }) {
					content.Measures = append(content.Measures, m)
				}
			}
			if _, err := saveEntry(ctx, tx, muni, a, Save{WorkbookID: workbookID, StatementID: ps.StatementID, Content: content, BaseVersion: base}, outline, now); err != nil {
				return err
			}
			if c := chapterOf[ps.StatementID]; c != 0 && !slices.Contains(chapters, c) {
				chapters = append(chapters, c)
			}
		}
		if err := startChapters(ctx, tx, muni.ID, workbookID, chapters, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, muni.ID, audit.ChapterImported, "workbook "+strconv.FormatInt(workbookID, 10),
			map[string]string{"statements": strconv.Itoa(len(parsed.Statements))}, now)
	})
	if err != nil {
		return nil, err
	}
	return parsed, nil
}

// startChapters marks the workbook's chapters in progress that were not
// started (no status, or not_started); a chapter marked ready for the
// gathering stays so.
func startChapters(ctx context.Context, tx bun.IDB, orgID, workbookID int64, chapters []int64, now time.Time) error {
	for _, c := range chapters {
		row := &chapterStatus{OrgID: orgID, WorkbookID: workbookID, ChapterID: c, Status: ChapterInProgress, UpdatedAt: now}
		if _, err := tx.NewInsert().Model(row).On("CONFLICT (org_id, workbook_id, chapter_id) DO NOTHING").Exec(ctx); err != nil {
			return err
		}
		if _, err := tx.NewUpdate().Model((*chapterStatus)(nil)).Set("status = ?", ChapterInProgress).Set("updated_at = ?", now).
			Where("org_id = ? AND workbook_id = ? AND chapter_id = ? AND status = ?", orgID, workbookID, c, ChapterNotStarted).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}
