package workbook

import "strings"

// DiffLine is one line of a readable difference between two texts.
type DiffLine struct {
	Op   string // "=" unchanged, "+" added, "-" removed
	Text string
}

// Diff compares two texts line by line (longest common subsequence; the
// texts of one entry are short).
func Diff(before, after string) []DiffLine {
	a, b := splitLines(before), splitLines(after)
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []DiffLine
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			out = append(out, DiffLine{"=", a[i]})
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, DiffLine{"-", a[i]})
			i++
		default:
			out = append(out, DiffLine{"+", b[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, DiffLine{"-", a[i]})
	}
	for ; j < m; j++ {
		out = append(out, DiffLine{"+", b[j]})
	}
	return out
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
}

// Change is what one revision changed in one section.
type Change struct {
	Section string // section key, or "notes"
	Lines   []DiffLine
}

// Changes answers what r changed compared with prev (nil: the first
// version), section by section in the order of keys.
func (r *Revision) Changes(prev *Revision, keys []string) []Change {
	var out []Change
	get := func(rv *Revision, k string) string {
		if rv == nil {
			return ""
		}
		if k == "notes" {
			return rv.Content.Notes
		}
		return rv.Content.Answers[k]
	}
	for _, k := range append(append([]string(nil), keys...), "notes") {
		before, after := get(prev, k), get(r, k)
		if before != after {
			out = append(out, Change{Section: k, Lines: Diff(before, after)})
		}
	}
	return out
}
