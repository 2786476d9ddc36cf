package indicator

import "testing"

// TestPeriodCode: a value read by its period's key is found by the
// period's code (a universe keeps its values under codes), every period
// of two years has a code of its own, and what is not a period's key has
// none.
func TestPeriodCode(t *testing.T) {
	seen := map[int32]string{}
	for _, year := range []int{2024, 2025} {
		for _, kind := range []string{Yearly, Monthly, Tertial, Quarterly} {
			p := Period{Year: year, Kind: kind, Index: 1}
			if kind == Yearly {
				p.Index = 0
			}
			for ; p.Year == year; p = p.Next() {
				key := p.Key()
				if got := periodCode(key); got != p.code() {
					t.Errorf("%s: the key's code is %d, the period's %d", key, got, p.code())
				}
				if other, ok := seen[p.code()]; ok {
					t.Errorf("%s and %s have the same code %d", key, other, p.code())
				}
				seen[p.code()] = key
				if kind == Yearly {
					break
				}
			}
		}
	}
	if len(seen) != 2*(1+12+3+4) {
		t.Errorf("%d periods coded, want %d", len(seen), 2*(1+12+3+4))
	}
	for _, key := range []string{"", "202", "2025-13", "2025-00", "2025T4", "2025Q5", "2025-1", "20x5", "2025H1", "2025-M3"} {
		if got := periodCode(key); got != -1 {
			t.Errorf("%q: code %d, want none (-1)", key, got)
		}
	}
}
