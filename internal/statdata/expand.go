package statdata

// expand walks the cube in row-major order (the last dimension varies
// fastest) and builds one observation per cell.
func expand(ids []string, cats [][]string, values []*float64, symbols []string, p pick, kind func(string) string) []Observation {
	n := len(values)
	out := make([]Observation, n)
	coord := make([]int, len(ids))
	extraDims := 0
	for d := range ids {
		if d != p.region && d != p.period && d != p.indicator && d != p.gender {
			extraDims++
		}
	}
	for i := 0; i < n; i++ {
		o := &out[i]
		if extraDims > 0 {
			o.Extra = make(map[string]string, extraDims)
		}
		for d, c := range coord {
			cat := cats[d][c]
			switch d {
			case p.region:
				o.Region = cat
				o.RegionKind = kind(cat)
			case p.period:
				o.Period = cat
			case p.indicator:
				o.Indicator = cat
			case p.gender:
				o.Gender = normGender(cat)
			default:
				o.Extra[ids[d]] = cat
			}
		}
		if symbols != nil {
			o.Symbol = symbols[i]
		}
		o.Status, o.Value = jsonStatStatus(o.Symbol, values[i])
		for d := len(coord) - 1; d >= 0; d-- {
			coord[d]++
			if coord[d] < len(cats[d]) {
				break
			}
			coord[d] = 0
		}
	}
	return out
}
