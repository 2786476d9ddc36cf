package workbook

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
)

// Running cycles grow (issue 12). A network adds chapters gathering by
// gathering, so a new template version must reach the workbooks of the
// cycle that is running without giving anyone a second, empty workbook
// and without touching a single answer. The model:
//
//   - A version lists its chapters and problem statements
//     (workbook_template_chapters, workbook_template_statements) instead of
//     owning them. A new version of a template lists every chapter and
//     statement that is unchanged since an earlier version of the same
//     name by its existing row, so with the same id; only new or changed
//     ones get new rows. A published version's lists never change, so the
//     template cache needs no invalidation.
//   - Publishing a version into a running cycle (see Publish) moves the
//     cycle's workbooks onto it: workbooks.template_id is the only thing
//     written. Every entry keeps its statement_id and shows under the same
//     statement, every chapter status and gathering keeps its chapter_id,
//     revisions are untouched. A publication that would hide an answered
//     statement or an answer section is refused, so nothing disappears.
//   - Retired statements stay retired: a retired statement of the version
//     before is listed again, retired, under its chapter (its answers stay
//     readable), and never matches a statement of the new outline.
//   - Starting a new cycle is a separate action (Publication.Start).

// templateChapterRow lists a chapter in a template version.
type templateChapterRow struct {
	bun.BaseModel `bun:"table:workbook_template_chapters"`
	OrgID         int64 `bun:",notnull"`
	TemplateID    int64
	ChapterID     int64
	Position      int
}

// templateStatementRow lists a statement under a chapter of a version.
type templateStatementRow struct {
	bun.BaseModel `bun:"table:workbook_template_statements"`
	OrgID         int64 `bun:",notnull"`
	TemplateID    int64
	ChapterID     int64
	StatementID   int64
	Position      int
}

// statementKey is what makes two statements the same: the coordinator
// wrote the same title, guidance and guiding questions.
func statementKey(title, guidance string, questions []string) string {
	return title + "\x00" + guidance + "\x00" + strings.Join(questions, "\n")
}

// earlierRows are the rows a new version may list again: the chapters by
// title and the live statements by statementKey, from the newest version
// of the name that has them, and the newest version's retired statements
// by chapter.
type earlierRows struct {
	chapters   map[string]int64
	statements map[string]int64
	retired    map[int64][]int64 // chapter → retired statements
}

func findEarlierRows(ctx context.Context, idb bun.IDB, networkID int64, name string) (*earlierRows, error) {
	var rows []templateRow
	if err := idb.NewSelect().Model(&rows).Where("org_id = ? AND name = ?", networkID, name).OrderExpr("version DESC").Scan(ctx); err != nil {
		return nil, err
	}
	ts, err := loadTemplates(ctx, idb, networkID, rows)
	if err != nil {
		return nil, err
	}
	out := &earlierRows{chapters: map[string]int64{}, statements: map[string]int64{}, retired: map[int64][]int64{}}
	for i, t := range ts {
		for _, c := range t.Chapters {
			if _, ok := out.chapters[c.Title]; !ok {
				out.chapters[c.Title] = c.ID
			}
			for _, st := range c.Statements {
				if st.RetiredAt != nil {
					if i == 0 {
						out.retired[c.ID] = append(out.retired[c.ID], st.ID)
					}
					continue
				}
				k := statementKey(st.Title, st.Guidance, st.Questions)
				if _, ok := out.statements[k]; !ok {
					out.statements[k] = st.ID
				}
			}
		}
	}
	return out, nil
}

// insertOutline writes the chapters of a new version templateID of the
// template name: it lists the earlier versions' unchanged rows and writes
// rows for the rest.
func insertOutline(ctx context.Context, tx bun.Tx, networkID, templateID int64, name string, chapters []ChapterSpec) error {
	earlier, err := findEarlierRows(ctx, tx, networkID, name)
	if err != nil {
		return err
	}
	usedChapter, usedStatement := map[int64]bool{}, map[int64]bool{}
	for i, ch := range chapters {
		cid, ok := earlier.chapters[ch.Title]
		if !ok || usedChapter[cid] {
			c := &chapterRow{OrgID: networkID, TemplateID: templateID, Position: i + 1, Title: ch.Title}
			if _, err := tx.NewInsert().Model(c).Exec(ctx); err != nil {
				return err
			}
			cid = c.ID
		}
		usedChapter[cid] = true
		if _, err := tx.NewInsert().Model(&templateChapterRow{OrgID: networkID, TemplateID: templateID, ChapterID: cid, Position: i + 1}).Exec(ctx); err != nil {
			return err
		}
		pos := 0
		list := func(sid int64) error {
			pos++
			usedStatement[sid] = true
			_, err := tx.NewInsert().Model(&templateStatementRow{OrgID: networkID, TemplateID: templateID, ChapterID: cid, StatementID: sid, Position: pos}).Exec(ctx)
			return err
		}
		for _, st := range ch.Statements {
			sid, ok := earlier.statements[statementKey(st.Title, st.Guidance, st.Questions)]
			if !ok || usedStatement[sid] {
				row := &statementRow{OrgID: networkID, ChapterID: cid, Position: pos + 1, Title: st.Title,
					Guidance: st.Guidance, Questions: strings.Join(st.Questions, "\n")}
				if _, err := tx.NewInsert().Model(row).Exec(ctx); err != nil {
					return err
				}
				sid = row.ID
			}
			if err := list(sid); err != nil {
				return err
			}
		}
		for _, sid := range earlier.retired[cid] {
			if !usedStatement[sid] {
				if err := list(sid); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// findListedStatementOutline is what saving an answer checks against
// (findStatementOutline's contract), with the statement looked up in the
// lists of the workbook's version: a statement an earlier version wrote is
// one of a later version's when the later one lists it.
func findListedStatementOutline(ctx context.Context, idb bun.IDB, orgID, workbookID, statementID int64) (*templateOutline, error) {
	var rows []struct {
		Statement  string     `bun:"statement"`
		OrgID      *int64     `bun:"org_id"`
		ID         *int64     `bun:"id"`
		TemplateID *int64     `bun:"template_id"`
		Position   *int       `bun:"position"`
		Key        *string    `bun:"key"`
		Title      *string    `bun:"title"`
		RetiredAt  *time.Time `bun:"retired_at"`
	}
	err := idb.NewSelect().TableExpr("workbooks AS w").
		ColumnExpr(`st.title AS statement, sec.org_id, sec.id, sec.template_id, sec.position, sec."key", sec.title, sec.retired_at`).
		Join("JOIN workbook_template_statements AS l ON l.org_id = w.network_id AND l.template_id = w.template_id AND l.statement_id = ?", statementID).
		Join("JOIN workbook_statements AS st ON st.org_id = l.org_id AND st.id = l.statement_id").
		Join("LEFT JOIN workbook_sections AS sec ON sec.org_id = w.network_id AND sec.template_id = w.template_id").
		Where("w.org_id = ? AND w.id = ?", orgID, workbookID).OrderExpr("sec.position").Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, app.Errorf(app.ENotFound, "workbook.error.not_found")
	}
	t := &templateOutline{statements: map[int64]string{statementID: rows[0].Statement}}
	for _, r := range rows {
		if r.ID != nil {
			t.sections = append(t.sections, &Section{OrgID: *r.OrgID, ID: *r.ID, TemplateID: *r.TemplateID, Position: *r.Position,
				Key: *r.Key, Title: *r.Title, RetiredAt: r.RetiredAt})
		}
	}
	return t, nil
}
