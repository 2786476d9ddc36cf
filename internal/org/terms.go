package org

import (
	"context"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/i18n"
)

// Terms are the key domain terms an organisation may name in its own
// words. Their default labels are the catalogue keys "term.<term>".
var Terms = []string{
	"introduction_programme", "settlement", "qualification", "inclusion", "refugee_service",
	"integration_council", "workbook", "gathering", "measure", "action_plan",
}

// MaxTermLen bounds a label.
const MaxTermLen = 80

// Term is one override.
type Term struct {
	bun.BaseModel `bun:"table:org_terms"`

	OrgID  int64  `bun:",pk"`
	Term   string `bun:",pk"`
	Locale string `bun:",pk"`
	Label  string `bun:",notnull"`
}

// TermOverrides maps locale → term → label.
type TermOverrides map[string]map[string]string

// FindTerms answers an organisation's overrides.
func FindTerms(ctx context.Context, idb bun.IDB, orgID int64) (TermOverrides, error) {
	var rows []Term
	if err := idb.NewSelect().Model(&rows).Where("org_id = ?", orgID).Scan(ctx); err != nil {
		return nil, err
	}
	out := TermOverrides{}
	for _, r := range rows {
		if out[r.Locale] == nil {
			out[r.Locale] = map[string]string{}
		}
		out[r.Locale][r.Term] = r.Label
	}
	return out, nil
}

// ReplaceTerms makes overrides the organisation's complete set; empty
// labels mean "use the default". Unknown terms or locales are invalid.
func ReplaceTerms(ctx context.Context, idb bun.IDB, orgID int64, overrides TermOverrides) error {
	var rows []Term
	for loc, terms := range overrides {
		if !i18n.Supported(loc) {
			return app.Errorf(app.EInvalid, "org.error.locale")
		}
		for term, label := range terms {
			label = strings.TrimSpace(label)
			if label == "" {
				continue
			}
			if !slices.Contains(Terms, term) {
				return app.Errorf(app.EInvalid, "error.invalid").WithField(term + "." + loc)
			}
			if len([]rune(label)) > MaxTermLen {
				return app.Errorf(app.EInvalid, "org.error.term_long", "max", MaxTermLen).WithField(term + "." + loc)
			}
			rows = append(rows, Term{OrgID: orgID, Term: term, Locale: loc, Label: label})
		}
	}
	if _, err := idb.NewDelete().Model((*Term)(nil)).Where("org_id = ?", orgID).Exec(ctx); err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	_, err := idb.NewInsert().Model(&rows).Exec(ctx)
	return err
}
