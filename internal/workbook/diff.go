package workbook

import (
	"strconv"
	"strings"
	"time"
)

// DiffLine is one line of a readable difference between two texts.
type DiffLine struct {
	Op      string // "=" unchanged, "+" added, "-" removed; "…" unchanged lines left out, "+…" the rest of a long change left out
	Text    string
	Skipped int // for "…" and "+…": how many lines
}

// maxDiffCells bounds the table Diff fills: the lines the two texts do
// not share at their start and end, multiplied. Two answers of the largest
// size that differ throughout would otherwise need gigabytes.
const maxDiffCells = 1 << 20

// Diff compares two texts line by line: the lines they share at their
// start and end, and between them a longest common subsequence, or, when
// that part is too large to compare (maxDiffCells), its lines removed and
// then added.
func Diff(before, after string) []DiffLine {
	a, b := splitLines(before), splitLines(after)
	var out []DiffLine
	for len(a) > 0 && len(b) > 0 && a[0] == b[0] {
		out = append(out, DiffLine{Op: "=", Text: a[0]})
		a, b = a[1:], b[1:]
	}
	var tail []DiffLine
	for len(a) > 0 && len(b) > 0 && a[len(a)-1] == b[len(b)-1] {
		tail = append(tail, DiffLine{Op: "=", Text: a[len(a)-1]})
		a, b = a[:len(a)-1], b[:len(b)-1]
	}
	out = append(out, diffMiddle(a, b)...)
	for i := len(tail) - 1; i >= 0; i-- {
		out = append(out, tail[i])
	}
	return out
}

// diffMiddle is Diff of what the texts do not share at their ends.
func diffMiddle(a, b []string) []DiffLine {
	n, m := len(a), len(b)
	var out []DiffLine
	if (n+1)*(m+1) > maxDiffCells {
		for _, l := range a {
			out = append(out, DiffLine{Op: "-", Text: l})
		}
		for _, l := range b {
			out = append(out, DiffLine{Op: "+", Text: l})
		}
		return out
	}
	w := m + 1
	lcs := make([]int32, (n+1)*w) // lcs[i*w+j]: of a[i:] and b[j:]
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			out = append(out, DiffLine{Op: "=", Text: a[i]})
			i, j = i+1, j+1
		case lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
			out = append(out, DiffLine{Op: "-", Text: a[i]})
			i++
		default:
			out = append(out, DiffLine{Op: "+", Text: b[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, DiffLine{Op: "-", Text: a[i]})
	}
	for ; j < m; j++ {
		out = append(out, DiffLine{Op: "+", Text: b[j]})
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
// version), section by section in the order of keys, then the goals
// ("goals") and measures ("measures"), one line per row with its status
// as statusName says it, and the notes.
func (r *Revision) Changes(prev *Revision, keys []string, statusName func(code string) string) []Change {
	var out []Change
	get := func(rv *Revision, k string) string {
		if rv == nil {
			return ""
		}
		switch k {
		case "notes":
			return rv.Content.Notes
		case "goals":
			return goalLines(rv.Content.Goals, statusName)
		case "measures":
			return measureLines(rv.Content.Measures, statusName)
		}
		return rv.Content.Answers[k]
	}
	for _, k := range append(append([]string(nil), keys...), "goals", "measures", "notes") {
		before, after := get(prev, k), get(r, k)
		if before != after {
			lines := collapse(Diff(before, after))
			if len(lines) > maxChangeLines {
				lines = append(lines[:maxChangeLines:maxChangeLines], DiffLine{Op: "+…", Skipped: len(lines) - maxChangeLines})
			}
			out = append(out, Change{Section: k, Lines: lines})
		}
	}
	return out
}

// maxChangeLines is the most lines Changes shows of one section's change;
// the answer's page shows the whole text.
const maxChangeLines = 400

// diffContext is how many unchanged lines a change shows around it.
const diffContext = 3

// collapse leaves out the unchanged lines more than diffContext lines away
// from a change, each run as one "…" line: a small change to a long answer
// reads as a small change.
func collapse(lines []DiffLine) []DiffLine {
	var out []DiffLine
	for i := 0; i < len(lines); {
		if lines[i].Op != "=" {
			out = append(out, lines[i])
			i++
			continue
		}
		j := i
		for j < len(lines) && lines[j].Op == "=" {
			j++
		}
		keepHead, keepTail := diffContext, diffContext // after the change before, before the next
		if i == 0 {
			keepHead = 0
		}
		if j == len(lines) {
			keepTail = 0
		}
		if j-i <= keepHead+keepTail+1 {
			out = append(out, lines[i:j]...)
		} else {
			out = append(out, lines[i:i+keepHead]...)
			out = append(out, DiffLine{Op: "…", Skipped: j - i - keepHead - keepTail})
			out = append(out, lines[j-keepTail:j]...)
		}
		i = j
	}
	return out
}

// goalLines writes goals one per line, as the history compares them: the
// statement, the figures, the target date and the status.
func goalLines(gs []Goal, statusName func(string) string) string {
	var b strings.Builder
	for _, g := range gs {
		b.WriteString(g.Statement)
		if g.IndicatorCode != "" {
			b.WriteString(" [" + g.IndicatorCode + "]")
		}
		if g.Baseline != nil || g.Target != nil {
			b.WriteString(" · " + number(g.Baseline) + " → " + number(g.Target))
			if g.Unit != "" {
				b.WriteString(" " + g.Unit)
			}
		}
		if g.TargetDate != nil {
			b.WriteString(" · " + g.TargetDate.Format(time.DateOnly))
		}
		b.WriteString(" · " + statusName(g.Status) + "\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// measureLines writes measures one per line: description, responsible,
// deadline as written (or the day) and status.
func measureLines(ms []Measure, statusName func(string) string) string {
	var b strings.Builder
	for _, m := range ms {
		b.WriteString(m.Description)
		if m.Responsible != "" {
			b.WriteString(" · " + m.Responsible)
		}
		switch {
		case m.DeadlineText != "":
			b.WriteString(" · " + m.DeadlineText)
		case m.Deadline != nil:
			b.WriteString(" · " + m.Deadline.Format(time.DateOnly))
		}
		b.WriteString(" · " + statusName(m.Status) + "\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func number(f *float64) string {
	if f == nil {
		return "–"
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}
