package kept

import (
	"fmt"
	"testing"
)

// TestLRUKeepsTheRecentWithinItsBudget: the least recently used
// leave first, the kept stay within the budget, and one value larger than
// a third of it is not kept.
func TestLRUKeepsTheRecentWithinItsBudget(t *testing.T) {
	var c LRU[int, string]
	for k := range 10 {
		c.Put(k, fmt.Sprint(k), 10, 50)
	}
	for k := range 10 {
		if _, ok := c.Get(k); ok != (k >= 5) {
			t.Errorf("after 10 puts of 10 bytes in 50, %d kept: %v", k, ok)
		}
	}
	c.Get(5) // 5 is now the most recent: 6 leaves first
	c.Put(10, "10", 10, 50)
	if _, ok := c.Get(5); !ok {
		t.Error("the most recently read left")
	}
	if _, ok := c.Get(6); ok {
		t.Error("the least recently used stayed")
	}
	c.Put(11, "big", 17, 50)
	if _, ok := c.Get(11); ok {
		t.Error("a value of 17 bytes was kept in a budget of 50")
	}
	if c.bytes > 50 {
		t.Errorf("%d bytes kept in a budget of 50", c.bytes)
	}
}

// TestMapEmptiesWhenFull: a Map holds at most MapMax entries; the one
// put when it is full is kept, the others are gone.
func TestMapEmptiesWhenFull(t *testing.T) {
	var m Map[int, int]
	for k := range MapMax {
		m.Put(k, k)
	}
	if v, ok := m.Get(MapMax - 1); !ok || v != MapMax-1 {
		t.Fatalf("Get(%d) = %d, %v after filling", MapMax-1, v, ok)
	}
	m.Put(MapMax, 1)
	if _, ok := m.Get(0); ok {
		t.Error("an entry stayed when the full map took one more")
	}
	if v, ok := m.Get(MapMax); !ok || v != 1 {
		t.Errorf("the entry put into the full map: %d, %v", v, ok)
	}
}
