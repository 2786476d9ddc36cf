package statdata

import "strings"

// jsonStatStatus interprets a JSON-stat status symbol together with the
// cell's value. The symbols are those of SSB's and the PxWeb offices'
// tables:
//
//	symbol  meaning                                         status
//	""      no symbol                                       OK, or Missing when the value is null
//	"."     not applicable / category not possible          Missing
//	".."    not available                                   Missing
//	"..."   not yet available                               Missing
//	":"     suppressed for confidentiality                  Suppressed (any value is dropped)
//	"-"     zero by nature / nil                            OK with its value, Missing without
//	"p"     provisional (Eurostat)                          Preliminary with a value
//	other   unknown                                         Flagged with a value, Missing without
//
// A null value is never read as zero, whatever the symbol.
func jsonStatStatus(symbol string, v *float64) (Status, *float64) {
	switch strings.TrimSpace(symbol) {
	case ":":
		return StatusSuppressed, nil
	case ".", "..", "...":
		return StatusMissing, nil
	}
	if v == nil {
		return StatusMissing, nil
	}
	switch strings.TrimSpace(symbol) {
	case "", "-":
		return StatusOK, v
	case "p":
		return StatusPreliminary, v
	}
	return StatusFlagged, v
}

// koladaStatus interprets Kolada's free-text status. Kolada documents the
// field as a string and leaves it empty for ordinary values; we read texts
// that speak of confidentiality as Suppressed and of preliminary figures as
// Preliminary, and keep anything else as Flagged (with a value) or Missing.
func koladaStatus(text string, v *float64, deleted bool) (Status, *float64) {
	t := strings.ToLower(strings.TrimSpace(text))
	switch {
	case deleted:
		return StatusDeleted, nil
	case strings.Contains(t, "sekretess") || strings.Contains(t, "suppress") || strings.Contains(t, "confidential"):
		return StatusSuppressed, nil
	case v == nil:
		return StatusMissing, nil
	case t == "":
		return StatusOK, v
	case strings.Contains(t, "prel"):
		return StatusPreliminary, v
	}
	return StatusFlagged, v
}

// normGender maps the offices' gender codes onto "T", "K", "M". Codes it
// does not know are kept as published.
//
//	source   total             women        men
//	SSB      "0"               "2"          "1"
//	SCB      "1+2", "TOT"      "2"          "1"
//	DST      "TOT"             "K", "2"     "M", "1"
//	Kolada   "T"               "K" ("F")    "M"
func normGender(code string) string {
	switch strings.ToUpper(code) {
	case "T", "0", "1+2", "TOT", "TOTAL", "I ALT":
		return "T"
	case "K", "F", "2":
		return "K"
	case "M", "1":
		return "M"
	}
	return code
}
