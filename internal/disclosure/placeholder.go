// Package disclosure protects small counts. This file is a stand-in with
// primary suppression only, replaced by the package being built beside
// it (secondary suppression and the audit) before the indicator work lands.
package disclosure

type Table struct {
	Base  []int64
	Known []bool
	Cells []Cell
}
type Cell struct{ Parts []int }
type Status uint8

const (
	Shown Status = iota
	Small
	Hidden
)

func Protect(t Table, threshold int) ([]Status, error) {
	out := make([]Status, len(t.Cells))
	for i, c := range t.Cells {
		var s int64
		known := true
		for _, p := range c.Parts {
			s += t.Base[p]
			if t.Known == nil || !t.Known[p] {
				known = false
			}
		}
		if !known && s >= 1 && s <= int64(threshold) {
			out[i] = Small
		}
	}
	return out, nil
}
