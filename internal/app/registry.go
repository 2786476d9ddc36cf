package app

import (
	"slices"
	"sync"
)

// Registry is the list of plug-ins one extension point collects from the
// capabilities (due-item sources, search sources, dashboard providers), in
// the order they were added. Adding is safe while requests read it. The
// zero value is empty and ready to use.
type Registry[T any] struct {
	mu    sync.RWMutex
	items []T
}

// Add registers x after those already added.
func (r *Registry[T]) Add(x T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.items = append(r.items, x)
}

// All answers a copy of the registered plug-ins, in the order added.
func (r *Registry[T]) All() []T {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return slices.Clone(r.items)
}
