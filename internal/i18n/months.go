package i18n

import "time"

// monthWords are the months' names and usual abbreviations in nb, nn,
// sv, da and en, in lower case.
var monthWords = map[string]time.Month{
	"jan": 1, "januar": 1, "januari": 1, "january": 1,
	"feb": 2, "febr": 2, "februar": 2, "februari": 2, "february": 2,
	"mar": 3, "mars": 3, "marts": 3, "march": 3,
	"apr": 4, "april": 4,
	"mai": 5, "maj": 5, "may": 5,
	"jun": 6, "juni": 6, "june": 6,
	"jul": 7, "juli": 7, "july": 7,
	"aug": 8, "august": 8, "augusti": 8,
	"sep": 9, "sept": 9, "september": 9,
	"okt": 10, "oktober": 10, "oct": 10, "october": 10,
	"nov": 11, "november": 11,
	"des": 12, "dec": 12, "desember": 12, "december": 12,
}

// MonthNamed answers the month a lower-case word names in any of the
// product's languages («okt», «oktober», «october»); ok false otherwise.
func MonthNamed(word string) (time.Month, bool) {
	m, ok := monthWords[word]
	return m, ok
}
