package remind

import "time"

// Holidays answers the days no reminder is sent in a country (NO, SE, DK)
// in year: its public holidays and the days that are off in practice
// (Swedish midsommarafton, julafton and nyårsafton; Danish grundlovsdag
// and juleaftensdag; Norwegian julaften and nyttårsaften). Weekends are
// not listed: no reminder goes on a Saturday or Sunday anywhere. Days are
// midnight UTC, as Day answers.
func Holidays(country string, year int) map[time.Time]string {
	e := Easter(year)
	d := func(m time.Month, day int) time.Time { return time.Date(year, m, day, 0, 0, 0, 0, time.UTC) }
	h := map[time.Time]string{}
	add := func(t time.Time, name string) { h[t] = name }
	switch country {
	case "NO":
		add(d(1, 1), "Første nyttårsdag")
		add(e.AddDate(0, 0, -3), "Skjærtorsdag")
		add(e.AddDate(0, 0, -2), "Langfredag")
		add(e, "Første påskedag")
		add(e.AddDate(0, 0, 1), "Andre påskedag")
		add(d(5, 1), "Arbeidernes dag")
		add(d(5, 17), "Grunnlovsdag")
		add(e.AddDate(0, 0, 39), "Kristi himmelfartsdag")
		add(e.AddDate(0, 0, 49), "Første pinsedag")
		add(e.AddDate(0, 0, 50), "Andre pinsedag")
		add(d(12, 24), "Julaften")
		add(d(12, 25), "Første juledag")
		add(d(12, 26), "Andre juledag")
		add(d(12, 31), "Nyttårsaften")
	case "SE":
		add(d(1, 1), "Nyårsdagen")
		add(d(1, 6), "Trettondedag jul")
		add(e.AddDate(0, 0, -2), "Långfredagen")
		add(e, "Påskdagen")
		add(e.AddDate(0, 0, 1), "Annandag påsk")
		add(d(5, 1), "Första maj")
		add(e.AddDate(0, 0, 39), "Kristi himmelsfärdsdag")
		add(e.AddDate(0, 0, 49), "Pingstdagen")
		add(d(6, 6), "Sveriges nationaldag")
		// Midsommarafton is the Friday between 19 and 25 June, the day
		// after it midsommardagen; Alla helgons dag the Saturday between
		// 31 October and 6 November.
		mid := d(6, 19)
		for mid.Weekday() != time.Friday {
			mid = mid.AddDate(0, 0, 1)
		}
		add(mid, "Midsommarafton")
		add(mid.AddDate(0, 0, 1), "Midsommardagen")
		saints := d(10, 31)
		for saints.Weekday() != time.Saturday {
			saints = saints.AddDate(0, 0, 1)
		}
		add(saints, "Alla helgons dag")
		add(d(12, 24), "Julafton")
		add(d(12, 25), "Juldagen")
		add(d(12, 26), "Annandag jul")
		add(d(12, 31), "Nyårsafton")
	case "DK":
		add(d(1, 1), "Nytårsdag")
		add(e.AddDate(0, 0, -3), "Skærtorsdag")
		add(e.AddDate(0, 0, -2), "Langfredag")
		add(e, "Påskedag")
		add(e.AddDate(0, 0, 1), "2. påskedag")
		if year < 2024 { // abolished from 2024
			add(e.AddDate(0, 0, 26), "Store bededag")
		}
		add(e.AddDate(0, 0, 39), "Kristi himmelfartsdag")
		add(e.AddDate(0, 0, 49), "Pinsedag")
		add(e.AddDate(0, 0, 50), "2. pinsedag")
		add(d(6, 5), "Grundlovsdag")
		add(d(12, 24), "Juleaftensdag")
		add(d(12, 25), "Juledag")
		add(d(12, 26), "2. juledag")
		add(d(12, 31), "Nytårsaftensdag")
	}
	return h
}

// Easter answers Easter Sunday of year (Gregorian; the anonymous
// algorithm of Meeus/Jones/Butcher), midnight UTC.
func Easter(year int) time.Time {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

// Day answers t's calendar day as midnight UTC, so that day arithmetic
// ignores time zones and daylight saving.
func Day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Closure is a period an organisation sets without reminders: its
// summer holiday weeks (fellesferie, semester), inclusive.
type Closure struct {
	OrgID  int64     `bun:"org_id" json:"-"`
	ID     int64     `bun:"id,pk,autoincrement" json:"id"`
	Name   string    `bun:"name" json:"name"`
	Starts time.Time `bun:"starts" json:"starts"`
	Ends   time.Time `bun:"ends" json:"ends"`
}

// Calendar says which days are working days for an organisation.
type Calendar struct {
	holidays map[int]map[time.Time]string
	country  string
	closures []Closure
}

// NewCalendar is the working-day calendar of country with closures.
func NewCalendar(country string, closures []Closure) *Calendar {
	return &Calendar{holidays: map[int]map[time.Time]string{}, country: country, closures: closures}
}

// Working reports whether day is a working day: not a weekend, not a
// public holiday of the country, not in a closure.
func (c *Calendar) Working(day time.Time) bool {
	day = Day(day)
	if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	hs, ok := c.holidays[day.Year()]
	if !ok {
		hs = Holidays(c.country, day.Year())
		c.holidays[day.Year()] = hs
	}
	if _, off := hs[day]; off {
		return false
	}
	for _, cl := range c.closures {
		if !day.Before(Day(cl.Starts)) && !day.After(Day(cl.Ends)) {
			return false
		}
	}
	return true
}

// Window answers the days whose reminders go out on day: day itself and
// the days off just before it, back to the previous working day
// (excluded). On a day off it answers nothing: that day's reminders wait
// for the next working day. The look-back is bounded at 62 days (a
// summer closure).
func (c *Calendar) Window(day time.Time) []time.Time {
	day = Day(day)
	if !c.Working(day) {
		return nil
	}
	out := []time.Time{day}
	for d := day.AddDate(0, 0, -1); len(out) < 62 && !c.Working(d); d = d.AddDate(0, 0, -1) {
		out = append(out, d)
	}
	return out
}
