// Package kept keeps what pages derive from data that is read far more
// often than it changes (a benchmark, a network's survey roses), under
// keys that hold the data versions it was made at.
//
// A data version is a counter per scope in the table data_versions that
// triggers bump in the same transaction as every write of the data it
// stands for (migrations data_versions, catalogue_version,
// survey_round_version, workbook_network_version), whatever code path or
// script writes, so that every process of the instance sees the same
// versions. A reader reads the versions before the rows: what it keeps
// under a version is at least as new as that version, and a write makes
// the old keys unreachable. Sessions and memberships are never kept: they
// are checked on every request before a service is reached.
package kept

import (
	"container/list"
	"context"
	"fmt"
	"sync"

	"github.com/uptrace/bun"
)

// Scopes of data_versions.
const (
	// Organisations: every change of an organisation's name, place, kind,
	// parent or small-count threshold.
	Organisations = "organisations"
	// Catalogue: network members, indicators, saved comparison groups,
	// targets, national figures.
	Catalogue = "catalogue"
)

// Indicator is the scope of an indicator's values.
func Indicator(id int64) string { return fmt.Sprintf("indicator:%d", id) }

// SurveyRound is the scope of a survey round's responses.
func SurveyRound(id int64) string { return fmt.Sprintf("survey_round:%d", id) }

// WorkbookNetwork is the scope of a network's workbooks: which its
// members have, which answers they hold and how those are shared, and
// their chapters' statuses.
func WorkbookNetwork(id int64) string { return fmt.Sprintf("workbook_network:%d", id) }

// Versions answers the data versions of scopes in one statement; a scope
// never written is at version 0.
func Versions(ctx context.Context, idb bun.IDB, scopes []string) (map[string]int64, error) {
	var rows []struct {
		Scope   string
		Version int64
	}
	if err := idb.NewSelect().Table("data_versions").Column("scope", "version").Where("scope IN (?)", bun.In(scopes)).Scan(ctx, &rows); err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.Scope] = r.Version
	}
	return out, nil
}

// Map keeps small derived values (a line of the indicators page, a
// reader's comparison groups, a round's rose) under keys that hold their
// data versions; bounded by count and emptied when full, as an entry is a
// few hundred bytes and a changed version makes the old keys unreachable
// anyway. The zero value is empty and ready.
type Map[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]V
}

// MapMax is the most entries a Map holds.
const MapMax = 8192

// Get answers the value kept under k.
func (c *Map[K, V]) Get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

// Put keeps v under k.
func (c *Map[K, V]) Put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= MapMax {
		c.m = map[K]V{}
	}
	c.m[k] = v
}

// LRU keeps values under keys within a budget of estimated bytes, the
// least recently used leaving first. A value larger than a third of the
// budget is not kept: it would push out nearly every other. The zero
// value is empty and ready.
type LRU[K comparable, V any] struct {
	mu    sync.Mutex
	bytes int
	order *list.List // of *lruEntry[K, V], most recent first
	m     map[K]*list.Element
}

type lruEntry[K comparable, V any] struct {
	key   K
	v     V
	bytes int
}

// Get answers the value kept under k, now the most recently used.
func (c *LRU[K, V]) Get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*lruEntry[K, V]).v, true
}

// Put keeps v under k, size its estimated bytes, within budget bytes.
func (c *LRU[K, V]) Put(k K, v V, size, budget int) {
	if size > budget/3 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m, c.order = map[K]*list.Element{}, list.New()
	}
	if e, ok := c.m[k]; ok {
		c.order.MoveToFront(e)
		return
	}
	c.m[k] = c.order.PushFront(&lruEntry[K, V]{key: k, v: v, bytes: size})
	c.bytes += size
	for c.bytes > budget {
		last := c.order.Back()
		e := last.Value.(*lruEntry[K, V])
		c.order.Remove(last)
		delete(c.m, e.key)
		c.bytes -= e.bytes
	}
}
