// Package measure is the home of the red thread's two shared objects,
// goals and measures. This file reads a measure's deadline as people write
// it in Norwegian, Swedish, Danish and English plans: a day, a period
// («Høst 2016», «vt 2019», «Okt. 2016», «3. kvartal 2019»), ongoing work,
// the annual cycle, or several phases; what it cannot read it keeps and
// flags, never silently.
package measure

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/org"
)

// DeadlineKind is what a deadline as written means.
type DeadlineKind string

// Kinds of deadline.
const (
	DeadlineNone    DeadlineKind = ""        // nothing written
	DeadlineDate    DeadlineKind = "date"    // a day
	DeadlinePeriod  DeadlineKind = "period"  // a month, season, term, quarter, tertial or year: due on its last day
	DeadlineOngoing DeadlineKind = "ongoing" // continuous work, reviewed now and then, never due
	DeadlineYearly  DeadlineKind = "yearly"  // part of the annual cycle (årshjul)
	DeadlinePhases  DeadlineKind = "phases"  // several phases, each with its day
	DeadlineUnknown DeadlineKind = "unknown" // kept as written and flagged: no due date could be read
)

// Phase is one dated step of a deadline in phases.
type Phase struct {
	Label string    // as written: «Fase 1»
	Due   time.Time // midnight UTC
}

// Deadline is a deadline as written with its interpretation.
type Deadline struct {
	Text string // as written, trimmed: always what is shown
	Kind DeadlineKind
	// Due is the day a date or period falls due (a period's last day),
	// and for phases the last phase's day; zero for the other kinds.
	Due    time.Time
	Phases []Phase
	// Note is what follows the due date and is not part of it: «minst två
	// gånger per termin» in «2018, minst två gånger per termin».
	Note string
	// Invalid says the text looks like a day but is none («32.13.2016»):
	// the form says so rather than keeping it as free text.
	Invalid bool
}

// Seasons are the days spring and autumn terms end, which an
// organisation may set otherwise (a school year's terms, say). The zero
// value is the default: 30 June and 31 December.
type Seasons struct {
	SpringEnd, AutumnEnd MonthDay
}

// MonthDay is a day of the year.
type MonthDay struct {
	Month time.Month
	Day   int
}

// ParseSeasons reads an organisation's term ends as stored ('MM-DD', or
// empty for the default; see org.Organisation's SpringEnd and AutumnEnd). A
// value that is not a day of every year is the default: a deadline is
// never due on a day that does not exist.
func ParseSeasons(springEnd, autumnEnd string) Seasons {
	return Seasons{SpringEnd: parseMonthDay(springEnd), AutumnEnd: parseMonthDay(autumnEnd)}
}

// SeasonsOf answers o's seasons (the defaults for nil).
func SeasonsOf(o *org.Organisation) Seasons {
	if o == nil {
		return Seasons{}
	}
	return ParseSeasons(o.SpringEnd, o.AutumnEnd)
}

func parseMonthDay(s string) MonthDay {
	m, d, ok := org.ParseMonthDay(s)
	if !ok {
		return MonthDay{}
	}
	return MonthDay{Month: m, Day: d}
}

func (s Seasons) spring() MonthDay {
	if s.SpringEnd.Month == 0 {
		return MonthDay{time.June, 30}
	}
	return s.SpringEnd
}

func (s Seasons) autumn() MonthDay {
	if s.AutumnEnd.Month == 0 {
		return MonthDay{time.December, 31}
	}
	return s.AutumnEnd
}

var (
	ongoingWords = []string{"løpende", "løbende", "fortløpende", "fortløbende", "löpande", "fortlöpande", "kontinuerlig", "kontinuerligt",
		"kontinuerlegt", "kontinuerleg", "kontinuerlige", "ongoing", "continuous", "continuously", "hele tiden", "hela tiden", "stadig", "permanent", "fast"}
	yearlyWords = []string{"årshjul", "årshjulet", "årlig", "årligt", "årligen", "hvert år", "varje år", "yearly", "annual", "annually", "every year"}
	// prefixes in front of a day that say "by": «Gjennomført innen 1.11.2016».
	byWords = regexp.MustCompile(`^(gjennomført|gjennomføres|ferdig|klar|klart|færdig|færdigt|genomfört|genomförs|avsluttet|afsluttet|completed|done)?\s*(innen|innan|senest|senast|inden|før|för|by|before|til|till)\s+`)

	reDayLike   = regexp.MustCompile(`^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$`)
	reYear      = regexp.MustCompile(`^(\d{4})(?:\s*[,;:–-]\s*(.+))?$`)
	reQuarter   = regexp.MustCompile(`^(?:q([1-4])|([1-4])\.?\s*kvart[ae]l(?:et)?|kvartal\s*([1-4]))\s+(\d{4})$`)
	reTertial   = regexp.MustCompile(`^([1-3])\.?\s*tertial(?:et)?\s+(\d{4})$`)
	reHalf      = regexp.MustCompile(`^(1|2|første|första|andre|annet|andra|anden)\.?\s*(halvår|halvåret)\s+(\d{4})$`)
	reSeason    = regexp.MustCompile(`^([a-zæøåäö]+)\.?\s+(\d{4})$`)
	rePhase     = regexp.MustCompile(`(?i)((?:fase|fas|etapp|etape|etappe|phase|trinn|steg)\s*\d+)\s*[:.-]?\s*(\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2})`)
	autumnWords = map[string]bool{"høst": true, "høsten": true, "haust": true, "hausten": true, "höst": true, "hösten": true, "ht": true,
		"efterår": true, "efteråret": true, "efterårs": true, "autumn": true, "fall": true}
	springWords = map[string]bool{"vår": true, "våren": true, "vt": true, "forår": true, "foråret": true, "spring": true}
)

// ParseDeadline interprets a deadline as written. It never fails: what it
// cannot read is DeadlineUnknown, with the text kept.
func ParseDeadline(text string, seasons Seasons) Deadline {
	d := Deadline{Text: strings.Join(strings.Fields(text), " ")}
	s := strings.ToLower(d.Text)
	if s == "" {
		return d
	}
	if phases := rePhase.FindAllStringSubmatch(d.Text, -1); len(phases) >= 2 {
		for _, p := range phases {
			day, ok := i18n.ParseDate(p[2])
			if !ok {
				d.Kind, d.Invalid, d.Phases = DeadlineUnknown, true, nil
				return d
			}
			d.Phases = append(d.Phases, Phase{Label: strings.TrimSpace(p[1]), Due: day})
		}
		d.Kind, d.Due = DeadlinePhases, d.Phases[len(d.Phases)-1].Due
		return d
	}
	for _, w := range ongoingWords {
		if s == w || strings.HasPrefix(s, w+" ") || strings.HasPrefix(s, w+",") {
			d.Kind = DeadlineOngoing
			return d
		}
	}
	for _, w := range yearlyWords {
		if s == w || strings.HasPrefix(s, w+" ") || strings.HasPrefix(s, w+",") || strings.HasPrefix(s, "i "+w) || strings.HasPrefix(s, "se "+w) {
			d.Kind = DeadlineYearly
			return d
		}
	}
	s = strings.TrimSuffix(strings.TrimSpace(byWords.ReplaceAllString(s, "")), ".")
	if reDayLike.MatchString(s) {
		if day, ok := i18n.ParseDate(s); ok {
			d.Kind, d.Due = DeadlineDate, day
		} else {
			d.Kind, d.Invalid = DeadlineUnknown, true
		}
		return d
	}
	if due, note, ok := period(s, seasons); ok {
		d.Kind, d.Due, d.Note = DeadlinePeriod, due, note
		if note != "" {
			// The note as written, from the original text.
			if i := strings.Index(strings.ToLower(d.Text), note); i >= 0 {
				d.Note = d.Text[i : i+len(note)]
			}
		}
		return d
	}
	d.Kind = DeadlineUnknown
	return d
}

// period reads s (lower case, trimmed) as a period and answers its last
// day, and what follows a year that is not part of it.
func period(s string, seasons Seasons) (time.Time, string, bool) {
	year := func(y string) int { n, _ := strconv.Atoi(y); return n }
	if m := reYear.FindStringSubmatch(s); m != nil {
		return endOf(year(m[1]), time.December, 31), strings.TrimSpace(m[2]), true
	}
	if m := reQuarter.FindStringSubmatch(s); m != nil {
		q, _ := strconv.Atoi(m[1] + m[2] + m[3])
		return lastDay(year(m[4]), time.Month(q*3)), "", true
	}
	if m := reTertial.FindStringSubmatch(s); m != nil {
		t, _ := strconv.Atoi(m[1])
		return lastDay(year(m[2]), time.Month(t*4)), "", true
	}
	if m := reHalf.FindStringSubmatch(s); m != nil {
		if m[1] == "1" || m[1] == "første" || m[1] == "första" {
			sp := seasons.spring()
			return endOf(year(m[3]), sp.Month, sp.Day), "", true
		}
		return endOf(year(m[3]), time.December, 31), "", true
	}
	if m := reSeason.FindStringSubmatch(s); m != nil {
		y := year(m[2])
		switch {
		case autumnWords[m[1]]:
			a := seasons.autumn()
			return endOf(y, a.Month, a.Day), "", true
		case springWords[m[1]]:
			sp := seasons.spring()
			return endOf(y, sp.Month, sp.Day), "", true
		}
		if mo, ok := i18n.MonthNamed(m[1]); ok {
			return lastDay(y, mo), "", true
		}
	}
	return time.Time{}, "", false
}

func endOf(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// lastDay answers the last day of month m of year y.
func lastDay(y int, m time.Month) time.Time { return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC) }
