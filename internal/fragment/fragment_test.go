package fragment

import (
	"html/template"
	"strings"
	"testing"
)

// TestWritesAsTheTemplateWould writes hostile, Nordic and URL-shaped
// strings as text, as an attribute's value and as a link, and finds each
// byte for byte as html/template writes it in the same place.
func TestWritesAsTheTemplateWould(t *testing.T) {
	tpl := template.Must(template.New("").Parse(`<p title="{{.}}">{{.}}</p><a href="{{.}}">x</a>`))
	for _, s := range []string{
		"", "Ås «Bosetting» § 3 + 4", `<script>alert("x")</script>`, "Aabenraa & 'Sønderborg'", "nul\x00byte",
		"/o/ås kommune/workbooks/1?a=1&b=2+3 'x'(y)%41%zz", "javascript:alert(1)", "JavaScript:x", "a?b:c",
		"https://example.org/x y?q=æ#frag", "mailto:ko@example.org", "data:text/html,<b>", "//example.org/x",
	} {
		var want strings.Builder
		if err := tpl.Execute(&want, s); err != nil {
			t.Fatal(err)
		}
		var f Writer
		f.Raw(`<p title="`)
		f.Text(s)
		f.Raw(`">`)
		f.Raw(Escape(s))
		f.Raw(`</p><a href="`)
		f.URL(s)
		f.Raw(`">x</a>`)
		if got := string(f.HTML()); got != want.String() {
			t.Errorf("%q:\nwritten  %s\ntemplate %s", s, got, want.String())
		}
	}
}
