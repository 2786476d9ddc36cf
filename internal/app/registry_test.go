package app_test

import (
	"slices"
	"sync"
	"testing"

	"github.com/samvirke/samvirke/internal/app"
)

func TestRegistryKeepsOrderAndHandsOutCopies(t *testing.T) {
	var r app.Registry[string]
	if got := r.All(); len(got) != 0 {
		t.Fatalf("zero registry has %v", got)
	}
	r.Add("workbooks")
	r.Add("members")
	got := r.All()
	got[0] = "changed by a reader"
	if want := []string{"workbooks", "members"}; !slices.Equal(r.All(), want) {
		t.Errorf("All() = %v, want %v: in order added, unchanged by readers", r.All(), want)
	}
}

// TestRegistryConcurrentUse is for the race detector: capabilities may
// register while requests read.
func TestRegistryConcurrentUse(t *testing.T) {
	var r app.Registry[int]
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(2)
		go func() { defer wg.Done(); r.Add(i) }()
		go func() { defer wg.Done(); _ = r.All() }()
	}
	wg.Wait()
	if n := len(r.All()); n != 8 {
		t.Errorf("%d registered, want 8", n)
	}
}
