package workbook

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/markdown"
)

// templateOutline is what saving an entry checks against: the sections
// of the workbook's template and the ids of its statements.
type templateOutline struct {
	sections   []*Section
	statements map[int64]string // id → title
}

// answers are the answers of in whose key is one of t's sections, without
// empty ones.
func (t *templateOutline) answers(in map[string]string) map[string]string {
	out := map[string]string{}
	for _, sec := range t.sections {
		if v := strings.TrimSpace(in[sec.Key]); v != "" {
			out[sec.Key] = v
		}
	}
	return out
}

// outlineOf is the outline of a loaded template.
func outlineOf(t *Template) *templateOutline {
	o := &templateOutline{sections: t.Sections, statements: map[int64]string{}}
	for _, c := range t.Chapters {
		for _, st := range c.Statements {
			o.statements[st.ID] = st.Title
		}
	}
	return o
}

// checkResponsibles requires every measure's responsible person to be a
// member of the organisation: app.EInvalid "workbook.error.responsible"
// on the first row that names anyone else.
func checkResponsibles(ctx context.Context, idb bun.IDB, orgID int64, measures []Measure) error {
	var ids []int64
	for _, m := range measures {
		if m.ResponsibleUser != nil {
			ids = append(ids, *m.ResponsibleUser)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var members []int64
	if err := idb.NewSelect().Model((*account.Membership)(nil)).Column("user_id").
		Where("org_id = ? AND user_id IN (?)", orgID, bun.In(ids)).Scan(ctx, &members); err != nil {
		return err
	}
	known := make(map[int64]bool, len(members))
	for _, id := range members {
		known[id] = true
	}
	for i, m := range measures {
		if m.ResponsibleUser != nil && !known[*m.ResponsibleUser] {
			return app.Errorf(app.EInvalid, "workbook.error.responsible").WithField("measure." + strconv.Itoa(i) + ".responsible_user")
		}
	}
	return nil
}

// keepOrigins keeps the origins in c that the entry already had (in had)
// or that the service vouches for, with their names as recorded, and
// drops any other: where a goal or measure came from is the service's
// record, not something a form or an API client can claim.
func keepOrigins(c, had *Content, vouched []Origin) {
	known := map[[2]int64]Origin{}
	add := func(o *Origin) {
		if o != nil {
			known[[2]int64{o.OrgID, o.EntryID}] = *o
		}
	}
	for _, g := range had.Goals {
		add(g.From)
	}
	for _, m := range had.Measures {
		add(m.From)
	}
	for i := range vouched {
		add(&vouched[i])
	}
	fix := func(o *Origin) *Origin {
		if o == nil {
			return nil
		}
		if k, ok := known[[2]int64{o.OrgID, o.EntryID}]; ok {
			return &k
		}
		return nil
	}
	for i := range c.Goals {
		c.Goals[i].From = fix(c.Goals[i].From)
	}
	for i := range c.Measures {
		c.Measures[i].From = fix(c.Measures[i].From)
	}
}

// origins lists the origins recorded in a revision.
func (r *Revision) origins() []Origin {
	var out []Origin
	for _, g := range r.Content.Goals {
		if g.From != nil {
			out = append(out, *g.From)
		}
	}
	for _, m := range r.Content.Measures {
		if m.From != nil {
			out = append(out, *m.From)
		}
	}
	return out
}

// renderAnswers answers the HTML of answers as stored with an entry (a
// JSON object, section key → HTML). Answers unchanged since the entry's
// current version keep the HTML rendered then.
func renderAnswers(answers map[string]string, current *Entry) (string, error) {
	out := make(map[string]string, len(answers))
	for k, text := range answers {
		if h, ok := current.HTML[k]; ok && current.Content.Answers[k] == text {
			out[k] = h
			continue
		}
		out[k] = markdown.Render(text)
	}
	b, err := json.Marshal(out)
	return string(b), err
}

// RenderMissingHTML renders the answers of the entries saved before
// answers were rendered on save (their html is NULL) and stores the HTML
// with them, a hundred at a time, as system work. An entry saved again
// meanwhile keeps the HTML its save stored. It answers how many entries
// it rendered. The migration step runs it (server.Migrate); running it
// again is cheap and does nothing.
func RenderMissingHTML(ctx context.Context, bdb *bun.DB) (int, error) {
	n := 0
	for after := int64(0); ; {
		var batch []*Entry
		err := db.RunTx(ctx, bdb, db.SystemScope, func(ctx context.Context, tx bun.Tx) error {
			if err := tx.NewSelect().Model(&batch).Column("org_id", "id", "version", "content").
				Where("html IS NULL AND id > ?", after).OrderExpr("id").Limit(100).Scan(ctx); err != nil {
				return err
			}
			for _, e := range batch {
				if err := e.decode(); err != nil {
					return fmt.Errorf("workbook: entry %d: %w", e.ID, err)
				}
				html, err := renderAnswers(e.Content.Answers, &Entry{})
				if err != nil {
					return err
				}
				res, err := tx.NewUpdate().Model((*Entry)(nil)).Set("html = ?", html).
					Where("org_id = ? AND id = ? AND version = ? AND html IS NULL", e.OrgID, e.ID, e.Version).Exec(ctx)
				if err != nil {
					return err
				}
				if k, _ := res.RowsAffected(); k == 1 {
					n++
				}
			}
			return nil
		})
		if err != nil || len(batch) == 0 {
			return n, err
		}
		after = batch[len(batch)-1].ID
	}
}
