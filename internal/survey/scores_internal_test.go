package survey

import (
	"encoding/json"
	"maps"
	"testing"
)

// TestScoresReadAsStored: a response's scores read back exactly as any JSON
// decoder reads them, through the fast path for what Value writes and
// through encoding/json for anything else stored; what is not a score
// object is an error, never an empty rose.
func TestScoresReadAsStored(t *testing.T) {
	written, err := answerScores{"q1": 5, "spørsmål_2": 1, "q10": 3, "arbeid«ø»": 4}.Value()
	if err != nil {
		t.Fatal(err)
	}
	for _, stored := range []any{
		written, []byte(written.(string)), `{}`, `{"a":0}`, `{"a":123456}`,
		`{ "a" : 1 , "b":2 }`, `{"a\"b":3}`, `{"\u00e6":2}`, `{"a":-1}`, `{"a":1,"a":2}`,
	} {
		var got answerScores
		if err := got.Scan(stored); err != nil {
			t.Errorf("Scan(%q): %v", stored, err)
			continue
		}
		var s string
		switch x := stored.(type) {
		case string:
			s = x
		case []byte:
			s = string(x)
		}
		want := map[string]int{}
		if err := json.Unmarshal([]byte(s), &want); err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(map[string]int(got), want) {
			t.Errorf("Scan(%q) = %v, want %v", s, got, want)
		}
	}
	for _, bad := range []any{`{"a":1`, `{"a":}`, `{"a":1,}`, `[1,2]`, `{"a":"x"}`, `{"a":1}x`, 42} {
		var got answerScores
		if err := got.Scan(bad); err == nil {
			t.Errorf("Scan(%v) = %v, want an error", bad, got)
		}
	}
	var null answerScores
	if err := null.Scan(nil); err != nil || null == nil || len(null) != 0 {
		t.Errorf("Scan(nil) = %v, %v; want empty scores", null, err)
	}
}

// BenchmarkScoresScan reads one stored response's scores of 20 questions.
func BenchmarkScoresScan(b *testing.B) {
	m := answerScores{}
	for i := range 20 {
		m["q"+string(rune('a'+i))] = i%5 + 1
	}
	v, _ := m.Value()
	b.ReportAllocs()
	for b.Loop() {
		var got answerScores
		if err := got.Scan(v); err != nil {
			b.Fatal(err)
		}
	}
}
