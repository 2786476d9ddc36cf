package remind

import (
	"strconv"
	"time"

	"github.com/samvirke/samvirke/internal/due"
)

// Rules of the send log: what fired for an item.
const (
	RuleBefore   = "before"   // «before:14»: so many days before it is due
	RuleDue      = "due"      // on the day
	RuleOverdue  = "overdue"  // «overdue:7»: so many days overdue
	RuleEscalate = "escalate" // overdue for EscalateAfter days: to the coordinator or editors
	RuleStalled  = "stalled"  // unchanged for StalledAfter days: to the coordinator or editors
)

// Occurrence is one rule firing for an item on a day.
type Occurrence struct {
	Rule string    // RuleBefore+":14", RuleDue, RuleOverdue+":7", RuleEscalate, RuleStalled
	On   time.Time // the day it fired (a day off's occurrences go out on the next working day)
	// Escalation goes to whom the item escalates to, not its responsible.
	Escalation bool
	// Days is how many days the item is due in (negative: overdue) on On.
	Days int
}

// Fire answers the rules that fire for it on the days of window (one
// working day and the days off before it, latest first; see
// Calendar.Window), latest day first. Nothing fires for an item that is
// done or has no due day.
func (s Settings) Fire(it due.Item, window []time.Time) []Occurrence {
	if it.State != due.StateOpen || it.Due.IsZero() {
		return nil
	}
	dueDay := Day(it.Due)
	before := s.Before()
	var out []Occurrence
	for _, d := range window {
		days := int(dueDay.Sub(d).Hours() / 24)
		for _, b := range before {
			if days != b {
				continue
			}
			rule := RuleBefore + ":" + strconv.Itoa(b)
			if b == 0 {
				rule = RuleDue
			}
			out = append(out, Occurrence{Rule: rule, On: d, Days: days})
		}
		if days < 0 && s.OverdueEvery > 0 && (-days)%s.OverdueEvery == 0 {
			out = append(out, Occurrence{Rule: RuleOverdue + ":" + strconv.Itoa(-days), On: d, Days: days})
		}
		if days < 0 && s.EscalateAfter > 0 && -days == s.EscalateAfter {
			out = append(out, Occurrence{Rule: RuleEscalate, On: d, Days: days, Escalation: true})
		}
		if s.StalledAfter > 0 && !it.Changed.IsZero() && Day(it.Changed).AddDate(0, 0, s.StalledAfter).Equal(d) {
			// Keyed by the day it fired, which follows from the last
			// change: a later change and a second stall fire again.
			out = append(out, Occurrence{Rule: RuleStalled, On: d, Days: days, Escalation: true})
		}
	}
	return out
}
