package statdata

import (
	"errors"
	"fmt"
)

// Limits that protect the server from hostile or mistaken inputs.
const (
	// MaxInputBytes is the largest response body a reader accepts.
	MaxInputBytes = 50 << 20
	// MaxCells is the largest JSON-stat cube (product of its sizes) a
	// reader expands into observations.
	MaxCells = 5_000_000
)

// Errors returned by the readers, wrapped with details; test with errors.Is.
var (
	// ErrTooLarge: the input or the cube exceeds MaxInputBytes or MaxCells.
	ErrTooLarge = errors.New("statdata: input too large")
	// ErrMalformed: the input is not valid JSON or not the expected format.
	ErrMalformed = errors.New("statdata: malformed input")
	// ErrShape: the JSON is well formed but inconsistent (sizes, indexes,
	// value count).
	ErrShape = errors.New("statdata: inconsistent dataset")
	// ErrUnknownDimension: a JSONStatMap names a dimension the dataset
	// does not have.
	ErrUnknownDimension = errors.New("statdata: unknown dimension")
)

// Status says how far a published figure can be trusted or why it is absent.
type Status string

// Statuses. Value is nil exactly for Missing, Suppressed and Deleted.
const (
	StatusOK          Status = "ok"          // a published value
	StatusPreliminary Status = "preliminary" // a published value marked preliminary/provisional
	StatusFlagged     Status = "flagged"     // a published value with a symbol we do not interpret; see Symbol
	StatusMissing     Status = "missing"     // not available, not applicable, not yet published
	StatusSuppressed  Status = "suppressed"  // withheld for confidentiality
	StatusDeleted     Status = "deleted"     // Kolada: the source withdrew the value
)

// HasValue reports whether observations with this status carry a Value.
func (s Status) HasValue() bool {
	return s == StatusOK || s == StatusPreliminary || s == StatusFlagged
}

// Region kinds. A reader sets one on every observation that has a region.
const (
	KindMunicipality = "municipality"
	KindCounty       = "county" // Norwegian fylke, Swedish län/region, Danish region
	KindCountry      = "country"
	KindGroup        = "group" // comparison groups, aggregates, Danish landsdele
	KindUnit         = "unit"  // Kolada organisational unit (school, home …)
	KindOther        = "other" // a code whose shape we do not know (city districts, …)
)

// Observation is one published figure.
type Observation struct {
	// Indicator is the source's code for the measure: a Kolada KPI id such
	// as "N00945", or the JSON-stat metric (contents) category id; "" when
	// a JSON-stat dataset has no metric dimension.
	Indicator string
	// Region is the source's region code as published ("0301", "3203",
	// "0180", "101", "G123"); "" when the dataset has no region dimension.
	Region string
	// RegionKind is one of the Kind constants, "" when Region is "".
	RegionKind string
	// Period is as published: "2019", "2019M03", "2020K1", "2014U30".
	Period string
	// Gender is "T" total, "K" women, "M" men, "" when there is no split.
	Gender string
	// Value is nil when the figure is missing, suppressed or deleted.
	Value *float64
	// Status interprets Symbol (and a nil Value).
	Status Status
	// Symbol is the raw JSON-stat status symbol or Kolada status text.
	Symbol string
	// Count is Kolada's count (members of a group behind an average).
	Count *float64
	// Extra holds every other dimension: dimension id -> category id.
	Extra map[string]string
}

// Meta describes the response a set of observations came from.
type Meta struct {
	Format    string // "json-stat2", "json-stat1", "kolada"
	Label     string // dataset title
	Source    string // publisher as stated in the response
	Updated   string // as published (RFC 3339 in practice)
	TableID   string // PxWeb table id (extension.px.tableid) when given
	Region    string // dimension ids used for Region, Period, Indicator, Gender
	Period    string
	Indicator string
	Gender    string
	// Total is Kolada's "count"; Next is the URL of the next Kolada page
	// ("" on the last page).
	Total int
	Next  string
}

func shapeErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrShape}, args...)...)
}

func checkSize(data []byte) error {
	if len(data) > MaxInputBytes {
		return fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(data), MaxInputBytes)
	}
	return nil
}
