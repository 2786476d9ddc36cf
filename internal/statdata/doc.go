// Package statdata reads published official statistics into neutral
// observations: JSON-stat (Statistics Norway, Statistics Denmark, Statistics
// Sweden and other PxWeb services) and Kolada's data API (v2 and v3). It is
// pure: no database, no network, no clock. The indicator capability stores
// what it returns.
//
// Two rules hold for every reader:
//
//   - A figure that is missing, not applicable or suppressed has a nil
//     Value and a Status saying which; it is never read as 0.
//   - A national, regional or group row is never mistaken for a
//     municipality: each observation carries a RegionKind from the tables
//     in region.go.
//
// Inputs larger than MaxInputBytes and JSON-stat cubes with more than
// MaxCells cells are refused before any observation is built.
//
// # Source
//
// Nothing here fetches. A scheduled fetch can be switched on later by a task
// in the indicator capability that builds its request with SSBDataURL
// (PxWebApi v2, json-stat2) or KoladaDataURL (Kolada v3), performs it with a
// bounded http.Client (timeout, io.LimitReader(MaxInputBytes+1)), and hands
// the body to ReadJSONStat or ReadKolada. Kolada pages: follow Meta.Next
// until it is empty. SSB limits a request to 800 000 cells and 30 calls a
// minute; keep selections small and the schedule daily at most.
package statdata
