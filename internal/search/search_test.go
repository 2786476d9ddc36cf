package search_test

import "testing"

import "github.com/samvirke/samvirke/internal/search"

func TestMatches(t *testing.T) {
	cases := []struct {
		q     string
		texts []string
		want  bool
	}{
		{"øSTGÅRD", []string{"Åse Østgård"}, true},
		{"åse østgård", []string{"Åse", "Østgård"}, true},
		{"åse trondheim", []string{"Åse Østgård", "ase@trysil.example"}, false},
		{"trysil", []string{"Åse Østgård", "ase@trysil.example"}, true},
	}
	for _, c := range cases {
		if got := search.Matches(c.q, c.texts...); got != c.want {
			t.Errorf("Matches(%q, %q) = %v; want %v", c.q, c.texts, got, c.want)
		}
	}
}
