package i18n_test

import (
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/i18n"
)

// TestDateInput: a date field shows the day the page's language's way and
// reads back what it showed, and the other common ways; an impossible day
// is refused.
func TestDateInput(t *testing.T) {
	day := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	for loc, want := range map[string]string{"nb": "03.12.2026", "da": "03.12.2026", "sv": "2026-12-03", "en": "2026-12-03"} {
		got := i18n.FormatDateInput(loc, day)
		if got != want {
			t.Errorf("%s: %q; want %q", loc, got, want)
		}
		if back, ok := i18n.ParseDate(got); !ok || !back.Equal(day) {
			t.Errorf("%s: %q reads back as %v, %v", loc, got, back, ok)
		}
	}
	for _, s := range []string{"3.12.2026", " 03.12.2026 ", "3/12/2026", "3.12.26", "2026-12-03"} {
		if got, ok := i18n.ParseDate(s); !ok || !got.Equal(day) {
			t.Errorf("%q: %v, %v; want 3 December 2026", s, got, ok)
		}
	}
	for _, s := range []string{"", "32.12.2026", "2026-13-01", "12/31/2026", "i morgen"} {
		if got, ok := i18n.ParseDate(s); ok {
			t.Errorf("%q read as %v; want refused", s, got)
		}
	}
	if i18n.FormatDateInput("nb", time.Time{}) != "" {
		t.Error("no day is not an empty field")
	}
}
