package db

import (
	"context"
	"time"
)

// memo is what one unit of work of Run has answered (see Remember).
type memo map[memoKey]any

type memoKey struct {
	question string
	orgID    int64
	day      int64 // the date in UTC, as the Unix time of its midnight
}

type memoCtxKey struct{}

func withMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, memoCtxKey{}, memo{})
}

// Remember answers ask's answer to question about organisation orgID on
// day, asking it once in a unit of work of Run: the parts of a page that
// each need a municipality's networks (its read scope, "My work", two
// overview panels) then send one statement for them, not four. The
// answer is still read afresh by every unit of work, so a membership
// ended is gone from the next request on.
//
// It remembers only what the read scope cannot change: questions about
// the unit of work's own organisation, or any in system work (ReadAlso
// may widen what a question about another organisation sees). Nothing is
// remembered in RunTx, whose work may change the answer, nor outside a
// unit of work. day counts by its date in UTC: the questions it serves
// compare dates. Answers are shared: callers must not change them.
func Remember[T any](ctx context.Context, question string, orgID int64, day time.Time, ask func() (T, error)) (T, error) {
	m, _ := ctx.Value(memoCtxKey{}).(memo)
	s, ok := ScopeFrom(ctx)
	if m == nil || !ok || (!s.System && s.OrgID != orgID) {
		return ask()
	}
	k := memoKey{question, orgID, day.UTC().Truncate(24 * time.Hour).Unix()}
	if v, ok := m[k]; ok {
		return v.(T), nil
	}
	v, err := ask()
	if err == nil {
		m[k] = v
	}
	return v, err
}
