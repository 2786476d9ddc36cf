// Package search is the global search each capability plugs its content
// into: a source answers hits for an organisation and a query, within the
// organisation's scope and the actor's permissions.
package search

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
)

// Hit is one result. Kind names the kind of thing ("member",
// "organisation", later "workbook", …); its label is "search.kind.<Kind>".
type Hit struct {
	Kind          string
	Title, Detail string
	URL           string
	// Org names the organisation the content belongs to when it is not
	// the searcher's own (a network peer's shared answer); else empty.
	Org string
}

// Query is a search in one organisation by one actor.
type Query struct {
	OrgID   int64
	OrgSlug string
	OrgKind string // municipality, county or network
	Actor   *app.Actor
	Text    string
	Limit   int
	// Allowed reports whether the actor may do obj:act in the
	// organisation; sources skip what the actor may not read.
	Allowed func(obj, act string) bool
}

// MinLen is the shortest query searched.
const MinLen = 2

// Source is implemented by each capability with searchable content. It
// runs inside the organisation's scope.
type Source interface {
	Search(ctx context.Context, idb bun.IDB, q Query) ([]Hit, error)
}

// Registry holds the sources; main adds one per capability.
type Registry struct {
	app.Registry[Source]
}

// Search asks every source and answers their hits in source order, each
// source's best first, up to q.Limit per source. A query shorter than
// MinLen answers nothing.
func (r *Registry) Search(ctx context.Context, idb bun.IDB, q Query) ([]Hit, error) {
	q.Text = strings.TrimSpace(q.Text)
	if utf8.RuneCountInString(q.Text) < MinLen {
		return nil, nil
	}
	if q.Limit <= 0 {
		q.Limit = 20
	}
	var out []Hit
	for _, s := range r.All() {
		hits, err := s.Search(ctx, idb, q)
		if err != nil {
			return nil, err
		}
		if len(hits) > q.Limit {
			hits = hits[:q.Limit]
		}
		out = append(out, hits...)
	}
	return out, nil
}

// Matches reports whether every word of query occurs in one of texts,
// ignoring case as Fold does (Ø matches ø, which SQLite's lower() does not
// do, and STRASSE matches Straße).
func Matches(query string, texts ...string) bool {
	hay := Fold(strings.Join(texts, " \x00 "))
	for _, w := range strings.Fields(Fold(query)) {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}
