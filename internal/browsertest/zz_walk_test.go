//go:build walk

package browsertest

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestWalk visits pages of a running product as demo users and keeps
// full-page screenshots (WALK_URL, WALK_OUT, WALK_PAGES "email|lang|path,...").
func TestWalk(t *testing.T) {
	base, out := os.Getenv("WALK_URL"), os.Getenv("WALK_OUT")
	for _, spec := range strings.Split(os.Getenv("WALK_PAGES"), ",") {
		parts := strings.SplitN(spec, "|", 3)
		email, lang, path := parts[0], parts[1], parts[2]
		for _, w := range []int{1280, 360} {
			b := NewBrowser(t, WithViewport(1280, 900))
			b.SetViewport(t, w, 900)
			b.SignIn(t, base, email, "demo-pass-2026")
			Eval[any](t, b, fmt.Sprintf(`fetch('/language', {method:'POST', headers:{'Content-Type':'application/x-www-form-urlencoded'}, body:'locale=%s&next=/'}).then(()=>1)`, lang))
			code := b.Visit(t, base+path)
			name := fmt.Sprintf("%s/%s-%s-%d-%s.png", out, strings.Split(email, "@")[0], lang, w, strings.NewReplacer("/", "_", "?", "_", "=", "_", "&", "_").Replace(path))
			b.Screenshot(t, name)
			sw := Eval[float64](t, b, `document.documentElement.scrollWidth`)
			t.Logf("%s %s %d px: %d, scrollWidth %v -> %s", email, path, w, code, sw, name)
		}
	}
}
