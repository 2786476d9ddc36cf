package statdata

import "strings"

// RegionScheme names the coding of a JSON-stat region dimension.
type RegionScheme string

// Schemes. Norway and Sweden share shapes (two-digit counties, four-digit
// municipalities), so SchemeNordic serves both; Denmark differs.
const (
	SchemeAuto    RegionScheme = ""        // decide from the dataset (source, dimension id)
	SchemeNordic  RegionScheme = "nordic"  // SSB and SCB
	SchemeDenmark RegionScheme = "denmark" // Statistics Denmark
)

// nordicKind classifies SSB and SCB region codes.
//
//	code                     kind          example
//	"0", "00", "0000"        country       SSB "0" Hele landet, SCB "00" Riket
//	"EAK"                    country       SSB KOSTRA "Landet"
//	"EAKUO", "EKA..", "EKG.." group        SSB KOSTRA aggregates and comparison groups
//	two digits               county        SSB "03" Oslo fylke, "32" Akershus; SCB "01" Stockholms län
//	four digits              municipality  SSB "0301" Oslo, "3203" Asker; SCB "0180" Stockholm
//	"K" + four digits        municipality  "K3232" (prefixed municipality codes)
//	"F" + two digits         county        "F32"
//	anything else            other         SSB city districts "030101", "SE" …
func nordicKind(code string) string {
	switch {
	case allZero(code):
		return KindCountry
	case code == "EAK":
		return KindCountry
	case strings.HasPrefix(code, "EA") || strings.HasPrefix(code, "EK"):
		return KindGroup
	case isDigits(code, 2):
		return KindCounty
	case isDigits(code, 4):
		return KindMunicipality
	case len(code) == 5 && code[0] == 'K' && isDigits(code[1:], 4):
		return KindMunicipality
	case len(code) == 3 && code[0] == 'F' && isDigits(code[1:], 2):
		return KindCounty
	}
	return KindOther
}

// denmarkKind classifies Statistics Denmark OMRÅDE codes.
//
//	code                  kind          example
//	"000"                 country       Hele landet
//	"081"–"085"           county        the five regions (Nordjylland … Hovedstaden)
//	"101"–"860"           municipality  "101" København, "851" Aalborg
//	one or two digits     group         landsdele ("01" Byen København …)
//	anything else         other
func denmarkKind(code string) string {
	switch {
	case allZero(code):
		return KindCountry
	case isDigits(code, 3) && code >= "081" && code <= "085":
		return KindCounty
	case isDigits(code, 3) && code >= "101" && code <= "860":
		return KindMunicipality
	case isDigits(code, 1) || isDigits(code, 2):
		return KindGroup
	}
	return KindOther
}

// koladaKind classifies Kolada municipality ids.
//
//	id                 kind          example
//	"0000"             country       Riket
//	"0001"–"0025"      county        regions (former landsting), "0001" Region Stockholm
//	other four digits  municipality  "0180" Stockholm, "1480" Göteborg
//	"G…"               group         municipality groups, "G124026"
//	anything else      other
func koladaKind(id string) string {
	switch {
	case id == "0000":
		return KindCountry
	case isDigits(id, 4) && id >= "0001" && id <= "0025":
		return KindCounty
	case isDigits(id, 4):
		return KindMunicipality
	case strings.HasPrefix(id, "G"):
		return KindGroup
	}
	return KindOther
}

func allZero(s string) bool {
	return s != "" && strings.Trim(s, "0") == ""
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
